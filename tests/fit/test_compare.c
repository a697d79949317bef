/* test_compare.c - the decoupling tests of src/fit/compare.c: E_A-E_R
 * association, one e_R across catalogs, trends with E_IS.  Truths: values
 * worked by hand on small sets (ranks, ties, t with 2 degrees of freedom in
 * closed form), the chi^2 tail with one degree of freedom as erfc, samples
 * drawn from known distributions. */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "pel/fit.h"
#include "testutil.h"

static void test_assoc_by_hand(void **state)
{
    (void)state;
    /* x = 1..4, y = 1,3,2,4: sum dx dy = 4, sum dx^2 = sum dy^2 = 5, r = 0.8;
     * the ranks are the values, so rho = 0.8 too.  With 2 degrees of freedom
     * P(|T| > t) = 1 - t/sqrt(t^2 + 2) exactly; t = 0.8 sqrt(2/0.36). */
    const double x[] = {1, 2, 3, 4}, y[] = {1, 3, 2, 4};
    pel_fit_assoc a;
    pel_error err = {0};
    assert_int_equal(pel_fit_assoc_EA_ER(x, y, 4, &a, &err), PEL_OK);
    double t = 0.8 * sqrt(2.0 / 0.36);
    assert_true(fabs(a.pearson_r - 0.8) < 1e-14);
    assert_true(fabs(a.spearman_rho - 0.8) < 1e-14);
    assert_true(fabs(a.pearson_p - (1.0 - t / sqrt(t * t + 2.0))) < 1e-12);
    assert_true(fabs(a.spearman_p - a.pearson_p) < 1e-14);
}

static void test_assoc_sampled(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    enum { N = 4000, SMALL = 40, REPS = 300 };
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    /* bivariate normal with correlation 0.5: r within 4 of its standard
     * errors (1 - rho^2)/sqrt(n) */
    for (int i = 0; i < N; i++) {
        double u, v;
        gsl_ran_bivariate_gaussian(r, 1.0, 1.0, 0.5, &u, &v);
        x[i] = u, y[i] = v;
    }
    pel_fit_assoc a;
    pel_error err = {0};
    assert_int_equal(pel_fit_assoc_EA_ER(x, y, N, &a, &err), PEL_OK);
    assert_true(fabs(a.pearson_r - 0.5) < 4.0 * 0.75 / sqrt((double)N));
    assert_true(a.pearson_p < 1e-50 && a.spearman_p < 1e-50);
    /* independent exponential E_A and E_R: the test's size near 5 % */
    int reject = 0;
    for (int k = 0; k < REPS; k++) {
        for (int i = 0; i < SMALL; i++)
            x[i] = gsl_ran_exponential(r, 0.5), y[i] = gsl_ran_exponential(r, 0.3);
        assert_int_equal(pel_fit_assoc_EA_ER(x, y, SMALL, &a, &err), PEL_OK);
        reject += a.spearman_p < 0.05;
    }
    /* binomial(300, 0.05): mean 15, sd 3.8 */
    assert_true(reject >= 4 && reject <= 30);
    free(x), free(y);
    gsl_rng_free(r);
}

static void test_equal_by_hand(void **state)
{
    (void)state;
    /* means 2 and 4, pooled 3: LR = 2 (2 ln 3/2 + 2 ln 3/4) = 4 ln(9/8);
     * one degree of freedom: P(chi2 > x) = erfc(sqrt(x/2)).  Ranks of
     * {1,3 | 4,4}: 1,2 | 3.5,3.5, tie correction 1 - 6/60. */
    const double g1[] = {1, 3}, g2[] = {4, 4};
    const double *g[] = {g1, g2};
    const size_t n[] = {2, 2};
    pel_fit_equal e;
    pel_error err = {0};
    assert_int_equal(pel_fit_equal_eR(g, n, 2, &e, &err), PEL_OK);
    assert_true(fabs(e.eR_common - 3.0) < 1e-15);
    assert_true(fabs(e.lr - 4.0 * log(9.0 / 8.0)) < 1e-14);
    assert_true(fabs(e.lr_p - erfc(sqrt(e.lr / 2.0))) < 1e-12);
    double s = 3.0 * 3.0 / 2.0 + 7.0 * 7.0 / 2.0, h = 12.0 / 20.0 * s - 15.0;
    assert_true(fabs(e.kw - h / 0.9) < 1e-12);
    /* no ties: {1,2,3 | 4,5,6}, H = 12/42 (36+225)/3 - 21 */
    const double a1[] = {1, 2, 3}, a2[] = {4, 5, 6};
    const double *a[] = {a1, a2};
    const size_t na[] = {3, 3};
    assert_int_equal(pel_fit_equal_eR(a, na, 2, &e, &err), PEL_OK);
    assert_true(fabs(e.kw - (12.0 / 42.0 * 87.0 - 21.0)) < 1e-12);
}

