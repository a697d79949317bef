/* art.h - activation-relaxation technique nouveau (ARTn): saddle-point
 * searches from a local minimum of a potential-energy surface (the paper's
 * Methods; docs/art.md).
 *
 * One search: kick the central atom and its first shell along a random
 * direction; leave the harmonic basin by stepping along it with perpendicular
 * relaxation until the lowest Hessian eigenvalue (Lanczos, lanczos.h) is below
 * a threshold; climb along the lowest eigenvector with perpendicular
 * relaxation until the global force 2-norm is below a threshold (saddle); push
 * over and minimise (final state); push back and minimise to check the saddle
 * connects to the initial minimum.
 *
 * The surface is an abstract force callback, so the same code runs on
 * analytic test surfaces and on the EAM engine (pel_art_surface_calc).
 * Units: Å, eV, eV/Å, eV/Å^2. */
#ifndef PEL_ART_H
#define PEL_ART_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "pel/eam.h"
#include "pel/engine.h"
#include "pel/error.h"
#include "pel/lanczos.h"
#include "pel/minimize.h"
#include "pel/system.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Outcome of one search.  The names are the catalog's `status` column. */
typedef enum {
    PEL_ART_CONVERGED = 0,     /* "converged": connected saddle, E_A > 0, distinct final minimum */
    PEL_ART_REDUNDANT,         /* "redundant": same saddle as an earlier search (catalog filter) */
    PEL_ART_NO_EXIT,           /* "no_exit": eigenvalue never fell below the threshold */
    PEL_ART_LOST_CURVATURE,    /* "lost_curvature": lowest eigenvalue turned positive on the climb */
    PEL_ART_BELOW_START,       /* "below_start": energy fell below the initial minimum on the climb */
    PEL_ART_NO_CONVERGENCE,    /* "no_convergence": climb iteration cap reached */
    PEL_ART_NEGATIVE_BARRIER,  /* "negative_barrier": E_saddle <= E_initial */
    PEL_ART_NOT_CONNECTED,     /* "not_connected": push back does not return to the initial minimum */
    PEL_ART_FINAL_IS_INITIAL,  /* "final_is_initial": push over falls back to the initial minimum */
    PEL_ART_MIN_FAILED,        /* "min_failed": a minimisation did not converge */
    PEL_ART_BUDGET,            /* "budget": force-call budget of the search exhausted */
    PEL_ART_BLOWUP,            /* "blowup": force engine reported an unphysical state */
    PEL_ART_FINAL_ABOVE,       /* "final_above_saddle": E_R <= 0 (rejected like negative barriers) */
    PEL_ART_HIGHER_ORDER,      /* "higher_order": the converged point kept a second negative mode */
    PEL_ART_NSTATUS
} pel_art_status;

/* Name of a status ("converged", ...); "unknown" if out of range. */
const char *pel_art_status_name(int status);
/* Inverse of pel_art_status_name; PEL_EPARSE if unknown. */
int pel_art_status_parse(const char *name, int *status, pel_error *err);

/* A surface of `natoms` atoms (3 coordinates each, ndim = 3 natoms). */
typedef struct pel_art_surface {
    size_t natoms;
    pel_force_fn force;  /* forces and energy */
    void *ctx;
    /* Optional minimiser: relax x[3n] in place to a local minimum, set
     * *energy, add its force calls to *calls.  Return PEL_OK when converged,
     * PEL_ENOCONV when not, other codes on failure.  NULL: FIRE on `force`
     * (include/pel/opt.h) to max force component < params.min_ftol. */
    int (*minimize)(void *ctx, double *x, double *energy, long *calls, pel_error *err);
    double box[3];       /* periodic edge lengths (minimum image), 0 = not periodic */
    double tilt[3];      /* triclinic tilts xy, xz, yz (include/pel/system.h), 0 = orthogonal */
} pel_art_surface;

/* Climb step while the lowest eigenvalue is not negative (pel_art_params.lost_step). */
typedef enum pel_art_lost_step {
    PEL_ART_LOST_UPHILL = 0, /* eig_step uphill along the current lowest mode, no relaxation */
    PEL_ART_LOST_MODE = 1,   /* basin_step along the last negative mode, then relax */
    PEL_ART_LOST_KICK = 2    /* basin_step along the kick direction, then relax */
} pel_art_lost_step;

