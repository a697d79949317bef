/* test_fit.c - the spectrum density, the ML fit of eq. 3, e_R, KS and the
 * bootstrap (src/fit/fit.c, density.c, ks.c).  Truths: GSL quadrature of the
 * density, samples drawn from eq. 3 by rejection (independent of the fit's
 * closed forms), textbook Kolmogorov quantiles. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "fit/fit_internal.h"
#include "pel/fit.h"
#include "testutil.h"

/* ---- helpers ---------------------------------------------------------- */

/* One draw from eq. 3: M1 with probability W, else M2 ∝ x exp(-(x-m)^2/2s^2)
 * on x >= 0 by rejection from N(m, s) restricted to [0, B] with acceptance
 * x/B (B = max(m,0) + 10 s: the mass beyond B is below e^-50). */
static double draw_eq3(gsl_rng *r, const pel_fit_spec *p)
{
    if (gsl_rng_uniform(r) < p->W)
        return gsl_ran_exponential(r, p->eA);
    double B = fmax(p->m, 0.0) + 10.0 * p->s;
    for (;;) {
        double y = p->m + gsl_ran_gaussian(r, p->s);
        if (y < 0.0 || y > B)
            continue;
        if (gsl_rng_uniform(r) * B < y)
            return y;
    }
}

static gsl_rng *rng_new(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    return r;
}

static double pdf_cb(double x, void *p)
{
    return pel_fit_pdf(p, x);
}

struct i1_ctx { double mu, s; };
static double i1_cb(double x, void *p)
{
    const struct i1_ctx *c = p;
    return x * exp(-(x - c->mu) * (x - c->mu) / (2.0 * c->s * c->s));
}

/* ---- density ---------------------------------------------------------- */

static void test_log_I1_vs_quadrature(void **state)
{
    (void)state;
    static const struct i1_ctx cases[] = {
        {1.2, 0.49}, {0.0, 0.49}, {-1.0, 0.49}, {5.0, 0.3}, {-2.5, 0.3}, {-3.0, 0.2}, {10.0, 0.49},
    };
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct i1_ctx c = cases[i];
        gsl_function f = {i1_cb, &c};
        double v, e;
        assert_int_equal(gsl_integration_qagiu(&f, 0.0, 0.0, 1e-12, 1000, w, &v, &e), GSL_SUCCESS);
        assert_close(pel_fit_log_I1(c.mu, c.s), log(v), 0, 1e-9);
    }
    gsl_integration_workspace_free(w);
}

static void test_density_and_cdf(void **state)
{
    (void)state;
    static const pel_fit_spec cases[] = {
        {0.05, 1.2, 0.5, 0.49}, {0.5, 0.3, 0.5, 0.49}, {0.2, -1.0, 0.4, 0.6}, {0.9, 3.0, 1.0, 0.2}, {0.01, 8.0, 0.5, 0.49},
    };
    static const double xs[] = {0.05, 0.3, 1.0, 2.0, 4.0};
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pel_fit_spec p = cases[i];
        gsl_function f = {pdf_cb, &p};
        double v, e;
        assert_int_equal(gsl_integration_qagiu(&f, 0.0, 0.0, 1e-12, 1000, w, &v, &e), GSL_SUCCESS);
        assert_close(v, 1.0, 0, 1e-9);
        for (size_t j = 0; j < sizeof xs / sizeof xs[0]; j++) {
            assert_int_equal(gsl_integration_qag(&f, 0.0, xs[j], 0.0, 1e-12, 1000, GSL_INTEG_GAUSS61, w, &v, &e),
                             GSL_SUCCESS);
            assert_close(pel_fit_cdf(&p, xs[j]), v, 0, 1e-9);
        }
        assert_close(pel_fit_cdf(&p, 0.0), 0.0, 0, 0);
        assert_true(pel_fit_pdf(&p, -0.1) == 0.0);
    }
    gsl_integration_workspace_free(w);
}

/* ---- maximum likelihood ---------------------------------------------- */

