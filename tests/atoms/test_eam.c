/* test_eam.c - EAM energies, forces and pressure against LAMMPS itself
 * (Debian `lmp`, run 0 on the same data file, full precision), against
 * central finite differences of our own energy, thread-count independence,
 * and potential-file errors.  Issue 3 tolerances: 1e-9 eV/atom, 1e-8 eV/Å,
 * 0.1 bar. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pel/eam.h"
#include "pel/system.h"
#include "testutil.h"

#define POTDIR "/usr/share/lammps/potentials/"
#define TOL_E_PER_ATOM 1e-9 /* eV/atom (issue 3) */
#define TOL_F 1e-8          /* eV/Å (issue 3) */
#define TOL_P_BAR 0.1       /* bar (issue 3) */
#define FD_STEP 1e-5        /* Å, central differences */
#define TOL_FD 2e-6         /* eV/Å: h^2 f''' plus rounding E*eps/h */

typedef struct lmp_case {
    const char *name;
    size_t n;
    double density;      /* atoms/Å^3 */
    uint64_t seed;
    int velocities;      /* add a Velocities section (kinetic pressure) */
    int images;          /* random nonzero image flags */
    const char *style;   /* eam/fs or eam/alloy */
    const char *pot;     /* file in POTDIR */
    const char *elements;
} lmp_case;

static const lmp_case cases[] = {
    {"liquid, velocities, images", 300, 0.0587, 11, 1, 1, "eam/fs", "CuZr_mm.eam.fs", "Cu,Zr"},
    {"small box (multi-image)", 50, 0.0587, 12, 0, 1, "eam/fs", "CuZr_mm.eam.fs", "Cu,Zr"},
    {"compressed", 150, 0.066, 13, 0, 0, "eam/fs", "CuZr_mm.eam.fs", "Cu,Zr"},
    {"expanded", 200, 0.048, 14, 1, 0, "eam/fs", "CuZr_mm.eam.fs", "Cu,Zr"},
    {"eam/alloy Cu-Ta", 200, 0.0587, 15, 1, 1, "eam/alloy", "CuTa.eam.alloy", "Cu,Ta"},
};

static int have_lmp(void) { return pel_test_sh("command -v lmp >/dev/null 2>&1") == 0; }

/* Random liquid with the case's composition, optional velocities/images. */
static pel_system *make_system(const lmp_case *c)
{
    pel_liquid_params lp;
    pel_liquid_params_cuzr(&lp, c->n, 0.56, c->density, c->seed);
    lp.rmin = 2.1;
    pel_system *s = NULL;
    pel_error err = {0};
    assert_int_equal(pel_system_random_liquid(&lp, &s, &err), PEL_OK);
    srand((unsigned)c->seed);
    for (size_t i = 0; i < s->n; i++)
        for (int d = 0; d < 3; d++) {
            if (c->images)
                s->image[3 * i + d] = rand() % 5 - 2;
            if (c->velocities)
                s->v[3 * i + d] = 10.0 * ((double)rand() / RAND_MAX - 0.5);
        }
    s->has_velocities = c->velocities;
    return s;
}

