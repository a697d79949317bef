/* calibrate.c - material forms from data (include/pel/calibrate.h, docs/theory.md §6):
 * weighted least squares of W(E), m(E) to fitted spectra, and the
 * equilibrium part of an MD cooling curve by a glass line and a liquid parabola.
 * The forms are evaluated by the model's own pel_material_W/m, so this file
 * restates none of them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_sort.h>

#include "pel/calibrate.h"

/* Levenberg-Marquardt stopping rules (relative step, scaled gradient). */
#define CALIB_XTOL 1e-12
#define CALIB_GTOL 1e-12
#define CALIB_MAX_ITER 500
#define CALIB_MIN_SEGMENT 3 /* points per segment of the cooling-curve fit */

enum { NW = 4 };

typedef struct w_problem {
    const pel_calib_point *pts;
    size_t n;
    pel_material mat; /* base, updated from the free parameters */
    int idx[NW];      /* free parameter k -> field: 0 W_inf, 1 W_top, 2 W_E0, 3 W_dE */
    int nfree;
} w_problem;

static double *w_field(pel_material *m, int j)
{
    double *f[NW] = {&m->W_inf, &m->W_top, &m->W_E0, &m->W_dE};
    return f[j];
}

/* W_dE > 0 is fitted as ln W_dE. */
static void w_apply(w_problem *pb, const gsl_vector *x)
{
    for (int k = 0; k < pb->nfree; k++) {
        double v = gsl_vector_get(x, (size_t)k);
        *w_field(&pb->mat, pb->idx[k]) = pb->idx[k] == 3 ? exp(v) : v;
    }
}

static int w_residual(const gsl_vector *x, void *params, gsl_vector *f)
{
    w_problem *pb = params;
    w_apply(pb, x);
    for (size_t i = 0; i < pb->n; i++) {
        double r = pel_material_W(&pb->mat, pb->pts[i].E) - pb->pts[i].W;
        if (!isfinite(r))
            return GSL_EDOM; /* the solver shrinks its step */
        gsl_vector_set(f, i, r);
    }
    return GSL_SUCCESS;
}

static int check_points(const pel_calib_point *p, size_t n, pel_error *err)
{
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(p[i].E) || !isfinite(p[i].W) || !isfinite(p[i].m) || !(p[i].W_se > 0.0) ||
            !(p[i].m_se > 0.0) || !isfinite(p[i].W_se) || !isfinite(p[i].m_se))
            return pel_error_set(err, PEL_EINVAL,
                                 "calibration point %zu: need finite E, W, m and standard errors > 0", i + 1);
    }
    return PEL_OK;
}

