/* fig_calib.c - the `calibration` figure (docs/calibration.md): each ART
 * catalog against the material, as a calibration is judged.  Top: every
 * catalog's E_A histogram with the material's own spectrum P(E_A|E_IS)
 * (paper eq. 3) at that catalog's E_IS, in the catalog's colour, with the KS
 * p of the events against it in the legend (and the CSV's KS_p column).  Bottom: W(E) and m(E) of the
 * material, with the central 95 % band of a calibration's covariance when the
 * options carry one, and each catalog's own maximum-likelihood W and m
 * (e_A, s of the material) with their standard errors.  The MD side of a
 * calibration is the `md` figure. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <plplot.h>

#include "canvas.h"
#include "figures_internal.h"
#include "pel/calibrate.h"
#include "pel/fit.h"

#define CAL_NBIN 30     /* histogram bins over the E_A axis */
#define CAL_NCURVE 300  /* points of a model spectrum */
#define CAL_NE 120      /* points of the W(E), m(E) curves and bands */
#define CAL_DRAWS 400   /* materials drawn for the bands (as pel tc) */
#define CAL_LEVEL 0.95
#define CAL_MAX 6       /* catalogs with their own colour; more cycle */

enum { C_E, C_EA, C_P, C_W, C_WSE, C_M, C_MSE, C_KS, C_N };
static const char *const cal_cols[] = {"E_eV_per_atom", "EA_eV", "P_per_eV", "W", "W_se", "m_eV", "m_se_eV", "KS_p",
                                       NULL};
static const int cal_color[CAL_MAX] = {PLT_RED, PLT_BLUE, PLT_GREEN, PLT_ORANGE, PLT_PURPLE, PLT_SKY};
static const char *const cal_marker[CAL_MAX] = {"●", "■", "▲", "◆", "▼", "★"};

/* One catalog read, with its E_IS and its own fit. */
typedef struct cal_cat {
    pel_events *ev;
    double E_IS, EA_max;
    pel_fit_result fit;
    int fit_ok;
} cal_cat;

