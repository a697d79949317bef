/* test_catalog.c - event catalog: exact round trip, torn-line recovery,
 * kill during writing, strict reader errors, redundancy rule. */
#include "testutil.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pel/catalog.h"

static char tmpdir[256];

static const char *tmp(const char *name)
{
    static char buf[512];
    snprintf(buf, sizeof buf, "%s/%s", tmpdir, name);
    return buf;
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/pel_catalog_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    return pel_test_sh(cmd) == 0 ? 0 : -1;
}

static pel_catalog_row make_row(long id, int status, double es, int64_t *ids, size_t nid)
{
    pel_catalog_row r = {0};
    r.search_id = id;
    r.center_id = id / 10 + 1;
    r.status = status;
    r.e_initial = -4123.456789012345;
    r.e_saddle = es;
    r.e_final = status == PEL_ART_CONVERGED ? es - 0.3 / 3.0 : NAN;
    r.ea = es - r.e_initial;
    r.er = es - r.e_final;
    r.eigenvalue = -0.1234567890123;
    r.force = 0.0412345;
    r.max_disp = 0.987654321;
    r.e_is_per_atom = id % 2 ? NAN : -4.6512345678901234;
    r.max_disp_dist = id % 3 ? 12.345678901234567 : NAN;
    r.e_back = id % 2 ? -4123.4567 : NAN;
    r.back_disp = id % 2 ? 0.41234567890123456 : NAN;
    r.eigenvalue2 = id % 2 ? 0.0123456789012345 : NAN;
    r.force_calls = 400 + id;
    r.force_calls_saddle = 200 + id;
    r.n_displaced = nid;
    r.displaced_ids = ids;
    return r;
}

/* Whole file as a string (a static buffer, valid until the next call). */
static const char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    return buf;
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void test_round_trip(void **state)
{
    (void)state;
    const char *path = tmp("rt.csv");
    int64_t ids[3] = {5, 17, 1999};
    pel_catalog_row rows[3] = {make_row(2, PEL_ART_CONVERGED, -4122.1, ids, 3),
                               make_row(0, PEL_ART_NO_EXIT, NAN, NULL, 0),
                               make_row(1, PEL_ART_CONVERGED, -4121.9 + 1e-13, ids, 1)};
    pel_catalog_writer *w = NULL;
    pel_error err = {0};
    assert_int_equal(pel_catalog_writer_open(path, NULL, &w, &err), PEL_OK);
    for (int i = 0; i < 3; i++)
        assert_int_equal(pel_catalog_writer_append(w, &rows[i], &err), PEL_OK);
    pel_catalog_writer_close(&w);
    assert_null(w);
    pel_catalog *cat = NULL;
    assert_int_equal(pel_catalog_read(path, &cat, &err), PEL_OK);
    assert_int_equal(cat->n, 3);
    for (size_t i = 0; i < 3; i++) {
        const pel_catalog_row *a = &cat->rows[i], *b = NULL;
        for (int k = 0; k < 3; k++)
            if (rows[k].search_id == (long)i)
                b = &rows[k];
        assert_int_equal(a->search_id, (long)i); /* sorted by search_id */
        assert_int_equal(a->status, b->status);
        assert_int_equal(a->center_id, b->center_id);
        assert_int_equal(a->force_calls, b->force_calls);
        assert_int_equal(a->force_calls_saddle, b->force_calls_saddle);
        assert_int_equal(a->n_displaced, b->n_displaced);
        const double va[] = {a->e_initial, a->e_saddle, a->e_final, a->ea, a->er, a->eigenvalue, a->force, a->max_disp,
                             a->e_is_per_atom, a->max_disp_dist, a->e_back, a->back_disp,
                             a->eigenvalue2};
        const double vb[] = {b->e_initial, b->e_saddle, b->e_final, b->ea, b->er, b->eigenvalue, b->force, b->max_disp,
                             b->e_is_per_atom, b->max_disp_dist, b->e_back, b->back_disp,
                             b->eigenvalue2};
        for (int k = 0; k < 13; k++)
            assert_true(va[k] == vb[k] || (isnan(va[k]) && isnan(vb[k]))); /* %.17g is exact */
        for (size_t k = 0; k < a->n_displaced; k++)
            assert_int_equal(a->displaced_ids[k], b->displaced_ids[k]);
    }
    /* Atomic rewrite reads back identically. */
    assert_int_equal(pel_catalog_write(cat, tmp("rt2.csv"), &err), PEL_OK);
    pel_catalog *cat2 = NULL;
    assert_int_equal(pel_catalog_read(tmp("rt2.csv"), &cat2, &err), PEL_OK);
    assert_int_equal(cat2->n, 3);
    assert_true(cat2->rows[2].e_saddle == cat->rows[2].e_saddle);
    pel_catalog_free(&cat);
    pel_catalog_free(&cat2);
    assert_null(cat);
}