/* How the climb moves between Lanczos calls (pel_art_params.climb). */
typedef enum pel_art_climb {
    PEL_ART_CLIMB_RELAX = 0, /* ARTn: Newton step along the mode, then perp_steps FIRE steps
                                perpendicular to it */
    PEL_ART_CLIMB_LBFGS = 1  /* one combined step per mode: Newton along the mode plus an L-BFGS
                                step on the perpendicular force (minimum-mode following with a
                                quasi-Newton translation, as the dimer method's L-BFGS variant) */
} pel_art_climb;

typedef struct pel_art_params {
    /* Kick (paper: 0.5 Å on the central atom and its first neighbours). */
    double kick_norm;        /* 2-norm of the initial displacement, Å (0.5) */
    double kick_radius;      /* first-shell radius around the centre, Å (3.7: first minimum of
                                the total g(r) of our 2000-atom Cu56Zr44 glass, 3.68 Å; docs/art.md) */
    /* Leaving the basin. */
    double basin_step;       /* step along the kick direction per iteration, Å (0.1) */
    int basin_max_iter;      /* iterations before "no_exit" (40) */
    int basin_perp_steps;    /* perpendicular relaxation steps per iteration, at most (30, a nearly
                                full relaxation, the paper's wording; pel_art_params_basin_relax) */
    int basin_lanczos_after; /* first iteration that runs Lanczos (1; pARTn's ninit is 3) */
    double basin_perp_ftol;  /* that relaxation stops when the largest perpendicular force
                                component is below this, eV/Å (0: when the perpendicular force
                                2-norm is below force_tol / 2; pARTn's init_forc_thr is
                                0.26 eV/Å) */
    int basin_follow;        /* push along the fixed kick direction (0, as ARTn) or along the current
                                displacement from the minimum x - x0 (1, classic ART: the push
                                turns into the softest valley, often a remote soft spot's) */
    double eig_threshold;    /* leave the basin when lambda_min < this, eV/Å^2 (-0.01, paper) */
    /* Which mode: the lowest eigenpair of H + local_stiffness * W, W = 1 on the coordinates of
       atoms farther than local_radius + 2 Å from the centre (in the initial minimum), 0 within
       local_radius, linear between.  It keeps the search on the kicked region: the whole-system
       lowest mode is often a remote soft spot the push strains (docs/art.md "One search").
       local_stiffness 0 = the whole-system mode (the paper's Methods do not say). */
    double local_radius;     /* Å (10) */
    double local_stiffness;  /* eV/Å^2 (1; 0 = off) */
    /* Converging to the saddle. */
    double force_tol;        /* saddle when the global 2-norm |F| < this, eV/Å (0.05, paper) */
    double eig_step;         /* largest step along the eigenvector, Å (0.1) */
    double eig_floor;        /* Newton step |F_par| / max(|lambda|, eig_floor), eV/Å^2 (0.5) */
    int climb_max_iter;      /* iterations before "no_convergence" (300) */
    int lost_max;            /* consecutive climb iterations with lambda >= 0 tolerated before
                                the climb is lost (40; 4 suits the relaxing lost_step rules) */
    int lost_step;           /* what such an iteration does (pel_art_lost_step): step eig_step
                                uphill along the current lowest mode without perpendicular
                                relaxation (PEL_ART_LOST_UPHILL, the default: the positive-
                                curvature rule of minimum-mode following), or step basin_step
                                along the last good mode (..._MODE) or the kick direction
                                (..._KICK) and relax perpendicular to it (docs/art.md) */
    int uphill_lanczos_every; /* with PEL_ART_LOST_UPHILL: Lanczos on every k-th uphill step, the
                                others reuse the mode (2) */
    int climb;               /* pel_art_climb (PEL_ART_CLIMB_LBFGS) */
    int lbfgs_memory;        /* PEL_ART_CLIMB_LBFGS: step pairs kept (10) */
    int climb_lanczos_every; /* PEL_ART_CLIMB_LBFGS: Lanczos on every k-th step while the mode is
                                negative, the others reuse it (5) */
    int perp_steps_min;      /* perpendicular steps per climb iteration (PEL_ART_CLIMB_RELAX),
                                min + inc x iteration, at most max (2, 12, 1; pARTn's
                                schedule 4, 8, 12, 16: 4, 16, 4) */
    int perp_steps_max;
    int perp_steps_inc;
    int perp_stop_par;       /* 1: the climb's perpendicular relaxation stops once the
                                perpendicular force 2-norm is below the parallel one |F.v|
                                (pARTn's guard against relaxing away the strain that keeps the
                                mode negative; with the L-BFGS climb such a step moves along
                                the mode only) (0) */
    double perp_dt;          /* FIRE (include/pel/opt.h) initial time step of the perpendicular
                                relaxation with unit masses (first move dt^2 F), sqrt(Å^2/eV)
                                (0.125).  FIRE keeps it for its first 20 steps and grows it only
                                after 20 downhill steps, so within one climb iteration it is dt */
    double perp_dmax;        /* FIRE's dmax: largest move of one coordinate per relaxation step,
                                Å (0.1) */
    pel_lanczos_params lanczos;
    double lanczos_above_frac; /* the Lanczos runs that only decide "is there a mode below the
                                threshold?" (basin exit: eig_threshold; climb and lost climb: 0)
                                stop once the Ritz value is clearly above it
                                (pel_lanczos_stop_above, include/pel/lanczos.h); 0: off (0.1) */
    int lost_lanczos_max;    /* Krylov vectors at most while the climb's mode is lost (20, as
                                lanczos.max_vectors) */
    double lost_lanczos_abs_tol; /* Lanczos abs_tol while the climb's mode is lost (lambda >= 0),
                                eV/Å^2 (1e-4, as lanczos.abs_tol) */
    /* After the saddle. */
    double push_over;        /* push along the eigenvector before minimising, Å (0.2) ... */
    double push_drop;        /* ... doubled (up to 3 times) until the energy is this far below
                                the saddle, eV (0.01) */
    int min_algo;            /* minimiser of the EAM surface (pel_art_calc_init), a pel_min_algo:
                                PEL_MIN_LBFGS) */
    double min_ftol;         /* minimiser tolerance, max force component, eV/Å (5e-4: a looser one
                                stops the push-back minimum short of the initial one and the
                                pushed-over one on flat shoulders) */
    double same_energy_tol;  /* same minimum: |dE| < this, eV (0.02) ... */
    double same_disp_tol;    /* ... and every atom within this distance, Å (0.3) */
    double order_tol;        /* a saddle is first-order when its second-lowest Hessian eigenvalue
                                (Lanczos deflated by the lowest mode) is >= -order_tol, eV/Å^2
                                (0.002); otherwise the climb is resumed after a step down the
                                second mode, twice at most, then "higher_order" (docs/art.md) */
    int order_vectors;       /* Krylov vectors of that Lanczos, always all used (40) */
    double order_force_tol;  /* force 2-norm of the climb resumed after a second negative mode,
                                eV/Å (0.005) */
    double connect_disp_tol; /* the pushed-back minimum connects to the initial one when it is
                                the same minimum, or within same_energy_tol and every atom
                                within this distance, Å (0.5, as LAMMPS-ARTn's push-back check:
                                the push back can end in a sub-basin of the initial minimum
                                that differs by a small rearrangement; docs/art.md) */
    double disp_threshold;   /* an atom is "displaced" by more than this, saddle vs initial, Å (0.1) */
    long max_force_calls;    /* budget of one search incl. minimisations (20000) */
    int lost_retries;        /* a climb that ends "lost_curvature" starts again from the minimum
                                with the kick direction re-mixed, d <- d + retry_mix g (g Gaussian
                                on the kicked atoms, renormalised), at most this often (0; pARTn's
                                restart: a vanished mode is mostly a soft direction the push
                                strained, and another push from the same minimum may find a
                                saddle) */
    double retry_mix;        /* (0.5) */
} pel_art_params;

