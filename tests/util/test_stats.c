/* test_stats.c - correlated series against processes with known answers:
 *   - AR(1) x_t = phi x_{t-1} + e_t has statistical inefficiency
 *     g = (1 + phi) / (1 - phi) exactly; white noise has g = 1;
 *   - an exponential transient on top of white noise is cut at about the time
 *     it has decayed below the noise, and the mean of the rest is the
 *     process mean within its standard error;
 *   - the meet rule against hand-computed weighted means. */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pel/stats.h"
#include "testutil.h"

static double *ar1(size_t n, double phi, double sigma, unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    double *x = malloc(n * sizeof *x), prev = gsl_ran_gaussian(r, sigma / sqrt(1 - phi * phi));
    for (size_t i = 0; i < n; i++)
        x[i] = prev = phi * prev + gsl_ran_gaussian(r, sigma);
    gsl_rng_free(r);
    return x;
}

static void test_inefficiency_ar1(void **state)
{
    (void)state;
    static const double phis[] = {0.0, 0.5, 0.8, 0.9};
    for (size_t k = 0; k < 4; k++) {
        /* average over independent series: the estimator's own scatter is ~10 % per series */
        double sum = 0;
        int reps = 20;
        for (int s = 0; s < reps; s++) {
            double *x = ar1(20000, phis[k], 1.0, 100 + 17 * (unsigned long)s + 1000 * k);
            sum += pel_stats_inefficiency(x, 20000);
            free(x);
        }
        double g = sum / reps, truth = (1 + phis[k]) / (1 - phis[k]);
        assert_true(fabs(g - truth) < 0.08 * truth);
    }
}

/* The standard error is honest: over many AR(1) series, |mean| / se is a
 * unit normal, so about 95 % fall within 2 se. */
static void test_se_coverage(void **state)
{
    (void)state;
    int inside = 0, reps = 400;
    for (int s = 0; s < reps; s++) {
        double *x = ar1(400, 0.7, 1.0, 5000 + (unsigned long)s);
        pel_series_stats st;
        pel_error err = {0};
        assert_int_equal(pel_stats_equilibrated(x, 400, 0.0, 8, &st, &err), PEL_OK);
        inside += fabs(st.mean) <= 2 * st.se;
        free(x);
    }
    double frac = (double)inside / reps;
    assert_true(frac > 0.90 && frac < 0.99);
}

static void test_equilibration_cut(void **state)
{
    (void)state;
    size_t n = 300;
    double *x = ar1(n, 0.0, 0.002, 77);
    for (size_t i = 0; i < n; i++)
        x[i] += -4.65 + 0.03 * exp(-(double)i / 15.0); /* transient decays below the noise by i ~ 40 */
    pel_series_stats st;
    pel_error err = {0};
    assert_int_equal(pel_stats_equilibrated(x, n, 0.5, 8, &st, &err), PEL_OK);
    assert_true(st.t0 >= 25 && st.t0 <= 110);
    assert_true(fabs(st.mean - (-4.65)) < 3 * st.se);
    assert_true(st.se < 0.0004);
    /* without the cut the transient (mean 0.03 * 15 / 300 = 1.5 meV) biases the mean by
       many standard errors of the cut series */
    pel_series_stats raw;
    assert_int_equal(pel_stats_equilibrated(x, n, 0.0, 8, &raw, &err), PEL_OK);
    assert_true(fabs(raw.mean - (-4.65)) > 5 * st.se);
    free(x);
}

static void test_meet_and_errors(void **state)
{
    (void)state;
    int met;
    double m, se;
    pel_error err = {0};
    assert_int_equal(pel_stats_meet(1.0, 0.1, 1.3, 0.2, 2.0, &met, &m, &se, &err), PEL_OK);
    assert_int_equal(met, 1); /* 0.3 <= 2 sqrt(0.05) = 0.447 */
    assert_close(m, (1.0 / 0.01 + 1.3 / 0.04) / (1 / 0.01 + 1 / 0.04), 1e-15, 0);
    assert_close(se, 1 / sqrt(1 / 0.01 + 1 / 0.04), 1e-15, 0);
    assert_int_equal(pel_stats_meet(1.0, 0.1, 1.5, 0.2, 2.0, &met, &m, &se, &err), PEL_OK);
    assert_int_equal(met, 0);
    assert_int_equal(pel_stats_meet(NAN, 0.1, 1.5, 0.2, 2.0, &met, &m, &se, &err), PEL_EINVAL);
    double x[5] = {1, 2, NAN, 4, 5};
    pel_series_stats st;
    assert_int_equal(pel_stats_equilibrated(x, 5, 0.5, 3, &st, &err), PEL_EINVAL);
    assert_int_equal(pel_stats_equilibrated(x, 2, 0.5, 3, &st, &err), PEL_EINVAL);
    double c[6] = {2, 2, 2, 2, 2, 2};
    assert_int_equal(pel_stats_equilibrated(c, 6, 0.5, 3, &st, &err), PEL_OK);
    assert_close(st.mean, 2.0, 0, 0);
    assert_close(st.se, 0.0, 0, 0);
}

