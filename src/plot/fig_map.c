/* fig_map.c - the ageing/rejuvenation map (paper Fig. 3, docs/theory.md §4-5): the E-T
 * plane shaded by the sign of D(E,T) (D < 0 ageing, D > 0 rejuvenation), the
 * equilibrium line D = 0, T_c, cooling curves from equilibrium at 2000 K for
 * 1e13 ... 1e9 K/s, and optionally the MD cooling points of `pel quench`. */
#include <math.h>
#include <stdio.h>

#include "canvas.h"
#include "figures_internal.h"
#include "pel/equilibrium.h"

#define MAP_T_LOW_K 200.0 /* end of the cooling curves, K */
#define MAP_NT 160        /* shading grid: temperatures ... */
#define MAP_NE 100        /* ... and energies */
#define MAP_Y_PAD 0.08    /* fraction of the E span added below and above */
#define MAP_NRATE 5

/* MD points (T_K, E_IS_eV_per_atom) of a `pel quench` cooling table. */
static int add_md(plt_fig *f, const char *path, double *ylo, double *yhi, pel_error *err)
{
    pel_csv t;
    int rc = pel_csv_read(path, &t, err);
    if (rc != PEL_OK)
        return pel_error_wrap(err, rc, "--md");
    long cT = pel_csv_col(&t, "T_K"), cE = pel_csv_col(&t, "E_IS_eV_per_atom");
    if (cT < 0 || cE < 0) {
        pel_csv_clear(&t);
        return pel_error_set(err, PEL_EPARSE, "--md %s: needs columns T_K and E_IS_eV_per_atom (a `pel quench` table)",
                             path);
    }
    int s = plt_add(f, "md", "MD (pel quench)", PLT_POINTS, 0, PEL_FC_T, PEL_FC_E, err);
    rc = s < 0 ? PEL_ENOMEM : PEL_OK;
    if (s >= 0)
        f->ser[s].marker = "▲";
    for (size_t r = 0; r < t.nrow && rc == PEL_OK; r++) {
        double T, E;
        if ((rc = pel_csv_num(&t, r, (size_t)cT, &T, err)) != PEL_OK ||
            (rc = pel_csv_num(&t, r, (size_t)cE, &E, err)) != PEL_OK) {
            rc = pel_error_wrap(err, rc, "--md %s", path);
            break;
        }
        *ylo = fmin(*ylo, E);
        *yhi = fmax(*yhi, E);
        rc = plt_push2(f, s, PEL_FC_T, T, PEL_FC_E, E, err);
    }
    pel_csv_clear(&t);
    return rc;
}

/* D(E,T) on the panel's grid, x-major, as the shaded series. */
static int add_shading(plt_fig *f, const pel_material *mat, double T0, double T1, double E0, double E1,
                       pel_error *err)
{
    int s = plt_add(f, "D_grid", "ageing, D < 0", PLT_SHADE, 0, PEL_FC_T, PEL_FC_E, err);
    if (s < 0)
        return PEL_ENOMEM;
    plt_series *ps = &f->ser[s];
    ps->zcol = PEL_FC_D;
    ps->color = PLT_SHADE_AGE;
    ps->color2 = PLT_SHADE_REJ;
    snprintf(ps->note, sizeof ps->note, "rejuvenation, D > 0");
    ps->nx = MAP_NT;
    ps->ny = MAP_NE;
    for (size_t i = 0; i < MAP_NT; i++) {
        double T = T0 + (T1 - T0) * (double)i / (MAP_NT - 1);
        for (size_t j = 0; j < MAP_NE; j++) {
            double E = E0 + (E1 - E0) * (double)j / (MAP_NE - 1);
            double D = pel_equilibrium_D(mat, E, T);
            if (!isfinite(D))
                return pel_error_set(err, PEL_ENUMERIC, "D(E = %g eV/atom, T = %g K) is not finite", E, T);
            double row[PEL_FC_N] = {T, NAN, E, NAN, NAN, NAN, D};
            int rc = plt_push(f, s, row, err);
            if (rc != PEL_OK)
                return rc;
        }
    }
    return PEL_OK;
}

