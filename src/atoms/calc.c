/* calc.c - the EAM force engine pel_calc (include/pel/eam.h): potential,
 * type map, Verlet half list, atom order and per-block scratch.
 *
 * Same physics and arithmetic per pair as LAMMPS pair_eam.cpp (two passes
 * over a half list: densities, then forces with F'(rho) of both atoms;
 * docs/atoms.md).  Speed comes from three things LAMMPS also does:
 *  - atoms are kept in cell order (re-sorted at every list build, as LAMMPS
 *    atom_modify sort), so an atom's partners lie close in memory;
 *  - each pair is evaluated once and its share scattered to the partner
 *    (newton on), into small per-atom arrays;
 *  - the spline coefficients a pass needs are packed in one table row.
 * Results are bit-for-bit independent of the number of OpenMP threads: the
 * owners are cut into a fixed number of blocks (a function of n only); each
 * block is done by one thread in owner order and scatters into its own
 * arrays, and per-atom sums add the blocks in block order. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "atoms/eam_internal.h"
#include "pel/neighbor.h"

/* Pairs closer than this (Å) mean the configuration blew up: EAM tables
 * start at r = 0 but no physical Cu-Zr configuration comes near it. */
#define PEL_CALC_RMIN_A 0.5
/* Table rows, doubles: pass 1 reads the density values c3..c6 of rho at i
 * due to j and of rho at j due to i (one cache line); pass 2 the density
 * derivatives c0..c2 of both and c0..c6 of r*phi (two lines, padded). */
#define PEL_ROW1 8
#define PEL_ROW2 16
/* Owner blocks: about PEL_CALC_BLOCK_ATOMS owners each, at most
 * PEL_CALC_MAX_BLOCKS (threads beyond that idle in the pair passes). */
#define PEL_CALC_BLOCK_ATOMS 200
#define PEL_CALC_MAX_BLOCKS 8

/* Per-thread scratch for one owner's slots (kept in L1). */
typedef struct calc_scratch {
    int *j;       /* partner */
    double *d;    /* [3] pair vector, Å */
    double *r;    /* r (rsq until stage 2), Å */
    double *p;    /* fraction of the table interval */
    long *off;    /* table row offset */
} calc_scratch;

struct pel_calc {
    const pel_eam *pot;
    size_t n;
    int ntypes;
    int nthreads;
    long count;
    pel_nlist *nl; /* built on the atoms in cell order */
    const double *frho[PEL_MAX_TYPES];
    double *tab1, *tab2;        /* packed rows, PEL_ROW1 / PEL_ROW2 doubles */
    size_t rows;                /* rows per (type i, type j) table */
    /* Atom order: sorted index k holds atom perm[k] of the caller's system. */
    int *perm;
    double *xs;      /* [3n] positions in sorted order, Å */
    int *ts;         /* [n] types in sorted order */
    int64_t *ids;    /* [n] ids in sorted order (error messages) */
    double *xw;      /* [3n] sorted positions minus build image, Å */
    double *rho;     /* [n] */
    double *fp;      /* [n] F'(rho) */
    double *femb;    /* [n] F(rho_i), eV */
    int nblk;        /* owner blocks */
    double *brho;    /* [nblk n] density scattered by block b */
    double *bf;      /* [nblk 3n] force scattered by block b, eV/Å */
    double *bphi;    /* [nblk n] pair energy halves by block b (e_atom only) */
    double *be;      /* [nblk] energy of the block's owners, eV */
    double *bv;      /* [6 nblk] virial of the block's pairs, eV */
    double *shift;   /* image shift vectors */
    size_t shift_cap;
    calc_scratch *scr; /* [nscr] per thread */
    int nscr;
    size_t scr_cap;    /* slots per owner the scratch holds */
};

/* Spline value and derivative at node m, fraction p (LAMMPS Horner order). */
static inline double spl_val(const double *c, double p)
{
    return ((c[3] * p + c[4]) * p + c[5]) * p + c[6];
}
static inline double spl_der(const double *c, double p)
{
    return (c[0] * p + c[1]) * p + c[2];
}

static int calc_threads(const pel_calc *c)
{
#ifdef _OPENMP
    return c->nthreads > 0 ? c->nthreads : omp_get_max_threads();
#else
    (void)c;
    return 1;
#endif
}