/* Run LAMMPS on data file `data` in dir; read E, P and forces (id order). */
static void run_lammps(const char *dir, const lmp_case *c, const char *data, size_t n, double *e, double *p,
                       double *f, double *ea)
{
    char path[512], cmd[1024];
    snprintf(path, sizeof path, "%s/in.lmp", dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    char els[32];
    snprintf(els, sizeof els, "%s", c->elements);
    for (char *q = els; *q; q++)
        if (*q == ',')
            *q = ' ';
    fprintf(fp,
            "units metal\natom_style atomic\nboundary p p p\nread_data %s\n"
            "pair_style %s\npair_coeff * * " POTDIR "%s %s\n"
            "thermo_style custom step pe press\nthermo_modify format float %%.17g\n"
            "compute pa all pe/atom\n"
            "dump d all custom 1 %s/f.dump id fx fy fz c_pa\ndump_modify d format float %%.17g sort id\n"
            "run 0\nprint \"$(pe:%%.17g) $(press:%%.17g)\" file %s/e.txt screen no\n",
            data, c->style, c->pot, els, dir, dir);
    fclose(fp);
    snprintf(cmd, sizeof cmd, "cd %s && lmp -in in.lmp -log none -screen none -nocite", dir);
    assert_int_equal(pel_test_sh(cmd), 0);
    snprintf(path, sizeof path, "%s/e.txt", dir);
    fp = fopen(path, "r");
    assert_non_null(fp);
    assert_int_equal(fscanf(fp, "%lf %lf", e, p), 2);
    fclose(fp);
    snprintf(path, sizeof path, "%s/f.dump", dir);
    fp = fopen(path, "r");
    assert_non_null(fp);
    char line[512];
    for (int k = 0; k < 9; k++)
        assert_non_null(fgets(line, sizeof line, fp));
    for (size_t i = 0; i < n; i++) {
        long id;
        assert_int_equal(fscanf(fp, "%ld %lf %lf %lf %lf", &id, &f[3 * i], &f[3 * i + 1], &f[3 * i + 2], &ea[i]), 5);
        assert_int_equal(id, (long)i + 1);
    }
    fclose(fp);
}

static void test_against_lammps(void **state)
{
    (void)state;
    if (!have_lmp())
        skip();
    char dir[] = "/tmp/pel_test_eam_XXXXXX";
    assert_non_null(mkdtemp(dir));
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const lmp_case *c = &cases[k];
        print_message("case %s\n", c->name);
        pel_system *s0 = make_system(c);
        if (strcmp(c->elements, "Cu,Ta") == 0) /* the data file's masses must be the elements' */
            s0->mass[1] = 180.9479;
        char data[600];
        snprintf(data, sizeof data, "%s/case.data", dir);
        pel_error err = {0};
        assert_int_equal(pel_system_write_data(s0, data, "test_eam", &err), PEL_OK);
        pel_system *s = NULL;
        assert_int_equal(pel_system_read_data(data, c->elements, &s, &err), PEL_OK);
        pel_eam *pot = NULL;
        char potpath[256];
        snprintf(potpath, sizeof potpath, POTDIR "%s", c->pot);
        assert_int_equal(pel_eam_read_auto(potpath, &pot, &err), PEL_OK);
        int map[PEL_MAX_TYPES];
        assert_int_equal(pel_eam_map_types(pot, s, map, &err), PEL_OK);
        for (int t = 0; t < s->ntypes; t++) /* LAMMPS takes masses from the potential */
            s->mass[t] = pel_eam_mass(pot, map[t]);
        pel_calc *calc = NULL;
        assert_int_equal(pel_calc_new(&calc, pot, s, 1.0, 0, &err), PEL_OK);
        double *f = malloc(3 * s->n * sizeof *f), *fl = malloc(3 * s->n * sizeof *fl);
        double *ea = malloc(s->n * sizeof *ea), *eal = malloc(s->n * sizeof *eal);
        pel_forces res = {.f = f, .e_atom = ea};
        assert_int_equal(pel_calc_compute(calc, s, &res, &err), PEL_OK);
        double el, pl;
        run_lammps(dir, c, data, s->n, &el, &pl, fl, eal);
        for (size_t i = 0; i < s->n; i++) /* LAMMPS pe/atom: F(rho_i) + half of each pair */
            assert_close(ea[i], eal[i], 0, TOL_E_PER_ATOM);
        assert_close(res.energy / (double)s->n, el / (double)s->n, 0, TOL_E_PER_ATOM);
        assert_close(pel_system_pressure(s, res.virial, s->has_velocities), pl, 0, TOL_P_BAR);
        double dmax = 0;
        for (size_t i = 0; i < 3 * s->n; i++) {
            assert_close(f[i], fl[i], 0, TOL_F);
            dmax = fmax(dmax, fabs(f[i] - fl[i]));
        }
        print_message("  dE/atom %.3g eV, max |df| %.3g eV/A, dP %.3g bar\n", fabs(res.energy - el) / (double)s->n,
                      dmax, fabs(pel_system_pressure(s, res.virial, s->has_velocities) - pl));
        free(f);
        free(fl);
        free(ea);
        free(eal);
        pel_calc_free(&calc);
        pel_eam_free(&pot);
        pel_system_free(&s);
        pel_system_free(&s0);
    }
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    pel_test_sh(cmd);
}

