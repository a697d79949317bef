/* minimize.c - inherent structures: FIRE 2.0 and Polak-Ribiere conjugate
 * gradient at fixed box, and zero-pressure (isotropic) box relaxation.
 *
 * Algorithms are rows of a const table (pel_min_ops); each relaxes the atoms
 * at fixed box to a force tolerance.  The isotropic box relaxation is an
 * outer loop around them: relax atoms, measure the virial pressure P, change
 * ln V by a secant step on P(ln V) (first step uses a bulk modulus guess),
 * dilate atoms and box affinely, relax again - until |P - P_target| < ptol
 * and the largest force component < ftol hold together.  We chose this over
 * a box degree of freedom inside FIRE/CG (LAMMPS fix box/relax) because the
 * two convergence criteria stay separate and exact: the final state is a
 * true fixed-box minimum whose pressure is within ptol.
 *
 * FIRE follows LAMMPS min_style fire (Guenole et al. 2020 defaults,
 * docs/atoms.md): semi-implicit Euler, dtmax 10 dt, dtmin 0.02 dt, delay 20,
 * dt grow 1.1 / shrink 0.5, alpha0 0.25, alpha shrink 0.99, half step back
 * on P <= 0, max displacement dmax per step, stop after 2000 uphill steps.
 * CG follows LAMMPS min_style cg with linemin quadratic (min_linesearch.cpp);
 * when that line search can no longer make progress (energy differences at
 * round-off, long before max|F| ~ 1e-6 eV/Å on thousands of atoms) the
 * relaxation finishes with FIRE, which needs only forces. */
#include "pel/minimize.h"

#include "atoms/lbfgs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* FIRE 2.0 constants (LAMMPS min_fire defaults). */
#define FIRE_DTMAX_FACTOR 10.0
#define FIRE_DTMIN_FACTOR 0.02
#define FIRE_DELAY 20
#define FIRE_DTGROW 1.1
#define FIRE_DTSHRINK 0.5
#define FIRE_ALPHA0 0.25
#define FIRE_ALPHA_SHRINK 0.99
#define FIRE_MAX_UPHILL 2000

/* linemin quadratic constants (LAMMPS min_linesearch.cpp). */
#define LS_ALPHA_MAX 1.0        /* Å^2/eV: largest step along h (h in eV/Å) */
#define LS_ALPHA_REDUCE 0.5     /* backtracking factor */
#define LS_BACKTRACK_SLOPE 0.4  /* sufficient-decrease (Armijo) slope */
#define LS_QUADRATIC_TOL 0.1    /* trust the secant projection when the energy fits within this */
#define LS_EMACH 1e-8           /* eV: energy rise accepted as round-off */
#define LS_EPS_QUAD 1e-28       /* (eV/Å)^2: directional force too small to project */

/* L-BFGS on forces (ASE's LBFGS without line search: Nocedal-Wright two-loop,
 * step capped at dmax per atom, rejected and the memory dropped when the
 * energy rises). */
#define LBFGS_MEMORY 10
#define LBFGS_H0 (1.0 / 70.0)   /* Å^2/eV: first inverse curvature (ASE's 1/alpha, alpha = 70 eV/Å^2) */
#define LBFGS_MAX_REJECT 4      /* rejected steps in a row (each half the last) before FIRE finishes */

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
    double *f;  /* [3n] forces at sys->x (masked by `frozen`) */
    double *v;  /* [3n] FIRE velocities */
    double *h;  /* [3n] CG search direction */
    double *g;  /* [3n] CG previous force */
    double *x0; /* [3n] line-search origin */
    pel_lbfgs lb; /* L-BFGS memory, allocated by the first L-BFGS run */
    pel_forces out;
    double energy, fmax;
    long calls, budget;
};

/* Outcome of one fixed-box relaxation. */
enum { RELAX_CONVERGED = 0, RELAX_BUDGET = 1, RELAX_STUCK = 2 };

typedef struct pel_min_ops {
    const char *name;
    /* Relax atoms at fixed box until fmax < ftol.  Returns PEL_OK with
     * *status set, or a negative error code. */
    int (*relax)(pel_minimizer *m, pel_calc *calc, pel_system *sys, const pel_min_params *p, long *iters,
                 int *status, pel_error *err);
} pel_min_ops;

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

