/* canvas.h - internal to src/plot: a figure as data (panels, series of rows
 * with named, unit-carrying columns), written both as the long-form CSV of
 * plot.h and as a PLplot drawing.  Keeping the numbers in one place makes the
 * CSV exactly what is drawn. */
#ifndef PEL_PLOT_CANVAS_H
#define PEL_PLOT_CANVAS_H

#include <stddef.h>

#include "pel/error.h"
#include "pel/plot.h"

#define PLT_MAXCOL 12  /* numeric columns per figure */
#define PLT_MAXPANEL 3 /* panels per figure */

/* Colours (PLplot cmap0 indices set by canvas.c; Okabe-Ito palette, which
 * stays distinguishable for colour-blind readers, plus light shades). */
enum {
    PLT_BLACK = 1, PLT_RED, PLT_BLUE, PLT_GREEN, PLT_ORANGE, PLT_PURPLE, PLT_SKY, PLT_GREY,
    PLT_SHADE_AGE, PLT_SHADE_REJ, PLT_GOLD, PLT_LIGHTGREY, PLT_NCOLOR
};

typedef enum {
    PLT_LINE,   /* polyline through the rows (NaN breaks it) */
    PLT_POINTS, /* a marker per row */
    PLT_ERRY,   /* a marker per row with a vertical bar of +- the zcol value */
    PLT_STEPS,  /* histogram: rows are (bin centre, height), uniform bins */
    PLT_VLINE,  /* a vertical line at each row's x across the panel */
    PLT_SHADE,  /* rows are a regular nx*ny grid (x-major); z < 0 / z > 0 filled */
    PLT_DATA    /* written to the CSV only, never drawn */
} plt_kind;

typedef struct plt_series {
    char name[48];     /* the CSV `series` value */
    char label[96];    /* legend entry; "" = not in the legend */
    char note[32];     /* text beside each point; PLT_SHADE: legend text of z > 0 */
    plt_kind kind;
    int panel, xcol, ycol, zcol;
    int color, lstyle; /* PLT_* colour, PLplot line style 1..8 */
    double width;      /* line width */
    const char *marker;/* UTF-8 glyph for PLT_POINTS */
    int color2;        /* PLT_SHADE: colour of z > 0 (color is z < 0) */
    size_t nx, ny;     /* PLT_SHADE grid size */
    int no_csv;        /* 1: drawing alias of rows already in the CSV */
    int no_autoscale;  /* 1: does not widen an automatic y range */
    int legend_marker; /* 1: a PLT_LINE's legend entry also shows its marker */
    int note_left;     /* 1: note text to the left of the point */
    size_t n, cap;
    double *v;         /* n rows of ncol values; NaN = empty cell */
} plt_series;

typedef struct plt_panel {
    char xlabel[80], ylabel[80], title[120];
    double vp[4];            /* viewport xmin, xmax, ymin, ymax (page fractions) */
    double x0, x1, y0, y1;   /* axis ranges; x0 == x1 (or y0 == y1) means automatic */
    int logx;
    int legend_inside;       /* 0: legend right of the box; else PL_POSITION_* flags inside */
    double yscale;           /* drawn y = CSV y * yscale (0 means 1), e.g. 1e3 for eV -> meV */
} plt_panel;

typedef struct plt_fig {
    char name[32];
    size_t ncol;
    char cols[PLT_MAXCOL][40];
    size_t npanel;
    plt_panel panel[PLT_MAXPANEL];
    size_t nser, cap;
    plt_series *ser;
} plt_fig;

/* Start an empty figure with numeric columns `cols` (NULL-terminated). */
void plt_init(plt_fig *f, const char *name, const char *const *cols);
void plt_free(plt_fig *f);

/* Add a series; returns its index, or -1 (PEL_ENOMEM set) on failure.  The
 * remaining style fields keep defaults (solid black line) until set through
 * the returned index (f->ser[i]; the array may move on the next plt_add). */
int plt_add(plt_fig *f, const char *name, const char *label, plt_kind kind, int panel, int xcol, int ycol,
            pel_error *err);

/* Append one row (f->ncol values, NaN for empty cells). */
int plt_push(plt_fig *f, int series, const double *row, pel_error *err);
/* Convenience: a row with only columns (c1, v1), (c2, v2) set. */
int plt_push2(plt_fig *f, int series, int c1, double v1, int c2, double v2, pel_error *err);

/* Write the long-form CSV (series + numeric columns) atomically. */
int plt_write_csv(const plt_fig *f, const char *path, pel_error *err);

/* Draw with PLplot device `dev` ("pngcairo", "svgcairo", "pdfcairo") into
 * `path` (atomically) at w x h pixels/points. */
int plt_draw(const plt_fig *f, const char *path, const char *dev, int w, int h, pel_error *err);

/* CSV + every format of o->formats as <out_dir>/<name>.<ext>. */
int plt_output(const plt_fig *f, const pel_figure_opts *o, pel_error *err);

/* Device name and file extension of one PEL_PLOT_* format bit. */
const char *plt_device(unsigned format);
const char *plt_ext(unsigned format);

#endif
