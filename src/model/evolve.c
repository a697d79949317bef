/* evolve.c - integrate dE/dt = nu(E,T) Z(E,T) D(E,T) (paper eqs. 1-2, docs/theory.md §5)
 * along a protocol, with GSL's msbdf (implicit, variable-order BDF) and a
 * central-difference Jacobian.
 *
 * Independent variable per segment: on a ramp x = |T - T_start| in K, so that
 * dE/dx = (dE/dt)/|q| and output on a temperature grid is natural; on a hold
 * x = t - t_start in s.  The stepper runs freely to the segment end (a step is
 * never cut at an output point, which would cost ~10x the steps); output rows
 * between accepted steps come from a cubic Hermite interpolant whose slopes
 * are divided differences of the accepted E values (fd_slopes: the RHS itself
 * is round-off noise where the equation is stiff).  Segment ends are exact
 * integration points.  Rates are formed in log space (nu Z spans ~1e-30 to
 * 1e16 1/s), and a stiffness limiter keeps very slow ramps solvable. */
#include "pel/evolve.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pel/equilibrium.h"
#include "pel/spectrum.h"

/* Central-difference step in E for the Jacobian d(dE/dx)/dE: f varies on a
 * scale of ~1e-2 eV/atom, so truncation ~(1e-5/1e-2)^2 and round-off
 * ~1e-16/1e-5 both stay near 1e-10 relative, far below what Newton needs. */
#define PEL_EVOLVE_JAC_DE 1e-5
/* First trial step: small against the fastest relaxation (1e-13 s at high T,
 * i.e. 1e-3 K at 1e10 K/s); the controller grows it geometrically. */
#define PEL_EVOLVE_H0_K 1e-6
#define PEL_EVOLVE_H0_S 1e-17
/* Longest ramp step, in output spacings: rows between steps come from a
 * cubic whose slopes are second-order divided differences, so its error
 * grows like h^3 E'''; in the quasi-static regime of slow ramps msbdf would
 * otherwise take 50-100 K steps and interpolated rows would be off by
 * ~1e-8 eV/atom.  Costs nothing at the paper's rates (steps ~1-5 K). */
#define PEL_EVOLVE_HMAX_ROWS 4.0
/* Earliest output time of a hold (log-spaced from here to its end), s. */
#define PEL_EVOLVE_HOLD_T0_S 1e-15
/* Budget of accepted steps per segment before declaring failure. */
#define PEL_EVOLVE_MAX_STEPS 1000000

void pel_evolve_opts_default(pel_evolve_opts *o)
{
    o->rtol = 1e-10;
    o->atol = 1e-12;
    o->dT_out_K = 1.0;
    o->hold_points = 200;
    o->eq_column = 1;
    o->rate_columns = 1;
}

/* What the right-hand side needs to know about the current segment. */
typedef struct seg_ctx {
    const pel_material *mat;
    double T_start, sign; /* ramp: T = T_start + sign * x */
    double inv_rate;      /* ramp: 1/|q| (s/K); hold: 1 */
    double log_inv_rate;  /* ln(inv_rate) */
    int ramp;
    int nonfinite; /* the RHS met a non-finite value in the current attempt */
} seg_ctx;

static double seg_T(const seg_ctx *c, double x)
{
    return c->ramp ? c->T_start + c->sign * x : c->T_start;
}

/* dE/dt and the pieces the trace reports, at (E, T). */
typedef struct rhs_val {
    double dEdt, D, EA_mean;
} rhs_val;

static rhs_val rate_at(const pel_material *mat, double E, double T, double *log_nuZ)
{
    pel_spectrum sp;
    pel_material_spectrum(mat, E, &sp);
    double logZ = pel_spectrum_log_Z(&sp, T);
    double kT = PEL_KB_EV_PER_K * T;
    rhs_val v;
    v.EA_mean = -kT * logZ;    /* eq. 4 */
    v.D = v.EA_mean - mat->eR; /* eq. 7 */
    /* eq. 2: nu Z D, with nu Z = exp(ln nu + ln Z) to avoid overflow */
    double lnz = pel_material_log_nu(mat, E, T) + logZ;
    v.dEdt = exp(lnz) * v.D;
    if (log_nuZ)
        *log_nuZ = lnz;
    return v;
}

