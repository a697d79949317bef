/* art.c - ART nouveau saddle searches (include/pel/art.h, docs/art.md).
 * The phases (docs/art.md "One search"): kick, leave the basin, climb (eigenvector
 * following + perpendicular relaxation), push over, push back. */
#include "pel/art.h"

#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "pel/opt.h"

/* Internal signal: the search's force-call budget is exhausted. */
#define ART_OUT_OF_BUDGET 1

static const char *const status_names[PEL_ART_NSTATUS] = {
    "converged",      "redundant",        "no_exit",          "lost_curvature", "below_start", "no_convergence",
    "negative_barrier", "not_connected", "final_is_initial", "min_failed",     "budget",      "blowup",
    "final_above_saddle", "higher_order",
};

const char *pel_art_status_name(int status)
{
    return (status >= 0 && status < PEL_ART_NSTATUS) ? status_names[status] : "unknown";
}

int pel_art_status_parse(const char *name, int *status, pel_error *err)
{
    for (int i = 0; i < PEL_ART_NSTATUS; i++)
        if (strcmp(name, status_names[i]) == 0) {
            *status = i;
            return PEL_OK;
        }
    return pel_error_set(err, PEL_EPARSE, "unknown ART status '%s'", name);
}

void pel_art_params_default(pel_art_params *p)
{
    p->kick_norm = 0.5;
    p->kick_radius = 3.7;
    p->basin_step = 0.1;
    p->basin_max_iter = 40;
    pel_art_params_basin_relax(p, 0);
    p->basin_follow = 0;
    p->basin_perp_ftol = 0;
    p->eig_threshold = -0.01;
    p->force_tol = 0.05;
    p->eig_step = 0.1;
    p->eig_floor = 0.5;
    p->climb_max_iter = 300;
    p->local_radius = 10.0;
    p->local_stiffness = 1.0;
    p->lost_max = 40;
    p->lost_step = PEL_ART_LOST_UPHILL;
    p->climb = PEL_ART_CLIMB_LBFGS;
    p->lbfgs_memory = 10;
    p->climb_lanczos_every = 5;
    p->perp_steps_min = 2;
    p->perp_steps_max = 12;
    p->perp_steps_inc = 1;
    p->perp_stop_par = 0;
    p->perp_dt = 0.125;
    p->perp_dmax = 0.1;
    pel_lanczos_params_default(&p->lanczos);
    p->lanczos_above_frac = 0.1;
    p->lost_lanczos_max = p->lanczos.max_vectors;
    p->lost_lanczos_abs_tol = p->lanczos.abs_tol; /* 3e-3 did not pay: bench/RESULTS.md */
    p->push_over = 0.2;
    p->push_drop = 0.01;
    p->min_algo = PEL_MIN_LBFGS;
    p->min_ftol = 5e-4;
    p->same_energy_tol = 0.02;
    p->same_disp_tol = 0.3;
    p->connect_disp_tol = 0.5;
    p->uphill_lanczos_every = 2;
    p->order_tol = 0.002;
    p->order_vectors = 40;
    p->order_force_tol = 0.005;
    p->disp_threshold = 0.1;
    p->max_force_calls = 20000;
    p->lost_retries = 0;
    p->retry_mix = 0.5;
}

void pel_art_params_basin_relax(pel_art_params *p, int partial)
{
    p->basin_perp_steps = partial ? 4 : 30;
    p->basin_lanczos_after = partial ? 3 : 1;
}

/* ------------------------------------------------------------------------ */
/* Every parameter by name: key=value overrides (tuning runs, bench_art) and
 * the description stored in a catalog's campaign line, from one table. */
enum { PT_DOUBLE, PT_INT, PT_LONG };
static const struct {
    const char *key;
    size_t off;
    int type;
} param_table[] = {
#define D(k) {#k, offsetof(pel_art_params, k), PT_DOUBLE}
#define I(k) {#k, offsetof(pel_art_params, k), PT_INT}
    D(kick_norm), D(kick_radius), D(basin_step), I(basin_max_iter), I(basin_perp_steps), I(basin_lanczos_after),
    I(basin_follow), D(basin_perp_ftol), D(eig_threshold), D(local_radius), D(local_stiffness), D(force_tol), D(eig_step),
    D(eig_floor), I(climb_max_iter), I(lost_max), I(lost_step), I(uphill_lanczos_every), I(climb),
    I(lbfgs_memory), I(climb_lanczos_every), I(perp_steps_min), I(perp_steps_max), I(perp_steps_inc), I(perp_stop_par), D(perp_dt), D(perp_dmax),
    {"lanczos_fd_step", offsetof(pel_art_params, lanczos.fd_step), PT_DOUBLE},
    {"lanczos_max_vectors", offsetof(pel_art_params, lanczos.max_vectors), PT_INT},
    {"lanczos_rel_tol", offsetof(pel_art_params, lanczos.rel_tol), PT_DOUBLE},
    {"lanczos_abs_tol", offsetof(pel_art_params, lanczos.abs_tol), PT_DOUBLE},
    D(lanczos_above_frac), I(lost_lanczos_max), D(lost_lanczos_abs_tol), D(push_over), D(push_drop), I(min_algo), D(min_ftol), D(same_energy_tol), D(same_disp_tol), D(order_tol),
    I(order_vectors), D(order_force_tol), D(connect_disp_tol), D(disp_threshold),
    {"max_force_calls", offsetof(pel_art_params, max_force_calls), PT_LONG}, I(lost_retries), D(retry_mix),
#undef D
#undef I
};
#define NPARAMS (sizeof param_table / sizeof param_table[0])

int pel_art_params_set(pel_art_params *p, const char *kv, pel_error *err)
{
    const char *eq = strchr(kv, '=');
    size_t klen = eq ? (size_t)(eq - kv) : strlen(kv);
    for (size_t i = 0; eq && i < NPARAMS; i++) {
        if (strlen(param_table[i].key) != klen || strncmp(kv, param_table[i].key, klen) != 0)
            continue;
        void *field = (char *)p + param_table[i].off;
        if (param_table[i].type == PT_DOUBLE)
            return pel_parse_double(eq + 1, param_table[i].key, (double *)field, err);
        long v;
        int st = pel_parse_long(eq + 1, param_table[i].key, &v, err);
        if (st)
            return st;
        if (param_table[i].type == PT_LONG)
            *(long *)field = v;
        else if (v < INT_MIN || v > INT_MAX)
            return pel_error_set(err, PEL_EINVAL, "%s=%ld out of range", param_table[i].key, v);
        else
            *(int *)field = (int)v;
        return PEL_OK;
    }
    return pel_error_set(err, PEL_EINVAL, "'%s': not an ART parameter (key=value)", kv);
}

