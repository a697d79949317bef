/* test_traj.c - trajectory files against the programs that write them:
 * LAMMPS dumps written by `lmp` in the test read back exactly (positions,
 * image flags, velocities against LAMMPS's own data files of the same
 * steps); extended XYZ written by ASE (Debian python3-ase, in the test) read
 * back exactly as ASE reads it; files pel writes read by ASE identically;
 * bad files refused with a message naming the line.  Also the type-to-element
 * map (by name, by mass, never by position) and neighbour-list bounds. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pel/eam.h"
#include "pel/neighbor.h"
#include "pel/system.h"
#include "pel/traj.h"
#include "testutil.h"

#define PY "/usr/bin/python3"
#define POTDIR "/usr/share/lammps/potentials/"

static char dir[] = "/tmp/pel_test_traj_XXXXXX";

static const char *tpath(const char *name)
{
    static char buf[8][600];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static int have(const char *cmd) { return pel_test_sh(cmd) == 0; }

/* All frames of a trajectory. */
static size_t read_all(const char *path, const char *elements, pel_system **frames, size_t cap, pel_error *err)
{
    pel_traj *tr = NULL;
    assert_int_equal(pel_traj_open(&tr, path, elements, err), PEL_OK);
    size_t n = 0;
    pel_frame_info info;
    for (;;) {
        pel_system *s = NULL;
        int rc = pel_traj_next(tr, &s, &info, err);
        if (rc)
            fail_msg("%s", err->msg);
        if (!s)
            break;
        assert_true(n < cap);
        assert_int_equal(info.index, (long)n);
        frames[n++] = s;
    }
    pel_traj_close(&tr);
    return n;
}

static void assert_same_atoms(const pel_system *a, const pel_system *b, double xtol, int check_v)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        assert_int_equal(a->id[i], b->id[i]);
        assert_int_equal(a->type[i], b->type[i]);
        for (int d = 0; d < 3; d++) {
            assert_close(a->x[3 * i + d], b->x[3 * i + d], 0, xtol);
            assert_int_equal(a->image[3 * i + d], b->image[3 * i + d]);
            if (check_v)
                assert_true(a->v[3 * i + d] == b->v[3 * i + d]);
        }
    }
    for (int d = 0; d < 3; d++) {
        assert_true(a->lo[d] == b->lo[d]);
        assert_close(a->len[d], b->len[d], 0, 1e-14 * b->len[d]);
    }
}

/* Dumps written by LAMMPS: frame 0 equals the data file LAMMPS read, the
 * last frame the data file LAMMPS wrote after the run (write_data, 17
 * digits); the element/scaled dump equals them to rounding of xs*len. */
static void test_lammps_dump(void **state)
{
    (void)state;
    if (!have("command -v lmp >/dev/null 2>&1"))
        skip();
    char in[2048], cmd[2600];
    snprintf(in, sizeof in,
             "units metal\natom_style atomic\nread_data %s\n"
             "pair_style eam/fs\npair_coeff * * " POTDIR "CuZr_mm.eam.fs Cu Zr\nfix 1 all nve\n"
             "dump a all custom 10 %s id type x y z ix iy iz vx vy vz\n"
             "dump_modify a format float %%.17g sort id units yes time yes\n"
             "dump b all custom 10 %s id element xs ys zs\ndump_modify b element Cu Zr format float %%.17g\n"
             "run 20\nwrite_data %s\n",
             pel_test_src("tests/data/cuzr64.data"), tpath("a.dump"), tpath("b.dump"), tpath("last.data"));
    write_text(tpath("in.lmp"), in);
    snprintf(cmd, sizeof cmd, "cd %s && lmp -in in.lmp -log none -screen none -nocite", dir);
    assert_int_equal(pel_test_sh(cmd), 0);
    pel_error err = {0};
    pel_system *first = NULL, *last = NULL, *fa[4] = {0}, *fb[4] = {0};
    assert_int_equal(pel_system_read_data(pel_test_src("tests/data/cuzr64.data"), NULL, &first, &err), PEL_OK);
    assert_int_equal(pel_system_read_data(tpath("last.data"), "Cu,Zr", &last, &err), PEL_OK);
    assert_int_equal(read_all(tpath("a.dump"), NULL, fa, 4, &err), 3);
    assert_int_equal(read_all(tpath("b.dump"), "Cu,Zr", fb, 4, &err), 3);
    assert_true(fa[0]->has_velocities && !fb[0]->has_velocities);
    assert_same_atoms(fa[0], first, 0, 1);
    assert_same_atoms(fa[2], last, 0, 1);
    assert_string_equal(fb[2]->elem[1], "Zr");
    /* Scaled coordinates carry no image flags: compare positions only. */
    for (size_t i = 0; i < last->n; i++)
        for (int d = 0; d < 3; d++)
            assert_close(fb[2]->x[3 * i + d], last->x[3 * i + d], 0, 1e-12 * last->len[d]);
    for (int k = 0; k < 3; k++) {
        pel_system_free(&fa[k]);
        pel_system_free(&fb[k]);
    }
    pel_system_free(&first);
    pel_system_free(&last);
}

