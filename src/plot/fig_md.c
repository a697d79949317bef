/* fig_md.c - MD over the model: the inherent-structure energies of pel's own
 * MD (equilibrium-line points of `pel isotherm` with their errors, cooling
 * tables of `pel quench` / `pel md --protocol`, replica means with their
 * standard errors) drawn over the material's equilibrium line E_eq(T)
 * (paper eq. 7, D = 0) and the model's cooling curves at the rates of the MD
 * tables (paper eqs. 1-2).  Drawn only when MD data are given. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <plplot.h>

#include "canvas.h"
#include "figures_internal.h"
#include "pel/equilibrium.h"

enum { MD_T, MD_E, MD_SE, MD_Q, MD_N };
static const char *const md_cols[] = {"T_K", "E_IS_eV_per_atom", "E_se_eV_per_atom", "rate_K_per_s", NULL};

#define MD_NEQ 300      /* points of the model's equilibrium line */
#define MD_T_LOW_K 100.0 /* lowest T of the model's equilibrium line and curves */
#define MD_MAX_TABLES 8
#define MD_LEGEND_INSIDE_MAX 8 /* legend entries that still fit inside the box */

static const int md_color[MD_MAX_TABLES] = {PLT_RED, PLT_BLUE, PLT_GREEN, PLT_ORANGE,
                                            PLT_PURPLE, PLT_SKY, PLT_GOLD, PLT_GREY};

/* Cooling rate of a table (K/s), from consecutive rows that cool: the median
 * of -dT/dt.  0 when no two rows cool, or when some consecutive rows heat
 * (not a cooling run: no model curve is drawn). */
static double cooling_rate(const double *T, const double *t, size_t n)
{
    double *q = malloc((n + 1) * sizeof *q);
    size_t k = 0;
    int heats = 0;
    for (size_t i = 1; q && i < n; i++) {
        double dt = t[i] - t[i - 1], dT = T[i] - T[i - 1];
        if (dt > 0 && dT < 0) q[k++] = -dT / dt * 1e12;
        if (dt > 0 && dT > 0) heats = 1;
    }
    double r = 0;
    if (q && k > 0 && !heats) {
        r = pel_fig_median(q, k);
    }
    free(q);
    return r;
}

