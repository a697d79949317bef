/* test_minimize.c - minimisers against LAMMPS:
 *  - FIRE and CG reach max force < 1e-6 eV/Å at fixed box, checked by
 *    LAMMPS `run 0` on the written minimum (thermo fmax, pe);
 *  - from a slightly perturbed minimum, FIRE, CG and LAMMPS `minimize`
 *    return to the same minimum: energies within 1e-6 eV/atom (in practice
 *    1e-9), positions within 1e-3 Å;
 *  - isotropic box relaxation: |P| < 1 bar and fmax < 1e-6 as LAMMPS
 *    evaluates them, energy equal to LAMMPS `fix box/relax iso 0.0` +
 *    `minimize` from the same nearly relaxed start;
 *  - frozen atoms, force-call budget, bad parameters, workspace reuse. */
#include <math.h>

#include "md_testutil.h"
#include "pel/minimize.h"

#define N_ATOMS 250
#define DENSITY 0.058 /* atoms/Å^3: near the zero-pressure glass */

static int run_min(pel_system *sys, pel_min_algo algo, pel_box_mode box, pel_min_result *res)
{
    pel_engine *calc = NULL;
    pel_error err = {0};
    pel_min_params mp;
    pel_min_params_default(&mp);
    mp.algo = algo;
    mp.box = box;
    assert_int_equal(pel_engine_eam_new(&calc, pot, sys, 0.5, 1, &err), PEL_OK);
    int rc = pel_minimize(calc, sys, &mp, res, NULL, NULL, &err);
    pel_engine_free(&calc);
    return rc;
}

static void perturb(pel_system *sys, double amp, unsigned seed)
{
    srand(seed);
    for (size_t k = 0; k < 3 * sys->n; k++)
        sys->x[k] += amp * (2.0 * rand() / RAND_MAX - 1.0);
}

/* Largest atomic displacement between two configurations after removing
 * their mean shift (a uniform translation is a zero mode of the energy). */
static double max_dist(const pel_system *a, const pel_system *b)
{
    double mean[3] = {0, 0, 0}, m = 0;
    for (size_t k = 0; k < 3 * a->n; k++)
        mean[k % 3] += (a->x[k] - b->x[k]) / (double)a->n;
    for (size_t k = 0; k < 3 * a->n; k++)
        m = fmax(m, fabs(a->x[k] - b->x[k] - mean[k % 3]));
    return m;
}

/* ---------------------------------------------------------------------- */

static void test_fixed_box_same_minimum_as_lammps(void **state)
{
    (void)state;
    char dir[64], path[128];
    pel_error err = {0};
    pel_min_result res;
    double l[4];
    mdt_tmpdir(dir);
    /* reference minimum by FIRE from the random start */
    pel_system *ref = mdt_liquid(pot, N_ATOMS, DENSITY, 0.0, 21);
    assert_int_equal(run_min(ref, PEL_MIN_FIRE, PEL_BOX_FIXED, &res), PEL_OK);
    assert_true(res.fmax < 1e-6);
    snprintf(path, sizeof path, "%s/ref.data", dir);
    assert_int_equal(pel_system_write_data(ref, path, "ref", &err), PEL_OK);
    mdt_lmp_eval(dir, path, NULL, l);
    assert_close(l[0], res.energy / N_ATOMS, 0, 1e-9);
    assert_true(l[1] < 1e-6 + 1e-8); /* LAMMPS sees the forces vanish too */

    /* perturbed start: every method must come back to the same minimum */
    pel_system *start = NULL;
    assert_int_equal(pel_system_clone(ref, &start, &err), PEL_OK);
    perturb(start, 0.02, 5);
    snprintf(path, sizeof path, "%s/start.data", dir);
    assert_int_equal(pel_system_write_data(start, path, "start", &err), PEL_OK);
    mdt_lmp_eval(dir, path, "min_style cg\nmin_modify norm max\nminimize 0 1e-8 10000 100000", l);
    assert_close(l[0], res.energy / N_ATOMS, 0, 1e-6);
    static const pel_min_algo algos[] = {PEL_MIN_FIRE, PEL_MIN_CG, PEL_MIN_LBFGS};
    for (size_t a = 0; a < 3; a++) {
        pel_system *s = NULL;
        pel_min_result r;
        assert_int_equal(pel_system_clone(start, &s, &err), PEL_OK);
        assert_int_equal(run_min(s, algos[a], PEL_BOX_FIXED, &r), PEL_OK);
        print_message("%s: %ld force calls\n", pel_min_algo_name(algos[a]), r.force_calls);
        assert_true(r.fmax < 1e-6);
        assert_close(r.energy / N_ATOMS, l[0], 0, 1e-6);
        assert_close(r.energy / N_ATOMS, res.energy / N_ATOMS, 0, 1e-9);
        assert_close(max_dist(s, ref), 0.0, 0, 1e-3);
        pel_system_free(&s);
    }
    pel_system_free(&start);
    pel_system_free(&ref);
    mdt_rmdir(dir);
}

