/* test_lanczos.c - Lanczos lowest eigenpair against the exact Hessian
 * spectrum (gsl_eigen_symmv) of analytic surfaces
 *     E(x) = 1/2 x.A.x + c sum_i x_i^4,   H = A + diag(12 c x_i^2),
 * (one-sided differences with h = 1e-4 give O(h) errors, ~1e-5 relative here)
 * with random symmetric A (indefinite, so the lowest mode is negative in
 * some cases and positive in others). */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>

#include "pel/lanczos.h"

typedef struct quartic {
    size_t n;
    double *a; /* n x n symmetric */
    double c;
} quartic;

static int quartic_force(void *ctx, const double *x, double *f, double *energy, pel_error *err)
{
    (void)err;
    const quartic *q = ctx;
    double e = 0;
    for (size_t i = 0; i < q->n; i++) {
        double g = 0;
        for (size_t j = 0; j < q->n; j++)
            g += q->a[i * q->n + j] * x[j];
        e += 0.5 * x[i] * g + q->c * pow(x[i], 4);
        f[i] = -(g + 4 * q->c * pow(x[i], 3));
    }
    *energy = e;
    return PEL_OK;
}

/* Random symmetric A (Gaussian entries / sqrt(n), plus diag on the diagonal). */
static void random_quartic(quartic *q, size_t n, double diag, gsl_rng *rng)
{
    q->n = n;
    q->a = malloc(n * n * sizeof(double));
    q->c = 0.3;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j <= i; j++)
            q->a[i * n + j] = q->a[j * n + i] = gsl_ran_gaussian(rng, 1.0) / sqrt((double)n) + (i == j ? diag : 0);
}

/* Analytic Hessian plus diag(dshift) (NULL = none) into h. */
static void quartic_hessian(const quartic *q, const double *x, const double *dshift, gsl_matrix *h)
{
    size_t n = q->n;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            gsl_matrix_set(h, i, j, q->a[i * n + j] + (i == j ? 12 * q->c * x[i] * x[i] + (dshift ? dshift[i] : 0) : 0));
}

/* Exact lowest eigenpair of the analytic Hessian plus diag(dshift) (NULL = none). */
static double exact_lowest_shifted(const quartic *q, const double *x, const double *dshift, double *v)
{
    size_t n = q->n;
    gsl_matrix *h = gsl_matrix_alloc(n, n), *ev = gsl_matrix_alloc(n, n);
    gsl_vector *val = gsl_vector_alloc(n);
    gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(n);
    quartic_hessian(q, x, dshift, h);
    gsl_eigen_symmv(h, val, ev, ws);
    size_t k = gsl_vector_min_index(val);
    double lam = gsl_vector_get(val, k);
    for (size_t i = 0; i < n; i++)
        v[i] = gsl_matrix_get(ev, i, k);
    gsl_eigen_symmv_free(ws);
    gsl_vector_free(val);
    gsl_matrix_free(ev);
    gsl_matrix_free(h);
    return lam;
}

static double exact_lowest(const quartic *q, const double *x, double *v)
{
    return exact_lowest_shifted(q, x, NULL, v);
}

typedef struct lz_case {
    size_t n;
    unsigned long seed;
    double shift;   /* added to A's diagonal: moves the spectrum */
    double rel_tol; /* Lanczos stopping tolerance */
    double check;   /* allowed relative error of the eigenvalue */
} lz_case;

static const lz_case cases[] = {
    {6, 1, 0.0, 1e-8, 1e-4},
    {30, 2, 0.0, 1e-8, 1e-4},
    {60, 3, 3.0, 1e-8, 1e-4},  /* positive definite-ish: lowest mode positive */
    {60, 4, -1.0, 1e-2, 3e-2}, /* production tolerance: 1e-2 relative change */
};

