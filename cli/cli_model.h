/* cli_model.h - helpers shared by the model query commands (barrier,
 * spectrum, equilibrium, tc, map): grids from "from:to:step", the material
 * option, output to stdout or an atomic file, JSON numbers. */
#ifndef PEL_CLI_MODEL_H
#define PEL_CLI_MODEL_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "pel/material.h"
#include "pel/util.h"

/* Largest grid a query command builds (points per axis and in total). */
#define CLI_MODEL_GRID_MAX 10000000

/* Points from:to:step inclusive of `to` within 1e-9 step; *out is malloc'ed
 * (caller frees).  Prints one line and returns nonzero on bad input. */
int cli_model_grid(const char *cmd, const char *opt, const char *spec, double **out, size_t *n);

/* Each value of a temperature grid in (0, 1e5] K, else one line, nonzero. */
int cli_model_check_T(const char *cmd, const char *opt, const double *T, size_t n);

/* Resolve a preset name or INI path; one line and nonzero on failure. */
int cli_model_material(const char *cmd, const char *name, pel_material *mat);

/* Output sink: stdout, or an atomic file when path != NULL. */
typedef struct cli_sink {
    FILE *fp;
    pel_afile af;
    int to_file;
} cli_sink;
int cli_sink_open(const char *cmd, const char *path, cli_sink *s);
/* Commit (ok != 0) or abort (ok == 0: the caller has printed why); returns
 * CLI_OK, or CLI_FAIL after one line naming the write error (full disk). */
int cli_sink_close(const char *cmd, cli_sink *s, int ok);

/* A JSON number, or null for a non-finite value. */
json_t *cli_jnum(double v);
/* Dump `o` (stolen) with 17 significant digits on stdout; CLI_OK/CLI_FAIL. */
int cli_json_print(const char *cmd, json_t *o);

#endif
