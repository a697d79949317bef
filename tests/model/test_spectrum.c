/* test_spectrum.c - the closed form of docs/theory.md §3 against independent truths:
 *   - GSL adaptive quadrature of both modes (spectrum_quad.h) on a grid over
 *     1..5000 K, W 0..1, m -1..10 eV, including mu = 0 (form switch);
 *   - 80-digit Python `decimal` values (tests/model/spectrum_truth.py ->
 *     spectrum_truth.csv) for ln F(u) up to u = 2e4 and for ln Z, EA;
 *   - the bracket F(u) by quadrature on both sides of the switch u = 4;
 *   - normalisation int P = 1 by quadrature; the reference values of docs/theory.md §3;
 *   - argument checks. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pel/spectrum.h"
#include "pel/util.h"
#include "spectrum_quad.h"
#include "testutil.h"

/* Required accuracy (docs/theory.md §3): 1e-12 relative on Z = 1e-12 absolute on ln Z,
 * 1e-12 eV on the mean barrier. */
#define TOL_LNZ 1e-12
#define TOL_EA 1e-12
#define S_DEF 0.49
#define EA_DEF 0.5

/* ---- closed form vs quadrature on the whole range ---------------------- */
static void test_lnZ_vs_quadrature(void **state)
{
    (void)state;
    static const double Ws[] = {0.0, 1e-4, 0.05, 0.5, 0.95, 1.0};
    static const double ms[] = {-1.0, -0.4, 0.0, 0.3, 1.2, 2.5, 5.0, 10.0};
    static const double Ts[] = {1.0, 2.0, 5.0, 20.0, 77.0, 300.0, 760.0, 1200.0, 2500.0, 5000.0};
    double worst = 0.0;
    for (size_t i = 0; i < sizeof Ws / sizeof *Ws; i++)
        for (size_t j = 0; j < sizeof ms / sizeof *ms; j++)
            for (size_t k = 0; k < sizeof Ts / sizeof *Ts; k++) {
                pel_spectrum sp = {Ws[i], ms[j], EA_DEF, S_DEF};
                double got = pel_spectrum_log_Z(&sp, Ts[k]);
                double want = quad_log_Z(Ws[i], ms[j], EA_DEF, S_DEF, Ts[k]);
                worst = fmax(worst, fabs(got - want));
                assert_close(got, want, 0.0, TOL_LNZ);
                double EA = -PEL_KB_EV_PER_K * Ts[k] * got;
                assert_close(EA, -QUAD_KB * Ts[k] * want, 0.0, TOL_EA);
            }
    print_message("closed form vs quadrature: max |d ln Z| = %.3g\n", worst);
}

/* mu = m - s^2/kT changes sign at T = s^2/(m k): both forms must agree */
static void test_lnZ_across_mu_zero(void **state)
{
    (void)state;
    static const double ms[] = {0.5, 1.2, 3.0, 10.0};
    static const double rel[] = {-1e-6, -1e-12, 0.0, 1e-12, 1e-6, 0.02};
    static const double Ws[] = {0.0, 0.05};
    for (size_t i = 0; i < sizeof ms / sizeof *ms; i++)
        for (size_t j = 0; j < sizeof rel / sizeof *rel; j++)
            for (size_t w = 0; w < 2; w++) {
                double T = S_DEF * S_DEF / (ms[i] * PEL_KB_EV_PER_K) * (1.0 + rel[j]);
                pel_spectrum sp = {Ws[w], ms[i], EA_DEF, S_DEF};
                assert_close(pel_spectrum_log_Z(&sp, T), quad_log_Z(Ws[w], ms[i], EA_DEF, S_DEF, T), 0.0, TOL_LNZ);
            }
}

/* ---- the bracket F(u): large-u region and the GSL / continued-fraction
 * switch at u = 4, against quadrature of F = 2 int t e^{-t^2-2ut} dt ------ */
static void test_log_F_vs_quadrature(void **state)
{
    (void)state;
    static const double us[] = {1e-3, 0.1, 0.9, 2.0, 3.5, 3.999999, 4.0, 4.000001, 4.5,
                                6.0,  9.0, 17.0, 40.0, 130.0, 1e3, 4006.0, 1e4};
    for (size_t i = 0; i < sizeof us / sizeof *us; i++) {
        double got = pel_spectrum_log_F(us[i]);
        assert_close(got, quad_log_F(us[i]), 0.0, 1e-13);
    }
    /* the asymptote F -> 1/(2u^2) (1 - 3/(2u^2)) */
    double u = 1e4;
    assert_close(pel_spectrum_log_F(u), -log(2.0 * u * u) + log1p(-1.5 / (u * u)), 0.0, 1e-15);
    assert_true(isnan(pel_spectrum_log_F(0.0)));
    assert_true(isnan(pel_spectrum_log_F(-1.0)));
}