static void test_recover_parameters(void **state)
{
    (void)state;
    static const struct { pel_fit_spec p; int free; size_t n; } cases[] = {
        {{0.05, 1.2, 0.5, 0.49}, 0, 2500}, /* the paper's regime */
        {{0.30, 0.8, 0.5, 0.49}, 0, 2000},
        {{0.15, 2.0, 0.5, 0.49}, 0, 1500},
        {{0.20, 1.5, 0.4, 0.60}, 1, 4000}, /* e_A and s free */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pel_fit_spec p = cases[i].p;
        gsl_rng *r = rng_new(100 + i);
        double *x = malloc(cases[i].n * sizeof *x);
        for (size_t k = 0; k < cases[i].n; k++)
            x[k] = draw_eq3(r, &p);
        pel_fit_options o;
        pel_fit_options_default(&o);
        o.eA = cases[i].free ? 0.5 : p.eA;
        o.s = cases[i].free ? 0.49 : p.s;
        o.free_eA_s = cases[i].free;
        pel_fit_result res;
        pel_error err = {0};
        assert_int_equal(pel_fit_events(x, cases[i].n, NULL, 0, &o, &res, NULL, NULL, &err), PEL_OK);
        assert_int_equal(res.n, cases[i].n);
        assert_true(res.W.se > 0 && res.m.se > 0);
        assert_close(res.W.value, p.W, 0, 3.0 * res.W.se);
        assert_close(res.m.value, p.m, 0, 3.0 * res.m.se);
        if (cases[i].free) {
            assert_true(res.eA.se > 0 && res.s.se > 0);
            assert_close(res.eA.value, p.eA, 0, 3.0 * res.eA.se);
            assert_close(res.s.value, p.s, 0, 3.0 * res.s.se);
        } else {
            assert_true(res.eA.value == p.eA && res.eA.se == 0.0);
        }
        assert_true(res.ks_p > 0.001); /* the right model is not rejected */
        free(x);
        gsl_rng_free(r);
    }
}

/* W = 0 (no M1 mode, as in amorphous Si, docs/theory.md §4): W goes to its edge, has no
 * SE, and m keeps a finite SE conditional on W there. */
static void test_single_mode(void **state)
{
    (void)state;
    enum { N = 1500 };
    const pel_fit_spec p = {0.0, 1.5, 0.5, 0.49};
    gsl_rng *r = rng_new(31);
    static double x[N];
    for (int i = 0; i < N; i++)
        x[i] = draw_eq3(r, &p);
    pel_fit_options o;
    pel_fit_options_default(&o);
    pel_fit_result res;
    assert_int_equal(pel_fit_events(x, N, NULL, 0, &o, &res, NULL, NULL, NULL), PEL_OK);
    assert_true(res.W.value < 0.01);
    assert_true(isfinite(res.m.se) && res.m.se > 0);
    assert_close(res.m.value, p.m, 0, 3.0 * res.m.se);
    gsl_rng_free(r);
}

/* The Fisher SE matches the spread of estimates over independent samples. */
static void test_se_coverage(void **state)
{
    (void)state;
    const pel_fit_spec p = {0.2, 1.2, 0.5, 0.49};
    enum { R = 40, N = 800 };
    double W[R], m[R], seW = 0, sem = 0;
    int inside = 0;
    gsl_rng *r = rng_new(7);
    double x[N];
    pel_fit_options o;
    pel_fit_options_default(&o);
    for (int k = 0; k < R; k++) {
        for (int i = 0; i < N; i++)
            x[i] = draw_eq3(r, &p);
        pel_fit_result res;
        assert_int_equal(pel_fit_events(x, N, NULL, 0, &o, &res, NULL, NULL, NULL), PEL_OK);
        W[k] = res.W.value;
        m[k] = res.m.value;
        seW += res.W.se / R;
        sem += res.m.se / R;
        inside += fabs(res.W.value - p.W) < 1.96 * res.W.se;
    }
    double sdW = gsl_stats_sd(W, 1, R), sdm = gsl_stats_sd(m, 1, R);
    /* sd of a sd from 40 samples is ~11 %: allow 0.65..1.5 */
    assert_true(sdW / seW > 0.65 && sdW / seW < 1.5);
    assert_true(sdm / sem > 0.65 && sdm / sem < 1.5);
    /* 95 % nominal coverage; binomial(40, 0.95) is >= 33 with prob. > 0.99 */
    assert_true(inside >= 33);
    gsl_rng_free(r);
}

