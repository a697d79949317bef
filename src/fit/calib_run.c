/* calib_run.c - joint maximum-likelihood calibration of a material
 * (include/pel/calibrate.h, method in docs/calibration.md):
 *
 *   -ln L = sum over catalogs  [ -ln P(E_A | W(E_IS), m(E_IS)) (eq. 3)
 *                                -ln p(E_R | e_R) (eq. 5) ]
 *         + sum over eq. points  Gaussian(E_eq(T) from D = 0 (eq. 7) - E_MD, se)
 *         + sum over table rows  Gaussian(E(T) by eqs. 1-2 along the
 *                                protocol - E_MD, sigma)
 *
 * Every datum carries a weight (1, or a bootstrap count), so a bootstrap
 * refit is the same objective with new weights.  Free parameters live on an
 * unbounded scale (ln(x - lo) or logit); GSL's Nelder-Mead simplex needs no
 * gradients, which the ODE solution inside the objective would make noisy. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>

#include "fit/fit_internal.h"
#include "pel/calibrate.h"
#include "pel/equilibrium.h"
#include "pel/evolve.h"
#include "pel/protocol.h"

/* -ln L returned for a parameter point the model cannot evaluate (no
 * equilibrium at a protocol's start, a material outside its checks). */
#define CAL_WALL 1e100
/* Simplex: stop when its size on the unbounded scale falls below this;
 * restart from the best vertex until -ln L improves by less than CAL_RESTART_TOL. */
#define CAL_SIMPLEX_TOL 1e-6
#define CAL_RESTART_TOL 1e-6
#define CAL_MAX_RESTARTS 8
/* Iterations per free parameter without any gain after which a simplex is
 * restarted (see minimise). */
#define CAL_STALL_ITER 100
/* A free parameter lies on its bound when its unbounded value passes
 * CAL_THETA_EDGE on a two-sided (logit) scale (within 6e-6 of either end, as
 * a fraction of the range), or has fallen by CAL_LOG_EDGE on a one-sided
 * (log) scale (x - lo shrunk 1e6-fold from the start). */
#define CAL_THETA_EDGE 12.0
#define CAL_LOG_EDGE 13.8
/* Hessian step on the unbounded scale, as a fraction of the simplex step. */
#define CAL_HESS_FRAC 0.02
/* Model trace: output every CAL_DT_OUT K on ramps, interpolated linearly to
 * the MD rows (error ~ dT^2 E''/8 < 1e-5 eV/atom at the sharpest bend). */
#define CAL_DT_OUT 2.0
#define CAL_LN_SQRT_2PI 0.91893853320467274178

/* How each material parameter is fitted: bounds in natural units (-inf/inf
 * for none) and the initial simplex step on the unbounded scale.  Widths
 * (W_dE, m_dE in eV/atom, S_dT and S_T0 in K) get an upper bound too, so
 * that a form collapsing to a constant (width -> infinity) is caught as a
 * parameter on its bound. */
typedef struct cal_param {
    const char *name;
    double lo, hi, step;
    int scale; /* 1: a positive scale factor (nu0): its bound 0 is never "reached" */
} cal_param;

static const cal_param cal_params[] = {
    {"eA", 0.0, INFINITY, 0.3, 0},        {"s", 0.0, INFINITY, 0.3, 0},         {"eR", 0.0, INFINITY, 0.3, 0},
    {"W_inf", 0.0, 1.0, 1.0, 0},          {"W_top", 0.0, 1.0, 1.0, 0},          {"W_0", -INFINITY, INFINITY, 0.1, 0},
    {"W_slope", -INFINITY, INFINITY, 5.0, 0}, {"W_E0", -INFINITY, INFINITY, 0.01, 0}, {"W_dE", 0.0, 1.0, 0.5, 0},
    {"m_0", -INFINITY, INFINITY, 0.3, 0}, {"m_slope", 0.0, INFINITY, 0.5, 0},   {"m_amp", -INFINITY, INFINITY, 0.5, 0},
    {"m_E0", -INFINITY, INFINITY, 0.01, 0}, {"m_dE", 0.0, 1.0, 0.5, 0},    {"nu0_per_s", 0.0, INFINITY, 1.0, 1},
    {"S_E", 0.0, INFINITY, 0.5, 0},       {"S_E0", -INFINITY, INFINITY, 0.01, 0}, {"S_T", 0.0, INFINITY, 0.5, 0},
    {"S_T0", 0.0, 1e5, 0.3, 0},          {"S_dT", 0.0, 1e4, 0.5, 0},
};
#define N_CAL_PARAMS (sizeof cal_params / sizeof cal_params[0])

static const cal_param *cal_param_of(size_t mat_index)
{
    const char *name = pel_material_param_name(mat_index);
    for (size_t k = 0; name && k < N_CAL_PARAMS; k++)
        if (!strcmp(name, cal_params[k].name))
            return &cal_params[k];
    return NULL; /* E_lo, E_hi: never fitted */
}

static double to_theta(const cal_param *p, double x)
{
    if (isfinite(p->lo) && isfinite(p->hi)) {
        double u = (x - p->lo) / (p->hi - p->lo);
        return log(u / (1.0 - u));
    }
    return isfinite(p->lo) ? log(x - p->lo) : x;
}

static double from_theta(const cal_param *p, double th)
{
    if (isfinite(p->lo) && isfinite(p->hi))
        return p->lo + (p->hi - p->lo) / (1.0 + exp(-th));
    return isfinite(p->lo) ? p->lo + exp(th) : th;
}