void pel_art_params_default(pel_art_params *p);
/* The basin exit's perpendicular relaxation: full (0: the defaults, up to
 * basin_perp_steps 30 FIRE steps, Lanczos from the first push) or partial (1:
 * 4 steps, Lanczos from the third push, as pARTn's nperp and ninit).  Partial
 * costs fewer force calls per search and samples smaller barriers
 * (docs/art.md). */
void pel_art_params_basin_relax(pel_art_params *p, int partial);

/* Set one parameter from "key=value", key the field's name (lanczos_fd_step,
 * lanczos_max_vectors, lanczos_rel_tol, lanczos_abs_tol for the Lanczos
 * fields); PEL_EINVAL for an unknown key, PEL_EPARSE for a bad number.  No
 * range check here: pel_art_new validates the whole set. */
int pel_art_params_set(pel_art_params *p, const char *kv, pel_error *err);
/* Every parameter as "key=value" separated by spaces (doubles %.17g), the
 * values pel_art_params_set reads back.  Writes at most size bytes with a
 * terminating NUL, as snprintf; returns the full length (or -1). */
int pel_art_params_describe(const pel_art_params *p, char *buf, size_t size);

/* PEL_OK when pel_art_new accepts these parameters, else PEL_EINVAL naming the problem. */
int pel_art_params_check(const pel_art_params *p, pel_error *err);

