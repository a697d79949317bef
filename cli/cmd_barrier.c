/* cmd_barrier.c - `pel barrier`: Z, mean barrier and D for one spectrum
 * (W, m, e_A, s) at one temperature (paper eqs. 3, 4, 7; docs/theory.md §3-4).
 * Fixed output form (other tools parse it): one line "Z=<v> EA=<v> D=<v>". */
#include <math.h>
#include <stdio.h>

#include "cli.h"
#include "cli_model.h"
#include "cli_opt.h"
#include "pel/spectrum.h"
#include "pel/util.h"

int cli_cmd_barrier(int argc, char **argv)
{
    const char *cmd = argv[0];
    pel_spectrum sp = {.W = NAN, .m = NAN, .eA = 0.5, .s = 0.49};
    double T = NAN, eR = 0.32;
    int json = 0;
    const cli_opt opts[] = {
        {.name = "W", .kind = CLI_DOUBLE, .dest = &sp.W, .arg = "w", .help = "weight of the exponential mode M1",
         .lo = 0, .hi = 1, .flags = CLI_REQ | CLI_GE | CLI_LE},
        {.name = "m", .kind = CLI_DOUBLE, .dest = &sp.m, .arg = "eV", .help = "location of the peaked mode M2",
         .unit = "eV", .flags = CLI_REQ},
        {.name = "T", .kind = CLI_DOUBLE, .dest = &T, .arg = "K",
         .help = "temperature (accuracy 1e-12 on Z for 1..5000 K)", .unit = "K", .lo = 0, .hi = 1e5,
         .flags = CLI_REQ | CLI_GT | CLI_LE},
        {.name = "eA", .kind = CLI_DOUBLE, .dest = &sp.eA, .arg = "eV", .help = "M1 decay energy", .def = "0.5",
         .unit = "eV", .lo = 0, .flags = CLI_GT},
        {.name = "s", .kind = CLI_DOUBLE, .dest = &sp.s, .arg = "eV", .help = "M2 width", .def = "0.49",
         .unit = "eV", .lo = 0, .flags = CLI_GT},
        {.name = "eR", .kind = CLI_DOUBLE, .dest = &eR, .arg = "eV", .help = "mean relaxation energy", .def = "0.32",
         .unit = "eV", .lo = 0, .flags = CLI_GE},
        {.name = "json", .kind = CLI_FLAG, .dest = &json, .help = "print an object instead of the line"},
    };
    const cli_spec spec = {
        .name = "barrier",
        .synopsis = "--W w --m eV --T K [--eA 0.5] [--s 0.49] [--eR 0.32] [--json]",
        .about = "Boltzmann-averaged activation barrier of the spectrum\n"
                 "  P(E_A) = W/eA exp(-E_A/eA) + W0 E_A exp(-(E_A-m)^2/(2 s^2))   (paper eq. 3)\n"
                 "  Z = int P(E_A) exp(-E_A/kT) dE_A,  EA = -kT ln Z,  D = EA - eR  (eqs. 4, 7)",
        .output = "Output: one line 'Z=<v> EA=<v> D=<v>' (%.17g; EA and D in eV); with --json the keys\n"
                  "W, m_eV, T_K, eA_eV, s_eV, eR_eV, Z, lnZ, EA_mean_eV, D_eV.",
        CLI_SPEC_OPTS(opts),
    };
    int prc, npos;
    if (cli_parse(&spec, argc, argv, &npos, &prc))
        return prc;

    pel_error err = {0};
    double Z, EA;
    if (pel_spectrum_barrier(&sp, T, &Z, &EA, &err) != PEL_OK)
        return cli_fail(cmd, &err);
    double D = EA - eR;
    if (!isfinite(Z) || !isfinite(EA) || !isfinite(D))
        return cli_errorf(cmd, CLI_FAIL, "non-finite result at W=%g m=%g T=%g", sp.W, sp.m, T);
    if (json) {
        json_t *o = json_pack("{s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f}", "W", sp.W, "m_eV", sp.m, "T_K", T,
                              "eA_eV", sp.eA, "s_eV", sp.s, "eR_eV", eR, "Z", Z, "lnZ", pel_spectrum_log_Z(&sp, T),
                              "EA_mean_eV", EA, "D_eV", D);
        return cli_json_print(cmd, o);
    }
    printf("Z=%.17g EA=%.17g D=%.17g\n", Z, EA, D);
    return fflush(stdout) == 0 ? CLI_OK : cli_errorf(cmd, CLI_FAIL, "error writing standard output");
}
