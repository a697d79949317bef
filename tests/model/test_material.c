/* test_material.c - material files and presets (include/pel/material.h):
 * INI round trip is bit-exact, the shipped data/materials/cu56zr44.ini is the
 * built-in preset, every parse-error class names file:line and key, every
 * range rule is enforced, and the forms have the documented shape.
 * The preset's calibration constraints are tested in test_evolve.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pel/material.h"
#include "pel/util.h"
#include "testutil.h"

static char tmpdir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/pel_test_material.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return pel_test_sh(cmd) == 0 ? 0 : -1;
}

static const char *write_tmp(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    return path;
}

/* Every field of the struct compared bit for bit (%.17g round-trips). */
static void assert_same_material(const pel_material *a, const pel_material *b)
{
    assert_string_equal(a->name, b->name);
    const double *x = &a->eA, *y = &b->eA;
    size_t n = (size_t)(&a->E_hi - &a->eA) + 1;
    for (size_t i = 0; i < n; i++)
        assert_true(x[i] == y[i]);
    assert_int_equal(a->W_form, b->W_form);
    assert_int_equal(a->m_form, b->m_form);
    assert_int_equal(a->S_form, b->S_form);
}

static void test_roundtrip(void **state)
{
    (void)state;
    pel_material m, back;
    pel_error err = {0};
    assert_int_equal(pel_material_preset("cu56zr44-paper", &m, &err), PEL_OK);
    /* awkward values that need all 17 digits */
    m.W_E0 = -4.7012345678901234;
    m.S_E = 1.0 / 3.0;
    char path[512];
    snprintf(path, sizeof path, "%s/rt.ini", tmpdir);
    assert_int_equal(pel_material_save(&m, path, &err), PEL_OK);
    assert_int_equal(pel_material_load(path, &back, &err), PEL_OK);
    assert_same_material(&m, &back);
    /* resolve: a path goes to the loader, a bare name to the presets */
    assert_int_equal(pel_material_resolve(path, &back, &err), PEL_OK);
    assert_same_material(&m, &back);
    assert_int_equal(pel_material_resolve("cu56zr44", &back, &err), PEL_OK);
    assert_string_equal(back.name, "cu56zr44");
    assert_int_equal(pel_material_resolve("nosuch", &back, &err), PEL_EINVAL);
    assert_non_null(strstr(err.msg, "nosuch"));
}

/* The files shipped in data/materials are the built-in presets, exactly:
 * cu56zr44 (calibrated, `pel calibrate` output) and cu56zr44-paper. */
static void test_shipped_file(void **state)
{
    (void)state;
    static const char *const names[] = {"cu56zr44", "cu56zr44-paper"};
    for (size_t k = 0; k < 2; k++) {
        pel_material file, preset;
        pel_error err = {0};
        char rel[128];
        snprintf(rel, sizeof rel, "data/materials/%s.ini", names[k]);
        int rc = pel_material_load(pel_test_src(rel), &file, &err);
        if (rc)
            print_error("%s\n", err.msg);
        assert_int_equal(rc, PEL_OK);
        assert_int_equal(pel_material_preset(names[k], &preset, &err), PEL_OK);
        assert_same_material(&file, &preset);
    }
}

/* Every form round-trips through a file, with only its own keys. */
static void test_forms_roundtrip(void **state)
{
    (void)state;
    pel_material m;
    assert_int_equal(pel_material_preset("cu56zr44-paper", &m, NULL), PEL_OK);
    m.W_form = PEL_W_LINEAR, m.W_inf = m.W_top = m.W_dE = 0.0, m.W_0 = 0.3, m.W_slope = -1.0 / 3.0;
    m.m_form = PEL_M_LOGISTIC, m.m_slope = 0.0, m.m_amp = 1.7, m.m_dE = 0.021;
    m.S_form = PEL_S_LOGISTIC, m.S_dT = 123.456789;
    char path[512];
    snprintf(path, sizeof path, "%s/forms.ini", tmpdir);
    pel_error err = {0};
    assert_int_equal(pel_material_save(&m, path, &err), PEL_OK);
    pel_material back;
    assert_int_equal(pel_material_load(path, &back, &err), PEL_OK);
    assert_same_material(&m, &back);
    FILE *fp = fopen(path, "r");
    char text[4096];
    size_t k = fread(text, 1, sizeof text - 1, fp);
    fclose(fp);
    text[k] = 0;
    assert_non_null(strstr(text, "form = linear"));
    assert_non_null(strstr(text, "form = logistic"));
    assert_null(strstr(text, "W_inf")); /* a logistic-W key has no place in a linear W */
    assert_null(strstr(text, "m_slope"));
}

