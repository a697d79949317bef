/* bench_art.c - cost and success of ART nouveau on a glass (issue 4 item 5).
 *
 *   bench_art profile DATA NSEARCHES [SEED]   serial searches, per-phase force calls
 *   bench_art run DATA NCENTERS PER_CENTER THREADS [SEED]
 *                                             a pel_art_run campaign (random centres):
 *                                             success rate, force calls, searches/hour
 *   bench_art x0 DATA [NSTART]                lowest Hessian eigenvalue (translation-free
 *                                             Lanczos) of the minimised sample: is the
 *                                             initial state a stable minimum?
 * Trailing key=value arguments override ART parameters (e.g. perp_dt=0.25);
 * min=fire|cg|lbfgs sets the post-saddle minimiser (default lbfgs), final=1 prints
 * for each final state the atoms moved > 0.3 Å and the largest mover's
 * distance from the centre, moved=1 how many atoms move between successive
 * force calls (profile only).
 *
 * Force calls are the unit of cost; the time of one force call of the same
 * engine on the same sample is measured alongside, so that the ART overhead
 * (Lanczos bookkeeping, projections) shows as wall time minus calls x t_call. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "pel/art.h"
#include "pel/art_run.h"
#include "pel/catalog.h"
#include "pel/eam.h"
#include "pel/minimize.h"
#include "pel/util.h"

static int die(const pel_error *e)
{
    fprintf(stderr, "bench_art: %s\n", e->msg);
    return 1;
}

/* Wall time of one force call of a single-threaded engine, s. */
static double time_force_call(const pel_eam *pot, pel_system *sys)
{
    pel_engine *c = NULL;
    pel_error e = {0};
    if (pel_engine_eam_new(&c, pot, sys, 0.3, 1, &e))
        return NAN;
    pel_forces fo = {0};
    fo.f = malloc(3 * sys->n * sizeof *fo.f);
    int n = 200;
    double t = pel_wall_seconds();
    for (int i = 0; i < n; i++)
        pel_engine_compute(c, sys, &fo, &e);
    t = (pel_wall_seconds() - t) / n;
    free(fo.f);
    pel_engine_free(&c);
    return t;
}

static int load(const char *path, pel_system **sys, pel_eam **pot, double *e0, pel_error *e)
{
    if (pel_system_read_data(path, NULL, sys, e) || pel_eam_read_auto(PEL_EAM_DEFAULT_PATH, pot, e))
        return 1;
    pel_engine *c = NULL;
    if (pel_engine_eam_new(&c, *pot, *sys, 0.3, 1, e))
        return 1;
    pel_min_params mp;
    pel_min_params_default(&mp);
    mp.ftol = 5e-4;
    pel_min_result mr;
    int st = pel_minimize(c, *sys, &mp, &mr, NULL, NULL, e);
    *e0 = mr.energy;
    pel_engine_free(&c);
    return st != PEL_OK;
}

/* moved=1: how local are the force calls of ART?  A wrapper around the force
 * callback counts, per call, the atoms that moved since the previous call
 * (more than 1e-6 Å, and more than 1e-3 Å): a force update restricted to the
 * moved atoms and their neighbourhood could only pay if few atoms move. */
typedef struct moved_ctx {
    pel_force_fn inner;
    int (*inner_min)(void *ctx, double *x, double *energy, long *calls, pel_error *err);
    void *ictx;
    double *prev;
    size_t n;
    long calls;
    double frac6, frac3; /* sums over calls of the moved fractions */
} moved_ctx;

static int moved_force(void *ctx, const double *x, double *f, double *energy, pel_error *err)
{
    moved_ctx *m = ctx;
    if (m->calls++ > 0) {
        size_t n6 = 0, n3 = 0;
        for (size_t i = 0; i < m->n; i++) {
            double d2 = 0;
            for (int k = 0; k < 3; k++)
                d2 += (x[3 * i + k] - m->prev[3 * i + k]) * (x[3 * i + k] - m->prev[3 * i + k]);
            n6 += d2 > 1e-12;
            n3 += d2 > 1e-6;
        }
        m->frac6 += (double)n6 / (double)m->n;
        m->frac3 += (double)n3 / (double)m->n;
    }
    memcpy(m->prev, x, 3 * m->n * sizeof *x);
    return m->inner(m->ictx, x, f, energy, err);
}

/* The minimisations are not counted (they run inside the engine). */
static int moved_minimize(void *ctx, double *x, double *energy, long *calls, pel_error *err)
{
    moved_ctx *m = ctx;
    int st = m->inner_min(m->ictx, x, energy, calls, err);
    memcpy(m->prev, x, 3 * m->n * sizeof *x);
    return st;
}

