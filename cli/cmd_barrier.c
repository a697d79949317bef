/* cmd_barrier.c - `pel barrier`: Z, mean barrier and D for one spectrum
 * (W, m, e_A, s) at one temperature (paper eqs. 3, 4, 7; docs/theory.md §3-4).
 * Fixed output form (other tools parse it): one line "Z=<v> EA=<v> D=<v>". */
#include <getopt.h>
#include <math.h>
#include <stdio.h>

#include "cli.h"
#include "cli_model.h"
#include "pel/spectrum.h"
#include "pel/util.h"

static void usage(FILE *fp)
{
    fprintf(fp, "usage: pel barrier --W <w> --m <eV> --T <K> [--eA 0.5] [--s 0.49] [--eR 0.32] [--json]\n\n"
                "Boltzmann-averaged activation barrier of the spectrum\n"
                "  P(E_A) = W/eA exp(-E_A/eA) + W0 E_A exp(-(E_A-m)^2/(2 s^2))   (paper eq. 3)\n"
                "  Z = int P(E_A) exp(-E_A/kT) dE_A,  EA = -kT ln Z,  D = EA - eR  (eqs. 4, 7)\n\n"
                "  --W w      weight of the exponential mode M1, 0 <= w <= 1\n"
                "  --m eV     location of the peaked mode M2\n"
                "  --T K      temperature, 0 < T <= 1e5 (accuracy 1e-12 on Z for 1..5000 K)\n"
                "  --eA eV    M1 decay energy (default 0.5), > 0\n"
                "  --s eV     M2 width (default 0.49), > 0\n"
                "  --eR eV    mean relaxation energy (default 0.32), >= 0\n"
                "  --json     print an object instead of the line\n\n"
                "Output: one line 'Z=<v> EA=<v> D=<v>' (%%.17g; EA and D in eV).\n");
}

int cli_cmd_barrier(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option longopts[] = {
        {"W", required_argument, NULL, 'W'},  {"m", required_argument, NULL, 'm'},
        {"T", required_argument, NULL, 'T'},  {"eA", required_argument, NULL, 'a'},
        {"s", required_argument, NULL, 's'},  {"eR", required_argument, NULL, 'r'},
        {"json", no_argument, NULL, 'j'},     {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    pel_spectrum sp = {.W = NAN, .m = NAN, .eA = 0.5, .s = 0.49};
    double T = NAN, eR = 0.32;
    int json = 0;
    optind = 1;
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        int bad = 0;
        switch (ch) {
        case 'W': bad = cli_double(cmd, "--W", optarg, &sp.W); break;
        case 'm': bad = cli_double(cmd, "--m", optarg, &sp.m); break;
        case 'T': bad = cli_double(cmd, "--T", optarg, &T); break;
        case 'a': bad = cli_double(cmd, "--eA", optarg, &sp.eA); break;
        case 's': bad = cli_double(cmd, "--s", optarg, &sp.s); break;
        case 'r': bad = cli_double(cmd, "--eR", optarg, &eR); break;
        case 'j': json = 1; break;
        case 'h': usage(stdout); return CLI_OK;
        default: return cli_errorf(cmd, CLI_USAGE, "bad option '%s' (see pel barrier --help)", argv[optind - 1]);
        }
        if (bad)
            return CLI_USAGE;
    }
    if (optind < argc)
        return cli_errorf(cmd, CLI_USAGE, "unexpected argument '%s' (see pel barrier --help)", argv[optind]);
    if (isnan(sp.W) || isnan(sp.m) || isnan(T))
        return cli_errorf(cmd, CLI_USAGE, "--W, --m and --T are required (see pel barrier --help)");
    if (sp.W < 0.0 || sp.W > 1.0)
        return cli_errorf(cmd, CLI_USAGE, "--W %g outside [0, 1]", sp.W);
    if (!(T > 0.0) || T > 1e5)
        return cli_errorf(cmd, CLI_USAGE, "--T %g K outside (0, 1e5] K", T);
    if (!(sp.eA > 0.0))
        return cli_errorf(cmd, CLI_USAGE, "--eA %g must be > 0 eV", sp.eA);
    if (!(sp.s > 0.0))
        return cli_errorf(cmd, CLI_USAGE, "--s %g must be > 0 eV", sp.s);
    if (!(eR >= 0.0))
        return cli_errorf(cmd, CLI_USAGE, "--eR %g must be >= 0 eV", eR);

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
