/* traj.h - trajectories people bring: LAMMPS dumps and extended XYZ, read
 * frame by frame and written frame by frame, and the zero-pressure inherent
 * structure of a frame (the rows of `pel is`, docs/atoms.md).
 *
 * Readers return each frame as a new pel_system (atoms sorted by id, wrapped
 * into the box, image flags kept).  Types: a dump's `type` column is the
 * LAMMPS type; element names (a dump's `element` column, extxyz species) map
 * to types in the order of the `elements` list ("Cu,Zr") when one is given,
 * else in order of first appearance, fixed by the first frame.  Fully
 * periodic boxes, orthogonal or triclinic (dump "BOX BOUNDS xy xz yz", any
 * right-handed extxyz Lattice; docs/atoms.md "Triclinic boxes");
 * non-periodic frames are refused with a message saying so. */
#ifndef PEL_TRAJ_H
#define PEL_TRAJ_H

#include <stdio.h>

#include "pel/eam.h"
#include "pel/error.h"
#include "pel/minimize.h"
#include "pel/quench.h"
#include "pel/system.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { PEL_TRAJ_DUMP, PEL_TRAJ_EXTXYZ } pel_traj_format;

/* Optional columns of the writers (bit flags; 0 gives id type x y z /
 * species pos). */
#define PEL_TRAJ_ELEMENT 1u    /* dump: "element" instead of "type" (needs element names) */
#define PEL_TRAJ_IMAGES 2u     /* dump: ix iy iz */
#define PEL_TRAJ_VELOCITIES 4u /* dump: vx vy vz; extxyz: velo:R:3 (Å/ps) */
#define PEL_TRAJ_SCALED 8u     /* dump: xs ys zs instead of x y z */

/* What a frame says about itself besides the atoms. */
typedef struct pel_frame_info {
    long index;        /* 0-based frame number in the file */
    long step;         /* dump TIMESTEP, extxyz Step= or Timestep=; -1 if absent */
    double time_ps;    /* dump ITEM: TIME (dump_modify time yes), extxyz Time=; NAN if absent */
    int has_velocities;
} pel_frame_info;

typedef struct pel_traj pel_traj;

/* Open a trajectory for reading; the format from the first line ("ITEM:"
 * starts a dump, a number an extended XYZ).  `elements` may be NULL.
 * *out is NULL on failure. */
int pel_traj_open(pel_traj **out, const char *path, const char *elements, pel_error *err);
void pel_traj_close(pel_traj **tr);
pel_traj_format pel_traj_format_of(const pel_traj *tr);
/* Next frame into a new system (*sys, caller frees).  At the end of the file
 * *sys is NULL and PEL_OK is returned.  A torn last frame is an error naming
 * the line.  Bounded: atom counts must fit the rest of the file, lines are at
 * most 4096 characters, numbers finite. */
int pel_traj_next(pel_traj *tr, pel_system **sys, pel_frame_info *info, pel_error *err);
/* A real number from the current extxyz frame's comment line (key=value, as
 * "energy=-3.2" or "T=600"): 1 with *out set, 0 when the key is absent (or the
 * file is a dump), PEL_EPARSE (naming the line) when it is not a number. */
int pel_traj_info_double(const pel_traj *tr, const char *key, double *out, pel_error *err);

/* Append a frame to an open stream (the caller opens it, "w" or "a"), %.17g,
 * positions wrapped into the box.  Dump: "ITEM: TIMESTEP ... ITEM: BOX
 * BOUNDS [xy xz yz] pp pp pp ... ITEM: ATOMS id type|element x y z|xs ys zs [ix iy iz]
 * [vx vy vz]".  Extended XYZ (ASE, OVITO): Lattice, Origin (when not 0),
 * Properties=species:S:1:pos:R:3[:velo:R:3], pbc="T T T", energy= when
 * `energy` is finite, then `comment` (may be NULL).  Types without an element
 * name are written as T1, T2, ... in extxyz. */
int pel_dump_write(const pel_system *sys, FILE *fp, long step, unsigned cols, pel_error *err);
int pel_extxyz_write(const pel_system *sys, FILE *fp, unsigned cols, double energy, const char *comment,
                     pel_error *err);

/* Inherent structure of one frame, as a row of the cooling table
 * (PEL_QUENCH_CSV_HEADER): E_pot, P (kinetic part when the frame has
 * velocities), V and T_inst (NAN without velocities) of the frame itself,
 * then a copy minimised with `min` (box iso for the zero-pressure IS) giving
 * E_IS and V_IS; is_converged says whether both tolerances were met (the row
 * is filled either way).  T_K and t_ps are left to the caller.  Masses come
 * from the potential, as LAMMPS pair_coeff sets them. */
int pel_traj_inherent(const pel_eam *pot, const pel_system *frame, const pel_min_params *min, int nthreads,
                      pel_quench_row *row, pel_error *err);
/* The same with another engine (pel_engine_spec, include/pel/engine.h; NULL:
 * EAM on pot as above); with LAMMPS, pot may be NULL and the masses are the
 * frame's own. */
int pel_traj_inherent_engine(const pel_engine_spec *engine, const pel_eam *pot, const pel_system *frame,
                             const pel_min_params *min, int nthreads, pel_quench_row *row, pel_error *err);

#ifdef __cplusplus
}
#endif

#endif
