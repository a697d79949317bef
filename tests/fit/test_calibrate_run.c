/* test_calibrate_run.c - joint calibration (pel_calibrate_run,
 * src/fit/calib_run.c).  Truth: a known material; its cooling curves at
 * 1e13 and 1e12 K/s (paper eqs. 1-2) and equilibrium points (eq. 7) with
 * Gaussian noise, and catalogs sampled from eqs. 3 and 5 at four E_IS with a
 * seeded RNG.  The fit must recover every free parameter within 3 standard
 * errors; bad input must be refused with one line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "pel/calibrate.h"
#include "pel/equilibrium.h"
#include "testutil.h"

#define NOISE 1e-3 /* eV/atom, MD-like scatter of the synthetic tables */
#define NROW 77    /* 2000 K .. 100 K every 25 K */
#define NEV 400    /* events per catalog */
#define NCAT 4
#define NEQ 7

static pel_material truth(void)
{
    pel_material m = {
        .name = "truth", .eA = 0.5, .s = 0.49, .eR = 0.3,
        .W_0 = 0.45, .W_slope = 8.0, .W_E0 = -4.45,
        .m_0 = 1.0, .m_slope = 10.0, .m_E0 = -4.55,
        .nu0_per_s = 1e13, .S_E = 20.0, .S_E0 = -4.55, .S_T = 10.0, .S_T0 = 1000.0,
        .E_lo = -5.2, .E_hi = -4.3,
        .W_form = PEL_W_LINEAR, .m_form = PEL_M_LINEAR, .S_form = PEL_S_INVT,
    };
    return m;
}

/* One E_A from eq. 3: M1 exponential with probability W, else the M2 density
 * x exp(-(x-m)^2/2s^2) on x >= 0 by rejection from a normal proposal. */
static double sample_EA(gsl_rng *r, double W, double m, double eA, double s)
{
    if (gsl_rng_uniform(r) < W)
        return gsl_ran_exponential(r, eA);
    double top = m + 6.0 * s; /* the weight x/top is <= 1 but for a 6-sigma tail */
    for (;;) {
        double y = m + gsl_ran_gaussian(r, s);
        if (y > 0.0 && gsl_rng_uniform(r) * top < y)
            return y;
    }
}

typedef struct synth {
    double T[2][NROW], E[2][NROW], t[2][NROW];
    double Teq[NEQ], Eeq[NEQ], seq[NEQ];
    double EA[NCAT][NEV], ER[NCAT][NEV];
    pel_calib_table tab[2];
    pel_calib_eqline eq;
    pel_calib_catalog cat[NCAT];
    pel_calib_data d;
} synth;

static const char *const proto[2] = {"eq@2000K; cool 100K@1e13K/s", "eq@2000K; cool 100K@1e12K/s"};
static const double rate[2] = {1e13, 1e12};
static const double E_cat[NCAT] = {-4.445, -4.47, -4.49, -4.50};

