/* md.c - velocity Verlet with optional Nose-Hoover chain thermostat and
 * MTK isotropic barostat, step for step as LAMMPS fix nve / nvt / npt iso
 * (src/fix_nh.cpp: initial_integrate, final_integrate, nhc_temp_integrate,
 * nhc_press_integrate, nh_omega_dot, nh_v_press, remap).  See md.h.
 *
 * One driver: each step is
 *   ops->pre   (thermostat/barostat half step, LAMMPS initial_integrate head)
 *   kick       v += dt/2 F/m
 *   ops->drift (x += dt v; NPT dilates the cell by half steps around it)
 *   forces
 *   kick       v += dt/2 F/m
 *   ops->post  (barostat/thermostat half step, LAMMPS final_integrate tail)
 * and the ensemble is the const table `ops` below. */
#include "pel/md.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

struct pel_md {
    pel_md_params p;
    pel_md_state st;
    pel_engine *calc;
    size_t n;
    double *f;      /* [3n] forces of the current positions */
    pel_forces out; /* last force call (energy, virial) */
    /* derived per run / per step (not part of the state: recomputed) */
    double t_target, ke_target, p_target_bar;
    double eta_mass[PEL_MD_MAXCHAIN], etap_mass[PEL_MD_MAXCHAIN];
    double omega_mass; /* barostat mass, eV ps^2 */
    double mtk_term2;
    double tdof;
    double max_v;      /* largest |v| component seen in the last drift */
};

typedef struct pel_md_ops {
    const char *name;
    void (*pre)(pel_md *md, pel_system *sys);
    void (*drift)(pel_md *md, pel_system *sys);
    void (*post)(pel_md *md, pel_system *sys);
} pel_md_ops;

/* ---------------------------------------------------------------------- */

void pel_md_params_default(pel_md_params *p)
{
    memset(p, 0, sizeof *p);
    p->ensemble = PEL_MD_NVE;
    p->dt = 0.001;
    p->t_start = p->t_stop = 300.0;
    p->tdamp = 0.1;  /* 100 steps of 1 fs (LAMMPS fix nvt doc advice) */
    p->pdamp = 1.0;  /* 1000 steps of 1 fs (LAMMPS fix npt doc advice) */
    p->tchain = 3;
    p->pchain = 3;
    p->blowup_disp = 1.0;
}

static int check_params(const pel_md_params *p, pel_error *err)
{
    if (!(p->dt > 0 && p->dt < 0.1))
        return pel_error_set(err, PEL_EINVAL, "timestep %g ps outside (0, 0.1)", p->dt);
    if (p->ensemble < PEL_MD_NVE || p->ensemble > PEL_MD_NPT)
        return pel_error_set(err, PEL_EINVAL, "unknown ensemble %d", (int)p->ensemble);
    if (p->ensemble != PEL_MD_NVE) {
        if (!(p->t_start > 0 && p->t_stop > 0 && isfinite(p->t_start) && isfinite(p->t_stop)))
            return pel_error_set(err, PEL_EINVAL, "target temperature must be > 0 K (got %g..%g)",
                                 p->t_start, p->t_stop);
        if (!(p->tdamp > 0 && isfinite(p->tdamp)))
            return pel_error_set(err, PEL_EINVAL, "Tdamp %g ps must be > 0", p->tdamp);
        if (p->tchain < 1 || p->tchain > PEL_MD_MAXCHAIN)
            return pel_error_set(err, PEL_EINVAL, "tchain %d outside 1..%d", p->tchain, PEL_MD_MAXCHAIN);
    }
    if (p->ensemble == PEL_MD_NPT) {
        if (!(p->pdamp > 0 && isfinite(p->pdamp)))
            return pel_error_set(err, PEL_EINVAL, "Pdamp %g ps must be > 0", p->pdamp);
        if (!isfinite(p->p_start_bar) || !isfinite(p->p_stop_bar))
            return pel_error_set(err, PEL_EINVAL, "target pressure must be finite");
        if (p->pchain < 0 || p->pchain > PEL_MD_MAXCHAIN)
            return pel_error_set(err, PEL_EINVAL, "pchain %d outside 0..%d", p->pchain, PEL_MD_MAXCHAIN);
    }
    if (!(p->blowup_disp > 0))
        return pel_error_set(err, PEL_EINVAL, "blow-up displacement must be > 0");
    return PEL_OK;
}