static void test_relaxation(void **state)
{
    (void)state;
    enum { N = 2000 };
    static double ea[N], er[N];
    gsl_rng *r = rng_new(11);
    const pel_fit_spec p = {0.05, 1.2, 0.5, 0.49};
    for (int i = 0; i < N; i++) {
        ea[i] = draw_eq3(r, &p);
        er[i] = gsl_ran_exponential(r, 0.32);
    }
    pel_fit_options o;
    pel_fit_options_default(&o);
    pel_fit_result res;
    assert_int_equal(pel_fit_events(ea, N, er, N, &o, &res, NULL, NULL, NULL), PEL_OK);
    assert_int_equal(res.n_R, N);
    assert_close(res.eR.value, 0.32, 0, 3.0 * res.eR.se);
    assert_close(res.eR.se, 0.32 / sqrt((double)N), 0.05, 0);
    assert_true(res.ks_R_p > 0.001);
    /* exponential E_R against a uniform sample: KS rejects */
    for (int i = 0; i < N; i++)
        er[i] = gsl_rng_uniform(r);
    assert_int_equal(pel_fit_events(ea, N, er, N, &o, &res, NULL, NULL, NULL), PEL_OK);
    assert_true(res.ks_R_p < 1e-6);
    gsl_rng_free(r);
}

/* ---- KS ------------------------------------------------------------- */

static void test_ks_pvalue_known_quantiles(void **state)
{
    (void)state;
    /* upper quantiles of the Kolmogorov distribution (tables, e.g. Smirnov 1948) */
    static const struct { double lambda, q; } cases[] = {
        {1.2239, 0.10}, {1.3581, 0.05}, {1.4802, 0.025}, {1.6276, 0.01}, {1.9495, 0.001}, {0.5, 0.963945},
        {1.0, 0.269999},
    };
    const size_t n = 1000000000000ULL; /* Stephens' correction negligible */
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_close(pel_fit_ks_pvalue(cases[i].lambda / sqrt((double)n), n), cases[i].q, 2e-3, 0);
    assert_close(pel_fit_ks_pvalue(0.0, 100), 1.0, 0, 0);
}

static double cdf_true_cb(const void *ctx, double x)
{
    return pel_fit_cdf(ctx, x);
}

/* Under the null with the true parameters the p-value is uniform: mean 1/2,
 * sd of the mean of 50 = 0.29/sqrt(50) = 0.041. */
static void test_ks_null_uniform(void **state)
{
    (void)state;
    enum { R = 50, N = 400 };
    const pel_fit_spec p = {0.1, 1.2, 0.5, 0.49};
    gsl_rng *r = rng_new(3);
    double x[N], mean = 0.0;
    for (int k = 0; k < R; k++) {
        for (int i = 0; i < N; i++)
            x[i] = draw_eq3(r, &p);
        gsl_sort(x, 1, N);
        mean += pel_fit_ks_pvalue(pel_fit_ks_statistic(x, N, cdf_true_cb, &p), N) / R;
    }
    assert_close(mean, 0.5, 0, 3.0 * 0.041);
    gsl_rng_free(r);
}

/* ---- bootstrap, cutoff ------------------------------------------------ */

static void test_bootstrap(void **state)
{
    (void)state;
    enum { N = 1000 };
    const pel_fit_spec p = {0.2, 1.2, 0.5, 0.49};
    gsl_rng *r = rng_new(5);
    static double x[N], er[N];
    for (int i = 0; i < N; i++) {
        x[i] = draw_eq3(r, &p);
        er[i] = gsl_ran_exponential(r, 0.32);
    }
    pel_fit_options o;
    pel_fit_options_default(&o);
    o.bootstrap = 150;
    o.seed = 42;
    pel_fit_result a, b;
    assert_int_equal(pel_fit_events(x, N, er, N, &o, &a, NULL, NULL, NULL), PEL_OK);
    assert_true(a.n_boot_ok >= 145);
    /* percentile interval ~ value +- 1.96 se for a near-normal estimator */
    assert_close(a.W.ci_hi - a.W.ci_lo, 2 * 1.96 * a.W.se, 0.3, 0);
    assert_close(a.m.ci_hi - a.m.ci_lo, 2 * 1.96 * a.m.se, 0.3, 0);
    assert_close(a.eR.ci_hi - a.eR.ci_lo, 2 * 1.96 * a.eR.se, 0.3, 0);
    assert_true(a.W.ci_lo < a.W.value && a.W.value < a.W.ci_hi);
    assert_true(isnan(a.eA.ci_lo)); /* fixed parameter: no interval */
    /* same seed, same intervals */
    assert_int_equal(pel_fit_events(x, N, er, N, &o, &b, NULL, NULL, NULL), PEL_OK);
    assert_true(a.W.ci_lo == b.W.ci_lo && a.m.ci_hi == b.m.ci_hi);
    gsl_rng_free(r);
}

