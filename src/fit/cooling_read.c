/* cooling_read.c - read the (T_K, E_IS_eV_per_atom) columns of a cooling
 * table (`pel quench` cooling.csv) for pel_calibrate_eq_line
 * (include/pel/calibrate.h), through the shared CSV reader (pel/csv.h). */
#include <stdlib.h>

#include "pel/calibrate.h"
#include "pel/csv.h"

int pel_calibrate_read_cooling(const char *path, double **T_K, double **E, size_t *n, pel_error *err)
{
    *T_K = *E = NULL;
    *n = 0;
    pel_csv t;
    int rc = pel_csv_read(path, &t, err);
    if (rc != PEL_OK)
        return rc;
    long cT = pel_csv_col(&t, "T_K"), cE = pel_csv_col(&t, "E_IS_eV_per_atom");
    if (cT < 0 || cE < 0)
        rc = pel_error_set(err, PEL_EPARSE, "%s: header lacks T_K or E_IS_eV_per_atom", path);
    else if (t.nrow && (!(*T_K = malloc(t.nrow * sizeof **T_K)) || !(*E = malloc(t.nrow * sizeof **E))))
        rc = pel_error_set(err, PEL_ENOMEM, "%s: out of memory", path);
    for (size_t i = 0; rc == PEL_OK && i < t.nrow; i++)
        if ((rc = pel_csv_num(&t, i, (size_t)cT, &(*T_K)[i], err)) == PEL_OK)
            rc = pel_csv_num(&t, i, (size_t)cE, &(*E)[i], err);
    if (rc == PEL_OK)
        *n = t.nrow;
    else {
        free(*T_K);
        free(*E);
        *T_K = *E = NULL;
    }
    pel_csv_clear(&t);
    return rc;
}
