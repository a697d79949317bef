/* test_evolve.c - the E(t) integrator (include/pel/evolve.h) against
 * independent truths, each docs/theory.md §5 claim as its own test, and the cu56zr44
 * preset's calibration constraints (issue 2 item 3) one test each.
 *
 * Truths used: the linearised rate -d(nu Z D)/dE at E_eq by central finite
 * differences (relaxation), the bracketed root E_eq(T) of the equilibrium
 * module (holds, cooling at high T, truncated-scan peaks), the analytic T_c
 * condition of docs/theory.md §4, hand-made traces (summaries).  Peaks are located by
 * GSL minimisation over re-integrated protocols, never by a grid maximum. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_min.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pel/equilibrium.h"
#include "pel/evolve.h"
#include "pel/spectrum.h"
#include "pel/util.h"
#include "testutil.h"

static pel_material mat;

static int setup(void **state)
{
    (void)state;
    gsl_set_error_handler_off();
    return pel_material_preset("cu56zr44-paper", &mat, NULL);
}

/* Run a protocol text; the trace is returned in *tr (caller clears). */
static void run(const char *text, const pel_evolve_opts *o, pel_trace *tr)
{
    pel_protocol p;
    pel_error err = {0};
    int rc = pel_protocol_parse(text, &p, &err);
    if (rc == PEL_OK)
        rc = pel_evolve_run(&mat, &p, o, tr, &err);
    if (rc != PEL_OK)
        print_error("'%s': %s\n", text, err.msg);
    assert_int_equal(rc, PEL_OK);
    pel_protocol_clear(&p);
}

static double eq_E(double T)
{
    double E;
    assert_int_equal(pel_equilibrium_E(&mat, T, &E, NULL), PEL_OK);
    return E;
}

/* dE/dt = nu Z D written out from the material and spectrum (eq. 2). */
static double rate(double E, double T)
{
    pel_spectrum sp;
    pel_material_spectrum(&mat, E, &sp);
    double lz = pel_spectrum_log_Z(&sp, T);
    return exp(pel_material_log_nu(&mat, E, T) + lz) * (-PEL_KB_EV_PER_K * T * lz - mat.eR);
}

/* Final E of a protocol (exact integration point, not interpolated). */
static double final_E(const char *text, const pel_evolve_opts *o)
{
    pel_trace tr = {0};
    run(text, o, &tr);
    double E = tr.p[tr.n - 1].E;
    pel_trace_clear(&tr);
    return E;
}

static void tight_opts(pel_evolve_opts *o)
{
    pel_evolve_opts_default(o);
    o->rtol = 1e-13;
    o->atol = 1e-15;
    o->eq_column = 0;
}

/* ------------------------------------------------------ integrator truths */

/* Near equilibrium a hold relaxes as E - E_eq = d0 exp(-lambda t) with
 * lambda = -d(nu Z D)/dE at E_eq.  lambda by central differences; the decay
 * rate fitted (least squares on ln(E - E_eq)) from exact segment ends. */
static void test_linear_relaxation(void **state)
{
    (void)state;
    const double T = 1000.0, d0 = 1e-6, hE = 1e-6;
    double Eeq = eq_E(T);
    double lambda = -(rate(Eeq + hE, T) - rate(Eeq - hE, T)) / (2 * hE);
    assert_true(lambda > 0.0);
    pel_evolve_opts o;
    tight_opts(&o);
    enum { N = 8 };
    double t[N], y[N];
    for (int i = 0; i < N; i++) {
        t[i] = (0.5 + 0.6 * i) / lambda; /* d from d0 e^-0.5 down to d0 e^-4.7 */
        char text[128];
        snprintf(text, sizeof text, "E=%.17g@%.17g; hold %.17gs", Eeq + d0, T, t[i]);
        y[i] = log(final_E(text, &o) - Eeq);
    }
    double c0, c1, cov00, cov01, cov11, sumsq;
    gsl_fit_linear(t, 1, y, 1, N, &c0, &c1, &cov00, &cov01, &cov11, &sumsq);
    assert_close(-c1, lambda, 1e-3, 0);
    assert_close(c0, log(d0), 1e-3, 0);
}

