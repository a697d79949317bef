/* test_figures.c - the figures of `pel figures` (issue 5): files are valid
 * PNG/SVG/PDF of the requested size, and the CSV behind each figure holds
 * what the figure claims, checked against independent truths:
 *   truncated: every cooling peak lies on E_eq (pel_equilibrium_E, a root
 *     finder in E, independent of the figure's root finding in T) and is the
 *     maximum of its branch;
 *   hysteresis: heating dE/dT peak higher and hotter than the cooling one,
 *     heating minimum on E_eq, faster cooling freezes higher (docs/theory.md §5);
 *   map: the shading sign is the sign of pel_equilibrium_D; cooling curves
 *     start on E_eq(2000 K) and freeze higher at higher rates;
 *   spectra: P(E_A|E) integrates to 1 (trapezoid quadrature), W and m
 *     columns equal the material functions.
 * Plus the CSV reader, format parsing, pel_plot_csv and bad inputs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "pel/equilibrium.h"
#include "pel/evolve.h"
#include "pel/material.h"
#include "pel/plot.h"
#include "pel/protocol.h"
#include "pel/spectrum.h"
#include "testutil.h"

#define W_REQ 640
#define H_REQ 480
#define CSV_RTOL 1e-10 /* the CSV holds 12 significant digits; E and T in it are also
                          rounded, so values recomputed from them agree to ~1e-11 */
#define PEAK_ON_LINE_TOL 1e-5 /* eV/atom: |E_peak - E_eq(T_peak)| (issue 5) */

static char dir[256];
static pel_material mat;

/* ---- file helpers ------------------------------------------------------ */

static char *slurp(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long len = ftell(fp);
    rewind(fp);
    char *buf = malloc((size_t)len + 1);
    if (buf && fread(buf, 1, (size_t)len, fp) != (size_t)len) {
        free(buf);
        buf = NULL;
    }
    fclose(fp);
    if (buf) {
        buf[len] = '\0';
        *n = (size_t)len;
    }
    return buf;
}

static const char *fig_path(const char *name, const char *ext)
{
    static char p[512];
    snprintf(p, sizeof p, "%s/%s.%s", dir, name, ext);
    return p;
}

static void check_png(const char *path, unsigned w, unsigned h)
{
    size_t n = 0;
    unsigned char *b = (unsigned char *)slurp(path, &n);
    assert_non_null(b);
    assert_true(n > 24);
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    assert_memory_equal(b, sig, 8);
    assert_memory_equal(b + 12, "IHDR", 4);
    unsigned bw = (unsigned)b[16] << 24 | (unsigned)b[17] << 16 | (unsigned)b[18] << 8 | b[19];
    unsigned bh = (unsigned)b[20] << 24 | (unsigned)b[21] << 16 | (unsigned)b[22] << 8 | b[23];
    assert_int_equal(bw, w);
    assert_int_equal(bh, h);
    free(b);
}

/* Number after attr=" in the text after `from`. */
static double attr_num(const char *from, const char *attr)
{
    char key[32];
    snprintf(key, sizeof key, " %s=\"", attr);
    const char *p = strstr(from, key);
    assert_non_null(p);
    return strtod(p + strlen(key), NULL);
}

static void check_svg(const char *path, double w, double h)
{
    size_t n = 0;
    char *b = slurp(path, &n);
    assert_non_null(b);
    const char *root = strstr(b, "<svg");
    assert_non_null(root);
    const char *end = strchr(root, '>');
    assert_non_null(end);
    assert_close(attr_num(root, "width"), w, 0, 1e-9);
    assert_close(attr_num(root, "height"), h, 0, 1e-9);
    assert_non_null(strstr(b, "</svg>"));
    free(b);
}

/* strstr for binary data (PDF streams hold NUL bytes). */
static const char *find_bytes(const char *b, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(b + i, needle, k))
            return b + i;
    return NULL;
}

static void check_pdf(const char *path, double w, double h)
{
    size_t n = 0;
    char *b = slurp(path, &n);
    assert_non_null(b);
    assert_memory_equal(b, "%PDF-", 5);
    /* trailer: %%EOF within the last bytes */
    assert_true(n > 16);
    assert_non_null(find_bytes(b + n - 16, 16, "%%EOF"));
    double x0, y0, x1, y1;
    const char *mb = find_bytes(b, n, "/MediaBox");
    assert_non_null(mb);
    assert_int_equal(sscanf(mb, "/MediaBox [ %lf %lf %lf %lf", &x0, &y0, &x1, &y1), 4);
    assert_close(x1 - x0, w, 0, 1e-9);
    assert_close(y1 - y0, h, 0, 1e-9);
    free(b);
}

/* ---- CSV helpers -------------------------------------------------------- */

static double num(const pel_csv *t, size_t r, const char *col)
{
    long c = pel_csv_col(t, col);
    assert_true(c >= 0);
    const char *s = pel_csv_cell(t, r, (size_t)c);
    return s[0] ? strtod(s, NULL) : NAN;
}

static int is_series(const pel_csv *t, size_t r, const char *name)
{
    return !strcmp(pel_csv_cell(t, r, 0), name);
}

