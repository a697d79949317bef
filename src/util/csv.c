/* csv.c - a small reader for the CSV files pel writes and reads back for
 * plotting and calibration (run output, `pel quench` cooling tables, ART catalogs):
 * one header line, comma-separated cells, no embedded commas or quotes
 * (surrounding blanks and double quotes are stripped). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pel/csv.h"
#include "pel/util.h"

/* Strip blanks, CR/LF and one pair of surrounding double quotes in place. */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        s[n - 1] = '\0';
        s++;
    }
    return s;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* Split `line` at commas into at most `max` trimmed cells; returns the count
 * (which may exceed max, meaning "too many"). */
static size_t split(char *line, char **cell, size_t max)
{
    size_t k = 0;
    char *p = line;
    for (;;) {
        char *c = strchr(p, ',');
        if (c)
            *c = '\0';
        if (k < max)
            cell[k] = trim(p);
        k++;
        if (!c)
            return k;
        p = c + 1;
    }
}

static int is_blank_or_comment(const char *line)
{
    while (*line == ' ' || *line == '\t')
        line++;
    return *line == '#' || *line == '\0' || *line == '\n' || *line == '\r';
}

void pel_csv_clear(pel_csv *t)
{
    if (!t)
        return;
    for (size_t i = 0; t->names && i < t->ncol; i++)
        free(t->names[i]);
    for (size_t i = 0; t->cells && i < t->ncol * t->nrow; i++)
        free(t->cells[i]);
    free(t->names);
    free(t->cells);
    free(t->line);
    free(t->path);
    memset(t, 0, sizeof *t);
}

/* Append one row of cells (copies); NULL cells become "". */
static int push_row(pel_csv *t, size_t *cap, char **cell, size_t n, size_t lineno)
{
    if (t->nrow == *cap) {
        size_t nc = *cap ? 2 * *cap : 64;
        char **c = realloc(t->cells, nc * t->ncol * sizeof *c);
        if (!c)
            return PEL_ENOMEM;
        t->cells = c;
        size_t *l = realloc(t->line, nc * sizeof *l);
        if (!l)
            return PEL_ENOMEM;
        t->line = l;
        *cap = nc;
    }
    t->line[t->nrow] = lineno;
    char **row = t->cells + t->nrow * t->ncol;
    for (size_t j = 0; j < t->ncol; j++) {
        row[j] = dup_str(j < n ? cell[j] : "");
        if (!row[j]) {
            for (size_t i = 0; i < j; i++)
                free(row[i]);
            return PEL_ENOMEM;
        }
    }
    t->nrow++;
    return PEL_OK;
}

int pel_csv_read(const char *path, pel_csv *out, pel_error *err)
{
    memset(out, 0, sizeof *out);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return pel_error_set(err, PEL_EIO, "cannot open %s: %s", path, strerror(errno));
    if (!(out->path = dup_str(path))) {
        fclose(fp);
        return pel_error_set(err, PEL_ENOMEM, "out of memory reading %s", path);
    }
    char *line = NULL, **cell = NULL;
    size_t linecap = 0, cap = 0, lineno = 0;
    int rc = PEL_OK;
    ssize_t len;
    while ((len = getline(&line, &linecap, fp)) >= 0) {
        lineno++;
        if (is_blank_or_comment(line))
            continue;
        if (!out->names) {
            /* header: count commas first to size the arrays */
            size_t n = 1;
            for (const char *p = line; *p; p++)
                n += *p == ',';
            if (n > PEL_CSV_MAX_COLS) {
                rc = pel_error_set(err, PEL_EPARSE, "%s line %zu: %zu columns in the header (at most %d)", path, lineno,
                                   n, PEL_CSV_MAX_COLS);
                break;
            }
            out->names = calloc(n, sizeof *out->names);
            cell = calloc(n + 1, sizeof *cell);
            if (!out->names || !cell) {
                rc = pel_error_set(err, PEL_ENOMEM, "out of memory reading %s", path);
                break;
            }
            out->ncol = n;
            split(line, cell, n);
            for (size_t j = 0; j < n && rc == PEL_OK; j++)
                if (!(out->names[j] = dup_str(cell[j])))
                    rc = pel_error_set(err, PEL_ENOMEM, "out of memory reading %s", path);
            continue;
        }
        if (line[len - 1] != '\n') {
            /* a writer killed mid-row leaves "300,-4" for "300,-4.7012": a
             * number that parses but is wrong, so a torn row is refused */
            rc = pel_error_set(err, PEL_EPARSE, "%s line %zu: last line has no end of line (file torn or still being "
                               "written?)", path, lineno);
            break;
        }
        size_t n = split(line, cell, out->ncol);
        if (n != out->ncol) {
            rc = pel_error_set(err, PEL_EPARSE, "%s line %zu: %zu cells but the header has %zu columns", path,
                               lineno, n, out->ncol);
            break;
        }
        if ((out->nrow + 1) * out->ncol > PEL_CSV_MAX_CELLS) {
            rc = pel_error_set(err, PEL_EPARSE, "%s line %zu: more than %d cells: file too large for the CSV reader",
                               path, lineno, PEL_CSV_MAX_CELLS);
            break;
        }
        if (push_row(out, &cap, cell, n, lineno) != PEL_OK) {
            rc = pel_error_set(err, PEL_ENOMEM, "out of memory reading %s", path);
            break;
        }
    }
    if (rc == PEL_OK && ferror(fp))
        rc = pel_error_set(err, PEL_EIO, "error reading %s", path);
    if (rc == PEL_OK && !out->names)
        rc = pel_error_set(err, PEL_EPARSE, "%s: empty file (no header line)", path);
    free(line);
    free(cell);
    fclose(fp);
    if (rc != PEL_OK)
        pel_csv_clear(out);
    return rc;
}

long pel_csv_col(const pel_csv *t, const char *name)
{
    for (size_t j = 0; j < t->ncol; j++)
        if (!strcmp(t->names[j], name))
            return (long)j;
    return -1;
}

const char *pel_csv_cell(const pel_csv *t, size_t row, size_t col)
{
    return t->cells[row * t->ncol + col];
}

int pel_csv_num(const pel_csv *t, size_t row, size_t col, double *v, pel_error *err)
{
    char what[512];
    snprintf(what, sizeof what, "%s:%zu: %s", t->path, t->line[row], t->names[col]);
    return pel_parse_double(pel_csv_cell(t, row, col), what, v, err);
}