static synth *make_synth(const pel_material *m, unsigned long seed)
{
    synth *s = calloc(1, sizeof *s);
    assert_non_null(s);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    for (int j = 0; j < 2; j++) {
        for (int i = 0; i < NROW; i++) {
            s->T[j][i] = 2000.0 - 25.0 * i;
            s->t[j][i] = 1e12 * (2000.0 - s->T[j][i]) / rate[j];
        }
        s->tab[j] = (pel_calib_table){proto[j], proto[j], NROW, s->T[j], s->E[j], NULL, s->t[j]};
        pel_error err = {0};
        assert_int_equal(pel_calibrate_table_model(m, &s->tab[j], s->E[j], &err), PEL_OK);
        for (int i = 0; i < NROW; i++)
            s->E[j][i] += gsl_ran_gaussian(r, NOISE);
    }
    for (int i = 0; i < NEQ; i++) {
        s->Teq[i] = 1400.0 + 100.0 * i;
        assert_int_equal(pel_equilibrium_E(m, s->Teq[i], &s->Eeq[i], NULL), PEL_OK);
        s->seq[i] = NOISE;
        s->Eeq[i] += gsl_ran_gaussian(r, NOISE);
    }
    s->eq = (pel_calib_eqline){"eq", NEQ, s->Teq, s->Eeq, s->seq};
    for (int c = 0; c < NCAT; c++) {
        double W = pel_material_W(m, E_cat[c]), mm = pel_material_m(m, E_cat[c]);
        for (int i = 0; i < NEV; i++) {
            s->EA[c][i] = sample_EA(r, W, mm, m->eA, m->s);
            s->ER[c][i] = gsl_ran_exponential(r, m->eR);
        }
        s->cat[c] = (pel_calib_catalog){"catalog", E_cat[c], NEV, s->EA[c], NEV, s->ER[c]};
    }
    s->d = (pel_calib_data){&s->eq, 1, s->tab, 2, s->cat, NCAT};
    gsl_rng_free(r);
    return s;
}

/* Start away from the truth by 10-30 % in every free parameter. */
static pel_material perturbed(void)
{
    pel_material m = truth();
    m.W_0 = 0.40, m.W_slope = 6.5, m.m_0 = 1.2, m.m_slope = 8.0;
    m.nu0_per_s = 3e13, m.S_E = 15.0, m.S_T0 = 900.0, m.eR = 0.35;
    return m;
}

static void test_recovers_truth(void **state)
{
    (void)state;
    pel_material tr = truth();
    synth *s = make_synth(&tr, 7);
    pel_material start = perturbed();
    pel_calib_options o;
    pel_calib_options_default(&o, &start);
    /* S_E is held at the truth: from two cooling rates alone S_E and S_T0
     * trade off along a curved valley where the Hessian's errors are too
     * small (docs/calibration.md, "what the data determine") */
    start.S_E = tr.S_E;
    o.start = start;
    o.fixed |= 1ull << pel_material_param_find("S_E");
    pel_calib_result res;
    pel_error err = {0};
    int rc = pel_calibrate_run(&s->d, &o, &res, NULL, NULL, &err);
    if (rc)
        print_error("%s\n", err.msg);
    assert_int_equal(rc, PEL_OK);
    double nt, nf;
    assert_int_equal(pel_calibrate_score(&tr, &s->d, 0.0, &nt, NULL, NULL, NULL, &err), PEL_OK);
    assert_int_equal(pel_calibrate_score(&res.mat, &s->d, 0.0, &nf, NULL, NULL, NULL, &err), PEL_OK);
    print_message("nll truth %.6f fit %.6f (res %.6f) evals %zu\n", nt, nf, res.nll, res.n_eval);
    assert_true(nf <= nt); /* the optimum is at least as likely as the truth */
    assert_int_equal(res.n_free, 7); /* eR, W_0, W_slope, m_0, m_slope, nu0, S_T0 */
    for (size_t k = 0; k < res.n_free; k++) {
        double want = *pel_material_param(&tr, (size_t)res.param[k]);
        print_message("%-10s fit %.6g  truth %.6g  se %.3g  (%.2f se on the fitting scale)\n",
                      pel_material_param_name((size_t)res.param[k]), res.value[k], want, res.se[k],
                      (res.theta[k] - pel_calibrate_fit_scale(res.param[k], want)) / res.theta_se[k]);
        assert_true(res.se[k] > 0.0 && isfinite(res.se[k]));
        /* on the fitting scale, where the Hessian's Gaussian lives (ln nu0) */
        double tw = pel_calibrate_fit_scale(res.param[k], want);
        assert_close(res.theta[k], pel_calibrate_fit_scale(res.param[k], res.value[k]), 1e-12, 1e-12);
        assert_true(fabs(res.theta[k] - tw) < 3.0 * res.theta_se[k]);
        assert_true(res.value[k] == *pel_material_param(&res.mat, (size_t)res.param[k]));
    }
    /* the noise estimated from each table's scatter is the one put in */
    for (int j = 0; j < 2; j++)
        assert_close(res.tab_sigma[j], NOISE, 0.25, 0);
    /* the model's catalogs are not rejected by their own events */
    for (int c = 0; c < NCAT; c++)
        assert_true(res.cat_ks_p[c] > 1e-3);
    assert_true(res.n_data == 2 * NROW + NEQ + 2 * NCAT * NEV);
    assert_close(res.bic, res.n_free * log((double)res.n_data) + 2.0 * res.nll, 1e-12, 0);
    free(s);
}

