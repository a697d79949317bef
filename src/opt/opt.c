/* opt.c - the optimiser driver: workspace, evaluation, stopping rules
 * (include/pel/opt.h). */
#include "opt/opt_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Recoverable callback failures in a row (each after a step cut) before the
 * run gives up with PEL_OPT_RECOVER. */
#define OPT_MAX_RECOVER 10
/* LAMMPS's EPS_ENERGY: keeps the etol test meaningful at E = 0. */
#define OPT_EPS_ENERGY 1e-8

struct pel_opt {
    const pel_opt_type *type;
    size_t n;
    int lbfgs_memory;   /* pairs allocated (pel_opt_lbfgs) */
    void *state;
    double *g;          /* [n] projected force */
    double *xs, *fs;    /* [n] last accepted point and force, for recoverable failures */
};

static const char *const status_names[] = {"converged", "etol",   "max_iter", "max_calls",
                                           "uphill",    "no_progress", "recover"};

const char *pel_opt_status_name(pel_opt_status s)
{
    return ((int)s >= 0 && (size_t)s < sizeof status_names / sizeof status_names[0]) ? status_names[s] : "unknown";
}

const char *pel_opt_type_name(const pel_opt_type *t) { return t ? t->name : "?"; }

void pel_opt_params_default(pel_opt_params *p)
{
    memset(p, 0, sizeof *p);
    p->ftol = 1e-6;
    p->norm = PEL_OPT_NORM_MAX;
    p->etol = 0.0;
    p->max_iter = 1000000;
    p->max_calls = 100000;
    p->dmax = 0.1;
    p->dt = 0.001;
    p->lbfgs_memory = 10;
    p->lbfgs_h0 = 1.0 / 70.0;
}

static int check_params(const pel_opt_params *p, pel_error *err)
{
    if (!(p->ftol >= 0 && isfinite(p->ftol)))
        return pel_error_set(err, PEL_EINVAL, "optimiser: force tolerance %g must be >= 0", p->ftol);
    if (p->norm != PEL_OPT_NORM_MAX && p->norm != PEL_OPT_NORM_TWO)
        return pel_error_set(err, PEL_EINVAL, "optimiser: unknown force norm %d", (int)p->norm);
    if (!(p->etol >= 0 && isfinite(p->etol)))
        return pel_error_set(err, PEL_EINVAL, "optimiser: energy tolerance %g must be >= 0", p->etol);
    if (p->max_iter < 0 || p->max_calls < 0)
        return pel_error_set(err, PEL_EINVAL, "optimiser: iteration and force-call caps must be >= 0");
    if (!(p->dmax > 0 && isfinite(p->dmax)))
        return pel_error_set(err, PEL_EINVAL, "optimiser: dmax %g must be > 0", p->dmax);
    if (!(p->dt > 0 && isfinite(p->dt)))
        return pel_error_set(err, PEL_EINVAL, "optimiser: FIRE dt %g must be > 0", p->dt);
    if (p->lbfgs_memory < 1 || p->lbfgs_memory > 1000 || !(p->lbfgs_h0 > 0 && isfinite(p->lbfgs_h0)))
        return pel_error_set(err, PEL_EINVAL, "optimiser: L-BFGS memory must be in 1..1000 and h0 > 0");
    return PEL_OK;
}

int pel_opt_new(pel_opt **out, const pel_opt_type *type, size_t n, const pel_opt_params *p, pel_error *err)
{
    *out = NULL;
    if (!type || n == 0) return pel_error_set(err, PEL_EINVAL, "optimiser: needs a type and n > 0");
    int rc = check_params(p, err);
    if (rc) return rc;
    pel_opt *o = calloc(1, sizeof *o);
    if (!o) goto fail;
    o->type = type;
    o->n = n;
    o->lbfgs_memory = p->lbfgs_memory;
    o->state = calloc(1, type->state_size);
    o->g = malloc(n * sizeof *o->g);
    o->xs = malloc(n * sizeof *o->xs);
    o->fs = malloc(n * sizeof *o->fs);
    if (!o->state || !o->g || !o->xs || !o->fs) goto fail;
    if (type->alloc(o->state, n, p)) {
        type->free(o->state); /* frees what alloc made before failing */
        goto fail;
    }
    *out = o;
    return PEL_OK;
fail:
    if (o) {
        free(o->state);
        free(o->g);
        free(o->xs);
        free(o->fs);
        free(o);
    }
    return pel_error_set(err, PEL_ENOMEM, "optimiser: out of memory for %zu degrees of freedom", n);
}

