/* test_art_run_campaign.c - an ART campaign from its parameters
 * (pel_art_campaign_prepare, pel_art_centers_select) and over two processes
 * (pel_art_run_comm): centres checked against the data file, the input
 * identity against a FNV-1a written here, and the catalog of a campaign run
 * by two forked processes over pipes against the one-process catalog, byte
 * for byte. */
#include "testutil.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pel/art_run.h"

#define GLASS "tests/data/art_cuzr250.data"

static pel_art_campaign *prepared(const char *centers, uint64_t seed)
{
    static pel_art_campaign c;
    pel_art_run_params p;
    pel_art_run_params_default(&p);
    p.seed = seed;
    p.searches_per_center = 2;
    p.nthreads = 1;
    p.art.max_force_calls = 1500;
    pel_error err = {0};
    int st = pel_art_campaign_prepare(pel_test_src(GLASS), PEL_EAM_DEFAULT_PATH, NULL, centers, &p, &c, &err);
    if (st)
        fail_msg("prepare: %s", err.msg);
    return &c;
}

/* random:K: K distinct atoms in index order, the same for the same seed and
 * not for another; ids: the atoms with those data-file ids, in order. */
static void test_centers(void **state)
{
    (void)state;
    pel_art_campaign *c = prepared("all", 1);
    const pel_system *sys = c->sys;
    size_t *a = NULL, *b = NULL, na, nb;
    pel_error err = {0};
    assert_int_equal(c->run.ncenters, sys->n);
    assert_int_equal(pel_art_centers_select("random:20", sys, 5, &a, &na, &err), PEL_OK);
    assert_int_equal(na, 20);
    for (size_t i = 0; i < na; i++) {
        assert_true(a[i] < sys->n);
        if (i)
            assert_true(a[i] > a[i - 1]); /* distinct, in index order */
    }
    assert_int_equal(pel_art_centers_select("random:20", sys, 5, &b, &nb, &err), PEL_OK);
    assert_memory_equal(a, b, 20 * sizeof *a);
    free(b);
    assert_int_equal(pel_art_centers_select("random:20", sys, 6, &b, &nb, &err), PEL_OK);
    assert_memory_not_equal(a, b, 20 * sizeof *a);
    free(a);
    free(b);
    long want[3] = {(long)sys->id[17], (long)sys->id[3], (long)sys->id[200]};
    char spec[96];
    snprintf(spec, sizeof spec, "ids:%ld,%ld,%ld", want[0], want[1], want[2]);
    assert_int_equal(pel_art_centers_select(spec, sys, 1, &a, &na, &err), PEL_OK);
    assert_int_equal(na, 3);
    assert_int_equal(a[0], 17);
    assert_int_equal(a[1], 3);
    assert_int_equal(a[2], 200);
    free(a);
    const char *bad[] = {"random:0", "random:251", "random:x", "ids:", "ids:999999", "bogus"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        a = (size_t *)&na; /* must come back NULL */
        assert_int_not_equal(pel_art_centers_select(bad[i], sys, 1, &a, &na, &err), PEL_OK);
        assert_null(a);
        assert_true(strlen(err.msg) > 0);
    }
    pel_art_campaign_free(c);
}

/* The campaign's input identity is the standard 64-bit FNV-1a of each file. */
static uint64_t fnv1a_file(const char *path, long long *size)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    uint64_t h = 0xcbf29ce484222325ULL; /* offset basis of the FNV-1a specification */
    int ch;
    *size = 0;
    while ((ch = fgetc(fp)) != EOF) {
        h = (h ^ (uint64_t)ch) * 0x100000001b3ULL;
        ++*size;
    }
    fclose(fp);
    return h;
}

static void test_inputs(void **state)
{
    (void)state;
    pel_art_campaign *c = prepared("random:4", 3);
    long long nd, np;
    uint64_t hd = fnv1a_file(pel_test_src(GLASS), &nd), hp = fnv1a_file(PEL_EAM_DEFAULT_PATH, &np);
    char want[400];
    snprintf(want, sizeof want,
             "data_fnv1a=%016llx data_bytes=%lld potential_fnv1a=%016llx potential_bytes=%lld elements=- "
             "centers=random:4",
             (unsigned long long)hd, nd, (unsigned long long)hp, np);
    assert_string_equal(c->inputs, want);
    assert_int_equal(c->run.ncenters, 4);
    assert_int_equal(c->minimised, 0); /* the glass is a minimum */
    pel_art_campaign_free(c);
    /* the FNV-1a test vector "a" */
    char path[] = "/tmp/pel_fnv_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0 && write(fd, "a", 1) == 1);
    close(fd);
    uint64_t h;
    int64_t n;
    pel_error err = {0};
    assert_int_equal(pel_file_fnv1a(path, &h, &n, &err), PEL_OK);
    unlink(path);
    assert_true(h == 0xaf63dc4c8601ec8cULL);
    assert_int_equal(n, 1);
}

