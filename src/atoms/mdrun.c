/* mdrun.c - NPT molecular dynamics along a thermal protocol with inherent-
 * structure sampling, checkpoints and bit-exact resume (mdrun.h, docs/md.md).
 *
 * Reproducibility across kills: the MD is split at fixed global step
 * boundaries (multiples of checkpoint_every).  At each boundary the state is
 * written and the force engine is rebuilt from scratch; a resumed run rebuilds
 * it at the same step, so both runs see the same neighbour lists and the same
 * floating-point sums from there on.  IS minimisations work on copies with
 * their own engine and never perturb the trajectory. */
#include "pel/mdrun.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mdrun_internal.h"

#define MDRUN_PRE_FTOL 0.05     /* eV/Å: removal of close contacts in a random start */
#define MDRUN_PRE_CALLS 1000    /* force-call budget of that pre-relaxation */
#define MDRUN_MIN_SKIN 0.5      /* Å: neighbour skin of the IS minimisation engine */
#define MDRUN_SEED_VELOCITY 1   /* pel_seed_stream stream of created velocities */
#define MDRUN_MAX_ROWS 10000000 /* table rows a protocol may ask for */
#define MDRUN_MAX_STEPS 1e12    /* MD steps a protocol may ask for */

void pel_mdrun_params_default(pel_mdrun_params *p)
{
    memset(p, 0, sizeof *p);
    pel_liquid_params_cuzr(&p->liquid, 2000, 0.56, 0.0555, 1);
    p->seed = 1;
    p->sample_every_K = 25.0;
    p->sample_every_ps = 10.0;
    p->dt = 0.001;
    p->tdamp = 0.1;
    p->pdamp = 1.0;
    p->skin = 1.0;
    p->T_floor = 1.0;
    p->nthreads = 1;
    pel_min_params_default(&p->min);
    p->min.algo = PEL_MIN_CG; /* ~2x fewer force calls than FIRE for a zero-pressure IS (docs/md.md) */
    p->min.box = PEL_BOX_ISO;
    p->checkpoint_every = 10000;
    p->thermo_every = 1000;
}

/* ---------------------------------------------------------------------- */
/* The schedule: segment temperatures, step counts and sample points.     */

double pel_mdrun_seg_T0(const pel_protocol *pr, size_t s)
{
    return s == 0 ? pr->T0_K : pr->seg[s - 1].T_end_K;
}

static double eff_T(const pel_mdrun_params *p, double T) { return fmax(T, p->T_floor); }

static long seg_steps(const pel_mdrun_params *p, size_t s)
{
    const pel_segment *g = &p->protocol->seg[s];
    if (g->kind == PEL_SEG_HOLD) return (long)llround(g->duration_s * 1e12 / p->dt);
    double dT = fabs(eff_T(p, g->T_end_K) - eff_T(p, pel_mdrun_seg_T0(p->protocol, s)));
    return (long)llround(dT / (fabs(g->rate_K_per_s) * 1e-12 * p->dt));
}

static int seg_sampled(const pel_mdrun_params *p, size_t s)
{
    return p->protocol->seg[s].kind == PEL_SEG_HOLD ? p->sample_every_ps > 0 : p->sample_every_K > 0;
}

/* Sample j of segment s: nominal T and the segment step after which it is
 * taken; 0 when j is past the last sample.  The first grid point (k = 0) is
 * left out when the previous segment ended with a sample at that step. */
static int seg_sample(const pel_mdrun_params *p, size_t s, long n, size_t j, double *T, long *step)
{
    if (!seg_sampled(p, s)) return 0;
    const pel_segment *g = &p->protocol->seg[s];
    size_t k = j + (s > 0 && seg_sampled(p, s - 1));
    double T0 = pel_mdrun_seg_T0(p->protocol, s);
    if (g->kind == PEL_SEG_HOLD) {
        /* grid steps round(k dt_sample / dt) before the end, then the end */
        double per = p->sample_every_ps / p->dt;
        if ((double)k * per < (double)n - 0.5) {
            *T = g->T_end_K, *step = (long)llround((double)k * per);
            return 1;
        }
        if (k > 0 && (double)(k - 1) * per >= (double)n - 0.5) return 0;
        *T = g->T_end_K, *step = n;
        return 1;
    }
    double span = fabs(g->T_end_K - T0), dir = g->T_end_K > T0 ? 1.0 : -1.0, eps = 1e-9 * p->sample_every_K;
    double dk = (double)k * p->sample_every_K;
    if (dk < span - eps) {
        *T = T0 + dir * dk;
    } else {
        if (k > 0 && (double)(k - 1) * p->sample_every_K >= span - eps) return 0;
        *T = g->T_end_K;
    }
    double e0 = eff_T(p, T0), e1 = eff_T(p, g->T_end_K);
    *step = e1 == e0 ? n : (long)llround(fabs(eff_T(p, *T) - e0) / fabs(e1 - e0) * (double)n);
    return 1;
}