int pel_art_params_describe(const pel_art_params *p, char *buf, size_t size)
{
    size_t used = 0;
    for (size_t i = 0; i < NPARAMS; i++) {
        const void *field = (const char *)p + param_table[i].off;
        char *at = buf ? buf + used : NULL;
        size_t room = buf && used < size ? size - used : 0;
        int k = param_table[i].type == PT_DOUBLE ? snprintf(at, room, "%s%s=%.17g", i ? " " : "", param_table[i].key,
                                                            *(const double *)field)
                : param_table[i].type == PT_LONG ? snprintf(at, room, "%s%s=%ld", i ? " " : "", param_table[i].key,
                                                            *(const long *)field)
                                                 : snprintf(at, room, "%s%s=%d", i ? " " : "", param_table[i].key,
                                                            *(const int *)field);
        if (k < 0)
            return -1;
        used += (size_t)k;
    }
    return used > INT_MAX ? -1 : (int)used;
}

struct pel_art {
    pel_art_surface s;
    pel_art_params p;
    size_t nd;         /* 3 natoms */
    pel_lanczos *lz;
    pel_lanczos *lz2;  /* the saddle-order check's (order_vectors, no early stop) */
    pel_lanczos *lz3;  /* while the mode is lost: abs_tol lost_lanczos_abs_tol */
    double *x, *f;     /* current point and its force */
    double *dir;       /* unit kick direction */
    double *eig, *eig_prev;
    double *xs, *xf, *xb; /* saddle, final, pushed-back minimum */
    double *work;      /* [2 nd] scratch */
    pel_opt *fire;     /* FIRE workspace: perpendicular relaxation, fallback minimiser */
    size_t *displaced;
    double *local_shift; /* [nd] Hessian shift of the local mode, this search's centre */
    pel_lbfgs *lb;     /* PEL_ART_CLIMB_LBFGS memory (NULL otherwise) */
    double *lb_x, *lb_g, *lb_s, *lb_y; /* [nd] each: previous point and perpendicular force, scratch */
    long calls;        /* force calls of the current search */
    long lanczos_calls; /* of which in Lanczos */
    int lost_longest;  /* longest recovered run of lost-mode climb iterations */
    int have_saddle, have_final;
};

/* ------------------------------------------------------------------------ */
int pel_art_params_check(const pel_art_params *p, pel_error *err)
{
    if (!(p->kick_norm > 0) || !(p->kick_radius >= 0) || !(p->basin_step > 0) || !(p->eig_threshold < 0) ||
        !(p->force_tol > 0) || !(p->basin_perp_ftol >= 0) || !(p->eig_step > 0) || !(p->eig_floor > 0) || !(p->perp_dt > 0) ||
        !(p->perp_dmax > 0) || !(p->push_over > 0) || !(p->push_drop >= 0) || !(p->min_ftol > 0) || !(p->same_energy_tol > 0) ||
        !(p->same_disp_tol > 0) || !(p->connect_disp_tol > 0) || !(p->order_tol >= 0) || p->order_vectors < 2 ||
        !(p->order_force_tol > 0) || !(p->disp_threshold > 0) || p->basin_max_iter < 1 || p->climb_max_iter < 1 ||
        p->uphill_lanczos_every < 1 || p->climb < PEL_ART_CLIMB_RELAX || p->climb > PEL_ART_CLIMB_LBFGS ||
        p->lbfgs_memory < 1 || p->climb_lanczos_every < 1 || p->min_algo < PEL_MIN_FIRE || p->min_algo > PEL_MIN_LBFGS ||
        p->perp_steps_min < 0 || p->lost_max < 0 || !(p->local_radius >= 0) || !(p->local_stiffness >= 0) ||
        p->lost_step < PEL_ART_LOST_UPHILL || p->lost_step > PEL_ART_LOST_KICK || p->perp_steps_max < p->perp_steps_min || p->perp_steps_inc < 0 || p->perp_stop_par < 0 ||
        p->perp_stop_par > 1 || p->max_force_calls < 1 ||
        p->lost_retries < 0 || !(p->retry_mix > 0))
        return pel_error_set(err, PEL_EINVAL, "art: parameter out of range (steps, tolerances and distances "
                                              "must be positive, eig_threshold negative)");
    /* Krylov and L-BFGS sizes are allocated from: bounded here */
    const pel_lanczos_params *l = &p->lanczos;
    if (!(l->fd_step > 0) || l->max_vectors < 2 || l->max_vectors > 1000 || p->lost_lanczos_max < 2 ||
        p->lost_lanczos_max > 1000 || !(l->rel_tol > 0) || !(l->abs_tol >= 0) || !(p->lost_lanczos_abs_tol >= 0) ||
        !(p->lanczos_above_frac >= 0) || p->order_vectors > 1000 || p->lbfgs_memory > 1000)
        return pel_error_set(err, PEL_EINVAL, "art: Lanczos parameter out of range (fd_step > 0, 2 <= "
                                              "max_vectors, lost_lanczos_max, order_vectors, lbfgs_memory <= 1000, rel_tol > 0)");
    return PEL_OK;
}

/* FIRE (include/pel/opt.h) with unit masses, ART's step sizes. */
static void art_fire_params(const pel_art *a, pel_opt_params *op)
{
    pel_opt_params_default(op);
    op->dt = a->p.perp_dt;
    op->dmax = a->p.perp_dmax;
}

int pel_art_new(pel_art **out, const pel_art_surface *surf, const pel_art_params *p, pel_error *err)
{
    *out = NULL;
    if (!surf || surf->natoms == 0 || !surf->force)
        return pel_error_set(err, PEL_EINVAL, "art: surface needs atoms and a force callback");
    int st = pel_art_params_check(p, err);
    if (st)
        return st;
    pel_art *a = calloc(1, sizeof *a);
    if (!a)
        return pel_error_set(err, PEL_ENOMEM, "art: out of memory");
    a->s = *surf;
    a->p = *p;
    a->nd = 3 * surf->natoms;
    st = pel_lanczos_new(&a->lz, a->nd, &p->lanczos, err);
    if (st) {
        free(a);
        return st;
    }
    /* The order check runs a fixed order_vectors Krylov vectors (no early
     * stop): a second negative mode a few 0.01 eV/Å^2 below the soft bulk of
     * the spectrum converges slowly, and a stalled Ritz value looked converged
     * at the production tolerance (250-atom test glass: +0.034 for -0.023). */
    pel_lanczos_params lp2 = p->lanczos;
    lp2.max_vectors = p->order_vectors;
    lp2.rel_tol = 1e-300;
    lp2.abs_tol = 0;
    st = pel_lanczos_new(&a->lz2, a->nd, &lp2, err);
    if (st) {
        pel_lanczos_free(&a->lz);
        free(a);
        return st;
    }
    pel_lanczos_params lp3 = p->lanczos;
    lp3.abs_tol = p->lost_lanczos_abs_tol;
    lp3.max_vectors = p->lost_lanczos_max;
    st = pel_lanczos_new(&a->lz3, a->nd, &lp3, err);
    if (st) {
        pel_lanczos_free(&a->lz);
        pel_lanczos_free(&a->lz2);
        free(a);
        return st;
    }
    double **arrs[] = {&a->x, &a->f, &a->dir, &a->eig, &a->eig_prev, &a->xs, &a->xf, &a->xb};
    int ok = 1;
    for (size_t i = 0; i < sizeof arrs / sizeof arrs[0]; i++)
        ok &= (*arrs[i] = malloc(a->nd * sizeof(double))) != NULL;
    a->work = malloc(2 * a->nd * sizeof(double));
    a->displaced = malloc(surf->natoms * sizeof(size_t));
    a->local_shift = malloc(a->nd * sizeof(double));
    if (ok && p->climb == PEL_ART_CLIMB_LBFGS) {
        double **lbs[] = {&a->lb_x, &a->lb_g, &a->lb_s, &a->lb_y};
        for (size_t i = 0; i < sizeof lbs / sizeof lbs[0]; i++)
            ok &= (*lbs[i] = malloc(a->nd * sizeof(double))) != NULL;
        ok = ok && pel_lbfgs_new(&a->lb, a->nd, p->lbfgs_memory, NULL) == PEL_OK;
    }
    pel_opt_params op;
    art_fire_params(a, &op);
    ok = ok && pel_opt_new(&a->fire, pel_opt_fire, a->nd, &op, NULL) == PEL_OK;
    if (!ok || !a->work || !a->displaced || !a->local_shift) {
        pel_art_free(&a);
        return pel_error_set(err, PEL_ENOMEM, "art: out of memory for %zu atoms", surf->natoms);
    }
    *out = a;
    return PEL_OK;
}

