/* csvplot.c - `pel plot`: a quick line plot of chosen columns of any CSV
 * pel writes (run traces, cooling tables) against T or t (plot.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "canvas.h"
#include "pel/plot.h"
#include "pel/util.h"

static const int cp_color[] = {PLT_BLUE, PLT_RED, PLT_GREEN, PLT_ORANGE, PLT_PURPLE, PLT_SKY, PLT_BLACK, PLT_GREY};
#define CP_NSTYLE 8 /* PLplot line styles 1..8 */

/* Output format from the file extension. */
static int format_of(const char *path, unsigned *fmt, pel_error *err)
{
    const char *dot = strrchr(path, '.');
    for (unsigned b = 1; dot && b <= PEL_PLOT_PDF; b <<= 1)
        if (!strcmp(dot + 1, plt_ext(b))) {
            *fmt = b;
            return PEL_OK;
        }
    return pel_error_set(err, PEL_EINVAL, "output %s: extension must be .png, .svg or .pdf", path);
}

/* A column is numeric when its first non-empty cell parses as a number. */
static int numeric(const pel_csv *t, size_t col)
{
    for (size_t r = 0; r < t->nrow; r++) {
        const char *c = pel_csv_cell(t, r, col);
        if (c[0]) {
            double v;
            return pel_parse_double(c, "cell", &v, NULL) == PEL_OK;
        }
    }
    return 0;
}

/* Resolve x and y column indices; y[0..*ny). */
static int pick_columns(const pel_csv *t, const pel_csvplot_opts *o, const char *path, long *x, long *y, size_t *ny,
                        pel_error *err)
{
    const char *xname = o->xcol ? o->xcol : (pel_csv_col(t, "T_K") >= 0 ? "T_K" : t->names[0]);
    *x = pel_csv_col(t, xname);
    if (*x < 0)
        return pel_error_set(err, PEL_EINVAL, "%s has no column '%s'", path, xname);
    *ny = 0;
    if (o->ycols && o->nycols > 0) {
        if (o->nycols > PLT_MAXCOL - 1)
            return pel_error_set(err, PEL_EINVAL, "at most %d y columns", PLT_MAXCOL - 1);
        for (size_t k = 0; k < o->nycols; k++) {
            long c = pel_csv_col(t, o->ycols[k]);
            if (c < 0)
                return pel_error_set(err, PEL_EINVAL, "%s has no column '%s'", path, o->ycols[k]);
            y[(*ny)++] = c;
        }
        return PEL_OK;
    }
    for (size_t c = 0; c < t->ncol && *ny < PLT_MAXCOL - 1; c++)
        if ((long)c != *x && numeric(t, c))
            y[(*ny)++] = (long)c;
    if (*ny == 0)
        return pel_error_set(err, PEL_EINVAL, "%s has no numeric column to plot against %s", path, xname);
    return PEL_OK;
}

int pel_plot_csv(const char *csv_path, const char *out_path, const pel_csvplot_opts *o, pel_error *err)
{
    unsigned fmt = PEL_PLOT_PNG;
    int rc = format_of(out_path, &fmt, err);
    if (rc != PEL_OK || (rc = pel_plot_check_devices(fmt, err)) != PEL_OK)
        return rc;
    if (o->width < PEL_PLOT_MIN_SIZE || o->width > PEL_PLOT_MAX_SIZE || o->height < PEL_PLOT_MIN_SIZE ||
        o->height > PEL_PLOT_MAX_SIZE)
        return pel_error_set(err, PEL_EINVAL, "plot size %dx%d outside %d..%d", o->width, o->height,
                             PEL_PLOT_MIN_SIZE, PEL_PLOT_MAX_SIZE);
    pel_csv t;
    if ((rc = pel_csv_read(csv_path, &t, err)) != PEL_OK)
        return rc;
    long x, y[PLT_MAXCOL];
    size_t ny = 0;
    plt_fig f;
    const char *cols[PLT_MAXCOL + 1] = {NULL};
    memset(&f, 0, sizeof f);
    if ((rc = pick_columns(&t, o, csv_path, &x, y, &ny, err)) != PEL_OK)
        goto done;
    cols[0] = t.names[x];
    for (size_t k = 0; k < ny; k++)
        cols[k + 1] = t.names[y[k]];
    plt_init(&f, "plot", cols);
    f.npanel = 1;
    plt_panel *p = &f.panel[0];
    snprintf(p->xlabel, sizeof p->xlabel, "%s", t.names[x]);
    snprintf(p->ylabel, sizeof p->ylabel, "%s", ny == 1 ? t.names[y[0]] : "value (unit in the legend)");
    snprintf(p->title, sizeof p->title, "%s", o->title ? o->title : csv_path);
    p->vp[0] = 0.12, p->vp[1] = 0.70, p->vp[2] = 0.11, p->vp[3] = 0.92;
    p->logx = o->logx;
    for (size_t k = 0; k < ny && rc == PEL_OK; k++) {
        int s = plt_add(&f, t.names[y[k]], t.names[y[k]], PLT_LINE, 0, 0, (int)k + 1, err);
        if (s < 0) {
            rc = PEL_ENOMEM;
            break;
        }
        f.ser[s].color = cp_color[k % (sizeof cp_color / sizeof cp_color[0])];
        f.ser[s].lstyle = (int)(k % CP_NSTYLE) + 1;
    }
    /* rows: empty cells (e.g. dE/dT on holds) break the line; text is an error */
    for (size_t r = 0; r < t.nrow && rc == PEL_OK; r++) {
        double row[PLT_MAXCOL];
        for (size_t k = 0; k <= ny && rc == PEL_OK; k++) {
            size_t c = (size_t)(k == 0 ? x : y[k - 1]);
            row[k] = NAN;
            if (pel_csv_cell(&t, r, c)[0])
                rc = pel_csv_num(&t, r, c, &row[k], err);
        }
        if (rc != PEL_OK) {
            rc = pel_error_wrap(err, rc, "%s", csv_path);
            break;
        }
        for (size_t k = 0; k < ny && rc == PEL_OK; k++)
            rc = plt_push(&f, (int)k, row, err);
    }
    if (rc == PEL_OK)
        rc = plt_draw(&f, out_path, plt_device(fmt), o->width, o->height, err);
done:
    plt_free(&f);
    pel_csv_clear(&t);
    return rc;
}
