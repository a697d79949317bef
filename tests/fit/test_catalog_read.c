/* test_catalog_read.c - reading event catalogs (src/fit/catalog_read.c):
 * the sample files under tests/data/ (made by make_fit_samples.py, values
 * below read off the files by eye) and one temporary file per bad-input class. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pel/catalog.h" /* PEL_CATALOG_HEADER: the header `pel art` writes */
#include "pel/fit.h"
#include "testutil.h"

static void test_pel_csv(void **state)
{
    (void)state;
    pel_events *ev = NULL;
    pel_error err = {0};
    assert_int_equal(pel_events_read(pel_test_src("tests/data/fit_catalog_a.csv"), &ev, &err), PEL_OK);
    assert_int_equal(ev->format, PEL_EVENTS_PEL_CSV);
    assert_int_equal(ev->n_rows, 300);
    assert_int_equal(ev->n_skipped, 50); /* 30 failed_basin + 20 redundant */
    assert_int_equal(ev->n, 250);
    assert_non_null(ev->ER);
    /* first row: 0,0,converged,-9300.000000,...,1.185183,0.085801,... */
    assert_close(ev->EA[0], 1.185183, 0, 0);
    assert_close(ev->ER[0], 0.085801, 0, 0);
    assert_close(ev->E_initial[0], -9300.0, 0, 0);
    assert_close(ev->E_IS_eV_per_atom, -4.65, 0, 0);
    assert_int_equal(ev->n_atoms, 2000);
    assert_false(ev->torn_last_line);
    double E;
    assert_int_equal(pel_events_E_IS(ev, 0, 0, &E, &err), PEL_OK);
    assert_close(E, -4.65, 0, 0);
    assert_int_equal(pel_events_E_IS(ev, 1000, 1, &E, &err), PEL_OK); /* forced from E_initial */
    assert_close(E, -9.3, 1e-15, 0);
    pel_events_free(&ev);
    assert_null(ev);

    assert_int_equal(pel_events_read(pel_test_src("tests/data/fit_catalog_b.csv"), &ev, &err), PEL_OK);
    assert_int_equal(ev->n, 200);
    assert_true(isnan(ev->E_IS_eV_per_atom));
    assert_int_equal(pel_events_E_IS(ev, 0, 0, &E, &err), PEL_OK); /* -9400 eV / 2000 atoms */
    assert_close(E, -4.7, 1e-15, 0);
    pel_events_free(&ev);
}

static void test_artn_log(void **state)
{
    (void)state;
    pel_events *ev = NULL;
    pel_error err = {0};
    assert_int_equal(pel_events_read(pel_test_src("tests/data/fit_log.event"), &ev, &err), PEL_OK);
    assert_int_equal(ev->format, PEL_EVENTS_ARTN_LOG);
    assert_int_equal(ev->n, 60);
    assert_int_equal(ev->n_skipped, 0);
    /* row 1: del-E 1.416783, Eref -9300.123, Emin -9299.783 */
    assert_close(ev->EA[0], 1.416783, 0, 0);
    assert_close(ev->E_initial[0], -9300.123, 0, 0);
    assert_close(ev->ER[0], -9300.123 + 1.416783 + 9299.783, 0, 1e-9);
    /* row 3: del-E 1.787065, Emin -9298.406 */
    assert_close(ev->ER[2], -9300.123 + 1.787065 + 9298.406, 0, 1e-9);
    double E;
    assert_int_equal(pel_events_E_IS(ev, 0, 0, &E, &err), PEL_EINVAL); /* no comment, no N */
    assert_non_null(strstr(err.msg, "--atoms"));
    assert_int_equal(pel_events_E_IS(ev, 2000, 0, &E, &err), PEL_OK);
    assert_close(E, -9300.123 / 2000, 1e-15, 0);
    pel_events_free(&ev);
}