static void free_scratch(pel_calc *c)
{
    for (int t = 0; t < c->nscr; t++) {
        free(c->scr[t].j);
        free(c->scr[t].d);
        free(c->scr[t].r);
        free(c->scr[t].p);
        free(c->scr[t].off);
    }
    free(c->scr);
    c->scr = NULL;
    c->nscr = 0;
    c->scr_cap = 0;
}

/* Copy the LAMMPS coefficients into the packed rows (same numbers, no
 * arithmetic: c0..c2 were formed by eam.c exactly as LAMMPS forms them). */
static void pack_tables(pel_calc *c, const pel_eam *pot, const int *map, int nt)
{
    for (int ti = 0; ti < nt; ti++)
        for (int tj = 0; tj < nt; tj++) {
            /* eam/fs: block of the neighbour's element, sub-table of the receiver's. */
            const double *ri = pot->rhor[map[tj] * pot->nel + map[ti]];
            const double *rj = pot->rhor[map[ti] * pot->nel + map[tj]];
            const double *z = pot->z2r[map[ti] * pot->nel + map[tj]];
            double *t1 = &c->tab1[(size_t)(ti * nt + tj) * c->rows * PEL_ROW1];
            double *t2 = &c->tab2[(size_t)(ti * nt + tj) * c->rows * PEL_ROW2];
            for (size_t m = 0; m < c->rows; m++) {
                const double *a = &ri[m * PEL_SPL], *b = &rj[m * PEL_SPL], *zz = &z[m * PEL_SPL];
                double *r1 = &t1[m * PEL_ROW1], *r2 = &t2[m * PEL_ROW2];
                memcpy(r1, a + 3, 4 * sizeof *r1);
                memcpy(r1 + 4, b + 3, 4 * sizeof *r1);
                memset(r2, 0, PEL_ROW2 * sizeof *r2);
                memcpy(r2, a, 3 * sizeof *r2);
                memcpy(r2 + 3, b, 3 * sizeof *r2);
                memcpy(r2 + 6, zz, 7 * sizeof *r2);
            }
        }
}

int pel_calc_new(pel_calc **out, const pel_eam *pot, const pel_system *sys, double skin, int nthreads,
                 pel_error *err)
{
    *out = NULL;
    int map[PEL_MAX_TYPES];
    int rc = pel_eam_map_types(pot, sys, map, err);
    if (rc)
        return rc;
    if (!(skin >= 0) || !isfinite(skin))
        return pel_error_set(err, PEL_EINVAL, "neighbour skin %g must be >= 0", skin);
    if (sys->n > (size_t)INT32_MAX / 3)
        return pel_error_set(err, PEL_EINVAL, "force engine: too many atoms (%zu)", sys->n);
    pel_calc *c = calloc(1, sizeof *c);
    if (!c)
        return pel_error_set(err, PEL_ENOMEM, "out of memory for the force engine");
    c->pot = pot;
    c->n = sys->n;
    c->ntypes = sys->ntypes;
    c->nthreads = nthreads;
    for (int ti = 0; ti < sys->ntypes; ti++)
        c->frho[ti] = pot->frho[map[ti]];
    size_t nt = (size_t)sys->ntypes;
    c->rows = (size_t)pot->nr + 1;
    c->tab1 = aligned_alloc(64, nt * nt * c->rows * PEL_ROW1 * sizeof(double));
    c->tab2 = aligned_alloc(64, nt * nt * c->rows * PEL_ROW2 * sizeof(double));
    if (!c->tab1 || !c->tab2) {
        pel_calc_free(&c);
        return pel_error_set(err, PEL_ENOMEM, "out of memory for the force engine tables");
    }
    pack_tables(c, pot, map, sys->ntypes);
    size_t n = sys->n, m = n ? n : 1;
    size_t nb = n / PEL_CALC_BLOCK_ATOMS;
    c->nblk = nb < 1 ? 1 : nb > PEL_CALC_MAX_BLOCKS ? PEL_CALC_MAX_BLOCKS : (int)nb;
    size_t kb = (size_t)c->nblk;
    c->perm = malloc(m * sizeof *c->perm);
    c->xs = malloc(3 * m * sizeof *c->xs);
    c->ts = malloc(m * sizeof *c->ts);
    c->ids = malloc(m * sizeof *c->ids);
    c->xw = malloc(3 * m * sizeof *c->xw);
    c->rho = malloc(m * sizeof *c->rho);
    c->fp = malloc(m * sizeof *c->fp);
    c->femb = malloc(m * sizeof *c->femb);
    c->brho = malloc(kb * m * sizeof *c->brho);
    c->bf = malloc(3 * kb * m * sizeof *c->bf);
    c->be = malloc(kb * sizeof *c->be);
    c->bv = malloc(6 * kb * sizeof *c->bv);
    if (!c->perm || !c->xs || !c->ts || !c->ids || !c->xw || !c->rho || !c->fp || !c->femb || !c->brho ||
        !c->bf || !c->be || !c->bv) {
        pel_calc_free(&c);
        return pel_error_set(err, PEL_ENOMEM, "out of memory for the force engine (%zu atoms)", sys->n);
    }
    if ((rc = pel_nlist_new(&c->nl, pot->cut, skin, err))) {
        pel_calc_free(&c);
        return rc;
    }
    *out = c;
    return PEL_OK;
}

