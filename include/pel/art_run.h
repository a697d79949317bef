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

/* Messages between the processes of one campaign (pel_art_run_params.comm):
 * the caller's transport (MPI in `pel art`, cli/art_mpi.c), so the library
 * itself never starts or ends one.  Every callback returns 0 on success,
 * nonzero on a transport failure.  Message kinds of send/recv: */
enum { PEL_ART_MSG_ROW = 1, PEL_ART_MSG_DONE = 2, PEL_ART_MSG_FAIL = 3, PEL_ART_MSG_READY = 4 };
typedef struct pel_art_run_comm {
    int rank, size;  /* this process, and how many run the campaign (rank 0 writes the catalog) */
    /* Rank 0's n bytes of buf to every rank (a collective: all ranks call it). */
    int (*bcast)(void *ctx, void *buf, size_t n);
    /* Rank > 0 to rank 0: one message of n bytes (a catalog line, or the
     * error text of a failure; empty for ready and done). */
    int (*send)(void *ctx, int kind, const char *text, size_t n);
    /* Rank 0: the next message from any rank (*text malloc'd, NUL-terminated,
     * caller frees).  With wait == 0 returns -1 at once when none is pending. */
    int (*recv)(void *ctx, int wait, int *kind, char **text, pel_error *err);
    void *ctx;
} pel_art_run_comm;

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
    const pel_art_run_comm *comm; /* NULL or size 1: one process.  Otherwise every rank calls
                                     pel_art_run with the same arguments; search todo[i] of the
                                     searches still to do runs on rank i mod size, one at a time
                                     (nthreads is ignored), rank 0 alone reads and writes the
                                     catalog, and the catalog equals the one-process catalog */
    const pel_engine_spec *engine; /* NULL: pel's EAM on the potential; else each search's engine
                                      (e.g. LAMMPS; the potential argument may then be NULL) */
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

/* ---------------------------------------------------------------------- */
/* A campaign from its input files: what `pel art` runs, so that a C or
 * Python caller reproduces a CLI campaign (same catalog, byte for byte). */

/* Stream of the random:K centre draw (no search id reaches it). */
#define PEL_ART_CENTER_STREAM UINT64_MAX

/* Centres from a spec: "all", "random:K" (K distinct atoms, gsl_ran_choose
 * with an MT19937 seeded from pel_seed_stream(seed, PEL_ART_CENTER_STREAM),
 * so in index order) or "ids:ID,ID,..." (data-file ids, in the given order).
 * *centers is malloc'd 0-based indices (caller frees).  PEL_EINVAL naming
 * the spec when it is malformed or names no atom. */
int pel_art_centers_select(const char *spec, const pel_system *sys, uint64_t seed, size_t **centers, size_t *n,
                           pel_error *err);

/* The largest force component of sys (*fmax, eV/Å); when it exceeds ftol,
 * sys is minimised in place (fixed box, to ftol / 10) before returning. */
int pel_art_ensure_minimum(const pel_eam *pot, pel_system *sys, double ftol, double *fmax, pel_error *err);
/* The same with the engine of spec (NULL: EAM on pot). */
int pel_art_ensure_minimum_engine(const pel_engine_spec *spec, const pel_eam *pot, pel_system *sys, double ftol,
                                  double *fmax, pel_error *err);

typedef struct pel_art_campaign {
    pel_eam *pot;            /* owned: the potential */
    pel_system *sys;         /* owned: the sample, minimised first when it was not a minimum */
    size_t *centers;         /* owned: run.centers */
    char *inputs;            /* owned: run.inputs, the identity of the input files and the spec */
    double fmax_start;       /* largest force component of the sample as read, eV/Å */
    int minimised;           /* 1: fmax_start > run.art.min_ftol, so it was minimised */
    pel_art_run_params run;  /* the caller's parameters with centers, ncenters and inputs set:
                                pass to pel_art_run(pot, sys, &run, ...) */
} pel_art_campaign;

/* Read the data file (elements: of each atom type, NULL = from the file)
 * and the potential, select the centres (spec NULL = "all"; random:K draws
 * with p->seed), minimise the sample when needed, and record the inputs'
 * identity (FNV-1a and size of both files, elements, spec) for the campaign
 * line.  On failure c holds nothing. */
int pel_art_campaign_prepare(const char *data_path, const char *potential_path, const char *elements,
                             const char *centers, const pel_art_run_params *p, pel_art_campaign *c, pel_error *err);
void pel_art_campaign_free(pel_art_campaign *c);

#ifdef __cplusplus
}
#endif

#endif
