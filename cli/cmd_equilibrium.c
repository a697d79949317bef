/* cmd_equilibrium.c - `pel equilibrium`: the equilibrium line E_eq(T), the
 * root of D(E,T) = 0 (paper eq. 7, docs/theory.md §4), on a temperature grid.  Below
 * T_c no root exists and the field is empty (JSON null). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_opt.h"
#include "cli_model.h"
#include "pel/calibrate.h"
#include "pel/equilibrium.h"

/* Draws and level of the E_eq band of a calibrated material (as pel tc). */
#define EQ_DRAWS 400
#define EQ_LEVEL 0.95

struct grid {
    const double *T;
    size_t n;
};

/* E_eq at every grid temperature of one drawn material; NaN below its T_c */
static int eq_of(const pel_material *m, void *ctx, double *out, pel_error *err)
{
    const struct grid *g = ctx;
    for (size_t i = 0; i < g->n; i++) {
        int rc = pel_equilibrium_E(m, g->T[i], &out[i], err);
        if (rc == PEL_ENOROOT)
            out[i] = NAN;
        else if (rc != PEL_OK)
            return rc;
    }
    return PEL_OK;
}

int cli_cmd_equilibrium(int argc, char **argv)
{
    const char *cmd = argv[0];
    const char *matname = "cu56zr44", *grid = NULL, *out = NULL;
    int json = 0;
    const cli_opt opts[] = {
        CLI_OPT_MATERIAL(&matname),
        {.name = "T", .kind = CLI_GRID, .dest = &grid, .arg = "a:b:c", .help = "temperature grid", .unit = "K",
         .lo = 0, .hi = 1e5, .flags = CLI_REQ | CLI_GT | CLI_LE},
        CLI_OPT_JSON(&json, "an object instead of the CSV"),
        {.name = "out", .kind = CLI_FILE, .dest = &out, .arg = "FILE",
         .help = "write the CSV to FILE (atomically) instead of stdout"},
    };
    char output[600];
    snprintf(output, sizeof output,
             "CSV columns: T_K,Eeq_eV_per_atom (empty where no equilibrium exists, T < T_c).\n"
             "When the material file carries the covariance of a calibration ([covariance],\n"
             "written by pel calibrate), two more: Eeq_lo_eV_per_atom,Eeq_hi_eV_per_atom, the\n"
             "central 95%% band of E_eq over %d materials drawn from that Gaussian (seed 1;\n"
             "empty where fewer than half the draws have an equilibrium).\n"
             "JSON: {\"material\", \"Tc_K\", \"T_K\": [...], \"Eeq_eV_per_atom\": [... or null]}.",
             EQ_DRAWS);
    const cli_spec spec = {
        .name = "equilibrium",
        .synopsis = "--T from:to:step [--material NAME|FILE] [--json] [--out FILE]",
        .about = "Equilibrium line of the supercooled liquid: E_eq(T) with D(E_eq, T) = 0\n"
                 "(paper eq. 7), by bracketed root finding to 1e-12 eV/atom.",
        .output = output,
        CLI_SPEC_OPTS(opts),
    };
    int prc, npos;
    if (cli_parse(&spec, argc, argv, &npos, &prc))
        return prc;
    if (json && out)
        return cli_conflict(cmd, "--json", "--out");
    double *T = NULL;
    size_t n = 0;
    if (cli_model_grid(cmd, "--T", grid, &T, &n))
        return CLI_USAGE;
    pel_material mat;
    double *E = malloc(n * sizeof *E);
    if (!E || cli_model_material(cmd, matname, &mat)) {
        if (!E)
            cli_errorf(cmd, CLI_FAIL, "out of memory");
        free(T);
        free(E);
        return CLI_FAIL;
    }
    pel_error err = {0};
    for (size_t i = 0; i < n; i++) {
        int rc = pel_equilibrium_E(&mat, T[i], &E[i], &err);
        if (rc == PEL_ENOROOT)
            E[i] = NAN; /* below T_c: no equilibrium, an empty field */
        else if (rc != PEL_OK) {
            free(T);
            free(E);
            return cli_fail(cmd, &err);
        }
    }
    pel_material_cov cov = {0};
    double *lo = NULL, *hi = NULL;
    if ((strchr(matname, '/') || strchr(matname, '.')) && pel_material_load_cov(matname, &cov, &err) != PEL_OK) {
        free(T);
        free(E);
        return cli_fail(cmd, &err);
    }
    if (cov.n > 0) {
        struct grid g = {T, n};
        lo = malloc(n * sizeof *lo), hi = malloc(n * sizeof *hi);
        if (!lo || !hi || pel_calibrate_interval(&mat, &cov, 1, EQ_DRAWS, EQ_LEVEL, eq_of, &g, n, lo, hi, NULL, &err)) {
            int rc = lo && hi ? cli_fail(cmd, &err) : cli_errorf(cmd, CLI_FAIL, "out of memory");
            free(T), free(E), free(lo), free(hi);
            return rc;
        }
    }
    int status;
    if (json) {
        double Tc;
        if (pel_equilibrium_Tc(&mat, &Tc, &err) != PEL_OK) {
            free(T);
            free(E);
            return cli_fail(cmd, &err);
        }
        json_t *jt = json_array(), *je = json_array();
        for (size_t i = 0; i < n && jt && je; i++) {
            json_array_append_new(jt, json_real(T[i]));
            json_array_append_new(je, cli_jnum(E[i]));
        }
        json_t *o = json_pack("{s:s,s:o,s:o,s:o}", "material", mat.name, "Tc_K", cli_jnum(Tc), "T_K", jt,
                              "Eeq_eV_per_atom", je);
        if (o && lo) {
            json_t *jl = json_array(), *jh = json_array();
            for (size_t i = 0; i < n && jl && jh; i++) {
                json_array_append_new(jl, cli_jnum(lo[i]));
                json_array_append_new(jh, cli_jnum(hi[i]));
            }
            json_object_set_new(o, "Eeq_lo_eV_per_atom", jl);
            json_object_set_new(o, "Eeq_hi_eV_per_atom", jh);
            json_object_set_new(o, "band_level", json_real(EQ_LEVEL));
        }
        status = cli_json_print(cmd, o);
    } else {
        cli_sink sink;
        if (cli_sink_open(cmd, out, &sink)) {
            free(T);
            free(E);
            return CLI_FAIL;
        }
        fprintf(sink.fp, lo ? "T_K,Eeq_eV_per_atom,Eeq_lo_eV_per_atom,Eeq_hi_eV_per_atom\n" : "T_K,Eeq_eV_per_atom\n");
        for (size_t i = 0; i < n; i++) {
            fprintf(sink.fp, "%.15g,", T[i]);
            const double cols[3] = {E[i], lo ? lo[i] : NAN, hi ? hi[i] : NAN};
            for (int c = 0; c < (lo ? 3 : 1); c++) {
                if (c)
                    fputc(',', sink.fp);
                if (isfinite(cols[c]))
                    fprintf(sink.fp, "%.17g", cols[c]);
            }
            fputc('\n', sink.fp);
        }
        status = cli_sink_close(cmd, &sink, 1);
    }
    free(T);
    free(E);
    free(lo);
    free(hi);
    return status;
}
