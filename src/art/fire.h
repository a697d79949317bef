/* fire.h - internal FIRE relaxation on a force callback (FIRE 2.0 flavour,
 * Guénolé et al. 2020), used by ART for the perpendicular
 * relaxation (with one direction projected out), as the fallback minimiser of
 * analytic surfaces, and by the NEB for the band.  Unit masses. */
#ifndef PEL_ART_FIRE_H
#define PEL_ART_FIRE_H

#include <stddef.h>

#include "pel/lanczos.h"

typedef struct art_fire_params {
    double dt;        /* initial time step (dt_max = 10 dt, dt_min = 0.02 dt) */
    double dmax;      /* largest per-atom (3-block) displacement per step, Å */
    long max_steps;   /* step cap (each step is one force call) */
    double ftol_norm; /* converged when |F_eff| 2-norm < this (0 = unused), eV/Å */
    double ftol_max;  /* ... or when max |F_eff component| < this (0 = unused), eV/Å */
} art_fire_params;

/* Relax x[ndim] (ndim a multiple of 3) from the state (x, f, *e) already
 * evaluated.  If dir (unit vector) is non-NULL the force component along it
 * is removed (relaxation in the hyperplane perpendicular to dir).  On return
 * (x, f, *e) is the last evaluated state.  *calls counts force calls; the
 * loop also stops before *calls would exceed budget (returns PEL_ENOCONV).
 * v is scratch [2 ndim].  Convergence is judged on the projected force.  Returns PEL_OK when converged, PEL_ENOCONV at the step
 * cap, or the force callback's error. */
int art_fire_relax(size_t ndim, double *x, double *f, double *e, pel_force_fn force, void *ctx,
                   const double *dir, const art_fire_params *p, double *v, long *calls, long budget,
                   pel_error *err);

#endif
