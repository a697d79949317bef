/* fig_scans.c - the thermal-scan figures (docs/theory.md §5 claims):
 *   hysteresis (paper Fig. 4): cool + heat at 1e10 K/s; from the same glass C,
 *     heat + cool at 1e12 K/s; E(T) with E_eq above, dE/dT below; turning
 *     points B (leaves the line on cooling), D (minimum on heating, where the
 *     path crosses E_eq) and R (rejoins the line), primed for 1e12 K/s.
 *   truncated (paper Fig. 5): from C, heat at 1e12 K/s to turning temperatures
 *     between the heating minimum D' and the rejoin point R', then cool at
 *     1e12 K/s; each cooling branch peaks (dE/dt = 0) on the line, point p. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "canvas.h"
#include "figures_internal.h"
#include "pel/equilibrium.h"

#define NTURN 4 /* turning temperatures of the truncated scans */
#define PEL_FIG_TURN_MARGIN_K 150.0 /* x range of `truncated` around D'..R' */

/* Stacked E(T) / dE/dT panels with legends to the right. */
static void two_panels(plt_fig *f, double Ta, double Tb)
{
    f->npanel = 2;
    plt_panel *u = &f->panel[0], *l = &f->panel[1];
    snprintf(u->xlabel, sizeof u->xlabel, "T (K)");
    snprintf(u->ylabel, sizeof u->ylabel, "E#dIS#u (eV/atom)");
    snprintf(l->xlabel, sizeof l->xlabel, "T (K)");
    snprintf(l->ylabel, sizeof l->ylabel, "dE#dIS#u/dT (meV/atom/K)");
    l->yscale = 1e3; /* the CSV keeps eV/atom/K */
    u->vp[0] = l->vp[0] = 0.11;
    u->vp[1] = l->vp[1] = 0.66;
    u->vp[2] = 0.47, u->vp[3] = 0.94;
    l->vp[2] = 0.08, l->vp[3] = 0.37;
    u->x0 = l->x0 = Ta;
    u->x1 = l->x1 = Tb;
}

/* The glass C: equilibrium at PEL_FIG_T_HIGH_K cooled at Q_SLOW to T_LOW.
 * *tr receives the cooling trace. */
static int make_glass(const pel_material *mat, pel_trace *tr, double *E_C, pel_error *err)
{
    char text[256];
    snprintf(text, sizeof text, "eq@%gK; cool %gK@%gK/s", PEL_FIG_T_HIGH_K, PEL_FIG_T_LOW_K, PEL_FIG_Q_SLOW);
    int rc = pel_fig_evolve(mat, text, 1.0, tr, err);
    if (rc == PEL_OK)
        *E_C = tr->p[tr->n - 1].E;
    return rc;
}

/* From the glass C at T_LOW: heat to T_turn, then cool back, both at Q_FAST. */
static void scan_text(char *buf, size_t size, double E_C, double T_turn)
{
    snprintf(buf, size, "E=%.17geV@%gK; heat %gK@%gK/s; cool %gK@%gK/s", E_C, PEL_FIG_T_LOW_K, T_turn,
             PEL_FIG_Q_FAST, PEL_FIG_T_LOW_K, PEL_FIG_Q_FAST);
}

/* Point at temperature T on segment k of tr (E interpolated). */
static int mark_at(plt_fig *f, const pel_material *mat, const pel_trace *tr, int k, const char *name,
                   const char *note, const char *label, double T, pel_error *err)
{
    size_t i0, i1;
    double E = NAN;
    if (!isfinite(T))
        return PEL_OK;
    int rc = pel_fig_segment(tr, k, &i0, &i1, err);
    if (rc == PEL_OK)
        rc = pel_fig_E_at(tr, i0, i1, T, &E, err);
    if (rc == PEL_OK)
        rc = pel_fig_add_point(f, mat, name, note, label, 0, PEL_FC_E, T, E, NAN, "○", PLT_BLACK, err);
    return rc;
}