void pel_calc_free(pel_calc **calc)
{
    if (!calc || !*calc)
        return;
    pel_calc *c = *calc;
    pel_nlist_free(&c->nl);
    free_scratch(c);
    free(c->tab1);
    free(c->tab2);
    free(c->perm);
    free(c->xs);
    free(c->ts);
    free(c->ids);
    free(c->xw);
    free(c->rho);
    free(c->fp);
    free(c->femb);
    free(c->brho);
    free(c->bf);
    free(c->bphi);
    free(c->be);
    free(c->bv);
    free(c->shift);
    free(c);
    *calc = NULL;
}

long pel_calc_count(const pel_calc *calc) { return calc->count; }
long pel_calc_builds(const pel_calc *calc) { return calc->nl->nbuilds; }

/* ------------------------------------------------------------------------
 * Atom order: counting sort by cell of (cut + skin) / 2 (LAMMPS atom_modify
 * sort's default bin), cells in row-major order, stable in the caller's
 * index.  A function of the positions only, so a run resumed where the
 * engine is rebuilt sorts exactly as the uninterrupted one. */
static int sort_atoms(pel_calc *c, const pel_system *sys, pel_error *err)
{
    size_t n = sys->n;
    double w[3], bin = 0.5 * (c->nl->cut + c->nl->skin);
    int nb[3];
    pel_system_widths(sys, w);
    for (int d = 0; d < 3; d++) {
        double k = isfinite(w[d]) && w[d] > 0 ? floor(w[d] / bin) : 1.0;
        nb[d] = k < 1 ? 1 : k > 64 ? 64 : (int)k;
    }
    size_t ncell = (size_t)nb[0] * nb[1] * nb[2];
    size_t *cstart = calloc(ncell + 1, sizeof *cstart);
    int *cell = malloc((n ? n : 1) * sizeof *cell);
    if (!cstart || !cell) {
        free(cstart);
        free(cell);
        return pel_error_set(err, PEL_ENOMEM, "out of memory sorting %zu atoms", n);
    }
    for (size_t i = 0; i < n; i++) {
        double lam[3];
        int cc[3];
        pel_system_lamda(sys, &sys->x[3 * i], lam);
        for (int d = 0; d < 3; d++) {
            double f = (lam[d] - floor(lam[d])) * nb[d]; /* NaN: cell 0, the list build reports it */
            cc[d] = f >= 0 && f < nb[d] ? (int)f : 0;
        }
        cell[i] = (cc[0] * nb[1] + cc[1]) * nb[2] + cc[2];
        cstart[cell[i] + 1]++;
    }
    for (size_t k = 0; k < ncell; k++)
        cstart[k + 1] += cstart[k];
    for (size_t i = 0; i < n; i++)
        c->perm[cstart[cell[i]]++] = (int)i;
    free(cstart);
    free(cell);
    for (size_t k = 0; k < n; k++) {
        size_t i = (size_t)c->perm[k];
        memcpy(&c->xs[3 * k], &sys->x[3 * i], 3 * sizeof *c->xs);
        c->ts[k] = sys->type[i];
        c->ids[k] = sys->id[i];
    }
    return PEL_OK;
}