/* A hold at fixed T converges to E_eq from above and below, including at
 * 2000 K where the relaxation time is ~1e-15 s and the hold lasts 1 s. */
static void test_hold_converges(void **state)
{
    (void)state;
    const double Ts[] = {2000.0, 1200.0, 950.0};
    const double offs[] = {0.03, -0.03};
    pel_evolve_opts o;
    pel_evolve_opts_default(&o);
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 2; j++) {
            double Eeq = eq_E(Ts[i]);
            char text[128];
            snprintf(text, sizeof text, "E=%.17g@%.17g; hold 1s", Eeq + offs[j], Ts[i]);
            pel_trace tr = {0};
            run(text, &o, &tr);
            assert_close(tr.p[tr.n - 1].E, Eeq, 0, 1e-9);
            assert_close(tr.p[tr.n - 1].t_s, 1.0, 1e-15, 0);
            /* E moves monotonically towards E_eq (dE/dt has the sign of D),
             * up to a few integration tolerances (rtol |E| ~ 5e-10) */
            const double noise = 2e-9;
            for (size_t k = 1; k < tr.n; k++)
                assert_true(offs[j] > 0 ? tr.p[k].E <= tr.p[k - 1].E + noise : tr.p[k].E >= tr.p[k - 1].E - noise);
            pel_trace_clear(&tr);
        }
}

/* Experimental rates (1 K/s, 1e6 times slower than the paper's slowest):
 * the relaxation time at 2000 K is ~1e-16 s, i.e. 1e-16 K of ramp; the
 * integrator must not fail, and E sits on E_eq where the liquid is
 * equilibrated (truth: the equilibrium module's root) within 3e-8 eV/atom:
 * step points are within ~1e-9 (the tolerance), rows interpolated inside
 * ~10 K steps within ~1e-8 (cubic with second-order slopes, evolve.h). */
static void test_slow_ramp_stays_on_line(void **state)
{
    (void)state;
    pel_evolve_opts o;
    pel_evolve_opts_default(&o);
    o.dT_out_K = 10.0;
    pel_trace tr = {0};
    run("eq@2000; cool 900@1; heat 2000@1", &o, &tr);
    size_t checked = 0;
    for (size_t k = 0; k < tr.n; k++)
        if (tr.p[k].T_K >= 1000.0) {
            assert_close(tr.p[k].E, eq_E(tr.p[k].T_K), 0, 3e-8);
            checked++;
        }
    assert_true(checked > 150);
    pel_trace_clear(&tr);
}

/* Calibrated range: a glass started at E = E_lo - 0.3 eV/atom and held at
 * 300 K stays frozen there (dE/dt ~ 0), so every row lies outside
 * [E_lo, E_hi] and the farthest is the start energy; the same hold from
 * E_lo + 0.1 never leaves the range. */
static void test_outside_calibrated_range(void **state)
{
    (void)state;
    char text[128];
    pel_trace tr = {0};
    snprintf(text, sizeof text, "E=%.17g@300; hold 1s", mat.E_lo - 0.3);
    run(text, NULL, &tr);
    double far;
    assert_true(tr.n > 2);
    assert_int_equal(pel_trace_outside_range(&mat, &tr, &far), tr.n);
    assert_close(far, mat.E_lo - 0.3, 0, 1e-6);
    pel_trace_clear(&tr);
    snprintf(text, sizeof text, "E=%.17g@300; hold 1s", mat.E_lo + 0.1);
    run(text, NULL, &tr);
    assert_int_equal(pel_trace_outside_range(&mat, &tr, &far), 0);
    assert_true(isnan(far));
    pel_trace_clear(&tr);
}

/* Output rows: ramp rows on the 1 K grid with t = |T - T0|/q, exact ends,
 * dE/dT consistent with the finite difference of E between rows. */
