/* bench_md.c - MD and inherent-structure speed against LAMMPS in the same
 * run (issue 3 item 7), and the 10 ps NVE drift of the 2000-atom liquid.
 *
 *   bench_md [natoms=2000] [nve_steps=1000] [drift_steps=10000] [workdir=/tmp/pel_bench_md]
 *
 * 1. Cu56Zr44 liquid: random start, NVT 2000 K for 2 ps (dt 1 fs).
 * 2. NVE, dt 1 fs, skin 1.0 Å: timesteps/s of pel on 1 and 2 threads, and of
 *    LAMMPS `pair_style eam/fs/opt` serial (`lmp`, Loop time) on the same file.
 * 3. Zero-pressure IS from the liquid snapshot: pel CG + iso box vs LAMMPS
 *    `fix box/relax iso 0.0` + `minimize` (min_style cg, wall time of lmp).
 * 4. NVE drift over drift_steps (10 ps): (mean E of last ps - first ps)/N.
 * Prints one result line per measurement. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pel/eam.h"
#include "pel/md.h"
#include "pel/minimize.h"
#include "pel/util.h"

static void die(const char *what, const pel_error *err)
{
    fprintf(stderr, "bench_md: %s: %s\n", what, err ? err->msg : "");
    exit(1);
}

static double pel_nve_rate(const pel_eam *pot, const char *data, int threads, long steps, double *e_drift,
                           long drift_block)
{
    pel_error err = {0};
    pel_system *sys = NULL;
    pel_engine *calc = NULL;
    pel_md *md = NULL;
    pel_md_params mp;
    pel_md_params_default(&mp);
    if (pel_system_read_data(data, NULL, &sys, &err)) die("read", &err);
    if (pel_engine_eam_new(&calc, pot, sys, 1.0, threads, &err)) die("calc", &err);
    if (pel_md_new(&md, calc, sys, &mp, &err) || pel_md_setup(md, sys, steps, &err)) die("md", &err);
    double t0 = pel_wall_seconds();
    if (!e_drift) {
        if (pel_md_run(md, sys, steps, 0, NULL, NULL, &err)) die("run", &err);
    } else {
        /* mean total energy of the first and last block (drift_block steps each) */
        double first = 0, last = 0;
        pel_md_thermo th;
        for (long s = 0; s < steps; s++) {
            if (pel_md_run(md, sys, 1, 0, NULL, NULL, &err)) die("run", &err);
            pel_md_thermo_now(md, sys, &th);
            if (s < drift_block) first += th.etotal / (double)drift_block;
            if (s >= steps - drift_block) last += th.etotal / (double)drift_block;
        }
        *e_drift = (last - first) / (double)sys->n;
    }
    double dt = pel_wall_seconds() - t0;
    pel_md_free(&md);
    pel_engine_free(&calc);
    pel_system_free(&sys);
    return (double)steps / dt;
}

