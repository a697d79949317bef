/* test_opt.c - the optimiser layer (include/pel/opt.h) on analytic objectives:
 *  - FIRE's first step against the hand-computed semi-implicit Euler step
 *    (x1 = x0 + dt^2 ftm2v F / m), and its dmax cap;
 *  - CG on a quadratic whose Hessian has k distinct eigenvalues: linear CG
 *    theory says k exact line searches reach the minimum A^-1 b;
 *  - every optimiser on a quadratic (minimum A^-1 b), on Rosenbrock
 *    (minimum (1, ..., 1)) and with a projection (minimum of the quadratic on
 *    the hyperplane u.x = u.x0, from the KKT system solved with GSL LU);
 *  - recoverable callback failures (a wall the optimiser must step back
 *    from), a fatal failure, and non-convergence reported as such. */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_linalg.h>

#include "pel/opt.h"

#define NQ 8

/* E = 1/2 (x - xs).A.(x - xs) + E0, A = Q diag(d) Q with the Householder
 * reflection Q = 1 - 2 w w^T / w.w (orthogonal), so that A's eigenvalues
 * are exactly d. */
typedef struct quad {
    size_t n;
    double a[NQ * NQ], xs[NQ], e0;
    double wall;     /* x[0] > wall: recoverable failure (+1) */
    int fail_after;  /* > 0: calls after which every call fails (returns fail_code) */
    int fail_code;
    int calls, recovered;
    double elast[2]; /* energies of the last two successful calls, newest first */
} quad;

static void quad_init(quad *q, size_t n, const double *d)
{
    memset(q, 0, sizeof *q);
    q->n = n;
    q->e0 = -10.0; /* nonzero: the CG line search divides by the energy */
    q->wall = INFINITY;
    double w[NQ], ww = 0;
    for (size_t i = 0; i < n; i++) {
        w[i] = 1.0 + 0.37 * (double)i - 0.05 * (double)(i * i);
        ww += w[i] * w[i];
        q->xs[i] = 0.3 * sin(1.0 + (double)i);
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double s = 0;
            for (size_t k = 0; k < n; k++) {
                double qik = (i == k) - 2 * w[i] * w[k] / ww, qkj = (k == j) - 2 * w[k] * w[j] / ww;
                s += qik * d[k] * qkj;
            }
            q->a[i * n + j] = s;
        }
}

static int quad_force(void *ctx, const double *x, double *f, double *energy, pel_error *err)
{
    quad *q = ctx;
    q->calls++;
    if (q->fail_after > 0 && q->calls > q->fail_after)
        return q->fail_code < 0 ? pel_error_set(err, q->fail_code, "test: fatal") : q->fail_code;
    if (x[0] > q->wall) {
        q->recovered++;
        return 1;
    }
    double e = q->e0;
    for (size_t i = 0; i < q->n; i++) {
        double g = 0;
        for (size_t j = 0; j < q->n; j++)
            g += q->a[i * q->n + j] * (x[j] - q->xs[j]);
        e += 0.5 * (x[i] - q->xs[i]) * g;
        f[i] = -g;
    }
    *energy = e;
    q->elast[1] = q->elast[0];
    q->elast[0] = e;
    return PEL_OK;
}

/* Extended Rosenbrock, minimum 0 at (1, ..., 1). */
static int rosen_force(void *ctx, const double *x, double *f, double *energy, pel_error *err)
{
    (void)err;
    size_t n = *(const size_t *)ctx;
    double e = 0;
    memset(f, 0, n * sizeof *f);
    for (size_t i = 0; i + 1 < n; i++) {
        double a = x[i + 1] - x[i] * x[i], b = 1 - x[i];
        e += 100 * a * a + b * b;
        f[i] -= -400 * a * x[i] - 2 * b;
        f[i + 1] -= 200 * a;
    }
    *energy = e;
    return PEL_OK;
}

/* Eigenvalues of the quadratic most tests use. */
static const double SPECTRUM[NQ] = {0.5, 1, 2, 3, 5, 8, 13, 21};

static void setup(quad *q, pel_opt_objective *obj, pel_opt_params *p, const double *project)
{
    quad_init(q, NQ, SPECTRUM);
    *obj = (pel_opt_objective){NQ, quad_force, q, NULL, 0, project};
    pel_opt_params_default(p);
}

static const pel_opt_type *types(int k)
{
    return k == 0 ? pel_opt_fire : k == 1 ? pel_opt_cg : pel_opt_lbfgs;
}

/* Run type on obj from x (evaluated first). */
static int run(const pel_opt_type *t, const pel_opt_objective *obj, const pel_opt_params *p, double *x,
               pel_opt_result *res)
{
    double f[NQ], e;
    pel_error err = {0};
    pel_opt *o = NULL;
    assert_int_equal(pel_opt_new(&o, t, obj->n, p, &err), PEL_OK);
    assert_int_equal(obj->force(obj->ctx, x, f, &e, &err), PEL_OK);
    int rc = pel_opt_run(o, obj, p, x, f, &e, res, &err);
    pel_opt_free(&o);
    assert_null(o);
    return rc;
}

