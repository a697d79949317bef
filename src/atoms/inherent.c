/* inherent.c - the zero-pressure inherent structure of one trajectory frame
 * as a row of the cooling table (include/pel/traj.h, pel_traj_inherent):
 * what `pel is` computes for every frame of a user's MD run. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pel/traj.h"

/* Neighbour skin of the minimisation, Å (as quench's IS sampling). */
#define PEL_IS_SKIN 0.3

int pel_traj_inherent(const pel_eam *pot, const pel_system *frame, const pel_min_params *min, int nthreads,
                      pel_quench_row *row, pel_error *err)
{
    return pel_traj_inherent_engine(NULL, pot, frame, min, nthreads, row, err);
}

int pel_traj_inherent_engine(const pel_engine_spec *engine, const pel_eam *pot, const pel_system *frame,
                             const pel_min_params *min, int nthreads, pel_quench_row *row, pel_error *err)
{
    int eam = pel_engine_spec_is_eam(engine);
    pel_system *c = NULL;
    pel_engine *calc = NULL;
    int map[PEL_MAX_TYPES];
    memset(row, 0, sizeof *row);
    row->T_K = row->t_ps = NAN;
    if (frame->n == 0)
        return pel_error_set(err, PEL_EINVAL, "frame has no atoms");
    int rc = pel_system_clone(frame, &c, err);
    if (rc || (eam && (rc = pel_eam_map_types(pot, c, map, err))))
        goto out;
    /* LAMMPS pair_coeff for EAM takes masses from the potential. */
    for (int t = 0; eam && t < c->ntypes; t++)
        c->mass[t] = pel_eam_mass(pot, map[t]);
    /* Another engine takes the frame's masses; a dump has none, and they
     * only enter T_inst and the kinetic pressure, which are then unknown. */
    int massless = 0;
    for (int t = 0; !eam && t < c->ntypes; t++)
        if (!(c->mass[t] > 0)) {
            c->mass[t] = 1.0;
            massless = 1;
        }
    int kinetic = c->has_velocities && !massless;
    if ((rc = pel_engine_spec_new(&calc, engine, pot, c, PEL_IS_SKIN, nthreads, err)))
        goto out;
    pel_forces fr = {0};
    if ((rc = pel_engine_compute(calc, c, &fr, err)))
        goto out;
    double n = (double)c->n;
    row->e_pot = fr.energy / n;
    row->v_md = pel_system_volume(c) / n;
    row->p_bar = pel_system_pressure(c, fr.virial, kinetic);
    row->T_inst = kinetic ? pel_system_temperature(c) : NAN;
    memset(c->v, 0, 3 * c->n * sizeof *c->v);
    c->has_velocities = 0;
    pel_min_result mr;
    rc = pel_minimize(calc, c, min, &mr, NULL, NULL, err);
    if (rc && rc != PEL_ENOCONV)
        goto out;
    row->is_converged = rc == PEL_OK;
    rc = PEL_OK;
    row->e_is = mr.energy / n;
    row->v_is = pel_system_volume(c) / n;
out:
    pel_engine_free(&calc);
    pel_system_free(&c);
    return rc;
}
