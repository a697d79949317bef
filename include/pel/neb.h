/* neb.h - climbing-image nudged elastic band (Henkelman, Uberuaga & Jónsson,
 * J. Chem. Phys. 113, 9901 (2000); improved tangent of Henkelman & Jónsson,
 * ibid. 9978) between two minima of an ART surface, relaxed with FIRE on the
 * whole band.  Used to validate ART barriers (docs/art.md). */
#ifndef PEL_NEB_H
#define PEL_NEB_H

#include <stddef.h>

#include "pel/art.h"
#include "pel/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pel_neb_params {
    int nimages;      /* interior images (default 9) */
    double k_spring;  /* spring constant, eV/Å^2 (default 1.0) */
    int climb_after;  /* FIRE steps before the highest image starts climbing (default 100) */
    double ftol;      /* converged when every NEB force component < ftol, eV/Å (default 0.005) */
    long max_steps;   /* FIRE step cap, one band force evaluation each (default 5000) */
    double dt;        /* FIRE initial time step, unit masses (default 0.02; FIRE grows it to 10 dt) */
    double dmax;      /* FIRE dmax: largest move of one coordinate per step, Å (default 0.1) */
} pel_neb_params;

void pel_neb_params_default(pel_neb_params *p);

typedef struct pel_neb_result {
    double e_max;     /* energy of the highest (climbing) image, eV */
    double barrier;   /* e_max - E(xa), eV */
    int i_max;        /* its index, 0 = xa, nimages+1 = xb */
    long force_calls;
    int converged;
} pel_neb_result;

/* Band from xa to xb (minimum image across periodic axes), initially the
 * straight line, or, if xmid is not NULL, the broken line xa -> xmid -> xb
 * (e.g. through a saddle guess: a straight line through a many-atom event
 * can push atoms on top of each other).  energies, if not
 * NULL, gets nimages+2 energies along the band.  Returns PEL_OK (converged),
 * PEL_ENOCONV (res filled with the last band), or a force error. */
int pel_neb_run(const pel_art_surface *surf, const double *xa, const double *xb, const double *xmid,
                const pel_neb_params *p, pel_neb_result *res, double *energies, pel_error *err);

#ifdef __cplusplus
}
#endif

#endif
