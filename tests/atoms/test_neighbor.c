/* test_neighbor.c - Verlet half lists: completeness against a brute-force
 * enumeration of all periodic images (cell path and small-box direct path),
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

/* Count pair images closer than rc by brute force (each unordered pair once,
 * self images once per +-n). */
static size_t brute_count(const pel_system *s, double rc)
{
    size_t cnt = 0;
    int kmax[3];
    for (int d = 0; d < 3; d++)
        kmax[d] = (int)ceil(rc / s->len[d]) + 1;
    for (size_t i = 0; i < s->n; i++)
        for (size_t j = i; j < s->n; j++)
            for (int a = -kmax[0]; a <= kmax[0]; a++)
                for (int b = -kmax[1]; b <= kmax[1]; b++)
                    for (int c = -kmax[2]; c <= kmax[2]; c++) {
                        if (i == j && (a > 0 || (a == 0 && (b > 0 || (b == 0 && c >= 0)))))
                            continue;
                        int nv[3] = {a, b, c};
                        double r2 = 0;
                        for (int d = 0; d < 3; d++) {
                            double e0 = s->x[3 * i + d] - s->x[3 * j + d];
                            e0 -= s->len[d] * nearbyint(e0 / s->len[d]); /* atoms may be unwrapped */
                            double e = e0 - nv[d] * s->len[d];
                            r2 += e * e;
                        }
                        cnt += r2 < rc * rc;
                    }
    return cnt;
}

static void check_list(const pel_system *s, double cut, double skin)
{
    pel_nlist *nl = NULL;
    pel_error err = {0};
    assert_int_equal(pel_nlist_new(&nl, cut, skin, &err), PEL_OK);
    assert_int_equal(pel_nlist_build(nl, s, &err), PEL_OK);
    double rc = cut + skin;
    /* Every listed pair is within rc ... */
    double *sh = malloc(3 * pel_nlist_nshift(nl) * sizeof *sh);
    pel_nlist_shifts(nl, s->len, sh);
    for (size_t i = 0; i < s->n; i++)
        for (size_t k = nl->start[i]; k < nl->start[i + 1]; k++) {
            size_t j = (size_t)nl->j[k];
            assert_int_equal(nl->owner[k], (int)i);
            double r2 = 0;
            for (int d = 0; d < 3; d++) {
                double e = (s->x[3 * i + d] - nl->img[3 * i + d] * s->len[d]) -
                           (s->x[3 * j + d] - nl->img[3 * j + d] * s->len[d]) - sh[3 * nl->code[k] + d];
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
static void test_trajectory_consistency(void **state)
{
    (void)state;
    pel_system *s = liquid(400, 0.0587, 4);
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
        for (int d = 0; d < 3; d++)
            s->len[d] *= sc;
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_complete),
        cmocka_unit_test(test_rebuild_policy),
        cmocka_unit_test(test_trajectory_consistency),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
