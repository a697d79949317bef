/* fig_scans_md.c - the paper's Fig. 5 check from pel's own MD: truncated
 * scans of an MD glass (heat at q to a turning temperature, cool back at q,
 * inherent-structure energy sampled along; `pel md --protocol` tables, replica
 * means with error bars) in the upper panel, and the model on the same scans
 * in the lower panel (paper eqs. 1-2, docs/theory.md §5), each scan in its
 * own colour.  On each cooling leg the highest E is marked: the model puts
 * it on the equilibrium line (D = 0); the figure shows whether MD does. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canvas.h"
#include "figures_internal.h"
#include "pel/csv.h"
#include "pel/equilibrium.h"

enum { SM_T, SM_E, SM_SE, SM_Q, SM_TT, SM_N };
static const char *const sm_cols[] = {"T_K", "E_IS_eV_per_atom", "E_se_eV_per_atom", "rate_K_per_s", "T_turn_K",
                                      NULL};

#define SM_MAX 8
#define SM_NEQ 200 /* points of the equilibrium line */
#define SM_DEFAULT_START "eq@2000K; cool %.17gK@1e12K/s"

static const int sm_color[SM_MAX] = {PLT_RED, PLT_BLUE, PLT_GREEN, PLT_ORANGE, PLT_PURPLE, PLT_SKY, PLT_GOLD, PLT_GREY};

/* One scan table: rows in order, the turning point and the rate. */
typedef struct scan {
    size_t n, turn;      /* rows; index of the highest T (end of heating) */
    double *T, *E, *se, *t;
    double T0, Tt, q;    /* start and turning T (K), rate (K/s) */
} scan;

static void scan_free(scan *s)
{
    free(s->T), free(s->E), free(s->se), free(s->t);
    memset(s, 0, sizeof *s);
}

/* Read a scan table and check its shape: T rises to one maximum, then falls;
 * the rate is the median of |dT/dt| over rows that change T. */
static int scan_read(const char *path, scan *s, pel_error *err)
{
    memset(s, 0, sizeof *s);
    pel_csv t;
    int rc = pel_csv_read(path, &t, err);
    if (rc != PEL_OK)
        return pel_error_wrap(err, rc, "--md-scan");
    long cT = pel_csv_col(&t, "T_K"), cE = pel_csv_col(&t, "E_IS_eV_per_atom"),
         cS = pel_csv_col(&t, "E_IS_se_eV_per_atom"), ct = pel_csv_col(&t, "t_ps");
    double *q = NULL;
    if (cT < 0 || cE < 0 || ct < 0) {
        rc = pel_error_set(err, PEL_EPARSE, "--md-scan %s: needs columns T_K, E_IS_eV_per_atom and t_ps", path);
        goto out;
    }
    if (t.nrow < 4) {
        rc = pel_error_set(err, PEL_EINVAL, "--md-scan %s: %zu rows, a scan needs at least 4", path, t.nrow);
        goto out;
    }
    s->n = t.nrow;
    s->T = malloc(s->n * sizeof *s->T), s->E = malloc(s->n * sizeof *s->E);
    s->se = malloc(s->n * sizeof *s->se), s->t = malloc(s->n * sizeof *s->t);
    q = malloc(s->n * sizeof *q);
    if (!s->T || !s->E || !s->se || !s->t || !q) {
        rc = pel_error_set(err, PEL_ENOMEM, "out of memory reading %s", path);
        goto out;
    }
    for (size_t r = 0; r < s->n; r++) {
        s->se[r] = NAN;
        if ((rc = pel_csv_num(&t, r, (size_t)cT, &s->T[r], err)) ||
            (rc = pel_csv_num(&t, r, (size_t)cE, &s->E[r], err)) ||
            (rc = pel_csv_num(&t, r, (size_t)ct, &s->t[r], err)) ||
            (cS >= 0 && (rc = pel_csv_num(&t, r, (size_t)cS, &s->se[r], err))))
            goto out;
        if (r > 0 && s->T[r] > s->T[s->turn])
            s->turn = r;
    }
    size_t k = 0;
    for (size_t r = 1; r < s->n; r++) {
        double dT = s->T[r] - s->T[r - 1], dt = s->t[r] - s->t[r - 1];
        if (!(dt > 0) || (r <= s->turn ? dT < 0 : dT > 0)) {
            rc = pel_error_set(err, PEL_EINVAL,
                               "--md-scan %s: row %zu: not a scan (T must rise to one maximum, then fall, "
                               "with t_ps increasing)",
                               path, r + 2);
            goto out;
        }
        if (dT != 0)
            q[k++] = fabs(dT) / dt * 1e12;
    }
    if (s->turn == 0 || s->turn == s->n - 1 || k == 0) {
        rc = pel_error_set(err, PEL_EINVAL, "--md-scan %s: no heating leg followed by a cooling leg", path);
        goto out;
    }
    s->q = pel_fig_median(q, k);
    s->T0 = s->T[0], s->Tt = s->T[s->turn];
out:
    free(q);
    pel_csv_clear(&t);
    if (rc != PEL_OK)
        scan_free(s);
    return rc;
}