static int has_prefix(const pel_csv *t, size_t r, const char *prefix)
{
    return !strncmp(pel_csv_cell(t, r, 0), prefix, strlen(prefix));
}

static void read_fig_csv(const char *name, pel_csv *t)
{
    pel_error err = {0};
    int rc = pel_csv_read(fig_path(name, "csv"), t, &err);
    if (rc != PEL_OK)
        fail_msg("%s", err.msg);
    assert_string_equal(t->names[0], "series");
}

/* ---- fixtures ------------------------------------------------------------ */

static void write_catalog(const char *cat);
static void write_model_scan(const char *path, double Tt, double *T_peak, double *E_peak);

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "%s/pel_test_figures_XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir))
        return -1;
    pel_error err = {0};
    if (pel_material_preset("cu56zr44-paper", &mat, &err) != PEL_OK)
        return -1;
    pel_figure_opts o;
    pel_figure_opts_default(&o);
    o.out_dir = dir;
    o.formats = PEL_PLOT_PNG | PEL_PLOT_SVG | PEL_PLOT_PDF;
    o.width = W_REQ;
    o.height = H_REQ;
    /* MD inputs of the md figure: a committed cooling table and equilibrium-line points
       written here, one of them refused (met = 0) */
    static char eq[400], md0[400];
    static const char *md[1];
    snprintf(md0, sizeof md0, "%s/data/samples/cu56zr44_n2000_q1e13/cooling.csv", PEL_SOURCE_DIR);
    md[0] = md0;
    snprintf(eq, sizeof eq, "%s/eqline.csv", dir);
    FILE *fe = fopen(eq, "w");
    if (!fe)
        return -1;
    fprintf(fe, "T_K,E_eq_eV_per_atom,E_eq_se_eV_per_atom,met\n1200,-4.66,0.001,1\n1000,-4.67,0.004,0\n");
    fclose(fe);
    o.md_tables = md;
    o.nmd = 1;
    o.eqline_csv = eq;
    for (size_t i = 0; i < pel_nfigures; i++) {
        char notes[512] = "";
        if (pel_figures[i].run(&mat, &o, notes, sizeof notes, &err) != PEL_OK) {
            fprintf(stderr, "figure %s: %s\n", pel_figures[i].name, err.msg);
            return -1;
        }
    }
    /* the calibration figure is drawn from catalogs only */
    static char cat[400];
    static const char *events[1];
    snprintf(cat, sizeof cat, "%s/catalog_setup.csv", dir);
    write_catalog(cat);
    events[0] = cat;
    o.events = events;
    o.nevents = 1;
    char notes[512] = "";
    if (pel_figure_find("calibration")->run(&mat, &o, notes, sizeof notes, &err) != PEL_OK) {
        fprintf(stderr, "figure calibration: %s\n", err.msg);
        return -1;
    }
    /* and the MD Fig. 5 figure from scan tables only */
    static char scan[400];
    static const char *scans[1];
    double Tp, Ep;
    snprintf(scan, sizeof scan, "%s/scan_setup.csv", dir);
    write_model_scan(scan, 850, &Tp, &Ep);
    scans[0] = scan;
    o.md_scans = scans;
    o.nmd_scans = 1;
    if (pel_figure_find("scans_md")->run(&mat, &o, notes, sizeof notes, &err) != PEL_OK) {
        fprintf(stderr, "figure scans_md: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return pel_test_sh(cmd) == 0 ? 0 : -1;
}

/* ---- tests ------------------------------------------------------------- */

static void test_files_valid(void **state)
{
    (void)state;
    assert_int_equal(pel_nfigures, 7);
    for (size_t i = 0; i < pel_nfigures; i++) {
        const char *name = pel_figures[i].name;
        check_png(fig_path(name, "png"), W_REQ, H_REQ);
        check_svg(fig_path(name, "svg"), W_REQ, H_REQ);
        check_pdf(fig_path(name, "pdf"), W_REQ, H_REQ);
        assert_int_equal(access(fig_path(name, "csv"), R_OK), 0);
    }
}

static void test_truncated_peaks_on_line(void **state)
{
    (void)state;
    pel_csv t;
    read_fig_csv("truncated", &t);
    size_t npeak = 0;
    double TD = NAN, TR = NAN;
    for (size_t r = 0; r < t.nrow; r++) {
        if (is_series(&t, r, "point_Dp_min_heat_1e12"))
            TD = num(&t, r, "T_K");
        if (is_series(&t, r, "point_Rp_rejoin_heat_1e12"))
            TR = num(&t, r, "T_K");
    }
    assert_true(isfinite(TD) && isfinite(TR) && TD < TR);
    for (size_t r = 0; r < t.nrow; r++) {
        if (!has_prefix(&t, r, "peak_cool_from_"))
            continue;
        npeak++;
        double Tp = num(&t, r, "T_K"), Ep = num(&t, r, "E_eV_per_atom"), Eeq;
        /* independent truth: E_eq by pel_equilibrium_E at the peak's T */
        assert_int_equal(pel_equilibrium_E(&mat, Tp, &Eeq, NULL), PEL_OK);
        assert_close(Ep, Eeq, 0, PEAK_ON_LINE_TOL);
        /* the turning temperature lies between D' and R', above the peak */
        double Tturn = strtod(pel_csv_cell(&t, r, 0) + strlen("peak_cool_from_"), NULL);
        assert_true(Tturn > TD && Tturn < TR);
        assert_true(Tp < Tturn);
        /* the peak is the highest E of its cooling branch */
        char branch[64];
        snprintf(branch, sizeof branch, "cool_from_%gK", Tturn);
        size_t nb = 0;
        for (size_t q = 0; q < t.nrow; q++)
            if (is_series(&t, q, branch)) {
                nb++;
                assert_true(num(&t, q, "E_eV_per_atom") <= Ep + 1e-9);
            }
        assert_true(nb > 10);
    }
    assert_int_equal(npeak, 4);
    pel_csv_clear(&t);
}

/* Max of column `col` over series `name`, and the T where it occurs. */
static double series_max(const pel_csv *t, const char *name, const char *col, double *T_at)
{
    double best = -INFINITY;
    for (size_t r = 0; r < t->nrow; r++) {
        double v = num(t, r, col);
        if (is_series(t, r, name) && isfinite(v) && v > best) {
            best = v;
            *T_at = num(t, r, "T_K");
        }
    }
    return best;
}

static double series_last(const pel_csv *t, const char *name, const char *col)
{
    double v = NAN;
    for (size_t r = 0; r < t->nrow; r++)
        if (is_series(t, r, name))
            v = num(t, r, col);
    return v;
}

static void test_hysteresis_claims(void **state)
{
    (void)state;
    pel_csv t;
    read_fig_csv("hysteresis", &t);
    double Tc_pk, Th_pk, Tdummy;
    double cool_pk = series_max(&t, "cool_1e10", "dEdT_eV_per_atom_per_K", &Tc_pk);
    double heat_pk = series_max(&t, "heat_1e10", "dEdT_eV_per_atom_per_K", &Th_pk);
    /* docs/theory.md §5: the heating peak is larger and at higher T than the cooling peak */
    assert_true(heat_pk > cool_pk);
    assert_true(Th_pk > Tc_pk);
    /* the marked dE/dT peaks are those maxima */
    assert_close(series_max(&t, "dEdT_peak_heat_1e10", "dEdT_eV_per_atom_per_K", &Tdummy), heat_pk, 1e-9, 0);
    /* heating minimum D: on E_eq, the lowest E of the heating branch */
    size_t found = 0;
    for (size_t r = 0; r < t.nrow; r++) {
        if (!is_series(&t, r, "point_D_min_heat_1e10") && !is_series(&t, r, "point_Dp_min_heat_1e12"))
            continue;
        found++;
        double T = num(&t, r, "T_K"), E = num(&t, r, "E_eV_per_atom"), Eeq;
        assert_int_equal(pel_equilibrium_E(&mat, T, &Eeq, NULL), PEL_OK);
        assert_close(E, Eeq, 0, PEAK_ON_LINE_TOL);
    }
    assert_int_equal(found, 2);
    double ED = series_last(&t, "point_D_min_heat_1e10", "E_eV_per_atom");
    double EDp = series_last(&t, "point_Dp_min_heat_1e12", "E_eV_per_atom");
    for (size_t r = 0; r < t.nrow; r++)
        if (is_series(&t, r, "heat_1e10"))
            assert_true(num(&t, r, "E_eV_per_atom") >= ED - 1e-9);
    /* faster heating: shallower minimum, later rejoin; faster cooling: higher frozen E */
    assert_true(EDp > ED);
    assert_true(series_last(&t, "point_Rp_rejoin_heat_1e12", "T_K") > series_last(&t, "point_R_rejoin_heat_1e10", "T_K"));
    assert_true(series_last(&t, "cool_1e12", "E_eV_per_atom") > series_last(&t, "cool_1e10", "E_eV_per_atom"));
    /* leaving the line (B) and rejoining it (R) lie above the minimum D */
    assert_true(series_last(&t, "point_B_leave_cool_1e10", "T_K") > series_last(&t, "point_D_min_heat_1e10", "T_K"));
    pel_csv_clear(&t);
}

static void test_map_shading_and_cooling(void **state)
{
    (void)state;
    pel_csv t;
    read_fig_csv("map", &t);
    size_t ngrid = 0, nchecked = 0, nneg = 0, npos = 0;
    for (size_t r = 0; r < t.nrow; r++) {
        if (!is_series(&t, r, "D_grid"))
            continue;
        /* sample every 17th grid point (coprime to both grid sizes) */
        if (ngrid++ % 17)
            continue;
        double T = num(&t, r, "T_K"), E = num(&t, r, "E_eV_per_atom"), D = num(&t, r, "D_eV");
        double Dtrue = pel_equilibrium_D(&mat, E, T);
        assert_true((D < 0) == (Dtrue < 0));
        assert_close(D, Dtrue, CSV_RTOL, CSV_RTOL);
        nneg += Dtrue < 0, npos += Dtrue > 0;
        nchecked++;
    }
    assert_true(nchecked > 100);
    assert_true(nneg > 0 && npos > 0); /* both regions are on the map */
    double E2000;
    assert_int_equal(pel_equilibrium_E(&mat, 2000.0, &E2000, NULL), PEL_OK);
    static const char *const rates[] = {"cool_1e13", "cool_1e12", "cool_1e11", "cool_1e10", "cool_1e9"};
    double prev = INFINITY;
    for (size_t k = 0; k < 5; k++) {
        double first = NAN;
        for (size_t r = 0; r < t.nrow && isnan(first); r++)
            if (is_series(&t, r, rates[k]))
                first = num(&t, r, "E_eV_per_atom");
        assert_close(first, E2000, 0, 1e-9);
        double last = series_last(&t, rates[k], "E_eV_per_atom");
        assert_true(last < prev); /* slower cooling, lower frozen E */
        prev = last;
    }
    double Tc;
    assert_int_equal(pel_equilibrium_Tc(&mat, &Tc, NULL), PEL_OK);
    assert_close(series_last(&t, "T_c", "T_K"), Tc, 1e-9, 0);
    pel_csv_clear(&t);
}

static void test_spectra_normalised(void **state)
{
    (void)state;
    pel_csv t;
    read_fig_csv("spectra", &t);
    size_t nspec = 0;
    for (size_t r = 0; r < t.nrow;) {
        if (!has_prefix(&t, r, "P_E=")) {
            r++;
            continue;
        }
        const char *name = pel_csv_cell(&t, r, 0);
        double E = num(&t, r, "E_eV_per_atom");
        double integral = 0, xa = num(&t, r, "EA_eV"), pa = num(&t, r, "P_per_eV");
        /* M1 at E_A = 0 is W/e_A with the material's W(E) */
        assert_close(pa, pel_material_W(&mat, E) / mat.eA, CSV_RTOL, CSV_RTOL);
        assert_close(num(&t, r, "m_eV"), pel_material_m(&mat, E), CSV_RTOL, CSV_RTOL);
        size_t q = r + 1;
        for (; q < t.nrow && !strcmp(pel_csv_cell(&t, q, 0), name); q++) {
            double xb = num(&t, q, "EA_eV"), pb = num(&t, q, "P_per_eV");
            integral += 0.5 * (pa + pb) * (xb - xa);
            xa = xb, pa = pb;
        }
        /* trapezoid error plus the M1 tail beyond the axis: well below 1e-2 */
        assert_close(integral, 1.0, 0, 1e-2);
        nspec++;
        r = q;
    }
    assert_int_equal(nspec, 6);
    pel_csv_clear(&t);
}

/* ---- CSV reader, formats, quick plot, bad input ---------------------------- */

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* md figure: the MD points as read, the refused isotherm point left out, the
 * model cooled at the table's rate (1e13 K/s from the table's T and t) from
 * E_eq at its first T, and the model's equilibrium line on D = 0. */
