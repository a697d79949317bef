/* evolve.h - the mean-field evolution of the inherent-structure energy
 * (paper eqs. 1-2, docs/theory.md §5):
 *     dE/dt = nu(E,T) Z(E,T) D(E,T)
 * integrated along a protocol with an implicit, error-controlled stiff
 * integrator (GSL odeiv2 msbdf), with dense output.  Along a ramp
 * dE/dT = (dE/dt)/q is the configurational heat capacity a DSC sees.
 *
 * Output rows: the start state; on ramps every multiple of dT_out_K strictly
 * inside the ramp plus its exact end; on holds hold_points rows log-spaced
 * in time from 1e-15 s plus the exact end.  Segment ends are integration
 * points; rows inside come from a cubic Hermite interpolant of the accepted
 * steps, with slopes (dEdt, dEdT columns) from divided differences of E, not
 * from the right-hand side, which is ill-conditioned where the equation is
 * stiff (docs/protocol.md).  Accuracy at the default tolerances: segment
 * ends within ~2e-8 eV/atom of SciPy Radau after a 2000 -> 100 K cooling;
 * interpolated rows within ~1e-8 of the integrated path.  Ramps are
 * integrated with a stiffness limiter where nu Z / q > 1e8 /(eV K)
 * (experimental rates at high T; E pinned to E_eq within ~1e-12). */
#ifndef PEL_EVOLVE_H
#define PEL_EVOLVE_H

#include <stddef.h>

#include "pel/error.h"
#include "pel/material.h"
#include "pel/protocol.h"
#include "pel/util.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pel_evolve_opts {
    double rtol;         /* relative tolerance on E (default 1e-10) */
    double atol;         /* absolute tolerance on E, eV/atom (default 1e-12) */
    double dT_out_K;     /* output spacing on ramps, K (default 1) */
    size_t hold_points;  /* output points per hold, log-spaced in time from 1e-15 s
                            to the hold's end (default 200) */
    int eq_column;       /* fill pel_trace_point.Eeq (default 1); 0 leaves it
                            NaN and skips the root finding per row */
    int rate_columns;    /* fill D and EA_mean (default 1): one evaluation of Z
                            per row, about half the cost of a 1 K trace; 0
                            leaves them NaN when only E(T) is wanted */
} pel_evolve_opts;

/* One output row. */
typedef struct pel_trace_point {
    double t_s;     /* time since protocol start, s */
    double T_K;     /* temperature */
    double E;       /* inherent-structure energy, eV/atom */
    double dEdt;    /* eV/atom/s */
    double dEdT;    /* eV/atom/K on ramps (dE/dt / rate); NaN on holds */
    double D;       /* eV, eq. 7 (NaN if opts.rate_columns is 0) */
    double EA_mean; /* eV, eq. 4 (NaN if opts.rate_columns is 0) */
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

/* Rows of a trace whose E left the range [E_lo, E_hi] the material's W(E),
 * m(E) were calibrated on (docs/material.md): results there are
 * extrapolations.  Returns their count; *E_far (if not NULL) gets the E
 * farthest outside, NaN when none.  The library only reports: the caller
 * decides how to warn (pel run: one stderr line and JSON fields). */
size_t pel_trace_outside_range(const pel_material *mat, const pel_trace *tr, double *E_far);

/* Tolerance for "on the equilibrium line": |E - E_eq| <= this (eV/atom). */
#define PEL_EVOLVE_EQ_TOL 1e-3

/* Landmarks of one segment of a trace (rows with that segment index plus the
 * row before them, i.e. the segment's start state).  Quantities that do not
 * apply are NaN: T_depart_K needs a segment that starts on the line (within
 * PEL_EVOLVE_EQ_TOL) and leaves it; T_rejoin_K one that starts off the line
 * and reaches it; dEdT_peak needs a ramp.  Crossings are interpolated
 * linearly between rows. */
typedef struct pel_segment_summary {
    int segment;                  /* 0-based */
    int ramp;                     /* 1 ramp, 0 hold */
    double T_start_K, T_end_K;
    double t_start_s, t_end_s;
    double E_start, E_end;        /* eV/atom */
    double E_min, T_at_E_min_K;   /* lowest E in the segment and its T */
    double E_max, T_at_E_max_K;   /* highest E in the segment and its T */
    double dEdT_peak, T_at_dEdT_peak_K; /* largest dE/dT (eV/atom/K) on a ramp */
    double T_depart_K;            /* leaves the equilibrium line (glass transition on cooling) */
    double T_rejoin_K;            /* reaches the equilibrium line again */
} pel_segment_summary;

/* Summaries of segments 0..nseg-1 of a trace written by pel_evolve_run
 * (with eq_column on for the T_depart/T_rejoin fields).  out[nseg] is caller
 * owned.  PEL_EINVAL if a segment has no rows. */
int pel_trace_summarize(const pel_trace *tr, size_t nseg, pel_segment_summary *out, pel_error *err);

#ifdef __cplusplus
}
#endif

#endif