void pel_art_free(pel_art **art)
{
    if (!art || !*art)
        return;
    pel_art *a = *art;
    pel_lanczos_free(&a->lz);
    pel_lanczos_free(&a->lz2);
    pel_lanczos_free(&a->lz3);
    free(a->x);
    free(a->f);
    free(a->dir);
    free(a->eig);
    free(a->eig_prev);
    free(a->xs);
    free(a->xf);
    free(a->xb);
    free(a->work);
    free(a->displaced);
    free(a->local_shift);
    free(a->lb_x);
    free(a->lb_g);
    free(a->lb_s);
    free(a->lb_y);
    pel_lbfgs_free(&a->lb);
    pel_opt_free(&a->fire);
    free(a);
    *art = NULL;
}

const double *pel_art_saddle(const pel_art *art) { return art->have_saddle ? art->xs : NULL; }
const double *pel_art_final(const pel_art *art) { return art->have_final ? art->xf : NULL; }
const double *pel_art_eigvec(const pel_art *art) { return art->have_saddle ? art->eig : NULL; }

/* ------------------------------------------------------------------------ */
/* Geometry helpers (minimum image on periodic axes). */
static double min_image(const pel_art *a, int k, double d)
{
    double L = a->s.box[k];
    return L > 0 ? d - L * nearbyint(d / L) : d;
}

/* Squared minimum-image length of p - q: z, then y, then x, subtracting the
 * box edge vectors c = (xz, yz, Lz), b = (xy, Ly, 0), a = (Lx, 0, 0), as
 * LAMMPS's Domain::minimum_image (exactly per axis when the tilts are 0). */
static double min_image_dist2(const pel_art *a, const double *p, const double *q)
{
    const double *L = a->s.box, *t = a->s.tilt;
    double d[3] = {p[0] - q[0], p[1] - q[1], p[2] - q[2]};
    if (L[2] > 0) {
        double k = nearbyint(d[2] / L[2]);
        d[0] -= k * t[1];
        d[1] -= k * t[2];
        d[2] -= k * L[2];
    }
    if (L[1] > 0) {
        double k = nearbyint(d[1] / L[1]);
        d[0] -= k * t[0];
        d[1] -= k * L[1];
    }
    d[0] = min_image(a, 0, d[0]);
    return d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
}

/* Squared distance of atom i between configurations xa and xb. */
static double atom_disp2(const pel_art *a, const double *xa, const double *xb, size_t i)
{
    return min_image_dist2(a, &xa[3 * i], &xb[3 * i]);
}

/* Squared distance between atoms i and j of one configuration. */
static double pair_dist2(const pel_art *a, const double *x, size_t i, size_t j)
{
    return min_image_dist2(a, &x[3 * i], &x[3 * j]);
}

static double max_disp(const pel_art *a, const double *xa, const double *xb)
{
    double m = 0;
    for (size_t i = 0; i < a->s.natoms; i++)
        m = fmax(m, atom_disp2(a, xa, xb, i));
    return sqrt(m);
}

static double dot(size_t n, const double *u, const double *v)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += u[i] * v[i];
    return s;
}

/* A periodic surface is invariant under rigid translations (three zero
 * modes).  Remove the net translation from a direction (kick, eigenvector):
 * otherwise the whole sample drifts, every atom counts as displaced and the
 * push-back minimum never matches the initial one. */
static void remove_translation(const pel_art *a, double *v)
{
    if (!(a->s.box[0] > 0 && a->s.box[1] > 0 && a->s.box[2] > 0))
        return;
    double m[3] = {0, 0, 0};
    for (size_t i = 0; i < a->nd; i++)
        m[i % 3] += v[i];
    for (size_t i = 0; i < a->nd; i++)
        v[i] -= m[i % 3] / (double)a->s.natoms;
    double n2 = dot(a->nd, v, v);
    if (n2 > 0)
        for (size_t i = 0; i < a->nd; i++)
            v[i] /= sqrt(n2);
}

/* Force call counted against the search budget. */
static int eval(pel_art *a, const double *x, double *f, double *e, pel_error *err)
{
    if (a->calls >= a->p.max_force_calls)
        return ART_OUT_OF_BUDGET;
    a->calls++;
    return a->s.force(a->s.ctx, x, f, e, err);
}

/* ------------------------------------------------------------------------ */
/* Minimisation: the surface's own minimiser, or FIRE on the callback to max
 * force component < min_ftol within PEL_ART_FIRE_MIN_CALLS force calls. */
#define PEL_ART_FIRE_MIN_CALLS 100000
int pel_art_minimize(pel_art *art, double *x, double *energy, long *calls, pel_error *err)
{
    if (art->s.minimize)
        return art->s.minimize(art->s.ctx, x, energy, calls, err);
    int st = art->s.force(art->s.ctx, x, art->f, energy, err);
    ++*calls;
    if (st)
        return st;
    pel_opt_params op;
    art_fire_params(art, &op);
    op.ftol = art->p.min_ftol;
    op.max_calls = PEL_ART_FIRE_MIN_CALLS;
    pel_opt_objective obj = {art->nd, art->s.force, art->s.ctx, NULL, 0, NULL};
    pel_opt_result res;
    st = pel_opt_run(art->fire, &obj, &op, x, art->f, energy, &res, err);
    *calls += res.force_calls;
    if (st)
        return st;
    if (res.status != PEL_OPT_CONVERGED)
        return pel_error_set(err, PEL_ENOCONV, "art: FIRE minimisation stopped (%s) at max force %.3g eV/Å",
                             pel_opt_status_name(res.status), res.fnorm);
    return PEL_OK;
}