/* One MD table as points with error bars, and the model cooled at its rate. */
static int add_table(plt_fig *f, const pel_material *mat, const char *path, int k, char *notes, size_t notes_size,
                     pel_error *err)
{
    pel_csv t;
    int rc = pel_csv_read(path, &t, err);
    if (rc != PEL_OK) return pel_error_wrap(err, rc, "--md");
    long cT = pel_csv_col(&t, "T_K"), cE = pel_csv_col(&t, "E_IS_eV_per_atom"),
         cS = pel_csv_col(&t, "E_IS_se_eV_per_atom"), ct = pel_csv_col(&t, "t_ps");
    double *T = calloc(t.nrow + 1, sizeof *T), *tt = calloc(t.nrow + 1, sizeof *tt);
    if (cT < 0 || cE < 0) {
        rc = pel_error_set(err, PEL_EPARSE, "--md %s: needs columns T_K and E_IS_eV_per_atom", path);
        goto out;
    }
    if (!T || !tt) {
        rc = pel_error_set(err, PEL_ENOMEM, "out of memory reading %s", path);
        goto out;
    }
    /* label: the last two path components (the run directory names the run) */
    const char *base = path;
    for (const char *c = path, *prev = NULL; *c; c++)
        if (*c == '/' && c[1]) {
            base = prev ? prev + 1 : path;
            prev = c;
        }
    char name[48], label[96];
    snprintf(name, sizeof name, "md_%d", k + 1);
    snprintf(label, sizeof label, "MD %.80s", base);
    int s = plt_add(f, name, label, PLT_ERRY, 0, MD_T, MD_E, err);
    if (s < 0) {
        rc = PEL_ENOMEM;
        goto out;
    }
    f->ser[s].zcol = MD_SE;
    f->ser[s].color = md_color[k % MD_MAX_TABLES];
    f->ser[s].marker = "●";
    for (size_t r = 0; r < t.nrow && rc == PEL_OK; r++) {
        double row[MD_N] = {NAN, NAN, NAN, NAN};
        if ((rc = pel_csv_num(&t, r, (size_t)cT, &row[MD_T], err)) ||
            (rc = pel_csv_num(&t, r, (size_t)cE, &row[MD_E], err)) ||
            (cS >= 0 && (rc = pel_csv_num(&t, r, (size_t)cS, &row[MD_SE], err))) ||
            (ct >= 0 && (rc = pel_csv_num(&t, r, (size_t)ct, &tt[r], err))))
            break;
        T[r] = row[MD_T];
        rc = plt_push(f, s, row, err);
    }
    if (rc != PEL_OK) goto out;
    double q = ct >= 0 ? cooling_rate(T, tt, t.nrow) : 0;
    if (q > 0) {
        /* the model on the same cooling, from equilibrium at the table's first T */
        char text[160];
        pel_trace tr = {0};
        snprintf(text, sizeof text, "eq@%.17gK; cool %.17gK@%.6gK/s", T[0], fmax(T[t.nrow - 1], MD_T_LOW_K), q);
        if ((rc = pel_fig_evolve(mat, text, 5.0, &tr, err)) != PEL_OK) goto out;
        snprintf(name, sizeof name, "model_%d", k + 1);
        snprintf(label, sizeof label, "model, %.3g K/s", q);
        int m = plt_add(f, name, label, PLT_LINE, 0, MD_T, MD_E, err);
        if (m < 0) rc = PEL_ENOMEM;
        else f->ser[m].color = md_color[k % MD_MAX_TABLES], f->ser[m].width = 2.0;
        for (size_t i = 0; i < tr.n && rc == PEL_OK; i++) {
            double row[MD_N] = {tr.p[i].T_K, tr.p[i].E, NAN, q};
            rc = plt_push(f, m, row, err);
        }
        pel_trace_clear(&tr);
    } else {
        size_t used = strlen(notes);
        snprintf(notes + used, notes_size - used, "%s%s is not a cooling run: no model curve", used ? "; " : "", path);
    }
out:
    free(T);
    free(tt);
    pel_csv_clear(&t);
    return rc;
}

/* Equilibrium-line points (met = 1) with their errors. */
static int add_eqline(plt_fig *f, const char *path, char *notes, size_t notes_size, pel_error *err)
{
    pel_csv t;
    int rc = pel_csv_read(path, &t, err);
    if (rc != PEL_OK) return pel_error_wrap(err, rc, "--eqline");
    long cT = pel_csv_col(&t, "T_K"), cE = pel_csv_col(&t, "E_eq_eV_per_atom"),
         cS = pel_csv_col(&t, "E_eq_se_eV_per_atom"), cM = pel_csv_col(&t, "met");
    if (cT < 0 || cE < 0 || cS < 0) {
        pel_csv_clear(&t);
        return pel_error_set(err, PEL_EPARSE, "--eqline %s: needs columns T_K, E_eq_eV_per_atom, E_eq_se_eV_per_atom",
                             path);
    }
    int s = plt_add(f, "md_eq", "MD equilibrium (pel isotherm)", PLT_ERRY, 0, MD_T, MD_E, err);
    if (s < 0) {
        pel_csv_clear(&t);
        return PEL_ENOMEM;
    }
    f->ser[s].zcol = MD_SE;
    f->ser[s].color = PLT_BLACK;
    f->ser[s].marker = "■";
    size_t refused = 0;
    for (size_t r = 0; r < t.nrow && rc == PEL_OK; r++) {
        double row[MD_N] = {NAN, NAN, NAN, NAN}, met = 1;
        if ((rc = pel_csv_num(&t, r, (size_t)cT, &row[MD_T], err)) ||
            (rc = pel_csv_num(&t, r, (size_t)cE, &row[MD_E], err)) ||
            (rc = pel_csv_num(&t, r, (size_t)cS, &row[MD_SE], err)) ||
            (cM >= 0 && (rc = pel_csv_num(&t, r, (size_t)cM, &met, err))))
            break;
        if (met != 1) {
            refused++;
            continue;
        }
        rc = plt_push(f, s, row, err);
    }
    if (rc == PEL_OK && refused) {
        size_t used = strlen(notes);
        snprintf(notes + used, notes_size - used, "%s%zu point(s) of %s not at equilibrium (met = 0): not drawn",
                 used ? "; " : "", refused, path);
    }
    pel_csv_clear(&t);
    return rc;
}