int pel_mdrun_steps(const pel_mdrun_params *p, long *steps, long *total, pel_error *err)
{
    const pel_protocol *pr = p->protocol;
    if (!pr || pr->nseg == 0) return pel_error_set(err, PEL_EINVAL, "the MD protocol has no segment");
    if (pr->start != PEL_START_EQUILIBRIUM)
        return pel_error_set(err, PEL_EINVAL, "an MD protocol starts with eq@T (the start configuration at T), not E=");
    if (!(p->dt > 0 && isfinite(p->dt))) return pel_error_set(err, PEL_EINVAL, "timestep %g ps must be > 0", p->dt);
    double sum = 0;
    for (size_t s = 0; s < pr->nseg; s++) {
        double d = pr->seg[s].kind == PEL_SEG_HOLD
                       ? pr->seg[s].duration_s * 1e12 / p->dt
                       : fabs(eff_T(p, pr->seg[s].T_end_K) - eff_T(p, pel_mdrun_seg_T0(pr, s))) /
                             (fabs(pr->seg[s].rate_K_per_s) * 1e-12 * p->dt);
        if (!(d < MDRUN_MAX_STEPS))
            return pel_error_set(err, PEL_EINVAL, "protocol segment %zu needs %.3g MD steps of %g ps: too long", s + 1,
                                 d, p->dt);
        long n = seg_steps(p, s);
        if (n < 1)
            return pel_error_set(err, PEL_EINVAL, "protocol segment %zu is shorter than one %g ps MD step", s + 1,
                                 p->dt);
        if (steps) steps[s] = n;
        sum += (double)n;
    }
    if (!(sum < MDRUN_MAX_STEPS)) return pel_error_set(err, PEL_EINVAL, "protocol needs %.3g MD steps: too long", sum);
    *total = (long)sum;
    return PEL_OK;
}

static int check_params(const pel_mdrun_params *p, long *steps, long *total, pel_error *err)
{
    int rc = pel_mdrun_steps(p, steps, total, err);
    if (rc) return rc;
    if (!p->start && p->liquid.n < 2) return pel_error_set(err, PEL_EINVAL, "need at least 2 atoms (got %zu)", p->liquid.n);
    if (!(p->sample_every_K >= 0 && isfinite(p->sample_every_K)))
        return pel_error_set(err, PEL_EINVAL, "sampling interval %g K must be >= 0", p->sample_every_K);
    if (!(p->sample_every_ps >= 0 && isfinite(p->sample_every_ps)))
        return pel_error_set(err, PEL_EINVAL, "sampling interval %g ps must be >= 0", p->sample_every_ps);
    if (p->sample_every_ps > 0 && p->sample_every_ps < p->dt)
        return pel_error_set(err, PEL_EINVAL, "sampling interval %g ps is shorter than the timestep %g ps",
                             p->sample_every_ps, p->dt);
    if (!(p->T_floor > 0 && isfinite(p->T_floor)))
        return pel_error_set(err, PEL_EINVAL, "temperature floor %g K must be > 0", p->T_floor);
    if (!(p->tdamp > 0 && p->pdamp > 0 && isfinite(p->tdamp) && isfinite(p->pdamp)))
        return pel_error_set(err, PEL_EINVAL, "damping times must be > 0 ps");
    if (!isfinite(p->p_bar)) return pel_error_set(err, PEL_EINVAL, "pressure must be finite");
    if (p->checkpoint_every < 1)
        return pel_error_set(err, PEL_EINVAL, "checkpoint interval %ld steps must be >= 1", p->checkpoint_every);
    if (p->resume && !p->checkpoint_path) return pel_error_set(err, PEL_EINVAL, "resume needs a checkpoint path");
    return PEL_OK;
}

/* Rows the protocol will produce (the table's capacity). */
static int count_rows(const pel_mdrun_params *p, const long *steps, size_t *cap, pel_error *err)
{
    size_t c = 0;
    for (size_t s = 0; s < p->protocol->nseg; s++) {
        double T;
        long st;
        for (size_t j = 0; seg_sample(p, s, steps[s], j, &T, &st); j++)
            if (++c > MDRUN_MAX_ROWS)
                return pel_error_set(err, PEL_EINVAL, "the sampling intervals ask for more than %d table rows",
                                     MDRUN_MAX_ROWS);
    }
    *cap = c + 1;
    return PEL_OK;
}

