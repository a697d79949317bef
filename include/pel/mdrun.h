/* mdrun.h - MD along a thermal protocol (docs/md.md "Protocols"): the
 * model's protocol grammar (include/pel/protocol.h) run by NPT molecular
 * dynamics, with the zero-pressure inherent structure (IS) of the trajectory
 * sampled every `sample_every_K` on ramps and every `sample_every_ps` on
 * holds.  `pel quench` is the special case "eq@T_from; hold t_eq; cool T_to@q"
 * on a random liquid.
 *
 * Protocol semantics in MD: the start `eq@T` means "the starting
 * configuration at T" (velocities created at T unless the start system has
 * its own); `E=...@T` has no meaning here and is refused.  A ramp is one
 * LAMMPS-style run with the thermostat target ramped linearly from the
 * current T to its end over round(|dT| / (|rate| dt)) steps; a hold is a run
 * of round(duration / dt) steps at constant target.  Hold durations are
 * usually given in ps or ns ("hold 200ps").
 *
 * Samples: on a ramp at T_start - k dT (k = 0, 1, ...) and at its end; on a
 * hold at k dt_sample (k = 0, 1, ...) and at its end; a sample due at the same
 * MD step as the previous one is not repeated.  sample_every_ps = 0 leaves
 * holds unsampled (sample_every_K = 0 the same for ramps).
 *
 * Runs are resumable bit for bit, as quench.h describes: at every
 * `checkpoint_every` global MD steps the whole state (system, thermostat and
 * barostat chains, segment, rows so far, the caller's mark) is written
 * atomically and the force engine is rebuilt from scratch, so that a resumed
 * run sees the same neighbour lists and floating-point sums.  A checkpoint is
 * tied to the parameters that fix the trajectory (a fingerprint: protocol,
 * start configuration, seed, dt, damping, sampling, minimiser) and refused
 * with another set.  The format is native (x86_64 little endian doubles), so
 * it resumes on any machine running the same build. */
#ifndef PEL_MDRUN_H
#define PEL_MDRUN_H

#include <stddef.h>
#include <stdint.h>

#include "pel/eam.h"
#include "pel/error.h"
#include "pel/md.h"
#include "pel/minimize.h"
#include "pel/protocol.h"
#include "pel/system.h"
#include "pel/util.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pel_mdrun_params {
    const pel_protocol *protocol; /* borrowed; start must be eq@T */
    const pel_system *start;      /* borrowed start configuration; NULL: a random liquid from `liquid`,
                                     close contacts relaxed, velocities at T0 */
    pel_liquid_params liquid;     /* used when start == NULL */
    uint64_t seed;                /* velocities when created (default 1) */
    int new_velocities;           /* 1: create velocities at T0 even if start has its own */
    double sample_every_K;        /* IS sampling on ramps, K (default 25; 0: none) */
    double sample_every_ps;       /* IS sampling on holds, ps (default 10; 0: none) */
    double p_bar;                 /* NPT pressure, bar (default 0) */
    double dt;                    /* ps (default 0.001) */
    double tdamp, pdamp;          /* ps (defaults 0.1, 1.0) */
    double skin;                  /* neighbour skin for MD, Å (default 1.0) */
    double T_floor;               /* ramps end no lower than this, K (default 1: a 0 K target has no
                                     thermostat mass); the row keeps the protocol's nominal T */
    int nthreads;                 /* force engine threads (<= 0: OpenMP default) */
    pel_min_params min;           /* IS minimisation (default CG, iso box, 1e-6 eV/Å, 1 bar) */
    long checkpoint_every;        /* MD steps between checkpoints (default 10000) */
    long thermo_every;            /* steps between thermo callbacks (default 1000) */
    const char *checkpoint_path;  /* NULL: no checkpoints */
    int resume;                   /* 1: continue from checkpoint_path */
    long stop_at_step;            /* > 0: stop (PEL_ENOCONV "stopped") at the first checkpoint
                                     boundary at or after this global MD step */
    const pel_engine_spec *engine; /* NULL: pel's EAM on the potential; else this engine (e.g.
                                      LAMMPS; pot may be NULL, masses from start/liquid) */
} pel_mdrun_params;

