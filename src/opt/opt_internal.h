/* opt_internal.h - what the optimisers of src/opt/ share: the run's working
 * state and the stepper table (include/pel/opt.h). */
#ifndef PEL_OPT_INTERNAL_H
#define PEL_OPT_INTERNAL_H

#include "pel/opt.h"

/* One run's working state, set up by pel_opt_run. */
typedef struct opt_work {
    const pel_opt_objective *obj;
    const pel_opt_params *p;
    size_t n;
    double *x, *f, *e; /* caller's point, force and energy (updated in place) */
    double *g;         /* effective force: f with the projection removed (== f without one) */
    double fnorm;      /* |g| in p->norm */
    long calls;        /* force calls of this run */
} opt_work;

/* A stepper.  iterate makes one iteration from the accepted point (x, f, e)
 * to the next accepted one; it returns 0, the callback's code (> 0 recoverable:
 * the driver restores the last accepted point and calls cut; < 0 fatal), and
 * sets *status to something else than -1 to stop the run. */
struct pel_opt_type {
    const char *name;
    size_t state_size;                                                 /* bytes of the state struct */
    int (*alloc)(void *state, size_t n, const pel_opt_params *p);      /* buffers; 0 or PEL_ENOMEM */
    void (*free)(void *state);
    void (*start)(void *state, opt_work *w);                           /* a fresh run */
    int (*iterate)(void *state, opt_work *w, int *status, pel_error *err);
    void (*cut)(void *state, opt_work *w);                             /* after a recoverable failure */
};

/* Evaluate at w->x: force call, counted; then g and fnorm.  Returns the
 * callback's code, or PEL_EBLOWUP for a non-finite energy or force. */
int opt_eval(opt_work *w, pel_error *err);

/* Remove the projection's component from v[n] (no-op without projection). */
void opt_project(const opt_work *w, double *v);

double opt_dot(const double *a, const double *b, size_t n);

#endif
