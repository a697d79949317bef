/* cmd_figures.c - `pel figures`: the paper's figures for a material (issue 5,
 * docs/figures.md): spectra, map, hysteresis, truncated, each as image(s)
 * plus the CSV of every number drawn.  Thin: options -> pel_figures[].run. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "pel/material.h"
#include "pel/plot.h"
#include "pel/util.h"

#define CMD "figures"
#define MAX_EVENTS 64
#define MAX_MD 8 /* MD tables of the md figure */

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: pel figures [--material cu56zr44|FILE] [--out DIR] [--format png,svg,pdf]\n"
            "                   [--size WxH] [--only NAME,...] [--md TABLE ...] [--eqline CSV] [--events CATALOG ...]\n\n"
            "Draw the paper's figures for a material into DIR (default: figures/), each as\n"
            "NAME.<format> plus NAME.csv holding every plotted number:\n");
    for (size_t i = 0; i < pel_nfigures; i++)
        fprintf(fp, "  %-11s %s\n", pel_figures[i].name, pel_figures[i].what);
    fprintf(fp, "\noptions:\n"
                "  --material M   preset name or material INI file (default cu56zr44)\n"
                "  --out DIR      output directory, created if missing (default figures)\n"
                "  --format LIST  comma-separated png, svg, pdf (default png)\n"
                "  --size WxH     page size in pixels (PNG) or points (SVG/PDF), default %dx%d\n"
                "  --only LIST    draw only these figures (comma-separated names)\n"
                "  --md CSV       MD table (T_K, E_IS_eV_per_atom; `pel quench` cooling.csv, `pel md --protocol`\n"
                "                 protocol.csv or mean.csv with E_IS_se_eV_per_atom): the first is added to map;\n"
                "                 all (repeatable, up to 8) make the md figure, with the model at each table's rate\n"
                "  --eqline CSV   equilibrium-line points of `pel isotherm` with error bars on the md figure\n"
                "  --md-scan CSV  truncated scan of an MD glass (`pel md --protocol \"eq@T0K; heat TtK@q; cool\n"
                "                 T0K@q\"` protocol.csv or mean.csv; repeatable, up to 8): the scans_md figure,\n"
                "                 MD above and the model on the same scans below (paper Fig. 5)\n"
                "  --scan-start P model protocol that makes the scans' glass (default \"eq@2000K; cool\n"
                "                 T0K@1e12K/s\", T0 the scans' first T)\n"
                "  --events CAT   add the E_A/E_R histograms and fits of ART catalogs to spectra, and draw\n"
                "                 the calibration figure: each catalog against the material (with the 95%%\n"
                "                 band of W, m when the material file has a [covariance]); repeatable,\n"
                "                 further file arguments are catalogs too\n"
                "  --help         this text\n",
            PEL_PLOT_WIDTH, PEL_PLOT_HEIGHT);
}

/* "WxH" with both sides in range. */
static int parse_size(const char *s, int *w, int *h)
{
    char buf[64];
    const char *x = strchr(s, 'x');
    if (!x || (size_t)(x - s) >= sizeof buf)
        return cli_errorf(CMD, 1, "--size: '%s' is not of the form WxH", s);
    memcpy(buf, s, (size_t)(x - s));
    buf[x - s] = '\0';
    long lw, lh;
    if (cli_long(CMD, "--size width", buf, &lw) || cli_long(CMD, "--size height", x + 1, &lh))
        return 1;
    if (lw < PEL_PLOT_MIN_SIZE || lw > PEL_PLOT_MAX_SIZE || lh < PEL_PLOT_MIN_SIZE || lh > PEL_PLOT_MAX_SIZE)
        return cli_errorf(CMD, 1, "--size: %ldx%ld outside %d..%d", lw, lh, PEL_PLOT_MIN_SIZE, PEL_PLOT_MAX_SIZE);
    *w = (int)lw, *h = (int)lh;
    return 0;
}