/* pel's dump writer, every column set, read back exactly by pel's reader. */
static void test_dump_roundtrip(void **state)
{
    (void)state;
    pel_error err = {0};
    pel_system *s = NULL, *back[2] = {0};
    assert_int_equal(pel_system_read_data(pel_test_src("tests/data/cuzr64.data"), NULL, &s, &err), PEL_OK);
    FILE *fp = fopen(tpath("rt.dump"), "w");
    assert_non_null(fp);
    assert_int_equal(pel_dump_write(s, fp, 7, PEL_TRAJ_IMAGES | PEL_TRAJ_VELOCITIES, &err), PEL_OK);
    assert_int_equal(pel_dump_write(s, fp, 9, PEL_TRAJ_ELEMENT | PEL_TRAJ_SCALED, &err), PEL_OK);
    fclose(fp);
    assert_int_equal(read_all(tpath("rt.dump"), "Cu,Zr", back, 2, &err), 2);
    assert_same_atoms(back[0], s, 0, 1);
    for (size_t i = 0; i < 3 * s->n; i++)
        assert_close(back[1]->x[i], s->x[i], 0, 1e-13 * s->len[0]);
    pel_system_free(&back[0]);
    pel_system_free(&back[1]);
    pel_system_free(&s);
}

/* ASE writes two frames; ASE's own reading, printed at 17 digits, is the truth. */
static void test_ase_writes(void **state)
{
    (void)state;
    if (!have(PY " -c 'import ase.io' >/dev/null 2>&1"))
        skip();
    write_text(tpath("w.py"),
               "import numpy as np, ase, ase.io\n"
               "rng = np.random.default_rng(5)\n"
               "frames = []\n"
               "for k in range(2):\n"
               "    L = np.array([10.5, 11.25, 9.75]) * (1 + 0.01 * k)\n"
               "    a = ase.Atoms(['Cu', 'Zr', 'Cu', 'Cu', 'Zr'], positions=rng.random((5, 3)) * L,\n"
               "                  cell=np.diag(L), pbc=True)\n"
               "    a.info['energy'] = -20.5 - k\n"
               "    frames.append(a)\n"
               "ase.io.write('ase.xyz', frames, format='extxyz')\n"
               "with open('ref.txt', 'w') as f:\n"
               "    for a in ase.io.read('ase.xyz', index=':'):\n"
               "        f.write(' '.join('%.17g' % a.cell[d, d] for d in range(3)) + '\\n')\n"
               "        for s, p in zip(a.get_chemical_symbols(), a.positions):\n"
               "            f.write(s + ' ' + ' '.join('%.17g' % v for v in p) + '\\n')\n");
    char cmd[800];
    snprintf(cmd, sizeof cmd, "cd %s && " PY " w.py", dir);
    assert_int_equal(pel_test_sh(cmd), 0);
    pel_error err = {0};
    pel_traj *tr = NULL;
    assert_int_equal(pel_traj_open(&tr, tpath("ase.xyz"), "Cu,Zr", &err), PEL_OK);
    FILE *ref = fopen(tpath("ref.txt"), "r");
    assert_non_null(ref);
    for (int k = 0; k < 2; k++) {
        pel_system *s = NULL;
        pel_frame_info info;
        assert_int_equal(pel_traj_next(tr, &s, &info, &err), PEL_OK);
        assert_non_null(s);
        double L[3], e;
        assert_int_equal(fscanf(ref, "%lf %lf %lf", &L[0], &L[1], &L[2]), 3);
        for (int d = 0; d < 3; d++)
            assert_true(s->len[d] == L[d]);
        assert_int_equal(pel_traj_info_double(tr, "energy", &e, &err), 1);
        assert_true(e == -20.5 - k);
        for (size_t i = 0; i < 5; i++) {
            char el[8];
            double x[3];
            assert_int_equal(fscanf(ref, "%7s %lf %lf %lf", el, &x[0], &x[1], &x[2]), 4);
            assert_string_equal(s->elem[s->type[i]], el);
            for (int d = 0; d < 3; d++)
                assert_true(s->x[3 * i + d] == x[d]);
        }
        pel_system_free(&s);
    }
    fclose(ref);
    pel_traj_close(&tr);
}