/* d x / d theta, for standard errors by the delta method. */
static double dx_dtheta(const cal_param *p, double th)
{
    if (isfinite(p->lo) && isfinite(p->hi)) {
        double u = 1.0 / (1.0 + exp(-th));
        return (p->hi - p->lo) * u * (1.0 - u);
    }
    return isfinite(p->lo) ? exp(th) : 1.0;
}

double pel_calibrate_fit_scale(int i, double x)
{
    const cal_param *p = i >= 0 ? cal_param_of((size_t)i) : NULL;
    return p ? to_theta(p, x) : NAN;
}

void pel_calib_options_default(pel_calib_options *o, const pel_material *start)
{
    memset(o, 0, sizeof *o);
    o->start = *start;
    o->max_iter = 20000;
    o->seed = 1;
    static const char *held[] = {"eA", "s", "S_E0", "E_lo", "E_hi"};
    for (size_t k = 0; k < sizeof held / sizeof held[0]; k++)
        o->fixed |= 1ull << pel_material_param_find(held[k]);
    if (start->W_form == PEL_W_LINEAR)
        o->fixed |= 1ull << pel_material_param_find("W_E0");
    if (start->m_form == PEL_M_LINEAR)
        o->fixed |= 1ull << pel_material_param_find("m_E0");
    if (start->S_form == PEL_S_INVT)
        o->fixed |= 1ull << pel_material_param_find("S_T");
}

/* ---- the objective ----------------------------------------------------- */

typedef struct cal_table {
    pel_protocol proto;
    double sigma; /* NAN: per-row se */
} cal_table;

typedef struct cal_problem {
    const pel_calib_data *d;
    double EA_min;
    pel_material base;
    size_t n_free;
    int idx[PEL_CALIB_MAX_FREE];
    const cal_param *par[PEL_CALIB_MAX_FREE];
    cal_table *tab;    /* n_tab */
    double **logEA;    /* per catalog, ln E_A */
    double **w_EA, **w_ER, **w_eq, **w_tab; /* weights per datum; NULL = all 1 */
    double *E_model;   /* scratch, longest table */
    pel_trace trace;   /* scratch, reused */
    pel_evolve_opts eopts;
    size_t n_eval;
    double part[3];    /* cat, eq, tab of the last evaluation */
    double f_ref, th_ref[PEL_CALIB_MAX_FREE]; /* best finite -ln L of this minimisation and its point */
} cal_problem;

static double weight(double *const *w, size_t set, size_t i)
{
    return w ? w[set][i] : 1.0;
}

/* Linear interpolation of E at x along rows (xs increasing or decreasing
 * within each bracket); the first bracket holding x wins.  0 if none. */
static int interp_trace(const pel_trace *tr, int by_time, double x, double *E)
{
    for (size_t i = 1; i < tr->n; i++) {
        double a = by_time ? tr->p[i - 1].t_s : tr->p[i - 1].T_K, b = by_time ? tr->p[i].t_s : tr->p[i].T_K;
        if ((x - a) * (x - b) <= 0.0 && a != b) {
            double f = (x - a) / (b - a);
            *E = tr->p[i - 1].E + f * (tr->p[i].E - tr->p[i - 1].E);
            return 1;
        }
        if (a == b && x == a) {
            *E = tr->p[i].E;
            return 1;
        }
    }
    return 0;
}

static int table_model(const pel_material *mat, const pel_calib_table *t, const pel_protocol *proto,
                       const pel_evolve_opts *eo, pel_trace *tr, double *E_model, pel_error *err)
{
    tr->n = 0;
    int rc = pel_evolve_run(mat, proto, eo, tr, err);
    if (rc != PEL_OK)
        return rc;
    for (size_t i = 0; i < t->n; i++) {
        int by_time = t->t_ps != NULL;
        double x = by_time ? t->t_ps[i] * 1e-12 : t->T_K[i];
        if (!interp_trace(tr, by_time, x, &E_model[i]))
            return pel_error_set(err, PEL_EINVAL, "%s: row %zu (%s %g) lies outside the protocol '%s'", t->label, i + 1,
                                 by_time ? "t_ps" : "T_K", by_time ? t->t_ps[i] : t->T_K[i], t->protocol);
    }
    return PEL_OK;
}

static void eopts_for_fit(pel_evolve_opts *eo)
{
    pel_evolve_opts_default(eo);
    eo->dT_out_K = CAL_DT_OUT;
    eo->eq_column = 0;
    eo->rate_columns = 0;
    eo->hold_points = 400;
}

