/* density.c - the activation spectrum of paper eq. 3 (SPEC §2) as the fit
 * needs it: log density and survival function in closed form, stable in log
 * space.  The fit area links neither the model nor the atoms (STYLE: fit is
 * the bridge), so this private copy of the density is the one piece of the
 * model it re-states; it is checked against quadrature in tests/fit. */
#include <float.h>
#include <math.h>

#include <gsl/gsl_math.h>
#include <gsl/gsl_sf_erf.h>

#include "fit/fit_internal.h"

/* Above this u = -mu/(s sqrt 2) the bracket 1 - sqrt(pi) u erfcx(u) of ln I1
 * is summed from its asymptotic series (cancellation costs ~2 log10(u)
 * digits in the direct form, so at u = 8 we still hold ~13 digits). */
#define DENSITY_U_ASYMPTOTIC 8.0
#define DENSITY_ASYMPTOTIC_TERMS 12

/* ln of int_0^inf exp(-(y-mu)^2/(2 s^2)) dy = s sqrt(pi/2) erfc(-mu/(s sqrt 2)) */
static double log_G(double mu, double s)
{
    return log(s * sqrt(M_PI / 2.0)) + gsl_sf_log_erfc(-mu / (s * M_SQRT2));
}

double pel_fit_log_I1(double mu, double s)
{
    if (mu >= 0.0) {
        /* I1 = s^2 exp(-mu^2/2s^2) + mu G(mu): both terms positive (SPEC §2) */
        double a = 2.0 * log(s) - mu * mu / (2.0 * s * s);
        double b = log(mu > 0.0 ? mu : DBL_MIN) + log_G(mu, s);
        double hi = a > b ? a : b;
        return hi + log(exp(a - hi) + exp(b - hi));
    }
    /* mu < 0: I1 = s^2 exp(-u^2) [1 - sqrt(pi) u erfcx(u)], u = -mu/(s sqrt 2) */
    double u = -mu / (s * M_SQRT2);
    double bracket;
    if (u <= DENSITY_U_ASYMPTOTIC) {
        double erfcx = exp(u * u + gsl_sf_log_erfc(u));
        bracket = 1.0 - sqrt(M_PI) * u * erfcx;
    } else {
        /* 1 - sqrt(pi) u erfcx(u) = sum_{k>=1} (-1)^(k+1) (2k-1)!! / (2^k u^(2k)) */
        double inv2u2 = 1.0 / (2.0 * u * u), term = inv2u2;
        bracket = 0.0;
        for (int k = 1; k <= DENSITY_ASYMPTOTIC_TERMS; k++) {
            bracket += term;
            term *= -(2.0 * k + 1.0) * inv2u2;
        }
    }
    return 2.0 * log(s) - u * u + log(bracket);
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
