/* calibrate.h - the material's forms from data (SPEC §6, the inverse
 * strategy; first version):
 *   (a) W(E) and m(E) of include/pel/material.h fitted by weighted least
 *       squares to (E_IS, W, m) points fitted to ART spectra by `pel fit`;
 *   (b) the equilibrium-line points implied by an MD cooling table (the
 *       high-T part, above the glass transition, where E_IS tracks E_eq(T)).
 * Pure functions of arrays; documented in docs/fit.md. */
#ifndef PEL_CALIBRATE_H
#define PEL_CALIBRATE_H

#include <stddef.h>

#include "pel/error.h"
#include "pel/material.h"

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
 * input), PEL_ENOCONV (no convergence or the fit leaves the valid range). */
int pel_calibrate_spectrum(const pel_calib_point *pts, size_t n, const pel_material *base, unsigned w_free,
                           pel_material *out, pel_calib_stats *st, pel_error *err);

/* The equilibrium part of a cooling curve E_IS(T): a two-segment line fit
 * (every break point tried, least squares) gives the glass transition T_g
 * where the segments meet; the points with T >= T_g + margin_K are the
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

#ifdef __cplusplus
}
#endif

#endif
