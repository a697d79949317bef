/* test_util.c - strict parsing, atomic files and seed streams. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pel/util.h"
#include "testutil.h"

static void test_parse_double(void **state)
{
    (void)state;
    static const struct { const char *s; int ok; double v; } cases[] = {
        {"1.5", 1, 1.5}, {" -2e3 ", 1, -2000.0}, {"0x10", 1, 16.0}, {"1.5x", 0, 0}, {"", 0, 0},
        {"nan", 0, 0}, {"inf", 0, 0}, {"1e999", 0, 0}, {"abc", 0, 0}, {"4.2.1", 0, 0},
        /* underflow: subnormal (1e-320) or flushed to zero (1e-400), digits lost */
        {"1e-320", 0, 0}, {"-1e-400", 0, 0}, {"2.2250738585072014e-308", 1, 2.2250738585072014e-308},
        {"0", 1, 0.0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pel_error err = {0};
        double v = -99;
        int rc = pel_parse_double(cases[i].s, "--x", &v, &err);
        if (cases[i].ok) {
            assert_int_equal(rc, PEL_OK);
            assert_close(v, cases[i].v, 0, 0);
        } else {
            assert_int_equal(rc, PEL_EPARSE);
            assert_non_null(strstr(err.msg, "--x"));
        }
    }
}

static void test_parse_long(void **state)
{
    (void)state;
    long v;
    assert_int_equal(pel_parse_long("42", "n", &v, NULL), PEL_OK);
    assert_int_equal(v, 42);
    assert_int_equal(pel_parse_long("4.2", "n", &v, NULL), PEL_EPARSE);
    assert_int_equal(pel_parse_long("99999999999999999999999", "n", &v, NULL), PEL_EPARSE);
}

static void test_afile(void **state)
{
    (void)state;
    char path[] = "/tmp/pel_afile_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    FILE *fp = fopen(path, "w");
    fputs("old\n", fp);
    fclose(fp);
    pel_afile af;
    assert_int_equal(pel_afile_open(&af, path, NULL), PEL_OK);
    fputs("new\n", af.fp);
    pel_afile_abort(&af); /* aborted: old content survives */
    char buf[16] = {0};
    fp = fopen(path, "r");
    assert_non_null(fgets(buf, sizeof buf, fp));
    fclose(fp);
    assert_string_equal(buf, "old\n");
    assert_int_equal(pel_afile_open(&af, path, NULL), PEL_OK);
    fputs("new\n", af.fp);
    assert_int_equal(pel_afile_commit(&af, NULL), PEL_OK);
    fp = fopen(path, "r");
    assert_non_null(fgets(buf, sizeof buf, fp));
    fclose(fp);
    assert_string_equal(buf, "new\n");
    remove(path);
    pel_error err = {0};
    assert_int_equal(pel_afile_open(&af, "/nonexistent-dir/x.csv", &err), PEL_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent-dir/x.csv"));
}

/* A symlink planted under the temporary name the writer used before
 * (<path>.tmp.<pid>, predictable) must never redirect the write; a target
 * that is a FIFO or a symlink is refused and left as it is; the new file keeps
 * the permissions of the one it replaces and no temporary file is left. */
static void test_afile_hostile(void **state)
{
    (void)state;
    char dir[] = "/tmp/pel_afile_dir_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128], victim[128], planted[192], fifo[128], link[128];
    snprintf(path, sizeof path, "%s/out.csv", dir);
    snprintf(victim, sizeof victim, "%s/victim", dir);
    snprintf(planted, sizeof planted, "%s.tmp.%ld", path, (long)getpid());
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    snprintf(link, sizeof link, "%s/link", dir);
    FILE *fp = fopen(victim, "w");
    fputs("victim\n", fp);
    fclose(fp);
    assert_int_equal(symlink(victim, planted), 0);
    fp = fopen(path, "w");
    fputs("old\n", fp);
    fclose(fp);
    assert_int_equal(chmod(path, 0640), 0);

    pel_afile af;
    assert_int_equal(pel_afile_open(&af, path, NULL), PEL_OK);
    fputs("new\n", af.fp);
    assert_int_equal(pel_afile_commit(&af, NULL), PEL_OK);
    char buf[16] = {0};
    fp = fopen(victim, "r");
    assert_non_null(fgets(buf, sizeof buf, fp));
    fclose(fp);
    assert_string_equal(buf, "victim\n");
    fp = fopen(path, "r");
    assert_non_null(fgets(buf, sizeof buf, fp));
    fclose(fp);
    assert_string_equal(buf, "new\n");
    struct stat sb;
    assert_int_equal(lstat(path, &sb), 0);
    assert_true(S_ISREG(sb.st_mode));
    assert_int_equal(sb.st_mode & 0777, 0640);

    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(symlink(victim, link), 0);
    pel_error err = {0};
    assert_int_equal(pel_afile_open(&af, fifo, &err), PEL_EIO);
    assert_non_null(strstr(err.msg, "not a regular file"));
    assert_int_equal(pel_afile_open(&af, link, &err), PEL_EIO);
    assert_int_equal(lstat(fifo, &sb), 0);
    assert_true(S_ISFIFO(sb.st_mode));
    assert_int_equal(lstat(link, &sb), 0);
    assert_true(S_ISLNK(sb.st_mode));

    /* a failed write (stream error) leaves nothing behind */
    assert_int_equal(pel_afile_open(&af, path, NULL), PEL_OK);
    fputs("lost\n", af.fp);
    char tmp[256];
    snprintf(tmp, sizeof tmp, "%s", af.tmp_path);
    int fd = fileno(af.fp);
    close(fd); /* provoke a write error at flush */
    assert_int_equal(pel_afile_commit(&af, &err), PEL_EIO);
    assert_int_equal(access(tmp, F_OK), -1);
    fp = fopen(path, "r");
    assert_non_null(fgets(buf, sizeof buf, fp));
    fclose(fp);
    assert_string_equal(buf, "new\n");

    remove(planted);
    remove(victim);
    remove(fifo);
    remove(link);
    remove(path);
    assert_int_equal(rmdir(dir), 0);
}

static void test_seed_stream(void **state)
{
    (void)state;
    /* Distinct streams give distinct seeds; same input, same seed. */
    assert_true(pel_seed_stream(1, 0) != pel_seed_stream(1, 1));
    assert_true(pel_seed_stream(1, 0) != pel_seed_stream(2, 0));
    assert_true(pel_seed_stream(7, 3) == pel_seed_stream(7, 3));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_double),
        cmocka_unit_test(test_parse_long),
        cmocka_unit_test(test_afile),
        cmocka_unit_test(test_afile_hostile),
        cmocka_unit_test(test_seed_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
