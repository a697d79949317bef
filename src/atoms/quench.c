/* quench.c - glass preparation: random liquid -> NPT equilibration at T_from
 * -> NPT cooling ramp at a constant rate -> zero-pressure inherent structures
 * every sample_every kelvin (quench.h, docs/md.md).
 *
 * Reproducibility across kills: the MD part is split at fixed global step
 * boundaries (multiples of checkpoint_every).  At each boundary the state is
 * written and the force engine is rebuilt from scratch; a resumed run rebuilds
 * it at the same step, so both runs see the same neighbour lists and the same
 * floating-point sums from there on.  IS minimisations work on copies with
 * their own engine and never perturb the trajectory. */
#include "pel/quench.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "quench_internal.h"

#define QUENCH_T_FLOOR 1.0        /* K: the ramp ends here when t_to < 1 K (a 0 K target has no thermostat mass) */
#define QUENCH_PRE_FTOL 0.05      /* eV/Å: removal of close contacts in the random start */
#define QUENCH_PRE_CALLS 1000     /* force-call budget of that pre-relaxation */
#define QUENCH_MIN_SKIN 0.5       /* Å: neighbour skin of the IS minimisation engine */
#define QUENCH_SEED_VELOCITY 1    /* pel_seed_stream stream of the initial velocities */

void pel_quench_params_default(pel_quench_params *p)
{
    memset(p, 0, sizeof *p);
    pel_liquid_params_cuzr(&p->liquid, 2000, 0.56, 0.0555, 1);
    p->t_from = 2000.0;
    p->t_to = 0.0;
    p->rate_K_per_s = 1e13;
    p->equilibrate_ps = 20.0;
    p->sample_every_K = 50.0;
    p->p_bar = 0.0;
    p->dt = 0.001;
    p->tdamp = 0.1;
    p->pdamp = 1.0;
    p->skin = 1.0;
    p->nthreads = 1;
    pel_min_params_default(&p->min);
    p->min.algo = PEL_MIN_CG; /* ~2x fewer force calls than FIRE for a zero-pressure IS (docs/md.md) */
    p->min.box = PEL_BOX_ISO;
    p->checkpoint_every = 10000;
    p->thermo_every = 1000;
}

static double t_end_md(const pel_quench_params *p) { return fmax(p->t_to, QUENCH_T_FLOOR); }

void pel_quench_steps(const pel_quench_params *p, long *n_equil, long *n_cool)
{
    *n_equil = (long)llround(p->equilibrate_ps / p->dt);
    if (isinf(p->rate_K_per_s)) *n_cool = 0;
    else *n_cool = (long)llround((p->t_from - t_end_md(p)) / (p->rate_K_per_s * 1e-12 * p->dt));
}

/* Sample k: nominal temperature and the cooling step after which it is taken.
 * Returns 0 when k is past the last sample. */
static int sample_at(const pel_quench_params *p, long n_cool, size_t k, double *T, long *step)
{
    if (isinf(p->rate_K_per_s)) {
        *T = p->t_from;
        *step = 0;
        return k == 0;
    }
    double Tk = p->t_from - (double)k * p->sample_every_K;
    if (Tk < p->t_to - 1e-9 * p->sample_every_K) {
        /* one extra sample exactly at t_to unless the grid hit it */
        double Tprev = p->t_from - (double)(k - 1) * p->sample_every_K;
        if (k == 0 || Tprev <= p->t_to + 1e-9 * p->sample_every_K) return 0;
        Tk = p->t_to;
    }
    double te = t_end_md(p);
    *T = Tk;
    *step = (long)llround((p->t_from - fmax(Tk, te)) / (p->t_from - te) * (double)n_cool);
    return 1;
}