/* ---------------------------------------------------------------------- */

/* Zero-pressure IS of a copy of sys; fills the IS fields of row.  The copy
 * is returned in *is_out when is_out != NULL. */
static int sample_is(const pel_eam *pot, const pel_mdrun_params *p, const pel_system *sys, pel_mdrun_row *row,
                     pel_system **is_out, pel_error *err)
{
    pel_system *c = NULL;
    pel_engine *calc = NULL;
    pel_min_result mr;
    int rc = pel_system_clone(sys, &c, err);
    if (rc) return rc;
    memset(c->v, 0, 3 * c->n * sizeof(double));
    c->has_velocities = 0;
    if ((rc = pel_engine_eam_new(&calc, pot, c, MDRUN_MIN_SKIN, p->nthreads, err))) goto out;
    rc = pel_minimize(calc, c, &p->min, &mr, NULL, NULL, err);
    row->is_converged = rc == PEL_OK;
    if (rc && rc != PEL_ENOCONV) goto out;
    rc = PEL_OK;
    row->e_is = mr.energy / (double)c->n;
    row->v_is = pel_system_volume(c) / (double)c->n;
out:
    pel_engine_free(&calc);
    if (rc == PEL_OK && is_out) *is_out = c;
    else pel_system_free(&c);
    return rc;
}

static int velocities_all_zero(const pel_system *sys)
{
    for (size_t i = 0; i < 3 * sys->n; i++)
        if (sys->v[i] != 0.0) return 0;
    return 1;
}

/* The start: a copy of p->start, or a random liquid with close contacts
 * relaxed; velocities at T0 unless the start has its own. */
static int make_start(const pel_eam *pot, const pel_mdrun_params *p, pel_system **out, pel_error *err)
{
    pel_system *sys = NULL;
    pel_engine *calc = NULL;
    int rc;
    if (p->start) {
        if ((rc = pel_system_clone(p->start, &sys, err))) return rc;
    } else {
        pel_min_params mp;
        pel_min_result mr;
        if ((rc = pel_system_random_liquid(&p->liquid, &sys, err))) return pel_error_wrap(err, rc, "random liquid");
        if ((rc = pel_engine_eam_new(&calc, pot, sys, MDRUN_MIN_SKIN, p->nthreads, err))) goto out;
        pel_min_params_default(&mp);
        mp.ftol = MDRUN_PRE_FTOL;
        mp.max_force_calls = MDRUN_PRE_CALLS;
        rc = pel_minimize(calc, sys, &mp, &mr, NULL, NULL, err);
        if (rc == PEL_ENOCONV) rc = PEL_OK; /* only the worst contacts matter before melting */
        if (rc) goto out;
    }
    if (p->new_velocities || !sys->has_velocities || velocities_all_zero(sys)) {
        uint64_t seed = p->start ? p->seed : p->liquid.seed;
        rc = pel_md_velocity_create(sys, p->protocol->T0_K, pel_seed_stream(seed, MDRUN_SEED_VELOCITY), err);
        sys->has_velocities = 1;
    }
out:
    pel_engine_free(&calc);
    if (rc) pel_system_free(&sys);
    *out = sys;
    return rc;
}

static void md_params_for(const pel_mdrun_params *p, size_t s, pel_md_params *mp)
{
    pel_md_params_default(mp);
    mp->ensemble = PEL_MD_NPT;
    mp->dt = p->dt;
    mp->tdamp = p->tdamp;
    mp->pdamp = p->pdamp;
    mp->p_start_bar = mp->p_stop_bar = p->p_bar;
    mp->t_start = eff_T(p, pel_mdrun_seg_T0(p->protocol, s));
    mp->t_stop = eff_T(p, p->protocol->seg[s].T_end_K);
}

static void fill_md_row(const pel_md *md, const pel_system *sys, pel_mdrun_row *row)
{
    pel_md_thermo th;
    pel_md_thermo_now(md, sys, &th);
    row->e_pot = th.pe / (double)sys->n;
    row->v_md = th.volume / (double)sys->n;
    row->p_bar = th.p_bar;
    row->T_inst = th.T;
}

/* ---------------------------------------------------------------------- */