/* Squared minimum-image distance between atom i of xa and atom j of xb. */
static double pbc_dist2(const pel_system *sys, const double *xa, size_t i, const double *xb, size_t j)
{
    double s = 0;
    for (int k = 0; k < 3; k++) {
        double d = xa[3 * i + k] - xb[3 * j + k];
        d -= sys->len[k] * nearbyint(d / sys->len[k]);
        s += d * d;
    }
    return s;
}

static pel_art_params g_params;
static int g_moved;
static int g_final;  /* print where the final state differs from the initial one (final=1) */

static int profile(const char *path, long nsearch, uint64_t seed)
{
    pel_error e = {0};
    pel_system *sys = NULL;
    pel_eam *pot = NULL;
    double e0;
    if (load(path, &sys, &pot, &e0, &e))
        return die(&e);
    pel_art_params p = g_params;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    long nconv = 0, st_count[PEL_ART_NSTATUS] = {0};
    double sum_basin = 0, sum_climb = 0, sum_after = 0, sum_lz = 0, sum_all = 0, sum_all_conv = 0;
    moved_ctx mv = {0};
    double moved6 = 0, moved3 = 0;
    long moved_calls = 0;
    if (g_moved && !(mv.prev = malloc(3 * sys->n * sizeof *mv.prev))) {
        fprintf(stderr, "bench_art: out of memory\n");
        return 1;
    }
    double t0 = pel_wall_seconds();
    printf("search center status basin_calls climb_calls after_calls lanczos_calls EA_eV ER_eV n_disp order_retries lambda2 lost_longest lost_retries\n");
    for (long k = 0; k < nsearch; k++) {
        pel_engine *c = NULL;
        pel_art_calc ad;
        pel_art_surface surf;
        pel_art *art = NULL;
        if (pel_engine_eam_new(&c, pot, sys, 0.3, 1, &e) || pel_art_calc_init(&ad, &surf, c, sys, &p, &e))
            return die(&e);
        if (g_moved) {
            mv.inner = surf.force;
            mv.ictx = surf.ctx;
            mv.n = sys->n;
            mv.calls = 0;
            mv.frac6 = mv.frac3 = 0;
            mv.inner_min = surf.minimize;
            surf.force = moved_force;
            surf.minimize = moved_minimize;
            surf.ctx = &mv;
        }
        if (pel_art_new(&art, &surf, &p, &e))
            return die(&e);
        gsl_rng_set(rng, pel_seed_stream(seed, (uint64_t)k));
        size_t center = (size_t)gsl_rng_uniform_int(rng, sys->n);
        pel_art_result r;
        if (pel_art_search(art, sys->x, e0, center, rng, &r, &e))
            return die(&e);
        long climb = r.force_calls_saddle ? r.force_calls_saddle - r.force_calls_basin : r.force_calls - r.force_calls_basin;
        long after = r.force_calls_saddle ? r.force_calls - r.force_calls_saddle : 0;
        printf("%ld %zu %s %ld %ld %ld %ld %.4f %.4f %zu %d %.4f %d %d\n", k, center, pel_art_status_name(r.status),
               r.force_calls_basin, climb, after, r.force_calls_lanczos, r.e_saddle - r.e_initial,
               r.e_saddle - r.e_final, r.n_displaced, r.order_retries, r.eigenvalue2, r.lost_longest, r.lost_retries);
        if (g_final && pel_art_final(art)) {
            /* Which atoms moved more than 0.3 Å between the initial and the
             * final minimum, and how far the largest mover is from the centre:
             * a remote atom moving in many events is a soft spot elsewhere
             * (docs/art.md, "remote rattler"). */
            const double *xf = pel_art_final(art);
            size_t imax = 0;
            double dmax = 0;
            int n03 = 0;
            for (size_t i = 0; i < sys->n; i++) {
                double d2 = pbc_dist2(sys, xf, i, sys->x, i);
                if (d2 > 0.09)
                    n03++;
                if (d2 > dmax) {
                    dmax = d2;
                    imax = i;
                }
            }
            double r2 = pbc_dist2(sys, sys->x, imax, sys->x, center);
            /* The saddle mode's largest atom component and its share of the norm. */
            const double *v = pel_art_eigvec(art);
            size_t vmax = 0;
            double w2 = 0;
            for (size_t i = 0; v && i < sys->n; i++) {
                double q = v[3 * i] * v[3 * i] + v[3 * i + 1] * v[3 * i + 1] + v[3 * i + 2] * v[3 * i + 2];
                if (q > w2) {
                    w2 = q;
                    vmax = i;
                }
            }
            printf("#   final: %d atoms > 0.3 A, max %.3f A atom %zu at %.1f A from centre; mode: atom %zu carries %.0f%%\n",
                   n03, sqrt(dmax), imax, sqrt(r2), vmax, 100 * w2);
        }
        fflush(stdout);
        st_count[r.status]++;
        sum_all += (double)r.force_calls;
        sum_lz += (double)r.force_calls_lanczos;
        if (r.status == PEL_ART_CONVERGED) {
            nconv++;
            sum_basin += (double)r.force_calls_basin;
            sum_climb += (double)climb;
            sum_after += (double)after;
            sum_all_conv += (double)r.force_calls;
        }
        if (g_moved) {
            moved6 += mv.frac6;
            moved3 += mv.frac3;
            moved_calls += mv.calls > 0 ? mv.calls - 1 : 0;
        }
        pel_art_free(&art);
        pel_art_calc_destroy(&ad);
        pel_engine_free(&c);
    }
    if (g_moved && moved_calls > 0)
        printf("# force calls of ART outside the minimisations: %ld; atoms moved since the previous call: "
               "%.1f%% by > 1e-6 A, %.1f%% by > 1e-3 A (means over calls)\n",
               moved_calls, 100 * moved6 / (double)moved_calls, 100 * moved3 / (double)moved_calls);
    free(mv.prev);
    double wall = pel_wall_seconds() - t0;
    double tcall = time_force_call(pot, sys);
    printf("# %zu atoms, %ld searches, %ld converged (%.0f%%); statuses:", sys->n, nsearch, nconv,
           100.0 * (double)nconv / (double)nsearch);
    for (int i = 0; i < PEL_ART_NSTATUS; i++)
        if (st_count[i])
            printf(" %s %ld", pel_art_status_name(i), st_count[i]);
    printf("\n# per converged search: basin %.0f + climb %.0f = %.0f to the saddle, + %.0f push over/back = %.0f "
           "force calls\n",
           nconv ? sum_basin / (double)nconv : 0, nconv ? sum_climb / (double)nconv : 0,
           nconv ? (sum_basin + sum_climb) / (double)nconv : 0, nconv ? sum_after / (double)nconv : 0,
           nconv ? sum_all_conv / (double)nconv : 0);
    printf("# all searches: %.0f force calls per search (%.0f%% in Lanczos); all calls / converged = %.0f\n",
           sum_all / (double)nsearch, 100.0 * sum_lz / sum_all, nconv ? sum_all / (double)nconv : INFINITY);
    printf("# wall %.1f s, force call %.3f ms (1 thread) -> %.0f%% of wall in force calls; %.0f searches/hour/thread\n",
           wall, 1e3 * tcall, 100.0 * tcall * sum_all / wall, 3600.0 * (double)nsearch / wall);
    gsl_rng_free(rng);
    pel_eam_free(&pot);
    pel_system_free(&sys);
    return 0;
}

