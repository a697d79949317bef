/* test_engine.c - the force-engine interface (include/pel/engine.h).
 * EAM engine: bit for bit pel_calc (energy, forces, virial, count).
 * LAMMPS engine: against pel_calc on the same eam/fs potential (pel_calc
 * equals LAMMPS run 0 to 1e-14, test_eam.c), also after atoms moved several
 * box lengths and the box changed; LAMMPS errors come back as pel errors
 * with LAMMPS's message while this process goes on.  Minimisation (box
 * relaxation included) and NVE MD through the LAMMPS engine on eam/alloy
 * (CuNi.eam.alloy) reach the minimum and follow the trajectory of pel's EAM
 * on the same file, and NVE conserves the energy.  Tolerances of issue 17:
 * 1e-9 eV/atom, 1e-8 eV/Å, 0.1 bar.  LAMMPS cases skip when it is not built. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pel/eam.h"
#include "pel/engine.h"
#include "pel/md.h"
#include "pel/minimize.h"
#include "pel/system.h"
#include "testutil.h"

#define TOL_E_PER_ATOM 1e-9 /* eV/atom (issue 17) */
#define TOL_F 1e-8          /* eV/Å (issue 17) */
#define TOL_P_BAR 0.1       /* bar (issue 17) */

typedef struct fixture {
    pel_eam *pot;
    pel_system *sys;
    double *fa, *fb;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    pel_error err = {0};
    pel_liquid_params lp;
    pel_liquid_params_cuzr(&lp, 250, 0.56, 0.0587, 21);
    lp.rmin = 2.1;
    if (!fx || pel_eam_read_auto(PEL_EAM_DEFAULT_PATH, &fx->pot, &err) ||
        pel_system_random_liquid(&lp, &fx->sys, &err))
        return -1;
    fx->fa = malloc(3 * fx->sys->n * sizeof(double));
    fx->fb = malloc(3 * fx->sys->n * sizeof(double));
    *state = fx;
    return fx->fa && fx->fb ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    pel_eam_free(&fx->pot);
    pel_system_free(&fx->sys);
    free(fx->fa);
    free(fx->fb);
    free(fx);
    return 0;
}

static void test_eam_bit_for_bit(void **state)
{
    fixture *fx = *state;
    pel_system *s = fx->sys;
    pel_error err = {0};
    pel_calc *calc = NULL;
    pel_engine *eng = NULL;
    assert_int_equal(pel_calc_new(&calc, fx->pot, s, 0.5, 1, &err), PEL_OK);
    assert_int_equal(pel_engine_eam_new(&eng, fx->pot, s, 0.5, 1, &err), PEL_OK);
    assert_string_equal(pel_engine_name(eng), "eam");
    assert_ptr_not_equal(pel_engine_calc(eng), NULL);
    srand(5);
    for (int step = 0; step < 4; step++) {
        pel_forces a = {.f = fx->fa}, b = {.f = fx->fb};
        assert_int_equal(pel_calc_compute(calc, s, &a, &err), PEL_OK);
        assert_int_equal(pel_engine_compute(eng, s, &b, &err), PEL_OK);
        assert_memory_equal(&a.energy, &b.energy, sizeof a.energy);
        assert_memory_equal(a.virial, b.virial, sizeof a.virial);
        assert_memory_equal(fx->fa, fx->fb, 3 * s->n * sizeof(double));
        for (size_t i = 0; i < 3 * s->n; i++)
            s->x[i] += 0.05 * ((double)rand() / RAND_MAX - 0.5);
    }
    assert_int_equal(pel_engine_count(eng), pel_calc_count(calc));
    assert_int_equal(pel_engine_count(eng), 4);
    pel_engine_free(&eng);
    assert_null(eng);
    pel_engine_free(&eng); /* safe on NULL */
    pel_calc_free(&calc);
}

/* The LAMMPS engine on CuZr_mm with pair_style eam/fs; skips when not built. */
static pel_engine *lammps_cuzr(const pel_system *s)
{
    const char *lines[] = {"pair_style eam/fs", "pair_coeff * * " PEL_EAM_DEFAULT_PATH " Cu Zr"};
    pel_engine_params p;
    pel_engine_params_default(&p);
    p.lines = lines;
    p.nlines = 2;
    pel_engine *eng = NULL;
    pel_error err = {0};
    int rc = pel_engine_new(&eng, pel_engine_lammps, s, &p, &err);
    if (rc == PEL_ENOTIMPL)
        skip();
    if (rc)
        fail_msg("lammps engine: %s", err.msg);
    return eng;
}

