/* cli.h - shared pieces of the thin `pel` command line: one entry point per
 * subcommand (cmd_<name>.c), error printing, strict option values, progress.
 * The CLI parses, calls libpel, prints; physics never lives here. */
#ifndef PEL_CLI_H
#define PEL_CLI_H

#include <stdio.h>

#include "pel/error.h"

/* Threads of every command that takes --threads.  One: with OpenMP's default
 * (every core, spinning waits) a 128-atom MD run took 36 s instead of 0.67 s
 * while another job held a core (bench/RESULTS.md); --threads N opts in. */
#define CLI_DEFAULT_THREADS 1

/* Exit codes of every subcommand. */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/* Subcommand entry points: argv[0] is the subcommand name. */
typedef int (*cli_cmd_fn)(int argc, char **argv);
#define PEL_CLI_COMMANDS(X)                                                          \
    X(barrier, "Z, mean barrier and D for one (W, m, T) (paper eqs. 3-4, 7)")          \
    X(spectrum, "activation spectrum P(E_A|E) of a material at given E")              \
    X(equilibrium, "equilibrium line E_eq(T) of a material (D = 0)")                 \
    X(tc, "critical temperature T_c below which no equilibrium exists")              \
    X(map, "ageing/rejuvenation map D(E,T) on a grid")                               \
    X(run, "integrate E(t) along a thermal protocol (cooling, heating, holds)")      \
    X(energy, "EAM energy, pressure and forces of a LAMMPS data file")               \
    X(minimize, "inherent structure of a LAMMPS data file (FIRE/CG, fixed or iso box)") \
    X(md, "molecular dynamics NVE/NVT/NPT; --protocol: MD along a thermal protocol")                     \
    X(quench, "prepare a glass: melt, cool at a rate, record IS energies")           \
    X(isotherm, "equilibrium-line point from MD holds approached from above and below") \
    X(is, "inherent structures of every frame of a LAMMPS dump or extended XYZ")      \
    X(art, "ART nouveau saddle searches: event catalog of E_A, E_R")                 \
    X(fit, "fit activation/relaxation spectra (eqs. 3, 5) to event catalogs")         \
    X(calibrate, "fit a material jointly to ART catalogs and MD tables (inverse strategy)") \
    X(figures, "the paper's figures for a material (spectra, map, hysteresis, truncated)") \
    X(plot, "quick plot of a CSV written by pel")

#define X(name, help) int cli_cmd_##name(int argc, char **argv);
PEL_CLI_COMMANDS(X)
#undef X

/* Print "pel <cmd>: <err->msg>" (one line) on stderr; returns CLI_FAIL. */
int cli_fail(const char *cmd, const pel_error *err);
/* Print "pel <cmd>: <formatted>" (one line) on stderr; returns `code`. */
int cli_errorf(const char *cmd, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Strict option values: on failure print one line naming the option and
 * return nonzero (the caller returns CLI_USAGE). */
int cli_double(const char *cmd, const char *opt, const char *s, double *out);
int cli_long(const char *cmd, const char *opt, const char *s, long *out);
/* "from:to:step" with step > 0 (K), from <= to. */
int cli_range(const char *cmd, const char *opt, const char *s, double *from, double *to, double *step);

/* Plot page size "WxH" with both sides in [PEL_PLOT_MIN_SIZE, PEL_PLOT_MAX_SIZE]
 * (--size of plot and figures): one line and nonzero on a bad value. */
int cli_plot_size(const char *cmd, const char *s, int *w, int *h);

/* Results printed on stdout are lost silently when the write fails (full
 * disk, closed pipe, /dev/full): flush and close stdout, and turn a failure
 * into one line on stderr and CLI_FAIL.  A command that already failed
 * (rc != CLI_OK) keeps its own status and message.  Called once by main(). */
int cli_stdout_close(const char *cmd, int rc);

/* Print a double with 17 significant digits ("%.17g"); refuses to print a
 * non-finite value (returns nonzero after a one-line error). */
int cli_print_g17(FILE *fp, double v);

/* Progress printer usable as a pel_progress_fn: a bar with ETA on a terminal,
 * one log line every `interval_s` seconds otherwise.  ctx points to a
 * cli_progress initialised by cli_progress_init. */
typedef struct cli_progress {
    const char *label;
    double t0, last;
    double interval_s;
    int tty;
} cli_progress;
void cli_progress_init(cli_progress *p, const char *label, double interval_s);
int cli_progress_cb(void *ctx, double done, double total, const char *note);
void cli_progress_end(cli_progress *p);

#endif