/* One row of the protocol table: cooling.csv's columns plus the segment. */
typedef struct pel_mdrun_row {
    double T_K;       /* nominal sample temperature (target of the ramp or hold) */
    double e_is;      /* zero-pressure IS energy, eV/atom */
    double v_md;      /* MD volume at the sample, Å^3/atom */
    double e_pot;     /* MD potential energy at the sample, eV/atom */
    double v_is;      /* IS volume, Å^3/atom */
    double p_bar;     /* MD pressure (kinetic part included), bar */
    double T_inst;    /* instantaneous MD temperature, K */
    double t_ps;      /* MD time since the start of the protocol, ps */
    int is_converged; /* the IS minimisation met both tolerances */
    int segment;      /* 0-based index of the protocol segment */
} pel_mdrun_row;

#define PEL_MDRUN_CSV_HEADER \
    "T_K,E_IS_eV_per_atom,V_A3_per_atom,E_pot_eV_per_atom,V_IS_A3_per_atom,P_bar,T_inst_K,t_ps,IS_converged,segment"

typedef struct pel_mdrun_result {
    pel_mdrun_row *rows; /* owned; nrows entries, in sampling order */
    size_t nrows;
    pel_system *final;   /* owned: the MD state at the end (positions, velocities, box) */
    pel_system *final_is;/* owned: IS of the final state (zero pressure) */
    int final_is_converged;
    long md_steps;       /* MD steps of the whole protocol */
    int resumed;         /* 1 if the run continued from a checkpoint */
} pel_mdrun_result;

typedef struct pel_mdrun_hooks {
    pel_progress_fn progress; /* done/total MD steps, note = "start" or the segment kind */
    void *progress_ctx;
    pel_md_thermo_fn thermo; /* every thermo_every steps of each segment */
    void *thermo_ctx;
    void (*row)(void *ctx, const pel_mdrun_row *row); /* each new table row */
    void *row_ctx;
    /* Checkpoint marks of the caller's log (described in include/pel/quench.h). */
    int (*mark)(void *ctx, long step, uint64_t *mark, pel_error *err);
    void *mark_ctx;
    int (*resume)(void *ctx, long step, const uint64_t *mark, pel_error *err);
    void *resume_ctx;
} pel_mdrun_hooks;

void pel_mdrun_params_default(pel_mdrun_params *p);

/* MD steps of each segment (steps[nseg], caller's array) and their sum; the
 * segment start temperatures follow from the protocol. */
int pel_mdrun_steps(const pel_mdrun_params *p, long *steps, long *total, pel_error *err);

/* Run (or resume) the protocol with forces from `pot` (borrowed).  On
 * success res is filled (free with pel_mdrun_result_free); on failure it
 * holds nothing.  A progress callback returning nonzero stops the run at the
 * next checkpoint boundary (after writing the checkpoint) with PEL_ENOCONV
 * and a message starting "stopped"; so does stop_at_step.  A non-converged IS
 * is not an error: the row says so (is_converged = 0). */
int pel_mdrun_run(const pel_eam *pot, const pel_mdrun_params *p, const pel_mdrun_hooks *hooks,
                  pel_mdrun_result *res, pel_error *err);
void pel_mdrun_result_free(pel_mdrun_result *res);

/* Mean and standard error across replicas of the same protocol: rows[r] are
 * the nrows[r] rows of replica r; rows are matched by index (same protocol,
 * same sampling), so every replica must have the same rows count and the
 * same T_K and t_ps at each index (PEL_EINVAL otherwise).  Writes n
 * aggregated rows to out (caller array of nrows[0]): mean of every column,
 * se_e_is the standard error of E_IS (0 for one replica). */
typedef struct pel_mdrun_mean_row {
    pel_mdrun_row mean;
    double se_e_is, se_v_is; /* eV/atom, Å^3/atom */
    int n_replicas;
} pel_mdrun_mean_row;
int pel_mdrun_replica_mean(const pel_mdrun_row *const *rows, const size_t *nrows, size_t nrep, pel_mdrun_mean_row *out,
                           pel_error *err);

#ifdef __cplusplus
}
#endif

#endif
