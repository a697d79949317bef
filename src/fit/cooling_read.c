/* cooling_read.c - read the (T_K, E_IS_eV_per_atom) columns of a cooling
 * table (`pel quench` cooling.csv) for pel_calibrate_eq_line
 * (include/pel/calibrate.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "pel/calibrate.h"
#include "pel/util.h"

#define COOL_MAX_COLS 64

/* Split a CSV line in place; returns the field count (> max: too many). */
static int split_csv(char *line, char **tok, int max)
{
    int n = 0;
    for (char *p = line;;) {
        if (n == max)
            return max + 1;
        tok[n++] = p;
        char *c = strchr(p, ',');
        if (!c)
            return n;
        *c = '\0';
        p = c + 1;
    }
}

int pel_calibrate_read_cooling(const char *path, double **T_K, double **E, size_t *n, pel_error *err)
{
    *T_K = *E = NULL;
    *n = 0;
    FILE *fp = fopen(path, "r");
    if (!fp)
        return pel_error_set(err, PEL_EIO, "cannot open %s: %s", path, strerror(errno));
    char *line = NULL, *tok[COOL_MAX_COLS];
    size_t cap = 0, vcap = 0;
    long lineno = 0;
    int ncol = 0, cT = -1, cE = -1, rc = PEL_OK;
    ssize_t len;
    while (rc == PEL_OK && (len = getline(&line, &cap, fp)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        int k = split_csv(line, tok, COOL_MAX_COLS);
        if (k > COOL_MAX_COLS) {
            rc = pel_error_set(err, PEL_EPARSE, "%s:%ld: more than %d columns", path, lineno, COOL_MAX_COLS);
            break;
        }
        if (ncol == 0) { /* header */
            ncol = k;
            for (int i = 0; i < k; i++) {
                if (!strcmp(tok[i], "T_K"))
                    cT = i;
                if (!strcmp(tok[i], "E_IS_eV_per_atom"))
                    cE = i;
            }
            if (cT < 0 || cE < 0)
                rc = pel_error_set(err, PEL_EPARSE, "%s:%ld: header lacks T_K or E_IS_eV_per_atom", path, lineno);
            continue;
        }
        if (k != ncol) {
            rc = pel_error_set(err, PEL_EPARSE, "%s:%ld: %d fields where the header has %d", path, lineno, k, ncol);
            break;
        }
        if (*n == vcap) {
            vcap = vcap ? 2 * vcap : 64;
            double *a = realloc(*T_K, vcap * sizeof *a), *b = a ? realloc(*E, vcap * sizeof *b) : NULL;
            if (a)
                *T_K = a;
            if (b)
                *E = b;
            if (!a || !b) {
                rc = pel_error_set(err, PEL_ENOMEM, "%s: out of memory", path);
                break;
            }
        }
        char what[128];
        snprintf(what, sizeof what, "%s:%ld: T_K", path, lineno);
        if ((rc = pel_parse_double(tok[cT], what, &(*T_K)[*n], err)) != PEL_OK)
            break;
        snprintf(what, sizeof what, "%s:%ld: E_IS_eV_per_atom", path, lineno);
        if ((rc = pel_parse_double(tok[cE], what, &(*E)[*n], err)) != PEL_OK)
            break;
        (*n)++;
    }
    if (rc == PEL_OK && ncol == 0)
        rc = pel_error_set(err, PEL_EPARSE, "%s: no header line", path);
    free(line);
    fclose(fp);
    if (rc != PEL_OK) {
        free(*T_K);
        free(*E);
        *T_K = *E = NULL;
        *n = 0;
    }
    return rc;
}
