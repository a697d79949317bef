/* test_neighbor.c - Verlet half lists: completeness against a brute-force
 * enumeration of all periodic images (cell path and small-box direct path,
 * orthorhombic and strongly tilted triclinic boxes),
 * the rebuild policy (displacement, box change, re-wrapping), and forces of a
 * long-lived engine equal to those of a freshly built one along a trajectory. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "pel/eam.h"
#include "pel/neighbor.h"
#include "pel/system.h"
#include "testutil.h"

static pel_system *liquid(size_t n, double density, uint64_t seed)
{
    pel_liquid_params lp;
    pel_liquid_params_cuzr(&lp, n, 0.56, density, seed);
    pel_system *s = NULL;
    pel_error err = {0};
    assert_int_equal(pel_system_random_liquid(&lp, &s, &err), PEL_OK);
    return s;
}

/* Edge vectors of the box written out (LAMMPS restricted triclinic):
 * column d of h is edge d. */
static void box_h(const pel_system *s, double h[3][3])
{
    double a[3][3] = {{s->len[0], s->tilt[0], s->tilt[1]}, {0, s->len[1], s->tilt[2]}, {0, 0, s->len[2]}};
    memcpy(h, a, sizeof a);
}

/* Count pair images closer than rc by brute force (each unordered pair once,
 * self images once per +-n): the nearest image in lamda space, then every
 * lattice translation within a generous range. */
static size_t brute_count(const pel_system *s, double rc)
{
    double h[3][3];
    box_h(s, h);
    double lmin = fmin(s->len[0], fmin(s->len[1], s->len[2]));
    int K = (int)ceil(2.0 * rc / lmin) + 1; /* tilts <= half a length: widths > len / 2 */
    size_t cnt = 0;
    for (size_t i = 0; i < s->n; i++)
        for (size_t j = i; j < s->n; j++) {
            double e0[3], l[3];
            for (int d = 0; d < 3; d++)
                e0[d] = s->x[3 * i + d] - s->x[3 * j + d];
            /* Back substitution h l = e0, then the nearest lattice point. */
            l[2] = e0[2] / h[2][2];
            l[1] = (e0[1] - h[1][2] * l[2]) / h[1][1];
            l[0] = (e0[0] - h[0][1] * l[1] - h[0][2] * l[2]) / h[0][0];
            for (int d = 0; d < 3; d++) {
                double k = nearbyint(l[d]);
                for (int r = 0; r < 3; r++)
                    e0[r] -= h[r][d] * k;
            }
            for (int a = -K; a <= K; a++)
                for (int b = -K; b <= K; b++)
                    for (int c = -K; c <= K; c++) {
                        if (i == j && (a > 0 || (a == 0 && (b > 0 || (b == 0 && c >= 0)))))
                            continue;
                        double r2 = 0;
                        for (int r = 0; r < 3; r++) {
                            double e = e0[r] - h[r][0] * a - h[r][1] * b - h[r][2] * c;
                            r2 += e * e;
                        }
                        cnt += r2 < rc * rc;
                    }
        }
    return cnt;
}

