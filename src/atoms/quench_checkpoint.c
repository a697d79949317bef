/* quench_checkpoint.c - the checkpoint file of `pel quench` (docs/md.md).
 *
 * Layout (native byte order and type sizes: a checkpoint is read back by the
 * same build on the same machine):
 *   "PELQCHK1"              8-byte magic
 *   u64 payload length
 *   payload:
 *     u32 k, then k doubles: the run parameters that fix the trajectory
 *     i32 phase, pel_md_state (raw struct)
 *     u64 n, i32 ntypes, double mass[PEL_MAX_TYPES], char elem[PEL_MAX_TYPES][8]
 *     double lo[3], len[3], x[3n], v[3n]; i32 image[3n], type[n]; i64 id[n]
 *     u64 nrows, then per row 8 doubles + i32 is_converged
 *   u64 FNV-1a hash of the payload
 * Written through pel_afile (temp + fsync + rename), so a kill never leaves a
 * torn checkpoint; a file whose hash or parameters do not match is refused. */
#include <stdlib.h>
#include <string.h>

#include "quench_internal.h"

#define CK_MAGIC "PELQCHK1"
#define CK_MAX_BYTES ((uint64_t)1 << 34) /* 16 GiB: anything larger is corrupt */

typedef struct buf {
    unsigned char *p;
    size_t len, cap, pos;
    int oom;
} buf;

static void put(buf *b, const void *src, size_t k)
{
    if (b->oom) return;
    if (b->len + k > b->cap) {
        size_t nc = b->cap ? b->cap : 4096;
        while (nc < b->len + k)
            nc *= 2;
        unsigned char *np = realloc(b->p, nc);
        if (!np) {
            b->oom = 1;
            return;
        }
        b->p = np;
        b->cap = nc;
    }
    memcpy(b->p + b->len, src, k);
    b->len += k;
}

static int get(buf *b, void *dst, size_t k)
{
    if (b->pos + k > b->len || b->pos + k < b->pos) return -1;
    memcpy(dst, b->p + b->pos, k);
    b->pos += k;
    return 0;
}

static uint64_t fnv1a(const unsigned char *p, size_t k)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < k; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

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
                                const pel_md_state *st, const pel_quench_result *res, pel_error *err)
{
    buf b = {0};
    double fp[FP_MAX];
    uint32_t k = (uint32_t)fingerprint(p, fp);
    int32_t ph = phase, nt = sys->ntypes;
    uint64_t n = sys->n, nrows = res->nrows;
    put(&b, &k, sizeof k);
    put(&b, fp, k * sizeof(double));
    put(&b, &ph, sizeof ph);
    put(&b, st, sizeof *st);
    put(&b, &n, sizeof n);
    put(&b, &nt, sizeof nt);
    put(&b, sys->mass, sizeof sys->mass);
    put(&b, sys->elem, sizeof sys->elem);
    put(&b, sys->lo, sizeof sys->lo);
    put(&b, sys->len, sizeof sys->len);
    put(&b, sys->x, 3 * sys->n * sizeof(double));
    put(&b, sys->v, 3 * sys->n * sizeof(double));
    for (size_t i = 0; i < 3 * sys->n; i++) {
        int32_t im = sys->image[i];
        put(&b, &im, sizeof im);
    }
    for (size_t i = 0; i < sys->n; i++) {
        int32_t t = sys->type[i];
        put(&b, &t, sizeof t);
    }
    put(&b, sys->id, sys->n * sizeof(int64_t));
    put(&b, &nrows, sizeof nrows);
    for (size_t r = 0; r < res->nrows; r++) {
        const pel_quench_row *w = &res->rows[r];
        double d[8] = {w->T_K, w->e_is, w->v_md, w->e_pot, w->v_is, w->p_bar, w->T_inst, w->t_ps};
        int32_t c = w->is_converged;
        put(&b, d, sizeof d);
        put(&b, &c, sizeof c);
    }
    if (b.oom) {
        free(b.p);
        return pel_error_set(err, PEL_ENOMEM, "out of memory writing checkpoint %s", path);
    }
    uint64_t len = b.len, h = fnv1a(b.p, b.len);
    pel_afile af;
    int rc = pel_afile_open(&af, path, err);
    if (rc) {
        free(b.p);
        return rc;
    }
    int ok = fwrite(CK_MAGIC, 1, 8, af.fp) == 8 && fwrite(&len, sizeof len, 1, af.fp) == 1 &&
             fwrite(b.p, 1, b.len, af.fp) == b.len && fwrite(&h, sizeof h, 1, af.fp) == 1;
    free(b.p);
    if (!ok) {
        pel_afile_abort(&af);
        return pel_error_set(err, PEL_EIO, "cannot write checkpoint %s", path);
    }
    return pel_afile_commit(&af, err);
}