static void test_torn_line_recovery(void **state)
{
    (void)state;
    const char *path = tmp("torn.csv");
    write_file(path, PEL_CATALOG_HEADER "\n"
                     "0,1,no_exit,-10,,,,,,,50,0,,50,,,,,,,\n"
                     "1,1,converged,-10,-9.5,-9.8,0.5,0.3");
    pel_catalog *cat = NULL;
    pel_error err = {0};
    assert_int_equal(pel_catalog_read(path, &cat, &err), PEL_EPARSE);
    assert_non_null(strstr(err.msg, "line 3"));
    int truncated = 0;
    assert_int_equal(pel_catalog_recover(path, NULL, &cat, &truncated, &err), PEL_OK);
    assert_int_equal(truncated, 1);
    assert_int_equal(cat->n, 1);
    assert_int_equal(cat->rows[0].status, PEL_ART_NO_EXIT);
    pel_catalog_free(&cat);
    /* The writer appends cleanly after recovery; no header repeated. */
    pel_catalog_writer *w = NULL;
    assert_int_equal(pel_catalog_writer_open(path, NULL, &w, &err), PEL_OK);
    pel_catalog_row r = make_row(1, PEL_ART_LOST_CURVATURE, NAN, NULL, 0);
    assert_int_equal(pel_catalog_writer_append(w, &r, &err), PEL_OK);
    pel_catalog_writer_close(&w);
    assert_int_equal(pel_catalog_read(path, &cat, &err), PEL_OK);
    assert_int_equal(cat->n, 2);
    pel_catalog_free(&cat);
    /* Missing file: empty catalog, nothing created. */
    assert_int_equal(pel_catalog_recover(tmp("absent.csv"), NULL, &cat, &truncated, &err), PEL_OK);
    assert_int_equal(cat->n, 0);
    pel_catalog_free(&cat);
}

/* A child appends rows as fast as it can and is SIGKILLed: every row that
 * survives the recovery is complete, in order 0..n-1 without gaps or repeats. */
static void test_kill_during_write(void **state)
{
    (void)state;
    const char *path = tmp("kill.csv");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        pel_catalog_writer *w = NULL;
        if (pel_catalog_writer_open(path, NULL, &w, NULL))
            _exit(3);
        int64_t ids[40];
        for (int k = 0; k < 40; k++)
            ids[k] = 1000 + k;
        for (long i = 0;; i++) {
            pel_catalog_row r = make_row(i, PEL_ART_CONVERGED, -4122.0 + 1e-3 * (double)i, ids, 40);
            if (pel_catalog_writer_append(w, &r, NULL))
                _exit(4);
        }
    }
    nanosleep(&(struct timespec){0, 300000000L}, NULL);
    kill(pid, SIGKILL);
    int wst;
    waitpid(pid, &wst, 0);
    assert_true(WIFSIGNALED(wst));
    pel_catalog *cat = NULL;
    pel_error err = {0};
    int truncated;
    assert_int_equal(pel_catalog_recover(path, NULL, &cat, &truncated, &err), PEL_OK);
    assert_true(cat->n > 0);
    for (size_t i = 0; i < cat->n; i++) {
        assert_int_equal(cat->rows[i].search_id, (long)i);
        assert_int_equal(cat->rows[i].n_displaced, 40);
        assert_int_equal(cat->rows[i].displaced_ids[39], 1039);
    }
    pel_catalog_free(&cat);
}

