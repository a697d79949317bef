/* fig_common.c - small pieces several figures share: a density histogram
 * series and the median of a short array (both on GSL). */
#include <stdlib.h>

#include <gsl/gsl_histogram.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "canvas.h"
#include "figures_internal.h"

int pel_fig_add_hist(plt_fig *f, const char *name, const char *label, const double *x, size_t n, double xmax,
                     size_t nbin, int xcol, int ycol, int color, int lstyle, double width, pel_error *err)
{
    if (n == 0 || nbin == 0 || !(xmax > 0))
        return pel_error_set(err, PEL_EINVAL, "%s: histogram needs events and a positive range", name);
    gsl_histogram *h = gsl_histogram_alloc(nbin);
    if (!h)
        return pel_error_set(err, PEL_ENOMEM, "%s: out of memory", name);
    gsl_histogram_set_ranges_uniform(h, 0.0, xmax);
    for (size_t i = 0; i < n; i++)
        gsl_histogram_increment(h, x[i]); /* values outside [0, xmax) are left out */
    int rc = PEL_OK;
    int s = plt_add(f, name, label, PLT_STEPS, 0, xcol, ycol, err);
    if (s < 0) {
        rc = PEL_ENOMEM;
        goto out;
    }
    f->ser[s].color = color;
    f->ser[s].lstyle = lstyle;
    f->ser[s].width = width;
    double w = xmax / (double)nbin;
    /* density: counts / (all events x bin width), so it compares with a pdf */
    for (size_t b = 0; b < nbin && rc == PEL_OK; b++)
        rc = plt_push2(f, s, xcol, (b + 0.5) * w, ycol, gsl_histogram_get(h, b) / ((double)n * w), err);
out:
    gsl_histogram_free(h);
    return rc;
}

double pel_fig_median(double *x, size_t n)
{
    if (n == 0)
        return 0.0;
    gsl_sort(x, 1, n);
    return gsl_stats_median_from_sorted_data(x, 1, n);
}