static void test_md_figure(void **state)
{
    (void)state;
    pel_csv t;
    pel_material mat;
    pel_error err = {0};
    assert_int_equal(pel_material_preset("cu56zr44-paper", &mat, &err), PEL_OK);
    read_fig_csv("md", &t);
    long cT = pel_csv_col(&t, "T_K"), cE = pel_csv_col(&t, "E_IS_eV_per_atom"), cS = pel_csv_col(&t, "E_se_eV_per_atom"),
         cQ = pel_csv_col(&t, "rate_K_per_s");
    assert_true(cT > 0 && cE > 0 && cS > 0 && cQ > 0);
    size_t n_md = 0, n_eq = 0, n_model = 0, n_line = 0;
    double T0 = 0;
    for (size_t r = 0; r < t.nrow; r++) {
        double T, E, v;
        assert_int_equal(pel_csv_num(&t, r, (size_t)cT, &T, &err), PEL_OK);
        assert_int_equal(pel_csv_num(&t, r, (size_t)cE, &E, &err), PEL_OK);
        if (is_series(&t, r, "md_1")) {
            if (n_md++ == 0) T0 = T;
        } else if (is_series(&t, r, "md_eq")) {
            n_eq++;
            assert_close(T, 1200, 0, 0);
            assert_int_equal(pel_csv_num(&t, r, (size_t)cS, &v, &err), PEL_OK);
            assert_close(v, 0.001, 0, 0);
        } else if (is_series(&t, r, "model_1")) {
            assert_int_equal(pel_csv_num(&t, r, (size_t)cQ, &v, &err), PEL_OK);
            assert_close(v, 1e13, 1e-9, 0);
            if (n_model++ == 0) {
                double Eeq;
                assert_close(T, T0, 0, 1e-9);
                assert_int_equal(pel_equilibrium_E(&mat, T, &Eeq, &err), PEL_OK);
                assert_close(E, Eeq, 0, 1e-9);
            }
        } else if (is_series(&t, r, "model_eq")) {
            n_line++;
            assert_true(fabs(pel_equilibrium_D(&mat, E, T)) < 1e-9);
        }
    }
    assert_int_equal(n_eq, 1);
    assert_true(n_md > 20);
    assert_true(n_model > 20);
    assert_true(n_line > 100);
    pel_csv_clear(&t);
}