/* ---------------------------------------------------------------------- */

static void test_fire_first_step(void **state)
{
    (void)state;
    const double d[3] = {2, 3, 5}, mass[3] = {2.0, 4.0, 8.0}, ftm2v = 3.0;
    quad q;
    quad_init(&q, 3, d);
    pel_opt_objective obj = {3, quad_force, &q, mass, ftm2v, NULL};
    pel_opt_params p;
    pel_opt_params_default(&p);
    p.dt = 0.01;
    p.dmax = 1.0;
    p.max_iter = 1;
    double x[3] = {0.1, -0.2, 0.3}, x0[3], f0[3], e;
    memcpy(x0, x, sizeof x);
    quad_force(&q, x0, f0, &e, NULL);
    pel_opt_result res;
    assert_int_equal(run(pel_opt_fire, &obj, &p, x, &res), PEL_OK);
    assert_int_equal(res.status, PEL_OPT_MAX_ITER);
    assert_int_equal(res.force_calls, 1);
    for (int i = 0; i < 3; i++)
        assert_close(x[i] - x0[i], p.dt * p.dt * ftm2v * f0[i] / mass[i], 1e-12, 0);
    /* dmax limits the step time as LAMMPS does: dtv = dmax / max|v|, v the
     * trial velocity dt ftm2v F / m; the move is then dtv^2 ftm2v F / m */
    memcpy(x, x0, sizeof x);
    p.dmax = 1e-6;
    double vmax = 0;
    for (int i = 0; i < 3; i++)
        vmax = fmax(vmax, fabs(p.dt * ftm2v * f0[i] / mass[i]));
    double dtv = p.dmax / vmax;
    assert_true(dtv < p.dt);
    assert_int_equal(run(pel_opt_fire, &obj, &p, x, &res), PEL_OK);
    for (int i = 0; i < 3; i++) {
        assert_close(x[i] - x0[i], dtv * dtv * ftm2v * f0[i] / mass[i], 0, 1e-16); /* x0 + dx - x0 round-off */
        assert_true(fabs(x[i] - x0[i]) <= p.dmax);
    }
}

static void test_cg_distinct_eigenvalues(void **state)
{
    (void)state;
    /* four distinct eigenvalues in 8 dimensions: four line searches */
    const double d[NQ] = {1.5, 2.5, 4, 6, 1.5, 2.5, 4, 6};
    quad q;
    quad_init(&q, NQ, d);
    pel_opt_objective obj = {NQ, quad_force, &q, NULL, 0, NULL};
    pel_opt_params p;
    pel_opt_params_default(&p);
    p.ftol = 1e-9;
    p.dmax = 10;
    double x[NQ] = {0};
    pel_opt_result res;
    assert_int_equal(run(pel_opt_cg, &obj, &p, x, &res), PEL_OK);
    assert_int_equal(res.status, PEL_OPT_CONVERGED);
    assert_true(res.iterations <= 4);
    for (size_t i = 0; i < NQ; i++)
        assert_close(x[i], q.xs[i], 0, 1e-9);
    assert_close(res.energy, q.e0, 0, 1e-15);
}

static void test_quadratic_and_rosenbrock(void **state)
{
    (void)state;
    for (int k = 0; k < 3; k++) {
        quad q;
        pel_opt_objective obj;
        pel_opt_params p;
        setup(&q, &obj, &p, NULL);
        p.ftol = 1e-7;
        p.dt = 0.02;
        p.dmax = 0.2;
        double x[NQ] = {0};
        pel_opt_result res;
        assert_int_equal(run(types(k), &obj, &p, x, &res), PEL_OK);
        assert_int_equal(res.status, PEL_OPT_CONVERGED);
        assert_true(res.fnorm < p.ftol);
        for (size_t i = 0; i < NQ; i++)
            assert_close(x[i], q.xs[i], 0, 1e-7 / SPECTRUM[0] * 2);

        size_t n = 4;
        pel_opt_objective ro = {n, rosen_force, &n, NULL, 0, NULL};
        p.ftol = 1e-6;
        p.dt = 0.005;
        p.max_calls = 200000;
        double y[4] = {-1.2, 1, -1.2, 1};
        int rc = run(types(k), &ro, &p, y, &res);
        assert_int_equal(rc, PEL_OK);
        if (res.status == PEL_OPT_NO_PROGRESS) /* CG/L-BFGS at energy round-off: FIRE finishes (as minimize.c) */
            assert_int_equal(run(pel_opt_fire, &ro, &p, y, &res), PEL_OK);
        assert_int_equal(res.status, PEL_OPT_CONVERGED);
        for (size_t i = 0; i < n; i++)
            assert_close(y[i], 1.0, 0, 1e-5);
    }
}

