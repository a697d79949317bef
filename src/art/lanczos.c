/* lanczos.c - lowest Hessian eigenpair by Lanczos on finite differences of
 * forces (include/pel/lanczos.h).  Full reorthogonalisation of the Krylov
 * basis: the basis is tiny (<= max_vectors) next to ndim, and without it the
 * finite-difference noise quickly produces ghost copies of the lowest mode. */
#include "pel/lanczos.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

/* A Lanczos residual below this (relative to the largest alpha seen) means
 * the Krylov space is invariant: the tridiagonal eigenpair is exact. */
#define LANCZOS_BREAKDOWN 1e-10

struct pel_lanczos {
    size_t ndim;
    pel_lanczos_params p;
    double *q;      /* [max_vectors * ndim] orthonormal Krylov basis */
    double *xs;     /* [ndim] displaced point x + h q_j */
    double *fs;     /* [ndim] force there */
    double *w;      /* [ndim] residual */
    double *alpha;  /* [max_vectors] diagonal of T */
    double *beta;   /* [max_vectors] off-diagonal of T */
    gsl_matrix *t;  /* max_vectors^2 scratch for T */
    gsl_matrix *evec;
    gsl_vector *eval;
    int last_iter;
    double above, above_frac; /* pel_lanczos_stop_above (frac 0: off) */
};

void pel_lanczos_params_default(pel_lanczos_params *p)
{
    p->fd_step = 1e-4;
    p->max_vectors = 20;
    p->rel_tol = 1e-2;
    p->abs_tol = 1e-4;
}

/* ------------------------------------------------------------------------ */
/* Allocation.                                                                */
int pel_lanczos_new(pel_lanczos **out, size_t ndim, const pel_lanczos_params *p, pel_error *err)
{
    *out = NULL;
    if (ndim == 0)
        return pel_error_set(err, PEL_EINVAL, "lanczos: dimension must be positive");
    if (!(p->fd_step > 0) || p->max_vectors < 2 || !(p->rel_tol > 0) || !(p->abs_tol >= 0))
        return pel_error_set(err, PEL_EINVAL,
                             "lanczos: need fd_step > 0 (%g), max_vectors >= 2 (%d), rel_tol > 0 (%g)",
                             p->fd_step, p->max_vectors, p->rel_tol);
    pel_lanczos *lz = calloc(1, sizeof *lz);
    if (!lz)
        return pel_error_set(err, PEL_ENOMEM, "lanczos: out of memory");
    size_t m = (size_t)p->max_vectors;
    lz->ndim = ndim;
    lz->p = *p;
    lz->q = malloc(m * ndim * sizeof *lz->q);
    lz->xs = malloc(ndim * sizeof *lz->xs);
    lz->fs = malloc(ndim * sizeof *lz->fs);
    lz->w = malloc(ndim * sizeof *lz->w);
    lz->alpha = malloc(m * sizeof *lz->alpha);
    lz->beta = malloc(m * sizeof *lz->beta);
    lz->t = gsl_matrix_alloc(m, m);
    lz->evec = gsl_matrix_alloc(m, m);
    lz->eval = gsl_vector_alloc(m);
    if (!lz->q || !lz->xs || !lz->fs || !lz->w || !lz->alpha || !lz->beta || !lz->t || !lz->evec || !lz->eval) {
        pel_lanczos_free(&lz);
        return pel_error_set(err, PEL_ENOMEM, "lanczos: out of memory for %zu x %zu basis", m, ndim);
    }
    *out = lz;
    return PEL_OK;
}

void pel_lanczos_free(pel_lanczos **lz)
{
    if (!lz || !*lz)
        return;
    pel_lanczos *l = *lz;
    free(l->q);
    free(l->xs);
    free(l->fs);
    free(l->w);
    free(l->alpha);
    free(l->beta);
    if (l->t)
        gsl_matrix_free(l->t);
    if (l->evec)
        gsl_matrix_free(l->evec);
    if (l->eval)
        gsl_vector_free(l->eval);
    free(l);
    *lz = NULL;
}

