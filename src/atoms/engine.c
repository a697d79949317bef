/* engine.c - the force-engine object (include/pel/engine.h) and pel's EAM
 * engine, a thin wrapper of pel_calc: one indirect call per force call. */
#include <stdlib.h>
#include <string.h>

#include "pel/engine.h"

struct pel_engine {
    const pel_engine_type *type;
    void *state;
};

void pel_engine_params_default(pel_engine_params *p)
{
    memset(p, 0, sizeof *p);
    p->skin = 0.3;
    p->nthreads = 1;
}

/* ------------------------------------------------------------------------ */
/* pel's EAM: the state is the pel_calc itself. */
static int eam_alloc(void **state, const pel_system *sys, const pel_engine_params *p, pel_error *err)
{
    if (!p->pot)
        return pel_error_set(err, PEL_EINVAL, "engine eam: no potential given");
    return pel_calc_new((pel_calc **)state, p->pot, sys, p->skin, p->nthreads, err);
}

static int eam_compute(void *state, const pel_system *sys, pel_forces *out, pel_error *err)
{
    return pel_calc_compute(state, sys, out, err);
}

static long eam_count(const void *state)
{
    return pel_calc_count(state);
}

static void eam_free(void *state)
{
    pel_calc *c = state;
    pel_calc_free(&c);
}

static const pel_engine_type eam_type = {"eam", eam_alloc, eam_compute, eam_count, eam_free};
const pel_engine_type *const pel_engine_eam = &eam_type;

/* ------------------------------------------------------------------------ */
int pel_engine_new(pel_engine **out, const pel_engine_type *type, const pel_system *sys,
                   const pel_engine_params *p, pel_error *err)
{
    *out = NULL;
    if (!type || !sys || !p)
        return pel_error_set(err, PEL_EINVAL, "engine: no type, system or parameters given");
    pel_engine *e = calloc(1, sizeof *e);
    if (!e)
        return pel_error_set(err, PEL_ENOMEM, "out of memory for the force engine");
    e->type = type;
    int rc = type->alloc(&e->state, sys, p, err);
    if (rc) {
        free(e);
        return rc;
    }
    *out = e;
    return PEL_OK;
}

int pel_engine_eam_new(pel_engine **out, const pel_eam *pot, const pel_system *sys, double skin, int nthreads,
                       pel_error *err)
{
    pel_engine_params p;
    pel_engine_params_default(&p);
    p.pot = pot;
    p.skin = skin;
    p.nthreads = nthreads;
    return pel_engine_new(out, pel_engine_eam, sys, &p, err);
}

int pel_engine_spec_is_eam(const pel_engine_spec *spec)
{
    return !spec || !spec->type || spec->type == pel_engine_eam;
}

int pel_engine_spec_new(pel_engine **out, const pel_engine_spec *spec, const pel_eam *pot, const pel_system *sys,
                        double skin, int nthreads, pel_error *err)
{
    if (pel_engine_spec_is_eam(spec))
        return pel_engine_eam_new(out, pot, sys, skin, nthreads, err);
    pel_engine_params p;
    pel_engine_params_default(&p);
    p.skin = skin;
    p.nthreads = nthreads;
    p.lines = spec->lines;
    p.nlines = spec->nlines;
    return pel_engine_new(out, spec->type, sys, &p, err);
}

const pel_engine_type *pel_engine_type_find(const char *name)
{
    const pel_engine_type *const all[] = {pel_engine_eam, pel_engine_lammps};
    for (size_t i = 0; name && i < sizeof all / sizeof all[0]; i++)
        if (strcmp(all[i]->name, name) == 0)
            return all[i];
    return NULL;
}

void pel_engine_free(pel_engine **e)
{
    if (!e || !*e)
        return;
    (*e)->type->free((*e)->state);
    free(*e);
    *e = NULL;
}

int pel_engine_compute(pel_engine *e, const pel_system *sys, pel_forces *out, pel_error *err)
{
    return e->type->compute(e->state, sys, out, err);
}

long pel_engine_count(const pel_engine *e)
{
    return e->type->count(e->state);
}

const char *pel_engine_name(const pel_engine *e)
{
    return e->type->name;
}

pel_calc *pel_engine_calc(pel_engine *e)
{
    return e && e->type == pel_engine_eam ? e->state : NULL;
}
