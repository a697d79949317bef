/* quench_checkpoint.c - the checkpoint file of `pel quench` (docs/md.md).
 *
 * Layout (native byte order and type sizes: a checkpoint is read back by the
 * same build on the same machine):
 *   "PELQCHK2"              8-byte magic (format 2)
 *   u64 payload length
 *   payload:
 *     u32 k, then k doubles: the run parameters that fix the trajectory
 *     i32 phase, pel_md_state (raw struct)
 *     u64 n, i32 ntypes, double mass[PEL_MAX_TYPES], char elem[PEL_MAX_TYPES][8]
 *     double lo[3], len[3], x[3n], v[3n]; i32 image[3n], type[n]; i64 id[n]
 *     u64 nrows, then per row 8 doubles + i32 is_converged
 *     i32 has_mark, u64 mark: the caller's mark (pel_quench_hooks.mark, e.g.
 *       the length of its log), 0 0 when there was no mark hook
 *   u64 FNV-1a hash of the payload
 * Format 1 ("PELQCHK1") is format 2 without the mark; it is still read (no
 * mark), so runs started by an older pel can be resumed.
 * Written through pel_afile (temp + fsync + rename), so a kill never leaves a
 * torn checkpoint; a file whose hash or parameters do not match is refused. */
#include <stdlib.h>
#include <string.h>

#include "ckfile.h"
#include "quench_internal.h"

#define CK_MAGIC "PELQCHK2"    /* written */
#define CK_MAGIC_V1 "PELQCHK1" /* read: no mark */

/* Parameters that determine the trajectory and the table (thread count
 * excluded: it changes results only at round-off). */
static size_t fingerprint(const pel_quench_params *p, double *fp)
{
    size_t k = 0;
    fp[k++] = (double)p->liquid.n;
    fp[k++] = p->liquid.ntypes;
    for (int t = 0; t < PEL_MAX_TYPES; t++)
        fp[k++] = t < p->liquid.ntypes ? p->liquid.frac[t] : 0.0;
    fp[k++] = p->liquid.density;
    fp[k++] = p->liquid.rmin;
    fp[k++] = (double)(p->liquid.seed >> 32);
    fp[k++] = (double)(p->liquid.seed & 0xffffffffULL);
    fp[k++] = p->t_from;
    fp[k++] = p->t_to;
    fp[k++] = p->rate_K_per_s;
    fp[k++] = p->equilibrate_ps;
    fp[k++] = p->sample_every_K;
    fp[k++] = p->p_bar;
    fp[k++] = p->dt;
    fp[k++] = p->tdamp;
    fp[k++] = p->pdamp;
    fp[k++] = p->skin;
    fp[k++] = (double)p->checkpoint_every;
    fp[k++] = p->min.algo;
    fp[k++] = p->min.box;
    fp[k++] = p->min.ftol;
    fp[k++] = p->min.ptol_bar;
    return k;
}
#define FP_MAX 64

int pel_quench_checkpoint_write(const char *path, const pel_quench_params *p, const pel_system *sys, int phase,
                                const pel_md_state *st, const pel_quench_result *res, const uint64_t *mark,
                                pel_error *err)
{
    ck_buf b = {0};
    double fp[FP_MAX];
    uint32_t k = (uint32_t)fingerprint(p, fp);
    int32_t ph = phase;
    uint64_t nrows = res->nrows;
    ck_put(&b, &k, sizeof k);
    ck_put(&b, fp, k * sizeof(double));
    ck_put(&b, &ph, sizeof ph);
    ck_put(&b, st, sizeof *st);
    ck_put_system(&b, sys);
    ck_put(&b, &nrows, sizeof nrows);
    for (size_t r = 0; r < res->nrows; r++) {
        const pel_quench_row *w = &res->rows[r];
        double d[8] = {w->T_K, w->e_is, w->v_md, w->e_pot, w->v_is, w->p_bar, w->T_inst, w->t_ps};
        int32_t c = w->is_converged;
        ck_put(&b, d, sizeof d);
        ck_put(&b, &c, sizeof c);
    }
    int32_t has_mark = mark != NULL;
    uint64_t m = mark ? *mark : 0;
    ck_put(&b, &has_mark, sizeof has_mark);
    ck_put(&b, &m, sizeof m);
    int rc = ck_write_file(path, CK_MAGIC, &b, err);
    ck_free(&b);
    return rc;
}

int pel_quench_checkpoint_read(const char *path, const pel_quench_params *p, pel_system **sysp, int *phase,
                               pel_md_state *st, pel_quench_result *res, size_t cap, int *has_mark, uint64_t *mark,
                               pel_error *err)
{
    static const char *const magics[] = {CK_MAGIC, CK_MAGIC_V1};
    *sysp = NULL;
    *has_mark = 0;
    *mark = 0;
    ck_buf b;
    size_t version_index;
    int rc = ck_read_file_any(path, magics, 2, &version_index, &b, err);
    if (rc)
        return rc;
    pel_system *sys = NULL;
    double fp[FP_MAX], got[FP_MAX];
    uint32_t k, kk = (uint32_t)fingerprint(p, fp);
    if (ck_get(&b, &k, sizeof k) || k != kk || ck_get(&b, got, k * sizeof(double))) goto corrupt;
    if (memcmp(fp, got, k * sizeof(double))) {
        rc = pel_error_set(err, PEL_ESTATE,
                           "checkpoint %s was written by a run with other parameters (composition, atoms, "
                           "rate, temperatures, seed...): resume with the same options",
                           path);
        goto out;
    }
    int32_t ph;
    uint64_t nrows;
    if (ck_get(&b, &ph, sizeof ph) || ph < QUENCH_PHASE_EQUIL || ph > QUENCH_PHASE_COOL) goto corrupt;
    if (ck_get(&b, st, sizeof *st)) goto corrupt;
    if ((rc = ck_get_system(&b, p->liquid.n, &sys, err)) == PEL_ESTATE) goto corrupt;
    if (rc) goto out;
    if (ck_get(&b, &nrows, sizeof nrows) || nrows > cap) goto corrupt;
    for (size_t r = 0; r < nrows; r++) {
        double d[8];
        int32_t c;
        if (ck_get(&b, d, sizeof d) || ck_get(&b, &c, sizeof c)) goto corrupt;
        pel_quench_row *w = &res->rows[r];
        w->T_K = d[0], w->e_is = d[1], w->v_md = d[2], w->e_pot = d[3];
        w->v_is = d[4], w->p_bar = d[5], w->T_inst = d[6], w->t_ps = d[7];
        w->is_converged = c;
    }
    int32_t hm = 0;
    uint64_t m = 0;
    if (version_index == 0 && (ck_get(&b, &hm, sizeof hm) || ck_get(&b, &m, sizeof m) || (hm != 0 && hm != 1)))
        goto corrupt;
    if (b.pos != b.len) goto corrupt;
    res->nrows = (size_t)nrows;
    *phase = ph;
    *has_mark = hm;
    *mark = m;
    *sysp = sys;
    sys = NULL;
    rc = PEL_OK;
    goto out;
corrupt:
    rc = pel_error_set(err, PEL_ESTATE, "checkpoint %s is corrupt or truncated", path);
out:
    ck_free(&b);
    pel_system_free(&sys);
    return rc;
}
