/* mdrun_checkpoint.c - the checkpoint file of an MD protocol run (mdrun.h,
 * docs/md.md).
 *
 * Layout (native byte order and type sizes; x86_64 everywhere we run, so a
 * checkpoint committed on one machine resumes on another with the same build):
 *   "PELMRUN2"              8-byte magic ("PELMRUN1": the version before the
 *                           engine was recorded, still read, see below)
 *   u64 payload length
 *   payload:
 *     u32 k, then k doubles: the parameters that fix the trajectory
 *     u32 segment, pel_md_state (raw struct)
 *     the system (ckfile.h)
 *     u64 nrows, then per row 8 doubles + i32 is_converged + i32 segment
 *     i32 has_mark, u64 mark: the caller's mark, 0 0 when there was none
 *   u64 FNV-1a hash of the payload
 * Written through pel_afile (temp + fsync + rename), so a kill never leaves a
 * torn checkpoint; a file whose hash or parameters do not match is refused.
 *
 * Version 2 adds to the parameters the force engine (pel's EAM and a hash of
 * its splined tables, or LAMMPS and a hash of the --pair lines) and hashes
 * the start box's tilts.  A version-1 file (written before) carries neither:
 * it is read as written by pel's EAM engine (what long campaigns ran) with
 * the potential of the resume, which it cannot check, and refused for any
 * other engine. */
#include <stdlib.h>
#include <string.h>

#include "ckfile.h"
#include "eam_internal.h"
#include "mdrun_internal.h"

#define CK_MAGIC "PELMRUN2"
#define CK_MAGIC_V1 "PELMRUN1"
#define FP_FIXED 40 /* fingerprint entries besides the segments and the engine */
#define FP_ENGINE 3 /* engine entries (version 2): kind, hash high and low halves */

enum { ENGINE_EAM = 1, ENGINE_LAMMPS = 2 };

/* Hash of the start configuration (positions, velocities, box, types); from
 * version 2 on the box tilts too. */
static uint64_t start_hash(const pel_system *s, int version)
{
    uint64_t h[7] = {ck_hash(s->x, 3 * s->n * sizeof(double)), ck_hash(s->v, 3 * s->n * sizeof(double)),
                     ck_hash(s->type, s->n * sizeof(int)), ck_hash(s->lo, sizeof s->lo), ck_hash(s->len, sizeof s->len),
                     (uint64_t)s->has_velocities, ck_hash(s->tilt, sizeof s->tilt)};
    return ck_hash(h, (version >= 2 ? 7 : 6) * sizeof h[0]);
}

/* Identity of the force engine: pel's EAM with a hash of its splined tables
 * (what the potential file became, so the same file read anywhere gives the
 * same hash), or LAMMPS with a hash of its command lines. */
static int engine_identity(const pel_mdrun_params *p, const pel_eam *pot, uint64_t *h)
{
    uint64_t acc[4] = {0, 0, 0, 0};
    if (!pel_engine_spec_is_eam(p->engine)) {
        uint64_t x = 14695981039346656037ULL;
        for (int i = 0; i < p->engine->nlines; i++)
            for (const char *c = p->engine->lines[i];; c++) {
                x = (x ^ (unsigned char)(*c ? *c : '\n')) * 1099511628211ULL;
                if (!*c) break;
            }
        *h = x;
        return ENGINE_LAMMPS;
    }
    if (!pot) {
        *h = 0;
        return ENGINE_EAM;
    }
    double grid[5] = {pot->nrho, pot->nr, pot->drho, pot->dr, pot->cut};
    size_t nf = (size_t)(pot->nrho + 1) * PEL_SPL, nr = (size_t)(pot->nr + 1) * PEL_SPL;
    acc[0] = ck_hash(grid, sizeof grid) ^ ((uint64_t)pot->fmt << 56) ^ (uint64_t)pot->nel;
    acc[1] = ck_hash(pot->elem, sizeof pot->elem) ^ ck_hash(pot->mass, sizeof pot->mass);
    for (int a = 0; a < pot->nel; a++) {
        acc[2] = acc[2] * 1099511628211ULL ^ ck_hash(pot->frho[a], nf * sizeof(double));
        for (int b = 0; b < pot->nel; b++)
            acc[3] = acc[3] * 1099511628211ULL ^ ck_hash(pot->rhor[b * pot->nel + a], nr * sizeof(double)) ^
                     ck_hash(pot->z2r[a * pot->nel + b], nr * sizeof(double));
    }
    *h = ck_hash(acc, sizeof acc);
    return ENGINE_EAM;
}