/* Minimise from x (in place) inside the search budget; maps failures to a status. */
static int minimise_status(pel_art *a, double *x, double *e, int *status, pel_error *err)
{
    long c = 0;
    int st = pel_art_minimize(a, x, e, &c, err);
    a->calls += c;
    if (st == PEL_OK)
        return PEL_OK;
    if (st == PEL_ENOCONV)
        *status = PEL_ART_MIN_FAILED;
    else if (st == PEL_EBLOWUP || st == PEL_ENUMERIC)
        *status = PEL_ART_BLOWUP;
    else
        return st;
    return ART_OUT_OF_BUDGET; /* any positive value: search over, not fatal */
}

/* Perpendicular relaxation of the current point (a->x, a->f, *e) with the
 * direction d projected out, at most nsteps force calls.  Stops early when the
 * perpendicular force 2-norm is below ptol (half the saddle tolerance leaves
 * room for the parallel force in the global norm). */
static int relax_perp_norm(pel_art *a, const double *d, int nsteps, double ptol, int norm, double *e,
                           pel_error *err)
{
    if (nsteps <= 0)
        return PEL_OK;
    pel_opt_params op;
    art_fire_params(a, &op);
    op.ftol = ptol;
    op.norm = norm;
    op.max_iter = nsteps;
    op.max_calls = a->calls < a->p.max_force_calls ? a->p.max_force_calls - a->calls : 0;
    pel_opt_objective obj = {a->nd, a->s.force, a->s.ctx, NULL, 0, d};
    pel_opt_result res;
    int st = pel_opt_run(a->fire, &obj, &op, a->x, a->f, e, &res, err);
    a->calls += res.force_calls;
    if (st)
        return st;
    return res.status == PEL_OPT_MAX_CALLS ? ART_OUT_OF_BUDGET : PEL_OK;
}

static int relax_perp(pel_art *a, const double *d, int nsteps, double ptol, double *e, pel_error *err)
{
    return relax_perp_norm(a, d, nsteps, ptol, PEL_OPT_NORM_TWO, e, err);
}

/* v minus its component along the unit vector u. */
static void perp_part(size_t n, const double *v, const double *u, double *out)
{
    double c = dot(n, v, u);
    for (size_t i = 0; i < n; i++)
        out[i] = v[i] - c * u[i];
}

/* Largest per-atom norm of a 3n vector. */
static double max_atom_norm(const pel_art *a, const double *d)
{
    double m2 = 0;
    for (size_t i = 0; i < a->s.natoms; i++) {
        double d2 = d[3 * i] * d[3 * i] + d[3 * i + 1] * d[3 * i + 1] + d[3 * i + 2] * d[3 * i + 2];
        if (d2 > m2)
            m2 = d2;
    }
    return sqrt(m2);
}

/* Hessian shift of the local mode, local_stiffness x W per coordinate: W = 0
 * within local_radius of the centre, 1 beyond local_radius + LOCAL_RAMP,
 * linear between (a step would make the mode's shape jump with tiny moves of
 * atoms at the edge). */
#define LOCAL_RAMP 2.0
static void set_local_shift(pel_art *a, const double *x0, size_t center)
{
    for (size_t i = 0; i < a->s.natoms; i++) {
        double r = sqrt(pair_dist2(a, x0, i, center)) - a->p.local_radius;
        double w = r <= 0 ? 0.0 : r >= LOCAL_RAMP ? 1.0 : r / LOCAL_RAMP;
        for (int k = 0; k < 3; k++)
            a->local_shift[3 * i + k] = a->p.local_stiffness * w;
    }
}

/* One Lanczos run on workspace lz (at most nvec force calls) within the
 * search's budget, its calls counted as Lanczos calls.  above: the threshold
 * of a yes/no run (stops early when clearly above it, lanczos_above_frac), or
 * NAN for a converged eigenpair. */
static int lanczos_run(pel_art *a, pel_lanczos *lz, int nvec, const double *x, const double *f, const double *shift,
                       const double *deflate, double *vec, double *lambda, double above, pel_error *err)
{
    if (a->calls + nvec > a->p.max_force_calls)
        return ART_OUT_OF_BUDGET;
    pel_lanczos_stop_above(lz, above, isnan(above) ? 0.0 : a->p.lanczos_above_frac);
    long before = a->calls;
    int st = pel_lanczos_lowest_deflated(lz, a->s.force, a->s.ctx, x, f, shift, deflate, vec, lambda, &a->calls, err);
    a->lanczos_calls += a->calls - before;
    return st;
}

/* Lowest eigenpair at x (force f there), warm-started from vec; the local
 * mode (H + k W) unless whole = 1 or local_stiffness = 0. */
static int lanczos_at(pel_art *a, const double *x, const double *f, double *vec, double *lambda, int whole,
                      pel_error *err)
{
    const double *shift = whole || !(a->p.local_stiffness > 0) ? NULL : a->local_shift;
    return lanczos_run(a, a->lz, a->p.lanczos.max_vectors, x, f, shift, NULL, vec, lambda, NAN, err);
}

/* Lowest (local) eigenpair at the current point, warm-started from a->eig,
 * for the question "is it below `above`?" (the basin's eig_threshold, the
 * climb's 0); lost = 1: with the looser stop of a lost climb. */
static int lowest_mode(pel_art *a, int lost, double above, double *lambda, pel_error *err)
{
    const double *shift = !(a->p.local_stiffness > 0) ? NULL : a->local_shift;
    int st = lanczos_run(a, lost ? a->lz3 : a->lz, lost ? a->p.lost_lanczos_max : a->p.lanczos.max_vectors, a->x, a->f,
                         shift, NULL, a->eig, lambda, above, err);
    if (!st)
        remove_translation(a, a->eig);
    return st;
}

/* Kick: Gaussian random direction on the centre and every atom within
 * kick_radius of it, normalised to kick_norm (paper Methods). */
static void kick(pel_art *a, const double *x0, size_t center, gsl_rng *rng, double mix)
{
    /* mix > 0: re-mix the current (unit) direction with mix times a new
     * Gaussian vector on the same atoms, for a retry after a lost climb. */
    if (!(mix > 0))
        memset(a->dir, 0, a->nd * sizeof *a->dir);
    double r2 = a->p.kick_radius * a->p.kick_radius, nrm = 0;
    for (size_t i = 0; i < a->s.natoms; i++) {
        if (i != center && pair_dist2(a, x0, i, center) > r2)
            continue;
        for (int k = 0; k < 3; k++) {
            double g = gsl_ran_gaussian(rng, 1.0);
            a->dir[3 * i + k] = mix > 0 ? a->dir[3 * i + k] + mix * g : g;
            nrm += a->dir[3 * i + k] * a->dir[3 * i + k];
        }
    }
    if (mix > 0) /* the direction has a small part on every atom (translation removed) */
        nrm = dot(a->nd, a->dir, a->dir);
    nrm = sqrt(nrm);
    for (size_t i = 0; i < a->nd; i++)
        a->dir[i] /= nrm;
    remove_translation(a, a->dir);
    for (size_t i = 0; i < a->nd; i++)
        a->x[i] = x0[i] + a->p.kick_norm * a->dir[i];
}

