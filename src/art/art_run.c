/* art_run.c - parallel, resumable campaign of ART searches writing an event
 * catalog (include/pel/art_run.h). */
#include "pel/art_run.h"

#include <inttypes.h>
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
    pel_engine *calc = NULL;
    int st = pel_engine_eam_new(&calc, pot, sys, skin, 1, err);
    if (st)
        return st;
    pel_forces fo = {0};
    fo.f = malloc(3 * sys->n * sizeof *fo.f);
    st = fo.f ? pel_engine_compute(calc, sys, &fo, err) : pel_error_set(err, PEL_ENOMEM, "art: out of memory");
    *e0 = fo.energy;
    free(fo.f);
    pel_engine_free(&calc);
    return st;
}

/* Saddle and final configuration of connected search k as extended XYZ files
 * in p->configs_dir (each written atomically), named in row->configs.  scratch
 * is a copy of the sample whose positions are overwritten. */
static int write_configs(const pel_art_run_params *p, pel_art *art, const pel_art_result *res, long k,
                         pel_system *scratch, pel_catalog_row *row, pel_error *err)
{
    const char *tag[2] = {"saddle", "final"};
    const double *x[2] = {pel_art_saddle(art), pel_art_final(art)};
    const double e[2] = {res->e_saddle, res->e_final};
    size_t len = 2 * (strlen(p->configs_dir) + 40);
    char *names = malloc(len);
    if (!names)
        return pel_error_set(err, PEL_ENOMEM, "art: out of memory");
    size_t used = 0;
    int st = PEL_OK;
    for (int c = 0; c < 2 && !st; c++) {
        char *path = names + used;
        used += (size_t)snprintf(path, len - used, "%s/search_%08ld_%s.xyz", p->configs_dir, k, tag[c]);
        char comment[256];
        snprintf(comment, sizeof comment, "energy=%.17g event_id=%ld config=%s E_A_eV=%.17g E_R_eV=%.17g", e[c], k,
                 tag[c], res->e_saddle - res->e_initial, res->e_saddle - res->e_final);
        memcpy(scratch->x, x[c], 3 * scratch->n * sizeof *scratch->x);
        pel_afile af;
        st = pel_afile_open(&af, path, err);
        if (!st) {
            st = pel_system_write_extxyz(scratch, af.fp, comment, err);
            if (st)
                pel_afile_abort(&af);
            else
                st = pel_afile_commit(&af, err);
        }
        if (c == 0)
            names[used++] = ';'; /* the two names in one column */
    }
    if (st) {
        free(names);
        return st;
    }
    row->configs = names;
    return PEL_OK;
}

