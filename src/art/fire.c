/* fire.c - FIRE relaxation on a force callback (src/art/fire.h).
 * Constants are the FIRE 2.0 / LAMMPS min_style fire defaults. */
#include "fire.h"

#include <math.h>
#include <string.h>

#define FIRE_DT_GROW 1.1
#define FIRE_DT_SHRINK 0.5
#define FIRE_ALPHA0 0.25
#define FIRE_ALPHA_SHRINK 0.99
#define FIRE_DELAY 20
#define FIRE_DTMAX_FACTOR 10.0
#define FIRE_DTMIN_FACTOR 0.02

/* Remove the component of g along the unit vector dir. */
static void project_out(size_t n, double *g, const double *dir)
{
    if (!dir)
        return;
    double c = 0;
    for (size_t i = 0; i < n; i++)
        c += g[i] * dir[i];
    for (size_t i = 0; i < n; i++)
        g[i] -= c * dir[i];
}

static int converged(size_t n, const double *g, const art_fire_params *p)
{
    double s = 0, m = 0;
    for (size_t i = 0; i < n; i++) {
        s += g[i] * g[i];
        if (fabs(g[i]) > m)
            m = fabs(g[i]);
    }
    return (p->ftol_norm > 0 && sqrt(s) < p->ftol_norm) || (p->ftol_max > 0 && m < p->ftol_max);
}

int art_fire_relax(size_t ndim, double *x, double *f, double *e, pel_force_fn force, void *ctx,
                   const double *dir, const art_fire_params *p, double *v, long *calls, long budget,
                   pel_error *err)
{
    double dt = p->dt, alpha = FIRE_ALPHA0;
    long npos = 0;
    double *g = v + ndim; /* effective (projected) force; f keeps the full force */
    memset(v, 0, ndim * sizeof *v);
    memcpy(g, f, ndim * sizeof *g);
    project_out(ndim, g, dir);
    for (long step = 0; step < p->max_steps; step++) {
        if (converged(ndim, g, p))
            return PEL_OK;
        if (*calls >= budget)
            return PEL_ENOCONV;
        double pw = 0, ff = 0;
        for (size_t i = 0; i < ndim; i++) {
            pw += g[i] * v[i];
            ff += g[i] * g[i];
        }
        if (pw > 0) {
            if (++npos > FIRE_DELAY) {
                dt = fmin(dt * FIRE_DT_GROW, FIRE_DTMAX_FACTOR * p->dt);
                alpha *= FIRE_ALPHA_SHRINK;
            }
        } else {
            /* Uphill: half step back (FIRE 2.0), stop, shrink the step. */
            npos = 0;
            dt = fmax(dt * FIRE_DT_SHRINK, FIRE_DTMIN_FACTOR * p->dt);
            alpha = FIRE_ALPHA0;
            for (size_t i = 0; i < ndim; i++) {
                x[i] -= 0.5 * dt * v[i];
                v[i] = 0;
            }
        }
        /* Semi-implicit Euler, then mix velocity towards the force. */
        for (size_t i = 0; i < ndim; i++)
            v[i] += dt * g[i];
        double vv = 0;
        for (size_t i = 0; i < ndim; i++)
            vv += v[i] * v[i];
        double mix = (ff > 0) ? alpha * sqrt(vv / ff) : 0;
        for (size_t i = 0; i < ndim; i++)
            v[i] = (1 - alpha) * v[i] + mix * g[i];
        project_out(ndim, v, dir);
        /* Cap the largest per-atom displacement at dmax. */
        double d2max = 0;
        for (size_t a = 0; a + 2 < ndim; a += 3) {
            double d2 = 0;
            for (int k = 0; k < 3; k++)
                d2 += (dt * v[a + k]) * (dt * v[a + k]);
            if (d2 > d2max)
                d2max = d2;
        }
        /* Scale the velocity itself, so that the half step back of an uphill
         * step never moves an atom by more than dmax either. */
        double scale = (d2max > p->dmax * p->dmax) ? p->dmax / sqrt(d2max) : 1.0;
        for (size_t i = 0; i < ndim; i++) {
            v[i] *= scale;
            x[i] += dt * v[i];
        }
        int st = force(ctx, x, f, e, err);
        ++*calls;
        if (st)
            return st;
        memcpy(g, f, ndim * sizeof *g);
        project_out(ndim, g, dir);
    }
    return converged(ndim, g, p) ? PEL_OK : PEL_ENOCONV;
}