/* pel writes (velocities, energy, nonzero origin); ASE reads the same numbers. */
static void test_ase_reads(void **state)
{
    (void)state;
    if (!have(PY " -c 'import ase.io' >/dev/null 2>&1"))
        skip();
    pel_error err = {0};
    pel_system *s = NULL;
    assert_int_equal(pel_system_read_data(pel_test_src("tests/data/cuzr64.data"), NULL, &s, &err), PEL_OK);
    FILE *fp = fopen(tpath("pel.xyz"), "w");
    assert_non_null(fp);
    assert_int_equal(pel_extxyz_write(s, fp, PEL_TRAJ_VELOCITIES, -123.25, "Step=3", &err), PEL_OK);
    fclose(fp);
    write_text(tpath("r.py"),
               "import ase.io\n"
               "a = ase.io.read('pel.xyz', format='extxyz')\n"
               "with open('back.txt', 'w') as f:\n"
               "    f.write('%.17g %d %s\\n' % (a.info['energy'], a.info['Step'], ' '.join('%.17g' % a.cell[d, d] for d in range(3))))\n"
               "    for s, p, v in zip(a.get_chemical_symbols(), a.positions, a.arrays['velo']):\n"
               "        f.write(s + ' ' + ' '.join('%.17g' % x for x in list(p) + list(v)) + '\\n')\n");
    char cmd[800];
    snprintf(cmd, sizeof cmd, "cd %s && " PY " r.py", dir);
    assert_int_equal(pel_test_sh(cmd), 0);
    FILE *ref = fopen(tpath("back.txt"), "r");
    assert_non_null(ref);
    double e, L[3];
    long step;
    assert_int_equal(fscanf(ref, "%lf %ld %lf %lf %lf", &e, &step, &L[0], &L[1], &L[2]), 5);
    assert_true(e == -123.25);
    assert_int_equal(step, 3);
    for (int d = 0; d < 3; d++)
        assert_true(L[d] == s->len[d]);
    for (size_t i = 0; i < s->n; i++) {
        char el[8];
        double x[6], xw[3];
        int im[3];
        assert_int_equal(fscanf(ref, "%7s %lf %lf %lf %lf %lf %lf", el, &x[0], &x[1], &x[2], &x[3], &x[4], &x[5]), 7);
        assert_string_equal(el, s->elem[s->type[i]]);
        pel_system_wrapped(s, i, xw, im);
        for (int d = 0; d < 3; d++) {
            assert_true(x[d] == xw[d]);
            assert_true(x[3 + d] == s->v[3 * i + d]);
        }
    }
    fclose(ref);
    pel_system_free(&s);
}

