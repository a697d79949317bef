/* minimize.c - inherent structures: the EAM engine as an objective of the
 * optimiser layer (include/pel/opt.h: FIRE, CG, L-BFGS) at fixed box, and
 * zero-pressure (isotropic) box relaxation around it.
 *
 * The isotropic box relaxation is an outer loop: relax atoms, measure the
 * virial pressure P, change ln V by a secant step on P(ln V) (first step uses
 * a bulk modulus guess), dilate atoms and box affinely, relax again - until
 * |P - P_target| < ptol and the largest force component < ftol hold
 * together.  We chose this over a box degree of freedom inside FIRE/CG
 * (LAMMPS fix box/relax) because the two convergence criteria stay separate
 * and exact: the final state is a true fixed-box minimum whose pressure is
 * within ptol.
 *
 * When CG's line search or L-BFGS can no longer make progress (energy
 * differences at round-off, long before max|F| ~ 1e-6 eV/Å on thousands of
 * atoms) the relaxation finishes with FIRE, which needs only forces. */
#include "pel/minimize.h"

#include "pel/opt.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* L-BFGS as ASE's LBFGS (docs/md.md "Minimisers"). */
#define LBFGS_MEMORY 10
#define LBFGS_H0 (1.0 / 70.0) /* Å^2/eV: first inverse curvature (ASE's 1/alpha, alpha = 70 eV/Å^2) */

/* Isotropic box relaxation. */
#define BOX_BULK_GUESS_BAR 1.0e6 /* 100 GPa: order of a Cu-Zr glass's bulk modulus */
#define BOX_BULK_MIN_BAR 1.0e4   /* clamps on the secant estimate */
#define BOX_BULK_MAX_BAR 1.0e8
#define BOX_MAX_DLNV 0.05        /* largest ln V change per outer iteration */
#define BOX_MAX_OUTER 200
#define BOX_FTOL_PER_BAR 1e-7    /* eV/Å per bar: inner force tolerance while P is off by that much */
#define BOX_FTOL_MAX 1e-2        /* eV/Å: loosest inner tolerance */

struct pel_minimizer {
    size_t n;
    double *f;    /* [3n] forces at sys->x (masked by `frozen`) */
    double *mass; /* [3n] FIRE masses, g/mol */
    pel_opt *opt[3]; /* per pel_min_algo; L-BFGS allocated by its first run */
    pel_opt_params op;
    pel_forces out;
    /* the objective's context during a run */
    pel_engine *calc;
    pel_system *sys;
    const pel_min_params *p;
    double energy, fmax;
    long calls, budget;
};

/* Outcome of one fixed-box relaxation. */
enum { RELAX_CONVERGED = 0, RELAX_BUDGET = 1, RELAX_STUCK = 2 };

/* ---------------------------------------------------------------------- */

void pel_min_params_default(pel_min_params *p)
{
    memset(p, 0, sizeof *p);
    p->algo = PEL_MIN_FIRE;
    p->box = PEL_BOX_FIXED;
    p->ftol = 1e-6;
    p->ptol_bar = 1.0;
    p->p_target_bar = 0.0;
    p->max_force_calls = 100000;
    p->dmax = 0.1;
    p->dt = 0.001;
    p->frozen = NULL;
}

/* Names and optimisers of pel_min_algo, in enum order. */
static const char *const algo_names[] = {"fire", "cg", "lbfgs"};
#define N_ALGOS (sizeof algo_names / sizeof algo_names[0])

static const pel_opt_type *algo_type(pel_min_algo a)
{
    return a == PEL_MIN_CG ? pel_opt_cg : a == PEL_MIN_LBFGS ? pel_opt_lbfgs : pel_opt_fire;
}

