/* fit.h - spectra from event catalogs (docs/theory.md §2, §7; paper eqs. 3 and 5).
 *
 * Reads the E_A, E_R values of a saddle-search catalog (this project's
 * `pel art` CSV or a LAMMPS-ARTn `log.event` file), and fits
 *
 *   P(E_A) = W (1/e_A) exp(-E_A/e_A) + (1-W)/I1(m,s) E_A exp(-(E_A-m)^2/(2 s^2))
 *
 * by maximum likelihood (W, m free; e_A, s fixed or free), with standard
 * errors from the observed Fisher information, percentile bootstrap
 * intervals and a Kolmogorov-Smirnov test; and P(E_R) = exp(-E_R/e_R)/e_R by
 * its MLE e_R = mean(E_R).  Formats and conventions: docs/fit.md. */
#ifndef PEL_FIT_H
#define PEL_FIT_H

#include <stddef.h>
#include <stdint.h>

#include "pel/error.h"
#include "pel/util.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- event catalogs ---------------------------------------------------- */

enum { PEL_EVENTS_PEL_CSV = 1, PEL_EVENTS_ARTN_LOG = 2 };

/* The usable (converged) events of one catalog.  Arrays hold n values. */
typedef struct pel_events {
    int format;               /* PEL_EVENTS_PEL_CSV or PEL_EVENTS_ARTN_LOG */
    size_t n;                 /* usable events */
    double *EA;               /* activation energies, eV (>= 0) */
    double *ER;               /* relaxation energies, eV; NULL if the file has none */
    double *E_initial;        /* energy of the initial minimum, eV; NULL if absent */
    size_t n_rows;            /* data rows read */
    size_t n_skipped;         /* rows with a status other than `converged` */
    int torn_last_line;       /* 1: an unterminated last line was ignored */
    double E_IS_eV_per_atom;  /* comment or companion column; NAN if none */
    long n_atoms;             /* from a `# n_atoms=` comment; 0 if none */
} pel_events;

/* Read a catalog, format detected from its content (a `#Event ... del-E`
 * comment header = LAMMPS-ARTn log.event; otherwise a CSV header line with
 * EA_eV).  Columns are found by name.  On success *out is a new object the
 * caller frees with pel_events_free; on failure *out is NULL and err names the
 * file and line (missing file, missing column, malformed number, wrong
 * number of fields, negative energy). */
int pel_events_read(const char *path, pel_events **out, pel_error *err);
void pel_events_free(pel_events **ev);

/* IS energy per atom of the sample, eV/atom: the comment value if present
 * or companion column E_IS_eV_per_atom (unless force_from_initial), else
 * E_initial of the first event / n_atoms
 * (n_atoms_override > 0 wins over the file's `# n_atoms=`).  PEL_EINVAL when
 * it cannot be determined. */
int pel_events_E_IS(const pel_events *ev, long n_atoms_override, int force_from_initial, double *E_IS,
                    pel_error *err);

/* ---- the activation spectrum (eq. 3) ------------------------------------ */

typedef struct pel_fit_spec {
    double W, m, eA, s; /* as in pel_spectrum (include/pel/spectrum.h) */
} pel_fit_spec;

/* Density, log density and CDF of eq. 3 on E_A >= 0 (closed forms). */
double pel_fit_pdf(const pel_fit_spec *p, double EA);
double pel_fit_log_pdf(const pel_fit_spec *p, double EA);
double pel_fit_cdf(const pel_fit_spec *p, double EA);

/* ---- maximum-likelihood fit ------------------------------------------- */

typedef struct pel_fit_options {
    double eA, s;        /* fixed values (or starting values when free), eV */
    int free_eA_s;       /* 1: fit e_A and s as well */
    double EA_min;       /* lower cutoff, eV: events below are dropped and the
                            density is truncated to E_A >= EA_min (0 = none) */
    size_t bootstrap;    /* number of bootstrap resamples (0 = none) */
    double ci_level;     /* confidence level of the intervals (0.95) */
    uint64_t seed;       /* bootstrap RNG seed (via pel_seed_stream) */
    size_t min_events;   /* fewer usable events is an error (default 20) */
} pel_fit_options;

void pel_fit_options_default(pel_fit_options *opt);

/* One fitted quantity.  se: standard error from the observed Fisher
 * information (0 for a fixed parameter; NAN when the Hessian is not positive
 * definite, for W within 1e-6 of 0 or 1, and for all when the optimum is on a
 * parameter wall; docs/fit.md);
 * ci_lo/ci_hi: percentile bootstrap interval (NAN without bootstrap). */
