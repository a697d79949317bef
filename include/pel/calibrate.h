/* calibrate.h - the material from data (the paper's inverse strategy):
 *   (a) pel_calibrate_run: joint maximum likelihood of a material's forms
 *       over ART catalogs (eqs. 3 and 5 at each sample's E_IS), MD
 *       equilibrium-line points (D = 0, eq. 7) and MD protocol tables
 *       (E(T) integrated by eqs. 1-2 along the same protocol); method in
 *       docs/calibration.md;
 *   (b) first version: W(E) and m(E) by weighted least squares to (E_IS, W,
 *       m) points fitted by `pel fit`, and the equilibrium part of an MD
 *       cooling table (docs/fit.md). */
#ifndef PEL_CALIBRATE_H
#define PEL_CALIBRATE_H

#include <stddef.h>
#include <stdint.h>

#include "pel/error.h"
#include "pel/material.h"
#include "pel/util.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One sample: IS energy (eV/atom) and the spectrum fitted there, with
 * standard errors (> 0; they weight the fit as 1/se^2). */
typedef struct pel_calib_point {
    double E, W, W_se, m, m_se;
} pel_calib_point;

/* Which W(E) parameters are free (bit set) in pel_calibrate_spectrum. */
enum {
    PEL_CALIB_W_INF = 1u << 0,
    PEL_CALIB_W_TOP = 1u << 1,
    PEL_CALIB_W_E0 = 1u << 2,
    PEL_CALIB_W_DE = 1u << 3,
    PEL_CALIB_W_ALL = 0xfu
};

typedef struct pel_calib_stats {
    /* standard errors (0 for a parameter held fixed), from the covariance
     * (J^T W J)^-1 with the given se as absolute errors */
    double W_inf_se, W_top_se, W_E0_se, W_dE_se, m_0_se, m_slope_se;
    double chi2_W, chi2_m; /* weighted residual sums of squares */
    size_t dof_W, dof_m;   /* points minus free parameters */
} pel_calib_stats;

/* Fit W(E) = W_inf + (W_top - W_inf)/(1 + exp(-(E - W_E0)/W_dE)) (free
 * parameters chosen by w_free, the others and the start taken from base) by
 * Levenberg-Marquardt (GSL multifit_nlinear), and m(E) = m_0 + m_slope
 * (m_E0 - E) by linear weighted least squares with m_E0 held at base->m_E0
 * (m_0 and m_E0 are not separately identifiable).  *out = base with the
 * fitted values; the result must pass pel_material_check.  st may be NULL.
 * Errors: PEL_EINVAL (fewer points than free parameters, se <= 0, non-finite
 * input, base forms other than logistic W and linear m), PEL_ENOCONV (no convergence or the fit leaves the valid range). */
int pel_calibrate_spectrum(const pel_calib_point *pts, size_t n, const pel_material *base, unsigned w_free,
                           pel_material *out, pel_calib_stats *st, pel_error *err);

/* The equilibrium part of a cooling curve E_IS(T): a glass line below and a
 * liquid parabola above a break (every break point tried, least squares; the
 * liquid's E_IS flattens at high T) give the glass transition T_g where the
 * two meet nearest the break; the points with T >= T_g + margin_K are the
 * equilibrium-line points.  T_K need not be sorted.  keep[i] (caller array of
 * n) is set to 1 for those points, 0 otherwise; *n_keep counts them.
 * Errors: PEL_EINVAL (n < 6, non-finite values, margin < 0, fewer than 3
 * distinct temperatures per segment), PEL_ENOROOT (the segments do not meet
 * inside the data range: no glass transition seen). */
int pel_calibrate_eq_line(const double *T_K, const double *E, size_t n, double margin_K, double *T_g,
                          unsigned char *keep, size_t *n_keep, pel_error *err);

/* Read the T_K and E_IS_eV_per_atom columns (found by name; '#' comment
 * lines and further columns allowed) of a cooling table such as the
 * cooling.csv written by `pel quench`.  *T_K and *E are new arrays of *n
 * values the caller frees.  Errors name the file and line. */
int pel_calibrate_read_cooling(const char *path, double **T_K, double **E, size_t *n, pel_error *err);

/* ---- joint calibration ------------------------------------------------ */

/* Equilibrium-line points E_eq(T) +- se from MD (arrays of n, se > 0). */
typedef struct pel_calib_eqline {
    const char *label; /* for messages (file name) */
    size_t n;
    const double *T_K, *E, *se;
} pel_calib_eqline;

