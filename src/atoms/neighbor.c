/* neighbor.c - Verlet half lists from cell lists (in lamda space, so the
 * same code serves orthorhombic and triclinic boxes), with a skin and the rebuild
 * policy of include/pel/neighbor.h.  Builds are serial and deterministic (the
 * slot order fixes the summation order of the force loop in calc.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pel/neighbor.h"

/* Cell edge = rc / PEL_NLIST_REACH (or more), stencil of +-REACH cells:
 * finer cells visit fewer candidate pairs (125 cells of rc/2 hold 2.3x fewer
 * atoms than 27 cells of rc).  Boxes with fewer than 2 REACH + 1 cells per
 * edge fall back to reach 1, then to the direct all-image search. */
#define PEL_NLIST_REACH 2
/* Periodic images searched per direction at most (cutoff / box length). */
#define PEL_NLIST_MAX_IMAGES 50
/* Cells per atom above which the grid is coarsened (memory, not speed). */
#define PEL_NLIST_CELLS_PER_ATOM 8.0

int pel_nlist_new(pel_nlist **out, double cut, double skin, pel_error *err)
{
    *out = NULL;
    if (!(cut > 0) || !(skin >= 0) || !isfinite(cut) || !isfinite(skin))
        return pel_error_set(err, PEL_EINVAL, "neighbour list: cutoff %g and skin %g must be positive", cut, skin);
    pel_nlist *nl = calloc(1, sizeof *nl);
    if (!nl)
        return pel_error_set(err, PEL_ENOMEM, "out of memory for a neighbour list");
    nl->cut = cut;
    nl->skin = skin;
    *out = nl;
    return PEL_OK;
}

static void free_atoms(pel_nlist *nl)
{
    free(nl->start);
    free(nl->rstart);
    free(nl->img);
    free(nl->xbuild);
    nl->start = nl->rstart = NULL;
    nl->img = NULL;
    nl->xbuild = NULL;
}

void pel_nlist_free(pel_nlist **nl)
{
    if (!nl || !*nl)
        return;
    free_atoms(*nl);
    free((*nl)->j);
    free((*nl)->code);
    free((*nl)->owner);
    free((*nl)->rslot);
    free(*nl);
    *nl = NULL;
}

int pel_nlist_stale(const pel_nlist *nl, const pel_system *sys)
{
    if (nl->n == 0 || nl->n != sys->n)
        return 1;
    double dmax2 = 0.0;
    for (size_t i = 0; i < sys->n; i++) {
        double dx = sys->x[3 * i] - nl->xbuild[3 * i];
        double dy = sys->x[3 * i + 1] - nl->xbuild[3 * i + 1];
        double dz = sys->x[3 * i + 2] - nl->xbuild[3 * i + 2];
        double d2 = dx * dx + dy * dy + dz * dz;
        if (isnan(d2))
            return 1; /* the build reports the non-finite position */
        if (d2 > dmax2)
            dmax2 = d2;
    }
    /* A pair's lattice translation n0 a + n1 b + n2 c moves by at most
     * sum_d (nmax_d + 1) |change of edge d| (pair vectors: include/pel/neighbor.h). */
    double da = fabs(sys->len[0] - nl->lbuild[0]);
    double db = fabs(sys->len[1] - nl->lbuild[1]) + fabs(sys->tilt[0] - nl->tbuild[0]);
    double dc = fabs(sys->len[2] - nl->lbuild[2]) + fabs(sys->tilt[1] - nl->tbuild[1]) +
                fabs(sys->tilt[2] - nl->tbuild[2]);
    double bound = 2.0 * sqrt(dmax2) + (nl->nmax[0] + 1) * da + (nl->nmax[1] + 1) * db + (nl->nmax[2] + 1) * dc;
    return !(bound <= nl->skin);
}

