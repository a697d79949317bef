/* test_equilibrium.c - D(E,T), E_eq(T), T_c and the map (docs/theory.md §4) against
 * independent truths: D from quadrature of the spectrum (spectrum_quad.h)
 * with W(E), m(E) written out from the forms in material.h; E_eq for a
 * constant-W material from a root of the quadrature D in m; T_c against the
 * analytic condition W_inf kT/(kT+e_A) = exp(-e_R/kT) solved here with GSL
 * Brent.  Materials are built field by field (no dependence on presets). */
#include <math.h>
#include <string.h>

#include <gsl/gsl_roots.h>

#include "pel/equilibrium.h"
#include "pel/util.h"
#include "spectrum_quad.h"
#include "testutil.h"

static pel_material make_material(double W_inf, double W_top, double m_slope)
{
    pel_material m;
    memset(&m, 0, sizeof m);
    strcpy(m.name, "test");
    m.eA = 0.5;
    m.s = 0.49;
    m.eR = 0.32;
    m.W_inf = W_inf;
    m.W_top = W_top;
    m.W_E0 = -4.70;
    m.W_dE = 0.03;
    m.m_0 = 1.0;
    m.m_slope = m_slope;
    m.m_E0 = -4.65;
    m.nu0_per_s = 1e13;
    m.S_E0 = -4.65;
    m.S_T0 = 1000.0;
    m.E_lo = -5.2;
    m.E_hi = -4.3;
    return m;
}

/* the documented forms of material.h, written out independently */
static double form_W(const pel_material *m, double E)
{
    return m->W_inf + (m->W_top - m->W_inf) / (1.0 + exp(-(E - m->W_E0) / m->W_dE));
}

static double form_m(const pel_material *m, double E)
{
    return m->m_0 + m->m_slope * (m->m_E0 - E);
}

static double quad_D(const pel_material *m, double E, double T)
{
    return -QUAD_KB * T * quad_log_Z(form_W(m, E), form_m(m, E), m->eA, m->s, T) - m->eR;
}

/* ---- D(E,T) against quadrature, and its sign around E_eq --------------- */
static void test_D_vs_quadrature(void **state)
{
    (void)state;
    pel_material mat = make_material(0.06, 0.5, 10.0);
    static const double Es[] = {-5.1, -4.9, -4.75, -4.7, -4.6, -4.4};
    static const double Ts[] = {300.0, 760.0, 1000.0, 2000.0};
    for (size_t i = 0; i < sizeof Es / sizeof *Es; i++)
        for (size_t j = 0; j < sizeof Ts / sizeof *Ts; j++)
            assert_close(pel_equilibrium_D(&mat, Es[i], Ts[j]), quad_D(&mat, Es[i], Ts[j]), 0.0, 1e-12);
}

static void test_D_sign_logic(void **state)
{
    (void)state;
    pel_material mat = make_material(0.06, 0.5, 10.0);
    static const double Ts[] = {900.0, 1300.0, 2000.0};
    for (size_t j = 0; j < sizeof Ts / sizeof *Ts; j++) {
        double Eeq;
        pel_error err = {0};
        assert_int_equal(pel_equilibrium_E(&mat, Ts[j], &Eeq, &err), PEL_OK);
        /* below the line barriers exceed e_R: rejuvenation (D > 0); above: ageing */
        for (double dE = 1e-6; dE < 0.5; dE *= 3.0) {
            assert_true(quad_D(&mat, Eeq - dE, Ts[j]) > 0.0);
            assert_true(quad_D(&mat, Eeq + dE, Ts[j]) < 0.0);
        }
    }
}

/* ---- E_eq for constant W: truth = root in m of the quadrature D -------- */
typedef struct mroot {
    double W, T;
} mroot;

static double d_of_m(double mm, void *p)
{
    const mroot *r = p;
    return -QUAD_KB * r->T * quad_log_Z(r->W, mm, 0.5, 0.49, r->T) - 0.32;
}

static double brent(double (*f)(double, void *), void *p, double a, double b, double tol)
{
    gsl_function F = {f, p};
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    assert_int_equal(gsl_root_fsolver_set(s, &F, a, b), GSL_SUCCESS);
    int status = GSL_CONTINUE;
    for (int it = 0; it < 500 && status == GSL_CONTINUE; it++) {
        gsl_root_fsolver_iterate(s);
        status = gsl_root_test_interval(gsl_root_fsolver_x_lower(s), gsl_root_fsolver_x_upper(s), tol, 0.0);
    }
    assert_int_equal(status, GSL_SUCCESS);
    double x = gsl_root_fsolver_root(s);
    gsl_root_fsolver_free(s);
    return x;
}

static void test_Eeq_constant_W(void **state)
{
    (void)state;
    static const struct {
        double W, T;
    } cases[] = {{0.0, 50.0}, {0.0, 400.0}, {0.0, 1500.0}, {0.02, 800.0}, {0.05, 1000.0}, {0.05, 3000.0}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        pel_material mat = make_material(cases[i].W, cases[i].W, 10.0);
        mroot r = {cases[i].W, cases[i].T};
        double mstar = brent(d_of_m, &r, -1.0, 60.0, 1e-13);
        double want = mat.m_E0 - (mstar - mat.m_0) / mat.m_slope;
        double Eeq;
        pel_error err = {0};
        assert_int_equal(pel_equilibrium_E(&mat, cases[i].T, &Eeq, &err), PEL_OK);
        assert_close(Eeq, want, 0.0, 1e-11);
    }
}