/* One MD protocol table: E_IS(T) along `protocol` (include/pel/protocol.h
 * grammar).  Rows are matched to the model by time since the protocol
 * start when t_ps is given, else by temperature (then the protocol must
 * not visit a temperature twice).  se: per-row standard errors (replica
 * means), or NULL to estimate one noise level from the scatter about a
 * smooth curve (pel_calibrate_noise). */
typedef struct pel_calib_table {
    const char *label;
    const char *protocol;
    size_t n;
    const double *T_K, *E, *se, *t_ps;
} pel_calib_table;

/* One ART catalog at its sample's IS energy E_IS (eV/atom): activation
 * energies EA[n] (eq. 3) and relaxation energies ER[n_R] (eq. 5, may be
 * NULL/0). */
typedef struct pel_calib_catalog {
    const char *label;
    double E_IS;
    size_t n;
    const double *EA;
    size_t n_R;
    const double *ER;
} pel_calib_catalog;

typedef struct pel_calib_data {
    const pel_calib_eqline *eq;
    size_t n_eq;
    const pel_calib_table *tab;
    size_t n_tab;
    const pel_calib_catalog *cat;
    size_t n_cat;
} pel_calib_data;

#define PEL_CALIB_MAX_FREE 24 /* free parameters at most */
#define PEL_CALIB_MAX_SETS 32 /* tables, eq-line files, catalogs each at most */

typedef struct pel_calib_options {
    pel_material start; /* forms, starting values, values of held parameters */
    /* bit i (material parameter i, pel_material_param_name): held at
     * start's value.  pel_calib_options_default sets the identifiable set. */
    uint64_t fixed;
    double EA_min;       /* E_A cutoff of the catalog terms, eV (0 = none) */
    size_t bootstrap;    /* refits on resampled events and rows (0 = none) */
    uint64_t seed;       /* bootstrap seed */
    size_t max_iter;     /* simplex iterations per run (default 20000) */
} pel_calib_options;

/* Defaults for start's forms: e_A, s held (the paper's values; free them by
 * clearing their bits), and the parameters that the forms make redundant
 * held: the reference energies W_E0 (linear W), m_E0 (linear m), S_E0, and
 * S_T of the invT entropy (ln nu0 + S_T is one number); E_lo, E_hi always. */
void pel_calib_options_default(pel_calib_options *o, const pel_material *start);

typedef struct pel_calib_result {
    pel_material mat;                 /* the fitted material */
    size_t n_free;
    int param[PEL_CALIB_MAX_FREE];    /* material parameter index of each free one */
    double value[PEL_CALIB_MAX_FREE]; /* fitted values (natural units) */
    double se[PEL_CALIB_MAX_FREE];    /* from the finite-difference Hessian of -ln L */
    double boot_sd[PEL_CALIB_MAX_FREE]; /* bootstrap standard deviation (NAN without) */
    /* the same on the fitting scale (pel_calibrate_fit_scale), where the
     * Gaussian approximation of -ln L is made: trust these for parameters
     * such as nu0 whose error spans a factor */
    double theta[PEL_CALIB_MAX_FREE], theta_se[PEL_CALIB_MAX_FREE];
    double corr[PEL_CALIB_MAX_FREE * PEL_CALIB_MAX_FREE]; /* correlations, row-major */
    double nll;                       /* -ln L at the optimum */
    double nll_cat, nll_eq, nll_tab;  /* its three parts */
    size_t n_data;                    /* events + E_R values + points + rows */
    double aic, bic;
    double tab_sigma[PEL_CALIB_MAX_SETS]; /* noise used per table (eV/atom; NAN: per-row se) */
    double cat_ks_p[PEL_CALIB_MAX_SETS];  /* KS p of each catalog's E_A against its fitted spectrum */
    size_t n_eval;                    /* likelihood evaluations of the fit */
    size_t n_boot_ok;                 /* bootstrap refits that converged */
    /* set also on a refusal: the parameter that ended on its bound (material
     * parameter index, -1 if none) and that bound, so that a caller may hold
     * it there and refit the simpler model */
    int at_bound;
    double at_bound_value;
    /* free parameters whose start value sat exactly on a bound (e.g. a
     * previous fit's held m_slope = 0): started just inside it instead
     * (bit k = material parameter index k), for the caller to say so */
    uint64_t started_inside;
} pel_calib_result;

/* Fit the free parameters of o->start by maximum likelihood over d (Nelder-
 * Mead simplex on unbounded transforms: ln(x - lo) for a lower bound, logit
 * for [0,1], restarts until -ln L stops improving); standard errors and
 * correlations from the inverse finite-difference Hessian.
 * Refuses with one line in err (res->mat then holds the optimum reached
 * when the refusal comes from the Hessian, else it is unset):
 *   PEL_EINVAL  a data set is inconsistent (length, se <= 0, unreadable
 *               protocol, rows outside the protocol), fewer than two data
 *               sets, no table while a nu parameter is free, data points
 *               <= free parameters, too many free parameters;
 *   PEL_ENOCONV no convergence, a parameter ends on its bound (the message
 *               names it: hold it with `fixed`), or a Hessian that is not
 *               positive definite (a parameter the data do not determine).
 * progress (may be NULL) is called per bootstrap refit. */
