/* bench_engine.c - cost of one force call through the engine interface
 * (include/pel/engine.h) on the committed 2000-atom Cu56Zr44 glass
 * (data/samples/cu56zr44_n2000_q1e13/glass.data, CuZr_mm.eam.fs):
 *   calc    pel_calc_compute directly;
 *   eam     pel_engine_compute on the EAM engine (the interface's overhead);
 *   lammps  pel_engine_compute on the LAMMPS engine, pair_style eam/fs with
 *           the same file (LAMMPS in its child process, serial).
 * Before each call the atoms move by a small random step (0.002 Å, as in a
 * minimiser near its minimum), so that neighbour lists are mostly reused.
 * The three alternate `rounds` times on the same configurations and the best
 * round of each is reported, with the ratios (the machine is shared), and
 * the CPU seconds per call: this process's for calc and eam, the LAMMPS
 * child's (its start-up included, from getrusage once it ended) for lammps.
 *
 * usage: bench_engine [calls=200] [rounds=3] [data file] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "pel/engine.h"
#include "pel/system.h"
#include "pel/util.h"

#define BENCH_STEP_A 0.002
#define BENCH_SKIN_A 0.5

static void die(const char *what, const pel_error *err)
{
    fprintf(stderr, "bench_engine: %s: %s\n", what, err->msg);
    exit(1);
}

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double children_cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + 1e-6 * (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

/* Wall seconds per call of `calls` calls on configurations from seed 1. */
static double run(pel_calc *calc, pel_engine *eng, const pel_system *s0, pel_system *s, double *f, int calls)
{
    pel_error err = {0};
    memcpy(s->x, s0->x, 3 * s->n * sizeof *s->x);
    srand(1);
    pel_forces r = {.f = f};
    double t0 = pel_wall_seconds();
    for (int k = 0; k < calls; k++) {
        for (size_t i = 0; i < 3 * s->n; i++)
            s->x[i] += BENCH_STEP_A * ((double)rand() / RAND_MAX - 0.5);
        if (calc ? pel_calc_compute(calc, s, &r, &err) : pel_engine_compute(eng, s, &r, &err))
            die("compute", &err);
    }
    return (pel_wall_seconds() - t0) / calls;
}

int main(int argc, char **argv)
{
    int calls = argc > 1 ? atoi(argv[1]) : 200, rounds = argc > 2 ? atoi(argv[2]) : 3;
    const char *path = argc > 3 ? argv[3] : PEL_SOURCE_DIR "/data/samples/cu56zr44_n2000_q1e13/glass.data";
    if (calls < 1 || rounds < 1) {
        fprintf(stderr, "usage: bench_engine [calls>=1] [rounds>=1] [data file]\n");
        return 2;
    }
    pel_error err = {0};
    pel_eam *pot = NULL;
    pel_system *s0 = NULL, *s = NULL;
    if (pel_eam_read_auto(PEL_EAM_DEFAULT_PATH, &pot, &err) || pel_system_read_data(path, NULL, &s0, &err) ||
        pel_system_clone(s0, &s, &err))
        die("setup", &err);
    pel_calc *calc = NULL;
    pel_engine *eam = NULL, *lmp = NULL;
    const char *lines[] = {"pair_style eam/fs", "pair_coeff * * " PEL_EAM_DEFAULT_PATH " Cu Zr"};
    pel_engine_params p;
    pel_engine_params_default(&p);
    p.skin = BENCH_SKIN_A;
    p.lines = lines;
    p.nlines = 2;
    if (pel_calc_new(&calc, pot, s, BENCH_SKIN_A, 1, &err) || pel_engine_eam_new(&eam, pot, s, BENCH_SKIN_A, 1, &err))
        die("eam", &err);
    int have_lmp = pel_engine_new(&lmp, pel_engine_lammps, s, &p, &err) == PEL_OK;
    if (!have_lmp)
        fprintf(stderr, "bench_engine: LAMMPS engine skipped: %s\n", err.msg);
    double *f = malloc(3 * s->n * sizeof *f);
    double best[3] = {1e300, 1e300, 1e300}, cpu[2] = {0, 0};
    for (int r = 0; r < rounds; r++) {
        double t[3], c0 = cpu_seconds();
        t[0] = run(calc, NULL, s0, s, f, calls);
        double c1 = cpu_seconds();
        t[1] = run(NULL, eam, s0, s, f, calls);
        cpu[0] += c1 - c0;
        cpu[1] += cpu_seconds() - c1;
        t[2] = have_lmp ? run(NULL, lmp, s0, s, f, calls) : 0;
        for (int k = 0; k < 3; k++)
            best[k] = t[k] < best[k] ? t[k] : best[k];
        printf("round %d: calc %.3f ms  eam engine %.3f ms  lammps engine %.3f ms per call\n", r + 1, 1e3 * t[0],
               1e3 * t[1], 1e3 * t[2]);
    }
    printf("best of %d x %d calls, %zu atoms: calc %.3f ms, eam engine %.3f ms (x%.3f), lammps engine %.3f ms "
           "(x%.2f of calc)\n",
           rounds, calls, s->n, 1e3 * best[0], 1e3 * best[1], best[1] / best[0], 1e3 * best[2],
           have_lmp ? best[2] / best[0] : 0.0);
    double ch0 = children_cpu_seconds();
    pel_engine_free(&lmp);
    double nc = (double)rounds * calls;
    printf("CPU per call: calc %.3f ms, eam engine %.3f ms, lammps child %.3f ms (x%.2f of calc)\n", 1e3 * cpu[0] / nc,
           1e3 * cpu[1] / nc, 1e3 * (children_cpu_seconds() - ch0) / nc,
           have_lmp ? (children_cpu_seconds() - ch0) / cpu[0] : 0.0);
    free(f);
    pel_engine_free(&eam);
    pel_calc_free(&calc);
    pel_system_free(&s);
    pel_system_free(&s0);
    pel_eam_free(&pot);
    return 0;
}