/* Energies within same_energy_tol and every atom within disp_tol: the same
 * minimum with same_disp_tol; with connect_disp_tol, a sub-basin of it that
 * still counts as connected (docs/art.md "One search"; measurements in bench/RESULTS.md). */
static int within(const pel_art *a, const double *xa, double ea, const double *xb, double eb, double disp_tol)
{
    return fabs(ea - eb) < a->p.same_energy_tol && max_disp(a, xa, xb) < disp_tol;
}

/* Maps a force-engine failure inside a phase to a status; fatal codes pass through. */
static int phase_fail(int st, int *status)
{
    if (st == ART_OUT_OF_BUDGET) {
        *status = PEL_ART_BUDGET;
        return ART_OUT_OF_BUDGET;
    }
    if (st == PEL_EBLOWUP || st == PEL_ENUMERIC) {
        *status = PEL_ART_BLOWUP;
        return ART_OUT_OF_BUDGET;
    }
    return st;
}

/* ------------------------------------------------------------------------ */
/* Leave the harmonic basin: step along the kick direction with perpendicular
 * relaxation until lambda_min < eig_threshold. */
static int leave_basin(pel_art *a, const double *x0, double *e, int *status, pel_error *err)
{
    int st = eval(a, a->x, a->f, e, err);
    if (st)
        return phase_fail(st, status);
    memcpy(a->eig, a->dir, a->nd * sizeof *a->eig);
    for (int it = 0; it < a->p.basin_max_iter; it++) {
        /* basin_perp_ftol > 0: pARTn's looser stop in the basin (largest
         * component), where only the strain off the push direction matters */
        st = a->p.basin_perp_ftol > 0
                 ? relax_perp_norm(a, a->dir, a->p.basin_perp_steps, a->p.basin_perp_ftol, PEL_OPT_NORM_MAX, e, err)
                 : relax_perp(a, a->dir, a->p.basin_perp_steps, 0.5 * a->p.force_tol, e, err);
        if (st)
            return phase_fail(st, status);
        if (it >= a->p.basin_lanczos_after) {
            double lambda;
            st = lowest_mode(a, 0, a->p.eig_threshold, &lambda, err);
            if (st)
                return phase_fail(st, status);
            if (lambda < a->p.eig_threshold) {
                /* Orient the mode away from the initial minimum. */
                double s = 0;
                for (size_t i = 0; i < a->nd; i++)
                    s += a->eig[i] * min_image(a, (int)(i % 3), a->x[i] - x0[i]);
                if (s < 0)
                    for (size_t i = 0; i < a->nd; i++)
                        a->eig[i] = -a->eig[i];
                return PEL_OK;
            }
        }
        /* Classic ART: push along the displacement from the minimum, so that
         * the push turns into the soft valley the perpendicular relaxation
         * found instead of straining a fixed random direction (a fixed push
         * leaves the basin on a strain-soft mode orthogonal to it, and the
         * climb then relaxes back: docs/art.md). */
        if (a->p.basin_follow) {
            for (size_t i = 0; i < a->nd; i++)
                a->dir[i] = min_image(a, (int)(i % 3), a->x[i] - x0[i]);
            remove_translation(a, a->dir);
            double n = sqrt(dot(a->nd, a->dir, a->dir));
            if (n > 0)
                for (size_t i = 0; i < a->nd; i++)
                    a->dir[i] /= n;
        }
        for (size_t i = 0; i < a->nd; i++)
            a->x[i] += a->p.basin_step * a->dir[i];
        st = eval(a, a->x, a->f, e, err);
        if (st)
            return phase_fail(st, status);
    }
    *status = PEL_ART_NO_EXIT;
    return ART_OUT_OF_BUDGET;
}

/* Lowest mode at the current point, warm-started, its sign kept continuous
 * with the previous one. */
static int refresh_mode(pel_art *a, int lost, double *lambda, pel_error *err)
{
    memcpy(a->eig_prev, a->eig, a->nd * sizeof *a->eig);
    int st = lowest_mode(a, lost, 0.0, lambda, err);
    if (st)
        return st;
    if (dot(a->nd, a->eig, a->eig_prev) < 0)
        for (size_t i = 0; i < a->nd; i++)
            a->eig[i] = -a->eig[i];
    return PEL_OK;
}

/* One climb iteration without a negative mode (*lost counts them in a row).
 * Rather than give up at once (a failure users of other codes complain about,
 * as users of other codes report), keep going for lost_max iterations. */
static int climb_lost(pel_art *a, const double *x0, double ftol, int *lost, double *e, int *status, pel_error *err)
{
    if (++*lost > a->p.lost_max) {
        *status = PEL_ART_LOST_CURVATURE;
        return ART_OUT_OF_BUDGET;
    }
    int st;
    if (a->p.lost_step == PEL_ART_LOST_UPHILL) {
        /* Minimum-mode following where the curvature is positive: climb along
         * the lowest mode only.  Relaxing the other directions here undoes the
         * push and slides back into the basin (docs/art.md "One search"). */
        double sgn = dot(a->nd, a->f, a->eig) > 0 ? -1.0 : 1.0;
        for (size_t i = 0; i < a->nd; i++)
            a->x[i] += sgn * a->p.eig_step * a->eig[i];
        st = eval(a, a->x, a->f, e, err);
        return st ? phase_fail(st, status) : PEL_OK;
    }
    /* Or, as when leaving the basin: step along the last good mode (or the
     * kick direction) away from the initial minimum, relax. */
    memcpy(a->eig, a->eig_prev, a->nd * sizeof *a->eig);
    const double *d = a->p.lost_step == PEL_ART_LOST_KICK ? a->dir : a->eig;
    double away = 0;
    for (size_t i = 0; i < a->nd; i++)
        away += d[i] * min_image(a, (int)(i % 3), a->x[i] - x0[i]);
    double sgn = away < 0 ? -1.0 : 1.0;
    for (size_t i = 0; i < a->nd; i++)
        a->x[i] += sgn * a->p.basin_step * d[i];
    st = eval(a, a->x, a->f, e, err);
    if (!st)
        st = relax_perp(a, d, a->p.basin_perp_steps, 0.5 * ftol, e, err);
    return st ? phase_fail(st, status) : PEL_OK;
}

/* What a climb iteration does once its mode is known (both climbs). */
enum { CLIMB_ON = 0, CLIMB_NEXT = 1, CLIMB_STOP = 2 };

