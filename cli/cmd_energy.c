/* cmd_energy.c - `pel energy`: energy, pressure and forces of a LAMMPS data
 * file with pel's EAM or the LAMMPS engine (docs/engines.md), as LAMMPS `run 0` reports them (fixed output form, other tools
 * parse it):
 *   E_total_eV=<v> E_per_atom_eV=<v> P_bar=<v>
 *   [with --forces: one line "id fx fy fz" per atom in id order]      all %.17g */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cli_opt.h"
#include "cli_atoms.h"
#include "cli_model.h"
#include "pel/eam.h"
#include "pel/system.h"

int cli_cmd_energy(int argc, char **argv)
{
    const char *cmd = argv[0];
    /* potpath stays NULL unless given: --engine lammps refuses it */
    const char *data = NULL, *potpath = NULL, *elements = NULL;
    int forces = 0;
    cli_engine_opts eo;
    cli_engine_opts_init(&eo);
    long threads = CLI_DEFAULT_THREADS;
    int json = 0;
    const cli_opt opts[] = {
        {.name = "data", .shrt = 'd', .kind = CLI_FILE, .dest = &data, .arg = "FILE", .help = "LAMMPS data file",
         .flags = CLI_REQ},
        {.name = "potential", .shrt = 'p', .kind = CLI_FILE, .dest = &potpath, .arg = "FILE",
         .help = "EAM potential (eam/fs, or eam/alloy when the name ends in .alloy)", .def = PEL_EAM_DEFAULT_PATH},
        {.name = "elements", .shrt = 'e', .kind = CLI_STRING, .dest = &elements, .arg = "A,B",
         .help = "element of each atom type",
         .def = "the '# El' comments of the Masses section, else the potential's order"},
        {.name = "forces", .shrt = 'f', .kind = CLI_FLAG, .dest = &forces,
         .help = "also print 'id fx fy fz' (eV/Å) per atom in id order"},
        {.name = "threads", .shrt = 't', .kind = CLI_LONG, .dest = &threads, .arg = "N",
         .help = "OpenMP threads (1 is never slower on a busy machine)", .def = "1", .lo = 1, .hi = 1024,
         .flags = CLI_GE | CLI_LE},
        CLI_OPTS_ENGINE(&eo),
        CLI_OPT_JSON(&json, "one object: E_total_eV, E_per_atom_eV, P_bar, atoms (and id, f_eV_per_A with --forces)"),
    };
    const cli_spec spec = {
        .name = "energy",
        .synopsis = "--data FILE [--potential FILE | --engine lammps --pair LINE...] [--elements Cu,Zr] [--forces]\n"
                     "[--threads N] [--json]",
        .about = "Potential energy and pressure of a LAMMPS data file (atom_style atomic) with an EAM\n"
                 "potential (or any LAMMPS potential through --engine lammps), as LAMMPS `run 0` reports them.",
        .output = "Output: E_total_eV=<v> E_per_atom_eV=<v> P_bar=<v> (pressure as LAMMPS thermo press,\n"
                  "kinetic part included when the file has Velocities); masses come from the EAM potential\n"
                  "(from the data file with --engine lammps).\n"
                  "All numbers %.17g.",
        CLI_SPEC_OPTS(opts),
    };
    int prc, npos;
    if (cli_parse(&spec, argc, argv, &npos, &prc))
        return prc;
    if (cli_engine_check(cmd, &eo, &potpath))
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
    if (json) {
        json_t *o = json_pack("{s:o,s:o,s:o,s:I}", "E_total_eV", cli_jnum(res.energy), "E_per_atom_eV",
                              cli_jnum(sys->n ? res.energy / (double)sys->n : 0.0), "P_bar", cli_jnum(p), "atoms",
                              (json_int_t)sys->n);
        json_t *ids = forces ? json_array() : NULL, *fs = forces ? json_array() : NULL;
        for (size_t i = 0; forces && i < sys->n && ids && fs; i++) {
            json_array_append_new(ids, json_integer((json_int_t)sys->id[i]));
            json_array_append_new(fs, json_pack("[o,o,o]", cli_jnum(f[3 * i]), cli_jnum(f[3 * i + 1]),
                                                cli_jnum(f[3 * i + 2])));
        }
        if (o && forces) {
            json_object_set_new(o, "id", ids);
            json_object_set_new(o, "f_eV_per_A", fs);
        }
        status = cli_json_print(cmd, o);
        goto out;
    }
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
