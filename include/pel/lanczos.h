/* lanczos.h - lowest eigenvalue and eigenvector of the Hessian of a
 * potential-energy surface by the Lanczos method, using only forces: the
 * Hessian-vector product is a one-sided finite difference of forces,
 *     H v ~= -(F(x + h v) - F(x)) / h,          |v| = 1,
 * (docs/art.md "One search").  The small tridiagonal problem is solved
 * with GSL (gsl_eigen_symmv).  Works on any surface given as a force callback,
 * so the same code serves analytic test surfaces and the EAM engine.
 * Units: x in Å, forces in eV/Å, eigenvalues in eV/Å^2. */
#ifndef PEL_LANCZOS_H
#define PEL_LANCZOS_H

#include <stddef.h>

#include "pel/error.h"
#include "pel/opt.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A potential-energy surface is a pel_force_fn (include/pel/opt.h): force
 * (minus the gradient, eV/Å) and energy (eV) at x[ndim]. */

typedef struct pel_lanczos_params {
    double fd_step;   /* finite-difference displacement h, Å (default 1e-4; LAMMPS-ARTn uses
                         1e-3; smaller is more accurate while the force noise (~1e-12
                         relative) stays far below h * |lambda|) */
    int max_vectors;  /* Krylov space size cap (default 20; LAMMPS-ARTn 15..30) */
    double rel_tol;   /* stop when |lambda_k - lambda_{k-1}| <= rel_tol * |lambda_k| (default 1e-2,
                         as LAMMPS-ARTn) */
    double abs_tol;   /* ... or when that change is below abs_tol, eV/Å^2 (default 1e-4): keeps a
                         near-zero eigenvalue from demanding endless relative accuracy */
} pel_lanczos_params;

void pel_lanczos_params_default(pel_lanczos_params *p);

/* Workspace for a surface of dimension ndim (Krylov basis, scratch). */
typedef struct pel_lanczos pel_lanczos;

/* On failure *out is NULL and nothing is leaked. */
int pel_lanczos_new(pel_lanczos **out, size_t ndim, const pel_lanczos_params *p, pel_error *err);
void pel_lanczos_free(pel_lanczos **lz);

/* Lowest eigenpair of the Hessian at x, where f0 = F(x) is already known.
 * vec: in, the start vector (warm start from the previous eigenvector; must be
 * nonzero); out, the unit eigenvector estimate.  *eigval in eV/Å^2.
 * *calls is incremented by the force calls made (one per Krylov vector).
 * On failure vec and *eigval are unspecified. */
int pel_lanczos_lowest(pel_lanczos *lz, pel_force_fn force, void *ctx, const double *x, const double *f0,
                       double *vec, double *eigval, long *calls, pel_error *err);

/* The same for H + diag(shift), shift[ndim] in eV/Å^2 (NULL = none): a
 * positive shift on some coordinates stiffens them, so that the lowest mode
 * is the softest one that leaves them (nearly) still; ART uses it to keep
 * the mode near the kicked atoms (docs/art.md "One search").  *eigval is
 * the eigenvalue of the shifted matrix. */
int pel_lanczos_lowest_shifted(pel_lanczos *lz, pel_force_fn force, void *ctx, const double *x, const double *f0,
                               const double *shift, double *vec, double *eigval, long *calls, pel_error *err);

/* The same restricted to the complement of the unit vector `deflate` (NULL =
 * none): Lanczos on P (H + diag(shift)) P, P = 1 - u u^T, start vector
 * projected.  With u the lowest eigenvector this gives the second-lowest
 * eigenpair — ART checks with it that a saddle has one negative mode only. */
int pel_lanczos_lowest_deflated(pel_lanczos *lz, pel_force_fn force, void *ctx, const double *x, const double *f0,
                                const double *shift, const double *deflate, double *vec, double *eigval, long *calls,
                                pel_error *err);

/* Early stop for a yes/no question, "is the lowest eigenvalue below
 * threshold?": from the third Krylov vector on, a run stops once the lowest
 * Ritz value lambda_k is above threshold, its last change d_k =
 * lambda_{k-1} - lambda_k is no larger than the one before (the decrease is
 * slowing, not speeding up towards a new eigenvalue) and d_k < frac
 * (lambda_k - threshold).  Ritz values only decrease as vectors are added,
 * so this stops runs whose answer is clearly "no" without converging the
 * value; the eigenpair returned is then the unconverged Ritz pair (above
 * threshold).  frac <= 0 (the default of a new workspace) turns it off.
 * Applies to the following calls until changed. */
void pel_lanczos_stop_above(pel_lanczos *lz, double threshold, double frac);

/* Number of Krylov vectors used by the last call (for statistics and tests). */
int pel_lanczos_last_iterations(const pel_lanczos *lz);

#ifdef __cplusplus
}
#endif

#endif
