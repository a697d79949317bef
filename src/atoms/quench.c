/* quench.c - glass preparation: random liquid -> NPT equilibration at T_from
 * -> NPT cooling ramp at a constant rate -> zero-pressure inherent structures
 * every sample_every kelvin (quench.h, docs/md.md).  A quench is the MD
 * protocol "eq@T_from; hold t_eq; cool T_to@q" on a random liquid, run by
 * pel_mdrun_run (mdrun.c: checkpoints, engine rebuilds, bit-exact resume);
 * this file maps its parameters, rows and hooks. */
#include "pel/quench.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pel/mdrun.h"

void pel_quench_params_default(pel_quench_params *p)
{
    pel_mdrun_params m; /* the MD and IS settings are the protocol runner's */
    pel_mdrun_params_default(&m);
    memset(p, 0, sizeof *p);
    p->liquid = m.liquid;
    p->t_from = 2000.0;
    p->t_to = 0.0;
    p->rate_K_per_s = 1e13;
    p->equilibrate_ps = 20.0;
    p->sample_every_K = 50.0;
    p->p_bar = m.p_bar;
    p->dt = m.dt;
    p->tdamp = m.tdamp;
    p->pdamp = m.pdamp;
    p->skin = m.skin;
    p->nthreads = m.nthreads;
    p->min = m.min;
    p->checkpoint_every = m.checkpoint_every;
    p->thermo_every = m.thermo_every;
}

#define QUENCH_T_FLOOR 1.0 /* K: the ramp ends here when t_to < 1 K (a 0 K target has no thermostat mass) */

void pel_quench_steps(const pel_quench_params *p, long *n_equil, long *n_cool)
{
    *n_equil = (long)llround(p->equilibrate_ps / p->dt);
    if (isinf(p->rate_K_per_s)) *n_cool = 0;
    else *n_cool = (long)llround((p->t_from - fmax(p->t_to, QUENCH_T_FLOOR)) / (p->rate_K_per_s * 1e-12 * p->dt));
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
    if (!(p->dt > 0 && isfinite(p->dt))) return pel_error_set(err, PEL_EINVAL, "timestep %g ps must be > 0", p->dt);
    long ne, nc;
    pel_quench_steps(p, &ne, &nc);
    if (!isinf(p->rate_K_per_s) && nc < 1)
        return pel_error_set(err, PEL_EINVAL, "cooling rate %g K/s is too fast for one %g ps step", p->rate_K_per_s, p->dt);
    if (!isinf(p->rate_K_per_s) && (double)nc > 1e11)
        return pel_error_set(err, PEL_EINVAL, "cooling rate %g K/s needs %ld steps: too slow", p->rate_K_per_s, nc);
    if (isinf(p->rate_K_per_s) && ne < 1)
        return pel_error_set(err, PEL_EINVAL, "an instant quench needs an equilibration of at least one step");
    return PEL_OK;
}

/* The caller's hooks, seen through mdrun's. */
typedef struct qctx {
    const pel_quench_params *p;
    const pel_quench_hooks *h;
    long n_equil;
} qctx;

static int q_progress(void *ctx, double done, double total, const char *note)
{
    const qctx *q = ctx;
    const char *n = !strcmp(note, "hold") ? "equilibrate" : !strcmp(note, "ramp") ? "cool" : note;
    return q->h->progress(q->h->progress_ctx, done, total, n);
}

/* mdrun row -> quench row: time since the start of cooling, exact in steps */
static void to_quench_row(const qctx *q, const pel_mdrun_row *m, pel_quench_row *r)
{
    *r = *m;
    long step = (long)llround(m->t_ps / q->p->dt) - q->n_equil;
    r->t_ps = isinf(q->p->rate_K_per_s) ? 0.0 : (double)step * q->p->dt;
}