int pel_lanczos_last_iterations(const pel_lanczos *lz) { return lz->last_iter; }

void pel_lanczos_stop_above(pel_lanczos *lz, double threshold, double frac)
{
    lz->above = threshold;
    lz->above_frac = frac > 0 ? frac : 0;
}

/* ------------------------------------------------------------------------ */
/* Lowest eigenpair of the k x k tridiagonal T (alpha, beta); y gets its
 * eigenvector (length k) in the column `*col` of lz->evec. */
static int tridiag_lowest(pel_lanczos *lz, int k, double *lambda, size_t *col, pel_error *err)
{
    gsl_matrix_view t = gsl_matrix_submatrix(lz->t, 0, 0, (size_t)k, (size_t)k);
    gsl_matrix_view ev = gsl_matrix_submatrix(lz->evec, 0, 0, (size_t)k, (size_t)k);
    gsl_vector_view val = gsl_vector_subvector(lz->eval, 0, (size_t)k);
    gsl_matrix_set_zero(&t.matrix);
    for (int i = 0; i < k; i++) {
        gsl_matrix_set(&t.matrix, (size_t)i, (size_t)i, lz->alpha[i]);
        if (i + 1 < k) {
            gsl_matrix_set(&t.matrix, (size_t)i, (size_t)i + 1, lz->beta[i]);
            gsl_matrix_set(&t.matrix, (size_t)i + 1, (size_t)i, lz->beta[i]);
        }
    }
    /* symmv needs a workspace of exactly the matrix size. */
    gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc((size_t)k);
    if (!ws)
        return pel_error_set(err, PEL_ENOMEM, "lanczos: out of memory (eigen workspace)");
    int st = gsl_eigen_symmv(&t.matrix, &val.vector, &ev.matrix, ws);
    gsl_eigen_symmv_free(ws);
    if (st)
        return pel_error_set(err, PEL_ENUMERIC, "lanczos: tridiagonal eigenproblem failed (%d)", st);
    size_t imin = gsl_vector_min_index(&val.vector);
    *lambda = gsl_vector_get(&val.vector, imin);
    *col = imin;
    return PEL_OK;
}

/* ------------------------------------------------------------------------ */
/* Lanczos iteration with full reorthogonalisation (Golub & Van Loan §10.1). */
int pel_lanczos_lowest(pel_lanczos *lz, pel_force_fn force, void *ctx, const double *x, const double *f0,
                       double *vec, double *eigval, long *calls, pel_error *err)
{
    return pel_lanczos_lowest_shifted(lz, force, ctx, x, f0, NULL, vec, eigval, calls, err);
}

int pel_lanczos_lowest_shifted(pel_lanczos *lz, pel_force_fn force, void *ctx, const double *x, const double *f0,
                               const double *shift, double *vec, double *eigval, long *calls, pel_error *err)
{
    return pel_lanczos_lowest_deflated(lz, force, ctx, x, f0, shift, NULL, vec, eigval, calls, err);
}

/* w -= (u.w) u */
static void project_out(size_t n, const double *u, double *w)
{
    double c = 0;
    for (size_t i = 0; i < n; i++)
        c += u[i] * w[i];
    for (size_t i = 0; i < n; i++)
        w[i] -= c * u[i];
}

