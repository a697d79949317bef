/* calib_forms.c - helpers around a calibration (include/pel/calibrate.h):
 * starting values when a material function changes form, and materials drawn
 * from a fitted parameter covariance (confidence intervals of derived
 * quantities such as T_c, by sampling). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "pel/calibrate.h"

void pel_calibrate_switch_form(pel_material *m, char kind, int form, double E_ref)
{
    /* value and slope of the old form at E_ref, so that the new one starts
     * on its tangent (central difference) */
    const double h = 1e-3;
    double W = pel_material_W(m, E_ref), mm = pel_material_m(m, E_ref);
    double dW = (pel_material_W(m, E_ref + h) - pel_material_W(m, E_ref - h)) / (2 * h);
    double dm = (pel_material_m(m, E_ref + h) - pel_material_m(m, E_ref - h)) / (2 * h);
    if (kind == 'W' && form != (int)m->W_form) {
        m->W_inf = m->W_top = m->W_dE = m->W_0 = m->W_slope = 0.0;
        m->W_E0 = E_ref;
        if (form == PEL_W_LINEAR) {
            m->W_0 = W, m->W_slope = dW;
        } else { /* centred at E_ref, levels around W, width from the slope */
            m->W_inf = 0.5 * W, m->W_top = 0.5 * (1.0 + W);
            m->W_dE = dW > 0.0 ? fmin(0.2, (m->W_top - m->W_inf) / (4.0 * dW)) : 0.03;
        }
        m->W_form = (pel_W_form)form;
    } else if (kind == 'm' && form != (int)m->m_form) {
        m->m_slope = m->m_amp = m->m_dE = 0.0;
        m->m_E0 = E_ref;
        if (form == PEL_M_LOGISTIC) { /* slope -m_amp/(4 m_dE) at its centre E_ref */
            m->m_dE = 0.05, m->m_amp = -4.0 * m->m_dE * dm, m->m_0 = mm - 0.5 * m->m_amp;
        } else {
            m->m_0 = mm, m->m_slope = fmax(-dm, 0.0);
        }
        m->m_form = (pel_m_form)form;
    } else if (kind == 'S' && form != (int)m->S_form) {
        /* keep ln nu at 1000 K; the logistic step sits there, 200 K wide */
        double lnu = pel_material_log_nu(m, m->S_E0, 1000.0);
        m->S_dT = 0.0;
        m->S_form = (pel_S_form)form;
        if (form == PEL_S_LOGISTIC) {
            m->S_T = 10.0, m->S_T0 = 1000.0, m->S_dT = 200.0;
        } else {
            m->S_T = 10.0, m->S_T0 = 1000.0;
        }
        m->nu0_per_s = 1.0;
        m->nu0_per_s = exp(lnu - pel_material_log_nu(m, m->S_E0, 1000.0));
    }
}

