/* cmd_art.c - `pel art`: ART nouveau saddle searches on a glass, written to
 * an event catalog (docs/art.md).  Parses, prepares the minimum, calls
 * pel_art_run, prints the summary. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "art_mpi.h"
#include "cli.h"
#include "cli_model.h"
#include "cli_opt.h"
#include "cli_atoms.h"
#include "pel/art_run.h"
#include "pel/eam.h"
#include "pel/minimize.h"
#include "pel/system.h"
#include "pel/util.h"

/* --set KEY=VALUE, kept in order and applied after every other option so
 * that an explicit parameter always wins. */
#define ART_MAX_SETS 64
typedef struct art_sets {
    const char *kv[ART_MAX_SETS];
    int n;
} art_sets;

static int add_set(void *ctx, const char *cmd, char *v)
{
    art_sets *a = ctx;
    if (a->n == ART_MAX_SETS)
        return cli_errorf(cmd, CLI_USAGE, "--set: at most %d", ART_MAX_SETS);
    a->kv[a->n++] = v;
    return 0;
}

int cli_cmd_art(int argc, char **argv)
{
    const char *cmd = argv[0];
    /* potential stays NULL unless given: --engine lammps refuses it */
    const char *data = NULL, *out = NULL, *potential = NULL, *elements = NULL, *centers = "all";
    int quiet = 0;
    cli_engine_opts eo;
    cli_engine_opts_init(&eo);
    pel_art_run_params p;
    pel_art_run_params_default(&p);
    p.nthreads = CLI_DEFAULT_THREADS;
    const int uphill_lost_max = p.art.lost_max; /* the library default, for --lost uphill */
    const char *push = NULL, *basin = NULL, *climb = NULL, *min_algo = NULL, *lost = NULL;
    long spc = p.searches_per_center, seed = (long)p.seed, threads = p.nthreads, lanczos_every = p.art.climb_lanczos_every;
    long lost_max = -1; /* -1: the --lost rule's default */
    int json = 0;
    art_sets sets = {.n = 0};
    const cli_opt opts[] = {
        {.name = "data", .kind = CLI_FILE, .dest = &data, .arg = "FILE",
         .help = "glass sample (minimised first, with a warning, if forces are not ~0)", .flags = CLI_REQ},
        CLI_OPT_POTENTIAL(&potential),
        CLI_OPT_ELEMENTS(&elements),
        {.name = "centers", .kind = CLI_STRING, .dest = &centers, .arg = "SPEC",
         .help = "all | random:K | ids:ID,ID,...", .def = "all"},
        {.name = "searches-per-center", .kind = CLI_LONG, .dest = &spc, .arg = "N",
         .help = "searches around each centre", .def = "10", .lo = 1, .flags = CLI_GE},
        {.name = "seed", .kind = CLI_LONG, .dest = &seed, .arg = "S", .help = "master seed; search k uses stream k",
         .def = "1", .lo = 0, .flags = CLI_GE},
        {.name = "threads", .kind = CLI_LONG, .dest = &threads, .arg = "N",
         .help = "parallel searches (results do not depend on N)", .def = "1", .lo = 1, .hi = 1024,
         .flags = CLI_GE | CLI_LE},
        {.name = "out", .kind = CLI_FILE, .dest = &out, .arg = "FILE", .help = "catalog CSV (must not exist unless --resume)",
         .flags = CLI_REQ},
        {.name = "resume", .kind = CLI_FLAG, .dest = &p.resume,
         .help = "continue FILE: skip finished searches, drop a torn last row; refused (file untouched) unless FILE "
                 "is a catalog of the same campaign (seed, centres, options, data and potential files)"},
        {.name = "write-configs", .kind = CLI_FILE, .dest = &p.configs_dir, .arg = "DIR",
         .help = "saddle and final configuration of each connected search as extended XYZ in DIR (must exist), "
                 "named in column configs_xyz"},
        {.name = "kick", .kind = CLI_DOUBLE, .dest = &p.art.kick_norm, .arg = "A", .help = "kick norm", .def = "0.5",
         .unit = "Å", .lo = 0, .flags = CLI_GT},
        {.name = "kick-radius", .kind = CLI_DOUBLE, .dest = &p.art.kick_radius, .arg = "A", .help = "first shell",
         .def = "3.7", .unit = "Å", .lo = 0, .flags = CLI_GT},
        {.name = "push", .kind = CLI_ENUM, .dest = &push, .choices = "kick|follow",
         .help = "leave the basin along the fixed kick direction (ARTn), or along the current displacement from "
                 "the minimum (classic ART)",
         .def = "kick"},
        {.name = "eig-threshold", .kind = CLI_DOUBLE, .dest = &p.art.eig_threshold, .arg = "L",
         .help = "lowest eigenvalue that marks leaving the basin", .def = "-0.01", .unit = "eV/Å^2", .hi = 0,
         .flags = CLI_LT},
        {.name = "force-tol", .kind = CLI_DOUBLE, .dest = &p.art.force_tol, .arg = "F", .help = "saddle |F|",
         .def = "0.05", .unit = "eV/Å", .lo = 0, .flags = CLI_GT},
        {.name = "eig-step", .kind = CLI_DOUBLE, .dest = &p.art.eig_step, .arg = "A",
         .help = "largest climb step along the mode, and the lost-mode step", .def = "0.1", .unit = "Å", .lo = 0,
         .flags = CLI_GT},
        {.name = "local-radius", .kind = CLI_DOUBLE, .dest = &p.art.local_radius, .arg = "A",
         .help = "Lanczos mode kept on the atoms within A of the centre ...", .def = "10", .unit = "Å", .lo = 0,
         .hi = 1e6, .flags = CLI_GE | CLI_LE},
        {.name = "local-stiffness", .kind = CLI_DOUBLE, .dest = &p.art.local_stiffness, .arg = "K",
         .help = "... by adding K to the Hessian beyond A + 2 Å (0: the whole-system lowest mode)", .def = "1",
         .unit = "eV/Å^2", .lo = 0, .hi = 1e6, .flags = CLI_GE | CLI_LE},
        {.name = "lost", .kind = CLI_ENUM, .dest = &lost, .choices = "uphill|mode|kick",
         .help = "climb step while the lowest eigenvalue is >= 0: uphill along that mode, or along the last "
                 "negative mode / the kick direction with perpendicular relaxation (tolerated 40 times in a row "
                 "uphill, 4 for mode and kick; --set lost_retries=N restarts a lost search from the minimum with a "
                 "re-mixed kick)",
         .def = "uphill"},
        {.name = "lost-max", .kind = CLI_LONG, .dest = &lost_max, .arg = "N",
         .help = "lost-mode iterations tolerated in a row", .def = "40 uphill, 4 otherwise", .lo = 0, .hi = 100000,
         .flags = CLI_GE | CLI_LE},
        {.name = "basin-relax", .kind = CLI_ENUM, .dest = &basin, .choices = "full|partial",
         .help = "perpendicular relaxation while leaving the basin: up to 30 FIRE steps, Lanczos from the 1st push "
                 "(full), or 4 steps, Lanczos from the 3rd push (partial, pARTn: cheaper, smaller barriers)",
         .def = "full"},
        {.name = "climb", .kind = CLI_ENUM, .dest = &climb, .choices = "lbfgs|relax",
         .help = "climb: one step along the mode plus an L-BFGS step perpendicular to it per iteration (lbfgs), or "
                 "ARTn's Newton step along the mode then 2..12 FIRE steps perpendicular, Lanczos each time (relax)",
         .def = "lbfgs"},
        {.name = "climb-lanczos-every", .kind = CLI_LONG, .dest = &lanczos_every, .arg = "K",
         .help = "lbfgs: Lanczos on every K-th step, the others reuse the mode", .def = "5", .lo = 1, .hi = 1000,
         .flags = CLI_GE | CLI_LE},
        {.name = "min-algo", .kind = CLI_ENUM, .dest = &min_algo, .choices = "lbfgs|cg|fire",
         .help = "minimiser after the saddle, to max|F| < 5e-4 eV/Å", .def = "lbfgs"},
        {.name = "connect-tol", .kind = CLI_DOUBLE, .dest = &p.art.connect_disp_tol, .arg = "A",
         .help = "the pushed-back minimum connects when it is the initial one or within 0.02 eV of it with every "
                 "atom within A",
         .def = "0.5", .unit = "Å", .lo = 0, .flags = CLI_GT},
        CLI_OPT_MAX_CALLS("max-calls", &p.art.max_force_calls, "force calls per search"),
        {.name = "set", .kind = CLI_STRING, .arg = "KEY=VALUE", .flags = CLI_REPEAT, .each = add_set, .ctx = &sets,
         .help = "any search parameter by its name in pel_art_params (include/pel/art.h), e.g. "
                 "lanczos_abs_tol=1e-4; applied after the other options"},
        CLI_OPTS_ENGINE(&eo),
        {.name = "quiet", .kind = CLI_FLAG, .dest = &quiet, .help = "no progress lines"},
        CLI_OPT_JSON(&json, "print the campaign summary as one object"),
    };
    const cli_spec spec = {
        .name = "art",
        .synopsis = "--data FILE --out CATALOG.csv [options]",
        .about = "ART nouveau saddle searches from the minimum in FILE (LAMMPS data); one catalog row per search.",
        .output = "Catalog columns: search_id,center_id,status,E_initial_eV,E_saddle_eV,E_final_eV,EA_eV,ER_eV,\n"
                  "  eigenvalue_eV_per_A2,force_eV_per_A,force_calls,n_displaced,max_disp_A,force_calls_saddle,\n"
                  "  E_IS_eV_per_atom,max_disp_dist_A,displaced_ids,E_back_eV,back_disp_A,eigenvalue2_eV_per_A2,\n"
                  "  configs_xyz (after a first line \"# pel art campaign: ...\").\n"
                  "Prints one summary line (searches, converged, redundant, failed, force calls, time); --json:\n"
                  "searches, resumed, converged, redundant, failed, force_calls_per_search,\n"
                  "force_calls_per_converged, force_calls_to_saddle, wall_s.",
        CLI_SPEC_OPTS(opts),
    };
    int prc, npos;
    if (cli_parse(&spec, argc, argv, &npos, &prc))
        return prc;
    p.searches_per_center = spc;
    p.seed = (uint64_t)seed;
    p.nthreads = (int)threads;
    p.art.climb_lanczos_every = (int)lanczos_every;
    if (push)
        p.art.basin_follow = strcmp(push, "follow") == 0;
    if (basin) /* the two measured protocols (docs/art.md; bench/RESULTS.md) */
        pel_art_params_basin_relax(&p.art, strcmp(basin, "partial") == 0);
    if (climb)
        p.art.climb = strcmp(climb, "lbfgs") == 0 ? PEL_ART_CLIMB_LBFGS : PEL_ART_CLIMB_RELAX;
    if (min_algo) {
        pel_min_algo algo;
        pel_min_algo_parse(min_algo, &algo, NULL); /* cannot fail: the table checked the word */
        p.art.min_algo = (int)algo;
    }
    if (lost) {
        p.art.lost_step = !strcmp(lost, "uphill") ? PEL_ART_LOST_UPHILL
                          : !strcmp(lost, "mode") ? PEL_ART_LOST_MODE
                                                  : PEL_ART_LOST_KICK;
        /* the relaxing rules were tuned with 4 tolerated iterations (docs/art.md) */
        p.art.lost_max = p.art.lost_step == PEL_ART_LOST_UPHILL ? uphill_lost_max : 4;
    }
    if (lost_max >= 0)
        p.art.lost_max = (int)lost_max;
    for (int k = 0; k < sets.n; k++) {
        pel_error perr = {0};
        if (pel_art_params_set(&p.art, sets.kv[k], &perr))
            return cli_errorf(cmd, CLI_USAGE, "--set: %s", perr.msg);
    }

    if (cli_engine_check(cmd, &eo, &potential))
        return CLI_USAGE;
    /* the LAMMPS engine's child process cannot live inside an MPI rank */
    if (!cli_engine_is_eam(&eo) && cli_launched_by_mpi())
        return cli_errorf(cmd, CLI_USAGE, "--engine lammps: run pel art as one process (use --threads), not under mpirun");
    pel_engine_spec es = {eo.type, eo.pair, eo.npair};
    if (!cli_engine_is_eam(&eo)) {
        p.engine = &es;
        potential = NULL;
    }

    pel_art_run_comm comm;
    if (cli_art_mpi_begin(cmd, &argc, &argv, &comm))
        return CLI_USAGE;
    if (comm.size > 1)
        p.comm = &comm;
    int root = comm.rank == 0; /* the one process that talks */
    pel_error err = {0};
    pel_art_campaign camp;
    int rc = CLI_FAIL;
    if (pel_art_campaign_prepare(data, potential, elements, centers, &p, &camp, &err)) {
        rc = cli_fail(cmd, &err);
        cli_art_mpi_end(&comm, 1);
        return rc;
    }
    if (root)
        cli_note_ignored(cmd, camp.sys);
    if (root && camp.minimised)
        fprintf(stderr, "pel %s: warning: input is not a minimum (max force %.3g eV/A > %.3g); minimising first\n",
                cmd, camp.fmax_start, p.art.min_ftol);
    cli_progress prog;
    cli_progress_init(&prog, "pel art", 10.0);
    quiet |= !root;
    pel_art_run_stats s;
    int st = pel_art_run(camp.pot, camp.sys, &camp.run, out, &s, quiet ? NULL : cli_progress_cb, &prog, &err);
    if (!quiet)
        cli_progress_end(&prog);
    if (st) {
        rc = root ? cli_fail(cmd, &err) : CLI_FAIL;
        goto done;
    }
    if (s.truncated && root)
        fprintf(stderr, "pel %s: note: removed a torn last row from %s\n", cmd, out);
    if (root && json) {
        rc = cli_json_print(cmd, json_pack("{s:I,s:I,s:I,s:I,s:I,s:o,s:o,s:o,s:o}", "searches", (json_int_t)s.done,
                                           "resumed", (json_int_t)s.skipped, "converged", (json_int_t)s.converged,
                                           "redundant", (json_int_t)s.redundant, "failed", (json_int_t)s.failed,
                                           "force_calls_per_search", cli_jnum(s.mean_force_calls),
                                           "force_calls_per_converged", cli_jnum(s.mean_force_calls_conv),
                                           "force_calls_to_saddle", cli_jnum(s.mean_force_calls_saddle), "wall_s",
                                           cli_jnum(s.wall_s)));
        goto done;
    }
    if (root)
        printf("searches %ld (resumed %ld), converged %ld, redundant %ld, failed %ld; force calls per search %.0f, "
               "per converged search %.0f (%.0f to the saddle); %.1f s\n",
               s.done, s.skipped, s.converged, s.redundant, s.failed, s.mean_force_calls, s.mean_force_calls_conv,
               s.mean_force_calls_saddle, s.wall_s);
    rc = CLI_OK;
done:
    pel_art_campaign_free(&camp);
    fflush(stdout);
    cli_art_mpi_end(&comm, 0);
    return rc;
}
