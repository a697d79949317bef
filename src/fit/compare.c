/* compare.c - tests of the paper's decoupling assumptions on event
 * catalogs (include/pel/fit.h, docs/fit.md): E_R independent of E_A within a
 * catalog, one e_R for every sample (eq. 5), and trends of fitted
 * quantities with the sample's E_IS.  Statistics and distributions are
 * GSL's; only the Kruskal-Wallis ranks are formed here. */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "pel/fit.h"

/* two-sided p of a correlation r over n pairs through its t statistic */
static double corr_p(double r, size_t n)
{
    if (!isfinite(r))
        return NAN;
    if (fabs(r) >= 1.0)
        return 0.0;
    double t = fabs(r) * sqrt((double)(n - 2) / (1.0 - r * r));
    return 2.0 * gsl_cdf_tdist_Q(t, (double)(n - 2));
}

static int finite_all(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return 0;
    return 1;
}

int pel_fit_assoc_EA_ER(const double *EA, const double *ER, size_t n, pel_fit_assoc *out, pel_error *err)
{
    if (n < 4)
        return pel_error_set(err, PEL_EINVAL, "E_A-E_R association needs at least 4 events, got %zu", n);
    if (!finite_all(EA, n) || !finite_all(ER, n))
        return pel_error_set(err, PEL_EINVAL, "E_A-E_R association: a value is not finite");
    double *work = malloc(2 * n * sizeof *work);
    if (!work)
        return pel_error_set(err, PEL_ENOMEM, "out of memory for the E_A-E_R association");
    out->n = n;
    /* GSL returns NAN (0/0) for a constant column: no association defined */
    out->pearson_r = gsl_stats_correlation(EA, 1, ER, 1, n);
    out->spearman_rho = gsl_stats_spearman(EA, 1, ER, 1, n, work);
    free(work);
    out->pearson_p = corr_p(out->pearson_r, n);
    out->spearman_p = corr_p(out->spearman_rho, n);
    return PEL_OK;
}

/* Kruskal-Wallis H with average ranks for ties and the tie correction
 * 1 - sum(t^3 - t)/(N^3 - N). */
static int kruskal_wallis(const double *const *x, const size_t *n, size_t k, size_t N, double *H, pel_error *err)
{
    double *all = malloc(N * sizeof *all);
    size_t *idx = malloc(N * sizeof *idx), *grp = malloc(N * sizeof *grp);
    double *rsum = calloc(k, sizeof *rsum);
    if (!all || !idx || !grp || !rsum) {
        free(all), free(idx), free(grp), free(rsum);
        return pel_error_set(err, PEL_ENOMEM, "out of memory for the Kruskal-Wallis test");
    }
    for (size_t g = 0, j = 0; g < k; g++)
        for (size_t i = 0; i < n[g]; i++, j++)
            all[j] = x[g][i], grp[j] = g;
    gsl_sort_index(idx, all, 1, N);
    double ties = 0.0;
    for (size_t a = 0; a < N;) {
        size_t b = a + 1;
        while (b < N && all[idx[b]] == all[idx[a]])
            b++;
        double rank = 0.5 * (double)(a + 1 + b); /* mean of ranks a+1 .. b */
        for (size_t c = a; c < b; c++)
            rsum[grp[idx[c]]] += rank;
        double t = (double)(b - a);
        ties += t * t * t - t;
        a = b;
    }
    double Nd = (double)N, s = 0.0;
    for (size_t g = 0; g < k; g++)
        s += rsum[g] * rsum[g] / (double)n[g];
    double h = 12.0 / (Nd * (Nd + 1.0)) * s - 3.0 * (Nd + 1.0);
    double corr = 1.0 - ties / (Nd * Nd * Nd - Nd);
    *H = corr > 0.0 ? h / corr : NAN; /* every value equal: no ranking */
    free(all), free(idx), free(grp), free(rsum);
    return PEL_OK;
}

int pel_fit_equal_eR(const double *const *ER, const size_t *n, size_t k, pel_fit_equal *out, pel_error *err)
{
    if (k < 2)
        return pel_error_set(err, PEL_EINVAL, "comparing e_R needs at least 2 catalogs, got %zu", k);
    size_t N = 0;
    double total = 0.0;
    for (size_t g = 0; g < k; g++) {
        if (n[g] < 2)
            return pel_error_set(err, PEL_EINVAL, "comparing e_R: catalog %zu has %zu E_R values (need 2)", g + 1,
                                 n[g]);
        for (size_t i = 0; i < n[g]; i++) {
            if (!(ER[g][i] >= 0.0) || !isfinite(ER[g][i]))
                return pel_error_set(err, PEL_EINVAL, "comparing e_R: catalog %zu has a negative or non-finite E_R",
                                     g + 1);
            total += ER[g][i];
        }
        N += n[g];
    }
    out->k = k, out->N = N;
    out->eR_common = total / (double)N;
    out->eR_common_se = out->eR_common / sqrt((double)N);
    /* eq. 5's maximum likelihood is the sample mean; ln L = -n ln(mean) - n */
    double lr = 0.0;
    for (size_t g = 0; g < k; g++) {
        double mg = gsl_stats_mean(ER[g], 1, n[g]);
        lr += (double)n[g] * log(out->eR_common / mg);
    }
    out->lr = 2.0 * lr;
    double df = (double)(k - 1);
    out->lr_p = isfinite(out->lr) ? gsl_cdf_chisq_Q(out->lr, df) : NAN;
    int rc = kruskal_wallis(ER, n, k, N, &out->kw, err);
    if (rc)
        return rc;
    out->kw_p = isfinite(out->kw) ? gsl_cdf_chisq_Q(out->kw, df) : NAN;
    return PEL_OK;
}

int pel_fit_trend_xy(const double *x, const double *y, const double *se, size_t k, pel_fit_trend *out,
                     pel_error *err)
{
    if (k < 2)
        return pel_error_set(err, PEL_EINVAL, "a trend needs at least 2 samples, got %zu", k);
    double sw = 0, swx = 0, swy = 0;
    for (size_t i = 0; i < k; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i]) || !(se[i] > 0.0) || !isfinite(se[i]))
            return pel_error_set(err, PEL_EINVAL, "trend: sample %zu has a non-finite value or an error <= 0", i + 1);
        double w = 1.0 / (se[i] * se[i]);
        sw += w, swx += w * x[i], swy += w * y[i];
    }
    double xm = swx / sw, ym = swy / sw, sxx = 0, sxy = 0, chi2 = 0;
    for (size_t i = 0; i < k; i++) {
        double w = 1.0 / (se[i] * se[i]);
        sxx += w * (x[i] - xm) * (x[i] - xm);
        sxy += w * (x[i] - xm) * (y[i] - ym);
        chi2 += w * (y[i] - ym) * (y[i] - ym);
    }
    if (!(sxx > 0.0))
        return pel_error_set(err, PEL_EINVAL, "trend: every sample has the same x (%g)", xm);
    out->k = k;
    out->mean = ym, out->mean_se = 1.0 / sqrt(sw);
    out->slope = sxy / sxx, out->slope_se = 1.0 / sqrt(sxx);
    out->slope_p = 2.0 * gsl_cdf_ugaussian_Q(fabs(out->slope) / out->slope_se);
    out->chi2_const = chi2;
    out->chi2_const_p = gsl_cdf_chisq_Q(chi2, (double)(k - 1));
    return PEL_OK;
}
