/* test_readme_example.c - the README's library example compiles against
 * pel.h and runs: the 1e10 K/s trace starts on E_eq(2000 K) (an independent
 * root found by pel_equilibrium_E) and ends at 300 K, aged below it. */
#include <math.h>
#include <stdio.h>

#include "pel/pel.h"
#include "testutil.h"

static void test_readme(void **state)
{
    (void)state;
    pel_material mat;
    pel_error err;
    assert_int_equal(pel_material_preset("cu56zr44-paper", &mat, &err), PEL_OK);
    pel_protocol p;
    assert_int_equal(pel_protocol_parse("eq@2000K; cool 300K@1e10K/s", &p, &err), PEL_OK);
    pel_evolve_opts o;
    pel_evolve_opts_default(&o);
    pel_trace tr = {0};
    assert_int_equal(pel_evolve_run(&mat, &p, &o, &tr, &err), PEL_OK);
    assert_true(tr.n > 100);
    double Eeq0;
    assert_int_equal(pel_equilibrium_E(&mat, 2000.0, &Eeq0, &err), PEL_OK);
    assert_close(tr.p[0].E, Eeq0, 0, 1e-9);
    assert_close(tr.p[tr.n - 1].T_K, 300.0, 0, 1e-9);
    assert_true(tr.p[tr.n - 1].E < Eeq0);
    pel_trace_clear(&tr);
    pel_protocol_clear(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_readme)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