size_t pel_nlist_nshift(const pel_nlist *nl)
{
    return (size_t)(2 * nl->kimg[0] + 1) * (size_t)(2 * nl->kimg[1] + 1) * (size_t)(2 * nl->kimg[2] + 1);
}

static int encode(const pel_nlist *nl, const int c[3])
{
    int wy = 2 * nl->kimg[1] + 1, wz = 2 * nl->kimg[2] + 1;
    return ((c[0] + nl->kimg[0]) * wy + (c[1] + nl->kimg[1])) * wz + (c[2] + nl->kimg[2]);
}

void pel_nlist_shifts(const pel_nlist *nl, const pel_system *sys, double *shift)
{
    int c[3];
    for (c[0] = -nl->kimg[0]; c[0] <= nl->kimg[0]; c[0]++)
        for (c[1] = -nl->kimg[1]; c[1] <= nl->kimg[1]; c[1]++)
            for (c[2] = -nl->kimg[2]; c[2] <= nl->kimg[2]; c[2]++) {
                double n[3] = {c[0], c[1], c[2]};
                pel_system_shift(sys, n, &shift[3 * encode(nl, c)]);
            }
}

void pel_nlist_unwrap_build(const pel_nlist *nl, const pel_system *sys, double *xw)
{
    for (size_t i = 0; i < sys->n; i++) {
        double n[3] = {nl->img[3 * i], nl->img[3 * i + 1], nl->img[3 * i + 2]}, t[3];
        pel_system_shift(sys, n, t);
        for (int d = 0; d < 3; d++)
            xw[3 * i + d] = sys->x[3 * i + d] - t[d];
    }
}

/* Append a slot, growing the arrays geometrically. */
static int push(pel_nlist *nl, int i, int j, const int c[3], pel_error *err)
{
    if (nl->nslots == nl->cap) {
        size_t cap = nl->cap ? 2 * nl->cap : 4096;
        int *nj = realloc(nl->j, cap * sizeof *nj);
        if (nj)
            nl->j = nj;
        int *nc = realloc(nl->code, cap * sizeof *nc);
        if (nc)
            nl->code = nc;
        int *no = realloc(nl->owner, cap * sizeof *no);
        if (no)
            nl->owner = no;
        size_t *nr = realloc(nl->rslot, cap * sizeof *nr);
        if (nr)
            nl->rslot = nr;
        if (!nj || !nc || !no || !nr)
            return pel_error_set(err, PEL_ENOMEM, "out of memory for %zu neighbour pairs", cap);
        nl->cap = cap;
    }
    size_t s = nl->nslots++;
    nl->j[s] = j;
    nl->code[s] = encode(nl, c);
    nl->owner[s] = i;
    for (int d = 0; d < 3; d++) {
        int nn = abs(nl->img[3 * i + d] - nl->img[3 * j + d] + c[d]);
        if (nn > nl->nmax[d])
            nl->nmax[d] = nn;
    }
    return PEL_OK;
}

