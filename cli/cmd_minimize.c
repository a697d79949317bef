/* cmd_minimize.c - `pel minimize`: inherent structure of a LAMMPS data file
 * (FIRE 2.0 or CG, fixed box or isotropic zero-pressure box).  Prints
 * E_per_atom_eV=<v> (a fixed form other tools parse). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_atoms.h"
#include "pel/eam.h"
#include "pel/minimize.h"

static const char *CMD = "minimize";

static void usage(FILE *fp)
{
    fprintf(fp, "usage: pel minimize --data <in> --out <out> [options]\n"
                "Minimise the potential energy of a LAMMPS data file and write the minimum.\n"
                "Prints E_per_atom_eV=<v> (17 significant digits).\n\n"
                "  --box fixed|iso     fixed box, or isotropic box relaxation to --P (default fixed)\n"
                "  --algo fire|cg|lbfgs FIRE 2.0 (LAMMPS defaults), Polak-Ribiere CG or L-BFGS (default fire)\n"
                "  --ftol F            max force component at convergence, eV/Å (default 1e-6)\n"
                "  --ptol P            |P - target| at convergence with --box iso, bar (default 1)\n"
                "  --P BAR             target pressure for --box iso, bar (default 0)\n"
                "  --max-calls N       force-call budget (default 100000)\n"
                "  --potential FILE    EAM potential (default " PEL_EAM_DEFAULT_PATH ")\n"
                "  --elements A,B      element of each atom type (default: from the data file)\n"
                "  --threads N         OpenMP threads (default 1: never slower on a busy machine)\n"
                CLI_ENGINE_HELP
                "  --verbose           also print P_bar, fmax, force calls on a second line\n"
                "  --help\n");
}

int cli_cmd_minimize(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, 0, 'i'},      {"out", required_argument, 0, 'o'},
        {"box", required_argument, 0, 'b'},       {"algo", required_argument, 0, 'a'},
        {"ftol", required_argument, 0, 'f'},      {"ptol", required_argument, 0, 'q'},
        {"P", required_argument, 0, 'P'},         {"max-calls", required_argument, 0, 'm'},
        {"potential", required_argument, 0, 'p'}, {"elements", required_argument, 0, 'e'},
        {"threads", required_argument, 0, 'j'},   {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},            CLI_ENGINE_OPTIONS, {0, 0, 0, 0}};
    const char *in = NULL, *out = NULL, *potential = PEL_EAM_DEFAULT_PATH, *elements = NULL;
    long threads = CLI_DEFAULT_THREADS;
    int verbose = 0, potential_given = 0;
    cli_engine_opts eo;
    cli_engine_opts_init(&eo);
    pel_min_params mp;
    pel_min_params_default(&mp);
    pel_error err = {0};
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'i': in = optarg; break;
        case 'o': out = optarg; break;
        case 'b':
            if (pel_min_box_parse(optarg, &mp.box, &err)) return cli_fail(CMD, &err), CLI_USAGE;
            break;
        case 'a':
            if (pel_min_algo_parse(optarg, &mp.algo, &err)) return cli_fail(CMD, &err), CLI_USAGE;
            break;
        case 'f': if (cli_double(CMD, "--ftol", optarg, &mp.ftol)) return CLI_USAGE; break;
        case 'q': if (cli_double(CMD, "--ptol", optarg, &mp.ptol_bar)) return CLI_USAGE; break;
        case 'P': if (cli_double(CMD, "--P", optarg, &mp.p_target_bar)) return CLI_USAGE; break;
        case 'm': if (cli_long(CMD, "--max-calls", optarg, &mp.max_force_calls)) return CLI_USAGE; break;
        case 'p': potential = optarg; potential_given = 1; break;
        case CLI_OPT_ENGINE:
        case CLI_OPT_PAIR: if (cli_engine_opt(CMD, &eo, c, optarg)) return CLI_USAGE; break;
        case 'e': elements = optarg; break;
        case 'j': if (cli_long(CMD, "--threads", optarg, &threads)) return CLI_USAGE; break;
        case 'v': verbose = 1; break;
        case 'h': usage(stdout); return CLI_OK;
        case ':': return cli_errorf(CMD, CLI_USAGE, "option %s needs a value", argv[optind - 1]);
        default: return cli_errorf(CMD, CLI_USAGE, "unknown option %s (see --help)", argv[optind - 1]);
        }
    }
    if (optind < argc) return cli_errorf(CMD, CLI_USAGE, "unexpected argument '%s'", argv[optind]);
    if (!in) return cli_errorf(CMD, CLI_USAGE, "--data <file> is required");
    if (!out) return cli_errorf(CMD, CLI_USAGE, "--out <file> is required");
    if (cli_engine_check(CMD, &eo, potential_given)) return CLI_USAGE;
    if (!(mp.ftol > 0)) return cli_errorf(CMD, CLI_USAGE, "--ftol must be > 0");
    if (!(mp.ptol_bar > 0)) return cli_errorf(CMD, CLI_USAGE, "--ptol must be > 0");
    if (mp.max_force_calls < 1) return cli_errorf(CMD, CLI_USAGE, "--max-calls must be >= 1");
    if (threads < 1 || threads > 256) return cli_errorf(CMD, CLI_USAGE, "--threads %ld out of range 1..256", threads);

    pel_eam *pot = NULL;
    pel_system *sys = NULL;
    pel_engine *calc = NULL;
    pel_min_result res;
    int rc = cli_engine_is_eam(&eo) ? pel_eam_read_auto(potential, &pot, &err) : PEL_OK;
    if (!rc) rc = pel_system_read_data(in, elements, &sys, &err);
    if (!rc) cli_note_ignored(CMD, sys);
    if (!rc) rc = cli_engine_new(&eo, pot, sys, 0.5, (int)threads, &calc, &err);
    if (!rc) rc = pel_minimize(calc, sys, &mp, &res, NULL, NULL, &err);
    if (!rc) {
        memset(sys->v, 0, 3 * sys->n * sizeof(double));
        sys->has_velocities = 0;
        pel_system_wrap(sys);
        rc = pel_system_write_data(sys, out, "pel minimize: inherent structure", &err);
    }
    if (!rc) {
        printf("E_per_atom_eV=");
        if (cli_print_g17(stdout, res.energy / (double)sys->n)) rc = PEL_ENUMERIC;
        printf("\n");
        if (verbose)
            printf("P_bar=%.17g fmax_eV_per_A=%.17g force_calls=%ld iterations=%ld V_A3=%.17g\n", res.pressure_bar,
                   res.fmax, res.force_calls, res.iterations, pel_system_volume(sys));
    }
    pel_engine_free(&calc);
    pel_system_free(&sys);
    pel_eam_free(&pot);
    if (rc == PEL_ENUMERIC) return CLI_FAIL;
    return rc ? cli_fail(CMD, &err) : CLI_OK;
}
