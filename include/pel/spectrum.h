/* spectrum.h - the activation spectrum P(E_A|E) (paper eq. 3, docs/theory.md §2) and its
 * Boltzmann average (paper eq. 4, docs/theory.md §3).
 *
 *   P(E_A) = W (1/e_A) exp(-E_A/e_A) + W0 E_A exp(-(E_A - m)^2 / (2 s^2)),  E_A >= 0
 *   W0     = (1 - W) / I1(m, s)
 *   Z(T)   = int_0^inf P(E_A) exp(-E_A/kT) dE_A,    mean barrier = -kT ln Z
 *
 * Everything is evaluated in log space by a closed form accurate to 1e-12
 * relative on Z for 1 K <= T <= 5000 K, 0 <= W <= 1, -1 <= m <= 10 eV. */
#ifndef PEL_SPECTRUM_H
#define PEL_SPECTRUM_H

#include "pel/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Parameters of one spectrum (one inherent-structure energy E). */
typedef struct pel_spectrum {
    double W;  /* weight of the exponential mode M1, 0 <= W <= 1 */
    double m;  /* location parameter of the peaked mode M2, eV */
    double eA; /* decay energy of M1, eV (> 0) */
    double s;  /* width of M2, eV (> 0) */
} pel_spectrum;

/* Check ranges (W in [0,1], eA > 0, s > 0, all finite); PEL_EINVAL names the
 * offending field. */
int pel_spectrum_check(const pel_spectrum *sp, pel_error *err);

/* ln I1(mu, s), I1 = int_0^inf x exp(-(x-mu)^2/(2 s^2)) dx (docs/theory.md §2), stable
 * for any finite mu (including mu << -s, where I1 underflows). */
double pel_spectrum_log_I1(double mu, double s);

/* ln F(u), F(u) = 1 - sqrt(pi) u e^{u^2} erfc(u) for u > 0: the bracket of
 * I1 and of the M2 part of Z (docs/theory.md §3), F -> 1/(2u^2) for large u, computed
 * without cancellation (docs/spectrum.md).  u <= 0 is outside its domain
 * (returns NaN). */
double pel_spectrum_log_F(double u);

/* ln W0 = ln(1 - W) - ln I1(m, s), the M2 normalisation (docs/theory.md §2); -inf
 * when W = 1. */
double pel_spectrum_log_W0(const pel_spectrum *sp);

/* Density P(E_A) and its two parts (1/eV).  pdf = m1 + m2; zero for E_A < 0. */
double pel_spectrum_pdf(const pel_spectrum *sp, double EA);
double pel_spectrum_pdf_m1(const pel_spectrum *sp, double EA);
double pel_spectrum_pdf_m2(const pel_spectrum *sp, double EA);

/* ln Z(T) by the closed form of docs/theory.md §3 (no argument checks: hot path of the
 * ODE right-hand side; call pel_spectrum_check once beforehand). */
double pel_spectrum_log_Z(const pel_spectrum *sp, double T_K);

/* Z, mean barrier Ebar_A = -kT ln Z (eV), with argument checks (T in
 * [1e-3, 1e5] K).  Either output pointer may be NULL. */
int pel_spectrum_barrier(const pel_spectrum *sp, double T_K, double *Z, double *EA_mean, pel_error *err);

#ifdef __cplusplus
}
#endif

#endif
