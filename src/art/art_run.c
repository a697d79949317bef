/* art_run.c - parallel, resumable campaign of ART searches writing an event
 * catalog (include/pel/art_run.h). */
#include "pel/art_run.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "pel/catalog.h"
#include "pel/minimize.h"

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
static int initial_energy(const pel_eam *pot, const pel_system *sys, const pel_art_run_params *p, double *e0,
                          pel_error *err)
{
    pel_engine *calc = NULL;
    int st = pel_engine_spec_new(&calc, p->engine, pot, sys, p->skin, 1, err);
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

/* What one thread (or process) needs to run searches: its own ART object,
 * surface adapter, random generator and scratch system. */
typedef struct searcher {
    pel_art_calc ad;
    pel_art_surface surf;
    pel_art *art;
    pel_system *scratch;
    gsl_rng *rng;
    int have_ad;
} searcher;

static int searcher_init(searcher *sr, const pel_system *sys, const pel_art_run_params *p, pel_error *err)
{
    memset(sr, 0, sizeof *sr);
    sr->rng = gsl_rng_alloc(gsl_rng_mt19937);
    int st = sr->rng ? pel_art_calc_init(&sr->ad, &sr->surf, NULL, sys, &p->art, err)
                     : pel_error_set(err, PEL_ENOMEM, "art: out of memory");
    sr->have_ad = st == PEL_OK;
    if (!st)
        st = pel_art_new(&sr->art, &sr->surf, &p->art, err);
    if (!st && p->configs_dir)
        st = pel_system_clone(sys, &sr->scratch, err);
    return st;
}

static void searcher_destroy(searcher *sr)
{
    pel_art_free(&sr->art);
    pel_system_free(&sr->scratch);
    if (sr->have_ad)
        pel_art_calc_destroy(&sr->ad);
    if (sr->rng)
        gsl_rng_free(sr->rng);
    memset(sr, 0, sizeof *sr);
}

/* One search k on a fresh engine; the row is filled for the catalog. */
static int run_one(const pel_eam *pot, const pel_system *sys, const pel_art_run_params *p, double e0, long k,
                   searcher *sr, pel_catalog_row *row, pel_error *err)
{
    pel_engine *calc = NULL;
    memset(row, 0, sizeof *row);
    int st = pel_engine_spec_new(&calc, p->engine, pot, sys, p->skin, 1, err);
    if (st)
        return st;
    sr->ad.calc = calc;
    gsl_rng_set(sr->rng, (unsigned long)pel_seed_stream(p->seed, (uint64_t)k));
    pel_art_result res;
    size_t center = p->centers[k / p->searches_per_center];
    st = pel_art_search(sr->art, sys->x, e0, center, sr->rng, &res, err);
    if (!st)
        st = pel_catalog_row_from_result(row, k, center_id_of(sys, p, k), &res, sys->id, sys->n, err);
    if (!st && p->configs_dir && res.status == PEL_ART_CONVERGED)
        st = write_configs(p, sr->art, &res, k, sr->scratch, row, err);
    sr->ad.calc = NULL;
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

/* Keep the first fatal error. */
static void set_fatal(run_shared *sh, int code, const pel_error *e)
{
    if (!sh->fatal) {
        sh->fatal = code;
        sh->err = *e;
    }
}

/* Record one finished row (inside the critical section). */
static void record(run_shared *sh, const pel_catalog_row *row)
{
    pel_error e = {0};
    int st = pel_catalog_writer_append(sh->w, row, &e);
    if (st) {
        set_fatal(sh, st, &e);
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
    searcher sr;
    pel_error e = {0};
    int st = searcher_init(&sr, sys, p, &e);
    if (st) {
#ifdef _OPENMP
#pragma omp critical(pel_art_run)
#endif
        set_fatal(sh, st, &e);
    }
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
    for (long i = 0; i < ntodo; i++) {
        if (st || sh->stop || sh->fatal)
            continue;
        pel_catalog_row row;
        int rs = run_one(pot, sys, p, e0, todo[i], &sr, &row, &e);
#ifdef _OPENMP
#pragma omp critical(pel_art_run)
#endif
        {
            if (rs)
                set_fatal(sh, rs, &e);
            else
                record(sh, &row);
        }
        pel_catalog_row_clear(&row);
    }
    searcher_destroy(&sr);
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

/* Checks every rank makes before anything is read or written. */
static int check_run_params(const pel_system *sys, const pel_art_run_params *p, pel_error *err)
{
    if (p->ncenters == 0 || p->searches_per_center <= 0)
        return pel_error_set(err, PEL_EINVAL, "art: need at least one centre and searches_per_center > 0");
    for (size_t i = 0; i < p->ncenters; i++)
        if (p->centers[i] >= sys->n)
            return pel_error_set(err, PEL_EINVAL, "art: centre index %zu out of range (%zu atoms)", p->centers[i],
                                 sys->n);
    int st = pel_art_params_check(&p->art, err);
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
    if (p->comm && (p->comm->size < 1 || p->comm->rank < 0 || p->comm->rank >= p->comm->size))
        return pel_error_set(err, PEL_EINVAL, "art: rank %d of %d processes", p->comm->rank, p->comm->size);
    return PEL_OK;
}

/* What the writer of the catalog decides before the first search: the
 * campaign line, the searches still to do (in search_id order) and the
 * energy every search starts from. */
typedef struct run_plan {
    char *campaign;
    long total, ntodo;
    long *todo;
    double e0;
} run_plan;

static void plan_free(run_plan *pl)
{
    free(pl->campaign);
    free(pl->todo);
    memset(pl, 0, sizeof *pl);
}

static int plan_make(const pel_eam *pot, const pel_system *sys, const pel_art_run_params *p, const char *path,
                     pel_art_run_stats *stats, run_plan *pl, pel_error *err)
{
    memset(pl, 0, sizeof *pl);
    pl->total = (long)p->ncenters * p->searches_per_center;
    struct stat sb;
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
        return pel_error_set(err, PEL_EIO, "%s: not a regular file (refusing to write a catalog there)", path);
    if (!p->resume && stat(path, &sb) == 0 && sb.st_size > 0)
        return pel_error_set(err, PEL_ESTATE, "%s exists (use --resume to continue it)", path);
    if (p->configs_dir && (stat(p->configs_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)))
        return pel_error_set(err, PEL_EIO, "%s: not a directory (create it first)", p->configs_dir);
    int st = campaign_line(sys, p, &pl->campaign, err);
    if (st)
        return st;
    pel_catalog *cat = NULL;
    char *done = NULL;
    st = pel_catalog_recover(path, pl->campaign, &cat, &stats->truncated, err);
    if (st)
        goto out;
    done = calloc((size_t)pl->total, 1);
    pl->todo = malloc((size_t)pl->total * sizeof *pl->todo);
    if (!done || !pl->todo) {
        st = pel_error_set(err, PEL_ENOMEM, "art: out of memory for %ld searches", pl->total);
        goto out;
    }
    st = check_resumed(cat, sys, p, pl->total, done, path, err);
    if (st)
        goto out;
    stats->skipped = (long)cat->n;
    for (long k = 0; k < pl->total; k++)
        if (!done[k])
            pl->todo[pl->ntodo++] = k;
    st = initial_energy(pot, sys, p, &pl->e0, err);
out:
    pel_catalog_free(&cat);
    free(done);
    if (st)
        plan_free(pl);
    return st;
}

/* ---------------------------------------------------------------------- */
/* Several processes (pel_art_run_comm).                                   */

/* The header rank 0 sends every rank before the searches (and after them,
 * with the result): a status, and on failure its message. */
typedef struct dist_head {
    int64_t status, ntodo, campaign_len, skipped, truncated;
    double e0;
} dist_head;

/* Rank 0's status and error to every rank; returns the status. */
static int bcast_status(const pel_art_run_comm *c, int st, pel_error *err)
{
    int64_t s = st;
    pel_error e = {0};
    if (err)
        e = *err;
    if (c->bcast(c->ctx, &s, sizeof s) || (s && c->bcast(c->ctx, &e, sizeof e)))
        return pel_error_set(err, PEL_EIO, "art: message to the other processes failed");
    if (s && err)
        *err = e;
    return (int)s;
}

/* Rank 0: handle one message of another rank; *ndone counts finished ranks. */
static void on_message(run_shared *sh, int kind, const char *text, int *ndone)
{
    pel_error e = {0};
    if (kind == PEL_ART_MSG_DONE) {
        (*ndone)++;
    } else if (kind == PEL_ART_MSG_FAIL) {
        (*ndone)++;
        int code = (int)strtol(text, NULL, 10);
        const char *msg = strchr(text, ' ');
        pel_error_set(&e, code < 0 ? code : PEL_ESTATE, "%s", msg ? msg + 1 : text);
        set_fatal(sh, e.code, &e);
    } else if (!sh->fatal) {
        pel_catalog_row row;
        int st = pel_catalog_row_parse(text, &row, &e);
        if (st)
            set_fatal(sh, st, &e);
        else
            record(sh, &row);
        pel_catalog_row_clear(&row);
    }
}

/* Rank > 0 to rank 0: the first failure, as "code message". */
static int send_failure(const pel_art_run_comm *c, int st, const pel_error *err)
{
    char msg[sizeof err->msg + 16];
    snprintf(msg, sizeof msg, "%d %s", st, err ? err->msg : "");
    return c->send(c->ctx, PEL_ART_MSG_FAIL, msg, strlen(msg));
}

/* Rank > 0, before any search: ready when its campaign is rank 0's. */
static int dist_ready(const pel_system *sys, const pel_art_run_params *p, const char *campaign0, pel_error *err)
{
    const pel_art_run_comm *c = p->comm;
    char *mine = NULL;
    int st = campaign_line(sys, p, &mine, err);
    if (!st && strcmp(mine, campaign0) != 0)
        st = pel_error_set(err, PEL_ESTATE, "art: process %d was given another campaign than process 0 "
                           "(other input files or options?)", c->rank);
    free(mine);
    if (st ? send_failure(c, st, err) : c->send(c->ctx, PEL_ART_MSG_READY, "", 0))
        return pel_error_set(err, PEL_EIO, "art: process %d cannot reach process 0", c->rank);
    return PEL_OK;
}

/* Rank 0: every other rank ready, or the first failure. */
static int dist_wait_ready(const pel_art_run_comm *c, pel_error *err)
{
    int st = PEL_OK;
    for (int n = 0; n < c->size - 1; n++) {
        int kind;
        char *text;
        pel_error e = {0};
        if (c->recv(c->ctx, 1, &kind, &text, &e))
            return pel_error_set(err, PEL_EIO, "art: %s", e.msg);
        if (kind == PEL_ART_MSG_FAIL && !st) {
            int code = (int)strtol(text, NULL, 10);
            const char *msg = strchr(text, ' ');
            st = pel_error_set(err, code < 0 ? code : PEL_ESTATE, "%s", msg ? msg + 1 : text);
        } else if (kind != PEL_ART_MSG_READY && kind != PEL_ART_MSG_FAIL && !st) {
            st = pel_error_set(err, PEL_ESTATE, "art: unexpected message %d before the searches", kind);
        }
        free(text);
    }
    return st;
}

/* Rank > 0: run searches todo[rank], todo[rank + size], ... and send each
 * row to rank 0; then done, or the first failure. */
static int dist_worker(const pel_eam *pot, const pel_system *sys, const pel_art_run_params *p, const run_plan *pl,
                       pel_error *err)
{
    const pel_art_run_comm *c = p->comm;
    char *line = NULL;
    searcher sr;
    int st = searcher_init(&sr, sys, p, err);
    for (long i = c->rank; !st && i < pl->ntodo; i += c->size) {
        pel_catalog_row row;
        st = run_one(pot, sys, p, pl->e0, pl->todo[i], &sr, &row, err);
        if (!st)
            st = pel_catalog_row_format(&row, &line, err);
        pel_catalog_row_clear(&row);
        if (!st && c->send(c->ctx, PEL_ART_MSG_ROW, line, strlen(line)))
            st = pel_error_set(err, PEL_EIO, "art: process %d cannot send a row to process 0", c->rank);
        free(line);
        line = NULL;
    }
    searcher_destroy(&sr);
    return st ? send_failure(c, st, err) : c->send(c->ctx, PEL_ART_MSG_DONE, "", 0);
}

/* Rank 0: its own share of the searches, every other rank's rows as they
 * come, the catalog written and finished as in one process. */
static int dist_root(const pel_eam *pot, const pel_system *sys, const pel_art_run_params *p, const char *path,
                     const run_plan *pl, pel_art_run_stats *stats, run_shared *sh, pel_error *err)
{
    const pel_art_run_comm *c = p->comm;
    int ndone = 0, st = pel_catalog_writer_open(path, pl->campaign, &sh->w, err);
    if (st)
        set_fatal(sh, st, err);
    searcher sr;
    int have_sr = 0;
    if (!sh->fatal) {
        pel_error e = {0};
        if ((st = searcher_init(&sr, sys, p, &e)) == PEL_OK)
            have_sr = 1;
        else
            set_fatal(sh, st, &e);
    }
    for (long i = 0; !sh->fatal && !sh->stop && i < pl->ntodo; i += c->size) {
        pel_catalog_row row;
        pel_error e = {0};
        if ((st = run_one(pot, sys, p, pl->e0, pl->todo[i], &sr, &row, &e)))
            set_fatal(sh, st, &e);
        else
            record(sh, &row);
        pel_catalog_row_clear(&row);
        int kind;
        char *text;
        while (c->recv(c->ctx, 0, &kind, &text, &e) == 0) { /* rows that came meanwhile */
            on_message(sh, kind, text, &ndone);
            free(text);
        }
    }
    if (have_sr)
        searcher_destroy(&sr);
    while (ndone < c->size - 1) {
        int kind;
        char *text;
        pel_error e = {0};
        if (c->recv(c->ctx, 1, &kind, &text, &e)) {
            set_fatal(sh, PEL_EIO, &e);
            break;
        }
        on_message(sh, kind, text, &ndone);
        free(text);
    }
    pel_catalog_writer_close(&sh->w);
    if (sh->fatal) {
        if (err)
            *err = sh->err;
        return sh->fatal;
    }
    stats->stopped = sh->stop;
    return finish(path, p, stats, err);
}

static int run_distributed(const pel_eam *pot, const pel_system *sys, const pel_art_run_params *p, const char *path,
                           pel_art_run_stats *stats, pel_progress_fn progress, void *progress_ctx, pel_error *err)
{
    const pel_art_run_comm *c = p->comm;
    run_plan pl = {0};
    int st = check_run_params(sys, p, err);
    if (!st && c->rank == 0)
        st = plan_make(pot, sys, p, path, stats, &pl, err);
    if ((st = bcast_status(c, st, err)))
        return st;
    dist_head h = {0, pl.ntodo, pl.campaign ? (int64_t)strlen(pl.campaign) + 1 : 0, stats->skipped,
                   stats->truncated, pl.e0};
    if (c->bcast(c->ctx, &h, sizeof h)) {
        plan_free(&pl);
        return pel_error_set(err, PEL_EIO, "art: message to the other processes failed");
    }
    if (c->rank != 0) {
        pl.ntodo = h.ntodo;
        pl.e0 = h.e0;
        pl.todo = malloc(((size_t)h.ntodo + 1) * sizeof *pl.todo);
        pl.campaign = malloc((size_t)h.campaign_len + 1);
        if (!pl.todo || !pl.campaign) { /* the collectives must still be met: abort the job */
            plan_free(&pl);
            return pel_error_set(err, PEL_ENOMEM, "art: out of memory for %lld searches", (long long)h.ntodo);
        }
    }
    if (c->bcast(c->ctx, pl.todo, (size_t)h.ntodo * sizeof *pl.todo) ||
        c->bcast(c->ctx, pl.campaign, (size_t)h.campaign_len)) {
        plan_free(&pl);
        return pel_error_set(err, PEL_EIO, "art: message to the other processes failed");
    }
    stats->total = pl.total = (long)p->ncenters * p->searches_per_center;
    /* every rank agrees on the campaign before anything is searched */
    st = c->rank == 0 ? dist_wait_ready(c, err) : dist_ready(sys, p, pl.campaign, err);
    if ((st = bcast_status(c, c->rank == 0 ? st : 0, err))) {
        plan_free(&pl);
        return st;
    }
    if (c->rank == 0) {
        run_shared sh = {0};
        sh.pending = pl.ntodo;
        sh.progress = progress;
        sh.progress_ctx = progress_ctx;
        st = dist_root(pot, sys, p, path, &pl, stats, &sh, err);
    } else if (dist_worker(pot, sys, p, &pl, err)) {
        st = pel_error_set(err, PEL_EIO, "art: process %d cannot reach process 0", c->rank);
    }
    plan_free(&pl);
    /* every rank ends with rank 0's result */
    int fin = bcast_status(c, c->rank == 0 ? st : 0, err);
    if (c->bcast(c->ctx, stats, sizeof *stats))
        fin = fin ? fin : pel_error_set(err, PEL_EIO, "art: message to the other processes failed");
    return fin ? fin : st;
}

int pel_art_run(const pel_eam *pot, const pel_system *sys, const pel_art_run_params *p, const char *path,
                pel_art_run_stats *stats, pel_progress_fn progress, void *progress_ctx, pel_error *err)
{
    memset(stats, 0, sizeof *stats);
    double t0 = pel_wall_seconds();
    int st;
    if (p->comm && p->comm->size > 1) {
        st = run_distributed(pot, sys, p, path, stats, progress, progress_ctx, err);
        stats->wall_s = pel_wall_seconds() - t0;
        return st;
    }
    run_plan pl = {0};
    if ((st = check_run_params(sys, p, err)))
        return st;
    stats->total = (long)p->ncenters * p->searches_per_center;
    if ((st = plan_make(pot, sys, p, path, stats, &pl, err)))
        goto out;
    run_shared sh = {0};
    sh.pending = pl.ntodo;
    sh.progress = progress;
    sh.progress_ctx = progress_ctx;
    st = pel_catalog_writer_open(path, pl.campaign, &sh.w, err);
    if (st)
        goto out;
#ifdef _OPENMP
    int nt = p->nthreads > 0 ? p->nthreads : omp_get_max_threads();
#pragma omp parallel num_threads(nt)
#endif
    worker(pot, sys, p, pl.e0, pl.todo, pl.ntodo, &sh);
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
    plan_free(&pl);
    return st;
}

/* ---------------------------------------------------------------------- */
/* A campaign from its input files.                                        */

static int centers_random(const char *spec, const pel_system *sys, uint64_t seed, size_t **out, size_t *n,
                          pel_error *err)
{
    long k;
    if (pel_parse_long(spec + 7, "--centers random:K", &k, err))
        return PEL_EINVAL;
    if (k <= 0 || (size_t)k > sys->n)
        return pel_error_set(err, PEL_EINVAL, "--centers random:%ld: K must be in 1..%zu", k, sys->n);
    size_t *all = malloc(sys->n * sizeof *all);
    *out = malloc((size_t)k * sizeof **out);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    int st = all && *out && rng ? PEL_OK : pel_error_set(err, PEL_ENOMEM, "art: out of memory");
    if (!st) {
        for (size_t i = 0; i < sys->n; i++)
            all[i] = i;
        gsl_rng_set(rng, (unsigned long)pel_seed_stream(seed, PEL_ART_CENTER_STREAM));
        gsl_ran_choose(rng, *out, (size_t)k, all, sys->n, sizeof *all);
        *n = (size_t)k;
    }
    if (rng)
        gsl_rng_free(rng);
    free(all);
    return st;
}

static int centers_ids(const char *spec, const pel_system *sys, size_t **out, size_t *n, pel_error *err)
{
    char *list = malloc(strlen(spec + 4) + 1);
    *out = malloc((strlen(spec) + 1) * sizeof **out);
    if (!list || !*out) {
        free(list);
        return pel_error_set(err, PEL_ENOMEM, "art: out of memory");
    }
    strcpy(list, spec + 4);
    char *save = NULL;
    int st = PEL_OK;
    for (char *tok = strtok_r(list, ",", &save); tok && !st; tok = strtok_r(NULL, ",", &save)) {
        long id;
        if ((st = pel_parse_long(tok, "--centers ids", &id, err)))
            break;
        size_t i = 0;
        while (i < sys->n && sys->id[i] != id)
            i++;
        if (i == sys->n)
            st = pel_error_set(err, PEL_EINVAL, "--centers: unknown centre id %ld (no such atom in the data file)", id);
        else
            (*out)[(*n)++] = i;
    }
    free(list);
    if (!st && *n == 0)
        st = pel_error_set(err, PEL_EINVAL, "--centers ids: empty list");
    return st;
}

int pel_art_centers_select(const char *spec, const pel_system *sys, uint64_t seed, size_t **centers, size_t *n,
                           pel_error *err)
{
    *centers = NULL;
    *n = 0;
    int st;
    if (strcmp(spec, "all") == 0) {
        *centers = malloc(sys->n * sizeof **centers);
        if (!*centers)
            return pel_error_set(err, PEL_ENOMEM, "art: out of memory");
        for (size_t i = 0; i < sys->n; i++)
            (*centers)[i] = i;
        *n = sys->n;
        return PEL_OK;
    }
    if (strncmp(spec, "random:", 7) == 0)
        st = centers_random(spec, sys, seed, centers, n, err);
    else if (strncmp(spec, "ids:", 4) == 0)
        st = centers_ids(spec, sys, centers, n, err);
    else
        st = pel_error_set(err, PEL_EINVAL, "--centers '%s': expected all, random:K or ids:LIST", spec);
    if (st) {
        free(*centers);
        *centers = NULL;
        *n = 0;
    }
    return st;
}

int pel_art_ensure_minimum(const pel_eam *pot, pel_system *sys, double ftol, double *fmax, pel_error *err)
{
    return pel_art_ensure_minimum_engine(NULL, pot, sys, ftol, fmax, err);
}

int pel_art_ensure_minimum_engine(const pel_engine_spec *spec, const pel_eam *pot, pel_system *sys, double ftol,
                                  double *fmax, pel_error *err)
{
    pel_engine *calc = NULL;
    *fmax = 0;
    int st = pel_engine_spec_new(&calc, spec, pot, sys, 0.3, 1, err);
    if (st)
        return st;
    pel_forces fo = {0};
    fo.f = malloc(3 * sys->n * sizeof *fo.f);
    st = fo.f ? pel_engine_compute(calc, sys, &fo, err) : pel_error_set(err, PEL_ENOMEM, "art: out of memory");
    for (size_t i = 0; !st && i < 3 * sys->n; i++)
        *fmax = *fmax > fabs(fo.f[i]) ? *fmax : fabs(fo.f[i]);
    free(fo.f);
    if (!st && *fmax > ftol) {
        pel_min_params mp;
        pel_min_params_default(&mp);
        mp.box = PEL_BOX_FIXED;
        mp.ftol = 0.1 * ftol;
        pel_min_result res;
        st = pel_minimize(calc, sys, &mp, &res, NULL, NULL, err);
    }
    pel_engine_free(&calc);
    return st;
}

/* FNV-1a of an engine's lines, each ended by a newline, and their length. */
static void lines_fnv1a(const pel_engine_spec *e, uint64_t *h, int64_t *len)
{
    *h = 14695981039346656037ULL;
    *len = 0;
    for (int i = 0; i < e->nlines; i++)
        for (const char *s = e->lines[i];; s++) {
            *h = (*h ^ (unsigned char)(*s ? *s : '\n')) * 1099511628211ULL;
            ++*len;
            if (!*s)
                break;
        }
}

void pel_art_campaign_free(pel_art_campaign *c)
{
    if (!c)
        return;
    pel_eam_free(&c->pot);
    pel_system_free(&c->sys);
    free(c->centers);
    free(c->inputs);
    memset(c, 0, sizeof *c);
}

int pel_art_campaign_prepare(const char *data_path, const char *potential_path, const char *elements,
                             const char *centers, const pel_art_run_params *p, pel_art_campaign *c, pel_error *err)
{
    memset(c, 0, sizeof *c);
    c->run = *p;
    if (!centers)
        centers = "all";
    /* spaces would split the campaign line's key=value entries */
    if (strpbrk(centers, " \t\n") || (elements && strpbrk(elements, " \t\n")))
        return pel_error_set(err, PEL_EINVAL, "--centers and --elements must not contain spaces");
    uint64_t hd, hp;
    int64_t nd, np;
    int eam = pel_engine_spec_is_eam(p->engine);
    int st = pel_system_read_data(data_path, elements, &c->sys, err);
    if (!st && eam)
        st = pel_eam_read_auto(potential_path, &c->pot, err);
    if (!st)
        st = pel_art_centers_select(centers, c->sys, p->seed, &c->centers, &c->run.ncenters, err);
    if (!st)
        st = pel_art_ensure_minimum_engine(p->engine, c->pot, c->sys, p->art.min_ftol, &c->fmax_start, err);
    if (!st)
        st = pel_file_fnv1a(data_path, &hd, &nd, err);
    if (!st && eam)
        st = pel_file_fnv1a(potential_path, &hp, &np, err);
    else if (!st)
        lines_fnv1a(p->engine, &hp, &np); /* LAMMPS: the identity of its lines */
    size_t len = 640;
    if (!st && !(c->inputs = malloc(len)))
        st = pel_error_set(err, PEL_ENOMEM, "art: out of memory");
    if (st) {
        pel_art_campaign_free(c);
        return st;
    }
    snprintf(c->inputs, len,
             "data_fnv1a=%016" PRIx64 " data_bytes=%lld potential_fnv1a=%016" PRIx64 " potential_bytes=%lld "
             "elements=%.64s centers=%.400s",
             hd, (long long)nd, hp, (long long)np, elements ? elements : "-", centers);
    c->minimised = c->fmax_start > p->art.min_ftol;
    c->run.centers = c->centers;
    c->run.inputs = c->inputs;
    return PEL_OK;
}
