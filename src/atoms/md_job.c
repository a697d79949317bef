/* md_job.c - `pel md` as a library call (include/pel/md.h, pel_md_job):
 * velocities, the starting thermo, checkpoints tied to a fingerprint and to
 * the identities of the run's files, and the MD loop (md_loop.c). */
#include "pel/md.h"

#include <math.h>
#include <string.h>

#include "pel/util.h"

#define JOB_PROGRESS_STEPS 1000 /* steps between progress reports */

void pel_md_job_default(pel_md_job *job)
{
    memset(job, 0, sizeof *job);
    pel_md_params_default(&job->md);
    job->md.t_start = job->md.t_stop = 300.0;
    job->seed = -1;
    job->skin = 1.0;
    job->nthreads = 1;
    job->thermo_every = 100;
    job->checkpoint_every = 10000;
}

int pel_md_at_rest(const pel_system *sys)
{
    if (!sys->has_velocities)
        return 1;
    for (size_t i = 0; i < 3 * sys->n; i++)
        if (sys->v[i] != 0.0)
            return 0;
    return 1;
}

/* The files a checkpoint names (their identities follow the step count in
 * the checkpoint's extra integers, three each: size, head and tail hash). */
enum { JOB_THERMO, JOB_DUMP, JOB_DATA, JOB_POT, JOB_NFILES };
#define JOB_NEXTRA (1 + 3 * JOB_NFILES)
static const char *const file_role[JOB_NFILES] = {"--thermo-out", "--dump", "--data", "--potential"};

static void pack_extra(int64_t *ex, long done, const pel_file_id *ids)
{
    ex[0] = done;
    for (int f = 0; f < JOB_NFILES; f++) {
        ex[1 + 3 * f] = ids[f].size;
        memcpy(&ex[2 + 3 * f], &ids[f].head, sizeof ids[f].head);
        memcpy(&ex[3 + 3 * f], &ids[f].tail, sizeof ids[f].tail);
    }
}

/* Resume: the data file and the potential must be those the run started
 * from, and the thermo and dump files (which a resume cuts back) must begin
 * with what the checkpoint saw, so an unrelated file given by mistake is
 * refused before anything is truncated.  Fills ids[] from the checkpoint. */
static int check_resume_files(const int64_t *ex, pel_file_id *ids, const char *const *path, pel_error *err)
{
    for (int f = 0; f < JOB_NFILES; f++) {
        pel_file_id want = {ex[1 + 3 * f], 0, 0}, have;
        memcpy(&want.head, &ex[2 + 3 * f], sizeof want.head);
        memcpy(&want.tail, &ex[3 + 3 * f], sizeof want.tail);
        if (f >= JOB_DATA) {
            have = ids[f]; /* the whole file, read before the checkpoint */
        } else if (!path[f] || want.size < 0) {
            ids[f] = want;
            continue;
        } else if (pel_file_id_get(path[f], want.size, PEL_FILE_ID_WINDOW, &have, NULL) != PEL_OK) {
            return pel_error_set(err, PEL_ESTATE, "%s %s is missing or shorter than the checkpoint records (%lld bytes)",
                                 file_role[f], path[f], (long long)want.size);
        }
        if (!pel_file_id_equal(&want, &have))
            return pel_error_set(err, PEL_ESTATE,
                                 "%s %s is not the file of the checkpointed run (its contents differ): nothing changed",
                                 file_role[f], path[f]);
        ids[f] = want;
    }
    return PEL_OK;
}

typedef struct job_ctx {
    const pel_md_job *job;
    const pel_md_job_hooks *h;
    pel_system *sys;
    const double *fp;
    size_t nfp;
    pel_file_id ids[JOB_NFILES];
    long dumped; /* last step with a dump frame */
} job_ctx;

static int job_at_stop(void *ctx, long step, pel_error *err)
{
    job_ctx *c = ctx;
    if (!c->h->dump || c->job->dump_every <= 0 || step % c->job->dump_every != 0 || step <= c->dumped)
        return PEL_OK;
    c->dumped = step;
    return c->h->dump(c->h->ctx, c->sys, step, err);
}

static long job_next_stop(void *ctx, long step)
{
    job_ctx *c = ctx;
    long next = step + JOB_PROGRESS_STEPS, every = c->job->dump_every;
    if (c->h->dump && every > 0 && (step / every + 1) * every < next)
        next = (step / every + 1) * every;
    return next;
}

static int job_save(void *ctx, long gstep, const pel_md_state *st, pel_error *err)
{
    job_ctx *c = ctx;
    const pel_md_job *j = c->job;
    long tl = -1, dl = -1;
    int rc;
    if (c->h->sync && (rc = c->h->sync(c->h->ctx, &tl, &dl, err)))
        return rc;
    if (j->thermo_path && tl >= 0 &&
        (rc = pel_file_id_get(j->thermo_path, tl, PEL_FILE_ID_WINDOW, &c->ids[JOB_THERMO], err)))
        return rc;
    if (j->dump_path && dl >= 0 && (rc = pel_file_id_get(j->dump_path, dl, PEL_FILE_ID_WINDOW, &c->ids[JOB_DUMP], err)))
        return rc;
    int64_t ex[JOB_NEXTRA];
    pack_extra(ex, gstep, c->ids);
    return pel_md_checkpoint_write(j->checkpoint_path, c->fp, c->nfp, c->sys, st, ex, JOB_NEXTRA, err);
}

