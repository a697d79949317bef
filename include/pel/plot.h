/* plot.h - the paper's figures drawn from the model (docs/theory.md §5, paper Figs. 2-5)
 * and quick plots of pel's CSV output, with PLplot's cairo drivers.
 *
 * Every figure is written twice: <out_dir>/<name>.<fmt> (PNG, SVG or PDF) and
 * <out_dir>/<name>.csv holding every number drawn, in long form: a first
 * column `series` naming the curve (or marked point) and numeric columns whose
 * headers carry their units; a cell is empty where a column does not apply.
 * Output files are written atomically (pel_afile).
 *
 * PLplot keeps its streams in process-wide tables, so the drawing calls here
 * must not run concurrently from several threads; each call creates its own
 * stream and ends it before returning (no state survives a call). */
#ifndef PEL_PLOT_H
#define PEL_PLOT_H

#include <stddef.h>

#include "pel/csv.h"
#include "pel/error.h"
#include "pel/material.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Output formats, as a bit set. */
enum { PEL_PLOT_PNG = 1, PEL_PLOT_SVG = 2, PEL_PLOT_PDF = 4 };

/* Parse "png,svg,pdf" (any non-empty subset, comma-separated) into a bit
 * set; PEL_EINVAL names an unknown format. */
int pel_plot_parse_formats(const char *text, unsigned *formats, pel_error *err);

/* PEL_OK when PLplot has the cairo device for every format in the set
 * (PEL_ENOTIMPL names the missing device otherwise). */
int pel_plot_check_devices(unsigned formats, pel_error *err);

/* Default page size in pixels (PNG) or points (SVG, PDF). */
#define PEL_PLOT_WIDTH 1200
#define PEL_PLOT_HEIGHT 900
#define PEL_PLOT_MIN_SIZE 200   /* smallest accepted side, px */
#define PEL_PLOT_MAX_SIZE 10000 /* largest accepted side, px */

typedef struct pel_figure_opts {
    const char *out_dir;         /* existing, writable directory */
    unsigned formats;            /* PEL_PLOT_* bit set */
    int width, height;           /* page size, PEL_PLOT_MIN_SIZE..PEL_PLOT_MAX_SIZE */
    const char *md_csv;          /* cooling table of `pel quench` (T_K, E_IS_eV_per_atom), or NULL */
    const char *const *md_tables;/* MD tables for the `md` figure: `pel quench` cooling.csv, `pel md
                                    --protocol` protocol.csv or mean.csv (E_IS_se_eV_per_atom drawn as
                                    error bars), or NULL */
    size_t nmd;
    const char *eqline_csv;      /* equilibrium-line points of `pel isotherm` (T_K, E_eq_eV_per_atom,
                                    E_eq_se_eV_per_atom, met), or NULL */
    const char *const *events;   /* event catalogs of `pel art` (EA_eV, ER_eV, status), or NULL */
    size_t nevents;
    const char *const *md_scans; /* truncated scans of an MD glass for the `scans_md` figure: `pel md
                                    --protocol` protocol.csv or mean.csv of "eq@T0K; heat TtK@q; cool T0K@q"
                                    (T_K, E_IS_eV_per_atom, t_ps; E_IS_se_eV_per_atom as error bars), or NULL */
    size_t nmd_scans;
    const char *scan_start;      /* model protocol that makes the scans' glass, ending at their T0; NULL:
                                    "eq@2000K; cool T0K@1e12K/s" */
    const pel_material_cov *cov; /* covariance of a calibrated material (pel_material_load_cov): the
                                    `calibration` figure draws its 95 % band; NULL or n = 0: none */
} pel_figure_opts;

void pel_figure_opts_default(pel_figure_opts *o);

/* One figure: `name` is the file stem; `run` computes, writes the CSV and
 * draws every requested format.  `notes` receives one line of information
 * for the user (e.g. "fit overlay not available"), may be NULL. */
typedef struct pel_figure {
    const char *name;
    const char *what; /* one-line description */
    int (*run)(const pel_material *mat, const pel_figure_opts *o, char *notes, size_t notes_size,
               pel_error *err);
} pel_figure;

/* The table of figures (spectra, map, hysteresis, truncated, md, calibration, scans_md) and its length. */
extern const pel_figure pel_figures[];
extern const size_t pel_nfigures;

/* Look a figure up by name; NULL when unknown. */
const pel_figure *pel_figure_find(const char *name);

/* Quick plot of a CSV file: columns ycols (NULL = every numeric column but x)
 * against column xcol, one line per column, written as `out_path` (format by
 * its extension .png/.svg/.pdf).  PEL_EINVAL names an unknown column. */
typedef struct pel_csvplot_opts {
    const char *xcol;          /* default "T_K" if present, else the first column */
    const char *const *ycols;  /* NULL = all numeric columns except x */
    size_t nycols;
    int logx;
    int width, height;
    const char *title;         /* NULL = file name */
} pel_csvplot_opts;

int pel_plot_csv(const char *csv_path, const char *out_path, const pel_csvplot_opts *o, pel_error *err);

#ifdef __cplusplus
}
#endif

#endif
