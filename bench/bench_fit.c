/* bench_fit.c - cost of `pel fit` on a paper-sized catalog: the maximum-
 * likelihood fit of eq. 3 to n = 2500 barriers (the paper's ~2,500 distinct
 * events per sample) and a B = 200 bootstrap.  Samples are drawn from eq. 3
 * (W = 0.05, m = 1.2 eV) by rejection.  Usage: bench_fit [n] [B] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "pel/fit.h"
#include "pel/util.h"

static double draw(gsl_rng *r, double W, double m, double eA, double s)
{
    if (gsl_rng_uniform(r) < W)
        return gsl_ran_exponential(r, eA);
    double B = m + 10 * s;
    for (;;) {
        double y = m + gsl_ran_gaussian(r, s);
        if (y >= 0 && y <= B && gsl_rng_uniform(r) * B < y)
            return y;
    }
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)atol(argv[1]) : 2500, B = argc > 2 ? (size_t)atol(argv[2]) : 200;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    double *x = malloc(n * sizeof *x), *er = malloc(n * sizeof *er);
    if (!r || !x || !er || n < 20)
        return 1;
    for (size_t i = 0; i < n; i++) {
        x[i] = draw(r, 0.05, 1.2, 0.5, 0.49);
        er[i] = gsl_ran_exponential(r, 0.32);
    }
    pel_fit_options o;
    pel_fit_options_default(&o);
    pel_fit_result res;
    pel_error err = {0};
    enum { REPS = 5 };
    double t0 = pel_wall_seconds();
    for (int k = 0; k < REPS; k++)
        if (pel_fit_events(x, n, er, n, &o, &res, NULL, NULL, &err))
            return fprintf(stderr, "%s\n", err.msg), 1;
    double t_fit = (pel_wall_seconds() - t0) / REPS;
    o.free_eA_s = 1;
    t0 = pel_wall_seconds();
    if (pel_fit_events(x, n, er, n, &o, &res, NULL, NULL, &err))
        return fprintf(stderr, "%s\n", err.msg), 1;
    double t_free = pel_wall_seconds() - t0;
    o.free_eA_s = 0;
    o.bootstrap = B;
    t0 = pel_wall_seconds();
    if (pel_fit_events(x, n, er, n, &o, &res, NULL, NULL, &err))
        return fprintf(stderr, "%s\n", err.msg), 1;
    double t_boot = pel_wall_seconds() - t0;
    printf("n=%zu: W=%.4f+-%.4f m=%.4f+-%.4f eR=%.4f+-%.4f ks_p=%.3f\n", n, res.W.value, res.W.se, res.m.value,
           res.m.se, res.eR.value, res.eR.se, res.ks_p);
    printf("fit (W,m free, 6 starts): %.4f s; fit (W,m,eA,s free): %.4f s; bootstrap B=%zu: %.3f s (%.4f s/resample)\n",
           t_fit, t_free, B, t_boot, t_boot / (double)B);
    free(x);
    free(er);
    gsl_rng_free(r);
    return 0;
}
