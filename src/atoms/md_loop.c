/* md_loop.c - the checkpointed MD loop shared by `pel md`, the protocol
 * runner and `pel quench` (include/pel/md.h, pel_md_loop).
 *
 * Reproducibility across kills: the MD is split at fixed global step
 * boundaries (multiples of checkpoint_every).  At each boundary the caller
 * saves its state and the force engine is rebuilt from scratch; a resumed run
 * rebuilds it at the same step, so both see the same neighbour lists and the
 * same floating-point sums from there on. */
#include "pel/md.h"

int pel_md_loop_run(const pel_md_loop *L, pel_md *md, pel_engine **calc, pel_system *sys, long offset, long n,
                    long *last_ck, int *stop, pel_error *err)
{
    if (L->checkpoint_every < 1)
        return pel_error_set(err, PEL_EINVAL, "checkpoint interval %ld steps must be >= 1", L->checkpoint_every);
    for (;;) {
        pel_md_state st;
        pel_md_get_state(md, &st);
        long gstep = offset + st.step;
        int rc;
        if (L->at_stop && (rc = L->at_stop(L->ctx, st.step, err)))
            return rc;
        if (gstep % L->checkpoint_every == 0 && gstep != *last_ck) {
            *last_ck = gstep;
            if (L->save && (rc = L->save(L->ctx, gstep, &st, err)))
                return rc;
            if ((L->pot || !pel_engine_spec_is_eam(L->engine)) && (L->save || L->rebuild)) {
                /* restart the engine exactly as a resume from here does */
                pel_engine_free(calc);
                if ((rc = pel_engine_spec_new(calc, L->engine, L->pot, sys, L->skin, L->nthreads, err)))
                    return rc;
                if ((rc = pel_md_refresh(md, *calc, sys, err)))
                    return rc;
            }
            if (*stop || (L->stop_at_step > 0 && gstep >= L->stop_at_step))
                return pel_error_set(err, PEL_ENOCONV, "stopped at step %ld (checkpoint written)", gstep);
        }
        if (st.step >= n)
            return PEL_OK;
        long next = (gstep / L->checkpoint_every + 1) * L->checkpoint_every - offset;
        if (next > n)
            next = n;
        if (L->next_stop) {
            long s = L->next_stop(L->ctx, st.step);
            if (s > st.step && s < next)
                next = s;
        }
        if ((rc = pel_md_run(md, sys, next - st.step, L->thermo_every, L->thermo, L->thermo_ctx, err)))
            return rc;
        if (L->progress && L->progress(L->ctx, offset + next))
            *stop = 1;
    }
}