/* Run lmp on a script; return its "Loop time" sum (s) or wall time. */
static double lmp_time(const char *dir, const char *script, int use_loop_time)
{
    char path[512], cmd[1024], line[1024];
    snprintf(path, sizeof path, "%s/in.bench", dir);
    FILE *fp = fopen(path, "w");
    if (!fp) die("write lmp script", NULL);
    fputs(script, fp);
    fclose(fp);
    snprintf(cmd, sizeof cmd, "cd %s && OMP_NUM_THREADS=1 lmp -in in.bench -log log.bench -screen none -nocite >/dev/null 2>&1",
             dir);
    double t0 = pel_wall_seconds();
    if (system(cmd) != 0) die("lmp failed", NULL);
    double wall = pel_wall_seconds() - t0;
    if (!use_loop_time) return wall;
    snprintf(path, sizeof path, "%s/log.bench", dir);
    fp = fopen(path, "r");
    double loop = 0, v;
    while (fp && fgets(line, sizeof line, fp))
        if (sscanf(line, "Loop time of %lf", &v) == 1) loop = v; /* last run */
    if (fp) fclose(fp);
    return loop;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)atol(argv[1]) : 2000;
    long nve_steps = argc > 2 ? atol(argv[2]) : 1000;
    long drift_steps = argc > 3 ? atol(argv[3]) : 10000;
    const char *dir = argc > 4 ? argv[4] : "/tmp/pel_bench_md";
    mkdir(dir, 0777);
    char liq[512], script[4096], path[512];
    snprintf(liq, sizeof liq, "%s/liquid.data", dir);
    pel_error err = {0};
    pel_eam *pot = NULL;
    if (pel_eam_read(PEL_EAM_DEFAULT_PATH, PEL_EAM_FS, &pot, &err)) die("potential", &err);

    /* 1. liquid */
    pel_liquid_params lp;
    pel_system *sys = NULL;
    pel_engine *calc = NULL;
    pel_md *md = NULL;
    pel_liquid_params_cuzr(&lp, n, 0.56, 0.0545, 42);
    if (pel_system_random_liquid(&lp, &sys, &err)) die("liquid", &err);
    if (pel_engine_eam_new(&calc, pot, sys, 1.0, 1, &err)) die("calc", &err);
    pel_min_params mnp;
    pel_min_result mr;
    pel_min_params_default(&mnp);
    mnp.ftol = 0.05;
    mnp.max_force_calls = 2000;
    pel_minimize(calc, sys, &mnp, &mr, NULL, NULL, &err);
    pel_md_velocity_create(sys, 2000.0, 42, &err);
    pel_md_params mp;
    pel_md_params_default(&mp);
    mp.ensemble = PEL_MD_NVT;
    mp.t_start = mp.t_stop = 2000.0;
    if (pel_md_new(&md, calc, sys, &mp, &err) || pel_md_setup(md, sys, 2000, &err) ||
        pel_md_run(md, sys, 2000, 0, NULL, NULL, &err))
        die("equilibrate", &err);
    pel_md_free(&md);
    pel_engine_free(&calc);
    if (pel_system_write_data(sys, liq, "bench_md liquid 2000 K", &err)) die("write", &err);
    pel_system_free(&sys);
    printf("liquid: %zu atoms Cu56Zr44, NVT 2000 K 2 ps -> %s\n", n, liq);

    /* 2. NVE speed */
    double r1 = pel_nve_rate(pot, liq, 1, nve_steps, NULL, 0);
    double r2 = pel_nve_rate(pot, liq, 2, nve_steps, NULL, 0);
    snprintf(script, sizeof script,
             "units metal\natom_style atomic\nboundary p p p\nread_data %s\npair_style eam/fs/opt\n"
             "pair_coeff * * %s Cu Zr\nneighbor 1.0 bin\nneigh_modify every 1 delay 0 check yes\n"
             "timestep 0.001\nfix 1 all nve\nthermo %ld\nrun %ld\n",
             liq, PEL_EAM_DEFAULT_PATH, nve_steps, nve_steps);
    double tl = lmp_time(dir, script, 1);
    double rl = (double)nve_steps / tl;
    printf("NVE steps/s: pel 1 thread %.1f, pel 2 threads %.1f (scaling %.2f), LAMMPS eam/fs/opt serial %.1f; "
           "ratio pel/LAMMPS %.2f\n",
           r1, r2, r2 / r1, rl, r1 / rl);

    /* 3. zero-pressure IS */
    if (pel_system_read_data(liq, NULL, &sys, &err)) die("read", &err);
    if (pel_engine_eam_new(&calc, pot, sys, 0.5, 1, &err)) die("calc", &err);
    pel_min_params_default(&mnp);
    mnp.algo = PEL_MIN_CG;
    mnp.box = PEL_BOX_ISO;
    double t0 = pel_wall_seconds();
    int rc = pel_minimize(calc, sys, &mnp, &mr, NULL, NULL, &err);
    double tp = pel_wall_seconds() - t0;
    snprintf(path, sizeof path, "%s/is_pel.data", dir);
    pel_system_write_data(sys, path, "is", &err);
    printf("IS pel CG+iso: %.2f s, %ld force calls, E %.10f eV/atom, P %.3f bar, fmax %.2e, converged %d\n", tp,
           mr.force_calls, mr.energy / (double)n, mr.pressure_bar, mr.fmax, rc == PEL_OK);
    pel_engine_free(&calc);
    pel_system_free(&sys);
    snprintf(script, sizeof script,
             "units metal\natom_style atomic\nboundary p p p\nread_data %s\npair_style eam/fs/opt\n"
             "pair_coeff * * %s Cu Zr\nneighbor 0.5 bin\nneigh_modify every 1 delay 0 check yes\n"
             "velocity all set 0 0 0\nfix br all box/relax iso 0.0 vmax 0.001\nmin_style cg\nmin_modify norm max\n"
             "thermo_style custom step pe press fmax vol\nthermo_modify format float %%.12g\n"
             "minimize 0 1e-6 100000 1000000\n",
             liq, PEL_EAM_DEFAULT_PATH);
    double tlm = lmp_time(dir, script, 0);
    printf("IS LAMMPS box/relax iso + minimize cg (ftol 1e-6 max-norm): %.2f s wall incl. start-up; "
           "ratio pel/LAMMPS time %.2f (see %s/log.bench for its final pe/press/fmax)\n",
           tlm, tp / tlm, dir);

    /* 4. NVE drift */
    if (drift_steps > 0) {
        double drift;
        double rd = pel_nve_rate(pot, liq, 1, drift_steps, &drift, 1000);
        printf("NVE drift over %ld steps (%.1f ps): %.3e eV/atom (mean of last ps - first ps), %.1f steps/s\n",
               drift_steps, drift_steps * 0.001, drift, rd);
    }
    pel_eam_free(&pot);
    return 0;
}
