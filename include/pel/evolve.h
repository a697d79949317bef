/* evolve.h - the mean-field evolution of the inherent-structure energy
 * (paper eqs. 1-2, SPEC §5):
 *     dE/dt = nu(E,T) Z(E,T) D(E,T)
 * integrated along a protocol with an implicit, error-controlled stiff
 * integrator (GSL odeiv2 msbdf), with dense output.  Along a ramp
 * dE/dT = (dE/dt)/q is the configurational heat capacity a DSC sees. */
#ifndef PEL_EVOLVE_H
#define PEL_EVOLVE_H

#include <stddef.h>

#include "pel/error.h"
#include "pel/material.h"
#include "pel/protocol.h"
#include "pel/util.h"

typedef struct pel_evolve_opts {
    double rtol;         /* relative tolerance on E (default 1e-10) */
    double atol;         /* absolute tolerance on E, eV/atom (default 1e-12) */
    double dT_out_K;     /* output spacing on ramps, K (default 1) */
    size_t hold_points;  /* output points per hold, log-spaced in time (default 200) */
} pel_evolve_opts;

/* One output row. */
typedef struct pel_trace_point {
    double t_s;     /* time since protocol start, s */
    double T_K;     /* temperature */
    double E;       /* inherent-structure energy, eV/atom */
    double dEdt;    /* eV/atom/s */
    double dEdT;    /* eV/atom/K on ramps (dE/dt / rate); NaN on holds */
    double D;       /* eV, eq. 7 */
    double EA_mean; /* eV, eq. 4 */
    double Eeq;     /* E_eq(T), eV/atom; NaN below T_c */
    int segment;    /* 0-based segment index (-1 for the start point) */
} pel_trace_point;

typedef struct pel_trace {
    size_t n, cap;
    pel_trace_point *p; /* owned; free with pel_trace_clear */
} pel_trace;

void pel_evolve_opts_default(pel_evolve_opts *o);

/* Integrate along the protocol, appending rows to *out (which the caller
 * zero-initialises or reuses).  PEL_ENOROOT if the protocol starts at
 * equilibrium below T_c; PEL_ENOCONV if the integrator fails. */
int pel_evolve_run(const pel_material *mat, const pel_protocol *proto, const pel_evolve_opts *opts,
                   pel_trace *out, pel_error *err);
void pel_trace_clear(pel_trace *tr);

#endif
