/* cmd_tc.c - `pel tc`: critical temperature T_c below which the equilibrium
 * line D(E,T) = 0 has no solution (docs/theory.md §4; method in docs/spectrum.md). */
#include <stdio.h>

#include "cli.h"
#include "cli_opt.h"
#include "cli_model.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pel/calibrate.h"
#include "pel/equilibrium.h"

/* Draws of the fitted parameters for the T_c interval, and its level. */
#define TC_DRAWS 400
#define TC_LEVEL 0.95

/* T_c of one drawn material; NaN when it has none */
static int tc_of(const pel_material *m, void *ctx, double *out, pel_error *err)
{
    (void)ctx, (void)err;
    if (pel_equilibrium_Tc(m, out, NULL) != PEL_OK)
        *out = NAN;
    return PEL_OK;
}

int cli_cmd_tc(int argc, char **argv)
{
    const char *cmd = argv[0];
    const char *matname = "cu56zr44";
    int json = 0;
    const cli_opt opts[] = {
        CLI_OPT_MATERIAL(&matname),
        CLI_OPT_JSON(&json, "{\"material\": ..., \"Tc_K\": ...} instead of the number"),
    };
    char output[400];
    snprintf(output, sizeof output,
             "Output: one number, %%.17g.  When the material file carries the covariance of a\n"
             "calibration ([covariance], written by pel calibrate), three numbers: T_c and the\n"
             "central 95%% interval of T_c over %d materials drawn from that Gaussian (seed 1).",
             TC_DRAWS);
    const cli_spec spec = {
        .name = "tc",
        .synopsis = "[--material NAME|FILE] [--json]",
        .about = "Critical temperature T_c (K): the lowest T at which D(E,T) = 0 has a solution\n"
                 "(paper eq. 7, docs/theory.md §4).  0 when a solution exists at every T (e.g. W = 0).",
        .output = output,
        CLI_SPEC_OPTS(opts),
    };
    int prc, npos;
    if (cli_parse(&spec, argc, argv, &npos, &prc))
        return prc;
    pel_material mat;
    if (cli_model_material(cmd, matname, &mat))
        return CLI_FAIL;
    pel_error err = {0};
    double Tc;
    if (pel_equilibrium_Tc(&mat, &Tc, &err) != PEL_OK)
        return cli_fail(cmd, &err);
    pel_material_cov cov = {0};
    if ((strchr(matname, '/') || strchr(matname, '.')) && pel_material_load_cov(matname, &cov, &err) != PEL_OK)
        return cli_fail(cmd, &err);
    double lo = NAN, hi = NAN;
    size_t ok = 0;
    if (cov.n > 0) {
        /* a draw outside the material's range or without a T_c is skipped, counted */
        if (pel_calibrate_interval(&mat, &cov, 1, TC_DRAWS, TC_LEVEL, tc_of, NULL, 1, &lo, &hi, &ok, &err) != PEL_OK)
            return cli_fail(cmd, &err);
        if (ok < TC_DRAWS / 2)
            return cli_errorf(cmd, CLI_FAIL, "only %zu of %d parameter draws give a valid material with a T_c", ok,
                              TC_DRAWS);
    }
    if (json) {
        json_t *o = json_pack("{s:s,s:o}", "material", mat.name, "Tc_K", cli_jnum(Tc));
        if (o && cov.n > 0) {
            json_object_set_new(o, "Tc_ci_lo_K", cli_jnum(lo));
            json_object_set_new(o, "Tc_ci_hi_K", cli_jnum(hi));
            json_object_set_new(o, "ci_level", json_real(TC_LEVEL));
            json_object_set_new(o, "draws_ok", json_integer((json_int_t)ok));
        }
        return cli_json_print(cmd, o);
    }
    if (cli_print_g17(stdout, Tc))
        return CLI_FAIL;
    if (cov.n > 0) {
        printf(" ");
        if (cli_print_g17(stdout, lo))
            return CLI_FAIL;
        printf(" ");
        if (cli_print_g17(stdout, hi))
            return CLI_FAIL;
    }
    printf("\n");
    return fflush(stdout) == 0 ? CLI_OK : cli_errorf(cmd, CLI_FAIL, "error writing standard output");
}
