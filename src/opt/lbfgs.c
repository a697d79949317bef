/* lbfgs.c - the L-BFGS memory (two-loop recursion) and the L-BFGS optimiser
 * on forces (include/pel/opt.h): ASE's LBFGS without line search, each step
 * capped at dmax per 3-block (atom), rejected with the memory dropped when the
 * energy rises.  GSL's multimin BFGS needs a line search on the energy, which
 * the last steps of a large relaxation (energy changes below round-off) and
 * ART's climb (a force that is no gradient) cannot use. */
#include "opt/opt_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LBFGS_EMACH 1e-8      /* eV: energy rise accepted as round-off */
#define LBFGS_MAX_REJECT 4    /* rejected steps in a row (each half the last) before giving up */

struct pel_lbfgs {
    size_t n;      /* dimension */
    int m;         /* pairs kept */
    int count;     /* pairs stored (<= m) */
    int head;      /* slot of the newest pair */
    double *s, *y; /* [m n] steps and force changes */
    double *rho;   /* [m] 1 / (s . y) */
    double *alpha; /* [m] scratch */
};

int pel_lbfgs_new(pel_lbfgs **out, size_t n, int m, pel_error *err)
{
    *out = NULL;
    if (n == 0 || m < 1) return pel_error_set(err, PEL_EINVAL, "L-BFGS: needs n > 0 and memory >= 1");
    pel_lbfgs *lb = calloc(1, sizeof *lb);
    if (!lb) goto fail;
    lb->n = n;
    lb->m = m;
    size_t mn = (size_t)m * n;
    lb->s = malloc(mn * sizeof *lb->s);
    lb->y = malloc(mn * sizeof *lb->y);
    lb->rho = malloc((size_t)m * sizeof *lb->rho);
    lb->alpha = malloc((size_t)m * sizeof *lb->alpha);
    if (!lb->s || !lb->y || !lb->rho || !lb->alpha) goto fail;
    *out = lb;
    return PEL_OK;
fail:
    pel_lbfgs_free(&lb);
    return pel_error_set(err, PEL_ENOMEM, "L-BFGS: out of memory for %d pairs of %zu", m, n);
}

void pel_lbfgs_free(pel_lbfgs **lb)
{
    if (!lb || !*lb) return;
    free((*lb)->s);
    free((*lb)->y);
    free((*lb)->rho);
    free((*lb)->alpha);
    free(*lb);
    *lb = NULL;
}

void pel_lbfgs_reset(pel_lbfgs *lb)
{
    lb->count = 0;
    lb->head = 0;
}

int pel_lbfgs_push(pel_lbfgs *lb, const double *s, const double *y)
{
    double sy = opt_dot(s, y, lb->n);
    if (!(sy > 0)) {
        pel_lbfgs_reset(lb);
        return 0;
    }
    int slot = lb->count == 0 ? 0 : (lb->head + 1) % lb->m;
    memcpy(lb->s + (size_t)slot * lb->n, s, lb->n * sizeof *s);
    memcpy(lb->y + (size_t)slot * lb->n, y, lb->n * sizeof *y);
    lb->rho[slot] = 1.0 / sy;
    lb->head = slot;
    if (lb->count < lb->m) lb->count++;
    return 1;
}

void pel_lbfgs_direction(pel_lbfgs *lb, const double *g, double h0, double *d)
{
    size_t n = lb->n;
    memcpy(d, g, n * sizeof *d);
    /* newest to oldest */
    for (int k = 0; k < lb->count; k++) {
        int i = (lb->head - k + lb->m) % lb->m;
        const double *si = lb->s + (size_t)i * n, *yi = lb->y + (size_t)i * n;
        lb->alpha[i] = lb->rho[i] * opt_dot(si, d, n);
        for (size_t j = 0; j < n; j++)
            d[j] -= lb->alpha[i] * yi[j];
    }
    double gamma = h0;
    if (lb->count > 0) {
        const double *yh = lb->y + (size_t)lb->head * n;
        gamma = 1.0 / (lb->rho[lb->head] * opt_dot(yh, yh, n)); /* s.y / y.y */
    }
    for (size_t j = 0; j < n; j++)
        d[j] *= gamma;
    /* oldest to newest */
    for (int k = lb->count - 1; k >= 0; k--) {
        int i = (lb->head - k + lb->m) % lb->m;
        const double *si = lb->s + (size_t)i * n, *yi = lb->y + (size_t)i * n;
        double beta = lb->rho[i] * opt_dot(yi, d, n);
        for (size_t j = 0; j < n; j++)
            d[j] += (lb->alpha[i] - beta) * si[j];
    }
}

