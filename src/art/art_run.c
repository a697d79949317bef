/* art_run.c - parallel, resumable campaign of ART searches writing an event
 * catalog (include/pel/art_run.h). */
#include "pel/art_run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_rng.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "pel/catalog.h"

void pel_art_run_params_default(pel_art_run_params *p)
{
    memset(p, 0, sizeof *p);
    p->searches_per_center = 10;
    p->seed = 1;
    p->nthreads = 0;
    p->skin = 0.3;
    p->redundancy_tol = PEL_CATALOG_SADDLE_TOL;
    pel_art_params_default(&p->art);
}

/* Data-file id of the centre of search k. */
static long center_id_of(const pel_system *sys, const pel_art_run_params *p, long k)
{
    return (long)sys->id[p->centers[k / p->searches_per_center]];
}

/* Check resumed rows against this campaign; fill the done mask. */
static int check_resumed(const pel_catalog *cat, const pel_system *sys, const pel_art_run_params *p, long total,
                         char *done, const char *path, pel_error *err)
{
    for (size_t i = 0; i < cat->n; i++) {
        const pel_catalog_row *r = &cat->rows[i];
        if (r->search_id >= total || r->center_id != center_id_of(sys, p, r->search_id))
            return pel_error_set(err, PEL_ESTATE,
                                 "%s: search %ld (centre %ld) does not belong to this campaign (other centres, "
                                 "searches per centre or data file?)",
                                 path, r->search_id, r->center_id);
        done[r->search_id] = 1;
    }
    return PEL_OK;
}

/* Energy of the initial minimum on a fresh single-threaded engine, so every
 * search starts from bit-identical numbers. */
static int initial_energy(const pel_eam *pot, const pel_system *sys, double skin, double *e0, pel_error *err)
{
    pel_calc *calc = NULL;
    int st = pel_calc_new(&calc, pot, sys, skin, 1, err);
    if (st)
        return st;
    pel_forces fo = {0};
    fo.f = malloc(3 * sys->n * sizeof *fo.f);
    st = fo.f ? pel_calc_compute(calc, sys, &fo, err) : pel_error_set(err, PEL_ENOMEM, "art: out of memory");
    *e0 = fo.energy;
    free(fo.f);
    pel_calc_free(&calc);
    return st;
}

/* One search k on a fresh engine; the row is filled for the catalog. */
static int run_one(const pel_eam *pot, const pel_system *sys, const pel_art_run_params *p, double e0, long k,
                   pel_art_calc *ad, pel_art **art, gsl_rng *rng, pel_catalog_row *row, pel_error *err)
{
    pel_calc *calc = NULL;
    int st = pel_calc_new(&calc, pot, sys, p->skin, 1, err);
    if (st)
        return st;
    ad->calc = calc;
    gsl_rng_set(rng, (unsigned long)pel_seed_stream(p->seed, (uint64_t)k));
    pel_art_result res;
    size_t center = p->centers[k / p->searches_per_center];
    st = pel_art_search(*art, sys->x, e0, center, rng, &res, err);
    if (!st)
        st = pel_catalog_row_from_result(row, k, center_id_of(sys, p, k), &res, sys->id, sys->n, err);
    ad->calc = NULL;
    pel_calc_free(&calc);
    return st;
}

typedef struct run_shared {
    pel_catalog_writer *w;
    long done_now, pending, conv, calls_sum;
    int stop, fatal;
    pel_error err;
    pel_progress_fn progress;
    void *progress_ctx;
} run_shared;

/* Record one finished row (inside the critical section). */
static void record(run_shared *sh, const pel_catalog_row *row)
{
    pel_error e = {0};
    if (pel_catalog_writer_append(sh->w, row, &e)) {
        if (!sh->fatal) {
            sh->fatal = e.code;
            sh->err = e;
        }
        return;
    }
    sh->done_now++;
    sh->conv += row->status == PEL_ART_CONVERGED;
    sh->calls_sum += row->force_calls;
    if (sh->progress) {
        char note[160];
        snprintf(note, sizeof note, "%ld/%ld searches, %.0f%% converged, %.0f force calls/search", sh->done_now,
                 sh->pending, 100.0 * (double)sh->conv / (double)sh->done_now,
                 (double)sh->calls_sum / (double)sh->done_now);
        if (sh->progress(sh->progress_ctx, (double)sh->done_now, (double)sh->pending, note))
            sh->stop = 1;
    }
}

static void worker(const pel_eam *pot, const pel_system *sys, const pel_art_run_params *p, double e0,
                   const long *todo, long ntodo, run_shared *sh)
{
    pel_art_calc ad;
    pel_art_surface surf;
    pel_art *art = NULL;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    pel_error e = {0};
    int st = rng ? pel_art_calc_init(&ad, &surf, NULL, sys, &p->art, &e)
                 : pel_error_set(&e, PEL_ENOMEM, "art: out of memory");
    int have_ad = st == PEL_OK;
    if (!st)
        st = pel_art_new(&art, &surf, &p->art, &e);
    if (st) {
#ifdef _OPENMP
#pragma omp critical(pel_art_run)
#endif
        if (!sh->fatal) {
            sh->fatal = st;
            sh->err = e;
        }
    }
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
    for (long i = 0; i < ntodo; i++) {
        if (st || sh->stop || sh->fatal)
            continue;
        pel_catalog_row row;
        memset(&row, 0, sizeof row);
        int rs = run_one(pot, sys, p, e0, todo[i], &ad, &art, rng, &row, &e);
#ifdef _OPENMP
#pragma omp critical(pel_art_run)
#endif
        {
            if (rs) {
                if (!sh->fatal) {
                    sh->fatal = rs;
                    sh->err = e;
                }
            } else {
                record(sh, &row);
            }
        }
        pel_catalog_row_clear(&row);
    }
    pel_art_free(&art);
    if (have_ad)
        pel_art_calc_destroy(&ad);
    if (rng)
        gsl_rng_free(rng);
}