/* -ln L of material mat; CAL_WALL where it cannot be evaluated. */
static double nll_material(cal_problem *pb, const pel_material *mat)
{
    const pel_calib_data *d = pb->d;
    if (pel_material_check(mat, NULL) != PEL_OK)
        return CAL_WALL;
    double cat = 0.0, eq = 0.0, tab = 0.0;
    for (size_t c = 0; c < d->n_cat; c++) {
        const pel_calib_catalog *k = &d->cat[c];
        pel_fit_spec sp = {pel_material_W(mat, k->E_IS), pel_material_m(mat, k->E_IS), mat->eA, mat->s};
        cat += pel_fit_nll_events(&sp, k->EA, pb->logEA[c], pb->w_EA ? pb->w_EA[c] : NULL, k->n, pb->EA_min);
        /* eq. 5: -ln p = ln e_R + E_R/e_R */
        for (size_t i = 0; i < k->n_R; i++)
            cat += weight(pb->w_ER, c, i) * (log(mat->eR) + k->ER[i] / mat->eR);
    }
    for (size_t f = 0; f < d->n_eq; f++) {
        const pel_calib_eqline *q = &d->eq[f];
        for (size_t i = 0; i < q->n; i++) {
            double Eeq;
            if (pel_equilibrium_E(mat, q->T_K[i], &Eeq, NULL) != PEL_OK)
                return CAL_WALL;
            double r = (Eeq - q->E[i]) / q->se[i];
            eq += weight(pb->w_eq, f, i) * (0.5 * r * r + log(q->se[i]) + CAL_LN_SQRT_2PI);
        }
    }
    for (size_t j = 0; j < d->n_tab; j++) {
        const pel_calib_table *t = &d->tab[j];
        if (table_model(mat, t, &pb->tab[j].proto, &pb->eopts, &pb->trace, pb->E_model, NULL) != PEL_OK)
            return CAL_WALL;
        for (size_t i = 0; i < t->n; i++) {
            double sg = t->se ? t->se[i] : pb->tab[j].sigma, r = (pb->E_model[i] - t->E[i]) / sg;
            tab += weight(pb->w_tab, j, i) * (0.5 * r * r + log(sg) + CAL_LN_SQRT_2PI);
        }
    }
    double v = cat + eq + tab;
    if (!isfinite(v))
        return CAL_WALL;
    pb->part[0] = cat, pb->part[1] = eq, pb->part[2] = tab;
    return v;
}

static void theta_to_material(const cal_problem *pb, const gsl_vector *th, pel_material *m)
{
    *m = pb->base;
    for (size_t k = 0; k < pb->n_free; k++)
        *pel_material_param(m, (size_t)pb->idx[k]) = from_theta(pb->par[k], gsl_vector_get(th, k));
}

static double nll_theta(const gsl_vector *th, void *params)
{
    cal_problem *pb = params;
    pel_material m;
    theta_to_material(pb, th, &m);
    pb->n_eval++;
    double v = nll_material(pb, &m);
    if (v < CAL_WALL) {
        if (v < pb->f_ref) {
            pb->f_ref = v;
            for (size_t k = 0; k < pb->n_free; k++)
                pb->th_ref[k] = gsl_vector_get(th, k);
        }
        return v;
    }
    /* A graded wall, higher farther from the best point seen: a simplex
     * vertex in the wall then contracts towards the feasible side.  With one
     * flat wall value nmsimplex2 accepts a contraction that is "no worse"
     * and trades one wall point for another forever. */
    double d2 = 0.0;
    for (size_t k = 0; isfinite(pb->f_ref) && k < pb->n_free; k++) {
        double d = gsl_vector_get(th, k) - pb->th_ref[k];
        d2 += d * d;
    }
    return CAL_WALL * (1.0 + sqrt(d2));
}

/* The first free parameter past its bound's edge (see CAL_THETA_EDGE) at
 * th, or -1. */
static int edge_param(const cal_problem *pb, const gsl_vector *th, const double *th_start)
{
    for (size_t k = 0; k < pb->n_free; k++) {
        const cal_param *cp = pb->par[k];
        double t = gsl_vector_get(th, k);
        int two = isfinite(cp->lo) && isfinite(cp->hi), one = !two && isfinite(cp->lo) && !cp->scale;
        if ((two && fabs(t) > CAL_THETA_EDGE) || (one && t < th_start[k] - CAL_LOG_EDGE))
            return (int)k;
    }
    return -1;
}

/* Simplex runs from th (updated in place) until restarts stop improving.  A
 * simplex whose best vertex runs past a bound's edge is stopped there (it
 * would chase the bound to max_iter): th is that vertex and the caller
 * reports the parameter on its bound. */
static int minimise(cal_problem *pb, gsl_vector *th, const double *th_start, size_t max_iter, double *fbest,
                    pel_error *err)
{
    size_t n = pb->n_free;
    gsl_multimin_fminimizer *mz = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, n);
    gsl_vector *step = gsl_vector_alloc(n);
    if (!mz || !step) {
        gsl_multimin_fminimizer_free(mz);
        gsl_vector_free(step);
        return pel_error_set(err, PEL_ENOMEM, "calibrate: out of memory for the simplex");
    }
    gsl_multimin_function f = {nll_theta, n, pb};
    double prev = INFINITY;
    pb->f_ref = INFINITY;
    int rc = PEL_OK;
    for (int r = 0; r < CAL_MAX_RESTARTS; r++) {
        for (size_t k = 0; k < n; k++)
            gsl_vector_set(step, k, pb->par[k]->step * (r == 0 ? 1.0 : 0.3));
        if (gsl_multimin_fminimizer_set(mz, &f, th, step) != GSL_SUCCESS) {
            rc = pel_error_set(err, PEL_ENOCONV, "calibrate: the simplex cannot start (-ln L not finite at the start)");
            break;
        }
        int status = GSL_CONTINUE, stalled = 0;
        size_t it, last_gain = 0;
        double fseen = INFINITY;
        for (it = 0; it < max_iter && status == GSL_CONTINUE; it++) {
            if (gsl_multimin_fminimizer_iterate(mz) != GSL_SUCCESS)
                break;
            status = gsl_multimin_test_size(gsl_multimin_fminimizer_size(mz), CAL_SIMPLEX_TOL);
            if (status == GSL_CONTINUE && it % 200 == 199 && edge_param(pb, mz->x, th_start) >= 0)
                break;
            /* A worst vertex where the model cannot be evaluated (CAL_WALL) is
             * swapped for another such point forever: nmsimplex2 accepts a
             * contraction that is no worse, and wall equals wall.  Restart
             * from the best vertex with smaller steps instead. */
            if (mz->fval < fseen)
                fseen = mz->fval, last_gain = it;
            else if (it - last_gain > CAL_STALL_ITER * n) {
                stalled = 1;
                break;
            }
        }
        if (status != GSL_SUCCESS && mz->fval < CAL_WALL && edge_param(pb, mz->x, th_start) >= 0) {
            gsl_vector_memcpy(th, mz->x); /* the caller's bound check names it */
            prev = mz->fval;
            break;
        }
        if (stalled && mz->fval < CAL_WALL && r + 1 < CAL_MAX_RESTARTS) {
            gsl_vector_memcpy(th, mz->x);
            prev = mz->fval;
            continue;
        }
        if (status != GSL_SUCCESS || !(mz->fval < CAL_WALL)) {
            rc = pel_error_set(err, PEL_ENOCONV,
                               "calibrate: no convergence after %zu simplex iterations (-ln L %.6g, simplex size %.3g)",
                               it, mz->fval, gsl_multimin_fminimizer_size(mz));
            break;
        }
        gsl_vector_memcpy(th, mz->x);
        double gain = prev - mz->fval;
        prev = mz->fval;
        if (gain < CAL_RESTART_TOL)
            break;
    }
    *fbest = prev;
    gsl_multimin_fminimizer_free(mz);
    gsl_vector_free(step);
    return rc;
}