int pel_minimizer_new(pel_minimizer **out, size_t n, pel_error *err)
{
    *out = NULL;
    if (n == 0) return pel_error_set(err, PEL_EINVAL, "cannot minimise an empty system");
    pel_minimizer *m = calloc(1, sizeof *m);
    if (!m) goto fail;
    m->n = n;
    pel_opt_params_default(&m->op);
    m->op.lbfgs_memory = LBFGS_MEMORY;
    m->op.lbfgs_h0 = LBFGS_H0;
    m->f = calloc(3 * n, sizeof(double));
    m->mass = calloc(3 * n, sizeof(double));
    if (!m->f || !m->mass) goto fail;
    /* FIRE finishes CG and L-BFGS runs: always there */
    if (pel_opt_new(&m->opt[PEL_MIN_FIRE], pel_opt_fire, 3 * n, &m->op, err) ||
        pel_opt_new(&m->opt[PEL_MIN_CG], pel_opt_cg, 3 * n, &m->op, err))
        goto fail;
    m->out.f = m->f;
    *out = m;
    return PEL_OK;
fail:
    pel_minimizer_free(&m);
    return pel_error_set(err, PEL_ENOMEM, "out of memory for a minimiser of %zu atoms", n);
}

void pel_minimizer_free(pel_minimizer **m)
{
    if (!m || !*m) return;
    free((*m)->f);
    free((*m)->mass);
    for (size_t a = 0; a < N_ALGOS; a++)
        pel_opt_free(&(*m)->opt[a]);
    free(*m);
    *m = NULL;
}

/* Energy and forces at sys->x; frozen atoms get zero force so that no
 * algorithm moves them; fmax = largest |component|. */
static int eval(pel_minimizer *m, pel_engine *calc, const pel_system *sys, const pel_min_params *p,
                pel_error *err)
{
    int rc = pel_engine_compute(calc, sys, &m->out, err);
    m->calls++;
    if (rc) return rc;
    if (!isfinite(m->out.energy))
        return pel_error_set(err, PEL_EBLOWUP, "energy became non-finite during minimisation");
    double fmax = 0.0;
    for (size_t i = 0; i < m->n; i++) {
        if (p->frozen && p->frozen[i]) {
            m->f[3 * i] = m->f[3 * i + 1] = m->f[3 * i + 2] = 0.0;
            continue;
        }
        for (int d = 0; d < 3; d++) {
            double a = fabs(m->f[3 * i + d]);
            if (!(a <= fmax)) fmax = a;
        }
    }
    if (!isfinite(fmax)) return pel_error_set(err, PEL_EBLOWUP, "non-finite force during minimisation");
    m->energy = m->out.energy;
    m->fmax = fmax;
    return PEL_OK;
}

/* The objective: forces at x (the optimiser moves sys->x in place). */
static int min_force(void *ctx, const double *x, double *f, double *energy, pel_error *err)
{
    pel_minimizer *m = ctx;
    if (x != m->sys->x) memcpy(m->sys->x, x, 3 * m->n * sizeof *x);
    int rc = eval(m, m->calc, m->sys, m->p, err);
    if (rc) return rc;
    if (f != m->f) memcpy(f, m->f, 3 * m->n * sizeof *f);
    *energy = m->energy;
    return PEL_OK;
}

/* One run of an optimiser on the atoms within what is left of the budget. */
static int opt_relax(pel_minimizer *m, pel_min_algo algo, long *iters, pel_opt_result *res, pel_error *err)
{
    pel_opt_objective obj = {3 * m->n, min_force, m, m->mass, PEL_FTM2V, NULL};
    m->op.max_calls = m->budget > m->calls ? m->budget - m->calls : 0;
    int rc = pel_opt_run(m->opt[algo], &obj, &m->op, m->sys->x, m->f, &m->energy, res, err);
    *iters += res->iterations;
    return rc;
}

/* Relax atoms at fixed box until fmax < p->ftol.  Returns PEL_OK with *status
 * set, or a negative error code.  CG and L-BFGS hand over to FIRE (forces
 * only) when their energy differences reach round-off. */