/* Direct search over all atom pairs and all images within reach (small boxes). */
static int build_direct(pel_nlist *nl, const pel_system *sys, const double *xw, double rc2, pel_error *err)
{
    size_t n = nl->n;
    double rc = sqrt(rc2), w[3];
    pel_system_widths(sys, w);
    for (size_t i = 0; i < n; i++) {
        nl->start[i] = nl->nslots;
        for (size_t j = i; j < n; j++) {
            double dx[3], lam[3], zero[3] = {sys->lo[0], sys->lo[1], sys->lo[2]};
            int clo[3], chi[3], c[3];
            for (int d = 0; d < 3; d++) {
                dx[d] = xw[3 * i + d] - xw[3 * j + d];
                zero[d] += dx[d];
            }
            /* |lamda_d of a vector| <= |vector| / w_d: images within rc. */
            pel_system_lamda(sys, zero, lam);
            for (int d = 0; d < 3; d++) {
                clo[d] = (int)ceil(lam[d] - rc / w[d]) - 1;
                chi[d] = (int)floor(lam[d] + rc / w[d]) + 1;
                clo[d] = clo[d] < -nl->kimg[d] ? -nl->kimg[d] : clo[d];
                chi[d] = chi[d] > nl->kimg[d] ? nl->kimg[d] : chi[d];
            }
            for (c[0] = clo[0]; c[0] <= chi[0]; c[0]++)
                for (c[1] = clo[1]; c[1] <= chi[1]; c[1]++)
                    for (c[2] = clo[2]; c[2] <= chi[2]; c[2]++) {
                        if (j == i) { /* self image: keep one of +-c, never c = 0 */
                            int first = c[0] != 0 ? c[0] : c[1] != 0 ? c[1] : c[2];
                            if (first <= 0)
                                continue;
                        }
                        double r2 = 0.0, nc_[3] = {c[0], c[1], c[2]}, S[3];
                        pel_system_shift(sys, nc_, S);
                        for (int d = 0; d < 3; d++) {
                            double e = dx[d] - S[d];
                            r2 += e * e;
                        }
                        if (r2 < rc2) {
                            int rc_ = push(nl, (int)i, (int)j, c, err);
                            if (rc_)
                                return rc_;
                        }
                    }
        }
    }
    nl->start[n] = nl->nslots;
    return PEL_OK;
}

/* Cell-list search in lamda space: every box dimension holds >= 2 reach + 1
 * cells at least rc / reach wide face to face (so the box width is > 2 rc,
 * only the nearest image of a pair can be within rc, and the stencil offsets
 * are distinct cells).  Atoms are
 * counting-sorted by cell (contiguous candidate positions); a half stencil
 * (offsets lexicographically >= 0, index order inside the own cell) finds
 * each pair once. */
static int build_cells(pel_nlist *nl, const pel_system *sys, const double *xw, const int nc[3], int reach,
                       double rc2, pel_error *err)
{
    size_t n = nl->n, ncell = (size_t)nc[0] * nc[1] * nc[2];
    size_t *cstart = calloc(ncell + 1, sizeof *cstart);
    int *order = malloc((n ? n : 1) * sizeof *order), *cellof = malloc((n ? n : 1) * sizeof *cellof);
    double *xs = malloc(3 * (n ? n : 1) * sizeof *xs);
    if (!cstart || !order || !cellof || !xs) {
        free(cstart);
        free(order);
        free(cellof);
        free(xs);
        return pel_error_set(err, PEL_ENOMEM, "out of memory for %zu neighbour cells", ncell);
    }
    for (size_t i = 0; i < n; i++) {
        int cc[3];
        double lam[3];
        pel_system_lamda(sys, &xw[3 * i], lam);
        for (int d = 0; d < 3; d++) {
            cc[d] = (int)(lam[d] * nc[d]);
            cc[d] = cc[d] >= nc[d] ? nc[d] - 1 : cc[d] < 0 ? 0 : cc[d];
        }
        cellof[i] = (cc[0] * nc[1] + cc[1]) * nc[2] + cc[2];
        cstart[cellof[i] + 1]++;
    }
    for (size_t k = 0; k < ncell; k++)
        cstart[k + 1] += cstart[k];
    for (size_t i = 0; i < n; i++) { /* stable: increasing index inside a cell */
        size_t k = cstart[cellof[i]]++;
        order[k] = (int)i;
        memcpy(&xs[3 * k], &xw[3 * i], 3 * sizeof *xs);
    }
    for (size_t k = ncell; k > 0; k--)
        cstart[k] = cstart[k - 1];
    cstart[0] = 0;
    int rc_ = PEL_OK;
    for (size_t i = 0; i < n && !rc_; i++) {
        nl->start[i] = nl->nslots;
        int k = cellof[i];
        int ci[3] = {k / (nc[1] * nc[2]), (k / nc[2]) % nc[1], k % nc[2]};
        const double *xi = &xw[3 * i];
        int o[3];
        for (o[0] = 0; o[0] <= reach; o[0]++)
            for (o[1] = o[0] == 0 ? 0 : -reach; o[1] <= reach; o[1]++)
                for (o[2] = (o[0] == 0 && o[1] == 0) ? 0 : -reach; o[2] <= reach && !rc_; o[2]++) {
                    int cj[3], c[3];
                    double sh[3], cn[3], S[3];
                    for (int d = 0; d < 3; d++) {
                        int q = ci[d] + o[d];
                        c[d] = q < 0 ? -1 : q >= nc[d] ? 1 : 0; /* image of the neighbour cell */
                        cj[d] = q - c[d] * nc[d];
                        cn[d] = c[d];
                    }
                    pel_system_shift(sys, cn, S);
                    for (int d = 0; d < 3; d++)
                        sh[d] = xi[d] - S[d];
                    int self = o[0] == 0 && o[1] == 0 && o[2] == 0;
                    size_t kc = (size_t)(cj[0] * nc[1] + cj[1]) * nc[2] + cj[2];
                    for (size_t q = cstart[kc]; q < cstart[kc + 1]; q++) {
                        double ex = sh[0] - xs[3 * q], ey = sh[1] - xs[3 * q + 1], ez = sh[2] - xs[3 * q + 2];
                        if (ex * ex + ey * ey + ez * ez < rc2 && (!self || (size_t)order[q] > i) &&
                            (rc_ = push(nl, (int)i, order[q], c, err)))
                            break;
                    }
                }
    }
    nl->start[n] = nl->nslots;
    free(cstart);
    free(order);
    free(cellof);
    free(xs);
    return rc_;
}