static void test_trace_grid(void **state)
{
    (void)state;
    pel_evolve_opts o;
    pel_evolve_opts_default(&o);
    pel_trace tr = {0};
    run("eq@2000; cool 1000.5@1e11; hold 1e-9", &o, &tr);
    assert_int_equal(tr.p[0].segment, -1);
    /* start + 999 grid rows (1999..1001) + end row 1000.5 + 199 hold rows + end */
    assert_int_equal(tr.n, 1 + 999 + 1 + 199 + 1);
    for (size_t k = 1; k <= 1000; k++) {
        assert_int_equal(tr.p[k].segment, 0);
        assert_close(tr.p[k].t_s, (2000.0 - tr.p[k].T_K) / 1e11, 1e-12, 0);
        assert_close(tr.p[k].dEdt, -1e11 * tr.p[k].dEdT, 1e-12, 0);
        /* the tracked E_eq column is the equilibrium module's root */
        if (k % 50 == 1)
            assert_close(tr.p[k].Eeq, eq_E(tr.p[k].T_K), 0, 1e-10);
    }
    assert_close(tr.p[1000].T_K, 1000.5, 0, 0);
    for (size_t k = 2; k < 999; k++) {
        /* central difference of E over 2 K matches dE/dT to O(h^2 E''') */
        double fd = (tr.p[k - 1].E - tr.p[k + 1].E) / 2.0;
        assert_close(tr.p[k].dEdT, fd, 1e-3, 1e-9);
    }
    assert_int_equal(tr.p[tr.n - 1].segment, 1);
    assert_true(isnan(tr.p[tr.n - 1].dEdT));
    assert_close(tr.p[tr.n - 1].t_s, 999.5 / 1e11 + 1e-9, 1e-12, 0);
    pel_trace_clear(&tr);
}

static void test_errors(void **state)
{
    (void)state;
    pel_protocol p;
    pel_trace tr = {0};
    pel_error err = {0};
    /* equilibrium start below T_c does not exist */
    assert_int_equal(pel_protocol_parse("eq@500; cool 300@1e10", &p, NULL), PEL_OK);
    assert_int_equal(pel_evolve_run(&mat, &p, NULL, &tr, &err), PEL_ENOROOT);
    assert_non_null(strstr(err.msg, "500"));
    pel_protocol_clear(&p);
    pel_trace_clear(&tr);
    /* bad options */
    assert_int_equal(pel_protocol_parse("eq@1000; cool 300@1e10", &p, NULL), PEL_OK);
    pel_evolve_opts o;
    pel_evolve_opts_default(&o);
    o.dT_out_K = 0.0;
    assert_int_equal(pel_evolve_run(&mat, &p, &o, &tr, &err), PEL_EINVAL);
    pel_evolve_opts_default(&o);
    o.rtol = -1.0;
    assert_int_equal(pel_evolve_run(&mat, &p, &o, &tr, &err), PEL_EINVAL);
    pel_material bad = mat;
    bad.nu0_per_s = -1.0;
    assert_int_equal(pel_evolve_run(&bad, &p, NULL, &tr, &err), PEL_EINVAL);
    pel_protocol_clear(&p);
    pel_trace_clear(&tr);
}

