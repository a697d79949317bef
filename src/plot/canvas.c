/* canvas.c - figure data (canvas.h) to CSV and to PLplot drawings.
 *
 * Drawing conventions (issue 5): axis labels carry units; the text scales
 * with the page height so it reads at 100 % zoom; every curve differs from
 * its neighbours by line style or marker as well as by colour (greyscale
 * print); legends sit outside the plot box, to its right, so they never hide
 * data.  Each plt_draw makes its own PLplot stream and ends it. */
#include "canvas.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <plplot.h>

#include "pel/util.h"

/* Character height scale on the default page (about 18 px text), and the
 * range of the factor applied on other page sizes. */
#define PLT_CHAR_SCALE 0.85
#define PLT_CHAR_MINF 0.7
#define PLT_CHAR_MAXF 1.4
/* Fraction of the data range added above/below the y data (autoscale). */
#define PLT_Y_MARGIN 0.05
#define PLT_MAX_LEGEND 24

void plt_init(plt_fig *f, const char *name, const char *const *cols)
{
    memset(f, 0, sizeof *f);
    snprintf(f->name, sizeof f->name, "%s", name);
    for (size_t j = 0; cols[j] && j < PLT_MAXCOL; j++)
        snprintf(f->cols[f->ncol++], sizeof f->cols[0], "%s", cols[j]);
}

void plt_free(plt_fig *f)
{
    for (size_t i = 0; f->ser && i < f->nser; i++)
        free(f->ser[i].v);
    free(f->ser);
    memset(f, 0, sizeof *f);
}

int plt_add(plt_fig *f, const char *name, const char *label, plt_kind kind, int panel, int xcol, int ycol,
            pel_error *err)
{
    if (f->nser == f->cap) {
        size_t nc = f->cap ? 2 * f->cap : 16;
        plt_series *s = realloc(f->ser, nc * sizeof *s);
        if (!s) {
            pel_error_set(err, PEL_ENOMEM, "out of memory building figure %s", f->name);
            return -1;
        }
        f->ser = s;
        f->cap = nc;
    }
    plt_series *s = &f->ser[f->nser];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    snprintf(s->label, sizeof s->label, "%s", label ? label : "");
    s->kind = kind;
    s->panel = panel;
    s->xcol = xcol;
    s->ycol = ycol;
    s->zcol = -1;
    s->color = PLT_BLACK;
    s->lstyle = 1;
    s->width = 2.0;
    s->marker = "●";
    return (int)f->nser++;
}

int plt_push(plt_fig *f, int series, const double *row, pel_error *err)
{
    plt_series *s = &f->ser[series];
    if (s->n == s->cap) {
        size_t nc = s->cap ? 2 * s->cap : 64;
        double *v = realloc(s->v, nc * f->ncol * sizeof *v);
        if (!v)
            return pel_error_set(err, PEL_ENOMEM, "out of memory building figure %s", f->name);
        s->v = v;
        s->cap = nc;
    }
    memcpy(s->v + s->n * f->ncol, row, f->ncol * sizeof *row);
    s->n++;
    return PEL_OK;
}

int plt_push2(plt_fig *f, int series, int c1, double v1, int c2, double v2, pel_error *err)
{
    double row[PLT_MAXCOL];
    for (size_t j = 0; j < f->ncol; j++)
        row[j] = NAN;
    row[c1] = v1;
    if (c2 >= 0)
        row[c2] = v2;
    return plt_push(f, series, row, err);
}

int plt_write_csv(const plt_fig *f, const char *path, pel_error *err)
{
    pel_afile af;
    int rc = pel_afile_open(&af, path, err);
    if (rc != PEL_OK)
        return rc;
    fputs("series", af.fp);
    for (size_t j = 0; j < f->ncol; j++)
        fprintf(af.fp, ",%s", f->cols[j]);
    fputc('\n', af.fp);
    for (size_t i = 0; i < f->nser; i++) {
        const plt_series *s = &f->ser[i];
        for (size_t r = 0; r < s->n && !s->no_csv; r++) {
            fputs(s->name, af.fp);
            for (size_t j = 0; j < f->ncol; j++) {
                double v = s->v[r * f->ncol + j];
                /* 12 digits: far below every tolerance the tests check (1e-5 eV) */
                if (isfinite(v))
                    fprintf(af.fp, ",%.12g", v);
                else
                    fputc(',', af.fp);
            }
            fputc('\n', af.fp);
        }
    }
    return pel_afile_commit(&af, err);
}

