/* cmd_calibrate.c - `pel calibrate`: a material fitted jointly to ART
 * catalogs, MD equilibrium-line points and MD protocol tables
 * (pel_calibrate_run, docs/calibration.md).  Reads every input first,
 * fits each form combination asked for, then reports (cli_calib_out.c);
 * nothing is written unless the chosen fit succeeded. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_opt.h"
#include "cli_calib.h"
#include "cli_model.h"
#include "pel/util.h"

static const char *CMD = "calibrate";

static int push(void **arr, size_t *n, size_t size)
{
    void *p = realloc(*arr, (*n + 1) * size);
    if (!p)
        return 1;
    memset((char *)p + *n * size, 0, size);
    *arr = p;
    (*n)++;
    return 0;
}

/* "FILE@RATE" -> path (in place) and rate text; no '@' after the last '/': no rate. */
static void split_rate(char *arg, char **rate)
{
    char *slash = strrchr(arg, '/'), *at = strrchr(arg, '@');
    *rate = NULL;
    if (at && (!slash || at > slash)) {
        *at = '\0';
        *rate = at + 1;
    }
}

static int load_table(cal_table_in *t)
{
    pel_error err = {0};
    if (pel_calibrate_read_table(t->path, &t->T, &t->E, &t->se, &t->t, &t->n, &t->skipped, &err) != PEL_OK)
        return cli_fail(CMD, &err);
    if (!t->protocol && t->rate) {
        double rate;
        if (cli_double(CMD, "--md FILE@RATE", t->rate, &rate))
            return CLI_USAGE;
        char buf[256];
        snprintf(buf, sizeof buf, "eq@%.17gK; cool %.17gK@%sK/s", t->T[0], t->T[t->n - 1], t->rate);
        if (!(t->protocol = strdup(buf)))
            return cli_errorf(CMD, CLI_FAIL, "out of memory");
    }
    if (!t->protocol)
        return cli_errorf(CMD, CLI_USAGE, "%s: no protocol (give FILE@RATE or --protocol after it)", t->path);
    if (t->skipped)
        fprintf(stderr, "pel %s: note: %s: %zu row(s) with T_K <= 0 skipped\n", CMD, t->path, t->skipped);
    return CLI_OK;
}

static int load_catalog(cal_cat_in *c, long atoms, double EA_min)
{
    pel_error err = {0};
    if (pel_events_read(c->path, &c->ev, &err) != PEL_OK)
        return cli_fail(CMD, &err);
    if (pel_events_E_IS(c->ev, atoms, 0, &c->E_IS, &err) != PEL_OK)
        return cli_errorf(CMD, CLI_FAIL, "%s: %s (use --atoms)", c->path, err.msg);
    if (!(c->EA = malloc((c->ev->n ? c->ev->n : 1) * sizeof *c->EA)))
        return cli_errorf(CMD, CLI_FAIL, "out of memory");
    for (size_t i = 0; i < c->ev->n; i++)
        if (c->ev->EA[i] >= EA_min)
            c->EA[c->n++] = c->ev->EA[i];
    if (c->n == 0)
        return cli_errorf(CMD, CLI_FAIL, "%s: no usable events (E_A >= %g eV)", c->path, EA_min);
    return CLI_OK;
}

static int load_eq(cal_eq_in *q)
{
    pel_error err = {0};
    if (pel_calibrate_read_eqline(q->path, &q->T, &q->E, &q->se, &q->n, &q->skipped, &err) != PEL_OK)
        return cli_fail(CMD, &err);
    if (q->skipped)
        fprintf(stderr, "pel %s: note: %s: %zu row(s) with met = 0 skipped\n", CMD, q->path, q->skipped);
    return CLI_OK;
}

/* "W=linear,S=logistic" onto forms[3] (W, m, S); nonzero after a message. */
static int parse_forms(const char *spec, int forms[3])
{
    char *buf = strdup(spec), *save = NULL;
    if (!buf)
        return cli_errorf(CMD, CLI_FAIL, "out of memory");
    int rc = 0;
    for (char *t = strtok_r(buf, ",", &save); t && !rc; t = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(t, '=');
        const char *kinds = "WmS";
        const char *k = eq && eq - t == 1 ? strchr(kinds, t[0]) : NULL;
        if (!k) {
            rc = cli_errorf(CMD, CLI_USAGE, "--forms: '%s' is not W=..., m=... or S=...", t);
            break;
        }
        pel_error err = {0};
        if (pel_material_form_parse(*k, eq + 1, &forms[k - kinds], &err) != PEL_OK)
            rc = cli_errorf(CMD, CLI_USAGE, "--forms: %s", err.msg);
    }
    free(buf);
    return rc;
}