static void test_csv_reader(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int rc;
        size_t ncol, nrow;
    } cases[] = {
        {"# comment\nT_K,E_eV\n300,-4.7\n\n400, -4.6 \n", PEL_OK, 2, 2},
        {"a,b,c\n1,,\n", PEL_OK, 3, 1},       /* empty cells */
        {"a,b,c\n1,2\n", PEL_EPARSE, 0, 0},    /* short row (tests/util/test_csv.c) */
        {"a,b\n1,2,3\n", PEL_EPARSE, 0, 0},    /* too many cells */
        {"", PEL_EPARSE, 0, 0},                /* no header */
    };
    char path[300];
    snprintf(path, sizeof path, "%s/reader.csv", dir);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_file(path, cases[i].text);
        pel_csv t;
        pel_error err = {0};
        assert_int_equal(pel_csv_read(path, &t, &err), cases[i].rc);
        if (cases[i].rc != PEL_OK) {
            assert_non_null(strstr(err.msg, "reader.csv"));
            continue;
        }
        assert_int_equal(t.ncol, cases[i].ncol);
        assert_int_equal(t.nrow, cases[i].nrow);
        pel_csv_clear(&t);
    }
    pel_csv t;
    pel_error err = {0};
    write_file(path, "T_K,E_eV\n300,-4.7\n400,x\n");
    assert_int_equal(pel_csv_read(path, &t, &err), PEL_OK);
    double v;
    assert_int_equal(pel_csv_num(&t, 0, 1, &v, &err), PEL_OK);
    assert_close(v, -4.7, 0, 0);
    assert_int_equal(pel_csv_num(&t, 1, 1, &v, &err), PEL_EPARSE);
    assert_non_null(strstr(err.msg, "E_eV"));
    assert_int_equal(pel_csv_col(&t, "nope"), -1);
    pel_csv_clear(&t);
    assert_int_equal(pel_csv_read("/nonexistent/pel.csv", &t, &err), PEL_EIO);
}

