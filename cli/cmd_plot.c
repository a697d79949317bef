/* cmd_plot.c - `pel plot CSV`: quick plot of chosen columns of a CSV written
 * by pel (e.g. `pel run`) against T_K or t_s (pel_plot_csv in plot.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "pel/plot.h"

#define CMD "plot"
#define MAX_Y 11

static void usage(FILE *fp)
{
    fprintf(fp, "usage: pel plot CSV [--x COL] [--y COL1,COL2,...] [--out FILE.png|.svg|.pdf]\n"
                "                    [--logx] [--size WxH] [--title TEXT]\n\n"
                "Quick line plot of columns of a CSV written by pel (e.g. `pel run`).\n"
                "  --x COL     x column (default T_K if present, else the first column);\n"
                "              use t_s with --logx for holds\n"
                "  --y LIST    y columns (default: every numeric column, at most %d)\n"
                "  --out FILE  output; format from the extension (default: CSV name with .png)\n"
                "  --logx      logarithmic x axis (rows with x <= 0 are skipped)\n"
                "  --size WxH  page size, default %dx%d\n"
                "  --title T   title (default: the CSV path)\n",
            MAX_Y, PEL_PLOT_WIDTH, PEL_PLOT_HEIGHT);
}

int cli_cmd_plot(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"x", required_argument, NULL, 'x'},    {"y", required_argument, NULL, 'y'},
        {"out", required_argument, NULL, 'o'},  {"logx", no_argument, NULL, 'l'},
        {"size", required_argument, NULL, 's'}, {"title", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0}};
    pel_csvplot_opts o = {0};
    o.width = PEL_PLOT_WIDTH;
    o.height = PEL_PLOT_HEIGHT;
    const char *out = NULL, *ylist = NULL;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'x': o.xcol = optarg; break;
        case 'y': ylist = optarg; break;
        case 'o': out = optarg; break;
        case 'l': o.logx = 1; break;
        case 't': o.title = optarg; break;
        case 's': {
            long w, h;
            char *x = strchr(optarg, 'x');
            if (!x)
                return cli_errorf(CMD, CLI_USAGE, "--size: '%s' is not of the form WxH", optarg);
            *x = '\0';
            if (cli_long(CMD, "--size width", optarg, &w) || cli_long(CMD, "--size height", x + 1, &h))
                return CLI_USAGE;
            if (w < PEL_PLOT_MIN_SIZE || w > PEL_PLOT_MAX_SIZE || h < PEL_PLOT_MIN_SIZE || h > PEL_PLOT_MAX_SIZE)
                return cli_errorf(CMD, CLI_USAGE, "--size: %ldx%ld outside %d..%d", w, h, PEL_PLOT_MIN_SIZE,
                                  PEL_PLOT_MAX_SIZE);
            o.width = (int)w, o.height = (int)h;
            break;
        }
        case 'h': usage(stdout); return CLI_OK;
        case ':': return cli_errorf(CMD, CLI_USAGE, "option %s needs a value", argv[optind - 1]);
        default: return cli_errorf(CMD, CLI_USAGE, "unknown option %s (see pel plot --help)", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cli_errorf(CMD, CLI_USAGE, "expected one CSV file (see pel plot --help)");
    const char *csv = argv[optind];

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
