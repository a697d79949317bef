/* test_engine_art.c - ART through the LAMMPS engine (issue 17): saddles of a
 * Stillinger-Weber diamond Si cell with a vacancy (63 atoms, Debian's Si.sw),
 * found by pel_art_search with every force from LAMMPS.  Truths independent
 * of the ART code: the full 3N x 3N Hessian by central differences of the
 * engine's forces (gsl_eigen_symm) at the saddle, exactly one negative
 * eigenvalue; and a climbing-image NEB between the same two minima whose
 * barrier equals the ART E_A within 0.01 eV (the Cu-Zr tolerance of
 * tests/art/test_art_glass.c).  Skips when LAMMPS or Si.sw is missing. */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>

#include "pel/art.h"
#include "pel/engine.h"
#include "pel/minimize.h"
#include "pel/neb.h"
#include "hessian_fd.h"

#define SI_SW "/usr/share/lammps/potentials/Si.sw"
#define SI_A 5.431            /* Å, diamond lattice constant */
#define HESS_FD_STEP 1e-4     /* Å: central differences, O(h^2) */
#define ZERO_MODE_TOL 2e-3    /* eV/Å^2: translations */
#define NEB_BARRIER_TOL 0.01  /* eV */
#define MAX_SEARCHES 12

/* 2x2x2 diamond cell, the atom at the origin removed. */
static pel_system *vacancy_cell(void)
{
    static const double basis[8][3] = {{0, 0, 0},       {0, .5, .5},     {.5, 0, .5},     {.5, .5, 0},
                                       {.25, .25, .25}, {.25, .75, .75}, {.75, .25, .75}, {.75, .75, .25}};
    pel_system *s = NULL;
    pel_error err = {0};
    assert_int_equal(pel_system_new(&s, 63, 1, &err), PEL_OK);
    s->mass[0] = 28.0855;
    size_t k = 0;
    for (int c = 0; c < 8; c++)
        for (int b = 0; b < 8; b++) {
            if (c == 0 && b == 0)
                continue;
            int cell[3] = {c & 1, (c >> 1) & 1, (c >> 2) & 1};
            for (int d = 0; d < 3; d++)
                s->x[3 * k + d] = (cell[d] + basis[b][d]) * SI_A;
            s->id[k] = (int64_t)k + 1;
            k++;
        }
    for (int d = 0; d < 3; d++)
        s->len[d] = 2 * SI_A;
    return s;
}

static void test_art_lammps_sw_vacancy(void **state)
{
    (void)state;
    if (access(SI_SW, R_OK) != 0)
        skip();
    pel_system *s = vacancy_cell();
    pel_error err = {0};
    const char *lines[] = {"pair_style sw", "pair_coeff * * " SI_SW " Si"};
    pel_engine_params ep;
    pel_engine_params_default(&ep);
    ep.lines = lines;
    ep.nlines = 2;
    pel_engine *eng = NULL;
    int rc = pel_engine_new(&eng, pel_engine_lammps, s, &ep, &err);
    if (rc == PEL_ENOTIMPL) {
        pel_system_free(&s);
        skip();
    }
    assert_int_equal(rc, PEL_OK);
    pel_min_params mp;
    pel_min_params_default(&mp);
    mp.ftol = 1e-5;
    pel_min_result mr;
    assert_int_equal(pel_minimize(eng, s, &mp, &mr, NULL, NULL, &err), PEL_OK);
    /* a vacancy costs energy, a few eV: SW diamond Si is -2 epsilon =
     * -4.3366 eV per atom (Si.sw: epsilon 2.1683 eV) */
    assert_true(mr.energy > -4.3366 * 63 && mr.energy < -4.3366 * 63 + 5);

    pel_art_params ap;
    pel_art_params_default(&ap);
    pel_art_calc ad;
    pel_art_surface surf;
    assert_int_equal(pel_art_calc_init(&ad, &surf, eng, s, &ap, &err), PEL_OK);
    pel_art *art = NULL;
    assert_int_equal(pel_art_new(&art, &surf, &ap, &err), PEL_OK);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    size_t n = 3 * s->n;
    int checked = 0;
    for (unsigned long k = 0; k < MAX_SEARCHES && !checked; k++) {
        gsl_rng_set(rng, 1 + k);
        pel_art_result r;
        assert_int_equal(pel_art_search(art, s->x, mr.energy, (size_t)(5 * k % s->n), rng, &r, &err), PEL_OK);
        double ea = r.e_saddle - r.e_initial;
        if (r.status != PEL_ART_CONVERGED || !(ea > 0.1) || !(r.e_saddle - r.e_final > 0.05))
            continue;
        /* one negative eigenvalue of the finite-difference Hessian */
        gsl_vector *ev = pel_test_hessian_spectrum(&surf, pel_art_saddle(art), n, HESS_FD_STEP);
        size_t neg = 0;
        for (size_t i = 0; i < n; i++)
            neg += gsl_vector_get(ev, i) < -ZERO_MODE_TOL;
        print_message("search %lu: E_A %.5f eV, lowest eigenvalue %.4f (ART %.4f) eV/A^2, %zu negative\n", k, ea,
                      gsl_vector_get(ev, 0), r.eigenvalue, neg);
        assert_int_equal(neg, 1);
        assert_close(r.eigenvalue, gsl_vector_get(ev, 0), 0.05, 2e-3);
        gsl_vector_free(ev);
        /* NEB between the two minima: the same barrier */
        pel_neb_params np;
        pel_neb_params_default(&np);
        np.nimages = 9;
        np.ftol = 0.01;
        np.max_steps = 3000;
        pel_neb_result nr;
        double *xf = malloc(n * sizeof *xf), en[64];
        memcpy(xf, pel_art_final(art), n * sizeof *xf);
        assert_int_equal(pel_neb_run(&surf, s->x, xf, pel_art_saddle(art), &np, &nr, en, &err), PEL_OK);
        print_message("NEB barrier %.5f eV (%ld force calls)\n", nr.barrier, nr.force_calls);
        assert_close(nr.barrier, ea, 0, NEB_BARRIER_TOL);
        free(xf);
        checked = 1;
    }
    assert_true(checked);
    gsl_rng_free(rng);
    pel_art_free(&art);
    pel_art_calc_destroy(&ad);
    pel_engine_free(&eng);
    pel_system_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_art_lammps_sw_vacancy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
