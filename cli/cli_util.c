/* cli_util.c - error printing, strict option values, progress (cli.h). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "pel/plot.h"
#include "pel/util.h"

int cli_fail(const char *cmd, const pel_error *err)
{
    fprintf(stderr, "pel %s: %s\n", cmd, err && err->msg[0] ? err->msg : pel_strerror(err ? err->code : PEL_EINVAL));
    return CLI_FAIL;
}

int cli_errorf(const char *cmd, int code, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "pel %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return code;
}

int cli_double(const char *cmd, const char *opt, const char *s, double *out)
{
    pel_error err = {0};
    if (pel_parse_double(s, opt, out, &err) != PEL_OK) {
        cli_fail(cmd, &err);
        return 1;
    }
    return 0;
}

int cli_long(const char *cmd, const char *opt, const char *s, long *out)
{
    pel_error err = {0};
    if (pel_parse_long(s, opt, out, &err) != PEL_OK) {
        cli_fail(cmd, &err);
        return 1;
    }
    return 0;
}

int cli_range(const char *cmd, const char *opt, const char *s, double *from, double *to, double *step)
{
    char buf[256];
    if (!s || strlen(s) >= sizeof buf) {
        cli_errorf(cmd, CLI_USAGE, "%s: expected from:to:step", opt);
        return 1;
    }
    strcpy(buf, s);
    char *a = buf, *b = strchr(a, ':'), *c = b ? strchr(b + 1, ':') : NULL;
    if (!b || !c) {
        cli_errorf(cmd, CLI_USAGE, "%s: '%s' is not of the form from:to:step", opt, s);
        return 1;
    }
    *b++ = '\0';
    *c++ = '\0';
    if (cli_double(cmd, opt, a, from) || cli_double(cmd, opt, b, to) || cli_double(cmd, opt, c, step))
        return 1;
    if (!(*step > 0.0) || *to < *from) {
        cli_errorf(cmd, CLI_USAGE, "%s: need from <= to and step > 0 in '%s'", opt, s);
        return 1;
    }
    return 0;
}

int cli_plot_size(const char *cmd, const char *s, int *w, int *h)
{
    char buf[64];
    long lw = 0, lh = 0;
    const char *x = strchr(s, 'x');
    int ok = x && (size_t)(x - s) < sizeof buf;
    if (ok) {
        memcpy(buf, s, (size_t)(x - s));
        buf[x - s] = '\0';
        ok = pel_parse_long(buf, "", &lw, NULL) == PEL_OK && pel_parse_long(x + 1, "", &lh, NULL) == PEL_OK &&
             lw >= PEL_PLOT_MIN_SIZE && lw <= PEL_PLOT_MAX_SIZE && lh >= PEL_PLOT_MIN_SIZE && lh <= PEL_PLOT_MAX_SIZE;
    }
    if (!ok)
        return cli_errorf(cmd, CLI_USAGE, "--size: expected WxH with W and H in [%d, %d], got '%s'", PEL_PLOT_MIN_SIZE,
                          PEL_PLOT_MAX_SIZE, s);
    *w = (int)lw, *h = (int)lh;
    return 0;
}

int cli_stdout_close(const char *cmd, int rc)
{
    errno = 0;
    int bad = fflush(stdout) != 0 || ferror(stdout);
    int e = errno;
    if (fclose(stdout) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    if (bad && rc == CLI_OK)
        return cli_errorf(cmd, CLI_FAIL, "error writing standard output: %s", e ? strerror(e) : "write error");
    return rc;
}

int cli_print_g17(FILE *fp, double v)
{
    if (!isfinite(v)) {
        fprintf(stderr, "pel: refusing to print a non-finite result\n");
        return 1;
    }
    fprintf(fp, "%.17g", v);
    return 0;
}

void cli_progress_init(cli_progress *p, const char *label, double interval_s)
{
    p->label = label;
    p->t0 = pel_wall_seconds();
    p->last = p->t0;
    p->interval_s = interval_s;
    p->tty = isatty(STDERR_FILENO);
}

int cli_progress_cb(void *ctx, double done, double total, const char *note)
{
    cli_progress *p = ctx;
    double now = pel_wall_seconds();
    double min_gap = p->tty ? 0.2 : p->interval_s;
    if (now - p->last < min_gap && done < total)
        return 0;
    p->last = now;
    double frac = total > 0 ? done / total : 0.0;
    double el = now - p->t0;
    double eta = frac > 0 ? el * (1.0 - frac) / frac : 0.0;
    if (p->tty)
        fprintf(stderr, "\r%s: %5.1f%%  elapsed %.0fs  ETA %.0fs  %s\033[K", p->label, 100.0 * frac, el, eta,
                note ? note : "");
    else
        fprintf(stderr, "%s: %.1f%% (%.6g/%.6g) elapsed %.0fs ETA %.0fs %s\n", p->label, 100.0 * frac, done, total,
                el, eta, note ? note : "");
    fflush(stderr);
    return 0;
}

void cli_progress_end(cli_progress *p)
{
    if (p->tty)
        fputc('\n', stderr);
}