static void test_bad_files(void **state)
{
    (void)state;
    static const struct {
        const char *text, *key;
    } bad[] = {
        {"search_id,center_id\n", "header"},
        {"", "empty"},
        {PEL_CATALOG_HEADER "\n0,1,converged,-10,x,,,,,,50,0,,50,,,,,,,\n", "line 2"},
        {PEL_CATALOG_HEADER "\n0,1,weird,-10,,,,,,,50,0,,50,,,,,,,\n", "weird"},
        {PEL_CATALOG_HEADER "\n0,1,no_exit,-10,,,,,,,50,0,,50,,,,,,,\n0,1,no_exit,-10,,,,,,,50,0,,50,,,,,,,\n", "twice"},
        {PEL_CATALOG_HEADER "\n0,1,no_exit,-10,,,,,,,50,2,,50,-4.1,,7,,,,\n", "displaced_ids"},
        {PEL_CATALOG_HEADER "\n0,1,no_exit,-10,,,,,,,50,0,,50,-4.1,far,,,,,\n", "line 2"},
        {PEL_CATALOG_HEADER "\n0,1,no_exit,-10,,,,\n", "columns"},
        {PEL_CATALOG_HEADER "\n0,1,no_exit,-10,,,,,,,50,0,,50,,,\n", "17 columns, expected 21"},
        {PEL_CATALOG_HEADER "\n0,1,converged,-10,,,,,,,50,0,,50,,,,-9.9,0.x,,\n", "line 2"},
        {PEL_CATALOG_HEADER "\n0,1,converged,-10,,,,,,,50,0,,50,,,,-9.9,0.1,-0.0x,\n", "line 2"},
        {PEL_CATALOG_HEADER_V1 "\n0,1,no_exit,-10,,,,,,,50,0,,50,,,,,,\n", "20 columns, expected 17"},
        {PEL_CATALOG_HEADER "\n0,1,converged,-10,,,,,,,50,2305843009213693953,,50,,,5,,,,\n", "1 displaced_ids, n_displaced says 2305843009213693953"},
        {PEL_CATALOG_HEADER "\n0,1,converged,-10,,,,,,,50,1,,50,,,5;6,,,,\n", "2 displaced_ids"},
        {"# pel art campaign: seed=1\n# pel art campaign: seed=1\n" PEL_CATALOG_HEADER "\n", "header"},
        {PEL_CATALOG_HEADER "\n0,1,converged,-10,,,,,,,50,2,,50,,,5;x,,,,\n", "line 2: displaced_ids: 'x' is not"},
        {PEL_CATALOG_HEADER "\n" PEL_CATALOG_HEADER "\n", "line 2: 'search_id' is not an integer"},
    };
    pel_error err = {0};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_file(tmp("bad.csv"), bad[i].text);
        pel_catalog *cat = NULL;
        assert_int_equal(pel_catalog_read(tmp("bad.csv"), &cat, &err), PEL_EPARSE);
        assert_null(cat);
        if (!strstr(err.msg, bad[i].key))
            fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, bad[i].key);
        /* Regression (fuzz_catalog): number errors named the file and line twice */
        const char *first = strstr(err.msg, "bad.csv");
        if (first && strstr(first + 1, "bad.csv"))
            fail_msg("case %zu: '%s' names the file twice", i, err.msg);
    }
    pel_catalog_writer *w = NULL;
    assert_int_equal(pel_catalog_writer_open("/nonexistent-dir/x.csv", NULL, &w, &err), PEL_EIO);
    assert_null(w);
    pel_catalog *cat = NULL;
    assert_int_equal(pel_catalog_read(tmp("absent.csv"), &cat, &err), PEL_EIO);
}

/* A catalog with the older header (17 columns) is read, its pushed-back
 * minimum unknown (NaN); rewriting it gives the current format. */