/* pel_trace_summarize on a hand-made trace: extrema, peak, departure. */
static void test_summarize(void **state)
{
    (void)state;
    pel_trace_point pts[] = {
        /* t, T, E, dEdt, dEdT, D, EA, Eeq, seg */
        {0, 1000, -4.700, 0, NAN, 0, 0.32, -4.700, -1},
        {1, 900, -4.7100, 0, 1e-4, 0, 0, -4.7105, 0}, /* |E-Eeq| 5e-4: on the line */
        {2, 800, -4.7200, 0, 3e-4, 0, 0, -4.7230, 0}, /* 3e-3: off; crossing at 900 - 100*(-5e-4)/(-2.5e-3) = 880 */
        {3, 700, -4.7250, 0, 2e-4, 0, 0, NAN, 0},
        {4, 800, -4.7260, 0, 1e-5, 0, 0, -4.7230, 1}, /* heating: min then back on the line */
        {5, 900, -4.7110, 0, 5e-4, 0, 0, -4.7105, 1}, /* 5e-4: on, crossing at 800 + 100*(2e-3)/(2.5e-3) = 880 */
        {6, 1000, -4.7000, 0, 2e-4, 0, 0, -4.7000, 1},
    };
    pel_trace tr = {7, 7, pts};
    pel_segment_summary s[2];
    assert_int_equal(pel_trace_summarize(&tr, 2, s, NULL), PEL_OK);
    assert_close(s[0].T_depart_K, 880.0, 1e-12, 0);
    assert_true(isnan(s[0].T_rejoin_K));
    assert_close(s[0].dEdT_peak, 3e-4, 0, 0);
    assert_close(s[0].T_at_dEdT_peak_K, 800, 0, 0);
    assert_close(s[0].E_min, -4.725, 0, 0);
    assert_close(s[1].E_min, -4.726, 0, 0);
    assert_close(s[1].T_at_E_min_K, 800, 0, 0);
    assert_close(s[1].T_rejoin_K, 880.0, 1e-12, 0);
    assert_true(isnan(s[1].T_depart_K));
    assert_close(s[1].dEdT_peak, 5e-4, 0, 0);
    assert_int_equal(pel_trace_summarize(&tr, 3, s, NULL), PEL_EINVAL); /* no rows for segment 3 */
}

/* ------------------------------------------------------ docs/theory.md §5 claims */

/* Summaries of one protocol run with the default options. */
static void summarize(const char *text, pel_segment_summary *s, size_t nseg)
{
    pel_evolve_opts o;
    pel_evolve_opts_default(&o);
    pel_trace tr = {0};
    run(text, &o, &tr);
    assert_int_equal(pel_trace_summarize(&tr, nseg, s, NULL), PEL_OK);
    pel_trace_clear(&tr);
}

/* Cooling from equilibrium follows E_eq at high T, leaves it, freezes. */
static void test_claim_cooling_follows_then_freezes(void **state)
{
    (void)state;
    pel_evolve_opts o;
    pel_evolve_opts_default(&o);
    pel_trace tr = {0};
    run("eq@2000; cool 100@1e10", &o, &tr);
    double E500 = NAN;
    for (size_t k = 0; k < tr.n; k++) {
        const pel_trace_point *p = &tr.p[k];
        if (p->T_K >= 1000.0)
            assert_close(p->E, eq_E(p->T_K), 0, 1e-4); /* on the line */
        if (p->T_K == 800.0)
            assert_true(p->E - eq_E(800.0) > 1e-2); /* far above it: a glass */
        if (p->T_K == 500.0)
            E500 = p->E;
    }
    assert_true(isfinite(E500));
    assert_true(E500 - tr.p[tr.n - 1].E < 1e-3); /* frozen below 500 K */
    assert_true(E500 - tr.p[tr.n - 1].E >= 0.0); /* still ageing, never rising */
    pel_trace_clear(&tr);
}

/* Cool then heat at 1e10 K/s: on heating E first falls (ageing), then
 * rises; the heating dE/dT peak is larger and at higher T. */
static void test_claim_hysteresis(void **state)
{
    (void)state;
    pel_segment_summary s[2];
    summarize("eq@2000; cool 300@1e10; heat 2000@1e10", s, 2);
    assert_true(s[1].E_min < s[1].E_start - 1e-3); /* falls first */
    assert_true(s[1].T_at_E_min_K > 700.0 && s[1].T_at_E_min_K < s[1].T_at_dEdT_peak_K);
    assert_close(s[1].E_end, eq_E(2000.0), 0, 1e-6); /* back on the line */
    assert_true(s[1].dEdT_peak > 1.5 * s[0].dEdT_peak);
    assert_true(s[1].T_at_dEdT_peak_K > s[0].T_at_dEdT_peak_K);
    /* the minimum (point D) lies on E_eq, since dE/dt = 0 there means D = 0:
     * within the 1 K grid times dE_eq/dT (~7e-4 eV/atom/K at 800 K) */
    assert_close(s[1].E_min, eq_E(s[1].T_at_E_min_K), 0, 1e-3);
    /* and the path rejoins the line above the heating peak (point B) */
    assert_true(isfinite(s[1].T_rejoin_K) && s[1].T_rejoin_K > s[1].T_at_dEdT_peak_K);
}