/* Forces equal -dE/dx by central differences (independent of LAMMPS). */
static void test_finite_differences(void **state)
{
    (void)state;
    lmp_case c = cases[1];
    c.n = 40;
    pel_system *s = make_system(&c);
    pel_error err = {0};
    pel_eam *pot = NULL;
    assert_int_equal(pel_eam_read(PEL_EAM_DEFAULT_PATH, PEL_EAM_FS, &pot, &err), PEL_OK);
    pel_calc *calc = NULL;
    assert_int_equal(pel_calc_new(&calc, pot, s, 0.5, 1, &err), PEL_OK);
    double *f = malloc(3 * s->n * sizeof *f);
    pel_forces res = {.f = f}, r2 = {0};
    assert_int_equal(pel_calc_compute(calc, s, &res, &err), PEL_OK);
    for (size_t i = 0; i < 3 * s->n; i += 7) {
        double x0 = s->x[i];
        s->x[i] = x0 + FD_STEP;
        assert_int_equal(pel_calc_compute(calc, s, &r2, &err), PEL_OK);
        double ep = r2.energy;
        s->x[i] = x0 - FD_STEP;
        assert_int_equal(pel_calc_compute(calc, s, &r2, &err), PEL_OK);
        s->x[i] = x0;
        assert_close(f[i], -(ep - r2.energy) / (2 * FD_STEP), 0, TOL_FD);
    }
    /* Virial pressure equals -dE/dV under uniform scaling (W = -3V dE/dV). */
    double e[2], sc[2] = {1 + 1e-6, 1 - 1e-6};
    pel_system *t = NULL;
    for (int k = 0; k < 2; k++) {
        assert_int_equal(pel_system_clone(s, &t, &err), PEL_OK);
        for (int d = 0; d < 3; d++)
            t->len[d] *= sc[k];
        for (size_t i = 0; i < 3 * t->n; i++)
            t->x[i] *= sc[k];
        assert_int_equal(pel_calc_compute(calc, t, &r2, &err), PEL_OK);
        e[k] = r2.energy;
        pel_system_free(&t);
    }
    double v = pel_system_volume(s);
    double dEdV = (e[0] - e[1]) / (v * (pow(sc[0], 3) - pow(sc[1], 3)));
    assert_close(res.virial[0] + res.virial[1] + res.virial[2], -3 * v * dEdV, 1e-6, 1e-4);
    assert_true(pel_calc_count(calc) >= 3);
    free(f);
    pel_calc_free(&calc);
    pel_eam_free(&pot);
    pel_system_free(&s);
}