/* Lowest Hessian eigenvalue at the (re)minimised sample, Lanczos from random
 * starts (diagnostic: is the initial state a stable minimum?). */
static int initial_mode(const char *path, int nstart)
{
    pel_error e = {0};
    pel_system *sys = NULL;
    pel_eam *pot = NULL;
    double e0, en;
    if (load(path, &sys, &pot, &e0, &e))
        return die(&e);
    pel_engine *c = NULL;
    pel_art_calc ad;
    pel_art_surface surf;
    pel_lanczos *lz = NULL;
    pel_lanczos_params lp;
    pel_lanczos_params_default(&lp);
    lp.max_vectors = 80;
    lp.rel_tol = 1e-4;
    size_t nd = 3 * sys->n;
    double *f = malloc(nd * sizeof *f), *v = malloc(nd * sizeof *v);
    if (pel_engine_eam_new(&c, pot, sys, 0.3, 1, &e) || pel_art_calc_init(&ad, &surf, c, sys, &g_params, &e) ||
        pel_lanczos_new(&lz, nd, &lp, &e) || surf.force(surf.ctx, sys->x, f, &en, &e))
        return die(&e);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    for (int k = 0; k < nstart; k++) {
        for (size_t i = 0; i < nd; i++)
            v[i] = gsl_ran_gaussian(rng, 1.0);
        double m[3] = {0, 0, 0}; /* translation-free start: the zero modes are not of interest */
        for (size_t i = 0; i < nd; i++)
            m[i % 3] += v[i] / (double)sys->n;
        for (size_t i = 0; i < nd; i++)
            v[i] -= m[i % 3];
        double lambda;
        long calls = 0;
        if (pel_lanczos_lowest(lz, surf.force, surf.ctx, sys->x, f, v, &lambda, &calls, &e))
            return die(&e);
        printf("start %d: lowest eigenvalue %.5f eV/A^2 (%ld calls)\n", k, lambda, calls);
    }
    gsl_rng_free(rng);
    free(f);
    free(v);
    pel_lanczos_free(&lz);
    pel_art_calc_destroy(&ad);
    pel_engine_free(&c);
    pel_eam_free(&pot);
    pel_system_free(&sys);
    return 0;
}

