/* test_system.c - LAMMPS data files (round trip, LAMMPS-written files, layout
 * variants, each bad-input class), the random liquid generator, wrapping,
 * kinetic energy/temperature and the trajectory writers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pel/system.h"
#include "testutil.h"

static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/pel_test_sys_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    return pel_test_sh(cmd) == 0 ? 0 : -1;
}

static const char *tpath(const char *name)
{
    static char buf[256];
    snprintf(buf, sizeof buf, "%s/%s", tmpdir, name);
    return buf;
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static pel_system *liquid(size_t n, uint64_t seed)
{
    pel_liquid_params lp;
    pel_liquid_params_cuzr(&lp, n, 0.56, 0.0587, seed);
    pel_system *s = NULL;
    pel_error err = {0};
    assert_int_equal(pel_system_random_liquid(&lp, &s, &err), PEL_OK);
    return s;
}

static void test_roundtrip(void **state)
{
    (void)state;
    pel_system *s = liquid(120, 3), *r = NULL;
    for (size_t i = 0; i < 3 * s->n; i++) {
        s->v[i] = sin((double)i) * 3.3;
        s->image[i] = (int)(i % 5) - 2;
    }
    s->has_velocities = 1;
    pel_error err = {0};
    const char *p = tpath("rt.data");
    assert_int_equal(pel_system_write_data(s, p, "round trip", &err), PEL_OK);
    assert_int_equal(pel_system_read_data(p, NULL, &r, &err), PEL_OK);
    assert_int_equal(r->n, s->n);
    assert_int_equal(r->ntypes, 2);
    assert_true(r->has_velocities);
    assert_string_equal(r->elem[0], "Cu");
    assert_string_equal(r->elem[1], "Zr");
    assert_true(r->mass[1] == s->mass[1]);
    for (int d = 0; d < 3; d++)
        assert_true(r->len[d] == s->len[d] && r->lo[d] == s->lo[d]);
    for (size_t i = 0; i < s->n; i++) {
        assert_int_equal(r->id[i], s->id[i]);
        assert_int_equal(r->type[i], s->type[i]);
    }
    for (size_t i = 0; i < 3 * s->n; i++) { /* %.17g is exact */
        assert_true(r->x[i] == s->x[i]);
        assert_true(r->v[i] == s->v[i]);
        assert_int_equal(r->image[i], s->image[i]);
    }
    /* Unwrapped positions are written wrapped with adjusted image flags. */
    s->x[0] += 2 * s->len[0];
    assert_int_equal(pel_system_write_data(s, p, NULL, &err), PEL_OK);
    pel_system_free(&r);
    assert_int_equal(pel_system_read_data(p, "Cu,Zr", &r, &err), PEL_OK);
    assert_close(r->x[0], s->x[0] - 2 * s->len[0], 1e-14, 1e-12);
    assert_int_equal(r->image[0], s->image[0] + 2);
    pel_system_free(&r);
    pel_system_free(&s);
    /* No temp file is left behind by the atomic writer. */
    char cmd[256];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls %s | grep tmp)\"", tmpdir);
    assert_int_equal(pel_test_sh(cmd), 0);
}

/* A file written by LAMMPS write_data reads back to the same atoms. */
static void test_lammps_written(void **state)
{
    (void)state;
    if (pel_test_sh("command -v lmp >/dev/null 2>&1") != 0)
        skip();
    pel_system *s = liquid(80, 4), *r = NULL;
    for (size_t i = 0; i < 3 * s->n; i++)
        s->v[i] = cos((double)i);
    s->has_velocities = 1;
    pel_error err = {0};
    assert_int_equal(pel_system_write_data(s, tpath("in.data"), NULL, &err), PEL_OK);
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "cd %s && printf 'units metal\\natom_style atomic\\nread_data in.data\\nwrite_data out.data\\n' > w.in && "
             "lmp -in w.in -log none -screen none -nocite",
             tmpdir);
    assert_int_equal(pel_test_sh(cmd), 0);
    assert_int_equal(pel_system_read_data(tpath("out.data"), "Cu,Zr", &r, &err), PEL_OK);
    assert_int_equal(r->n, s->n);
    assert_true(r->has_velocities);
    for (size_t i = 0; i < 3 * s->n; i++) {
        assert_close(r->x[i], s->x[i], 1e-15, 1e-13);
        assert_close(r->v[i], s->v[i], 1e-15, 1e-14);
    }
    assert_close(r->mass[0], 63.546, 0, 1e-12);
    pel_system_free(&r);
    pel_system_free(&s);
}

