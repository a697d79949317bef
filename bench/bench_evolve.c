/* bench_evolve.c - speed of pel_evolve_run on the paper's protocols
 * (issue 2 item 7): five cooling curves 2000 K -> 100 K at 1e13..1e9 K/s
 * (target < 5 ms together) and the Fig. 4 + Fig. 5 protocol set (target
 * < 50 ms), with the E_eq column on (as `pel run` does) and off.
 * Peer in the same run: GSL's explicit rk8pd on the same right-hand side
 * and tolerances (stability-limited on this stiff equation, so it gets a
 * step budget).  bench/peer_radau.py is the SciPy Radau peer.
 *
 * usage: bench_evolve [reps]        (default 20; the minimum over reps is
 *                                   reported; times are CPU time, as the
 *                                   machine is shared) */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "pel/equilibrium.h"
#include "pel/evolve.h"
#include "pel/spectrum.h"
#include "pel/util.h"

/* CPU time of this process (one thread): the machine is shared, and wall
 * time would measure the other jobs. */
static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static const char *rates[] = {"1e13", "1e12", "1e11", "1e10", "1e9"};

static const char *paper_set[] = {
    "eq@2000K; cool 300K@1e10K/s; heat 2000K@1e10K/s",
    "eq@2000K; cool 300K@1e10K/s; heat 2000K@1e12K/s; cool 300K@1e12K/s",
    "eq@2000K; cool 300K@1e10K/s; heat 850K@1e12K/s; cool 300K@1e12K/s",
    "eq@2000K; cool 300K@1e10K/s; heat 900K@1e12K/s; cool 300K@1e12K/s",
    "eq@2000K; cool 300K@1e10K/s; heat 950K@1e12K/s; cool 300K@1e12K/s",
    "eq@2000K; cool 300K@1e10K/s; heat 1000K@1e12K/s; cool 300K@1e12K/s",
    "eq@2000K; cool 300K@1e10K/s; heat 1050K@1e12K/s; cool 300K@1e12K/s",
    "eq@2000K; cool 300K@1e10K/s; heat 1200K@1e12K/s; cool 300K@1e12K/s",
};

static int run_text(const pel_material *m, const char *text, const pel_evolve_opts *o, pel_trace *tr, double *E_end)
{
    pel_protocol p;
    pel_error err = {0};
    int rc = pel_protocol_parse(text, &p, &err);
    tr->n = 0;
    if (rc == PEL_OK)
        rc = pel_evolve_run(m, &p, o, tr, &err);
    pel_protocol_clear(&p);
    if (rc != PEL_OK) {
        fprintf(stderr, "bench_evolve: %s: %s\n", text, err.msg);
        return rc;
    }
    if (E_end)
        *E_end = tr->p[tr->n - 1].E;
    return PEL_OK;
}

/* Minimum over reps of the CPU time of running `n` protocols. */
static double time_set(const pel_material *m, const char **texts, size_t n, const pel_evolve_opts *o, int reps,
                       size_t *rows)
{
    pel_trace tr = {0};
    double best = INFINITY;
    for (int r = 0; r < reps; r++) {
        double t0 = cpu_seconds();
        *rows = 0;
        for (size_t i = 0; i < n; i++) {
            if (run_text(m, texts[i], o, &tr, NULL) != PEL_OK)
                exit(1);
            *rows += tr.n;
        }
        best = fmin(best, cpu_seconds() - t0);
    }
    pel_trace_clear(&tr);
    return best;
}

/* ---- peer: rk8pd on dE/dT = nu Z D / q, same RHS as evolve.c ---- */
typedef struct peer_ctx {
    const pel_material *m;
    double q; /* K/s, > 0; cooling: T = 2000 - x */
    long nfev;
} peer_ctx;

static int peer_f(double x, const double y[], double f[], void *params)
{
    peer_ctx *c = params;
    double T = 2000.0 - x;
    pel_spectrum sp;
    pel_material_spectrum(c->m, y[0], &sp);
    double lz = pel_spectrum_log_Z(&sp, T);
    f[0] = exp(pel_material_log_nu(c->m, y[0], T) + lz) * (-PEL_KB_EV_PER_K * T * lz - c->m->eR) / c->q;
    c->nfev++;
    return isfinite(f[0]) ? GSL_SUCCESS : GSL_EBADFUNC;
}