/* The forms against their defining formulas, written out here. */
static void test_form_values(void **state)
{
    (void)state;
    pel_material m;
    assert_int_equal(pel_material_preset("cu56zr44-paper", &m, NULL), PEL_OK);
    m.W_form = PEL_W_LINEAR, m.W_0 = 0.4, m.W_slope = -5.0, m.W_E0 = -4.65;
    assert_close(pel_material_W(&m, -4.70), 0.4 + 0.25, 1e-14, 0); /* rises as E falls */
    assert_close(pel_material_W(&m, -4.80), 1.0, 0, 0);            /* clamped */
    assert_close(pel_material_W(&m, -4.50), 0.0, 0, 0);
    m.m_form = PEL_M_LOGISTIC, m.m_0 = 0.5, m.m_amp = 2.0, m.m_E0 = -4.7, m.m_dE = 0.02;
    assert_close(pel_material_m(&m, -4.7), 1.5, 1e-15, 0);
    assert_close(pel_material_m(&m, -6.0), 2.5, 1e-12, 0); /* saturates at m_0 + m_amp */
    assert_close(pel_material_m(&m, -4.68), 0.5 + 2.0 / (1.0 + exp(1.0)), 1e-14, 0);
    m.S_form = PEL_S_LOGISTIC, m.S_E = 10.0, m.S_E0 = -4.65, m.S_T = 8.0, m.S_T0 = 900.0, m.S_dT = 100.0;
    assert_close(pel_material_log_nu(&m, -4.65, 900.0), log(m.nu0_per_s) - 4.0, 1e-14, 0);
    assert_close(pel_material_log_nu(&m, -4.65, 5000.0), log(m.nu0_per_s), 0, 1e-12); /* saturates */
    assert_close(pel_material_log_nu(&m, -4.65, 10.0), log(m.nu0_per_s) - 8.0 / (1.0 + exp(-8.9)), 1e-14, 0);
    assert_int_equal(pel_material_check(&m, NULL), PEL_OK);
    m.m_dE = 0.0;
    pel_error err = {0};
    assert_int_equal(pel_material_check(&m, &err), PEL_EINVAL);
    assert_non_null(strstr(err.msg, "m_dE"));
    m.m_dE = 0.02, m.S_dT = -1.0;
    assert_int_equal(pel_material_check(&m, &err), PEL_EINVAL);
    assert_non_null(strstr(err.msg, "S_dT"));
    /* form names */
    int f;
    assert_int_equal(pel_material_form_parse('S', "invT", &f, NULL), PEL_OK);
    assert_int_equal(f, PEL_S_INVT);
    assert_int_equal(pel_material_form_parse('W', "cubic", &f, &err), PEL_EINVAL);
    assert_non_null(strstr(err.msg, "logistic"));
    assert_string_equal(pel_material_form_name('m', PEL_M_LOGISTIC), "logistic");
}

#define GOOD_HEAD "[material]\nname = t\n[spectrum]\neA = 0.5\ns = 0.49\neR = 0.32\n"
#define GOOD_W "[W]\nW_inf = 0.06\nW_top = 0.7\nW_E0 = -4.7\nW_dE = 0.03\n"
#define GOOD_M "[m]\nm_0 = 1.3\nm_slope = 6\nm_E0 = -4.64\n"
#define GOOD_NU "[nu]\nnu0_per_s = 1e13\nS_E = 10\nS_E0 = -4.65\nS_T = 3\nS_T0 = 1000\n"
#define GOOD_RANGE "[range]\nE_lo = -5.2\nE_hi = -4.3\n"

