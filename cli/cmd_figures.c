/* cmd_figures.c - `pel figures`: the paper's figures for a material (issue 5,
 * docs/figures.md): spectra, map, hysteresis, truncated, each as image(s)
 * plus the CSV of every number drawn.  Thin: options -> pel_figures[].run. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_opt.h"
#include "pel/material.h"
#include "pel/plot.h"
#include "pel/util.h"

#define CMD "figures"
#define MAX_EVENTS 64
#define MAX_MD 8 /* MD tables of the md figure */

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
            return cli_bad_value(CMD, "--only",
                                 "figure names from spectra, map, hysteresis, truncated, md, calibration, scans_md",
                                 only);
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

typedef struct fig_lists {
    const char *events[MAX_EVENTS], *md[MAX_MD], *scans[MAX_MD];
    size_t nev, nmd, nscan;
    pel_figure_opts *o;
} fig_lists;

static int add_scan(void *ctx, const char *cmd, char *v)
{
    fig_lists *l = ctx;
    if (l->nscan == MAX_MD)
        return cli_errorf(cmd, CLI_USAGE, "--md-scan: at most %d tables", MAX_MD);
    l->scans[l->nscan++] = v;
    return 0;
}

static int add_md(void *ctx, const char *cmd, char *v)
{
    fig_lists *l = ctx;
    if (l->nmd == MAX_MD)
        return cli_errorf(cmd, CLI_USAGE, "--md: at most %d tables", MAX_MD);
    l->md[l->nmd++] = v;
    if (!l->o->md_csv)
        l->o->md_csv = v; /* the map shows the first */
    return 0;
}

static int add_events(void *ctx, const char *cmd, char *v)
{
    fig_lists *l = ctx;
    if (l->nev == MAX_EVENTS)
        return cli_errorf(cmd, CLI_USAGE, "--events: at most %d catalogs", MAX_EVENTS);
    l->events[l->nev++] = v;
    return 0;
}

int cli_cmd_figures(int argc, char **argv)
{
    const char *material = "cu56zr44", *only = NULL, *formats = NULL, *size = NULL;
    pel_figure_opts o;
    pel_figure_opts_default(&o);
    o.out_dir = "figures";
    fig_lists l = {.o = &o};
    pel_error err = {0};
    const cli_opt opts[] = {
        CLI_OPT_MATERIAL(&material),
        {.name = "out", .kind = CLI_FILE, .dest = &o.out_dir, .arg = "DIR",
         .help = "output directory, created if missing", .def = "figures"},
        {.name = "format", .kind = CLI_STRING, .dest = &formats, .arg = "LIST",
         .help = "comma-separated png, svg, pdf", .def = "png"},
        CLI_OPT_PLOT_SIZE(&size),
        {.name = "only", .kind = CLI_STRING, .dest = &only, .arg = "LIST",
         .help = "draw only these figures (comma-separated names)"},
        {.name = "md", .kind = CLI_FILE, .arg = "CSV", .flags = CLI_REPEAT, .each = add_md, .ctx = &l,
         .help = "MD table (T_K, E_IS_eV_per_atom; `pel quench` cooling.csv, `pel md --protocol` protocol.csv or "
                 "mean.csv with E_IS_se_eV_per_atom): the first is added to map; all (up to " CLI_STR(MAX_MD)
                 ") make the md figure, with the model at each table's rate"},
        {.name = "eqline", .kind = CLI_FILE, .dest = &o.eqline_csv, .arg = "CSV",
         .help = "equilibrium-line points of `pel isotherm` with error bars on the md figure"},
        {.name = "md-scan", .kind = CLI_FILE, .arg = "CSV", .flags = CLI_REPEAT, .each = add_scan, .ctx = &l,
         .help = "truncated scan of an MD glass (`pel md --protocol \"eq@T0K; heat TtK@q; cool T0K@q\"` protocol.csv "
                 "or mean.csv; up to " CLI_STR(MAX_MD) "): the scans_md figure, MD above and the model on the same "
                 "scans below (paper Fig. 5)"},
        {.name = "scan-start", .kind = CLI_STRING, .dest = &o.scan_start, .arg = "P",
         .help = "model protocol that makes the scans' glass", .def = "\"eq@2000K; cool T0K@1e12K/s\", T0 the scans' first T"},
        {.name = "events", .kind = CLI_FILE, .arg = "CATALOG", .flags = CLI_REPEAT, .each = add_events, .ctx = &l,
         .help = "add the E_A/E_R histograms and fits of ART catalogs to spectra, and draw the calibration "
                 "figure: each catalog against the material (with the 95% band of W, m when the material file has "
                 "a [covariance]); further file arguments are catalogs too"},
    };
    char about[2048];
    size_t at = (size_t)snprintf(about, sizeof about, "Draw the paper's figures for a material into DIR, each as\n"
                                                      "NAME.<format> plus NAME.csv holding every plotted number:");
    for (size_t i = 0; i < pel_nfigures && at < sizeof about; i++)
        at += (size_t)snprintf(about + at, sizeof about - at, "\n  %-11s %s", pel_figures[i].name, pel_figures[i].what);
    const cli_spec spec = {
        .name = CMD,
        .synopsis = "[--material NAME|FILE] [--out DIR] [--format png,svg,pdf] [--size WxH] [--only NAME,...]\n"
                    "        [--md TABLE ...] [--eqline CSV] [--md-scan CSV ...] [--scan-start P] [--events CATALOG ...]\n"
                    "        [CATALOG ...]",
        .about = about,
        .output = "Prints the path of every file written, one a line.",
        .args = "CATALOG...",
        CLI_SPEC_OPTS(opts),
    };
    int prc, npos;
    if (cli_parse(&spec, argc, argv, &npos, &prc))
        return prc;
    if (formats && pel_plot_parse_formats(formats, &o.formats, &err) != PEL_OK)
        return cli_errorf(CMD, CLI_USAGE, "--format: %s", err.msg);
    if (size && cli_plot_size(CMD, size, &o.width, &o.height))
        return CLI_USAGE;
    for (int i = 1; i <= npos; i++) {
        if (l.nev == 0)
            return cli_errorf(CMD, CLI_USAGE, "unexpected argument '%s' (see pel figures --help)", argv[i]);
        if (add_events(&l, CMD, argv[i]))
            return CLI_USAGE;
    }
    const char **events = l.events, **md = l.md, **scans = l.scans;
    size_t nev = l.nev, nmd = l.nmd, nscan = l.nscan;
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