/* No negative mode: a lost-mode step (CLIMB_NEXT, or CLIMB_STOP when the
 * search ends).  Otherwise CLIMB_STOP with *st = PEL_OK when converged
 * (|F| < ftol), or as a failure below the initial minimum; else CLIMB_ON. */
static int climb_check(pel_art *a, const double *x0, double e0, double ftol, double lambda, int *lost, double *e,
                       int *st, int *status, pel_error *err)
{
    if (!(lambda < 0)) {
        *st = climb_lost(a, x0, ftol, lost, e, status, err);
        return *st ? CLIMB_STOP : CLIMB_NEXT;
    }
    if (*lost > a->lost_longest)
        a->lost_longest = *lost;
    *lost = 0;
    *st = PEL_OK;
    if (sqrt(dot(a->nd, a->f, a->f)) < ftol)
        return CLIMB_STOP;
    if (*e < e0) {
        *status = PEL_ART_BELOW_START;
        *st = ART_OUT_OF_BUDGET;
        return CLIMB_STOP;
    }
    return CLIMB_ON;
}

/* Newton step uphill along the mode, -F_par / lambda, capped at eig_step. */
static double climb_par_step(const pel_art *a, double lambda)
{
    double fpar = dot(a->nd, a->f, a->eig);
    double step = fmin(a->p.eig_step, fabs(fpar) / fmax(fabs(lambda), a->p.eig_floor));
    return fpar > 0 ? -step : step;
}

/* Stop of the climb's perpendicular relaxation: half the saddle tolerance,
 * or with perp_stop_par the parallel force |F.v| when larger (pARTn's guard:
 * relaxing the perpendicular force far below the parallel one releases the
 * strain that keeps the mode negative, and the climb slides back). */
static double perp_tol(const pel_art *a, double ftol)
{
    double t = 0.5 * ftol;
    return a->p.perp_stop_par ? fmax(t, fabs(dot(a->nd, a->f, a->eig))) : t;
}

/* Climb along the lowest mode with perpendicular relaxation until the global
 * force 2-norm is below force_tol (docs/art.md "One search", step 3). */
static int climb(pel_art *a, const double *x0, double e0, double ftol, double *e, double *lambda, int *status,
                 pel_error *err)
{
    int lost = 0, st;
    for (int it = 0; it < a->p.climb_max_iter; it++) {
        /* Uphill steps (lost > 0) reuse the mode between Lanczos calls: they
         * are 2/3 Lanczos otherwise, and lost searches are 40 % of all calls
         * (docs/art.md "One search"; measurements in bench/RESULTS.md). */
        if (lost == 0 || a->p.lost_step != PEL_ART_LOST_UPHILL || lost % a->p.uphill_lanczos_every == 0) {
            st = refresh_mode(a, lost > 0, lambda, err);
            if (st)
                return phase_fail(st, status);
        }
        int next = climb_check(a, x0, e0, ftol, *lambda, &lost, e, &st, status, err);
        if (next == CLIMB_STOP)
            return st;
        if (next == CLIMB_NEXT)
            continue;
        double step = climb_par_step(a, *lambda);
        for (size_t i = 0; i < a->nd; i++)
            a->x[i] += step * a->eig[i];
        st = eval(a, a->x, a->f, e, err);
        if (st)
            return phase_fail(st, status);
        long nperp = a->p.perp_steps_min + (long)it * a->p.perp_steps_inc;
        st = relax_perp(a, a->eig, nperp < a->p.perp_steps_max ? (int)nperp : a->p.perp_steps_max,
                        perp_tol(a, ftol), e, err);
        if (st)
            return phase_fail(st, status);
    }
    *status = PEL_ART_NO_CONVERGENCE;
    return ART_OUT_OF_BUDGET;
}

/* The climb with one combined step per iteration (PEL_ART_CLIMB_LBFGS): the
 * Newton step along the mode plus an L-BFGS step on the perpendicular force,
 * the dimer method's quasi-Newton translation (Kästner & Sherwood, J. Chem.
 * Phys. 128, 014106 (2008)) with ARTn's capped step along the mode.  The
 * memory pairs are projected perpendicular to the current mode and dropped
 * whenever the mode is lost. */
static int climb_lbfgs(pel_art *a, const double *x0, double e0, double ftol, double *e, double *lambda, int *status,
                       pel_error *err)
{
    int lost = 0, have_prev = 0, since = 0, st;
    double *g = a->work, *d = a->work + a->nd; /* perpendicular force at x, step */
    double h0 = a->p.perp_dt * a->p.perp_dt; /* without pairs: FIRE's first step, dx = dt^2 F */
    pel_lbfgs_reset(a->lb);
    for (int it = 0; it < a->p.climb_max_iter; it++) {
        /* A point that meets the force test is accepted only on a fresh mode:
         * a reused one may have turned positive since (a flat shoulder, not a
         * saddle). */
        int fresh = lost > 0 ? (a->p.lost_step != PEL_ART_LOST_UPHILL || lost % a->p.uphill_lanczos_every == 0)
                             : since % a->p.climb_lanczos_every == 0 || sqrt(dot(a->nd, a->f, a->f)) < ftol;
        if (fresh) {
            st = refresh_mode(a, lost > 0, lambda, err);
            if (st)
                return phase_fail(st, status);
            since = 0;
        }
        since++;
        if (!(*lambda < 0)) { /* the pairs belong to the lost mode's hyperplane */
            pel_lbfgs_reset(a->lb);
            have_prev = 0;
        }
        int next = climb_check(a, x0, e0, ftol, *lambda, &lost, e, &st, status, err);
        if (next == CLIMB_STOP)
            return st;
        if (next == CLIMB_NEXT)
            continue;
        perp_part(a->nd, a->f, a->eig, g);
        if (have_prev) {
            /* s = x - x_prev, y = g_prev - g: g is a force, minus a gradient. */
            for (size_t i = 0; i < a->nd; i++) {
                a->lb_s[i] = a->x[i] - a->lb_x[i];
                a->lb_y[i] = a->lb_g[i] - g[i];
            }
            perp_part(a->nd, a->lb_s, a->eig, a->lb_s);
            perp_part(a->nd, a->lb_y, a->eig, a->lb_y);
            pel_lbfgs_push(a->lb, a->lb_s, a->lb_y);
        }
        if (a->p.perp_stop_par && sqrt(dot(a->nd, g, g)) < perp_tol(a, ftol)) {
            /* perpendicular force already below the parallel one: step along the mode only */
            double step = climb_par_step(a, *lambda);
            have_prev = 0;
            for (size_t i = 0; i < a->nd; i++)
                a->x[i] += step * a->eig[i];
            st = eval(a, a->x, a->f, e, err);
            if (st)
                return phase_fail(st, status);
            continue;
        }
        pel_lbfgs_direction(a->lb, g, h0, d);
        perp_part(a->nd, d, a->eig, d);
        if (!(dot(a->nd, d, g) > 0)) { /* not downhill: restart from the scaled force */
            pel_lbfgs_reset(a->lb);
            for (size_t i = 0; i < a->nd; i++)
                d[i] = h0 * g[i];
        }
        double dm = max_atom_norm(a, d), scale = dm > a->p.perp_dmax ? a->p.perp_dmax / dm : 1.0;
        double step = climb_par_step(a, *lambda);
        memcpy(a->lb_x, a->x, a->nd * sizeof *a->x);
        memcpy(a->lb_g, g, a->nd * sizeof *g);
        have_prev = 1;
        for (size_t i = 0; i < a->nd; i++)
            a->x[i] += step * a->eig[i] + scale * d[i];
        st = eval(a, a->x, a->f, e, err);
        if (st)
            return phase_fail(st, status);
    }
    *status = PEL_ART_NO_CONVERGENCE;
    return ART_OUT_OF_BUDGET;
}

