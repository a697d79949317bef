/* cmd_plot.c - `pel plot CSV`: quick plot of chosen columns of a CSV written
 * by pel (e.g. `pel run`) against T_K or t_s (pel_plot_csv in plot.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_opt.h"
#include "pel/plot.h"
#include "pel/util.h"

#define CMD "plot"
#define MAX_Y 11

/* Columns renamed in pel's own CSVs: {old, new}.  A name asked for but not
 * in the header is replaced by its other spelling when that one is there,
 * so old scripts read new files and new scripts read old files. */
static const char *const renamed[][2] = {
    {"dEdT_eV_per_atom_K", "dEdT_eV_per_atom_per_K"},
};

static int header_has(const char *header, const char *col)
{
    size_t n = strlen(col);
    for (const char *p = header; (p = strstr(p, col)) != NULL; p += n)
        if ((p == header || p[-1] == ',') && (p[n] == ',' || p[n] == '\n' || p[n] == '\r' || !p[n]))
            return 1;
    return 0;
}

static const char *column_name(const char *header, const char *col)
{
    if (!col || header_has(header, col))
        return col;
    for (size_t k = 0; k < sizeof renamed / sizeof renamed[0]; k++)
        for (int side = 0; side < 2; side++)
            if (!strcmp(col, renamed[k][side]) && header_has(header, renamed[k][!side])) {
                if (!side)
                    fprintf(stderr, "pel %s: note: column %s is now named %s\n", CMD, col, renamed[k][1]);
                return renamed[k][!side];
            }
    return col;
}

int cli_cmd_plot(int argc, char **argv)
{
    pel_csvplot_opts o = {0};
    o.width = PEL_PLOT_WIDTH;
    o.height = PEL_PLOT_HEIGHT;
    const char *out = NULL, *ylist = NULL, *size = NULL;
    const cli_opt opts[] = {
        {.name = "x", .kind = CLI_STRING, .dest = &o.xcol, .arg = "COL",
         .help = "x column; use t_s with --logx for holds", .def = "T_K if present, else the first column"},
        {.name = "y", .kind = CLI_STRING, .dest = &ylist, .arg = "COL1,COL2,...",
         .help = "y columns (at most " CLI_STR(MAX_Y) ")", .def = "every numeric column"},
        {.name = "out", .kind = CLI_FILE, .dest = &out, .arg = "FILE", .help = "output; format from .png, .svg or .pdf",
         .def = "the CSV name with .png"},
        {.name = "logx", .kind = CLI_FLAG, .dest = &o.logx, .help = "logarithmic x axis (rows with x <= 0 are skipped)"},
        CLI_OPT_PLOT_SIZE(&size),
        {.name = "title", .kind = CLI_STRING, .dest = &o.title, .arg = "TEXT", .help = "title", .def = "the CSV path"},
    };
    const cli_spec spec = {
        .name = CMD,
        .synopsis = "CSV [--x COL] [--y COL1,COL2,...] [--out FILE.png|.svg|.pdf] [--logx] [--size WxH] [--title TEXT]",
        .about = "Quick line plot of columns of a CSV written by pel (e.g. `pel run`).",
        .output = "Prints the path of the plot written.",
        .args = "CSV",
        CLI_SPEC_OPTS(opts),
    };
    int prc, npos;
    if (cli_parse(&spec, argc, argv, &npos, &prc))
        return prc;
    if (size && cli_plot_size(CMD, size, &o.width, &o.height))
        return CLI_USAGE;
    if (npos != 1)
        return cli_errorf(CMD, CLI_USAGE, "expected one CSV file (see pel plot --help)");
    const char *csv = argv[1];

    /* --y a,b,c: split in place into at most MAX_Y names */
    char ybuf[1024];
    const char *ycols[MAX_Y];
    if (ylist) {
        if (strlen(ylist) >= sizeof ybuf)
            return cli_errorf(CMD, CLI_USAGE, "--y: list too long");
        strcpy(ybuf, ylist);
        for (char *p = ybuf; p && *p;) {
            char *comma = strchr(p, ',');
            if (comma)
                *comma = '\0';
            if (!*p)
                return cli_errorf(CMD, CLI_USAGE, "--y: empty column name in '%s'", ylist);
            if (o.nycols == MAX_Y)
                return cli_errorf(CMD, CLI_USAGE, "--y: at most %d columns", MAX_Y);
            ycols[o.nycols++] = p;
            p = comma ? comma + 1 : NULL;
        }
        o.ycols = ycols;
    }
    char header[4096] = "";
    FILE *hf = fopen(csv, "r");
    if (hf) { /* unreadable: pel_plot_csv names the problem */
        if (!fgets(header, sizeof header, hf))
            header[0] = '\0';
        fclose(hf);
    }
    o.xcol = column_name(header, o.xcol);
    for (size_t k = 0; k < o.nycols; k++)
        ycols[k] = column_name(header, ycols[k]);
    char outbuf[4096];
    if (!out) {
        size_t n = strlen(csv);
        const char *dot = strrchr(csv, '.'), *slash = strrchr(csv, '/');
        if (dot && (!slash || dot > slash))
            n = (size_t)(dot - csv);
        if (n + 5 > sizeof outbuf)
            return cli_errorf(CMD, CLI_USAGE, "CSV path too long");
        snprintf(outbuf, sizeof outbuf, "%.*s.png", (int)n, csv);
        out = outbuf;
    }
    pel_error err = {0};
    if (pel_plot_csv(csv, out, &o, &err) != PEL_OK)
        return cli_fail(CMD, &err);
    printf("%s\n", out);
    return CLI_OK;
}
