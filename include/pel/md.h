/* md.h - molecular dynamics in LAMMPS metal units with the integrators of
 * LAMMPS `fix nve` (velocity Verlet), `fix nvt` (Nose-Hoover chain,
 * Martyna-Klein-Tuckerman, LAMMPS integration order) and `fix npt iso`
 * (Martyna-Tobias-Klein barostat, isotropic cell, thermostat on particles and
 * on the barostat).  One driver (pel_md_run); the ensemble is a const table
 * of function pointers (half-step hooks), as GSL steppers are.
 *
 * Conventions copied from LAMMPS (so that `pel md` and `lmp` runs with the
 * same parameters are the same dynamics): Tdamp/Pdamp are relaxation times in
 * ps (t_freq = 1/Tdamp), chain lengths tchain = pchain = 3, one chain loop,
 * drag 0, temperature with 3N-3 degrees of freedom, target temperature and
 * pressure ramped linearly over a run (t_target at step k of N =
 * t_start + k/N (t_stop - t_start)), cell dilated about the initial box centre.
 *
 * The thermostat/barostat state is a plain struct (pel_md_state) so that a
 * caller can checkpoint and restore it bit for bit. */
#ifndef PEL_MD_H
#define PEL_MD_H

#include <stdint.h>

#include "pel/eam.h"
#include "pel/engine.h"
#include "pel/error.h"
#include "pel/system.h"
#include "pel/util.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PEL_MD_MAXCHAIN 8

typedef enum { PEL_MD_NVE = 0, PEL_MD_NVT = 1, PEL_MD_NPT = 2 } pel_md_ensemble;

typedef struct pel_md_params {
    pel_md_ensemble ensemble; /* default PEL_MD_NVE */
    double dt;                /* timestep, ps (default 0.001) */
    double t_start, t_stop;   /* thermostat target ramp, K (NVT/NPT) */
    double p_start_bar;       /* barostat target ramp, bar (NPT, default 0) */
    double p_stop_bar;
    double tdamp;             /* ps (default 100 dt, as LAMMPS docs advise) */
    double pdamp;             /* ps (default 1000 dt) */
    int tchain;               /* Nose-Hoover chain length (default 3) */
    int pchain;               /* barostat chain length (default 3) */
    double blowup_disp;       /* largest allowed displacement per step, Å (default 1.0) */
} pel_md_params;

/* Complete dynamical state besides positions/velocities/box (all in sys). */
typedef struct pel_md_state {
    long step;       /* steps done in the current run */
    long nsteps;     /* length of the current run (ramp denominator) */
    double eta[PEL_MD_MAXCHAIN], eta_dot[PEL_MD_MAXCHAIN + 1], eta_dotdot[PEL_MD_MAXCHAIN];
    double etap[PEL_MD_MAXCHAIN], etap_dot[PEL_MD_MAXCHAIN + 1], etap_dotdot[PEL_MD_MAXCHAIN];
    double omega_dot;     /* isotropic barostat rate, 1/ps */
    double fixedpoint[3]; /* centre of dilation, Å (initial box centre) */
    double t_current;     /* K, temperature as the thermostat tracks it (LAMMPS t_current) */
    int initialised;      /* fixedpoint set */
} pel_md_state;

/* One line of thermodynamic output (totals, not per atom). */
typedef struct pel_md_thermo {
    long step;
    double T;       /* K (3N-3 dof) */
    double pe;      /* eV */
    double ke;      /* eV */
    double etotal;  /* eV */
    double p_bar;   /* bar, kinetic part included (LAMMPS thermo press) */
    double volume;  /* Å^3 */
    double t_target; /* K, thermostat target at this step (0 for NVE) */
} pel_md_thermo;

/* Thermo callback: return nonzero to stop the run early (pel_md_run then
 * returns PEL_OK with the state consistent at the end of that step). */
typedef int (*pel_md_thermo_fn)(void *ctx, const pel_md_thermo *th);

typedef struct pel_md pel_md;

void pel_md_params_default(pel_md_params *p);

/* Integrator for systems of sys->n atoms using `calc` for forces (borrowed,
 * must outlive the integrator).  Allocates its force workspace once. */
int pel_md_new(pel_md **out, pel_engine *calc, const pel_system *sys, const pel_md_params *p,
               pel_error *err);
void pel_md_free(pel_md **md);

/* Start a run of nsteps (as LAMMPS `run N`: computes forces, sets the
 * thermostat masses; keeps chain velocities from a previous run). */