/* One search k on a fresh engine; the row is filled for the catalog. */
static int run_one(const pel_eam *pot, const pel_system *sys, const pel_art_run_params *p, double e0, long k,
                   pel_art_calc *ad, pel_art **art, gsl_rng *rng, pel_system *scratch, pel_catalog_row *row,
                   pel_error *err)
{
    pel_engine *calc = NULL;
    int st = pel_engine_eam_new(&calc, pot, sys, p->skin, 1, err);
    if (st)
        return st;
    ad->calc = calc;
    gsl_rng_set(rng, (unsigned long)pel_seed_stream(p->seed, (uint64_t)k));
    pel_art_result res;
    size_t center = p->centers[k / p->searches_per_center];
    st = pel_art_search(*art, sys->x, e0, center, rng, &res, err);
    if (!st)
        st = pel_catalog_row_from_result(row, k, center_id_of(sys, p, k), &res, sys->id, sys->n, err);
    if (!st && p->configs_dir && res.status == PEL_ART_CONVERGED)
        st = write_configs(p, *art, &res, k, scratch, row, err);
    ad->calc = NULL;
    pel_engine_free(&calc);
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
    pel_system *scratch = NULL;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    pel_error e = {0};
    int st = rng ? pel_art_calc_init(&ad, &surf, NULL, sys, &p->art, &e)
                 : pel_error_set(&e, PEL_ENOMEM, "art: out of memory");
    int have_ad = st == PEL_OK;
    if (!st)
        st = pel_art_new(&art, &surf, &p->art, &e);
    if (!st && p->configs_dir)
        st = pel_system_clone(sys, &scratch, &e);
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
        int rs = run_one(pot, sys, p, e0, todo[i], &ad, &art, rng, scratch, &row, &e);
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
    pel_system_free(&scratch);
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

/* The campaign line (malloc'd): everything that decides the rows. */
static int campaign_line(const pel_system *sys, const pel_art_run_params *p, char **out, pel_error *err)
{
    uint64_t h = 14695981039346656037ULL; /* FNV-1a over the centres' data-file ids, in order */
    for (size_t i = 0; i < p->ncenters; i++) {
        uint64_t id = (uint64_t)sys->id[p->centers[i]];
        for (int b = 0; b < 8; b++) {
            h ^= (id >> (8 * b)) & 0xff;
            h *= 1099511628211ULL;
        }
    }
    char head[256];
    int nh = snprintf(head, sizeof head,
                      "seed=%" PRIu64 " searches_per_center=%ld ncenters=%zu centers_fnv1a=%016" PRIx64
                      " natoms=%zu redundancy_tol=%.17g configs=%s ",
                      p->seed, p->searches_per_center, p->ncenters, h, sys->n, p->redundancy_tol,
                      p->configs_dir ? "yes" : "no");
    int na = pel_art_params_describe(&p->art, NULL, 0);
    size_t ni = p->inputs ? strlen(p->inputs) + 1 : 0, len = (size_t)nh + (size_t)na + ni + 1;
    char *s = nh > 0 && na > 0 ? malloc(len) : NULL;
    if (!s)
        return pel_error_set(err, PEL_ENOMEM, "art: out of memory");
    memcpy(s, head, (size_t)nh);
    pel_art_params_describe(&p->art, s + nh, len - (size_t)nh);
    if (p->inputs)
        snprintf(s + nh + na, len - (size_t)nh - (size_t)na, " %s", p->inputs);
    for (char *c = s; *c; c++)
        if (*c == '\n' || *c == '\r')
            *c = ' '; /* one line whatever the caller passed */
    *out = s;
    return PEL_OK;
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
    int st = pel_art_params_check(&p->art, err); /* before anything is written */
    if (st)
        return st;
    /* bounded before the product: 3 x 6148914691236517206 must not wrap to 2 */
    if (p->ncenters > (size_t)PEL_ART_RUN_MAX_SEARCHES ||
        p->searches_per_center > PEL_ART_RUN_MAX_SEARCHES / (long)p->ncenters)
        return pel_error_set(err, PEL_EINVAL, "art: %zu centres x %ld searches per centre exceeds %ld searches",
                             p->ncenters, p->searches_per_center, PEL_ART_RUN_MAX_SEARCHES);
    if (p->configs_dir && (!*p->configs_dir || strpbrk(p->configs_dir, ",;\n\r")))
        return pel_error_set(err, PEL_EINVAL, "art: configs directory '%s' is empty or holds ',' ';' or a newline "
                             "(the catalog names the files)", p->configs_dir);
    long total = (long)p->ncenters * p->searches_per_center;
    stats->total = total;
    struct stat sb;
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
        return pel_error_set(err, PEL_EIO, "%s: not a regular file (refusing to write a catalog there)", path);
    if (!p->resume && stat(path, &sb) == 0 && sb.st_size > 0)
        return pel_error_set(err, PEL_ESTATE, "%s exists (use --resume to continue it)", path);
    if (p->configs_dir && (stat(p->configs_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)))
        return pel_error_set(err, PEL_EIO, "%s: not a directory (create it first)", p->configs_dir);
    char *campaign = NULL;
    st = campaign_line(sys, p, &campaign, err);
    if (st)
        return st;
    pel_catalog *cat = NULL;
    st = pel_catalog_recover(path, campaign, &cat, &stats->truncated, err);
    if (st) {
        free(campaign);
        return st;
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
    st = pel_catalog_writer_open(path, campaign, &sh.w, err);
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
    free(campaign);
    free(done);
    free(todo);
    return st;
}
