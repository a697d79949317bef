/* cmd_fit.c - `pel fit`: fit eq. 3 (E_A) and eq. 5 (E_R) to one or more event
 * catalogs and print one row per sample (table or --json); docs/fit.md.
 * All catalogs are read and fitted before anything is written, so a failure
 * leaves no partial output. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "cli_opt.h"
#include "pel/calibrate.h"
#include "pel/fit.h"
#include "pel/util.h"

static const char *CMD = "fit";

typedef struct sample {
    const char *path;
    int format;
    size_t n_events, n_skipped;
    double E_IS; /* NAN if unknown */
    pel_fit_result res;
    double *ER;       /* the catalog's E_R (for the tests across catalogs); NULL if none */
    size_t n_R;
    pel_fit_assoc assoc; /* E_A-E_R association; assoc.n = 0 when not computed */
} sample;

/* A number, or an empty field for a value that does not exist (NAN). */
static void put_num(FILE *fp, double v)
{
    if (isfinite(v))
        fprintf(fp, ",%.10g", v);
    else
        fputc(',', fp);
}

static void put_param(FILE *fp, const pel_fit_param *p, int with_ci)
{
    put_num(fp, p->value);
    put_num(fp, p->se);
    if (with_ci) {
        put_num(fp, p->ci_lo);
        put_num(fp, p->ci_hi);
    }
}

static const char *format_name(int f)
{
    return f == PEL_EVENTS_ARTN_LOG ? "lammps-artn" : "pel-csv";
}

static void write_table(FILE *fp, const sample *s, size_t n)
{
    fprintf(fp, "sample,format,n_events,n_skipped,E_IS_eV_per_atom,W,W_se,W_ci_lo,W_ci_hi,m_eV,m_se_eV,"
                "m_ci_lo_eV,m_ci_hi_eV,eA_eV,eA_se_eV,s_eV,s_se_eV,eR_eV,eR_se_eV,eR_ci_lo_eV,eR_ci_hi_eV,"
                "ks_D,ks_p,ks_R_D,ks_R_p,r_EA_ER,r_EA_ER_p,rho_EA_ER,rho_EA_ER_p\n");
    for (size_t i = 0; i < n; i++) {
        const pel_fit_result *r = &s[i].res;
        fprintf(fp, "%s,%s,%zu,%zu", s[i].path, format_name(s[i].format), r->n, s[i].n_skipped);
        put_num(fp, s[i].E_IS);
        put_param(fp, &r->W, 1);
        put_param(fp, &r->m, 1);
        put_param(fp, &r->eA, 0);
        put_param(fp, &r->s, 0);
        if (r->n_R > 0) {
            put_param(fp, &r->eR, 1);
        } else {
            fputs(",,,,", fp);
        }
        put_num(fp, r->ks_D);
        put_num(fp, r->ks_p);
        put_num(fp, r->n_R > 0 ? r->ks_R_D : NAN);
        put_num(fp, r->n_R > 0 ? r->ks_R_p : NAN);
        const pel_fit_assoc *a = &s[i].assoc;
        put_num(fp, a->n ? a->pearson_r : NAN);
        put_num(fp, a->n ? a->pearson_p : NAN);
        put_num(fp, a->n ? a->spearman_rho : NAN);
        put_num(fp, a->n ? a->spearman_p : NAN);
        fputc('\n', fp);
    }
}