int pel_md_setup(pel_md *md, pel_system *sys, long nsteps, pel_error *err);
/* Advance up to `count` steps of the current run (not beyond nsteps).
 * thermo_every > 0 calls `thermo` at steps divisible by it (and at the last
 * step of the run).  PEL_EBLOWUP when the energy is non-finite or an atom
 * moved more than blowup_disp in one step (sys is then left as it was at the
 * failing step). */
int pel_md_run(pel_md *md, pel_system *sys, long count, long thermo_every, pel_md_thermo_fn thermo,
               void *thermo_ctx, pel_error *err);

/* Switch to another force engine (e.g. a fresh one after a checkpoint) and
 * recompute the forces of the current positions; the dynamical state is
 * untouched.  A resumed run that does the same at the same step continues
 * bit for bit (same thread count). */
int pel_md_refresh(pel_md *md, pel_engine *calc, const pel_system *sys, pel_error *err);

/* Thermodynamic values of the current state (forces of the last step). */
void pel_md_thermo_now(const pel_md *md, const pel_system *sys, pel_md_thermo *th);
/* Access to the serialisable state (checkpoint / restore). */
void pel_md_get_state(const pel_md *md, pel_md_state *st);
void pel_md_set_state(pel_md *md, const pel_md_state *st);
/* Change the parameters between runs (e.g. new temperature ramp). */
int pel_md_set_params(pel_md *md, const pel_md_params *p, pel_error *err);

/* Checkpoint of an MD run (`pel md --checkpoint`, docs/md.md): a fingerprint
 * fp[nfp] of the parameters that fix the trajectory, the system (positions,
 * velocities, box, images), the integrator state and nextra integers of the
 * caller (step counters, lengths of its output files).  Written atomically
 * (temp file + rename); native format, read back by the same build on the
 * same machine. */
int pel_md_checkpoint_write(const char *path, const double *fp, size_t nfp, const pel_system *sys,
                            const pel_md_state *st, const int64_t *extra, size_t nextra, pel_error *err);
/* Read it back.  PEL_EIO if it cannot be opened; PEL_ESTATE if it is corrupt,
 * truncated, or was written with another fingerprint (the message says
 * which).  On success *sys is a new system (caller frees). */
int pel_md_checkpoint_read(const char *path, const double *fp, size_t nfp, pel_system **sys, pel_md_state *st,
                           int64_t *extra, size_t nextra, pel_error *err);

/* ---------------------------------------------------------------------- */
/* The checkpointed MD loop (md_loop.c) under `pel md` (pel_md_job_run),
 * the protocol runner (mdrun.h) and `pel quench`.  A run is split at fixed
 * global step boundaries, the multiples of checkpoint_every: at each one the
 * caller's `save` writes its checkpoint and the force engine is rebuilt from
 * scratch, exactly as a resume from that checkpoint rebuilds it, so both
 * continue bit for bit (same thread count).  Between boundaries the loop
 * stops wherever the caller's `next_stop` asks (samples, dump frames) and
 * calls `at_stop` there; at a step that is both, at_stop comes first. */
typedef struct pel_md_loop {
    const pel_eam *pot;     /* borrowed: the engine rebuilt at each boundary (NULL: never rebuilt) */
    double skin;            /* its neighbour skin, Å */
    int nthreads;
    long checkpoint_every;  /* global steps between boundaries (>= 1) */
    int rebuild;            /* 1: rebuild the engine at boundaries even without `save` */
    long stop_at_step;      /* > 0: stop (PEL_ENOCONV "stopped") at the first boundary at or after it */
    long thermo_every;      /* thermo callback cadence, steps of the segment (0: none) */
    pel_md_thermo_fn thermo;
    void *thermo_ctx;
    /* The next segment step after `step` where the caller wants control
     * (NULL or a value beyond the segment: none). */
    long (*next_stop)(void *ctx, long step);
    /* Called at the starting step and after each chunk, before a boundary's
     * save.  `step` is the segment step; nonzero return stops the run. */
    int (*at_stop)(void *ctx, long step, pel_error *err);
    /* At each boundary (global step gstep), before the engine rebuild. */
    int (*save)(void *ctx, long gstep, const pel_md_state *st, pel_error *err);
    /* After each chunk; nonzero asks to stop at the next boundary. */
    int (*progress)(void *ctx, long gstep);
    void *ctx;
    const pel_engine_spec *engine; /* NULL: EAM on pot; else the engine rebuilt at boundaries */
} pel_md_loop;