static void test_v1_catalog(void **state)
{
    (void)state;
    write_file(tmp("v1.csv"), PEL_CATALOG_HEADER_V1 "\n"
                              "0,5,converged,-10,-9.5,-9.8,0.5,0.3,-0.2,0.04,321,2,0.9,200,-4.6,2.5,5;17\n");
    pel_catalog *cat = NULL;
    pel_error err = {0};
    assert_int_equal(pel_catalog_read(tmp("v1.csv"), &cat, &err), PEL_OK);
    assert_int_equal(cat->version, 1);
    assert_int_equal(cat->n, 1);
    assert_close(cat->rows[0].ea, 0.5, 0, 0);
    assert_int_equal(cat->rows[0].displaced_ids[1], 17);
    assert_true(isnan(cat->rows[0].e_back) && isnan(cat->rows[0].back_disp) && isnan(cat->rows[0].eigenvalue2));
    assert_int_equal(pel_catalog_write(cat, tmp("v2.csv"), &err), PEL_OK);
    pel_catalog_free(&cat);
    assert_int_equal(pel_catalog_read(tmp("v2.csv"), &cat, &err), PEL_OK);
    assert_int_equal(cat->version, PEL_CATALOG_VERSION);
    assert_close(cat->rows[0].e_saddle, -9.5, 0, 0);
    pel_catalog_free(&cat);
}

/* Regression (issue 19): a row whose n_displaced claims 2^61 + 1 atoms made
 * the resume scan allocate from the count and overflow the heap; the count
 * must match the ids the line lists, and the file stays as it was. */
static void test_forged_count(void **state)
{
    (void)state;
    const char *path = tmp("forged.csv");
    const char *text = PEL_CATALOG_HEADER "\n0,1,converged,-10,,,,,,,50,2305843009213693953,,50,,,5;6;7,,,,\n1,1,con";
    write_file(path, text);
    pel_catalog *cat = NULL;
    pel_error err = {0};
    int truncated = 0;
    assert_int_equal(pel_catalog_recover(path, NULL, &cat, &truncated, &err), PEL_EPARSE);
    assert_null(cat);
    assert_non_null(strstr(err.msg, "n_displaced"));
    assert_string_equal(slurp(path), text); /* the torn line was not cut */
}

/* Regression (issue 19): resuming onto a file that is not a catalog cut its
 * last line before refusing it.  Now nothing is touched. */
static void test_recover_leaves_foreign_file(void **state)
{
    (void)state;
    static const char *texts[] = {
        "my notes\nline two without newline",
        "no newline at all",
        PEL_CATALOG_HEADER "\n0,1,no_exit,-10,,,,,,,50,0,,50,,,,,,,\nnot a row\n1,1,conv",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        const char *path = tmp("foreign.txt");
        write_file(path, texts[i]);
        pel_catalog *cat = NULL;
        pel_error err = {0};
        int truncated = 0;
        assert_int_equal(pel_catalog_recover(path, NULL, &cat, &truncated, &err), PEL_EPARSE);
        assert_null(cat);
        assert_int_equal(truncated, 0);
        assert_string_equal(slurp(path), texts[i]);
    }
}

/* The campaign line: written first, kept by the atomic rewrite, and a resume
 * of another campaign (or of a catalog without the line) is refused with the
 * difference named, the file untouched (issue 19: two seeds merged). */