/* Inverse Hessian of -ln L on the unbounded scale into cov (n x n).
 * PEL_ENOCONV naming the least determined parameter when H is not
 * positive definite. */
static int hessian_cov(cal_problem *pb, const gsl_vector *th0, gsl_matrix *cov, double frac, pel_error *err)
{
    size_t n = pb->n_free;
    gsl_matrix *H = gsl_matrix_alloc(n, n), *V = gsl_matrix_alloc(n, n);
    gsl_vector *th = gsl_vector_alloc(n), *lam = gsl_vector_alloc(n);
    gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(n);
    int rc = PEL_OK;
    if (!H || !V || !th || !lam || !ws) {
        rc = pel_error_set(err, PEL_ENOMEM, "calibrate: out of memory for the Hessian");
        goto done;
    }
    double f0 = nll_theta(th0, pb);
    for (size_t a = 0; a < n; a++) {
        double ha = frac * pb->par[a]->step;
        for (size_t b = a; b < n; b++) {
            double hb = frac * pb->par[b]->step, v;
            gsl_vector_memcpy(th, th0);
            if (a == b) {
                gsl_vector_set(th, a, gsl_vector_get(th0, a) + ha);
                double fp = nll_theta(th, pb);
                gsl_vector_set(th, a, gsl_vector_get(th0, a) - ha);
                double fm = nll_theta(th, pb);
                v = (fp - 2.0 * f0 + fm) / (ha * ha);
            } else {
                double fv[4];
                for (int s = 0; s < 4; s++) {
                    gsl_vector_set(th, a, gsl_vector_get(th0, a) + (s & 1 ? -ha : ha));
                    gsl_vector_set(th, b, gsl_vector_get(th0, b) + (s & 2 ? -hb : hb));
                    fv[s] = nll_theta(th, pb);
                }
                v = (fv[0] - fv[1] - fv[2] + fv[3]) / (4.0 * ha * hb);
            }
            if (!(fabs(v) < 1e-10 * CAL_WALL)) {
                rc = pel_error_set(err, PEL_ENOCONV,
                                   "calibrate: -ln L is not finite next to the optimum in %s%s%s (the fit ends "
                                   "where the model stops existing, e.g. no equilibrium at a protocol's start)",
                                   pel_material_param_name((size_t)pb->idx[a]), a == b ? "" : " x ",
                                   a == b ? "" : pel_material_param_name((size_t)pb->idx[b]));
                rc = PEL_ENUMERIC; /* hessian_cov's caller may retry with smaller steps */
                goto done;
            }
            gsl_matrix_set(H, a, b, v);
            gsl_matrix_set(H, b, a, v);
        }
    }
    if (gsl_eigen_symmv(H, lam, V, ws) != GSL_SUCCESS) {
        rc = pel_error_set(err, PEL_ENOCONV, "calibrate: eigen-decomposition of the Hessian failed");
        goto done;
    }
    for (size_t l = 0; l < n; l++) {
        if (!(gsl_vector_get(lam, l) > 0.0)) {
            size_t worst = 0; /* largest component of that eigenvector */
            for (size_t j = 1; j < n; j++)
                if (fabs(gsl_matrix_get(V, j, l)) > fabs(gsl_matrix_get(V, worst, l)))
                    worst = j;
            rc = pel_error_set(err, PEL_ENOCONV,
                               "calibrate: the data do not determine %s (Hessian not positive definite); hold it "
                               "fixed or add data",
                               pel_material_param_name((size_t)pb->idx[worst]));
            goto done;
        }
    }
    for (size_t a = 0; a < n; a++)
        for (size_t b = 0; b < n; b++) {
            double s = 0.0;
            for (size_t l = 0; l < n; l++)
                s += gsl_matrix_get(V, a, l) * gsl_matrix_get(V, b, l) / gsl_vector_get(lam, l);
            gsl_matrix_set(cov, a, b, s);
        }
done:
    gsl_matrix_free(H);
    gsl_matrix_free(V);
    gsl_vector_free(th);
    gsl_vector_free(lam);
    gsl_eigen_symmv_free(ws);
    return rc;
}

/* ---- set-up ------------------------------------------------------------ */

