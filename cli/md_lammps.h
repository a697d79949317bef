/* md_lammps.h - `mpirun -np N pel md --engine lammps ...`: LAMMPS runs the
 * MD over the ranks (docs/engines.md, "MPI"). */
#ifndef PEL_CLI_MD_LAMMPS_H
#define PEL_CLI_MD_LAMMPS_H

#include "cli_atoms.h"
#include "pel/md.h"

/* What pel md parsed, for the LAMMPS run. */
typedef struct cli_md_lmp {
    const char *data, *out, *elements, *thermo_out;
    const cli_engine_opts *eo; /* the --pair lines */
    pel_md_params md;          /* ensemble, ramp, P, dt, damping */
    long steps, seed, thermo;
    int have_T;
    double skin;
    int json;                  /* rank 0 prints the final state as pel md --json does */
} cli_md_lmp;

/* Start MPI, run the MD in LAMMPS on every rank, write a->out from rank 0,
 * end MPI.  Returns the exit code (the worst over the ranks). */
int cli_md_lammps_mpi(const char *cmd, const cli_md_lmp *a, int *argc, char ***argv);

#endif