static void check_list(const pel_system *s, double cut, double skin)
{
    pel_nlist *nl = NULL;
    pel_error err = {0};
    assert_int_equal(pel_nlist_new(&nl, cut, skin, &err), PEL_OK);
    assert_int_equal(pel_nlist_build(nl, s, &err), PEL_OK);
    double rc = cut + skin, h[3][3];
    box_h(s, h);
    /* Every listed pair is within rc ... */
    double *sh = malloc(3 * pel_nlist_nshift(nl) * sizeof *sh);
    pel_nlist_shifts(nl, s, sh);
    for (size_t i = 0; i < s->n; i++)
        for (size_t k = nl->start[i]; k < nl->start[i + 1]; k++) {
            size_t j = (size_t)nl->j[k];
            assert_int_equal(nl->owner[k], (int)i);
            double r2 = 0;
            for (int d = 0; d < 3; d++) {
                double e = s->x[3 * i + d] - s->x[3 * j + d] - sh[3 * nl->code[k] + d];
                for (int q = 0; q < 3; q++)
                    e -= h[d][q] * (nl->img[3 * i + q] - nl->img[3 * j + q]);
                r2 += e * e;
            }
            assert_true(r2 < rc * rc);
        }
    /* ... and the count equals the brute-force count, so none is missing or doubled. */
    assert_int_equal(nl->nslots, brute_count(s, rc));
    /* Reverse list is a permutation of the slots. */
    assert_int_equal(nl->rstart[s->n], nl->nslots);
    for (size_t jj = 0; jj < s->n; jj++)
        for (size_t k = nl->rstart[jj]; k < nl->rstart[jj + 1]; k++)
            assert_int_equal(nl->j[nl->rslot[k]], (int)jj);
    free(sh);
    pel_nlist_free(&nl);
}

/* Shear a cubic sample into a triclinic box (affine: lamda kept), tilts as
 * fractions of the box length. */
static void shear(pel_system *s, double fxy, double fxz, double fyz)
{
    double L = s->len[0];
    for (size_t i = 0; i < s->n; i++) {
        double *x = &s->x[3 * i];
        double l1 = (x[1] - s->lo[1]) / L, l2 = (x[2] - s->lo[2]) / L;
        x[0] += fxy * L * l1 + fxz * L * l2;
        x[1] += fyz * L * l2;
    }
    s->tilt[0] = fxy * L;
    s->tilt[1] = fxz * L;
    s->tilt[2] = fyz * L;
}

static void test_triclinic_complete(void **state)
{
    (void)state;
    pel_system *big = liquid(600, 0.0587, 3), *small = liquid(30, 0.0587, 4);
    shear(big, 0.5, -0.5, 0.45);
    shear(small, -0.5, 0.3, -0.5);
    check_list(big, 2.0, 0.3);   /* lamda cells, reach 2 */
    check_list(big, 3.0, 0.5);   /* reach 1 (widths shrink with the tilt) */
    check_list(big, 7.6, 1.0);   /* direct path */
    check_list(small, 5.0, 1.0); /* several images of every atom inside rc */
    for (size_t i = 0; i < big->n; i += 3)
        for (int d = 0; d < 3; d++)
            big->x[3 * i + d] += 2 * big->tilt[1] - 3 * (d == 2 ? big->len[2] : 0);
    check_list(big, 3.0, 0.5); /* atoms outside the box, anywhere */
    pel_system_free(&big);
    pel_system_free(&small);
}

static void test_complete(void **state)
{
    (void)state;
    pel_system *big = liquid(600, 0.0587, 1), *small = liquid(30, 0.0587, 2);
    check_list(big, 3.0, 0.5);   /* 6 cells per edge: cell path */
    check_list(big, 7.6, 1.0);   /* 2 cells: direct path */
    check_list(small, 5.0, 1.0); /* box 8 A < 2 rc: several images, self images */
    /* Atoms far outside the box (unwrapped) give the same list size. */
    for (size_t i = 0; i < big->n; i += 3)
        big->x[3 * i + 1] += 3 * big->len[1];
    check_list(big, 3.0, 0.5);
    pel_system_free(&big);
    pel_system_free(&small);
}