/* --fix / --free lists applied to o (and values to o->start). */
static int apply_list(const char *list, int fix, pel_calib_options *o)
{
    char *buf = strdup(list), *save = NULL;
    if (!buf)
        return cli_errorf(CMD, CLI_FAIL, "out of memory");
    int rc = 0;
    for (char *t = strtok_r(buf, ",", &save); t && !rc; t = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(t, '=');
        if (eq)
            *eq = '\0';
        int i = pel_material_param_find(t);
        if (i < 0) {
            rc = cli_errorf(CMD, CLI_USAGE, "--%s: unknown parameter '%s' (names as in docs/material.md)",
                            fix ? "fix" : "free", t);
            break;
        }
        if (eq && (!fix || cli_double(CMD, "--fix", eq + 1, pel_material_param(&o->start, (size_t)i)))) {
            rc = fix ? CLI_USAGE : cli_errorf(CMD, CLI_USAGE, "--free: '%s' takes no value", t);
            break;
        }
        if (fix)
            o->fixed |= 1ull << i;
        else
            o->fixed &= ~(1ull << i);
    }
    free(buf);
    return rc;
}

static void free_run(cal_run *r)
{
    for (size_t j = 0; j < r->n_tab; j++) {
        cal_table_in *t = &r->tab[j];
        free(t->protocol), free(t->T), free(t->E), free(t->se), free(t->t);
    }
    for (size_t c = 0; c < r->n_cat; c++)
        pel_events_free(&r->cat[c].ev), free(r->cat[c].EA);
    for (size_t q = 0; q < r->n_eq; q++)
        free(r->eq[q].T), free(r->eq[q].E), free(r->eq[q].se);
    free(r->tab), free(r->cat), free(r->eq);
    free((void *)r->fit.tab), free((void *)r->fit.cat), free((void *)r->fit.eq), free((void *)r->held.tab);
}

/* The library's views of the inputs: fit data and held-out data. */
static int build_views(cal_run *r)
{
    pel_calib_table *ft = calloc(r->n_tab + 1, sizeof *ft), *ht = calloc(r->n_tab + 1, sizeof *ht);
    pel_calib_catalog *fc = calloc(r->n_cat + 1, sizeof *fc);
    pel_calib_eqline *fe = calloc(r->n_eq + 1, sizeof *fe);
    r->fit.tab = ft, r->held.tab = ht, r->fit.cat = fc, r->fit.eq = fe;
    if (!ft || !ht || !fc || !fe)
        return cli_errorf(CMD, CLI_FAIL, "out of memory");
    for (size_t j = 0; j < r->n_tab; j++) {
        const cal_table_in *t = &r->tab[j];
        pel_calib_table v = {t->path, t->protocol, t->n, t->T, t->E, t->se, t->t};
        if (t->held_out)
            ht[r->held.n_tab++] = v;
        else
            ft[r->fit.n_tab++] = v;
    }
    for (size_t c = 0; c < r->n_cat; c++) {
        const cal_cat_in *k = &r->cat[c];
        fc[c] = (pel_calib_catalog){k->path, k->E_IS, k->n, k->EA, k->ev->ER ? k->ev->n : 0, k->ev->ER};
    }
    r->fit.n_cat = r->n_cat;
    for (size_t q = 0; q < r->n_eq; q++)
        fe[q] = (pel_calib_eqline){r->eq[q].path, r->eq[q].n, r->eq[q].T, r->eq[q].E, r->eq[q].se};
    r->fit.n_eq = r->n_eq;
    return CLI_OK;
}

/* The repeatable inputs, in command-line order (--protocol belongs to the
 * --md or --hold-out before it). */
typedef struct cal_args {
    cal_run *r;
    int last_tab;
} cal_args;

static int oom(void)
{
    return cli_errorf(CMD, CLI_FAIL, "out of memory");
}

