/* system.c - atoms in a periodic orthorhombic or triclinic box
 * (include/pel/system.h): allocation, copies, box geometry, wrapping, kinetic energy and temperature with LAMMPS
 * metal-unit conventions, overlap check, and the random liquid generator. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "pel/neighbor.h"
#include "pel/system.h"

/* Random insertion attempts per atom before giving up. */
#define PEL_LIQUID_MAX_TRIES 100000

int pel_system_new(pel_system **out, size_t n, int ntypes, pel_error *err)
{
    *out = NULL;
    if (ntypes < 1 || ntypes > PEL_MAX_TYPES)
        return pel_error_set(err, PEL_EINVAL, "number of atom types %d outside 1..%d", ntypes, PEL_MAX_TYPES);
    if (n > ((size_t)1 << 40))
        return pel_error_set(err, PEL_EINVAL, "number of atoms %zu too large", n);
    pel_system *s = calloc(1, sizeof *s);
    if (!s)
        return pel_error_set(err, PEL_ENOMEM, "out of memory for a system of %zu atoms", n);
    size_t m = n ? n : 1;
    s->n = n;
    s->ntypes = ntypes;
    s->x = calloc(3 * m, sizeof *s->x);
    s->v = calloc(3 * m, sizeof *s->v);
    s->type = calloc(m, sizeof *s->type);
    s->id = calloc(m, sizeof *s->id);
    s->image = calloc(3 * m, sizeof *s->image);
    if (!s->x || !s->v || !s->type || !s->id || !s->image) {
        pel_system_free(&s);
        return pel_error_set(err, PEL_ENOMEM, "out of memory for a system of %zu atoms", n);
    }
    for (size_t i = 0; i < n; i++)
        s->id[i] = (int64_t)i + 1;
    *out = s;
    return PEL_OK;
}

void pel_system_free(pel_system **sys)
{
    if (!sys || !*sys)
        return;
    pel_system *s = *sys;
    free(s->x);
    free(s->v);
    free(s->type);
    free(s->id);
    free(s->image);
    free(s);
    *sys = NULL;
}

int pel_system_clone(const pel_system *src, pel_system **out, pel_error *err)
{
    int rc = pel_system_new(out, src->n, src->ntypes, err);
    if (rc)
        return rc;
    pel_system *d = *out;
    size_t n = src->n;
    memcpy(d->lo, src->lo, sizeof d->lo);
    memcpy(d->len, src->len, sizeof d->len);
    memcpy(d->tilt, src->tilt, sizeof d->tilt);
    memcpy(d->mass, src->mass, sizeof d->mass);
    memcpy(d->elem, src->elem, sizeof d->elem);
    d->has_velocities = src->has_velocities;
    d->ignored = src->ignored;
    if (n) {
        memcpy(d->x, src->x, 3 * n * sizeof *d->x);
        memcpy(d->v, src->v, 3 * n * sizeof *d->v);
        memcpy(d->type, src->type, n * sizeof *d->type);
        memcpy(d->id, src->id, n * sizeof *d->id);
        memcpy(d->image, src->image, 3 * n * sizeof *d->image);
    }
    return PEL_OK;
}

int pel_system_triclinic(const pel_system *sys)
{
    return sys->tilt[0] != 0 || sys->tilt[1] != 0 || sys->tilt[2] != 0;
}

/* Edge vector d of the box (a, b, c of include/pel/system.h). */
static void edge(const pel_system *s, int d, double e[3])
{
    e[0] = d == 0 ? s->len[0] : d == 1 ? s->tilt[0] : s->tilt[1];
    e[1] = d == 0 ? 0.0 : d == 1 ? s->len[1] : s->tilt[2];
    e[2] = d == 2 ? s->len[2] : 0.0;
}

void pel_system_shift(const pel_system *sys, const double n[3], double out[3])
{
    out[0] = n[0] * sys->len[0] + n[1] * sys->tilt[0] + n[2] * sys->tilt[1];
    out[1] = n[1] * sys->len[1] + n[2] * sys->tilt[2];
    out[2] = n[2] * sys->len[2];
}

/* Offset of the box's lower face along axis d at point x (the tilt part of
 * lo + h lamda in component d; 0 for an orthorhombic box, exactly). */
static double face_offset(const pel_system *s, const double x[3], int d)
{
    if (d == 2)
        return 0.0;
    double l2 = (x[2] - s->lo[2]) / s->len[2];
    if (d == 1)
        return s->tilt[2] * l2;
    double l1 = (x[1] - s->lo[1] - s->tilt[2] * l2) / s->len[1];
    return s->tilt[0] * l1 + s->tilt[1] * l2;
}

void pel_system_lamda(const pel_system *sys, const double x[3], double lamda[3])
{
    for (int d = 2; d >= 0; d--)
        lamda[d] = (x[d] - sys->lo[d] - face_offset(sys, x, d)) / sys->len[d];
}