int pel_fig_md(const pel_material *mat, const pel_figure_opts *o, char *notes, size_t notes_size, pel_error *err)
{
    int rc = pel_fig_check_opts(o, err);
    if (rc != PEL_OK) return rc;
    if (o->nmd == 0 && !o->eqline_csv) {
        snprintf(notes, notes_size, "no MD data (--md, --eqline): figure not drawn");
        return PEL_OK;
    }
    if (o->nmd > MD_MAX_TABLES) return pel_error_set(err, PEL_EINVAL, "at most %d MD tables", MD_MAX_TABLES);
    double Tc;
    if ((rc = pel_equilibrium_Tc(mat, &Tc, err)) != PEL_OK) return pel_error_wrap(err, rc, "md figure of %s", mat->name);
    plt_fig f;
    plt_init(&f, "md", md_cols);
    plt_panel *p = &f.panel[0];
    f.npanel = 1;
    snprintf(p->xlabel, sizeof p->xlabel, "T (K)");
    snprintf(p->ylabel, sizeof p->ylabel, "E#dIS#u (eV/atom)");
    snprintf(p->title, sizeof p->title, "%s: pel's MD over the model", mat->name);
    p->vp[0] = 0.11, p->vp[1] = 0.68, p->vp[2] = 0.10, p->vp[3] = 0.92;
    notes[0] = '\0';
    for (size_t k = 0; k < o->nmd && rc == PEL_OK; k++)
        rc = add_table(&f, mat, o->md_tables[k], (int)k, notes, notes_size, err);
    if (rc == PEL_OK && o->eqline_csv) rc = add_eqline(&f, o->eqline_csv, notes, notes_size, err);
    if (rc == PEL_OK) {
        /* the model's equilibrium line, from just above T_c; never widens the range */
        int s = plt_add(&f, "model_eq", "model E#deq#u(T)", PLT_LINE, 0, MD_T, MD_E, err);
        if (s < 0) rc = PEL_ENOMEM;
        else f.ser[s].lstyle = 2, f.ser[s].no_autoscale = 1;
        double Ta = fmax(MD_T_LOW_K, Tc * (1 + PEL_FIG_TC_PAD)), Tb = PEL_FIG_T_MELT_K;
        for (size_t i = 0; i < MD_NEQ && rc == PEL_OK; i++) {
            double T = Ta + (Tb - Ta) * (double)i / (MD_NEQ - 1), E;
            if ((rc = pel_equilibrium_E(mat, T, &E, err)) != PEL_OK) break;
            double row[MD_N] = {T, E, NAN, NAN};
            rc = plt_push(&f, s, row, err);
        }
    }
    if (rc == PEL_OK) {
        /* a short legend fits in the empty upper left (cold and shallow: no
         * glass is there), and the plot gets the whole width; a long one
         * goes beside the box */
        size_t nleg = 0;
        for (size_t i = 0; i < f.nser; i++) nleg += f.ser[i].label[0] != '\0';
        if (nleg <= MD_LEGEND_INSIDE_MAX) p->vp[1] = 0.95, p->legend_inside = PL_POSITION_LEFT | PL_POSITION_TOP;
        rc = plt_output(&f, o, err);
    }
    plt_free(&f);
    return rc;
}