/* ------------------------------------------------------------------------ */
/* Drawing                                                                   */

static const int palette[PLT_NCOLOR][3] = {
    {255, 255, 255}, /* 0 background */
    {0, 0, 0},       /* PLT_BLACK */
    {213, 94, 0},    /* PLT_RED (vermillion) */
    {0, 114, 178},   /* PLT_BLUE */
    {0, 158, 115},   /* PLT_GREEN */
    {230, 159, 0},   /* PLT_ORANGE */
    {204, 121, 167}, /* PLT_PURPLE */
    {86, 180, 233},  /* PLT_SKY */
    {110, 110, 110}, /* PLT_GREY */
    {170, 203, 232}, /* PLT_SHADE_AGE: light blue, darker in greyscale ... */
    {252, 226, 214}, /* PLT_SHADE_REJ: ... than this pale red */
    {196, 150, 0},   /* PLT_GOLD (the paper's yellow equilibrium line, darkened) */
    {200, 200, 200}, /* PLT_LIGHTGREY */
};

/* x as drawn (log10 on log axes); NaN when not drawable. */
static double xmap(const plt_panel *p, double x)
{
    if (!p->logx)
        return x;
    return x > 0 ? log10(x) : NAN;
}

static double val(const plt_fig *f, const plt_series *s, size_t r, int col)
{
    return col >= 0 ? s->v[r * f->ncol + (size_t)col] : NAN;
}

/* y as drawn (scaled by the panel's yscale). */
static double yval(const plt_fig *f, const plt_series *s, size_t r)
{
    double k = f->panel[s->panel].yscale;
    return val(f, s, r, s->ycol) * (k != 0.0 ? k : 1.0);
}

/* Axis ranges of panel p: fixed ones kept, automatic ones from the data. */
static void panel_range(const plt_fig *f, size_t p, double *x0, double *x1, double *y0, double *y1)
{
    const plt_panel *pn = &f->panel[p];
    double ax = INFINITY, bx = -INFINITY, ay = INFINITY, by = -INFINITY;
    for (size_t i = 0; i < f->nser; i++) {
        const plt_series *s = &f->ser[i];
        if ((size_t)s->panel != p || s->kind == PLT_DATA || s->no_autoscale)
            continue;
        for (size_t r = 0; r < s->n; r++) {
            double x = xmap(pn, val(f, s, r, s->xcol)), y = yval(f, s, r);
            /* with a fixed x range, only what is visible sets the y range */
            if (pn->x0 != pn->x1 && !(x >= fmin(xmap(pn, pn->x0), xmap(pn, pn->x1)) &&
                                      x <= fmax(xmap(pn, pn->x0), xmap(pn, pn->x1))))
                continue;
            if (isfinite(x)) {
                ax = fmin(ax, x);
                bx = fmax(bx, x);
            }
            if (s->kind != PLT_VLINE && isfinite(y)) {
                ay = fmin(ay, y);
                by = fmax(by, y);
            }
        }
    }
    if (!(ax < bx)) {
        ax = isfinite(ax) ? ax - 1 : 0;
        bx = ax + 2;
    }
    if (!(ay < by)) {
        ay = isfinite(ay) ? ay - 1 : 0;
        by = ay + 2;
    }
    double m = PLT_Y_MARGIN * (by - ay);
    *x0 = ax, *x1 = bx, *y0 = ay - m, *y1 = by + m;
    if (pn->x0 != pn->x1)
        *x0 = xmap(pn, pn->x0), *x1 = xmap(pn, pn->x1);
    if (pn->y0 != pn->y1)
        *y0 = pn->y0, *y1 = pn->y1;
}

static void draw_shade(const plt_fig *f, const plt_series *s)
{
    if (s->nx < 2 || s->ny < 2 || s->n != s->nx * s->ny || s->zcol < 0)
        return;
    PLFLT **a = malloc(s->nx * sizeof *a);
    if (!a)
        return;
    double *z = malloc(s->n * sizeof *z);
    if (!z) {
        free(a);
        return;
    }
    for (size_t i = 0; i < s->nx; i++) {
        a[i] = z + i * s->ny;
        for (size_t j = 0; j < s->ny; j++)
            z[i * s->ny + j] = val(f, s, i * s->ny + j, s->zcol);
    }
    double xa = val(f, s, 0, s->xcol), xb = val(f, s, s->n - 1, s->xcol);
    double ya = val(f, s, 0, s->ycol), yb = val(f, s, s->n - 1, s->ycol);
    /* the two regions: z in (-big, 0) and (0, big) */
    const double big = 1e300;
    plshade((PLFLT_MATRIX)a, (PLINT)s->nx, (PLINT)s->ny, NULL, xa, xb, ya, yb, -big, 0.0, 0, s->color, 1.0, 0, 0,
            0, 0, plfill, 1, NULL, NULL);
    plshade((PLFLT_MATRIX)a, (PLINT)s->nx, (PLINT)s->ny, NULL, xa, xb, ya, yb, 0.0, big, 0, s->color2, 1.0, 0, 0,
            0, 0, plfill, 1, NULL, NULL);
    free(z);
    free(a);
}

