/* eam.h - embedded-atom potentials in LAMMPS eam/fs and eam/alloy (setfl)
 * formats, tabulated and interpolated exactly as LAMMPS does
 * (docs/atoms.md), and the force engine built on them.
 *
 * pel_eam holds the immutable splined tables: one copy can be shared by any
 * number of threads.  pel_calc is a per-thread engine (potential + neighbour
 * list + scratch): MD, minimisers and ART call pel_calc_compute many times on
 * slightly moved configurations; the neighbour list is rebuilt only when an
 * atom moved more than skin/2 or the box changed. */
#ifndef PEL_EAM_H
#define PEL_EAM_H

#include <stddef.h>

#include "pel/error.h"
#include "pel/system.h"

#ifdef __cplusplus
extern "C" {
#endif

/* eam/fs and eam/alloy: setfl files; funcfl: LAMMPS pair_style eam, one
 * element per file (symbol from its atomic number), converted as LAMMPS does. */
typedef enum { PEL_EAM_FS, PEL_EAM_ALLOY, PEL_EAM_FUNCFL } pel_eam_format;

/* Largest |mass in the data file - mass of the element in the potential|
 * accepted when mapping atom types to elements, g/mol. */
#define PEL_EAM_MASS_TOL 0.1

typedef struct pel_eam pel_eam;

/* Default potential shipped by Debian's lammps-data. */
#define PEL_EAM_DEFAULT_PATH "/usr/share/lammps/potentials/CuZr_mm.eam.fs"

/* Read and spline a potential file.  Errors name the file and line (missing
 * file, malformed or missing number, bad grid).  *out is NULL on failure. */
int pel_eam_read(const char *path, pel_eam_format fmt, pel_eam **out, pel_error *err);
/* Same, format from the name: "*.alloy" is eam/alloy, "*.eam" funcfl,
 * anything else eam/fs. */
int pel_eam_read_auto(const char *path, pel_eam **out, pel_error *err);
void pel_eam_free(pel_eam **pot);
double pel_eam_cutoff(const pel_eam *pot);                      /* Å */
int pel_eam_nelements(const pel_eam *pot);
const char *pel_eam_element(const pel_eam *pot, int i);        /* symbol */
double pel_eam_mass(const pel_eam *pot, int i);                 /* g/mol */
/* Grid step dr of the pair tables (Å): atoms closer than this are off the table. */
double pel_eam_table_rmin(const pel_eam *pot);
/* Map atom types to potential elements: map[t] = potential element of type t.
 * A named type (sys->elem[t]) must be in the potential and, when the system
 * has a mass for it, agree with the element's mass in the potential within
 * PEL_EAM_MASS_TOL.  A type without a name is identified by its mass (exactly
 * one element within PEL_EAM_MASS_TOL), never by its position; without a
 * mass either it is an error.  Errors name the type, mass and element. */
int pel_eam_map_types(const pel_eam *pot, const pel_system *sys, int *map, pel_error *err);

/* Result of one force call.  f is caller-owned [3n] (may be NULL when only
 * the energy is wanted); e_atom optional [n], LAMMPS pe/atom convention
 * F(rho_i) + half of each pair energy (sums to `energy`). */
typedef struct pel_forces {
    double *f;         /* eV/Å */
    double *e_atom;    /* eV, NULL to skip */
    double energy;     /* total potential energy, eV */
    double virial[6];  /* sum over pairs r_ij (x) f_ij: xx yy zz xy xz yz, eV */
} pel_forces;

typedef struct pel_calc pel_calc;

/* Engine for `sys` (its n, ntypes and element names fix the type map; the
 * potential must outlive the engine, which keeps a pointer and a private
 * packed copy of the pair tables, ~8 MB for CuZr_mm with two types).  skin in Å (LAMMPS neighbor
 * skin, default 1.0 in metal units for MD; 0.3 is enough for minimisers; 0
 * for a one-off evaluation).  nthreads <= 0 means OpenMP's default.  The
 * neighbour list follows include/pel/neighbor.h: rebuilt only when a pair
 * may have crossed the skin (displacements, box change, re-wrapping). */
int pel_calc_new(pel_calc **out, const pel_eam *pot, const pel_system *sys, double skin, int nthreads,
                 pel_error *err);
void pel_calc_free(pel_calc **calc);
/* Energy, forces and virial of sys (same n and ntypes as at _new).
 * PEL_EBLOWUP for non-finite positions or results, or two atoms closer than
 * 0.5 Å (message names both ids).  Deterministic: the result is bit-for-bit
 * the same for any thread count. */
int pel_calc_compute(pel_calc *calc, const pel_system *sys, pel_forces *out, pel_error *err);
/* Number of force calls so far (for ART statistics). */
long pel_calc_count(const pel_calc *calc);
/* Number of neighbour-list builds so far. */
long pel_calc_builds(const pel_calc *calc);

/* Pressure in bar as LAMMPS `thermo press` (kinetic term if include_kinetic). */
double pel_system_pressure(const pel_system *sys, const double virial[6], int include_kinetic);

#ifdef __cplusplus
}
#endif

#endif