/* Displaced atoms, saddle vs initial. */
static void displacement_stats(pel_art *a, const double *x0, size_t center, pel_art_result *res)
{
    double thr2 = a->p.disp_threshold * a->p.disp_threshold, m2 = 0;
    size_t imax = center;
    res->n_displaced = 0;
    for (size_t i = 0; i < a->s.natoms; i++) {
        double d2 = atom_disp2(a, a->xs, x0, i);
        if (d2 > m2) {
            m2 = d2;
            imax = i;
        }
        if (d2 > thr2)
            a->displaced[res->n_displaced++] = i;
    }
    res->max_disp = sqrt(m2);
    res->max_disp_dist = sqrt(pair_dist2(a, x0, imax, center));
    res->displaced = a->displaced;
}

/* Start of a minimisation off the saddle: xs + sign * s * eig with s =
 * push_over, doubled (at most PUSH_DOUBLINGS times) until the energy is at
 * least push_drop below the saddle.  Near a flat saddle a fixed small push
 * leaves forces below the minimiser tolerance, and the "minimum" would be
 * the pushed point itself. */
#define PUSH_DOUBLINGS 3
static int push(pel_art *a, double sign, double *xout, double es, int *status, pel_error *err)
{
    double step = a->p.push_over, best_step = step, best_e = INFINITY, e;
    for (int k = 0; k <= PUSH_DOUBLINGS; k++, step *= 2) {
        for (size_t i = 0; i < a->nd; i++)
            xout[i] = a->xs[i] + sign * step * a->eig[i];
        int st = eval(a, xout, a->f, &e, err);
        if (st)
            return phase_fail(st, status);
        if (e < best_e) {
            best_e = e;
            best_step = step;
        }
        if (es - e >= a->p.push_drop)
            return PEL_OK;
    }
    /* No push reached the drop: start from the lowest point tried. */
    for (size_t i = 0; i < a->nd; i++)
        xout[i] = a->xs[i] + sign * best_step * a->eig[i];
    return PEL_OK;
}

/* The final state must be a true minimum: a minimiser stopping on its force
 * tolerance in a flat region near the saddle can leave a negative mode.  Check
 * the lowest eigenvalue there (Lanczos started from the saddle mode); while it
 * is below eig_threshold, push along it away from the saddle and minimise
 * again, at most FINAL_RETRIES times ("min_failed" after that). */
#define FINAL_RETRIES 2
static int confirm_final(pel_art *a, double *ef, int *status, pel_error *err)
{
    double *v = a->eig_prev; /* free after the climb */
    memcpy(v, a->eig, a->nd * sizeof *v);
    for (int k = 0;; k++) {
        double e, lambda;
        int st = eval(a, a->xf, a->f, &e, err);
        if (!st)
            st = lanczos_at(a, a->xf, a->f, v, &lambda, 1, err);
        if (st)
            return phase_fail(st, status);
        if (lambda >= a->p.eig_threshold)
            return PEL_OK;
        if (k == FINAL_RETRIES) {
            *status = PEL_ART_MIN_FAILED;
            return ART_OUT_OF_BUDGET;
        }
        remove_translation(a, v);
        double away = 0;
        for (size_t i = 0; i < a->nd; i++)
            away += v[i] * min_image(a, (int)(i % 3), a->xf[i] - a->xs[i]);
        double sgn = away < 0 ? -1.0 : 1.0;
        for (size_t i = 0; i < a->nd; i++)
            a->xf[i] += sgn * a->p.push_over * v[i];
        st = minimise_status(a, a->xf, ef, status, err);
        if (st)
            return st;
    }
}

/* Push over and back from the saddle; sets the final state and the status. */
static int after_saddle(pel_art *a, const double *x0, double e0, pel_art_result *res, pel_error *err)
{
    /* Orient the mode from the initial towards the final minimum. */
    double s = 0;
    for (size_t i = 0; i < a->nd; i++)
        s += a->eig[i] * min_image(a, (int)(i % 3), a->xs[i] - x0[i]);
    if (s < 0)
        for (size_t i = 0; i < a->nd; i++)
            a->eig[i] = -a->eig[i];
    double ef, eb;
    int st = push(a, 1.0, a->xf, res->e_saddle, &res->status, err);
    if (!st)
        st = push(a, -1.0, a->xb, res->e_saddle, &res->status, err);
    if (!st)
        st = minimise_status(a, a->xf, &ef, &res->status, err);
    if (!st)
        st = minimise_status(a, a->xb, &eb, &res->status, err);
    if (st)
        return st;
    /* The orientation above is a guess from the saddle's displacement, which
     * the relaxation around the kicked atoms can dominate when the saddle's
     * mode lies elsewhere: whichever side returns to the initial minimum (or,
     * failing that, to a sub-basin of it) is the back side.  ("final_is_initial"
     * is left for saddles both of whose sides return there; on the glasses
     * measured that is every such case.) */
    const double same = a->p.same_disp_tol, conn = a->p.connect_disp_tol;
    int f_init = within(a, a->xf, ef, x0, e0, same), b_init = within(a, a->xb, eb, x0, e0, same);
    int f_near = f_init || within(a, a->xf, ef, x0, e0, conn), b_near = b_init || within(a, a->xb, eb, x0, e0, conn);
    if ((f_init && !b_init) || (!f_init && !b_init && f_near && !b_near)) {
        double *t = a->xf;
        a->xf = a->xb;
        a->xb = t;
        double te = ef;
        ef = eb;
        eb = te;
        for (size_t i = 0; i < a->nd; i++)
            a->eig[i] = -a->eig[i];
        int t_init = f_init, t_near = f_near;
        f_init = b_init;
        f_near = b_near;
        b_init = t_init;
        b_near = t_near;
    }
    res->e_back = eb;
    res->back_disp = max_disp(a, a->xb, x0);
    if (f_init) { /* both sides fall back into the initial minimum */
        a->have_final = 1;
        res->e_final = ef;
        res->status = PEL_ART_FINAL_IS_INITIAL;
        return ART_OUT_OF_BUDGET;
    }
    st = confirm_final(a, &ef, &res->status, err);
    if (st)
        return st;
    a->have_final = 1;
    res->e_final = ef;
    if (!(ef < res->e_saddle)) { /* E_R <= 0: the minimiser did not go down from the saddle */
        res->status = PEL_ART_FINAL_ABOVE;
        return ART_OUT_OF_BUDGET;
    }
    if (within(a, a->xf, ef, x0, e0, same)) {
        res->status = PEL_ART_FINAL_IS_INITIAL;
        return ART_OUT_OF_BUDGET;
    }
    /* Connected: the push back ends in the initial minimum or a sub-basin of it. */
    if (!b_near) {
        res->status = PEL_ART_NOT_CONNECTED;
        return ART_OUT_OF_BUDGET;
    }
    res->status = PEL_ART_CONVERGED;
    return PEL_OK;
}