/* W(E) by nonlinear weighted least squares; fills out and the W part of st. */
static int fit_W(const pel_calib_point *pts, size_t n, unsigned w_free, pel_material *out, pel_calib_stats *st,
                 pel_error *err)
{
    w_problem pb = {.pts = pts, .n = n, .mat = *out};
    for (int j = 0; j < NW; j++)
        if (w_free & (1u << j))
            pb.idx[pb.nfree++] = j;
    if (pb.nfree == 0)
        return PEL_OK;
    if (n < (size_t)pb.nfree)
        return pel_error_set(err, PEL_EINVAL, "W(E): %zu points for %d free parameters", n, pb.nfree);
    if ((w_free & PEL_CALIB_W_DE) && !(out->W_dE > 0.0))
        return pel_error_set(err, PEL_EINVAL, "W(E): starting W_dE must be > 0");
    const gsl_multifit_nlinear_type *T = gsl_multifit_nlinear_trust;
    gsl_multifit_nlinear_parameters par = gsl_multifit_nlinear_default_parameters();
    gsl_multifit_nlinear_workspace *w = gsl_multifit_nlinear_alloc(T, &par, n, (size_t)pb.nfree);
    gsl_vector *x = gsl_vector_alloc((size_t)pb.nfree);
    gsl_vector *wt = gsl_vector_alloc(n);
    gsl_matrix *cov = gsl_matrix_alloc((size_t)pb.nfree, (size_t)pb.nfree);
    int rc = PEL_ENOMEM;
    if (!w || !x || !wt || !cov) {
        pel_error_set(err, rc, "out of memory in the W(E) fit");
        goto done;
    }
    for (int k = 0; k < pb.nfree; k++) {
        double v = *w_field(&pb.mat, pb.idx[k]);
        gsl_vector_set(x, (size_t)k, pb.idx[k] == 3 ? log(v) : v);
    }
    for (size_t i = 0; i < n; i++)
        gsl_vector_set(wt, i, 1.0 / (pts[i].W_se * pts[i].W_se));
    gsl_multifit_nlinear_fdf fdf = {.f = w_residual, .df = NULL, .fvv = NULL, .n = n,
                                    .p = (size_t)pb.nfree, .params = &pb};
    rc = PEL_ENOCONV;
    if (gsl_multifit_nlinear_winit(x, wt, &fdf, w) != GSL_SUCCESS) {
        pel_error_set(err, rc, "W(E): the starting point gives non-finite residuals");
        goto done;
    }
    int info;
    int status = gsl_multifit_nlinear_driver(CALIB_MAX_ITER, CALIB_XTOL, CALIB_GTOL, 0.0, NULL, NULL, &info, w);
    if (status != GSL_SUCCESS && status != GSL_ENOPROG) {
        pel_error_set(err, rc, "W(E): Levenberg-Marquardt did not converge (%s)", gsl_strerror(status));
        goto done;
    }
    const gsl_vector *xs = gsl_multifit_nlinear_position(w);
    w_apply(&pb, xs);
    *out = pb.mat;
    const gsl_vector *f = gsl_multifit_nlinear_residual(w); /* weighted: sqrt(w_i) r_i */
    double chi2;
    gsl_blas_ddot(f, f, &chi2);
    gsl_multifit_nlinear_covar(gsl_multifit_nlinear_jac(w), 0.0, cov);
    double *se[NW] = {&st->W_inf_se, &st->W_top_se, &st->W_E0_se, &st->W_dE_se};
    for (int k = 0; k < pb.nfree; k++) {
        double s = sqrt(gsl_matrix_get(cov, (size_t)k, (size_t)k));
        /* d W_dE = W_dE d ln W_dE */
        *se[pb.idx[k]] = pb.idx[k] == 3 ? out->W_dE * s : s;
    }
    st->chi2_W = chi2;
    st->dof_W = n - (size_t)pb.nfree;
    rc = PEL_OK;
done:
    gsl_multifit_nlinear_free(w);
    gsl_vector_free(x);
    gsl_vector_free(wt);
    gsl_matrix_free(cov);
    return rc;
}