int pel_calibrate_noise(const double *x, const double *E, size_t n, double *sigma, pel_error *err)
{
    if (n < 3)
        return pel_error_set(err, PEL_EINVAL, "noise estimate needs at least 3 rows (got %zu)", n);
    double s2 = 0.0;
    for (size_t i = 1; i + 1 < n; i++) {
        double span = x[i + 1] - x[i - 1];
        if (!(span != 0.0) || !isfinite(span) || !isfinite(E[i - 1]) || !isfinite(E[i]) || !isfinite(E[i + 1]))
            return pel_error_set(err, PEL_EINVAL, "noise estimate: rows %zu-%zu are not distinct finite points", i,
                                 i + 2);
        /* E_i against the line through its neighbours: r = E_i - a E_{i-1} - b E_{i+1} */
        double a = (x[i + 1] - x[i]) / span, b = (x[i] - x[i - 1]) / span;
        double r = E[i] - a * E[i - 1] - b * E[i + 1];
        s2 += r * r / (1.0 + a * a + b * b);
    }
    *sigma = sqrt(s2 / (double)(n - 2));
    if (!(*sigma > 0.0))
        return pel_error_set(err, PEL_EINVAL, "noise estimate: the rows lie exactly on a line (sigma = 0)");
    return PEL_OK;
}

static void problem_free(cal_problem *pb)
{
    const pel_calib_data *d = pb->d;
    if (pb->tab)
        for (size_t j = 0; j < d->n_tab; j++)
            pel_protocol_clear(&pb->tab[j].proto);
    free(pb->tab);
    if (pb->logEA)
        for (size_t c = 0; c < d->n_cat; c++)
            free(pb->logEA[c]);
    free(pb->logEA);
    free(pb->E_model);
    pel_trace_clear(&pb->trace);
    memset(pb, 0, sizeof *pb);
}

static int all_finite(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return 0;
    return 1;
}

/* Check the data and prepare what every evaluation reuses (parsed
 * protocols, noise levels, ln E_A).  On failure pb is freed. */
static int problem_init(cal_problem *pb, const pel_calib_data *d, const pel_material *base, double EA_min,
                        pel_error *err)
{
    memset(pb, 0, sizeof *pb);
    pb->d = d;
    pb->base = *base;
    pb->EA_min = EA_min;
    pb->f_ref = INFINITY;
    eopts_for_fit(&pb->eopts);
    int rc = PEL_OK;
    if (d->n_tab > PEL_CALIB_MAX_SETS || d->n_cat > PEL_CALIB_MAX_SETS || d->n_eq > PEL_CALIB_MAX_SETS)
        return pel_error_set(err, PEL_EINVAL, "calibrate: more than %d tables, catalogs or eq-line files",
                             PEL_CALIB_MAX_SETS);
    if (!(EA_min >= 0.0 && isfinite(EA_min)))
        return pel_error_set(err, PEL_EINVAL, "calibrate: E_A cutoff %g eV must be >= 0", EA_min);
    size_t nmax = 1;
    for (size_t f = 0; f < d->n_eq; f++) {
        const pel_calib_eqline *q = &d->eq[f];
        if (q->n == 0 || !all_finite(q->T_K, q->n) || !all_finite(q->E, q->n) || !all_finite(q->se, q->n))
            return pel_error_set(err, PEL_EINVAL, "%s: empty or not finite", q->label);
        for (size_t i = 0; i < q->n; i++)
            if (!(q->se[i] > 0.0) || !(q->T_K[i] > 0.0))
                return pel_error_set(err, PEL_EINVAL, "%s: row %zu needs T_K > 0 and se > 0 (got %g K, %g)", q->label,
                                     i + 1, q->T_K[i], q->se[i]);
    }
    for (size_t c = 0; c < d->n_cat; c++) {
        const pel_calib_catalog *k = &d->cat[c];
        if (!isfinite(k->E_IS))
            return pel_error_set(err, PEL_EINVAL, "%s: no IS energy", k->label);
        if (k->n < 1 || !all_finite(k->EA, k->n) || (k->n_R && !all_finite(k->ER, k->n_R)))
            return pel_error_set(err, PEL_EINVAL, "%s: no events or non-finite energies", k->label);
        for (size_t i = 0; i < k->n; i++)
            if (k->EA[i] < EA_min || k->EA[i] < 0.0)
                return pel_error_set(err, PEL_EINVAL, "%s: E_A %g eV below the cutoff %g eV (filter first)", k->label,
                                     k->EA[i], EA_min);
        for (size_t i = 0; i < k->n_R; i++)
            if (k->ER[i] < 0.0)
                return pel_error_set(err, PEL_EINVAL, "%s: negative E_R %g eV", k->label, k->ER[i]);
    }
    for (size_t j = 0; j < d->n_tab; j++)
        nmax = d->tab[j].n > nmax ? d->tab[j].n : nmax;
    pb->tab = calloc(d->n_tab ? d->n_tab : 1, sizeof *pb->tab);
    pb->logEA = calloc(d->n_cat ? d->n_cat : 1, sizeof *pb->logEA);
    pb->E_model = malloc(nmax * sizeof *pb->E_model);
    if (!pb->tab || !pb->logEA || !pb->E_model) {
        rc = pel_error_set(err, PEL_ENOMEM, "calibrate: out of memory");
        goto fail;
    }
    for (size_t c = 0; c < d->n_cat; c++) {
        if (!(pb->logEA[c] = malloc(d->cat[c].n * sizeof(double)))) {
            rc = pel_error_set(err, PEL_ENOMEM, "calibrate: out of memory");
            goto fail;
        }
        for (size_t i = 0; i < d->cat[c].n; i++)
            pb->logEA[c][i] = log(d->cat[c].EA[i]);
    }
    for (size_t j = 0; j < d->n_tab; j++) {
        const pel_calib_table *t = &d->tab[j];
        if (t->n == 0 || !all_finite(t->T_K, t->n) || !all_finite(t->E, t->n) || (t->se && !all_finite(t->se, t->n)) ||
            (t->t_ps && !all_finite(t->t_ps, t->n))) {
            rc = pel_error_set(err, PEL_EINVAL, "%s: empty or not finite", t->label);
            goto fail;
        }
        if ((rc = pel_protocol_parse(t->protocol, &pb->tab[j].proto, err)) != PEL_OK) {
            rc = pel_error_wrap(err, rc, "%s", t->label);
            goto fail;
        }
        pb->tab[j].sigma = NAN;
        if (t->se) {
            for (size_t i = 0; i < t->n; i++)
                if (!(t->se[i] > 0.0)) {
                    rc = pel_error_set(err, PEL_EINVAL, "%s: row %zu has se %g (need > 0)", t->label, i + 1, t->se[i]);
                    goto fail;
                }
        } else if ((rc = pel_calibrate_noise(t->t_ps ? t->t_ps : t->T_K, t->E, t->n, &pb->tab[j].sigma, err)) !=
                   PEL_OK) {
            rc = pel_error_wrap(err, rc, "%s", t->label);
            goto fail;
        }
    }
    return PEL_OK;
fail:
    problem_free(pb);
    return rc;
}