/* ---- W == 0: a solution at every T down to 50 K, D(E_eq) = 0 ----------- */
static void test_W0_every_T(void **state)
{
    (void)state;
    pel_material mat = make_material(0.0, 0.0, 10.0);
    double Tc = -1.0;
    pel_error err = {0};
    assert_int_equal(pel_equilibrium_Tc(&mat, &Tc, &err), PEL_OK);
    assert_true(Tc == 0.0);
    for (double T = 50.0; T <= 3000.0; T += 50.0) {
        double Eeq;
        assert_int_equal(pel_equilibrium_E(&mat, T, &Eeq, &err), PEL_OK);
        /* root to PEL_EQ_ETOL: D changes sign within 1e-11 eV/atom of it */
        assert_true(quad_D(&mat, Eeq - 1e-11, T) > 0.0);
        assert_true(quad_D(&mat, Eeq + 1e-11, T) < 0.0);
        assert_close(pel_equilibrium_D(&mat, Eeq, T), 0.0, 0.0, 1e-10);
    }
}

/* ---- T_c against the analytic condition of docs/theory.md §4 --------------------- */
typedef struct tc_ctx {
    double Winf;
} tc_ctx;

static double tc_f(double T, void *p)
{
    const tc_ctx *c = p;
    double kT = QUAD_KB * T;
    return c->Winf * kT / (kT + 0.5) - exp(-0.32 / kT);
}

static void test_Tc_analytic(void **state)
{
    (void)state;
    static const double Winf[] = {0.03, 0.0652, 0.1, 0.3};
    for (size_t i = 0; i < sizeof Winf / sizeof *Winf; i++) {
        pel_material mat = make_material(Winf[i], 0.5, 50.0);
        tc_ctx c = {Winf[i]};
        double want = brent(tc_f, &c, 50.0, 1e4, 1e-10);
        double Tc;
        pel_error err = {0};
        assert_int_equal(pel_equilibrium_Tc(&mat, &Tc, &err), PEL_OK);
        print_message("W_inf = %g: T_c = %.12g K, analytic %.12g K\n", Winf[i], Tc, want);
        assert_close(Tc, want, 0.0, 1e-6);
        /* no equilibrium just below, one just above */
        double Eeq;
        assert_int_equal(pel_equilibrium_E(&mat, Tc - 0.5, &Eeq, &err), PEL_ENOROOT);
        assert_non_null(strstr(err.msg, "T ="));
        assert_int_equal(pel_equilibrium_E(&mat, Tc + 0.5, &Eeq, &err), PEL_OK);
        assert_close(quad_D(&mat, Eeq, Tc + 0.5), 0.0, 0.0, 1e-10);
    }
}

/* ---- map and bad input ------------------------------------------------- */
static void test_map(void **state)
{
    (void)state;
    pel_material mat = make_material(0.06, 0.5, 10.0);
    const double E[] = {-5.0, -4.8, -4.6}, T[] = {500.0, 1000.0};
    double D[6];
    pel_error err = {0};
    assert_int_equal(pel_equilibrium_map(&mat, E, 3, T, 2, D, &err), PEL_OK);
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 2; j++)
            assert_close(D[i * 2 + j], quad_D(&mat, E[i], T[j]), 0.0, 1e-12);
    const double Ebad[] = {-5.0, NAN}, Tbad[] = {500.0, 0.0};
    assert_int_equal(pel_equilibrium_map(&mat, Ebad, 2, T, 2, D, &err), PEL_EINVAL);
    assert_non_null(strstr(err.msg, "E[1]"));
    assert_int_equal(pel_equilibrium_map(&mat, E, 3, Tbad, 2, D, &err), PEL_EINVAL);
    assert_non_null(strstr(err.msg, "T[1]"));
}

static void test_bad_input(void **state)
{
    (void)state;
    pel_material mat = make_material(0.06, 0.5, 10.0);
    pel_error err = {0};
    double E, Tc;
    static const double badT[] = {0.0, -10.0, NAN, INFINITY, 2e5};
    for (size_t i = 0; i < sizeof badT / sizeof *badT; i++)
        assert_int_equal(pel_equilibrium_E(&mat, badT[i], &E, &err), PEL_EINVAL);
    pel_material m2 = mat;
    m2.E_lo = m2.E_hi;
    assert_int_equal(pel_equilibrium_E(&m2, 1000.0, &E, &err), PEL_EINVAL);
    assert_int_equal(pel_equilibrium_Tc(&m2, &Tc, &err), PEL_EINVAL);
    m2 = mat;
    m2.W_top = 1.5;
    m2.W_inf = 1.5;
    assert_int_equal(pel_equilibrium_E(&m2, 1000.0, &E, &err), PEL_EINVAL);
    m2 = mat;
    m2.s = -0.1;
    assert_int_equal(pel_equilibrium_E(&m2, 1000.0, &E, &err), PEL_EINVAL);
    /* W = 1 everywhere: Ebar_A stays below e_R at every T, never a root */
    m2 = make_material(1.0, 1.0, 10.0);
    assert_int_equal(pel_equilibrium_Tc(&m2, &Tc, &err), PEL_ENOROOT);
}

int main(void)
{
    gsl_set_error_handler_off(); /* quadrature status is checked by the tests */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_D_vs_quadrature), cmocka_unit_test(test_D_sign_logic),
        cmocka_unit_test(test_Eeq_constant_W),  cmocka_unit_test(test_W0_every_T),
        cmocka_unit_test(test_Tc_analytic),     cmocka_unit_test(test_map),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