int pel_calibrate_spectrum(const pel_calib_point *pts, size_t n, const pel_material *base, unsigned w_free,
                           pel_material *out, pel_calib_stats *st, pel_error *err)
{
    pel_calib_stats local;
    if (!st)
        st = &local;
    memset(st, 0, sizeof *st);
    int rc = check_points(pts, n, err);
    if (rc)
        return rc;
    if (n < 2)
        return pel_error_set(err, PEL_EINVAL, "calibration needs at least 2 points (got %zu)", n);
    if (base->W_form != PEL_W_LOGISTIC || base->m_form != PEL_M_LINEAR)
        return pel_error_set(err, PEL_EINVAL,
                             "material %s: this fit needs a logistic W and a linear m (got W %s, m %s; use "
                             "pel calibrate for other forms)",
                             base->name, pel_material_form_name('W', (int)base->W_form),
                             pel_material_form_name('m', (int)base->m_form));
    pel_material m = *base;
    /* m(E) = m_0 + m_slope (m_E0 - E): linear in (m_0, m_slope) */
    double *xv = malloc(2 * n * sizeof *xv);
    if (!xv)
        return pel_error_set(err, PEL_ENOMEM, "out of memory in the m(E) fit");
    double *wv = xv + n, *yv = NULL;
    double c0, c1, c00, c01, c11, chi2;
    int distinct = 0;
    for (size_t i = 0; i < n; i++) {
        xv[i] = base->m_E0 - pts[i].E;
        wv[i] = 1.0 / (pts[i].m_se * pts[i].m_se);
        distinct |= pts[i].E != pts[0].E;
    }
    yv = malloc(n * sizeof *yv);
    if (!yv) {
        free(xv);
        return pel_error_set(err, PEL_ENOMEM, "out of memory in the m(E) fit");
    }
    for (size_t i = 0; i < n; i++)
        yv[i] = pts[i].m;
    if (distinct)
        gsl_fit_wlinear(xv, 1, wv, 1, yv, 1, n, &c0, &c1, &c00, &c01, &c11, &chi2);
    free(xv);
    free(yv);
    if (!distinct)
        return pel_error_set(err, PEL_EINVAL, "calibration points all have the same E: m(E) slope undetermined");
    m.m_0 = c0;
    m.m_slope = c1;
    st->m_0_se = sqrt(c00);
    st->m_slope_se = sqrt(c11);
    st->chi2_m = chi2;
    st->dof_m = n - 2;
    if ((rc = fit_W(pts, n, w_free & PEL_CALIB_W_ALL, &m, st, err)) != PEL_OK)
        return rc;
    pel_error cerr = {0};
    if (pel_material_check(&m, &cerr) != PEL_OK)
        return pel_error_set(err, PEL_ENOCONV, "calibrated forms are not a valid material: %s", cerr.msg);
    *out = m;
    return PEL_OK;
}

/* Least-squares line through (x, y)[lo, hi); returns the residual sum. */
static double seg_fit(const double *x, const double *y, size_t lo, size_t hi, double *a, double *b)
{
    double c00, c01, c11, rss;
    gsl_fit_linear(x + lo, 1, y + lo, 1, hi - lo, a, b, &c00, &c01, &c11, &rss);
    return rss;
}

/* Least-squares parabola c0 + c1 u + c2 u^2, u = x - x[lo], through (x, y)[lo, hi)
 * (GSL's linear least squares); returns the residual sum, INFINITY on failure. */
static double seg_fit2(const double *x, const double *y, size_t lo, size_t hi, double c[3])
{
    size_t m = hi - lo;
    gsl_matrix *X = gsl_matrix_alloc(m, 3), *cov = gsl_matrix_alloc(3, 3);
    gsl_vector *yv = gsl_vector_alloc(m), *cv = gsl_vector_alloc(3);
    gsl_multifit_linear_workspace *w = gsl_multifit_linear_alloc(m, 3);
    double rss = INFINITY;
    if (X && cov && yv && cv && w) {
        for (size_t i = 0; i < m; i++) {
            double u = x[lo + i] - x[lo];
            gsl_matrix_set(X, i, 0, 1.0), gsl_matrix_set(X, i, 1, u), gsl_matrix_set(X, i, 2, u * u);
            gsl_vector_set(yv, i, y[lo + i]);
        }
        if (gsl_multifit_linear(X, yv, cv, cov, &rss, w) != GSL_SUCCESS)
            rss = INFINITY;
        for (int k = 0; k < 3; k++)
            c[k] = gsl_vector_get(cv, (size_t)k);
    }
    gsl_multifit_linear_free(w);
    gsl_matrix_free(X), gsl_matrix_free(cov);
    gsl_vector_free(yv), gsl_vector_free(cv);
    return rss;
}

