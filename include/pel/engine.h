/* engine.h - force engines: one opaque object that MD, minimisers and ART
 * call for the energy, forces and virial of a pel_system, whatever computes
 * them (docs/engines.md).
 *
 * An engine type is a const table of functions (GSL's stepper pattern):
 *   pel_engine_eam     pel's own EAM (pel_calc, include/pel/eam.h): default, fastest;
 *   pel_engine_lammps  LAMMPS through its C library, driven by the user's own
 *                      pair_style / pair_coeff lines: any potential LAMMPS has.
 * The LAMMPS engine runs LAMMPS in a child process, so that a LAMMPS error
 * (which ends the process in Debian's build) becomes a pel error naming the
 * LAMMPS message, never an exit of the caller. */
#ifndef PEL_ENGINE_H
#define PEL_ENGINE_H

#include "pel/eam.h"
#include "pel/error.h"
#include "pel/system.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pel_engine pel_engine;

/* What an engine is built from; each type reads its own fields. */
typedef struct pel_engine_params {
    const pel_eam *pot;        /* eam: the potential (must outlive the engine) */
    double skin;               /* neighbour skin, Å (eam: rebuild criterion; lammps: `neighbor skin bin`) */
    int nthreads;              /* eam: OpenMP threads, <= 0 OpenMP's default */
    const char *const *lines;  /* lammps: the user's commands (pair_style, pair_coeff, ...), run in */
    int nlines;                /*   order after the box, atoms and masses exist */
} pel_engine_params;

typedef struct pel_engine_type {
    const char *name; /* "eam", "lammps" */
    /* Build the private state for sys (n, ntypes, masses, element names). */
    int (*alloc)(void **state, const pel_system *sys, const pel_engine_params *p, pel_error *err);
    /* Energy, forces, virial of sys (same n and ntypes as at alloc). */
    int (*compute)(void *state, const pel_system *sys, pel_forces *out, pel_error *err);
    long (*count)(const void *state); /* force calls so far */
    void (*free)(void *state);
} pel_engine_type;

extern const pel_engine_type *const pel_engine_eam;
extern const pel_engine_type *const pel_engine_lammps;

/* Defaults: pot NULL, skin 0.3 Å, nthreads 1, no lines. */
void pel_engine_params_default(pel_engine_params *p);

/* Engine of `type` for sys.  *out is NULL on failure and nothing is leaked.
 * eam: errors of pel_calc_new (type map, skin).  lammps: PEL_ENOTIMPL when
 * pel was built without LAMMPS; a missing mass, no lines, or any LAMMPS error
 * while setting up (unknown style, missing file, a pair_coeff that does not
 * fit the types) is PEL_EINVAL with LAMMPS's own message. */
int pel_engine_new(pel_engine **out, const pel_engine_type *type, const pel_system *sys,
                   const pel_engine_params *p, pel_error *err);
/* The EAM engine in one call (pel_calc_new's arguments). */
int pel_engine_eam_new(pel_engine **out, const pel_eam *pot, const pel_system *sys, double skin, int nthreads,
                       pel_error *err);
/* How to build an engine, for code that builds its own and rebuilds it (at
 * checkpoint boundaries, one per ART search, one per trajectory frame): the
 * type and the LAMMPS lines.  NULL (or type NULL) is pel's EAM on the
 * potential given alongside.  Borrowed: must outlive what uses it. */
typedef struct pel_engine_spec {
    const pel_engine_type *type; /* NULL or pel_engine_eam: EAM; pel_engine_lammps: the lines */
    const char *const *lines;
    int nlines;
} pel_engine_spec;

/* 1 when spec builds pel's EAM (NULL, type NULL or eam). */
int pel_engine_spec_is_eam(const pel_engine_spec *spec);
/* The engine spec describes for sys: EAM on pot (skin, nthreads), or the
 * spec's type with its lines (pot unused). */
int pel_engine_spec_new(pel_engine **out, const pel_engine_spec *spec, const pel_eam *pot, const pel_system *sys,
                        double skin, int nthreads, pel_error *err);
/* Type from its name ("eam", "lammps"); NULL if unknown. */
const pel_engine_type *pel_engine_type_find(const char *name);
/* Free and NULL the caller's pointer; safe on NULL.  The LAMMPS engine ends
 * its child process. */
void pel_engine_free(pel_engine **e);

/* Energy (eV), forces (eV/Å, out->f may be NULL) and virial (eV, xx yy zz xy
 * xz yz, as pel_calc) of sys, which must have the n and ntypes the engine was
 * built for (the box and positions may change between calls).
 * out->e_atom: filled by the EAM engine; the LAMMPS engine refuses it
 * (PEL_ENOTIMPL).  PEL_EBLOWUP for non-finite positions or results.  After a
 * LAMMPS error the engine is dead: every later call fails with PEL_ESTATE. */
int pel_engine_compute(pel_engine *e, const pel_system *sys, pel_forces *out, pel_error *err);
long pel_engine_count(const pel_engine *e);      /* force calls so far */
const char *pel_engine_name(const pel_engine *e); /* the type's name */
/* The pel_calc under an EAM engine (for its statistics), NULL for others. */
pel_calc *pel_engine_calc(pel_engine *e);

#ifdef __cplusplus
}
#endif

#endif
