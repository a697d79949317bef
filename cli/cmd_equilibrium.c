/* cmd_equilibrium.c - `pel equilibrium`: the equilibrium line E_eq(T), the
 * root of D(E,T) = 0 (paper eq. 7, docs/theory.md §4), on a temperature grid.  Below
 * T_c no root exists and the field is empty (JSON null). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
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

static void usage(FILE *fp)
{
    fprintf(fp, "usage: pel equilibrium --T from:to:step [--material <name|file.ini>] [--json] [--out <file.csv>]\n\n"
                "Equilibrium line of the supercooled liquid: E_eq(T) with D(E_eq, T) = 0\n"
                "(paper eq. 7), by bracketed root finding to 1e-12 eV/atom.\n\n"
                "  --material M   preset name (default cu56zr44) or INI file (docs/material.md)\n"
                "  --T a:b:c      temperatures in K, 0 < T <= 1e5\n"
                "  --json         {\"material\", \"Tc_K\", \"T_K\": [...], \"Eeq_eV_per_atom\": [... or null]}\n"
                "  --out FILE     write the CSV to FILE (atomically) instead of stdout\n\n"
                "CSV columns: T_K,Eeq_eV_per_atom (empty where no equilibrium exists, T < T_c).\n"
                "When the material file carries the covariance of a calibration ([covariance],\n"
                "written by pel calibrate), two more: Eeq_lo_eV_per_atom,Eeq_hi_eV_per_atom, the\n"
                "central 95%% band of E_eq over %d materials drawn from that Gaussian (seed 1;\n"
                "empty where fewer than half the draws have an equilibrium).\n",
                EQ_DRAWS);
}

int cli_cmd_equilibrium(int argc, char **argv)
{
    const char *cmd = argv[0];
    static const struct option longopts[] = {
        {"material", required_argument, NULL, 'M'}, {"T", required_argument, NULL, 'T'},
        {"json", no_argument, NULL, 'j'},           {"out", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    const char *matname = "cu56zr44", *grid = NULL, *out = NULL;
    int json = 0;
    optind = 1;
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (ch) {
        case 'M': matname = optarg; break;
        case 'T': grid = optarg; break;
        case 'j': json = 1; break;
        case 'o': out = optarg; break;
        case 'h': usage(stdout); return CLI_OK;
        default: return cli_errorf(cmd, CLI_USAGE, "bad option '%s' (see pel equilibrium --help)", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_errorf(cmd, CLI_USAGE, "unexpected argument '%s' (see pel equilibrium --help)", argv[optind]);
    if (!grid)
        return cli_errorf(cmd, CLI_USAGE, "--T from:to:step is required (see pel equilibrium --help)");
    if (json && out)
        return cli_errorf(cmd, CLI_USAGE, "--out writes the CSV; it cannot be combined with --json");
    double *T = NULL;
    size_t n = 0;
    if (cli_model_grid(cmd, "--T", grid, &T, &n))
        return CLI_USAGE;
    if (cli_model_check_T(cmd, "--T", T, n)) {
        free(T);
        return CLI_USAGE;
    }
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
