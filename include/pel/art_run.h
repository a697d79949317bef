/* art_run.h - a campaign of ART searches on an EAM glass, written to an event
 * catalog (catalog.h): searches_per_center searches around each listed
 * centre, in parallel (OpenMP, one engine and system copy per thread), rows
 * appended with fsync as each search ends, resumable after a kill, and the
 * same catalog for the same seed whatever the thread count: search k draws
 * its random numbers from pel_seed_stream(seed, k) and runs on a fresh
 * single-threaded engine.  At the end the catalog is sorted by search_id,
 * redundant events are marked (catalog.h rule) and the file is replaced
 * atomically.
 *
 * The catalog's first line records the campaign (PEL_CATALOG_CAMPAIGN_PREFIX):
 * seed, searches per centre, the centres, every ART parameter, the configs
 * directory and the caller's `inputs`.  A resume whose campaign line differs
 * is refused before anything is written, so two campaigns never merge. */
#ifndef PEL_ART_RUN_H
#define PEL_ART_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "pel/art.h"
#include "pel/eam.h"
#include "pel/system.h"
#include "pel/util.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest campaign (searches): the done mask and work list are allocated
 * from it, and search ids must stay exact in a long. */
#define PEL_ART_RUN_MAX_SEARCHES 1000000000L

typedef struct pel_art_run_params {
    const size_t *centers;   /* [ncenters] atom indices (0-based) */
    size_t ncenters;
    long searches_per_center; /* > 0 (paper: 10) */
    uint64_t seed;
    int nthreads;             /* <= 0: OpenMP default */
    double skin;              /* neighbour skin of each engine, Å (0.3) */
    double redundancy_tol;    /* E_saddle tolerance of the redundancy rule, eV (1e-3) */
    int resume;               /* continue an existing catalog (else it must not exist) */
    const char *inputs;       /* the caller's identity of the inputs (e.g. "data_fnv1a=... centers=
                                 random:30"), space-separated key=value without spaces in values;
                                 part of the campaign line (NULL = none) */
    const char *configs_dir;  /* existing directory: write the saddle and final configurations of
                                 every connected search there as extended XYZ, named in the
                                 catalog's configs_xyz column (NULL = do not) */
    pel_art_params art;
} pel_art_run_params;

typedef struct pel_art_run_stats {
    long total;        /* searches in the campaign */
    long skipped;      /* already in the catalog when resuming */
    long done;         /* rows in the final catalog */
    long converged, redundant, failed;
    double mean_force_calls;        /* over all rows */
    double mean_force_calls_saddle; /* over converged + redundant rows, to the saddle */
    double mean_force_calls_conv;   /* over converged + redundant rows, whole search */
    double wall_s;                  /* of this invocation */
    int truncated;     /* a torn last line was removed on resume */
    int stopped;       /* the progress callback asked to stop */
} pel_art_run_stats;

void pel_art_run_params_default(pel_art_run_params *p);

/* Run the campaign from the minimum `sys` (not modified) and write `path`.
 * Progress reports (done, total, note) come from inside a critical section.
 * Returns PEL_OK (stats filled; stats->stopped if interrupted by the
 * callback), PEL_EIO for an unwritable catalog or one that is not a regular
 * file, PEL_ESTATE for an existing catalog without resume or one of another
 * campaign, PEL_EPARSE for a corrupt catalog (left untouched), PEL_EINVAL
 * for ncenters x searches_per_center beyond PEL_ART_RUN_MAX_SEARCHES.  Rows
 * already written are never lost. */
int pel_art_run(const pel_eam *pot, const pel_system *sys, const pel_art_run_params *p, const char *path,
                pel_art_run_stats *stats, pel_progress_fn progress, void *progress_ctx, pel_error *err);

#ifdef __cplusplus
}
#endif

#endif