/* Heating faster (1e12 K/s) from the same 1e10 glass: shallower minimum,
 * rise at higher T. */
static void test_claim_faster_heating(void **state)
{
    (void)state;
    pel_segment_summary slow[2], fast[2];
    summarize("eq@2000; cool 300@1e10; heat 2000@1e10", slow, 2);
    summarize("eq@2000; cool 300@1e10; heat 2000@1e12", fast, 2);
    assert_close(fast[1].E_start, slow[1].E_start, 0, 0); /* same glass C */
    assert_true(fast[1].E_min > slow[1].E_min + 1e-3);
    assert_true(fast[1].T_at_dEdT_peak_K > slow[1].T_at_dEdT_peak_K + 50.0);
    assert_true(fast[1].T_rejoin_K > slow[1].T_rejoin_K + 50.0);
}

/* Cooling faster leaves a higher frozen E: monotone over 1e9..1e13 K/s. */
static void test_claim_faster_cooling_freezes_higher(void **state)
{
    (void)state;
    const char *rates[] = {"1e9", "1e10", "1e11", "1e12", "1e13"};
    pel_evolve_opts o;
    pel_evolve_opts_default(&o);
    o.eq_column = 0;
    double prev = -INFINITY;
    for (size_t i = 0; i < 5; i++) {
        char text[64];
        snprintf(text, sizeof text, "eq@2000; cool 100@%s", rates[i]);
        double E = final_E(text, &o);
        assert_true(E > prev + 1e-3);
        prev = E;
    }
}

/* Truncated scan: heat at 1e12 from the 1e10 glass to T_t between the
 * heating minimum and the rejoin point, cool at 1e12.  E first keeps rising
 * while T falls and peaks where the path crosses E_eq.  The peak is found by
 * maximising E at the end of "...; cool T*@1e12" over T* (Brent), with
 * exact integration end points; then |E_peak - E_eq(T_peak)| < 1e-5. */
typedef struct trunc_ctx {
    double T_turn;
    pel_evolve_opts o;
} trunc_ctx;

static double minus_E_at(double T_star, void *params)
{
    trunc_ctx *c = params;
    char text[160];
    snprintf(text, sizeof text, "eq@2000; cool 300@1e10; heat %.17g@1e12; cool %.17g@1e12", c->T_turn, T_star);
    return -final_E(text, &c->o);
}

static void test_claim_truncated_peak_on_line(void **state)
{
    (void)state;
    pel_segment_summary h[2];
    summarize("eq@2000; cool 300@1e10; heat 2000@1e12", h, 2);
    const double T_min = h[1].T_at_E_min_K, T_rej = h[1].T_rejoin_K;
    for (int i = 1; i <= 3; i++) {
        trunc_ctx c;
        c.T_turn = T_min + (T_rej - T_min) * i / 4.0;
        pel_evolve_opts_default(&c.o);
        c.o.eq_column = 0;
        c.o.rtol = 1e-12;
        c.o.atol = 1e-14;
        char text[160];
        snprintf(text, sizeof text, "eq@2000; cool 300@1e10; heat %.17g@1e12; cool 300@1e12", c.T_turn);
        pel_segment_summary s[3];
        summarize(text, s, 3);
        /* E rises after the turn: the grid maximum is below T_turn */
        assert_true(s[2].E_max > s[2].E_start + 1e-5);
        double Tg = s[2].T_at_E_max_K;
        assert_true(Tg < c.T_turn);
        gsl_function F = {minus_E_at, &c};
        gsl_min_fminimizer *m = gsl_min_fminimizer_alloc(gsl_min_fminimizer_brent);
        double lo = fmax(Tg - 3.0, 301.0), hi = fmin(Tg + 3.0, c.T_turn - 1e-6);
        assert_int_equal(gsl_min_fminimizer_set(m, &F, Tg, lo, hi), GSL_SUCCESS);
        int st = GSL_CONTINUE;
        for (int it = 0; it < 100 && st == GSL_CONTINUE; it++) {
            assert_int_equal(gsl_min_fminimizer_iterate(m), GSL_SUCCESS);
            st = gsl_min_test_interval(gsl_min_fminimizer_x_lower(m), gsl_min_fminimizer_x_upper(m), 1e-4, 0.0);
        }
        assert_int_equal(st, GSL_SUCCESS);
        double Tp = gsl_min_fminimizer_x_minimum(m), Ep = -gsl_min_fminimizer_f_minimum(m);
        gsl_min_fminimizer_free(m);
        assert_close(Ep, eq_E(Tp), 0, 1e-5);
    }
}