int pel_nlist_build(pel_nlist *nl, const pel_system *sys, pel_error *err)
{
    size_t n = sys->n;
    if (n > (size_t)2147483647)
        return pel_error_set(err, PEL_EINVAL, "neighbour list: too many atoms (%zu)", n);
    if (nl->n != n || !nl->start) {
        free_atoms(nl);
        nl->n = 0;
        size_t m = n ? n : 1;
        nl->start = malloc((m + 1) * sizeof *nl->start);
        nl->rstart = malloc((m + 1) * sizeof *nl->rstart);
        nl->img = malloc(3 * m * sizeof *nl->img);
        nl->xbuild = malloc(3 * m * sizeof *nl->xbuild);
        if (!nl->start || !nl->rstart || !nl->img || !nl->xbuild) {
            free_atoms(nl);
            return pel_error_set(err, PEL_ENOMEM, "out of memory for a neighbour list of %zu atoms", n);
        }
    }
    double *xw = malloc(3 * (n ? n : 1) * sizeof *xw);
    if (!xw)
        return pel_error_set(err, PEL_ENOMEM, "out of memory for a neighbour list of %zu atoms", n);
    double rc = nl->cut + nl->skin, rc2 = rc * rc;
    int nc[3], direct = 0, reach = PEL_NLIST_REACH;
    for (int d = 0; d < 3; d++)
        if (!(sys->len[d] > 0) || !isfinite(sys->len[d]) || !isfinite(sys->tilt[d])) {
            free(xw);
            return pel_error_set(err, PEL_EBLOWUP, "box length %c = %g or tilt %s = %g is not finite and positive",
                                 'x' + d, sys->len[d], d == 0 ? "xy" : d == 1 ? "xz" : "yz", sys->tilt[d]);
        }
    /* Cells and image ranges live in lamda space: a pair within rc differs
     * by at most rc / w_d in lamda_d, w_d the face-to-face width (len_d for
     * an orthorhombic box). */
    double w[3];
    pel_system_widths(sys, w);
    for (int d = 0; d < 3; d++)
        if (floor(w[d] * PEL_NLIST_REACH / rc) < 2 * PEL_NLIST_REACH + 1)
            reach = 1;
    for (int d = 0; d < 3; d++) {
        if (!(rc <= PEL_NLIST_MAX_IMAGES * w[d])) {
            free(xw);
            return pel_error_set(err, PEL_EINVAL,
                                 "cutoff + skin %g A spans more than %d box lengths (width %c = %g A)", rc,
                                 PEL_NLIST_MAX_IMAGES, 'x' + d, w[d]);
        }
        double ncd = floor(w[d] * reach / rc);
        nc[d] = ncd > 1000 ? 1000 : (int)ncd;
        direct |= nc[d] < 2 * reach + 1;
        /* Image codes needed: |dlamda| < 1 between wrapped atoms, plus rc / w. */
        nl->kimg[d] = (int)ceil(rc / w[d]) + 1;
    }
    /* More cells than PEL_NLIST_CELLS_PER_ATOM per atom only cost memory (a
     * tiny cutoff would ask for 1e9): coarsen, keeping the stencil valid. */
    for (int d = 0; d < 3; d++) {
        double cells = (double)nc[0] * nc[1] * nc[2], most = PEL_NLIST_CELLS_PER_ATOM * ((double)n + 1.0);
        if (cells > most) {
            int want = (int)floor(cbrt(most));
            nc[d] = nc[d] > want ? (want > 2 * reach + 1 ? want : 2 * reach + 1) : nc[d];
        }
        nl->nmax[d] = 0;
    }
    for (size_t i = 0; i < n; i++) {
        const double *x = &sys->x[3 * i];
        if (!isfinite(x[0]) || !isfinite(x[1]) || !isfinite(x[2])) {
            free(xw);
            return pel_error_set(err, PEL_EBLOWUP, "atom %lld has a non-finite position", (long long)sys->id[i]);
        }
        double lam[3], k[3], t[3];
        pel_system_lamda(sys, x, lam);
        for (int d = 0; d < 3; d++) {
            k[d] = floor(lam[d]);
            if (fabs(k[d]) > 1e9) {
                free(xw);
                return pel_error_set(err, PEL_EBLOWUP, "atom %lld is %g box lengths away (lost)",
                                     (long long)sys->id[i], k[d]);
            }
            nl->img[3 * i + d] = (int)k[d];
        }
        pel_system_shift(sys, k, t);
        for (int d = 0; d < 3; d++) {
            xw[3 * i + d] = x[d] - t[d];
            nl->xbuild[3 * i + d] = x[d];
        }
    }
    nl->n = n;
    nl->nslots = 0;
    int rc_ = direct ? build_direct(nl, sys, xw, rc2, err) : build_cells(nl, sys, xw, nc, reach, rc2, err);
    free(xw);
    if (rc_) {
        nl->n = 0;
        return rc_;
    }
    /* Reverse list by counting sort on the partner: deterministic order. */
    memset(nl->rstart, 0, (n + 1) * sizeof *nl->rstart);
    for (size_t s = 0; s < nl->nslots; s++)
        nl->rstart[nl->j[s] + 1]++;
    for (size_t i = 0; i < n; i++)
        nl->rstart[i + 1] += nl->rstart[i];
    for (size_t s = 0; s < nl->nslots; s++)
        nl->rslot[nl->rstart[nl->j[s]]++] = s;
    for (size_t i = n; i > 0; i--)
        nl->rstart[i] = nl->rstart[i - 1];
    nl->rstart[0] = 0;
    memcpy(nl->lbuild, sys->len, sizeof nl->lbuild);
    memcpy(nl->tbuild, sys->tilt, sizeof nl->tbuild);
    nl->nbuilds++;
    return PEL_OK;
}

int pel_nlist_update(pel_nlist *nl, const pel_system *sys, int *rebuilt, pel_error *err)
{
    int stale = pel_nlist_stale(nl, sys);
    if (rebuilt)
        *rebuilt = stale;
    return stale ? pel_nlist_build(nl, sys, err) : PEL_OK;
}