/* Stiffness limiter on ramps, 1/(eV K).  dE/dT = kappa D with kappa =
 * nu Z / q reaches ~1e13 at 2000 K for experimental rates (1 K/s): E then
 * follows E_eq within ~1e-17 eV/atom, but msbdf's Newton iteration fails on
 * such a problem (f is round-off noise times 1e13).  kappa is replaced by
 * kappa_max kappa / (kappa_max + kappa), which changes nothing where kappa
 * << kappa_max and, where it acts, still pins E to E_eq within
 * (dE_eq/dT) / (kappa_max |dD/dE|) ~ 5e-13 eV/atom: far below the tolerance.
 * At 1e9 K/s and 2000 K kappa ~ 3e6, so the paper's protocols are untouched
 * (to 3 %% of a ~1e-11 eV/atom lag). */
#define PEL_EVOLVE_KAPPA_MAX 1e8

static double rhs_x(seg_ctx *c, double x, double E)
{
    double lnz, f;
    rhs_val v = rate_at(c->mat, E, seg_T(c, x), &lnz);
    if (c->ramp) {
        /* kappa_eff = kappa_max / (1 + kappa_max / kappa), in logs */
        double lk = lnz + c->log_inv_rate;
        f = PEL_EVOLVE_KAPPA_MAX / (1.0 + PEL_EVOLVE_KAPPA_MAX * exp(-lk)) * v.D;
    } else {
        f = v.dEdt;
    }
    if (!isfinite(f))
        c->nonfinite = 1;
    return f;
}

static int ode_f(double x, const double y[], double dydx[], void *params)
{
    seg_ctx *c = params;
    dydx[0] = rhs_x(c, x, y[0]);
    /* GSL_FAILURE is recoverable: the step is retried smaller (a Newton
     * iterate of a very stiff step can land where nu Z overflows) */
    return c->nonfinite ? GSL_FAILURE : GSL_SUCCESS;
}

static int ode_jac(double x, const double y[], double *dfdy, double dfdx[], void *params)
{
    seg_ctx *c = params;
    const double h = PEL_EVOLVE_JAC_DE;
    dfdy[0] = (rhs_x(c, x, y[0] + h) - rhs_x(c, x, y[0] - h)) / (2.0 * h);
    /* msbdf only uses df/dy (its Newton matrix); df/dx is not needed */
    dfdx[0] = 0.0;
    return c->nonfinite ? GSL_FAILURE : GSL_SUCCESS;
}

static int trace_push(pel_trace *tr, const pel_trace_point *pt, pel_error *err)
{
    if (tr->n == tr->cap) {
        size_t nc = tr->cap ? 2 * tr->cap : 1024;
        pel_trace_point *np = realloc(tr->p, nc * sizeof *np);
        if (!np)
            return pel_error_set(err, PEL_ENOMEM, "out of memory growing the trace to %zu rows", nc);
        tr->p = np;
        tr->cap = nc;
    }
    tr->p[tr->n++] = *pt;
    return PEL_OK;
}

void pel_trace_clear(pel_trace *tr)
{
    if (!tr)
        return;
    free(tr->p);
    memset(tr, 0, sizeof *tr);
}

/* Everything a run shares across segments. */
typedef struct run_ctx {
    const pel_material *mat;
    const pel_evolve_opts *o;
    double Tc; /* below it no E_eq exists */
    pel_trace *out;
    pel_error *err;
    int have_eq; /* last E_eq found, the warm start of the next row */
    double eq_T, eq_E, eq_dEdT, eq_dDdE;
} run_ctx;

/* Warm-started E_eq tracking for the trace column.  Rows come 1 K apart and
 * E_eq(T) is smooth, so Newton on D(E) from the linear extrapolation of the
 * last two roots, with the slope dD/dE carried over from the previous row
 * (updated by secants), converges in 2-3 evaluations where the bracketing
 * search of pel_equilibrium_E needs ~50.  D falls monotonically in E for the
 * material forms (W rises, m falls with E), so a root found is the root; any
 * doubt (no convergence, a jump in T, a bad slope) falls back to
 * pel_equilibrium_E. */
