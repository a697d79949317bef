/* test_quench.c - glass preparation:
 *  - a run killed at checkpoints (twice) and resumed gives bit for bit the
 *    table and the glass of an uninterrupted run (one thread);
 *  - the table has the planned sample temperatures, every IS converged,
 *    and LAMMPS `run 0` on the final glass gives E_IS and |P| < 1 bar;
 *  - instant quench (rate inf) gives one row at T_from;
 *  - a checkpoint of other parameters or a corrupt one is refused;
 *  - the mark hook's value is stored in each checkpoint and handed back to
 *    the resume hook with the checkpoint's step; a checkpoint written
 *    without a mark hook resumes with mark NULL; failing hooks stop the run.
 * A quench is run by the MD protocol runner (mdrun.c): these tests pin that
 * the mapping keeps quench's sampling, times and checkpoints. */
#include <math.h>

#include "md_testutil.h"
#include "pel/quench.h"

/* 108 atoms, 2000 K -> 1000 K at 2e14 K/s (5000 steps) after 0.5 ps. */
static void small_params(pel_quench_params *p, const char *ck)
{
    pel_quench_params_default(p);
    pel_liquid_params_cuzr(&p->liquid, 108, 0.56, 0.0555, 4);
    p->t_from = 2000;
    p->t_to = 1000;
    p->rate_K_per_s = 2e14;
    p->equilibrate_ps = 0.5;
    p->sample_every_K = 250;
    p->checkpoint_every = 300;
    p->nthreads = 1;
    p->checkpoint_path = ck;
}

static void test_resume_is_bitwise(void **state)
{
    (void)state;
    char dir[64], cka[128], ckb[128];
    pel_error err = {0};
    mdt_tmpdir(dir);
    snprintf(cka, sizeof cka, "%s/a.bin", dir);
    snprintf(ckb, sizeof ckb, "%s/b.bin", dir);
    pel_quench_params p;
    pel_quench_result a, b;
    small_params(&p, cka);
    assert_int_equal(pel_quench_run(pot, &p, NULL, &a, &err), PEL_OK);
    assert_int_equal(a.nrows, 5);
    assert_int_equal(a.resumed, 0);

    small_params(&p, ckb);
    p.stop_at_step = 200; /* stops at the first boundary, 300: still equilibrating */
    assert_int_equal(pel_quench_run(pot, &p, NULL, &b, &err), PEL_ENOCONV);
    assert_non_null(strstr(err.msg, "stopped at step 300"));
    p.resume = 1;
    p.stop_at_step = 2000; /* next stop at 2100, after the 1750 K sample */
    assert_int_equal(pel_quench_run(pot, &p, NULL, &b, &err), PEL_ENOCONV);
    assert_non_null(strstr(err.msg, "stopped at step 2100"));
    p.stop_at_step = 0;
    assert_int_equal(pel_quench_run(pot, &p, NULL, &b, &err), PEL_OK);
    assert_int_equal(b.resumed, 1);
    assert_int_equal(b.nrows, a.nrows);
    for (size_t i = 0; i < a.nrows; i++) {
        assert_true(a.rows[i].T_K == b.rows[i].T_K);
        assert_true(a.rows[i].e_is == b.rows[i].e_is);
        assert_true(a.rows[i].e_pot == b.rows[i].e_pot);
        assert_true(a.rows[i].v_md == b.rows[i].v_md);
        assert_true(a.rows[i].v_is == b.rows[i].v_is);
    }
    assert_int_equal(memcmp(a.glass->x, b.glass->x, 3 * a.glass->n * sizeof(double)), 0);
    pel_quench_result_free(&a);
    pel_quench_result_free(&b);
    mdt_rmdir(dir);
}