static json_t *jnum(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *jparam(const pel_fit_param *p)
{
    return json_pack("{s:o,s:o,s:o,s:o}", "value", jnum(p->value), "se", jnum(p->se), "ci_lo", jnum(p->ci_lo),
                     "ci_hi", jnum(p->ci_hi));
}

static int write_json(FILE *fp, const sample *s, size_t n, const pel_fit_options *o)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        const pel_fit_result *r = &s[i].res;
        json_t *js = json_pack("{s:s,s:s,s:I,s:I,s:o,s:o,s:o,s:o,s:o,s:f,s:o,s:o}", "sample", s[i].path, "format",
                               format_name(s[i].format), "n_events", (json_int_t)r->n, "n_skipped",
                               (json_int_t)s[i].n_skipped, "E_IS_eV_per_atom", jnum(s[i].E_IS), "W", jparam(&r->W),
                               "m_eV", jparam(&r->m), "eA_eV", jparam(&r->eA), "s_eV", jparam(&r->s), "nll", r->nll,
                               "ks_D", jnum(r->ks_D), "ks_p", jnum(r->ks_p));
        if (r->n_R > 0) {
            json_object_set_new(js, "n_R", json_integer((json_int_t)r->n_R));
            json_object_set_new(js, "eR_eV", jparam(&r->eR));
            json_object_set_new(js, "ks_R_D", jnum(r->ks_R_D));
            json_object_set_new(js, "ks_R_p", jnum(r->ks_R_p));
        }
        if (s[i].assoc.n) {
            const pel_fit_assoc *a = &s[i].assoc;
            json_object_set_new(js, "r_EA_ER", jnum(a->pearson_r));
            json_object_set_new(js, "r_EA_ER_p", jnum(a->pearson_p));
            json_object_set_new(js, "rho_EA_ER", jnum(a->spearman_rho));
            json_object_set_new(js, "rho_EA_ER_p", jnum(a->spearman_p));
        }
        if (o->bootstrap > 0)
            json_object_set_new(js, "bootstrap_ok", json_integer((json_int_t)r->n_boot_ok));
        json_array_append_new(arr, js);
    }
    json_t *root = json_pack("{s:{s:b,s:f,s:f,s:f,s:I,s:f,s:I},s:o}", "options", "free_eA_s", o->free_eA_s, "eA_eV",
                             o->eA, "s_eV", o->s, "EA_min_eV", o->EA_min, "bootstrap", (json_int_t)o->bootstrap,
                             "ci_level", o->ci_level, "seed", (json_int_t)o->seed, "samples", arr);
    int rc = root ? json_dumpf(root, fp, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) : -1;
    fputc('\n', fp);
    json_decref(root);
    return rc;
}

/* Comma-separated E_IS list, one finite value per catalog. */
static int parse_EIS_list(const char *s, double *out, size_t n)
{
    char *buf = strdup(s), *save = NULL;
    size_t k = 0;
    int bad = !buf;
    for (char *t = buf ? strtok_r(buf, ",", &save) : NULL; t && !bad; t = strtok_r(NULL, ",", &save)) {
        if (k == n) {
            bad = 1;
            break;
        }
        if (cli_double(CMD, "--E-IS", t, &out[k++])) {
            free(buf); /* message printed */
            return 1;
        }
    }
    free(buf);
    if (bad || k != n) {
        cli_errorf(CMD, CLI_USAGE, "--E-IS: need %zu comma-separated values (one per catalog)", n);
        return 1;
    }
    return 0;
}

/* "W_inf,W_E0" -> PEL_CALIB_W_* bits; 0 after printing an error. */
static unsigned parse_free_list(const char *s)
{
    static const struct { const char *name; unsigned bit; } names[] = {
        {"W_inf", PEL_CALIB_W_INF}, {"W_top", PEL_CALIB_W_TOP}, {"W_E0", PEL_CALIB_W_E0}, {"W_dE", PEL_CALIB_W_DE},
    };
    unsigned bits = 0;
    char *buf = strdup(s ? s : ""), *save = NULL;
    for (char *t = buf ? strtok_r(buf, ",", &save) : NULL; t; t = strtok_r(NULL, ",", &save)) {
        unsigned b = 0;
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (!strcmp(t, names[i].name))
                b = names[i].bit;
        if (!b) {
            cli_errorf(CMD, CLI_USAGE, "--calibrate-free: unknown parameter '%s' (W_inf, W_top, W_E0, W_dE)", t);
            free(buf);
            return 0;
        }
        bits |= b;
    }
    free(buf);
    if (!bits)
        cli_errorf(CMD, CLI_USAGE, "--calibrate-free: empty list");
    return bits;
}

