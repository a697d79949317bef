/* quench.h - glass preparation by MD (docs/theory.md §7): melt a random liquid,
 * equilibrate it under NPT at T_from, cool it under NPT at a constant rate
 * (linear target-temperature ramp, LAMMPS fix npt semantics), and every
 * `sample_every` kelvin minimise a copy of the snapshot to its zero-pressure
 * inherent structure (IS).  Rate = infinity is the instant quench: the IS of
 * the equilibrated liquid.
 *
 * Runs are resumable: at every `checkpoint_every` MD steps the complete state
 * (positions, velocities, box, thermostat/barostat chains, step, phase,
 * table rows so far) is written atomically to `checkpoint_path`; a run started
 * with resume = 1 continues from it and reaches bit for bit the result of an
 * uninterrupted run with the same thread count (the force engine is rebuilt at
 * every checkpoint step in both cases, so neighbour lists agree).  The caller's
 * own output (a log) can follow suit: the hooks `mark` and `resume` store a
 * number of its choosing (e.g. the log's length) in each checkpoint and hand
 * it back on resume, so it can cut off what it wrote after the checkpoint. */
#ifndef PEL_QUENCH_H
#define PEL_QUENCH_H

#include <stddef.h>
#include <stdint.h>

#include "pel/eam.h"
#include "pel/error.h"
#include "pel/md.h"
#include "pel/mdrun.h"
#include "pel/minimize.h"
#include "pel/system.h"
#include "pel/util.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pel_quench_params {
    pel_liquid_params liquid;  /* composition, atoms, density, seed of the start */
    double t_from;             /* melt/equilibration temperature, K (default 2000) */
    double t_to;               /* final temperature, K (default 0: ramp ends at 1 K, see docs) */
    double rate_K_per_s;       /* cooling rate; INFINITY = instant quench (default 1e13) */
    double equilibrate_ps;     /* NPT hold at t_from before cooling, ps (default 20) */
    double sample_every_K;     /* IS sampling interval, K (default 50) */
    double p_bar;              /* NPT pressure, bar (default 0) */
    double dt;                 /* ps (default 0.001) */
    double tdamp, pdamp;       /* ps (defaults 0.1, 1.0) */
    double skin;               /* neighbour skin for MD, Å (default 1.0) */
    int nthreads;              /* force engine threads (<= 0: OpenMP default) */
    pel_min_params min;        /* IS minimisation (default CG, iso box, 1e-6 eV/Å, 1 bar) */
    long checkpoint_every;     /* MD steps between checkpoints (default 10000) */
    long thermo_every;         /* steps between thermo callbacks (default 1000) */
    const char *checkpoint_path; /* NULL: no checkpoints */
    int resume;                /* 1: continue from checkpoint_path */
    long stop_at_step;         /* > 0: stop (PEL_ENOCONV "stopped") at the first checkpoint
                                  boundary at or after this global MD step (tests, --stop-after) */
    const pel_engine_spec *engine; /* NULL: pel's EAM on the potential; else this engine (liquid
                                      masses must then be set by the caller) */
} pel_quench_params;

/* One row of the cooling table: the protocol runner's row (mdrun.h), with
 * t_ps the MD time since the start of cooling (0 for an instant quench). */
typedef pel_mdrun_row pel_quench_row;

#define PEL_QUENCH_CSV_HEADER \
    "T_K,E_IS_eV_per_atom,V_A3_per_atom,E_pot_eV_per_atom,V_IS_A3_per_atom,P_bar,T_inst_K,t_ps,IS_converged"

typedef struct pel_quench_result {
    pel_quench_row *rows;  /* owned; nrows entries, in sampling order */
    size_t nrows;
    pel_system *glass;     /* owned: IS of the final state (zero pressure) */
    long md_steps;         /* MD steps done in total (incl. before a resume) */
    int resumed;           /* 1 if the run continued from a checkpoint */
} pel_quench_result;

/* Callbacks for the caller's log (all optional): the protocol runner's
 * hooks (include/pel/mdrun.h), with progress notes "start", "equilibrate"
 * and "cool" and rows as above.  `mark` is called just before each
 * checkpoint is written, after every thermo and row call for the steps up to
 * it; `step` is the global MD step.  The value put in *mark is stored in the
 * checkpoint and handed back to `resume` (typically the length of the
 * caller's log, flushed).  Returns PEL_OK, or a PEL_E* code with err filled:
 * the run then stops with that code and this checkpoint is not written.
 * `resume` is called once when a run continues from a checkpoint (resume =
 * 1), before any other hook: the global MD step of the checkpoint and its
 * mark, or mark = NULL when it has none (written without a mark hook, or by
 * an older pel).  Returns PEL_OK, or a PEL_E* code with err filled to stop
 * the run with that code. */
typedef pel_mdrun_hooks pel_quench_hooks;

void pel_quench_params_default(pel_quench_params *p);
/* Run (or resume) a quench.  On success res is filled (free with
 * pel_quench_result_free).  A progress callback returning nonzero stops the
 * run at the next checkpoint boundary (after writing the checkpoint) and
 * returns PEL_ENOCONV with a message starting "stopped"; so does stop_at_step.
 * On failure res holds nothing. */
int pel_quench_run(const pel_eam *pot, const pel_quench_params *p, const pel_quench_hooks *hooks,
                   pel_quench_result *res, pel_error *err);
void pel_quench_result_free(pel_quench_result *res);

/* Number of MD steps of the equilibration and cooling segments. */
void pel_quench_steps(const pel_quench_params *p, long *n_equil, long *n_cool);

/* Parse a composition "Cu56Zr44" (element symbols with percentages or
 * fractions, any count up to PEL_MAX_TYPES) into liquid params: elem, frac,
 * ntypes; masses from the potential.  pot NULL (another force engine): any
 * element symbol, masses 0 for the caller to set. */
int pel_quench_parse_composition(const char *s, const pel_eam *pot, pel_liquid_params *lp, pel_error *err);

#ifdef __cplusplus
}
#endif

#endif