/* Polyline of (x, y) pairs, broken at non-finite values. */
static void draw_polyline(const double *x, const double *y, size_t n)
{
    size_t start = 0;
    for (size_t r = 0; r <= n; r++) {
        if (r == n || !isfinite(x[r]) || !isfinite(y[r])) {
            if (r - start >= 2)
                plline((PLINT)(r - start), x + start, y + start);
            start = r + 1;
        }
    }
}

static void draw_series(const plt_fig *f, const plt_series *s, const plt_panel *pn, double y0, double y1,
                        double x0, double x1)
{
    size_t n = s->n;
    double *x = malloc((2 * n + 2) * 2 * sizeof *x);
    if (!x || n == 0) {
        free(x);
        return;
    }
    double *y = x + 2 * n + 2;
    for (size_t r = 0; r < n; r++) {
        x[r] = xmap(pn, val(f, s, r, s->xcol));
        y[r] = yval(f, s, r);
    }
    plcol0(s->color);
    pllsty(s->lstyle);
    plwidth(s->width);
    switch (s->kind) {
    case PLT_LINE:
        draw_polyline(x, y, n);
        break;
    case PLT_POINTS:
        for (size_t r = 0; r < n; r++)
            if (isfinite(x[r]) && isfinite(y[r])) {
                plstring(1, &x[r], &y[r], s->marker);
                if (s->note[0])
                    plptex(x[r] + (s->note_left ? -0.012 : 0.012) * (x1 - x0), y[r] + 0.03 * (y1 - y0), 1.0, 0.0,
                           s->note_left ? 1.0 : 0.0, s->note);
            }
        break;
    case PLT_ERRY:
        for (size_t r = 0; r < n; r++) {
            double e = val(f, s, r, s->zcol) * (f->panel[s->panel].yscale != 0.0 ? f->panel[s->panel].yscale : 1.0);
            if (!isfinite(x[r]) || !isfinite(y[r]))
                continue;
            if (isfinite(e) && e > 0) {
                PLFLT lo = y[r] - e, hi = y[r] + e;
                plerry(1, &x[r], &lo, &hi);
            }
            plstring(1, &x[r], &y[r], s->marker);
        }
        break;
    case PLT_STEPS: {
        /* outline of uniform bins around the centres */
        double w = n > 1 ? x[1] - x[0] : 1.0;
        double *hx = malloc((2 * n + 2) * 2 * sizeof *hx);
        if (!hx)
            break;
        double *hy = hx + 2 * n + 2;
        size_t k = 0;
        hx[k] = x[0] - w / 2, hy[k++] = 0.0;
        for (size_t r = 0; r < n; r++) {
            hx[k] = x[r] - w / 2, hy[k++] = y[r];
            hx[k] = x[r] + w / 2, hy[k++] = y[r];
        }
        hx[k] = x[n - 1] + w / 2, hy[k++] = 0.0;
        draw_polyline(hx, hy, k);
        free(hx);
        break;
    }
    case PLT_VLINE:
        for (size_t r = 0; r < n; r++) {
            double vx[2] = {x[r], x[r]}, vy[2] = {y0, y1};
            if (isfinite(x[r]))
                plline(2, vx, vy);
            if (s->note[0] && isfinite(x[r]))
                plptex(x[r] + 0.01 * (x1 - x0), y1 - 0.06 * (y1 - y0), 1.0, 0.0, 0.0, s->note);
        }
        break;
    case PLT_SHADE:
        draw_shade(f, s);
        break;
    case PLT_DATA:
        break;
    }
    pllsty(1);
    plwidth(1.0);
    free(x);
}