typedef struct bad_file {
    const char *text;
    int code;
    const char *want1, *want2; /* both must appear in the message */
} bad_file;

static const bad_file bad_files[] = {
    /* unknown section (line 7) */
    {GOOD_HEAD "[colour]\nred = 1\n" GOOD_W GOOD_M GOOD_NU GOOD_RANGE, PEL_EPARSE,
     ":8:", "unknown section [colour] red"},
    /* unknown key in a known section */
    {GOOD_HEAD "nope = 1\n" GOOD_W GOOD_M GOOD_NU GOOD_RANGE, PEL_EPARSE, ":7:", "unknown key [spectrum] nope"},
    /* malformed number */
    {GOOD_HEAD GOOD_W "[m]\nm_0 = 1.3x\nm_slope = 6\nm_E0 = -4.64\n" GOOD_NU GOOD_RANGE, PEL_EPARSE, ":13:", "m_0"},
    {GOOD_HEAD GOOD_W "[m]\nm_0 = nan\nm_slope = 6\nm_E0 = -4.64\n" GOOD_NU GOOD_RANGE, PEL_EPARSE, ":13:", "m_0"},
    /* missing key */
    {GOOD_HEAD GOOD_W "[m]\nm_0 = 1.3\nm_E0 = -4.64\n" GOOD_NU GOOD_RANGE, PEL_EPARSE, "missing key", "[m] m_slope"},
    {"[spectrum]\neA = 0.5\ns = 0.49\neR = 0.32\n" GOOD_W GOOD_M GOOD_NU GOOD_RANGE, PEL_EPARSE, "missing key",
     "[material] name"},
    /* duplicate key */
    {GOOD_HEAD "eA = 0.6\n" GOOD_W GOOD_M GOOD_NU GOOD_RANGE, PEL_EPARSE, ":7:", "duplicate key [spectrum] eA"},
    /* a line that is neither key = value nor [section] */
    {GOOD_HEAD "just words\n" GOOD_W GOOD_M GOOD_NU GOOD_RANGE, PEL_EPARSE, ":7:", "malformed"},
    /* forms: unknown name, a key the chosen form does not use */
    {GOOD_HEAD "[W]\nform = cubic\nW_inf = 0.06\nW_top = 0.7\nW_E0 = -4.7\nW_dE = 0.03\n" GOOD_M GOOD_NU GOOD_RANGE,
     PEL_EPARSE, ":8:", "cubic"},
    {GOOD_HEAD "[W]\nform = linear\nW_0 = 0.3\nW_slope = 2\nW_E0 = -4.7\nW_dE = 0.03\n" GOOD_M GOOD_NU GOOD_RANGE,
     PEL_EPARSE, "W_dE", "not a parameter of form linear"},
    {GOOD_HEAD "[W]\nform = linear\nW_0 = 0.3\nW_E0 = -4.7\n" GOOD_M GOOD_NU GOOD_RANGE, PEL_EPARSE, "missing key",
     "[W] W_slope"},
    /* range rules, checked after a complete parse */
    {GOOD_HEAD "[W]\nW_inf = 0.06\nW_top = 1.5\nW_E0 = -4.7\nW_dE = 0.03\n" GOOD_M GOOD_NU GOOD_RANGE, PEL_EINVAL,
     "W_top", "<= 1"},
    {GOOD_HEAD GOOD_W GOOD_M GOOD_NU "[range]\nE_lo = -4\nE_hi = -4.3\n", PEL_EINVAL, "E_lo", "E_hi"},
};