typedef struct pel_fit_param {
    double value, se, ci_lo, ci_hi;
} pel_fit_param;

typedef struct pel_fit_result {
    size_t n;                     /* E_A values used (>= EA_min) */
    pel_fit_param W, m, eA, s;
    double nll;                   /* negative log-likelihood at the optimum */
    double ks_D, ks_p;            /* KS statistic and asymptotic p-value */
    size_t n_boot_ok;             /* bootstrap fits that converged */
    /* relaxation (eq. 5); n_R = 0 when no E_R values were given */
    size_t n_R;
    pel_fit_param eR;
    double ks_R_D, ks_R_p;
} pel_fit_result;

/* Fit eq. 3 to EA[0..n) (and eq. 5 to ER[0..n_R), ER may be NULL).
 * progress (may be NULL) is called once per bootstrap resample.
 * Errors: PEL_EINVAL (bad options, fewer than min_events usable values,
 * negative or non-finite data), PEL_ENOCONV (optimiser failed). */
int pel_fit_events(const double *EA, size_t n, const double *ER, size_t n_R, const pel_fit_options *opt,
                   pel_fit_result *res, pel_progress_fn progress, void *progress_ctx, pel_error *err);

/* ---- goodness of fit -------------------------------------------------- */

/* KS statistic D = sup |F_n - F| of the sorted sample x[0..n). */
double pel_fit_ks_statistic(const double *x_sorted, size_t n, double (*cdf)(const void *, double),
                            const void *cdf_ctx);
/* Asymptotic p-value P(D_n >= D) from the Kolmogorov distribution with
 * Stephens' finite-n correction. */
double pel_fit_ks_pvalue(double D, size_t n);

/* ---- the paper's decoupling assumptions, tested (docs/fit.md) --------- */

/* Association of E_A and E_R over the events of one catalog (paired arrays):
 * the paper's eq. 5 takes E_R independent of E_A.  Pearson r and Spearman rho,
 * each with the two-sided p-value of the t statistic r sqrt((n-2)/(1-r^2))
 * with n-2 degrees of freedom (exact for Pearson under bivariate normality,
 * the usual large-n approximation for Spearman). */
typedef struct pel_fit_assoc {
    size_t n;
    double pearson_r, pearson_p;
    double spearman_rho, spearman_p;
} pel_fit_assoc;

/* PEL_EINVAL for n < 4 or non-finite values; a constant column gives r = NAN. */
int pel_fit_assoc_EA_ER(const double *EA, const double *ER, size_t n, pel_fit_assoc *out, pel_error *err);

/* One e_R for k catalogs?  ER[i] (n[i] values) is catalog i's relaxation sample.
 * lr: likelihood ratio of eq. 5 with one e_R per catalog against a common
 * one, 2 sum_i n_i ln(mean / mean_i), chi^2 with k-1 degrees of freedom
 * (eR_common = the pooled mean, eR_common_se = eR_common/sqrt(N)).
 * kw: Kruskal-Wallis H on the ranks (ties averaged and corrected), chi^2
 * with k-1 degrees of freedom: the same question without assuming eq. 5's
 * exponential form. */
typedef struct pel_fit_equal {
    size_t k, N;
    double eR_common, eR_common_se;
    double lr, lr_p;
    double kw, kw_p;
} pel_fit_equal;

/* PEL_EINVAL for k < 2, a catalog with fewer than 2 values, or a value that
 * is negative or not finite. */
int pel_fit_equal_eR(const double *const *ER, const size_t *n, size_t k, pel_fit_equal *out, pel_error *err);

/* Trend of a fitted quantity y (standard errors se) against x over k
 * samples (e.g. e_R, W or m against E_IS): the weighted least-squares line
 * y = a + b x (weights 1/se^2), b with its standard error from the given se,
 * p_slope the two-sided normal p of b/se_b; chi2_const the weighted scatter
 * about the weighted mean (chi^2, k-1 degrees of freedom) and its p. */
typedef struct pel_fit_trend {
    size_t k;
    double mean, mean_se;
    double slope, slope_se, slope_p;
    double chi2_const, chi2_const_p;
} pel_fit_trend;

/* PEL_EINVAL for k < 2 (k < 3 leaves the slope's p without a check of the
 * line; still given), se <= 0 or non-finite, or all x equal. */
int pel_fit_trend_xy(const double *x, const double *y, const double *se, size_t k, pel_fit_trend *out,
                     pel_error *err);

#ifdef __cplusplus
}
#endif

#endif