static void test_campaign_line(void **state)
{
    (void)state;
    const char *path = tmp("camp.csv");
    pel_catalog_writer *w = NULL;
    pel_error err = {0};
    assert_int_equal(pel_catalog_writer_open(path, "seed=1 kick_norm=0.5 centers=random:3", &w, &err), PEL_OK);
    int64_t ids[2] = {4, 9};
    pel_catalog_row r = make_row(0, PEL_ART_CONVERGED, -9.5, ids, 2);
    r.configs = "d/search_00000000_saddle.xyz;d/search_00000000_final.xyz";
    assert_int_equal(pel_catalog_writer_append(w, &r, &err), PEL_OK);
    pel_catalog_writer_close(&w);
    FILE *fp = fopen(path, "a");
    fputs("1,5,no_ex", fp); /* a torn row */
    fclose(fp);
    static char before[1 << 16]; /* as large as slurp's buffer: a full copy */
    const char *now = slurp(path);
    assert_true(strlen(now) < sizeof before);
    memcpy(before, now, strlen(now) + 1);
    assert_non_null(strstr(before, "# pel art campaign: seed=1 kick_norm=0.5 centers=random:3\n" PEL_CATALOG_HEADER "\n"));

    pel_catalog *cat = NULL;
    int truncated = 0;
    assert_int_equal(pel_catalog_recover(path, "seed=2 kick_norm=0.5 centers=random:3", &cat, &truncated, &err),
                     PEL_ESTATE);
    assert_non_null(strstr(err.msg, "seed=1 there, seed=2 now"));
    assert_int_equal(pel_catalog_recover(path, "seed=1 kick_norm=0.5 centers=random:3 extra=1", &cat, &truncated,
                                         &err), PEL_ESTATE);
    assert_non_null(strstr(err.msg, "extra=1"));
    assert_string_equal(slurp(path), before);

    assert_int_equal(pel_catalog_recover(path, "seed=1 kick_norm=0.5 centers=random:3", &cat, &truncated, &err),
                     PEL_OK);
    assert_int_equal(truncated, 1);
    assert_int_equal(cat->n, 1);
    assert_string_equal(cat->campaign, "seed=1 kick_norm=0.5 centers=random:3");
    assert_string_equal(cat->rows[0].configs, r.configs);
    assert_int_equal(pel_catalog_write(cat, path, &err), PEL_OK);
    pel_catalog_free(&cat);
    assert_int_equal(pel_catalog_read(path, &cat, &err), PEL_OK);
    assert_string_equal(cat->campaign, "seed=1 kick_norm=0.5 centers=random:3");
    pel_catalog_free(&cat);

    /* a catalog without the line (older pel) or of an older version */
    static const char *old[] = {PEL_CATALOG_HEADER "\n", PEL_CATALOG_HEADER_V2 "\n"};
    for (int i = 0; i < 2; i++) {
        write_file(path, old[i]);
        assert_int_equal(pel_catalog_recover(path, "seed=1", &cat, &truncated, &err), PEL_ESTATE);
        assert_non_null(strstr(err.msg, i ? "older pel" : "no campaign line"));
    }
}

/* Redundancy: equal E_saddle within the tolerance AND the same displaced set. */
static void test_redundancy(void **state)
{
    (void)state;
    int64_t a[3] = {1, 2, 3}, b[3] = {1, 2, 4};
    const double tol = PEL_CATALOG_SADDLE_TOL;
    pel_catalog_row rows[] = {
        make_row(5, PEL_ART_CONVERGED, -10.0, a, 3),             /* first of its kind */
        make_row(7, PEL_ART_CONVERGED, -10.0 + 0.5 * tol, a, 3), /* same saddle -> redundant */
        make_row(3, PEL_ART_CONVERGED, -10.0 + 3 * tol, a, 3),   /* energy differs -> kept */
        make_row(9, PEL_ART_CONVERGED, -10.0, b, 3),             /* atoms differ -> kept */
        make_row(11, PEL_ART_NO_EXIT, -10.0, a, 3),              /* failures never judged */
        make_row(8, PEL_ART_CONVERGED, -10.0 + 0.9 * tol, a, 2), /* subset differs -> kept */
    };
    const size_t n = sizeof rows / sizeof rows[0];
    const int expect[] = {PEL_ART_CONVERGED, PEL_ART_REDUNDANT, PEL_ART_CONVERGED, PEL_ART_CONVERGED,
                          PEL_ART_NO_EXIT, PEL_ART_CONVERGED};
    /* Two insertion orders give the same marking (search_id decides). */
    for (int order = 0; order < 2; order++) {
        pel_catalog cat = {0};
        pel_error err = {0};
        for (size_t i = 0; i < n; i++)
            assert_int_equal(pel_catalog_add(&cat, &rows[order ? n - 1 - i : i], &err), PEL_OK);
        for (int pass = 0; pass < 2; pass++) /* idempotent */
            assert_int_equal(pel_catalog_filter_redundant(&cat, tol), 1);
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < cat.n; k++)
                if (cat.rows[k].search_id == rows[i].search_id)
                    assert_int_equal(cat.rows[k].status, expect[i]);
        pel_catalog *pc = &cat;
        for (size_t i = 0; i < cat.n; i++)
            pel_catalog_row_clear(&cat.rows[i]);
        free(pc->rows);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),       cmocka_unit_test(test_torn_line_recovery),
        cmocka_unit_test(test_kill_during_write), cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_redundancy),       cmocka_unit_test(test_v1_catalog),
        cmocka_unit_test(test_forged_count),     cmocka_unit_test(test_recover_leaves_foreign_file),
        cmocka_unit_test(test_campaign_line),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