void pel_system_widths(const pel_system *sys, double w[3])
{
    /* Width along lamda_d = V / |area of the face spanned by the other two edges|. */
    double a[3], b[3], c[3];
    edge(sys, 0, a);
    edge(sys, 1, b);
    edge(sys, 2, c);
    const double *u[3][2] = {{b, c}, {c, a}, {a, b}};
    double V = pel_system_volume(sys);
    for (int d = 0; d < 3; d++) {
        const double *p = u[d][0], *q = u[d][1];
        double nx = p[1] * q[2] - p[2] * q[1], ny = p[2] * q[0] - p[0] * q[2], nz = p[0] * q[1] - p[1] * q[0];
        w[d] = pel_system_triclinic(sys) ? V / sqrt(nx * nx + ny * ny + nz * nz) : sys->len[d];
    }
}

int pel_system_check_box(const pel_system *sys, const char *what, pel_error *err)
{
    for (int d = 0; d < 3; d++)
        if (!(sys->len[d] > 0) || !isnormal(sys->len[d]) || !isfinite(sys->lo[d]))
            return pel_error_set(err, PEL_EINVAL, "%s: box length %c = %g is not positive and finite", what, 'x' + d,
                                 sys->len[d]);
    static const char *const name[3] = {"xy", "xz", "yz"};
    static const int along[3] = {0, 0, 1}; /* LAMMPS: xy, xz against x; yz against y */
    for (int k = 0; k < 3; k++) {
        double t = sys->tilt[k], half = 0.5 * sys->len[along[k]];
        if (!isfinite(t) || fabs(t) > half * (1.0 + 1e-9))
            return pel_error_set(err, PEL_EINVAL,
                                 "%s: tilt %s = %g is outside [-%g, %g] (half the %c length, as LAMMPS requires)", what,
                                 name[k], t, half, half, 'x' + along[k]);
    }
    return PEL_OK;
}

void pel_system_remap_box(pel_system *sys, const double lo[3], const double len[3], const double tilt[3])
{
    pel_system nb = *sys;
    memcpy(nb.lo, lo, sizeof nb.lo);
    memcpy(nb.len, len, sizeof nb.len);
    memcpy(nb.tilt, tilt, sizeof nb.tilt);
    for (size_t i = 0; i < sys->n; i++) {
        double *x = &sys->x[3 * i], lam[3], t[3];
        pel_system_lamda(sys, x, lam);
        pel_system_shift(&nb, lam, t);
        for (int d = 0; d < 3; d++)
            x[d] = nb.lo[d] + t[d];
    }
    memcpy(sys->lo, lo, sizeof sys->lo);
    memcpy(sys->len, len, sizeof sys->len);
    memcpy(sys->tilt, tilt, sizeof sys->tilt);
}

/* Wrap point x into the box, z first, then y, then x (a shift along c or b
 * moves the lower components too); k receives the lattice shifts removed.
 * With zero tilts this is exactly the per-axis wrap of an orthorhombic box. */
static void wrap_point(const pel_system *s, double x[3], int k[3])
{
    for (int d = 2; d >= 0; d--) {
        double e[3], lo = s->lo[d] + face_offset(s, x, d), len = s->len[d];
        edge(s, d, e);
        double q = floor((x[d] - lo) / len);
        for (int c = 0; c <= d; c++)
            x[c] -= q * e[c];
        k[d] = (int)q;
        /* Rounding can leave x == lo+len or a hair below lo. */
        if (x[d] >= lo + len) {
            for (int c = 0; c <= d; c++)
                x[c] -= e[c];
            k[d]++;
        }
        if (x[d] < lo) {
            for (int c = 0; c <= d; c++)
                x[c] += e[c];
            k[d]--;
        }
    }
}

void pel_system_wrapped(const pel_system *sys, size_t i, double x[3], int im[3])
{
    int k[3];
    memcpy(x, &sys->x[3 * i], 3 * sizeof *x);
    wrap_point(sys, x, k);
    for (int d = 0; d < 3; d++)
        im[d] = sys->image[3 * i + d] + k[d];
}

void pel_system_wrap(pel_system *sys)
{
    for (size_t i = 0; i < sys->n; i++) {
        int k[3];
        wrap_point(sys, &sys->x[3 * i], k);
        for (int d = 0; d < 3; d++)
            sys->image[3 * i + d] += k[d];
    }
}

double pel_system_volume(const pel_system *sys) { return sys->len[0] * sys->len[1] * sys->len[2]; }