/* Same result bit for bit with 1, 2 and 3 threads (and per-atom energies sum to E). */
#define NTHR 3
static void test_thread_independence(void **state)
{
    (void)state;
    lmp_case c = cases[0];
    c.n = 1000; /* five owner blocks: more than, and not a multiple of, 2 or 3 threads */
    pel_system *s = make_system(&c);
    pel_error err = {0};
    pel_eam *pot = NULL;
    assert_int_equal(pel_eam_read(PEL_EAM_DEFAULT_PATH, PEL_EAM_FS, &pot, &err), PEL_OK);
    double *f[NTHR], *ea[NTHR], e[NTHR], vir[NTHR][6];
    for (int k = 0; k < NTHR; k++) {
        pel_calc *calc = NULL;
        assert_int_equal(pel_calc_new(&calc, pot, s, 1.0, k + 1, &err), PEL_OK);
        f[k] = malloc(3 * s->n * sizeof(double));
        ea[k] = malloc(s->n * sizeof(double));
        pel_forces res = {.f = f[k], .e_atom = ea[k]};
        assert_int_equal(pel_calc_compute(calc, s, &res, &err), PEL_OK);
        e[k] = res.energy;
        memcpy(vir[k], res.virial, sizeof vir[k]);
        pel_calc_free(&calc);
    }
    double esum = 0;
    for (size_t i = 0; i < s->n; i++)
        esum += ea[0][i];
    assert_close(esum, e[0], 1e-12, 0);
    for (int k = 1; k < NTHR; k++) {
        assert_true(e[0] == e[k]);
        for (size_t i = 0; i < s->n; i++)
            assert_true(ea[0][i] == ea[k][i]);
        for (size_t i = 0; i < 3 * s->n; i++)
            assert_true(f[0][i] == f[k][i]);
        for (int q = 0; q < 6; q++)
            assert_true(vir[0][q] == vir[k][q]);
    }
    for (int k = 0; k < NTHR; k++) {
        free(f[k]);
        free(ea[k]);
    }
    pel_eam_free(&pot);
    pel_system_free(&s);
}

/* Forces, per-atom energies and the energy of atom i do not depend on where i
 * stands in the input (relabelling symmetry), nor on the engine's internal
 * cell order after many re-sorts: an engine that followed the atoms through
 * 20 list rebuilds agrees with a fresh one on the final configuration. */
static void compare_forces(const double *f, const double *ea, const double *g, const double *eb, const size_t *map,
                           size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t k = map ? map[i] : i;
        for (int d = 0; d < 3; d++)
            assert_close(f[3 * i + d], g[3 * k + d], 1e-12, 1e-11);
        assert_close(ea[i], eb[k], 1e-13, 0);
    }
}

static void test_atom_order(void **state)
{
    (void)state;
    lmp_case c = cases[0];
    c.n = 1000;
    pel_system *s = make_system(&c), *r = NULL;
    pel_error err = {0};
    pel_eam *pot = NULL;
    assert_int_equal(pel_eam_read(PEL_EAM_DEFAULT_PATH, PEL_EAM_FS, &pot, &err), PEL_OK);
    size_t n = s->n, *rev = malloc(n * sizeof *rev);
    assert_int_equal(pel_system_clone(s, &r, &err), PEL_OK);
    for (size_t i = 0; i < n; i++) { /* atom i of s is atom n-1-i of r */
        rev[i] = n - 1 - i;
        memcpy(&r->x[3 * rev[i]], &s->x[3 * i], 3 * sizeof(double));
        r->type[rev[i]] = s->type[i];
        r->id[rev[i]] = s->id[i];
    }
    double *f = malloc(3 * n * sizeof *f), *g = malloc(3 * n * sizeof *g);
    double *ea = malloc(n * sizeof *ea), *eb = malloc(n * sizeof *eb);
    pel_forces a = {.f = f, .e_atom = ea}, b = {.f = g, .e_atom = eb};
    pel_calc *ca = NULL, *cb = NULL;
    assert_int_equal(pel_calc_new(&ca, pot, s, 1.0, 1, &err), PEL_OK);
    assert_int_equal(pel_calc_new(&cb, pot, r, 1.0, 1, &err), PEL_OK);
    assert_int_equal(pel_calc_compute(ca, s, &a, &err), PEL_OK);
    assert_int_equal(pel_calc_compute(cb, r, &b, &err), PEL_OK);
    assert_close(a.energy, b.energy, 1e-13, 0);
    compare_forces(f, ea, g, eb, rev, n);
    /* Drift of the whole system (0.7 A per step, through the periodic
     * boundary) plus a little noise: every step rebuilds and re-sorts. */
    srand(5);
    for (int k = 0; k < 20; k++) {
        for (size_t i = 0; i < 3 * n; i++)
            s->x[i] += (i % 3 == 0 ? 0.7 : 0.3) + 0.1 * ((double)rand() / RAND_MAX - 0.5);
        int rc = pel_calc_compute(ca, s, &a, &err);
        if (rc)
            print_message("step %d: %s\n", k, err.msg);
        assert_int_equal(rc, PEL_OK);
    }
    assert_true(pel_calc_builds(ca) >= 20);
    pel_calc_free(&cb);
    assert_int_equal(pel_calc_new(&cb, pot, s, 1.0, 1, &err), PEL_OK);
    assert_int_equal(pel_calc_compute(cb, s, &b, &err), PEL_OK);
    assert_close(a.energy, b.energy, 1e-13, 0);
    compare_forces(f, ea, g, eb, NULL, n);
    pel_calc_free(&ca);
    pel_calc_free(&cb);
    free(f);
    free(g);
    free(ea);
    free(eb);
    free(rev);
    pel_system_free(&r);
    pel_system_free(&s);
    pel_eam_free(&pot);
}