/* Isotherm sides made from a known E_eq: relaxing from above and from below
 * onto -4.66 with noise meet; a side that settles 5 meV higher does not; a
 * side still drifting linearly is flagged. */
static void test_isotherm_decision(void **state)
{
    (void)state;
    enum { N = 200, R = 3 };
    double *ea[R], *eb[R], *ec[R], *ed[R];
    size_t n[R] = {N, N, N};
    for (int r = 0; r < R; r++) {
        ea[r] = ar1(N, 0.5, 0.0015, 900 + (unsigned long)r);
        eb[r] = ar1(N, 0.5, 0.0015, 950 + (unsigned long)r);
        ec[r] = ar1(N, 0.5, 0.0015, 990 + (unsigned long)r);
        ed[r] = ar1(N, 0.5, 0.0015, 1010 + (unsigned long)r);
        for (size_t i = 0; i < N; i++) {
            double decay = exp(-(double)i / 10.0);
            ea[r][i] += -4.66 + 0.015 * decay;         /* from above */
            eb[r][i] += -4.66 - 0.025 * decay;         /* from below */
            ec[r][i] += -4.655 - 0.025 * decay;        /* settles 5 meV too high */
            ed[r][i] += -4.68 + 0.02 * (double)i / N;  /* still ageing up */
        }
    }
    pel_isotherm_side A, B, C, D;
    pel_error err = {0};
    assert_int_equal(pel_stats_isotherm_side((const double *const *)ea, n, R, 0.5, 8, &A, &err), PEL_OK);
    assert_int_equal(pel_stats_isotherm_side((const double *const *)eb, n, R, 0.5, 8, &B, &err), PEL_OK);
    assert_int_equal(pel_stats_isotherm_side((const double *const *)ec, n, R, 0.5, 8, &C, &err), PEL_OK);
    assert_int_equal(pel_stats_isotherm_side((const double *const *)ed, n, R, 0.5, 8, &D, &err), PEL_OK);
    assert_true(A.stationary && B.stationary && C.stationary);
    assert_int_equal(D.stationary, 0);
    assert_true(A.t0_max >= 20 && B.t0_max >= 20); /* the transients were cut */
    int met;
    double E, se;
    const char *why;
    assert_int_equal(pel_stats_isotherm(&A, &B, 2.0, 0.001, &met, &E, &se, &why, &err), PEL_OK);
    assert_int_equal(met, 1);
    assert_null(why);
    assert_true(fabs(E - (-4.66)) < 3 * se && se < 0.0005);
    assert_int_equal(pel_stats_isotherm(&A, &C, 2.0, 0.001, &met, &E, &se, &why, &err), PEL_OK);
    assert_int_equal(met, 0);
    assert_non_null(strstr(why, "do not meet"));
    assert_int_equal(pel_stats_isotherm(&A, &B, 2.0, 1e-6, &met, &E, &se, &why, &err), PEL_OK);
    assert_int_equal(met, 0);
    assert_non_null(strstr(why, "standard error"));
    D.mean = A.mean, D.se = A.se; /* even where the means agree, a drifting side is refused */
    assert_int_equal(pel_stats_isotherm(&A, &D, 2.0, 0.001, &met, &E, &se, &why, &err), PEL_OK);
    assert_int_equal(met, 0);
    assert_non_null(strstr(why, "drifts"));
    for (int r = 0; r < R; r++)
        free(ea[r]), free(eb[r]), free(ec[r]), free(ed[r]);
}

/* Short stationary holds (20 IS samples, as a 40 ps hold sampled every 2 ps)
 * must rarely be called drifting: the halves' test at 3 sigma should flag
 * well under 3 % of stationary AR(1) series, while a drift of 10 noise sds
 * over the hold is still caught in most. */
static void test_short_holds_drift(void **state)
{
    (void)state;
    enum { N = 20, M = 400 };
    size_t n[1] = {N}, flagged = 0, caught = 0;
    for (int k = 0; k < M; k++) {
        double *e = ar1(N, 0.3, 0.0015, 5000 + (unsigned long)k);
        for (size_t i = 0; i < N; i++)
            e[i] += -4.655;
        pel_isotherm_side S;
        assert_int_equal(pel_stats_isotherm_side((const double *const *)&e, n, 1, 0.5, 8, &S, NULL), PEL_OK);
        flagged += !S.stationary;
        for (size_t i = 0; i < N; i++)
            e[i] += 0.015 * (double)i / N;
        assert_int_equal(pel_stats_isotherm_side((const double *const *)&e, n, 1, 0.5, 8, &S, NULL), PEL_OK);
        caught += !S.stationary;
        free(e);
    }
    print_message("short holds: %zu of %d stationary flagged, %zu of %d drifting caught\n", flagged, M, caught, M);
    assert_true(flagged < 0.03 * M);
    assert_true(caught > 0.5 * M);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inefficiency_ar1),
        cmocka_unit_test(test_se_coverage),
        cmocka_unit_test(test_equilibration_cut),
        cmocka_unit_test(test_meet_and_errors),
        cmocka_unit_test(test_isotherm_decision),
        cmocka_unit_test(test_short_holds_drift),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