int pel_mdrun_run(const pel_eam *pot, const pel_mdrun_params *p, const pel_mdrun_hooks *hooks, pel_mdrun_result *res,
                  pel_error *err)
{
    static const pel_mdrun_hooks no_hooks;
    if (!hooks) hooks = &no_hooks;
    memset(res, 0, sizeof *res);
    if (!p->protocol || p->protocol->nseg == 0) return pel_error_set(err, PEL_EINVAL, "the MD protocol has no segment");
    size_t nseg = p->protocol->nseg, cap = 0;
    long total, *steps = calloc(nseg, sizeof *steps), *offset = calloc(nseg + 1, sizeof *offset);
    pel_system *sys = NULL;
    pel_engine *calc = NULL;
    pel_md *md = NULL;
    int rc;
    if (!steps || !offset) {
        rc = pel_error_set(err, PEL_ENOMEM, "out of memory for %zu protocol segments", nseg);
        goto out;
    }
    if ((rc = check_params(p, steps, &total, err)) || (rc = count_rows(p, steps, &cap, err))) goto out;
    for (size_t s = 0; s < nseg; s++)
        offset[s + 1] = offset[s] + steps[s];
    res->rows = calloc(cap, sizeof *res->rows);
    if (!res->rows) {
        rc = pel_error_set(err, PEL_ENOMEM, "out of memory for %zu table rows", cap);
        goto out;
    }

    pel_md_params mdp;
    pel_md_state st;
    size_t seg = 0, in_seg = 0; /* current segment, samples taken in it */
    int have_state = 0, stop_requested = 0;
    long last_ck = -1;
    if (p->resume) {
        int has_mark;
        uint64_t mark;
        rc = pel_mdrun_checkpoint_read(p->checkpoint_path, p, &sys, &seg, &st, res, cap, &has_mark, &mark, err);
        if (rc) goto out;
        have_state = 1;
        res->resumed = 1;
        last_ck = offset[seg] + st.step;
        for (size_t r = 0; r < res->nrows; r++)
            in_seg += res->rows[r].segment == (int)seg;
        if (hooks->resume && (rc = hooks->resume(hooks->resume_ctx, last_ck, has_mark ? &mark : NULL, err))) goto out;
    } else if ((rc = make_start(pot, p, &sys, err))) {
        goto out;
    }
    if ((rc = pel_engine_eam_new(&calc, pot, sys, p->skin, p->nthreads, err))) goto out;
    md_params_for(p, seg, &mdp);
    if ((rc = pel_md_new(&md, calc, sys, &mdp, err))) goto out;
    if (hooks->progress)
        hooks->progress(hooks->progress_ctx, (double)(have_state ? offset[seg] + st.step : 0), (double)total, "start");

    for (; seg < nseg; seg++, in_seg = 0) {
        long n = steps[seg], off = offset[seg];
        md_params_for(p, seg, &mdp);
        if ((rc = pel_md_set_params(md, &mdp, err))) goto out;
        if ((rc = pel_md_setup(md, sys, n, err))) goto out;
        if (have_state) {
            pel_md_set_state(md, &st);
            have_state = 0;
        }
        const char *note = p->protocol->seg[seg].kind == PEL_SEG_HOLD ? "hold" : "ramp";
        for (;;) {
            pel_md_get_state(md, &st);
            long gstep = off + st.step;
            double Ts;
            long s_sample;
            /* every sample due at this step */
            while (seg_sample(p, seg, n, in_seg, &Ts, &s_sample) && s_sample <= st.step) {
                pel_mdrun_row row = {0};
                fill_md_row(md, sys, &row);
                row.T_K = Ts;
                row.segment = (int)seg;
                row.t_ps = (double)gstep * p->dt;
                if ((rc = sample_is(pot, p, sys, &row, NULL, err))) goto out;
                if (res->nrows >= cap) {
                    rc = pel_error_set(err, PEL_ESTATE, "more samples than planned (%zu)", cap);
                    goto out;
                }
                res->rows[res->nrows++] = row;
                in_seg++;
                if (hooks->row) hooks->row(hooks->row_ctx, &row);
            }
            if (gstep % p->checkpoint_every == 0 && gstep != last_ck) {
                /* fixed boundary: save, then restart the engine exactly as a resume would */
                last_ck = gstep;
                if (p->checkpoint_path) {
                    uint64_t mark = 0;
                    if (hooks->mark && (rc = hooks->mark(hooks->mark_ctx, gstep, &mark, err))) goto out;
                    rc = pel_mdrun_checkpoint_write(p->checkpoint_path, p, sys, seg, &st, res,
                                                    hooks->mark ? &mark : NULL, err);
                    if (rc) goto out;
                }
                pel_engine_free(&calc);
                if ((rc = pel_engine_eam_new(&calc, pot, sys, p->skin, p->nthreads, err))) goto out;
                if ((rc = pel_md_refresh(md, calc, sys, err))) goto out;
                if (stop_requested || (p->stop_at_step > 0 && gstep >= p->stop_at_step)) {
                    rc = pel_error_set(err, PEL_ENOCONV, "stopped at step %ld (checkpoint written)", gstep);
                    goto out;
                }
            }
            if (st.step >= n) break;
            long stop = (gstep / p->checkpoint_every + 1) * p->checkpoint_every - off;
            if (stop > n) stop = n;
            if (seg_sample(p, seg, n, in_seg, &Ts, &s_sample) && s_sample < stop) stop = s_sample;
            rc = pel_md_run(md, sys, stop - st.step, p->thermo_every, hooks->thermo, hooks->thermo_ctx, err);
            if (rc) goto out;
            if (hooks->progress && hooks->progress(hooks->progress_ctx, (double)(off + stop), (double)total, note))
                stop_requested = 1;
        }
    }
    {
        pel_mdrun_row tmp = {0};
        if ((rc = sample_is(pot, p, sys, &tmp, &res->final_is, err))) goto out;
        res->final_is_converged = tmp.is_converged;
        if ((rc = pel_system_clone(sys, &res->final, err))) goto out;
    }
    res->md_steps = total;
out:
    free(steps);
    free(offset);
    pel_md_free(&md);
    pel_engine_free(&calc);
    pel_system_free(&sys);
    if (rc) pel_mdrun_result_free(res);
    return rc;
}

