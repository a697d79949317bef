/* cooling_read.c - the CSV inputs of calibration (include/pel/calibrate.h):
 * cooling tables of `pel quench`, MD protocol tables and equilibrium-line
 * files, through the shared CSV reader (pel/csv.h).  Columns are found by
 * name; one helper reads any set of them so that the three readers differ
 * only in which columns they need. */
#include <stdlib.h>
#include <string.h>

#include "pel/calibrate.h"
#include "pel/csv.h"

/* One column request: name, required?, destination array pointer. */
typedef struct col_req {
    const char *name;
    int required;
    double **out; /* set to a new array of nrow values, or NULL if absent */
} col_req;

/* Read path and fill each request (rows in file order).  On failure every
 * array is freed and NULL. */
static int read_columns(const char *path, col_req *req, size_t nreq, size_t *nrow, pel_error *err)
{
    for (size_t k = 0; k < nreq; k++)
        *req[k].out = NULL;
    *nrow = 0;
    pel_csv t;
    int rc = pel_csv_read(path, &t, err);
    if (rc != PEL_OK)
        return rc;
    for (size_t k = 0; rc == PEL_OK && k < nreq; k++) {
        long c = pel_csv_col(&t, req[k].name);
        if (c < 0) {
            if (req[k].required)
                rc = pel_error_set(err, PEL_EPARSE, "%s: missing column %s", path, req[k].name);
            continue;
        }
        if (!(*req[k].out = malloc((t.nrow ? t.nrow : 1) * sizeof(double)))) {
            rc = pel_error_set(err, PEL_ENOMEM, "%s: out of memory", path);
            break;
        }
        for (size_t i = 0; rc == PEL_OK && i < t.nrow; i++)
            rc = pel_csv_num(&t, i, (size_t)c, &(*req[k].out)[i], err);
    }
    if (rc == PEL_OK && t.nrow == 0)
        rc = pel_error_set(err, PEL_EPARSE, "%s: no data rows", path);
    if (rc != PEL_OK) {
        for (size_t k = 0; k < nreq; k++) {
            free(*req[k].out);
            *req[k].out = NULL;
        }
        pel_csv_clear(&t);
        return rc;
    }
    *nrow = t.nrow;
    pel_csv_clear(&t);
    return PEL_OK;
}

/* Keep the rows whose key passes (T_K > 0, or met != 0) in every non-NULL
 * array of arr[narr]; *n and *skipped count kept and dropped rows.  A NULL
 * key keeps every row. */
static void keep_rows(double **arr, size_t narr, size_t nr, const double *key, int by_met, size_t *n,
                      size_t *skipped)
{
    size_t m = 0;
    for (size_t i = 0; i < nr; i++) {
        /* the model has no 0 K (an MD run ending there); met = 0: the MD run
         * did not meet its equilibrium criterion */
        int keep = !key || (by_met ? key[i] != 0.0 : key[i] > 0.0);
        if (!keep)
            continue;
        for (size_t k = 0; k < narr; k++)
            if (arr[k])
                arr[k][m] = arr[k][i];
        m++;
    }
    *n = m;
    *skipped = nr - m;
}

int pel_calibrate_read_cooling(const char *path, double **T_K, double **E, size_t *n, pel_error *err)
{
    col_req req[] = {{"T_K", 1, T_K}, {"E_IS_eV_per_atom", 1, E}};
    return read_columns(path, req, 2, n, err);
}

int pel_calibrate_read_table(const char *path, double **T_K, double **E, double **se, double **t_ps, size_t *n,
                             size_t *n_skipped, pel_error *err)
{
    col_req req[] = {{"T_K", 1, T_K}, {"E_IS_eV_per_atom", 1, E}, {"E_IS_se_eV_per_atom", 0, se}, {"t_ps", 0, t_ps}};
    size_t nr;
    int rc = read_columns(path, req, 4, &nr, err);
    if (rc != PEL_OK)
        return rc;
    double *arr[4] = {*T_K, *E, *se, *t_ps};
    keep_rows(arr, 4, nr, *T_K, 0, n, n_skipped);
    return PEL_OK;
}

int pel_calibrate_read_eqline(const char *path, double **T_K, double **E, double **se, size_t *n,
                              size_t *n_skipped, pel_error *err)
{
    double *met = NULL;
    col_req req[] = {
        {"T_K", 1, T_K}, {"E_eq_eV_per_atom", 1, E}, {"E_eq_se_eV_per_atom", 1, se}, {"met", 0, &met}};
    size_t nr;
    int rc = read_columns(path, req, 4, &nr, err);
    if (rc != PEL_OK)
        return rc;
    double *arr[3] = {*T_K, *E, *se};
    keep_rows(arr, 3, nr, met, 1, n, n_skipped);
    free(met);
    if (*n == 0) {
        free(*T_K), free(*E), free(*se);
        *T_K = *E = *se = NULL;
        return pel_error_set(err, PEL_EINVAL, "%s: no equilibrium row left (%zu with met = 0)", path, *n_skipped);
    }
    return PEL_OK;
}
