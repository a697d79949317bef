/* ckfile.c - checkpoint file framing and system serialisation (ckfile.h). */
#include "ckfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pel/util.h"

#define CK_MAX_BYTES ((uint64_t)1 << 34) /* 16 GiB: anything larger is corrupt */
#define CK_TRICLINIC 0x10000             /* flag in the stored type count: tilts follow len */

void ck_put(ck_buf *b, const void *src, size_t k)
{
    if (b->oom || k == 0)
        return; /* nothing to add (src may be NULL: memcpy must not see it) */
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

int ck_get(ck_buf *b, void *dst, size_t k)
{
    if (b->pos + k > b->len || b->pos + k < b->pos)
        return -1;
    if (k == 0)
        return 0;
    memcpy(dst, b->p + b->pos, k);
    b->pos += k;
    return 0;
}

void ck_free(ck_buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

uint64_t ck_hash(const void *data, size_t k)
{
    const unsigned char *p = data;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < k; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

void ck_put_system(ck_buf *b, const pel_system *sys)
{
    uint64_t n = sys->n;
    /* A triclinic box sets CK_TRICLINIC in the type count and its tilts
     * follow the lengths: orthogonal checkpoints keep their old layout. */
    int tri = pel_system_triclinic(sys);
    int32_t nt = sys->ntypes | (tri ? CK_TRICLINIC : 0);
    ck_put(b, &n, sizeof n);
    ck_put(b, &nt, sizeof nt);
    ck_put(b, sys->mass, sizeof sys->mass);
    ck_put(b, sys->elem, sizeof sys->elem);
    ck_put(b, sys->lo, sizeof sys->lo);
    ck_put(b, sys->len, sizeof sys->len);
    if (tri)
        ck_put(b, sys->tilt, sizeof sys->tilt);
    ck_put(b, sys->x, 3 * sys->n * sizeof(double));
    ck_put(b, sys->v, 3 * sys->n * sizeof(double));
    for (size_t i = 0; i < 3 * sys->n; i++) {
        int32_t im = sys->image[i];
        ck_put(b, &im, sizeof im);
    }
    for (size_t i = 0; i < sys->n; i++) {
        int32_t t = sys->type[i];
        ck_put(b, &t, sizeof t);
    }
    ck_put(b, sys->id, sys->n * sizeof(int64_t));
}

int ck_get_system(ck_buf *b, size_t n_expected, pel_system **out, pel_error *err)
{
    *out = NULL;
    uint64_t n;
    int32_t nt;
    if (ck_get(b, &n, sizeof n) || ck_get(b, &nt, sizeof nt))
        return PEL_ESTATE;
    int tri = (nt & CK_TRICLINIC) != 0;
    nt &= ~CK_TRICLINIC;
    if (n == 0 || (n_expected && n != n_expected) || nt < 1 || nt > PEL_MAX_TYPES || n > (b->len - b->pos) / (7 * sizeof(double)))
        return PEL_ESTATE;
    pel_system *sys = NULL;
    int rc = pel_system_new(&sys, (size_t)n, nt, err);
    if (rc)
        return rc;
    if (ck_get(b, sys->mass, sizeof sys->mass) || ck_get(b, sys->elem, sizeof sys->elem) ||
        ck_get(b, sys->lo, sizeof sys->lo) || ck_get(b, sys->len, sizeof sys->len) ||
        (tri && ck_get(b, sys->tilt, sizeof sys->tilt)) || ck_get(b, sys->x, 3 * n * sizeof(double)) || ck_get(b, sys->v, 3 * n * sizeof(double)))
        goto bad;
    for (size_t i = 0; i < 3 * n; i++) {
        int32_t im;
        if (ck_get(b, &im, sizeof im))
            goto bad;
        sys->image[i] = im;
    }
    for (size_t i = 0; i < n; i++) {
        int32_t t;
        if (ck_get(b, &t, sizeof t) || t < 0 || t >= nt)
            goto bad;
        sys->type[i] = t;
    }
    if (ck_get(b, sys->id, n * sizeof(int64_t)))
        goto bad;
    sys->has_velocities = 1;
    *out = sys;
    return PEL_OK;
bad:
    pel_system_free(&sys);
    return PEL_ESTATE;
}

int ck_write_file(const char *path, const char magic[8], const ck_buf *b, pel_error *err)
{
    if (b->oom)
        return pel_error_set(err, PEL_ENOMEM, "out of memory writing checkpoint %s", path);
    uint64_t len = b->len, h = ck_hash(b->p, b->len);
    pel_afile af;
    int rc = pel_afile_open(&af, path, err);
    if (rc)
        return rc;
    int ok = fwrite(magic, 1, 8, af.fp) == 8 && fwrite(&len, sizeof len, 1, af.fp) == 1 &&
             fwrite(b->p, 1, b->len, af.fp) == b->len && fwrite(&h, sizeof h, 1, af.fp) == 1;
    if (!ok) {
        pel_afile_abort(&af);
        return pel_error_set(err, PEL_EIO, "cannot write checkpoint %s", path);
    }
    return pel_afile_commit(&af, err);
}

int ck_read_file(const char *path, const char magic[8], ck_buf *b, pel_error *err)
{
    return ck_read_file_any(path, &magic, 1, NULL, b, err);
}

int ck_read_file_any(const char *path, const char *const *magics, size_t nmagic, size_t *which, ck_buf *b,
                     pel_error *err)
{
    memset(b, 0, sizeof *b);
    FILE *f = fopen(path, "rb");
    if (!f)
        return pel_error_set(err, PEL_EIO, "cannot open checkpoint %s for --resume", path);
    char m[8];
    uint64_t len = 0, h = 0;
    int rc = PEL_OK;
    size_t k = nmagic; /* index of the magic found; nmagic: none */
    if (fread(m, 1, 8, f) == 8)
        for (k = 0; k < nmagic; k++)
            if (!memcmp(m, magics[k], 8))
                break;
    struct stat sb;
    /* the declared length must be what the file holds (magic, length, payload,
     * hash) before anything is allocated from it */
    if (k >= nmagic || fread(&len, sizeof len, 1, f) != 1 || len > CK_MAX_BYTES || fstat(fileno(f), &sb) != 0 ||
        (uint64_t)sb.st_size != len + 24) {
        rc = PEL_ESTATE;
    } else if (!(b->p = malloc(len ? len : 1))) {
        rc = pel_error_set(err, PEL_ENOMEM, "out of memory reading checkpoint %s", path);
    } else {
        b->len = b->cap = len;
        if (fread(b->p, 1, len, f) != len || fread(&h, sizeof h, 1, f) != 1 || fgetc(f) != EOF ||
            ck_hash(b->p, b->len) != h)
            rc = PEL_ESTATE;
    }
    fclose(f);
    if (rc == PEL_ESTATE)
        pel_error_set(err, PEL_ESTATE, "checkpoint %s is corrupt or truncated", path);
    if (rc)
        ck_free(b);
    else if (which)
        *which = k;
    return rc;
}