static int check_params(const pel_quench_params *p, pel_error *err)
{
    if (p->liquid.n < 2) return pel_error_set(err, PEL_EINVAL, "need at least 2 atoms (got %zu)", p->liquid.n);
    if (!(p->t_from > 0 && isfinite(p->t_from)))
        return pel_error_set(err, PEL_EINVAL, "start temperature %g K must be > 0", p->t_from);
    if (!(p->t_to >= 0 && p->t_to < p->t_from))
        return pel_error_set(err, PEL_EINVAL, "final temperature %g K must be in [0, %g)", p->t_to, p->t_from);
    if (!(p->rate_K_per_s > 0)) return pel_error_set(err, PEL_EINVAL, "cooling rate %g K/s must be > 0", p->rate_K_per_s);
    if (!(p->equilibrate_ps >= 0 && isfinite(p->equilibrate_ps)))
        return pel_error_set(err, PEL_EINVAL, "equilibration time %g ps must be >= 0", p->equilibrate_ps);
    if (!(p->sample_every_K > 0 && isfinite(p->sample_every_K)))
        return pel_error_set(err, PEL_EINVAL, "sampling interval %g K must be > 0", p->sample_every_K);
    if (p->checkpoint_every < 1)
        return pel_error_set(err, PEL_EINVAL, "checkpoint interval %ld steps must be >= 1", p->checkpoint_every);
    if (p->resume && !p->checkpoint_path) return pel_error_set(err, PEL_EINVAL, "resume needs a checkpoint path");
    long ne, nc;
    pel_quench_steps(p, &ne, &nc);
    if (!isinf(p->rate_K_per_s) && nc < 1)
        return pel_error_set(err, PEL_EINVAL, "cooling rate %g K/s is too fast for one %g ps step", p->rate_K_per_s, p->dt);
    if (!isinf(p->rate_K_per_s) && (double)nc > 1e11)
        return pel_error_set(err, PEL_EINVAL, "cooling rate %g K/s needs %ld steps: too slow", p->rate_K_per_s, nc);
    return PEL_OK;
}

/* ---------------------------------------------------------------------- */

/* Zero-pressure IS of a copy of sys; fills the IS fields of row.  The copy
 * is returned in *is_out when is_out != NULL. */
static int sample_is(const pel_eam *pot, const pel_quench_params *p, const pel_system *sys, pel_quench_row *row,
                     pel_system **is_out, pel_error *err)
{
    pel_system *c = NULL;
    pel_calc *calc = NULL;
    pel_min_result mr;
    int rc = pel_system_clone(sys, &c, err);
    if (rc) return rc;
    memset(c->v, 0, 3 * c->n * sizeof(double));
    c->has_velocities = 0;
    if ((rc = pel_calc_new(&calc, pot, c, QUENCH_MIN_SKIN, p->nthreads, err))) goto out;
    rc = pel_minimize(calc, c, &p->min, &mr, NULL, NULL, err);
    row->is_converged = rc == PEL_OK;
    if (rc && rc != PEL_ENOCONV) goto out;
    rc = PEL_OK;
    row->e_is = mr.energy / (double)c->n;
    row->v_is = pel_system_volume(c) / (double)c->n;
out:
    pel_calc_free(&calc);
    if (rc == PEL_OK && is_out) *is_out = c;
    else pel_system_free(&c);
    return rc;
}

static int add_row(pel_quench_result *res, size_t cap, const pel_quench_row *row, pel_error *err)
{
    if (res->nrows >= cap) return pel_error_set(err, PEL_ESTATE, "more samples than planned (%zu)", cap);
    res->rows[res->nrows++] = *row;
    return PEL_OK;
}

/* Random liquid with close contacts relaxed, velocities at t_from. */
static int make_start(const pel_eam *pot, const pel_quench_params *p, pel_system **out, pel_error *err)
{
    pel_system *sys = NULL;
    pel_calc *calc = NULL;
    pel_min_params mp;
    pel_min_result mr;
    int rc = pel_system_random_liquid(&p->liquid, &sys, err);
    if (rc) return pel_error_wrap(err, rc, "random liquid");
    if ((rc = pel_calc_new(&calc, pot, sys, QUENCH_MIN_SKIN, p->nthreads, err))) goto out;
    pel_min_params_default(&mp);
    mp.ftol = QUENCH_PRE_FTOL;
    mp.max_force_calls = QUENCH_PRE_CALLS;
    rc = pel_minimize(calc, sys, &mp, &mr, NULL, NULL, err);
    if (rc == PEL_ENOCONV) rc = PEL_OK; /* only the worst contacts matter before melting */
    if (rc) goto out;
    rc = pel_md_velocity_create(sys, p->t_from, pel_seed_stream(p->liquid.seed, QUENCH_SEED_VELOCITY), err);
out:
    pel_calc_free(&calc);
    if (rc) pel_system_free(&sys);
    *out = sys;
    return rc;
}

static void md_params_for(const pel_quench_params *p, int phase, pel_md_params *mp)
{
    pel_md_params_default(mp);
    mp->ensemble = PEL_MD_NPT;
    mp->dt = p->dt;
    mp->tdamp = p->tdamp;
    mp->pdamp = p->pdamp;
    mp->p_start_bar = mp->p_stop_bar = p->p_bar;
    mp->t_start = p->t_from;
    mp->t_stop = phase == QUENCH_PHASE_COOL ? t_end_md(p) : p->t_from;
}