/* pel_calibrate_noise: white noise of known sigma on a curved smooth line. */
static void test_noise_estimate(void **state)
{
    (void)state;
    enum { N = 4000 };
    static double x[N], E[N];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 3);
    for (int i = 0; i < N; i++) {
        x[i] = 2000.0 - 0.5 * i + 0.2 * sin(i); /* uneven spacing */
        E[i] = -4.6 + 3e-5 * (x[i] - 2000.0) + 1e-9 * (x[i] - 1000.0) * (x[i] - 1000.0) + gsl_ran_gaussian(r, 2.5e-3);
    }
    double sg;
    assert_int_equal(pel_calibrate_noise(x, E, N, &sg, NULL), PEL_OK);
    assert_close(sg, 2.5e-3, 0.04, 0); /* 4000 points: relative sd of the estimate ~2 % */
    assert_int_equal(pel_calibrate_noise(x, E, 2, &sg, NULL), PEL_EINVAL);
    gsl_rng_free(r);
}

/* Refusals: each one line, PEL_E*, and no material. */
static void test_refusals(void **state)
{
    (void)state;
    pel_material tr = truth();
    synth *s = make_synth(&tr, 11);
    pel_material start = perturbed();
    pel_calib_options o;
    pel_calib_result res;
    pel_error err = {0};

    /* no convergence: a budget of 5 simplex iterations */
    pel_calib_options_default(&o, &start);
    o.max_iter = 5;
    assert_int_equal(pel_calibrate_run(&s->d, &o, &res, NULL, NULL, &err), PEL_ENOCONV);
    assert_non_null(strstr(err.msg, "no convergence"));

    /* a single sample */
    pel_calib_data one = {NULL, 0, NULL, 0, s->cat, 1};
    pel_calib_options_default(&o, &start);
    o.fixed |= 1ull << pel_material_param_find("nu0_per_s") | 1ull << pel_material_param_find("S_E") |
               1ull << pel_material_param_find("S_T0");
    assert_int_equal(pel_calibrate_run(&one, &o, &res, NULL, NULL, &err), PEL_EINVAL);
    assert_non_null(strstr(err.msg, "single data set"));

    /* nu free without any protocol table */
    pel_calib_data cats = {NULL, 0, NULL, 0, s->cat, NCAT};
    pel_calib_options_default(&o, &start);
    assert_int_equal(pel_calibrate_run(&cats, &o, &res, NULL, NULL, &err), PEL_EINVAL);
    assert_non_null(strstr(err.msg, "no protocol table"));

    /* zero degrees of freedom: 2 + 2 data for 5 free parameters */
    pel_calib_catalog tiny[2] = {{"a", -4.45, 1, s->EA[0], 1, s->ER[0]}, {"b", -4.49, 1, s->EA[1], 1, s->ER[1]}};
    pel_calib_data few = {NULL, 0, NULL, 0, tiny, 2};
    pel_calib_options_default(&o, &start);
    o.fixed |= 1ull << pel_material_param_find("nu0_per_s") | 1ull << pel_material_param_find("S_E") |
               1ull << pel_material_param_find("S_T0");
    assert_int_equal(pel_calibrate_run(&few, &o, &res, NULL, NULL, &err), PEL_EINVAL);
    assert_non_null(strstr(err.msg, "no degrees of freedom"));

    /* a parameter on its bound: catalogs of the M1 mode only (W = 1 at
     * every E_IS) drive the logistic W's levels to 1 */
    synth *up = calloc(1, sizeof *up);
    assert_non_null(up);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 5);
    for (int c = 0; c < 3; c++) {
        double W = 1.0;
        for (int i = 0; i < NEV; i++)
            up->EA[c][i] = sample_EA(r, W, 1.2, 0.5, 0.49), up->ER[c][i] = gsl_ran_exponential(r, 0.3);
        up->cat[c] = (pel_calib_catalog){"up", -4.44 - 0.03 * c, NEV, up->EA[c], NEV, up->ER[c]};
    }
    pel_calib_data upd = {NULL, 0, NULL, 0, up->cat, 3};
    pel_material lg;
    assert_int_equal(pel_material_preset("cu56zr44-paper", &lg, NULL), PEL_OK);
    pel_calib_options_default(&o, &lg);
    o.fixed |= 1ull << pel_material_param_find("nu0_per_s") | 1ull << pel_material_param_find("S_E") |
               1ull << pel_material_param_find("S_T0") | 1ull << pel_material_param_find("m_slope");
    int rc = pel_calibrate_run(&upd, &o, &res, NULL, NULL, &err);
    print_message("M1-only catalogs, logistic W: %d '%s'\n", rc, err.msg);
    assert_int_equal(rc, PEL_ENOCONV);
    assert_non_null(strstr(err.msg, "bound"));

    /* inconsistent input: a table with se <= 0, a protocol that does not parse */
    double bad_se[NROW];
    for (int i = 0; i < NROW; i++)
        bad_se[i] = i == 3 ? 0.0 : NOISE;
    pel_calib_table bt = s->tab[0];
    bt.se = bad_se;
    pel_calib_data bd = {NULL, 0, &bt, 1, s->cat, NCAT};
    pel_calib_options_default(&o, &start);
    assert_int_equal(pel_calibrate_run(&bd, &o, &res, NULL, NULL, &err), PEL_EINVAL);
    assert_non_null(strstr(err.msg, "row 4"));
    bt = s->tab[0];
    bt.protocol = "eq@2000K; cool 100K@fast";
    assert_int_equal(pel_calibrate_run(&bd, &o, &res, NULL, NULL, &err), PEL_EPARSE);
    gsl_rng_free(r);
    free(up);
    free(s);
}