/* --eq-line mode: equilibrium points of a cooling table. */
static int run_eq_line(const char *path, double margin, const char *out)
{
    pel_error err = {0};
    double *T = NULL, *E = NULL, Tg;
    size_t n, nk;
    unsigned char *keep = NULL;
    int rc = CLI_FAIL;
    if (pel_calibrate_read_cooling(path, &T, &E, &n, &err) != PEL_OK) {
        cli_fail(CMD, &err);
        goto done;
    }
    keep = malloc(n ? n : 1);
    if (!keep) {
        cli_errorf(CMD, CLI_FAIL, "out of memory");
        goto done;
    }
    if (pel_calibrate_eq_line(T, E, n, margin, &Tg, keep, &nk, &err) != PEL_OK) {
        cli_errorf(CMD, CLI_FAIL, "%s: %s", path, err.msg);
        goto done;
    }
    pel_afile af = {0};
    FILE *fp = stdout;
    if (out) {
        if (pel_afile_open(&af, out, &err) != PEL_OK) {
            cli_fail(CMD, &err);
            goto done;
        }
        fp = af.fp;
    }
    fprintf(fp, "# T_g_K=%.6g margin_K=%.6g (glass line and liquid parabola fitted to %s)\nT_K,E_IS_eV_per_atom\n", Tg, margin, path);
    for (size_t i = 0; i < n; i++)
        if (keep[i])
            fprintf(fp, "%.10g,%.10g\n", T[i], E[i]);
    if (out ? pel_afile_commit(&af, &err) != PEL_OK : fflush(stdout) != 0) {
        cli_fail(CMD, &err);
        goto done;
    }
    rc = CLI_OK;
done:
    free(T);
    free(E);
    free(keep);
    return rc;
}

/* --calibrate: W(E), m(E) of `base` fitted to the sample rows, saved to out. */
static int run_calibrate(const sample *s, size_t n, const char *base_name, unsigned w_free, const char *out)
{
    pel_error err = {0};
    pel_material base, cal;
    if (pel_material_resolve(base_name, &base, &err) != PEL_OK)
        return cli_fail(CMD, &err);
    pel_calib_point *pts = calloc(n, sizeof *pts);
    if (!pts)
        return cli_errorf(CMD, CLI_FAIL, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const pel_fit_result *r = &s[i].res;
        if (!isfinite(s[i].E_IS)) {
            free(pts);
            return cli_errorf(CMD, CLI_FAIL, "--calibrate: %s has no IS energy (use --atoms or --E-IS)", s[i].path);
        }
        if (!(r->W.se > 0) || !(r->m.se > 0)) {
            free(pts);
            return cli_errorf(CMD, CLI_FAIL,
                              "--calibrate: %s has no standard error of W or m (W %.3g, m %.3g eV: a fit that ends "
                              "on a parameter bound has none); leave that sample out",
                              s[i].path, r->W.value, r->m.value);
        }
        pts[i] = (pel_calib_point){s[i].E_IS, r->W.value, r->W.se, r->m.value, r->m.se};
    }
    pel_calib_stats st;
    int rc = pel_calibrate_spectrum(pts, n, &base, w_free, &cal, &st, &err);
    free(pts);
    if (rc != PEL_OK)
        return cli_errorf(CMD, CLI_FAIL, "--calibrate: %s", err.msg);
    /* mark the result as fitted: "<base>_fit" */
    char name[sizeof cal.name];
    snprintf(name, sizeof name, "%.*s_fit", (int)sizeof cal.name - 5, base.name);
    memcpy(cal.name, name, sizeof name);
    if (pel_material_save(&cal, out, &err) != PEL_OK)
        return cli_fail(CMD, &err);
    fprintf(stderr,
            "pel fit: calibrated %s -> %s: W_inf=%.6g(%.2g) W_top=%.6g(%.2g) W_E0=%.6g(%.2g) W_dE=%.6g(%.2g) "
            "m_0=%.6g(%.2g) m_slope=%.6g(%.2g); chi2_W=%.3g/%zu chi2_m=%.3g/%zu\n",
            base_name, out, cal.W_inf, st.W_inf_se, cal.W_top, st.W_top_se, cal.W_E0, st.W_E0_se, cal.W_dE, st.W_dE_se,
            cal.m_0, st.m_0_se, cal.m_slope, st.m_slope_se, st.chi2_W, st.dof_W, st.chi2_m, st.dof_m);
    return CLI_OK;
}

