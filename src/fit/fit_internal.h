/* fit_internal.h - helpers shared by the files of src/fit (not public). */
#ifndef PEL_FIT_INTERNAL_H
#define PEL_FIT_INTERNAL_H

#include "pel/fit.h"

/* ln I1(mu, s), I1 = int_0^inf x exp(-(x-mu)^2/(2 s^2)) dx (docs/theory.md §2), for any
 * finite mu and s > 0. */
double pel_fit_log_I1(double mu, double s);
/* ln P(E_A) and the survival 1 - F(E_A) of eq. 3 with ln I1(m, s) precomputed
 * (the likelihood loop calls these n times per parameter point). */
double pel_fit_log_pdf_I1(const pel_fit_spec *p, double log_I1, double EA);
double pel_fit_survival_I1(const pel_fit_spec *p, double log_I1, double EA);

/* Negative log-likelihood of eq. 3 truncated to E_A >= EA_min (0 = none):
 * -sum w_i ln P(x_i) + (sum w_i) ln S(EA_min), logx[i] = ln x[i]; w NULL
 * weighs every event 1 (integer w = bootstrap counts).  Not finite when p
 * is outside the spectrum's range. */
double pel_fit_nll_events(const pel_fit_spec *p, const double *x, const double *logx, const double *w, size_t n,
                          double EA_min);

#endif
