/* neb.c - climbing-image NEB on an ART surface (include/pel/neb.h).  The band
 * (interior images concatenated) is one vector for FIRE; its "force" is the
 * NEB force: true force perpendicular to the tangent plus the spring force
 * along it, and for the climbing image the true force with its tangential
 * component inverted. */
#include "pel/neb.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pel/opt.h"

void pel_neb_params_default(pel_neb_params *p)
{
    p->nimages = 9;
    p->k_spring = 1.0;
    p->climb_after = 100;
    p->ftol = 0.005;
    p->max_steps = 5000;
    p->dt = 0.02; /* unit masses: dt_max = 10 dt = 0.2 is stable up to curvatures of (2/0.2)^2 = 100 eV/A^2 */
    p->dmax = 0.1;
}

typedef struct band {
    const pel_art_surface *s;
    size_t nd;        /* coordinates per image */
    int m;            /* interior images */
    const double *xa, *xb; /* endpoints, xb unwrapped next to xa */
    double ea, eb;
    double *e;        /* [m + 2] energies */
    double *tau;      /* [nd] scratch */
    double k_spring;
    int climb;
    int i_max;
    long calls;
} band;

static const double *image(const band *b, const double *x, int i)
{
    return i == 0 ? b->xa : i == b->m + 1 ? b->xb : x + (size_t)(i - 1) * b->nd;
}

/* Improved tangent (Henkelman & Jónsson 2000, eqs. 8-11), normalised. */
static void tangent(band *b, const double *x, int i)
{
    const double *rp = image(b, x, i + 1), *r = image(b, x, i), *rm = image(b, x, i - 1);
    double ep = b->e[i + 1], e = b->e[i], em = b->e[i - 1];
    double wp, wm;
    if (ep > e && e > em) {
        wp = 1;
        wm = 0;
    } else if (ep < e && e < em) {
        wp = 0;
        wm = 1;
    } else {
        double dmax = fmax(fabs(ep - e), fabs(em - e)), dmin = fmin(fabs(ep - e), fabs(em - e));
        wp = ep > em ? dmax : dmin;
        wm = ep > em ? dmin : dmax;
    }
    double n2 = 0;
    for (size_t k = 0; k < b->nd; k++) {
        b->tau[k] = wp * (rp[k] - r[k]) + wm * (r[k] - rm[k]);
        n2 += b->tau[k] * b->tau[k];
    }
    double n = sqrt(n2);
    for (size_t k = 0; k < b->nd; k++)
        b->tau[k] = n > 0 ? b->tau[k] / n : 0;
}

static double dist(size_t n, const double *u, const double *v)
{
    double s = 0;
    for (size_t k = 0; k < n; k++)
        s += (u[k] - v[k]) * (u[k] - v[k]);
    return sqrt(s);
}

static int band_force(void *ctx, const double *x, double *f, double *energy, pel_error *err)
{
    band *b = ctx;
    for (int i = 1; i <= b->m; i++) {
        int st = b->s->force(b->s->ctx, x + (size_t)(i - 1) * b->nd, f + (size_t)(i - 1) * b->nd, &b->e[i], err);
        b->calls++;
        if (st)
            return st;
    }
    b->i_max = 1;
    for (int i = 2; i <= b->m; i++)
        if (b->e[i] > b->e[b->i_max])
            b->i_max = i;
    for (int i = 1; i <= b->m; i++) {
        double *fi = f + (size_t)(i - 1) * b->nd;
        tangent(b, x, i);
        double fpar = 0;
        for (size_t k = 0; k < b->nd; k++)
            fpar += fi[k] * b->tau[k];
        if (b->climb && i == b->i_max) {
            for (size_t k = 0; k < b->nd; k++)
                fi[k] -= 2 * fpar * b->tau[k];
        } else {
            /* Perpendicular true force plus the spring force along the
             * tangent (equal spacing of neighbouring images). */
            double dp = dist(b->nd, image(b, x, i + 1), image(b, x, i));
            double dm = dist(b->nd, image(b, x, i), image(b, x, i - 1));
            double fs = b->k_spring * (dp - dm);
            for (size_t k = 0; k < b->nd; k++)
                fi[k] += (fs - fpar) * b->tau[k];
        }
    }
    *energy = b->e[b->i_max];
    return PEL_OK;
}

