/* cmd_map.c - `pel map`: the ageing/rejuvenation map D(E,T) = Ebar_A - e_R
 * (paper eq. 7, docs/theory.md §4) on an E x T grid; D < 0 ageing, D > 0
 * rejuvenation.  CSV in long format, one row per (E, T). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cli_model.h"
#include "pel/equilibrium.h"

static void usage(FILE *fp)
{
    fprintf(fp, "usage: pel map --T a:b:c --E a:b:c [--material <name|file.ini>] [--json] [--out <file.csv>]\n\n"
                "Ageing/rejuvenation map D(E,T) = mean barrier - e_R (paper eq. 7):\n"
                "D < 0 ageing (E falls), D > 0 rejuvenation (E rises), D = 0 equilibrium line.\n\n"
                "  --material M   preset name (default cu56zr44) or INI file (docs/material.md)\n"
                "  --T a:b:c      temperatures in K, 0 < T <= 1e5\n"
                "  --E a:b:c      inherent-structure energies in eV/atom\n"
                "  --json         {\"material\", \"E_eV_per_atom\": [...], \"T_K\": [...], \"D_eV\": [[row per E]]}\n"
                "  --out FILE     write the CSV to FILE (atomically) instead of stdout\n\n"
                "CSV columns: E_eV_per_atom,T_K,D_eV (E outer, T inner).\n");
}

static json_t *jarray(const double *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n && a; i++)
        json_array_append_new(a, cli_jnum(v[i]));
    return a;
}

static int print_map(const char *cmd, const pel_material *mat, const double *E, size_t nE, const double *T, size_t nT,
                     const double *D, int json, const char *out)
{
    for (size_t k = 0; k < nE * nT; k++)
        if (!isfinite(D[k]))
            return cli_errorf(cmd, CLI_FAIL, "non-finite D at E = %g, T = %g K", E[k / nT], T[k % nT]);
    if (json) {
        json_t *rows = json_array();
        for (size_t i = 0; i < nE && rows; i++)
            json_array_append_new(rows, jarray(D + i * nT, nT));
        return cli_json_print(cmd, json_pack("{s:s,s:f,s:o,s:o,s:o}", "material", mat->name, "eR_eV", mat->eR,
                                             "E_eV_per_atom", jarray(E, nE), "T_K", jarray(T, nT), "D_eV", rows));
    }
    cli_sink sink;
    if (cli_sink_open(cmd, out, &sink))
        return CLI_FAIL;
    fprintf(sink.fp, "E_eV_per_atom,T_K,D_eV\n");
    for (size_t i = 0; i < nE; i++)
        for (size_t j = 0; j < nT; j++)
            fprintf(sink.fp, "%.15g,%.15g,%.17g\n", E[i], T[j], D[i * nT + j]);
    return cli_sink_close(cmd, &sink, 1);
}

int cli_cmd_map(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option longopts[] = {
        {"material", required_argument, NULL, 'M'}, {"T", required_argument, NULL, 'T'},
        {"E", required_argument, NULL, 'E'},        {"json", no_argument, NULL, 'j'},
        {"out", required_argument, NULL, 'o'},      {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *matname = "cu56zr44", *tgrid = NULL, *egrid = NULL, *out = NULL;
    int json = 0;
    optind = 1;
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (ch) {
        case 'M': matname = optarg; break;
        case 'T': tgrid = optarg; break;
        case 'E': egrid = optarg; break;
        case 'j': json = 1; break;
        case 'o': out = optarg; break;
        case 'h': usage(stdout); return CLI_OK;
        default: return cli_errorf(cmd, CLI_USAGE, "bad option '%s' (see pel map --help)", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_errorf(cmd, CLI_USAGE, "unexpected argument '%s' (see pel map --help)", argv[optind]);
    if (!tgrid || !egrid)
        return cli_errorf(cmd, CLI_USAGE, "--T and --E grids are required (see pel map --help)");
    if (json && out)
        return cli_errorf(cmd, CLI_USAGE, "--out writes the CSV; it cannot be combined with --json");
    double *T = NULL, *E = NULL, *D = NULL;
    size_t nT = 0, nE = 0;
    int status = CLI_USAGE;
    if (cli_model_grid(cmd, "--T", tgrid, &T, &nT) || cli_model_check_T(cmd, "--T", T, nT) ||
        cli_model_grid(cmd, "--E", egrid, &E, &nE))
        goto done;
    status = CLI_FAIL;
    if (nE > CLI_MODEL_GRID_MAX / nT) {
        status = cli_errorf(cmd, CLI_USAGE, "grid of %zu x %zu points is too large", nE, nT);
        goto done;
    }
    pel_material mat;
    if (cli_model_material(cmd, matname, &mat))
        goto done;
    D = malloc(nE * nT * sizeof *D);
    if (!D) {
        cli_errorf(cmd, CLI_FAIL, "out of memory for %zu x %zu grid", nE, nT);
        goto done;
    }
    pel_error err = {0};
    if (pel_equilibrium_map(&mat, E, nE, T, nT, D, &err) != PEL_OK) {
        cli_fail(cmd, &err);
        goto done;
    }
    status = print_map(cmd, &mat, E, nE, T, nT, D, json, out);
done:
    free(T);
    free(E);
    free(D);
    return status;
}
