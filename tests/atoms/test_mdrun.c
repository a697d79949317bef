/* test_mdrun.c - MD along a thermal protocol (include/pel/mdrun.h):
 *  - ramp + hold + ramp as one protocol equals, bit for bit, the same three
 *    runs driven by hand through pel_md (setup/run per segment, one
 *    integrator, as LAMMPS runs three `run` commands in one input);
 *  - a run stopped at checkpoints and resumed equals the uninterrupted run
 *    bit for bit (table and final state);
 *  - the rows are at the planned temperatures and times (ramp grid every
 *    sample_every_K plus the end, hold grid every sample_every_ps plus the
 *    end, no sample twice at a segment boundary) and every IS converged;
 *  - the replica mean and standard error equal a hand computation;
 *  - an E= start, a segment shorter than one step and a checkpoint of other
 *    parameters are refused. */
#include <math.h>

#include "md_testutil.h"
#include "pel/mdrun.h"
#include "pel/protocol.h"

#define PROTO "eq@1500K; cool 1200K@1e14K/s; hold 1ps; heat 1300K@1e14K/s"

static void params_for(pel_mdrun_params *p, const pel_protocol *pr, const pel_system *start)
{
    pel_mdrun_params_default(p);
    p->protocol = pr;
    p->start = start;
    p->sample_every_K = 100;
    p->sample_every_ps = 0.4;
    p->checkpoint_every = 100000; /* one engine build, at step 0 */
    p->thermo_every = 0;
    p->nthreads = 1;
}

static void test_equals_manual_runs(void **state)
{
    (void)state;
    pel_error err = {0};
    pel_protocol pr;
    assert_int_equal(pel_protocol_parse(PROTO, &pr, &err), PEL_OK);
    pel_system *start = mdt_liquid(pot, 108, 0.0555, 1500, 3);
    pel_mdrun_params p;
    params_for(&p, &pr, start);
    pel_mdrun_result res;
    assert_int_equal(pel_mdrun_run(pot, &p, NULL, &res, &err), PEL_OK);
    long steps[3], total;
    assert_int_equal(pel_mdrun_steps(&p, steps, &total, &err), PEL_OK);
    assert_int_equal(steps[0], 3000); /* 300 K at 1e14 K/s = 3 ps */
    assert_int_equal(steps[1], 1000);
    assert_int_equal(steps[2], 1000);
    assert_int_equal(res.md_steps, 5000);

    /* the same dynamics by hand */
    pel_system *sys = NULL;
    pel_engine *calc = NULL;
    pel_md *md = NULL;
    assert_int_equal(pel_system_clone(start, &sys, &err), PEL_OK);
    assert_int_equal(pel_engine_eam_new(&calc, pot, sys, 1.0, 1, &err), PEL_OK);
    static const double T0[3] = {1500, 1200, 1200}, T1[3] = {1200, 1200, 1300};
    pel_md_params mp;
    pel_md_params_default(&mp);
    mp.ensemble = PEL_MD_NPT;
    mp.tdamp = 0.1;
    mp.pdamp = 1.0;
    assert_int_equal(pel_md_new(&md, calc, sys, &mp, &err), PEL_OK);
    for (int s = 0; s < 3; s++) {
        mp.t_start = T0[s], mp.t_stop = T1[s];
        assert_int_equal(pel_md_set_params(md, &mp, &err), PEL_OK);
        assert_int_equal(pel_md_setup(md, sys, steps[s], &err), PEL_OK);
        assert_int_equal(pel_md_run(md, sys, steps[s], 0, NULL, NULL, &err), PEL_OK);
    }
    for (size_t i = 0; i < 3 * sys->n; i++) {
        assert_true(sys->x[i] == res.final->x[i]);
        assert_true(sys->v[i] == res.final->v[i]);
    }
    for (int d = 0; d < 3; d++)
        assert_true(sys->len[d] == res.final->len[d]);

    /* rows: ramp 1500,1400,1300,1200 | hold t = 3.4, 3.8 (3.0 is the ramp's end), end 4.0 |
       ramp 1300 (its start is the hold's end) */
    static const double T[] = {1500, 1400, 1300, 1200, 1200, 1200, 1200, 1300};
    static const double t[] = {0, 1, 2, 3, 3.4, 3.8, 4.0, 5.0};
    static const int seg[] = {0, 0, 0, 0, 1, 1, 1, 2};
    assert_int_equal(res.nrows, 8);
    for (size_t i = 0; i < res.nrows; i++) {
        assert_close(res.rows[i].T_K, T[i], 1e-12, 0);
        assert_close(res.rows[i].t_ps, t[i], 1e-12, 1e-12);
        assert_int_equal(res.rows[i].segment, seg[i]);
        assert_int_equal(res.rows[i].is_converged, 1);
        assert_true(res.rows[i].e_is < res.rows[i].e_pot);
    }
    assert_true(res.final_is_converged);
    pel_md_free(&md);
    pel_engine_free(&calc);
    pel_system_free(&sys);
    pel_system_free(&start);
    pel_mdrun_result_free(&res);
    pel_protocol_clear(&pr);
}

