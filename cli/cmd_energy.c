/* cmd_energy.c - `pel energy`: energy, pressure and forces of a LAMMPS data
 * file with pel's EAM or the LAMMPS engine (docs/engines.md), as LAMMPS `run 0` reports them (fixed output form, other tools
 * parse it):
 *   E_total_eV=<v> E_per_atom_eV=<v> P_bar=<v>
 *   [with --forces: one line "id fx fy fz" per atom in id order]      all %.17g */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cli_atoms.h"
#include "pel/eam.h"
#include "pel/system.h"

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: pel energy --data <file> [--potential <file>] [--elements Cu,Zr] [--forces] [--threads N]\n"
            "                  [--engine lammps --pair LINE...]\n"
            "  Potential energy and pressure of a LAMMPS data file (atom_style atomic) with an EAM\n"
            "  potential (eam/fs, or eam/alloy when the name ends in .alloy), or any LAMMPS potential.\n"
            "  --data FILE        LAMMPS data file\n"
            "  --potential FILE   default " PEL_EAM_DEFAULT_PATH "\n"
            "  --elements LIST    element of each atom type, comma separated (default: the '# El'\n"
            "                     comments of the Masses section, else the potential's order)\n"
            "  --forces           also print 'id fx fy fz' (eV/A) per atom in id order\n"
            "  --threads N        OpenMP threads (default 1: never slower on a busy machine)\n"
            CLI_ENGINE_HELP
            "Output: E_total_eV=<v> E_per_atom_eV=<v> P_bar=<v> (pressure as LAMMPS thermo press,\n"
            "kinetic part included when the file has Velocities); masses come from the EAM potential\n"
            "(from the data file with --engine lammps).\n");
}

int cli_cmd_energy(int argc, char **argv)
{
    const char *cmd = argv[0];
    const char *data = NULL, *potpath = PEL_EAM_DEFAULT_PATH, *elements = NULL;
    int forces = 0, potential_given = 0;
    cli_engine_opts eo;
    cli_engine_opts_init(&eo);
    long threads = CLI_DEFAULT_THREADS;
    static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
                                         {"potential", required_argument, NULL, 'p'},
                                         {"elements", required_argument, NULL, 'e'},
                                         {"forces", no_argument, NULL, 'f'},
                                         {"threads", required_argument, NULL, 't'},
                                         {"help", no_argument, NULL, 'h'},
                                         CLI_ENGINE_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    optind = 1;
    opterr = 0;
    int o;
    while ((o = getopt_long(argc, argv, ":d:p:e:ft:h", opts, NULL)) != -1) {
        switch (o) {
        case 'd': data = optarg; break;
        case 'p': potpath = optarg; potential_given = 1; break;
        case CLI_OPT_ENGINE:
        case CLI_OPT_PAIR:
            if (cli_engine_opt(cmd, &eo, o, optarg))
                return CLI_USAGE;
            break;
        case 'e': elements = optarg; break;
        case 'f': forces = 1; break;
        case 't':
            if (cli_long(cmd, "--threads", optarg, &threads))
                return CLI_USAGE;
            if (threads < 1 || threads > 1024)
                return cli_errorf(cmd, CLI_USAGE, "--threads: %ld outside 1..1024", threads);
            break;
        case 'h': usage(stdout); return CLI_OK;
        case ':': return cli_errorf(cmd, CLI_USAGE, "option %s needs a value", argv[optind - 1]);
        default: return cli_errorf(cmd, CLI_USAGE, "unknown option %s (see --help)", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_errorf(cmd, CLI_USAGE, "unexpected argument '%s' (see --help)", argv[optind]);
    if (!data)
        return cli_errorf(cmd, CLI_USAGE, "--data is required (see --help)");
    if (cli_engine_check(cmd, &eo, potential_given))
        return CLI_USAGE;

    pel_error err = {0};
    pel_eam *pot = NULL;
    pel_system *sys = NULL;
    pel_engine *calc = NULL;
    double *f = NULL;
    int status = CLI_FAIL;
    int map[PEL_MAX_TYPES];
    if ((cli_engine_is_eam(&eo) && pel_eam_read_auto(potpath, &pot, &err)) ||
        pel_system_read_data(data, elements, &sys, &err) || (pot && pel_eam_map_types(pot, sys, map, &err)))
        goto done;
    cli_note_ignored(cmd, sys);
    /* LAMMPS pair_coeff for eam/fs and eam/alloy sets masses from the potential. */
    for (int t = 0; pot && t < sys->ntypes; t++)
        sys->mass[t] = pel_eam_mass(pot, map[t]);
    if (cli_engine_new(&eo, pot, sys, 0.0, (int)threads, &calc, &err))
        goto done;
    f = malloc(3 * (sys->n ? sys->n : 1) * sizeof *f);
    if (!f) {
        cli_errorf(cmd, CLI_FAIL, "out of memory");
        goto out;
    }
    pel_forces res = {.f = f};
    if (pel_engine_compute(calc, sys, &res, &err))
        goto done;
    double p = pel_system_pressure(sys, res.virial, sys->has_velocities);
    printf("E_total_eV=%.17g E_per_atom_eV=%.17g P_bar=%.17g\n", res.energy,
           sys->n ? res.energy / (double)sys->n : 0.0, p);
    if (forces)
        for (size_t i = 0; i < sys->n; i++)
            printf("%lld %.17g %.17g %.17g\n", (long long)sys->id[i], f[3 * i], f[3 * i + 1], f[3 * i + 2]);
    status = fflush(stdout) == 0 ? CLI_OK : cli_errorf(cmd, CLI_FAIL, "cannot write the output");
    goto out;
done:
    cli_fail(cmd, &err);
out:
    free(f);
    pel_engine_free(&calc);
    pel_system_free(&sys);
    pel_eam_free(&pot);
    return status;
}