int pel_lanczos_lowest_deflated(pel_lanczos *lz, pel_force_fn force, void *ctx, const double *x, const double *f0,
                                const double *shift, const double *deflate, double *vec, double *eigval, long *calls,
                                pel_error *err)
{
    const size_t n = lz->ndim;
    const double h = lz->p.fd_step;
    const int m = lz->p.max_vectors;
    double nrm = 0, nrm0 = 0;
    for (size_t i = 0; i < n; i++)
        nrm0 += vec[i] * vec[i];
    if (deflate)
        project_out(n, deflate, vec);
    for (size_t i = 0; i < n; i++)
        nrm += vec[i] * vec[i];
    nrm = sqrt(nrm);
    /* after the projection, a remainder at rounding level is no direction */
    if (!(nrm > 1e-10 * sqrt(nrm0)) || !isfinite(nrm))
        return pel_error_set(err, PEL_EINVAL, "lanczos: start vector is zero or not finite%s",
                             deflate ? " (after removing the deflated direction)" : "");
    for (size_t i = 0; i < n; i++)
        lz->q[i] = vec[i] / nrm;

    double lambda = 0, lambda_prev = 0, drop_prev = INFINITY, amax = 0;
    size_t col = 0;
    int k = 0;
    for (int j = 0; j < m; j++) {
        double *qj = lz->q + (size_t)j * n;
        double e;
        for (size_t i = 0; i < n; i++)
            lz->xs[i] = x[i] + h * qj[i];
        int st = force(ctx, lz->xs, lz->fs, &e, err);
        ++*calls;
        if (st)
            return pel_error_wrap(err, st, "lanczos: force call %d", j + 1);
        /* w = (H + diag(shift)) q_j, H q_j by one-sided difference of forces (F = -grad E). */
        double a = 0;
        for (size_t i = 0; i < n; i++) {
            lz->w[i] = -(lz->fs[i] - f0[i]) / h + (shift ? shift[i] * qj[i] : 0.0);
            a += qj[i] * lz->w[i];
        }
        lz->alpha[j] = a;
        if (fabs(a) > amax)
            amax = fabs(a);
        /* Orthogonalise against the whole basis (and the deflated direction),
         * twice ("twice is enough"). */
        for (int pass = 0; pass < 2; pass++) {
            if (deflate)
                project_out(n, deflate, lz->w);
            for (int l = 0; l <= j; l++) {
                const double *ql = lz->q + (size_t)l * n;
                double c = 0;
                for (size_t i = 0; i < n; i++)
                    c += ql[i] * lz->w[i];
                for (size_t i = 0; i < n; i++)
                    lz->w[i] -= c * ql[i];
            }
        }
        double b = 0;
        for (size_t i = 0; i < n; i++)
            b += lz->w[i] * lz->w[i];
        b = sqrt(b);
        lz->beta[j] = b;
        k = j + 1;
        st = tridiag_lowest(lz, k, &lambda, &col, err);
        if (st)
            return st;
        if (!isfinite(lambda))
            return pel_error_set(err, PEL_ENUMERIC, "lanczos: non-finite eigenvalue at vector %d", k);
        if (j > 0) {
            double d = fabs(lambda - lambda_prev);
            if (d <= lz->p.rel_tol * fabs(lambda) || d <= lz->p.abs_tol)
                break;
            /* clearly above the caller's threshold, and settling (pel_lanczos_stop_above) */
            double drop = lambda_prev - lambda;
            if (lz->above_frac > 0 && k >= 3 && lambda > lz->above && drop <= drop_prev &&
                drop < lz->above_frac * (lambda - lz->above))
                break;
            drop_prev = drop;
        }
        lambda_prev = lambda;
        if (b <= LANCZOS_BREAKDOWN * (amax > 0 ? amax : 1) || (size_t)k >= n)
            break;
        if (j + 1 < m) {
            double *qn = lz->q + (size_t)(j + 1) * n;
            for (size_t i = 0; i < n; i++)
                qn[i] = lz->w[i] / b;
        }
    }
    lz->last_iter = k;
    /* Ritz vector: vec = Q y. */
    memset(vec, 0, n * sizeof *vec);
    for (int l = 0; l < k; l++) {
        double y = gsl_matrix_get(lz->evec, (size_t)l, col);
        const double *ql = lz->q + (size_t)l * n;
        for (size_t i = 0; i < n; i++)
            vec[i] += y * ql[i];
    }
    nrm = 0;
    for (size_t i = 0; i < n; i++)
        nrm += vec[i] * vec[i];
    nrm = sqrt(nrm);
    for (size_t i = 0; i < n; i++)
        vec[i] /= nrm;
    *eigval = lambda;
    return PEL_OK;
}