/* Minimum of the quadratic on u.x = c: [A u; u^T 0] [x; l] = [A xs; c]. */
static void constrained_min(const quad *q, const double *u, double c, double *xmin)
{
    size_t n = q->n, m = n + 1;
    gsl_matrix *k = gsl_matrix_calloc(m, m);
    gsl_vector *rhs = gsl_vector_calloc(m), *sol = gsl_vector_alloc(m);
    gsl_permutation *perm = gsl_permutation_alloc(m);
    for (size_t i = 0; i < n; i++) {
        double r = 0;
        for (size_t j = 0; j < n; j++) {
            gsl_matrix_set(k, i, j, q->a[i * n + j]);
            r += q->a[i * n + j] * q->xs[j];
        }
        gsl_matrix_set(k, i, n, u[i]);
        gsl_matrix_set(k, n, i, u[i]);
        gsl_vector_set(rhs, i, r);
    }
    gsl_vector_set(rhs, n, c);
    int sig;
    assert_int_equal(gsl_linalg_LU_decomp(k, perm, &sig), 0);
    assert_int_equal(gsl_linalg_LU_solve(k, perm, rhs, sol), 0);
    for (size_t i = 0; i < n; i++)
        xmin[i] = gsl_vector_get(sol, i);
    gsl_matrix_free(k);
    gsl_vector_free(rhs);
    gsl_vector_free(sol);
    gsl_permutation_free(perm);
}

static void test_projected(void **state)
{
    (void)state;
    double u[NQ], uu = 0;
    for (size_t i = 0; i < NQ; i++) {
        u[i] = cos(0.7 * (double)i + 0.2);
        uu += u[i] * u[i];
    }
    for (size_t i = 0; i < NQ; i++)
        u[i] /= sqrt(uu);
    for (int k = 0; k < 3; k++) {
        quad q;
        pel_opt_objective obj;
        pel_opt_params p;
        setup(&q, &obj, &p, u);
        p.ftol = 1e-8;
        p.norm = PEL_OPT_NORM_TWO;
        p.dt = 0.02;
        double x[NQ], xmin[NQ], c = 0;
        for (size_t i = 0; i < NQ; i++) {
            x[i] = 0.5 - 0.1 * (double)i;
            c += u[i] * x[i];
        }
        constrained_min(&q, u, c, xmin);
        pel_opt_result res;
        assert_int_equal(run(types(k), &obj, &p, x, &res), PEL_OK);
        assert_int_equal(res.status, PEL_OPT_CONVERGED);
        double cx = 0;
        for (size_t i = 0; i < NQ; i++) {
            cx += u[i] * x[i];
            assert_close(x[i], xmin[i], 0, 1e-7);
        }
        assert_close(cx, c, 0, 1e-12); /* never left the hyperplane */
    }
}

static void test_recoverable_and_fatal(void **state)
{
    (void)state;
    for (int k = 0; k < 3; k++) {
        /* a wall just beyond the minimum: the optimisers overshoot into it,
         * step back, cut the step, and still converge */
        quad q;
        pel_opt_objective obj;
        pel_opt_params p;
        setup(&q, &obj, &p, NULL);
        q.xs[0] = 1.0;
        q.wall = 1.0 + 1e-3;
        p.ftol = 1e-7;
        p.dt = 0.05;
        p.dmax = 0.5;
        double x[NQ] = {0};
        pel_opt_result res;
        assert_int_equal(run(types(k), &obj, &p, x, &res), PEL_OK);
        assert_true(q.recovered > 0);
        assert_int_equal(res.status, PEL_OPT_CONVERGED);
        for (size_t i = 0; i < NQ; i++)
            assert_close(x[i], q.xs[i], 0, 1e-6);

        /* every call after the first fails recoverably: back at the start, said so */
        quad_init(&q, NQ, SPECTRUM);
        q.fail_after = 1;
        q.fail_code = 2;
        double x0[NQ] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8};
        memcpy(x, x0, sizeof x);
        assert_int_equal(run(types(k), &obj, &p, x, &res), PEL_OK);
        assert_int_equal(res.status, PEL_OPT_RECOVER);
        assert_memory_equal(x, x0, sizeof x);

        /* a fatal failure is passed on, x at the last accepted point */
        quad_init(&q, NQ, SPECTRUM);
        q.fail_after = 5;
        q.fail_code = PEL_EBLOWUP;
        memcpy(x, x0, sizeof x);
        assert_int_equal(run(types(k), &obj, &p, x, &res), PEL_EBLOWUP);
        double f[NQ], e;
        q.fail_after = 0;
        assert_int_equal(quad_force(&q, x, f, &e, NULL), PEL_OK);
        assert_close(e, res.energy, 1e-14, 0);
    }
}

