/* figures.c - the table of the paper's figures (plot.h), output formats and
 * the PLplot device check.  The figures themselves live in fig_spectra.c,
 * fig_map.c, fig_scans.c, fig_md.c, fig_calib.c and fig_scans_md.c. */
#include <string.h>

#include <plplot.h>

#include "canvas.h"
#include "figures_internal.h"
#include "pel/plot.h"

#define PEL_PLOT_MAX_DEVICES 128 /* more than PLplot ships */

const pel_figure pel_figures[] = {
    {"spectra", "activation spectra P(E_A|E) (M1, M2 parts) and W(E), m(E) (paper eq. 3, Fig. 2)",
     pel_fig_spectra},
    {"map", "ageing/rejuvenation map D(E,T), equilibrium line, T_c, cooling curves (paper Fig. 3)", pel_fig_map},
    {"hysteresis", "cooling/heating at 1e10 K/s and heating/cooling at 1e12 K/s, E(T) and dE/dT (paper Fig. 4)",
     pel_fig_hysteresis},
    {"truncated", "truncated heating scans at 1e12 K/s, peaks on the equilibrium line (paper Fig. 5)",
     pel_fig_truncated},
    {"md", "pel's MD over the model: equilibrium-line points, cooling tables, model curves at their rates "
           "(drawn with --md/--eqline)",
     pel_fig_md},
    {"calibration", "ART catalogs against the material: E_A histograms vs P(E_A|E_IS), W(E), m(E) with the "
                    "covariance band and per-catalog fits (drawn with --events)",
     pel_fig_calibration},
    {"scans_md", "truncated scans of an MD glass (MD above, the model on the same scans below; paper Fig. 5; "
                 "drawn with --md-scan)",
     pel_fig_scans_md},
};
const size_t pel_nfigures = sizeof pel_figures / sizeof pel_figures[0];

const pel_figure *pel_figure_find(const char *name)
{
    for (size_t i = 0; i < pel_nfigures; i++)
        if (!strcmp(pel_figures[i].name, name))
            return &pel_figures[i];
    return NULL;
}

void pel_figure_opts_default(pel_figure_opts *o)
{
    memset(o, 0, sizeof *o);
    o->out_dir = ".";
    o->formats = PEL_PLOT_PNG;
    o->width = PEL_PLOT_WIDTH;
    o->height = PEL_PLOT_HEIGHT;
}

int pel_plot_parse_formats(const char *text, unsigned *formats, pel_error *err)
{
    *formats = 0;
    const char *p = text;
    while (p && *p) {
        size_t n = strcspn(p, ",");
        unsigned bit = 0;
        for (unsigned b = 1; b <= PEL_PLOT_PDF; b <<= 1)
            if (n == strlen(plt_ext(b)) && !strncmp(p, plt_ext(b), n))
                bit = b;
        if (!bit)
            return pel_error_set(err, PEL_EINVAL, "unknown format '%.*s' (known: png, svg, pdf)", (int)n, p);
        *formats |= bit;
        p += n;
        if (*p == ',')
            p++;
    }
    if (!*formats)
        return pel_error_set(err, PEL_EINVAL, "empty format list (known: png, svg, pdf)");
    return PEL_OK;
}

int pel_plot_check_devices(unsigned formats, pel_error *err)
{
    /* PLplot prompts on stdin for an unknown device, so ask first. */
    /* plgDevs fills caller arrays of *ndev entries */
    const char *menu_buf[PEL_PLOT_MAX_DEVICES], *dev_buf[PEL_PLOT_MAX_DEVICES];
    const char **menu = menu_buf, **devs = dev_buf;
    int ndev = PEL_PLOT_MAX_DEVICES;
    plgDevs(&menu, &devs, &ndev);
    for (unsigned b = 1; b <= PEL_PLOT_PDF; b <<= 1) {
        if (!(formats & b))
            continue;
        int found = 0;
        for (int i = 0; i < ndev && !found; i++)
            found = !strcmp(devs[i], plt_device(b));
        if (!found)
            return pel_error_set(err, PEL_ENOTIMPL, "PLplot device %s for %s output is not installed "
                                                    "(Debian package plplot-driver-cairo)",
                                 plt_device(b), plt_ext(b));
    }
    return PEL_OK;
}

int pel_fig_check_opts(const pel_figure_opts *o, pel_error *err)
{
    if (!o->out_dir || !o->out_dir[0])
        return pel_error_set(err, PEL_EINVAL, "no output directory");
    if (o->width < PEL_PLOT_MIN_SIZE || o->width > PEL_PLOT_MAX_SIZE || o->height < PEL_PLOT_MIN_SIZE ||
        o->height > PEL_PLOT_MAX_SIZE)
        return pel_error_set(err, PEL_EINVAL, "figure size %dx%d outside %d..%d", o->width, o->height,
                             PEL_PLOT_MIN_SIZE, PEL_PLOT_MAX_SIZE);
    if (!o->formats || o->formats > (PEL_PLOT_PNG | PEL_PLOT_SVG | PEL_PLOT_PDF))
        return pel_error_set(err, PEL_EINVAL, "no valid output format");
    return pel_plot_check_devices(o->formats, err);
}
