/* equilibrium.h - ageing/rejuvenation balance D(E,T) (paper eq. 7, docs/theory.md §4),
 * the equilibrium line E_eq(T) where D = 0, and the critical temperature T_c
 * below which no equilibrium exists. */
#ifndef PEL_EQUILIBRIUM_H
#define PEL_EQUILIBRIUM_H

#include <stddef.h>

#include "pel/error.h"
#include "pel/material.h"

#ifdef __cplusplus
extern "C" {
#endif

/* D(E,T) = Ebar_A(E,T) - e_R (eV).  D < 0 ageing, D > 0 rejuvenation. */
double pel_equilibrium_D(const pel_material *mat, double E, double T_K);

/* E_eq(T): root of D(E,T) = 0 in E by bracketed root finding (GSL brent),
 * to PEL_EQ_ETOL.  The bracket comes from a scan of [E_lo, E_hi] (highest-E
 * sign change wins) or, failing that, from expanding the range downward
 * (D < 0) or upward (D > 0) up to 1000 eV/atom (docs/spectrum.md §4).
 * PEL_ENOROOT when no root exists (T below T_c); PEL_EINVAL for T outside
 * (0, 1e5] K or a material with E_lo >= E_hi, e_R <= 0 or a bad spectrum. */
#define PEL_EQ_ETOL 1e-12 /* eV/atom, absolute tolerance on E_eq */
int pel_equilibrium_E(const pel_material *mat, double T_K, double *E_eq, pel_error *err);

/* Critical temperature T_c (K): infimum of T with a solution, by bisection
 * in T on the existence of a root, to 1e-9 K; 0 when a solution exists down
 * to 1 K or W_inf = W_top = 0.  For W -> W_inf, m -> inf it equals the root
 * of W_inf kT/(kT+e_A) = exp(-e_R/kT) (docs/theory.md §4).  PEL_ENOROOT when no T up
 * to 1e5 K has a solution. */
int pel_equilibrium_Tc(const pel_material *mat, double *Tc_K, pel_error *err);

/* D on a grid: D[i*nT + j] at E[i], T[j] (caller-owned arrays). */
int pel_equilibrium_map(const pel_material *mat, const double *E, size_t nE, const double *T, size_t nT,
                        double *D, pel_error *err);

#ifdef __cplusplus
}
#endif

#endif