/* Write `text` to a temporary file; returns its path (static buffer). */
static const char *tmpfile_with(const char *text)
{
    static char path[64];
    strcpy(path, "/tmp/pel_cat_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    fputs(text, fp);
    fclose(fp);
    return path;
}

#define HDR "search_id,center_id,status,E_initial_eV,E_saddle_eV,E_final_eV,EA_eV,ER_eV\n"
#define ROW_OK "1,1,converged,-10,-9,-9.5,1.0,0.5\n"

static void test_bad_files(void **state)
{
    (void)state;
    static const struct { const char *text; int code; const char *key; } cases[] = {
        {"# c\n" HDR ROW_OK "2,1,converged,-10,-9,-9.5,1.0\n", PEL_EPARSE, ":4: 7 fields"},
        {HDR ROW_OK "2,1,converged,-10,-9,-9.5,1.2x,0.5\n", PEL_EPARSE, ":3: E_A"},
        {HDR "2,1,converged,-10,-9,-9.5,-0.3,0.5\n", PEL_EPARSE, ":2: negative E_A"},
        {HDR "2,1,converged,-10,-9,-9.5,0.3,-0.5\n", PEL_EPARSE, ":2: negative E_R"},
        {HDR "2,1,converged,-10,-9,-9.5,,0.5\n", PEL_EPARSE, "empty value"},
        {"a,b,c\n1,2,3\n", PEL_EPARSE, "not an event catalog"},
        {HDR "2,1,failed_basin,-10,,,,\n3,1,redundant,-10,-9,-9.5,1.0,0.5\n", PEL_EINVAL, "no usable"},
        {HDR, PEL_EINVAL, "no usable"},
        {"", PEL_EPARSE, "empty"},
        {"# E_IS_eV_per_atom=abc\n" HDR ROW_OK, PEL_EPARSE, "line 1"},
        {"# n_atoms=-5\n" HDR ROW_OK, PEL_EPARSE, "n_atoms"},
        {"#Event del-E egv-sad Eref Emin\n 1 0.5 -0.1 -10.0 -10.2\n 2 0.5 -0.1\n", PEL_EPARSE, ":3: 3 fields"},
        {"#Event del-E egv-sad Eref Emin\n 1 0.5 -0.1 -10.0 -9.0\n", PEL_EPARSE, "negative E_R"},
        {"#Event egv-sad Eref Emin\n 1 0.5 -0.1 -10.0\n", PEL_EPARSE, "no del-E"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *path = tmpfile_with(cases[i].text);
        pel_events *ev = (pel_events *)&ev; /* must come back NULL */
        pel_error err = {0};
        int rc = pel_events_read(path, &ev, &err);
        if (rc != cases[i].code || !strstr(err.msg, cases[i].key))
            fail_msg("case %zu: rc %d msg '%s'", i, rc, err.msg);
        assert_null(ev);
        assert_non_null(strstr(err.msg, path));
        unlink(path);
    }
    pel_events *ev = NULL;
    pel_error err = {0};
    assert_int_equal(pel_events_read("/nonexistent/events.csv", &ev, &err), PEL_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent/events.csv"));
}

static void test_tolerated(void **state)
{
    (void)state;
    const char *path;
    pel_events *ev = NULL;
    /* torn last row (writer killed), CRLF line ends, extra columns, ARTn
     * rounding of E_R at the 1e-3 eV print precision */
    static const struct { const char *text; size_t n; int torn; } cases[] = {
        {HDR ROW_OK ROW_OK "3,1,conv", 2, 1},
        {"search_id,status,EA_eV,ER_eV\r\n1,converged,0.7,0.2\r\n", 1, 0},
        {"#Event del-E Eref Emin\n 1 0.5 -10.000 -9.4996\n", 1, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        path = tmpfile_with(cases[i].text);
        ev = NULL;
        pel_error err = {0};
        if (pel_events_read(path, &ev, &err) != PEL_OK)
            fail_msg("case %zu: %s", i, err.msg);
        assert_int_equal(ev->n, cases[i].n);
        assert_int_equal(ev->torn_last_line, cases[i].torn);
        assert_true(ev->ER[0] >= 0.0);
        pel_events_free(&ev);
        unlink(path);
    }
    /* a row as src/art/catalog.c writes it (empty fields, ';'-separated ids) */
    const char *art = tmpfile_with(PEL_CATALOG_CAMPAIGN_PREFIX "seed=1 kick_norm=0.5\n" PEL_CATALOG_HEADER "\n"
                                   "0,5,converged,-9300.5,-9299.25,-9299.75,1.25,0.5,-0.3,0.04,321,3,0.9,200,-4.65025,2.5,5;17;42,"
                                   "-9300.49,0.41,0.02,c/search_00000000_saddle.xyz;c/search_00000000_final.xyz\n"
                                   "1,5,no_exit,-9300.5,,,,,,,500,0,,500,-4.65025,,,,,,\n");
    pel_events *ea = NULL;
    assert_int_equal(pel_events_read(art, &ea, NULL), PEL_OK);
    assert_int_equal(ea->n, 1);
    assert_int_equal(ea->n_skipped, 1);
    assert_close(ea->EA[0], 1.25, 0, 0);
    assert_close(ea->ER[0], 0.5, 0, 0);
    pel_events_free(&ea);
    unlink(art);
    /* E_IS from a companion column (first usable row) */
    path = tmpfile_with("status,EA_eV,E_IS_eV_per_atom\nfailed,,\nconverged,0.5,-4.61\nconverged,0.6,-4.62\n");
    assert_int_equal(pel_events_read(path, &ev, NULL), PEL_OK);
    assert_close(ev->E_IS_eV_per_atom, -4.61, 0, 0);
    pel_events_free(&ev);
    unlink(path);
    /* log.event with Emin but no Eref: E_R cannot be formed */
    path = tmpfile_with("#Event del-E Emin\n 1 0.5 -9.5\n");
    assert_int_equal(pel_events_read(path, &ev, NULL), PEL_OK);
    assert_null(ev->ER);
    pel_events_free(&ev);
    unlink(path);
    /* E_A only: no E_R column at all */
    path = tmpfile_with("status,EA_eV\nconverged,0.5\n");
    assert_int_equal(pel_events_read(path, &ev, NULL), PEL_OK);
    assert_null(ev->ER);
    assert_null(ev->E_initial);
    pel_events_free(&ev);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pel_csv),
        cmocka_unit_test(test_artn_log),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_tolerated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
