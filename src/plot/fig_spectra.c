/* fig_spectra.c - activation spectra of a material (paper eq. 3, Fig. 2;
 * docs/theory.md §2): P(E_A|E) at six inherent-structure energies with its exponential
 * part M1 and peaked part M2 drawn separately, and the material functions
 * W(E), m(E) in two lower panels.  With --events, the measured E_A and E_R
 * histograms of each catalog, their maximum-likelihood fits (fit.h) and the
 * fitted (E_IS, W), (E_IS, m) points are overlaid (events.c). */
#include <math.h>
#include <stdio.h>

#include <plplot.h>

#include "canvas.h"
#include "figures_internal.h"
#include "pel/equilibrium.h"
#include "pel/spectrum.h"

#define SPEC_NE 6        /* spectra drawn */
#define SPEC_NEA 400     /* E_A grid points */
#define SPEC_NCURVE 200  /* points of the W(E), m(E) curves */
#define SPEC_EA_SIGMAS 3.5 /* E_A axis reaches m + this many s at the deepest E */
#define SPEC_EA_MAX 12.0 /* ... but not beyond, eV */

const char *const pel_fig_spectra_cols[] = {"E_eV_per_atom", "EA_eV", "P_per_eV", "W", "m_eV", "ER_eV", NULL};

static const int spec_color[SPEC_NE] = {PLT_RED, PLT_ORANGE, PLT_GREEN, PLT_SKY, PLT_BLUE, PLT_PURPLE};
static const char *const spec_marker[SPEC_NE] = {"●", "■", "▲", "◆", "▼", "★"};

/* The six energies: from the liquid at PEL_FIG_T_MELT_K (E_eq) down to the
 * glass cooled at the slowest rate of the map (1e9 K/s), i.e. the range of E
 * the model visits in the other figures. */
static int spectra_energies(const pel_material *mat, double *E, pel_error *err)
{
    double E_top, E_bot;
    int rc = pel_equilibrium_E(mat, PEL_FIG_T_MELT_K, &E_top, err);
    if (rc != PEL_OK)
        return rc;
    char text[160];
    snprintf(text, sizeof text, "eq@%gK; cool %gK@1e9K/s", PEL_FIG_T_MELT_K, PEL_FIG_T_LOW_K);
    pel_trace tr = {0};
    if ((rc = pel_fig_evolve(mat, text, 10.0, &tr, err)) != PEL_OK)
        return rc;
    E_bot = tr.p[tr.n - 1].E;
    pel_trace_clear(&tr);
    for (int k = 0; k < SPEC_NE; k++)
        E[k] = E_top + (E_bot - E_top) * k / (SPEC_NE - 1.0);
    return PEL_OK;
}

static void layout(plt_fig *f, const pel_material *mat)
{
    f->npanel = 3;
    plt_panel *p = f->panel;
    snprintf(p[0].xlabel, sizeof p[0].xlabel, "E#dA#u (eV)");
    snprintf(p[0].ylabel, sizeof p[0].ylabel, "P(E#dA#u|E#dIS#u) (1/eV)");
    snprintf(p[0].title, sizeof p[0].title, "%s: activation spectra P(E#dA#u|E#dIS#u) (paper eq. 3)", mat->name);
    p[0].vp[0] = 0.10, p[0].vp[1] = 0.66, p[0].vp[2] = 0.55, p[0].vp[3] = 0.92;
    snprintf(p[1].xlabel, sizeof p[1].xlabel, "E#dIS#u (eV/atom)");
    snprintf(p[1].ylabel, sizeof p[1].ylabel, "W (weight of M1)");
    p[1].vp[0] = 0.10, p[1].vp[1] = 0.42, p[1].vp[2] = 0.09, p[1].vp[3] = 0.40;
    snprintf(p[2].xlabel, sizeof p[2].xlabel, "E#dIS#u (eV/atom)");
    snprintf(p[2].ylabel, sizeof p[2].ylabel, "m (eV)");
    p[2].vp[0] = 0.56, p[2].vp[1] = 0.88, p[2].vp[2] = 0.09, p[2].vp[3] = 0.40;
    p[1].legend_inside = PL_POSITION_LEFT | PL_POSITION_TOP;
    p[2].legend_inside = PL_POSITION_RIGHT | PL_POSITION_TOP;
}