#define PEL_EVOLVE_EQ_TRACK_DT 20.0 /* K: farther than this, search afresh */
#define PEL_EVOLVE_EQ_TRACK_IT 12
#define PEL_EVOLVE_EQ_TRACK_DE 1e-6 /* eV/atom, first secant step for dD/dE */
static int eq_at(run_ctx *r, double T, double *Eeq)
{
    if (r->have_eq && fabs(T - r->eq_T) <= PEL_EVOLVE_EQ_TRACK_DT) {
        double E = r->eq_E + r->eq_dEdT * (T - r->eq_T);
        double D = pel_equilibrium_D(r->mat, E, T), slope = r->eq_dDdE;
        if (!(slope < 0.0)) {
            double D2 = pel_equilibrium_D(r->mat, E + PEL_EVOLVE_EQ_TRACK_DE, T);
            slope = (D2 - D) / PEL_EVOLVE_EQ_TRACK_DE;
        }
        for (int it = 0; it < PEL_EVOLVE_EQ_TRACK_IT && slope < 0.0 && isfinite(D); it++) {
            double dE = -D / slope;
            /* the slope is stale by ~1 % between rows, so after a step of
             * dE the error left is ~1e-2 |dE|: accept below PEL_EQ_ETOL */
            if (fabs(dE) <= 1e2 * PEL_EQ_ETOL || D == 0.0) {
                E += dE;
                if (T != r->eq_T)
                    r->eq_dEdT = (E - r->eq_E) / (T - r->eq_T);
                r->eq_T = T, r->eq_E = E, r->eq_dDdE = slope;
                *Eeq = E;
                return PEL_OK;
            }
            double Dn = pel_equilibrium_D(r->mat, E + dE, T);
            if (fabs(dE) > 1e-9) /* secant update, only where not noise */
                slope = (Dn - D) / dE;
            E += dE;
            D = Dn;
        }
    }
    int rc = pel_equilibrium_E(r->mat, T, Eeq, NULL);
    r->have_eq = rc == PEL_OK;
    if (rc == PEL_OK)
        r->eq_T = T, r->eq_E = *Eeq, r->eq_dEdT = 0.0, r->eq_dDdE = 0.0;
    return rc;
}

/* Append one row at state (t, T, E) with dE/dx known; dEdt and dEdT follow
 * from it so that interpolated rows carry the interpolant's slope. */
static int emit(run_ctx *r, const seg_ctx *c, int segment, double t, double T, double E, double dEdx)
{
    pel_trace_point p;
    p.t_s = t;
    p.T_K = T;
    p.E = E;
    p.D = p.EA_mean = NAN;
    double dEdt_start = 0.0; /* the start row has no neighbours: use f */
    if (r->o->rate_columns || !c) {
        rhs_val v = rate_at(r->mat, E, T, NULL);
        p.D = v.D;
        p.EA_mean = v.EA_mean;
        dEdt_start = v.dEdt;
    }
    p.segment = segment;
    if (c && c->ramp) {
        p.dEdt = dEdx / c->inv_rate;
        p.dEdT = c->sign * dEdx; /* dE/dT = (dE/dx)(dx/dT) */
    } else {
        p.dEdt = c ? dEdx : dEdt_start;
        p.dEdT = NAN;
    }
    p.Eeq = NAN;
    if (r->o->eq_column && T > r->Tc) {
        double Eeq;
        if (eq_at(r, T, &Eeq) == PEL_OK)
            p.Eeq = Eeq;
    }
    return trace_push(r->out, &p, r->err);
}

/* Cubic Hermite interpolant on [x0, x1] of E with slopes f0, f1: value and
 * derivative at x. */