static void q_row(void *ctx, const pel_mdrun_row *m)
{
    const qctx *q = ctx;
    pel_quench_row r;
    if (isinf(q->p->rate_K_per_s) && m->t_ps == 0) return; /* instant quench: only the end of the hold */
    to_quench_row(q, m, &r);
    q->h->row(q->h->row_ctx, &r);
}

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
    int inf = isinf(p->rate_K_per_s);

    /* the protocol, built directly: T_to = 0 K is a valid ramp end here (floored at 1 K) */
    pel_segment seg[2];
    size_t nseg = 0;
    if (n_equil > 0)
        seg[nseg++] = (pel_segment){PEL_SEG_HOLD, p->t_from, 0.0, p->equilibrate_ps * 1e-12, 0};
    if (!inf)
        seg[nseg++] = (pel_segment){PEL_SEG_RAMP, p->t_to, -p->rate_K_per_s,
                                    (p->t_from - p->t_to) / p->rate_K_per_s, 0};
    pel_protocol pr = {PEL_START_EQUILIBRIUM, p->t_from, 0.0, nseg, seg};

    pel_mdrun_params mp;
    pel_mdrun_params_default(&mp);
    mp.protocol = &pr;
    mp.liquid = p->liquid;
    mp.seed = p->liquid.seed;
    /* instant quench: the hold sampled at its start and end, the end kept */
    mp.sample_every_ps = inf ? p->equilibrate_ps : 0.0;
    mp.sample_every_K = inf ? 0.0 : p->sample_every_K;
    mp.p_bar = p->p_bar;
    mp.dt = p->dt;
    mp.tdamp = p->tdamp;
    mp.pdamp = p->pdamp;
    mp.skin = p->skin;
    mp.T_floor = QUENCH_T_FLOOR;
    mp.nthreads = p->nthreads;
    mp.min = p->min;
    mp.checkpoint_every = p->checkpoint_every;
    mp.thermo_every = p->thermo_every;
    mp.checkpoint_path = p->checkpoint_path;
    mp.resume = p->resume;
    mp.stop_at_step = p->stop_at_step;
    mp.engine = p->engine;

    qctx q = {p, hooks, n_equil};
    pel_mdrun_hooks mh = {hooks->progress ? q_progress : NULL, &q, hooks->thermo, hooks->thermo_ctx,
                          hooks->row ? q_row : NULL, &q, hooks->mark, hooks->mark_ctx, hooks->resume,
                          hooks->resume_ctx};
    pel_mdrun_result mr;
    if ((rc = pel_mdrun_run(pot, &mp, &mh, &mr, err))) return rc;
    size_t first = inf && mr.nrows > 1 ? mr.nrows - 1 : 0;
    res->rows = calloc(mr.nrows - first + 1, sizeof *res->rows);
    if (!res->rows) {
        pel_mdrun_result_free(&mr);
        return pel_error_set(err, PEL_ENOMEM, "out of memory for %zu table rows", mr.nrows);
    }
    for (size_t i = first; i < mr.nrows; i++)
        to_quench_row(&q, &mr.rows[i], &res->rows[res->nrows++]);
    res->glass = mr.final_is;
    mr.final_is = NULL;
    res->md_steps = mr.md_steps;
    res->resumed = mr.resumed;
    pel_mdrun_result_free(&mr);
    return PEL_OK;
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
        for (int i = 0; pot && i < pel_eam_nelements(pot); i++)
            if (!strcmp(pel_eam_element(pot, i), el)) found = i;
        if (pot && found < 0) return pel_error_set(err, PEL_EINVAL, "element %s of composition '%s' is not in the potential", el, s);
        for (int t = 0; t < nt; t++)
            if (!strcmp(lp->elem[t], el)) return pel_error_set(err, PEL_EINVAL, "element %s repeated in '%s'", el, s);
        memcpy(lp->elem[nt], el, sizeof el);
        lp->mass[nt] = pot ? pel_eam_mass(pot, found) : 0.0;
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