static void run_case(const lz_case *c)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, c->seed);
    quartic q;
    random_quartic(&q, c->n, c->shift, rng);
    double *x = malloc(c->n * sizeof *x), *f0 = malloc(c->n * sizeof *f0);
    double *v = malloc(c->n * sizeof *v), *vex = malloc(c->n * sizeof *vex);
    for (size_t i = 0; i < c->n; i++) {
        x[i] = gsl_ran_gaussian(rng, 0.5);
        v[i] = gsl_ran_gaussian(rng, 1.0);
    }
    double e;
    quartic_force(&q, x, f0, &e, NULL);
    pel_lanczos_params p;
    pel_lanczos_params_default(&p);
    p.rel_tol = c->rel_tol;
    p.abs_tol = 0;
    p.max_vectors = (int)(c->n < 40 ? c->n : 40);
    pel_lanczos *lz = NULL;
    pel_error err = {0};
    assert_int_equal(pel_lanczos_new(&lz, c->n, &p, &err), PEL_OK);
    double lam;
    long calls = 0;
    assert_int_equal(pel_lanczos_lowest(lz, quartic_force, &q, x, f0, v, &lam, &calls, &err), PEL_OK);
    double lex = exact_lowest(&q, x, vex);
    assert_close(lam, lex, c->check, 1e-6);
    assert_int_equal(calls, pel_lanczos_last_iterations(lz));
    /* Eigenvector: |v . v_exact| close to 1 for tight tolerances. */
    double dot = 0;
    for (size_t i = 0; i < c->n; i++)
        dot += v[i] * vex[i];
    if (c->rel_tol < 1e-4)
        assert_close(fabs(dot), 1.0, 0, 1e-3);
    /* Warm start from the converged vector: converges in very few vectors. */
    calls = 0;
    assert_int_equal(pel_lanczos_lowest(lz, quartic_force, &q, x, f0, v, &lam, &calls, &err), PEL_OK);
    assert_close(lam, lex, c->check, 1e-6);
    assert_true(calls <= 4);
    pel_lanczos_free(&lz);
    assert_null(lz);
    free(q.a);
    free(x);
    free(f0);
    free(v);
    free(vex);
    gsl_rng_free(rng);
}

static void test_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        run_case(&cases[i]);
}

/* A workspace that converges to ~machine precision (40 vectors, no early stop
 * short of a 1e-10 relative change). */
static pel_lanczos *tight_lanczos(size_t n)
{
    pel_lanczos_params p;
    pel_lanczos_params_default(&p);
    p.rel_tol = 1e-10;
    p.abs_tol = 0;
    p.max_vectors = 40;
    pel_lanczos *lz = NULL;
    pel_error err = {0};
    assert_int_equal(pel_lanczos_new(&lz, n, &p, &err), PEL_OK);
    return lz;
}

/* H + diag(shift) with the shift on the last two thirds of the coordinates
 * (ART's local mode): eigenpair of the shifted matrix, and the mode moves off
 * the shifted coordinates. */
static void test_shifted(void **state)
{
    (void)state;
    const size_t n = 60;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 5);
    quartic q;
    random_quartic(&q, n, 0.0, rng);
    double x[60], f0[60], v[60], vex[60], v0[60], shift[60], e, lam, lam0;
    for (size_t i = 0; i < n; i++) {
        x[i] = gsl_ran_gaussian(rng, 0.5);
        v[i] = v0[i] = gsl_ran_gaussian(rng, 1.0);
        shift[i] = i < n / 3 ? 0.0 : 2.0;
    }
    quartic_force(&q, x, f0, &e, NULL);
    pel_lanczos *lz = tight_lanczos(n);
    pel_error err = {0};
    long calls = 0;
    assert_int_equal(pel_lanczos_lowest_shifted(lz, quartic_force, &q, x, f0, shift, v, &lam, &calls, &err), PEL_OK);
    assert_close(lam, exact_lowest_shifted(&q, x, shift, vex), 1e-4, 1e-6);
    double dot = 0, w_shifted = 0, w0_shifted = 0;
    for (size_t i = 0; i < n; i++)
        dot += v[i] * vex[i];
    assert_close(fabs(dot), 1.0, 0, 1e-3);
    /* NULL shift is the plain Hessian; the shifted mode carries less weight
     * on the shifted coordinates than the unshifted one. */
    assert_int_equal(pel_lanczos_lowest_shifted(lz, quartic_force, &q, x, f0, NULL, v0, &lam0, &calls, &err), PEL_OK);
    assert_close(lam0, exact_lowest(&q, x, vex), 1e-4, 1e-6);
    for (size_t i = n / 3; i < n; i++) {
        w_shifted += v[i] * v[i];
        w0_shifted += v0[i] * v0[i];
    }
    assert_true(w_shifted < 0.5 * w0_shifted);
    assert_true(lam > lam0 + 1e-2);
    pel_lanczos_free(&lz);
    free(q.a);
    gsl_rng_free(rng);
}