static void compare(const pel_system *s, pel_calc *calc, pel_engine *eng, double *fa, double *fb)
{
    pel_error err = {0};
    pel_forces a = {.f = fa}, b = {.f = fb};
    if (pel_calc_compute(calc, s, &a, &err) || pel_engine_compute(eng, s, &b, &err))
        fail_msg("%s", err.msg);
    assert_close(b.energy / (double)s->n, a.energy / (double)s->n, 0, TOL_E_PER_ATOM);
    assert_close(pel_system_pressure(s, b.virial, 0), pel_system_pressure(s, a.virial, 0), 0, TOL_P_BAR);
    for (int k = 0; k < 6; k++) /* every tensor component, as pressure in bar */
        assert_close(b.virial[k] / pel_system_volume(s) * PEL_NKTV2P, a.virial[k] / pel_system_volume(s) * PEL_NKTV2P,
                     0, TOL_P_BAR);
    double worst = 0;
    for (size_t i = 0; i < 3 * s->n; i++)
        worst = fmax(worst, fabs(fa[i] - fb[i]));
    assert_true(worst < TOL_F);
}

/* A copy of the fixture's liquid with the Cu and Zr masses LAMMPS needs. */
static pel_system *cuzr_copy(const fixture *fx)
{
    pel_system *s = NULL;
    pel_error err = {0};
    assert_int_equal(pel_system_clone(fx->sys, &s, &err), PEL_OK);
    s->mass[0] = 63.546;
    s->mass[1] = 91.224;
    return s;
}

static void test_lammps_equals_eam(void **state)
{
    fixture *fx = *state;
    pel_system *s = cuzr_copy(fx);
    pel_error err = {0};
    pel_engine *eng = lammps_cuzr(s);
    assert_string_equal(pel_engine_name(eng), "lammps");
    assert_null(pel_engine_calc(eng));
    pel_calc *calc = NULL;
    assert_int_equal(pel_calc_new(&calc, fx->pot, s, 0.0, 1, &err), PEL_OK);
    compare(s, calc, eng, fx->fa, fx->fb);
    /* atoms several box lengths away (LAMMPS remaps by one length only) */
    s->x[0] += 3.0 * s->len[0];
    s->x[4] -= 2.0 * s->len[1];
    s->x[8] += 0.6 * s->len[2];
    compare(s, calc, eng, fx->fa, fx->fb);
    /* a box change (as in box relaxation and NPT): 2 % larger */
    for (int k = 0; k < 3; k++)
        s->len[k] *= 1.02;
    for (size_t i = 0; i < 3 * s->n; i++)
        s->x[i] = s->lo[i % 3] + (s->x[i] - s->lo[i % 3]) * 1.02;
    compare(s, calc, eng, fx->fa, fx->fb);
    assert_int_equal(pel_engine_count(eng), 3);
    /* energy only (f NULL) */
    pel_forces e = {0};
    assert_int_equal(pel_engine_compute(eng, s, &e, &err), PEL_OK);
    assert_int_equal(pel_engine_count(eng), 4);
    /* refused: per-atom energies, non-finite positions, another system size */
    double ea[1];
    pel_forces pa = {.f = fx->fa, .e_atom = ea};
    assert_int_equal(pel_engine_compute(eng, s, &pa, &err), PEL_ENOTIMPL);
    s->x[5] = NAN;
    assert_int_equal(pel_engine_compute(eng, s, &e, &err), PEL_EBLOWUP);
    s->x[5] = 1.0;
    size_t n = s->n;
    s->n = n - 1;
    assert_int_equal(pel_engine_compute(eng, s, &e, &err), PEL_EINVAL);
    s->n = n;
    assert_int_equal(pel_engine_compute(eng, s, &e, &err), PEL_OK); /* still alive */
    pel_engine_free(&eng);
    pel_calc_free(&calc);
    pel_system_free(&s);
}

