/* trace.c - helpers on evolve traces for the figures: segment rows, E(T) by
 * Hermite interpolation, and stationary points of E found by root finding
 * on D = 0 (where dE/dt = nu Z D vanishes, paper eq. 2 / docs/theory.md §5). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#include "figures_internal.h"
#include "pel/equilibrium.h"
#include "pel/protocol.h"

#define PEL_FIG_ROOT_MAXITER 200

int pel_fig_evolve(const pel_material *mat, const char *text, double dT_K, pel_trace *tr, pel_error *err)
{
    pel_protocol proto;
    int rc = pel_protocol_parse(text, &proto, err);
    if (rc != PEL_OK)
        return pel_error_wrap(err, rc, "protocol '%s'", text);
    pel_evolve_opts eo;
    pel_evolve_opts_default(&eo);
    eo.dT_out_K = dT_K;
    rc = pel_evolve_run(mat, &proto, &eo, tr, err);
    pel_protocol_clear(&proto);
    if (rc != PEL_OK) {
        pel_trace_clear(tr);
        return pel_error_wrap(err, rc, "protocol '%s'", text);
    }
    return PEL_OK;
}

int pel_fig_segment(const pel_trace *tr, int k, size_t *i0, size_t *i1, pel_error *err)
{
    size_t i = 0;
    while (i < tr->n && tr->p[i].segment < k)
        i++;
    size_t j = i;
    while (j < tr->n && tr->p[j].segment == k)
        j++;
    if (j == i || i == 0)
        return pel_error_set(err, PEL_EINVAL, "trace has no rows for segment %d", k + 1);
    *i0 = i - 1;
    *i1 = j;
    return PEL_OK;
}

/* Cubic Hermite E(T) between rows a and b (values and dE/dT at both). */
static double hermite(const pel_trace_point *a, const pel_trace_point *b, double T)
{
    double h = b->T_K - a->T_K, u = (T - a->T_K) / h;
    double h00 = (1 + 2 * u) * (1 - u) * (1 - u), h10 = u * (1 - u) * (1 - u);
    double h01 = u * u * (3 - 2 * u), h11 = u * u * (u - 1);
    return h00 * a->E + h10 * h * a->dEdT + h01 * b->E + h11 * h * b->dEdT;
}

/* Row pair (k, k+1) of [i0, i1) whose T interval holds T, or -1. */
static long find_interval(const pel_trace *tr, size_t i0, size_t i1, double T)
{
    for (size_t k = i0; k + 1 < i1; k++) {
        double a = tr->p[k].T_K, b = tr->p[k + 1].T_K;
        if ((T - a) * (T - b) <= 0.0 && a != b)
            return (long)k;
    }
    return -1;
}

/* The start row of a segment carries dE/dT for the previous segment's rate;
 * recompute it with this ramp's rate, (T1 - T0)/(t1 - t0). */
pel_trace_point pel_fig_row(const pel_trace *tr, size_t k, size_t i0)
{
    pel_trace_point p = tr->p[k];
    if (k == i0 && k + 1 < tr->n) {
        const pel_trace_point *q = &tr->p[k + 1];
        double rate = (q->T_K - p.T_K) / (q->t_s - p.t_s);
        if (isfinite(rate) && rate != 0.0)
            p.dEdT = p.dEdt / rate;
    }
    return p;
}

int pel_fig_E_at(const pel_trace *tr, size_t i0, size_t i1, double T, double *E, pel_error *err)
{
    long k = find_interval(tr, i0, i1, T);
    if (k < 0)
        return pel_error_set(err, PEL_EINVAL, "T = %g K outside the trace rows", T);
    pel_trace_point a = pel_fig_row(tr, (size_t)k, i0), b = tr->p[k + 1];
    *E = hermite(&a, &b, T);
    return PEL_OK;
}

typedef struct {
    const pel_material *mat;
    pel_trace_point a, b;
} stat_ctx;

static double stat_fn(double T, void *p)
{
    const stat_ctx *c = p;
    return pel_equilibrium_D(c->mat, hermite(&c->a, &c->b, T), T);
}

int pel_fig_stationary(const pel_material *mat, const pel_trace *tr, size_t i0, size_t i1, double *T, double *E,
                       pel_error *err)
{
    for (size_t k = i0 + 1; k + 1 < i1; k++) {
        const pel_trace_point *a = &tr->p[k], *b = &tr->p[k + 1];
        /* sign(dE/dt) = sign(D) since nu Z > 0; the trace's D is exact while
         * its dE/dt is noise-level in a frozen glass */
        if (!((a->D < 0.0 && b->D >= 0.0) || (a->D > 0.0 && b->D <= 0.0)) || a->T_K == b->T_K)
            continue;
        stat_ctx c = {mat, *a, *b};
        double Ta = a->T_K, Tb = b->T_K, fa = stat_fn(Ta, &c), fb = stat_fn(Tb, &c);
        double root;
        if (fa == 0.0) {
            root = Ta;
        } else if (fb == 0.0) {
            root = Tb;
        } else if (fa * fb > 0.0) {
            /* interpolated E does not bracket D = 0 (only when the rows are
             * within the integrator tolerance of the line): linear in D */
            root = Ta + (Tb - Ta) * a->D / (a->D - b->D);
        } else {
            gsl_function F = {stat_fn, &c};
            gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
            if (!s)
                return pel_error_set(err, PEL_ENOMEM, "out of memory in root finding");
            gsl_root_fsolver_set(s, &F, fmin(Ta, Tb), fmax(Ta, Tb));
            int st = GSL_CONTINUE;
            for (int it = 0; it < PEL_FIG_ROOT_MAXITER && st == GSL_CONTINUE; it++) {
                if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS)
                    break;
                st = gsl_root_test_interval(gsl_root_fsolver_x_lower(s), gsl_root_fsolver_x_upper(s),
                                            PEL_FIG_T_TOL, 0.0);
            }
            root = gsl_root_fsolver_root(s);
            gsl_root_fsolver_free(s);
            if (st != GSL_SUCCESS)
                return pel_error_set(err, PEL_ENOCONV, "stationary point near T = %g K did not converge", Ta);
        }
        *T = root;
        *E = hermite(&c.a, &c.b, root);
        return PEL_OK;
    }
    return pel_error_set(err, PEL_ENOROOT, "E has no stationary point on this branch");
}