static int add_cat(void *ctx, const char *cmd, char *v)
{
    cal_run *r = ((cal_args *)ctx)->r;
    (void)cmd;
    if (push((void **)&r->cat, &r->n_cat, sizeof *r->cat))
        return oom();
    r->cat[r->n_cat - 1].path = v;
    return 0;
}

static int add_eq(void *ctx, const char *cmd, char *v)
{
    cal_run *r = ((cal_args *)ctx)->r;
    (void)cmd;
    if (push((void **)&r->eq, &r->n_eq, sizeof *r->eq))
        return oom();
    r->eq[r->n_eq - 1].path = v;
    return 0;
}

static int add_table(cal_args *a, char *v, int held_out)
{
    cal_run *r = a->r;
    if (push((void **)&r->tab, &r->n_tab, sizeof *r->tab))
        return oom();
    a->last_tab = (int)r->n_tab - 1;
    cal_table_in *t = &r->tab[a->last_tab];
    split_rate(v, &t->rate);
    t->path = v;
    t->held_out = held_out;
    return 0;
}

static int add_md(void *ctx, const char *cmd, char *v)
{
    (void)cmd;
    return add_table(ctx, v, 0);
}

static int add_hold(void *ctx, const char *cmd, char *v)
{
    (void)cmd;
    return add_table(ctx, v, 1);
}

static int add_protocol(void *ctx, const char *cmd, char *v)
{
    cal_args *a = ctx;
    if (a->last_tab < 0 || a->r->tab[a->last_tab].protocol)
        return cli_errorf(cmd, CLI_USAGE, "--protocol must follow its --md or --hold-out FILE (one each)");
    if (!(a->r->tab[a->last_tab].protocol = strdup(v)))
        return oom();
    return 0;
}

