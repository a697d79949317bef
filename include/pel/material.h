/* material.h - a glass-former as the model sees it: the constants e_A, s,
 * e_R of paper eqs. 3 and 5 and the material functions W(E), m(E), nu(E,T).
 *
 * Each function has a small family of forms, chosen per material (INI key
 * `form`, docs/material.md); E = inherent-structure energy, eV/atom:
 *   W(E)  logistic (default): W_inf + (W_top - W_inf) / (1 + exp(-(E - W_E0) / W_dE))
 *         linear:             clamp(W_0 + W_slope (E - W_E0), 0, 1), either slope sign
 *   m(E)  linear (default):   m_0 + m_slope (m_E0 - E)                (eV, unbounded)
 *         logistic:           m_0 + m_amp / (1 + exp((E - m_E0) / m_dE))  (saturates)
 *   nu(E,T) = nu0 exp(S(E,T)/k_B)                                    (1/s, per atom)
 *   S/k_B invT (default):     S_E (E - S_E0) + S_T (1 - S_T0 / T)
 *         logistic:           S_E (E - S_E0) - S_T / (1 + exp((T - S_T0) / S_dT))
 * The invT entropy is an extra Arrhenius factor exp(-S_T S_T0 / T) at low T
 * (what freezes the glass, paper Fig. 4 text); the logistic one saturates at
 * both ends, so nu stays near nu0 exp(S_E (E - S_E0)) in the hot liquid.
 * A material is a plain value: copy it freely.  Fields not used by the chosen
 * forms are 0. */
#ifndef PEL_MATERIAL_H
#define PEL_MATERIAL_H

#include <stdio.h>

#include "pel/error.h"
#include "pel/spectrum.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Forms of W(E), m(E) and S(E,T); 0 is the historical default of each. */
typedef enum { PEL_W_LOGISTIC = 0, PEL_W_LINEAR = 1, PEL_W_NFORMS } pel_W_form;
typedef enum { PEL_M_LINEAR = 0, PEL_M_LOGISTIC = 1, PEL_M_NFORMS } pel_m_form;
typedef enum { PEL_S_INVT = 0, PEL_S_LOGISTIC = 1, PEL_S_NFORMS } pel_S_form;

typedef struct pel_material {
    char name[64];
    double eA; /* M1 decay energy, eV */
    double s;  /* M2 width, eV */
    double eR; /* mean relaxation energy (paper eq. 5-6), eV */
    /* W(E): logistic W_inf, W_top, W_E0, W_dE; linear W_0, W_slope, W_E0 */
    double W_inf, W_top, W_E0, W_dE, W_0, W_slope;
    /* m(E): linear m_0, m_slope, m_E0; logistic m_0, m_amp, m_E0, m_dE */
    double m_0, m_slope, m_E0, m_amp, m_dE;
    /* nu(E,T): invT nu0, S_E, S_E0, S_T, S_T0; logistic adds S_dT (K) */
    double nu0_per_s, S_E, S_E0, S_T, S_T0, S_dT;
    /* Range of E where the forms are meant to hold, eV/atom (root brackets,
     * plot axes).  E_lo < E_hi. */
    double E_lo, E_hi;
    pel_W_form W_form;
    pel_m_form m_form;
    pel_S_form S_form;
} pel_material;

/* Name of a form ("logistic", "linear", "invT") and back; kind is 'W', 'm'
 * or 'S'.  pel_material_form_parse returns PEL_EINVAL naming the known forms. */
const char *pel_material_form_name(char kind, int form);
int pel_material_form_parse(char kind, const char *name, int *form, pel_error *err);

/* Built-in preset by name ("cu56zr44", "cu56zr44-paper"); PEL_EINVAL for an
 * unknown name. */
int pel_material_preset(const char *name, pel_material *out, pel_error *err);

/* Load from an INI file (format in docs/material.md; read with libinih).
 * Unknown sections or keys, duplicate keys, malformed numbers and malformed
 * lines are PEL_EPARSE "path:line: ... [section] key"; a missing key is
 * PEL_EPARSE "path: missing key [section] key"; an unreadable file PEL_EIO.
 * The result is validated by pel_material_check (PEL_EINVAL). */
int pel_material_load(const char *path, pel_material *out, pel_error *err);

/* Preset name or file path: a name without '/' and '.' is a preset. */
int pel_material_resolve(const char *name_or_path, pel_material *out, pel_error *err);

/* Write as an INI file that pel_material_load reads back exactly (%.17g). */
int pel_material_save(const pel_material *mat, const char *path, pel_error *err);

/* The same text to an open stream (for files that add sections or
 * comments, e.g. `pel calibrate`); write errors show on the stream. */
void pel_material_write(const pel_material *mat, FILE *fp);

/* Covariance of fitted parameters, stored in a material file's optional
 * [covariance] section (`pel calibrate` writes it; pel_material_load skips
 * it): params = <names>, then one row "<name> = <n values>" per parameter,
 * natural units.  c is row-major with stride PEL_MATERIAL_COV_MAX. */
#define PEL_MATERIAL_COV_MAX 24
typedef struct pel_material_cov {
    size_t n;
    int param[PEL_MATERIAL_COV_MAX]; /* pel_material_param index */
    double c[PEL_MATERIAL_COV_MAX * PEL_MATERIAL_COV_MAX];
} pel_material_cov;

/* n = 0 when the file has no [covariance]; PEL_EPARSE for a malformed one
 * (unknown name, missing row, wrong count, not symmetric). */
int pel_material_load_cov(const char *path, pel_material_cov *cov, pel_error *err);
void pel_material_write_cov(const pel_material_cov *cov, FILE *fp);

/* Range and sign checks of every parameter. */
int pel_material_check(const pel_material *mat, pel_error *err);

double pel_material_W(const pel_material *mat, double E);
double pel_material_m(const pel_material *mat, double E);
double pel_material_log_nu(const pel_material *mat, double E, double T_K); /* ln(nu / (1/s)) */

/* The numeric parameters in file order (the table the INI reader and writer
 * use): count, key name ("W_E0"), a pointer into *m, and whether m's forms
 * use it.  pel_material_param_find returns the index of a key or -1. */
size_t pel_material_nparams(void);
const char *pel_material_param_name(size_t i);
double *pel_material_param(pel_material *m, size_t i);
int pel_material_param_used(const pel_material *m, size_t i);
int pel_material_param_find(const char *name);

/* The spectrum of eq. 3 at inherent-structure energy E. */
void pel_material_spectrum(const pel_material *mat, double E, pel_spectrum *out);

#ifdef __cplusplus
}
#endif

#endif