void pel_mdrun_result_free(pel_mdrun_result *res)
{
    if (!res) return;
    free(res->rows);
    res->rows = NULL;
    res->nrows = 0;
    pel_system_free(&res->final);
    pel_system_free(&res->final_is);
}

/* ---------------------------------------------------------------------- */

int pel_mdrun_replica_mean(const pel_mdrun_row *const *rows, const size_t *nrows, size_t nrep, pel_mdrun_mean_row *out,
                           pel_error *err)
{
    if (nrep < 1) return pel_error_set(err, PEL_EINVAL, "no replica to average");
    size_t n = nrows[0];
    for (size_t r = 1; r < nrep; r++)
        if (nrows[r] != n)
            return pel_error_set(err, PEL_EINVAL, "replica %zu has %zu rows, replica 1 has %zu", r + 1, nrows[r], n);
    for (size_t i = 0; i < n; i++) {
        const pel_mdrun_row *a = &rows[0][i];
        double sum[8] = {0}, sq_e = 0, sq_v = 0;
        int conv = 1;
        for (size_t r = 0; r < nrep; r++) {
            const pel_mdrun_row *b = &rows[r][i];
            if (b->T_K != a->T_K || b->t_ps != a->t_ps || b->segment != a->segment)
                return pel_error_set(err, PEL_EINVAL, "replica %zu row %zu is at T %g K, t %g ps; replica 1 at %g K, %g ps",
                                     r + 1, i + 1, b->T_K, b->t_ps, a->T_K, a->t_ps);
            double v[8] = {b->e_is, b->v_md, b->e_pot, b->v_is, b->p_bar, b->T_inst, 0, 0};
            for (int k = 0; k < 6; k++)
                sum[k] += v[k];
            conv &= b->is_converged;
        }
        double m = (double)nrep;
        pel_mdrun_mean_row *o = &out[i];
        memset(o, 0, sizeof *o);
        o->mean = *a;
        o->mean.e_is = sum[0] / m, o->mean.v_md = sum[1] / m, o->mean.e_pot = sum[2] / m;
        o->mean.v_is = sum[3] / m, o->mean.p_bar = sum[4] / m, o->mean.T_inst = sum[5] / m;
        o->mean.is_converged = conv;
        for (size_t r = 0; r < nrep; r++) {
            sq_e += (rows[r][i].e_is - o->mean.e_is) * (rows[r][i].e_is - o->mean.e_is);
            sq_v += (rows[r][i].v_is - o->mean.v_is) * (rows[r][i].v_is - o->mean.v_is);
        }
        o->se_e_is = nrep > 1 ? sqrt(sq_e / (m - 1) / m) : 0.0;
        o->se_v_is = nrep > 1 ? sqrt(sq_v / (m - 1) / m) : 0.0;
        o->n_replicas = (int)nrep;
    }
    return PEL_OK;
}