/* The readers: columns by name, '#' comments, met = 0 and T_K <= 0 rows
 * skipped and counted, optional columns NULL when absent. */
static void test_readers(void **state)
{
    (void)state;
    char path[] = "/tmp/pel_test_calib_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    fputs("# pel isotherm\nT_K,E_eq_eV_per_atom,E_eq_se_eV_per_atom,V_A3_per_atom,met\n"
          "1500,-4.66,0.001,17.5,1\n1400,-4.67,0.002,17.4,0\n1300,-4.68,0.003,17.3,1\n",
          fp);
    fclose(fp);
    double *T, *E, *se, *t;
    size_t n, skipped;
    pel_error err = {0};
    assert_int_equal(pel_calibrate_read_eqline(path, &T, &E, &se, &n, &skipped, &err), PEL_OK);
    assert_int_equal(n, 2);
    assert_int_equal(skipped, 1);
    assert_true(T[1] == 1300 && E[1] == -4.68 && se[1] == 0.003);
    free(T), free(E), free(se);
    /* the same file is no protocol table (no E_IS column) */
    assert_int_equal(pel_calibrate_read_table(path, &T, &E, &se, &t, &n, &skipped, &err), PEL_EPARSE);
    assert_non_null(strstr(err.msg, "missing column E_IS_eV_per_atom"));
    fp = fopen(path, "w");
    fputs("T_K,E_IS_eV_per_atom,t_ps\n2000,-4.64,0\n1000,-4.67,100\n0,-4.68,200\n", fp);
    fclose(fp);
    assert_int_equal(pel_calibrate_read_table(path, &T, &E, &se, &t, &n, &skipped, &err), PEL_OK);
    assert_int_equal(n, 2);
    assert_int_equal(skipped, 1);
    assert_null(se);
    assert_true(t[1] == 100 && E[1] == -4.67);
    free(T), free(E), free(t);
    assert_int_equal(pel_calibrate_read_eqline(path, &T, &E, &se, &n, &skipped, &err), PEL_EPARSE);
    assert_non_null(strstr(err.msg, "E_eq_eV_per_atom"));
    remove(path);
}

