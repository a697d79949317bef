/* test_md_job.c - `pel md` as a library call (pel_md_job_run over the
 * checkpointed loop pel_md_loop_run): a run interrupted after a checkpoint
 * and resumed ends bit for bit where the uninterrupted run ends, with the
 * thermo lines and dump frames of the steps the truth (the uninterrupted
 * run) has; a resume with another data file is refused. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pel/md.h"

#define GLASS "tests/data/art_cuzr250.data"
#define STEPS 40
#define CK_EVERY 10
#define FAIL_AT 25 /* the dump hook fails here: a kill after the checkpoint at 20 */

typedef struct rec {
    const char *thermo_path; /* thermo lines "step T PE" as a caller would write them */
    FILE *fp;
    long dump_steps[64];
    int nthermo, ndump;
    long open_thermo_len;
    int fail_at;
} rec;

static int r_open(void *ctx, long tl, long dl, pel_error *err)
{
    (void)dl;
    rec *r = ctx;
    r->open_thermo_len = tl;
    if (tl >= 0 && truncate(r->thermo_path, tl) != 0)
        return pel_error_set(err, PEL_EIO, "truncate");
    r->fp = fopen(r->thermo_path, tl < 0 ? "w" : "a");
    return r->fp ? PEL_OK : pel_error_set(err, PEL_EIO, "open");
}

static int r_thermo(void *ctx, const pel_md_thermo *th)
{
    rec *r = ctx;
    r->nthermo++;
    fprintf(r->fp, "%ld %.17g %.17g\n", th->step, th->T, th->pe);
    return 0;
}

static int r_dump(void *ctx, const pel_system *sys, long step, pel_error *err)
{
    (void)sys;
    rec *r = ctx;
    if (step == r->fail_at)
        return pel_error_set(err, PEL_EIO, "killed at %ld", step);
    r->dump_steps[r->ndump++] = step;
    return PEL_OK;
}

/* Flush the thermo file; its length goes in the checkpoint. */
static int r_sync(void *ctx, long *tl, long *dl, pel_error *err)
{
    rec *r = ctx;
    *dl = -1;
    if (fflush(r->fp) != 0)
        return pel_error_set(err, PEL_EIO, "flush");
    *tl = ftell(r->fp);
    return PEL_OK;
}

static int run(const char *data, pel_system **sys, const char *ck, int resume, rec *r, pel_error *err)
{
    pel_eam *pot = NULL;
    pel_md_job j;
    pel_md_job_default(&j);
    j.md.ensemble = PEL_MD_NPT;
    j.md.t_start = 900.0;
    j.md.t_stop = 700.0;
    j.have_T = 1;
    j.seed = 5;
    j.steps = STEPS;
    j.thermo_every = 8;
    j.dump_every = 5;
    j.checkpoint_every = CK_EVERY;
    j.checkpoint_path = ck;
    j.resume = resume;
    j.data_path = data;
    j.potential_path = PEL_EAM_DEFAULT_PATH;
    j.thermo_path = r->thermo_path;
    pel_md_job_hooks h = {r, r_open, r_thermo, r_dump, r_sync, NULL};
    int st = pel_eam_read_auto(PEL_EAM_DEFAULT_PATH, &pot, err);
    if (!st)
        st = pel_system_read_data(data, NULL, sys, err);
    if (!st)
        st = pel_md_job_run(pot, sys, &j, &h, err);
    if (r->fp)
        fclose(r->fp);
    r->fp = NULL;
    pel_eam_free(&pot);
    return st;
}

static void test_resume_bit_for_bit(void **state)
{
    (void)state;
    char dir[] = "/tmp/pel_mdjob_XXXXXX", ck[80], ck2[80], other[80], t1[80], t2[80];
    assert_non_null(mkdtemp(dir));
    snprintf(t1, sizeof t1, "%s/a.thermo", dir);
    snprintf(t2, sizeof t2, "%s/b.thermo", dir);
    snprintf(ck, sizeof ck, "%s/a.ck", dir);
    snprintf(ck2, sizeof ck2, "%s/b.ck", dir);
    snprintf(other, sizeof other, "%s/other.data", dir);
    const char *data = pel_test_src(GLASS);
    pel_error err = {0};

    rec whole = {.thermo_path = t1, .fail_at = -1};
    pel_system *ref = NULL;
    if (run(data, &ref, ck, 0, &whole, &err))
        fail_msg("uninterrupted run: %s", err.msg);
    /* thermo at 0, every 8 steps and the last; dumps at every 5 from 0 */
    assert_int_equal(whole.nthermo, 1 + STEPS / 8);
    assert_int_equal(whole.ndump, 1 + STEPS / 5);
    assert_int_equal(whole.open_thermo_len, -1);

    rec part = {.thermo_path = t2, .fail_at = FAIL_AT};
    pel_system *sys = NULL;
    assert_int_equal(run(data, &sys, ck2, 0, &part, &err), PEL_EIO);
    pel_system_free(&sys);
    rec rest = {.thermo_path = t2, .fail_at = -1};
    if (run(data, &sys, ck2, 1, &rest, &err))
        fail_msg("resume: %s", err.msg);
    /* the checkpoint at 20 had seen the thermo lines of steps 0, 8, 16; the
     * resumed file is the uninterrupted one, byte for byte */
    assert_true(rest.open_thermo_len > 0);
    assert_int_equal(3 + rest.nthermo, whole.nthermo);
    char cmp[256];
    snprintf(cmp, sizeof cmp, "cmp -s %s %s", t1, t2);
    assert_int_equal(pel_test_sh(cmp), 0);
    assert_int_equal(rest.dump_steps[0], 25); /* frame 20 was written before the checkpoint */
    assert_int_equal(5 + rest.ndump, whole.ndump);
    assert_int_equal(sys->n, ref->n);
    assert_memory_equal(sys->x, ref->x, 3 * ref->n * sizeof *ref->x);
    assert_memory_equal(sys->v, ref->v, 3 * ref->n * sizeof *ref->v);
    assert_memory_equal(sys->len, ref->len, sizeof ref->len);
    pel_system_free(&sys);

    /* another data file (one more byte) is refused: the checkpoint is tied to it */
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cp %s %s && echo >> %s", data, other, other);
    assert_int_equal(pel_test_sh(cmd), 0);
    rec again = {.thermo_path = t1, .fail_at = -1};
    assert_int_equal(run(other, &sys, ck, 1, &again, &err), PEL_ESTATE);
    assert_non_null(strstr(err.msg, "--data"));
    assert_int_equal(again.nthermo, 0);
    pel_system_free(&sys);
    pel_system_free(&ref);
    unlink(ck);
    unlink(ck2);
    unlink(other);
    unlink(t1);
    unlink(t2);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_resume_bit_for_bit)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
