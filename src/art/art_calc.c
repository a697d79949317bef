/* art_calc.c - a force engine (pel_engine, include/pel/engine.h) as an ART surface: force
 * callback and fixed-box minimisation through a reusable pel_minimizer
 * (include/pel/art.h): a search minimises several times, so the workspace is
 * allocated once per adapter, not per call. */
#include "pel/art.h"

#include <stdlib.h>
#include <string.h>

static int calc_force(void *ctx, const double *x, double *f, double *energy, pel_error *err)
{
    pel_art_calc *ad = ctx;
    memcpy(ad->sys->x, x, 3 * ad->sys->n * sizeof *x);
    ad->out.f = f;
    ad->out.e_atom = NULL;
    int st = pel_engine_compute(ad->calc, ad->sys, &ad->out, err);
    *energy = ad->out.energy;
    return st;
}

static int calc_minimize(void *ctx, double *x, double *energy, long *calls, pel_error *err)
{
    pel_art_calc *ad = ctx;
    memcpy(ad->sys->x, x, 3 * ad->sys->n * sizeof *x);
    pel_min_result res;
    int st = pel_minimizer_run(ad->minimizer, ad->calc, ad->sys, &ad->min, &res, NULL, NULL, err);
    *calls += res.force_calls;
    *energy = res.energy;
    memcpy(x, ad->sys->x, 3 * ad->sys->n * sizeof *x);
    return st;
}

int pel_art_calc_init(pel_art_calc *ad, pel_art_surface *surf, pel_engine *calc, const pel_system *sys,
                      const pel_art_params *p, pel_error *err)
{
    memset(ad, 0, sizeof *ad);
    int st = pel_system_clone(sys, &ad->sys, err);
    if (st)
        return st;
    st = pel_minimizer_new(&ad->minimizer, sys->n, err);
    if (st) {
        pel_system_free(&ad->sys);
        return st;
    }
    ad->calc = calc;
    pel_min_params_default(&ad->min);
    ad->min.box = PEL_BOX_FIXED; /* ART works at fixed volume */
    ad->min.algo = (pel_min_algo)p->min_algo;
    ad->min.ftol = p->min_ftol;
    memset(surf, 0, sizeof *surf);
    surf->natoms = sys->n;
    surf->force = calc_force;
    surf->ctx = ad;
    surf->minimize = calc_minimize;
    for (int k = 0; k < 3; k++) {
        surf->box[k] = sys->len[k];
        surf->tilt[k] = sys->tilt[k];
    }
    return PEL_OK;
}

void pel_art_calc_destroy(pel_art_calc *ad)
{
    if (ad) {
        pel_minimizer_free(&ad->minimizer);
        pel_system_free(&ad->sys);
    }
}
