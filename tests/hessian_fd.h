/* hessian_fd.h - the truth of the ART saddle tests: the full 3N x 3N Hessian
 * of a surface by central differences of its forces, symmetrised, and its
 * eigenvalues (gsl_eigen_symm), sorted.  Header-only: only the tests that
 * link pel_art include it. */
#ifndef PEL_TEST_HESSIAN_FD_H
#define PEL_TEST_HESSIAN_FD_H

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_sort_vector.h>

#include "pel/art.h"

/* Sorted eigenvalues (eV/Å^2) of the Hessian at x[n], step h Å (O(h^2)). */
static inline gsl_vector *pel_test_hessian_spectrum(const pel_art_surface *surf, const double *x, size_t n, double h)
{
    gsl_matrix *hm = gsl_matrix_alloc(n, n);
    double *xp = malloc(n * sizeof *xp), *fp = malloc(n * sizeof *fp), *fm = malloc(n * sizeof *fm), e;
    memcpy(xp, x, n * sizeof *xp);
    for (size_t j = 0; j < n; j++) {
        xp[j] = x[j] + h;
        surf->force(surf->ctx, xp, fp, &e, NULL);
        xp[j] = x[j] - h;
        surf->force(surf->ctx, xp, fm, &e, NULL);
        xp[j] = x[j];
        for (size_t i = 0; i < n; i++)
            gsl_matrix_set(hm, i, j, -(fp[i] - fm[i]) / (2 * h));
    }
    for (size_t i = 0; i < n; i++) /* symmetric to O(h^2) */
        for (size_t j = 0; j < i; j++) {
            double s = 0.5 * (gsl_matrix_get(hm, i, j) + gsl_matrix_get(hm, j, i));
            gsl_matrix_set(hm, i, j, s);
            gsl_matrix_set(hm, j, i, s);
        }
    gsl_vector *val = gsl_vector_alloc(n);
    gsl_eigen_symm_workspace *ws = gsl_eigen_symm_alloc(n);
    gsl_eigen_symm(hm, val, ws);
    gsl_sort_vector(val);
    gsl_eigen_symm_free(ws);
    gsl_matrix_free(hm);
    free(xp);
    free(fp);
    free(fm);
    return val;
}

#endif
