/* catalog.h - the ART event catalog: a CSV file with one row per search
 * (docs/art.md "Catalog format").
 *
 * The first 13 columns are fixed because other tools read them:
 *   search_id,center_id,status,E_initial_eV,E_saddle_eV,E_final_eV,EA_eV,ER_eV,
 *   eigenvalue_eV_per_A2,force_eV_per_A,force_calls,n_displaced,max_disp_A
 * followed by force_calls_saddle, E_IS_eV_per_atom (E_initial / N, read by
 * `pel fit`), max_disp_dist_A (distance from the centre of the atom that moved
 * most, initial minimum to saddle) and displaced_ids (atom ids moved more than the displacement
 * threshold between initial and saddle, ';'-separated, ascending), E_back_eV and
 * back_disp_A (energy of the pushed-back minimum and the largest atom
 * displacement between it and the initial minimum: the connectivity check's
 * evidence) and eigenvalue2_eV_per_A2 (second-lowest Hessian eigenvalue at the
 * saddle: >= 0 up to the order tolerance for a first-order saddle).  Values a failed search never reached are empty fields.
 *
 * Writing is append-only, one whole line per write(2) followed by fsync, so a
 * kill leaves at most one torn last line; pel_catalog_recover truncates it. */
#ifndef PEL_CATALOG_H
#define PEL_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "pel/art.h"
#include "pel/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PEL_CATALOG_HEADER                                                                                 \
    "search_id,center_id,status,E_initial_eV,E_saddle_eV,E_final_eV,EA_eV,ER_eV,eigenvalue_eV_per_A2,"     \
    "force_eV_per_A,force_calls,n_displaced,max_disp_A,force_calls_saddle,E_IS_eV_per_atom,max_disp_dist_A," \
    "displaced_ids,E_back_eV,back_disp_A,eigenvalue2_eV_per_A2"
/* The header of catalogs written before the last three columns existed (read, never appended to). */
#define PEL_CATALOG_HEADER_V1                                                                              \
    "search_id,center_id,status,E_initial_eV,E_saddle_eV,E_final_eV,EA_eV,ER_eV,eigenvalue_eV_per_A2,"     \
    "force_eV_per_A,force_calls,n_displaced,max_disp_A,force_calls_saddle,E_IS_eV_per_atom,max_disp_dist_A," \
    "displaced_ids"

/* Default redundancy tolerance on E_saddle, eV (docs/art.md). */
#define PEL_CATALOG_SADDLE_TOL 1e-3

typedef struct pel_catalog_row {
    long search_id;
    long center_id;          /* atom id (as in the data file) of the central atom */
    int status;              /* pel_art_status */
    double e_initial, e_saddle, e_final, ea, er, eigenvalue, force, max_disp; /* NaN = not reached */
    double e_is_per_atom;    /* E_initial / number of atoms, eV (NaN = unknown) */
    double max_disp_dist;    /* distance of the most displaced atom from the centre, Å (NaN = none) */
    double e_back, back_disp; /* pushed-back minimum: energy, eV, and largest displacement from the
                                 initial minimum, Å (NaN = not reached or an older catalog) */
    double eigenvalue2;      /* second-lowest eigenvalue at the saddle, eV/Å^2 (NaN = not reached or
                                an older catalog) */
    long force_calls, force_calls_saddle;
    size_t n_displaced;
    int64_t *displaced_ids;  /* [n_displaced] owned by the row (catalog) */
} pel_catalog_row;

typedef struct pel_catalog {
    int v1;                  /* read from a catalog with the older header (17 columns) */
    size_t n, cap;
    pel_catalog_row *rows;
} pel_catalog;

/* Read a catalog strictly: wrong header, malformed or torn rows and duplicate
 * search ids are PEL_EPARSE naming the file and line. */
int pel_catalog_read(const char *path, pel_catalog **out, pel_error *err);
/* Resume scan: if the file ends in a torn line (no final newline), truncate it
 * away (ftruncate), then read strictly.  A missing or empty file gives an empty
 * catalog.  *truncated is set when a torn line was removed. */
int pel_catalog_recover(const char *path, pel_catalog **out, int *truncated, pel_error *err);
void pel_catalog_free(pel_catalog **cat);

/* Fill a row from one search result; ids[i] is the data-file id of atom i
 * (NULL: ids are indices + 1); natoms gives E_IS_eV_per_atom (0: unknown).  The row owns a copy of the displaced ids;
 * release with pel_catalog_row_clear. */
int pel_catalog_row_from_result(pel_catalog_row *row, long search_id, long center_id, const pel_art_result *res,
                                const int64_t *ids, size_t natoms, pel_error *err);
void pel_catalog_row_clear(pel_catalog_row *row);
/* Append a copy of row to cat. */
int pel_catalog_add(pel_catalog *cat, const pel_catalog_row *row, pel_error *err);

/* Append-only writer.  Opening creates the file with the header, or appends
 * to an existing catalog whose header matches (after pel_catalog_recover). */
typedef struct pel_catalog_writer pel_catalog_writer;
int pel_catalog_writer_open(const char *path, pel_catalog_writer **out, pel_error *err);
/* Format the row as one line, write it with a single write(2), fsync.
 * Not thread-safe: serialise calls. */
int pel_catalog_writer_append(pel_catalog_writer *w, const pel_catalog_row *row, pel_error *err);
void pel_catalog_writer_close(pel_catalog_writer **w);

/* Sort rows by search_id. */
void pel_catalog_sort(pel_catalog *cat);
/* Redundancy filter (docs/art.md): in search_id order, a converged event is
 * "redundant" when an earlier kept converged event has |E_saddle difference|
 * <= e_tol and exactly the same set of displaced atom ids.  Idempotent (rows
 * already marked redundant are re-judged).  Returns the number marked. */
size_t pel_catalog_filter_redundant(pel_catalog *cat, double e_tol);
/* Rewrite the whole catalog atomically (temp file + rename, pel_afile). */
int pel_catalog_write(const pel_catalog *cat, const char *path, pel_error *err);

#ifdef __cplusplus
}
#endif

#endif