/* The caller's system seen in sorted order (arrays borrowed from c). */
static pel_system sorted_view(const pel_calc *c, const pel_system *sys)
{
    pel_system s = *sys;
    s.x = c->xs;
    s.type = c->ts;
    s.id = c->ids;
    s.v = NULL;
    s.image = NULL;
    return s;
}

/* Refresh the sorted positions; re-sort and rebuild the list when stale. */
static int update_list(pel_calc *c, const pel_system *sys, pel_error *err)
{
    if (c->nl->n == c->n && c->n > 0)
        for (size_t k = 0; k < c->n; k++)
            memcpy(&c->xs[3 * k], &sys->x[3 * (size_t)c->perm[k]], 3 * sizeof *c->xs);
    pel_system ss = sorted_view(c, sys);
    if (!pel_nlist_stale(c->nl, &ss))
        return PEL_OK;
    int rc = sort_atoms(c, sys, err);
    return rc ? rc : pel_nlist_build(c->nl, &ss, err);
}

static int ensure_scratch(pel_calc *c, int nth, int want_eatom, pel_error *err)
{
    const pel_nlist *nl = c->nl;
    size_t ns = pel_nlist_nshift(nl);
    if (ns > c->shift_cap) {
        double *s = realloc(c->shift, 3 * ns * sizeof *s);
        if (!s)
            return pel_error_set(err, PEL_ENOMEM, "out of memory for image shifts");
        c->shift = s;
        c->shift_cap = ns;
    }
    if (want_eatom && !c->bphi && !(c->bphi = malloc((size_t)c->nblk * (c->n ? c->n : 1) * sizeof *c->bphi)))
        return pel_error_set(err, PEL_ENOMEM, "out of memory for per-atom energies");
    size_t most = 1;
    for (size_t i = 0; i < c->n; i++)
        if (nl->start[i + 1] - nl->start[i] > most)
            most = nl->start[i + 1] - nl->start[i];
    if (nth <= c->nscr && most <= c->scr_cap)
        return PEL_OK;
    free_scratch(c);
    size_t cap = most + most / 4 + 16;
    c->scr = calloc((size_t)nth, sizeof *c->scr);
    if (!c->scr)
        return pel_error_set(err, PEL_ENOMEM, "out of memory for force scratch");
    c->nscr = nth;
    c->scr_cap = cap;
    for (int t = 0; t < nth; t++) {
        calc_scratch *s = &c->scr[t];
        s->j = malloc(cap * sizeof *s->j);
        s->d = malloc(3 * cap * sizeof *s->d);
        s->r = malloc(cap * sizeof *s->r);
        s->p = malloc(cap * sizeof *s->p);
        s->off = malloc(cap * sizeof *s->off);
        if (!s->j || !s->d || !s->r || !s->p || !s->off) {
            free_scratch(c);
            return pel_error_set(err, PEL_ENOMEM, "out of memory for force scratch");
        }
    }
    return PEL_OK;
}

/* ------------------------------------------------------------------------
 * One owner's slots into the scratch: the pairs within the cutoff, in slot
 * order (branch-free compaction), with r, the table row and its fraction.
 * Returns the count; *rsq_min is the smallest squared distance seen. */
