/* system.h - atoms in a periodic box (orthorhombic or LAMMPS restricted
 * triclinic), and LAMMPS data files (atom_style atomic) as the sample format.  Units: LAMMPS metal
 * (Å, ps, g/mol, Å/ps).  The caller owns the system; every array has n (or
 * 3n, xyz interleaved) entries. */
#ifndef PEL_SYSTEM_H
#define PEL_SYSTEM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pel/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PEL_MAX_TYPES 8

/* Unit conversions of LAMMPS metal units. */
#define PEL_MVV2E 1.0364269e-4        /* (g/mol)(Å/ps)^2 -> eV, LAMMPS force->mvv2e */
#define PEL_FTM2V (1.0 / 1.0364269e-4) /* eV/Å / (g/mol) -> Å/ps^2, LAMMPS force->ftm2v */
#define PEL_NKTV2P 1.6021765e6        /* eV/Å^3 -> bar, LAMMPS force->nktv2p */
#define PEL_BOLTZ 8.617343e-5         /* eV/K, LAMMPS force->boltz (metal) */

typedef struct pel_system {
    size_t n;                    /* number of atoms */
    int ntypes;                  /* number of atom types (1..PEL_MAX_TYPES) */
    double lo[3];                /* box origin, Å */
    double len[3];               /* box lengths hi - lo, Å (periodic in x, y, z) */
    double tilt[3];              /* tilt factors xy, xz, yz, Å; all 0: orthorhombic */
    double *x;                   /* [3n] positions, Å */
    double *v;                   /* [3n] velocities, Å/ps (zeros when none given) */
    int *type;                   /* [n] type index, 0-based (LAMMPS type - 1) */
    int64_t *id;                 /* [n] atom ids as in the file */
    int *image;                  /* [3n] image flags */
    double mass[PEL_MAX_TYPES];  /* g/mol per type */
    char elem[PEL_MAX_TYPES][8]; /* element symbol per type ("" if unknown) */
    int has_velocities;          /* the file had a Velocities section */
    unsigned ignored;            /* PEL_IGNORED_* flags: what the data file held that pel ignores */
} pel_system;

/* What a data file held that pel reads but does not use (the potentials are
 * EAM: no charges, no bonds).  The library never prints; the CLI notes it. */
#define PEL_IGNORED_CHARGES 1u   /* atom_style charge or full */
#define PEL_IGNORED_MOLECULES 2u /* atom_style full */
#define PEL_IGNORED_TOPOLOGY 4u  /* Bonds, Angles, Dihedrals, Impropers sections */
#define PEL_IGNORED_COEFFS 8u    /* Pair/Bond/... Coeffs sections */

/* Allocate a system of n atoms and ntypes types, all arrays zeroed.
 * On failure *out is NULL and nothing is leaked. */
int pel_system_new(pel_system **out, size_t n, int ntypes, pel_error *err);
/* Free and NULL the caller's pointer; safe on NULL. */
void pel_system_free(pel_system **sys);
/* Deep copy into a new system. */
int pel_system_clone(const pel_system *src, pel_system **out, pel_error *err);

/* Read a LAMMPS data file: atom_style atomic ("id type x y z"), charge
 * ("id type q x y z") or full ("id mol type q x y z"), each with or without 3
 * image flags, the style from the "Atoms # style" comment or else the column
 * count; optional Masses, Velocities; topology and Coeffs sections skipped
 * (sys->ignored says what was dropped); orthorhombic or triclinic box ("xy xz
 * yz" line, tilts within LAMMPS's limits).  Element names
 * come from `elements` (comma list "Cu,Zr", type order) or, if NULL, from
 * "# Cu"-style comments after Masses entries.  Bounded: the declared atom
 * count must fit the file's size before anything is allocated; lines over
 * 4096 characters, non-finite numbers, non-normal masses and box lengths,
 * velocities above the speed of light are errors.  Errors name the file and
 * line. */
int pel_system_read_data(const char *path, const char *elements, pel_system **out, pel_error *err);
/* One-line description of sys->ignored ("charges, molecule ids in the data
 * file ignored ..."), written into buf; returns 1 if anything was ignored. */
int pel_system_ignored_note(const pel_system *sys, char *buf, size_t cap);
/* Write a LAMMPS data file atomically (temp file + rename), %.17g. */
int pel_system_write_data(const pel_system *sys, const char *path, const char *title, pel_error *err);