/* The calibrated cu56zr44 preset against pel's MD (issue 14, "done means"):
 * cooled from equilibrium at 2000 K, the model is within 4 meV/atom of the
 * 1e12 K/s MD table on the mean over each of 1300-1700, 1000-1200, 700-900
 * and 100-500 K, and within 6 meV/atom of the 1e13 K/s table at 1500, 1100,
 * 900 and 100 K.  Truth: the committed MD tables. */
static void test_preset_meets_md(void **state)
{
    (void)state;
    pel_material m;
    assert_int_equal(pel_material_preset("cu56zr44", &m, NULL), PEL_OK);
    static const char *const rate[2] = {"1e12", "1e13"};
    for (int j = 0; j < 2; j++) {
        char rel[128], proto[128];
        snprintf(rel, sizeof rel, "data/samples/cu56zr44_n2000_q%s/cooling.csv", rate[j]);
        double *T, *E, *se, *t, Em[64];
        size_t n, skipped;
        pel_error err = {0};
        assert_int_equal(pel_calibrate_read_table(pel_test_src(rel), &T, &E, &se, &t, &n, &skipped, &err), PEL_OK);
        assert_true(n <= 64 && T[n - 1] <= 100.0);
        snprintf(proto, sizeof proto, "eq@2000K; cool %gK@%sK/s", T[n - 1], rate[j]);
        pel_calib_table tab = {rel, proto, n, T, E, NULL, NULL};
        assert_int_equal(pel_calibrate_table_model(&m, &tab, Em, &err), PEL_OK);
        if (j == 0) {
            static const double win[4][2] = {{1300, 1700}, {1000, 1200}, {700, 900}, {100, 500}};
            for (int w = 0; w < 4; w++) {
                double sum = 0.0;
                int k = 0;
                for (size_t i = 0; i < n; i++)
                    if (T[i] >= win[w][0] && T[i] <= win[w][1])
                        sum += Em[i] - E[i], k++;
                print_message("1e12 K/s, %g-%g K: model - MD %.2f meV/atom\n", win[w][0], win[w][1], 1e3 * sum / k);
                assert_true(k > 0 && fabs(sum / k) < 4e-3);
            }
        } else {
            static const double at[4] = {1500, 1100, 900, 100};
            for (int w = 0; w < 4; w++)
                for (size_t i = 0; i < n; i++)
                    if (T[i] == at[w]) {
                        print_message("1e13 K/s, %g K: model - MD %.2f meV/atom\n", at[w], 1e3 * (Em[i] - E[i]));
                        assert_true(fabs(Em[i] - E[i]) < 6e-3);
                    }
        }
        free(T), free(E), free(se), free(t);
    }
}

/* Bootstrap over events and rows: its spread agrees with the Hessian's
 * errors (within a factor 2.5: 12 refits estimate a standard deviation to
 * ~20 %), and the same seed gives the same numbers. */
