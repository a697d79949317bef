/* spectrum_quad.h - independent truth for the spectrum tests: ln Z, ln I1 and
 * the bracket F(u) by GSL adaptive Gauss-Kronrod quadrature (no closed form,
 * no erfc).  Header-only (static functions) so test_spectrum and
 * test_equilibrium share it.
 *
 * Very small integrals are kept accurate by scaling: the integrand
 * x exp(-(x-m)^2/2s^2 - b x) is divided by its value at the maximum x*
 * (root of x^2 - mu x - s^2 = 0, mu = m - b s^2) and ln f(x*) is added back,
 * and the interval is split at x* and x* + 60 sigma (sigma = curvature width),
 * so that each piece is O(1) and well resolved however deep Z is. */
#ifndef PEL_TEST_SPECTRUM_QUAD_H
#define PEL_TEST_SPECTRUM_QUAD_H

#include <math.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>

#define QUAD_EPSREL 1e-13 /* GK61 on smooth O(1) integrands reaches ~1e-15 */
#define QUAD_LIMIT 1000
#define QUAD_KB 8.617333262e-5 /* eV/K, CODATA 2018 (same as PEL_KB_EV_PER_K) */

typedef struct quad_g {
    double m, s, b, gmax; /* exponent ln x - (x-m)^2/2s^2 - b x, shifted by gmax */
} quad_g;

static inline double quad_g_f(double x, void *p)
{
    const quad_g *q = p;
    if (x <= 0.0)
        return 0.0;
    double r = (x - q->m) / q->s;
    return exp(log(x) - 0.5 * r * r - q->b * x - q->gmax);
}

static inline double quad_piece(gsl_integration_workspace *w, gsl_function *F, double a, double b)
{
    double res, abserr;
    int rc = isinf(b) ? gsl_integration_qagiu(F, a, 0.0, QUAD_EPSREL, QUAD_LIMIT, w, &res, &abserr)
                      : gsl_integration_qag(F, a, b, 0.0, QUAD_EPSREL, QUAD_LIMIT, GSL_INTEG_GAUSS61, w, &res, &abserr);
    return rc == GSL_SUCCESS || rc == GSL_EROUND ? res : NAN;
}

/* ln int_0^inf x exp(-(x-m)^2/2s^2 - b x) dx  (b = 0: ln I1(m, s)) */
static inline double quad_log_gauss_moment(double m, double s, double b)
{
    double mu = m - b * s * s;
    double xs = 0.5 * (mu + sqrt(mu * mu + 4.0 * s * s));
    double sig = 1.0 / sqrt(1.0 / (s * s) + 1.0 / (xs * xs));
    quad_g q = {m, s, b, 0.0};
    double r = (xs - m) / s;
    q.gmax = log(xs) - 0.5 * r * r - b * xs;
    gsl_function F = {quad_g_f, &q};
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(QUAD_LIMIT);
    double mid = xs + 60.0 * sig;
    double tot = quad_piece(w, &F, 0.0, xs) + quad_piece(w, &F, xs, mid) + quad_piece(w, &F, mid, INFINITY);
    gsl_integration_workspace_free(w);
    return q.gmax + log(tot);
}

typedef struct quad_m1 {
    double eA, lam;
} quad_m1;

/* (1/eA) exp(-x/eA - x/kT) in the scaled variable x = lam y */
static inline double quad_m1_f(double y, void *p)
{
    const quad_m1 *q = p;
    return q->lam / q->eA * exp(-y);
}

/* ln Z(T) for spectrum (W, m, eA, s): both modes by quadrature, W0 by the
 * quadrature of I1. */
static inline double quad_log_Z(double W, double m, double eA, double s, double T)
{
    double kT = QUAD_KB * T;
    double l1 = -INFINITY, l2 = -INFINITY;
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(QUAD_LIMIT);
    if (W > 0.0) {
        quad_m1 q = {eA, 1.0 / (1.0 / eA + 1.0 / kT)};
        gsl_function F = {quad_m1_f, &q};
        l1 = log(W) + log(quad_piece(w, &F, 0.0, INFINITY));
    }
    gsl_integration_workspace_free(w);
    if (W < 1.0)
        l2 = log1p(-W) + quad_log_gauss_moment(m, s, 1.0 / kT) - quad_log_gauss_moment(m, s, 0.0);
    double hi = fmax(l1, l2), lo = fmin(l1, l2);
    return isinf(lo) ? hi : hi + log1p(exp(lo - hi));
}

/* F(u) = 2 int_0^inf t exp(-t^2 - 2ut) dt; with t = y/(2u):
 * F = (1/(2u^2)) int_0^inf y exp(-y - y^2/(4u^2)) dy (u > 0). */
static inline double quad_F_f(double y, void *p)
{
    double u = *(const double *)p;
    return y * exp(-y - y * y / (4.0 * u * u));
}

static inline double quad_log_F(double u)
{
    gsl_function F = {quad_F_f, &u};
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(QUAD_LIMIT);
    /* y ~ 1 for large u, y ~ 2u for small u: split where the integrand peaks */
    double ypk = u * u * (sqrt(1.0 + 2.0 / (u * u)) - 1.0); /* root of y^2/2u^2 + y - 1 */
    double tot = quad_piece(w, &F, 0.0, ypk) + quad_piece(w, &F, ypk, ypk + 80.0 * fmax(1.0, u)) +
                 quad_piece(w, &F, ypk + 80.0 * fmax(1.0, u), INFINITY);
    gsl_integration_workspace_free(w);
    return log(tot) - log(2.0 * u * u);
}

#endif