int pel_quench_checkpoint_read(const char *path, const pel_quench_params *p, pel_system **sysp, int *phase,
                               pel_md_state *st, pel_quench_result *res, size_t cap, pel_error *err)
{
    *sysp = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return pel_error_set(err, PEL_EIO, "cannot open checkpoint %s for --resume", path);
    char magic[8];
    uint64_t len = 0, h = 0;
    buf b = {0};
    pel_system *sys = NULL;
    int rc = PEL_ESTATE;
    if (fread(magic, 1, 8, f) != 8 || memcmp(magic, CK_MAGIC, 8) || fread(&len, sizeof len, 1, f) != 1 ||
        len > CK_MAX_BYTES)
        goto corrupt;
    b.p = malloc(len ? len : 1);
    if (!b.p) {
        fclose(f);
        return pel_error_set(err, PEL_ENOMEM, "out of memory reading checkpoint %s", path);
    }
    b.len = len;
    if (fread(b.p, 1, len, f) != len || fread(&h, sizeof h, 1, f) != 1 || fgetc(f) != EOF) goto corrupt;
    if (fnv1a(b.p, b.len) != h) goto corrupt;

    double fp[FP_MAX], got[FP_MAX];
    uint32_t k, kk = (uint32_t)fingerprint(p, fp);
    if (get(&b, &k, sizeof k) || k != kk || get(&b, got, k * sizeof(double))) goto corrupt;
    if (memcmp(fp, got, k * sizeof(double))) {
        rc = pel_error_set(err, PEL_ESTATE,
                           "checkpoint %s was written by a run with other parameters (composition, atoms, "
                           "rate, temperatures, seed...): resume with the same options",
                           path);
        goto out;
    }
    int32_t ph, nt;
    uint64_t n, nrows;
    if (get(&b, &ph, sizeof ph) || ph < QUENCH_PHASE_EQUIL || ph > QUENCH_PHASE_COOL) goto corrupt;
    if (get(&b, st, sizeof *st) || get(&b, &n, sizeof n) || get(&b, &nt, sizeof nt)) goto corrupt;
    if (n != p->liquid.n || nt < 1 || nt > PEL_MAX_TYPES) goto corrupt;
    if ((rc = pel_system_new(&sys, (size_t)n, nt, err))) goto out;
    rc = PEL_ESTATE;
    if (get(&b, sys->mass, sizeof sys->mass) || get(&b, sys->elem, sizeof sys->elem) ||
        get(&b, sys->lo, sizeof sys->lo) || get(&b, sys->len, sizeof sys->len) ||
        get(&b, sys->x, 3 * n * sizeof(double)) || get(&b, sys->v, 3 * n * sizeof(double)))
        goto corrupt;
    for (size_t i = 0; i < 3 * n; i++) {
        int32_t im;
        if (get(&b, &im, sizeof im)) goto corrupt;
        sys->image[i] = im;
    }
    for (size_t i = 0; i < n; i++) {
        int32_t t;
        if (get(&b, &t, sizeof t) || t < 0 || t >= nt) goto corrupt;
        sys->type[i] = t;
    }
    if (get(&b, sys->id, n * sizeof(int64_t)) || get(&b, &nrows, sizeof nrows) || nrows > cap) goto corrupt;
    for (size_t r = 0; r < nrows; r++) {
        double d[8];
        int32_t c;
        if (get(&b, d, sizeof d) || get(&b, &c, sizeof c)) goto corrupt;
        pel_quench_row *w = &res->rows[r];
        w->T_K = d[0], w->e_is = d[1], w->v_md = d[2], w->e_pot = d[3];
        w->v_is = d[4], w->p_bar = d[5], w->T_inst = d[6], w->t_ps = d[7];
        w->is_converged = c;
    }
    if (b.pos != b.len) goto corrupt;
    res->nrows = (size_t)nrows;
    sys->has_velocities = 1;
    *phase = ph;
    *sysp = sys;
    sys = NULL;
    rc = PEL_OK;
    goto out;
corrupt:
    rc = pel_error_set(err, PEL_ESTATE, "checkpoint %s is corrupt or truncated", path);
out:
    fclose(f);
    free(b.p);
    pel_system_free(&sys);
    return rc;
}