/* The box as LAMMPS holds it (docs/atoms.md, "Triclinic boxes"): edge
 * vectors a = (len0, 0, 0), b = (xy, len1, 0), c = (xz, yz, len2), so a point
 * is x = lo + lamda0 a + lamda1 b + lamda2 c with fractional (lamda)
 * coordinates in [0, 1) inside the box, and an atom with image flags (i, j, k)
 * sits at x + i a + j b + k c unwrapped.  Nonzero if a tilt is nonzero. */
int pel_system_triclinic(const pel_system *sys);
/* Lattice translation n0 a + n1 b + n2 c, Å. */
void pel_system_shift(const pel_system *sys, const double n[3], double out[3]);
/* Fractional coordinates of point x (x = lo + h lamda). */
void pel_system_lamda(const pel_system *sys, const double x[3], double lamda[3]);
/* Distance between opposite faces of the box along each lamda axis, Å
 * (len itself for an orthorhombic box): a sphere of radius r fits inside
 * the box iff 2 r <= every width. */
void pel_system_widths(const pel_system *sys, double w[3]);
/* Check a box: lengths positive and finite, tilts finite and within LAMMPS's
 * limits |xy| <= len0/2, |xz| <= len0/2, |yz| <= len1/2 (relative slack 1e-9
 * for round-off).  `what` names the source in the message. */
int pel_system_check_box(const pel_system *sys, const char *what, pel_error *err);

/* Change the box to (lo, len, tilt), moving every atom with it (lamda
 * coordinates kept, as LAMMPS x2lamda / lamda2x around a box change). */
void pel_system_remap_box(pel_system *sys, const double lo[3], const double len[3], const double tilt[3]);

/* Wrap positions into the box, updating image flags. */
void pel_system_wrap(pel_system *sys);
/* Position of atom i wrapped into the box (lamda in [0, 1)), with its image flags updated
 * accordingly (sys unchanged). */
void pel_system_wrapped(const pel_system *sys, size_t i, double x[3], int im[3]);
double pel_system_volume(const pel_system *sys);
/* Kinetic energy (eV) and the LAMMPS-style temperature (K, 3N-3 dof). */
double pel_system_kinetic(const pel_system *sys);
double pel_system_temperature(const pel_system *sys);


/* Fail with PEL_EINVAL naming two atom ids if any pair (any periodic image)
 * is closer than rmin Å (O(n) with cell lists); PEL_OK if rmin <= 0. */
int pel_system_check_overlap(const pel_system *sys, double rmin, pel_error *err);

/* Random liquid: n atoms in a cubic box of number density `density`
 * (atoms/Å^3), type counts round(frac[t] n) (last type takes the rest),
 * types assigned by a random permutation, positions by random sequential
 * insertion keeping every pair (minimum image) at least rmin apart.  Same
 * seed, same system (gsl_rng mt19937 seeded with seed).  PEL_ENOCONV when
 * the insertion budget runs out (rmin too large for the density). */
typedef struct pel_liquid_params {
    size_t n;                       /* atoms */
    int ntypes;                     /* 1..PEL_MAX_TYPES */
    double frac[PEL_MAX_TYPES];     /* composition, fractions summing to 1 */
    double mass[PEL_MAX_TYPES];     /* g/mol */
    char elem[PEL_MAX_TYPES][8];    /* symbols */
    double density;                 /* atoms/Å^3 */
    double rmin;                    /* closest allowed pair distance, Å */
    uint64_t seed;
} pel_liquid_params;
/* Cu_x Zr_(1-x) (Cu = type 1, 63.546; Zr = type 2, 91.224 g/mol), rmin 2.0 Å. */
void pel_liquid_params_cuzr(pel_liquid_params *p, size_t n, double x_cu, double density, uint64_t seed);
int pel_system_random_liquid(const pel_liquid_params *p, pel_system **out, pel_error *err);

/* Trajectory frames appended to an open stream (the caller opens it with
 * "w" or "a"); positions are written wrapped into the box, %.17g.
 * LAMMPS dump: "ITEM: TIMESTEP ... ITEM: ATOMS id type x y z".
 * Extended XYZ: Lattice="..." Properties=species:S:1:pos:R:3 (OVITO, ASE);
 * `comment` (may be NULL) is appended to the comment line, e.g. "Time=1.0".
 * The richer columns (elements, image flags, velocities): include/pel/traj.h. */
int pel_system_write_dump(const pel_system *sys, FILE *fp, long step, pel_error *err);
int pel_system_write_extxyz(const pel_system *sys, FILE *fp, const char *comment, pel_error *err);

#ifdef __cplusplus
}
#endif

#endif
