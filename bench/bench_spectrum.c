/* bench_spectrum.c - speed of the spectrum closed form (docs/theory.md §3) and of the
 * equilibrium line (docs/theory.md §4), against a plain GSL-quadrature evaluation of Z
 * in the same run.
 *
 *   bench_spectrum [n_calls]       (default 2000000)
 *
 * Prints ns per pel_spectrum_log_Z (overall and per branch of the bracket:
 * mu >= 0 direct form, u <= 4 GSL erfc, u > 4 continued fraction), per
 * checked mean-barrier call, per quadrature Z, the speed ratio, and the time
 * for E_eq(T) at 1000 temperatures of the cu56zr44 preset.  Times are CPU
 * time of this process (CLOCK_PROCESS_CPUTIME_ID), single thread. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>

#include "pel/equilibrium.h"
#include "pel/material.h"
#include "pel/spectrum.h"
#include "pel/util.h"

#define NSET 1024 /* distinct (spectrum, T) inputs cycled through */

/* CPU time of this process (s): the machine is shared, wall time would
 * count other jobs' time slices */
static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct input {
    pel_spectrum sp;
    double T;
} input;

/* realistic inputs: the preset's spectra for E in [E_lo, E_hi], T in [300, 2000] K */
static void fill_preset(const pel_material *mat, input *in)
{
    for (int i = 0; i < NSET; i++) {
        double E = mat->E_lo + (mat->E_hi - mat->E_lo) * ((i * 37) % NSET) / (double)NSET;
        pel_material_spectrum(mat, E, &in[i].sp);
        in[i].T = 300.0 + 1700.0 * ((i * 101) % NSET) / (double)NSET;
    }
}

/* inputs that all fall in one branch: mu >= 0 (0), u in (0, 4] (1), u > 4 (2) */
static void fill_branch(int branch, input *in)
{
    const double s = 0.49, k = PEL_KB_EV_PER_K;
    for (int i = 0; i < NSET; i++) {
        double m = 1.0 + 2.0 * i / NSET, T;
        double Tmu0 = s * s / (m * k); /* mu = 0 here */
        if (branch == 0)
            T = Tmu0 * (1.05 + 2.0 * i / NSET);
        else if (branch == 1)
            T = Tmu0 * (0.999 - 0.5 * i / NSET); /* u from ~0 to ~2-4 */
        else
            T = 30.0 + 100.0 * i / NSET; /* u >> 4 */
        in[i].sp = (pel_spectrum){0.05, m, 0.5, s};
        in[i].T = T;
    }
}

static double time_log_Z(const input *in, long n, double *sink)
{
    double acc = 0.0, t0 = cpu_seconds();
    for (long i = 0; i < n; i++) {
        const input *p = &in[i & (NSET - 1)];
        acc += pel_spectrum_log_Z(&p->sp, p->T);
    }
    *sink += acc;
    return (cpu_seconds() - t0) / (double)n * 1e9;
}

static double time_barrier(const input *in, long n, double *sink)
{
    double acc = 0.0, t0 = cpu_seconds();
    for (long i = 0; i < n; i++) {
        const input *p = &in[i & (NSET - 1)];
        double EA;
        if (pel_spectrum_barrier(&p->sp, p->T, NULL, &EA, NULL) == PEL_OK)
            acc += EA;
    }
    *sink += acc;
    return (cpu_seconds() - t0) / (double)n * 1e9;
}

/* peer: Z = int_0^inf P(E_A) exp(-E_A/kT) dE_A by GSL QAGIU, epsrel 1e-10 */
typedef struct qctx {
    const pel_spectrum *sp;
    double kT;
} qctx;

static double q_f(double x, void *p)
{
    const qctx *c = p;
    return pel_spectrum_pdf(c->sp, x) * exp(-x / c->kT);
}

static double time_quadrature(const input *in, long n, double *sink, double *worst_rel)
{
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
    double acc = 0.0, t0 = cpu_seconds();
    *worst_rel = 0.0;
    for (long i = 0; i < n; i++) {
        const input *p = &in[i & (NSET - 1)];
        qctx c = {&p->sp, PEL_KB_EV_PER_K * p->T};
        gsl_function F = {q_f, &c};
        double Z, err;
        gsl_integration_qagiu(&F, 0.0, 0.0, 1e-10, 1000, w, &Z, &err);
        acc += Z;
        double rel = fabs(log(Z) - pel_spectrum_log_Z(&p->sp, p->T));
        if (rel > *worst_rel)
            *worst_rel = rel;
    }
    double ns = (cpu_seconds() - t0) / (double)n * 1e9;
    gsl_integration_workspace_free(w);
    *sink += acc;
    return ns;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 2000000;
    if (n < NSET)
        n = NSET;
    gsl_set_error_handler_off();
    pel_material mat;
    pel_error err = {0};
    if (pel_material_preset("cu56zr44-paper", &mat, &err) != PEL_OK) {
        fprintf(stderr, "bench_spectrum: %s\n", err.msg);
        return 1;
    }
    static input in[NSET];
    double sink = 0.0;

    fill_preset(&mat, in);
    time_log_Z(in, n / 10, &sink); /* warm-up */
    double ns_lz = time_log_Z(in, n, &sink);
    double ns_bar = time_barrier(in, n, &sink);
    double worst;
    long nq = n / 200 < NSET ? NSET : n / 200;
    double ns_q = time_quadrature(in, nq, &sink, &worst);
    printf("pel_spectrum_log_Z (cu56zr44, E in [%g,%g], T 300-2000 K): %8.1f ns/call\n", mat.E_lo, mat.E_hi, ns_lz);
    printf("pel_spectrum_barrier (checked, mean barrier):               %8.1f ns/call\n", ns_bar);
    printf("peer GSL qagiu Z (epsrel 1e-10), same inputs:              %8.1f ns/call  (max |d lnZ| vs closed form %.2g)\n",
           ns_q, worst);
    printf("speed-up closed form / quadrature:                          %8.0fx\n", ns_q / ns_lz);
    static const char *bname[] = {"mu >= 0 (direct form)", "0 < u <= 4 (libm erfc)", "u > 4 (continued fraction)"};
    for (int b = 0; b < 3; b++) {
        fill_branch(b, in);
        printf("  branch %-28s %8.1f ns/call\n", bname[b], time_log_Z(in, n / 2, &sink));
    }

    /* equilibrium line at 1000 temperatures, 800..2000 K (above T_c) */
    double t0 = cpu_seconds(), acc = 0.0;
    int fails = 0;
    for (int i = 0; i < 1000; i++) {
        double T = 800.0 + 1200.0 * i / 999.0, E;
        if (pel_equilibrium_E(&mat, T, &E, &err) == PEL_OK)
            acc += E;
        else
            fails++;
    }
    double ms_eq = (cpu_seconds() - t0) * 1e3;
    t0 = cpu_seconds();
    double Tc = 0.0;
    pel_equilibrium_Tc(&mat, &Tc, &err);
    double ms_tc = (cpu_seconds() - t0) * 1e3;
    sink += acc;
    printf("E_eq(T) at 1000 temperatures 800-2000 K:                    %8.2f ms (%d without root)\n", ms_eq, fails);
    printf("T_c (bisection to 1e-9 K):                                  %8.2f ms (T_c = %.10g K)\n", ms_tc, Tc);
    fprintf(stderr, "(checksum %g)\n", sink);
    return 0;
}