/* Bad potential files: each error names the file (and line). */
static void test_bad_potential(void **state)
{
    (void)state;
    char path[] = "/tmp/pel_test_pot_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    static const struct {
        const char *text;
        int code;
        const char *key;
    } bad[] = {
        {"c\nc\nc\n1 Cu\n5 0.1 5 0.5 2.0\n29 63.5 3.6 fcc\n0 1 2 3 4\n1 2 3 x 5\n", PEL_EPARSE, ":8: malformed"},
        {"c\nc\nc\n1 Cu\n5 0.1 5 0.5 2.0\n29 63.5 3.6 fcc\n0 1 2 3 4\n1 2 3\n", PEL_EPARSE, "end of file"},
        {"c\nc\nc\n1 Cu\n2 0.1 5 0.5 2.0\n", PEL_EPARSE, "invalid grid"},
        {"c\nc\nc\nzero Cu\n", PEL_EPARSE, "malformed integer"},
        {"c\nc\nc\n1 Cu\n5 0.1 5 0.5 2.0\n29 63.5 3.6 fcc\n0 1 2 3 nan\n", PEL_EPARSE, "malformed number 'nan'"},
        /* issue 19: cutoff 1e300 (signed overflow in the neighbour search), a
         * tiny cutoff (1e9 cells), tables short of the cutoff (E = 0), number
         * tokens over 63 characters (silently truncated before). */
        {"c\nc\nc\n1 Cu\n5 0.1 5 0.5 1e300\n", PEL_EPARSE, "cutoff 1e+300 A outside"},
        {"c\nc\nc\n1 Cu\n5 0.1 5 0.5 1e-9\n", PEL_EPARSE, "cutoff 1e-09 A outside"},
        {"c\nc\nc\n1 Cu\n5 0.1 5 0.5 7.6\n", PEL_EPARSE, "short of the cutoff"},
        {"c\nc\nc\n1 Cu\n5 0.1 5 0.5 2.0\n29 63.5 3.6 fcc\n0 1 2 3 "
         "4.0000000000000000000000000000000000000000000000000000000000000001\n",
         PEL_EPARSE, "longer than 63"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        FILE *fp = fopen(path, "w");
        fputs(bad[k].text, fp);
        fclose(fp);
        pel_eam *pot = (pel_eam *)&k; /* must be reset to NULL */
        pel_error err = {0};
        assert_int_equal(pel_eam_read(path, PEL_EAM_FS, &pot, &err), bad[k].code);
        assert_null(pot);
        assert_non_null(strstr(err.msg, path));
        if (!strstr(err.msg, bad[k].key))
            fail_msg("message '%s' lacks '%s'", err.msg, bad[k].key);
    }
    /* A complete tiny file reads; element lookup fails for an absent element. */
    FILE *fp = fopen(path, "w");
    fputs("c\nc\nc\n1 Cu\n5 0.1 5 0.5 2.0\n29 63.5 3.6 fcc\n0 -1 -1.5 -1.6 -1.5\n"
          "0 0.5 0.3 0.1\n0\n5 4 3 2 1 0\n",
          fp);
    fclose(fp);
    pel_eam *pot = NULL;
    pel_error err = {0};
    assert_int_equal(pel_eam_read(path, PEL_EAM_FS, &pot, &err), PEL_OK);
    assert_int_equal(pel_eam_nelements(pot), 1);
    assert_string_equal(pel_eam_element(pot, 0), "Cu");
    assert_close(pel_eam_cutoff(pot), 2.0, 0, 0);
    pel_system *s = NULL;
    assert_int_equal(pel_system_new(&s, 1, 1, &err), PEL_OK);
    strcpy(s->elem[0], "Zr");
    int map[PEL_MAX_TYPES];
    assert_int_equal(pel_eam_map_types(pot, s, map, &err), PEL_EINVAL);
    assert_non_null(strstr(err.msg, "Zr"));
    pel_system_free(&s);
    pel_eam_free(&pot);
    assert_int_equal(pel_eam_read("/nonexistent/pot.eam.fs", PEL_EAM_FS, &pot, &err), PEL_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent/pot.eam.fs"));
    unlink(path);
}

/* Spline through a cubic reproduces it (4th-order slopes are exact on cubics
 * away from the ends): value at r = 0.6 on a table of r^3, inside the grid. */
static void test_spline_exact_on_cubic(void **state)
{
    (void)state;
    char path[] = "/tmp/pel_test_cubic_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    const int n = 41;
    const double dr = 0.05, drho = 0.1;
    fprintf(fp, "c\nc\nc\n1 Cu\n%d %g %d %g %g\n29 63.5 3.6 fcc\n", n, drho, n, dr, 1.9);
    for (int m = 0; m < n; m++) /* F(rho) = rho^3 - rho */
        fprintf(fp, "%.17g\n", pow(m * drho, 3) - m * drho);
    for (int m = 0; m < n; m++) /* rho(r) = 0 */
        fprintf(fp, "0\n");
    for (int m = 0; m < n; m++) /* r phi(r) = (2 - r)^3 */
        fprintf(fp, "%.17g\n", pow(2 - m * dr, 3));
    fclose(fp);
    pel_eam *pot = NULL;
    pel_error err = {0};
    assert_int_equal(pel_eam_read(path, PEL_EAM_FS, &pot, &err), PEL_OK);
    pel_system *s = NULL;
    assert_int_equal(pel_system_new(&s, 2, 1, &err), PEL_OK);
    strcpy(s->elem[0], "Cu"); /* types map by name or mass, never by position */
    for (int d = 0; d < 3; d++)
        s->len[d] = 10.0;
    s->x[0] = 1.0;
    s->x[3] = 1.0 + 0.83; /* r = 0.83, between nodes, interior */
    pel_calc *calc = NULL;
    assert_int_equal(pel_calc_new(&calc, pot, s, 0.0, 1, &err), PEL_OK);
    double f[6];
    pel_forces res = {.f = f};
    /* overlap guard is 0.5 A, r = 0.83 is fine */
    assert_int_equal(pel_calc_compute(calc, s, &res, &err), PEL_OK);
    double r = 0.83, z = pow(2 - r, 3), zp = -3 * pow(2 - r, 2);
    double phi = z / r, phip = zp / r - z / (r * r);
    /* F(0) = 0 for both atoms. */
    assert_close(res.energy, phi, 1e-12, 1e-12);
    assert_close(f[0], phip, 1e-12, 1e-12); /* f on atom 0 = -dphi/dx0 = +phip (x1 > x0) */
    assert_close(f[3], -phip, 1e-12, 1e-12);
    pel_calc_free(&calc);
    pel_system_free(&s);
    pel_eam_free(&pot);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spline_exact_on_cubic), cmocka_unit_test(test_bad_potential),
        cmocka_unit_test(test_finite_differences),    cmocka_unit_test(test_thread_independence),
        cmocka_unit_test(test_atom_order),
        cmocka_unit_test(test_against_lammps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