static int job_progress(void *ctx, long gstep)
{
    job_ctx *c = ctx;
    return c->h->progress(c->h->ctx, (double)gstep, (double)c->job->steps, NULL);
}

int pel_md_job_run(const pel_eam *pot, pel_system **sysp, const pel_md_job *j, const pel_md_job_hooks *h,
                   pel_error *err)
{
    static const pel_md_job_hooks no_hooks;
    if (!h)
        h = &no_hooks;
    if (j->steps < 0)
        return pel_error_set(err, PEL_EINVAL, "step count %ld must be >= 0", j->steps);
    if (j->checkpoint_every < 1)
        return pel_error_set(err, PEL_EINVAL, "checkpoint interval %ld steps must be >= 1", j->checkpoint_every);
    if (j->resume && !j->checkpoint_path)
        return pel_error_set(err, PEL_EINVAL, "resume needs a checkpoint path");
    pel_system *sys = *sysp;
    /* What fixes the trajectory and the outputs: a resume must repeat it. */
    const double fp[] = {(double)j->md.ensemble, j->md.t_start, j->md.t_stop, j->md.p_start_bar, j->md.dt,
                         (double)j->steps, j->md.tdamp, j->md.pdamp, (double)j->thermo_every,
                         (double)j->dump_every, (double)j->checkpoint_every, j->skin, (double)j->seed,
                         (double)sys->n};
    job_ctx c = {j, h, sys, fp, sizeof fp / sizeof fp[0], {{-1, 0, 0}, {-1, 0, 0}, {0, 0, 0}, {0, 0, 0}}, -1};
    int64_t extra[JOB_NEXTRA] = {0};
    pel_md_state st;
    pel_engine *calc = NULL;
    pel_md *md = NULL;
    int rc = PEL_OK;
    if (j->checkpoint_path && (rc = pel_file_id_get(j->data_path, -1, 0, &c.ids[JOB_DATA], err)))
        return rc;
    if (j->checkpoint_path && (rc = pel_file_id_get(j->potential_path, -1, 0, &c.ids[JOB_POT], err)))
        return rc;
    if (j->resume) {
        pel_system *cks = NULL;
        const char *paths[JOB_NFILES] = {j->thermo_every > 0 ? j->thermo_path : NULL, j->dump_path, j->data_path,
                                         j->potential_path};
        if ((rc = pel_md_checkpoint_read(j->checkpoint_path, fp, c.nfp, &cks, &st, extra, JOB_NEXTRA, err)))
            return rc;
        pel_system_free(sysp);
        *sysp = c.sys = sys = cks;
        c.dumped = (long)extra[0]; /* its frame was written before the checkpoint */
        if ((rc = check_resume_files(extra, c.ids, paths, err)))
            return rc;
    } else if (j->seed >= 0 || (pel_md_at_rest(sys) && j->have_T)) {
        rc = pel_md_velocity_create(sys, j->md.t_start, (uint64_t)(j->seed >= 0 ? j->seed : 1), err);
        if (rc)
            return rc;
    }
    if (j->engine && j->checkpoint_path)
        return pel_error_set(err, PEL_EINVAL, "checkpoints need pel's EAM engine (not %s)", pel_engine_name(j->engine));
    if (j->engine)
        calc = j->engine; /* borrowed: not freed here */
    else if ((rc = pel_engine_eam_new(&calc, pot, sys, j->skin, j->nthreads, err)))
        goto out;
    if ((rc = pel_md_new(&md, calc, sys, &j->md, err)) ||
        (rc = pel_md_setup(md, sys, j->steps, err)))
        goto out;
    if (j->resume)
        pel_md_set_state(md, &st);
    if (h->open && (rc = h->open(h->ctx, j->resume ? (long)c.ids[JOB_THERMO].size : -1,
                                 j->resume ? (long)c.ids[JOB_DUMP].size : -1, err)))
        goto out;
    if (!j->resume) {
        pel_md_thermo th;
        pel_md_thermo_now(md, sys, &th);
        if (!(isfinite(th.T) && isfinite(th.pe) && isfinite(th.p_bar))) {
            rc = pel_error_set(err, PEL_ENUMERIC,
                               "%s: the starting state gives non-finite thermo (T %g K, PE %g eV, P %g bar): "
                               "check its positions and Velocities",
                               j->data_path ? j->data_path : "the start", th.T, th.pe, th.p_bar);
            goto out;
        }
        if (h->thermo && j->thermo_every > 0)
            h->thermo(h->ctx, &th);
    }
    {
        pel_md_loop loop = {j->engine ? NULL : pot, j->skin, j->nthreads, j->checkpoint_every, 0, 0, j->thermo_every,
                            h->thermo, h->ctx, job_next_stop, job_at_stop,
                            j->checkpoint_path ? job_save : NULL, h->progress ? job_progress : NULL, &c, NULL};
        long last_ck = -1;
        int stop = 0;
        rc = pel_md_loop_run(&loop, md, &calc, sys, 0, j->steps, &last_ck, &stop, err);
    }
out:
    pel_md_free(&md);
    if (!j->engine)
        pel_engine_free(&calc);
    return rc;
}