/* The output directory exists (made if missing) and is writable. */
static int prepare_dir(const char *dir)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        if (mkdir(dir, 0777) != 0)
            return cli_errorf(CMD, 1, "--out: cannot create directory %s: %s", dir, strerror(errno));
    } else if (!S_ISDIR(st.st_mode)) {
        return cli_errorf(CMD, 1, "--out: %s is not a directory", dir);
    }
    if (access(dir, W_OK | X_OK) != 0)
        return cli_errorf(CMD, 1, "--out: directory %s is not writable: %s", dir, strerror(errno));
    return 0;
}

/* Is figure `name` selected by the comma list `only` (NULL = all)? */
static int selected(const char *only, const char *name)
{
    if (!only)
        return 1;
    size_t n = strlen(name);
    for (const char *p = only; *p;) {
        size_t k = strcspn(p, ",");
        if (k == n && !strncmp(p, name, n))
            return 1;
        p += k + (p[k] == ',');
    }
    return 0;
}

/* Every name in `only` is a figure. */
static int check_only(const char *only)
{
    for (const char *p = only; p && *p;) {
        size_t k = strcspn(p, ",");
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(k < 63 ? k : 63), p);
        if (!pel_figure_find(name))
            return cli_errorf(CMD, 1, "--only: unknown figure '%s' (known: spectra, map, hysteresis, truncated, md, "
                                      "calibration, scans_md)",
                              name);
        p += k + (p[k] == ',');
    }
    return 0;
}

/* The md, calibration and scans_md figures are drawn only from the data they show. */
static int has_data(const char *fig, int md_data, size_t nev, size_t nscan)
{
    if (!strcmp(fig, "md"))
        return md_data;
    if (!strcmp(fig, "calibration"))
        return nev > 0;
    return strcmp(fig, "scans_md") || nscan > 0;
}

