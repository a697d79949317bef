/* test_md.c - integrators against LAMMPS itself and against physics:
 *  - NVE, NVT and NPT-iso trajectories equal LAMMPS fix nve / nvt / npt
 *    step for step over 300 steps (same start, same parameters) - the
 *    integration order and every convention (Tdamp, Pdamp, chains, MTK terms,
 *    dof) must match for the thermo columns to agree to 1e-6;
 *  - NVE energy conservation (250 atoms, 2 ps at 2000 K);
 *  - NVT mean temperature equals the target;
 *  - NPT mean volume and potential energy equal LAMMPS's over 10 ps within
 *    their statistical errors (block averages);
 *  - velocity creation, blow-up detection, bad parameters. */
#include <math.h>

#include "md_testutil.h"
#include "pel/md.h"

#define N_ATOMS 250
#define DENSITY 0.0545 /* atoms/Å^3, near the 2000 K liquid at 0 bar */

/* Run our integrator; thermo every `every` steps incl. step 0. */
static void run_pel(pel_system *sys, const pel_md_params *mp, long steps, long every, mdt_series *s)
{
    pel_engine *calc = NULL;
    pel_md *md = NULL;
    pel_error err = {0};
    assert_int_equal(pel_engine_eam_new(&calc, pot, sys, 1.0, 1, &err), PEL_OK);
    assert_int_equal(pel_md_new(&md, calc, sys, mp, &err), PEL_OK);
    assert_int_equal(pel_md_setup(md, sys, steps, &err), PEL_OK);
    pel_md_thermo th;
    pel_md_thermo_now(md, sys, &th);
    s->n = 0;
    mdt_collect(s, &th);
    assert_int_equal(pel_md_run(md, sys, steps, every, mdt_collect, s, &err), PEL_OK);
    pel_md_free(&md);
    pel_engine_free(&calc);
}

static const char *fix_line(const pel_md_params *mp, char *buf, size_t cap)
{
    if (mp->ensemble == PEL_MD_NVE) snprintf(buf, cap, "fix 1 all nve");
    else if (mp->ensemble == PEL_MD_NVT)
        snprintf(buf, cap, "fix 1 all nvt temp %.17g %.17g %.17g", mp->t_start, mp->t_stop, mp->tdamp);
    else
        snprintf(buf, cap, "fix 1 all npt temp %.17g %.17g %.17g iso %.17g %.17g %.17g", mp->t_start, mp->t_stop,
                 mp->tdamp, mp->p_start_bar, mp->p_stop_bar, mp->pdamp);
    return buf;
}

/* Same run by LAMMPS; columns step temp pe etotal press vol. */
static void run_lmp(const char *dir, const char *data, const pel_md_params *mp, long steps, long every, mdt_series *s)
{
    static double rows[MDT_MAX_ROWS][MDT_MAX_COLS];
    char script[2048], fix[256];
    snprintf(script, sizeof script,
             "units metal\natom_style atomic\nboundary p p p\nread_data %s\n"
             "pair_style eam/fs\npair_coeff * * %s Cu Zr\n"
             "neighbor 1.0 bin\nneigh_modify every 1 delay 0 check yes\ntimestep %.17g\n%s\n"
             "thermo_style custom step temp pe etotal press vol\nthermo_modify format float %%.15g\n"
             "thermo %ld\nrun %ld\n",
             data, PEL_EAM_DEFAULT_PATH, mp->dt, fix_line(mp, fix, sizeof fix), every, steps);
    int n = mdt_lmp(dir, script, rows, 6);
    s->n = n;
    for (int i = 0; i < n; i++) {
        s->step[i] = rows[i][0];
        s->T[i] = rows[i][1];
        s->pe[i] = rows[i][2];
        s->et[i] = rows[i][3];
        s->p[i] = rows[i][4];
        s->v[i] = rows[i][5];
    }
}

/* ---------------------------------------------------------------------- */

