/* bench_force.c - EAM force-call throughput on the 2000-atom Cu56Zr44 liquid
 * (number density 2000/32.43^3, CuZr_mm.eam.fs, skin 1.0 A) against LAMMPS
 * `pair_style eam/fs/opt` (serial) on the same data file in the same run.
 *
 * pel: (a) repeated pel_calc_compute on a fixed configuration (pair work
 * only, like LAMMPS's "Pair" timer); (b) the same while atoms drift
 * back and forth at 2000 K speeds (force + neighbour rebuilds, like LAMMPS
 * "Pair + Neigh").  LAMMPS: an NVE run (1 fs, velocities at 2000 K, neighbor
 * 1.0 bin, check every step) whose timing breakdown gives Pair and Neigh
 * seconds per step.  pel and LAMMPS alternate `rounds` times and the best
 * round of each is reported (the machine is shared).
 *
 * usage: bench_force [calls=200] [rounds=3] [threads=1,2]
 * Needs `lmp` on PATH for the LAMMPS half (skipped otherwise). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "pel/eam.h"
#include "pel/system.h"
#include "pel/util.h"

#define BENCH_N 2000
#define BENCH_DENSITY (2000.0 / (32.43 * 32.43 * 32.43)) /* atoms/Å^3 */
#define BENCH_T_K 2000.0
#define BENCH_DT_PS 0.001
#define BENCH_SKIN_A 1.0

/* Process CPU seconds (all threads). */
static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* Seconds per force call (wall; CPU in *cpu); drift=1 moves atoms by v dt
 * before each call. */
static double time_pel(const pel_eam *pot, const pel_system *s0, int threads, int calls, int drift, long *builds,
                       double *cpu)
{
    pel_system *s = NULL;
    pel_error err = {0};
    pel_calc *c = NULL;
    if (pel_system_clone(s0, &s, &err) || pel_calc_new(&c, pot, s, BENCH_SKIN_A, threads, &err)) {
        fprintf(stderr, "bench_force: %s\n", err.msg);
        exit(1);
    }
    double *f = malloc(3 * s->n * sizeof *f);
    pel_forces r = {.f = f};
    pel_calc_compute(c, s, &r, &err); /* first build outside the timing */
    double t0 = pel_wall_seconds(), c0 = cpu_seconds();
    for (int k = 0; k < calls; k++) {
        /* Ballistic drift without forces would make atoms collide: go back and
         * forth, 50 calls each way (about 1 A for the fastest atoms). */
        double dir = (k / 50) % 2 ? -1.0 : 1.0;
        if (drift)
            for (size_t i = 0; i < 3 * s->n; i++)
                s->x[i] += dir * s->v[i] * BENCH_DT_PS;
        if (pel_calc_compute(c, s, &r, &err)) {
            fprintf(stderr, "bench_force: %s\n", err.msg);
            exit(1);
        }
    }
    double t = (pel_wall_seconds() - t0) / calls;
    *cpu = (cpu_seconds() - c0) / calls;
    *builds = pel_calc_builds(c) - 1;
    free(f);
    pel_calc_free(&c);
    pel_system_free(&s);
    return t;
}

/* LAMMPS NVE run; returns Pair and Neigh wall seconds per step and the CPU
 * share LAMMPS reports (negative if unavailable). */
static void time_lammps(const char *dir, int steps, double *pair, double *neigh, double *loop, double *cpushare)
{
    char cmd[2048];
    *pair = *neigh = *loop = *cpushare = -1;
    snprintf(cmd, sizeof cmd,
             "cd %s && printf 'units metal\\natom_style atomic\\nread_data liquid.data\\n"
             "pair_style eam/fs/opt\\npair_coeff * * " PEL_EAM_DEFAULT_PATH " Cu Zr\\n"
             "neighbor %g bin\\nneigh_modify every 1 delay 0 check yes\\n"
             "velocity all create %g 4928459 dist gaussian\\ntimestep %g\\nfix 1 all nve\\nthermo %d\\nrun %d\\n'"
             " > in.bench && lmp -in in.bench -log none -nocite > lmp.out 2>&1",
             dir, BENCH_SKIN_A, BENCH_T_K, BENCH_DT_PS, steps, steps);
    if (system(cmd) != 0)
        return;
    snprintf(cmd, sizeof cmd, "%s/lmp.out", dir);
    FILE *fp = fopen(cmd, "r");
    if (!fp)
        return;
    char line[512];
    while (fgets(line, sizeof line, fp)) {
        double a, b, c;
        if (sscanf(line, "Loop time of %lf", &a) == 1)
            *loop = a / steps;
        if (sscanf(line, "%lf%% CPU use", &a) == 1)
            *cpushare = a / 100.0;
        if (sscanf(line, "Pair | %lf | %lf | %lf", &a, &b, &c) == 3)
            *pair = b / steps;
        if (sscanf(line, "Neigh | %lf | %lf | %lf", &a, &b, &c) == 3)
            *neigh = b / steps;
    }
    fclose(fp);
}