static void test_equal_sampled(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 11);
    enum { N = 500 };
    double *s[3];
    size_t n[3] = {N, N, N};
    for (int g = 0; g < 3; g++)
        s[g] = malloc(N * sizeof(double));
    /* one e_R (0.3 eV) for all three: neither test rejects at 1e-3 */
    for (int g = 0; g < 3; g++)
        for (int i = 0; i < N; i++)
            s[g][i] = gsl_ran_exponential(r, 0.3);
    pel_fit_equal e;
    pel_error err = {0};
    assert_int_equal(pel_fit_equal_eR((const double *const *)s, n, 3, &e, &err), PEL_OK);
    assert_true(e.lr_p > 1e-3 && e.kw_p > 1e-3);
    assert_true(fabs(e.eR_common - 0.3) < 4.0 * e.eR_common_se);
    /* 0.2, 0.3, 0.4 eV: both reject far below 1e-6 */
    for (int g = 0; g < 3; g++)
        for (int i = 0; i < N; i++)
            s[g][i] = gsl_ran_exponential(r, 0.2 + 0.1 * g);
    assert_int_equal(pel_fit_equal_eR((const double *const *)s, n, 3, &e, &err), PEL_OK);
    assert_true(e.lr_p < 1e-6 && e.kw_p < 1e-6);
    for (int g = 0; g < 3; g++)
        free(s[g]);
    gsl_rng_free(r);
}

static void test_trend_exact(void **state)
{
    (void)state;
    /* y = 1 + 2x at x = 0, 1, 2 with se 0.1: slope 2, se 1/sqrt(100 * 2);
     * scatter about the mean 3: 100 (4 + 0 + 4) */
    const double x[] = {0, 1, 2}, y[] = {1, 3, 5}, se[] = {0.1, 0.1, 0.1};
    pel_fit_trend t;
    pel_error err = {0};
    assert_int_equal(pel_fit_trend_xy(x, y, se, 3, &t, &err), PEL_OK);
    assert_true(fabs(t.slope - 2.0) < 1e-13);
    assert_true(fabs(t.slope_se - 1.0 / sqrt(200.0)) < 1e-15);
    assert_true(fabs(t.mean - 3.0) < 1e-14 && fabs(t.mean_se - 0.1 / sqrt(3.0)) < 1e-15);
    assert_true(fabs(t.chi2_const - 800.0) < 1e-9);
    assert_true(t.slope_p < 1e-100);
}

static void test_bad_input(void **state)
{
    (void)state;
    pel_error err = {0};
    const double x[] = {1, 2, 3, 4}, y[] = {1, NAN, 2, 4}, se0[] = {0.1, 0.0}, same[] = {1, 1};
    pel_fit_assoc a;
    pel_fit_equal e;
    pel_fit_trend t;
    assert_int_equal(pel_fit_assoc_EA_ER(x, x, 3, &a, &err), PEL_EINVAL);
    assert_int_equal(pel_fit_assoc_EA_ER(x, y, 4, &a, &err), PEL_EINVAL);
    const double *g[] = {x, y};
    const size_t n1[] = {4}, n2[] = {4, 1}, n3[] = {4, 4};
    assert_int_equal(pel_fit_equal_eR(g, n1, 1, &e, &err), PEL_EINVAL);
    assert_int_equal(pel_fit_equal_eR(g, n2, 2, &e, &err), PEL_EINVAL);
    assert_int_equal(pel_fit_equal_eR(g, n3, 2, &e, &err), PEL_EINVAL); /* the NAN */
    assert_int_equal(pel_fit_trend_xy(x, x, se0, 2, &t, &err), PEL_EINVAL);
    assert_int_equal(pel_fit_trend_xy(same, x, x, 2, &t, &err), PEL_EINVAL);
    assert_int_equal(pel_fit_trend_xy(x, x, x, 1, &t, &err), PEL_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assoc_by_hand), cmocka_unit_test(test_assoc_sampled),
        cmocka_unit_test(test_equal_by_hand), cmocka_unit_test(test_equal_sampled),
        cmocka_unit_test(test_trend_exact),   cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