static int relax(pel_minimizer *m, pel_engine *calc, pel_system *sys, const pel_min_params *p, long *iters,
                 int *status, pel_error *err)
{
    m->calc = calc;
    m->sys = sys;
    m->p = p;
    m->op.ftol = p->ftol;
    m->op.dmax = p->dmax;
    m->op.dt = p->dt;
    m->op.max_iter = LONG_MAX;
    for (size_t i = 0; i < m->n; i++)
        m->mass[3 * i] = m->mass[3 * i + 1] = m->mass[3 * i + 2] = sys->mass[sys->type[i]];
    int rc;
    if (!m->opt[p->algo] && (rc = pel_opt_new(&m->opt[p->algo], algo_type(p->algo), 3 * m->n, &m->op, err)))
        return rc;
    pel_opt_result res;
    rc = opt_relax(m, p->algo, iters, &res, err);
    if (!rc && res.status == PEL_OPT_NO_PROGRESS && p->algo != PEL_MIN_FIRE)
        rc = opt_relax(m, PEL_MIN_FIRE, iters, &res, err);
    if (rc) return rc;
    *status = res.status == PEL_OPT_CONVERGED ? RELAX_CONVERGED
              : res.status == PEL_OPT_MAX_CALLS ? RELAX_BUDGET
                                                : RELAX_STUCK;
    return PEL_OK;
}

/* ---------------------------------------------------------------------- */
/* Driver with optional isotropic box relaxation                            */

static double virial_pressure(const pel_minimizer *m, const pel_system *sys)
{
    double V = sys->len[0] * sys->len[1] * sys->len[2];
    return (m->out.virial[0] + m->out.virial[1] + m->out.virial[2]) / (3.0 * V) * PEL_NKTV2P;
}

/* Dilate atoms and box about the box origin by exp(dlnv/3) per edge. */
static void dilate(pel_system *sys, double dlnv)
{
    double s = exp(dlnv / 3.0);
    for (size_t i = 0; i < sys->n; i++)
        for (int d = 0; d < 3; d++)
            sys->x[3 * i + d] = sys->lo[d] + (sys->x[3 * i + d] - sys->lo[d]) * s;
    for (int d = 0; d < 3; d++) {
        sys->len[d] *= s;
        sys->tilt[d] *= s; /* triclinic: the whole cell dilates, as LAMMPS box/relax iso */
    }
}

static int check_params(const pel_min_params *p, pel_error *err)
{
    if (p->algo != PEL_MIN_FIRE && p->algo != PEL_MIN_CG && p->algo != PEL_MIN_LBFGS)
        return pel_error_set(err, PEL_EINVAL, "unknown minimiser %d", (int)p->algo);
    if (p->box != PEL_BOX_FIXED && p->box != PEL_BOX_ISO)
        return pel_error_set(err, PEL_EINVAL, "unknown box mode %d", (int)p->box);
    if (!(p->ftol > 0 && isfinite(p->ftol)))
        return pel_error_set(err, PEL_EINVAL, "force tolerance %g must be > 0", p->ftol);
    if (p->box == PEL_BOX_ISO && !(p->ptol_bar > 0 && isfinite(p->ptol_bar)))
        return pel_error_set(err, PEL_EINVAL, "pressure tolerance %g must be > 0", p->ptol_bar);
    if (!isfinite(p->p_target_bar)) return pel_error_set(err, PEL_EINVAL, "target pressure must be finite");
    if (p->max_force_calls < 1)
        return pel_error_set(err, PEL_EINVAL, "force-call budget %ld must be >= 1", p->max_force_calls);
    if (!(p->dmax > 0 && isfinite(p->dmax)))
        return pel_error_set(err, PEL_EINVAL, "dmax %g must be > 0", p->dmax);
    if (!(p->dt > 0 && isfinite(p->dt))) return pel_error_set(err, PEL_EINVAL, "FIRE dt %g must be > 0", p->dt);
    return PEL_OK;
}

