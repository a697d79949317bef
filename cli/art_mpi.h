/* art_mpi.h - `mpirun -np N pel art ...`: one campaign over N processes
 * (include/pel/art_run.h, pel_art_run_comm), with MPI as the transport.
 * MPI lives here, in the CLI, so libpel never starts or ends it. */
#ifndef PEL_CLI_ART_MPI_H
#define PEL_CLI_ART_MPI_H

#include "pel/art_run.h"

/* 1 when this process is one rank of an MPI launch (OpenMPI, MPICH/Hydra,
 * Slurm's PMI environment). */
int cli_launched_by_mpi(void);

/* Start MPI when this process was launched by mpirun/srun (an MPI rank
 * environment), and fill comm (size 1 otherwise: one process, no MPI).
 * Returns nonzero with one line printed when the launch asks for MPI and
 * this pel was built without it. */
int cli_art_mpi_begin(const char *cmd, int *argc, char ***argv, pel_art_run_comm *comm);
/* End MPI: finalise after a run every rank ended together (local == 0), or
 * abort the whole job after a failure of this rank alone (local != 0), so
 * no rank waits for it forever. */
void cli_art_mpi_end(pel_art_run_comm *comm, int local);

#endif