/* Keep the catalog's (E_A >= EA_min) E_R for the tests across catalogs and
 * measure the E_A-E_R association over the same events. */
static int keep_pairs(const pel_events *ev, double EA_min, sample *s, pel_error *err)
{
    double *EA = malloc(ev->n * sizeof *EA);
    s->ER = malloc(ev->n * sizeof *s->ER);
    if (!EA || !s->ER) {
        free(EA);
        return pel_error_set(err, PEL_ENOMEM, "out of memory");
    }
    size_t k = 0;
    for (size_t j = 0; j < ev->n; j++)
        if (ev->EA[j] >= EA_min)
            EA[k] = ev->EA[j], s->ER[k++] = ev->ER[j];
    s->n_R = k;
    int rc = PEL_OK;
    if (k >= 4)
        rc = pel_fit_assoc_EA_ER(EA, s->ER, k, &s->assoc, err);
    free(EA);
    return rc;
}

static void test_row(FILE *fp, const char *test, const char *q, double stat, double df, double p, double est,
                     double est_se, const char *unit, size_t k, size_t N)
{
    fprintf(fp, "%s,%s", test, q);
    put_num(fp, stat);
    put_num(fp, df);
    put_num(fp, p);
    put_num(fp, est);
    put_num(fp, est_se);
    fprintf(fp, ",%s,%zu", unit, k);
    if (N)
        fprintf(fp, ",%zu\n", N);
    else
        fputs(",\n", fp);
}

/* The decoupling tests across catalogs (docs/fit.md): one e_R for all, and
 * the trend of W, m, e_R with E_IS over the catalogs whose value has a
 * standard error (a parameter on its bound has none and is left out, said
 * on stderr). */
static int write_tests(const char *path, const sample *s, size_t n)
{
    const double **ER = calloc(n, sizeof *ER);
    size_t *nR = calloc(n, sizeof *nR);
    double *x = calloc(n, sizeof *x), *y = calloc(n, sizeof *y), *se = calloc(n, sizeof *se);
    int rc = CLI_FAIL;
    pel_error err = {0};
    pel_afile af = {0};
    if (!ER || !nR || !x || !y || !se) {
        cli_errorf(CMD, CLI_FAIL, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if (!s[i].ER) {
            cli_errorf(CMD, CLI_FAIL, "--tests: %s has no E_R column", s[i].path);
            goto out;
        }
        ER[i] = s[i].ER, nR[i] = s[i].n_R;
    }
    pel_fit_equal eq;
    if (pel_fit_equal_eR(ER, nR, n, &eq, &err) != PEL_OK) {
        cli_fail(CMD, &err);
        goto out;
    }
    if (pel_afile_open(&af, path, &err) != PEL_OK) {
        cli_fail(CMD, &err);
        goto out;
    }
    FILE *fp = af.fp;
    fputs("test,quantity,statistic,df,p,estimate,estimate_se,unit,n_samples,n_events\n", fp);
    test_row(fp, "one_eR_likelihood_ratio", "eR", eq.lr, (double)(n - 1), eq.lr_p, eq.eR_common, eq.eR_common_se,
             "eV", n, eq.N);
    test_row(fp, "one_eR_kruskal_wallis", "eR", eq.kw, (double)(n - 1), eq.kw_p, NAN, NAN, "", n, eq.N);
    static const char *names[] = {"W", "m", "eR"}, *units[] = {"per_eV_per_atom", "eV_per_eV_per_atom",
                                                                "eV_per_eV_per_atom"}, *mu[] = {"", "eV", "eV"};
    for (int q = 0; q < 3; q++) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            const pel_fit_param *p = q == 0 ? &s[i].res.W : q == 1 ? &s[i].res.m : &s[i].res.eR;
            if (isfinite(s[i].E_IS) && isfinite(p->se) && p->se > 0.0)
                x[k] = s[i].E_IS, y[k] = p->value, se[k++] = p->se;
            else
                fprintf(stderr, "pel fit: note: --tests: %s left out of the %s trend (no E_IS or no standard error)\n",
                        s[i].path, names[q]);
        }
        pel_fit_trend t;
        if (k < 2 || pel_fit_trend_xy(x, y, se, k, &t, &err) != PEL_OK)
            continue;
        test_row(fp, "trend_vs_E_IS", names[q], t.slope / t.slope_se, NAN, t.slope_p, t.slope, t.slope_se, units[q], k,
                 0);
        test_row(fp, "constant", names[q], t.chi2_const, (double)(k - 1), t.chi2_const_p, t.mean, t.mean_se, mu[q], k,
                 0);
    }
    if (pel_afile_commit(&af, &err) != PEL_OK) {
        cli_fail(CMD, &err);
        goto out;
    }
    rc = CLI_OK;