static void hermite(double x0, double E0, double f0, double x1, double E1, double f1, double x, double *E, double *dEdx)
{
    double h = x1 - x0, s = (x - x0) / h;
    double s2 = s * s, s3 = s2 * s;
    double h00 = 2 * s3 - 3 * s2 + 1, h10 = s3 - 2 * s2 + s, h01 = -2 * s3 + 3 * s2, h11 = s3 - s2;
    *E = h00 * E0 + h10 * h * f0 + h01 * E1 + h11 * h * f1;
    double d00 = (6 * s2 - 6 * s) / h, d10 = 3 * s2 - 4 * s + 1, d01 = (-6 * s2 + 6 * s) / h, d11 = 3 * s2 - 2 * s;
    *dEdx = d00 * E0 + d10 * f0 + d01 * E1 + d11 * f1;
}

/* Output abscissae of a segment, strictly inside (0, x_end); the segment
 * end itself is always emitted exactly.  Ramps: temperatures on the global
 * grid k*dT_out; holds: log-spaced from PEL_EVOLVE_HOLD_T0_S. */
typedef struct out_grid {
    int ramp;
    double x_end;
    double first_x, dx;  /* ramp */
    double log_t0, dlog; /* hold */
    size_t k, n;
} out_grid;

static void grid_init(out_grid *g, const seg_ctx *c, double x_end, const pel_evolve_opts *o)
{
    memset(g, 0, sizeof *g);
    g->ramp = c->ramp;
    g->x_end = x_end;
    if (c->ramp) {
        double dT = o->dT_out_K, T0 = c->T_start;
        /* next multiple of dT strictly beyond T0 in the ramp direction */
        double Tg = c->sign > 0 ? dT * (floor(T0 / dT) + 1.0) : dT * (ceil(T0 / dT) - 1.0);
        g->first_x = fabs(Tg - T0);
        g->dx = dT;
        g->n = g->first_x < x_end ? (size_t)floor((x_end - g->first_x) / dT) + 1 : 0;
    } else if (x_end > PEL_EVOLVE_HOLD_T0_S && o->hold_points > 1) {
        g->n = o->hold_points - 1;
        g->log_t0 = log(PEL_EVOLVE_HOLD_T0_S);
        g->dlog = (log(x_end) - g->log_t0) / (double)g->n;
    }
}

/* k-th abscissa; INFINITY when the grid is exhausted or reaches the end. */
static double grid_x(const out_grid *g, size_t k)
{
    if (k >= g->n)
        return INFINITY;
    double x = g->ramp ? g->first_x + (double)k * g->dx : exp(g->log_t0 + (double)k * g->dlog);
    /* the end row is written exactly; drop grid points within rounding of it */
    return x < g->x_end * (1.0 - 1e-12) ? x : INFINITY;
}

/* Slopes dE/dx from three accepted points x0 < x1 < x2 (second-order,
 * non-uniform divided differences): at the left end, the middle and the
 * right end.  Why not f(E): in the stiff regime f = lambda (E - E_qs) with
 * lambda up to ~1e5 per K, so an E within tolerance (~5e-10 eV) gives f
 * with ~100 % noise; the trajectory itself is smooth and accurate. */
static void fd_slopes(const double *x, const double *E, double *s0, double *s1, double *s2)
{
    double h1 = x[1] - x[0], h2 = x[2] - x[1];
    double d1 = (E[1] - E[0]) / h1, d2 = (E[2] - E[1]) / h2;
    double c = (d2 - d1) / (h1 + h2);
    *s0 = d1 - h1 * c;
    *s1 = (h2 * d1 + h1 * d2) / (h1 + h2);
    *s2 = d2 + h2 * c;
}

/* Emit the grid rows inside (xa, xb] from the Hermite interpolant. */
static int emit_interval(run_ctx *r, const seg_ctx *c, int segment, double t0, out_grid *g, size_t *k, double xa,
                         double Ea, double sa, double xb, double Eb, double sb)
{
    for (double xk = grid_x(g, *k); xk <= xb; xk = grid_x(g, ++*k)) {
        double Ek, fk;
        hermite(xa, Ea, sa, xb, Eb, sb, xk, &Ek, &fk);
        double tk = t0 + (c->ramp ? xk * c->inv_rate : xk);
        int rc = emit(r, c, segment, tk, seg_T(c, xk), Ek, fk);
        if (rc != PEL_OK)
            return rc;
    }
    return PEL_OK;
}