static size_t count_data(const pel_calib_data *d)
{
    size_t n = 0;
    for (size_t c = 0; c < d->n_cat; c++)
        n += d->cat[c].n + d->cat[c].n_R;
    for (size_t f = 0; f < d->n_eq; f++)
        n += d->eq[f].n;
    for (size_t j = 0; j < d->n_tab; j++)
        n += d->tab[j].n;
    return n;
}

/* ---- bootstrap --------------------------------------------------------- */

/* Weights: one array per data set, each a multinomial draw of its size. */
typedef struct boot_w {
    double **EA, **ER, **eq, **tab;
} boot_w;

static double **alloc_sets(size_t nsets, const size_t *sizes)
{
    double **w = calloc(nsets ? nsets : 1, sizeof *w);
    for (size_t s = 0; w && s < nsets; s++)
        if (!(w[s] = calloc(sizes[s] ? sizes[s] : 1, sizeof **w))) {
            for (size_t r = 0; r < s; r++)
                free(w[r]);
            free(w);
            return NULL;
        }
    return w;
}

static void free_sets(double **w, size_t nsets)
{
    for (size_t s = 0; w && s < nsets; s++)
        free(w[s]);
    free(w);
}

static void draw_sets(double **w, size_t nsets, const size_t *sizes, gsl_rng *rng)
{
    for (size_t s = 0; s < nsets; s++) {
        memset(w[s], 0, (sizes[s] ? sizes[s] : 1) * sizeof **w);
        for (size_t i = 0; i < sizes[s]; i++)
            w[s][gsl_rng_uniform_int(rng, sizes[s])] += 1.0;
    }
}

/* Bootstrap standard deviations of the free parameters (natural units). */
static int bootstrap(cal_problem *pb, const gsl_vector *th_opt, const pel_calib_options *o, pel_calib_result *res,
                     pel_progress_fn progress, void *ctx, pel_error *err)
{
    const pel_calib_data *d = pb->d;
    size_t n = pb->n_free, B = o->bootstrap;
    size_t nEA[PEL_CALIB_MAX_SETS], nER[PEL_CALIB_MAX_SETS], neq[PEL_CALIB_MAX_SETS], ntab[PEL_CALIB_MAX_SETS];
    for (size_t c = 0; c < d->n_cat; c++)
        nEA[c] = d->cat[c].n, nER[c] = d->cat[c].n_R;
    for (size_t f = 0; f < d->n_eq; f++)
        neq[f] = d->eq[f].n;
    for (size_t j = 0; j < d->n_tab; j++)
        ntab[j] = d->tab[j].n;
    boot_w w = {alloc_sets(d->n_cat, nEA), alloc_sets(d->n_cat, nER), alloc_sets(d->n_eq, neq),
                alloc_sets(d->n_tab, ntab)};
    double *sum = calloc(n, sizeof *sum), *sum2 = calloc(n, sizeof *sum2);
    gsl_vector *th = gsl_vector_alloc(n);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    int rc = PEL_OK;
    if (!w.EA || !w.ER || !w.eq || !w.tab || !sum || !sum2 || !th || !rng) {
        rc = pel_error_set(err, PEL_ENOMEM, "calibrate: out of memory for the bootstrap");
        goto done;
    }
    gsl_rng_set(rng, (unsigned long)pel_seed_stream(o->seed, 0));
    pb->w_EA = w.EA, pb->w_ER = w.ER, pb->w_eq = w.eq, pb->w_tab = w.tab;
    size_t ok = 0;
    for (size_t b = 0; b < B; b++) {
        draw_sets(w.EA, d->n_cat, nEA, rng);
        draw_sets(w.ER, d->n_cat, nER, rng);
        draw_sets(w.eq, d->n_eq, neq, rng);
        draw_sets(w.tab, d->n_tab, ntab, rng);
        gsl_vector_memcpy(th, th_opt);
        double f;
        /* a refit that runs to a bound is not counted */
        if (minimise(pb, th, th_opt->data, o->max_iter, &f, NULL) == PEL_OK && edge_param(pb, th, th_opt->data) < 0) {
            for (size_t k = 0; k < n; k++) {
                double x = from_theta(pb->par[k], gsl_vector_get(th, k));
                sum[k] += x;
                sum2[k] += x * x;
            }
            ok++;
        }
        if (progress && progress(ctx, (double)(b + 1), (double)B, "bootstrap"))
            break;
    }
    res->n_boot_ok = ok;
    for (size_t k = 0; k < n && ok > 1; k++) {
        double mean = sum[k] / (double)ok;
        res->boot_sd[k] = sqrt(fmax(0.0, (sum2[k] - (double)ok * mean * mean) / (double)(ok - 1)));
    }
done:
    pb->w_EA = pb->w_ER = pb->w_eq = pb->w_tab = NULL;
    free_sets(w.EA, d->n_cat);
    free_sets(w.ER, d->n_cat);
    free_sets(w.eq, d->n_eq);
    free_sets(w.tab, d->n_tab);
    free(sum);
    free(sum2);
    gsl_vector_free(th);
    gsl_rng_free(rng);
    return rc;
}