int pel_calibrate_draw(const pel_material *mat, const pel_material_cov *cov, uint64_t seed, size_t k,
                       pel_material *out, pel_error *err)
{
    size_t n = cov->n;
    if (n == 0)
        return pel_error_set(err, PEL_EINVAL, "material %s has no covariance to draw from", mat->name);
    /* On the correlation matrix R = S^-1 cov S^-1 (S = diag of the standard
     * errors, which span 30 decades: nu0 vs e_R), R = V diag(lambda) V^T, a
     * draw is S V diag(sqrt(lambda)) z.  An eigen-decomposition, not
     * Cholesky, so that a matrix that is not positive definite is reported
     * here instead of through GSL's error handler (which would abort). */
    gsl_matrix *C = gsl_matrix_alloc(n, n), *V = gsl_matrix_alloc(n, n);
    gsl_vector *lam = gsl_vector_alloc(n);
    gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(n);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    int rc = PEL_OK;
    if (!C || !V || !lam || !ws || !rng) {
        rc = pel_error_set(err, PEL_ENOMEM, "out of memory drawing a material");
        goto done;
    }
    double sd[PEL_MATERIAL_COV_MAX];
    for (size_t a = 0; a < n; a++) {
        sd[a] = sqrt(cov->c[a * (PEL_MATERIAL_COV_MAX + 1)]);
        if (!(sd[a] > 0.0) || !isfinite(sd[a])) {
            rc = pel_error_set(err, PEL_EINVAL, "material %s: covariance is not positive definite", mat->name);
            goto done;
        }
    }
    for (size_t a = 0; a < n; a++)
        for (size_t b = 0; b < n; b++)
            gsl_matrix_set(C, a, b, cov->c[a * PEL_MATERIAL_COV_MAX + b] / (sd[a] * sd[b]));
    if (gsl_eigen_symmv(C, lam, V, ws) != GSL_SUCCESS) {
        rc = pel_error_set(err, PEL_EINVAL, "material %s: eigen-decomposition of the covariance failed", mat->name);
        goto done;
    }
    for (size_t l = 0; l < n; l++)
        if (!(gsl_vector_get(lam, l) > 0.0)) {
            rc = pel_error_set(err, PEL_EINVAL, "material %s: covariance is not positive definite", mat->name);
            goto done;
        }
    /* draw k of a reproducible sequence: its own stream of the seed */
    gsl_rng_set(rng, (unsigned long)pel_seed_stream(seed, (uint64_t)k));
    double z[PEL_MATERIAL_COV_MAX];
    for (size_t l = 0; l < n; l++)
        z[l] = gsl_ran_gaussian(rng, 1.0) * sqrt(gsl_vector_get(lam, l));
    *out = *mat;
    for (size_t a = 0; a < n; a++) {
        double dx = 0.0;
        for (size_t l = 0; l < n; l++)
            dx += gsl_matrix_get(V, a, l) * z[l];
        *pel_material_param(out, (size_t)cov->param[a]) += sd[a] * dx;
    }
done:
    gsl_matrix_free(C);
    gsl_matrix_free(V);
    gsl_vector_free(lam);
    gsl_eigen_symmv_free(ws);
    gsl_rng_free(rng);
    return rc;
}

int pel_calibrate_interval(const pel_material *mat, const pel_material_cov *cov, uint64_t seed, size_t ndraws,
                           double level, pel_calibrate_stat_fn fn, void *ctx, size_t nout, double *lo, double *hi,
                           size_t *n_ok, pel_error *err)
{
    if (!(level > 0.0 && level < 1.0) || ndraws < 2 || nout == 0 || ndraws > SIZE_MAX / sizeof(double) / nout)
        return pel_error_set(err, PEL_EINVAL, "interval: level %g must be in (0, 1), draws >= 2 (got %zu)", level,
                             ndraws);
    /* one row of nout numbers per draw, then one column per number */
    double *v = malloc(ndraws * nout * sizeof *v), *col = malloc(ndraws * sizeof *col);
    if (!v || !col) {
        free(v);
        free(col);
        return pel_error_set(err, PEL_ENOMEM, "out of memory for %zu draws", ndraws);
    }
    size_t rows = 0;
    int rc = PEL_OK;
    for (size_t k = 0; k < ndraws; k++) {
        pel_material m;
        if ((rc = pel_calibrate_draw(mat, cov, seed, k, &m, err)) != PEL_OK)
            goto done;
        if (pel_material_check(&m, NULL) != PEL_OK)
            continue;
        int r = fn(&m, ctx, v + rows * nout, err);
        if (r < 0) {
            rc = r;
            goto done;
        }
        if (r == 0)
            rows++;
    }
    for (size_t j = 0; j < nout; j++) {
        size_t ok = 0;
        for (size_t k = 0; k < rows; k++)
            if (isfinite(v[k * nout + j]))
                col[ok++] = v[k * nout + j];
        if (n_ok)
            n_ok[j] = ok;
        lo[j] = hi[j] = NAN;
        if (ok >= 2 && 2 * ok >= ndraws) {
            gsl_sort(col, 1, ok);
            lo[j] = gsl_stats_quantile_from_sorted_data(col, 1, ok, 0.5 * (1.0 - level));
            hi[j] = gsl_stats_quantile_from_sorted_data(col, 1, ok, 0.5 * (1.0 + level));
        }
    }
done:
    free(v);
    free(col);
    return rc;
}
