/* cmd_art.c - `pel art`: ART nouveau saddle searches on a glass, written to
 * an event catalog (docs/art.md).  Parses, prepares the minimum, calls
 * pel_art_run, prints the summary. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "art_mpi.h"
#include "cli.h"
#include "cli_atoms.h"
#include "pel/art_run.h"
#include "pel/eam.h"
#include "pel/minimize.h"
#include "pel/system.h"
#include "pel/util.h"

static void usage(FILE *fp)
{
    fputs("usage: pel art --data FILE --out CATALOG.csv [options]\n"
          "ART nouveau saddle searches from the minimum in FILE (LAMMPS data); one catalog row per search.\n"
          "  --data FILE               glass sample (minimised first, with a warning, if forces are not ~0)\n"
          "  --potential FILE          EAM potential (default " PEL_EAM_DEFAULT_PATH ")\n"
          "  --elements A,B            element of each atom type (default: from the data file)\n"
          "  --centers SPEC            all | random:K | ids:ID,ID,...  (default all)\n"
          "  --searches-per-center N   searches around each centre (default 10)\n"
          "  --seed S                  master seed (default 1); search k uses stream k\n"
          "  --threads N               parallel searches (default 1; results do not depend on N)\n"
          "  --out FILE                catalog CSV (must not exist unless --resume)\n"
          "  --resume                  continue FILE: skip finished searches, drop a torn last row;\n"
          "                            refused (file untouched) unless FILE is a catalog of the same\n"
          "                            campaign (seed, centres, options, data and potential files)\n"
          "  --write-configs DIR       saddle and final configuration of each connected search as\n"
          "                            extended XYZ in DIR (must exist), named in column configs_xyz\n"
          "  --kick A                  kick norm, Å (0.5)         --kick-radius A  first shell, Å (3.7)\n"
          "  --push kick|follow        leave the basin along the fixed kick direction (ARTn), or along\n"
          "                            the current displacement from the minimum (classic ART) (kick)\n"
          "  --eig-threshold L         eV/Å^2 (-0.01)             --force-tol F    saddle |F|, eV/Å (0.05)\n"
          "  --eig-step A              largest climb step along the mode, and the lost-mode step, Å (0.1)\n"
          "  --local-radius A          Lanczos mode kept on the atoms within A of the centre (10) ...\n"
          "  --local-stiffness K       ... by adding K eV/Å^2 to the Hessian beyond A + 2 Å (1; 0 = the\n"
          "                            whole-system lowest mode)\n"
          "  --lost uphill|mode|kick   climb step while the lowest eigenvalue is >= 0: uphill along\n"
          "                            that mode, or along the last negative mode / the kick direction\n"
          "                            with perpendicular relaxation (uphill; tolerated 40 times\n"
          "                            in a row, 4 for mode and kick; --set lost_retries=N restarts a\n"
          "                            lost search from the minimum with a re-mixed kick)\n"
          "  --lost-max N              lost-mode iterations tolerated in a row (40 uphill, 4 otherwise)\n"
          "  --basin-relax full|partial perpendicular relaxation while leaving the basin: up to 30 FIRE\n"
          "                            steps, Lanczos from the 1st push (full), or 4 steps, Lanczos from\n"
          "                            the 3rd push (partial, pARTn: cheaper, smaller barriers) (full)\n"
          "  --climb lbfgs|relax       climb: one step along the mode plus an L-BFGS step perpendicular\n"
          "                            to it per iteration (lbfgs), or ARTn's Newton step along the mode\n"
          "                            then 2..12 FIRE steps perpendicular, Lanczos each time (relax)\n"
          "                            (lbfgs)\n"
          "  --climb-lanczos-every K   lbfgs: Lanczos on every K-th step, the others reuse the mode (5)\n"
          "  --min-algo lbfgs|cg|fire  minimiser after the saddle, to max|F| < 5e-4 eV/Å (lbfgs)\n"
          "  --connect-tol A           the pushed-back minimum connects when it is the initial one or\n"
          "                            within 0.02 eV of it with every atom within A, Å (0.5)\n"
          "  --max-calls N             force calls per search (20000)\n"
          "  --set KEY=VALUE           any search parameter by its name in pel_art_params\n"
          "                            (include/pel/art.h), e.g. lanczos_abs_tol=1e-4; repeatable\n"
          "  --quiet                   no progress lines\n"
          "Catalog columns: search_id,center_id,status,E_initial_eV,E_saddle_eV,E_final_eV,EA_eV,ER_eV,\n"
          "  eigenvalue_eV_per_A2,force_eV_per_A,force_calls,n_displaced,max_disp_A,force_calls_saddle,\n"
          "  E_IS_eV_per_atom,max_disp_dist_A,displaced_ids,E_back_eV,back_disp_A,eigenvalue2_eV_per_A2,\n"
          "  configs_xyz (after a first line \"# pel art campaign: ...\")\n",
          fp);
    fputs(CLI_ENGINE_HELP, fp);
}

int cli_cmd_art(int argc, char **argv)
{
    const char *cmd = argv[0];
    const char *data = NULL, *out = NULL, *potential = PEL_EAM_DEFAULT_PATH, *elements = NULL, *centers = "all";
    int quiet = 0, lost_max = -1, potential_given = 0; /* -1: the --lost rule's default */
    cli_engine_opts eo;
    cli_engine_opts_init(&eo);
    long v;
    pel_art_run_params p;
    pel_art_run_params_default(&p);
    p.nthreads = CLI_DEFAULT_THREADS;
    const int uphill_lost_max = p.art.lost_max; /* the library default, for --lost uphill */
    static const struct option opts[] = {
        {"data", required_argument, 0, 'd'},      {"out", required_argument, 0, 'o'},
        {"potential", required_argument, 0, 'p'}, {"elements", required_argument, 0, 'e'},
        {"centers", required_argument, 0, 'c'},   {"searches-per-center", required_argument, 0, 'n'},
        {"seed", required_argument, 0, 's'},      {"threads", required_argument, 0, 't'},
        {"resume", no_argument, 0, 'r'},          {"kick", required_argument, 0, 'k'},
        {"kick-radius", required_argument, 0, 'K'}, {"eig-threshold", required_argument, 0, 'L'},
        {"force-tol", required_argument, 0, 'F'}, {"max-calls", required_argument, 0, 'M'},
        {"push", required_argument, 0, 'P'},      {"lost", required_argument, 0, 'l'},
        {"local-radius", required_argument, 0, 'R'}, {"local-stiffness", required_argument, 0, 'S'},
        {"connect-tol", required_argument, 0, 'C'}, {"basin-relax", required_argument, 0, 'B'},
        {"lost-max", required_argument, 0, 'X'},    {"climb", required_argument, 0, 'm'},
        {"climb-lanczos-every", required_argument, 0, 'E'}, {"min-algo", required_argument, 0, 'A'},
        {"eig-step", required_argument, 0, 'G'},   {"write-configs", required_argument, 0, 'W'},
        {"set", required_argument, 0, 'Z'},
        {"quiet", no_argument, 0, 'q'},           {"help", no_argument, 0, 'h'}, CLI_ENGINE_OPTIONS,
        {0, 0, 0, 0}};
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'o': out = optarg; break;
        case 'p': potential = optarg; potential_given = 1; break;
        case CLI_OPT_ENGINE:
        case CLI_OPT_PAIR: if (cli_engine_opt(cmd, &eo, c, optarg)) return CLI_USAGE; break;
        case 'e': elements = optarg; break;
        case 'c': centers = optarg; break;
        case 'r': p.resume = 1; break;
        case 'W': p.configs_dir = optarg; break;
        case 'Z': {
            pel_error perr = {0};
            if (pel_art_params_set(&p.art, optarg, &perr))
                return cli_errorf(cmd, CLI_USAGE, "--set: %s", perr.msg);
            break;
        }
        case 'q': quiet = 1; break;
        case 'P':
            if (strcmp(optarg, "kick") && strcmp(optarg, "follow"))
                return cli_errorf(cmd, CLI_USAGE, "--push must be kick or follow (got '%s')", optarg);
            p.art.basin_follow = strcmp(optarg, "follow") == 0;
            break;
        case 'B':
            /* the two measured protocols (docs/art.md; bench/RESULTS.md) */
            if (strcmp(optarg, "full") && strcmp(optarg, "partial"))
                return cli_errorf(cmd, CLI_USAGE, "--basin-relax must be full or partial (got '%s')", optarg);
            pel_art_params_basin_relax(&p.art, strcmp(optarg, "partial") == 0);
            break;
        case 'm':
            if (strcmp(optarg, "relax") && strcmp(optarg, "lbfgs"))
                return cli_errorf(cmd, CLI_USAGE, "--climb must be relax or lbfgs (got '%s')", optarg);
            p.art.climb = strcmp(optarg, "lbfgs") == 0 ? PEL_ART_CLIMB_LBFGS : PEL_ART_CLIMB_RELAX;
            break;
        case 'A': {
            pel_error perr = {0};
            pel_min_algo algo;
            if (pel_min_algo_parse(optarg, &algo, &perr))
                return cli_errorf(cmd, CLI_USAGE, "--min-algo: %s", perr.msg);
            p.art.min_algo = (int)algo;
            break;
        }
        case 'E':
            if (cli_long(cmd, "--climb-lanczos-every", optarg, &v))
                return CLI_USAGE;
            if (v < 1 || v > 1000)
                return cli_errorf(cmd, CLI_USAGE, "--climb-lanczos-every must be in 1..1000 (got %ld)", v);
            p.art.climb_lanczos_every = (int)v;
            break;
        case 'l':
            if (strcmp(optarg, "uphill") == 0)
                p.art.lost_step = PEL_ART_LOST_UPHILL;
            else if (strcmp(optarg, "mode") == 0)
                p.art.lost_step = PEL_ART_LOST_MODE;
            else if (strcmp(optarg, "kick") == 0)
                p.art.lost_step = PEL_ART_LOST_KICK;
            else
                return cli_errorf(cmd, CLI_USAGE, "--lost must be uphill, mode or kick (got '%s')", optarg);
            /* the relaxing rules were tuned with 4 tolerated iterations (docs/art.md) */
            p.art.lost_max = p.art.lost_step == PEL_ART_LOST_UPHILL ? uphill_lost_max : 4;
            break;
        case 'R': case 'S': {
            double d;
            const char *name = c == 'R' ? "--local-radius" : "--local-stiffness";
            if (cli_double(cmd, name, optarg, &d))
                return CLI_USAGE;
            if (!(d >= 0) || d > 1e6)
                return cli_errorf(cmd, CLI_USAGE, "%s out of range (got %g; must be in 0..1e6)", name, d);
            *(c == 'R' ? &p.art.local_radius : &p.art.local_stiffness) = d;
            break;
        }
        case 'X':
            if (cli_long(cmd, "--lost-max", optarg, &v))
                return CLI_USAGE;
            if (v < 0 || v > 100000)
                return cli_errorf(cmd, CLI_USAGE, "--lost-max must be in 0..100000 (got %ld)", v);
            lost_max = (int)v;
            break;
        case 'n':
            if (cli_long(cmd, "--searches-per-center", optarg, &v))
                return CLI_USAGE;
            if (v <= 0)
                return cli_errorf(cmd, CLI_USAGE, "--searches-per-center must be positive (got %ld)", v);
            p.searches_per_center = v;
            break;
        case 's':
            if (cli_long(cmd, "--seed", optarg, &v))
                return CLI_USAGE;
            p.seed = (uint64_t)v;
            break;
        case 't':
            if (cli_long(cmd, "--threads", optarg, &v))
                return CLI_USAGE;
            if (v <= 0 || v > 1024)
                return cli_errorf(cmd, CLI_USAGE, "--threads must be in 1..1024 (got %ld)", v);
            p.nthreads = (int)v;
            break;
        case 'M':
            if (cli_long(cmd, "--max-calls", optarg, &v))
                return CLI_USAGE;
            if (v <= 0)
                return cli_errorf(cmd, CLI_USAGE, "--max-calls must be positive (got %ld)", v);
            p.art.max_force_calls = v;
            break;
        case 'k': case 'K': case 'L': case 'F': case 'C': case 'G': {
            double d;
            const char *name = c == 'k' ? "--kick" : c == 'K' ? "--kick-radius" : c == 'L' ? "--eig-threshold"
                             : c == 'C' ? "--connect-tol" : c == 'G' ? "--eig-step" : "--force-tol";
            if (cli_double(cmd, name, optarg, &d))
                return CLI_USAGE;
            if ((c == 'L' && !(d < 0)) || (c != 'L' && !(d > 0)))
                return cli_errorf(cmd, CLI_USAGE, "%s out of range (got %g; %s)", name, d,
                                  c == 'L' ? "must be negative" : "must be positive");
            *(c == 'k'   ? &p.art.kick_norm
              : c == 'K' ? &p.art.kick_radius
              : c == 'L' ? &p.art.eig_threshold
              : c == 'C' ? &p.art.connect_disp_tol
              : c == 'G' ? &p.art.eig_step
                         : &p.art.force_tol) = d;
            break;
        }
        case 'h': usage(stdout); return CLI_OK;
        default:
            return cli_errorf(cmd, CLI_USAGE, "unknown or incomplete option '%s' (see --help)", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_errorf(cmd, CLI_USAGE, "unexpected argument '%s'", argv[optind]);
    if (lost_max >= 0) /* after --lost, whatever the order */
        p.art.lost_max = lost_max;
    if (!data || !out)
        return cli_errorf(cmd, CLI_USAGE, "--data and --out are required (see --help)");
    if (cli_engine_check(cmd, &eo, potential_given))
        return CLI_USAGE;
    /* the LAMMPS engine's child process cannot live inside an MPI rank */
    if (!cli_engine_is_eam(&eo) && cli_launched_by_mpi())
        return cli_errorf(cmd, CLI_USAGE, "--engine lammps: run pel art as one process (use --threads), not under mpirun");
    pel_engine_spec spec = {eo.type, eo.pair, eo.npair};
    if (!cli_engine_is_eam(&eo)) {
        p.engine = &spec;
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