static void test_bootstrap(void **state)
{
    (void)state;
    pel_material tr = truth();
    synth *s = make_synth(&tr, 13);
    pel_calib_options o;
    pel_calib_options_default(&o, &tr);
    o.fixed |= 1ull << pel_material_param_find("nu0_per_s") | 1ull << pel_material_param_find("S_E") |
               1ull << pel_material_param_find("S_T0");
    o.bootstrap = 12;
    o.seed = 5;
    pel_calib_result a, b;
    pel_error err = {0};
    assert_int_equal(pel_calibrate_run(&s->d, &o, &a, NULL, NULL, &err), PEL_OK);
    assert_int_equal(a.n_boot_ok, 12);
    for (size_t k = 0; k < a.n_free; k++) {
        print_message("%-8s se %.3g boot %.3g\n", pel_material_param_name((size_t)a.param[k]), a.se[k], a.boot_sd[k]);
        assert_true(a.boot_sd[k] > a.se[k] / 2.5 && a.boot_sd[k] < a.se[k] * 2.5);
    }
    o.bootstrap = 2;
    assert_int_equal(pel_calibrate_run(&s->d, &o, &a, NULL, NULL, &err), PEL_OK);
    assert_int_equal(pel_calibrate_run(&s->d, &o, &b, NULL, NULL, &err), PEL_OK);
    for (size_t k = 0; k < a.n_free; k++)
        assert_true(a.boot_sd[k] == b.boot_sd[k]);
    free(s);
}

/* pel_calibrate_draw: the sample covariance of many draws is the one given
 * (4000 draws: ~2 % on a variance, ~0.02 on a correlation); a covariance
 * that is not positive definite is refused. */
static void test_draw(void **state)
{
    (void)state;
    pel_material m = truth(), d;
    pel_material_cov c = {.n = 2};
    int iW = pel_material_param_find("W_0"), iS = pel_material_param_find("S_T0");
    c.param[0] = iW, c.param[1] = iS;
    double sW = 0.02, sS = 30.0, rho = 0.8;
    c.c[0] = sW * sW, c.c[1] = c.c[PEL_MATERIAL_COV_MAX] = rho * sW * sS, c.c[PEL_MATERIAL_COV_MAX + 1] = sS * sS;
    enum { N = 4000 };
    double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
    for (size_t k = 0; k < N; k++) {
        assert_int_equal(pel_calibrate_draw(&m, &c, 9, k, &d, NULL), PEL_OK);
        double x = d.W_0 - m.W_0, y = d.S_T0 - m.S_T0;
        mx += x, my += y, sxx += x * x, syy += y * y, sxy += x * y;
        assert_true(d.m_0 == m.m_0); /* parameters outside cov untouched */
    }
    mx /= N, my /= N;
    double vx = sxx / N - mx * mx, vy = syy / N - my * my, r = (sxy / N - mx * my) / sqrt(vx * vy);
    assert_close(sqrt(vx), sW, 0.05, 0);
    assert_close(sqrt(vy), sS, 0.05, 0);
    assert_close(r, rho, 0, 0.03);
    assert_true(fabs(mx) < 4 * sW / sqrt(N));
    /* reproducible: draw k is the same every time */
    pel_material d2;
    assert_int_equal(pel_calibrate_draw(&m, &c, 9, 17, &d, NULL), PEL_OK);
    assert_int_equal(pel_calibrate_draw(&m, &c, 9, 17, &d2, NULL), PEL_OK);
    assert_true(d.W_0 == d2.W_0 && d.S_T0 == d2.S_T0);
    /* scales 15 decades apart (e_R in eV, nu0 in 1/s), as in a real fit:
     * the small one must come out right too */
    pel_material_cov w = {.n = 2};
    w.param[0] = pel_material_param_find("eR"), w.param[1] = pel_material_param_find("nu0_per_s");
    double se_R = 1e-3, se_nu = 1e12;
    w.c[0] = se_R * se_R, w.c[1] = w.c[PEL_MATERIAL_COV_MAX] = 0.5 * se_R * se_nu, w.c[PEL_MATERIAL_COV_MAX + 1] = se_nu * se_nu;
    double s2 = 0.0;
    for (size_t k = 0; k < N; k++) {
        assert_int_equal(pel_calibrate_draw(&m, &w, 3, k, &d, NULL), PEL_OK);
        s2 += (d.eR - m.eR) * (d.eR - m.eR);
    }
    assert_close(sqrt(s2 / N), se_R, 0.05, 0);
    c.c[1] = c.c[PEL_MATERIAL_COV_MAX] = 1.5 * sW * sS; /* |rho| > 1 */
    pel_error err = {0};
    assert_int_equal(pel_calibrate_draw(&m, &c, 9, 0, &d, &err), PEL_EINVAL);
    assert_non_null(strstr(err.msg, "positive definite"));
}