double pel_system_kinetic(const pel_system *sys)
{
    double s = 0.0;
    for (size_t i = 0; i < sys->n; i++) {
        const double *v = &sys->v[3 * i];
        s += sys->mass[sys->type[i]] * (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    }
    return 0.5 * PEL_MVV2E * s;
}

double pel_system_temperature(const pel_system *sys)
{
    /* LAMMPS compute temp: dof = 3N - 3 (momentum removed). */
    double dof = 3.0 * (double)sys->n - 3.0;
    if (dof <= 0)
        return 0.0;
    return 2.0 * pel_system_kinetic(sys) / (dof * PEL_BOLTZ);
}

/* Minimum-image squared distance between atoms i and j. */
static double min_image_rsq(const pel_system *sys, size_t i, size_t j)
{
    double rsq = 0.0;
    for (int d = 0; d < 3; d++) {
        double dx = sys->x[3 * i + d] - sys->x[3 * j + d];
        dx -= sys->len[d] * nearbyint(dx / sys->len[d]);
        rsq += dx * dx;
    }
    return rsq;
}

int pel_system_check_overlap(const pel_system *sys, double rmin, pel_error *err)
{
    if (!(rmin > 0))
        return PEL_OK;
    /* A list with cutoff rmin and no skin holds exactly the offending pairs
     * (all periodic images, O(n) with cells). */
    pel_nlist *nl = NULL;
    int rc = pel_nlist_new(&nl, rmin, 0.0, err);
    if (!rc)
        rc = pel_nlist_build(nl, sys, err);
    if (!rc && nl->nslots > 0) {
        long long a = (long long)sys->id[nl->owner[0]], b = (long long)sys->id[nl->j[0]];
        rc = pel_error_set(err, PEL_EINVAL, "atoms %lld and %lld overlap (closer than %g A)", a < b ? a : b,
                           a < b ? b : a, rmin);
    }
    pel_nlist_free(&nl);
    return rc;
}

void pel_liquid_params_cuzr(pel_liquid_params *p, size_t n, double x_cu, double density, uint64_t seed)
{
    memset(p, 0, sizeof *p);
    p->n = n;
    p->ntypes = 2;
    p->frac[0] = x_cu;
    p->frac[1] = 1.0 - x_cu;
    p->mass[0] = 63.546;
    p->mass[1] = 91.224;
    strcpy(p->elem[0], "Cu");
    strcpy(p->elem[1], "Zr");
    p->density = density;
    p->rmin = 2.0;
    p->seed = seed;
}

int pel_system_random_liquid(const pel_liquid_params *p, pel_system **out, pel_error *err)
{
    *out = NULL;
    if (p->n < 1 || !(p->density > 0) || !isfinite(p->density) || !(p->rmin >= 0))
        return pel_error_set(err, PEL_EINVAL, "random liquid: need atoms >= 1, density > 0, rmin >= 0");
    double fsum = 0.0;
    for (int t = 0; t < p->ntypes && t < PEL_MAX_TYPES; t++) {
        if (!(p->frac[t] >= 0 && p->frac[t] <= 1))
            return pel_error_set(err, PEL_EINVAL, "random liquid: fraction of type %d is %g", t + 1, p->frac[t]);
        fsum += p->frac[t];
    }
    if (fabs(fsum - 1.0) > 1e-9)
        return pel_error_set(err, PEL_EINVAL, "random liquid: fractions sum to %g, not 1", fsum);
    pel_system *s;
    int rc = pel_system_new(&s, p->n, p->ntypes, err);
    if (rc)
        return rc;
    double len = cbrt((double)p->n / p->density);
    for (int d = 0; d < 3; d++) {
        s->lo[d] = 0.0;
        s->len[d] = len;
    }
    memcpy(s->mass, p->mass, sizeof s->mass);
    memcpy(s->elem, p->elem, sizeof s->elem);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!rng) {
        pel_system_free(&s);
        return pel_error_set(err, PEL_ENOMEM, "out of memory for the random generator");
    }
    gsl_rng_set(rng, (unsigned long)p->seed);
    /* Type counts, then a random permutation of the types over the atoms. */
    size_t k = 0;
    for (int t = 0; t < p->ntypes; t++) {
        size_t cnt = t == p->ntypes - 1 ? p->n - k : (size_t)llround(p->frac[t] * (double)p->n);
        if (cnt > p->n - k)
            cnt = p->n - k;
        for (size_t c = 0; c < cnt; c++)
            s->type[k++] = t;
    }
    gsl_ran_shuffle(rng, s->type, p->n, sizeof *s->type);
    double r2 = p->rmin * p->rmin;
    for (size_t i = 0; i < p->n; i++) {
        long tries = 0;
        for (;;) {
            for (int d = 0; d < 3; d++)
                s->x[3 * i + d] = len * gsl_rng_uniform(rng);
            size_t j = 0;
            while (j < i && min_image_rsq(s, i, j) >= r2)
                j++;
            if (j == i)
                break;
            if (++tries >= PEL_LIQUID_MAX_TRIES) {
                gsl_rng_free(rng);
                pel_system_free(&s);
                return pel_error_set(err, PEL_ENOCONV,
                                     "random liquid: cannot place atom %zu of %zu with rmin %g A at density %g/A^3",
                                     i + 1, p->n, p->rmin, p->density);
            }
        }
    }
    gsl_rng_free(rng);
    *out = s;
    return PEL_OK;
}
