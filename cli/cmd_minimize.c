/* cmd_minimize.c - `pel minimize`: inherent structure of a LAMMPS data file
 * (FIRE 2.0 or CG, fixed box or isotropic zero-pressure box).  Prints
 * E_per_atom_eV=<v> (a fixed form other tools parse). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_opt.h"
#include "cli_atoms.h"
#include "cli_model.h"
#include "pel/eam.h"
#include "pel/minimize.h"

static const char *CMD = "minimize";

int cli_cmd_minimize(int argc, char **argv)
{
    /* potential stays NULL unless given: --engine lammps refuses it */
    const char *in = NULL, *out = NULL, *potential = NULL, *elements = NULL, *algo = "fire";
    const char *box = "fixed";
    long threads = CLI_DEFAULT_THREADS;
    int verbose = 0, json = 0;
    cli_engine_opts eo;
    cli_engine_opts_init(&eo);
    pel_min_params mp;
    pel_min_params_default(&mp);
    pel_error err = {0};
    const cli_opt opts[] = {
        {.name = "data", .kind = CLI_FILE, .dest = &in, .arg = "FILE", .help = "LAMMPS data file to minimise",
         .flags = CLI_REQ},
        {.name = "out", .kind = CLI_FILE, .dest = &out, .arg = "FILE", .help = "LAMMPS data file of the minimum",
         .flags = CLI_REQ},
        {.name = "box", .kind = CLI_ENUM, .dest = &box, .choices = "fixed|iso",
         .help = "fixed box, or isotropic box relaxation to --P", .def = "fixed"},
        {.name = "min-algo", .kind = CLI_ENUM, .dest = &algo, .choices = "fire|cg|lbfgs",
         .help = "FIRE 2.0 (LAMMPS defaults), Polak-Ribiere CG or L-BFGS", .def = "fire", .old = "algo"},
        CLI_OPT_FTOL(&mp.ftol, "1e-6"),
        CLI_OPT_PTOL(&mp.ptol_bar),
        {.name = "P", .kind = CLI_DOUBLE, .dest = &mp.p_target_bar, .arg = "BAR",
         .help = "target pressure for --box iso", .def = "0", .unit = "bar"},
        CLI_OPT_MAX_CALLS("max-calls", &mp.max_force_calls, "force-call budget"),
        CLI_OPT_POTENTIAL(&potential),
        CLI_OPT_ELEMENTS(&elements),
        CLI_OPT_THREADS(&threads),
        CLI_OPTS_ENGINE(&eo),
        {.name = "verbose", .kind = CLI_FLAG, .dest = &verbose,
         .help = "also print P_bar, fmax, force calls on a second line"},
        CLI_OPT_JSON(&json, "print every number of the result as one object"),
    };
    const cli_spec spec = {
        .name = CMD,
        .synopsis = "--data IN --out OUT [options]",
        .about = "Minimise the potential energy of a LAMMPS data file and write the minimum.",
        .output = "Prints E_per_atom_eV=<v> (17 significant digits); --verbose adds a line\n"
                  "P_bar=<v> fmax_eV_per_A=<v> force_calls=<n> iterations=<n> V_A3=<v>; --json prints\n"
                  "all of them (E_per_atom_eV, E_eV, P_bar, fmax_eV_per_A, force_calls, iterations, V_A3,\n"
                  "atoms) as one object.",
        CLI_SPEC_OPTS(opts),
    };
    int prc, npos;
    if (cli_parse(&spec, argc, argv, &npos, &prc))
        return prc;
    if (cli_engine_check(CMD, &eo, &potential))
        return CLI_USAGE;
    /* cannot fail: the table checked the words */
    pel_min_algo_parse(algo, &mp.algo, &err);
    pel_min_box_parse(box, &mp.box, &err);

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
    if (!rc && json) {
        double n = (double)sys->n;
        json_t *o = json_pack("{s:o,s:o,s:o,s:o,s:I,s:I,s:o,s:I}", "E_per_atom_eV", cli_jnum(res.energy / n), "E_eV",
                              cli_jnum(res.energy), "P_bar", cli_jnum(res.pressure_bar), "fmax_eV_per_A",
                              cli_jnum(res.fmax), "force_calls", (json_int_t)res.force_calls, "iterations",
                              (json_int_t)res.iterations, "V_A3", cli_jnum(pel_system_volume(sys)), "atoms",
                              (json_int_t)sys->n);
        rc = isfinite(res.energy) ? (cli_json_print(CMD, o) == CLI_OK ? PEL_OK : PEL_ENUMERIC)
                                  : (json_decref(o), cli_print_g17(stdout, res.energy), PEL_ENUMERIC);
    } else if (!rc) {
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
