/* density.c - the activation spectrum of paper eq. 3 (docs/theory.md §2) as the fit
 * needs it: log density and survival function in closed form, stable in log
 * space, with ln I1 precomputed once per parameter set (the likelihood loop
 * evaluates the density at thousands of barriers).  ln I1 itself is the
 * model's (pel_spectrum_log_I1); checked against quadrature in tests/fit. */
#include <math.h>

#include <gsl/gsl_math.h>
#include <gsl/gsl_sf_erf.h>

#include "fit/fit_internal.h"
#include "pel/spectrum.h"

/* ln of int_0^inf exp(-(y-mu)^2/(2 s^2)) dy = s sqrt(pi/2) erfc(-mu/(s sqrt 2)) */
static double log_G(double mu, double s)
{
    return log(s * sqrt(M_PI / 2.0)) + gsl_sf_log_erfc(-mu / (s * M_SQRT2));
}

double pel_fit_log_I1(double mu, double s)
{
    /* the model's closed form (docs/theory.md §2), 1e-14 accurate for every mu */
    return pel_spectrum_log_I1(mu, s);
}

/* ln of each mode's density at x >= 0 (ln 0 = -inf for M2 at x = 0). */
static void log_modes(const pel_fit_spec *p, double log_I1, double x, double *l1, double *l2)
{
    *l1 = log(p->W) - log(p->eA) - x / p->eA;
    double d = x - p->m;
    *l2 = x > 0.0 ? log1p(-p->W) + log(x) - d * d / (2.0 * p->s * p->s) - log_I1 : -INFINITY;
}

static double logaddexp(double a, double b)
{
    if (a == -INFINITY)
        return b;
    if (b == -INFINITY)
        return a;
    double hi = a > b ? a : b;
    return hi + log1p(exp(-fabs(a - b)));
}

double pel_fit_log_pdf_I1(const pel_fit_spec *p, double log_I1, double EA)
{
    if (EA < 0.0)
        return -INFINITY;
    double l1, l2;
    if (p->W <= 0.0) {
        double d = EA - p->m;
        return EA > 0.0 ? log(EA) - d * d / (2.0 * p->s * p->s) - log_I1 : -INFINITY;
    }
    if (p->W >= 1.0)
        return -log(p->eA) - EA / p->eA;
    log_modes(p, log_I1, EA, &l1, &l2);
    return logaddexp(l1, l2);
}

double pel_fit_log_pdf(const pel_fit_spec *p, double EA)
{
    return pel_fit_log_pdf_I1(p, pel_fit_log_I1(p->m, p->s), EA);
}

double pel_fit_pdf(const pel_fit_spec *p, double EA)
{
    return exp(pel_fit_log_pdf(p, EA));
}

double pel_fit_survival_I1(const pel_fit_spec *p, double log_I1, double EA)
{
    if (EA <= 0.0)
        return 1.0;
    /* M2 tail: int_x^inf t e^{-(t-m)^2/2s^2} dt = I1(m-x) + x G(m-x)
     * (shift t = x + y), divided by I1(m). */
    double mu = p->m - EA;
    double t2 = exp(pel_fit_log_I1(mu, p->s) - log_I1) + EA * exp(log_G(mu, p->s) - log_I1);
    double t1 = exp(-EA / p->eA);
    double S = p->W * t1 + (1.0 - p->W) * t2;
    return S < 0.0 ? 0.0 : (S > 1.0 ? 1.0 : S);
}

double pel_fit_cdf(const pel_fit_spec *p, double EA)
{
    return 1.0 - pel_fit_survival_I1(p, pel_fit_log_I1(p->m, p->s), EA);
}