int pel_minimizer_new(pel_minimizer **out, size_t n, pel_error *err)
{
    *out = NULL;
    if (n == 0) return pel_error_set(err, PEL_EINVAL, "cannot minimise an empty system");
    pel_minimizer *m = calloc(1, sizeof *m);
    if (!m) goto fail;
    m->n = n;
    m->f = calloc(3 * n, sizeof(double));
    m->v = calloc(3 * n, sizeof(double));
    m->h = calloc(3 * n, sizeof(double));
    m->g = calloc(3 * n, sizeof(double));
    m->x0 = calloc(3 * n, sizeof(double));
    if (!m->f || !m->v || !m->h || !m->g || !m->x0) goto fail;
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
    free((*m)->v);
    free((*m)->h);
    free((*m)->g);
    free((*m)->x0);
    pel_lbfgs_destroy(&(*m)->lb);
    free(*m);
    *m = NULL;
}

/* Energy and forces at sys->x; frozen atoms get zero force so that no
 * algorithm moves them; fmax = largest |component|. */
static int eval(pel_minimizer *m, pel_calc *calc, const pel_system *sys, const pel_min_params *p,
                pel_error *err)
{
    int rc = pel_calc_compute(calc, sys, &m->out, err);
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

static double dot(const double *a, const double *b, size_t k)
{
    double s = 0.0;
    for (size_t i = 0; i < k; i++)
        s += a[i] * b[i];
    return s;
}

/* ---------------------------------------------------------------------- */
/* FIRE 2.0 (LAMMPS MinFire::iterate, integrator eulerimplicit)            */

static int fire_relax(pel_minimizer *m, pel_calc *calc, pel_system *sys, const pel_min_params *p, long *iters,
                      int *status, pel_error *err)
{
    const size_t k3 = 3 * m->n;
    const double dt0 = p->dt, dtmax = FIRE_DTMAX_FACTOR * dt0, dtmin = FIRE_DTMIN_FACTOR * dt0;
    double dt = dt0, dtv = dt0, alpha = FIRE_ALPHA0;
    long last_negative = 0, uphill = 0;
    int rc;
    memset(m->v, 0, k3 * sizeof(double));
    *status = RELAX_CONVERGED;
    if (m->fmax < p->ftol) return PEL_OK;
    for (long it = 1;; it++) {
        if (m->calls >= m->budget) {
            *status = RELAX_BUDGET;
            return PEL_OK;
        }
        (*iters)++;
        double vdotf = dot(m->v, m->f, k3), scale1 = 1.0, scale2 = 0.0;
        int flagv0 = 0;
        if (vdotf > 0.0) {
            /* downhill: mix v towards F, grow dt after the delay */
            double vv = dot(m->v, m->v, k3), ff = dot(m->f, m->f, k3);
            scale1 = 1.0 - alpha;
            scale2 = ff <= 1e-20 ? 0.0 : alpha * sqrt(vv / ff);
            if (it - last_negative > FIRE_DELAY) {
                dt = fmin(dt * FIRE_DTGROW, dtmax);
                alpha *= FIRE_ALPHA_SHRINK;
            }
        } else {
            /* uphill: shrink dt (after the initial delay), half step back, stop */
            last_negative = it;
            if (it >= FIRE_DELAY) {
                alpha = FIRE_ALPHA0;
                if (dt * FIRE_DTSHRINK >= dtmin) dt *= FIRE_DTSHRINK;
            }
            if (++uphill > FIRE_MAX_UPHILL) {
                *status = RELAX_STUCK;
                return PEL_OK;
            }
            if (it > 1) {
                for (size_t i = 0; i < k3; i++)
                    sys->x[i] -= 0.5 * dtv * m->v[i];
                if ((rc = eval(m, calc, sys, p, err))) return rc;
            }
            memset(m->v, 0, k3 * sizeof(double));
            flagv0 = 1;
        }
        /* limit the step so that no atom moves more than dmax */
        dtv = dt;
        for (size_t i = 0; i < m->n; i++) {
            double dtfm = dt * PEL_FTM2V / sys->mass[sys->type[i]];
            for (int d = 0; d < 3; d++) {
                double vi = flagv0 ? dtfm * m->f[3 * i + d] : m->v[3 * i + d];
                double a = fabs(vi);
                if (dtv * a > p->dmax) dtv = p->dmax / a;
            }
        }
        /* semi-implicit Euler with velocity mixing */
        for (size_t i = 0; i < m->n; i++) {
            double dtfm = dtv * PEL_FTM2V / sys->mass[sys->type[i]];
            for (int d = 0; d < 3; d++) {
                size_t j = 3 * i + d;
                m->v[j] += dtfm * m->f[j];
                if (vdotf > 0.0) m->v[j] = scale1 * m->v[j] + scale2 * m->f[j];
                sys->x[j] += dtv * m->v[j];
            }
        }
        if ((rc = eval(m, calc, sys, p, err))) return rc;
        if (m->fmax < p->ftol) return PEL_OK;
    }
}

/* ---------------------------------------------------------------------- */
/* Conjugate gradient (LAMMPS MinCG::iterate + linemin quadratic)           */

/* x = x0 + alpha h, then forces. */
static int alpha_step(pel_minimizer *m, pel_calc *calc, pel_system *sys, const pel_min_params *p, double alpha,
                      pel_error *err)
{
    for (size_t i = 0; i < 3 * m->n; i++)
        sys->x[i] = m->x0[i] + alpha * m->h[i];
    return eval(m, calc, sys, p, err);
}

/* Returns 0 on success, 1 when no downhill progress is possible. */
static int linemin_quadratic(pel_minimizer *m, pel_calc *calc, pel_system *sys, const pel_min_params *p,
                             int *fail, pel_error *err)
{
    const size_t k3 = 3 * m->n;
    int rc;
    *fail = 0;
    double fdoth = dot(m->f, m->h, k3);
    if (fdoth <= 0.0) {
        *fail = 1;
        return PEL_OK;
    }
    double hmax = 0.0;
    for (size_t i = 0; i < k3; i++)
        hmax = fmax(hmax, fabs(m->h[i]));
    if (hmax == 0.0) {
        *fail = 1;
        return PEL_OK;
    }
    double alphamax = fmin(LS_ALPHA_MAX, p->dmax / hmax);
    memcpy(m->x0, sys->x, k3 * sizeof(double));
    double e0 = m->energy, alpha = alphamax, alphaprev = 0.0, fhprev = fdoth, eprev = e0;
    for (;;) {
        if ((rc = alpha_step(m, calc, sys, p, alpha, err))) return rc;
        double fh = dot(m->f, m->h, k3), delfh = fh - fhprev;
        if (fabs(fh) < LS_EPS_QUAD || fabs(delfh) < LS_EPS_QUAD) break;
        /* secant projection of the zero of the directional force */
        double relerr = fabs(1.0 - (0.5 * (alpha - alphaprev) * (fh + fhprev) + m->energy) / eprev);
        double alpha0 = alpha - (alpha - alphaprev) * fh / delfh;
        if (relerr <= LS_QUADRATIC_TOL && alpha0 > 0.0 && alpha0 < alphamax) {
            if ((rc = alpha_step(m, calc, sys, p, alpha0, err))) return rc;
            if (m->energy - e0 < LS_EMACH) return PEL_OK;
        }
        double de_ideal = -LS_BACKTRACK_SLOPE * alpha * fdoth;
        if (m->energy - e0 <= de_ideal) return PEL_OK;
        fhprev = fh;
        alphaprev = alpha;
        eprev = m->energy;
        alpha *= LS_ALPHA_REDUCE;
        if (alpha <= 0.0 || de_ideal >= -LS_EMACH) break;
        if (m->calls >= m->budget) break;
    }
    /* no progress: back to the start */
    if ((rc = alpha_step(m, calc, sys, p, 0.0, err))) return rc;
    *fail = 1;
    return PEL_OK;
}

static int cg_relax(pel_minimizer *m, pel_calc *calc, pel_system *sys, const pel_min_params *p, long *iters,
                    int *status, pel_error *err)
{
    const size_t k3 = 3 * m->n;
    int rc, fail;
    *status = RELAX_CONVERGED;
    if (m->fmax < p->ftol) return PEL_OK;
    memcpy(m->h, m->f, k3 * sizeof(double));
    memcpy(m->g, m->f, k3 * sizeof(double));
    double gg = dot(m->f, m->f, k3);
    long nlimit = (long)k3;
    for (long it = 1;; it++) {
        if (m->calls >= m->budget) {
            *status = RELAX_BUDGET;
            return PEL_OK;
        }
        (*iters)++;
        if ((rc = linemin_quadratic(m, calc, sys, p, &fail, err))) return rc;
        if (fail) break;
        if (m->fmax < p->ftol) return PEL_OK;
        double ff = dot(m->f, m->f, k3), fg = dot(m->f, m->g, k3);
        double beta = fmax(0.0, (ff - fg) / gg); /* Polak-Ribiere with restart */
        if ((it + 1) % nlimit == 0) beta = 0.0;
        gg = ff;
        for (size_t i = 0; i < k3; i++) {
            m->g[i] = m->f[i];
            m->h[i] = m->g[i] + beta * m->h[i];
        }
        if (dot(m->g, m->h, k3) <= 0.0) memcpy(m->h, m->g, k3 * sizeof(double));
    }
    /* line search exhausted by round-off: finish with FIRE (forces only) */
    return fire_relax(m, calc, sys, p, iters, status, err);
}

/* ---------------------------------------------------------------------- */
/* L-BFGS on forces                                                         */

static int lbfgs_relax(pel_minimizer *m, pel_calc *calc, pel_system *sys, const pel_min_params *p, long *iters,
                       int *status, pel_error *err)
{
    const size_t k3 = 3 * m->n;
    int rc, rejected = 0;
    *status = RELAX_CONVERGED;
    if (m->fmax < p->ftol) return PEL_OK;
    if (!m->lb.s && pel_lbfgs_init(&m->lb, k3, LBFGS_MEMORY))
        return pel_error_set(err, PEL_ENOMEM, "out of memory for L-BFGS on %zu atoms", m->n);
    pel_lbfgs_reset(&m->lb);
    double *d = m->h, *fold = m->g, *y = m->v;
    for (;;) {
        if (m->calls >= m->budget) {
            *status = RELAX_BUDGET;
            return PEL_OK;
        }
        (*iters)++;
        pel_lbfgs_direction(&m->lb, m->f, LBFGS_H0, d);
        if (!(dot(d, m->f, k3) > 0)) { /* not downhill: steepest descent */
            pel_lbfgs_reset(&m->lb);
            for (size_t i = 0; i < k3; i++)
                d[i] = LBFGS_H0 * m->f[i];
        }
        double dmax = 0.0;
        for (size_t i = 0; i < m->n; i++)
            dmax = fmax(dmax, sqrt(dot(d + 3 * i, d + 3 * i, 3)));
        double scale = (dmax > p->dmax ? p->dmax / dmax : 1.0) * ldexp(1.0, -rejected);
        double eold = m->energy;
        memcpy(m->x0, sys->x, k3 * sizeof(double));
        memcpy(fold, m->f, k3 * sizeof(double));
        for (size_t i = 0; i < k3; i++)
            sys->x[i] += scale * d[i];
        if ((rc = eval(m, calc, sys, p, err))) return rc;
        if (m->energy > eold + LS_EMACH) {
            /* Uphill: back (re-evaluated, so that the virial is this point's),
             * forget the curvature pairs, and try a shorter step. */
            memcpy(sys->x, m->x0, k3 * sizeof(double));
            if ((rc = eval(m, calc, sys, p, err))) return rc;
            pel_lbfgs_reset(&m->lb);
            if (++rejected > LBFGS_MAX_REJECT) break;
            continue;
        }
        rejected = 0;
        if (m->fmax < p->ftol) return PEL_OK;
        for (size_t i = 0; i < k3; i++) {
            m->x0[i] = sys->x[i] - m->x0[i]; /* s */
            y[i] = fold[i] - m->f[i];        /* change of the gradient */
        }
        pel_lbfgs_push(&m->lb, m->x0, y);
    }
    /* steps at round-off: finish with FIRE (forces only) */
    return fire_relax(m, calc, sys, p, iters, status, err);
}

static const pel_min_ops min_ops[] = {
    [PEL_MIN_FIRE] = {"fire", fire_relax},
    [PEL_MIN_CG] = {"cg", cg_relax},
    [PEL_MIN_LBFGS] = {"lbfgs", lbfgs_relax},
};

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

int pel_minimizer_run(pel_minimizer *m, pel_calc *calc, pel_system *sys, const pel_min_params *p,
                      pel_min_result *res, pel_progress_fn progress, void *progress_ctx, pel_error *err)
{
    int rc = check_params(p, err);
    if (rc) return rc;
    if (sys->n != m->n)
        return pel_error_set(err, PEL_EINVAL, "system has %zu atoms, minimiser was made for %zu", sys->n, m->n);
    const pel_min_ops *ops = &min_ops[p->algo];
    memset(res, 0, sizeof *res);
    m->calls = 0;
    m->budget = p->max_force_calls;
    long iters = 0;
    int status = RELAX_CONVERGED, stopped = 0;
    if ((rc = eval(m, calc, sys, p, err))) goto done;

    double lnv_prev = 0, p_prev = 0, bulk = BOX_BULK_GUESS_BAR;
    pel_min_params inner = *p;
    for (int outer = 0; outer < BOX_MAX_OUTER; outer++) {
        if ((rc = ops->relax(m, calc, sys, &inner, &iters, &status, err))) goto done;
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
                             ops->name, m->calls, res->fmax, res->pressure_bar,
                             status == RELAX_STUCK ? " (FIRE stuck uphill)" : "");
    return PEL_OK;
}

int pel_minimize(pel_calc *calc, pel_system *sys, const pel_min_params *p, pel_min_result *res,
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
    return (a == PEL_MIN_FIRE || a == PEL_MIN_CG || a == PEL_MIN_LBFGS) ? min_ops[a].name : "?";
}

int pel_min_algo_parse(const char *s, pel_min_algo *out, pel_error *err)
{
    for (int a = 0; a < (int)(sizeof min_ops / sizeof min_ops[0]); a++)
        if (!strcmp(s, min_ops[a].name)) {
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