/* LAMMPS's own error text, one line, and this process goes on. */
static void test_lammps_errors(void **state)
{
    fixture *fx = *state;
    pel_system *s = cuzr_copy(fx);
    pel_error err = {0};
    pel_engine_free(&(pel_engine *){lammps_cuzr(s)}); /* skips when not built */
    static const struct {
        const char *lines[3];
        int nlines;
        const char *msg;
    } bad[] = {
        {{"pair_style nonsense"}, 1, "Unrecognized pair style"},
        {{"pair_style eam/fs", "pair_coeff * * /nonexistent/x.eam.fs Cu Zr"}, 2, "/nonexistent/x.eam.fs"},
        {{"pair_style eam/fs"}, 1, "pair coeffs are not set"},
        {{"pair_style eam/fs", "pair_coeff * * " PEL_EAM_DEFAULT_PATH " Cu"}, 2, "Incorrect args"},
        {{"pair_style zero 3.0", "pair_coeff * *", "fix mine all nve"}, 3, "define fix mine"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        pel_engine_params p;
        pel_engine_params_default(&p);
        p.lines = bad[k].lines;
        p.nlines = bad[k].nlines;
        pel_engine *eng = (pel_engine *)&p; /* must be reset to NULL */
        pel_error_clear(&err);
        assert_int_equal(pel_engine_new(&eng, pel_engine_lammps, s, &p, &err), PEL_EINVAL);
        assert_null(eng);
        assert_non_null(strstr(err.msg, bad[k].msg));
        assert_null(strchr(err.msg, '\n'));
        assert_true(strncmp(err.msg, "lammps: ", 8) == 0 || strncmp(err.msg, "engine lammps: ", 15) == 0);
    }
    /* refused before LAMMPS starts: no lines, a type without mass */
    pel_engine_params p;
    pel_engine_params_default(&p);
    pel_engine *eng = NULL;
    assert_int_equal(pel_engine_new(&eng, pel_engine_lammps, s, &p, &err), PEL_EINVAL);
    const char *lines[] = {"pair_style zero 3.0", "pair_coeff * *"};
    p.lines = lines;
    p.nlines = 2;
    s->mass[1] = 0;
    assert_int_equal(pel_engine_new(&eng, pel_engine_lammps, s, &p, &err), PEL_EINVAL);
    assert_non_null(strstr(err.msg, "type 2 has no mass"));
    assert_ptr_equal(pel_engine_type_find("lammps"), pel_engine_lammps);
    assert_ptr_equal(pel_engine_type_find("eam"), pel_engine_eam);
    assert_null(pel_engine_type_find("lj"));
    pel_system_free(&s);
}

/* A 108-atom Cu-Ni fcc crystal (3x3x3 cells, a = 3.58 Å, 1/3 Ni), every atom
 * displaced by up to 0.15 Å (seed 31), and the two engines for it on
 * CuNi.eam.alloy (elements listed Ni, Cu). */
#define CUNI_POT "/usr/share/lammps/potentials/CuNi.eam.alloy"
static pel_system *cuni(pel_eam **pot, pel_engine **eam, pel_engine **lmp)
{
    static const double basis[4][3] = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
    const double a0 = 3.58;
    pel_error err = {0};
    pel_system *s = NULL;
    assert_int_equal(pel_system_new(&s, 108, 2, &err), PEL_OK);
    strcpy(s->elem[0], "Cu");
    strcpy(s->elem[1], "Ni");
    srand(31);
    size_t i = 0;
    for (int cx = 0; cx < 3; cx++)
        for (int cy = 0; cy < 3; cy++)
            for (int cz = 0; cz < 3; cz++)
                for (int b = 0; b < 4; b++, i++) {
                    const int c[3] = {cx, cy, cz};
                    for (int k = 0; k < 3; k++)
                        s->x[3 * i + k] = (c[k] + basis[b][k]) * a0 + 0.3 * ((double)rand() / RAND_MAX - 0.5);
                    s->type[i] = i % 3 == 0;
                    s->id[i] = (int64_t)i + 1;
                }
    for (int k = 0; k < 3; k++)
        s->len[k] = 3 * a0;
    assert_int_equal(pel_eam_read_auto(CUNI_POT, pot, &err), PEL_OK);
    /* masses from the potential, as LAMMPS pair_coeff sets them */
    int map[PEL_MAX_TYPES];
    assert_int_equal(pel_eam_map_types(*pot, s, map, &err), PEL_OK);
    for (int t = 0; t < s->ntypes; t++)
        s->mass[t] = pel_eam_mass(*pot, map[t]);
    const char *lines[] = {"pair_style eam/alloy", "pair_coeff * * " CUNI_POT " Cu Ni"};
    pel_engine_params p;
    pel_engine_params_default(&p);
    p.lines = lines;
    p.nlines = 2;
    int rc = pel_engine_new(lmp, pel_engine_lammps, s, &p, &err);
    if (rc == PEL_ENOTIMPL) {
        pel_eam_free(pot);
        pel_system_free(&s);
        skip();
    }
    assert_int_equal(rc, PEL_OK);
    assert_int_equal(pel_engine_eam_new(eam, *pot, s, 0.3, 1, &err), PEL_OK);
    return s;
}

static void test_lammps_minimize(void **state)
{
    (void)state;
    pel_eam *pot = NULL;
    pel_engine *eam = NULL, *lmp = NULL;
    pel_system *a = cuni(&pot, &eam, &lmp), *b = NULL;
    pel_error err = {0};
    assert_int_equal(pel_system_clone(a, &b, &err), PEL_OK);
    pel_min_params mp;
    pel_min_params_default(&mp);
    mp.box = PEL_BOX_ISO; /* box relaxation: the slow path (setup) every call */
    mp.ftol = 1e-6;
    pel_min_result ra, rb;
    if (pel_minimize(eam, a, &mp, &ra, NULL, NULL, &err))
        fail_msg("%s", err.msg);
    if (pel_minimize(lmp, b, &mp, &rb, NULL, NULL, &err))
        fail_msg("%s", err.msg);
    assert_close(rb.energy / (double)b->n, ra.energy / (double)a->n, 0, TOL_E_PER_ATOM);
    assert_close(pel_system_volume(b), pel_system_volume(a), 1e-9, 0);
    assert_true(fabs(rb.pressure_bar) < mp.ptol_bar);
    double worst = 0;
    for (size_t i = 0; i < 3 * a->n; i++)
        worst = fmax(worst, fabs(a->x[i] - b->x[i]));
    assert_true(worst < 1e-6); /* Å: the same minimum, not just the same energy */
    assert_int_equal(pel_engine_count(lmp), rb.force_calls);
    pel_engine_free(&lmp);
    pel_engine_free(&eam);
    pel_eam_free(&pot);
    pel_system_free(&a);
    pel_system_free(&b);
}

static double md_nve(pel_engine *e, pel_system *s, long steps, double *e0)
{
    pel_error err = {0};
    pel_md_params p;
    pel_md_params_default(&p);
    pel_md *md = NULL;
    assert_int_equal(pel_md_new(&md, e, s, &p, &err), PEL_OK);
    assert_int_equal(pel_md_setup(md, s, steps, &err), PEL_OK);
    pel_md_thermo th;
    pel_md_thermo_now(md, s, &th);
    *e0 = th.etotal;
    if (pel_md_run(md, s, steps, 0, NULL, NULL, &err))
        fail_msg("%s", err.msg);
    pel_md_thermo_now(md, s, &th);
    pel_md_free(&md);
    return th.etotal;
}

static void test_lammps_nve(void **state)
{
    (void)state;
    pel_eam *pot = NULL;
    pel_engine *eam = NULL, *lmp = NULL;
    pel_system *a = cuni(&pot, &eam, &lmp), *b = NULL;
    pel_error err = {0};
    pel_min_params mp;
    pel_min_params_default(&mp);
    mp.ftol = 1e-3;
    pel_min_result r;
    if (pel_minimize(eam, a, &mp, &r, NULL, NULL, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(pel_md_velocity_create(a, 800.0, 7, &err), PEL_OK);
    assert_int_equal(pel_system_clone(a, &b, &err), PEL_OK);
    double e0a, e0b;
    double ea = md_nve(eam, a, 300, &e0a), eb = md_nve(lmp, b, 300, &e0b);
    double n = (double)a->n;
    assert_close(e0b / n, e0a / n, 0, TOL_E_PER_ATOM);
    /* 0.3 ps NVE at 1 fs: velocity Verlet drifts by far less than 1e-4 eV/atom */
    assert_close(eb / n, e0b / n, 0, 1e-4);
    /* and both engines follow one trajectory (forces equal to 1e-14) */
    assert_close(eb / n, ea / n, 0, TOL_E_PER_ATOM);
    double worst = 0;
    for (size_t i = 0; i < 3 * a->n; i++)
        worst = fmax(worst, fabs(a->x[i] - b->x[i]));
    assert_true(worst < 1e-8);
    pel_engine_free(&lmp);
    pel_engine_free(&eam);
    pel_eam_free(&pot);
    pel_system_free(&a);
    pel_system_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eam_bit_for_bit),
        cmocka_unit_test(test_lammps_equals_eam),
        cmocka_unit_test(test_lammps_errors),
        cmocka_unit_test(test_lammps_minimize),
        cmocka_unit_test(test_lammps_nve),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
