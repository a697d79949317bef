/* opt.h - one optimiser layer over an abstract objective (docs/opt.md).
 *
 * An objective is a force callback on n degrees of freedom, with optional
 * per-dof masses (FIRE's MD-like steps) and an optional projection (a unit
 * vector whose component is removed from forces and steps: the hyperplane of
 * a saddle search's perpendicular relaxation).  Optimisers are const tables
 * of function pointers (pel_opt_fire, pel_opt_cg, pel_opt_lbfgs), driven by
 * one loop with LAMMPS-style stopping rules.  The same optimisers serve the
 * energy minimisation of atoms (pel/minimize.h), ART and the NEB.
 *
 * Life cycle: pel_opt_new (allocates everything) -> pel_opt_run (any number
 * of times, no allocation) -> pel_opt_free. */
#ifndef PEL_OPT_H
#define PEL_OPT_H

#include <stddef.h>

#include "pel/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Energy and forces f = -grad E at x[n].  Returns 0 on success, > 0 for a
 * recoverable failure (the optimiser goes back to its last accepted point and
 * cuts the step), < 0 for a fatal one (a PEL_E* code, passed on). */
typedef int (*pel_force_fn)(void *ctx, const double *x, double *f, double *energy, pel_error *err);

typedef struct pel_opt_objective {
    size_t n;              /* degrees of freedom */
    pel_force_fn force;
    void *ctx;
    const double *mass;    /* optional [n] masses for FIRE (NULL: unit) */
    double ftm2v;          /* FIRE: velocity = dt * ftm2v * f / mass (0 means 1; PEL_FTM2V in metal units) */
    const double *project; /* optional unit vector [n]: forces and steps keep no component along it */
} pel_opt_objective;

/* Which norm of the (projected) force the force tolerance applies to. */
typedef enum { PEL_OPT_NORM_MAX = 0, PEL_OPT_NORM_TWO = 1 } pel_opt_norm;

typedef struct pel_opt_params {
    double ftol;        /* converged when |F| < ftol in `norm`, eV/Å (default 1e-6) */
    pel_opt_norm norm;  /* default PEL_OPT_NORM_MAX (largest component, as LAMMPS fnorm max) */
    double etol;        /* also stop when |dE| < etol (|E| + |E_prev|) / 2 over one iteration, as
                           LAMMPS etol (default 0: off) */
    long max_iter;      /* iteration cap (default 1000000) */
    long max_calls;     /* force-call cap for this run (default 100000) */
    double dmax;        /* largest step per iteration, Å: per component for FIRE and CG (as LAMMPS),
                           per 3-block norm for L-BFGS (as ASE) (default 0.1) */
    double dt;          /* FIRE initial time step, ps with masses in g/mol (default 0.001) */
    int lbfgs_memory;   /* L-BFGS pairs kept (default 10) */
    double lbfgs_h0;    /* L-BFGS inverse curvature before the first pair, Å^2/eV (default 1/70, ASE) */
} pel_opt_params;

/* Why a run stopped. */
typedef enum {
    PEL_OPT_CONVERGED = 0,   /* force tolerance met */
    PEL_OPT_ETOL = 1,        /* energy tolerance met */
    PEL_OPT_MAX_ITER = 2,    /* iteration cap */
    PEL_OPT_MAX_CALLS = 3,   /* force-call cap */
    PEL_OPT_UPHILL = 4,      /* FIRE: 2000 uphill steps (LAMMPS's stop) */
    PEL_OPT_NO_PROGRESS = 5, /* CG line search or L-BFGS steps lost in energy round-off */
    PEL_OPT_RECOVER = 6      /* the callback kept failing recoverably after step cuts */
} pel_opt_status;

typedef struct pel_opt_result {
    pel_opt_status status;
    long iterations;
    long force_calls;  /* of this run */
    double energy;     /* at the returned x */
    double fnorm;      /* |projected F| in params.norm at the returned x */
} pel_opt_result;

/* An optimiser (GSL stepper style); internals in src/opt/. */
typedef struct pel_opt_type pel_opt_type;
extern const pel_opt_type *const pel_opt_fire;  /* FIRE 2.0 as LAMMPS min_style fire */
extern const pel_opt_type *const pel_opt_cg;    /* Polak-Ribiere CG + LAMMPS linemin quadratic */
extern const pel_opt_type *const pel_opt_lbfgs; /* L-BFGS on forces, no line search (as ASE) */
const char *pel_opt_type_name(const pel_opt_type *t);

typedef struct pel_opt pel_opt;

void pel_opt_params_default(pel_opt_params *p);

/* Workspace for objectives of n dofs; params.lbfgs_memory pairs are
 * allocated for pel_opt_lbfgs.  Nothing is left allocated on failure. */
int pel_opt_new(pel_opt **out, const pel_opt_type *type, size_t n, const pel_opt_params *p, pel_error *err);
void pel_opt_free(pel_opt **o);

/* Minimise from x[n], with f[n] and *energy already evaluated at x (the
 * caller's force call).  On return (x, f, *energy) is the last accepted
 * point, and the last successful force call was made there (callers may
 * read side data such as the virial).  Returns PEL_OK with res->status
 * saying whether it converged or why not, or the callback's fatal code
 * (then x, f, *energy are the last accepted point too).  obj->n must equal
 * the workspace's n; p->lbfgs_memory must not exceed the workspace's. */
int pel_opt_run(pel_opt *o, const pel_opt_objective *obj, const pel_opt_params *p, double *x, double *f,
                double *energy, pel_opt_result *res, pel_error *err);

/* Text of a status ("converged", "max_calls", ...). */
const char *pel_opt_status_name(pel_opt_status s);

/* ---------------------------------------------------------------------- */
/* L-BFGS memory (two-loop recursion, Nocedal & Wright, Numerical
 * Optimization, alg. 7.4) on forces alone, for iterations that are not a
 * minimisation of one function (ART's climb, whose perpendicular force is no
 * gradient); pel_opt_lbfgs uses the same memory. */
typedef struct pel_lbfgs pel_lbfgs;
int pel_lbfgs_new(pel_lbfgs **out, size_t n, int m, pel_error *err);
void pel_lbfgs_free(pel_lbfgs **lb);
void pel_lbfgs_reset(pel_lbfgs *lb);
/* Add the pair (s, y = f_old - f_new); refused (memory reset, returns 0)
 * unless s . y > 0, which keeps the inverse Hessian positive definite. */
int pel_lbfgs_push(pel_lbfgs *lb, const double *s, const double *y);
/* d = H f: H the inverse Hessian with scaling s.y / y.y of the newest pair,
 * or h0 with none.  f is a force, so d is a descent step. */
void pel_lbfgs_direction(pel_lbfgs *lb, const double *f, double h0, double *d);

#ifdef __cplusplus
}
#endif

#endif