/* ---- public ------------------------------------------------------------ */

static int is_nu_param(const char *name)
{
    return !strcmp(name, "nu0_per_s") || !strncmp(name, "S_", 2);
}

static double ks_cdf(const void *ctx, double x)
{
    const double *q = ctx; /* W, m, eA, s, EA_min */
    pel_fit_spec sp = {q[0], q[1], q[2], q[3]};
    double F0 = q[4] > 0.0 ? pel_fit_cdf(&sp, q[4]) : 0.0;
    return (pel_fit_cdf(&sp, x) - F0) / (1.0 - F0);
}

int pel_calibrate_run(const pel_calib_data *d, const pel_calib_options *o, pel_calib_result *res,
                      pel_progress_fn progress, void *progress_ctx, pel_error *err)
{
    memset(res, 0, sizeof *res);
    res->at_bound = -1;
    res->started_inside = 0;
    int rc = pel_material_check(&o->start, err);
    if (rc != PEL_OK)
        return pel_error_wrap(err, rc, "calibrate: start material");
    cal_problem pb;
    if ((rc = problem_init(&pb, d, &o->start, o->EA_min, err)) != PEL_OK)
        return rc;
    gsl_vector *th = NULL;
    gsl_matrix *cov = NULL;
    double th_start[PEL_CALIB_MAX_FREE];
    int nu_free = 0;
    for (size_t i = 0; i < pel_material_nparams(); i++) {
        const cal_param *cp = cal_param_of(i);
        if (!cp || !pel_material_param_used(&o->start, i) || (o->fixed >> i) & 1u)
            continue;
        if (pb.n_free == PEL_CALIB_MAX_FREE) {
            rc = pel_error_set(err, PEL_EINVAL, "calibrate: more than %d free parameters", PEL_CALIB_MAX_FREE);
            goto done;
        }
        nu_free |= is_nu_param(cp->name);
        pb.par[pb.n_free] = cp;
        pb.idx[pb.n_free++] = (int)i;
    }
    size_t nsets = d->n_cat + d->n_eq + d->n_tab, ndata = count_data(d);
    if (pb.n_free == 0) {
        rc = pel_error_set(err, PEL_EINVAL, "calibrate: every parameter is held fixed");
        goto done;
    }
    if (nsets < 2) {
        rc = pel_error_set(err, PEL_EINVAL,
                           "calibrate: a single data set (one sample) cannot fix how the material changes with E and "
                           "T; give at least two catalogs, tables or eq-line files");
        goto done;
    }
    if (nu_free && d->n_tab == 0) {
        rc = pel_error_set(err, PEL_EINVAL,
                           "calibrate: nu(E,T) is free but no protocol table constrains the kinetics (add --md or "
                           "hold nu0_per_s and S_*)");
        goto done;
    }
    if (ndata <= pb.n_free) {
        rc = pel_error_set(err, PEL_EINVAL, "calibrate: %zu data for %zu free parameters: no degrees of freedom",
                           ndata, pb.n_free);
        goto done;
    }
    th = gsl_vector_alloc(pb.n_free);
    cov = gsl_matrix_alloc(pb.n_free, pb.n_free);
    if (!th || !cov) {
        rc = pel_error_set(err, PEL_ENOMEM, "calibrate: out of memory");
        goto done;
    }
    for (size_t k = 0; k < pb.n_free; k++) {
        double *xp = pel_material_param(&pb.base, (size_t)pb.idx[k]), x = *xp;
        const cal_param *cp = pb.par[k];
        /* exactly on a bound (a value held there by an earlier fit): start
         * just inside, 1e-3 of a two-sided range or 0.01 above a lower bound */
        int two = isfinite(cp->lo) && isfinite(cp->hi);
        if (x == cp->lo && !cp->scale)
            x = *xp = cp->lo + (two ? 1e-3 * (cp->hi - cp->lo) : 0.01), res->started_inside |= 1ull << pb.idx[k];
        else if (two && x == cp->hi)
            x = *xp = cp->hi - 1e-3 * (cp->hi - cp->lo), res->started_inside |= 1ull << pb.idx[k];
        double t = to_theta(cp, x);
        if (!isfinite(t)) {
            rc = pel_error_set(err, PEL_EINVAL, "calibrate: start value %s = %g is on or outside its bound",
                               pb.par[k]->name, x);
            goto done;
        }
        gsl_vector_set(th, k, t);
        th_start[k] = t;
    }
    double f0 = nll_theta(th, &pb);
    if (!(f0 < CAL_WALL)) {
        pel_error e2 = {0};
        pel_material m;
        theta_to_material(&pb, th, &m);
        for (size_t j = 0; j < d->n_tab; j++)
            if (table_model(&m, &d->tab[j], &pb.tab[j].proto, &pb.eopts, &pb.trace, pb.E_model, &e2) != PEL_OK)
                break;
        rc = pel_error_set(err, PEL_EINVAL, "calibrate: the start material cannot describe the data%s%s",
                           e2.msg[0] ? ": " : "", e2.msg);
        goto done;
    }
    double fbest;
    if ((rc = minimise(&pb, th, th_start, o->max_iter ? o->max_iter : 20000, &fbest, err)) != PEL_OK)
        goto done;
    int kb = edge_param(&pb, th, th_start);
    if (kb >= 0) {
        const cal_param *cp = pb.par[kb];
        double t = gsl_vector_get(th, (size_t)kb);
        int two = isfinite(cp->lo) && isfinite(cp->hi);
        res->at_bound = pb.idx[kb];
        res->at_bound_value = two && t > 0.0 ? cp->hi : cp->lo;
        rc = pel_error_set(err, PEL_ENOCONV, "calibrate: %s ends on its bound (%.6g); hold it fixed or change the form",
                           cp->name, from_theta(cp, t));
        goto done;
    }
    size_t n_eval_fit = pb.n_eval;
    /* the point reached, also for a refusal below (the caller may inspect it) */
    theta_to_material(&pb, th, &res->mat);
    /* next to a region where the model cannot be evaluated, smaller steps */
    rc = hessian_cov(&pb, th, cov, CAL_HESS_FRAC, err);
    if (rc == PEL_ENUMERIC)
        rc = hessian_cov(&pb, th, cov, CAL_HESS_FRAC / 16.0, err);
    if (rc == PEL_ENUMERIC)
        rc = PEL_ENOCONV;
    if (rc != PEL_OK)
        goto done;
    theta_to_material(&pb, th, &res->mat);
    res->nll = nll_material(&pb, &res->mat);
    res->nll_cat = pb.part[0], res->nll_eq = pb.part[1], res->nll_tab = pb.part[2];
    res->n_free = pb.n_free;
    res->n_data = ndata;
    res->n_eval = n_eval_fit;
    res->aic = 2.0 * (double)pb.n_free + 2.0 * res->nll;
    res->bic = (double)pb.n_free * log((double)ndata) + 2.0 * res->nll;
    for (size_t k = 0; k < pb.n_free; k++) {
        double t = gsl_vector_get(th, k), J = dx_dtheta(pb.par[k], t);
        res->param[k] = pb.idx[k];
        res->value[k] = from_theta(pb.par[k], t);
        res->se[k] = fabs(J) * sqrt(gsl_matrix_get(cov, k, k));
        res->theta[k] = t;
        res->theta_se[k] = sqrt(gsl_matrix_get(cov, k, k));
        res->boot_sd[k] = NAN;
        for (size_t l = 0; l < pb.n_free; l++)
            res->corr[k * pb.n_free + l] =
                gsl_matrix_get(cov, k, l) / sqrt(gsl_matrix_get(cov, k, k) * gsl_matrix_get(cov, l, l));
    }
    for (size_t j = 0; j < PEL_CALIB_MAX_SETS; j++)
        res->tab_sigma[j] = j < d->n_tab ? pb.tab[j].sigma : NAN;
    for (size_t c = 0; c < PEL_CALIB_MAX_SETS; c++) {
        res->cat_ks_p[c] = NAN;
        if (c >= d->n_cat)
            continue;
        const pel_calib_catalog *k = &d->cat[c];
        double *x = malloc(k->n * sizeof *x);
        if (!x)
            continue;
        memcpy(x, k->EA, k->n * sizeof *x);
        gsl_sort(x, 1, k->n);
        double q[5] = {pel_material_W(&res->mat, k->E_IS), pel_material_m(&res->mat, k->E_IS), res->mat.eA,
                       res->mat.s, o->EA_min};
        res->cat_ks_p[c] = pel_fit_ks_pvalue(pel_fit_ks_statistic(x, k->n, ks_cdf, q), k->n);
        free(x);
    }
    if (o->bootstrap > 0)
        rc = bootstrap(&pb, th, o, res, progress, progress_ctx, err);
done:
    gsl_vector_free(th);
    gsl_matrix_free(cov);
    problem_free(&pb);
    return rc;
}