/* Advance the current segment of md (pel_md_setup done, n steps, its first
 * step global step `offset`) to its end.  *calc is the engine md uses and is
 * replaced at each boundary; *last_ck is the global step of the last
 * boundary handled (-1: none), so a boundary shared by two segments is
 * handled once; *stop carries a progress stop request across segments.
 * Returns PEL_OK at the end of the segment, PEL_ENOCONV "stopped at step N
 * (checkpoint written)" after a stop, or the first error. */
int pel_md_loop_run(const pel_md_loop *loop, pel_md *md, pel_engine **calc, pel_system *sys, long offset, long n,
                    long *last_ck, int *stop, pel_error *err);

/* ---------------------------------------------------------------------- */
/* `pel md` as a library call (md_job.c, docs/md.md): `steps` steps of one
 * ensemble with the target ramped t_start -> t_stop, thermo and dump output
 * through the caller's hooks, checkpoints every checkpoint_every steps and a
 * resume that continues bit for bit.  A checkpoint is tied to the parameters
 * that fix the trajectory and the outputs (a fingerprint) and to the files
 * of the run (size and FNV-1a hashes of the data file, the potential and the
 * thermo and dump outputs as they were at the checkpoint): a resume with
 * another file is refused before the caller's `open` cuts anything back. */
typedef struct pel_md_job {
    pel_md_params md;        /* ensemble, t_start -> t_stop ramp, p_start_bar (= p_stop_bar), dt, damping */
    long steps;              /* >= 0 */
    long seed;               /* >= 0: create velocities at t_start with this seed; < 0: keep the start's,
                                created at t_start with seed 1 when it has none (or all zero) and
                                have_T is set */
    int have_T;              /* t_start was given (NVE: velocities may be created at it) */
    double skin;             /* neighbour skin, Å (default 1.0) */
    int nthreads;            /* force engine threads */
    long thermo_every;       /* thermo hook every N steps (0: none; default 100) */
    long dump_every;         /* dump hook every N steps (0: none) */
    long checkpoint_every;   /* steps between checkpoints (default 10000) */
    const char *checkpoint_path; /* NULL: no checkpoints */
    int resume;              /* continue from checkpoint_path */
    /* The files of the run (their identities go in the checkpoint): the
     * start and the potential (read by the caller), and the caller's thermo
     * and dump outputs (NULL: none). */
    const char *data_path, *potential_path, *thermo_path, *dump_path;
    /* NULL: pel's EAM engine on the potential, rebuilt at each checkpoint
     * boundary; else the caller's engine (borrowed, e.g. LAMMPS), never
     * rebuilt, and no checkpoints. */
    pel_engine *engine;
} pel_md_job;

typedef struct pel_md_job_hooks {
    void *ctx;
    /* Once, before any output: len < 0 starts an output afresh, len >= 0
     * cuts it back to len bytes (what the checkpoint saw) and continues it. */
    int (*open)(void *ctx, long thermo_len, long dump_len, pel_error *err);
    pel_md_thermo_fn thermo; /* step 0 of a fresh run, then every thermo_every steps */
    int (*dump)(void *ctx, const pel_system *sys, long step, pel_error *err); /* every dump_every steps and 0 */
    /* Before each checkpoint: flush both outputs to disk and give their
     * lengths (-1 for an output not written). */
    int (*sync)(void *ctx, long *thermo_len, long *dump_len, pel_error *err);
    pel_progress_fn progress; /* done/total steps after each chunk of at most 1000 steps */
} pel_md_job_hooks;

void pel_md_job_default(pel_md_job *job);
/* Run the job on *sys (borrowed; replaced by the checkpoint's system on a
 * resume; the final state on success), forces from pot.  PEL_ESTATE when a
 * resume finds another checkpoint or other files, PEL_ENUMERIC when the
 * start has non-finite thermo, PEL_EBLOWUP when the dynamics blows up. */
int pel_md_job_run(const pel_eam *pot, pel_system **sys, const pel_md_job *job, const pel_md_job_hooks *hooks,
                   pel_error *err);
/* 1 when sys has no velocities or all of them are zero (LAMMPS write_data
 * after a minimisation): treated as no velocities at all. */
int pel_md_at_rest(const pel_system *sys);

/* Gaussian velocities for temperature T (K) from `seed`, zero total
 * momentum, scaled to exactly T with 3N-3 dof (as LAMMPS `velocity create
 * ... mom yes dist gaussian`, different random numbers). */
int pel_md_velocity_create(pel_system *sys, double T, uint64_t seed, pel_error *err);

#ifdef __cplusplus
}
#endif

#endif
