/* cmd_spectrum.c - `pel spectrum`: the activation spectrum P(E_A|E) of a
 * material at one inherent-structure energy (paper eq. 3, docs/theory.md §2), as CSV
 * on a grid of E_A, or a JSON summary (W, m, W0, and the mean barrier at
 * --T when given). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cli_opt.h"
#include "cli_model.h"
#include "pel/equilibrium.h"
#include "pel/spectrum.h"

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
    const char *matname = "cu56zr44", *grid = "0:4:0.01", *out = NULL;
    double E = NAN, T = NAN;
    int json = 0;
    const cli_opt opts[] = {
        CLI_OPT_MATERIAL(&matname),
        {.name = "E", .kind = CLI_DOUBLE, .dest = &E, .arg = "eV", .help = "inherent-structure energy per atom",
         .unit = "eV/atom", .flags = CLI_REQ},
        {.name = "EA", .kind = CLI_GRID, .dest = &grid, .arg = "a:b:c", .help = "barrier grid", .def = "0:4:0.01",
         .unit = "eV", .lo = 0, .flags = CLI_GE},
        {.name = "T", .kind = CLI_DOUBLE, .dest = &T, .arg = "K", .help = "also report Z, mean barrier and D at T (JSON)",
         .unit = "K", .lo = 0, .hi = 1e5, .flags = CLI_GT | CLI_LE},
        CLI_OPT_JSON(&json, "summary object instead of the CSV"),
        {.name = "out", .kind = CLI_FILE, .dest = &out, .arg = "FILE",
         .help = "write the CSV to FILE (atomically) instead of stdout"},
    };
    const cli_spec spec = {
        .name = "spectrum",
        .synopsis = "--E eV/atom [--material NAME|FILE] [--EA from:to:step] [--T K] [--json] [--out FILE]",
        .about = "Activation-barrier density of paper eq. 3 at inherent-structure energy E:\n"
                 "  P(E_A) = W/eA exp(-E_A/eA) + W0 E_A exp(-(E_A-m)^2/(2 s^2)),  W0 = (1-W)/I1(m,s)\n"
                 "with W = W(E), m = m(E) from the material.",
        .output = "CSV columns: EA_eV,P_per_eV,P_M1_per_eV,P_M2_per_eV.  JSON keys: material, E_eV_per_atom,\n"
                  "W, m_eV, W0_per_eV2, eA_eV, s_eV, eR_eV (and T_K, Z, EA_mean_eV, D_eV with --T).",
        CLI_SPEC_OPTS(opts),
    };
    int prc, npos;
    if (cli_parse(&spec, argc, argv, &npos, &prc))
        return prc;
    if (json && out)
        return cli_conflict(cmd, "--json", "--out");
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