static void test_trajectory_matches_lammps(void **state)
{
    (void)state;
    static const struct {
        pel_md_ensemble ens;
        double tdamp, pdamp, t_stop;
    } cases[] = {
        {PEL_MD_NVE, 0.1, 1.0, 2000},
        {PEL_MD_NVT, 0.1, 1.0, 2000},
        {PEL_MD_NVT, 0.05, 1.0, 1500}, /* ramp */
        {PEL_MD_NPT, 0.1, 1.0, 2000},
        {PEL_MD_NPT, 0.1, 0.5, 1800}, /* ramp */
    };
    char dir[64], data[128];
    pel_error err = {0};
    mdt_tmpdir(dir);
    snprintf(data, sizeof data, "%s/start.data", dir);
    pel_system *start = mdt_liquid(pot, N_ATOMS, DENSITY, 2000.0, 7);
    assert_int_equal(pel_system_write_data(start, data, "test_md start", &err), PEL_OK);
    pel_system_free(&start);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        pel_md_params mp;
        pel_md_params_default(&mp);
        mp.ensemble = cases[c].ens;
        mp.t_start = 2000;
        mp.t_stop = cases[c].t_stop;
        mp.tdamp = cases[c].tdamp;
        mp.pdamp = cases[c].pdamp;
        pel_system *sys = NULL;
        /* both start from the file so that positions/velocities are bit-equal */
        assert_int_equal(pel_system_read_data(data, NULL, &sys, &err), PEL_OK);
        mdt_series a, b;
        run_pel(sys, &mp, 300, 50, &a);
        run_lmp(dir, data, &mp, 300, 50, &b);
        pel_system_free(&sys);
        assert_int_equal(a.n, 7);
        assert_int_equal(b.n, 7);
        for (int i = 0; i < a.n; i++) {
            assert_close(a.step[i], b.step[i], 0, 0);
            assert_close(a.T[i], b.T[i], 1e-6, 1e-6);
            assert_close(a.pe[i], b.pe[i], 1e-8, 1e-8);
            assert_close(a.et[i], b.et[i], 1e-8, 1e-8);
            assert_close(a.p[i], b.p[i], 1e-6, 0.5);
            assert_close(a.v[i], b.v[i], 1e-9, 1e-9);
        }
    }
    mdt_rmdir(dir);
}

static void test_nve_energy_conservation(void **state)
{
    (void)state;
    pel_system *sys = mdt_liquid(pot, N_ATOMS, DENSITY, 2000.0, 11);
    pel_md_params mp;
    pel_md_params_default(&mp);
    static mdt_series s;
    run_pel(sys, &mp, 2000, 10, &s);
    /* drift: mean of the last fifth minus mean of the first fifth */
    int k = s.n / 5;
    double a = 0, b = 0, dev = 0;
    for (int i = 0; i < k; i++) {
        a += s.et[i] / k;
        b += s.et[s.n - 1 - i] / k;
    }
    for (int i = 0; i < s.n; i++)
        dev = fmax(dev, fabs(s.et[i] - s.et[0]));
    assert_close((b - a) / N_ATOMS, 0.0, 0, 1e-5);
    assert_close(dev / N_ATOMS, 0.0, 0, 5e-5);
    pel_system_free(&sys);
}

static void test_nvt_mean_temperature(void **state)
{
    (void)state;
    pel_system *sys = mdt_liquid(pot, N_ATOMS, DENSITY, 1000.0, 13);
    pel_md_params mp;
    pel_md_params_default(&mp);
    mp.ensemble = PEL_MD_NVT;
    mp.t_start = mp.t_stop = 1500.0;
    static mdt_series s;
    run_pel(sys, &mp, 6000, 10, &s);
    double mean = 0;
    int m = 0;
    for (int i = 0; i < s.n; i++)
        if (s.step[i] > 1000) mean += s.T[i], m++;
    mean /= m;
    /* canonical fluctuation of T is T sqrt(2/3N) = 77 K per sample; ~50
     * independent samples in 5 ps with Tdamp 0.1 ps -> 11 K; allow 4 sigma */
    assert_close(mean, 1500.0, 0, 45.0);
    pel_system_free(&sys);
}

/* Mean and standard error from 10 block averages. */
static void block_stats(const double *x, int from, int to, double *mean, double *se)
{
    const int nb = 10;
    int len = (to - from) / nb;
    double bm[10], m = 0, v = 0;
    for (int b = 0; b < nb; b++) {
        bm[b] = 0;
        for (int i = 0; i < len; i++)
            bm[b] += x[from + b * len + i] / len;
        m += bm[b] / nb;
    }
    for (int b = 0; b < nb; b++)
        v += (bm[b] - m) * (bm[b] - m) / (nb - 1);
    *mean = m;
    *se = sqrt(v / nb);
}