static void test_formats(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int rc;
        unsigned set;
    } cases[] = {
        {"png", PEL_OK, PEL_PLOT_PNG},
        {"png,svg,pdf", PEL_OK, PEL_PLOT_PNG | PEL_PLOT_SVG | PEL_PLOT_PDF},
        {"pdf,pdf", PEL_OK, PEL_PLOT_PDF},
        {"jpg", PEL_EINVAL, 0},
        {"png,gif", PEL_EINVAL, 0},
        {"", PEL_EINVAL, 0},
        {"pngx", PEL_EINVAL, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned set = 0;
        pel_error err = {0};
        assert_int_equal(pel_plot_parse_formats(cases[i].text, &set, &err), cases[i].rc);
        if (cases[i].rc == PEL_OK)
            assert_int_equal(set, cases[i].set);
    }
    assert_int_equal(pel_plot_check_devices(PEL_PLOT_PNG | PEL_PLOT_SVG | PEL_PLOT_PDF, NULL), PEL_OK);
}

static void test_plot_csv(void **state)
{
    (void)state;
    char csv[300], png[300];
    snprintf(csv, sizeof csv, "%s/run.csv", dir);
    snprintf(png, sizeof png, "%s/run.png", dir);
    write_file(csv, "t_s,T_K,E_eV_per_atom,dEdT_eV_per_atom_per_K\n0,1000,-4.70,1e-4\n1,900,-4.72,\n2,800,-4.74,2e-4\n");
    pel_csvplot_opts o = {0};
    o.width = 500, o.height = 400;
    pel_error err = {0};
    assert_int_equal(pel_plot_csv(csv, png, &o, &err), PEL_OK);
    check_png(png, 500, 400);
    const char *ys[] = {"nope"};
    o.ycols = ys, o.nycols = 1;
    assert_int_equal(pel_plot_csv(csv, png, &o, &err), PEL_EINVAL);
    assert_non_null(strstr(err.msg, "nope"));
    o.ycols = NULL, o.nycols = 0, o.xcol = "t_s", o.logx = 1;
    assert_int_equal(pel_plot_csv(csv, png, &o, &err), PEL_OK);
    snprintf(png, sizeof png, "%s/run.jpg", dir);
    assert_int_equal(pel_plot_csv(csv, png, &o, &err), PEL_EINVAL);
}