static void test_table_and_glass_vs_lammps(void **state)
{
    (void)state;
    char dir[64], path[128], script[1024];
    static double rows[MDT_MAX_ROWS][MDT_MAX_COLS];
    pel_error err = {0};
    mdt_tmpdir(dir);
    pel_quench_params p;
    pel_quench_result r;
    small_params(&p, NULL);
    p.rate_K_per_s = 5e14;
    p.t_to = 0;
    p.sample_every_K = 600; /* 2000, 1400, 800, 200 and the final 0 K */
    assert_int_equal(pel_quench_run(pot, &p, NULL, &r, &err), PEL_OK);
    static const double Ts[] = {2000, 1400, 800, 200, 0};
    assert_int_equal(r.nrows, 5);
    for (size_t i = 0; i < r.nrows; i++) {
        assert_close(r.rows[i].T_K, Ts[i], 0, 0);
        assert_int_equal(r.rows[i].is_converged, 1);
        assert_true(r.rows[i].e_is < r.rows[i].e_pot); /* the IS lies below the MD snapshot */
        assert_true(isfinite(r.rows[i].v_md) && r.rows[i].v_md > 10 && r.rows[i].v_md < 30);
    }
    snprintf(path, sizeof path, "%s/glass.data", dir);
    assert_int_equal(pel_system_write_data(r.glass, path, "glass", &err), PEL_OK);
    snprintf(script, sizeof script,
             "units metal\natom_style atomic\nboundary p p p\nread_data %s\n"
             "pair_style eam/fs\npair_coeff * * %s Cu Zr\n"
             "thermo_style custom step pe press fmax atoms\nthermo_modify format float %%.17g\nrun 0\n",
             path, PEL_EAM_DEFAULT_PATH);
    assert_int_equal(mdt_lmp(dir, script, rows, 5), 1);
    assert_close(rows[0][1] / rows[0][4], r.rows[r.nrows - 1].e_is, 0, 1e-9);
    assert_close(rows[0][2], 0.0, 0, 1.0 + 1e-3);
    assert_true(rows[0][3] < 1e-6 + 1e-8);
    pel_quench_result_free(&r);

    /* instant quench */
    small_params(&p, NULL);
    p.rate_K_per_s = INFINITY;
    assert_int_equal(pel_quench_run(pot, &p, NULL, &r, &err), PEL_OK);
    assert_int_equal(r.nrows, 1);
    assert_close(r.rows[0].T_K, 2000, 0, 0);
    assert_non_null(r.glass);
    pel_quench_result_free(&r);
    mdt_rmdir(dir);
}

static void test_bad_checkpoints_and_params(void **state)
{
    (void)state;
    char dir[64], ck[128], cmd[256];
    pel_error err = {0};
    mdt_tmpdir(dir);
    snprintf(ck, sizeof ck, "%s/c.bin", dir);
    pel_quench_params p;
    pel_quench_result r;
    small_params(&p, ck);
    p.stop_at_step = 1;
    assert_int_equal(pel_quench_run(pot, &p, NULL, &r, &err), PEL_ENOCONV);
    /* other seed: refused */
    p.stop_at_step = 0;
    p.resume = 1;
    p.liquid.seed = 5;
    assert_int_equal(pel_quench_run(pot, &p, NULL, &r, &err), PEL_ESTATE);
    assert_non_null(strstr(err.msg, "other parameters"));
    /* one flipped byte: refused */
    p.liquid.seed = 4;
    snprintf(cmd, sizeof cmd, "printf 'X' | dd of=%s bs=1 seek=200 conv=notrunc 2>/dev/null", ck);
    assert_int_equal(pel_test_sh(cmd), 0);
    assert_int_equal(pel_quench_run(pot, &p, NULL, &r, &err), PEL_ESTATE);
    assert_non_null(strstr(err.msg, "corrupt"));
    /* truncated */
    snprintf(cmd, sizeof cmd, "truncate -s 100 %s", ck);
    assert_int_equal(pel_test_sh(cmd), 0);
    assert_int_equal(pel_quench_run(pot, &p, NULL, &r, &err), PEL_ESTATE);
    /* bad parameters */
    static const struct {
        double from, to, rate, sample;
    } bad[] = {{2000, 2000, 1e13, 50}, {2000, -1, 1e13, 50}, {2000, 0, 0, 50}, {2000, 0, 1e13, 0},
               {0, 0, 1e13, 50},       {2000, 0, 1e20, 50}};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        small_params(&p, NULL);
        p.t_from = bad[k].from;
        p.t_to = bad[k].to;
        p.rate_K_per_s = bad[k].rate;
        p.sample_every_K = bad[k].sample;
        assert_int_equal(pel_quench_run(pot, &p, NULL, &r, &err), PEL_EINVAL);
    }
    /* composition parsing */
    pel_liquid_params lp;
    pel_liquid_params_cuzr(&lp, 10, 0.5, 0.05, 1);
    assert_int_equal(pel_quench_parse_composition("Cu64Zr36", pot, &lp, &err), PEL_OK);
    assert_int_equal(lp.ntypes, 2);
    assert_close(lp.frac[0], 0.64, 1e-15, 0);
    assert_close(lp.mass[1], 91.224, 1e-12, 0);
    assert_int_equal(pel_quench_parse_composition("Cu50Al50", pot, &lp, &err), PEL_EINVAL);
    assert_int_equal(pel_quench_parse_composition("cu50zr50", pot, &lp, &err), PEL_EINVAL);
    assert_int_equal(pel_quench_parse_composition("Cu50Cu50", pot, &lp, &err), PEL_EINVAL);
    assert_int_equal(pel_quench_parse_composition("", pot, &lp, &err), PEL_EINVAL);
    mdt_rmdir(dir);
}

