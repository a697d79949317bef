/* fire.c - FIRE 2.0 as LAMMPS min_style fire (MinFire::iterate, integrator
 * eulerimplicit; Guénolé et al., Comput. Mater. Sci. 175, 109584 (2020);
 * docs/opt.md): semi-implicit Euler with velocity mixing, dt grows after
 * `delay` downhill steps (up to 10 dt), shrinks on an uphill step (down to
 * 0.02 dt) except during the first `delay` steps, a half step back with the
 * last step's dt on an uphill step, the step limited so that no component
 * moves more than dmax, and a stop after 2000 uphill steps. */
#include "opt/opt_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FIRE_DTMAX_FACTOR 10.0
#define FIRE_DTMIN_FACTOR 0.02
#define FIRE_DELAY 20
#define FIRE_DTGROW 1.1
#define FIRE_DTSHRINK 0.5
#define FIRE_ALPHA0 0.25
#define FIRE_ALPHA_SHRINK 0.99
#define FIRE_MAX_UPHILL 2000
#define FIRE_FF_ZERO 1e-20 /* (eV/Å)^2: no mixing towards a vanishing force */

typedef struct fire_state {
    double *v;                    /* [n] velocities */
    double dt, dtv, alpha;        /* current dt, last step's dt (after the dmax limit), mixing */
    long it, last_negative, uphill;
} fire_state;

static int fire_alloc(void *state, size_t n, const pel_opt_params *p)
{
    (void)p;
    fire_state *s = state;
    s->v = calloc(n, sizeof *s->v);
    return s->v ? PEL_OK : PEL_ENOMEM;
}

static void fire_free(void *state) { free(((fire_state *)state)->v); }

static void fire_start(void *state, opt_work *w)
{
    fire_state *s = state;
    memset(s->v, 0, w->n * sizeof *s->v);
    s->dt = s->dtv = w->p->dt;
    s->alpha = FIRE_ALPHA0;
    s->it = s->last_negative = s->uphill = 0;
}

/* A recoverable failure: stop and take a shorter step, as after an uphill one. */
static void fire_cut(void *state, opt_work *w)
{
    fire_state *s = state;
    memset(s->v, 0, w->n * sizeof *s->v);
    s->dt = fmax(s->dt * FIRE_DTSHRINK, FIRE_DTMIN_FACTOR * w->p->dt);
    s->alpha = FIRE_ALPHA0;
}

static double dtf_over_m(const opt_work *w, double dt, size_t j)
{
    double ftm2v = w->obj->ftm2v > 0 ? w->obj->ftm2v : 1.0;
    return w->obj->mass ? dt * ftm2v / w->obj->mass[j] : dt * ftm2v;
}

static int fire_iterate(void *state, opt_work *w, int *status, pel_error *err)
{
    fire_state *s = state;
    const size_t n = w->n;
    const double dtmax = FIRE_DTMAX_FACTOR * w->p->dt, dtmin = FIRE_DTMIN_FACTOR * w->p->dt;
    double *v = s->v, *g = w->g, *x = w->x;
    int rc;
    long it = ++s->it;
    double vdotf = opt_dot(v, g, n), scale1 = 1.0, scale2 = 0.0;
    int flagv0 = 0;
    if (vdotf > 0.0) {
        /* downhill: mix v towards F, grow dt after the delay */
        double vv = opt_dot(v, v, n), ff = opt_dot(g, g, n);
        scale1 = 1.0 - s->alpha;
        scale2 = ff <= FIRE_FF_ZERO ? 0.0 : s->alpha * sqrt(vv / ff);
        if (it - s->last_negative > FIRE_DELAY) {
            s->dt = fmin(s->dt * FIRE_DTGROW, dtmax);
            s->alpha *= FIRE_ALPHA_SHRINK;
        }
    } else {
        /* uphill: shrink dt (after the initial delay), half step back, stop */
        s->last_negative = it;
        if (it >= FIRE_DELAY) {
            s->alpha = FIRE_ALPHA0;
            if (s->dt * FIRE_DTSHRINK >= dtmin) s->dt *= FIRE_DTSHRINK;
        }
        if (++s->uphill > FIRE_MAX_UPHILL) {
            *status = PEL_OPT_UPHILL;
            return PEL_OK;
        }
        if (it > 1) {
            for (size_t i = 0; i < n; i++)
                x[i] -= 0.5 * s->dtv * v[i];
            if ((rc = opt_eval(w, err))) return rc;
        }
        memset(v, 0, n * sizeof *v);
        flagv0 = 1;
    }
    /* limit the step so that no component moves more than dmax */
    double dtv = s->dt;
    for (size_t j = 0; j < n; j++) {
        double a = fabs(flagv0 ? dtf_over_m(w, s->dt, j) * g[j] : v[j]);
        if (dtv * a > w->p->dmax) dtv = w->p->dmax / a;
    }
    s->dtv = dtv;
    /* semi-implicit Euler with velocity mixing */
    for (size_t j = 0; j < n; j++) {
        v[j] += dtf_over_m(w, dtv, j) * g[j];
        if (vdotf > 0.0) v[j] = scale1 * v[j] + scale2 * g[j];
    }
    opt_project(w, v);
    for (size_t j = 0; j < n; j++)
        x[j] += dtv * v[j];
    return opt_eval(w, err);
}

static const pel_opt_type fire_type = {"fire", sizeof(fire_state), fire_alloc, fire_free,
                                       fire_start, fire_iterate, fire_cut};
const pel_opt_type *const pel_opt_fire = &fire_type;