/* Parameters that determine the trajectory and the table (thread count
 * excluded: it changes results only at round-off), as checkpoint `version`
 * records them.  fp has room for FP_FIXED + 4 nseg + FP_ENGINE entries. */
static size_t fingerprint(const pel_mdrun_params *p, const pel_eam *pot, int version, double *fp)
{
    size_t k = 0;
    const pel_protocol *pr = p->protocol;
    if (p->start) {
        uint64_t h = start_hash(p->start, version);
        fp[k++] = 1;
        fp[k++] = (double)p->start->n;
        fp[k++] = (double)(h >> 32);
        fp[k++] = (double)(h & 0xffffffffULL);
        fp[k++] = (double)(p->seed >> 32);
        fp[k++] = (double)(p->seed & 0xffffffffULL);
    } else {
        const pel_liquid_params *l = &p->liquid;
        fp[k++] = 0;
        fp[k++] = (double)l->n;
        fp[k++] = l->ntypes;
        for (int t = 0; t < PEL_MAX_TYPES; t++)
            fp[k++] = t < l->ntypes ? l->frac[t] : 0.0;
        fp[k++] = l->density;
        fp[k++] = l->rmin;
        fp[k++] = (double)(l->seed >> 32);
        fp[k++] = (double)(l->seed & 0xffffffffULL);
    }
    fp[k++] = p->new_velocities;
    fp[k++] = p->sample_every_K;
    fp[k++] = p->sample_every_ps;
    fp[k++] = p->p_bar;
    fp[k++] = p->dt;
    fp[k++] = p->tdamp;
    fp[k++] = p->pdamp;
    fp[k++] = p->skin;
    fp[k++] = p->T_floor;
    fp[k++] = (double)p->checkpoint_every;
    fp[k++] = p->min.algo;
    fp[k++] = p->min.box;
    fp[k++] = p->min.ftol;
    fp[k++] = p->min.ptol_bar;
    fp[k++] = pr->T0_K;
    fp[k++] = (double)pr->nseg;
    for (size_t s = 0; s < pr->nseg; s++) {
        fp[k++] = pr->seg[s].kind;
        fp[k++] = pr->seg[s].T_end_K;
        fp[k++] = pr->seg[s].rate_K_per_s;
        fp[k++] = pr->seg[s].duration_s;
    }
    if (version >= 2) { /* the engine last: a mismatch there gets its own message */
        uint64_t h;
        fp[k++] = engine_identity(p, pot, &h);
        fp[k++] = (double)(h >> 32);
        fp[k++] = (double)(h & 0xffffffffULL);
    }
    return k;
}

static double *fp_alloc(const pel_mdrun_params *p)
{
    return malloc((FP_FIXED + 4 * p->protocol->nseg + FP_ENGINE) * sizeof(double));
}

int pel_mdrun_checkpoint_write(const char *path, const pel_mdrun_params *p, const pel_eam *pot, const pel_system *sys,
                               size_t seg, const pel_md_state *st, const pel_mdrun_result *res, const uint64_t *mark,
                               pel_error *err)
{
    ck_buf b = {0};
    double *fp = fp_alloc(p);
    if (!fp) return pel_error_set(err, PEL_ENOMEM, "out of memory for a checkpoint");
    uint32_t k = (uint32_t)fingerprint(p, pot, 2, fp), sg = (uint32_t)seg;
    uint64_t nrows = res->nrows;
    ck_put(&b, &k, sizeof k);
    ck_put(&b, fp, k * sizeof(double));
    free(fp);
    ck_put(&b, &sg, sizeof sg);
    ck_put(&b, st, sizeof *st);
    ck_put_system(&b, sys);
    ck_put(&b, &nrows, sizeof nrows);
    for (size_t r = 0; r < res->nrows; r++) {
        const pel_mdrun_row *w = &res->rows[r];
        double d[8] = {w->T_K, w->e_is, w->v_md, w->e_pot, w->v_is, w->p_bar, w->T_inst, w->t_ps};
        int32_t c[2] = {w->is_converged, w->segment};
        ck_put(&b, d, sizeof d);
        ck_put(&b, c, sizeof c);
    }
    int32_t has_mark = mark != NULL;
    uint64_t m = mark ? *mark : 0;
    ck_put(&b, &has_mark, sizeof has_mark);
    ck_put(&b, &m, sizeof m);
    int rc = ck_write_file(path, CK_MAGIC, &b, err);
    ck_free(&b);
    return rc;
}