/* Broken or unsupported files: one error naming the file and line. */
static void test_bad_traj(void **state)
{
    (void)state;
    static const char head[] = "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n2\n";
    static const char box[] = "ITEM: BOX BOUNDS pp pp pp\n0 10\n0 10\n0 10\n";
    char long_line[5000];
    memset(long_line, '1', sizeof long_line - 2);
    long_line[sizeof long_line - 2] = '\n';
    long_line[sizeof long_line - 1] = '\0';
    char text[16][6000];
    const char *key[16];
    int nb = 0;
    snprintf(text[nb], sizeof text[nb], "%s%sITEM: ATOMS id type x y z\n1 1 1 1 1\n", head, box);
    key[nb++] = "bad.traj:10: end of file after 1 of 2 atoms (torn frame)";
    snprintf(text[nb], sizeof text[nb], "%sITEM: BOX BOUNDS xy xz yz pp pp ff\n0 10 1\n0 10 0\n0 10 0\n", head);
    key[nb++] = "bad.traj:5: only periodic boxes";
    snprintf(text[nb], sizeof text[nb], "%sITEM: BOX BOUNDS pp pp ff\n0 10\n0 10\n0 10\n", head);
    key[nb++] = "only periodic boxes";
    snprintf(text[nb], sizeof text[nb],
             "%sITEM: BOX BOUNDS xy xz yz pp pp pp\n0 16 6\n0 10 0\n0 10 0\nITEM: ATOMS id type x y z\n1 1 1 1 1\n2 1 2 2 2\n",
             head);
    key[nb++] = "frame 0: tilt xy = 6 is outside [-5, 5]";
    snprintf(text[nb], sizeof text[nb], "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n1000000000\n%s", box);
    key[nb++] = "bad.traj:4: 1000000000 atoms cannot fit";
    snprintf(text[nb], sizeof text[nb], "%s%sITEM: ATOMS id type x y z\n%s", head, box, long_line);
    key[nb++] = "bad.traj:10: line longer than 4096";
    snprintf(text[nb], sizeof text[nb], "%s%sITEM: ATOMS id type x y z\n1 1 1 1 1\n2 1 1 1 inf\n", head, box);
    key[nb++] = "bad.traj:11";
    snprintf(text[nb], sizeof text[nb], "2\nLattice=\"10 0 0 1 10 0 0 0 -10\" Properties=species:S:1:pos:R:3\nCu 1 1 1\n");
    key[nb++] = "bad.traj:2: Lattice is not a right-handed cell";
    snprintf(text[nb], sizeof text[nb], "1\nLattice=\"10 0 0 0 10 0 0 0 10\" pbc=\"T T F\"\nCu 1 1 1\n");
    key[nb++] = "non-periodic cells are not supported";
    snprintf(text[nb], sizeof text[nb], "1\nProperties=species:S:1:pos:R:3\nCu 1 1 1\n");
    key[nb++] = "no Lattice";
    snprintf(text[nb], sizeof text[nb], "1\nLattice=\"10 0 0 0 10 0 0 0 10\"\nAl 1 1 1\n");
    key[nb++] = "bad.traj:3: element Al is not in the element list";
    snprintf(text[nb], sizeof text[nb], "2\nLattice=\"10 0 0 0 10 0 0 0 10\"\nCu 1 1 1\n");
    key[nb++] = "torn frame";
    snprintf(text[nb], sizeof text[nb],
             "2\nLattice=\"10 0 0 0 10 0 0 0 10\" Properties=species:S:1:pos:R:3:id:I:1\nCu 1 1 1 5\nCu 2 2 2 5\n");
    key[nb++] = "frame 0: duplicate atom id 5";
    /* Regression (fuzz_traj): a coordinate 1e71 box lengths away overflowed
     * the int image count in the wrap (UBSan: float-cast-overflow). */
    snprintf(text[nb], sizeof text[nb], "%s%sITEM: ATOMS id type x y z\n1 1 1 1 1\n2 1 1 1.5e72 1\n", head, box);
    key[nb++] = "frame 0: atom 2 is more than 1e9 box lengths outside the box";
    snprintf(text[nb], sizeof text[nb], "1\nLattice=\"10 0 0 0 10 0 0 0 10\"\nCu -1e300 1 1\n");
    key[nb++] = "frame 0: atom 1 is more than 1e9 box lengths outside the box";
    for (int k = 0; k < nb; k++) {
        write_text(tpath("bad.traj"), text[k]);
        pel_error err = {0};
        pel_traj *tr = NULL;
        pel_system *s = (pel_system *)&k;
        pel_frame_info info;
        int rc = pel_traj_open(&tr, tpath("bad.traj"), "Cu,Zr", &err);
        if (rc == PEL_OK)
            rc = pel_traj_next(tr, &s, &info, &err);
        assert_int_not_equal(rc, PEL_OK);
        assert_null(s);
        if (!strstr(err.msg, key[k]))
            fail_msg("case %d: message '%s' lacks '%s'", k, err.msg, key[k]);
        pel_traj_close(&tr);
    }
}