static void test_bad_files(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof bad_files / sizeof bad_files[0]; k++) {
        pel_material m;
        pel_error err = {0};
        const char *path = write_tmp("bad.ini", bad_files[k].text);
        int rc = pel_material_load(path, &m, &err);
        if (rc != bad_files[k].code || !strstr(err.msg, bad_files[k].want1) || !strstr(err.msg, bad_files[k].want2) ||
            !strstr(err.msg, "bad.ini"))
            print_error("case %zu: rc %d '%s'\n", k, rc, err.msg);
        assert_int_equal(rc, bad_files[k].code);
        assert_non_null(strstr(err.msg, "bad.ini"));
        assert_non_null(strstr(err.msg, bad_files[k].want1));
        assert_non_null(strstr(err.msg, bad_files[k].want2));
    }
    /* the good pieces together load */
    pel_material m;
    pel_error err = {0};
    assert_int_equal(pel_material_load(write_tmp("good.ini", GOOD_HEAD GOOD_W GOOD_M GOOD_NU GOOD_RANGE), &m, &err),
                     PEL_OK);
    assert_close(m.S_T, 3.0, 0, 0);
    /* unreadable file */
    assert_int_equal(pel_material_load("/nonexistent/dir/x.ini", &m, &err), PEL_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent/dir/x.ini"));
}