/* Deflated Lanczos: restricted to the complement of the lowest eigenvector it
 * finds the second-lowest eigenpair of the analytic Hessian (gsl_eigen_symmv);
 * with the deflation vector taken from a production-tolerance Lanczos, still
 * within 5 % (clustered negative eigenvalues converge slowly). */
static void test_deflated(void **state)
{
    (void)state;
    const size_t n = 40;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 9);
    quartic q;
    random_quartic(&q, n, -0.5, rng);
    double x[40], f0[40], u[40], v[40], e, lam2, lam1;
    for (size_t i = 0; i < n; i++)
        x[i] = gsl_ran_gaussian(rng, 0.3);
    quartic_force(&q, x, f0, &e, NULL);
    /* exact spectrum, ascending */
    gsl_matrix *h = gsl_matrix_alloc(n, n), *ev = gsl_matrix_alloc(n, n);
    gsl_vector *val = gsl_vector_alloc(n);
    gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(n);
    quartic_hessian(&q, x, NULL, h);
    gsl_eigen_symmv(h, val, ev, ws);
    gsl_eigen_symmv_sort(val, ev, GSL_EIGEN_SORT_VAL_ASC);
    assert_true(gsl_vector_get(val, 1) < 0); /* two negative modes: a second-order point */
    pel_lanczos *lz = tight_lanczos(n);
    pel_error err = {0};
    long calls = 0;
    for (size_t i = 0; i < n; i++) {
        u[i] = gsl_matrix_get(ev, i, 0);
        v[i] = 1.0 + 0.1 * (double)i;
    }
    assert_int_equal(pel_lanczos_lowest_deflated(lz, quartic_force, &q, x, f0, NULL, u, v, &lam2, &calls, &err), PEL_OK);
    assert_close(lam2, gsl_vector_get(val, 1), 1e-4, 1e-6);
    double d = 0;
    for (size_t i = 0; i < n; i++)
        d += v[i] * gsl_matrix_get(ev, i, 1);
    assert_close(fabs(d), 1.0, 0, 1e-3);
    pel_lanczos_free(&lz);
    /* production tolerance, deflating the Lanczos estimate of the lowest mode */
    pel_lanczos_params p;
    pel_lanczos_params_default(&p);
    assert_int_equal(pel_lanczos_new(&lz, n, &p, &err), PEL_OK);
    for (size_t i = 0; i < n; i++)
        u[i] = v[i] = 1.0 + 0.1 * (double)i;
    assert_int_equal(pel_lanczos_lowest(lz, quartic_force, &q, x, f0, u, &lam1, &calls, &err), PEL_OK);
    assert_close(lam1, gsl_vector_get(val, 0), 5e-2, 0);
    for (size_t i = 0; i < n; i++)
        v[i] = 1.0 - 0.05 * (double)i;
    assert_int_equal(pel_lanczos_lowest_deflated(lz, quartic_force, &q, x, f0, NULL, u, v, &lam2, &calls, &err), PEL_OK);
    assert_close(lam2, gsl_vector_get(val, 1), 5e-2, 0);
    /* a start vector along the deflated direction is refused */
    memcpy(v, u, sizeof v);
    assert_int_equal(pel_lanczos_lowest_deflated(lz, quartic_force, &q, x, f0, NULL, u, v, &lam2, &calls, &err),
                     PEL_EINVAL);
    pel_lanczos_free(&lz);
    gsl_eigen_symmv_free(ws);
    gsl_vector_free(val);
    gsl_matrix_free(ev);
    gsl_matrix_free(h);
    free(q.a);
    gsl_rng_free(rng);
}