int pel_minimizer_run(pel_minimizer *m, pel_engine *calc, pel_system *sys, const pel_min_params *p,
                      pel_min_result *res, pel_progress_fn progress, void *progress_ctx, pel_error *err)
{
    int rc = check_params(p, err);
    if (rc) return rc;
    if (sys->n != m->n)
        return pel_error_set(err, PEL_EINVAL, "system has %zu atoms, minimiser was made for %zu", sys->n, m->n);
    memset(res, 0, sizeof *res);
    m->calls = 0;
    m->budget = p->max_force_calls;
    long iters = 0;
    int status = RELAX_CONVERGED, stopped = 0;
    if ((rc = eval(m, calc, sys, p, err))) goto done;

    double lnv_prev = 0, p_prev = 0, bulk = BOX_BULK_GUESS_BAR;
    pel_min_params inner = *p;
    for (int outer = 0; outer < BOX_MAX_OUTER; outer++) {
        if ((rc = relax(m, calc, sys, &inner, &iters, &status, err))) goto done;
        if (status != RELAX_CONVERGED || p->box == PEL_BOX_FIXED) break;
        double pnow = virial_pressure(m, sys), lnv = log(sys->len[0] * sys->len[1] * sys->len[2]);
        double dp = pnow - p->p_target_bar;
        if (fabs(dp) < p->ptol_bar) {
            if (inner.ftol <= p->ftol) break;
            inner.ftol = p->ftol; /* right volume: now relax to the real tolerance */
            continue;
        }
        /* far from the target pressure the atoms need not be fully relaxed:
         * the inner tolerance follows |P - P_target| (BOX_FTOL_PER_BAR) */
        inner.ftol = fmax(p->ftol, fmin(BOX_FTOL_MAX, BOX_FTOL_PER_BAR * fabs(dp)));
        if (outer > 0 && lnv != lnv_prev) {
            /* secant estimate of the relaxed bulk modulus B = -dP/dlnV; a
             * structural jump can make it absurd: then keep the old one */
            double bb = -(pnow - p_prev) / (lnv - lnv_prev);
            if (bb >= BOX_BULK_MIN_BAR && bb <= BOX_BULK_MAX_BAR) bulk = bb;
        }
        double dlnv = fmax(-BOX_MAX_DLNV, fmin(BOX_MAX_DLNV, dp / bulk));
        lnv_prev = lnv;
        p_prev = pnow;
        dilate(sys, dlnv);
        if ((rc = eval(m, calc, sys, p, err))) goto done;
        if (progress && progress(progress_ctx, (double)m->calls, (double)m->budget, "box")) {
            stopped = 1;
            break;
        }
        if (outer == BOX_MAX_OUTER - 1) status = RELAX_BUDGET;
    }
done:
    res->energy = m->energy;
    res->fmax = m->fmax;
    res->pressure_bar = virial_pressure(m, sys);
    res->iterations = iters;
    res->force_calls = m->calls;
    if (rc) return rc;
    res->converged = !stopped && status == RELAX_CONVERGED && res->fmax < p->ftol &&
                     (p->box == PEL_BOX_FIXED || fabs(res->pressure_bar - p->p_target_bar) < p->ptol_bar);
    if (!res->converged)
        return pel_error_set(err, PEL_ENOCONV,
                             "minimisation (%s) not converged after %ld force calls: max force %.3g eV/Å, P %.3g bar%s",
                             algo_names[p->algo], m->calls, res->fmax, res->pressure_bar,
                             status == RELAX_STUCK ? " (FIRE stuck uphill)" : "");
    return PEL_OK;
}

int pel_minimize(pel_engine *calc, pel_system *sys, const pel_min_params *p, pel_min_result *res,
                 pel_progress_fn progress, void *progress_ctx, pel_error *err)
{
    pel_minimizer *m = NULL;
    int rc = pel_minimizer_new(&m, sys->n, err);
    if (rc) return rc;
    rc = pel_minimizer_run(m, calc, sys, p, res, progress, progress_ctx, err);
    pel_minimizer_free(&m);
    return rc;
}

const char *pel_min_algo_name(pel_min_algo a)
{
    return (a == PEL_MIN_FIRE || a == PEL_MIN_CG || a == PEL_MIN_LBFGS) ? algo_names[a] : "?";
}

int pel_min_algo_parse(const char *s, pel_min_algo *out, pel_error *err)
{
    for (int a = 0; a < (int)N_ALGOS; a++)
        if (!strcmp(s, algo_names[a])) {
            *out = (pel_min_algo)a;
            return PEL_OK;
        }
    return pel_error_set(err, PEL_EINVAL, "unknown minimiser '%s' (fire, cg or lbfgs)", s);
}

int pel_min_box_parse(const char *s, pel_box_mode *out, pel_error *err)
{
    if (!strcmp(s, "fixed")) *out = PEL_BOX_FIXED;
    else if (!strcmp(s, "iso")) *out = PEL_BOX_ISO;
    else return pel_error_set(err, PEL_EINVAL, "unknown box mode '%s' (fixed or iso)", s);
    return PEL_OK;
}
