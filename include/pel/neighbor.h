/* neighbor.h - Verlet half neighbour lists with a skin, built from cell lists
 * (or by a direct search over all periodic images when the box is smaller
 * than three list cutoffs), for orthorhombic and triclinic periodic boxes
 * (cells are binned in lamda coordinates, include/pel/system.h).
 *
 * Pair geometry.  At a build every atom gets an image triple img_i such that
 * x_i - H img_i lies in the box (H the edge vectors a b c as columns).  A slot
 * s of atom i = owner[s] names its partner j[s] and an image code c = code[s];
 * the pair vector at any later time is
 *     d = (x_i - H img_i) - (x_j - H img_j) - S[c],   S[c] = H c,
 * for the CURRENT box H (pel_nlist_shifts, pel_nlist_unwrap_build).
 * Self-images (j == i, c != 0) appear once per +-c pair.
 *
 * Rebuild policy (pel_nlist_update): the list holds every pair image closer
 * than cut + skin at the build; it stays valid while no pair can have moved
 * more than skin closer, i.e. while
 *     2 max_i |x_i - x_i(build)| + sum_d (nmax_d + 1) |e_d - e_d(build)|_1 <= skin,
 * where nmax_d is the largest image number of a listed pair and e_d the box
 * edge vectors (a: len0; b: xy, len1; c: xz, yz, len2).  A box change
 * therefore does not force a rebuild by itself (NPT keeps its list, as in
 * LAMMPS); re-wrapping atoms moves them by a box length and does.
 */
#ifndef PEL_NEIGHBOR_H
#define PEL_NEIGHBOR_H

#include <stddef.h>

#include "pel/error.h"
#include "pel/system.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pel_nlist {
    double cut;       /* interaction cutoff, Å */
    double skin;      /* list skin, Å */
    size_t n;         /* atoms at the last build (0 = never built) */
    size_t nslots;    /* pairs in the list */
    size_t cap;       /* capacity of the slot arrays */
    size_t *start;    /* [n+1] slots of atom i: start[i] .. start[i+1]-1 */
    int *j;           /* [nslots] partner atom */
    int *code;        /* [nslots] image code of the partner (index into S) */
    int *owner;       /* [nslots] atom i owning the slot */
    size_t *rstart;   /* [n+1] reverse list: rslot[rstart[j] .. rstart[j+1]-1] */
    size_t *rslot;    /* [nslots] slots in which atom j is the partner */
    int *img;         /* [3n] image triple of each atom at the build */
    double *xbuild;   /* [3n] positions at the build, Å */
    double lbuild[3]; /* box lengths at the build, Å */
    double tbuild[3]; /* tilt factors at the build, Å */
    int kimg[3];      /* image codes cover -kimg..kimg per dimension */
    int nmax[3];      /* largest |img_i - img_j + c| per dimension over slots */
    long nbuilds;     /* builds so far */
} pel_nlist;

/* New empty list for cutoff `cut` and skin `skin` (both > 0, Å). */
int pel_nlist_new(pel_nlist **out, double cut, double skin, pel_error *err);
void pel_nlist_free(pel_nlist **nl);
/* Nonzero if the list must be rebuilt for sys (policy above). */
int pel_nlist_stale(const pel_nlist *nl, const pel_system *sys);
/* Build unconditionally.  PEL_EBLOWUP for a non-finite position. */
int pel_nlist_build(pel_nlist *nl, const pel_system *sys, pel_error *err);
/* Build if stale; *rebuilt (may be NULL) says whether it did. */
int pel_nlist_update(pel_nlist *nl, const pel_system *sys, int *rebuilt, pel_error *err);
/* Number of image codes, and their shift vectors S[3*c + d] for sys's box. */
size_t pel_nlist_nshift(const pel_nlist *nl);
void pel_nlist_shifts(const pel_nlist *nl, const pel_system *sys, double *shift);
/* Positions relative to the build images, xw_i = x_i - H img_i ([3n], sys's
 * current box; sys->n must equal the list's). */
void pel_nlist_unwrap_build(const pel_nlist *nl, const pel_system *sys, double *xw);

#ifdef __cplusplus
}
#endif

#endif