/* The stationary point (E minimum or maximum, on E_eq) of segment k. */
static int find_stationary(const pel_material *mat, const pel_trace *tr, int k, double *T, double *E,
                           pel_error *err)
{
    size_t i0, i1;
    int rc = pel_fig_segment(tr, k, &i0, &i1, err);
    if (rc == PEL_OK)
        rc = pel_fig_stationary(mat, tr, i0, i1, T, E, err);
    return rc;
}

static int mark_stationary(plt_fig *f, const pel_material *mat, const pel_trace *tr, int k, const char *name,
                           const char *note, const char *label, const char *marker, pel_error *err)
{
    double T, E;
    int rc = find_stationary(mat, tr, k, &T, &E, err);
    if (rc == PEL_OK)
        rc = pel_fig_add_point(f, mat, name, note, label, 0, PEL_FC_E, T, E, NAN, marker, PLT_BLACK, err);
    return rc;
}

/* Each ramp of tr as a branch, styled from the tables. */
static int add_ramps(plt_fig *f, const pel_trace *tr, int nseg, const char *const *names,
                     const char *const *labels, const int *colors, const int *styles, pel_error *err)
{
    for (int k = 0; k < nseg; k++) {
        size_t i0, i1;
        int rc = pel_fig_segment(tr, k, &i0, &i1, err);
        if (rc == PEL_OK)
            rc = pel_fig_add_branch(f, names[k], labels[k], tr, i0, i1, colors[k], styles[k], 1, err);
        if (rc != PEL_OK)
            return rc;
    }
    return PEL_OK;
}

/* dE/dT peaks of each ramp, marked in the lower panel. */
static int mark_cp_peaks(plt_fig *f, const pel_material *mat, const pel_segment_summary *sm, int nseg,
                         const char *const *names, const int *colors, int legend, pel_error *err)
{
    for (int k = 0; k < nseg; k++) {
        char name[64];
        snprintf(name, sizeof name, "dEdT_peak_%s", names[k]);
        int rc = pel_fig_add_point(f, mat, name, "", k == 0 && legend ? "dE/dT peak" : "", 1, PEL_FC_DEDT,
                                   sm[k].T_at_dEdT_peak_K, NAN, sm[k].dEdT_peak, "▼", colors[k], err);
        if (rc != PEL_OK)
            return rc;
    }
    return PEL_OK;
}