int main(int argc, char **argv)
{
    int calls = argc > 1 ? atoi(argv[1]) : 200;
    int rounds = argc > 2 ? atoi(argv[2]) : 3;
    if (calls < 1 || rounds < 1) {
        fprintf(stderr, "usage: bench_force [calls>=1] [rounds>=1]\n");
        return 2;
    }
    pel_error err = {0};
    pel_liquid_params lp;
    pel_liquid_params_cuzr(&lp, BENCH_N, 0.56, BENCH_DENSITY, 2017);
    pel_system *s = NULL;
    pel_eam *pot = NULL;
    if (pel_system_random_liquid(&lp, &s, &err) || pel_eam_read(PEL_EAM_DEFAULT_PATH, PEL_EAM_FS, &pot, &err)) {
        fprintf(stderr, "bench_force: %s\n", err.msg);
        return 1;
    }
    /* Maxwell-Boltzmann speeds at 2000 K for the drifting case. */
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 1);
    for (size_t i = 0; i < s->n; i++) {
        double sig = sqrt(PEL_BOLTZ * BENCH_T_K / (s->mass[s->type[i]] * PEL_MVV2E));
        for (int d = 0; d < 3; d++)
            s->v[3 * i + d] = gsl_ran_gaussian(rng, sig);
    }
    gsl_rng_free(rng);
    char dir[] = "/tmp/pel_bench_force_XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char path[256];
    snprintf(path, sizeof path, "%s/liquid.data", dir);
    if (pel_system_write_data(s, path, "bench_force liquid", &err)) {
        fprintf(stderr, "bench_force: %s\n", err.msg);
        return 1;
    }
    int have_lmp = system("command -v lmp >/dev/null 2>&1") == 0;
    double best[2][2] = {{1e30, 1e30}, {1e30, 1e30}}, lbest[3] = {1e30, 1e30, 1e30};
    double cbest[2] = {1e30, 1e30}, lcpu = 1e30; /* CPU seconds per call, 1 thread */
    long builds = 0;
    for (int r = 0; r < rounds; r++) {
        for (int th = 0; th < 2; th++)
            for (int drift = 0; drift < 2; drift++) {
                double cpu;
                double t = time_pel(pot, s, th + 1, calls, drift, &builds, &cpu);
                if (t < best[th][drift])
                    best[th][drift] = t;
                if (th == 0 && cpu < cbest[drift])
                    cbest[drift] = cpu;
            }
        if (have_lmp) {
            double lt[4];
            time_lammps(dir, calls, &lt[0], &lt[1], &lt[2], &lt[3]);
            for (int k = 0; k < 3; k++)
                if (lt[k] > 0 && lt[k] < lbest[k])
                    lbest[k] = lt[k];
            if (lt[0] > 0 && lt[3] > 0 && lt[0] * lt[3] < lcpu)
                lcpu = lt[0] * lt[3];
        }
    }
    printf("bench_force: %d atoms Cu56Zr44, CuZr_mm.eam.fs, skin %.1f A, %d calls x %d rounds (best round)\n",
           BENCH_N, BENCH_SKIN_A, calls, rounds);
    printf("pel  1 thread : %8.3f ms/call fixed config, %8.3f ms/call drifting (%ld rebuilds)\n", 1e3 * best[0][0],
           1e3 * best[0][1], builds);
    printf("pel  2 threads: %8.3f ms/call fixed config, %8.3f ms/call drifting; speed-up %.2f\n", 1e3 * best[1][0],
           1e3 * best[1][1], best[0][0] / best[1][0]);
    if (have_lmp && lbest[0] < 1e30) {
        printf("LAMMPS eam/fs/opt serial: Pair %.3f ms/step, Pair+Neigh %.3f ms/step, whole step %.3f ms\n",
               1e3 * lbest[0], 1e3 * (lbest[0] + lbest[1]), 1e3 * lbest[2]);
        printf("ratio pel/LAMMPS throughput (1 thread, wall): force %.2fx, force+neigh %.2fx\n",
               lbest[0] / best[0][0], (lbest[0] + lbest[1]) / best[0][1]);
        printf("ratio on CPU time (pel process CPU vs LAMMPS Pair x its CPU share): force %.2fx "
               "(pel %.3f ms, LAMMPS %.3f ms)\n",
               lcpu / cbest[0], 1e3 * cbest[0], 1e3 * lcpu);
    } else {
        printf("LAMMPS not available: no comparison\n");
    }
    snprintf(path, sizeof path, "rm -rf %s", dir);
    if (system(path) != 0)
        return 1;
    pel_eam_free(&pot);
    pel_system_free(&s);
    return 0;
}