/* Final pass: sort, mark redundant events, replace the file atomically, count. */
static int finish(const char *path, const pel_art_run_params *p, pel_art_run_stats *s, pel_error *err)
{
    pel_catalog *cat = NULL;
    int st = pel_catalog_read(path, &cat, err);
    if (st)
        return st;
    pel_catalog_filter_redundant(cat, p->redundancy_tol);
    st = pel_catalog_write(cat, path, err);
    double calls = 0, calls_sd = 0, calls_conv = 0;
    long nconv = 0;
    s->done = (long)cat->n;
    for (size_t i = 0; i < cat->n; i++) {
        const pel_catalog_row *r = &cat->rows[i];
        calls += (double)r->force_calls;
        if (r->status == PEL_ART_CONVERGED)
            s->converged++;
        else if (r->status == PEL_ART_REDUNDANT)
            s->redundant++;
        else
            s->failed++;
        if (r->status == PEL_ART_CONVERGED || r->status == PEL_ART_REDUNDANT) {
            nconv++;
            calls_sd += (double)r->force_calls_saddle;
            calls_conv += (double)r->force_calls;
        }
    }
    s->mean_force_calls = cat->n ? calls / (double)cat->n : 0;
    s->mean_force_calls_saddle = nconv ? calls_sd / (double)nconv : 0;
    s->mean_force_calls_conv = nconv ? calls_conv / (double)nconv : 0;
    pel_catalog_free(&cat);
    return st;
}

int pel_art_run(const pel_eam *pot, const pel_system *sys, const pel_art_run_params *p, const char *path,
                pel_art_run_stats *stats, pel_progress_fn progress, void *progress_ctx, pel_error *err)
{
    memset(stats, 0, sizeof *stats);
    double t0 = pel_wall_seconds();
    if (p->ncenters == 0 || p->searches_per_center <= 0)
        return pel_error_set(err, PEL_EINVAL, "art: need at least one centre and searches_per_center > 0");
    for (size_t i = 0; i < p->ncenters; i++)
        if (p->centers[i] >= sys->n)
            return pel_error_set(err, PEL_EINVAL, "art: centre index %zu out of range (%zu atoms)", p->centers[i],
                                 sys->n);
    long total = (long)p->ncenters * p->searches_per_center;
    stats->total = total;
    struct stat sb;
    if (!p->resume && stat(path, &sb) == 0 && sb.st_size > 0)
        return pel_error_set(err, PEL_ESTATE, "%s exists (use --resume to continue it)", path);
    pel_catalog *cat = NULL;
    int st = pel_catalog_recover(path, &cat, &stats->truncated, err);
    if (st)
        return st;
    if (cat->v1) { /* rows of this version would not match its header */
        pel_catalog_free(&cat);
        return pel_error_set(err, PEL_ESTATE,
                             "%s: catalog of an older pel (17 columns); cannot resume it, "
                             "start a new one",
                             path);
    }
    char *done = calloc((size_t)total, 1);
    long *todo = malloc((size_t)total * sizeof *todo);
    if (!done || !todo) {
        st = pel_error_set(err, PEL_ENOMEM, "art: out of memory for %ld searches", total);
        goto out;
    }
    st = check_resumed(cat, sys, p, total, done, path, err);
    if (st)
        goto out;
    stats->skipped = (long)cat->n;
    long ntodo = 0;
    for (long k = 0; k < total; k++)
        if (!done[k])
            todo[ntodo++] = k;
    double e0;
    st = initial_energy(pot, sys, p->skin, &e0, err);
    if (st)
        goto out;
    run_shared sh = {0};
    sh.pending = ntodo;
    sh.progress = progress;
    sh.progress_ctx = progress_ctx;
    st = pel_catalog_writer_open(path, &sh.w, err);
    if (st)
        goto out;
#ifdef _OPENMP
    int nt = p->nthreads > 0 ? p->nthreads : omp_get_max_threads();
#pragma omp parallel num_threads(nt)
#endif
    worker(pot, sys, p, e0, todo, ntodo, &sh);
    pel_catalog_writer_close(&sh.w);
    if (sh.fatal) {
        if (err)
            *err = sh.err;
        st = sh.fatal;
        goto out;
    }
    stats->stopped = sh.stop;
    st = finish(path, p, stats, err);
out:
    stats->wall_s = pel_wall_seconds() - t0;
    pel_catalog_free(&cat);
    free(done);
    free(todo);
    return st;
}