/* ---- 80-digit truth from Python decimal ------------------------------- */
static void test_high_precision_table(void **state)
{
    (void)state;
    FILE *fp = fopen(pel_test_src("tests/model/spectrum_truth.csv"), "r");
    assert_non_null(fp);
    char line[512];
    assert_non_null(fgets(line, sizeof line, fp)); /* header */
    int nF = 0, nZ = 0;
    double wF = 0.0, wZ = 0.0, wE = 0.0;
    while (fgets(line, sizeof line, fp)) {
        char kind[4];
        double a, b, c, lv, ea;
        assert_int_equal(sscanf(line, "%3[^,],%lf,%lf,%lf,%lf,%lf", kind, &a, &b, &c, &lv, &ea), 6);
        if (!strcmp(kind, "F")) {
            if (a <= 0.0)
                continue; /* u <= 0 rows document the other branch only */
            double got = pel_spectrum_log_F(a);
            wF = fmax(wF, fabs(got - lv));
            assert_close(got, lv, 0.0, 1e-14);
            nF++;
        } else {
            pel_spectrum sp = {a, b, EA_DEF, S_DEF};
            double got = pel_spectrum_log_Z(&sp, c);
            wZ = fmax(wZ, fabs(got - lv));
            wE = fmax(wE, fabs(-PEL_KB_EV_PER_K * c * got - ea));
            assert_close(got, lv, 0.0, TOL_LNZ);
            assert_close(-PEL_KB_EV_PER_K * c * got, ea, 0.0, TOL_EA);
            nZ++;
        }
    }
    fclose(fp);
    assert_true(nF > 50 && nZ > 300);
    print_message("80-digit truth: max |d ln F| = %.3g, |d ln Z| = %.3g, |d EA| = %.3g eV\n", wF, wZ, wE);
}

/* ---- docs/theory.md §3 reference values ------------------------------------------ */
static void test_spec_reference(void **state)
{
    (void)state;
    static const struct {
        double W, m, T, Z, EA;
    } ref[] = {
        {0.05, 1.2, 760.0, 0.006064564034096949, 0.3343544601835224},
        {0.0, 2.0, 300.0, 1.0517185754546601e-07, NAN},
    };
    for (size_t i = 0; i < sizeof ref / sizeof *ref; i++) {
        pel_spectrum sp = {ref[i].W, ref[i].m, EA_DEF, S_DEF};
        double Z, EA;
        pel_error err = {0};
        assert_int_equal(pel_spectrum_barrier(&sp, ref[i].T, &Z, &EA, &err), PEL_OK);
        assert_close(Z, ref[i].Z, 1e-12, 0.0);
        if (!isnan(ref[i].EA))
            assert_close(EA, ref[i].EA, 0.0, 1e-12);
    }
}

/* ---- normalisation: int_0^inf P dE_A = 1 ------------------------------- */
typedef struct pdf_ctx {
    const pel_spectrum *sp;
    int part;
} pdf_ctx;

static double pdf_f(double x, void *p)
{
    const pdf_ctx *c = p;
    return c->part == 1 ? pel_spectrum_pdf_m1(c->sp, x) : pel_spectrum_pdf_m2(c->sp, x);
}