/* Each range rule of pel_material_check, one violation at a time. */
static void test_check(void **state)
{
    (void)state;
    pel_material base;
    assert_int_equal(pel_material_preset("cu56zr44-paper", &base, NULL), PEL_OK);
    assert_int_equal(pel_material_check(&base, NULL), PEL_OK);
    struct {
        size_t off;
        double v;
        const char *key;
    } cases[] = {
        {offsetof(pel_material, eA), 0.0, "eA"},
        {offsetof(pel_material, s), -0.1, "s"},
        {offsetof(pel_material, eR), 0.0, "eR"},
        {offsetof(pel_material, W_inf), -0.01, "W_inf"},
        {offsetof(pel_material, W_top), 1.01, "W_top"},
        {offsetof(pel_material, W_inf), 0.95, "W_inf <= W_top"},
        {offsetof(pel_material, W_dE), 0.0, "W_dE"},
        {offsetof(pel_material, m_slope), -1.0, "m_slope"},
        {offsetof(pel_material, nu0_per_s), 0.0, "nu0"},
        {offsetof(pel_material, S_E), -1.0, "S_E"},
        {offsetof(pel_material, S_T), -1.0, "S_T"},
        {offsetof(pel_material, S_T0), 0.0, "S_T0"},
        {offsetof(pel_material, E_lo), -4.0, "E_lo < E_hi"},
        {offsetof(pel_material, m_0), INFINITY, "m_0"},
        {offsetof(pel_material, S_E0), NAN, "S_E0"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        pel_material m = base;
        *(double *)((char *)&m + cases[k].off) = cases[k].v;
        pel_error err = {0};
        assert_int_equal(pel_material_check(&m, &err), PEL_EINVAL);
        if (!strstr(err.msg, cases[k].key))
            print_error("case %zu: '%s' lacks '%s'\n", k, err.msg, cases[k].key);
        assert_non_null(strstr(err.msg, cases[k].key));
    }
}

/* [covariance]: written, read back, refused when malformed. */
static void test_covariance(void **state)
{
    (void)state;
    pel_material_cov c = {.n = 2}, back;
    c.param[0] = pel_material_param_find("eR");
    c.param[1] = pel_material_param_find("S_T0");
    c.c[0] = 1e-4, c.c[1] = c.c[PEL_MATERIAL_COV_MAX] = -0.3 / 3.0, c.c[PEL_MATERIAL_COV_MAX + 1] = 400.0;
    char path[512];
    snprintf(path, sizeof path, "%s/cov.ini", tmpdir);
    FILE *fp = fopen(path, "w");
    pel_material m;
    assert_int_equal(pel_material_preset("cu56zr44-paper", &m, NULL), PEL_OK);
    pel_material_write(&m, fp);
    pel_material_write_cov(&c, fp);
    fclose(fp);
    pel_error err = {0};
    pel_material mb;
    assert_int_equal(pel_material_load(path, &mb, &err), PEL_OK); /* the section does not disturb the material */
    assert_int_equal(pel_material_load_cov(path, &back, &err), PEL_OK);
    assert_int_equal(back.n, 2);
    assert_int_equal(back.param[1], c.param[1]);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            assert_true(back.c[i * PEL_MATERIAL_COV_MAX + j] == c.c[i * PEL_MATERIAL_COV_MAX + j]);
    assert_int_equal(pel_material_load_cov(write_tmp("nocov.ini", GOOD_HEAD GOOD_W GOOD_M GOOD_NU GOOD_RANGE), &back,
                                           &err),
                     PEL_OK);
    assert_int_equal(back.n, 0);
    assert_int_equal(pel_material_load_cov(write_tmp("c1.ini", "[covariance]\nparams = eR nope\n"), &back, &err),
                     PEL_EPARSE);
    assert_non_null(strstr(err.msg, "nope"));
    assert_int_equal(pel_material_load_cov(write_tmp("c2.ini", "[covariance]\nparams = eR S_E\neR = 1 2\n"), &back, &err),
                     PEL_EPARSE);
    assert_non_null(strstr(err.msg, "S_E"));
    assert_int_equal(
        pel_material_load_cov(write_tmp("c3.ini", "[covariance]\nparams = eR S_E\neR = 1 2\nS_E = 3 4\n"), &back, &err),
        PEL_EPARSE);
    assert_non_null(strstr(err.msg, "symmetric"));
}

/* Shape of the forms (issue 2 item 3): W falls and m rises as E falls, W
 * tends to its floor W_inf in [0.05, 0.07], m is unbounded; nu falls at
 * deeper E and lower T.  Truth: the defining formulas evaluated by hand. */
static void test_forms(void **state)
{
    (void)state;
    pel_material m;
    assert_int_equal(pel_material_preset("cu56zr44-paper", &m, NULL), PEL_OK);
    double Wprev = INFINITY, mprev = -INFINITY;
    for (double E = m.E_hi; E >= m.E_lo; E -= 0.01) {
        double W = pel_material_W(&m, E), mm = pel_material_m(&m, E);
        assert_true(W < Wprev && mm > mprev);
        Wprev = W;
        mprev = mm;
        assert_close(W, m.W_inf + (m.W_top - m.W_inf) / (1 + exp(-(E - m.W_E0) / m.W_dE)), 1e-15, 0);
    }
    assert_true(m.W_inf >= 0.05 && m.W_inf <= 0.07);
    assert_close(pel_material_W(&m, m.W_E0 - 40 * m.W_dE), m.W_inf, 1e-12, 0);
    assert_true(pel_material_m(&m, -100.0) > 100.0); /* unbounded */
    assert_true(m.m_slope > 0.0);
    /* nu: deeper E and lower T give a smaller jump frequency */
    double l0 = pel_material_log_nu(&m, -4.65, 1000.0);
    assert_true(pel_material_log_nu(&m, -4.75, 1000.0) < l0);
    assert_true(pel_material_log_nu(&m, -4.65, 500.0) < l0);
    assert_close(pel_material_log_nu(&m, m.S_E0, m.S_T0), log(m.nu0_per_s), 1e-15, 0);
    pel_spectrum sp;
    pel_material_spectrum(&m, -4.7, &sp);
    assert_close(sp.W, pel_material_W(&m, -4.7), 0, 0);
    assert_close(sp.m, pel_material_m(&m, -4.7), 0, 0);
    assert_true(sp.eA == m.eA && sp.s == m.s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip), cmocka_unit_test(test_shipped_file), cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_check),     cmocka_unit_test(test_forms),       cmocka_unit_test(test_forms_roundtrip),
        cmocka_unit_test(test_form_values), cmocka_unit_test(test_covariance),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
