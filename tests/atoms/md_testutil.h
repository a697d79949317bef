/* md_testutil.h - helpers shared by test_md.c, test_minimize.c,
 * test_quench.c and test_triclinic.c: a small Cu-Zr start configuration and LAMMPS (`lmp`, the
 * independent truth) run on a script with its thermo table parsed.
 * Header-only (static functions) because CMake builds each test file alone. */
#ifndef PEL_MD_TESTUTIL_H
#define PEL_MD_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pel/eam.h"
#include "pel/minimize.h"
#include "pel/md.h"
#include "pel/system.h"
#include "testutil.h"

/* The potential every test of a group uses: read once by the group setup
 * (cmocka_run_group_tests(tests, setup_pot, teardown_pot)). */
static pel_eam *pot;

static int setup_pot(void **state)
{
    (void)state;
    pel_error err = {0};
    return pel_eam_read(PEL_EAM_DEFAULT_PATH, PEL_EAM_FS, &pot, &err);
}

static int teardown_pot(void **state)
{
    (void)state;
    pel_eam_free(&pot);
    return 0;
}

#define MDT_MAX_ROWS 4096
#define MDT_MAX_COLS 10

/* Fresh scratch directory under /tmp (name returned in dir[64]). */
static inline void mdt_tmpdir(char dir[64])
{
    strcpy(dir, "/tmp/pel_md_test_XXXXXX");
    assert_non_null(mkdtemp(dir));
}

/* Remove a scratch directory made by mdt_tmpdir. */
static inline void mdt_rmdir(const char *dir)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(pel_test_sh(cmd), 0);
}

/* Relax close contacts at fixed box (FIRE to 0.05 eV/Å, at most 2000 calls). */
static inline void mdt_relax(const pel_eam *pot, pel_system *sys)
{
    pel_engine *calc = NULL;
    pel_error err = {0};
    pel_min_params mp;
    pel_min_result mr;
    assert_int_equal(pel_engine_eam_new(&calc, pot, sys, 0.5, 1, &err), PEL_OK);
    pel_min_params_default(&mp);
    mp.ftol = 0.05;
    mp.max_force_calls = 2000;
    int rc = pel_minimize(calc, sys, &mp, &mr, NULL, NULL, &err);
    assert_true(rc == PEL_OK || rc == PEL_ENOCONV);
    pel_engine_free(&calc);
}

/* Random Cu56Zr44 liquid of n atoms, close contacts relaxed (mdt_relax),
 * velocities at T (if T > 0) from seed. */
static inline pel_system *mdt_liquid(const pel_eam *pot, size_t n, double density, double T, uint64_t seed)
{
    pel_liquid_params lp;
    pel_system *sys = NULL;
    pel_error err = {0};
    pel_liquid_params_cuzr(&lp, n, 0.56, density, seed);
    assert_int_equal(pel_system_random_liquid(&lp, &sys, &err), PEL_OK);
    mdt_relax(pot, sys);
    if (T > 0) assert_int_equal(pel_md_velocity_create(sys, T, seed, &err), PEL_OK);
    return sys;
}

/* Run LAMMPS in `dir` on `script` (the read_data/pair lines included by
 * the caller); parse the last thermo table into rows[][ncol].  Returns the
 * number of rows. */
static inline int mdt_lmp(const char *dir, const char *script, double rows[][MDT_MAX_COLS], int ncol)
{
    char path[256], cmd[512], line[1024];
    snprintf(path, sizeof path, "%s/in.lmp", dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(script, fp);
    fclose(fp);
    snprintf(cmd, sizeof cmd, "cd %s && lmp -in in.lmp -log log.lammps -screen none -nocite > /dev/null 2>&1", dir);
    assert_int_equal(pel_test_sh(cmd), 0);
    snprintf(path, sizeof path, "%s/log.lammps", dir);
    fp = fopen(path, "r");
    assert_non_null(fp);
    int n = 0, in_table = 0;
    while (fgets(line, sizeof line, fp)) {
        if (strstr(line, "Step") == line + strspn(line, " ")) {
            in_table = 1;
            n = 0; /* keep the last table */
            continue;
        }
        if (!in_table) continue;
        if (!strncmp(line, "Loop time", 9)) {
            in_table = 0;
            continue;
        }
        double v[MDT_MAX_COLS];
        char *s = line, *end;
        int k = 0;
        for (; k < ncol; k++, s = end) {
            v[k] = strtod(s, &end);
            if (end == s) break;
        }
        if (k == ncol && n < MDT_MAX_ROWS) {
            memcpy(rows[n], v, sizeof(double) * (size_t)ncol);
            n++;
        }
    }
    fclose(fp);
    return n;
}

/* Thermo rows of a pel run (pel_md_run callback mdt_collect). */
typedef struct mdt_series {
    int n;
    double step[MDT_MAX_ROWS], T[MDT_MAX_ROWS], pe[MDT_MAX_ROWS], et[MDT_MAX_ROWS], p[MDT_MAX_ROWS],
        v[MDT_MAX_ROWS];
} mdt_series;

static inline int mdt_collect(void *ctx, const pel_md_thermo *th)
{
    mdt_series *s = ctx;
    if (s->n < MDT_MAX_ROWS) {
        s->step[s->n] = (double)th->step;
        s->T[s->n] = th->T;
        s->pe[s->n] = th->pe;
        s->et[s->n] = th->etotal;
        s->p[s->n] = th->p_bar;
        s->v[s->n] = th->volume;
        s->n++;
    }
    return 0;
}

/* LAMMPS evaluation of a data file: pe/atom, fmax, press, vol (after an
 * optional minimisation given as extra script lines). */
static inline void mdt_lmp_eval(const char *dir, const char *data, const char *extra, double out[4])
{
    static double rows[MDT_MAX_ROWS][MDT_MAX_COLS];
    char script[2048];
    snprintf(script, sizeof script,
             "units metal\natom_style atomic\nboundary p p p\nread_data %s\n"
             "pair_style eam/fs\npair_coeff * * %s Cu Zr\nneighbor 0.5 bin\nneigh_modify every 1 delay 0 check yes\n"
             "thermo_style custom step pe fmax press vol atoms\nthermo_modify format float %%.17g\n%s\nrun 0\n",
             data, PEL_EAM_DEFAULT_PATH, extra ? extra : "");
    int n = mdt_lmp(dir, script, rows, 6);
    assert_true(n >= 1);
    out[0] = rows[n - 1][1] / rows[n - 1][5];
    out[1] = rows[n - 1][2];
    out[2] = rows[n - 1][3];
    out[3] = rows[n - 1][4];
}

#endif