/* Returns seconds, or -1 when the step budget ran out; *E_end gets E(100 K). */
static double peer_rk8pd(const pel_material *m, double q, double E0, long max_steps, double *E_end, long *nfev)
{
    peer_ctx c = {m, q, 0};
    gsl_odeiv2_system sys = {peer_f, NULL, 1, &c};
    gsl_odeiv2_driver *d = gsl_odeiv2_driver_alloc_y_new(&sys, gsl_odeiv2_step_rk8pd, 1e-6, 1e-12, 1e-10);
    gsl_odeiv2_driver_set_nmax(d, (unsigned long)max_steps);
    double x = 0.0, y[1] = {E0};
    double t0 = cpu_seconds();
    int st = gsl_odeiv2_driver_apply(d, &x, 1900.0, y);
    double dt = cpu_seconds() - t0;
    gsl_odeiv2_driver_free(d);
    *E_end = y[0];
    *nfev = c.nfev;
    return st == GSL_SUCCESS ? dt : -1.0;
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 20;
    if (reps < 1)
        reps = 1;
    gsl_set_error_handler_off();
    pel_material m;
    pel_error err = {0};
    if (pel_material_preset("cu56zr44-paper", &m, &err) != PEL_OK) {
        fprintf(stderr, "bench_evolve: %s\n", err.msg);
        return 1;
    }
    const char *cool[5];
    char buf[5][64];
    for (int i = 0; i < 5; i++) {
        snprintf(buf[i], sizeof buf[i], "eq@2000K; cool 100K@%sK/s", rates[i]);
        cool[i] = buf[i];
    }
    pel_evolve_opts o;
    pel_evolve_opts_default(&o);
    size_t rows;
    printf("bench_evolve: cu56zr44, rtol %.0e, atol %.0e, dT_out %g K, min over %d reps\n", o.rtol, o.atol, o.dT_out_K,
           reps);
    for (int full = 1; full >= 0; full--) {
        o.eq_column = o.rate_columns = full;
        double t5 = time_set(&m, cool, 5, &o, reps, &rows);
        size_t rows5 = rows;
        double tp = time_set(&m, paper_set, 8, &o, reps, &rows);
        printf("  %-34s five cooling curves %7.3f ms (%zu rows, target < 5)   Fig.4+5 set (8 protocols) %7.3f ms "
               "(%zu rows, target < 50)\n",
               full ? "full trace (all columns, pel run):" : "E(T) only (no D, EA, Eeq columns):", 1e3 * t5, rows5,
               1e3 * tp, rows);
    }
    /* per-curve time and final E (cross-check with bench/peer_radau.py) */
    o.eq_column = o.rate_columns = 0;
    pel_trace tr = {0};
    double E2000;
    if (pel_equilibrium_E(&m, 2000.0, &E2000, &err) != PEL_OK) {
        fprintf(stderr, "bench_evolve: %s\n", err.msg);
        return 1;
    }
    printf("  per curve (E(T) only) and the rk8pd peer (explicit, same RHS and tolerances, budget 2e5 steps):\n");
    for (int i = 0; i < 5; i++) {
        double best = INFINITY, E_end = NAN;
        for (int r = 0; r < reps; r++) {
            double t0 = cpu_seconds();
            if (run_text(&m, cool[i], &o, &tr, &E_end) != PEL_OK)
                return 1;
            best = fmin(best, cpu_seconds() - t0);
        }
        double Ep;
        long nfev;
        double tpeer = peer_rk8pd(&m, atof(rates[i]), E2000, 200000, &Ep, &nfev);
        if (tpeer > 0)
            printf("    %s K/s: pel %.3f ms, E(100 K) = %.10f | rk8pd %.1f ms (%ld RHS), E = %.10f, ratio %.0fx\n",
                   rates[i], 1e3 * best, E_end, 1e3 * tpeer, nfev, Ep, tpeer / best);
        else
            printf("    %s K/s: pel %.3f ms, E(100 K) = %.10f | rk8pd gave up after 2e5 steps (%ld RHS)\n", rates[i],
                   1e3 * best, E_end, nfev);
    }
    pel_trace_clear(&tr);
    return 0;
}