/* What the hooks saw. */
typedef struct hook_log {
    long mark_step[8];
    int nmark;
    long resume_step;
    int nresume, resume_has_mark, fail;
    uint64_t resume_mark;
} hook_log;

static int mark_hook(void *ctx, long step, uint64_t *mark, pel_error *err)
{
    hook_log *h = ctx;
    if (h->fail) return pel_error_set(err, PEL_EIO, "mark hook failed at step %ld", step);
    if (h->nmark < 8) h->mark_step[h->nmark] = step;
    h->nmark++;
    *mark = 1000000 + (uint64_t)step;
    return PEL_OK;
}

static int resume_hook(void *ctx, long step, const uint64_t *mark, pel_error *err)
{
    hook_log *h = ctx;
    if (h->fail) return pel_error_set(err, PEL_EIO, "resume hook failed");
    h->nresume++;
    h->resume_step = step;
    h->resume_has_mark = mark != NULL;
    h->resume_mark = mark ? *mark : 0;
    return PEL_OK;
}

static void test_resume_hooks(void **state)
{
    (void)state;
    char dir[64], ck[128], ck2[128];
    pel_error err = {0};
    mdt_tmpdir(dir);
    snprintf(ck, sizeof ck, "%s/c.bin", dir);
    snprintf(ck2, sizeof ck2, "%s/d.bin", dir);
    pel_quench_params p;
    pel_quench_result r;
    hook_log h = {0};
    pel_quench_hooks hooks = {.mark = mark_hook, .mark_ctx = &h, .resume = resume_hook, .resume_ctx = &h};
    small_params(&p, ck);
    p.stop_at_step = 200; /* checkpoints at 0 and 300 */
    assert_int_equal(pel_quench_run(pot, &p, &hooks, &r, &err), PEL_ENOCONV);
    assert_int_equal(h.nmark, 2);
    assert_int_equal(h.mark_step[0], 0);
    assert_int_equal(h.mark_step[1], 300);
    assert_int_equal(h.nresume, 0);

    p.resume = 1;
    p.stop_at_step = 500; /* -> 600 */
    assert_int_equal(pel_quench_run(pot, &p, &hooks, &r, &err), PEL_ENOCONV);
    assert_int_equal(h.nresume, 1);
    assert_int_equal(h.resume_step, 300);
    assert_int_equal(h.resume_has_mark, 1);
    assert_true(h.resume_mark == 1000300);
    assert_int_equal(h.nmark, 3); /* 300 is not written again, 600 is */
    assert_int_equal(h.mark_step[2], 600);

    /* without a mark hook the checkpoint holds no mark */
    hooks.mark = NULL;
    p.stop_at_step = 800; /* -> 900 */
    assert_int_equal(pel_quench_run(pot, &p, &hooks, &r, &err), PEL_ENOCONV);
    assert_int_equal(h.resume_step, 600);
    assert_true(h.resume_mark == 1000600);
    hooks.mark = mark_hook;
    p.stop_at_step = 1100; /* -> 1200, checkpoint with mark 1001200 */
    assert_int_equal(pel_quench_run(pot, &p, &hooks, &r, &err), PEL_ENOCONV);
    assert_int_equal(h.resume_step, 900);
    assert_int_equal(h.resume_has_mark, 0);

    /* a failing hook stops the run with its code and message */
    h.fail = 1;
    assert_int_equal(pel_quench_run(pot, &p, &hooks, &r, &err), PEL_EIO);
    assert_non_null(strstr(err.msg, "resume hook failed"));
    small_params(&p, ck2);
    assert_int_equal(pel_quench_run(pot, &p, &hooks, &r, &err), PEL_EIO);
    assert_non_null(strstr(err.msg, "mark hook failed at step 0"));
    assert_int_not_equal(access(ck2, F_OK), 0); /* that checkpoint was not written */
    mdt_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_checkpoints_and_params),
        cmocka_unit_test(test_resume_is_bitwise),
        cmocka_unit_test(test_resume_hooks),
        cmocka_unit_test(test_table_and_glass_vs_lammps),
    };
    return cmocka_run_group_tests(tests, setup_pot, teardown_pot);
}