/* Types map to elements by name or by mass, checked; never by position. */
static void test_type_map(void **state)
{
    (void)state;
    pel_error err = {0};
    pel_eam *pot = NULL;
    assert_int_equal(pel_eam_read_auto(POTDIR "CuNi.eam.alloy", &pot, &err), PEL_OK);
    assert_string_equal(pel_eam_element(pot, 0), "Ni"); /* the file lists Ni, Cu */
    pel_system *s = NULL;
    assert_int_equal(pel_system_new(&s, 2, 2, &err), PEL_OK);
    int map[PEL_MAX_TYPES];
    s->mass[0] = 63.546;
    s->mass[1] = 58.6934;
    assert_int_equal(pel_eam_map_types(pot, s, map, &err), PEL_OK); /* by mass */
    assert_int_equal(map[0], 1);
    assert_int_equal(map[1], 0);
    strcpy(s->elem[0], "Ni");
    strcpy(s->elem[1], "Cu");
    assert_int_equal(pel_eam_map_types(pot, s, map, &err), PEL_EINVAL); /* names contradict masses */
    assert_non_null(strstr(err.msg, "atom type 1 has mass 63.546 but element Ni"));
    s->mass[0] = s->mass[1] = 0;
    assert_int_equal(pel_eam_map_types(pot, s, map, &err), PEL_OK); /* names alone */
    assert_int_equal(map[0], 0);
    s->elem[0][0] = s->elem[1][0] = '\0';
    assert_int_equal(pel_eam_map_types(pot, s, map, &err), PEL_EINVAL); /* nothing to go by */
    assert_non_null(strstr(err.msg, "atom type 1 has neither an element name nor a mass"));
    s->mass[0] = 91.224;
    assert_int_equal(pel_eam_map_types(pot, s, map, &err), PEL_EINVAL);
    assert_non_null(strstr(err.msg, "atom type 1 (mass 91.224) matches no element"));
    pel_system_free(&s);
    pel_eam_free(&pot);
    /* funcfl: one element named from its atomic number, the file's mass and cutoff. */
    assert_int_equal(pel_eam_read_auto(POTDIR "Cu_u3.eam", &pot, &err), PEL_OK);
    assert_int_equal(pel_eam_nelements(pot), 1);
    assert_string_equal(pel_eam_element(pot, 0), "Cu");
    assert_close(pel_eam_mass(pot, 0), 63.55, 0, 0);
    assert_close(pel_eam_cutoff(pot), 4.95, 0, 1e-12);
    pel_eam_free(&pot);
}

/* Cutoffs far beyond the box are an error, not signed overflow; a tiny
 * cutoff builds (an empty list) without a billion cells. */
static void test_nlist_bounds(void **state)
{
    (void)state;
    pel_error err = {0};
    pel_system *s = NULL;
    assert_int_equal(pel_system_read_data(pel_test_src("tests/data/cuzr64.data"), NULL, &s, &err), PEL_OK);
    pel_nlist *nl = NULL;
    assert_int_equal(pel_nlist_new(&nl, 1e300, 0.0, &err), PEL_OK);
    assert_int_equal(pel_nlist_build(nl, s, &err), PEL_EINVAL);
    assert_non_null(strstr(err.msg, "box lengths"));
    pel_nlist_free(&nl);
    assert_int_equal(pel_nlist_new(&nl, 1e-9, 0.0, &err), PEL_OK);
    assert_int_equal(pel_nlist_build(nl, s, &err), PEL_OK);
    assert_int_equal(nl->nslots, 0);
    pel_nlist_free(&nl);
    pel_system_free(&s);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return pel_test_sh(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lammps_dump), cmocka_unit_test(test_dump_roundtrip), cmocka_unit_test(test_ase_writes),
        cmocka_unit_test(test_ase_reads),   cmocka_unit_test(test_bad_traj),       cmocka_unit_test(test_type_map),
        cmocka_unit_test(test_nlist_bounds),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