__attribute__((always_inline)) static inline int gather_pairs(const pel_calc *c, size_t i, calc_scratch *s, size_t row, long tstride,
                               int want_d, double *rsq_min)
{
    const pel_nlist *nl = c->nl;
    const pel_eam *pot = c->pot;
    const size_t s0 = nl->start[i], s1 = nl->start[i + 1];
    const int *jl = nl->j, *cl = nl->code;
    const double *xw = c->xw, *sh = c->shift;
    const double xi0 = xw[3 * i], xi1 = xw[3 * i + 1], xi2 = xw[3 * i + 2], cutsq = pot->cutsq;
    double lo = INFINITY;
    int cnt = 0;
    for (size_t q = s0; q < s1; q++) {
        const int j = jl[q];
        const double *xj = &xw[3 * (size_t)j], *S = &sh[3 * (size_t)cl[q]];
        const double d0 = xi0 - (xj[0] + S[0]), d1 = xi1 - (xj[1] + S[1]), d2 = xi2 - (xj[2] + S[2]);
        const double rsq = d0 * d0 + d1 * d1 + d2 * d2;
        s->j[cnt] = j;
        s->r[cnt] = rsq;
        if (want_d) {
            s->d[3 * cnt] = d0;
            s->d[3 * cnt + 1] = d1;
            s->d[3 * cnt + 2] = d2;
        }
        lo = rsq < lo ? rsq : lo;
        cnt += rsq < cutsq;
    }
    *rsq_min = lo;
    /* Same arithmetic as LAMMPS: p = r/dr + 1, m = (int)p, p -= m. */
    const double rdr = pot->rdr;
    const int nrm1 = pot->nr - 1, nt = c->ntypes, ti = c->ts[i];
    for (int q = 0; q < cnt; q++) {
        double r = sqrt(s->r[q]);
        double p = r * rdr + 1.0;
        int m = (int)p;
        m = m < nrm1 ? m : nrm1;
        p -= m;
        s->r[q] = r;
        s->p[q] = p < 1.0 ? p : 1.0;
        s->off[q] = (long)(ti * nt + c->ts[s->j[q]]) * tstride + (long)m * (long)row;
        if (row == PEL_ROW1) {
            __builtin_prefetch(&c->tab1[s->off[q]]);
        } else {
            __builtin_prefetch(&c->tab2[s->off[q]]);
            __builtin_prefetch(&c->tab2[s->off[q] + 8]);
        }
    }
    return cnt;
}

/* First slot of owner i closer than PEL_CALC_RMIN_A (rare error path). */
static size_t close_slot_of(const pel_calc *c, size_t i)
{
    const pel_nlist *nl = c->nl;
    for (size_t q = nl->start[i]; q < nl->start[i + 1]; q++) {
        const double *xi = &c->xw[3 * i], *xj = &c->xw[3 * (size_t)nl->j[q]], *S = &c->shift[3 * (size_t)nl->code[q]];
        double d0 = xi[0] - (xj[0] + S[0]), d1 = xi[1] - (xj[1] + S[1]), d2 = xi[2] - (xj[2] + S[2]);
        if (d0 * d0 + d1 * d1 + d2 * d2 < PEL_CALC_RMIN_A * PEL_CALC_RMIN_A)
            return q;
    }
    return SIZE_MAX;
}

/* Pass 1 over the owners of block b (LAMMPS first loop, newton on). */
static size_t density_block(pel_calc *c, int b, calc_scratch *s)
{
    const size_t n = c->n, i0 = n * (size_t)b / (size_t)c->nblk, i1 = n * (size_t)(b + 1) / (size_t)c->nblk;
    double *brho = &c->brho[(size_t)b * n];
    const long tstride = (long)(c->rows * PEL_ROW1);
    size_t close = SIZE_MAX;
    memset(brho, 0, n * sizeof *brho);
    for (size_t i = i0; i < i1; i++) {
        double rsq_min;
        int cnt = gather_pairs(c, i, s, PEL_ROW1, tstride, 0, &rsq_min);
        if (rsq_min < PEL_CALC_RMIN_A * PEL_CALC_RMIN_A && close == SIZE_MAX)
            close = close_slot_of(c, i);
        double rho_own = 0.0;
        for (int q = 0; q < cnt; q++) {
            const double p = s->p[q], *row = &c->tab1[s->off[q]];
            rho_own += ((row[0] * p + row[1]) * p + row[2]) * p + row[3];
            brho[s->j[q]] += ((row[4] * p + row[5]) * p + row[6]) * p + row[7];
        }
        brho[i] += rho_own;
    }
    return close;
}

/* Pass 2 over the owners of block b (LAMMPS second loop, newton on):
 * forces into the block's arrays, energy and virial into be[b], bv[b]. */
