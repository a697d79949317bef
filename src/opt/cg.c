/* cg.c - Polak-Ribiere conjugate gradient as LAMMPS min_style cg
 * (MinCG::iterate) with the line search linemin quadratic
 * (min_linesearch.cpp: backtracking with a secant projection of the zero of
 * the directional force; docs/opt.md).  When the line search can no longer
 * make progress (energy differences at round-off, long before max|F| ~ 1e-6
 * eV/Å on thousands of atoms) the run stops with PEL_OPT_NO_PROGRESS: the
 * caller may finish with FIRE, which needs only forces. */
#include "opt/opt_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LS_ALPHA_MAX 1.0        /* Å^2/eV: largest step along h (h in eV/Å) */
#define LS_ALPHA_REDUCE 0.5     /* backtracking factor */
#define LS_BACKTRACK_SLOPE 0.4  /* sufficient-decrease (Armijo) slope */
#define LS_QUADRATIC_TOL 0.1    /* trust the secant projection when the energy fits within this */
#define LS_EMACH 1e-8           /* eV: energy rise accepted as round-off */
#define LS_EPS_QUAD 1e-28       /* (eV/Å)^2: directional force too small to project */

typedef struct cg_state {
    double *h, *gprev, *x0; /* [n] search direction, previous force, line-search origin */
    double gg;              /* gprev . gprev */
    double shrink;          /* 1, halved by each recoverable failure until a line search succeeds */
    long it;
} cg_state;

static void cg_free(void *state)
{
    cg_state *s = state;
    free(s->h);
    free(s->gprev);
    free(s->x0);
}

static int cg_alloc(void *state, size_t n, const pel_opt_params *p)
{
    (void)p;
    cg_state *s = state;
    s->h = malloc(n * sizeof *s->h);
    s->gprev = malloc(n * sizeof *s->gprev);
    s->x0 = malloc(n * sizeof *s->x0);
    return s->h && s->gprev && s->x0 ? PEL_OK : PEL_ENOMEM;
}

/* Steepest descent: h = g. */
static void cg_restart(cg_state *s, opt_work *w)
{
    memcpy(s->h, w->g, w->n * sizeof *s->h);
    memcpy(s->gprev, w->g, w->n * sizeof *s->gprev);
    s->gg = opt_dot(w->g, w->g, w->n);
}

static void cg_start(void *state, opt_work *w)
{
    cg_state *s = state;
    cg_restart(s, w);
    s->shrink = 1.0;
    s->it = 0;
}

static void cg_cut(void *state, opt_work *w)
{
    cg_state *s = state;
    cg_restart(s, w);
    s->shrink *= LS_ALPHA_REDUCE;
}

/* x = x0 + alpha h, then forces. */
static int alpha_step(cg_state *s, opt_work *w, double alpha, pel_error *err)
{
    for (size_t i = 0; i < w->n; i++)
        w->x[i] = s->x0[i] + alpha * s->h[i];
    return opt_eval(w, err);
}

/* Sets *fail when no downhill progress is possible (x back at the start). */
static int linemin_quadratic(cg_state *s, opt_work *w, int *fail, pel_error *err)
{
    const size_t n = w->n;
    int rc;
    *fail = 0;
    double fdoth = opt_dot(w->g, s->h, n);
    if (fdoth <= 0.0) {
        *fail = 1;
        return PEL_OK;
    }
    double hmax = 0.0;
    for (size_t i = 0; i < n; i++)
        hmax = fmax(hmax, fabs(s->h[i]));
    if (hmax == 0.0) {
        *fail = 1;
        return PEL_OK;
    }
    double alphamax = fmin(LS_ALPHA_MAX, w->p->dmax / hmax);
    if (s->shrink < 1.0) alphamax *= s->shrink;
    memcpy(s->x0, w->x, n * sizeof *s->x0);
    double e0 = *w->e, alpha = alphamax, alphaprev = 0.0, fhprev = fdoth, eprev = e0;
    for (;;) {
        if ((rc = alpha_step(s, w, alpha, err))) return rc;
        double fh = opt_dot(w->g, s->h, n), delfh = fh - fhprev;
        if (fabs(fh) < LS_EPS_QUAD || fabs(delfh) < LS_EPS_QUAD) break;
        /* secant projection of the zero of the directional force */
        double relerr = fabs(1.0 - (0.5 * (alpha - alphaprev) * (fh + fhprev) + *w->e) / eprev);
        double alpha0 = alpha - (alpha - alphaprev) * fh / delfh;
        if (relerr <= LS_QUADRATIC_TOL && alpha0 > 0.0 && alpha0 < alphamax) {
            if ((rc = alpha_step(s, w, alpha0, err))) return rc;
            if (*w->e - e0 < LS_EMACH) return PEL_OK;
        }
        double de_ideal = -LS_BACKTRACK_SLOPE * alpha * fdoth;
        if (*w->e - e0 <= de_ideal) return PEL_OK;
        fhprev = fh;
        alphaprev = alpha;
        eprev = *w->e;
        alpha *= LS_ALPHA_REDUCE;
        if (alpha <= 0.0 || de_ideal >= -LS_EMACH) break;
        if (w->calls >= w->p->max_calls) break;
    }
    /* no progress: back to the start */
    if ((rc = alpha_step(s, w, 0.0, err))) return rc;
    *fail = 1;
    return PEL_OK;
}

static int cg_iterate(void *state, opt_work *w, int *status, pel_error *err)
{
    cg_state *s = state;
    const size_t n = w->n;
    int rc, fail;
    long it = ++s->it;
    if ((rc = linemin_quadratic(s, w, &fail, err))) return rc;
    if (fail) {
        *status = PEL_OPT_NO_PROGRESS;
        return PEL_OK;
    }
    s->shrink = 1.0;
    double ff = opt_dot(w->g, w->g, n), fg = opt_dot(w->g, s->gprev, n);
    double beta = fmax(0.0, (ff - fg) / s->gg); /* Polak-Ribiere with restart */
    if ((it + 1) % (long)n == 0) beta = 0.0;
    s->gg = ff;
    for (size_t i = 0; i < n; i++) {
        s->gprev[i] = w->g[i];
        s->h[i] = s->gprev[i] + beta * s->h[i];
    }
    opt_project(w, s->h);
    if (opt_dot(s->gprev, s->h, n) <= 0.0) memcpy(s->h, s->gprev, n * sizeof *s->h);
    return PEL_OK;
}

static const pel_opt_type cg_type = {"cg", sizeof(cg_state), cg_alloc, cg_free, cg_start, cg_iterate, cg_cut};
const pel_opt_type *const pel_opt_cg = &cg_type;