int pel_calibrate_eq_line(const double *T_K, const double *E, size_t n, double margin_K, double *T_g,
                          unsigned char *keep, size_t *n_keep, pel_error *err)
{
    if (n < 2 * CALIB_MIN_SEGMENT)
        return pel_error_set(err, PEL_EINVAL, "cooling curve: %zu points, need at least %d", n, 2 * CALIB_MIN_SEGMENT);
    if (!(margin_K >= 0.0 && isfinite(margin_K)))
        return pel_error_set(err, PEL_EINVAL, "cooling curve: margin %g K must be >= 0", margin_K);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(T_K[i]) || !isfinite(E[i]) || T_K[i] < 0.0)
            return pel_error_set(err, PEL_EINVAL, "cooling curve: point %zu is not a finite (T >= 0, E)", i + 1);
    size_t *ord = malloc(n * sizeof *ord);
    double *x = malloc(2 * n * sizeof *x);
    if (!ord || !x) {
        free(ord);
        free(x);
        return pel_error_set(err, PEL_ENOMEM, "out of memory in the cooling-curve fit");
    }
    double *y = x + n;
    gsl_sort_index(ord, T_K, 1, n);
    for (size_t i = 0; i < n; i++) {
        x[i] = T_K[ord[i]];
        y[i] = E[ord[i]];
    }
    /* every break k: glass line on [0,k), liquid parabola on [k,n) — the
     * liquid's E_IS(T) flattens at high T, and a straight liquid segment
     * would meet the glass line far too low */
    double best = INFINITY, a1 = 0, b1 = 0, c[3] = {0}, u0 = 0, xb = 0;
    for (size_t k = CALIB_MIN_SEGMENT; k + CALIB_MIN_SEGMENT <= n; k++) {
        if (x[k - 1] == x[0] || x[n - 1] == x[k] || x[k + 1] == x[k] || x[k + 2] == x[k + 1])
            continue; /* a segment without distinct temperatures */
        double p1, q1, ck[3];
        double rss = seg_fit(x, y, 0, k, &p1, &q1) + seg_fit2(x, y, k, n, ck);
        if (rss < best) {
            best = rss;
            a1 = p1, b1 = q1, u0 = x[k], xb = 0.5 * (x[k - 1] + x[k]);
            memcpy(c, ck, sizeof c);
        }
    }
    double Tmin = x[0], Tmax = x[n - 1];
    free(ord);
    free(x);
    if (!isfinite(best))
        return pel_error_set(err, PEL_EINVAL, "cooling curve: fewer than %d distinct temperatures per segment",
                             CALIB_MIN_SEGMENT);
    /* T_g where glass line and liquid parabola meet, the root nearest the
     * break: c2 u^2 + (c1 - b1) u + (c0 - a1 - b1 u0) = 0, u = T - u0 */
    double qa = c[2], qb = c[1] - b1, qc = c[0] - a1 - b1 * u0, Tg = NAN;
    if (fabs(qa) * (Tmax - Tmin) < 1e-9 * fabs(qb)) {
        Tg = qb != 0.0 ? u0 - qc / qb : NAN;
    } else {
        double disc = qb * qb - 4.0 * qa * qc;
        if (disc >= 0.0) {
            double r1 = u0 + (-qb + sqrt(disc)) / (2.0 * qa), r2 = u0 + (-qb - sqrt(disc)) / (2.0 * qa);
            Tg = fabs(r1 - xb) < fabs(r2 - xb) ? r1 : r2;
        }
    }
    /* a transition is a kink: the liquid's slope at T_g must differ from the
     * glass's by more than round-off of a straight line */
    double kink = (c[1] + 2.0 * c[2] * (Tg - u0)) - b1;
    if (!(Tg > Tmin && Tg < Tmax) || !(fabs(kink) > 1e-6 * (fabs(b1) + fabs(c[1])) + 1e-15))
        return pel_error_set(err, PEL_ENOROOT,
                             "cooling curve: glass and liquid lines do not meet inside %g..%g K (no transition seen)",
                             Tmin, Tmax);
    *T_g = Tg;
    *n_keep = 0;
    for (size_t i = 0; i < n; i++) {
        keep[i] = T_K[i] >= Tg + margin_K;
        *n_keep += keep[i];
    }
    return PEL_OK;
}