static void force_block(pel_calc *c, int b, calc_scratch *s, int want_eatom)
{
    const size_t n = c->n, i0 = n * (size_t)b / (size_t)c->nblk, i1 = n * (size_t)(b + 1) / (size_t)c->nblk;
    double *bf = &c->bf[3 * (size_t)b * n], *bphi = want_eatom ? &c->bphi[(size_t)b * n] : NULL;
    const double *fp = c->fp;
    const long tstride = (long)(c->rows * PEL_ROW2);
    double e = 0.0, v[6] = {0, 0, 0, 0, 0, 0};
    memset(bf, 0, 3 * n * sizeof *bf);
    if (bphi)
        memset(bphi, 0, n * sizeof *bphi);
    for (size_t i = i0; i < i1; i++) {
        double rsq_min;
        int cnt = gather_pairs(c, i, s, PEL_ROW2, tstride, 1, &rsq_min);
        const double fpi = fp[i];
        double ephi = 0.0, fi0 = 0.0, fi1 = 0.0, fi2 = 0.0;
        for (int q = 0; q < cnt; q++) {
            const double p = s->p[q], r = s->r[q], *row = &c->tab2[s->off[q]];
            const double *d = &s->d[3 * q];
            const int j = s->j[q];
            /* rhojp: d/dr of density at i due to j; rhoip: at j due to i. */
            double rhojp = (row[0] * p + row[1]) * p + row[2];
            double rhoip = (row[3] * p + row[4]) * p + row[5];
            double z2p = spl_der(row + 6, p);
            double z2 = spl_val(row + 6, p);
            double recip = 1.0 / r;
            double phi = z2 * recip;
            double phip = z2p * recip - phi * recip;
            double psip = fpi * rhojp + fp[j] * rhoip + phip;
            double fpair = -psip * recip;
            double f0 = d[0] * fpair, f1 = d[1] * fpair, f2 = d[2] * fpair;
            fi0 += f0;
            fi1 += f1;
            fi2 += f2;
            bf[3 * j] -= f0;
            bf[3 * j + 1] -= f1;
            bf[3 * j + 2] -= f2;
            ephi += phi;
            if (bphi)
                bphi[j] += phi;
            v[0] += d[0] * f0;
            v[1] += d[1] * f1;
            v[2] += d[2] * f2;
            v[3] += d[0] * f1;
            v[4] += d[0] * f2;
            v[5] += d[1] * f2;
        }
        bf[3 * i] += fi0;
        bf[3 * i + 1] += fi1;
        bf[3 * i + 2] += fi2;
        if (bphi)
            bphi[i] += ephi;
        e += c->femb[i] + ephi;
    }
    c->be[b] = e;
    memcpy(&c->bv[6 * b], v, sizeof v);
}