static const char *engine_kind_name(double kind)
{
    return kind == ENGINE_EAM ? "pel's EAM engine" : kind == ENGINE_LAMMPS ? "the LAMMPS engine" : "an unknown engine";
}

int pel_mdrun_checkpoint_read(const char *path, const pel_mdrun_params *p, const pel_eam *pot, pel_system **sysp,
                              size_t *seg, pel_md_state *st, pel_mdrun_result *res, size_t cap, int *has_mark,
                              uint64_t *mark, pel_error *err)
{
    *sysp = NULL;
    ck_buf b;
    static const char *const magics[2] = {CK_MAGIC_V1, CK_MAGIC};
    size_t which;
    int rc = ck_read_file_any(path, magics, 2, &which, &b, err);
    if (rc) return rc;
    int version = (int)which + 1;
    pel_system *sys = NULL;
    double *fp = fp_alloc(p), *got = fp_alloc(p);
    if (!fp || !got) {
        rc = pel_error_set(err, PEL_ENOMEM, "out of memory reading a checkpoint");
        goto out;
    }
    uint32_t k, kk = (uint32_t)fingerprint(p, pot, version, fp), sg;
    if (ck_get(&b, &k, sizeof k)) goto corrupt;
    if (version == 1 && !pel_engine_spec_is_eam(p->engine)) {
        rc = pel_error_set(err, PEL_ESTATE,
                           "checkpoint %s is older than the engine record and is read as pel's EAM engine's: "
                           "resume it with --engine eam and its --potential",
                           path);
        goto out;
    }
    size_t ne = version >= 2 ? FP_ENGINE : 0; /* the engine entries close the fingerprint */
    if (k != kk || ck_get(&b, got, k * sizeof(double)) || memcmp(fp, got, (k - ne) * sizeof(double))) {
        rc = pel_error_set(err, PEL_ESTATE,
                           "checkpoint %s was written by a run with other parameters (protocol, start and its box, "
                           "seed, sampling...): resume with the same options",
                           path);
        goto out;
    }
    if (ne && memcmp(fp + k - ne, got + k - ne, ne * sizeof(double))) {
        double was = got[k - ne], now = fp[k - ne];
        rc = pel_error_set(err, PEL_ESTATE,
                           "checkpoint %s was written with %s%s: resume with the same --engine, --potential and "
                           "--pair lines (this run: %s)",
                           path, engine_kind_name(was),
                           was != now                 ? ""
                           : was == ENGINE_LAMMPS     ? " and other --pair lines"
                                                      : " and another potential",
                           engine_kind_name(now));
        goto out;
    }
    uint64_t nrows;
    if (ck_get(&b, &sg, sizeof sg) || sg >= p->protocol->nseg) goto corrupt;
    if (ck_get(&b, st, sizeof *st)) goto corrupt;
    size_t n_expected = p->start ? p->start->n : p->liquid.n;
    if ((rc = ck_get_system(&b, n_expected, &sys, err)) == PEL_ESTATE) goto corrupt;
    if (rc) goto out;
    if (ck_get(&b, &nrows, sizeof nrows) || nrows > cap) goto corrupt;
    for (size_t r = 0; r < nrows; r++) {
        double d[8];
        int32_t c[2];
        if (ck_get(&b, d, sizeof d) || ck_get(&b, c, sizeof c)) goto corrupt;
        pel_mdrun_row *w = &res->rows[r];
        w->T_K = d[0], w->e_is = d[1], w->v_md = d[2], w->e_pot = d[3];
        w->v_is = d[4], w->p_bar = d[5], w->T_inst = d[6], w->t_ps = d[7];
        w->is_converged = c[0], w->segment = c[1];
    }
    int32_t hm = 0;
    uint64_t m = 0;
    if (ck_get(&b, &hm, sizeof hm) || ck_get(&b, &m, sizeof m) || (hm != 0 && hm != 1)) goto corrupt;
    if (b.pos != b.len) goto corrupt;
    res->nrows = (size_t)nrows;
    *seg = sg;
    *has_mark = hm;
    *mark = m;
    *sysp = sys;
    sys = NULL;
    rc = PEL_OK;
    goto out;
corrupt:
    rc = pel_error_set(err, PEL_ESTATE, "checkpoint %s is corrupt or truncated", path);
out:
    free(fp);
    free(got);
    ck_free(&b);
    pel_system_free(&sys);
    return rc;
}
