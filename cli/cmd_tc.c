/* cmd_tc.c - `pel tc`: critical temperature T_c below which the equilibrium
 * line D(E,T) = 0 has no solution (SPEC §4; method in docs/spectrum.md). */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "cli_model.h"
#include "pel/equilibrium.h"

static void usage(FILE *fp)
{
    fprintf(fp, "usage: pel tc [--material <name|file.ini>] [--json]\n\n"
                "Critical temperature T_c (K): the lowest T at which D(E,T) = 0 has a solution\n"
                "(paper eq. 7, SPEC §4).  0 when a solution exists at every T (e.g. W = 0).\n\n"
                "  --material M   preset name (default cu56zr44) or INI file (docs/material.md)\n"
                "  --json         {\"material\": ..., \"Tc_K\": ...} instead of the number\n\n"
                "Output: one number, %%.17g.\n");
}

int cli_cmd_tc(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option longopts[] = {
        {"material", required_argument, NULL, 'M'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *matname = "cu56zr44";
    int json = 0;
    optind = 1;
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (ch) {
        case 'M': matname = optarg; break;
        case 'j': json = 1; break;
        case 'h': usage(stdout); return CLI_OK;
        default: return cli_errorf(cmd, CLI_USAGE, "bad option '%s' (see pel tc --help)", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_errorf(cmd, CLI_USAGE, "unexpected argument '%s' (see pel tc --help)", argv[optind]);
    pel_material mat;
    if (cli_model_material(cmd, matname, &mat))
        return CLI_FAIL;
    pel_error err = {0};
    double Tc;
    if (pel_equilibrium_Tc(&mat, &Tc, &err) != PEL_OK)
        return cli_fail(cmd, &err);
    if (json)
        return cli_json_print(cmd, json_pack("{s:s,s:o}", "material", mat.name, "Tc_K", cli_jnum(Tc)));
    if (cli_print_g17(stdout, Tc))
        return CLI_FAIL;
    printf("\n");
    return fflush(stdout) == 0 ? CLI_OK : cli_errorf(cmd, CLI_FAIL, "error writing standard output");
}