int pel_calibrate_run(const pel_calib_data *d, const pel_calib_options *o, pel_calib_result *res,
                      pel_progress_fn progress, void *progress_ctx, pel_error *err);

/* Material parameter i (pel_material_param_name) at value x on the scale
 * the fit uses: ln(x - lo) for a one-sided bound, logit of the position in
 * [lo, hi] for two, x itself for none (bounds in docs/calibration.md).  NAN
 * for a parameter that is never fitted. */
double pel_calibrate_fit_scale(int i, double x);

/* -ln L of d under mat (held-out score; tables without se use the noise
 * estimated from their own scatter).  The three parts may be NULL. */
int pel_calibrate_score(const pel_material *mat, const pel_calib_data *d, double EA_min, double *nll,
                        double *nll_cat, double *nll_eq, double *nll_tab, pel_error *err);

/* The model's E at each row of table t: pel_evolve_run along t->protocol,
 * interpolated linearly in time (t_ps given) or in T.  E_model[t->n] is
 * caller owned. */
int pel_calibrate_table_model(const pel_material *mat, const pel_calib_table *t, double *E_model, pel_error *err);

/* Noise of E(x) about a smooth curve: each interior point against the line
 * through its two neighbours, sigma^2 = mean(r_i^2 / (1 + a_i^2 + b_i^2))
 * (a_i, b_i the interpolation weights), which is exact for white noise on a
 * locally linear curve.  Needs n >= 3 and distinct x.  */
int pel_calibrate_noise(const double *x, const double *E, size_t n, double *sigma, pel_error *err);

/* Change the form of one material function (kind 'W', 'm' or 'S') to
 * `form`, with starting values that match the old form's value at E_ref
 * (eV/atom) where one number allows it; no-op when the form is unchanged. */
void pel_calibrate_switch_form(pel_material *m, char kind, int form, double E_ref);

/* Material number k of a reproducible sequence (seed) drawn from the
 * Gaussian N(mat, cov) over cov's parameters (cov->c positive definite).
 * The draw may fail pel_material_check; the caller skips such draws. */
int pel_calibrate_draw(const pel_material *mat, const pel_material_cov *cov, uint64_t seed, size_t k,
                       pel_material *out, pel_error *err);

/* One or more numbers computed from a material (pel_calibrate_interval):
 * fill out[0..nout) (NaN where the number does not exist for this material,
 * e.g. no equilibrium below its T_c) and return PEL_OK, a positive value to
 * skip the draw, or a negative PEL_E* code (err set) to stop. */
typedef int (*pel_calibrate_stat_fn)(const pel_material *m, void *ctx, double *out, pel_error *err);

/* Central `level` interval (0 < level < 1) of each of nout numbers over
 * ndraws materials drawn from N(mat, cov) (pel_calibrate_draw with seed;
 * draws failing pel_material_check are skipped).  lo[j], hi[j] are the
 * quantiles over the draws whose number j is finite, NaN when fewer than
 * half of all draws give one; n_ok[j] (may be NULL) counts them.  Same seed,
 * same interval.  The caller owns lo, hi, n_ok. */
int pel_calibrate_interval(const pel_material *mat, const pel_material_cov *cov, uint64_t seed, size_t ndraws,
                           double level, pel_calibrate_stat_fn fn, void *ctx, size_t nout, double *lo, double *hi,
                           size_t *n_ok, pel_error *err);

/* Read an equilibrium-line CSV (columns T_K, E_eq_eV_per_atom,
 * E_eq_se_eV_per_atom required; a `met` column with 0 skips that row, and
 * *n_skipped counts them).  Arrays are new, freed by the caller. */
int pel_calibrate_read_eqline(const char *path, double **T_K, double **E, double **se, size_t *n,
                              size_t *n_skipped, pel_error *err);

/* Read an MD protocol table (T_K, E_IS_eV_per_atom required; t_ps and
 * E_IS_se_eV_per_atom optional, their arrays NULL when absent).  Rows with
 * T_K <= 0 (an MD run ending at 0 K) are skipped and counted. */
int pel_calibrate_read_table(const char *path, double **T_K, double **E, double **se, double **t_ps, size_t *n,
                             size_t *n_skipped, pel_error *err);

#ifdef __cplusplus
}
#endif

#endif
