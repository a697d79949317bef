/* stats.h - statistics of correlated time series, as MD averages need them
 * (docs/md.md "Equilibrium line"):
 *   - the statistical inefficiency g = 1 + 2 sum_k (1 - k/n) rho_k, summed
 *     with Sokal's automatic window (stop at the first lag W >= c tau(W),
 *     c = 5), so that the standard error of the mean is sqrt(var g / n);
 *   - the equilibration time by Chodera's rule (J. Chem. Theory Comput. 12,
 *     1799 (2016)): discard the first t0 points where t0 maximises the number
 *     of effectively independent samples (n - t0) / g(t0);
 *   - the isotherm decision: two runs at one T approached from above and from
 *     below meet when their equilibrated means differ by less than z times the
 *     standard error of the difference.
 * Pure functions of arrays; no allocation beyond what they state. */
#ifndef PEL_STATS_H
#define PEL_STATS_H

#include <stddef.h>

#include "pel/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pel_series_stats {
    size_t t0;      /* points discarded as equilibration */
    size_t n_used;  /* n - t0 */
    double mean;    /* of the used points */
    double sd;      /* their standard deviation */
    double g;       /* statistical inefficiency (>= 1) */
    double se;      /* standard error of the mean: sd sqrt(g / n_used) */
    double n_eff;   /* n_used / g */
} pel_series_stats;

/* Statistical inefficiency of x[0..n) (n >= 2); 1 for a constant series. */
double pel_stats_inefficiency(const double *x, size_t n);

/* Equilibration detection and equilibrated mean of x[0..n).  t0 is searched
 * over 0 .. max_discard*n (0 <= max_discard < 1; 0.5 is a safe choice) and at
 * least min_used points are kept.  PEL_EINVAL for n < min_used, min_used < 3,
 * non-finite values or a bad max_discard. */
int pel_stats_equilibrated(const double *x, size_t n, double max_discard, size_t min_used, pel_series_stats *out,
                           pel_error *err);

/* Two estimates a +- se_a and b +- se_b of one quantity: *met = 1 when
 * |a - b| <= z sqrt(se_a^2 + se_b^2); the combined estimate is their
 * inverse-variance weighted mean with its standard error (the plain mean and
 * the larger se when an se is 0).  PEL_EINVAL for negative or non-finite input. */
int pel_stats_meet(double a, double se_a, double b, double se_b, double z, int *met, double *mean, double *se,
                   pel_error *err);

/* One side of an isotherm (runs started above or below E_eq at one T): the
 * equilibrated means of its nrep replicas' series e[r][0..n[r]).  mean is
 * their mean; se the larger of the propagated error sqrt(sum se_r^2)/nrep and,
 * for nrep >= 3, the replicas' own scatter sd/sqrt(nrep); t0_max the largest
 * equilibration cut (points); stationary = 0 when, in some replica, the two
 * halves of the used part differ by more than 3 standard errors (still
 * drifting). */
typedef struct pel_isotherm_side {
    double mean, se;
    size_t t0_max;
    int nrep, stationary;
} pel_isotherm_side;

int pel_stats_isotherm_side(const double *const *e, const size_t *n, size_t nrep, double max_discard,
                            size_t min_used, pel_isotherm_side *out, pel_error *err);

/* The isotherm decision from the two sides: met = 1 only when they agree
 * within z standard errors, both are stationary and the combined error is at
 * most max_se; *why names the first failed condition (NULL when met).
 * E_eq and se as pel_stats_meet gives them. */
int pel_stats_isotherm(const pel_isotherm_side *above, const pel_isotherm_side *below, double z, double max_se,
                       int *met, double *E_eq, double *se, const char **why, pel_error *err);

#ifdef __cplusplus
}
#endif

#endif