int pel_fig_hysteresis(const pel_material *mat, const pel_figure_opts *o, char *notes, size_t notes_size,
                       pel_error *err)
{
    (void)notes, (void)notes_size;
    int rc = pel_fig_check_opts(o, err);
    if (rc != PEL_OK)
        return rc;
    pel_trace A = {0}, B = {0};
    plt_fig f;
    plt_init(&f, "hysteresis", pel_fig_trace_cols);
    two_panels(&f, PEL_FIG_T_LOW_K, PEL_FIG_T_HIGH_K);
    snprintf(f.panel[0].title, sizeof f.panel[0].title, "%s: thermal hysteresis (paper Fig. 4)", mat->name);
    char text[256];
    double E_C;
    /* A: cool then heat at the slow rate; B: heat then cool fast from C */
    snprintf(text, sizeof text, "eq@%gK; cool %gK@%gK/s; heat %gK@%gK/s", PEL_FIG_T_HIGH_K, PEL_FIG_T_LOW_K,
             PEL_FIG_Q_SLOW, PEL_FIG_T_HIGH_K, PEL_FIG_Q_SLOW);
    if ((rc = pel_fig_evolve(mat, text, 1.0, &A, err)) != PEL_OK)
        goto done;
    size_t i0, i1;
    if ((rc = pel_fig_segment(&A, 0, &i0, &i1, err)) != PEL_OK)
        goto done;
    E_C = A.p[i1 - 1].E;
    scan_text(text, sizeof text, E_C, PEL_FIG_T_HIGH_K);
    if ((rc = pel_fig_evolve(mat, text, 1.0, &B, err)) != PEL_OK)
        goto done;

    if ((rc = pel_fig_add_equilibrium(&f, mat, PEL_FIG_T_LOW_K, PEL_FIG_T_HIGH_K, 400, err)) != PEL_OK)
        goto done;
    static const char *const na[] = {"cool_1e10", "heat_1e10"}, *const nb[] = {"heat_1e12", "cool_1e12"};
    static const char *const la[] = {"cool 10#u10#d K/s (A-B-C)", "heat 10#u10#d K/s (C-D-R)"};
    static const char *const lb[] = {"heat 10#u12#d K/s (C-D'-R')", "cool 10#u12#d K/s (B'-C')"};
    static const int ca[] = {PLT_BLUE, PLT_RED}, cb[] = {PLT_GREEN, PLT_PURPLE};
    static const int sa_[] = {1, 2}, sb_[] = {3, 4};
    if ((rc = add_ramps(&f, &A, 2, na, la, ca, sa_, err)) != PEL_OK ||
        (rc = add_ramps(&f, &B, 2, nb, lb, cb, sb_, err)) != PEL_OK)
        goto done;

    pel_segment_summary sa[2], sb[2];
    if ((rc = pel_trace_summarize(&A, 2, sa, err)) != PEL_OK || (rc = pel_trace_summarize(&B, 2, sb, err)) != PEL_OK)
        goto done;
    /* turning points (docs/theory.md §5): leaving the line, minimum on heating, rejoining */
    if ((rc = mark_at(&f, mat, &A, 0, "point_B_leave_cool_1e10", "B", "turning points", sa[0].T_depart_K, err)) ||
        (rc = mark_stationary(&f, mat, &A, 1, "point_D_min_heat_1e10", "D", "", "○", err)) ||
        (rc = mark_at(&f, mat, &A, 1, "point_R_rejoin_heat_1e10", "R", "", sa[1].T_rejoin_K, err)) ||
        (rc = mark_stationary(&f, mat, &B, 0, "point_Dp_min_heat_1e12", "D'", "", "○", err)) ||
        (rc = mark_at(&f, mat, &B, 0, "point_Rp_rejoin_heat_1e12", "R'", "", sb[0].T_rejoin_K, err)) ||
        (rc = mark_at(&f, mat, &B, 1, "point_Bp_leave_cool_1e12", "B'", "", sb[1].T_depart_K, err)))
        goto done;
    /* B and B' sit just below R and R' on the line: their letters go left */
    for (size_t i = 0; i < f.nser; i++)
        if (!strncmp(f.ser[i].name, "point_B", 7))
            f.ser[i].note_left = 1;
    if ((rc = mark_cp_peaks(&f, mat, sa, 2, na, ca, 1, err)) != PEL_OK ||
        (rc = mark_cp_peaks(&f, mat, sb, 2, nb, cb, 0, err)) != PEL_OK)
        goto done;
    rc = plt_output(&f, o, err);
done:
    pel_trace_clear(&A);
    pel_trace_clear(&B);
    plt_free(&f);
    return rc;
}

