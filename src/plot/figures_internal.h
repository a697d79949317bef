/* figures_internal.h - internal to src/plot: the figure entry points listed in
 * figures.c and the trace helpers they share (trace.c). */
#ifndef PEL_PLOT_FIGURES_INTERNAL_H
#define PEL_PLOT_FIGURES_INTERNAL_H

#include <stddef.h>

#include "canvas.h"
#include "pel/evolve.h"
#include "pel/material.h"
#include "pel/plot.h"

/* Figures (signature of pel_figure.run). */
int pel_fig_spectra(const pel_material *mat, const pel_figure_opts *o, char *notes, size_t notes_size,
                    pel_error *err);
int pel_fig_map(const pel_material *mat, const pel_figure_opts *o, char *notes, size_t notes_size, pel_error *err);
int pel_fig_hysteresis(const pel_material *mat, const pel_figure_opts *o, char *notes, size_t notes_size,
                       pel_error *err);
int pel_fig_truncated(const pel_material *mat, const pel_figure_opts *o, char *notes, size_t notes_size,
                      pel_error *err);
/* Needs o->md_tables or o->eqline_csv; without them it draws nothing and says so in notes. */
int pel_fig_md(const pel_material *mat, const pel_figure_opts *o, char *notes, size_t notes_size, pel_error *err);

/* Needs o->events; without them it draws nothing and says so in notes (fig_calib.c). */
int pel_fig_calibration(const pel_material *mat, const pel_figure_opts *o, char *notes, size_t notes_size,
                        pel_error *err);

/* Needs o->md_scans; without them it draws nothing and says so in notes (fig_scans_md.c). */
int pel_fig_scans_md(const pel_material *mat, const pel_figure_opts *o, char *notes, size_t notes_size,
                     pel_error *err);

/* Overlay the event catalogs of o->events on the spectra figure (events.c). */
int pel_fig_add_events(plt_fig *f, const pel_material *mat, const pel_figure_opts *o, double EA_max, char *notes,
                       size_t notes_size, pel_error *err);

/* Size, formats, output directory and devices of the options. */
int pel_fig_check_opts(const pel_figure_opts *o, pel_error *err);

/* The temperatures and rates of the paper's protocols (docs/theory.md §5, Figs. 3-5). */
#define PEL_FIG_T_MELT_K 2000.0 /* liquid start of the map's cooling curves */
#define PEL_FIG_T_LOW_K 300.0   /* glass end of the hysteresis/truncated scans */
#define PEL_FIG_T_HIGH_K 1400.0 /* liquid end of the hysteresis scans */
#define PEL_FIG_Q_SLOW 1e10     /* K/s, the Fig. 4 cooling/heating rate */
#define PEL_FIG_Q_FAST 1e12     /* K/s, the Fig. 4 fast rate and the Fig. 5 rate */

/* Parse and integrate a protocol text (evolve defaults, output every dT_K on
 * ramps); *tr must be zeroed by the caller and is cleared on failure. */
int pel_fig_evolve(const pel_material *mat, const char *text, double dT_K, pel_trace *tr, pel_error *err);

/* Rows [*i0, *i1) of segment k, *i0 being the start row (last row of the
 * previous segment).  PEL_EINVAL when the segment has no rows. */
int pel_fig_segment(const pel_trace *tr, int k, size_t *i0, size_t *i1, pel_error *err);

/* Row k of the segment starting at row i0; the start row's dE/dT is
 * recomputed for this segment's rate (the trace gives it for the previous
 * segment's rate). */
pel_trace_point pel_fig_row(const pel_trace *tr, size_t k, size_t i0);

/* E at temperature T on the ramp rows [i0, i1), by cubic Hermite
 * interpolation in T with the trace's dE/dT (fourth order in the row
 * spacing).  PEL_EINVAL when T lies outside the rows. */
int pel_fig_E_at(const pel_trace *tr, size_t i0, size_t i1, double T, double *E, pel_error *err);

/* First stationary point of E (dE/dt = 0, i.e. D = 0, docs/theory.md §5) on the ramp
 * rows [i0, i1): a sign change of the trace's D between two rows is refined by
 * Brent root finding on D(E(T), T) with E(T) Hermite-interpolated.
 * PEL_ENOROOT when D keeps its sign. */
int pel_fig_stationary(const pel_material *mat, const pel_trace *tr, size_t i0, size_t i1, double *T, double *E,
                       pel_error *err);

/* Absolute tolerance on a stationary temperature, K. */
#define PEL_FIG_T_TOL 1e-9

/* The lowest temperature with an equilibrium state, padded above T_c by a
 * relative PEL_FIG_TC_PAD so that E_eq has a root in the material's range. */
#define PEL_FIG_TC_PAD 1e-6

/* Columns of the trace-based figures (map, hysteresis, truncated). */
enum { PEL_FC_T, PEL_FC_t, PEL_FC_E, PEL_FC_DEDT, PEL_FC_EEQ, PEL_FC_Q, PEL_FC_D, PEL_FC_N };
extern const char *const pel_fig_trace_cols[];

/* Trace rows [i0, i1) as a line series `name` in panel 0 (E against T) and,
 * when dedt_panel >= 0, as a dE/dT line in that panel with the same style. */
int pel_fig_add_branch(plt_fig *f, const char *name, const char *label, const pel_trace *tr, size_t i0, size_t i1,
                       int color, int lstyle, int dedt_panel, pel_error *err);

/* The equilibrium line E_eq(T) on [Ta, Tb] (from just above T_c when Ta is
 * lower) with n points, in panel 0; it never widens the autoscaled range. */
int pel_fig_add_equilibrium(plt_fig *f, const pel_material *mat, double Ta, double Tb, size_t n, pel_error *err);

/* One marked point (T, E) in `panel` (ycol PEL_FC_E or PEL_FC_DEDT) with its
 * E_eq(T) in the CSV; `note` is written beside the marker. */
int pel_fig_add_point(plt_fig *f, const pel_material *mat, const char *name, const char *note, const char *label,
                      int panel, int ycol, double T, double E, double dEdT, const char *marker, int color,
                      pel_error *err);

/* Density histogram of x[0..n) on [0, xmax) in nbin bins as a step series
 * (xcol against ycol), normalised by all n values so it compares with a pdf. */
int pel_fig_add_hist(plt_fig *f, const char *name, const char *label, const double *x, size_t n, double xmax,
                     size_t nbin, int xcol, int ycol, int color, int lstyle, double width, pel_error *err);

/* Median of x[0..n) (sorts x in place); 0 when n == 0. */
double pel_fig_median(double *x, size_t n);

#endif