static void test_normalisation(void **state)
{
    (void)state;
    static const double Ws[] = {0.0, 0.05, 0.6, 1.0};
    static const double ms[] = {-1.0, 0.0, 1.2, 4.0, 10.0};
    static const double ss[] = {0.2, 0.49, 1.0};
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(QUAD_LIMIT);
    for (size_t i = 0; i < sizeof Ws / sizeof *Ws; i++)
        for (size_t j = 0; j < sizeof ms / sizeof *ms; j++)
            for (size_t k = 0; k < sizeof ss / sizeof *ss; k++) {
                pel_spectrum sp = {Ws[i], ms[j], EA_DEF, ss[k]};
                pdf_ctx c1 = {&sp, 1}, c2 = {&sp, 2};
                gsl_function F1 = {pdf_f, &c1}, F2 = {pdf_f, &c2};
                /* M2 mass sits below max(m,0) + a few s; split there */
                double cut = fmax(ms[j], 0.0) + 12.0 * ss[k];
                double tot = quad_piece(w, &F1, 0.0, INFINITY) + quad_piece(w, &F2, 0.0, fmax(ms[j], ss[k])) +
                             quad_piece(w, &F2, fmax(ms[j], ss[k]), cut) + quad_piece(w, &F2, cut, INFINITY);
                assert_close(tot, 1.0, 0.0, 1e-12);
                assert_close(pel_spectrum_pdf(&sp, 0.7), pel_spectrum_pdf_m1(&sp, 0.7) + pel_spectrum_pdf_m2(&sp, 0.7),
                             1e-15, 0.0);
                assert_true(pel_spectrum_pdf(&sp, -0.1) == 0.0);
            }
    gsl_integration_workspace_free(w);
}

/* W0 = (1-W)/I1(m,s) with I1 by quadrature, and I1 for mu << -s (underflow) */
static void test_log_I1_and_W0(void **state)
{
    (void)state;
    static const double mus[] = {-40.0, -5.0, -1.0, -0.1, 0.0, 0.1, 1.0, 10.0};
    for (size_t i = 0; i < sizeof mus / sizeof *mus; i++)
        /* ln I1 ~ -mu^2/2s^2 is large: allow a few ulp of its magnitude */
        assert_close(pel_spectrum_log_I1(mus[i], S_DEF), quad_log_gauss_moment(mus[i], S_DEF, 0.0), 1e-15, 1e-13);
    pel_spectrum sp = {0.3, 1.7, EA_DEF, S_DEF};
    assert_close(pel_spectrum_log_W0(&sp), log(0.7) - quad_log_gauss_moment(1.7, S_DEF, 0.0), 0.0, 1e-13);
    sp.W = 1.0;
    assert_true(isinf(pel_spectrum_log_W0(&sp)) && pel_spectrum_log_W0(&sp) < 0);
}

/* ---- edge cases and bad input ------------------------------------------ */
static void test_edges_and_checks(void **state)
{
    (void)state;
    pel_error err = {0};
    double Z, EA;
    /* W = 1: pure M1, Z = kT/(kT+eA) exactly */
    pel_spectrum m1 = {1.0, 3.0, EA_DEF, S_DEF};
    double kT = PEL_KB_EV_PER_K * 500.0;
    assert_int_equal(pel_spectrum_barrier(&m1, 500.0, &Z, &EA, &err), PEL_OK);
    assert_close(Z, kT / (kT + EA_DEF), 1e-15, 0.0);
    /* bad spectra */
    static const pel_spectrum bad[] = {
        {-0.01, 1.0, 0.5, 0.49}, {1.01, 1.0, 0.5, 0.49}, {NAN, 1.0, 0.5, 0.49}, {0.1, INFINITY, 0.5, 0.49},
        {0.1, 1.0, 0.0, 0.49},   {0.1, 1.0, 0.5, -1.0},  {0.1, 1.0, 0.5, 0.0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(pel_spectrum_check(&bad[i], &err), PEL_EINVAL);
        assert_true(strlen(err.msg) > 0);
        assert_int_equal(pel_spectrum_barrier(&bad[i], 300.0, &Z, &EA, &err), PEL_EINVAL);
    }
    pel_spectrum ok = {0.1, 1.0, 0.5, 0.49};
    static const double badT[] = {0.0, -5.0, 2e5, NAN, INFINITY};
    for (size_t i = 0; i < sizeof badT / sizeof *badT; i++) {
        assert_int_equal(pel_spectrum_barrier(&ok, badT[i], &Z, &EA, &err), PEL_EINVAL);
        assert_non_null(strstr(err.msg, "T ="));
    }
    assert_int_equal(pel_spectrum_barrier(&ok, 300.0, NULL, NULL, &err), PEL_OK);
}

int main(void)
{
    gsl_set_error_handler_off(); /* quadrature status is checked by the tests */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lnZ_vs_quadrature),   cmocka_unit_test(test_lnZ_across_mu_zero),
        cmocka_unit_test(test_log_F_vs_quadrature), cmocka_unit_test(test_high_precision_table),
        cmocka_unit_test(test_spec_reference),      cmocka_unit_test(test_normalisation),
        cmocka_unit_test(test_log_I1_and_W0),       cmocka_unit_test(test_edges_and_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