out:
    free(ER), free(nR), free(x), free(y), free(se);
    return rc;
}

enum { OPT_FREE = 256, OPT_EA, OPT_S, OPT_EAMIN, OPT_BOOT, OPT_CI, OPT_SEED, OPT_MINEV, OPT_ATOMS, OPT_EIS,
       OPT_EFROM, OPT_JSON, OPT_OUT, OPT_CAL, OPT_CALFREE, OPT_EQ, OPT_MARGIN, OPT_TESTS };

int cli_cmd_fit(int argc, char **argv)
{
    pel_fit_options o;
    pel_fit_options_default(&o);
    long boot = (long)o.bootstrap, seed = (long)o.seed, minev = (long)o.min_events, atoms = 0;
    int json = 0, e_from = 0;
    const char *out = NULL, *eis = NULL, *cal = NULL, *eq = NULL, *free_list = NULL, *tests = NULL;
    unsigned w_free = PEL_CALIB_W_INF | PEL_CALIB_W_E0;
    double margin = 50.0;
    const cli_opt opts[] = {
        {.name = "free-eA-s", .kind = CLI_FLAG, .dest = &o.free_eA_s, .help = "fit e_A and s too (default: fixed)"},
        {.name = "eA", .kind = CLI_DOUBLE, .dest = &o.eA, .arg = "eV", .help = "fixed (or starting) M1 decay energy",
         .def = "0.5", .unit = "eV", .lo = 0, .flags = CLI_GT},
        {.name = "s", .kind = CLI_DOUBLE, .dest = &o.s, .arg = "eV", .help = "fixed (or starting) M2 width",
         .def = "0.49", .unit = "eV", .lo = 0, .flags = CLI_GT},
        {.name = "EA-min", .kind = CLI_DOUBLE, .dest = &o.EA_min, .arg = "eV",
         .help = "drop E_A below this and fit the truncated density", .def = "0", .unit = "eV", .lo = 0,
         .flags = CLI_GE},
        {.name = "bootstrap", .kind = CLI_LONG, .dest = &boot, .arg = "B",
         .help = "percentile bootstrap intervals from B resamples", .def = "0", .lo = 0, .hi = 1000000,
         .flags = CLI_GE | CLI_LE},
        {.name = "ci", .kind = CLI_DOUBLE, .dest = &o.ci_level, .arg = "LEVEL",
         .help = "confidence level of the intervals", .def = "0.95", .lo = 0, .hi = 1, .flags = CLI_GT | CLI_LT},
        {.name = "seed", .kind = CLI_LONG, .dest = &seed, .arg = "S", .help = "bootstrap seed", .def = "1", .lo = 0,
         .flags = CLI_GE},
        {.name = "min-events", .kind = CLI_LONG, .dest = &minev, .arg = "N",
         .help = "fewer usable events is an error", .def = "20", .lo = 3, .flags = CLI_GE},
        {.name = "atoms", .kind = CLI_LONG, .dest = &atoms, .arg = "N",
         .help = "atoms per sample: E_IS = E_initial of the catalog / N", .lo = 1, .flags = CLI_GE},
        {.name = "E-IS", .kind = CLI_STRING, .dest = &eis, .arg = "LIST",
         .help = "IS energies, eV/atom, one per catalog (comma-separated)"},
        {.name = "E-from-catalog", .kind = CLI_FLAG, .dest = &e_from,
         .help = "take E_IS from E_initial / N even if the file states E_IS"},
        CLI_OPT_JSON(&json, "JSON instead of the CSV table"),
        {.name = "out", .kind = CLI_FILE, .dest = &out, .arg = "FILE",
         .help = "write there (atomically) instead of stdout"},
        {.name = "calibrate", .kind = CLI_STRING, .dest = &cal, .arg = "MATERIAL",
         .help = "fit the W(E), m(E) forms of MATERIAL (preset or INI) to the rows (needs E_IS of every sample) "
                 "and write the result to --out as a material INI file; the table goes to stdout"},
        {.name = "calibrate-free", .kind = CLI_STRING, .dest = &free_list, .arg = "LIST",
         .help = "W(E) parameters to fit, from W_inf,W_top,W_E0,W_dE (m_0 and m_slope are always fitted)",
         .def = "W_inf,W_E0"},
        {.name = "tests", .kind = CLI_FILE, .dest = &tests, .arg = "FILE",
         .help = "with two or more catalogs: write the tests of the paper's decoupling across them (one e_R for "
                 "all: likelihood ratio and Kruskal-Wallis; W, m, e_R against E_IS) as CSV to FILE"},
        {.name = "eq-line", .kind = CLI_FILE, .dest = &eq, .arg = "COOLING.csv",
         .help = "instead of fitting catalogs: print the equilibrium points (T_K,E_IS_eV_per_atom above "
                 "T_g + margin) of a cooling table"},
        {.name = "margin", .kind = CLI_DOUBLE, .dest = &margin, .arg = "K", .help = "margin above T_g for --eq-line",
         .def = "50", .unit = "K", .lo = 0, .flags = CLI_GE},
    };
    const cli_spec spec = {
        .name = CMD,
        .synopsis = "CATALOG... [options]",
        .about = "Maximum-likelihood fit of the activation spectrum (paper eq. 3: W, m free) and of\n"
                 "the relaxation spectrum (eq. 5: e_R) to event catalogs: `pel art` CSV files or\n"
                 "LAMMPS-ARTn log.event files (detected from the content).  One row per catalog.\n\n"
                 "E_IS per sample: --E-IS, else a '# E_IS_eV_per_atom=' comment or column in the catalog,\n"
                 "else E_initial/N (N from --atoms or a '# n_atoms=' comment), else empty.",
        .output = "Table columns (empty = not available): sample,format,n_events,n_skipped,\n"
                  "E_IS_eV_per_atom,W,W_se,W_ci_lo,W_ci_hi,m_eV,m_se_eV,m_ci_lo_eV,m_ci_hi_eV,eA_eV,\n"
                  "eA_se_eV,s_eV,s_se_eV,eR_eV,eR_se_eV,eR_ci_lo_eV,eR_ci_hi_eV,ks_D,ks_p,ks_R_D,ks_R_p,\n"
                  "r_EA_ER,r_EA_ER_p,rho_EA_ER,rho_EA_ER_p (Pearson and Spearman E_A-E_R correlation, p);\n"
                  "--json: the same keys, one object per catalog.  --tests FILE: test,quantity,statistic,df,\n"
                  "p,estimate,estimate_se,unit,n_samples,n_events (docs/fit.md).",
        .args = "CATALOG...",
        CLI_SPEC_OPTS(opts),
    };
    int prc, npos;
    if (cli_parse(&spec, argc, argv, &npos, &prc))
        return prc;
    o.bootstrap = (size_t)boot;
    o.seed = (uint64_t)seed;
    o.min_events = (size_t)minev;
    if (free_list && !(w_free = parse_free_list(free_list)))
        return CLI_USAGE;
    size_t n = (size_t)npos;
    if (eq) {
        if (n > 0 || cal)
            return cli_errorf(CMD, CLI_USAGE, "--eq-line takes no catalogs and no --calibrate");
        return run_eq_line(eq, margin, out);
    }
    if (tests && n < 2)
        return cli_errorf(CMD, CLI_USAGE, "--tests needs two or more catalogs");
    if (cal && !out)
        return cli_errorf(CMD, CLI_USAGE, "--calibrate needs --out <material.ini>");
    if (n == 0)
        return cli_errorf(CMD, CLI_USAGE, "no catalog given (see pel fit --help)");
    if (eis && e_from)
        return cli_errorf(CMD, CLI_USAGE, "--E-IS and --E-from-catalog exclude each other");
    sample *s = calloc(n, sizeof *s);
    double *eis_v = calloc(n, sizeof *eis_v);
    int rc = CLI_FAIL;
    if (!s || !eis_v) {
        cli_errorf(CMD, CLI_FAIL, "out of memory");
        goto done;
    }
    if (eis && parse_EIS_list(eis, eis_v, n)) {
        rc = CLI_USAGE;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        pel_error err = {0};
        pel_events *ev = NULL;
        s[i].path = argv[1 + (int)i];
        if (pel_events_read(s[i].path, &ev, &err) != PEL_OK) {
            cli_fail(CMD, &err);
            goto done;
        }
        if (ev->torn_last_line)
            fprintf(stderr, "pel fit: warning: %s: ignored an unterminated last line (writer killed?)\n", s[i].path);
        s[i].format = ev->format;
        s[i].n_skipped = ev->n_skipped;
        s[i].E_IS = NAN;
        if (eis) {
            s[i].E_IS = eis_v[i];
        } else if (pel_events_E_IS(ev, atoms, e_from, &s[i].E_IS, &err) != PEL_OK) {
            if (e_from || atoms > 0) { /* asked for explicitly: an error */
                pel_events_free(&ev);
                cli_errorf(CMD, CLI_FAIL, "%s: %s", s[i].path, err.msg);
                goto done;
            }
            s[i].E_IS = NAN; /* unknown: empty cell */
        }
        cli_progress prog;
        cli_progress_init(&prog, s[i].path, 10.0);
        int frc = pel_fit_events(ev->EA, ev->n, ev->ER, ev->ER ? ev->n : 0, &o, &s[i].res,
                                 o.bootstrap ? cli_progress_cb : NULL, &prog, &err);
        if (o.bootstrap)
            cli_progress_end(&prog);
        if (frc == PEL_OK && ev->ER && keep_pairs(ev, o.EA_min, &s[i], &err) != PEL_OK) {
            pel_events_free(&ev);
            cli_fail(CMD, &err);
            goto done;
        }
        pel_events_free(&ev);
        if (frc != PEL_OK) {
            cli_errorf(CMD, CLI_FAIL, "%s: %s", s[i].path, err.msg);
            goto done;
        }
    }
    if (cal) {
        if ((rc = run_calibrate(s, n, cal, w_free, out)) != CLI_OK)
            goto done;
        rc = CLI_FAIL;
        out = NULL; /* --out held the material: the table goes to stdout */
    }
    if (tests && (rc = write_tests(tests, s, n)) != CLI_OK)
        goto done;
    rc = CLI_FAIL;
    pel_afile af = {0};
    FILE *fp = stdout;
    if (out) {
        pel_error err = {0};
        if (pel_afile_open(&af, out, &err) != PEL_OK) {
            cli_fail(CMD, &err);
            goto done;
        }
        fp = af.fp;
    }
    if (json) {
        if (write_json(fp, s, n, &o) != 0) {
            pel_afile_abort(&af);
            cli_errorf(CMD, CLI_FAIL, "cannot format JSON output");
            goto done;
        }
    } else {
        write_table(fp, s, n);
    }
    if (out) {
        pel_error err = {0};
        if (pel_afile_commit(&af, &err) != PEL_OK) {
            cli_fail(CMD, &err);
            goto done;
        }
    } else if (fflush(stdout) != 0) {
        cli_errorf(CMD, CLI_FAIL, "cannot write to stdout");
        goto done;
    }
    rc = CLI_OK;
done:
    for (size_t i = 0; s && i < n; i++)
        free(s[i].ER);
    free(s);
    free(eis_v);
    return rc;
}
