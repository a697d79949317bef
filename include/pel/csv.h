/* csv.h - a small reader for the CSV files pel writes and reads back
 * (run output, `pel quench` cooling tables, ART catalogs): one header line,
 * comma-separated cells, no embedded commas or quotes.  Used by the figures
 * and by calibration, so it lives in util. */
#ifndef PEL_CSV_H
#define PEL_CSV_H

#include <stddef.h>

#include "pel/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pel_csv {
    size_t ncol, nrow;
    char **names; /* ncol column names (owned) */
    char **cells; /* nrow*ncol cell strings, row-major (owned; "" when absent) */
    size_t *line; /* nrow 1-based file line of each row (owned), for messages */
    char *path;   /* file read (owned), for messages */
} pel_csv;

/* Bounds on what the reader accepts, so a hostile header cannot make it
 * allocate gigabytes (every row holds exactly ncol cells). */
#define PEL_CSV_MAX_COLS 1024
#define PEL_CSV_MAX_CELLS 50000000

/* Read a whole file.  Lines starting with '#' and blank lines are skipped.
 * PEL_EPARSE naming the line for: a row whose cell count differs from the
 * header's, a last row without its end of line (a torn file), more than
 * PEL_CSV_MAX_COLS columns or PEL_CSV_MAX_CELLS cells. */
int pel_csv_read(const char *path, pel_csv *out, pel_error *err);
void pel_csv_clear(pel_csv *t);
/* Index of a column by exact name, or -1. */
long pel_csv_col(const pel_csv *t, const char *name);
/* Cell as a number: PEL_OK, or PEL_EPARSE (empty / non-numeric) naming
 * "<path>:<line>: <column>". */
int pel_csv_num(const pel_csv *t, size_t row, size_t col, double *v, pel_error *err);
const char *pel_csv_cell(const pel_csv *t, size_t row, size_t col);

#ifdef __cplusplus
}
#endif

#endif