int pel_calibrate_score(const pel_material *mat, const pel_calib_data *d, double EA_min, double *nll,
                        double *nll_cat, double *nll_eq, double *nll_tab, pel_error *err)
{
    int rc = pel_material_check(mat, err);
    if (rc != PEL_OK)
        return rc;
    cal_problem pb;
    if ((rc = problem_init(&pb, d, mat, EA_min, err)) != PEL_OK)
        return rc;
    double v = nll_material(&pb, mat);
    if (!(v < CAL_WALL))
        rc = pel_error_set(err, PEL_ENUMERIC, "calibrate: material %s cannot describe the held-out data", mat->name);
    else {
        *nll = v;
        if (nll_cat)
            *nll_cat = pb.part[0];
        if (nll_eq)
            *nll_eq = pb.part[1];
        if (nll_tab)
            *nll_tab = pb.part[2];
    }
    problem_free(&pb);
    return rc;
}

int pel_calibrate_table_model(const pel_material *mat, const pel_calib_table *t, double *E_model, pel_error *err)
{
    pel_protocol proto;
    int rc = pel_protocol_parse(t->protocol, &proto, err);
    if (rc != PEL_OK)
        return pel_error_wrap(err, rc, "%s", t->label);
    pel_evolve_opts eo;
    eopts_for_fit(&eo);
    pel_trace tr = {0};
    rc = table_model(mat, t, &proto, &eo, &tr, E_model, err);
    pel_trace_clear(&tr);
    pel_protocol_clear(&proto);
    return rc;
}