/* Whether an accepted step point enters the slope window.  After a failed
 * Newton iteration msbdf restarts with steps ~1e-6 K whose E differ by less
 * than the tolerance: a divided difference over them is noise.  A point is
 * kept when E moved by PEL_EVOLVE_FD_KEEP tolerances (a real transient), or
 * x moved by a tenth of the output spacing (ramps) / 5 % of the elapsed
 * time (holds, log-spaced output), or it ends the segment. */
#define PEL_EVOLVE_FD_KEEP 1000.0
static int keep_point(const pel_evolve_opts *o, const seg_ctx *c, double x_last, double E_last, double x, double E,
                      double x_end)
{
    double tolE = o->atol + o->rtol * fabs(E);
    double dx_keep = c->ramp ? 0.1 * o->dT_out_K : 0.05 * x_last;
    return x >= x_end || fabs(E - E_last) >= PEL_EVOLVE_FD_KEEP * tolE || x - x_last >= dx_keep;
}

static int run_segment(run_ctx *r, gsl_odeiv2_driver *d, seg_ctx *c, int segment, double t0, double x_end, double *E)
{
    gsl_odeiv2_driver_reset(d);
    double x = 0.0, y[1] = {*E};
    double h = c->ramp ? fmin(PEL_EVOLVE_H0_K, x_end) : fmin(PEL_EVOLVE_H0_S, x_end);
    out_grid g;
    grid_init(&g, c, x_end, r->o);
    size_t k = 0;
    /* the last three accepted points; the rows of (wx[0], wx[1]] are written
     * once wx[2] is known, which gives the slope at wx[1] */
    double wx[3] = {0.0}, wE[3] = {*E};
    size_t nw = 1;
    double s_left = NAN, s0 = NAN, s1 = NAN, s_end = NAN;
    long steps = 0;
    int rc;
    while (x < x_end) {
        c->nonfinite = 0;
        if (c->ramp)
            h = fmin(h, PEL_EVOLVE_HMAX_ROWS * r->o->dT_out_K);
        int st = gsl_odeiv2_evolve_apply(d->e, d->c, d->s, d->sys, &x, x_end, &h, y);
        if (st != GSL_SUCCESS || !isfinite(y[0]))
            return pel_error_set(r->err, PEL_ENOCONV,
                                 "evolve: integrator failed in segment %d at T = %.6g K, E = %.9g eV/atom (%s)",
                                 segment + 1, seg_T(c, x), y[0], c->nonfinite ? "non-finite rate" : gsl_strerror(st));
        if (++steps > PEL_EVOLVE_MAX_STEPS)
            return pel_error_set(r->err, PEL_ENOCONV, "evolve: more than %d steps in segment %d at T = %.6g K",
                                 PEL_EVOLVE_MAX_STEPS, segment + 1, seg_T(c, x));
        if (!keep_point(r->o, c, wx[nw - 1], wE[nw - 1], x, y[0], x_end))
            continue;
        if (nw == 3) {
            wx[0] = wx[1], wE[0] = wE[1];
            wx[1] = wx[2], wE[1] = wE[2];
            nw = 2;
        }
        wx[nw] = x;
        wE[nw++] = y[0];
        if (nw < 3)
            continue;
        fd_slopes(wx, wE, &s0, &s1, &s_end);
        if (isnan(s_left))
            s_left = s0;
        if ((rc = emit_interval(r, c, segment, t0, &g, &k, wx[0], wE[0], s_left, wx[1], wE[1], s1)) != PEL_OK)
            return rc;
        s_left = s1;
    }
    /* the last interval ends at x_end with the one-sided slope there; a
     * segment done in a single step has only the secant */
    size_t a = nw == 3 ? 1 : 0;
    if (nw == 2)
        s_left = s_end = (wE[1] - wE[0]) / (wx[1] - wx[0]);
    if ((rc = emit_interval(r, c, segment, t0, &g, &k, wx[a], wE[a], s_left, wx[a + 1], wE[a + 1], s_end)) != PEL_OK)
        return rc;
    *E = y[0];
    return emit(r, c, segment, t0 + (c->ramp ? x_end * c->inv_rate : x_end), seg_T(c, x_end), y[0], s_end);
}