/* Whole-system lowest and second-lowest eigenvalues at the converged point
 * a->x (force a->f): the first (*lambda) from Lanczos started from the local
 * climb mode, or left as the climb's when that mode is the whole system's; the second
 * from Lanczos deflated by that mode, started from the displacement x - x0.
 * Leaves the whole-system lowest mode in a->eig_prev and the second in
 * a->work. */
static int saddle_modes(pel_art *a, const double *x0, double *lambda, double *lambda2, pel_error *err)
{
    double *v1 = a->eig_prev, *v2 = a->work;
    memcpy(v1, a->eig, a->nd * sizeof *v1);
    int st = PEL_OK;
    if (a->p.local_stiffness > 0)
        st = lanczos_at(a, a->x, a->f, v1, lambda, 1, err);
    if (st)
        return st;
    remove_translation(a, v1);
    double n1 = sqrt(dot(a->nd, v1, v1));
    for (size_t i = 0; i < a->nd; i++)
        v1[i] /= n1;
    /* start: the displacement from the minimum, plus a small fixed pattern
     * so that it never vanishes after the projection */
    for (size_t i = 0; i < a->nd; i++)
        v2[i] = min_image(a, (int)(i % 3), a->x[i] - x0[i]) + 1e-3 * sin(1.0 + 0.7 * (double)i);
    remove_translation(a, v2);
    return lanczos_run(a, a->lz2, a->p.order_vectors, a->x, a->f, NULL, v1, v2, lambda2, NAN, err);
}

/* Climb to a first-order saddle: after the climb converges, a second negative
 * mode (a higher-order stationary point, which the |F| test alone accepts:
 * 5 of 26 converged searches on the 250-atom test glass) sends the point one
 * eig_step down that mode and the climb resumes to order_force_tol. */
#define ORDER_RETRIES 2
static int climb_to_saddle(pel_art *a, const double *x0, double e0, double *e, pel_art_result *res, pel_error *err)
{
    double lambda = NAN, ftol = a->p.force_tol;
    for (int k = 0;; k++) {
        int st = a->p.climb == PEL_ART_CLIMB_LBFGS ? climb_lbfgs(a, x0, e0, ftol, e, &lambda, &res->status, err)
                                                   : climb(a, x0, e0, ftol, e, &lambda, &res->status, err);
        if (st)
            return st;
        res->eigenvalue = lambda; /* replaced by the whole system's with a local mode */
        st = saddle_modes(a, x0, &res->eigenvalue, &res->eigenvalue2, err);
        if (st)
            return phase_fail(st, &res->status);
        if (res->eigenvalue2 >= -a->p.order_tol)
            return PEL_OK;
        if (k == ORDER_RETRIES) {
            res->status = PEL_ART_HIGHER_ORDER;
            return ART_OUT_OF_BUDGET;
        }
        res->order_retries++;
        const double *v2 = a->work;
        double sgn = dot(a->nd, a->f, v2) >= 0 ? 1.0 : -1.0; /* downhill along the second mode */
        for (size_t i = 0; i < a->nd; i++)
            a->x[i] += sgn * a->p.eig_step * v2[i];
        /* Re-climb to the tighter force: with |F| < force_tol alone a soft
         * second mode (|lambda2| ~ 0.02 eV/Å^2) keeps the point F/|lambda2|
         * ~ 2 Å from its stationary point, and the nudge changes nothing. */
        ftol = fmin(a->p.force_tol, a->p.order_force_tol);
        st = eval(a, a->x, a->f, e, err);
        if (st)
            return phase_fail(st, &res->status);
    }
}

int pel_art_search(pel_art *a, const double *x0, double e0, size_t center, gsl_rng *rng, pel_art_result *res,
                   pel_error *err)
{
    memset(res, 0, sizeof *res);
    res->e_initial = e0;
    res->e_saddle = res->e_final = res->eigenvalue = res->force = NAN;
    res->max_disp = res->max_disp_dist = NAN;
    res->e_back = res->back_disp = res->eigenvalue2 = NAN;
    res->displaced = a->displaced;
    a->calls = a->lanczos_calls = 0;
    a->lost_longest = 0;
    a->have_saddle = a->have_final = 0;
    if (center >= a->s.natoms)
        return pel_error_set(err, PEL_EINVAL, "art: centre atom %zu out of range (%zu atoms)", center,
                             a->s.natoms);
    if (a->p.local_stiffness > 0)
        set_local_shift(a, x0, center);
    kick(a, x0, center, rng, 0);
    double e;
    int st;
    for (int attempt = 0;; attempt++) {
        st = leave_basin(a, x0, &e, &res->status, err);
        res->force_calls_basin = a->calls;
        if (st == PEL_OK)
            st = climb_to_saddle(a, x0, e0, &e, res, err);
        if (st <= 0 || res->status != PEL_ART_LOST_CURVATURE || attempt >= a->p.lost_retries)
            break;
        /* The climb lost its mode for good: start again from the minimum
         * with the push re-mixed (pARTn's restart), within the same budget. */
        res->lost_retries++;
        kick(a, x0, center, rng, a->p.retry_mix);
    }
    if (st == PEL_OK) {
        res->force_calls_saddle = a->calls;
        memcpy(a->xs, a->x, a->nd * sizeof *a->xs);
        a->have_saddle = 1;
        res->e_saddle = e;
        res->force = sqrt(dot(a->nd, a->f, a->f));
    }
    if (st == PEL_OK) {
        displacement_stats(a, x0, center, res);
        if (!(e > e0)) {
            res->status = PEL_ART_NEGATIVE_BARRIER;
            st = ART_OUT_OF_BUDGET;
        } else {
            st = after_saddle(a, x0, e0, res, err);
        }
    }
    res->force_calls = a->calls;
    res->force_calls_lanczos = a->lanczos_calls;
    res->lost_longest = a->lost_longest;
    if (st < 0)
        return st; /* fatal: invalid argument or memory */
    if (st == PEL_OK)
        res->status = PEL_ART_CONVERGED;
    pel_error_clear(err);
    return PEL_OK;
}