/* Layout variants: no image flags, no Masses, comments, ids out of order. */
static void test_variants(void **state)
{
    (void)state;
    const char *text = "# title line\n\n 3 atoms  # count\n 2 atom types\n"
                       " -1 4 xlo xhi\n0 5 ylo yhi\n0 6 zlo zhi\n0 0 0 xy xz yz\n\n"
                       "Masses\n\n1 63.5 # copper mass\n2 91.2 #Zr\n\n"
                       "Atoms\n\n3 2 1.0 1.0 1.0\n1 1 0.5 0.5 0.5 # first\n2 1 3.9 4.9 5.9\n";
    write_text(tpath("v.data"), text);
    pel_system *s = NULL;
    pel_error err = {0};
    assert_int_equal(pel_system_read_data(tpath("v.data"), NULL, &s, &err), PEL_OK);
    assert_int_equal(s->n, 3);
    assert_int_equal(s->id[0], 1);
    assert_int_equal(s->id[2], 3);
    assert_int_equal(s->type[2], 1);
    assert_close(s->lo[0], -1, 0, 0);
    assert_close(s->len[0], 5, 0, 0);
    assert_close(s->x[3 * 1 + 2], 5.9, 0, 0);
    assert_false(s->has_velocities);
    assert_string_equal(s->elem[0], ""); /* "copper mass" is not a symbol */
    assert_string_equal(s->elem[1], "Zr");
    assert_close(s->mass[1], 91.2, 0, 0);
    pel_system_free(&s);
}

