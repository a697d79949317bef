/* ks.c - one-sample Kolmogorov-Smirnov statistic and its asymptotic p-value
 * (include/pel/fit.h).  GSL has no Kolmogorov distribution, so the two
 * classical series are summed here (Marsaglia, Tsang & Wang 2003 discuss
 * their ranges; Stephens 1970 gives the finite-n correction used). */
#include <math.h>

#include <gsl/gsl_math.h>

#include "pel/fit.h"

/* Below this lambda Q_KS(lambda) = 1 to double precision (P(K<=0.2) ~ 1e-26). */
#define KS_LAMBDA_TINY 0.2
/* Switch between the two series: both converge in < 10 terms either side. */
#define KS_LAMBDA_SWITCH 1.18
#define KS_MAX_TERMS 100
#define KS_SERIES_EPS 1e-17

double pel_fit_ks_statistic(const double *x_sorted, size_t n, double (*cdf)(const void *, double),
                            const void *cdf_ctx)
{
    /* D = max_i max(F(x_i) - i/n, (i+1)/n - F(x_i)), i = 0..n-1 */
    double D = 0.0;
    for (size_t i = 0; i < n; i++) {
        double F = cdf(cdf_ctx, x_sorted[i]);
        double lo = F - (double)i / (double)n;
        double hi = (double)(i + 1) / (double)n - F;
        if (lo > D)
            D = lo;
        if (hi > D)
            D = hi;
    }
    return D;
}

/* Q_KS(lambda) = P(K > lambda) of the Kolmogorov distribution. */
static double kolmogorov_q(double lambda)
{
    if (lambda < KS_LAMBDA_TINY)
        return 1.0;
    double sum = 0.0;
    if (lambda < KS_LAMBDA_SWITCH) {
        /* P(K <= l) = sqrt(2 pi)/l sum_{j>=1} exp(-(2j-1)^2 pi^2 / (8 l^2)) */
        double a = -M_PI * M_PI / (8.0 * lambda * lambda);
        for (int j = 1; j <= KS_MAX_TERMS; j++) {
            double t = exp(a * (2.0 * j - 1.0) * (2.0 * j - 1.0));
            sum += t;
            if (t < KS_SERIES_EPS * sum)
                break;
        }
        double p = 1.0 - sqrt(2.0 * M_PI) / lambda * sum;
        return p < 0.0 ? 0.0 : (p > 1.0 ? 1.0 : p);
    }
    /* Q = 2 sum_{j>=1} (-1)^(j-1) exp(-2 j^2 l^2) */
    double sign = 1.0;
    for (int j = 1; j <= KS_MAX_TERMS; j++) {
        double t = exp(-2.0 * j * j * lambda * lambda);
        sum += sign * t;
        if (t < KS_SERIES_EPS * fabs(sum))
            break;
        sign = -sign;
    }
    double q = 2.0 * sum;
    return q < 0.0 ? 0.0 : (q > 1.0 ? 1.0 : q);
}

double pel_fit_ks_pvalue(double D, size_t n)
{
    if (n == 0 || !(D > 0.0))
        return 1.0;
    double sn = sqrt((double)n);
    /* Stephens' correction makes the asymptotic law accurate for n >~ 5. */
    return kolmogorov_q((sn + 0.12 + 0.11 / sn) * D);
}
