/* minimize.h - energy minimisation to an inherent structure: FIRE 2.0
 * (Guénolé et al. 2020, LAMMPS min_style fire defaults) and nonlinear
 * conjugate gradient with line search, at fixed box or with isotropic box
 * relaxation to a target pressure (zero-pressure inherent structure).
 * Algorithms are pluggable: a const table of function pointers per method. */
#ifndef PEL_MINIMIZE_H
#define PEL_MINIMIZE_H

#include "pel/eam.h"
#include "pel/engine.h"
#include "pel/error.h"
#include "pel/system.h"
#include "pel/util.h"

#ifdef __cplusplus
extern "C" {
#endif

/* PEL_MIN_LBFGS: limited-memory BFGS on forces, no line search (as ASE's
 * LBFGS), step capped at dmax per atom; its first run on a workspace
 * allocates the memory pairs. */
typedef enum { PEL_MIN_FIRE = 0, PEL_MIN_CG = 1, PEL_MIN_LBFGS = 2 } pel_min_algo;
typedef enum { PEL_BOX_FIXED = 0, PEL_BOX_ISO = 1 } pel_box_mode;

typedef struct pel_min_params {
    pel_min_algo algo;     /* default PEL_MIN_FIRE */
    pel_box_mode box;      /* default PEL_BOX_FIXED */
    double ftol;           /* converged when max |f_i component| < ftol, eV/Å (default 1e-6) */
    double ptol_bar;       /* and, with PEL_BOX_ISO, |P - P_target| < ptol_bar (default 1) */
    double p_target_bar;   /* target pressure for PEL_BOX_ISO, bar (default 0) */
    long max_force_calls;  /* budget (default 100000) */
    double dmax;           /* largest displacement per step, Å (default 0.1) */
    double dt;             /* FIRE initial timestep, ps (default 0.001 .. as LAMMPS metal) */
    const int *frozen;     /* optional [n] mask: nonzero = atom held fixed */
} pel_min_params;

typedef struct pel_min_result {
    double energy;        /* final potential energy, eV */
    double fmax;          /* final max force component, eV/Å */
    double pressure_bar;  /* final virial pressure (no kinetic term), bar */
    long iterations;
    long force_calls;
    int converged;        /* 1 if both tolerances met */
} pel_min_result;

void pel_min_params_default(pel_min_params *p);

/* Minimise sys in place.  Returns PEL_OK when converged, PEL_ENOCONV when
 * the budget ran out (sys then holds the best state reached, res filled),
 * PEL_EBLOWUP on non-finite energy.  `progress` may be NULL. */
int pel_minimize(pel_engine *calc, pel_system *sys, const pel_min_params *p, pel_min_result *res,
                 pel_progress_fn progress, void *progress_ctx, pel_error *err);

/* Reusable workspace for systems of n atoms: pel_minimizer_run performs no
 * allocation (but the first L-BFGS run), for callers (ART) that minimise
 * many times. */
typedef struct pel_minimizer pel_minimizer;
int pel_minimizer_new(pel_minimizer **out, size_t n, pel_error *err);
void pel_minimizer_free(pel_minimizer **m);
/* Same contract as pel_minimize, using the workspace (sys->n must equal n). */
int pel_minimizer_run(pel_minimizer *m, pel_engine *calc, pel_system *sys, const pel_min_params *p,
                      pel_min_result *res, pel_progress_fn progress, void *progress_ctx, pel_error *err);

/* Names of the algorithms and box modes ("fire", "cg", "lbfgs"; "fixed", "iso");
 * parse returns PEL_EINVAL naming the unknown word. */
const char *pel_min_algo_name(pel_min_algo a);
int pel_min_algo_parse(const char *s, pel_min_algo *out, pel_error *err);
int pel_min_box_parse(const char *s, pel_box_mode *out, pel_error *err);

#ifdef __cplusplus
}
#endif

#endif