static void test_iso_box_zero_pressure(void **state)
{
    (void)state;
    char dir[64], path[128];
    pel_error err = {0};
    double l[4];
    mdt_tmpdir(dir);
    static const pel_min_algo algos[] = {PEL_MIN_CG, PEL_MIN_FIRE, PEL_MIN_LBFGS};
    pel_system *ref = NULL;
    pel_min_result rref = {0};
    for (size_t a = 0; a < 3; a++) {
        /* a dilute start (density 5% low): the box must shrink */
        pel_system *s = mdt_liquid(pot, N_ATOMS, 0.95 * DENSITY, 0.0, 23);
        pel_min_result r;
        assert_int_equal(run_min(s, algos[a], PEL_BOX_ISO, &r), PEL_OK);
        assert_true(fabs(r.pressure_bar) < 1.0);
        snprintf(path, sizeof path, "%s/iso%zu.data", dir, a);
        assert_int_equal(pel_system_write_data(s, path, "iso", &err), PEL_OK);
        mdt_lmp_eval(dir, path, NULL, l);
        assert_close(l[0], r.energy / N_ATOMS, 0, 1e-9);
        assert_true(l[1] < 1e-6 + 1e-8);
        assert_close(l[2], 0.0, 0, 1.0 + 1e-3);
        assert_close(l[3], pel_system_volume(s), 1e-12, 0);
        if (a == 0) {
            ref = s;
            rref = r;
        } else {
            pel_system_free(&s);
        }
    }
    /* LAMMPS box/relax from the perturbed CG minimum reaches the same energy */
    pel_system *start = NULL;
    assert_int_equal(pel_system_clone(ref, &start, &err), PEL_OK);
    perturb(start, 0.01, 9);
    snprintf(path, sizeof path, "%s/isostart.data", dir);
    assert_int_equal(pel_system_write_data(start, path, "isostart", &err), PEL_OK);
    mdt_lmp_eval(dir, path,
             "fix br all box/relax iso 0.0 vmax 0.001\nmin_style cg\nmin_modify norm max\n"
             "minimize 0 1e-8 10000 100000\nunfix br",
             l);
    assert_close(l[0], rref.energy / N_ATOMS, 0, 1e-6);
    assert_close(l[3], pel_system_volume(ref), 1e-4, 0);
    pel_min_result r2;
    assert_int_equal(run_min(start, PEL_MIN_CG, PEL_BOX_ISO, &r2), PEL_OK);
    assert_close(r2.energy / N_ATOMS, rref.energy / N_ATOMS, 0, 1e-7);
    pel_system_free(&start);
    pel_system_free(&ref);
    mdt_rmdir(dir);
}