int cli_cmd_calibrate(int argc, char **argv)
{
    cal_run r;
    memset(&r, 0, sizeof r);
    r.argc = argc, r.argv = argv;
    const char *start_name = "cu56zr44-paper", *forms_spec = NULL, *fix = NULL, *freel = NULL, *out = NULL;
    const char *name = "calibrated";
    long atoms = 0, boot = 0, seed = 1, maxit = 20000;
    int json = 0, rc = CLI_USAGE, hold_bound = 0;
    cal_args in = {&r, -1};
#define CAL_INPUT(nm, fn, a, h) {.name = nm, .kind = CLI_FILE, .arg = a, .help = h, .flags = CLI_REPEAT, .each = fn, .ctx = &in}
    const cli_opt opts[] = {
        CAL_INPUT("catalog", add_cat, "FILE",
                  "ART catalog (`pel art` CSV or LAMMPS-ARTn log.event); E_IS from the file, or E_initial/--atoms"),
        CAL_INPUT("eq-line", add_eq, "FILE", "equilibrium line: T_K,E_eq_eV_per_atom,E_eq_se_eV_per_atom[,met]"),
        CAL_INPUT("md", add_md, "FILE[@RATE]",
                  "MD table: T_K,E_IS_eV_per_atom[,E_IS_se_eV_per_atom][,t_ps]; FILE@RATE means "
                  "--protocol \"eq@<T first>K; cool <T last>K@RATE\""),
        {.name = "protocol", .kind = CLI_STRING, .arg = "TEXT", .flags = CLI_REPEAT, .each = add_protocol, .ctx = &in,
         .help = "protocol of the preceding --md or --hold-out (docs/protocol.md)"},
        CAL_INPUT("hold-out", add_hold, "FILE[@RATE]", "MD table left out of the fit and predicted (score, residuals)"),
        {.name = "start", .kind = CLI_STRING, .dest = &start_name, .arg = "NAME|FILE",
         .help = "starting material, preset or INI", .def = "cu56zr44-paper"},
        {.name = "forms", .kind = CLI_STRING, .dest = &forms_spec, .arg = "SPEC",
         .help = "W=logistic|linear,m=linear|logistic,S=invT|logistic (missing: the start's), or auto: all 8 "
                 "combinations, best BIC wins"},
        {.name = "fix", .kind = CLI_STRING, .dest = &fix, .arg = "LIST",
         .help = "hold parameters: NAME or NAME=VALUE, comma-separated"},
        {.name = "free", .kind = CLI_STRING, .dest = &freel, .arg = "LIST",
         .help = "free parameters held by default (e.g. eA,s)"},
        {.name = "atoms", .kind = CLI_LONG, .dest = &atoms, .arg = "N", .help = "atoms per sample for E_IS = E_initial/N",
         .lo = 1, .flags = CLI_GE},
        {.name = "EA-min", .kind = CLI_DOUBLE, .dest = &r.EA_min, .arg = "eV",
         .help = "drop E_A below this, truncated density", .def = "0", .unit = "eV", .lo = 0, .flags = CLI_GE},
        {.name = "bootstrap", .kind = CLI_LONG, .dest = &boot, .arg = "B",
         .help = "refits on resampled events and rows", .def = "0", .lo = 0, .hi = 100000, .flags = CLI_GE | CLI_LE},
        CLI_OPT_SEED(&seed, "bootstrap seed (default 1)"),
        {.name = "max-iter", .kind = CLI_LONG, .dest = &maxit, .arg = "N",
         .help = "simplex iterations per run before giving up", .def = "20000", .lo = 1, .flags = CLI_GE},
        {.name = "hold-at-bound", .kind = CLI_FLAG, .dest = &hold_bound,
         .help = "when a parameter ends on its bound, hold it there and refit (the simpler model; reported) "
                 "instead of refusing"},
        {.name = "name", .kind = CLI_STRING, .dest = &name, .arg = "NAME", .help = "name of the fitted material",
         .def = "calibrated"},
        {.name = "out", .kind = CLI_FILE, .dest = &out, .arg = "FILE",
         .help = "write the material INI (values, errors, inputs, residuals)"},
        CLI_OPT_JSON(&json, "JSON report instead of text"),
    };
#undef CAL_INPUT
    const cli_spec spec = {
        .name = CMD,
        .synopsis = "[inputs] [options] [--out material.ini]",
        .about = "Joint maximum-likelihood fit of a material (W(E), m(E), e_R, nu(E,T); paper eqs. 1-7)\n"
                 "to ART catalogs, MD equilibrium-line points and MD protocol tables (docs/calibration.md).\n"
                 "The inputs --catalog, --eq-line, --md (with --protocol) and --hold-out are repeatable;\n"
                 "at least two data sets in all.",
        .output = "A text report (or --json: one object) of the fitted parameters with their errors,\n"
                  "the fit quality per data set and the held-out scores; --out the material INI file.",
        CLI_SPEC_OPTS(opts),
    };
    int npos;
    if (cli_parse(&spec, argc, argv, &npos, &rc))
        goto done;
    if (strlen(name) >= sizeof r.cand[0].res.mat.name || !*name) {
        cli_errorf(CMD, CLI_USAGE, "--name: empty or longer than 63 characters");
        goto done;
    }
    if (out) { /* an unwritable --out fails now, not after the fit */
        pel_afile af;
        pel_error err = {0};
        if (pel_afile_open(&af, out, &err) != PEL_OK) {
            rc = cli_fail(CMD, &err);
            goto done;
        }
        pel_afile_abort(&af);
    }
    pel_material start;
    if (cli_model_material(CMD, start_name, &start)) {
        rc = CLI_FAIL;
        goto done;
    }
    rc = CLI_FAIL;
    for (size_t j = 0; j < r.n_tab; j++)
        if ((rc = load_table(&r.tab[j])) != CLI_OK)
            goto done;
    for (size_t c = 0; c < r.n_cat; c++)
        if ((rc = load_catalog(&r.cat[c], atoms, r.EA_min)) != CLI_OK)
            goto done;
    for (size_t q = 0; q < r.n_eq; q++)
        if ((rc = load_eq(&r.eq[q])) != CLI_OK)
            goto done;
    if ((rc = build_views(&r)) != CLI_OK)
        goto done;
    /* reference energy for new forms: the catalogs' mean E_IS, else the tables' */
    double Eref = 0.0;
    size_t nref = 0;
    for (size_t c = 0; c < r.n_cat; c++)
        Eref += r.cat[c].E_IS, nref++;
    for (size_t j = 0; nref == 0 && j < r.n_tab; j++)
        Eref += r.tab[j].E[r.tab[j].n - 1], nref++;
    Eref = nref ? Eref / (double)nref : 0.5 * (start.E_lo + start.E_hi);
    /* form combinations */
    int base_forms[3] = {(int)start.W_form, (int)start.m_form, (int)start.S_form};
    if (forms_spec && !strcmp(forms_spec, "auto")) {
        for (int w = 0; w < PEL_W_NFORMS; w++)
            for (int m = 0; m < PEL_M_NFORMS; m++)
                for (int s = 0; s < PEL_S_NFORMS; s++)
                    r.cand[r.n_cand++] = (cal_cand){.W = w, .m = m, .S = s};
    } else {
        if (forms_spec && parse_forms(forms_spec, base_forms)) {
            rc = CLI_USAGE;
            goto done;
        }
        r.cand[r.n_cand++] = (cal_cand){.W = base_forms[0], .m = base_forms[1], .S = base_forms[2]};
    }
    int any = 0;
    for (size_t k = 0; k < r.n_cand; k++) {
        cal_cand *cd = &r.cand[k];
        pel_material m0 = start;
        pel_calibrate_switch_form(&m0, 'W', cd->W, Eref);
        pel_calibrate_switch_form(&m0, 'm', cd->m, Eref);
        pel_calibrate_switch_form(&m0, 'S', cd->S, Eref);
        snprintf(m0.name, sizeof m0.name, "%s", name);
        pel_calib_options o;
        pel_calib_options_default(&o, &m0);
        o.EA_min = r.EA_min;
        o.bootstrap = (size_t)boot;
        o.seed = (uint64_t)seed;
        o.max_iter = (size_t)maxit;
        if ((fix && apply_list(fix, 1, &o)) || (freel && apply_list(freel, 0, &o))) {
            rc = CLI_USAGE;
            goto done;
        }
        cli_progress pr;
        cli_progress_init(&pr, "bootstrap", 10.0);
        pel_error err = {0};
        double t0 = pel_wall_seconds();
        cd->ok = pel_calibrate_run(&r.fit, &o, &cd->res, boot ? cli_progress_cb : NULL, &pr, &err) == PEL_OK;
        /* --hold-at-bound: the nested model with that parameter at its bound */
        while (!cd->ok && hold_bound && cd->res.at_bound >= 0 && !((o.fixed >> cd->res.at_bound) & 1u)) {
            size_t len = strlen(cd->held);
            snprintf(cd->held + len, sizeof cd->held - len, "%s%s=%g", len ? "," : "",
                     pel_material_param_name((size_t)cd->res.at_bound), cd->res.at_bound_value);
            o.fixed |= 1ull << cd->res.at_bound;
            *pel_material_param(&o.start, (size_t)cd->res.at_bound) = cd->res.at_bound_value;
            cd->ok = pel_calibrate_run(&r.fit, &o, &cd->res, boot ? cli_progress_cb : NULL, &pr, &err) == PEL_OK;
        }
        if (boot)
            cli_progress_end(&pr);
        cd->seconds = pel_wall_seconds() - t0;
        cd->holdout_nll = NAN;
        for (size_t q = 0; q < 64; q++)
            if ((cd->res.started_inside >> q) & 1u)
                fprintf(stderr, "pel %s: note: %s started on its bound; started just inside it\n", CMD,
                        pel_material_param_name(q));
        if (!cd->ok) {
            snprintf(cd->msg, sizeof cd->msg, "%s", err.msg);
            continue;
        }
        if (r.held.n_tab &&
            pel_calibrate_score(&cd->res.mat, &r.held, r.EA_min, &cd->holdout_nll, NULL, NULL, NULL, &err) != PEL_OK)
            cd->holdout_nll = INFINITY; /* the fitted model cannot reach the held-out protocol */
        if (!any || cd->res.bic < r.cand[r.best].res.bic)
            r.best = k;
        any = 1;
    }
    if (!any) {
        rc = r.n_cand == 1 ? cli_errorf(CMD, CLI_FAIL, "%s", r.cand[0].msg)
                           : cli_errorf(CMD, CLI_FAIL, "no form combination could be fitted (first: %s)",
                                        r.cand[0].msg);
        goto done;
    }
    rc = cli_calib_report(CMD, &r, out, json);
    goto done;
done:
    free_run(&r);
    return rc;
}