static void test_not_converged(void **state)
{
    (void)state;
    for (int k = 0; k < 3; k++) {
        quad q;
        pel_opt_objective obj;
        pel_opt_params p;
        setup(&q, &obj, &p, NULL);
        p.ftol = 1e-12;
        p.max_calls = 7;
        double x[NQ] = {0};
        pel_opt_result res;
        assert_int_equal(run(types(k), &obj, &p, x, &res), PEL_OK);
        assert_int_equal(res.status, PEL_OPT_MAX_CALLS);
        assert_true(res.force_calls >= 7 && res.force_calls <= 7 + 3); /* a line search may finish its step */
        assert_true(res.fnorm >= p.ftol);

        quad_init(&q, NQ, SPECTRUM);
        p.max_calls = 100000;
        p.max_iter = 3;
        memset(x, 0, sizeof x);
        assert_int_equal(run(types(k), &obj, &p, x, &res), PEL_OK);
        assert_int_equal(res.status, PEL_OPT_MAX_ITER);
        assert_int_equal(res.iterations, 3);

        /* an unreachable tolerance: CG's line search stops at energy
         * round-off; L-BFGS's steps keep being accepted up to the call cap */
        if (k > 0) {
            quad_init(&q, NQ, SPECTRUM);
            p.ftol = 0;
            p.max_iter = 100000;
            p.max_calls = 5000;
            memset(x, 0, sizeof x);
            assert_int_equal(run(types(k), &obj, &p, x, &res), PEL_OK);
            assert_int_equal(res.status, k == 1 ? PEL_OPT_NO_PROGRESS : PEL_OPT_MAX_CALLS);
            for (size_t i = 0; i < NQ; i++)
                assert_close(x[i], q.xs[i], 0, 1e-6);
        }
    }
}

/* LAMMPS's etol: FIRE (one force call per downhill iteration) stops at the
 * first iteration whose energy change is below etol (|E| + |E_prev|) / 2. */
static void test_etol(void **state)
{
    (void)state;
    quad q;
    pel_opt_objective obj;
    pel_opt_params p;
    setup(&q, &obj, &p, NULL);
    p.ftol = 1e-12;
    p.etol = 1e-6;
    double x[NQ] = {0};
    pel_opt_result res;
    assert_int_equal(run(pel_opt_fire, &obj, &p, x, &res), PEL_OK);
    assert_int_equal(res.status, PEL_OPT_ETOL);
    double de = fabs(q.elast[0] - q.elast[1]);
    assert_true(de < p.etol * 0.5 * (fabs(q.elast[0]) + fabs(q.elast[1])));
    assert_true(de > 0);
    assert_true(res.energy - q.e0 < 1e-3 && res.energy - q.e0 > 0);
}

static void test_bad_input(void **state)
{
    (void)state;
    const double d[3] = {1, 2, 3};
    quad q;
    quad_init(&q, 3, d);
    pel_opt_params p;
    pel_opt_params_default(&p);
    pel_error err = {0};
    pel_opt *o = NULL;
    p.ftol = -1;
    assert_int_equal(pel_opt_new(&o, pel_opt_fire, 3, &p, &err), PEL_EINVAL);
    assert_null(o);
    assert_non_null(strstr(err.msg, "force tolerance"));
    pel_opt_params_default(&p);
    assert_int_equal(pel_opt_new(&o, pel_opt_lbfgs, 0, &p, &err), PEL_EINVAL);
    assert_int_equal(pel_opt_new(&o, pel_opt_lbfgs, 3, &p, &err), PEL_OK);
    pel_opt_objective obj = {4, quad_force, &q, NULL, 0, NULL};
    double x[4] = {0}, f[4] = {0}, e = 0;
    pel_opt_result res;
    assert_int_equal(pel_opt_run(o, &obj, &p, x, f, &e, &res, &err), PEL_EINVAL);
    obj.n = 3;
    p.lbfgs_memory = 11;
    assert_int_equal(pel_opt_run(o, &obj, &p, x, f, &e, &res, &err), PEL_EINVAL);
    pel_opt_free(&o);
    pel_opt_free(&o); /* NULL is fine */
    assert_string_equal(pel_opt_status_name(PEL_OPT_NO_PROGRESS), "no_progress");
    assert_string_equal(pel_opt_type_name(pel_opt_cg), "cg");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fire_first_step),
        cmocka_unit_test(test_cg_distinct_eigenvalues),
        cmocka_unit_test(test_quadratic_and_rosenbrock),
        cmocka_unit_test(test_projected),
        cmocka_unit_test(test_recoverable_and_fatal),
        cmocka_unit_test(test_not_converged),
        cmocka_unit_test(test_etol),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