void pel_opt_free(pel_opt **o)
{
    if (!o || !*o) return;
    (*o)->type->free((*o)->state);
    free((*o)->state);
    free((*o)->g);
    free((*o)->xs);
    free((*o)->fs);
    free(*o);
    *o = NULL;
}

double opt_dot(const double *a, const double *b, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

void opt_project(const opt_work *w, double *v)
{
    const double *u = w->obj->project;
    if (!u) return;
    double c = opt_dot(v, u, w->n);
    for (size_t i = 0; i < w->n; i++)
        v[i] -= c * u[i];
}

/* g = projected f, fnorm = its norm; PEL_EBLOWUP when not finite. */
static int update_norm(opt_work *w, pel_error *err)
{
    if (w->g != w->f) {
        memcpy(w->g, w->f, w->n * sizeof *w->g);
        opt_project(w, w->g);
    }
    double m = 0.0;
    if (w->p->norm == PEL_OPT_NORM_TWO) {
        m = sqrt(opt_dot(w->g, w->g, w->n));
    } else {
        for (size_t i = 0; i < w->n; i++) {
            double a = fabs(w->g[i]);
            if (!(a <= m)) m = a; /* NaN propagates */
        }
    }
    if (!isfinite(m) || !isfinite(*w->e))
        return pel_error_set(err, PEL_EBLOWUP, "optimiser: non-finite energy or force");
    w->fnorm = m;
    return PEL_OK;
}

int opt_eval(opt_work *w, pel_error *err)
{
    int rc = w->obj->force(w->obj->ctx, w->x, w->f, w->e, err);
    w->calls++;
    if (rc) return rc;
    return update_norm(w, err);
}

int pel_opt_run(pel_opt *o, const pel_opt_objective *obj, const pel_opt_params *p, double *x, double *f,
                double *energy, pel_opt_result *res, pel_error *err)
{
    memset(res, 0, sizeof *res);
    int rc = check_params(p, err);
    if (rc) return rc;
    if (!obj || !obj->force || obj->n != o->n)
        return pel_error_set(err, PEL_EINVAL, "optimiser: objective of %zu dofs on a workspace of %zu",
                             obj ? obj->n : 0, o->n);
    if (p->lbfgs_memory > o->lbfgs_memory)
        return pel_error_set(err, PEL_EINVAL, "optimiser: L-BFGS memory %d exceeds the workspace's %d",
                             p->lbfgs_memory, o->lbfgs_memory);
    opt_work w = {obj, p, o->n, x, f, energy, obj->project ? o->g : f, 0.0, 0};
    if ((rc = update_norm(&w, err))) return rc;
    int status = -1, nrecover = 0;
    long iters = 0;
    if (w.fnorm < p->ftol) status = PEL_OPT_CONVERGED;
    else o->type->start(o->state, &w);
    while (status < 0) {
        if (w.calls >= p->max_calls) {
            status = PEL_OPT_MAX_CALLS;
            break;
        }
        if (iters >= p->max_iter) {
            status = PEL_OPT_MAX_ITER;
            break;
        }
        iters++;
        double eold = *energy;
        memcpy(o->xs, x, o->n * sizeof *x);
        memcpy(o->fs, f, o->n * sizeof *f);
        rc = o->type->iterate(o->state, &w, &status, err);
        if (rc < 0) {
            /* fatal: hand back the last accepted point */
            memcpy(x, o->xs, o->n * sizeof *x);
            memcpy(f, o->fs, o->n * sizeof *f);
            *energy = eold;
            goto out;
        }
        if (rc > 0) {
            memcpy(x, o->xs, o->n * sizeof *x);
            memcpy(f, o->fs, o->n * sizeof *f);
            *energy = eold;
            if ((rc = update_norm(&w, err))) goto out;
            if (++nrecover > OPT_MAX_RECOVER) {
                status = PEL_OPT_RECOVER;
                break;
            }
            o->type->cut(o->state, &w);
            status = -1;
            continue;
        }
        nrecover = 0;
        if (status >= 0) break;
        if (w.fnorm < p->ftol) status = PEL_OPT_CONVERGED;
        else if (p->etol > 0 &&
                 fabs(*energy - eold) < p->etol * 0.5 * (fabs(*energy) + fabs(eold) + OPT_EPS_ENERGY))
            status = PEL_OPT_ETOL;
    }
    rc = PEL_OK;
out:
    res->status = status < 0 ? PEL_OPT_MAX_ITER : (pel_opt_status)status;
    res->iterations = iters;
    res->force_calls = w.calls;
    res->energy = *energy;
    res->fnorm = w.fnorm;
    return rc;
}