static void test_rebuild_policy(void **state)
{
    (void)state;
    pel_system *s = liquid(200, 0.0587, 3);
    pel_nlist *nl = NULL;
    pel_error err = {0};
    assert_int_equal(pel_nlist_new(&nl, 5.0, 1.0, &err), PEL_OK);
    assert_true(pel_nlist_stale(nl, s)); /* never built */
    int rebuilt;
    assert_int_equal(pel_nlist_update(nl, s, &rebuilt, &err), PEL_OK);
    assert_true(rebuilt);
    s->x[0] += 0.49; /* 2 * 0.49 < skin */
    assert_false(pel_nlist_stale(nl, s));
    s->x[0] += 0.02; /* 2 * 0.51 > skin */
    assert_true(pel_nlist_stale(nl, s));
    assert_int_equal(pel_nlist_update(nl, s, &rebuilt, &err), PEL_OK);
    assert_true(rebuilt);
    assert_int_equal(nl->nbuilds, 2);
    /* Small box change keeps the list, a large one does not. */
    double l0 = s->len[0];
    s->len[0] = l0 * 1.001;
    assert_false(pel_nlist_stale(nl, s));
    s->len[0] = l0 * 1.2;
    assert_true(pel_nlist_stale(nl, s));
    s->len[0] = l0;
    /* Re-wrapping an atom by a box length forces a rebuild. */
    s->x[5] += l0;
    assert_true(pel_nlist_stale(nl, s));
    s->x[5] = NAN;
    assert_true(pel_nlist_stale(nl, s));
    assert_int_equal(pel_nlist_build(nl, s, &err), PEL_EBLOWUP);
    pel_nlist_free(&nl);
    pel_system_free(&s);
}

/* Along a random-walk trajectory with box breathing, a skin-1.0 engine that
 * rebuilds rarely gives the forces of a fresh zero-skin engine. */
static void trajectory_consistency(int triclinic)
{
    pel_system *s = liquid(400, 0.0587, 4);
    if (triclinic)
        shear(s, 0.4, -0.3, 0.2);
    pel_error err = {0};
    pel_eam *pot = NULL;
    assert_int_equal(pel_eam_read(PEL_EAM_DEFAULT_PATH, PEL_EAM_FS, &pot, &err), PEL_OK);
    pel_calc *keep = NULL;
    assert_int_equal(pel_calc_new(&keep, pot, s, 1.0, 2, &err), PEL_OK);
    double *f1 = malloc(3 * s->n * sizeof *f1), *f2 = malloc(3 * s->n * sizeof *f2);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 7);
    for (int step = 0; step < 30; step++) {
        double sc = 1.0 + 0.0005 * sin(step);
        for (int d = 0; d < 3; d++) {
            s->len[d] *= sc;
            s->tilt[d] = s->tilt[d] * sc + (triclinic ? 0.01 * cos(step + d) : 0.0);
        }
        for (size_t i = 0; i < 3 * s->n; i++)
            s->x[i] = s->x[i] * sc + 0.05 * (gsl_rng_uniform(rng) - 0.5);
        if (step == 20)
            pel_system_wrap(s);
        pel_calc *fresh = NULL;
        assert_int_equal(pel_calc_new(&fresh, pot, s, 0.0, 1, &err), PEL_OK);
        pel_forces a = {.f = f1}, b = {.f = f2};
        assert_int_equal(pel_calc_compute(keep, s, &a, &err), PEL_OK);
        assert_int_equal(pel_calc_compute(fresh, s, &b, &err), PEL_OK);
        assert_close(a.energy, b.energy, 1e-13, 0);
        for (size_t i = 0; i < 3 * s->n; i++)
            assert_close(f1[i], f2[i], 0, 1e-11);
        pel_calc_free(&fresh);
    }
    /* Displacements of 30 x 0.025 A plus box breathing need only a few builds. */
    assert_true(pel_calc_builds(keep) >= 2 && pel_calc_builds(keep) <= 12);
    assert_int_equal(pel_calc_count(keep), 30);
    gsl_rng_free(rng);
    free(f1);
    free(f2);
    pel_calc_free(&keep);
    pel_eam_free(&pot);
    pel_system_free(&s);
}

static void test_trajectory_consistency(void **state)
{
    (void)state;
    trajectory_consistency(0);
    trajectory_consistency(1); /* tilts change too: the rebuild bound covers them */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_complete),
        cmocka_unit_test(test_triclinic_complete),
        cmocka_unit_test(test_rebuild_policy),
        cmocka_unit_test(test_trajectory_consistency),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