static void test_resume_is_bitwise(void **state)
{
    (void)state;
    char dir[64], cka[128], ckb[128];
    pel_error err = {0};
    mdt_tmpdir(dir);
    snprintf(cka, sizeof cka, "%s/a.bin", dir);
    snprintf(ckb, sizeof ckb, "%s/b.bin", dir);
    pel_protocol pr;
    assert_int_equal(pel_protocol_parse(PROTO, &pr, &err), PEL_OK);
    pel_mdrun_params p;
    params_for(&p, &pr, NULL);
    pel_liquid_params_cuzr(&p.liquid, 108, 0.56, 0.0555, 4);
    p.checkpoint_every = 700;
    p.checkpoint_path = cka;
    pel_mdrun_result a, b;
    assert_int_equal(pel_mdrun_run(pot, &p, NULL, &a, &err), PEL_OK);

    p.checkpoint_path = ckb;
    p.stop_at_step = 1000; /* stops at 1400, inside the first ramp */
    assert_int_equal(pel_mdrun_run(pot, &p, NULL, &b, &err), PEL_ENOCONV);
    assert_non_null(strstr(err.msg, "stopped at step 1400"));
    p.resume = 1;
    p.stop_at_step = 3100; /* 3500: inside the hold */
    assert_int_equal(pel_mdrun_run(pot, &p, NULL, &b, &err), PEL_ENOCONV);
    assert_non_null(strstr(err.msg, "stopped at step 3500"));
    p.stop_at_step = 0;
    assert_int_equal(pel_mdrun_run(pot, &p, NULL, &b, &err), PEL_OK);
    assert_int_equal(b.resumed, 1);
    assert_int_equal(b.nrows, a.nrows);
    for (size_t i = 0; i < a.nrows; i++) {
        assert_true(a.rows[i].e_is == b.rows[i].e_is);
        assert_true(a.rows[i].v_md == b.rows[i].v_md);
        assert_true(a.rows[i].t_ps == b.rows[i].t_ps);
    }
    for (size_t i = 0; i < 3 * a.final->n; i++)
        assert_true(a.final->x[i] == b.final->x[i]);
    pel_mdrun_result_free(&a);
    pel_mdrun_result_free(&b);

    /* another sampling interval: the checkpoint is refused, untouched */
    p.sample_every_K = 50;
    assert_int_equal(pel_mdrun_run(pot, &p, NULL, &b, &err), PEL_ESTATE);
    assert_non_null(strstr(err.msg, "other parameters"));
    pel_protocol_clear(&pr);
    mdt_rmdir(dir);
}

static void test_replica_mean(void **state)
{
    (void)state;
    pel_mdrun_row r1[2] = {{.T_K = 1000, .e_is = -4.60, .v_is = 17.0, .t_ps = 0, .is_converged = 1},
                           {.T_K = 900, .e_is = -4.62, .v_is = 16.9, .t_ps = 1, .is_converged = 1}};
    pel_mdrun_row r2[2] = {{.T_K = 1000, .e_is = -4.61, .v_is = 17.2, .t_ps = 0, .is_converged = 1},
                           {.T_K = 900, .e_is = -4.66, .v_is = 16.8, .t_ps = 1, .is_converged = 0}};
    const pel_mdrun_row *rows[2] = {r1, r2};
    size_t n[2] = {2, 2};
    pel_mdrun_mean_row m[2];
    pel_error err = {0};
    assert_int_equal(pel_mdrun_replica_mean(rows, n, 2, m, &err), PEL_OK);
    assert_close(m[0].mean.e_is, -4.605, 1e-15, 0);
    assert_close(m[0].se_e_is, 0.005, 1e-12, 0); /* sd 0.00707 / sqrt 2 */
    assert_close(m[1].se_e_is, 0.02, 1e-12, 0);
    assert_close(m[1].se_v_is, 0.05, 1e-12, 0);
    assert_int_equal(m[1].mean.is_converged, 0);
    assert_int_equal(m[1].n_replicas, 2);
    r2[1].T_K = 950;
    assert_int_equal(pel_mdrun_replica_mean(rows, n, 2, m, &err), PEL_EINVAL);
}

static void test_refusals(void **state)
{
    (void)state;
    pel_error err = {0};
    pel_protocol pr;
    pel_mdrun_params p;
    pel_mdrun_result res;
    long total;
    assert_int_equal(pel_protocol_parse("E=-4.6@1000K; hold 1ps", &pr, &err), PEL_OK);
    params_for(&p, &pr, NULL);
    assert_int_equal(pel_mdrun_run(pot, &p, NULL, &res, &err), PEL_EINVAL);
    assert_non_null(strstr(err.msg, "eq@T"));
    pel_protocol_clear(&pr);
    assert_int_equal(pel_protocol_parse("eq@1000K; hold 1e-16s", &pr, &err), PEL_OK);
    params_for(&p, &pr, NULL);
    assert_int_equal(pel_mdrun_steps(&p, NULL, &total, &err), PEL_EINVAL);
    assert_non_null(strstr(err.msg, "shorter than one"));
    pel_protocol_clear(&pr);
    assert_int_equal(pel_protocol_parse("eq@1000K; hold 1s", &pr, &err), PEL_OK);
    params_for(&p, &pr, NULL);
    assert_int_equal(pel_mdrun_steps(&p, NULL, &total, &err), PEL_EINVAL);
    assert_non_null(strstr(err.msg, "too long"));
    pel_protocol_clear(&pr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equals_manual_runs),
        cmocka_unit_test(test_resume_is_bitwise),
        cmocka_unit_test(test_replica_mean),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, setup_pot, teardown_pot);
}