int pel_fig_map(const pel_material *mat, const pel_figure_opts *o, char *notes, size_t notes_size, pel_error *err)
{
    (void)notes, (void)notes_size;
    int rc = pel_fig_check_opts(o, err);
    if (rc != PEL_OK)
        return rc;
    double Tc, E_top;
    if ((rc = pel_equilibrium_Tc(mat, &Tc, err)) != PEL_OK ||
        (rc = pel_equilibrium_E(mat, PEL_FIG_T_MELT_K, &E_top, err)) != PEL_OK)
        return pel_error_wrap(err, rc, "map of %s", mat->name);
    plt_fig f, curves;
    plt_init(&f, "map", pel_fig_trace_cols);
    plt_init(&curves, "map", pel_fig_trace_cols);
    plt_panel *p = &f.panel[0];
    f.npanel = 1;
    snprintf(p->xlabel, sizeof p->xlabel, "T (K)");
    snprintf(p->ylabel, sizeof p->ylabel, "E#dIS#u (eV/atom)");
    snprintf(p->title, sizeof p->title, "%s: ageing/rejuvenation map and cooling (paper Fig. 3)", mat->name);
    p->vp[0] = 0.11, p->vp[1] = 0.68, p->vp[2] = 0.10, p->vp[3] = 0.92;
    p->x0 = MAP_T_LOW_K, p->x1 = PEL_FIG_T_MELT_K;

    /* cooling curves first (into `curves`): they set the E range to shade */
    static const double rate[MAP_NRATE] = {1e13, 1e12, 1e11, 1e10, 1e9};
    static const int col[MAP_NRATE] = {PLT_RED, PLT_ORANGE, PLT_GREEN, PLT_BLUE, PLT_PURPLE};
    double ylo = E_top, yhi = E_top;
    for (int k = 0; k < MAP_NRATE && rc == PEL_OK; k++) {
        char text[160], name[32], label[64];
        snprintf(text, sizeof text, "eq@%gK; cool %gK@%gK/s", PEL_FIG_T_MELT_K, MAP_T_LOW_K, rate[k]);
        snprintf(name, sizeof name, "cool_1e%d", (int)lround(log10(rate[k])));
        snprintf(label, sizeof label, "cool 10#u%d#d K/s", (int)lround(log10(rate[k])));
        pel_trace tr = {0};
        rc = pel_fig_evolve(mat, text, 2.0, &tr, err);
        if (rc == PEL_OK)
            rc = pel_fig_add_branch(&curves, name, label, &tr, 0, tr.n, col[k], k + 1, -1, err);
        for (size_t i = 0; rc == PEL_OK && i < tr.n; i++)
            ylo = fmin(ylo, tr.p[i].E);
        pel_trace_clear(&tr);
    }
    if (rc == PEL_OK && o->md_csv)
        rc = add_md(&curves, o->md_csv, &ylo, &yhi, err);
    if (rc != PEL_OK)
        goto done;
    double pad = MAP_Y_PAD * (yhi - ylo);
    p->y0 = ylo - pad;
    p->y1 = yhi + pad;
    if ((rc = add_shading(&f, mat, p->x0, p->x1, p->y0, p->y1, err)) != PEL_OK ||
        (rc = pel_fig_add_equilibrium(&f, mat, MAP_T_LOW_K, PEL_FIG_T_MELT_K, 400, err)) != PEL_OK)
        goto done;
    /* T_c: no equilibrium below it (docs/theory.md §4) */
    int s = plt_add(&f, "T_c", "", PLT_VLINE, 0, PEL_FC_T, PEL_FC_E, err);
    if (s < 0 || (rc = plt_push2(&f, s, PEL_FC_T, Tc, -1, 0.0, err)) != PEL_OK) {
        rc = s < 0 ? PEL_ENOMEM : rc;
        goto done;
    }
    f.ser[s].lstyle = 2;
    snprintf(f.ser[s].label, sizeof f.ser[s].label, "T#dc#u = %.0f K", Tc);
    snprintf(f.ser[s].note, sizeof f.ser[s].note, "T#dc#u");
    /* move the curves over, drawn above the shading and the line */
    for (size_t i = 0; i < curves.nser && rc == PEL_OK; i++) {
        const plt_series *c = &curves.ser[i];
        int d = plt_add(&f, c->name, c->label, c->kind, 0, c->xcol, c->ycol, err);
        if (d < 0) {
            rc = PEL_ENOMEM;
            break;
        }
        plt_series *ds = &f.ser[d];
        ds->color = c->color, ds->lstyle = c->lstyle, ds->marker = c->marker;
        for (size_t r = 0; r < c->n && rc == PEL_OK; r++)
            rc = plt_push(&f, d, c->v + r * curves.ncol, err);
    }
    if (rc == PEL_OK)
        rc = plt_output(&f, o, err);
done:
    plt_free(&curves);
    plt_free(&f);
    return rc;
}