/* pel_lanczos_stop_above: on a spectrum clearly above the threshold (lowest
 * eigenvalue ~1 against -0.01) the run stops in fewer vectors than a
 * converged one and returns a Ritz value that is still an upper bound of the
 * exact lowest eigenvalue and above the threshold; with one isolated negative
 * eigenvalue added (-4 u u^T) and a start vector that overlaps its mode (as
 * ART's warm start from the previous mode does), it still converges to that
 * eigenvalue: the answer and the pair are those of a run without the stop.
 * (The stop is a heuristic: from a random start in 60 dimensions, overlap
 * ~0.1, the Ritz values of this matrix pause at 1.47 for two vectors before
 * dropping to -0.94, and the stop answers "no" there.) */
static void test_stop_above(void **state)
{
    (void)state;
    const size_t n = 60;
    const double thr = -0.01;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 11);
    quartic q;
    random_quartic(&q, n, 3.0, rng);
    double x[60], f0[60], v0[60], v[60], vex[60], u[60], e, lam, lam_full;
    double un = 0;
    for (size_t i = 0; i < n; i++) {
        x[i] = gsl_ran_gaussian(rng, 0.3);
        v0[i] = gsl_ran_gaussian(rng, 1.0) / sqrt((double)n);
        u[i] = gsl_ran_gaussian(rng, 1.0);
        un += u[i] * u[i];
    }
    for (size_t i = 0; i < n; i++) /* overlap |v0.u| / |v0| ~ 0.45 */
        v0[i] += 0.5 * u[i] / sqrt(un);
    pel_lanczos_params p;
    pel_lanczos_params_default(&p);
    p.max_vectors = 40;
    pel_lanczos *lz = NULL;
    pel_error err = {0};
    assert_int_equal(pel_lanczos_new(&lz, n, &p, &err), PEL_OK);
    for (int neg = 0; neg < 2; neg++) {
        if (neg) /* one isolated negative mode along u */
            for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < n; j++)
                    q.a[i * n + j] -= 4.0 * u[i] * u[j] / un;
        quartic_force(&q, x, f0, &e, NULL);
        double lex = exact_lowest(&q, x, vex);
        assert_true(neg ? lex < -0.5 : lex > 0.5);
        long calls_full = 0, calls = 0;
        memcpy(v, v0, sizeof v);
        pel_lanczos_stop_above(lz, thr, 0); /* off: a converged run */
        assert_int_equal(pel_lanczos_lowest(lz, quartic_force, &q, x, f0, v, &lam_full, &calls_full, &err), PEL_OK);
        assert_close(lam_full, lex, 3e-2, 0);
        memcpy(v, v0, sizeof v);
        pel_lanczos_stop_above(lz, thr, 0.1);
        assert_int_equal(pel_lanczos_lowest(lz, quartic_force, &q, x, f0, v, &lam, &calls, &err), PEL_OK);
        assert_int_equal(calls, pel_lanczos_last_iterations(lz));
        assert_true(calls >= 3);
        if (neg) {
            assert_int_equal(calls, calls_full);
            assert_true(lam == lam_full);
        } else {
            assert_true(calls < calls_full);
            assert_true(lam > thr && lam >= lex - 1e-6);
        }
    }
    pel_lanczos_free(&lz);
    free(q.a);
    gsl_rng_free(rng);
}

static void test_bad_input(void **state)
{
    (void)state;
    pel_lanczos_params p;
    pel_lanczos_params_default(&p);
    pel_lanczos *lz = NULL;
    pel_error err = {0};
    assert_int_equal(pel_lanczos_new(&lz, 0, &p, &err), PEL_EINVAL);
    p.fd_step = 0;
    assert_int_equal(pel_lanczos_new(&lz, 3, &p, &err), PEL_EINVAL);
    assert_null(lz);
    pel_lanczos_params_default(&p);
    assert_int_equal(pel_lanczos_new(&lz, 3, &p, &err), PEL_OK);
    quartic q = {3, (double[9]){1, 0, 0, 0, 1, 0, 0, 0, 1}, 0};
    double x[3] = {0}, f0[3] = {0}, v[3] = {0}, lam;
    long calls = 0;
    assert_int_equal(pel_lanczos_lowest(lz, quartic_force, &q, x, f0, v, &lam, &calls, &err), PEL_EINVAL);
    assert_non_null(strstr(err.msg, "start vector"));
    pel_lanczos_free(&lz);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_shifted),
        cmocka_unit_test(test_deflated),
        cmocka_unit_test(test_stop_above),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