static double spec_cdf(const void *ctx, double x)
{
    return pel_fit_cdf(ctx, x);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* KS p of the events against the material's spectrum at their E_IS. */
static double ks_against(const pel_material *mat, const cal_cat *c)
{
    pel_fit_spec sp = {pel_material_W(mat, c->E_IS), pel_material_m(mat, c->E_IS), mat->eA, mat->s};
    double *x = malloc(c->ev->n * sizeof *x);
    if (!x)
        return NAN;
    for (size_t i = 0; i < c->ev->n; i++)
        x[i] = c->ev->EA[i];
    qsort(x, c->ev->n, sizeof *x, cmp_double);
    double D = pel_fit_ks_statistic(x, c->ev->n, spec_cdf, &sp);
    free(x);
    return pel_fit_ks_pvalue(D, c->ev->n);
}

static int add_catalog(plt_fig *f, const pel_material *mat, const cal_cat *c, size_t k, double EA_max,
                       pel_error *err)
{
    int col = cal_color[k % CAL_MAX];
    char name[48], label[96];
    snprintf(name, sizeof name, "hist_EA_%zu", k + 1);
    snprintf(label, sizeof label, "%zu events, E#dIS#u = %.4f", c->ev->n, c->E_IS);
    int rc = pel_fig_add_hist(f, name, label, c->ev->EA, c->ev->n, EA_max, CAL_NBIN, C_EA, C_P, col, 1, 2.0, err);
    if (rc != PEL_OK)
        return rc;
    /* the material's spectrum at this E_IS */
    pel_fit_spec sp = {pel_material_W(mat, c->E_IS), pel_material_m(mat, c->E_IS), mat->eA, mat->s};
    snprintf(name, sizeof name, "model_EA_%zu", k + 1);
    double ks = ks_against(mat, c);
    snprintf(label, sizeof label, "  model there, KS p = %.2g", ks);
    int s = plt_add(f, name, label, PLT_LINE, 0, C_EA, C_P, err);
    if (s < 0)
        return PEL_ENOMEM;
    f->ser[s].color = col;
    f->ser[s].width = 2.5;
    for (int i = 0; i < CAL_NCURVE; i++) {
        double x = EA_max * i / (CAL_NCURVE - 1.0);
        double row[C_N] = {c->E_IS, x, pel_fit_pdf(&sp, x), sp.W, NAN, sp.m, NAN, ks};
        rc = plt_push(f, s, row, err);
        if (rc != PEL_OK)
            return rc;
    }
    if (!c->fit_ok)
        return PEL_OK;
    /* the catalog's own W and m, with their standard errors; a fit on a
     * parameter wall (no se) is in the CSV but does not stretch the axes */
    for (int panel = 1; panel <= 2; panel++) {
        snprintf(name, sizeof name, "fit_W_m_%zu", k + 1);
        int p = plt_add(f, name, "", PLT_ERRY, panel, C_E, panel == 1 ? C_W : C_M, err);
        if (p < 0)
            return PEL_ENOMEM;
        f->ser[p].zcol = panel == 1 ? C_WSE : C_MSE;
        f->ser[p].color = col;
        f->ser[p].marker = cal_marker[k % CAL_MAX];
        f->ser[p].no_csv = panel == 2; /* one CSV row carries W and m */
        f->ser[p].no_autoscale = !isfinite(panel == 1 ? c->fit.W.se : c->fit.m.se);
        double row[C_N] = {c->E_IS, NAN, NAN, c->fit.W.value, c->fit.W.se, c->fit.m.value, c->fit.m.se, NAN};
        int rc = plt_push(f, p, row, err);
        if (rc != PEL_OK)
            return rc;
    }
    return PEL_OK;
}

/* W and m on the grid for one drawn material (pel_calibrate_interval) */
static int wm_of(const pel_material *m, void *ctx, double *out, pel_error *err)
{
    (void)err;
    const double *E = ctx;
    for (size_t i = 0; i < CAL_NE; i++) {
        out[i] = pel_material_W(m, E[i]);
        out[CAL_NE + i] = pel_material_m(m, E[i]);
    }
    return PEL_OK;
}

/* W(E), m(E) of the material over [a, b], and the covariance band if any. */
static int add_functions(plt_fig *f, const pel_material *mat, const pel_material_cov *cov, double a, double b,
                         pel_error *err)
{
    /* keys for the lower panels, in the top panel's legend (no rows) */
    int k0 = plt_add(f, "", "W(E), m(E) of the material", PLT_LINE, 0, C_EA, C_P, err);
    int k1 = k0 < 0 ? -1 : plt_add(f, "", "95 % band (covariance)", PLT_LINE, 0, C_EA, C_P, err);
    int k2 = k1 < 0 ? -1 : plt_add(f, "", "W, m fitted to one catalog", PLT_ERRY, 0, C_EA, C_P, err);
    if (k2 < 0)
        return PEL_ENOMEM;
    f->ser[k0].width = 2.5;
    f->ser[k1].color = PLT_GREY, f->ser[k1].lstyle = 2;
    f->ser[k2].marker = "●";
    if (!(cov && cov->n > 0))
        f->ser[k1].label[0] = '\0';
    double E[CAL_NE], lo[2 * CAL_NE], hi[2 * CAL_NE];
    for (size_t i = 0; i < CAL_NE; i++)
        E[i] = a + (b - a) * (double)i / (CAL_NE - 1.0);
    int band = cov && cov->n > 0;
    if (band) {
        int rc = pel_calibrate_interval(mat, cov, 1, CAL_DRAWS, CAL_LEVEL, wm_of, E, 2 * CAL_NE, lo, hi, NULL, err);
        if (rc != PEL_OK)
            return rc;
    }
    const char *names[3] = {"W_m_of_E", "band_lo", "band_hi"};
    for (int kind = 0; kind < (band ? 3 : 1); kind++) {
        for (int panel = 1; panel <= 2; panel++) {
            int s = plt_add(f, names[kind], "", PLT_LINE, panel, C_E, panel == 1 ? C_W : C_M, err);
            if (s < 0)
                return PEL_ENOMEM;
            f->ser[s].color = kind ? PLT_GREY : PLT_BLACK;
            f->ser[s].lstyle = kind ? 2 : 1;
            f->ser[s].width = kind ? 1.5 : 2.5;
            f->ser[s].no_csv = panel == 2;
            for (size_t i = 0; i < CAL_NE; i++) {
                double W = kind == 0 ? pel_material_W(mat, E[i]) : kind == 1 ? lo[i] : hi[i];
                double m = kind == 0 ? pel_material_m(mat, E[i]) : kind == 1 ? lo[CAL_NE + i] : hi[CAL_NE + i];
                double row[C_N] = {E[i], NAN, NAN, W, NAN, m, NAN, NAN};
                int rc = plt_push(f, s, row, err);
                if (rc != PEL_OK)
                    return rc;
            }
        }
    }
    return PEL_OK;
}

static void layout(plt_fig *f, const pel_material *mat)
{
    f->npanel = 3;
    plt_panel *p = f->panel;
    snprintf(p[0].xlabel, sizeof p[0].xlabel, "E#dA#u (eV)");
    snprintf(p[0].ylabel, sizeof p[0].ylabel, "density (1/eV)");
    snprintf(p[0].title, sizeof p[0].title, "%.40s against ART catalogs (paper eq. 3)", mat->name);
    p[0].vp[0] = 0.10, p[0].vp[1] = 0.56, p[0].vp[2] = 0.55, p[0].vp[3] = 0.92;
    for (int k = 1; k <= 2; k++) {
        snprintf(p[k].xlabel, sizeof p[k].xlabel, "E#dIS#u (eV/atom)");
        p[k].vp[2] = 0.09, p[k].vp[3] = 0.40;
    }
    snprintf(p[1].ylabel, sizeof p[1].ylabel, "W (weight of M1)");
    snprintf(p[2].ylabel, sizeof p[2].ylabel, "m (eV)");
    p[1].vp[0] = 0.10, p[1].vp[1] = 0.42;
    p[2].vp[0] = 0.56, p[2].vp[1] = 0.88;
}

int pel_fig_calibration(const pel_material *mat, const pel_figure_opts *o, char *notes, size_t notes_size,
                        pel_error *err)
{
    int rc = pel_fig_check_opts(o, err);
    if (rc != PEL_OK)
        return rc;
    if (o->nevents == 0) {
        if (notes && notes_size)
            snprintf(notes, notes_size, "figure calibration needs --events; not drawn");
        return PEL_OK;
    }
    cal_cat *cat = calloc(o->nevents, sizeof *cat);
    if (!cat)
        return pel_error_set(err, PEL_ENOMEM, "out of memory for %zu catalogs", o->nevents);
    double Elo = INFINITY, Ehi = -INFINITY, EA_max = 0.0;
    for (size_t k = 0; k < o->nevents && rc == PEL_OK; k++) {
        cal_cat *c = &cat[k];
        if ((rc = pel_events_read(o->events[k], &c->ev, err)) != PEL_OK ||
            (rc = pel_events_E_IS(c->ev, 0, 0, &c->E_IS, err)) != PEL_OK) {
            rc = pel_error_wrap(err, rc, "--events %s", o->events[k]);
            break;
        }
        if (c->ev->n == 0) {
            rc = pel_error_set(err, PEL_EINVAL, "--events %s: no converged events", o->events[k]);
            break;
        }
        pel_fit_options opt;
        pel_fit_options_default(&opt);
        opt.eA = mat->eA, opt.s = mat->s;
        pel_error ferr = {0};
        c->fit_ok = pel_fit_events(c->ev->EA, c->ev->n, NULL, 0, &opt, &c->fit, NULL, NULL, &ferr) == PEL_OK;
        if (!c->fit_ok && notes && notes_size) {
            size_t n = strlen(notes);
            snprintf(notes + n, notes_size - n, "%sno own fit for %s: %s", n ? "; " : "", o->events[k], ferr.msg);
        }
        Elo = fmin(Elo, c->E_IS), Ehi = fmax(Ehi, c->E_IS);
        for (size_t i = 0; i < c->ev->n; i++)
            EA_max = fmax(EA_max, c->ev->EA[i]);
    }
    plt_fig f;
    plt_init(&f, "calibration", cal_cols);
    if (rc == PEL_OK) {
        layout(&f, mat);
        EA_max = fmin(1.05 * EA_max, 12.0);
        f.panel[0].x0 = 0.0, f.panel[0].x1 = EA_max;
        double pad = fmax(0.2 * (Ehi - Elo), 0.005);
        rc = add_functions(&f, mat, o->cov, Elo - pad, Ehi + pad, err);
        for (size_t k = 0; k < o->nevents && rc == PEL_OK; k++)
            rc = add_catalog(&f, mat, &cat[k], k, EA_max, err);
    }
    if (rc == PEL_OK)
        rc = plt_output(&f, o, err);
    plt_free(&f);
    for (size_t k = 0; k < o->nevents; k++)
        pel_events_free(&cat[k].ev);
    free(cat);
    return rc;
}
