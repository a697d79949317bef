/* calc.c - the EAM force engine pel_calc (include/pel/eam.h): potential,
 * type map, Verlet half list and per-pair scratch.
 *
 * Same physics and arithmetic per pair as LAMMPS pair_eam.cpp (two passes:
 * densities, then forces with F'(rho) of both atoms; docs/atoms.md),
 * organised so that the result is bit-for-bit independent of the number of
 * OpenMP threads: every per-pair quantity is written to its own slot of the
 * half list (parallel over owners), and every per-atom sum is gathered by its
 * atom in a fixed order (own slots, then reverse slots).  No atomics, no
 * per-thread arrays, and each pair's spline work is done once, not twice as
 * with a full list. */
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
#define PEL_ROW 16 /* doubles per interleaved pair-table row (2 cache lines) */

struct pel_calc {
    const pel_eam *pot;
    size_t n;
    int ntypes;
    int nthreads;
    long count;
    pel_nlist *nl;
    /* Tables per (type of i, type of j): density at i due to j, and r*phi. */
    const double *rho_at[PEL_MAX_TYPES][PEL_MAX_TYPES];
    const double *z2r[PEL_MAX_TYPES][PEL_MAX_TYPES];
    const double *frho[PEL_MAX_TYPES];
    /* Interleaved per-(type i, type j) rows, one per r node m, so that a pair
     * touches one cache line in each pass (the LAMMPS coefficients, copied):
     * [0..3] c3..c6 of rho at i due to j, [4..7] c3..c6 of rho at j due to i,
     * [8..14] c0..c6 of r*phi.  The density derivatives are formed in pass 1
     * from c3..c5 exactly as LAMMPS forms c0..c2 (3 c3/dr, 2 c4/dr, c5/dr:
     * same operations, same bits) and kept per pair for pass 2. */
    double *pairtab;
    size_t pairtab_stride; /* doubles per (ti,tj) table */
    double *xw;      /* [3n] positions minus build image, Å */
    double *rho;     /* [n] */
    double *fp;      /* [n] F'(rho) */
    double *femb;    /* [n] F(rho_i), eV */
    double *eown;    /* [n] F(rho_i) + sum of phi over own slots, eV */
    double *vir;     /* [6n] virial of own slots */
    double *shift;   /* image shift vectors */
    size_t shift_cap;
    double *fown;    /* [3n] force from own slots, eV/Å */
    double *s_rho_j; /* [slots] density at partner due to owner */
    double *s_f;     /* [3 slots] force on owner from the pair, eV/Å */
    double *s_phi;   /* [slots] pair energy, eV */
    double *s_r;     /* [slots] pair distance (within the cutoff), Å */
    double *s_drho;  /* [2 slots] d rho/dr at owner (due to partner), at partner */
    long *s_off;     /* [slots] offset of the pair-table row, -1 beyond the cutoff */
    size_t slot_cap;
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
    pel_calc *c = calloc(1, sizeof *c);
    if (!c)
        return pel_error_set(err, PEL_ENOMEM, "out of memory for the force engine");
    c->pot = pot;
    c->n = sys->n;
    c->ntypes = sys->ntypes;
    c->nthreads = nthreads;
    for (int ti = 0; ti < sys->ntypes; ti++) {
        c->frho[ti] = pot->frho[map[ti]];
        for (int tj = 0; tj < sys->ntypes; tj++) {
            /* eam/fs: block of the neighbour's element, sub-table of the receiver's. */
            c->rho_at[ti][tj] = pot->rhor[map[tj] * pot->nel + map[ti]];
            c->z2r[ti][tj] = pot->z2r[map[ti] * pot->nel + map[tj]];
        }
    }
    size_t rows = (size_t)pot->nr + 1, nt = (size_t)sys->ntypes;
    c->pairtab_stride = rows * PEL_ROW;
    c->pairtab = aligned_alloc(64, nt * nt * c->pairtab_stride * sizeof(double));
    if (!c->pairtab) {
        pel_calc_free(&c);
        return pel_error_set(err, PEL_ENOMEM, "out of memory for the force engine tables");
    }
    for (size_t ti = 0; ti < nt; ti++)
        for (size_t tj = 0; tj < nt; tj++) {
            double *t = &c->pairtab[(ti * nt + tj) * c->pairtab_stride];
            const double *ri = c->rho_at[ti][tj], *rj = c->rho_at[tj][ti], *z = c->z2r[ti][tj];
            for (size_t m = 0; m < rows; m++) {
                double *row = &t[m * PEL_ROW];
                const double *a = &ri[m * PEL_SPL], *b = &rj[m * PEL_SPL], *zz = &z[m * PEL_SPL];
                memset(row, 0, PEL_ROW * sizeof *row);
                memcpy(row, a + 3, 4 * sizeof *row);
                memcpy(row + 4, b + 3, 4 * sizeof *row);
                memcpy(row + 8, zz, 7 * sizeof *row);
            }
        }
    size_t m = sys->n ? sys->n : 1;
    c->xw = malloc(3 * m * sizeof *c->xw);
    c->rho = malloc(m * sizeof *c->rho);
    c->fp = malloc(m * sizeof *c->fp);
    c->eown = malloc(m * sizeof *c->eown);
    c->femb = malloc(m * sizeof *c->femb);
    c->fown = malloc(3 * m * sizeof *c->fown);
    c->vir = malloc(6 * m * sizeof *c->vir);
    if (!c->xw || !c->rho || !c->fp || !c->eown || !c->femb || !c->fown || !c->vir) {
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
    free(c->xw);
    free(c->rho);
    free(c->fp);
    free(c->eown);
    free(c->femb);
    free(c->vir);
    free(c->shift);
    free(c->fown);
    free(c->pairtab);
    free(c->s_rho_j);
    free(c->s_f);
    free(c->s_phi);
    free(c->s_r);
    free(c->s_drho);
    free(c->s_off);
    free(c);
    *calc = NULL;
}

long pel_calc_count(const pel_calc *calc) { return calc->count; }
long pel_calc_builds(const pel_calc *calc) { return calc->nl->nbuilds; }

static int ensure_scratch(pel_calc *c, pel_error *err)
{
    size_t ns = pel_nlist_nshift(c->nl);
    if (ns > c->shift_cap) {
        double *s = realloc(c->shift, 3 * ns * sizeof *s);
        if (!s)
            return pel_error_set(err, PEL_ENOMEM, "out of memory for image shifts");
        c->shift = s;
        c->shift_cap = ns;
    }
    size_t need = c->nl->nslots;
    if (need > c->slot_cap) {
        size_t cap = need + need / 4 + 1024;
        double **arr[5] = {&c->s_rho_j, &c->s_f, &c->s_phi, &c->s_r, &c->s_drho};
        size_t width[5] = {1, 3, 1, 1, 2};
        for (int k = 0; k < 5; k++) {
            double *p = realloc(*arr[k], width[k] * cap * sizeof *p);
            if (!p)
                return pel_error_set(err, PEL_ENOMEM, "out of memory for %zu neighbour pairs", cap);
            *arr[k] = p;
        }
        long *o = realloc(c->s_off, cap * sizeof *o);
        if (!o)
            return pel_error_set(err, PEL_ENOMEM, "out of memory for %zu neighbour pairs", cap);
        c->s_off = o;
        c->slot_cap = cap;
    }
    return PEL_OK;
}

/* Pair vector of slot s (owner i, partner j): d = xw_i - xw_j - S[code]. */
static inline double pair_vec(const pel_calc *c, size_t s, size_t i, double d[3])
{
    const double *xi = &c->xw[3 * i], *xj = &c->xw[3 * (size_t)c->nl->j[s]];
    const double *sh = &c->shift[3 * (size_t)c->nl->code[s]];
    d[0] = xi[0] - (xj[0] + sh[0]);
    d[1] = xi[1] - (xj[1] + sh[1]);
    d[2] = xi[2] - (xj[2] + sh[2]);
    return d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
}

int pel_calc_compute(pel_calc *calc, const pel_system *sys, pel_forces *out, pel_error *err)
{
    pel_calc *c = calc;
    if (sys->n != c->n || sys->ntypes != c->ntypes)
        return pel_error_set(err, PEL_EINVAL, "force engine made for %zu atoms/%d types, got %zu/%d", c->n,
                             c->ntypes, sys->n, sys->ntypes);
    int rc = pel_nlist_update(c->nl, sys, NULL, err);
    if (rc)
        return rc;
    if ((rc = ensure_scratch(c, err)))
        return rc;
    c->count++;
    pel_nlist_shifts(c->nl, sys, c->shift);
    const pel_eam *pot = c->pot;
    const pel_nlist *nl = c->nl;
    const size_t n = sys->n;
    const int nrm1 = pot->nr - 1, nrho = pot->nrho;
    const double cutsq = pot->cutsq, rdr = pot->rdr, dr = pot->dr, rdrho = pot->rdrho, rhomax = pot->rhomax;
    const double rmin2 = PEL_CALC_RMIN_A * PEL_CALC_RMIN_A;
    const int *type = sys->type;
    const int nt = sys->ntypes;
    const size_t stride = c->pairtab_stride;
    const int want_eatom = out->e_atom != NULL;
    size_t close_slot = SIZE_MAX; /* smallest slot index of a too-close pair */
    int nonfinite = 0;
    int nth = 1;
#ifdef _OPENMP
    nth = c->nthreads > 0 ? c->nthreads : omp_get_max_threads();
#endif
    (void)nth;

#pragma omp parallel num_threads(nth) default(shared)
    {
        /* Positions relative to the build images, x - H img (triclinic too). */
#pragma omp for schedule(static)
        for (size_t i = 0; i < n; i++) {
            double im[3] = {nl->img[3 * i], nl->img[3 * i + 1], nl->img[3 * i + 2]}, t[3];
            pel_system_shift(sys, im, t);
            for (int d = 0; d < 3; d++)
                c->xw[3 * i + d] = sys->x[3 * i + d] - t[d];
        }

        /* Pass 1 (LAMMPS first loop): density at the owner is summed here, the
         * partner's share goes to the slot for the reverse gather.  Stage A
         * finds r and the table row of every slot of atom i and prefetches
         * the rows (table misses dominate: many independent loads in flight);
         * stage B evaluates.  r and the row are kept for pass 2. */
#pragma omp for schedule(static) reduction(min : close_slot)
        for (size_t i = 0; i < n; i++) {
            const int ti = type[i];
            const size_t s0 = nl->start[i], s1 = nl->start[i + 1];
            for (size_t s = s0; s < s1; s++) {
                double d[3];
                double rsq = pair_vec(c, s, i, d);
                if (rsq < cutsq) {
                    if (rsq < rmin2 && s < close_slot)
                        close_slot = s;
                    const int tj = type[nl->j[s]];
                    double r = sqrt(rsq);
                    double p = r * rdr + 1.0;
                    int m = (int)p;
                    m = m < nrm1 ? m : nrm1;
                    long off = (long)(ti * nt + tj) * (long)stride + (long)m * PEL_ROW;
                    c->s_r[s] = r;
                    c->s_off[s] = off;
                    __builtin_prefetch(&c->pairtab[off]);
                } else {
                    c->s_off[s] = -1;
                }
            }
            double rho_own = 0.0;
            for (size_t s = s0; s < s1; s++) {
                const long off = c->s_off[s];
                if (off >= 0) {
                    /* Same arithmetic as LAMMPS: p = r/dr + 1, m = (int)p, p -= m. */
                    double p = c->s_r[s] * rdr + 1.0;
                    int m = (int)p;
                    m = m < nrm1 ? m : nrm1;
                    p -= m;
                    p = p < 1.0 ? p : 1.0;
                    const double *row = &c->pairtab[off];
                    rho_own += ((row[0] * p + row[1]) * p + row[2]) * p + row[3];
                    c->s_rho_j[s] = ((row[4] * p + row[5]) * p + row[6]) * p + row[7];
                    /* rhojp: d/dr of density at i due to j; rhoip: at j due to i. */
                    c->s_drho[2 * s] = (3.0 * row[0] / dr * p + 2.0 * row[1] / dr) * p + row[2] / dr;
                    c->s_drho[2 * s + 1] = (3.0 * row[4] / dr * p + 2.0 * row[5] / dr) * p + row[6] / dr;
                } else {
                    c->s_rho_j[s] = 0.0;
                }
            }
            c->rho[i] = rho_own;
        }

        /* Gather rho_i (own part, then reverse slots in fixed order); F and F'. */
#pragma omp for schedule(static)
        for (size_t i = 0; i < n; i++) {
            double rho = c->rho[i];
            for (size_t k = nl->rstart[i]; k < nl->rstart[i + 1]; k++)
                rho += c->s_rho_j[nl->rslot[k]];
            c->rho[i] = rho;
            double p = rho * rdrho + 1.0;
            int m = p < (double)nrho ? (int)p : nrho - 1; /* also NaN -> last node */
            m = m > 1 ? m : 1;
            m = m < nrho - 1 ? m : nrho - 1;
            p -= m;
            p = p < 1.0 ? p : 1.0;
            const double *cf = &c->frho[type[i]][m * PEL_SPL];
            c->fp[i] = spl_der(cf, p);
            double e = spl_val(cf, p);
            /* LAMMPS: linear extrapolation of F beyond the table. */
            if (rho > rhomax)
                e += c->fp[i] * (rho - rhomax);
            c->femb[i] = e;
            c->eown[i] = e;
        }

        /* Pass 2 (LAMMPS second loop): force on the owner summed here, the
         * pair force stored in the slot for the partner; energies, virial. */
#pragma omp for schedule(static)
        for (size_t i = 0; i < n; i++) {
            const size_t s0 = nl->start[i], s1 = nl->start[i + 1];
            for (size_t s = s0; s < s1; s++)
                if (c->s_off[s] >= 0)
                    __builtin_prefetch(&c->pairtab[c->s_off[s] + 8]);
            const double fpi = c->fp[i];
            double v[6] = {0, 0, 0, 0, 0, 0}, ephi = 0.0, fi[3] = {0, 0, 0};
            for (size_t s = s0; s < s1; s++) {
                double *sf = &c->s_f[3 * s];
                const long off = c->s_off[s];
                if (off >= 0) {
                    double d[3];
                    pair_vec(c, s, i, d);
                    const size_t j = (size_t)nl->j[s];
                    double r = c->s_r[s];
                    double p = r * rdr + 1.0;
                    int m = (int)p;
                    m = m < nrm1 ? m : nrm1;
                    p -= m;
                    p = p < 1.0 ? p : 1.0;
                    double rhojp = c->s_drho[2 * s], rhoip = c->s_drho[2 * s + 1];
                    const double *cz = &c->pairtab[off + 8];
                    double z2p = spl_der(cz, p);
                    double z2 = spl_val(cz, p);
                    double recip = 1.0 / r;
                    double phi = z2 * recip;
                    double phip = z2p * recip - phi * recip;
                    double psip = fpi * rhojp + c->fp[j] * rhoip + phip;
                    double fpair = -psip * recip;
                    sf[0] = d[0] * fpair;
                    sf[1] = d[1] * fpair;
                    sf[2] = d[2] * fpair;
                    fi[0] += sf[0];
                    fi[1] += sf[1];
                    fi[2] += sf[2];
                    if (want_eatom)
                        c->s_phi[s] = phi;
                    ephi += phi;
                    v[0] += d[0] * sf[0];
                    v[1] += d[1] * sf[1];
                    v[2] += d[2] * sf[2];
                    v[3] += d[0] * sf[1];
                    v[4] += d[0] * sf[2];
                    v[5] += d[1] * sf[2];
                } else {
                    sf[0] = sf[1] = sf[2] = 0.0;
                    if (want_eatom)
                        c->s_phi[s] = 0.0;
                }
            }
            c->eown[i] += ephi;
            memcpy(&c->vir[6 * i], v, sizeof v);
            memcpy(&c->fown[3 * i], fi, sizeof fi);
        }

        /* Gather forces: own part, minus the pair forces of reverse slots. */
        if (out->f || out->e_atom) {
#pragma omp for schedule(static) reduction(| : nonfinite)
            for (size_t i = 0; i < n; i++) {
                double f[3] = {c->fown[3 * i], c->fown[3 * i + 1], c->fown[3 * i + 2]}, eh = 0.0;
                for (size_t k = nl->rstart[i]; k < nl->rstart[i + 1]; k++) {
                    const double *sf = &c->s_f[3 * nl->rslot[k]];
                    f[0] -= sf[0];
                    f[1] -= sf[1];
                    f[2] -= sf[2];
                }
                if (out->f) {
                    out->f[3 * i] = f[0];
                    out->f[3 * i + 1] = f[1];
                    out->f[3 * i + 2] = f[2];
                    nonfinite |= !isfinite(f[0] + f[1] + f[2]);
                }
                if (out->e_atom) { /* LAMMPS eatom: F(rho_i) + half of each pair */
                    for (size_t s = nl->start[i]; s < nl->start[i + 1]; s++)
                        eh += c->s_phi[s];
                    for (size_t k = nl->rstart[i]; k < nl->rstart[i + 1]; k++)
                        eh += c->s_phi[nl->rslot[k]];
                    out->e_atom[i] = c->femb[i] + 0.5 * eh;
                }
            }
        }
    }

    /* Serial, fixed-order totals. */
    double e = 0.0, v[6] = {0, 0, 0, 0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        e += c->eown[i];
        for (int k = 0; k < 6; k++)
            v[k] += c->vir[6 * i + k];
    }
    out->energy = e;
    memcpy(out->virial, v, sizeof v);
    if (close_slot != SIZE_MAX) {
        size_t i = (size_t)nl->owner[close_slot], j = (size_t)nl->j[close_slot];
        double d[3];
        double r = sqrt(pair_vec(c, close_slot, i, d));
        long long a = (long long)sys->id[i], b = (long long)sys->id[j];
        return pel_error_set(err, PEL_EBLOWUP, "atoms %lld and %lld are %.3g A apart (< %g A): overlapping atoms",
                             a < b ? a : b, a < b ? b : a, r, PEL_CALC_RMIN_A);
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