static void test_bad_options(void **state)
{
    (void)state;
    pel_figure_opts o;
    pel_figure_opts_default(&o);
    o.out_dir = dir;
    pel_error err = {0};
    const pel_figure *map = pel_figure_find("map");
    assert_non_null(map);
    assert_null(pel_figure_find("nope"));
    o.width = 10; /* too small */
    assert_int_equal(map->run(&mat, &o, NULL, 0, &err), PEL_EINVAL);
    o.width = W_REQ;
    o.formats = 0;
    assert_int_equal(map->run(&mat, &o, NULL, 0, &err), PEL_EINVAL);
    o.formats = PEL_PLOT_PNG;
    o.out_dir = "/nonexistent/dir/for/pel";
    assert_int_equal(pel_figure_find("spectra")->run(&mat, &o, NULL, 0, &err), PEL_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent/dir/for/pel"));
    o.out_dir = dir;
    o.md_csv = "/nonexistent/quench.csv";
    assert_int_equal(map->run(&mat, &o, NULL, 0, &err), PEL_EIO);
    assert_non_null(strstr(err.msg, "quench.csv"));
    /* a table without the cooling columns */
    char bad[300];
    snprintf(bad, sizeof bad, "%s/notquench.csv", dir);
    write_file(bad, "a,b\n1,2\n");
    o.md_csv = bad;
    assert_int_equal(map->run(&mat, &o, NULL, 0, &err), PEL_EPARSE);
    assert_non_null(strstr(err.msg, "E_IS_eV_per_atom"));
}

/* A catalog drawn from eq. 3 with known W, m (M2 by rejection from a
 * Gaussian: accept x > 0 with probability x / X_CAP) and eq. 5 for E_R; the
 * overlay's fitted (W, m) must recover them within sampling error. */
#define EV_N 3000
#define EV_W 0.2
#define EV_M 1.8
#define EV_X_CAP 6.0
/* A catalog of EV_N events sampled from eq. 3 (W = EV_W, m = EV_M, e_A and s
 * of the test material) and eq. 5 at E_IS = -4.72 eV/atom, with failed rows. */
static void write_catalog(const char *cat)
{
    FILE *fp = fopen(cat, "w");
    assert_non_null(fp);
    fprintf(fp, "# E_IS_eV_per_atom=-4.72\nsearch_id,center_id,status,E_initial_eV,EA_eV,ER_eV\n");
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 7);
    for (int i = 0; i < EV_N; i++) {
        double ea;
        if (gsl_rng_uniform(rng) < EV_W) {
            ea = gsl_ran_exponential(rng, mat.eA);
        } else {
            do
                ea = EV_M + gsl_ran_gaussian(rng, mat.s);
            while (ea <= 0 || gsl_rng_uniform(rng) * EV_X_CAP > ea);
        }
        fprintf(fp, "%d,%d,converged,-9440,%.10f,%.10f\n", i, i % 100, ea, gsl_ran_exponential(rng, mat.eR));
        if (i % 50 == 0) /* failed searches are ignored */
            fprintf(fp, "%d,%d,failed,-9440,,\n", EV_N + i, i % 100);
    }
    gsl_rng_free(rng);
    fclose(fp);
}

static void test_events_overlay(void **state)
{
    (void)state;
    char cat[300];
    snprintf(cat, sizeof cat, "%s/catalog.csv", dir);
    write_catalog(cat);
    pel_figure_opts o;
    pel_figure_opts_default(&o);
    const char *events[] = {cat};
    char sub[300];
    snprintf(sub, sizeof sub, "%s/ev", dir);
    assert_int_equal(mkdir(sub, 0777), 0);
    o.out_dir = sub;
    o.events = events;
    o.nevents = 1;
    char notes[512] = "";
    pel_error err = {0};
    int rc = pel_figure_find("spectra")->run(&mat, &o, notes, sizeof notes, &err);
    if (rc != PEL_OK)
        fail_msg("%s", err.msg);
    pel_csv t;
    snprintf(sub, sizeof sub, "%s/ev/spectra.csv", dir);
    assert_int_equal(pel_csv_read(sub, &t, &err), PEL_OK);
    double W = NAN, m = NAN, area = 0, w = NAN, prev = NAN;
    for (size_t r = 0; r < t.nrow; r++) {
        if (is_series(&t, r, "fit_W_m_1")) {
            W = num(&t, r, "W");
            m = num(&t, r, "m_eV");
            assert_close(num(&t, r, "E_eV_per_atom"), -4.72, 0, 1e-12);
        }
        if (is_series(&t, r, "hist_EA_1")) {
            double x = num(&t, r, "EA_eV");
            if (isfinite(prev))
                w = x - prev;
            prev = x;
            area += num(&t, r, "P_per_eV");
        }
    }
    /* binomial standard errors at n = 3000 are ~0.01 on W and ~0.02 eV on m */
    assert_close(W, EV_W, 0, 0.04);
    assert_close(m, EV_M, 0, 0.08);
    /* density histogram: area = fraction of events on the axis (nearly all) */
    assert_close(area * w, 1.0, 0, 0.01);
    pel_csv_clear(&t);
    /* an unreadable catalog is an error naming --events */
    events[0] = "/nonexistent/catalog.csv";
    assert_int_equal(pel_figure_find("spectra")->run(&mat, &o, notes, sizeof notes, &err), PEL_EIO);
    assert_non_null(strstr(err.msg, "--events"));
}

/* Value of column col in the first row of series name (NaN if none). */
static double series_first(const pel_csv *t, const char *name, const char *col)
{
    for (size_t r = 0; r < t->nrow; r++)
        if (is_series(t, r, name))
            return num(t, r, col);
    return NAN;
}