/* ---------------------------------------------------------------------- */
/* Helpers                                                                 */

static double kinetic(const pel_system *sys)
{
    double s = 0.0;
    for (size_t i = 0; i < sys->n; i++) {
        const double *v = sys->v + 3 * i;
        s += sys->mass[sys->type[i]] * (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    }
    return 0.5 * PEL_MVV2E * s;
}

static double temperature(const pel_md *md, const pel_system *sys)
{
    return md->tdof > 0 ? 2.0 * kinetic(sys) / (md->tdof * PEL_BOLTZ) : 0.0;
}

/* Scalar pressure as LAMMPS compute pressure (ISO): (2 KE + tr W) / 3V. */
static double pressure_bar(const pel_md *md, const pel_system *sys, double t_current)
{
    double V = sys->len[0] * sys->len[1] * sys->len[2];
    double w = md->out.virial[0] + md->out.virial[1] + md->out.virial[2];
    return (md->tdof * PEL_BOLTZ * t_current + w) / (3.0 * V) * PEL_NKTV2P;
}

static void scale_v(pel_system *sys, double factor)
{
    for (size_t k = 0; k < 3 * sys->n; k++)
        sys->v[k] *= factor;
}

/* v += dt/2 F/m (LAMMPS nve_v). */
static void kick(pel_md *md, pel_system *sys)
{
    double dtf = 0.5 * md->p.dt * PEL_FTM2V;
    for (size_t i = 0; i < sys->n; i++) {
        double dtfm = dtf / sys->mass[sys->type[i]];
        for (int d = 0; d < 3; d++)
            sys->v[3 * i + d] += dtfm * md->f[3 * i + d];
    }
}

/* x += dt v (LAMMPS nve_x); records the largest velocity component for the
 * blow-up check. */
static void drift_x(pel_md *md, pel_system *sys)
{
    double dt = md->p.dt, vmax = 0.0;
    for (size_t k = 0; k < 3 * sys->n; k++) {
        double a = fabs(sys->v[k]);
        if (!(a <= vmax)) vmax = a; /* also catches NaN */
        sys->x[k] += dt * sys->v[k];
    }
    md->max_v = vmax;
}

/* Linear ramp of the targets over the run (LAMMPS compute_temp_target,
 * compute_press_target; delta = step / nsteps). */
static void compute_targets(pel_md *md)
{
    double delta = md->st.nsteps > 0 ? (double)md->st.step / (double)md->st.nsteps : 0.0;
    md->t_target = md->p.t_start + delta * (md->p.t_stop - md->p.t_start);
    md->ke_target = md->tdof * PEL_BOLTZ * md->t_target;
    md->p_target_bar = md->p.p_start_bar + delta * (md->p.p_stop_bar - md->p.p_start_bar);
}

/* ---------------------------------------------------------------------- */
/* Nose-Hoover chains (LAMMPS FixNH::nhc_temp_integrate, one loop, no drag) */

static void nhc_temp_integrate(pel_md *md, pel_system *sys)
{
    const int M = md->p.tchain;
    const double dt = md->p.dt, dt4 = 0.25 * dt, dt8 = 0.125 * dt, dthalf = 0.5 * dt;
    const double kt = PEL_BOLTZ * md->t_target, tfreq = 1.0 / md->p.tdamp;
    double *eta = md->st.eta, *eta_dot = md->st.eta_dot, *eta_dotdot = md->st.eta_dotdot;
    double *mass = md->eta_mass;

    /* masses follow the target temperature (LAMMPS eta_mass_flag = 1) */
    mass[0] = md->tdof * kt / (tfreq * tfreq);
    for (int c = 1; c < M; c++)
        mass[c] = kt / (tfreq * tfreq);
    eta_dot[M] = 0.0;

    double kecurrent = md->tdof * PEL_BOLTZ * md->st.t_current;
    eta_dotdot[0] = mass[0] > 0 ? (kecurrent - md->ke_target) / mass[0] : 0.0;

    for (int c = M - 1; c > 0; c--) {
        double expfac = exp(-dt8 * eta_dot[c + 1]);
        eta_dot[c] = (eta_dot[c] * expfac + eta_dotdot[c] * dt4) * expfac;
    }
    double expfac = exp(-dt8 * eta_dot[1]);
    eta_dot[0] = (eta_dot[0] * expfac + eta_dotdot[0] * dt4) * expfac;

    double factor = exp(-dthalf * eta_dot[0]);
    scale_v(sys, factor);
    md->st.t_current *= factor * factor; /* as LAMMPS: rescale instead of recompute */
    kecurrent = md->tdof * PEL_BOLTZ * md->st.t_current;
    eta_dotdot[0] = mass[0] > 0 ? (kecurrent - md->ke_target) / mass[0] : 0.0;

    for (int c = 0; c < M; c++)
        eta[c] += dthalf * eta_dot[c];

    eta_dot[0] = (eta_dot[0] * expfac + eta_dotdot[0] * dt4) * expfac;
    for (int c = 1; c < M; c++) {
        double e = exp(-dt8 * eta_dot[c + 1]);
        eta_dot[c] *= e;
        eta_dotdot[c] = (mass[c - 1] * eta_dot[c - 1] * eta_dot[c - 1] - kt) / mass[c];
        eta_dot[c] = (eta_dot[c] + eta_dotdot[c] * dt4) * e;
    }
}

/* Chain on the barostat velocity (LAMMPS nhc_press_integrate, ISO: the three
 * equal omega_dot components count three times in the kinetic energy and
 * the target is one kT, exactly as LAMMPS writes it). */
static void nhc_press_integrate(pel_md *md)
{
    const int M = md->p.pchain;
    if (M <= 0) return;
    const double dt = md->p.dt, dt4 = 0.25 * dt, dt8 = 0.125 * dt, dthalf = 0.5 * dt;
    const double kt = PEL_BOLTZ * md->t_target;
    double *etap = md->st.etap, *etap_dot = md->st.etap_dot, *etap_dotdot = md->st.etap_dotdot;
    const double *mass = md->etap_mass;
    etap_dot[M] = 0.0;

    double kecurrent = 3.0 * md->omega_mass * md->st.omega_dot * md->st.omega_dot;
    etap_dotdot[0] = (kecurrent - kt) / mass[0];

    for (int c = M - 1; c > 0; c--) {
        double e = exp(-dt8 * etap_dot[c + 1]);
        etap_dot[c] = (etap_dot[c] * e + etap_dotdot[c] * dt4) * e;
    }
    double expfac = exp(-dt8 * etap_dot[1]);
    etap_dot[0] = (etap_dot[0] * expfac + etap_dotdot[0] * dt4) * expfac;

    for (int c = 0; c < M; c++)
        etap[c] += dthalf * etap_dot[c];

    md->st.omega_dot *= exp(-dthalf * etap_dot[0]);
    kecurrent = 3.0 * md->omega_mass * md->st.omega_dot * md->st.omega_dot;
    etap_dotdot[0] = (kecurrent - kt) / mass[0];

    etap_dot[0] = (etap_dot[0] * expfac + etap_dotdot[0] * dt4) * expfac;
    for (int c = 1; c < M; c++) {
        double e = exp(-dt8 * etap_dot[c + 1]);
        etap_dot[c] *= e;
        etap_dotdot[c] = (mass[c - 1] * etap_dot[c - 1] * etap_dot[c - 1] - kt) / mass[c];
        etap_dot[c] = (etap_dot[c] + etap_dotdot[c] * dt4) * e;
    }
}

/* Barostat force half step (LAMMPS nh_omega_dot, ISO, MTK terms on). */
static void omega_dot_step(pel_md *md, const pel_system *sys)
{
    double V = sys->len[0] * sys->len[1] * sys->len[2];
    double p_current = pressure_bar(md, sys, md->st.t_current);
    double natoms = (double)sys->n;
    double mtk_term1 = md->tdof * PEL_BOLTZ * md->st.t_current / (3.0 * natoms);
    double f_omega = (p_current - md->p_target_bar) * V / (md->omega_mass * PEL_NKTV2P) +
                     mtk_term1 / md->omega_mass;
    md->st.omega_dot += f_omega * 0.5 * md->p.dt;
    /* sum over the three coupled components / (pdim N) */
    md->mtk_term2 = 3.0 * md->st.omega_dot / (3.0 * natoms);
}

/* Velocity scaling by the cell motion (LAMMPS nh_v_press: two quarter steps). */
static void v_press(pel_md *md, pel_system *sys)
{
    double factor = exp(-0.25 * md->p.dt * (md->st.omega_dot + md->mtk_term2));
    scale_v(sys, factor * factor);
}

/* Dilate box and atoms about the fixed point by exp(dt/2 omega_dot)
 * (LAMMPS remap with dilate all). */
static void remap(pel_md *md, pel_system *sys)
{
    double expfac = exp(0.5 * md->p.dt * md->st.omega_dot);
    const double *fp = md->st.fixedpoint;
    double nlo[3], nlen[3], ntilt[3];
    for (int d = 0; d < 3; d++) {
        double lo = sys->lo[d], hi = sys->lo[d] + sys->len[d];
        nlo[d] = (lo - fp[d]) * expfac + fp[d];
        nlen[d] = (hi - fp[d]) * expfac + fp[d] - nlo[d];
        ntilt[d] = sys->tilt[d] * expfac; /* LAMMPS iso: tilts scale with the cell */
    }
    /* positions via fractional coordinates, as x2lamda/lamda2x */
    pel_system_remap_box(sys, nlo, nlen, ntilt);
}

/* ---------------------------------------------------------------------- */
/* Ensemble hooks                                                          */

static void nvt_pre(pel_md *md, pel_system *sys)
{
    compute_targets(md);
    nhc_temp_integrate(md, sys);
}

static void nvt_post(pel_md *md, pel_system *sys)
{
    md->st.t_current = temperature(md, sys);
    nhc_temp_integrate(md, sys);
}

static void npt_pre(pel_md *md, pel_system *sys)
{
    nhc_press_integrate(md);
    compute_targets(md);
    nhc_temp_integrate(md, sys);
    omega_dot_step(md, sys);
    v_press(md, sys);
}

static void npt_drift(pel_md *md, pel_system *sys)
{
    remap(md, sys);
    drift_x(md, sys);
    remap(md, sys);
}

static void npt_post(pel_md *md, pel_system *sys)
{
    v_press(md, sys);
    md->st.t_current = temperature(md, sys);
    omega_dot_step(md, sys);
    nhc_temp_integrate(md, sys);
    nhc_press_integrate(md);
}

static const pel_md_ops ops_table[] = {
    [PEL_MD_NVE] = {"nve", NULL, drift_x, NULL},
    [PEL_MD_NVT] = {"nvt", nvt_pre, drift_x, nvt_post},
    [PEL_MD_NPT] = {"npt", npt_pre, npt_drift, npt_post},
};

/* ---------------------------------------------------------------------- */
/* Object life cycle                                                       */

int pel_md_new(pel_md **out, pel_engine *calc, const pel_system *sys, const pel_md_params *p,
               pel_error *err)
{
    *out = NULL;
    int rc = check_params(p, err);
    if (rc) return rc;
    if (sys->n < 2) return pel_error_set(err, PEL_EINVAL, "MD needs at least 2 atoms (got %zu)", sys->n);
    pel_md *md = calloc(1, sizeof *md);
    if (!md) return pel_error_set(err, PEL_ENOMEM, "out of memory for the integrator");
    md->f = calloc(3 * sys->n, sizeof *md->f);
    if (!md->f) {
        free(md);
        return pel_error_set(err, PEL_ENOMEM, "out of memory for %zu forces", sys->n);
    }
    md->p = *p;
    md->calc = calc;
    md->n = sys->n;
    md->out.f = md->f;
    md->tdof = 3.0 * (double)sys->n - 3.0;
    *out = md;
    return PEL_OK;
}

void pel_md_free(pel_md **md)
{
    if (!md || !*md) return;
    free((*md)->f);
    free(*md);
    *md = NULL;
}

int pel_md_set_params(pel_md *md, const pel_md_params *p, pel_error *err)
{
    int rc = check_params(p, err);
    if (rc) return rc;
    md->p = *p;
    return PEL_OK;
}

void pel_md_get_state(const pel_md *md, pel_md_state *st) { *st = md->st; }
void pel_md_set_state(pel_md *md, const pel_md_state *st)
{
    md->st = *st;
    compute_targets(md); /* targets of the restored step, as the run had them */
}

static int compute_forces(pel_md *md, const pel_system *sys, pel_error *err)
{
    int rc = pel_engine_compute(md->calc, sys, &md->out, err);
    if (rc) return rc;
    if (!isfinite(md->out.energy))
        return pel_error_set(err, PEL_EBLOWUP, "potential energy became non-finite");
    return PEL_OK;
}

/* LAMMPS FixNH::setup: current temperature, targets, masses. */
int pel_md_setup(pel_md *md, pel_system *sys, long nsteps, pel_error *err)
{
    if (sys->n != md->n)
        return pel_error_set(err, PEL_EINVAL, "system has %zu atoms, integrator was made for %zu", sys->n, md->n);
    if (nsteps < 0) return pel_error_set(err, PEL_EINVAL, "negative step count %ld", nsteps);
    md->st.step = 0;
    md->st.nsteps = nsteps;
    if (!md->st.initialised) {
        for (int d = 0; d < 3; d++)
            md->st.fixedpoint[d] = sys->lo[d] + 0.5 * sys->len[d];
        md->st.initialised = 1;
    }
    int rc = compute_forces(md, sys, err);
    if (rc) return rc;
    md->st.t_current = temperature(md, sys);
    compute_targets(md);
    if (md->p.ensemble == PEL_MD_NVE) return PEL_OK;

    double kt = PEL_BOLTZ * md->t_target, tf = 1.0 / md->p.tdamp;
    md->eta_mass[0] = md->tdof * kt / (tf * tf);
    for (int c = 1; c < md->p.tchain; c++)
        md->eta_mass[c] = kt / (tf * tf);
    for (int c = 1; c < md->p.tchain; c++)
        md->st.eta_dotdot[c] =
            (md->eta_mass[c - 1] * md->st.eta_dot[c - 1] * md->st.eta_dot[c - 1] - kt) / md->eta_mass[c];
    if (md->p.ensemble == PEL_MD_NPT) {
        double pf = 1.0 / md->p.pdamp;
        /* barostat masses fixed at setup (LAMMPS omega_mass_flag = etap_mass_flag = 0) */
        md->omega_mass = ((double)sys->n + 1.0) * kt / (pf * pf);
        for (int c = 0; c < md->p.pchain; c++)
            md->etap_mass[c] = kt / (pf * pf);
        for (int c = 1; c < md->p.pchain; c++)
            md->st.etap_dotdot[c] =
                (md->etap_mass[c - 1] * md->st.etap_dot[c - 1] * md->st.etap_dot[c - 1] - kt) /
                md->etap_mass[c];
        md->mtk_term2 = md->st.omega_dot / (double)sys->n;
    }
    return PEL_OK;
}

int pel_md_refresh(pel_md *md, pel_engine *calc, const pel_system *sys, pel_error *err)
{
    if (sys->n != md->n)
        return pel_error_set(err, PEL_EINVAL, "system has %zu atoms, integrator was made for %zu", sys->n, md->n);
    md->calc = calc;
    return compute_forces(md, sys, err);
}

void pel_md_thermo_now(const pel_md *md, const pel_system *sys, pel_md_thermo *th)
{
    th->step = md->st.step;
    th->ke = kinetic(sys);
    th->T = md->tdof > 0 ? 2.0 * th->ke / (md->tdof * PEL_BOLTZ) : 0.0;
    th->pe = md->out.energy;
    th->etotal = th->pe + th->ke;
    th->volume = sys->len[0] * sys->len[1] * sys->len[2];
    th->p_bar = pressure_bar(md, sys, th->T);
    th->t_target = md->p.ensemble == PEL_MD_NVE ? 0.0 : md->t_target;
}

int pel_md_run(pel_md *md, pel_system *sys, long count, long thermo_every, pel_md_thermo_fn thermo,
               void *thermo_ctx, pel_error *err)
{
    const pel_md_ops *ops = &ops_table[md->p.ensemble];
    if (sys->n != md->n)
        return pel_error_set(err, PEL_EINVAL, "system has %zu atoms, integrator was made for %zu", sys->n, md->n);
    for (long k = 0; k < count && md->st.step < md->st.nsteps; k++) {
        md->st.step++; /* LAMMPS increments ntimestep before initial_integrate */
        if (ops->pre) ops->pre(md, sys);
        kick(md, sys);
        ops->drift(md, sys);
        if (!(md->max_v * md->p.dt <= md->p.blowup_disp))
            return pel_error_set(err, PEL_EBLOWUP,
                                 "atom moved %g Å in one step at step %ld (limit %g): simulation blew up",
                                 md->max_v * md->p.dt, md->st.step, md->p.blowup_disp);
        int rc = compute_forces(md, sys, err);
        if (rc) return pel_error_wrap(err, rc, "step %ld", md->st.step);
        kick(md, sys);
        if (ops->post) ops->post(md, sys);
        int last = md->st.step == md->st.nsteps;
        if (thermo && thermo_every > 0 && (md->st.step % thermo_every == 0 || last)) {
            pel_md_thermo th;
            pel_md_thermo_now(md, sys, &th);
            if (!isfinite(th.etotal) || !isfinite(th.p_bar))
                return pel_error_set(err, PEL_EBLOWUP, "energy or pressure non-finite at step %ld", md->st.step);
            if (thermo(thermo_ctx, &th)) break;
        }
    }
    return PEL_OK;
}

/* ---------------------------------------------------------------------- */

int pel_md_velocity_create(pel_system *sys, double T, uint64_t seed, pel_error *err)
{
    if (!(T >= 0 && isfinite(T))) return pel_error_set(err, PEL_EINVAL, "temperature %g K must be >= 0", T);
    if (sys->n < 2) return pel_error_set(err, PEL_EINVAL, "need at least 2 atoms for a temperature");
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r) return pel_error_set(err, PEL_ENOMEM, "out of memory for the RNG");
    gsl_rng_set(r, (unsigned long)(seed & 0xffffffffUL) ^ (unsigned long)(seed >> 32));
    double p[3] = {0, 0, 0}, mtot = 0;
    for (size_t i = 0; i < sys->n; i++) {
        double m = sys->mass[sys->type[i]];
        /* Maxwell-Boltzmann: each component N(0, sqrt(kT/m)) up to the final scale */
        for (int d = 0; d < 3; d++) {
            sys->v[3 * i + d] = gsl_ran_gaussian(r, 1.0) / sqrt(m);
            p[d] += m * sys->v[3 * i + d];
        }
        mtot += m;
    }
    gsl_rng_free(r);
    for (size_t i = 0; i < sys->n; i++)
        for (int d = 0; d < 3; d++)
            sys->v[3 * i + d] -= p[d] / mtot;
    double dof = 3.0 * (double)sys->n - 3.0;
    double t_now = 2.0 * kinetic(sys) / (dof * PEL_BOLTZ);
    scale_v(sys, t_now > 0 ? sqrt(T / t_now) : 0.0);
    sys->has_velocities = 1;
    return PEL_OK;
}
