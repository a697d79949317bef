/* eam_internal.h - layout of the splined EAM tables shared by eam.c (reading,
 * splining) and calc.c (force loop).  Private to src/atoms.
 *
 * Tables follow LAMMPS pair_eam.cpp exactly (docs/atoms.md):
 * node m = 1..n (1-based, slot 0 unused), 7 coefficients per node in a flat
 * array with stride 7: c0..c2 derivative (Horner in p), c3..c6 value. */
#ifndef PEL_EAM_INTERNAL_H
#define PEL_EAM_INTERNAL_H

#include "pel/eam.h"

#define PEL_EAM_MAXEL PEL_MAX_TYPES
#define PEL_SPL 7 /* coefficients per spline node */

struct pel_eam {
    pel_eam_format fmt;
    int nel;                         /* number of elements */
    char elem[PEL_EAM_MAXEL][8];     /* symbols */
    double mass[PEL_EAM_MAXEL];      /* g/mol */
    int nrho, nr;                    /* grid sizes */
    double drho, dr, cut;            /* grid steps and cutoff (Å) */
    double rdrho, rdr, rhomax, cutsq;
    double *frho[PEL_EAM_MAXEL];     /* F(rho) spline of element a, (nrho+1)*7 */
    /* rho contributed by an atom of element b at an atom of element a:
     * rhor[b*nel + a] (eam/fs: block b, sub-table a; eam/alloy: table b). */
    double *rhor[PEL_EAM_MAXEL * PEL_EAM_MAXEL];
    /* r*phi(r) of the pair (a,b), symmetric: z2r[a*nel + b] == z2r[b*nel + a]. */
    double *z2r[PEL_EAM_MAXEL * PEL_EAM_MAXEL];
    double *store;                   /* single allocation behind all tables */
};

#endif