static int campaign(const char *path, long ncenters, long per, int threads, uint64_t seed)
{
    pel_error e = {0};
    pel_system *sys = NULL;
    pel_eam *pot = NULL;
    double e0;
    if (load(path, &sys, &pot, &e0, &e))
        return die(&e);
    pel_art_run_params p;
    pel_art_run_params_default(&p);
    size_t *all = malloc(sys->n * sizeof *all), *centers = malloc((size_t)ncenters * sizeof *centers);
    for (size_t i = 0; i < sys->n; i++)
        all[i] = i;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, pel_seed_stream(seed, UINT64_MAX));
    gsl_ran_choose(rng, centers, (size_t)ncenters, all, sys->n, sizeof *all);
    p.centers = centers;
    p.ncenters = (size_t)ncenters;
    p.searches_per_center = per;
    p.nthreads = threads;
    p.seed = seed;
    p.art = g_params;
    char out[64];
    snprintf(out, sizeof out, "/tmp/bench_art_%ld.csv", (long)getpid());
    remove(out);
    pel_art_run_stats s;
    if (pel_art_run(pot, sys, &p, out, &s, NULL, NULL, &e))
        return die(&e);
    double tcall = time_force_call(pot, sys);
    long good = s.converged + s.redundant;
    printf("%zu atoms, %ld searches on %d threads: converged %ld, redundant %ld, failed %ld (success %.0f%%)\n", sys->n,
           s.done, threads, s.converged, s.redundant, s.failed, 100.0 * (double)good / (double)s.done);
    printf("force calls: %.0f per search; per converged search %.0f to the saddle, %.0f in all; all calls / converged "
           "= %.0f\n",
           s.mean_force_calls, s.mean_force_calls_saddle, s.mean_force_calls_conv,
           good ? s.mean_force_calls * (double)s.done / (double)good : INFINITY);
    printf("wall %.1f s: %.0f searches/hour, %.0f converged saddles/hour; force call %.3f ms (1 thread)\n", s.wall_s,
           3600.0 * (double)s.done / s.wall_s, 3600.0 * (double)good / s.wall_s, 1e3 * tcall);
    printf("catalog: %s\n", out);
    free(all);
    free(centers);
    gsl_rng_free(rng);
    pel_eam_free(&pot);
    pel_system_free(&sys);
    return 0;
}

int main(int argc, char **argv)
{
    pel_art_params_default(&g_params);
    /* Trailing key=value arguments override ART parameters. */
    while (argc > 1 && strchr(argv[argc - 1], '=')) {
        if (strcmp(argv[argc - 1], "moved=1") == 0) {
            g_moved = 1;
            argc--;
            continue;
        }
        if (strncmp(argv[argc - 1], "min=", 4) == 0) {
            pel_error e = {0};
            pel_min_algo algo;
            if (pel_min_algo_parse(argv[argc - 1] + 4, &algo, &e)) {
                fprintf(stderr, "bench_art: %s\n", e.msg);
                return 2;
            }
            g_params.min_algo = (int)algo; /* the post-saddle minimiser */
            argc--;
            continue;
        }
        if (strcmp(argv[argc - 1], "final=1") == 0) {
            g_final = 1;
            argc--;
            continue;
        }
        pel_error e = {0};
        if (pel_art_params_set(&g_params, argv[argc - 1], &e)) {
            fprintf(stderr, "bench_art: %s\n", e.msg);
            return 2;
        }
        argc--;
    }
    if (argc >= 4 && strcmp(argv[1], "profile") == 0)
        return profile(argv[2], atol(argv[3]), argc > 4 ? (uint64_t)atol(argv[4]) : 1);
    if (argc >= 3 && strcmp(argv[1], "x0") == 0)
        return initial_mode(argv[2], argc > 3 ? atoi(argv[3]) : 3);
    if (argc >= 6 && strcmp(argv[1], "run") == 0)
        return campaign(argv[2], atol(argv[3]), atol(argv[4]), atoi(argv[5]), argc > 6 ? (uint64_t)atol(argv[6]) : 1);
    fprintf(stderr, "usage: bench_art profile DATA NSEARCHES [SEED] | run DATA NCENTERS PER_CENTER THREADS [SEED] | x0 DATA [NSTART]\n");
    return 2;
}
