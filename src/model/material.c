/* material.c - material functions W(E), m(E), nu(E,T) and the built-in
 * presets (forms documented in include/pel/material.h and docs/material.md).
 * Loading/saving INI files lives in material_io.c. */
#include "pel/material.h"

#include <math.h>
#include <string.h>

#include "pel/util.h"

/* The paper's cu56zr44 preset, tuned by hand to the paper's numbers
 * (derivation and measured checks in docs/material.md, "cu56zr44-paper"):
 *  - e_A, s, e_R are the paper's values;
 *  - W_inf sets T_c = 760.0 K through W_inf kT/(kT+e_A) = exp(-e_R/kT);
 *  - W_top, W_E0, W_dE, m_* shape the equilibrium line: E_eq(2000 K) = -4.650
 *    eV/atom (Mendelev scale), its slope dE_eq/dT grows monotonically on
 *    cooling towards T_c;
 *  - nu0, S_E, S_T set the kinetics: departure from the line at 1119..839 K
 *    for 1e13..1e9 K/s, frozen below 500 K. */
static const pel_material preset_paper = {
    .name = "cu56zr44-paper",
    .eA = 0.5, .s = 0.49, .eR = 0.32,
    .W_inf = 0.0652, .W_top = 0.9, .W_E0 = -4.668, .W_dE = 0.03,
    .m_0 = 1.3, .m_slope = 6.0, .m_E0 = -4.648,
    .nu0_per_s = 2e13, .S_E = 30.0, .S_E0 = -4.65, .S_T = 14.0, .S_T0 = 1000.0,
    .E_lo = -5.2, .E_hi = -4.3,
};

/* The cu56zr44 preset calibrated on pel's own MD and ART data by
 * `pel calibrate` (data/materials/cu56zr44.ini holds it with provenance,
 * standard errors and residuals; docs/calibration.md). */
static const pel_material preset_calibrated = {
    .name = "cu56zr44",
    .eA = 0.5, .s = 0.49, .eR = 0.2346096787679775,
    .W_form = PEL_W_LINEAR, .W_0 = 0.27401041613574906, .W_slope = 19.824047116845424, .W_E0 = -4.681229111854295,
    .m_form = PEL_M_LINEAR, .m_0 = 0.8833967294582131, .m_slope = 0.0, .m_E0 = -4.648,
    .S_form = PEL_S_INVT, .nu0_per_s = 1295873.568108402, .S_E = 0.0, .S_E0 = -4.65, .S_T = 14.0,
    .S_T0 = 160.92951946314426,
    .E_lo = -5.2, .E_hi = -4.3,
};

static const pel_material *const presets[] = {&preset_calibrated, &preset_paper};

int pel_material_preset(const char *name, pel_material *out, pel_error *err)
{
    for (size_t i = 0; name && i < sizeof presets / sizeof presets[0]; i++)
        if (!strcmp(name, presets[i]->name)) {
            *out = *presets[i];
            return PEL_OK;
        }
    return pel_error_set(err, PEL_EINVAL, "unknown material preset '%s' (known: cu56zr44, cu56zr44-paper)",
                         name ? name : "(null)");
}

static const char *const form_names_W[PEL_W_NFORMS] = {"logistic", "linear"};
static const char *const form_names_m[PEL_M_NFORMS] = {"linear", "logistic"};
static const char *const form_names_S[PEL_S_NFORMS] = {"invT", "logistic"};

static const char *const *form_table(char kind, int *n)
{
    switch (kind) {
    case 'W': *n = PEL_W_NFORMS; return form_names_W;
    case 'm': *n = PEL_M_NFORMS; return form_names_m;
    case 'S': *n = PEL_S_NFORMS; return form_names_S;
    default: *n = 0; return NULL;
    }
}

const char *pel_material_form_name(char kind, int form)
{
    int n;
    const char *const *t = form_table(kind, &n);
    return t && form >= 0 && form < n ? t[form] : "?";
}

int pel_material_form_parse(char kind, const char *name, int *form, pel_error *err)
{
    int n;
    const char *const *t = form_table(kind, &n);
    for (int i = 0; i < n; i++)
        if (name && !strcmp(name, t[i])) {
            *form = i;
            return PEL_OK;
        }
    if (!t)
        return pel_error_set(err, PEL_EINVAL, "no material function '%c' (W, m or S)", kind);
    return pel_error_set(err, PEL_EINVAL, "unknown form '%s' of %c (known: %s, %s)", name ? name : "(null)", kind, t[0],
                         t[1]);
}

double pel_material_W(const pel_material *mat, double E)
{
    if (mat->W_form == PEL_W_LINEAR) /* clamped: W is a probability weight */
        return fmin(1.0, fmax(0.0, mat->W_0 + mat->W_slope * (E - mat->W_E0)));
    /* logistic step: W_top at high E, floor W_inf at deep E */
    return mat->W_inf + (mat->W_top - mat->W_inf) / (1.0 + exp(-(E - mat->W_E0) / mat->W_dE));
}

double pel_material_m(const pel_material *mat, double E)
{
    if (mat->m_form == PEL_M_LOGISTIC) /* m_0 at high E, m_0 + m_amp at deep E */
        return mat->m_0 + mat->m_amp / (1.0 + exp((E - mat->m_E0) / mat->m_dE));
    return mat->m_0 + mat->m_slope * (mat->m_E0 - E);
}

double pel_material_log_nu(const pel_material *mat, double E, double T_K)
{
    /* nu = nu0 exp(S/k_B) (paper eq. 2): S falls at deeper E and lower T.
     * invT: S_T (1 - S_T0/T) saturates at high T and acts like an extra
     * Arrhenius barrier k S_T S_T0 at low T; logistic: a step of height S_T
     * centred at S_T0, flat on both sides (docs/material.md, "nu") */
    double sT = mat->S_form == PEL_S_LOGISTIC ? -mat->S_T / (1.0 + exp((T_K - mat->S_T0) / mat->S_dT))
                                              : mat->S_T * (1.0 - mat->S_T0 / T_K);
    return log(mat->nu0_per_s) + mat->S_E * (E - mat->S_E0) + sT;
}

void pel_material_spectrum(const pel_material *mat, double E, pel_spectrum *out)
{
    out->W = pel_material_W(mat, E);
    out->m = pel_material_m(mat, E);
    out->eA = mat->eA;
    out->s = mat->s;
}