/* Statistics of a drawn material for test_interval: e_R itself, and a
 * number that exists only when e_R is above the mean (NaN otherwise). */
static int interval_stat(const pel_material *m, void *ctx, double *out, pel_error *err)
{
    (void)err;
    const double *mean = ctx;
    out[0] = m->eR;
    out[1] = m->eR > *mean ? m->eR : NAN;
    out[2] = m->eR > *mean + 1e-3 ? m->eR : NAN; /* ~16 % of draws: too few */
    return PEL_OK;
}

/* pel_calibrate_interval: for a Gaussian parameter, the central 95 % interval
 * is mean -+ 1.96 sd (the normal quantile from GSL, independent of the
 * sampling); a number defined on half the draws has the quantiles of the
 * upper half-normal; one defined on fewer than half has none. */
static void test_interval(void **state)
{
    (void)state;
    pel_material m = truth();
    pel_material_cov c = {.n = 1};
    c.param[0] = pel_material_param_find("eR");
    double sd = 1e-3;
    c.c[0] = sd * sd;
    enum { N = 4000 };
    double lo[3], hi[3];
    size_t ok[3];
    assert_int_equal(pel_calibrate_interval(&m, &c, 5, N, 0.95, interval_stat, &m.eR, 3, lo, hi, ok, NULL), PEL_OK);
    double z = gsl_cdf_ugaussian_Pinv(0.975);
    /* quantile sampling error at p = 0.025: sqrt(p(1-p)/N)/phi(z) ~ 0.043 sd */
    assert_close(lo[0], m.eR - z * sd, 0, 0.15 * sd);
    assert_close(hi[0], m.eR + z * sd, 0, 0.15 * sd);
    assert_true(ok[0] == N);
    assert_true(ok[1] > 0.45 * N && ok[1] < 0.55 * N);
    if (ok[1] * 2 >= N) { /* half-normal quantiles 2.5 % and 97.5 % */
        assert_close(lo[1], m.eR + gsl_cdf_ugaussian_Pinv(0.5 + 0.5 * 0.025) * sd, 0, 0.15 * sd);
        assert_close(hi[1], m.eR + gsl_cdf_ugaussian_Pinv(0.5 + 0.5 * 0.975) * sd, 0, 0.15 * sd);
    } else {
        assert_true(isnan(lo[1]) && isnan(hi[1]));
    }
    assert_true(isnan(lo[2]) && isnan(hi[2]));
    /* same seed, same interval */
    double lo2[3], hi2[3];
    assert_int_equal(pel_calibrate_interval(&m, &c, 5, N, 0.95, interval_stat, &m.eR, 3, lo2, hi2, NULL, NULL), PEL_OK);
    assert_true(lo2[0] == lo[0] && hi2[0] == hi[0]);
    pel_error err = {0};
    assert_int_equal(pel_calibrate_interval(&m, &c, 5, N, 1.0, interval_stat, &m.eR, 3, lo, hi, ok, &err), PEL_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_noise_estimate),
        cmocka_unit_test(test_readers),
        cmocka_unit_test(test_draw),
        cmocka_unit_test(test_interval),
        cmocka_unit_test(test_preset_meets_md),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_recovers_truth),
        cmocka_unit_test(test_bootstrap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
