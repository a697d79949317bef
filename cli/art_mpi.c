/* art_mpi.c - MPI transport of an ART campaign over several processes
 * (art_mpi.h).  Rows travel as catalog lines, one message each, tagged with
 * the message kind (PEL_ART_MSG_*). */
#include "art_mpi.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_launched_by_mpi(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (getenv(vars[i]))
            return 1;
    return 0;
}

#ifdef PEL_HAVE_MPI
#include <mpi.h>
#include <time.h>

/* Waiting ranks poll every millisecond instead of spinning in MPI: on a
 * machine with fewer cores than ranks (--oversubscribe) a spinning rank
 * would take the core a searching rank needs. */
static void nap(void)
{
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
}

static int wait_for(MPI_Request *rq)
{
    for (int done = 0;;) {
        if (MPI_Test(rq, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS)
            return 1;
        if (done)
            return 0;
        nap();
    }
}

static int mpi_bcast(void *ctx, void *buf, size_t n)
{
    (void)ctx;
    for (char *p = buf; n > 0;) { /* MPI counts are int */
        int k = n > INT_MAX ? INT_MAX : (int)n;
        MPI_Request rq;
        if (MPI_Ibcast(p, k, MPI_BYTE, 0, MPI_COMM_WORLD, &rq) != MPI_SUCCESS || wait_for(&rq))
            return 1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

static int mpi_send(void *ctx, int kind, const char *text, size_t n)
{
    (void)ctx;
    if (n > INT_MAX)
        return 1;
    MPI_Request rq;
    return MPI_Isend(text, (int)n, MPI_CHAR, 0, kind, MPI_COMM_WORLD, &rq) != MPI_SUCCESS || wait_for(&rq);
}

static int mpi_recv(void *ctx, int wait, int *kind, char **text, pel_error *err)
{
    (void)ctx;
    MPI_Status s;
    int flag = 0, n = 0;
    for (;;) {
        if (MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &s) != MPI_SUCCESS)
            return pel_error_set(err, PEL_EIO, "MPI: probing for messages failed");
        if (flag)
            break;
        if (!wait)
            return -1;
        nap();
    }
    MPI_Get_count(&s, MPI_CHAR, &n);
    *text = malloc((size_t)n + 1);
    if (!*text)
        return pel_error_set(err, PEL_ENOMEM, "out of memory for a %d-byte message", n);
    if (MPI_Recv(*text, n, MPI_CHAR, s.MPI_SOURCE, s.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE)) {
        free(*text);
        return pel_error_set(err, PEL_EIO, "MPI: receiving from process %d failed", s.MPI_SOURCE);
    }
    (*text)[n] = '\0';
    *kind = s.MPI_TAG;
    return 0;
}

int cli_art_mpi_begin(const char *cmd, int *argc, char ***argv, pel_art_run_comm *comm)
{
    (void)cmd;
    memset(comm, 0, sizeof *comm);
    comm->size = 1;
    if (!cli_launched_by_mpi())
        return 0;
    MPI_Init(argc, argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &comm->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &comm->size);
    comm->bcast = mpi_bcast;
    comm->send = mpi_send;
    comm->recv = mpi_recv;
    return 0;
}

void cli_art_mpi_end(pel_art_run_comm *comm, int local)
{
    if (!comm->bcast)
        return;
    if (local && comm->size > 1)
        MPI_Abort(MPI_COMM_WORLD, CLI_FAIL);
    MPI_Finalize();
    comm->bcast = NULL;
}

#else

int cli_art_mpi_begin(const char *cmd, int *argc, char ***argv, pel_art_run_comm *comm)
{
    (void)argc;
    (void)argv;
    memset(comm, 0, sizeof *comm);
    comm->size = 1;
    /* N copies of one campaign would write the same catalog N times over */
    if (cli_launched_by_mpi())
        return cli_errorf(cmd, CLI_USAGE, "launched by mpirun, but this pel was built without MPI "
                                          "(cmake -DPEL_MPI=ON with libopenmpi-dev)");
    return 0;
}

void cli_art_mpi_end(pel_art_run_comm *comm, int local)
{
    (void)comm;
    (void)local;
}

#endif