static void draw_legend(const plt_fig *f, size_t p)
{
    PLINT opt[PLT_MAX_LEGEND], tcol[PLT_MAX_LEGEND], bcol[PLT_MAX_LEGEND], bpat[PLT_MAX_LEGEND];
    PLINT lcol[PLT_MAX_LEGEND], lsty[PLT_MAX_LEGEND], scol[PLT_MAX_LEGEND], snum[PLT_MAX_LEGEND];
    PLFLT bscale[PLT_MAX_LEGEND], bw[PLT_MAX_LEGEND], lw[PLT_MAX_LEGEND], sscale[PLT_MAX_LEGEND];
    const char *text[PLT_MAX_LEGEND], *sym[PLT_MAX_LEGEND];
    PLINT n = 0;
    for (size_t i = 0; i < f->nser && n < PLT_MAX_LEGEND; i++) {
        const plt_series *s = &f->ser[i];
        if ((size_t)s->panel != p || !s->label[0] || s->kind == PLT_DATA)
            continue;
        opt[n] = s->kind == PLT_POINTS || s->kind == PLT_ERRY ? PL_LEGEND_SYMBOL
                 : s->kind == PLT_SHADE ? PL_LEGEND_COLOR_BOX
                                         : PL_LEGEND_LINE | (s->legend_marker ? PL_LEGEND_SYMBOL : 0);
        tcol[n] = PLT_BLACK;
        text[n] = s->label;
        bcol[n] = s->color, bpat[n] = 0, bscale[n] = 0.8, bw[n] = 1.0;
        lcol[n] = s->color, lsty[n] = s->lstyle, lw[n] = s->width;
        scol[n] = s->color, sscale[n] = 1.0, snum[n] = 1, sym[n] = s->marker;
        n++;
        /* a shade series has a second colour: its own legend entry */
        if (s->kind == PLT_SHADE && n < PLT_MAX_LEGEND) {
            opt[n] = PL_LEGEND_COLOR_BOX, tcol[n] = PLT_BLACK, text[n] = s->note;
            bcol[n] = s->color2, bpat[n] = 0, bscale[n] = 0.8, bw[n] = 1.0;
            lcol[n] = s->color2, lsty[n] = 1, lw[n] = 1.0;
            scol[n] = s->color2, sscale[n] = 1.0, snum[n] = 1, sym[n] = "";
            n++;
        }
    }
    if (n == 0)
        return;
    /* pllegend's text_scale is relative to the default character height,
     * not to the current one: pass the current scale on */
    PLFLT def_h, cur_h, lw_out, lh_out;
    plgchr(&def_h, &cur_h);
    double tscale = (def_h > 0 ? cur_h / def_h : 1.0) * (n > 9 ? 0.9 : 1.0);
    PLINT pos = f->panel[p].legend_inside ? PL_POSITION_INSIDE | f->panel[p].legend_inside
                                          : PL_POSITION_OUTSIDE | PL_POSITION_RIGHT;
    pllegend(&lw_out, &lh_out, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX, pos, 0.015, 0.015, 0.07, 0, PLT_BLACK, 1, 0, 0,
             n, opt, 0.6, tscale, n > 9 ? 1.7 : 2.0, 0.0, tcol, text, bcol, bpat, bscale, bw, lcol, lsty, lw, scol, sscale, snum,
             sym);
}

static void draw_panel(const plt_fig *f, size_t p)
{
    const plt_panel *pn = &f->panel[p];
    double x0, x1, y0, y1;
    panel_range(f, p, &x0, &x1, &y0, &y1);
    plvpor(pn->vp[0], pn->vp[1], pn->vp[2], pn->vp[3]);
    plwind(x0, x1, y0, y1);
    /* shading first, then the frame, then curves on top */
    for (size_t i = 0; i < f->nser; i++)
        if ((size_t)f->ser[i].panel == p && f->ser[i].kind == PLT_SHADE)
            draw_series(f, &f->ser[i], pn, y0, y1, x0, x1);
    plcol0(PLT_BLACK);
    plwidth(1.0);
    plbox(pn->logx ? "bcnstl" : "bcnst", 0.0, 0, "bcnstv", 0.0, 0);
    for (size_t i = 0; i < f->nser; i++)
        if ((size_t)f->ser[i].panel == p && f->ser[i].kind != PLT_SHADE)
            draw_series(f, &f->ser[i], pn, y0, y1, x0, x1);
    plcol0(PLT_BLACK);
    plmtex("b", 3.0, 0.5, 0.5, pn->xlabel);
    plmtex("l", 5.0, 0.5, 0.5, pn->ylabel);
    if (pn->title[0])
        plmtex("t", 0.8, 0.0, 0.0, pn->title);
    draw_legend(f, p);
}

