/* cmd_spectrum.c - `pel spectrum`: the activation spectrum P(E_A|E) of a
 * material at one inherent-structure energy (paper eq. 3, docs/theory.md §2), as CSV
 * on a grid of E_A, or a JSON summary (W, m, W0, and the mean barrier at
 * --T when given). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cli_model.h"
#include "pel/equilibrium.h"
#include "pel/spectrum.h"

static void usage(FILE *fp)
{
    fprintf(fp, "usage: pel spectrum --E <eV/atom> [--material <name|file.ini>] [--EA from:to:step]\n"
                "                    [--T <K>] [--json] [--out <file.csv>]\n\n"
                "Activation-barrier density of paper eq. 3 at inherent-structure energy E:\n"
                "  P(E_A) = W/eA exp(-E_A/eA) + W0 E_A exp(-(E_A-m)^2/(2 s^2)),  W0 = (1-W)/I1(m,s)\n"
                "with W = W(E), m = m(E) from the material.\n\n"
                "  --material M     preset name (default cu56zr44) or INI file (docs/material.md)\n"
                "  --E eV           inherent-structure energy per atom\n"
                "  --EA a:b:c       barrier grid in eV (default 0:4:0.01), a >= 0\n"
                "  --T K            also report Z, mean barrier and D at T (JSON), 0 < T <= 1e5\n"
                "  --json           summary object instead of the CSV\n"
                "  --out FILE       write the CSV to FILE (atomically) instead of stdout\n\n"
                "CSV columns: EA_eV,P_per_eV,P_M1_per_eV,P_M2_per_eV\n");
}

static int write_csv(FILE *fp, const pel_spectrum *sp, const double *EA, size_t n)
{
    fprintf(fp, "EA_eV,P_per_eV,P_M1_per_eV,P_M2_per_eV\n");
    for (size_t i = 0; i < n; i++) {
        double p1 = pel_spectrum_pdf_m1(sp, EA[i]), p2 = pel_spectrum_pdf_m2(sp, EA[i]);
        if (!isfinite(p1) || !isfinite(p2))
            return 1;
        fprintf(fp, "%.15g,%.17g,%.17g,%.17g\n", EA[i], p1 + p2, p1, p2);
    }
    return ferror(fp) ? 1 : 0;
}

int cli_cmd_spectrum(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option longopts[] = {
        {"material", required_argument, NULL, 'M'}, {"E", required_argument, NULL, 'E'},
        {"EA", required_argument, NULL, 'A'},       {"T", required_argument, NULL, 'T'},
        {"json", no_argument, NULL, 'j'},           {"out", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    const char *matname = "cu56zr44", *grid = "0:4:0.01", *out = NULL;
    double E = NAN, T = NAN;
    int json = 0;
    optind = 1;
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        int bad = 0;
        switch (ch) {
        case 'M': matname = optarg; break;
        case 'E': bad = cli_double(cmd, "--E", optarg, &E); break;
        case 'A': grid = optarg; break;
        case 'T': bad = cli_double(cmd, "--T", optarg, &T); break;
        case 'j': json = 1; break;
        case 'o': out = optarg; break;
        case 'h': usage(stdout); return CLI_OK;
        default: return cli_errorf(cmd, CLI_USAGE, "bad option '%s' (see pel spectrum --help)", argv[optind - 1]);
        }
        if (bad)
            return CLI_USAGE;
    }
    if (optind < argc)
        return cli_errorf(cmd, CLI_USAGE, "unexpected argument '%s' (see pel spectrum --help)", argv[optind]);
    if (isnan(E))
        return cli_errorf(cmd, CLI_USAGE, "--E is required (see pel spectrum --help)");
    if (!isnan(T) && cli_model_check_T(cmd, "--T", &T, 1))
        return CLI_USAGE;
    if (json && out)
        return cli_errorf(cmd, CLI_USAGE, "--out writes the CSV; it cannot be combined with --json");
    pel_material mat;
    if (cli_model_material(cmd, matname, &mat))
        return CLI_FAIL;
    pel_spectrum sp;
    pel_material_spectrum(&mat, E, &sp);
    pel_error err = {0};
    if (pel_spectrum_check(&sp, &err) != PEL_OK)
        return cli_fail(cmd, &err);

    if (json) {
        json_t *o = json_pack("{s:s,s:f,s:o,s:o,s:o,s:f,s:f,s:f}", "material", mat.name, "E_eV_per_atom", E, "W",
                              cli_jnum(sp.W), "m_eV", cli_jnum(sp.m), "W0_per_eV2", cli_jnum(exp(pel_spectrum_log_W0(&sp))),
                              "eA_eV", sp.eA, "s_eV", sp.s, "eR_eV", mat.eR);
        if (o && !isnan(T)) {
            double Z, EA;
            if (pel_spectrum_barrier(&sp, T, &Z, &EA, &err) != PEL_OK) {
                json_decref(o);
                return cli_fail(cmd, &err);
            }
            json_object_set_new(o, "T_K", json_real(T));
            json_object_set_new(o, "Z", cli_jnum(Z));
            json_object_set_new(o, "EA_mean_eV", cli_jnum(EA));
            json_object_set_new(o, "D_eV", cli_jnum(EA - mat.eR));
        }
        return cli_json_print(cmd, o);
    }

    double *EA = NULL;
    size_t n = 0;
    if (cli_model_grid(cmd, "--EA", grid, &EA, &n))
        return CLI_USAGE;
    if (EA[0] < 0.0) {
        free(EA);
        return cli_errorf(cmd, CLI_USAGE, "--EA must start at >= 0 eV (got %s)", grid);
    }
    cli_sink sink;
    if (cli_sink_open(cmd, out, &sink)) {
        free(EA);
        return CLI_FAIL;
    }
    int bad = write_csv(sink.fp, &sp, EA, n);
    free(EA);
    if (bad)
        cli_errorf(cmd, CLI_FAIL, "non-finite density or write error at E = %g", E);
    return cli_sink_close(cmd, &sink, !bad);
}
