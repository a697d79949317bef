/* material.c - material functions W(E), m(E), nu(E,T) and the built-in
 * presets (forms documented in include/pel/material.h and docs/material.md).
 * Loading/saving INI files lives in material_io.c. */
#include "pel/material.h"

#include <math.h>
#include <string.h>

#include "pel/util.h"

/* Provisional cu56zr44 preset (SPEC §6, issue 2 item 3; derivation and
 * measured checks in docs/material.md):
 *  - e_A, s, e_R are the paper's values;
 *  - W_inf sets T_c = 760.0 K through W_inf kT/(kT+e_A) = exp(-e_R/kT) (SPEC §4);
 *  - W_top, W_E0, W_dE, m_* shape the equilibrium line: E_eq(2000 K) = -4.650
 *    eV/atom (Mendelev scale), its slope dE_eq/dT grows monotonically on
 *    cooling towards T_c;
 *  - nu0, S_E, S_T set the kinetics: departure from the line at 1119..839 K
 *    for 1e13..1e9 K/s, frozen below 500 K. */
static const pel_material preset_cu56zr44 = {
    .name = "cu56zr44",
    .eA = 0.5, .s = 0.49, .eR = 0.32,
    .W_inf = 0.0652, .W_top = 0.9, .W_E0 = -4.668, .W_dE = 0.03,
    .m_0 = 1.3, .m_slope = 6.0, .m_E0 = -4.648,
    .nu0_per_s = 2e13, .S_E = 30.0, .S_E0 = -4.65, .S_T = 14.0, .S_T0 = 1000.0,
    .E_lo = -5.2, .E_hi = -4.3,
};

int pel_material_preset(const char *name, pel_material *out, pel_error *err)
{
    if (name && !strcmp(name, preset_cu56zr44.name)) {
        *out = preset_cu56zr44;
        return PEL_OK;
    }
    return pel_error_set(err, PEL_EINVAL, "unknown material preset '%s' (known: cu56zr44)", name ? name : "(null)");
}

double pel_material_W(const pel_material *mat, double E)
{
    /* logistic step: W_top at high E, floor W_inf at deep E */
    return mat->W_inf + (mat->W_top - mat->W_inf) / (1.0 + exp(-(E - mat->W_E0) / mat->W_dE));
}

double pel_material_m(const pel_material *mat, double E)
{
    return mat->m_0 + mat->m_slope * (mat->m_E0 - E);
}

double pel_material_log_nu(const pel_material *mat, double E, double T_K)
{
    /* nu = nu0 exp(S/k_B) (paper eq. 2): S falls at deeper E and lower T;
     * the T part S_T (1 - S_T0/T) saturates at high T and acts like an extra
     * Arrhenius barrier k S_T S_T0 at low T (docs/material.md, "nu") */
    return log(mat->nu0_per_s) + mat->S_E * (E - mat->S_E0) + mat->S_T * (1.0 - mat->S_T0 / T_K);
}

void pel_material_spectrum(const pel_material *mat, double E, pel_spectrum *out)
{
    out->W = pel_material_W(mat, E);
    out->m = pel_material_m(mat, E);
    out->eA = mat->eA;
    out->s = mat->s;
}