const char *plt_device(unsigned format)
{
    return format == PEL_PLOT_PNG ? "pngcairo" : format == PEL_PLOT_SVG ? "svgcairo" : "pdfcairo";
}

const char *plt_ext(unsigned format)
{
    return format == PEL_PLOT_PNG ? "png" : format == PEL_PLOT_SVG ? "svg" : "pdf";
}

/* PLplot (cairo) never reports a failed write: a full disk leaves a
 * truncated picture behind.  So the file it wrote is checked before it is
 * renamed into place: not empty, and ending as a complete file of its format
 * (PNG: the IEND chunk; SVG: "</svg>"; PDF: "%%EOF"), trailing blanks aside. */
static int picture_complete(const char *tmp, const char *dev)
{
    static const unsigned char png_end[12] = {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82};
    FILE *fp = fopen(tmp, "rb");
    if (!fp)
        return 0;
    unsigned char tail[64];
    size_t n = 0;
    if (fseek(fp, 0, SEEK_END) == 0) {
        long size = ftell(fp);
        long from = size > (long)sizeof tail ? size - (long)sizeof tail : 0;
        if (size > 0 && fseek(fp, from, SEEK_SET) == 0)
            n = fread(tail, 1, sizeof tail, fp);
    }
    fclose(fp);
    if (!strcmp(dev, "pngcairo"))
        return n >= sizeof png_end && !memcmp(tail + n - sizeof png_end, png_end, sizeof png_end);
    while (n > 0 && (tail[n - 1] == '\n' || tail[n - 1] == '\r' || tail[n - 1] == ' '))
        n--;
    const char *end = !strcmp(dev, "svgcairo") ? "</svg>" : "%%EOF";
    size_t k = strlen(end);
    return n >= k && !memcmp(tail + n - k, end, k);
}

int plt_draw(const plt_fig *f, const char *path, const char *dev, int w, int h, pel_error *err)
{
    /* PLplot opens the temporary name itself; pel_afile's own handle to the
     * same inode only fsyncs and renames it, so no half file is ever visible
     * under `path`. */
    pel_afile af;
    int rc = pel_afile_open(&af, path, err);
    if (rc != PEL_OK)
        return rc;
    PLINT old, strm;
    plgstrm(&old);
    plmkstrm(&strm);
    if (strm < 0) {
        pel_afile_abort(&af);
        return pel_error_set(err, PEL_EIO, "drawing %s: PLplot has no free stream", path);
    }
    plsdev(dev);
    plsfnam(af.tmp_path);
    plspage(0.0, 0.0, w, h, 0, 0);
    plscmap0n(PLT_NCOLOR);
    for (int c = 0; c < PLT_NCOLOR; c++)
        plscol0(c, palette[c][0], palette[c][1], palette[c][2]);
    plinit();
    pladv(0);
    /* cairo keeps the character height in pixels fixed whatever the page
     * size; shrink it gently on small pages so the margins still hold it */
    double fit = fmin((double)w / PEL_PLOT_WIDTH, (double)h / PEL_PLOT_HEIGHT);
    plschr(0.0, PLT_CHAR_SCALE * fmin(PLT_CHAR_MAXF, fmax(PLT_CHAR_MINF, sqrt(fit))));
    plfont(1);
    for (size_t p = 0; p < f->npanel; p++)
        draw_panel(f, p);
    plend1();
    plsstrm(old);
    if (!picture_complete(af.tmp_path, dev)) {
        pel_afile_abort(&af);
        return pel_error_set(err, PEL_EIO, "cannot write %s: PLplot left an incomplete picture (%s; disk full?)", path, dev);
    }
    return pel_afile_commit(&af, err);
}

int plt_output(const plt_fig *f, const pel_figure_opts *o, pel_error *err)
{
    size_t n = strlen(o->out_dir) + strlen(f->name) + 8;
    char *path = malloc(n);
    if (!path)
        return pel_error_set(err, PEL_ENOMEM, "out of memory writing figure %s", f->name);
    snprintf(path, n, "%s/%s.csv", o->out_dir, f->name);
    int rc = plt_write_csv(f, path, err);
    for (unsigned fmt = 1; rc == PEL_OK && fmt <= PEL_PLOT_PDF; fmt <<= 1) {
        if (!(o->formats & fmt))
            continue;
        snprintf(path, n, "%s/%s.%s", o->out_dir, f->name, plt_ext(fmt));
        rc = plt_draw(f, path, plt_device(fmt), o->width, o->height, err);
    }
    free(path);
    return rc;
}
