/* events.c - measured spectra on the `spectra` figure (issue 5, item 2): for
 * each ART event catalog (fit.h reads `pel art` CSV or LAMMPS-ARTn logs; only
 * converged events), the E_A and E_R histograms as densities, the
 * maximum-likelihood fits of eq. 3 (W, m free; e_A, s of the material) and
 * eq. 5, and the fitted (E_IS, W), (E_IS, m) points next to the model's W(E),
 * m(E).  A failed fit is reported in `notes`, not as an error. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <plplot.h>

#include "canvas.h"
#include "figures_internal.h"
#include "pel/fit.h"

#define EV_NBIN 40       /* histogram bins over the E_A axis */
#define EV_NCURVE 300    /* points of a fitted curve */

static void note(char *notes, size_t size, const char *fmt, const char *a, const char *b)
{
    if (!notes || size == 0)
        return;
    size_t n = strlen(notes);
    if (n + 2 < size)
        snprintf(notes + n, size - n, "%s", n ? "; " : "");
    n = strlen(notes);
    if (n + 1 < size)
        snprintf(notes + n, size - n, fmt, a, b);
}

/* A fitted density curve in column xcol: eq. 3 (spec != NULL) or eq. 5. */
static int add_curve(plt_fig *f, const char *name, const char *label, const pel_fit_spec *spec, double eR,
                     double xmax, int xcol, int lstyle, pel_error *err)
{
    int s = plt_add(f, name, label, PLT_LINE, 0, xcol, 2, err);
    if (s < 0)
        return PEL_ENOMEM;
    f->ser[s].color = PLT_BLACK;
    f->ser[s].lstyle = lstyle;
    f->ser[s].width = 3.0;
    for (int i = 0; i < EV_NCURVE; i++) {
        double x = xmax * i / (EV_NCURVE - 1.0);
        double p = spec ? pel_fit_pdf(spec, x) : exp(-x / eR) / eR;
        int rc = plt_push2(f, s, xcol, x, 2, p, err);
        if (rc != PEL_OK)
            return rc;
    }
    return PEL_OK;
}

/* The last two components of a path ("q1e13/art_events.csv"): catalogs of
 * several samples are often files of one name in their sample's directory. */
static const char *short_path(const char *path)
{
    const char *last = strrchr(path, '/'), *s = path;
    for (const char *q = path; last && q < last; q++)
        if (*q == '/')
            s = q + 1;
    return s;
}

static int one_catalog(plt_fig *f, const pel_material *mat, const char *path, size_t c, size_t ncat, double EA_max,
                       char *notes, size_t notes_size, pel_error *err)
{
    /* several catalogs (e.g. Cu-Zr beside a-Si): each E_A histogram its colour and file */
    static const int colors[] = {PLT_GREY, PLT_RED, PLT_BLUE, PLT_GREEN, PLT_ORANGE, PLT_PURPLE, PLT_SKY};
    pel_events *ev = NULL;
    int rc = pel_events_read(path, &ev, err);
    if (rc != PEL_OK)
        return pel_error_wrap(err, rc, "--events");
    char name[48], label[96];
    int first = c == 0;
    snprintf(name, sizeof name, "hist_EA_%zu", c + 1);
    if (ncat > 1)
        snprintf(label, sizeof label, "E#dA#u: %.80s", short_path(path));
    else
        snprintf(label, sizeof label, "E#dA#u histogram (events)");
    rc = pel_fig_add_hist(f, name, label, ev->EA, ev->n, EA_max, EV_NBIN, 1, 2,
                          colors[c % (sizeof colors / sizeof colors[0])], 1, 2.5, err);
    if (rc == PEL_OK && ev->ER) {
        snprintf(name, sizeof name, "hist_ER_%zu", c + 1);
        rc = pel_fig_add_hist(f, name, first ? "E#dR#u histogram (events)" : "", ev->ER, ev->n, EA_max, EV_NBIN, 5,
                              2, PLT_GREY, 2, 2.5, err);
    }
    pel_fit_options opt;
    pel_fit_options_default(&opt);
    opt.eA = mat->eA;
    opt.s = mat->s;
    pel_fit_result res;
    pel_error ferr = {0};
    if (rc == PEL_OK &&
        pel_fit_events(ev->EA, ev->n, ev->ER, ev->ER ? ev->n : 0, &opt, &res, NULL, NULL, &ferr) != PEL_OK) {
        note(notes, notes_size, "no fit overlay for %s: %s", path, ferr.msg);
    } else if (rc == PEL_OK) {
        pel_fit_spec sp = {res.W.value, res.m.value, res.eA.value, res.s.value};
        snprintf(name, sizeof name, "fit_EA_%zu", c + 1);
        rc = add_curve(f, name, first ? "fit of eq. 3 (W, m free)" : "", &sp, 0.0, EA_max, 1, 3, err);
        if (rc == PEL_OK && res.n_R > 0) {
            snprintf(name, sizeof name, "fit_ER_%zu", c + 1);
            rc = add_curve(f, name, first ? "fit of eq. 5" : "", NULL, res.eR.value, EA_max, 5, 5, err);
        }
        double E_IS;
        if (rc == PEL_OK && pel_events_E_IS(ev, 0, 0, &E_IS, &ferr) == PEL_OK) {
            snprintf(name, sizeof name, "fit_W_m_%zu", c + 1);
            int sw = plt_add(f, name, first ? "fitted to events" : "", PLT_POINTS, 1, 0, 3, err);
            int sm = sw < 0 ? -1 : plt_add(f, name, first ? "fitted to events" : "", PLT_POINTS, 2, 0, 4, err);
            if (sm < 0) {
                rc = PEL_ENOMEM;
            } else {
                f->ser[sw].marker = f->ser[sm].marker = "✚";
                f->ser[sm].no_csv = 1;
                double row[] = {E_IS, NAN, NAN, res.W.value, res.m.value, NAN};
                if ((rc = plt_push(f, sw, row, err)) == PEL_OK)
                    rc = plt_push(f, sm, row, err);
            }
        } else if (rc == PEL_OK) {
            note(notes, notes_size, "no W, m points for %s: %s", path, ferr.msg);
        }
    }
    pel_events_free(&ev);
    return rc;
}

int pel_fig_add_events(plt_fig *f, const pel_material *mat, const pel_figure_opts *o, double EA_max, char *notes,
                       size_t notes_size, pel_error *err)
{
    snprintf(f->panel[0].xlabel, sizeof f->panel[0].xlabel, "E#dA#u or E#dR#u (eV)");
    /* The fitted points of stable glasses (high W and m at low E_IS) would sit
     * under the legends' top corners: move them to the bottom corners the model
     * curves leave empty (W rises, m falls with E_IS). */
    if (o->nevents > 0) {
        f->panel[1].legend_inside = PL_POSITION_RIGHT | PL_POSITION_BOTTOM;
        f->panel[2].legend_inside = PL_POSITION_LEFT | PL_POSITION_BOTTOM;
    }
    for (size_t c = 0; c < o->nevents; c++) {
        int rc = one_catalog(f, mat, o->events[c], c, o->nevents, EA_max, notes, notes_size, err);
        if (rc != PEL_OK)
            return rc;
    }
    return PEL_OK;
}
