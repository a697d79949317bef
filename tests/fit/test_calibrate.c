/* test_calibrate.c - material forms from fitted spectra and the equilibrium
 * part of a cooling curve (src/fit/calibrate.c).  Truths: points generated
 * from known form parameters (noiseless: exact recovery; noisy: within the
 * reported errors), a synthetic broken-line cooling curve with known T_g. */
#include <math.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "pel/calibrate.h"
#include "testutil.h"

static const pel_material truth = {
    .name = "truth", .eA = 0.5, .s = 0.49, .eR = 0.32,
    .W_inf = 0.05, .W_top = 0.40, .W_E0 = -4.68, .W_dE = 0.03,
    .m_0 = 1.2, .m_slope = 8.0, .m_E0 = -4.65,
    .nu0_per_s = 1e13, .S_E = 0, .S_E0 = -4.65, .S_T = 0, .S_T0 = 1000,
    .E_lo = -5.2, .E_hi = -4.3,
};

static void make_points(pel_calib_point *p, size_t n, gsl_rng *noise)
{
    for (size_t i = 0; i < n; i++) {
        double E = -4.80 + 0.25 * (double)i / (double)(n - 1);
        p[i] = (pel_calib_point){E, pel_material_W(&truth, E), 0.01, pel_material_m(&truth, E), 0.05};
        if (noise) {
            p[i].W += gsl_ran_gaussian(noise, p[i].W_se);
            p[i].m += gsl_ran_gaussian(noise, p[i].m_se);
        }
    }
}

static void test_noiseless_recovery(void **state)
{
    (void)state;
    pel_calib_point p[10];
    make_points(p, 10, NULL);
    /* start away from the truth */
    pel_material base = truth, out;
    base.W_inf = 0.1, base.W_top = 0.3, base.W_E0 = -4.65, base.W_dE = 0.05, base.m_0 = 0.5, base.m_slope = 3;
    pel_calib_stats st;
    pel_error err = {0};
    assert_int_equal(pel_calibrate_spectrum(p, 10, &base, PEL_CALIB_W_ALL, &out, &st, &err), PEL_OK);
    assert_close(out.W_inf, truth.W_inf, 0, 1e-7);
    assert_close(out.W_top, truth.W_top, 0, 1e-7);
    assert_close(out.W_E0, truth.W_E0, 0, 1e-7);
    assert_close(out.W_dE, truth.W_dE, 0, 1e-7);
    assert_close(out.m_0, truth.m_0, 0, 1e-10);
    assert_close(out.m_slope, truth.m_slope, 0, 1e-9);
    assert_close(out.m_E0, truth.m_E0, 0, 0);
    assert_close(out.eR, truth.eR, 0, 0); /* untouched */
    assert_true(st.chi2_W < 1e-10 && st.chi2_m < 1e-10);
    assert_int_equal(st.dof_W, 6);
    assert_int_equal(st.dof_m, 8);
    /* fixed W_top, W_dE keep the base values, zero se */
    base.W_top = truth.W_top, base.W_dE = truth.W_dE;
    assert_int_equal(pel_calibrate_spectrum(p, 10, &base, PEL_CALIB_W_INF | PEL_CALIB_W_E0, &out, &st, &err), PEL_OK);
    assert_close(out.W_inf, truth.W_inf, 0, 1e-8);
    assert_close(out.W_E0, truth.W_E0, 0, 1e-8);
    assert_true(st.W_top_se == 0.0 && st.W_dE_se == 0.0 && st.W_inf_se > 0.0);
}

static void test_noisy_within_errors(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 17);
    enum { N = 12 };
    pel_calib_point p[N];
    make_points(p, N, r);
    pel_material out;
    pel_calib_stats st;
    pel_error err = {0};
    assert_int_equal(pel_calibrate_spectrum(p, N, &truth, PEL_CALIB_W_INF | PEL_CALIB_W_E0, &out, &st, &err), PEL_OK);
    assert_close(out.W_inf, truth.W_inf, 0, 3 * st.W_inf_se);
    assert_close(out.W_E0, truth.W_E0, 0, 3 * st.W_E0_se);
    assert_close(out.m_0, truth.m_0, 0, 3 * st.m_0_se);
    assert_close(out.m_slope, truth.m_slope, 0, 3 * st.m_slope_se);
    /* chi2 ~ dof for correct errors: chi2_10 < 29.6 with prob 0.999 */
    assert_true(st.chi2_m < 29.6 && st.chi2_W < 29.6);
    gsl_rng_free(r);
}