static void test_cutoff(void **state)
{
    (void)state;
    enum { N = 3000 };
    const pel_fit_spec p = {0.3, 1.0, 0.5, 0.49};
    const double cut = 0.25;
    gsl_rng *r = rng_new(9);
    static double x[N];
    for (int i = 0; i < N; i++) {
        do
            x[i] = draw_eq3(r, &p);
        while (x[i] < cut); /* a search that misses the small barriers */
    }
    pel_fit_options o;
    pel_fit_options_default(&o);
    o.EA_min = cut;
    pel_fit_result res;
    assert_int_equal(pel_fit_events(x, N, NULL, 0, &o, &res, NULL, NULL, NULL), PEL_OK);
    assert_close(res.W.value, p.W, 0, 3.0 * res.W.se);
    assert_close(res.m.value, p.m, 0, 3.0 * res.m.se);
    assert_true(res.ks_p > 0.001);
    gsl_rng_free(r);
}

/* ---- bad input -------------------------------------------------------- */

static void test_bad_input(void **state)
{
    (void)state;
    double x[30];
    for (int i = 0; i < 30; i++)
        x[i] = 0.1 * (i + 1);
    pel_fit_options o;
    pel_fit_options_default(&o);
    pel_fit_result res;
    pel_error err = {0};
    assert_int_equal(pel_fit_events(x, 10, NULL, 0, &o, &res, NULL, NULL, &err), PEL_EINVAL);
    assert_non_null(strstr(err.msg, "at least 20"));
    x[3] = -0.5;
    assert_int_equal(pel_fit_events(x, 30, NULL, 0, &o, &res, NULL, NULL, &err), PEL_EINVAL);
    assert_non_null(strstr(err.msg, "value 4"));
    x[3] = 0.4;
    double er[30] = {0};
    assert_int_equal(pel_fit_events(x, 30, er, 30, &o, &res, NULL, NULL, &err), PEL_EINVAL);
    assert_non_null(strstr(err.msg, "E_R"));
    static const struct { double eA, s, cut, ci; } bad[] = {
        {0.0, 0.49, 0, 0.95}, {0.5, -1, 0, 0.95}, {0.5, 0.49, -0.1, 0.95}, {0.5, 0.49, 0, 1.0}, {NAN, 0.49, 0, 0.95},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pel_fit_options_default(&o);
        o.eA = bad[i].eA;
        o.s = bad[i].s;
        o.EA_min = bad[i].cut;
        o.ci_level = bad[i].ci;
        assert_int_equal(pel_fit_events(x, 30, NULL, 0, &o, &res, NULL, NULL, &err), PEL_EINVAL);
    }
    pel_fit_options_default(&o);
    o.EA_min = 2.5; /* leaves 5 values */
    assert_int_equal(pel_fit_events(x, 30, NULL, 0, &o, &res, NULL, NULL, &err), PEL_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_log_I1_vs_quadrature),
        cmocka_unit_test(test_density_and_cdf),
        cmocka_unit_test(test_recover_parameters),
        cmocka_unit_test(test_single_mode),
        cmocka_unit_test(test_se_coverage),
        cmocka_unit_test(test_relaxation),
        cmocka_unit_test(test_ks_pvalue_known_quantiles),
        cmocka_unit_test(test_ks_null_uniform),
        cmocka_unit_test(test_bootstrap),
        cmocka_unit_test(test_cutoff),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
