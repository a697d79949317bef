/* cli_calib.h - pieces of `pel calibrate` shared by its two files:
 * cmd_calibrate.c (options, inputs, the fits) and cli_calib_out.c (report,
 * material file with provenance, JSON). */
#ifndef PEL_CLI_CALIB_H
#define PEL_CLI_CALIB_H

#include <stddef.h>

#include "pel/calibrate.h"
#include "pel/fit.h"

#define CAL_MAX_CAND 8 /* form combinations tried by --forms auto */

typedef struct cal_table_in {
    const char *path;
    char *rate;      /* from FILE@RATE, or NULL */
    char *protocol;  /* owned */
    double *T, *E, *se, *t;
    size_t n, skipped;
    int held_out;
} cal_table_in;

typedef struct cal_cat_in {
    const char *path;
    pel_events *ev;
    double *EA; /* >= EA_min, owned */
    size_t n;
    double E_IS;
} cal_cat_in;

typedef struct cal_eq_in {
    const char *path;
    double *T, *E, *se;
    size_t n, skipped;
} cal_eq_in;

/* One form combination and what came of it. */
typedef struct cal_cand {
    int W, m, S;
    int ok;
    char msg[PEL_ERROR_MSG_MAX]; /* refusal, when !ok */
    char held[256];              /* parameters held at their bound (--hold-at-bound) */
    pel_calib_result res;
    double holdout_nll;                 /* NAN without --hold-out */
    double seconds;
} cal_cand;

typedef struct cal_run {
    cal_table_in *tab;
    size_t n_tab;
    cal_cat_in *cat;
    size_t n_cat;
    cal_eq_in *eq;
    size_t n_eq;
    pel_calib_data fit, held; /* views for the fit and for the held-out score */
    double EA_min;
    cal_cand cand[CAL_MAX_CAND];
    size_t n_cand, best;
    int argc;
    char **argv;
} cal_run;

/* Mean of model - MD (eV/atom) over rows with lo <= T <= hi; NAN if none. */
double cli_calib_window(const cal_table_in *t, const double *E_model, double lo, double hi);

/* Report on stdout (text or JSON) and, with out != NULL, the material file
 * (atomic).  CLI_OK or CLI_FAIL after one line. */
int cli_calib_report(const char *cmd, const cal_run *r, const char *out, int json);

#endif