/* The calibration figure on a catalog sampled from a known spectrum: the
 * material that made it has the spectrum drawn over the histogram with unit
 * area (quadrature), is not rejected by the events (KS), while a material
 * with m 0.3 eV off is; the catalog's own fit recovers W and m within
 * sampling error; for a constant W the covariance band is W -+ 1.96 sd, the
 * normal quantile. */
static void test_calibration_figure(void **state)
{
    (void)state;
    char cat[300], sub[300];
    snprintf(cat, sizeof cat, "%s/catalog_cal.csv", dir);
    write_catalog(cat);
    pel_material truth = mat;
    truth.W_form = PEL_W_LINEAR, truth.W_0 = EV_W, truth.W_slope = 0.0, truth.W_E0 = -4.72;
    truth.m_form = PEL_M_LINEAR, truth.m_0 = EV_M, truth.m_slope = 0.0, truth.m_E0 = -4.72;
    pel_error err = {0};
    if (pel_material_check(&truth, &err) != PEL_OK)
        fail_msg("%s", err.msg);
    pel_material_cov cov = {.n = 1};
    cov.param[0] = pel_material_param_find("W_0");
    cov.c[0] = 0.01 * 0.01;
    pel_figure_opts o;
    pel_figure_opts_default(&o);
    const char *events[] = {cat};
    o.events = events;
    o.nevents = 1;
    o.cov = &cov;
    for (int wrong = 0; wrong <= 1; wrong++) {
        snprintf(sub, sizeof sub, "%s/cal%d", dir, wrong);
        assert_int_equal(mkdir(sub, 0777), 0);
        o.out_dir = sub;
        pel_material m = truth;
        m.m_0 += wrong ? 0.3 : 0.0;
        char notes[512] = "";
        if (pel_figure_find("calibration")->run(&m, &o, notes, sizeof notes, &err) != PEL_OK)
            fail_msg("%s", err.msg);
        pel_csv t;
        snprintf(sub, sizeof sub, "%s/cal%d/calibration.csv", dir, wrong);
        assert_int_equal(pel_csv_read(sub, &t, &err), PEL_OK);
        double ks = series_first(&t, "model_EA_1", "KS_p");
        if (wrong) {
            assert_true(ks < 1e-6);
            pel_csv_clear(&t);
            continue;
        }
        assert_true(ks > 1e-3);
        /* trapezoid area of the drawn spectrum (tail beyond the axis < 0.2 %) */
        double area = 0, px = NAN, pp = NAN;
        for (size_t r = 0; r < t.nrow; r++) {
            if (!is_series(&t, r, "model_EA_1"))
                continue;
            double x = num(&t, r, "EA_eV"), p = num(&t, r, "P_per_eV");
            if (isfinite(px))
                area += 0.5 * (x - px) * (p + pp);
            px = x, pp = p;
        }
        assert_close(area, 1.0, 0, 0.005);
        /* the catalog's own fit (binomial se ~0.01 on W, ~0.02 eV on m) */
        assert_close(series_first(&t, "fit_W_m_1", "W"), EV_W, 0, 0.04);
        assert_close(series_first(&t, "fit_W_m_1", "m_eV"), EV_M, 0, 0.08);
        double se = series_first(&t, "fit_W_m_1", "W_se");
        assert_true(se > 0.003 && se < 0.03);
        /* 400 draws: quantile error ~0.1 sd at 2.5 % */
        double z = 1.959963984540054;
        assert_close(series_first(&t, "band_lo", "W"), EV_W - z * 0.01, 0, 0.003);
        assert_close(series_first(&t, "band_hi", "W"), EV_W + z * 0.01, 0, 0.003);
        pel_csv_clear(&t);
    }
}

/* Write the model's own truncated scan of its 1e12 K/s glass (600 K -> Tt ->
 * 600 K at 1e12 K/s, a row every 10 K) as an MD scan table; returns the
 * highest E of the cooling leg at 0.1 K resolution in *E_peak, *T_peak. */
static void write_model_scan(const char *path, double Tt, double *T_peak, double *E_peak)
{
    char text[200];
    snprintf(text, sizeof text, "eq@2000K; cool 600K@1e12K/s; heat %gK@1e12K/s; cool 600K@1e12K/s", Tt);
    pel_protocol pr;
    pel_error err = {0};
    assert_int_equal(pel_protocol_parse(text, &pr, &err), PEL_OK);
    pel_evolve_opts eo;
    pel_evolve_opts_default(&eo);
    eo.dT_out_K = 0.1;
    pel_trace tr = {0};
    assert_int_equal(pel_evolve_run(&mat, &pr, &eo, &tr, &err), PEL_OK);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, "T_K,t_ps,segment,E_IS_eV_per_atom,E_IS_se_eV_per_atom\n");
    double t0 = NAN;
    *E_peak = -INFINITY;
    for (size_t i = 0; i < tr.n; i++) {
        const pel_trace_point *q = &tr.p[i];
        if (q->segment < 1 && !(q->segment == 0 && i + 1 < tr.n && tr.p[i + 1].segment == 1))
            continue; /* the glass at 600 K is the table's first row, as in `pel md --protocol` */
        if (q->segment == 2 && q->E > *E_peak)
            *E_peak = q->E, *T_peak = q->T_K;
        double r = fmod(q->T_K + 1e-6, 10.0);
        if (r > 2e-6 || (q->segment == 2 && fabs(q->T_K - Tt) < 1e-6))
            continue; /* one row per 10 K; the turning point once */
        if (isnan(t0))
            t0 = q->t_s;
        fprintf(fp, "%.17g,%.17g,%d,%.17g,0.0002\n", q->T_K, (q->t_s - t0) * 1e12, q->segment, q->E);
    }
    fclose(fp);
    pel_trace_clear(&tr);
    pel_protocol_clear(&pr);
}

