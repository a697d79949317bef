/* bench_calibrate.c - cost of a calibration on the committed data
 * (data/samples: the 1e13 and 1e12 K/s cooling tables and the three ART
 * catalogs): pel_calibrate_run from the cu56zr44-paper preset switched to
 * the forms of the calibrated cu56zr44 preset, as `pel calibrate` starts it,
 * with the parameters the preset holds (m_slope, S_E at their bound 0, e_R;
 * docs/calibration.md) held at the preset's values,
 * against the cost of one evaluation of the two cooling curves (the evolve
 * integration inside every likelihood evaluation).  CPU time of the process.
 * Usage: bench_calibrate */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "pel/calibrate.h"
#include "pel/fit.h"

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static const char *const rates[2] = {"1e13", "1e12"};
static const char *const samples[3] = {"q1e13", "q1e12", "qinf"};

int main(void)
{
    pel_error err = {0};
    char path[3][512], protocol[2][128];
    double *T[2], *E[2], *se[2], *t[2];
    size_t n[2], skipped;
    pel_calib_table tab[2];
    for (int j = 0; j < 2; j++) {
        snprintf(path[j], sizeof path[j], "%s/data/samples/cu56zr44_n2000_q%s/cooling.csv", PEL_SOURCE_DIR, rates[j]);
        if (pel_calibrate_read_table(path[j], &T[j], &E[j], &se[j], &t[j], &n[j], &skipped, &err))
            return fprintf(stderr, "%s\n", err.msg), 1;
        snprintf(protocol[j], sizeof protocol[j], "eq@%gK; cool %gK@%sK/s", T[j][0], T[j][n[j] - 1], rates[j]);
        tab[j] = (pel_calib_table){path[j], protocol[j], n[j], T[j], E[j], se[j], t[j]};
    }
    pel_events *ev[3];
    pel_calib_catalog cat[3];
    double Eref = 0.0;
    for (int c = 0; c < 3; c++) {
        char p[512];
        snprintf(p, sizeof p, "%s/data/samples/cu56zr44_n2000_%s/art_events.csv", PEL_SOURCE_DIR, samples[c]);
        double E_IS;
        if (pel_events_read(p, &ev[c], &err) || pel_events_E_IS(ev[c], 0, 0, &E_IS, &err))
            return fprintf(stderr, "%s\n", err.msg), 1;
        cat[c] = (pel_calib_catalog){samples[c], E_IS, ev[c]->n, ev[c]->EA, ev[c]->n, ev[c]->ER};
        Eref += E_IS / 3.0;
    }
    pel_calib_data d = {NULL, 0, tab, 2, cat, 3};
    pel_material cal, start;
    if (pel_material_preset("cu56zr44", &cal, &err) || pel_material_preset("cu56zr44-paper", &start, &err))
        return fprintf(stderr, "%s\n", err.msg), 1;
    pel_calibrate_switch_form(&start, 'W', (int)cal.W_form, Eref);
    pel_calibrate_switch_form(&start, 'm', (int)cal.m_form, Eref);
    pel_calibrate_switch_form(&start, 'S', (int)cal.S_form, Eref);

    /* one evaluation's model curves, min over reps */
    double *Em = malloc(64 * sizeof *Em), best = INFINITY;
    for (int k = 0; k < 20 && Em; k++) {
        double t0 = cpu_seconds();
        for (int j = 0; j < 2; j++)
            if (pel_calibrate_table_model(&cal, &tab[j], Em, &err))
                return fprintf(stderr, "%s\n", err.msg), 1;
        best = fmin(best, cpu_seconds() - t0);
    }
    static const char *const held[] = {"m_slope", "S_E", "eR"};
    for (int k = 0; k < 3; k++)
        *pel_material_param(&start, (size_t)pel_material_param_find(held[k])) =
            *pel_material_param(&cal, (size_t)pel_material_param_find(held[k]));
    pel_calib_options o;
    pel_calib_options_default(&o, &start);
    for (int k = 0; k < 3; k++)
        o.fixed |= 1ull << pel_material_param_find(held[k]);
    pel_calib_result res;
    double t0 = cpu_seconds();
    int rc = pel_calibrate_run(&d, &o, &res, NULL, NULL, &err);
    double dt = cpu_seconds() - t0;
    printf("bench_calibrate: forms W=%s m=%s S=%s, %zu free parameters, %zu data\n",
           pel_material_form_name('W', (int)cal.W_form), pel_material_form_name('m', (int)cal.m_form),
           pel_material_form_name('S', (int)cal.S_form), res.n_free, res.n_data);
    printf("  two model cooling curves (one likelihood evaluation's evolve): %.3f ms\n", 1e3 * best);
    printf("  calibration: %s, %.2f s CPU, %zu evaluations (+ Hessian), -ln L %.4f (target < 60 s)\n",
           rc ? err.msg : "ok", dt, res.n_eval, res.nll);
    free(Em);
    for (int j = 0; j < 2; j++)
        free(T[j]), free(E[j]), free(se[j]), free(t[j]);
    for (int c = 0; c < 3; c++)
        pel_events_free(&ev[c]);
    return rc ? 1 : 0;
}
