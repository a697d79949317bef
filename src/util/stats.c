/* stats.c - correlated time series (stats.h). */
#include "pel/stats.h"

#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <string.h>

#define SOKAL_C 5.0 /* window constant: stop at the first lag W >= c tau(W) (Sokal 1997) */

double pel_stats_inefficiency(const double *x, size_t n)
{
    if (n < 2) return 1.0;
    double mean = gsl_stats_mean(x, 1, n);
    double var = gsl_stats_variance_with_fixed_mean(x, 1, n, mean); /* 1/n normalisation */
    if (!(var > 0)) return 1.0;
    double tau = 0.5; /* integrated autocorrelation time; g = 2 tau */
    for (size_t k = 1; k < n; k++) {
        double c = 0;
        for (size_t i = 0; i + k < n; i++)
            c += (x[i] - mean) * (x[i + k] - mean);
        double rho = c / ((double)n * var); /* standard biased estimator, keeps the sum stable */
        tau += rho;
        if ((double)k >= SOKAL_C * tau) break;
    }
    double g = 2.0 * tau;
    return g < 1.0 ? 1.0 : g;
}

int pel_stats_equilibrated(const double *x, size_t n, double max_discard, size_t min_used, pel_series_stats *out,
                           pel_error *err)
{
    if (min_used < 3) return pel_error_set(err, PEL_EINVAL, "at least 3 points must be kept (got %zu)", min_used);
    if (n < min_used) return pel_error_set(err, PEL_EINVAL, "series of %zu points is shorter than %zu", n, min_used);
    if (!(max_discard >= 0 && max_discard < 1))
        return pel_error_set(err, PEL_EINVAL, "discard fraction %g must be in [0, 1)", max_discard);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) return pel_error_set(err, PEL_EINVAL, "point %zu of the series is not finite", i + 1);
    size_t tmax = (size_t)(max_discard * (double)n);
    if (n - tmax < min_used) tmax = n - min_used;
    size_t best = 0;
    double best_neff = -1, best_g = 1;
    for (size_t t0 = 0; t0 <= tmax; t0++) {
        double g = pel_stats_inefficiency(x + t0, n - t0);
        double neff = (double)(n - t0) / g;
        if (neff > best_neff) best_neff = neff, best = t0, best_g = g;
    }
    out->t0 = best;
    out->n_used = n - best;
    out->mean = gsl_stats_mean(x + best, 1, out->n_used);
    out->sd = gsl_stats_sd_m(x + best, 1, out->n_used, out->mean);
    out->g = best_g;
    out->n_eff = best_neff;
    out->se = out->sd * sqrt(best_g / (double)out->n_used);
    return PEL_OK;
}

int pel_stats_meet(double a, double se_a, double b, double se_b, double z, int *met, double *mean, double *se,
                   pel_error *err)
{
    if (!(isfinite(a) && isfinite(b) && se_a >= 0 && se_b >= 0 && isfinite(se_a) && isfinite(se_b) && z > 0))
        return pel_error_set(err, PEL_EINVAL, "estimates must be finite with standard errors >= 0");
    double sd = sqrt(se_a * se_a + se_b * se_b);
    *met = fabs(a - b) <= z * sd;
    if (se_a > 0 && se_b > 0) {
        double wa = 1 / (se_a * se_a), wb = 1 / (se_b * se_b);
        *mean = (wa * a + wb * b) / (wa + wb);
        *se = 1 / sqrt(wa + wb);
    } else {
        *mean = 0.5 * (a + b);
        *se = fmax(se_a, se_b);
    }
    return PEL_OK;
}

int pel_stats_isotherm_side(const double *const *e, const size_t *n, size_t nrep, double max_discard,
                            size_t min_used, pel_isotherm_side *out, pel_error *err)
{
    if (nrep < 1) return pel_error_set(err, PEL_EINVAL, "no replica");
    double sum = 0, sum_sq = 0, sum_se2 = 0;
    memset(out, 0, sizeof *out);
    out->stationary = 1;
    for (size_t r = 0; r < nrep; r++) {
        pel_series_stats st, h1, h2;
        int rc = pel_stats_equilibrated(e[r], n[r], max_discard, min_used, &st, err);
        if (rc) return pel_error_wrap(err, rc, "replica %zu", r + 1);
        size_t h = st.n_used / 2;
        if (h >= 3 && st.n_used - h >= 3 && pel_stats_equilibrated(e[r] + st.t0, h, 0, 3, &h1, err) == PEL_OK &&
            pel_stats_equilibrated(e[r] + st.t0 + h, st.n_used - h, 0, 3, &h2, err) == PEL_OK &&
            fabs(h1.mean - h2.mean) > 3 * sqrt(h1.se * h1.se + h2.se * h2.se))
            out->stationary = 0;
        sum += st.mean;
        sum_sq += st.mean * st.mean;
        sum_se2 += st.se * st.se;
        if (st.t0 > out->t0_max) out->t0_max = st.t0;
    }
    double R = (double)nrep;
    out->nrep = (int)nrep;
    out->mean = sum / R;
    out->se = sqrt(sum_se2) / R;
    if (nrep >= 3) {
        double var = (sum_sq - R * out->mean * out->mean) / (R - 1);
        double se_rep = var > 0 ? sqrt(var / R) : 0;
        if (se_rep > out->se) out->se = se_rep;
    }
    return PEL_OK;
}

int pel_stats_isotherm(const pel_isotherm_side *above, const pel_isotherm_side *below, double z, double max_se,
                       int *met, double *E_eq, double *se, const char **why, pel_error *err)
{
    if (!(max_se > 0)) return pel_error_set(err, PEL_EINVAL, "largest accepted error %g must be > 0", max_se);
    int rc = pel_stats_meet(above->mean, above->se, below->mean, below->se, z, met, E_eq, se, err);
    if (rc) return rc;
    *why = NULL;
    if (!*met) *why = "the two sides do not meet";
    else if (!above->stationary) *why = "the run from above still drifts";
    else if (!below->stationary) *why = "the run from below still drifts";
    else if (*se > max_se) *why = "the standard error exceeds the largest accepted";
    if (*why) *met = 0;
    return PEL_OK;
}
