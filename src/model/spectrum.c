/* spectrum.c - activation spectrum P(E_A|E) (paper eq. 3, docs/theory.md §2) and its
 * Boltzmann average Z, mean barrier -kT ln Z (paper eq. 4, docs/theory.md §3).
 *
 * Everything goes through one function of one variable, the M2 bracket
 *     F(u) = 1 - sqrt(pi) u erfcx(u),     erfcx(u) = e^{u^2} erfc(u),
 * because for mu < 0 both I1(mu, s) = s^2 e^{-mu^2/2s^2} F(-mu/(s sqrt2)) and
 * the M2 part of Z, e^C I1(mu, s) = s^2 e^{-m^2/2s^2} F(u) (the huge terms of
 * C and -mu^2/2s^2 cancel analytically), are products of a Gaussian factor and
 * F.  F cancels catastrophically for large u (F -> 1/(2u^2)), so:
 *   0 < u <= PEL_SPEC_U_CF : F = 1 - sqrt(pi) u e^{u^2} erfc(u), erfc from
 *                            C99 libm (measured error <= 5e-15 relative there;
 *                            4x faster than gsl_sf_erfc and as accurate here,
 *                            see docs/spectrum.md)
 *   u > PEL_SPEC_U_CF     : Laplace continued fraction of erfc rearranged so
 *                            that nothing cancels, F = R/(u+R) with
 *                            R = (1/2)/(u + 1/(u + (3/2)/(u + 2/(u + ...))))
 * Accuracy against 80-digit truth (tests/model/spectrum_truth.py) is recorded
 * in docs/spectrum.md. */
#include "pel/spectrum.h"

#include <math.h>

#include "pel/util.h"

/* Above this u the erfc form starts to lose accuracy (cancellation 2u^2
 * times the rounding of erfc: 1e-14 at u = 9, 1e-13 at u = 15 with libm,
 * worse with gsl_sf_erfc); the continued fraction is cheaper there anyway.
 * Measured, see docs/spectrum.md. */
#define PEL_SPEC_U_CF 4.0
/* Continued-fraction depth N(u) = CF_DEPTH_MIN + CF_DEPTH_SCALE/u: measured
 * depths for 1e-16 are 24 at u = 4, 16 at u = 6, 10 at u = 10, 8 at u = 20;
 * this rule gives at least 8 terms of margin everywhere above u = 4. */
#define PEL_SPEC_CF_DEPTH_MIN 8
#define PEL_SPEC_CF_DEPTH_SCALE 96.0

#define PEL_SPEC_SQRT_PI 1.7724538509055160273 /* sqrt(pi) */
#define PEL_SPEC_SQRT_PI_2 1.2533141373155002512 /* sqrt(pi/2) */
#define PEL_SPEC_SQRT2 1.4142135623730950488

/* Ranges accepted by pel_spectrum_barrier (K). */
#define PEL_SPEC_T_MIN 1e-3
#define PEL_SPEC_T_MAX 1e5

/* ------------------------------------------------------------------------
 * ln F(u) for u > 0 (callers guarantee u > 0). */
static double log_bracket(double u)
{
    if (u <= PEL_SPEC_U_CF) {
        /* exp(u^2) with the rounding error of u*u put back (fma), so the
         * argument error does not add u^2 eps to the cancellation */
        double t = u * u;
        double dt = fma(u, u, -t);
        double ex = exp(t) * (1.0 + dt);
        return log1p(-PEL_SPEC_SQRT_PI * u * ex * erfc(u));
    }
    int n = PEL_SPEC_CF_DEPTH_MIN + (int)(PEL_SPEC_CF_DEPTH_SCALE / u);
    double t = u;
    for (; n >= 2; n--)
        t = u + (0.5 * n) / t; /* backward evaluation: stable, no cancellation */
    double R = 0.5 / t;
    return log(R) - log(u + R);
}

double pel_spectrum_log_F(double u)
{
    return u > 0.0 ? log_bracket(u) : NAN;
}

double pel_spectrum_log_W0(const pel_spectrum *sp)
{
    return log1p(-sp->W) - pel_spectrum_log_I1(sp->m, sp->s);
}

/* ------------------------------------------------------------------------
 * ln I1(mu, s): direct form for mu >= 0 (two positive terms), Gaussian
 * factor times bracket for mu < 0 (docs/theory.md §2). */
double pel_spectrum_log_I1(double mu, double s)
{
    if (mu >= 0.0) {
        double g = s * s * exp(-0.5 * (mu / s) * (mu / s));
        return log(g + mu * s * PEL_SPEC_SQRT_PI_2 * erfc(-mu / (s * PEL_SPEC_SQRT2)));
    }
    double r = mu / s;
    return -0.5 * r * r + 2.0 * log(s) + log_bracket(-r / PEL_SPEC_SQRT2);
}

/* ------------------------------------------------------------------------
 * ln [int_0^inf x e^{-(x-m)^2/2s^2 - x/kT} dx / I1(m, s)]: the M2 part of Z
 * divided by W0 (1 - W) (docs/theory.md §3). */
