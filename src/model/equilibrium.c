/* equilibrium.c - D(E,T) = Ebar_A - e_R (paper eq. 7, docs/theory.md §4), the
 * equilibrium line E_eq(T) where D = 0, its critical temperature T_c, and the
 * ageing/rejuvenation map D(E,T) on a grid.
 *
 * Root search for E_eq(T):
 *   1. scan D on PEL_EQ_SCAN intervals of the material's [E_lo, E_hi], from
 *      the top down, and take the first sign change (for the usual material,
 *      W falling and m rising as E falls, D decreases in E and there is one);
 *   2. none inside: barriers too low everywhere (D < 0) -> expand downward,
 *      doubling the step, where m grows without bound; barriers too high
 *      (D > 0) -> expand upward; give up PEL_EQ_EXPAND_MAX eV/atom beyond
 *      the range (PEL_ENOROOT).  Near T_c the root lies arbitrarily deep, so
 *      this limit is far beyond where W(E) and m(E) stop changing Z in double
 *      precision (a few eV/atom for any sane W_dE, m_slope);
 *   3. polish with GSL Brent to PEL_EQ_ETOL.
 * T_c: bisection in T on "a root exists" (monotone: a root at T implies one
 * at every higher T for the usual material) to PEL_EQ_TC_TOL. */
#include "pel/equilibrium.h"

#include <math.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#include "pel/spectrum.h"
#include "pel/util.h"

#define PEL_EQ_SCAN 16           /* intervals scanned inside [E_lo, E_hi] */
#define PEL_EQ_EXPAND_MAX 1e3    /* eV/atom searched beyond [E_lo, E_hi] */
#define PEL_EQ_BRENT_MAXITER 200 /* Brent converges in ~10-40 steps */
#define PEL_EQ_TC_TOL 1e-9       /* K, bisection width for T_c */
#define PEL_EQ_T_MIN 1.0         /* K, lowest temperature tried for T_c */
#define PEL_EQ_T_MAX 1e5         /* K, highest temperature accepted */
#define PEL_EQ_TC_START 1000.0   /* K, first guess of a T with a root */

double pel_equilibrium_D(const pel_material *mat, double E, double T_K)
{
    pel_spectrum sp;
    pel_material_spectrum(mat, E, &sp);
    /* D = Ebar_A - Ebar_R, Ebar_A = -kT ln Z (eqs. 4, 6, 7) */
    return -PEL_KB_EV_PER_K * T_K * pel_spectrum_log_Z(&sp, T_K) - mat->eR;
}

static int check_args(const pel_material *mat, double T_K, pel_error *err)
{
    if (!mat)
        return pel_error_set(err, PEL_EINVAL, "equilibrium: NULL material");
    if (!isfinite(T_K) || T_K <= 0.0 || T_K > PEL_EQ_T_MAX)
        return pel_error_set(err, PEL_EINVAL, "equilibrium: T = %g K outside (0, %g] K", T_K, PEL_EQ_T_MAX);
    if (!(mat->E_lo < mat->E_hi) || !isfinite(mat->E_lo) || !isfinite(mat->E_hi))
        return pel_error_set(err, PEL_EINVAL, "equilibrium: material range E_lo = %g, E_hi = %g is not E_lo < E_hi",
                             mat->E_lo, mat->E_hi);
    if (!(mat->eR > 0.0) || !isfinite(mat->eR))
        return pel_error_set(err, PEL_EINVAL, "equilibrium: e_R = %g must be > 0 eV", mat->eR);
    pel_spectrum sp;
    pel_material_spectrum(mat, 0.5 * (mat->E_lo + mat->E_hi), &sp);
    return pel_spectrum_check(&sp, err);
}

/* Bracket [*a, *b] with D(a), D(b) of opposite sign (or a == b an exact
 * root).  Returns 1 when found, 0 when none exists within the search. */
static int find_bracket(const pel_material *mat, double T_K, double *a, double *b)
{
    double lo = mat->E_lo, hi = mat->E_hi, h = (hi - lo) / PEL_EQ_SCAN;
    double Eb = hi, Db = pel_equilibrium_D(mat, hi, T_K);
    if (Db == 0.0) {
        *a = *b = hi;
        return 1;
    }
    double Dhi = Db;
    for (int i = PEL_EQ_SCAN - 1; i >= 0; i--) {
        double Ea = (i == 0) ? lo : lo + i * h;
        double Da = pel_equilibrium_D(mat, Ea, T_K);
        if (Da == 0.0 || (Da > 0.0) != (Db > 0.0)) {
            *a = Ea;
            *b = Da == 0.0 ? Ea : Eb;
            return 1;
        }
        Eb = Ea;
        Db = Da;
    }
    /* same sign on the whole range: expand where |D| must shrink */
    double dir = Db < 0.0 ? -1.0 : 1.0; /* D < 0: need higher barriers, lower E */
    double edge = dir < 0.0 ? lo : hi, Dedge = dir < 0.0 ? Db : Dhi;
    double reach = 0.0, step = hi - lo;
    while (reach < PEL_EQ_EXPAND_MAX) {
        step = fmin(step, PEL_EQ_EXPAND_MAX - reach);
        reach += step;
        double Enew = (dir < 0.0 ? lo : hi) + dir * reach;
        double Dnew = pel_equilibrium_D(mat, Enew, T_K);
        if (Dnew == 0.0 || (Dnew > 0.0) != (Dedge > 0.0)) {
            *a = dir < 0.0 ? Enew : edge;
            *b = dir < 0.0 ? edge : Enew;
            if (Dnew == 0.0)
                *a = *b = Enew;
            return 1;
        }
        edge = Enew;
        Dedge = Dnew;
        step *= 2.0;
    }
    return 0;
}

