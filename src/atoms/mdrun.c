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

#include <limits.h>
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
    if ((rc = pel_engine_spec_new(&calc, p->engine, pot, c, MDRUN_MIN_SKIN, p->nthreads, err))) goto out;
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
        if ((rc = pel_engine_spec_new(&calc, p->engine, pot, sys, MDRUN_MIN_SKIN, p->nthreads, err))) goto out;
        pel_min_params_default(&mp);
        mp.ftol = MDRUN_PRE_FTOL;
        mp.max_force_calls = MDRUN_PRE_CALLS;
        rc = pel_minimize(calc, sys, &mp, &mr, NULL, NULL, err);
        if (rc == PEL_ENOCONV) rc = PEL_OK; /* only the worst contacts matter before melting */
        if (rc) goto out;
    }
    if (p->new_velocities || pel_md_at_rest(sys)) {
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

/* One run's state seen by the MD loop's hooks (pel_md_loop). */
typedef struct mdrun_ctx {
    const pel_eam *pot;
    const pel_mdrun_params *p;
    const pel_mdrun_hooks *hooks;
    pel_md *md;
    pel_system *sys;
    pel_mdrun_result *res;
    size_t cap, seg, in_seg; /* table capacity, current segment, samples taken in it */
    long n, off, total;      /* segment steps, its first global step, steps of the protocol */
    const char *note;        /* progress note of the segment */
} mdrun_ctx;

/* Every sample due at this step. */
static int mr_at_stop(void *ctx, long step, pel_error *err)
{
    mdrun_ctx *c = ctx;
    double Ts;
    long s_sample;
    while (seg_sample(c->p, c->seg, c->n, c->in_seg, &Ts, &s_sample) && s_sample <= step) {
        pel_mdrun_row row = {0};
        fill_md_row(c->md, c->sys, &row);
        row.T_K = Ts;
        row.segment = (int)c->seg;
        row.t_ps = (double)(c->off + step) * c->p->dt;
        int rc = sample_is(c->pot, c->p, c->sys, &row, NULL, err);
        if (rc)
            return rc;
        if (c->res->nrows >= c->cap)
            return pel_error_set(err, PEL_ESTATE, "more samples than planned (%zu)", c->cap);
        c->res->rows[c->res->nrows++] = row;
        c->in_seg++;
        if (c->hooks->row)
            c->hooks->row(c->hooks->row_ctx, &row);
    }
    return PEL_OK;
}

static long mr_next_stop(void *ctx, long step)
{
    mdrun_ctx *c = ctx;
    double Ts;
    long s_sample;
    (void)step;
    return seg_sample(c->p, c->seg, c->n, c->in_seg, &Ts, &s_sample) ? s_sample : LONG_MAX;
}

static int mr_save(void *ctx, long gstep, const pel_md_state *st, pel_error *err)
{
    mdrun_ctx *c = ctx;
    uint64_t mark = 0;
    int rc;
    if (c->hooks->mark && (rc = c->hooks->mark(c->hooks->mark_ctx, gstep, &mark, err)))
        return rc;
    return pel_mdrun_checkpoint_write(c->p->checkpoint_path, c->p, c->pot, c->sys, c->seg, st, c->res,
                                      c->hooks->mark ? &mark : NULL, err);
}

static int mr_progress(void *ctx, long gstep)
{
    mdrun_ctx *c = ctx;
    return c->hooks->progress(c->hooks->progress_ctx, (double)gstep, (double)c->total, c->note);
}

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
        rc = pel_mdrun_checkpoint_read(p->checkpoint_path, p, pot, &sys, &seg, &st, res, cap, &has_mark, &mark, err);
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
    if ((rc = pel_engine_spec_new(&calc, p->engine, pot, sys, p->skin, p->nthreads, err))) goto out;
    md_params_for(p, seg, &mdp);
    if ((rc = pel_md_new(&md, calc, sys, &mdp, err))) goto out;
    if (hooks->progress)
        hooks->progress(hooks->progress_ctx, (double)(have_state ? offset[seg] + st.step : 0), (double)total, "start");

    mdrun_ctx c = {pot, p, hooks, md, sys, res, cap, seg, in_seg, 0, 0, total, NULL};
    pel_md_loop loop = {pot, p->skin, p->nthreads, p->checkpoint_every, 1, p->stop_at_step, p->thermo_every,
                        hooks->thermo, hooks->thermo_ctx, mr_next_stop, mr_at_stop,
                        p->checkpoint_path ? mr_save : NULL, hooks->progress ? mr_progress : NULL, &c, p->engine};
    for (; c.seg < nseg; c.seg++, c.in_seg = 0) {
        c.n = steps[c.seg];
        c.off = offset[c.seg];
        c.note = p->protocol->seg[c.seg].kind == PEL_SEG_HOLD ? "hold" : "ramp";
        md_params_for(p, c.seg, &mdp);
        if ((rc = pel_md_set_params(md, &mdp, err))) goto out;
        if ((rc = pel_md_setup(md, sys, c.n, err))) goto out;
        if (have_state) {
            pel_md_set_state(md, &st);
            have_state = 0;
        }
        if ((rc = pel_md_loop_run(&loop, md, &calc, sys, c.off, c.n, &last_ck, &stop_requested, err))) goto out;
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
