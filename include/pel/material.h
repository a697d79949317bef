/* material.h - a glass-former as the model sees it (SPEC §6): the constants
 * e_A, s, e_R and the material functions W(E), m(E), nu(E,T).
 *
 * Functional forms (E = inherent-structure energy, eV/atom):
 *   W(E)    = W_inf + (W_top - W_inf) / (1 + exp(-(E - W_E0) / W_dE))
 *             falls as E falls, to the floor W_inf (M1 persists, SPEC §4)
 *   m(E)    = m_0 + m_slope * (m_E0 - E)       (eV; rises without bound as E falls)
 *   nu(E,T) = nu0 * exp(S(E,T)/k_B)           (1/s, per atom)
 *   S/k_B   = S_E * (E - S_E0) + S_T * (1 - S_T0 / T)
 *             entropy falls at deeper E (S_E >= 0, 1/eV) and lower T
 *             (S_T >= 0); the T part saturates at S_T for T >> S_T0 and acts
 *             as an extra Arrhenius factor exp(-S_T S_T0 / T) at low T, which
 *             is what freezes the glass below ~500 K (paper, Fig. 4 text)
 * A material is a plain value: copy it freely.  The owner of these forms and
 * of the cu56zr44 preset values documents how each constraint is met in
 * docs/material.md. */
#ifndef PEL_MATERIAL_H
#define PEL_MATERIAL_H

#include "pel/error.h"
#include "pel/spectrum.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pel_material {
    char name[64];
    double eA; /* M1 decay energy, eV */
    double s;  /* M2 width, eV */
    double eR; /* mean relaxation energy (paper eq. 5-6), eV */
    /* W(E) */
    double W_inf, W_top, W_E0, W_dE;
    /* m(E) */
    double m_0, m_slope, m_E0;
    /* nu(E,T) */
    double nu0_per_s, S_E, S_E0, S_T, S_T0;
    /* Range of E where the forms are meant to hold, eV/atom (root brackets,
     * plot axes).  E_lo < E_hi. */
    double E_lo, E_hi;
} pel_material;

/* Built-in preset by name ("cu56zr44"); PEL_EINVAL for an unknown name. */
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

/* Range and sign checks of every parameter. */
int pel_material_check(const pel_material *mat, pel_error *err);

double pel_material_W(const pel_material *mat, double E);
double pel_material_m(const pel_material *mat, double E);
double pel_material_log_nu(const pel_material *mat, double E, double T_K); /* ln(nu / (1/s)) */

/* The spectrum of eq. 3 at inherent-structure energy E. */
void pel_material_spectrum(const pel_material *mat, double E, pel_spectrum *out);

#ifdef __cplusplus
}
#endif

#endif