int pel_calc_compute(pel_calc *calc, const pel_system *sys, pel_forces *out, pel_error *err)
{
    pel_calc *c = calc;
    if (sys->n != c->n || sys->ntypes != c->ntypes)
        return pel_error_set(err, PEL_EINVAL, "force engine made for %zu atoms/%d types, got %zu/%d", c->n,
                             c->ntypes, sys->n, sys->ntypes);
    int rc = update_list(c, sys, err);
    if (rc)
        return rc;
    const int nth = calc_threads(c), want_eatom = out->e_atom != NULL;
    if ((rc = ensure_scratch(c, nth, want_eatom, err)))
        return rc;
    c->count++;
    pel_system ss = sorted_view(c, sys);
    pel_nlist_shifts(c->nl, &ss, c->shift);
    const pel_eam *pot = c->pot;
    const pel_nlist *nl = c->nl;
    const size_t n = sys->n;
    const int nrho = pot->nrho, nblk = c->nblk;
    const double rdrho = pot->rdrho, rhomax = pot->rhomax;
    size_t close_slot = SIZE_MAX; /* smallest slot index of a too-close pair */
    int nonfinite = 0;

#pragma omp parallel num_threads(nth) default(shared)
    {
        int tid = 0;
#ifdef _OPENMP
        tid = omp_get_thread_num();
#endif
        calc_scratch *s = &c->scr[tid];
        /* Positions relative to the build images, x - H img (triclinic too). */
#pragma omp for schedule(static)
        for (size_t i = 0; i < n; i++) {
            double im[3] = {nl->img[3 * i], nl->img[3 * i + 1], nl->img[3 * i + 2]}, t[3];
            pel_system_shift(&ss, im, t);
            for (int d = 0; d < 3; d++)
                c->xw[3 * i + d] = c->xs[3 * i + d] - t[d];
        }

#pragma omp for schedule(static, 1) reduction(min : close_slot)
        for (int b = 0; b < nblk; b++) {
            size_t cs = density_block(c, b, s);
            close_slot = cs < close_slot ? cs : close_slot;
        }

        /* rho_i: the blocks in block order; then F and F'. */
#pragma omp for schedule(static)
        for (size_t i = 0; i < n; i++) {
            double rho = c->brho[i];
            for (int b = 1; b < nblk; b++)
                rho += c->brho[(size_t)b * n + i];
            c->rho[i] = rho;
            double p = rho * rdrho + 1.0;
            int m = p < (double)nrho ? (int)p : nrho - 1; /* also NaN -> last node */
            m = m > 1 ? m : 1;
            m = m < nrho - 1 ? m : nrho - 1;
            p -= m;
            p = p < 1.0 ? p : 1.0;
            const double *cf = &c->frho[c->ts[i]][m * PEL_SPL];
            c->fp[i] = spl_der(cf, p);
            double e = spl_val(cf, p);
            /* LAMMPS: linear extrapolation of F beyond the table. */
            if (rho > rhomax)
                e += c->fp[i] * (rho - rhomax);
            c->femb[i] = e;
        }

#pragma omp for schedule(static, 1)
        for (int b = 0; b < nblk; b++)
            force_block(c, b, s, want_eatom);

        /* Forces: the blocks in block order, back to the caller's order. */
        if (out->f || out->e_atom) {
#pragma omp for schedule(static) reduction(| : nonfinite)
            for (size_t k = 0; k < n; k++) {
                const size_t i = (size_t)c->perm[k];
                double f0 = c->bf[3 * k], f1 = c->bf[3 * k + 1], f2 = c->bf[3 * k + 2];
                for (int b = 1; b < nblk; b++) {
                    const double *bf = &c->bf[3 * ((size_t)b * n + k)];
                    f0 += bf[0];
                    f1 += bf[1];
                    f2 += bf[2];
                }
                if (out->f) {
                    out->f[3 * i] = f0;
                    out->f[3 * i + 1] = f1;
                    out->f[3 * i + 2] = f2;
                    nonfinite |= !isfinite(f0 + f1 + f2);
                }
                if (out->e_atom) { /* LAMMPS eatom: F(rho_i) + half of each pair */
                    double eh = c->bphi[k];
                    for (int b = 1; b < nblk; b++)
                        eh += c->bphi[(size_t)b * n + k];
                    out->e_atom[i] = c->femb[k] + 0.5 * eh;
                }
            }
        }
    }

    /* Serial, fixed-order totals. */
    double e = 0.0, v[6] = {0, 0, 0, 0, 0, 0};
    for (int b = 0; b < nblk; b++) {
        e += c->be[b];
        for (int k = 0; k < 6; k++)
            v[k] += c->bv[6 * b + k];
    }
    out->energy = e;
    memcpy(out->virial, v, sizeof v);
    if (close_slot != SIZE_MAX) {
        size_t i = (size_t)nl->owner[close_slot], j = (size_t)nl->j[close_slot];
        const double *xi = &c->xw[3 * i], *xj = &c->xw[3 * j], *S = &c->shift[3 * (size_t)nl->code[close_slot]];
        double d0 = xi[0] - (xj[0] + S[0]), d1 = xi[1] - (xj[1] + S[1]), d2 = xi[2] - (xj[2] + S[2]);
        double r = sqrt(d0 * d0 + d1 * d1 + d2 * d2);
        long long a = (long long)c->ids[i], bb = (long long)c->ids[j];
        return pel_error_set(err, PEL_EBLOWUP, "atoms %lld and %lld are %.3g A apart (< %g A): overlapping atoms",
                             a < bb ? a : bb, a < bb ? bb : a, r, PEL_CALC_RMIN_A);
    }
    if (nonfinite || !isfinite(e) || !isfinite(v[0] + v[1] + v[2]))
        return pel_error_set(err, PEL_EBLOWUP, "non-finite energy or forces (atoms lost or overlapping)");
    return PEL_OK;
}

double pel_system_pressure(const pel_system *sys, const double virial[6], int include_kinetic)
{
    /* LAMMPS compute pressure: (dof kB T + W_xx + W_yy + W_zz) / (3V) * nktv2p,
     * where dof kB T = sum m v^2 mvv2e = 2 KE. */
    double kin = include_kinetic ? 2.0 * pel_system_kinetic(sys) : 0.0;
    return (kin + virial[0] + virial[1] + virial[2]) / 3.0 / pel_system_volume(sys) * PEL_NKTV2P;
}