/* Highest E of rows [i0, i1). */
static size_t argmax(const double *E, size_t i0, size_t i1)
{
    size_t best = i0;
    for (size_t i = i0 + 1; i < i1; i++)
        if (E[i] > E[best])
            best = i;
    return best;
}

static int add_peak(plt_fig *f, const char *name, const char *label, int panel, double T, double E, double q,
                    double Tt, int color, pel_error *err)
{
    int p = plt_add(f, name, label, PLT_POINTS, panel, SM_T, SM_E, err);
    if (p < 0)
        return PEL_ENOMEM;
    f->ser[p].color = color;
    f->ser[p].marker = "◆";
    double row[SM_N] = {T, E, NAN, q, Tt};
    return plt_push(f, p, row, err);
}

/* MD scan k in the upper panel, the model on the same scan in the lower. */
static int add_scan(plt_fig *f, const pel_material *mat, const scan *s, const char *start, size_t k, pel_error *err)
{
    int col = sm_color[k % SM_MAX];
    char name[48], label[96];
    snprintf(name, sizeof name, "md_%zu", k + 1);
    snprintf(label, sizeof label, "turn at %.0f K", s->Tt);
    int m = plt_add(f, name, label, PLT_ERRY, 0, SM_T, SM_E, err);
    if (m < 0)
        return PEL_ENOMEM;
    f->ser[m].zcol = SM_SE;
    f->ser[m].color = col;
    f->ser[m].marker = "●";
    int rc = PEL_OK;
    for (size_t i = 0; i < s->n && rc == PEL_OK; i++) {
        double row[SM_N] = {s->T[i], s->E[i], s->se[i], s->q, s->Tt};
        rc = plt_push(f, m, row, err);
    }
    if (rc != PEL_OK)
        return rc;
    size_t pk = argmax(s->E, s->turn, s->n);
    snprintf(name, sizeof name, "md_peak_%zu", k + 1);
    if ((rc = add_peak(f, name, k == 0 ? "highest E on cooling" : "", 0, s->T[pk], s->E[pk], s->q, s->Tt, col,
                       err)) != PEL_OK)
        return rc;
    /* the model: the start protocol, then the same heating and cooling */
    char pre[160], text[400];
    if (start)
        snprintf(pre, sizeof pre, "%s", start);
    else
        snprintf(pre, sizeof pre, SM_DEFAULT_START, s->T0);
    snprintf(text, sizeof text, "%s; heat %.17gK@%.17gK/s; cool %.17gK@%.17gK/s", pre, s->Tt, s->q, s->T0, s->q);
    pel_trace tr = {0};
    if ((rc = pel_fig_evolve(mat, text, 1.0, &tr, err)) != PEL_OK)
        return pel_error_wrap(err, rc, "model on the scan of --md-scan %zu (%s)", k + 1, text);
    int nseg = 0;
    for (size_t i = 0; i < tr.n; i++)
        nseg = tr.p[i].segment + 1 > nseg ? tr.p[i].segment + 1 : nseg;
    snprintf(name, sizeof name, "model_%zu", k + 1);
    int l = plt_add(f, name, "", PLT_LINE, 1, SM_T, SM_E, err);
    if (l < 0) {
        pel_trace_clear(&tr);
        return PEL_ENOMEM;
    }
    f->ser[l].color = col;
    f->ser[l].width = 2.0;
    size_t c0 = tr.n, best = tr.n;
    for (size_t i = 0; i < tr.n && rc == PEL_OK; i++) {
        if (tr.p[i].segment < nseg - 2 && !(i + 1 < tr.n && tr.p[i + 1].segment == nseg - 2))
            continue; /* the glass's preparation is not drawn, only its end state */
        if (tr.p[i].segment == nseg - 1) {
            if (c0 == tr.n)
                c0 = i;
            if (best == tr.n || tr.p[i].E > tr.p[best].E)
                best = i;
        }
        double row[SM_N] = {tr.p[i].T_K, tr.p[i].E, NAN, s->q, s->Tt};
        rc = plt_push(f, l, row, err);
    }
    if (rc == PEL_OK && best < tr.n) {
        /* the model's peak is where cooling crosses the line (dE/dt = 0),
         * found to PEL_FIG_T_TOL from the turning point on (pel_fig_stationary
         * scans the pairs after its first row); the highest row when it never crosses */
        double Tp = tr.p[best].T_K, Ep = tr.p[best].E;
        pel_error serr = {0};
        if (pel_fig_stationary(mat, &tr, c0 >= 2 ? c0 - 2 : 0, tr.n, &Tp, &Ep, &serr) != PEL_OK)
            Tp = tr.p[best].T_K, Ep = tr.p[best].E;
        snprintf(name, sizeof name, "model_peak_%zu", k + 1);
        rc = add_peak(f, name, k == 0 ? "highest E on cooling" : "", 1, Tp, Ep, s->q, s->Tt, col, err);
    }
    pel_trace_clear(&tr);
    return rc;
}