typedef struct pel_art_result {
    int status;               /* pel_art_status */
    double e_initial, e_saddle, e_final; /* eV (e_final NaN when not reached) */
    double eigenvalue;        /* lowest eigenvalue of the whole-system Hessian at the saddle,
                                 eV/Å^2 (with a local mode: one more Lanczos, started from it) */
    double force;             /* global force 2-norm at the saddle, eV/Å */
    double eigenvalue2;       /* second-lowest eigenvalue there (whole system, Lanczos deflated by
                                 the lowest mode), eV/Å^2; NaN when not reached */
    long force_calls;         /* all force calls of the search */
    long force_calls_saddle;  /* of which up to the converged saddle */
    long force_calls_basin;   /* of which leaving the basin (kick to lambda < threshold) */
    long force_calls_lanczos; /* of which in Lanczos */
    int order_retries;        /* climbs resumed after a second negative mode (0..2) */
    int lost_retries;         /* restarts after a lost climb (0..lost_retries) */
    int lost_longest;         /* longest run of climb iterations without a negative mode
                                 that the climb came back from (lost_max ends the search) */
    size_t n_displaced;       /* atoms moved > disp_threshold, saddle vs initial */
    double max_disp;          /* largest atom displacement saddle vs initial, Å */
    double max_disp_dist;     /* distance of that atom from the centre (initial minimum), Å:
                                 large when the saddle is a soft spot far from the kicked
                                 atoms (docs/art.md "Catalog") */
    double e_back;            /* energy of the pushed-back minimum, eV (NaN when not reached) */
    double back_disp;         /* largest atom displacement pushed-back vs initial minimum, Å
                                 (NaN when not reached; a strict user can require < same_disp_tol) */
    const size_t *displaced;  /* [n_displaced] their indices, ascending; owned by the
                                 pel_art object, valid until its next search */
} pel_art_result;

typedef struct pel_art pel_art;

/* Workspace for searches on `surf` (copied; its ctx must outlive the
 * object).  On failure *out is NULL. */
int pel_art_new(pel_art **out, const pel_art_surface *surf, const pel_art_params *p, pel_error *err);
void pel_art_free(pel_art **art);

/* One search from the minimum x0[3n] with energy e0 around atom `center`,
 * random numbers from rng.  Returns PEL_OK whenever the search ran (its
 * outcome, success or a named failure, is res->status); a negative code only
 * for invalid arguments or exhausted memory. */
int pel_art_search(pel_art *art, const double *x0, double e0, size_t center, gsl_rng *rng,
                   pel_art_result *res, pel_error *err);

/* Configurations of the last search (valid until the next one; NULL if the
 * phase was not reached): saddle, final minimum, unit eigenvector at the saddle
 * (oriented from the initial towards the final minimum). */
const double *pel_art_saddle(const pel_art *art);
const double *pel_art_final(const pel_art *art);
const double *pel_art_eigvec(const pel_art *art);

/* Minimise x[3n] in place on the surface (the surface's minimiser, or FIRE
 * to params.min_ftol).  *calls is incremented. */
int pel_art_minimize(pel_art *art, double *x, double *energy, long *calls, pel_error *err);

/* ------------------------------------------------------------------------ */
/* A force engine as an ART surface.  The adapter owns a private copy of the
 * system (positions are overwritten by every call); calc is borrowed. */
typedef struct pel_art_calc {
    pel_engine *calc;
    pel_system *sys;      /* owned copy */
    pel_forces out;
    pel_min_params min;   /* fixed-box minimisation used after the saddle */
    pel_minimizer *minimizer; /* owned workspace: no allocation per minimisation */
} pel_art_calc;

/* Fill surf and ad for sys/calc; p->min_algo and p->min_ftol (eV/Å) set the
 * fixed-box minimiser ad->min. */
int pel_art_calc_init(pel_art_calc *ad, pel_art_surface *surf, pel_engine *calc, const pel_system *sys,
                      const pel_art_params *p, pel_error *err);
void pel_art_calc_destroy(pel_art_calc *ad);

#ifdef __cplusplus
}
#endif

#endif