static int check_opts(const pel_evolve_opts *o, pel_error *err)
{
    if (!(o->rtol > 0.0 && o->rtol < 1.0) || !(o->atol > 0.0) || !isfinite(o->atol))
        return pel_error_set(err, PEL_EINVAL, "evolve: tolerances must satisfy 0 < rtol < 1, atol > 0 (got %g, %g)",
                             o->rtol, o->atol);
    if (!(o->dT_out_K > 0.0) || !isfinite(o->dT_out_K))
        return pel_error_set(err, PEL_EINVAL, "evolve: dT_out_K must be > 0 K (got %g)", o->dT_out_K);
    return PEL_OK;
}

int pel_evolve_run(const pel_material *mat, const pel_protocol *proto, const pel_evolve_opts *opts, pel_trace *out,
                   pel_error *err)
{
    pel_evolve_opts od;
    if (!opts) {
        pel_evolve_opts_default(&od);
        opts = &od;
    }
    int rc = check_opts(opts, err);
    if (rc != PEL_OK || (rc = pel_material_check(mat, err)) != PEL_OK)
        return rc;
    if (!(proto->T0_K > 0.0))
        return pel_error_set(err, PEL_EINVAL, "evolve: start temperature must be > 0 K (got %g)", proto->T0_K);
    run_ctx r = {mat, opts, 0.0, out, err, 0, 0.0, 0.0, 0.0, 0.0};
    if ((rc = pel_equilibrium_Tc(mat, &r.Tc, err)) != PEL_OK)
        return rc;
    double E = proto->E0;
    if (proto->start == PEL_START_EQUILIBRIUM) {
        if ((rc = pel_equilibrium_E(mat, proto->T0_K, &E, err)) != PEL_OK)
            return pel_error_wrap(err, rc, "evolve: no equilibrium start at %g K (T_c = %.6g K)", proto->T0_K, r.Tc);
    }
    if ((rc = emit(&r, NULL, -1, 0.0, proto->T0_K, E, 0.0)) != PEL_OK)
        return rc;
    seg_ctx c = {.mat = mat};
    gsl_odeiv2_system sys = {ode_f, ode_jac, 1, &c};
    gsl_odeiv2_driver *d =
        gsl_odeiv2_driver_alloc_y_new(&sys, gsl_odeiv2_step_msbdf, PEL_EVOLVE_H0_K, opts->atol, opts->rtol);
    if (!d)
        return pel_error_set(err, PEL_ENOMEM, "evolve: cannot allocate the GSL msbdf driver");
    double t = 0.0, T = proto->T0_K;
    for (size_t i = 0; i < proto->nseg && rc == PEL_OK; i++) {
        const pel_segment *sg = &proto->seg[i];
        c.T_start = T;
        c.nonfinite = 0;
        c.ramp = sg->kind == PEL_SEG_RAMP;
        double x_end;
        if (c.ramp) {
            double rate = fabs(sg->rate_K_per_s);
            if (!(rate > 0.0) || !(sg->T_end_K > 0.0))
                rc = pel_error_set(err, PEL_EINVAL, "evolve: segment %zu needs rate > 0 and T > 0", i + 1);
            c.sign = sg->T_end_K > T ? 1.0 : -1.0;
            c.inv_rate = 1.0 / rate;
            c.log_inv_rate = -log(rate);
            x_end = fabs(sg->T_end_K - T);
        } else {
            c.sign = 0.0;
            c.inv_rate = 1.0;
            c.log_inv_rate = 0.0;
            x_end = sg->duration_s;
            if (!(x_end > 0.0))
                rc = pel_error_set(err, PEL_EINVAL, "evolve: segment %zu: hold duration must be > 0 s", i + 1);
        }
        if (rc == PEL_OK && x_end > 0.0)
            rc = run_segment(&r, d, &c, (int)i, t, x_end, &E);
        t += c.ramp ? x_end * c.inv_rate : x_end;
        T = c.ramp ? sg->T_end_K : T;
    }
    gsl_odeiv2_driver_free(d);
    return rc;
}
