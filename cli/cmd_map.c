/* cmd_map.c - `pel map`: the ageing/rejuvenation map D(E,T) = Ebar_A - e_R
 * (paper eq. 7, docs/theory.md §4) on an E x T grid; D < 0 ageing, D > 0
 * rejuvenation.  CSV in long format, one row per (E, T). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cli_opt.h"
#include "cli_model.h"
#include "pel/equilibrium.h"

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
    const char *matname = "cu56zr44", *tgrid = NULL, *egrid = NULL, *out = NULL;
    int json = 0;
    const cli_opt opts[] = {
        CLI_OPT_MATERIAL(&matname),
        {.name = "T", .kind = CLI_GRID, .dest = &tgrid, .arg = "a:b:c", .help = "temperature grid", .unit = "K",
         .lo = 0, .hi = 1e5, .flags = CLI_REQ | CLI_GT | CLI_LE},
        {.name = "E", .kind = CLI_GRID, .dest = &egrid, .arg = "a:b:c", .help = "inherent-structure energy grid",
         .unit = "eV/atom", .flags = CLI_REQ},
        CLI_OPT_JSON(&json, "an object instead of the CSV"),
        {.name = "out", .kind = CLI_FILE, .dest = &out, .arg = "FILE",
         .help = "write the CSV to FILE (atomically) instead of stdout"},
    };
    const cli_spec spec = {
        .name = "map",
        .synopsis = "--T from:to:step --E from:to:step [--material NAME|FILE] [--json] [--out FILE]",
        .about = "Ageing/rejuvenation map D(E,T) = mean barrier - e_R (paper eq. 7):\n"
                 "D < 0 ageing (E falls), D > 0 rejuvenation (E rises), D = 0 equilibrium line.",
        .output = "CSV columns: E_eV_per_atom,T_K,D_eV (E outer, T inner).\n"
                  "JSON: {\"material\", \"eR_eV\", \"E_eV_per_atom\": [...], \"T_K\": [...], \"D_eV\": [[row per E]]}.",
        CLI_SPEC_OPTS(opts),
    };
    int prc, npos;
    if (cli_parse(&spec, argc, argv, &npos, &prc))
        return prc;
    if (json && out)
        return cli_conflict(cmd, "--json", "--out");
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