int pel_fig_truncated(const pel_material *mat, const pel_figure_opts *o, char *notes, size_t notes_size,
                      pel_error *err)
{
    (void)notes, (void)notes_size;
    int rc = pel_fig_check_opts(o, err);
    if (rc != PEL_OK)
        return rc;
    pel_trace C = {0}, H = {0}, S = {0};
    plt_fig f;
    plt_init(&f, "truncated", pel_fig_trace_cols);
    char text[256];
    double E_C, T_D = NAN;
    if ((rc = make_glass(mat, &C, &E_C, err)) != PEL_OK)
        goto done;
    /* the normal scan: heat fast to the liquid and cool back */
    scan_text(text, sizeof text, E_C, PEL_FIG_T_HIGH_K);
    if ((rc = pel_fig_evolve(mat, text, 1.0, &H, err)) != PEL_OK)
        goto done;
    pel_segment_summary sh[2];
    if ((rc = pel_trace_summarize(&H, 2, sh, err)) != PEL_OK)
        goto done;
    double E_D;
    if ((rc = find_stationary(mat, &H, 0, &T_D, &E_D, err)) != PEL_OK)
        goto done;
    double T_R = sh[0].T_rejoin_K;
    if (!isfinite(T_R) || !(T_R > T_D)) {
        rc = pel_error_set(err, PEL_ENOROOT, "heating at %g K/s does not rejoin the equilibrium line below %g K",
                           PEL_FIG_Q_FAST, PEL_FIG_T_HIGH_K);
        goto done;
    }
    two_panels(&f, fmax(PEL_FIG_T_LOW_K, T_D - PEL_FIG_TURN_MARGIN_K),
               fmin(PEL_FIG_T_HIGH_K, T_R + PEL_FIG_TURN_MARGIN_K));
    snprintf(f.panel[0].title, sizeof f.panel[0].title, "%s: truncated scans at 10#u12#d K/s (paper Fig. 5)",
             mat->name);
    if ((rc = pel_fig_add_equilibrium(&f, mat, PEL_FIG_T_LOW_K, PEL_FIG_T_HIGH_K, 400, err)) != PEL_OK)
        goto done;
    static const char *const nh[] = {"full_heat_1e12", "full_cool_1e12"};
    static const char *const lh[] = {"heat to liquid", "cool from liquid"};
    static const int ch[] = {PLT_GREY, PLT_GREY}, sth[] = {1, 1};
    if ((rc = add_ramps(&f, &H, 2, nh, lh, ch, sth, err)) != PEL_OK)
        goto done;
    f.ser[f.nser - 1].lstyle = 2;
    f.ser[f.nser - 2].lstyle = 2;

    static const int col[NTURN] = {PLT_RED, PLT_BLUE, PLT_GREEN, PLT_PURPLE};
    static const int sty[NTURN] = {1, 3, 4, 5};
    for (int k = 1; k <= NTURN; k++) {
        /* turning temperatures evenly inside (T_D', T_R'), rounded to 1 K */
        double Tt = round(T_D + (T_R - T_D) * k / (NTURN + 1.0));
        scan_text(text, sizeof text, E_C, Tt);
        pel_trace_clear(&S);
        if ((rc = pel_fig_evolve(mat, text, 0.5, &S, err)) != PEL_OK)
            goto done;
        char name[64], label[96], pname[64];
        const char *nm[2] = {name, pname}, *lb[2] = {label, ""};
        int cc[2] = {col[k - 1], col[k - 1]}, ss[2] = {sty[k - 1], sty[k - 1]};
        snprintf(name, sizeof name, "heat_to_%gK", Tt);
        snprintf(pname, sizeof pname, "cool_from_%gK", Tt);
        snprintf(label, sizeof label, "turn at %.0f K", Tt);
        if ((rc = add_ramps(&f, &S, 2, nm, lb, cc, ss, err)) != PEL_OK)
            goto done;
        snprintf(name, sizeof name, "peak_cool_from_%gK", Tt);
        if ((rc = mark_stationary(&f, mat, &S, 1, name, "p", k == 1 ? "peak p (dE/dt = 0)" : "", "◆", err)) !=
            PEL_OK)
            goto done;
    }
    if ((rc = pel_fig_add_point(&f, mat, "point_Dp_min_heat_1e12", "D'", "D', R' of the full scan", 0, PEL_FC_E, T_D,
                                E_D, NAN, "○", PLT_BLACK, err)) != PEL_OK ||
        (rc = mark_at(&f, mat, &H, 0, "point_Rp_rejoin_heat_1e12", "R'", "", T_R, err)) != PEL_OK)
        goto done;
    rc = plt_output(&f, o, err);
done:
    pel_trace_clear(&C);
    pel_trace_clear(&H);
    pel_trace_clear(&S);
    plt_free(&f);
    return rc;
}