static void test_bad_data(void **state)
{
    (void)state;
    static const struct {
        const char *text, *elements;
        int code;
        const char *key;
    } bad[] = {
        {"t\n\n2 atoms\n1 atom types\n0 5 xlo xhi\n0 5 ylo yhi\n0 5 zlo zhi\n\nAtoms\n\n1 1 1 1 1\n2 1 2 2 2.x\n", NULL,
         PEL_EPARSE, "bad.data:12"},
        {"t\n\n2 atoms\n1 atom types\n0 5 xlo xhi\n0 5 ylo yhi\n0 5 zlo zhi\n\nAtoms\n\n1 1 1 1 1\n2 1 2 2 nan\n", NULL,
         PEL_EPARSE, "not a finite"},
        {"t\n\n2 atoms\n1 atom types\n0 5 xlo xhi\n0 5 ylo yhi\n0 5 zlo zhi\n\nAtoms\n\n1 1 1 1 1\n2 1 2 7 2\n", NULL,
         PEL_EINVAL, "atom 2 is outside the box"},
        {"t\n\n2 atoms\n1 atom types\n0 5 xlo xhi\n0 5 ylo yhi\n0 5 zlo zhi\n\nAtoms\n\n1 1 1 1 1\n1 1 2 2 2\n", NULL,
         PEL_EPARSE, "duplicate atom id 1"},
        {"t\n\n2 atoms\n1 atom types\n0 5 xlo xhi\n0 5 ylo yhi\n0 5 zlo zhi\n\nAtoms\n\n1 1 1 1 1\n", NULL, PEL_EPARSE,
         "end of file"},
        {"t\n\n2 atoms\n1 atom types\n0 5 xlo xhi\n0 5 ylo yhi\n\nAtoms\n\n1 1 1 1 1\n2 1 2 2 2\n", NULL, PEL_EPARSE,
         "header lacks"},
        {"t\n\n1 atoms\n1 atom types\n0 5 xlo xhi\n0 5 ylo yhi\n0 5 zlo zhi\n3 0 0 xy xz yz\n\nAtoms\n\n1 1 1 1 1\n",
         NULL, PEL_EINVAL, "bad.data:8: tilt xy = 3 is outside [-2.5, 2.5]"},
        {"t\n\n1 atoms\n1 atom types\n0 5 xlo xhi\n0 5 ylo yhi\n0 5 zlo zhi\n2 0 0 xy xz yz\n\nAtoms\n\n1 1 0.5 4.9 1\n",
         NULL, PEL_EINVAL, "atom 1 is outside the triclinic box (lamda x"},
        {"t\n\n1 atoms\n1 atom types\n0 5 xlo xhi\n0 5 ylo yhi\n0 5 zlo zhi\n\nAtoms # sphere\n\n1 1 1 1 1 1 1\n", NULL,
         PEL_EPARSE, "atom_style sphere is not supported (atomic, charge, full)"},
        {"t\n\n1 atoms\n1 atom types\n0 5 xlo xhi\n0 5 ylo yhi\n0 5 zlo zhi\n\nAtoms # full\n\n1 1 1 0 1 1\n", NULL,
         PEL_EPARSE, "atom_style full needs 7 or 10"},
        {"t\n\n1 atoms\n1 atom types\n0 5 xlo xhi\n0 5 ylo yhi\n0 5 zlo zhi\n\nMasses\n\n1 1e-320\n", NULL,
         PEL_EPARSE, "bad.data:11"},
        {"t\n\n1 atoms\n1 atom types\n0 5 xlo xhi\n0 5 ylo yhi\n0 5 zlo zhi\n\nAtoms\n\n1 3 1 1 1\n", NULL, PEL_EPARSE,
         "type 3"},
        {"t\n\n1 atoms\n1 atom types\n0 5 xlo xhi\n0 5 ylo yhi\n0 5 zlo zhi\n\nAtoms\n\n1 1 1 1\n", NULL, PEL_EPARSE,
         "Atoms line"},
        {"t\n\n1 atoms\n1 atom types\n0 5 xlo xhi\n0 5 ylo yhi\n0 5 zlo zhi\n\nAtoms\n\n1 1 1 1 1\n", "Cu,Zr",
         PEL_EINVAL, "need 1 names"},
        {"t\n\n1 atoms\n1 atom types\n0 5 xlo xhi\n0 5 ylo yhi\n0 5 zlo zhi\n\nAtoms\n\n1 1 1 1 1\n\nVelocities\n\n"
         "4 0 0 0\n",
         NULL, PEL_EPARSE, "unknown atom id 4"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        write_text(tpath("bad.data"), bad[k].text);
        pel_system *s = (pel_system *)&k;
        pel_error err = {0};
        int rc = pel_system_read_data(tpath("bad.data"), bad[k].elements, &s, &err);
        if (rc != bad[k].code || !strstr(err.msg, bad[k].key) || !strstr(err.msg, "bad.data"))
            fail_msg("case %zu: rc %d, message '%s' (want %d, '%s')", k, rc, err.msg, bad[k].code, bad[k].key);
        assert_null(s);
    }
    pel_system *s = NULL;
    pel_error err = {0};
    assert_int_equal(pel_system_read_data(tpath("missing.data"), NULL, &s, &err), PEL_EIO);
    assert_non_null(strstr(err.msg, "missing.data"));
    /* Overlapping atoms across the periodic boundary name both ids. */
    write_text(tpath("ov.data"), "t\n\n3 atoms\n1 atom types\n0 5 xlo xhi\n0 5 ylo yhi\n0 5 zlo zhi\n\nAtoms\n\n"
                                 "7 1 0.1 1 1\n8 1 2.5 2.5 2.5\n9 1 4.8 1 1\n");
    assert_int_equal(pel_system_read_data(tpath("ov.data"), NULL, &s, &err), PEL_OK);
    assert_int_equal(pel_system_check_overlap(s, 0.5, &err), PEL_EINVAL);
    assert_non_null(strstr(err.msg, "atoms 7 and 9"));
    assert_int_equal(pel_system_check_overlap(s, 0.2, &err), PEL_OK);
    pel_system_free(&s);
}

static void test_generator(void **state)
{
    (void)state;
    pel_system *a = liquid(500, 9), *b = liquid(500, 9), *c = liquid(500, 10);
    size_t ncu = 0;
    int differ = 0;
    for (size_t i = 0; i < a->n; i++) {
        ncu += a->type[i] == 0;
        for (int d = 0; d < 3; d++) {
            assert_true(a->x[3 * i + d] == b->x[3 * i + d]);
            assert_true(a->x[3 * i + d] >= 0 && a->x[3 * i + d] < a->len[d]);
            differ |= a->x[3 * i + d] != c->x[3 * i + d];
        }
    }
    assert_true(differ);
    assert_int_equal(ncu, 280); /* round(0.56 * 500) */
    assert_close(a->n / pel_system_volume(a), 0.0587, 1e-12, 0);
    pel_error err = {0};
    assert_int_equal(pel_system_check_overlap(a, 2.0, &err), PEL_OK);
    /* Impossible packing fails cleanly. */
    pel_liquid_params lp;
    pel_liquid_params_cuzr(&lp, 200, 0.5, 0.1, 1);
    lp.rmin = 3.0;
    pel_system *d = (pel_system *)&lp;
    assert_int_equal(pel_system_random_liquid(&lp, &d, &err), PEL_ENOCONV);
    assert_null(d);
    pel_system_free(&a);
    pel_system_free(&b);
    pel_system_free(&c);
}

static void test_wrap_and_kinetics(void **state)
{
    (void)state;
    pel_system *s = NULL;
    pel_error err = {0};
    assert_int_equal(pel_system_new(&s, 2, 1, &err), PEL_OK);
    for (int d = 0; d < 3; d++) {
        s->lo[d] = -1.0;
        s->len[d] = 4.0;
    }
    s->x[0] = 7.5;   /* two boxes up: 7.5 - 8 = -0.5 */
    s->x[1] = -5.5;  /* one box down: -5.5 + 4 = -1.5 -> again: 2.5, image -2 */
    s->x[2] = 3.0;   /* exactly hi -> lo */
    pel_system_wrap(s);
    assert_close(s->x[0], -0.5, 0, 1e-15);
    assert_int_equal(s->image[0], 2);
    assert_close(s->x[1], 2.5, 0, 1e-15);
    assert_int_equal(s->image[1], -2);
    assert_close(s->x[2], -1.0, 0, 1e-15);
    assert_int_equal(s->image[2], 1);
    /* KE = 1/2 m v^2 mvv2e; T = 2 KE / ((3N-3) kB). */
    s->mass[0] = 50.0;
    s->v[0] = 2.0;
    s->v[4] = -2.0;
    double ke = 0.5 * 50.0 * 8.0 * 1.0364269e-4;
    assert_close(pel_system_kinetic(s), ke, 1e-15, 0);
    assert_close(pel_system_temperature(s), 2 * ke / (3 * 8.617343e-5), 1e-15, 0);
    pel_system_free(&s);
}

static void test_trajectory_writers(void **state)
{
    (void)state;
    pel_system *s = liquid(20, 5);
    s->x[0] -= s->len[0]; /* written wrapped */
    pel_error err = {0};
    FILE *fp = fopen(tpath("t.xyz"), "w");
    assert_int_equal(pel_system_write_extxyz(s, fp, "Time=1.5", &err), PEL_OK);
    assert_int_equal(pel_system_write_extxyz(s, fp, NULL, &err), PEL_OK);
    fclose(fp);
    fp = fopen(tpath("t.xyz"), "r");
    char line[1024];
    size_t n;
    assert_non_null(fgets(line, sizeof line, fp));
    assert_int_equal(sscanf(line, "%zu", &n), 1);
    assert_int_equal(n, 20);
    assert_non_null(fgets(line, sizeof line, fp));
    double lx;
    assert_int_equal(sscanf(line, "Lattice=\"%lf", &lx), 1);
    assert_true(lx == s->len[0]);
    assert_non_null(strstr(line, "Properties=species:S:1:pos:R:3"));
    assert_non_null(strstr(line, "Time=1.5"));
    char el[8];
    double x[3];
    assert_non_null(fgets(line, sizeof line, fp));
    assert_int_equal(sscanf(line, "%7s %lf %lf %lf", el, &x[0], &x[1], &x[2]), 4);
    assert_string_equal(el, s->elem[s->type[0]]);
    assert_close(x[0], s->x[0] + s->len[0], 1e-15, 1e-14);
    fclose(fp);
    /* LAMMPS dump frames: LAMMPS itself reads them back (rerun) if present. */
    fp = fopen(tpath("t.dump"), "w");
    assert_int_equal(pel_system_write_dump(s, fp, 0, &err), PEL_OK);
    assert_int_equal(pel_system_write_dump(s, fp, 10, &err), PEL_OK);
    fclose(fp);
    int lines = 0;
    fp = fopen(tpath("t.dump"), "r");
    while (fgets(line, sizeof line, fp))
        lines++;
    fclose(fp);
    assert_int_equal(lines, 2 * (9 + 20));
    if (pel_test_sh("command -v lmp >/dev/null 2>&1") == 0) {
        assert_int_equal(pel_system_write_data(s, tpath("d.data"), NULL, &err), PEL_OK);
        char cmd[768];
        snprintf(cmd, sizeof cmd,
                 "cd %s && printf 'units metal\\natom_style atomic\\nread_data d.data\\n"
                 "read_dump t.dump 10 x y z box yes\\nwrite_data back.data\\n' > r.in && "
                 "lmp -in r.in -log none -screen none -nocite",
                 tmpdir);
        assert_int_equal(pel_test_sh(cmd), 0);
        pel_system *r = NULL;
        assert_int_equal(pel_system_read_data(tpath("back.data"), "Cu,Zr", &r, &err), PEL_OK);
        assert_close(r->x[0], s->x[0] + s->len[0], 1e-15, 1e-13);
        assert_close(r->x[59], s->x[59], 1e-15, 1e-13);
        pel_system_free(&r);
    }
    pel_system_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),      cmocka_unit_test(test_lammps_written),
        cmocka_unit_test(test_variants),       cmocka_unit_test(test_bad_data),
        cmocka_unit_test(test_generator),      cmocka_unit_test(test_wrap_and_kinetics),
        cmocka_unit_test(test_trajectory_writers),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