/* MD columns of a table row from the current state. */
static void fill_md_row(const pel_md *md, const pel_system *sys, pel_quench_row *row)
{
    pel_md_thermo th;
    pel_md_thermo_now(md, sys, &th);
    row->e_pot = th.pe / (double)sys->n;
    row->v_md = th.volume / (double)sys->n;
    row->p_bar = th.p_bar;
    row->T_inst = th.T;
}

/* ---------------------------------------------------------------------- */

int pel_quench_run(const pel_eam *pot, const pel_quench_params *p, const pel_quench_hooks *hooks,
                   pel_quench_result *res, pel_error *err)
{
    static const pel_quench_hooks no_hooks;
    if (!hooks) hooks = &no_hooks;
    memset(res, 0, sizeof *res);
    int rc = check_params(p, err);
    if (rc) return rc;
    long n_equil, n_cool;
    pel_quench_steps(p, &n_equil, &n_cool);
    size_t cap = isinf(p->rate_K_per_s) ? 1 : (size_t)((p->t_from - p->t_to) / p->sample_every_K) + 3;
    res->rows = calloc(cap, sizeof *res->rows);
    if (!res->rows) return pel_error_set(err, PEL_ENOMEM, "out of memory for %zu table rows", cap);

    pel_system *sys = NULL;
    pel_calc *calc = NULL;
    pel_md *md = NULL;
    pel_md_params mdp;
    pel_md_state st;
    int phase = QUENCH_PHASE_EQUIL, have_state = 0, stop_requested = 0;
    long last_ck = -1;
    if (p->resume) {
        int has_mark;
        uint64_t mark;
        rc = pel_quench_checkpoint_read(p->checkpoint_path, p, &sys, &phase, &st, res, cap, &has_mark, &mark, err);
        if (rc) goto out;
        have_state = 1;
        res->resumed = 1;
        last_ck = (phase == QUENCH_PHASE_EQUIL ? 0 : n_equil) + st.step;
        if (hooks->resume && (rc = hooks->resume(hooks->resume_ctx, last_ck, has_mark ? &mark : NULL, err)))
            goto out;
    } else if ((rc = make_start(pot, p, &sys, err))) {
        goto out;
    }
    if ((rc = pel_calc_new(&calc, pot, sys, p->skin, p->nthreads, err))) goto out;
    md_params_for(p, phase, &mdp);
    if ((rc = pel_md_new(&md, calc, sys, &mdp, err))) goto out;

    if (hooks->progress) {
        /* tell the caller where this invocation starts (resume: ETA from here) */
        long g0 = have_state ? (phase == QUENCH_PHASE_EQUIL ? 0 : n_equil) + st.step : 0;
        hooks->progress(hooks->progress_ctx, (double)g0, (double)(n_equil + n_cool), "start");
    }
    for (; phase != QUENCH_PHASE_DONE; phase++) {
        long nsteps = phase == QUENCH_PHASE_EQUIL ? n_equil : n_cool;
        long offset = phase == QUENCH_PHASE_EQUIL ? 0 : n_equil;
        md_params_for(p, phase, &mdp);
        if ((rc = pel_md_set_params(md, &mdp, err))) goto out;
        if ((rc = pel_md_setup(md, sys, nsteps, err))) goto out;
        if (have_state) {
            pel_md_set_state(md, &st);
            have_state = 0;
        }
        for (;;) {
            pel_md_get_state(md, &st);
            long gstep = offset + st.step;
            double Ts;
            long s_sample;
            /* every sample due at this step (cooling only) */
            while (phase == QUENCH_PHASE_COOL && sample_at(p, n_cool, res->nrows, &Ts, &s_sample) &&
                   s_sample <= st.step) {
                pel_quench_row row = {0};
                int last = !sample_at(p, n_cool, res->nrows + 1, &Ts, &s_sample);
                fill_md_row(md, sys, &row);
                sample_at(p, n_cool, res->nrows, &row.T_K, &s_sample);
                row.t_ps = (double)st.step * p->dt;
                pel_system_free(&res->glass);
                if ((rc = sample_is(pot, p, sys, &row, last ? &res->glass : NULL, err))) goto out;
                if ((rc = add_row(res, cap, &row, err))) goto out;
                if (hooks->row) hooks->row(hooks->row_ctx, &row);
            }
            if (gstep % p->checkpoint_every == 0 && gstep != last_ck) {
                /* fixed boundary: save, then restart the engine exactly as a resume would */
                last_ck = gstep;
                if (p->checkpoint_path) {
                    uint64_t mark = 0;
                    if (hooks->mark && (rc = hooks->mark(hooks->mark_ctx, gstep, &mark, err))) goto out;
                    rc = pel_quench_checkpoint_write(p->checkpoint_path, p, sys, phase, &st, res,
                                                     hooks->mark ? &mark : NULL, err);
                    if (rc) goto out;
                }
                pel_calc_free(&calc);
                if ((rc = pel_calc_new(&calc, pot, sys, p->skin, p->nthreads, err))) goto out;
                if ((rc = pel_md_refresh(md, calc, sys, err))) goto out;
                if (stop_requested || (p->stop_at_step > 0 && gstep >= p->stop_at_step)) {
                    rc = pel_error_set(err, PEL_ENOCONV, "stopped at step %ld (checkpoint written)", gstep);
                    goto out;
                }
            }
            if (st.step >= nsteps) break;
            long stop = (gstep / p->checkpoint_every + 1) * p->checkpoint_every - offset;
            if (stop > nsteps) stop = nsteps;
            if (phase == QUENCH_PHASE_COOL && sample_at(p, n_cool, res->nrows, &Ts, &s_sample) && s_sample < stop)
                stop = s_sample;
            rc = pel_md_run(md, sys, stop - st.step, p->thermo_every, hooks->thermo, hooks->thermo_ctx, err);
            if (rc) goto out;
            if (hooks->progress && hooks->progress(hooks->progress_ctx, (double)(offset + stop),
                                                   (double)(n_equil + n_cool),
                                                   phase == QUENCH_PHASE_EQUIL ? "equilibrate" : "cool"))
                stop_requested = 1;
        }
    }
    if (isinf(p->rate_K_per_s) && res->nrows == 0) {
        pel_quench_row row = {0};
        fill_md_row(md, sys, &row);
        row.T_K = p->t_from;
        if ((rc = sample_is(pot, p, sys, &row, &res->glass, err))) goto out;
        if ((rc = add_row(res, cap, &row, err))) goto out;
        if (hooks->row) hooks->row(hooks->row_ctx, &row);
    }
    if (!res->glass) {
        /* resumed after the last sample: the final IS again (deterministic) */
        pel_quench_row tmp = {0};
        if ((rc = sample_is(pot, p, sys, &tmp, &res->glass, err))) goto out;
    }
    res->md_steps = n_equil + n_cool;
out:
    pel_md_free(&md);
    pel_calc_free(&calc);
    pel_system_free(&sys);
    if (rc) pel_quench_result_free(res);
    return rc;
}

