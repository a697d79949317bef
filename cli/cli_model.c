/* cli_model.c - helpers shared by the model query commands (cli_model.h). */
#include "cli_model.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_model_grid(const char *cmd, const char *opt, const char *spec, double **out, size_t *n)
{
    double a, b, h;
    if (cli_range(cmd, opt, spec, &a, &b, &h))
        return 1;
    /* inclusive of `to` when it lies on the grid up to rounding (1e-9 step) */
    double count = floor((b - a) / h + 1e-9) + 1.0;
    if (!(count >= 1.0) || count > CLI_MODEL_GRID_MAX) {
        cli_errorf(cmd, CLI_USAGE, "%s: '%s' gives more than %d points", opt, spec, CLI_MODEL_GRID_MAX);
        return 1;
    }
    *n = (size_t)count;
    *out = malloc(*n * sizeof **out);
    if (!*out) {
        cli_errorf(cmd, CLI_FAIL, "out of memory for %zu grid points", *n);
        return 1;
    }
    for (size_t i = 0; i < *n; i++)
        (*out)[i] = a + (double)i * h;
    return 0;
}

int cli_model_check_T(const char *cmd, const char *opt, const double *T, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(T[i] > 0.0) || T[i] > 1e5) {
            cli_errorf(cmd, CLI_USAGE, "%s: temperature %g K outside (0, 1e5] K", opt, T[i]);
            return 1;
        }
    return 0;
}

int cli_model_material(const char *cmd, const char *name, pel_material *mat)
{
    pel_error err = {0};
    if (pel_material_resolve(name, mat, &err) != PEL_OK) {
        cli_fail(cmd, &err);
        return 1;
    }
    return 0;
}

int cli_sink_open(const char *cmd, const char *path, cli_sink *s)
{
    s->to_file = path != NULL;
    s->fp = stdout;
    if (!path)
        return 0;
    pel_error err = {0};
    if (pel_afile_open(&s->af, path, &err) != PEL_OK) {
        cli_fail(cmd, &err);
        return 1;
    }
    s->fp = s->af.fp;
    return 0;
}

int cli_sink_close(const char *cmd, cli_sink *s, int ok)
{
    if (!s->to_file) {
        errno = 0;
        if (fflush(stdout) != 0 || ferror(stdout))
            return cli_errorf(cmd, CLI_FAIL, "error writing standard output: %s",
                              errno ? strerror(errno) : "write error");
        return ok ? CLI_OK : CLI_FAIL;
    }
    if (!ok) {
        pel_afile_abort(&s->af);
        return CLI_FAIL;
    }
    pel_error err = {0};
    if (pel_afile_commit(&s->af, &err) != PEL_OK)
        return cli_fail(cmd, &err);
    return CLI_OK;
}

json_t *cli_jnum(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

int cli_json_print(const char *cmd, json_t *o)
{
    if (!o)
        return cli_errorf(cmd, CLI_FAIL, "out of memory building JSON");
    int rc = json_dumpf(o, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
    json_decref(o);
    if (rc != 0 || fputc('\n', stdout) == EOF || fflush(stdout) != 0)
        return cli_errorf(cmd, CLI_FAIL, "error writing JSON to standard output");
    return CLI_OK;
}