/* ---------------------------------------------------------------------- */
/* The optimiser                                                            */

typedef struct lbfgs_state {
    pel_lbfgs *lb;
    double *d, *x0, *gold, *y; /* [n] step, previous point, previous force, force change */
    int rejected;
} lbfgs_state;

static void lbfgs_free(void *state)
{
    lbfgs_state *s = state;
    pel_lbfgs_free(&s->lb);
    free(s->d);
    free(s->x0);
    free(s->gold);
    free(s->y);
}

static int lbfgs_alloc(void *state, size_t n, const pel_opt_params *p)
{
    lbfgs_state *s = state;
    s->d = malloc(n * sizeof *s->d);
    s->x0 = malloc(n * sizeof *s->x0);
    s->gold = malloc(n * sizeof *s->gold);
    s->y = malloc(n * sizeof *s->y);
    if (!s->d || !s->x0 || !s->gold || !s->y) return PEL_ENOMEM;
    return pel_lbfgs_new(&s->lb, n, p->lbfgs_memory, NULL);
}

static void lbfgs_start(void *state, opt_work *w)
{
    (void)w;
    lbfgs_state *s = state;
    pel_lbfgs_reset(s->lb);
    s->rejected = 0;
}

static void lbfgs_cut(void *state, opt_work *w)
{
    (void)w;
    lbfgs_state *s = state;
    pel_lbfgs_reset(s->lb);
    if (s->rejected < LBFGS_MAX_REJECT) s->rejected++;
}

/* Largest norm of a 3-block (an atom's displacement) of d[n]. */
static double max_block_norm(const double *d, size_t n)
{
    double m = 0.0;
    for (size_t i = 0; i < n; i += 3) {
        size_t k = n - i < 3 ? n - i : 3;
        m = fmax(m, sqrt(opt_dot(d + i, d + i, k)));
    }
    return m;
}

static int lbfgs_iterate(void *state, opt_work *w, int *status, pel_error *err)
{
    lbfgs_state *s = state;
    const size_t n = w->n;
    const double h0 = w->p->lbfgs_h0;
    int rc;
    pel_lbfgs_direction(s->lb, w->g, h0, s->d);
    opt_project(w, s->d);
    if (!(opt_dot(s->d, w->g, n) > 0)) { /* not downhill: steepest descent */
        pel_lbfgs_reset(s->lb);
        for (size_t i = 0; i < n; i++)
            s->d[i] = h0 * w->g[i];
    }
    double dmax = max_block_norm(s->d, n);
    double scale = (dmax > w->p->dmax ? w->p->dmax / dmax : 1.0) * ldexp(1.0, -s->rejected);
    double eold = *w->e;
    memcpy(s->x0, w->x, n * sizeof *s->x0);
    memcpy(s->gold, w->g, n * sizeof *s->gold);
    for (size_t i = 0; i < n; i++)
        w->x[i] += scale * s->d[i];
    if ((rc = opt_eval(w, err))) return rc;
    if (*w->e > eold + LBFGS_EMACH) {
        /* Uphill: back (re-evaluated, so that the caller's side data are this
         * point's), forget the curvature pairs, and try a shorter step. */
        memcpy(w->x, s->x0, n * sizeof *s->x0);
        if ((rc = opt_eval(w, err))) return rc;
        pel_lbfgs_reset(s->lb);
        if (++s->rejected > LBFGS_MAX_REJECT) *status = PEL_OPT_NO_PROGRESS;
        return PEL_OK;
    }
    s->rejected = 0;
    for (size_t i = 0; i < n; i++) {
        s->x0[i] = w->x[i] - s->x0[i];  /* s */
        s->y[i] = s->gold[i] - w->g[i]; /* change of the gradient */
    }
    pel_lbfgs_push(s->lb, s->x0, s->y);
    return PEL_OK;
}

static const pel_opt_type lbfgs_type = {"lbfgs", sizeof(lbfgs_state), lbfgs_alloc, lbfgs_free,
                                        lbfgs_start, lbfgs_iterate, lbfgs_cut};
const pel_opt_type *const pel_opt_lbfgs = &lbfgs_type;