/* P(E_A|E) at one E: M1 and M2 lines, the total as CSV-only data. */
static int add_spectrum(plt_fig *f, const pel_material *mat, int k, double E, double EA_max, pel_error *err)
{
    pel_spectrum sp;
    pel_material_spectrum(mat, E, &sp);
    int rc = pel_spectrum_check(&sp, err);
    if (rc != PEL_OK)
        return pel_error_wrap(err, rc, "spectrum at E = %g eV/atom", E);
    char name[3][48], label[64];
    snprintf(name[0], sizeof name[0], "M1_E=%.4f", E);
    snprintf(name[1], sizeof name[1], "M2_E=%.4f", E);
    snprintf(name[2], sizeof name[2], "P_E=%.4f", E);
    snprintf(label, sizeof label, "E#dIS#u = %.3f eV/atom", E);
    int s1 = plt_add(f, name[0], "", PLT_LINE, 0, 1, 2, err);
    int s2 = s1 < 0 ? -1 : plt_add(f, name[1], label, PLT_LINE, 0, 1, 2, err);
    int st = s2 < 0 ? -1 : plt_add(f, name[2], "", PLT_DATA, 0, 1, 2, err);
    int pk = st < 0 ? -1 : plt_add(f, "", "", PLT_POINTS, 0, 1, 2, err);
    if (pk < 0)
        return PEL_ENOMEM;
    f->ser[s1].color = f->ser[s2].color = f->ser[pk].color = spec_color[k];
    f->ser[s1].lstyle = 2;
    f->ser[s2].marker = f->ser[pk].marker = spec_marker[k];
    f->ser[s2].legend_marker = 1;
    f->ser[pk].no_csv = 1; /* marker on the M2 maximum, for greyscale print */
    double best = -1.0, best_EA = 0.0;
    for (int i = 0; i < SPEC_NEA; i++) {
        double EA = EA_max * i / (SPEC_NEA - 1.0);
        double m1 = pel_spectrum_pdf_m1(&sp, EA), m2 = pel_spectrum_pdf_m2(&sp, EA);
        double r1[] = {E, EA, m1, sp.W, sp.m, NAN}, r2[] = {E, EA, m2, sp.W, sp.m, NAN},
               rt[] = {E, EA, m1 + m2, sp.W, sp.m, NAN};
        if ((rc = plt_push(f, s1, r1, err)) || (rc = plt_push(f, s2, r2, err)) || (rc = plt_push(f, st, rt, err)))
            return rc;
        if (m2 > best)
            best = m2, best_EA = EA;
    }
    return plt_push2(f, pk, 1, best_EA, 2, best, err);
}

/* W(E) and m(E) over the six energies' span (padded), with the six marked. */
static int add_functions(plt_fig *f, const pel_material *mat, const double *Es, pel_error *err)
{
    double a = fmin(Es[0], Es[SPEC_NE - 1]), b = fmax(Es[0], Es[SPEC_NE - 1]), pad = 0.15 * (b - a);
    int sw = plt_add(f, "W_of_E", "W(E#dIS#u) of the model", PLT_LINE, 1, 0, 3, err);
    int sm = sw < 0 ? -1 : plt_add(f, "m_of_E", "m(E#dIS#u) of the model", PLT_LINE, 2, 0, 4, err);
    if (sm < 0)
        return PEL_ENOMEM;
    for (int i = 0; i < SPEC_NCURVE; i++) {
        double E = a - pad + (b - a + 2 * pad) * i / (SPEC_NCURVE - 1.0);
        double row[] = {E, NAN, NAN, pel_material_W(mat, E), pel_material_m(mat, E), NAN};
        int rc = plt_push(f, sw, row, err);
        if (rc == PEL_OK)
            rc = plt_push(f, sm, row, err);
        if (rc != PEL_OK)
            return rc;
    }
    f->ser[sm].no_csv = 1; /* same rows as W_of_E, which carries the m column */
    snprintf(f->ser[sw].name, sizeof f->ser[sw].name, "W_m_of_E");
    for (int k = 0; k < SPEC_NE; k++) {
        for (int panel = 1; panel <= 2; panel++) {
            int s = plt_add(f, "", "", PLT_POINTS, panel, 0, panel == 1 ? 3 : 4, err);
            if (s < 0)
                return PEL_ENOMEM;
            f->ser[s].color = spec_color[k];
            f->ser[s].marker = spec_marker[k];
            f->ser[s].no_csv = 1;
            int rc = plt_push2(f, s, 0, Es[k], panel == 1 ? 3 : 4,
                               panel == 1 ? pel_material_W(mat, Es[k]) : pel_material_m(mat, Es[k]), err);
            if (rc != PEL_OK)
                return rc;
        }
    }
    return PEL_OK;
}

int pel_fig_spectra(const pel_material *mat, const pel_figure_opts *o, char *notes, size_t notes_size,
                    pel_error *err)
{
    int rc = pel_fig_check_opts(o, err);
    if (rc != PEL_OK)
        return rc;
    double Es[SPEC_NE];
    if ((rc = spectra_energies(mat, Es, err)) != PEL_OK)
        return pel_error_wrap(err, rc, "spectra of %s", mat->name);
    double m_max = fmax(pel_material_m(mat, Es[0]), pel_material_m(mat, Es[SPEC_NE - 1]));
    double EA_max = fmin(SPEC_EA_MAX, fmax(5.0 * mat->eA, m_max + SPEC_EA_SIGMAS * mat->s));
    plt_fig f;
    plt_init(&f, "spectra", pel_fig_spectra_cols);
    layout(&f, mat);
    f.panel[0].x0 = 0.0, f.panel[0].x1 = EA_max;
    /* legend keys for the two line styles (no rows) */
    int k1 = plt_add(&f, "", "M1 part (exponential)", PLT_LINE, 0, 1, 2, err);
    int k2 = k1 < 0 ? -1 : plt_add(&f, "", "M2 part (peaked)", PLT_LINE, 0, 1, 2, err);
    if (k2 < 0)
        rc = PEL_ENOMEM;
    else
        f.ser[k1].lstyle = 2;
    for (int k = 0; k < SPEC_NE && rc == PEL_OK; k++)
        rc = add_spectrum(&f, mat, k, Es[k], EA_max, err);
    if (rc == PEL_OK)
        rc = add_functions(&f, mat, Es, err);
    if (rc == PEL_OK && o->nevents > 0)
        rc = pel_fig_add_events(&f, mat, o, EA_max, notes, notes_size, err);
    if (rc == PEL_OK)
        rc = plt_output(&f, o, err);
    plt_free(&f);
    return rc;
}