void pel_quench_result_free(pel_quench_result *res)
{
    if (!res) return;
    free(res->rows);
    res->rows = NULL;
    res->nrows = 0;
    pel_system_free(&res->glass);
}

/* ---------------------------------------------------------------------- */

int pel_quench_parse_composition(const char *s, const pel_eam *pot, pel_liquid_params *lp, pel_error *err)
{
    const char *c = s;
    double total = 0;
    int nt = 0;
    while (*c) {
        char el[8];
        size_t k = 0;
        if (!isupper((unsigned char)*c)) goto bad;
        el[k++] = *c++;
        while (islower((unsigned char)*c) && k < sizeof el - 1)
            el[k++] = *c++;
        el[k] = '\0';
        char *end;
        double v = strtod(c, &end);
        if (end == c || !(v > 0) || !isfinite(v)) goto bad;
        c = end;
        if (nt >= PEL_MAX_TYPES) return pel_error_set(err, PEL_EINVAL, "composition '%s' has too many elements", s);
        int found = -1;
        for (int i = 0; i < pel_eam_nelements(pot); i++)
            if (!strcmp(pel_eam_element(pot, i), el)) found = i;
        if (found < 0) return pel_error_set(err, PEL_EINVAL, "element %s of composition '%s' is not in the potential", el, s);
        for (int t = 0; t < nt; t++)
            if (!strcmp(lp->elem[t], el)) return pel_error_set(err, PEL_EINVAL, "element %s repeated in '%s'", el, s);
        memcpy(lp->elem[nt], el, sizeof el);
        lp->mass[nt] = pel_eam_mass(pot, found);
        lp->frac[nt] = v;
        total += v;
        nt++;
    }
    if (nt == 0) goto bad;
    for (int t = 0; t < nt; t++)
        lp->frac[t] /= total;
    lp->ntypes = nt;
    return PEL_OK;
bad:
    return pel_error_set(err, PEL_EINVAL, "malformed composition '%s' (expected e.g. Cu56Zr44)", s);
}