/* ---------------------------------------------------------------------- */
/* Two processes: rank 0 is this process, rank 1 a forked child; the child
 * sends messages on one pipe, rank 0 broadcasts on the other. */
typedef struct pipes {
    int up[2];   /* rank 1 -> rank 0 */
    int down[2]; /* rank 0 -> rank 1 */
    int rank;
} pipes;

static int rw_all(int fd, void *buf, size_t n, int wr)
{
    for (char *p = buf; n > 0;) {
        ssize_t k = wr ? write(fd, p, n) : read(fd, p, n);
        if (k <= 0)
            return 1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

static int p_bcast(void *ctx, void *buf, size_t n)
{
    pipes *pp = ctx;
    return pp->rank == 0 ? rw_all(pp->down[1], buf, n, 1) : rw_all(pp->down[0], buf, n, 0);
}

static int p_send(void *ctx, int kind, const char *text, size_t n)
{
    pipes *pp = ctx;
    int64_t head[2] = {kind, (int64_t)n};
    return rw_all(pp->up[1], head, sizeof head, 1) || rw_all(pp->up[1], (void *)text, n, 1);
}

static int p_recv(void *ctx, int wait, int *kind, char **text, pel_error *err)
{
    pipes *pp = ctx;
    struct pollfd pf = {pp->up[0], POLLIN, 0};
    if (!wait && poll(&pf, 1, 0) <= 0)
        return -1;
    int64_t head[2];
    if (rw_all(pp->up[0], head, sizeof head, 0))
        return pel_error_set(err, PEL_EIO, "pipe closed");
    *kind = (int)head[0];
    *text = malloc((size_t)head[1] + 1);
    if (!*text || rw_all(pp->up[0], *text, (size_t)head[1], 0))
        return pel_error_set(err, PEL_EIO, "pipe closed");
    (*text)[head[1]] = '\0';
    return 0;
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    rewind(fp);
    char *s = malloc((size_t)n + 1);
    assert_true(fread(s, 1, (size_t)n, fp) == (size_t)n);
    s[n] = '\0';
    fclose(fp);
    return s;
}

/* Run the campaign on two processes (rank 1 with seed1); returns rank 0's
 * status and rank 1's exit status in *child. */
static int run_two(pel_art_campaign *c, uint64_t seed1, const char *path, int *child, pel_error *err)
{
    pipes pp;
    assert_int_equal(pipe(pp.up), 0);
    assert_int_equal(pipe(pp.down), 0);
    pel_art_run_comm comm = {0, 2, p_bcast, p_send, p_recv, &pp};
    pel_art_run_stats s;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        pp.rank = comm.rank = 1;
        c->run.comm = &comm;
        c->run.seed = seed1;
        pel_error e = {0};
        _exit(pel_art_run(c->pot, c->sys, &c->run, path, &s, NULL, NULL, &e) == PEL_OK ? 0 : 3);
    }
    pp.rank = 0;
    c->run.comm = &comm;
    int st = pel_art_run(c->pot, c->sys, &c->run, path, &s, NULL, NULL, err);
    c->run.comm = NULL;
    int ws;
    waitpid(pid, &ws, 0);
    *child = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
    for (int i = 0; i < 2; i++) {
        close(pp.up[i]);
        close(pp.down[i]);
    }
    return st;
}

static void test_two_processes(void **state)
{
    (void)state;
    pel_art_campaign *c = prepared("random:2", 3);
    char dir[] = "/tmp/pel_art2_XXXXXX", one[64], two[64], bad[64];
    assert_non_null(mkdtemp(dir));
    snprintf(one, sizeof one, "%s/one.csv", dir);
    snprintf(two, sizeof two, "%s/two.csv", dir);
    snprintf(bad, sizeof bad, "%s/bad.csv", dir);
    pel_art_run_stats s;
    pel_error err = {0};
    assert_int_equal(pel_art_run(c->pot, c->sys, &c->run, one, &s, NULL, NULL, &err), PEL_OK);
    assert_int_equal(s.done, 4);
    int child;
    int st = run_two(c, 3, two, &child, &err);
    if (st)
        fail_msg("two processes: %s", err.msg);
    assert_int_equal(child, 0);
    char *a = slurp(one), *b = slurp(two);
    assert_string_equal(a, b);
    free(a);
    free(b);
    /* rank 1 given another seed: both refuse before anything is written */
    st = run_two(c, 4, bad, &child, &err);
    assert_int_equal(st, PEL_ESTATE);
    assert_non_null(strstr(err.msg, "another campaign"));
    assert_int_not_equal(child, 0);
    assert_int_not_equal(access(bad, F_OK), 0);
    unlink(one);
    unlink(two);
    unlink(bad);
    rmdir(dir);
    pel_art_campaign_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_centers),
        cmocka_unit_test(test_inputs),
        cmocka_unit_test(test_two_processes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
