/* equilibrium.h - ageing/rejuvenation balance D(E,T) (paper eq. 7, SPEC §4),
 * the equilibrium line E_eq(T) where D = 0, and the critical temperature T_c
 * below which no equilibrium exists. */
#ifndef PEL_EQUILIBRIUM_H
#define PEL_EQUILIBRIUM_H

#include <stddef.h>

#include "pel/error.h"
#include "pel/material.h"

/* D(E,T) = Ebar_A(E,T) - e_R (eV).  D < 0 ageing, D > 0 rejuvenation. */
double pel_equilibrium_D(const pel_material *mat, double E, double T_K);

/* E_eq(T): root of D(E,T) = 0 in E by bracketed root finding (GSL brent),
 * to PEL_EQ_ETOL.  PEL_ENOROOT when no root exists (T below T_c). */
#define PEL_EQ_ETOL 1e-12 /* eV/atom, absolute tolerance on E_eq */
int pel_equilibrium_E(const pel_material *mat, double T_K, double *E_eq, pel_error *err);

/* Critical temperature T_c (K): infimum of T with a solution; 0 when a
 * solution exists down to the lowest temperature (e.g. W = 0). */
int pel_equilibrium_Tc(const pel_material *mat, double *Tc_K, pel_error *err);

/* D on a grid: D[i*nT + j] at E[i], T[j] (caller-owned arrays). */
int pel_equilibrium_map(const pel_material *mat, const double *E, size_t nE, const double *T, size_t nT,
                        double *D, pel_error *err);

#endif