int pel_fig_scans_md(const pel_material *mat, const pel_figure_opts *o, char *notes, size_t notes_size,
                     pel_error *err)
{
    int rc = pel_fig_check_opts(o, err);
    if (rc != PEL_OK)
        return rc;
    if (o->nmd_scans == 0) {
        if (notes && notes_size)
            snprintf(notes, notes_size, "no MD scans (--md-scan): figure not drawn");
        return PEL_OK;
    }
    if (o->nmd_scans > SM_MAX)
        return pel_error_set(err, PEL_EINVAL, "at most %d MD scans", SM_MAX);
    scan sc[SM_MAX];
    memset(sc, 0, sizeof sc);
    double Tlo = INFINITY, Thi = -INFINITY;
    for (size_t k = 0; k < o->nmd_scans && rc == PEL_OK; k++) {
        rc = scan_read(o->md_scans[k], &sc[k], err);
        if (rc == PEL_OK)
            Tlo = fmin(Tlo, sc[k].T0), Thi = fmax(Thi, sc[k].Tt);
    }
    plt_fig f;
    plt_init(&f, "scans_md", sm_cols);
    if (rc == PEL_OK) {
        f.npanel = 2;
        for (int p = 0; p < 2; p++) {
            plt_panel *pp = &f.panel[p];
            snprintf(pp->xlabel, sizeof pp->xlabel, "T (K)");
            snprintf(pp->ylabel, sizeof pp->ylabel, p == 0 ? "MD E#dIS#u (eV/atom)" : "model E (eV/atom)");
            pp->vp[0] = 0.14, pp->vp[1] = 0.70; /* room for 4-decimal tick labels */
            pp->vp[2] = p == 0 ? 0.56 : 0.09, pp->vp[3] = p == 0 ? 0.92 : 0.45;
            pp->x0 = Tlo - 20.0, pp->x1 = Thi + 20.0;
        }
        snprintf(f.panel[0].title, sizeof f.panel[0].title, "%.40s: truncated scans, MD (top) and model (paper Fig. 5)",
                 mat->name);
        for (size_t k = 0; k < o->nmd_scans && rc == PEL_OK; k++)
            rc = add_scan(&f, mat, &sc[k], o->scan_start, k, err);
    }
    /* the equilibrium line in both panels (it never widens their ranges) */
    double Tc = 0.0;
    if (rc == PEL_OK)
        rc = pel_equilibrium_Tc(mat, &Tc, err);
    for (int p = 0; p < 2 && rc == PEL_OK; p++) {
        int e = plt_add(&f, "model_eq", p == 0 ? "model E#deq#u(T), D = 0" : "", PLT_LINE, p, SM_T, SM_E, err);
        if (e < 0) {
            rc = PEL_ENOMEM;
            break;
        }
        f.ser[e].color = PLT_GOLD, f.ser[e].width = 4.0, f.ser[e].no_autoscale = 1, f.ser[e].no_csv = p == 1;
        double Ta = fmax(Tlo - 20.0, Tc * (1.0 + PEL_FIG_TC_PAD)), Tb = Thi + 20.0;
        for (int i = 0; i < SM_NEQ && rc == PEL_OK && Ta < Tb; i++) {
            double T = Ta + (Tb - Ta) * i / (SM_NEQ - 1.0), E;
            if (pel_equilibrium_E(mat, T, &E, NULL) != PEL_OK)
                continue; /* no root inside the material's range so close to T_c */
            double row[SM_N] = {T, E, NAN, NAN, NAN};
            rc = plt_push(&f, e, row, err);
        }
    }
    if (rc == PEL_OK)
        rc = plt_output(&f, o, err);
    plt_free(&f);
    for (size_t k = 0; k < o->nmd_scans; k++)
        scan_free(&sc[k]);
    return rc;
}