static double log_m2_ratio(double m, double s, double kT)
{
    double mu = m - s * s / kT;
    if (mu >= 0.0) {
        /* e^C I1(mu), C = -m/kT + s^2/(2 k^2T^2) <= -m/(2kT): no cancellation */
        double C = -m / kT + 0.5 * (s / kT) * (s / kT);
        return C + pel_spectrum_log_I1(mu, s) - pel_spectrum_log_I1(m, s);
    }
    double u = -mu / (s * PEL_SPEC_SQRT2);
    /* m < 0 too: both are Gaussian factor times bracket, and the factors
     * e^{-m^2/2s^2} s^2 cancel exactly */
    if (m < 0.0)
        return log_bracket(u) - log_bracket(-m / (s * PEL_SPEC_SQRT2));
    /* completing the square: C - mu^2/2s^2 = -m^2/2s^2 exactly */
    double r = m / s;
    return -0.5 * r * r + 2.0 * log(s) + log_bracket(u) - pel_spectrum_log_I1(m, s);
}

/* logsumexp of two terms, either may be -inf */
static double log_add(double a, double b)
{
    if (a < b) {
        double t = a;
        a = b;
        b = t;
    }
    if (isinf(a) && a < 0)
        return a;
    return a + log1p(exp(b - a));
}

double pel_spectrum_log_Z(const pel_spectrum *sp, double T_K)
{
    double kT = PEL_KB_EV_PER_K * T_K;
    /* M1: W int (1/eA) e^{-x/eA - x/kT} dx = W kT/(kT + eA) */
    double l1 = sp->W > 0.0 ? log(sp->W) - log1p(sp->eA / kT) : -INFINITY;
    /* M2: W0 e^C I1(mu), W0 = (1-W)/I1(m,s) */
    double l2 = -INFINITY;
    if (sp->W < 1.0)
        l2 = log1p(-sp->W) + log_m2_ratio(sp->m, sp->s, kT);
    return log_add(l1, l2);
}

/* ------------------------------------------------------------------------
 * Densities. */
double pel_spectrum_pdf_m1(const pel_spectrum *sp, double EA)
{
    if (EA < 0.0 || sp->W <= 0.0)
        return 0.0;
    return sp->W / sp->eA * exp(-EA / sp->eA);
}

double pel_spectrum_pdf_m2(const pel_spectrum *sp, double EA)
{
    if (EA <= 0.0 || sp->W >= 1.0)
        return 0.0;
    double r = (EA - sp->m) / sp->s;
    /* W0 E_A e^{-r^2/2} in logs: W0 = (1-W)/I1 can be huge when I1 underflows */
    return exp(pel_spectrum_log_W0(sp) + log(EA) - 0.5 * r * r);
}

double pel_spectrum_pdf(const pel_spectrum *sp, double EA)
{
    return pel_spectrum_pdf_m1(sp, EA) + pel_spectrum_pdf_m2(sp, EA);
}

/* ------------------------------------------------------------------------
 * Checked entry points. */
int pel_spectrum_check(const pel_spectrum *sp, pel_error *err)
{
    if (!sp)
        return pel_error_set(err, PEL_EINVAL, "spectrum: NULL parameters");
    if (!isfinite(sp->W) || sp->W < 0.0 || sp->W > 1.0)
        return pel_error_set(err, PEL_EINVAL, "spectrum: W = %g outside [0, 1]", sp->W);
    if (!isfinite(sp->m))
        return pel_error_set(err, PEL_EINVAL, "spectrum: m is not finite");
    if (!isfinite(sp->eA) || sp->eA <= 0.0)
        return pel_error_set(err, PEL_EINVAL, "spectrum: eA = %g must be > 0 eV", sp->eA);
    if (!isfinite(sp->s) || sp->s <= 0.0)
        return pel_error_set(err, PEL_EINVAL, "spectrum: s = %g must be > 0 eV", sp->s);
    return PEL_OK;
}

int pel_spectrum_barrier(const pel_spectrum *sp, double T_K, double *Z, double *EA_mean, pel_error *err)
{
    int rc = pel_spectrum_check(sp, err);
    if (rc != PEL_OK)
        return rc;
    if (!isfinite(T_K) || T_K < PEL_SPEC_T_MIN || T_K > PEL_SPEC_T_MAX)
        return pel_error_set(err, PEL_EINVAL, "spectrum: T = %g K outside [%g, %g] K", T_K, PEL_SPEC_T_MIN,
                             PEL_SPEC_T_MAX);
    double lz = pel_spectrum_log_Z(sp, T_K);
    if (!isfinite(lz))
        return pel_error_set(err, PEL_ENUMERIC, "spectrum: ln Z not finite at W = %g, m = %g, T = %g K", sp->W,
                             sp->m, T_K);
    if (Z)
        *Z = exp(lz);
    if (EA_mean)
        *EA_mean = -PEL_KB_EV_PER_K * T_K * lz + 0.0; /* + 0.0: Z = 1 gives 0, not -0 */
    return PEL_OK;
}