/* The MD Fig. 5 figure on scans made by the model itself: the model curve
 * drawn below goes through every MD row, and the highest E on cooling found
 * in the 10 K rows is within one row spacing of the model's (0.1 K rows);
 * a table that only cools is refused as not a scan. */
static void test_scans_md_figure(void **state)
{
    (void)state;
    char scan[2][300], sub[300];
    double Tt[2] = {950, 1000}, Tp[2], Ep[2]; /* inside (D', R') = (907, 1041) K: a peak on cooling */
    for (int k = 0; k < 2; k++) {
        snprintf(scan[k], sizeof scan[k], "%s/scan_%d.csv", dir, k);
        write_model_scan(scan[k], Tt[k], &Tp[k], &Ep[k]);
    }
    pel_figure_opts o;
    pel_figure_opts_default(&o);
    const char *scans[] = {scan[0], scan[1]};
    snprintf(sub, sizeof sub, "%s/scans", dir);
    assert_int_equal(mkdir(sub, 0777), 0);
    o.out_dir = sub;
    o.md_scans = scans;
    o.nmd_scans = 2;
    char notes[512] = "";
    pel_error err = {0};
    if (pel_figure_find("scans_md")->run(&mat, &o, notes, sizeof notes, &err) != PEL_OK)
        fail_msg("%s", err.msg);
    pel_csv t;
    snprintf(sub, sizeof sub, "%s/scans/scans_md.csv", dir);
    assert_int_equal(pel_csv_read(sub, &t, &err), PEL_OK);
    for (int k = 0; k < 2; k++) {
        char md[32], model[32], mdp[32], mop[32];
        snprintf(md, sizeof md, "md_%d", k + 1);
        snprintf(model, sizeof model, "model_%d", k + 1);
        snprintf(mdp, sizeof mdp, "md_peak_%d", k + 1);
        snprintf(mop, sizeof mop, "model_peak_%d", k + 1);
        assert_close(series_first(&t, md, "rate_K_per_s"), 1e12, 1e-9, 0);
        assert_close(series_first(&t, md, "T_turn_K"), Tt[k], 0, 1e-9);
        /* the model's cooling peak (D = 0 by root finding) against the
           highest of the 0.1 K rows: within a row, E flat to second order */
        assert_close(series_first(&t, mop, "T_K"), Tp[k], 0, 0.2);
        assert_close(series_first(&t, mop, "E_IS_eV_per_atom"), Ep[k], 0, 3e-6); /* Hermite on 1 K rows */
        assert_close(series_first(&t, mdp, "T_K"), Tp[k], 0, 10.0);
        assert_true(series_first(&t, mdp, "E_IS_eV_per_atom") <= Ep[k] + 1e-9);
        /* every MD row lies on the model curve (same protocol, linear interpolation on 1 K rows) */
        size_t nmd = 0;
        for (size_t r = 0; r < t.nrow; r++) {
            if (!is_series(&t, r, md))
                continue;
            double T = num(&t, r, "T_K"), E = num(&t, r, "E_IS_eV_per_atom"), best = INFINITY;
            for (size_t q = 0; q < t.nrow; q++)
                if (is_series(&t, q, model) && fabs(num(&t, q, "T_K") - T) < 1e-6)
                    best = fmin(best, fabs(num(&t, q, "E_IS_eV_per_atom") - E));
            if (!(best < 1e-7))
                fail_msg("MD row T %g E %.12g: nearest model E off by %g", T, E, best);
            nmd++;
        }
        assert_true(nmd > 20);
    }
    pel_csv_clear(&t);
    /* a cooling run is not a scan */
    snprintf(sub, sizeof sub, "%s/data/samples/cu56zr44_n2000_q1e13/cooling.csv", PEL_SOURCE_DIR);
    scans[0] = sub;
    o.nmd_scans = 1;
    assert_int_equal(pel_figure_find("scans_md")->run(&mat, &o, notes, sizeof notes, &err), PEL_EINVAL);
    assert_non_null(strstr(err.msg, "scan"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_files_valid),
        cmocka_unit_test(test_truncated_peaks_on_line),
        cmocka_unit_test(test_hysteresis_claims),
        cmocka_unit_test(test_map_shading_and_cooling),
        cmocka_unit_test(test_spectra_normalised),
        cmocka_unit_test(test_md_figure),
        cmocka_unit_test(test_csv_reader),
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_plot_csv),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_events_overlay),
        cmocka_unit_test(test_calibration_figure),
        cmocka_unit_test(test_scans_md_figure),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