/* ------------------------------------------------------------------------ */
/* Trace rows as figure series                                               */

const char *const pel_fig_trace_cols[] = {"T_K", "t_s", "E_eV_per_atom", "dEdT_eV_per_atom_per_K",
                                          "Eeq_eV_per_atom", "rate_K_per_s", "D_eV", NULL};

int pel_fig_add_branch(plt_fig *f, const char *name, const char *label, const pel_trace *tr, size_t i0, size_t i1,
                       int color, int lstyle, int dedt_panel, pel_error *err)
{
    int s = plt_add(f, name, label, PLT_LINE, 0, PEL_FC_T, PEL_FC_E, err);
    if (s < 0)
        return PEL_ENOMEM;
    f->ser[s].color = color;
    f->ser[s].lstyle = lstyle;
    int d = -1;
    if (dedt_panel >= 0) {
        d = plt_add(f, name, "", PLT_LINE, dedt_panel, PEL_FC_T, PEL_FC_DEDT, err);
        if (d < 0)
            return PEL_ENOMEM;
        f->ser[d].color = color;
        f->ser[d].lstyle = lstyle;
        f->ser[d].no_csv = 1;
    }
    double rate = NAN;
    if (i0 + 1 < i1 && tr->p[i0 + 1].t_s != tr->p[i0].t_s)
        rate = (tr->p[i0 + 1].T_K - tr->p[i0].T_K) / (tr->p[i0 + 1].t_s - tr->p[i0].t_s);
    for (size_t k = i0; k < i1; k++) {
        pel_trace_point p = pel_fig_row(tr, k, i0);
        double row[PEL_FC_N] = {p.T_K, p.t_s, p.E, p.dEdT, p.Eeq, rate, p.D};
        int rc = plt_push(f, s, row, err);
        if (rc == PEL_OK && d >= 0)
            rc = plt_push(f, d, row, err);
        if (rc != PEL_OK)
            return rc;
    }
    return PEL_OK;
}

int pel_fig_add_equilibrium(plt_fig *f, const pel_material *mat, double Ta, double Tb, size_t n, pel_error *err)
{
    double Tc;
    int rc = pel_equilibrium_Tc(mat, &Tc, err);
    if (rc != PEL_OK)
        return rc;
    double lo = fmax(Ta, Tc * (1.0 + PEL_FIG_TC_PAD));
    int s = plt_add(f, "equilibrium", "E#deq#u(T): D = 0", PLT_LINE, 0, PEL_FC_T, PEL_FC_E, err);
    if (s < 0)
        return PEL_ENOMEM;
    f->ser[s].color = PLT_GOLD;
    f->ser[s].width = 5.0;
    f->ser[s].no_autoscale = 1;
    for (size_t i = 0; i < n && lo < Tb; i++) {
        /* denser near T_c, where E_eq(T) plunges (docs/theory.md §4) */
        double u = (double)i / (double)(n - 1);
        double T = lo + (Tb - lo) * u * u;
        double E;
        if (pel_equilibrium_E(mat, T, &E, NULL) != PEL_OK)
            continue; /* no root inside the material's E range so close to T_c */
        double row[PEL_FC_N] = {T, NAN, E, NAN, E, NAN, 0.0};
        if ((rc = plt_push(f, s, row, err)) != PEL_OK)
            return rc;
    }
    return PEL_OK;
}

int pel_fig_add_point(plt_fig *f, const pel_material *mat, const char *name, const char *note, const char *label,
                      int panel, int ycol, double T, double E, double dEdT, const char *marker, int color,
                      pel_error *err)
{
    if (!isfinite(T))
        return PEL_OK; /* the landmark does not exist on this path */
    int s = plt_add(f, name, label, PLT_POINTS, panel, PEL_FC_T, ycol, err);
    if (s < 0)
        return PEL_ENOMEM;
    f->ser[s].color = color;
    f->ser[s].marker = marker;
    snprintf(f->ser[s].note, sizeof f->ser[s].note, "%s", note ? note : "");
    double Eeq = NAN;
    if (pel_equilibrium_E(mat, T, &Eeq, NULL) != PEL_OK)
        Eeq = NAN;
    double row[PEL_FC_N] = {T, NAN, E, dEdT, Eeq, NAN, isfinite(E) ? pel_equilibrium_D(mat, E, T) : NAN};
    return plt_push(f, s, row, err);
}