static void test_frozen_budget_reuse_bad(void **state)
{
    (void)state;
    pel_error err = {0};
    pel_system *s = mdt_liquid(pot, 100, DENSITY, 0.0, 29);
    pel_system *s0 = NULL, *s1 = NULL;
    assert_int_equal(pel_system_clone(s, &s0, &err), PEL_OK);
    assert_int_equal(pel_system_clone(s, &s1, &err), PEL_OK);
    pel_engine *calc = NULL;
    assert_int_equal(pel_engine_eam_new(&calc, pot, s, 0.5, 1, &err), PEL_OK);
    pel_min_params mp;
    pel_min_result r;
    int frozen[100] = {0};
    for (int i = 0; i < 100; i += 3)
        frozen[i] = 1;
    pel_min_params_default(&mp);
    mp.frozen = frozen;
    mp.ftol = 1e-4;
    assert_int_equal(pel_minimize(calc, s, &mp, &r, NULL, NULL, &err), PEL_OK);
    for (int i = 0; i < 100; i++)
        if (frozen[i])
            for (int d = 0; d < 3; d++)
                assert_true(s->x[3 * i + d] == s0->x[3 * i + d]);
    /* ... with L-BFGS too (its curvature pairs are zero on frozen atoms), to
     * the same constrained minimum */
    pel_system *sl = NULL;
    assert_int_equal(pel_system_clone(s0, &sl, &err), PEL_OK);
    mp.algo = PEL_MIN_LBFGS;
    pel_min_result rl;
    assert_int_equal(pel_minimize(calc, sl, &mp, &rl, NULL, NULL, &err), PEL_OK);
    for (int i = 0; i < 100; i++)
        if (frozen[i])
            for (int d = 0; d < 3; d++)
                assert_true(sl->x[3 * i + d] == s0->x[3 * i + d]);
    assert_close(rl.energy, r.energy, 0, 1e-6);
    pel_system_free(&sl);
    /* budget */
    pel_min_params_default(&mp);
    mp.max_force_calls = 5;
    assert_int_equal(pel_minimize(calc, s0, &mp, &r, NULL, NULL, &err), PEL_ENOCONV);
    assert_true(r.force_calls <= 6 && r.fmax > 0);
    /* workspace reuse gives the bitwise same minimum as a fresh minimiser */
    pel_minimizer *m = NULL;
    assert_int_equal(pel_minimizer_new(&m, 100, &err), PEL_OK);
    pel_min_params_default(&mp);
    mp.algo = PEL_MIN_CG;
    pel_system *a = NULL, *b = NULL;
    assert_int_equal(pel_system_clone(s1, &a, &err), PEL_OK);
    assert_int_equal(pel_system_clone(s1, &b, &err), PEL_OK);
    pel_engine_free(&calc);
    assert_int_equal(pel_engine_eam_new(&calc, pot, s1, 0.5, 1, &err), PEL_OK);
    assert_int_equal(pel_minimizer_run(m, calc, s1, &mp, &r, NULL, NULL, &err), PEL_OK);
    pel_engine_free(&calc);
    assert_int_equal(pel_engine_eam_new(&calc, pot, a, 0.5, 1, &err), PEL_OK);
    assert_int_equal(pel_minimizer_run(m, calc, a, &mp, &r, NULL, NULL, &err), PEL_OK);
    pel_engine_free(&calc);
    assert_int_equal(pel_engine_eam_new(&calc, pot, b, 0.5, 1, &err), PEL_OK);
    assert_int_equal(pel_minimize(calc, b, &mp, &r, NULL, NULL, &err), PEL_OK);
    assert_true(max_dist(a, b) == 0.0);
    /* bad parameters */
    static const struct {
        double ftol, ptol, dmax;
        long calls;
    } bad[] = {{0, 1, 0.1, 10}, {-1, 1, 0.1, 10}, {1e-6, 0, 0.1, 10}, {1e-6, 1, 0, 10}, {1e-6, 1, 0.1, 0}};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        pel_min_params_default(&mp);
        mp.box = PEL_BOX_ISO;
        mp.ftol = bad[k].ftol;
        mp.ptol_bar = bad[k].ptol;
        mp.dmax = bad[k].dmax;
        mp.max_force_calls = bad[k].calls;
        assert_int_equal(pel_minimizer_run(m, calc, b, &mp, &r, NULL, NULL, &err), PEL_EINVAL);
    }
    pel_min_algo al;
    pel_box_mode bm;
    assert_int_equal(pel_min_algo_parse("bfgs", &al, &err), PEL_EINVAL);
    assert_int_equal(pel_min_box_parse("aniso", &bm, &err), PEL_EINVAL);
    assert_int_equal(pel_min_algo_parse("cg", &al, &err), PEL_OK);
    assert_int_equal(al, PEL_MIN_CG);
    assert_int_equal(pel_min_algo_parse("lbfgs", &al, &err), PEL_OK);
    assert_int_equal(al, PEL_MIN_LBFGS);
    pel_minimizer_free(&m);
    assert_null(m);
    pel_engine_free(&calc);
    pel_system_free(&a);
    pel_system_free(&b);
    pel_system_free(&s);
    pel_system_free(&s0);
    pel_system_free(&s1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frozen_budget_reuse_bad),
        cmocka_unit_test(test_fixed_box_same_minimum_as_lammps),
        cmocka_unit_test(test_iso_box_zero_pressure),
    };
    return cmocka_run_group_tests(tests, setup_pot, teardown_pot);
}