/* ------------------------------------------------------ preset constraints */

static void test_preset_constants_and_Tc(void **state)
{
    (void)state;
    assert_true(mat.eA == 0.5 && mat.s == 0.49 && mat.eR == 0.32);
    double Tc;
    assert_int_equal(pel_equilibrium_Tc(&mat, &Tc, NULL), PEL_OK);
    assert_close(Tc, 760.0, 0, 5.0);
    /* analytic condition W_inf kT/(kT+e_A) = exp(-e_R/kT) (docs/theory.md §4) */
    double kT = PEL_KB_EV_PER_K * Tc;
    assert_close(mat.W_inf * kT / (kT + mat.eA), exp(-mat.eR / kT), 1e-6, 0);
}

static void test_preset_liquid_energy(void **state)
{
    (void)state;
    assert_close(eq_E(2000.0), -4.65, 0, 0.005); /* Mendelev 2000 K liquid IS energy */
}

/* Departure from the line between 780 and 1150 K for 1e9..1e13 K/s,
 * falling with the rate. */
static void test_preset_departure(void **state)
{
    (void)state;
    const char *rates[] = {"1e13", "1e12", "1e11", "1e10", "1e9"};
    double prev = INFINITY;
    for (size_t i = 0; i < 5; i++) {
        char text[64];
        snprintf(text, sizeof text, "eq@2000; cool 100@%s", rates[i]);
        pel_segment_summary s;
        summarize(text, &s, 1);
        assert_true(s.T_depart_K >= 780.0 && s.T_depart_K <= 1150.0);
        assert_true(s.T_depart_K < prev - 10.0);
        prev = s.T_depart_K;
    }
}

static void test_preset_frozen_below_500K(void **state)
{
    (void)state;
    pel_evolve_opts o;
    pel_evolve_opts_default(&o);
    o.eq_column = 0;
    double E500 = final_E("eq@2000; cool 500@1e10", &o);
    double E100 = final_E("eq@2000; cool 100@1e10", &o);
    assert_true(fabs(E500 - E100) < 1e-3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_linear_relaxation),
        cmocka_unit_test(test_hold_converges),
        cmocka_unit_test(test_slow_ramp_stays_on_line),
        cmocka_unit_test(test_trace_grid),
        cmocka_unit_test(test_outside_calibrated_range),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_summarize),
        cmocka_unit_test(test_claim_cooling_follows_then_freezes),
        cmocka_unit_test(test_claim_hysteresis),
        cmocka_unit_test(test_claim_faster_heating),
        cmocka_unit_test(test_claim_faster_cooling_freezes_higher),
        cmocka_unit_test(test_claim_truncated_peak_on_line),
        cmocka_unit_test(test_preset_constants_and_Tc),
        cmocka_unit_test(test_preset_liquid_energy),
        cmocka_unit_test(test_preset_departure),
        cmocka_unit_test(test_preset_frozen_below_500K),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