typedef struct d_args {
    const pel_material *mat;
    double T_K;
} d_args;

static double d_of_E(double E, void *p)
{
    const d_args *q = p;
    return pel_equilibrium_D(q->mat, E, q->T_K);
}

int pel_equilibrium_E(const pel_material *mat, double T_K, double *E_eq, pel_error *err)
{
    int rc = check_args(mat, T_K, err);
    if (rc != PEL_OK)
        return rc;
    double a, b;
    if (!find_bracket(mat, T_K, &a, &b))
        return pel_error_set(err, PEL_ENOROOT, "equilibrium: no E with D(E, T) = 0 at T = %.10g K (below T_c?)", T_K);
    if (a == b) {
        *E_eq = a;
        return PEL_OK;
    }
    d_args args = {mat, T_K};
    gsl_function F = {d_of_E, &args};
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!s)
        return pel_error_set(err, PEL_ENOMEM, "equilibrium: cannot allocate the root solver");
    /* endpoints straddle a sign change and D is finite: set cannot fail */
    gsl_root_fsolver_set(s, &F, a, b);
    int status = GSL_CONTINUE;
    for (int it = 0; it < PEL_EQ_BRENT_MAXITER && status == GSL_CONTINUE; it++) {
        if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS)
            break;
        status = gsl_root_test_interval(gsl_root_fsolver_x_lower(s), gsl_root_fsolver_x_upper(s), PEL_EQ_ETOL, 0.0);
    }
    double root = gsl_root_fsolver_root(s);
    gsl_root_fsolver_free(s);
    if (status != GSL_SUCCESS)
        return pel_error_set(err, PEL_ENOCONV, "equilibrium: Brent did not converge at T = %g K in [%g, %g]", T_K, a,
                             b);
    *E_eq = root;
    return PEL_OK;
}

int pel_equilibrium_Tc(const pel_material *mat, double *Tc_K, pel_error *err)
{
    int rc = check_args(mat, PEL_EQ_TC_START, err);
    if (rc != PEL_OK)
        return rc;
    /* no M1 mode anywhere: Ebar_A grows without bound with m, a root at every T (docs/theory.md §4) */
    if (mat->W_form == PEL_W_LOGISTIC && mat->W_inf == 0.0 && mat->W_top == 0.0) {
        *Tc_K = 0.0;
        return PEL_OK;
    }
    double a, b, Thi = PEL_EQ_TC_START;
    while (!find_bracket(mat, Thi, &a, &b)) {
        Thi *= 2.0;
        if (Thi > PEL_EQ_T_MAX)
            return pel_error_set(err, PEL_ENOROOT, "equilibrium: no equilibrium at any T up to %g K", PEL_EQ_T_MAX);
    }
    double Tlo = PEL_EQ_T_MIN;
    if (find_bracket(mat, Tlo, &a, &b)) {
        *Tc_K = 0.0; /* a root down to the lowest temperature tried */
        return PEL_OK;
    }
    while (Thi - Tlo > PEL_EQ_TC_TOL) {
        double Tm = 0.5 * (Tlo + Thi);
        if (find_bracket(mat, Tm, &a, &b))
            Thi = Tm;
        else
            Tlo = Tm;
    }
    *Tc_K = Thi;
    return PEL_OK;
}

int pel_equilibrium_map(const pel_material *mat, const double *E, size_t nE, const double *T, size_t nT, double *D,
                        pel_error *err)
{
    if (!E || !T || !D)
        return pel_error_set(err, PEL_EINVAL, "equilibrium map: NULL array");
    for (size_t j = 0; j < nT; j++) {
        int rc = check_args(mat, T[j], err);
        if (rc != PEL_OK)
            return pel_error_wrap(err, rc, "equilibrium map: T[%zu]", j);
    }
    for (size_t i = 0; i < nE; i++) {
        if (!isfinite(E[i]))
            return pel_error_set(err, PEL_EINVAL, "equilibrium map: E[%zu] is not finite", i);
        for (size_t j = 0; j < nT; j++)
            D[i * nT + j] = pel_equilibrium_D(mat, E[i], T[j]);
    }
    return PEL_OK;
}