static void test_npt_means_match_lammps(void **state)
{
    (void)state;
    char dir[64], data[128];
    pel_error err = {0};
    mdt_tmpdir(dir);
    snprintf(data, sizeof data, "%s/start.data", dir);
    pel_system *sys = mdt_liquid(pot, N_ATOMS, DENSITY, 2000.0, 17);
    assert_int_equal(pel_system_write_data(sys, data, "test_md npt", &err), PEL_OK);
    pel_md_params mp;
    pel_md_params_default(&mp);
    mp.ensemble = PEL_MD_NPT;
    mp.t_start = mp.t_stop = 2000.0;
    static mdt_series a, b;
    run_pel(sys, &mp, 12000, 20, &a);
    run_lmp(dir, data, &mp, 12000, 20, &b);
    assert_int_equal(a.n, b.n);
    double ma, sa, mb, sb;
    int from = a.n / 6; /* skip 2 ps */
    block_stats(a.v, from, a.n, &ma, &sa);
    block_stats(b.v, from, b.n, &mb, &sb);
    assert_close(ma, mb, 0, 4.0 * sqrt(sa * sa + sb * sb));
    block_stats(a.pe, from, a.n, &ma, &sa);
    block_stats(b.pe, from, b.n, &mb, &sb);
    assert_close(ma, mb, 0, 4.0 * sqrt(sa * sa + sb * sb));
    pel_system_free(&sys);
    mdt_rmdir(dir);
}

static void test_velocity_create(void **state)
{
    (void)state;
    pel_system *sys = mdt_liquid(pot, 100, DENSITY, 0.0, 3);
    pel_error err = {0};
    assert_int_equal(pel_md_velocity_create(sys, 750.0, 99, &err), PEL_OK);
    double p[3] = {0, 0, 0}, mv2 = 0;
    for (size_t i = 0; i < sys->n; i++) {
        double m = sys->mass[sys->type[i]];
        for (int d = 0; d < 3; d++) {
            p[d] += m * sys->v[3 * i + d];
            mv2 += m * sys->v[3 * i + d] * sys->v[3 * i + d];
        }
    }
    /* T = m v^2 mvv2e / ((3N-3) kB) */
    assert_close(mv2 * PEL_MVV2E / ((3.0 * 100 - 3) * PEL_BOLTZ), 750.0, 1e-12, 0);
    for (int d = 0; d < 3; d++)
        assert_close(p[d], 0.0, 0, 1e-9);
    /* same seed, same velocities; other seed, others */
    double v0 = sys->v[0];
    assert_int_equal(pel_md_velocity_create(sys, 750.0, 99, &err), PEL_OK);
    assert_true(sys->v[0] == v0);
    assert_int_equal(pel_md_velocity_create(sys, 750.0, 100, &err), PEL_OK);
    assert_true(sys->v[0] != v0);
    pel_system_free(&sys);
}

static void test_blowup_and_bad_params(void **state)
{
    (void)state;
    pel_system *sys = mdt_liquid(pot, 100, DENSITY, 300.0, 5);
    pel_engine *calc = NULL;
    pel_md *md = NULL;
    pel_error err = {0};
    pel_md_params mp;
    pel_md_params_default(&mp);
    assert_int_equal(pel_engine_eam_new(&calc, pot, sys, 1.0, 1, &err), PEL_OK);
    mp.dt = 0;
    assert_int_equal(pel_md_new(&md, calc, sys, &mp, &err), PEL_EINVAL);
    pel_md_params_default(&mp);
    mp.ensemble = PEL_MD_NVT;
    mp.t_start = 0;
    assert_int_equal(pel_md_new(&md, calc, sys, &mp, &err), PEL_EINVAL);
    pel_md_params_default(&mp);
    mp.ensemble = PEL_MD_NPT;
    mp.pdamp = -1;
    assert_int_equal(pel_md_new(&md, calc, sys, &mp, &err), PEL_EINVAL);
    pel_md_params_default(&mp);
    assert_int_equal(pel_md_new(&md, calc, sys, &mp, &err), PEL_OK);
    assert_int_equal(pel_md_setup(md, sys, 10, &err), PEL_OK);
    sys->v[0] = 5e3; /* 5 Å per 1 fs step: atom thrown through its neighbours */
    assert_int_equal(pel_md_run(md, sys, 10, 0, NULL, NULL, &err), PEL_EBLOWUP);
    assert_non_null(strstr(err.msg, "blew up"));
    pel_md_free(&md);
    pel_engine_free(&calc);
    pel_system_free(&sys);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_velocity_create),
        cmocka_unit_test(test_blowup_and_bad_params),
        cmocka_unit_test(test_trajectory_matches_lammps),
        cmocka_unit_test(test_nve_energy_conservation),
        cmocka_unit_test(test_nvt_mean_temperature),
        cmocka_unit_test(test_npt_means_match_lammps),
    };
    return cmocka_run_group_tests(tests, setup_pot, teardown_pot);
}