static void test_calibrate_bad_input(void **state)
{
    /* the least-squares fit knows only the logistic W and linear m forms */
    {
        pel_calib_point q[4];
        make_points(q, 4, NULL);
        pel_material lin = truth, o2;
        lin.W_form = PEL_W_LINEAR;
        pel_error e2 = {0};
        assert_int_equal(pel_calibrate_spectrum(q, 4, &lin, PEL_CALIB_W_INF, &o2, NULL, &e2), PEL_EINVAL);
        assert_non_null(strstr(e2.msg, "logistic W"));
    }
    (void)state;
    pel_calib_point p[3];
    make_points(p, 3, NULL);
    pel_material out;
    pel_error err = {0};
    assert_int_equal(pel_calibrate_spectrum(p, 3, &truth, PEL_CALIB_W_ALL, &out, NULL, &err), PEL_EINVAL);
    assert_non_null(strstr(err.msg, "free parameters"));
    p[1].W_se = 0.0;
    assert_int_equal(pel_calibrate_spectrum(p, 3, &truth, PEL_CALIB_W_INF, &out, NULL, &err), PEL_EINVAL);
    assert_non_null(strstr(err.msg, "point 2"));
    make_points(p, 3, NULL);
    p[1].E = p[2].E = p[0].E;
    assert_int_equal(pel_calibrate_spectrum(p, 3, &truth, PEL_CALIB_W_INF, &out, NULL, &err), PEL_EINVAL);
    assert_int_equal(pel_calibrate_spectrum(p, 1, &truth, 0, &out, NULL, &err), PEL_EINVAL);
}

/* Broken line: liquid slope 1e-4 eV/atom/K above T_g = 700 K, glass slope
 * 2e-5 below, noise 2e-5 eV/atom; T listed from hot to cold (as quench writes). */
static void test_eq_line(void **state)
{
    (void)state;
    enum { N = 25 };
    double T[N], E[N];
    unsigned char keep[N];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 23);
    for (int i = 0; i < N; i++) {
        T[i] = 1500.0 - 50.0 * i;
        double d = T[i] - 700.0;
        E[i] = -4.70 + (d > 0 ? 1e-4 * d : 2e-5 * d) + gsl_ran_gaussian(r, 2e-5);
    }
    double Tg;
    size_t nk;
    pel_error err = {0};
    assert_int_equal(pel_calibrate_eq_line(T, E, N, 100.0, &Tg, keep, &nk, &err), PEL_OK);
    assert_close(Tg, 700.0, 0, 10.0);
    size_t expect = 0;
    for (int i = 0; i < N; i++) {
        assert_int_equal(keep[i], T[i] >= Tg + 100.0);
        expect += keep[i];
    }
    assert_int_equal(nk, expect);
    assert_true(nk >= 14 && nk <= 15); /* 1500..850 or ..800 K */
    /* a liquid that flattens at high T, as MD's E_IS does (slope 1e-4 at
     * T_g = 750 K falling to 3.6e-5 eV/atom/K at 1550 K): T_g found within
     * 15 K, where a straight liquid segment met the glass line far below */
    for (int i = 0; i < N; i++) {
        T[i] = 1550.0 - 50.0 * i;
        double d = T[i] - 750.0;
        E[i] = -4.70 + (d > 0 ? 1e-4 * d - 4e-8 * d * d : 1e-5 * d) + gsl_ran_gaussian(r, 2e-5);
    }
    assert_int_equal(pel_calibrate_eq_line(T, E, N, 50.0, &Tg, keep, &nk, &err), PEL_OK);
    assert_close(Tg, 750.0, 0, 15.0);
    /* a straight line has no transition */
    for (int i = 0; i < N; i++)
        E[i] = -4.7 + 1e-4 * T[i];
    assert_int_equal(pel_calibrate_eq_line(T, E, N, 0.0, &Tg, keep, &nk, &err), PEL_ENOROOT);
    assert_int_equal(pel_calibrate_eq_line(T, E, 5, 0.0, &Tg, keep, &nk, &err), PEL_EINVAL);
    assert_int_equal(pel_calibrate_eq_line(T, E, N, -1.0, &Tg, keep, &nk, &err), PEL_EINVAL);
    E[3] = NAN;
    assert_int_equal(pel_calibrate_eq_line(T, E, N, 0.0, &Tg, keep, &nk, &err), PEL_EINVAL);
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_noiseless_recovery),
        cmocka_unit_test(test_noisy_within_errors),
        cmocka_unit_test(test_calibrate_bad_input),
        cmocka_unit_test(test_eq_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