int cli_cmd_figures(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"material", required_argument, NULL, 'm'}, {"out", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, 'f'},   {"size", required_argument, NULL, 's'},
        {"only", required_argument, NULL, 'n'},     {"md", required_argument, NULL, 'd'},
        {"events", required_argument, NULL, 'e'},   {"eqline", required_argument, NULL, 'q'},
        {"md-scan", required_argument, NULL, 'S'},  {"scan-start", required_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *material = "cu56zr44", *only = NULL, *events[MAX_EVENTS], *md[MAX_MD], *scans[MAX_MD];
    size_t nmd = 0, nscan = 0;
    pel_figure_opts o;
    pel_figure_opts_default(&o);
    o.out_dir = "figures";
    size_t nev = 0;
    pel_error err = {0};
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'm': material = optarg; break;
        case 'o': o.out_dir = optarg; break;
        case 'f':
            if (pel_plot_parse_formats(optarg, &o.formats, &err) != PEL_OK)
                return cli_errorf(CMD, CLI_USAGE, "--format: %s", err.msg);
            break;
        case 's':
            if (parse_size(optarg, &o.width, &o.height))
                return CLI_USAGE;
            break;
        case 'n': only = optarg; break;
        case 'd':
            if (nmd == MAX_MD)
                return cli_errorf(CMD, CLI_USAGE, "--md: at most %d tables", MAX_MD);
            md[nmd++] = optarg;
            if (!o.md_csv) o.md_csv = optarg; /* the map shows the first */
            break;
        case 'q': o.eqline_csv = optarg; break;
        case 'S':
            if (nscan == MAX_MD)
                return cli_errorf(CMD, CLI_USAGE, "--md-scan: at most %d tables", MAX_MD);
            scans[nscan++] = optarg;
            break;
        case 'P': o.scan_start = optarg; break;
        case 'e':
            if (nev == MAX_EVENTS)
                return cli_errorf(CMD, CLI_USAGE, "--events: at most %d catalogs", MAX_EVENTS);
            events[nev++] = optarg;
            break;
        case 'h': usage(stdout); return CLI_OK;
        case ':': return cli_errorf(CMD, CLI_USAGE, "option %s needs a value", argv[optind - 1]);
        default: return cli_errorf(CMD, CLI_USAGE, "unknown option %s (see pel figures --help)", argv[optind - 1]);
        }
    }
    for (; optind < argc; optind++) {
        if (nev == 0)
            return cli_errorf(CMD, CLI_USAGE, "unexpected argument '%s' (see pel figures --help)", argv[optind]);
        if (nev == MAX_EVENTS)
            return cli_errorf(CMD, CLI_USAGE, "--events: at most %d catalogs", MAX_EVENTS);
        events[nev++] = argv[optind];
    }
    o.events = events;
    o.nevents = nev;
    if (check_only(only))
        return CLI_USAGE;
    /* inputs are checked before any figure is computed */
    o.md_tables = md;
    o.nmd = nmd;
    o.md_scans = scans;
    o.nmd_scans = nscan;
    for (size_t i = 0; i < nscan; i++)
        if (access(scans[i], R_OK) != 0)
            return cli_errorf(CMD, CLI_FAIL, "--md-scan: cannot read %s: %s", scans[i], strerror(errno));
    for (size_t i = 0; i < nmd; i++)
        if (access(md[i], R_OK) != 0)
            return cli_errorf(CMD, CLI_FAIL, "--md: cannot read %s: %s", md[i], strerror(errno));
    if (o.eqline_csv && access(o.eqline_csv, R_OK) != 0)
        return cli_errorf(CMD, CLI_FAIL, "--eqline: cannot read %s: %s", o.eqline_csv, strerror(errno));
    int md_data = nmd > 0 || o.eqline_csv;
    if (!md_data && only && selected(only, "md"))
        return cli_errorf(CMD, CLI_USAGE, "figure md needs --md or --eqline");
    if (nev == 0 && only && selected(only, "calibration"))
        return cli_errorf(CMD, CLI_USAGE, "figure calibration needs --events");
    if (nscan == 0 && only && selected(only, "scans_md"))
        return cli_errorf(CMD, CLI_USAGE, "figure scans_md needs --md-scan");
    for (size_t i = 0; i < nev; i++)
        if (access(events[i], R_OK) != 0)
            return cli_errorf(CMD, CLI_FAIL, "--events: cannot read %s: %s", events[i], strerror(errno));
    pel_material mat;
    pel_material_cov cov = {0};
    if (pel_material_resolve(material, &mat, &err) != PEL_OK ||
        ((strchr(material, '/') || strchr(material, '.')) && pel_material_load_cov(material, &cov, &err) != PEL_OK))
        return cli_fail(CMD, &err);
    o.cov = &cov;
    if (pel_plot_check_devices(o.formats, &err) != PEL_OK)
        return cli_fail(CMD, &err);
    if (prepare_dir(o.out_dir))
        return CLI_FAIL;

    cli_progress prog;
    cli_progress_init(&prog, "pel figures", 5.0);
    size_t nsel = 0, done = 0;
    for (size_t i = 0; i < pel_nfigures; i++)
        nsel += selected(only, pel_figures[i].name) && has_data(pel_figures[i].name, md_data, nev, nscan);
    for (size_t i = 0; i < pel_nfigures; i++) {
        const pel_figure *fig = &pel_figures[i];
        if (!selected(only, fig->name) || !has_data(fig->name, md_data, nev, nscan))
            continue;
        cli_progress_cb(&prog, (double)done, (double)nsel, fig->name);
        char notes[1024] = "";
        if (fig->run(&mat, &o, notes, sizeof notes, &err) != PEL_OK) {
            cli_progress_end(&prog);
            return cli_errorf(CMD, CLI_FAIL, "%s: %s", fig->name, err.msg);
        }
        done++;
        if (notes[0])
            fprintf(stderr, "pel figures: note: %s: %s\n", fig->name, notes);
        printf("%s/%s.csv\n", o.out_dir, fig->name);
        for (unsigned b = PEL_PLOT_PNG; b <= PEL_PLOT_PDF; b <<= 1)
            if (o.formats & b)
                printf("%s/%s.%s\n", o.out_dir, fig->name,
                       b == PEL_PLOT_PNG ? "png" : b == PEL_PLOT_SVG ? "svg" : "pdf");
        fflush(stdout);
    }
    cli_progress_cb(&prog, (double)done, (double)nsel, "done");
    cli_progress_end(&prog);
    return CLI_OK;
}