int pel_neb_run(const pel_art_surface *surf, const double *xa, const double *xb, const double *xmid,
                const pel_neb_params *p, pel_neb_result *res, double *energies, pel_error *err)
{
    memset(res, 0, sizeof *res);
    if (p->nimages < 1 || !(p->k_spring > 0) || !(p->ftol > 0) || p->max_steps < 1 || !(p->dt > 0) ||
        !(p->dmax > 0) || p->climb_after < 0)
        return pel_error_set(err, PEL_EINVAL, "neb: parameter out of range");
    band b = {0};
    b.s = surf;
    b.nd = 3 * surf->natoms;
    b.m = p->nimages;
    b.k_spring = p->k_spring;
    size_t nb = (size_t)b.m * b.nd;
    double *x = malloc(nb * sizeof *x), *f = malloc(nb * sizeof *f);
    double *xb_un = malloc(b.nd * sizeof *xb_un), *fend = malloc(b.nd * sizeof *fend);
    b.e = malloc((size_t)(b.m + 2) * sizeof *b.e);
    b.tau = malloc(b.nd * sizeof *b.tau);
    int st = PEL_OK;
    pel_opt *fire = NULL;
    pel_opt_params op;
    pel_opt_params_default(&op);
    op.ftol = p->ftol; /* largest component of the band force */
    op.dt = p->dt;
    op.dmax = p->dmax;
    if (!x || !f || !xb_un || !fend || !b.e || !b.tau) {
        st = pel_error_set(err, PEL_ENOMEM, "neb: out of memory for %d images of %zu atoms", b.m, surf->natoms);
        goto out;
    }
    /* xb brought next to xa (minimum image), then linear interpolation. */
    for (size_t k = 0; k < b.nd; k++) {
        double L = surf->box[k % 3], d = xb[k] - xa[k];
        xb_un[k] = xa[k] + (L > 0 ? d - L * nearbyint(d / L) : d);
    }
    b.xa = xa;
    b.xb = xb_un;
    for (int i = 1; i <= b.m; i++) {
        double t = (double)i / (b.m + 1);
        for (size_t k = 0; k < b.nd; k++) {
            double *xi = &x[(size_t)(i - 1) * b.nd + k];
            if (!xmid) {
                *xi = xa[k] + t * (xb_un[k] - xa[k]);
                continue;
            }
            double L = surf->box[k % 3], d = xmid[k] - xa[k];
            double xm = xa[k] + (L > 0 ? d - L * nearbyint(d / L) : d); /* xmid next to xa */
            *xi = t <= 0.5 ? xa[k] + 2 * t * (xm - xa[k]) : xm + (2 * t - 1) * (xb_un[k] - xm);
        }
    }
    if ((st = surf->force(surf->ctx, xa, fend, &b.ea, err)) != 0 ||
        (st = surf->force(surf->ctx, xb_un, fend, &b.eb, err)) != 0)
        goto out;
    b.calls = 2;
    b.e[0] = b.ea;
    b.e[b.m + 1] = b.eb;
    double e;
    pel_opt_objective obj = {nb, band_force, &b, NULL, 0, NULL};
    pel_opt_result or;
    if ((st = pel_opt_new(&fire, pel_opt_fire, nb, &op, err)) != 0 || (st = band_force(&b, x, f, &e, err)) != 0)
        goto out;
    /* Plain NEB first (the path settles), then the highest image climbs. */
    op.max_iter = p->climb_after;
    op.max_calls = p->max_steps;
    if ((st = pel_opt_run(fire, &obj, &op, x, f, &e, &or, err)) != 0)
        goto out;
    b.climb = 1;
    if ((st = band_force(&b, x, f, &e, err)) != 0)
        goto out;
    op.max_iter = p->max_steps;
    if ((st = pel_opt_run(fire, &obj, &op, x, f, &e, &or, err)) != 0)
        goto out;
    st = or.status == PEL_OPT_CONVERGED ? PEL_OK : PEL_ENOCONV;
    res->converged = st == PEL_OK;
    res->i_max = 0;
    for (int i = 1; i <= b.m + 1; i++)
        if (b.e[i] > b.e[res->i_max])
            res->i_max = i;
    res->e_max = b.e[res->i_max];
    res->barrier = res->e_max - b.ea;
    res->force_calls = b.calls;
    if (energies)
        memcpy(energies, b.e, (size_t)(b.m + 2) * sizeof *energies);
    if (st == PEL_ENOCONV)
        pel_error_set(err, PEL_ENOCONV, "neb: not converged in %ld steps (ftol %g eV/A)", p->max_steps, p->ftol);
out:
    free(x);
    free(f);
    pel_opt_free(&fire);
    free(xb_un);
    free(fend);
    free(b.e);
    free(b.tau);
    return st;
}
