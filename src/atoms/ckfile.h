/* ckfile.h - the framing shared by the checkpoint files of `pel quench` and
 * `pel md` (docs/md.md): an 8-byte magic, the payload length (u64), the
 * payload, and an FNV-1a hash of the payload (u64).  Native byte order and
 * type sizes: a checkpoint is read back by the same build on the same machine.
 * Written through pel_afile (temp + fsync + rename), so a kill never leaves a
 * torn checkpoint.  Not a public header. */
#ifndef PEL_CKFILE_H
#define PEL_CKFILE_H

#include <stddef.h>
#include <stdint.h>

#include "pel/error.h"
#include "pel/system.h"

/* A growable payload buffer; put() records running out of memory in oom. */
typedef struct ck_buf {
    unsigned char *p;
    size_t len, cap, pos;
    int oom;
} ck_buf;

void ck_put(ck_buf *b, const void *src, size_t k);
/* Copy the next k bytes to dst; -1 past the end. */
int ck_get(ck_buf *b, void *dst, size_t k);
void ck_free(ck_buf *b);
/* FNV-1a hash of k bytes (the payload hash of the files; also fingerprints). */
uint64_t ck_hash(const void *data, size_t k);

/* System: u64 n, i32 ntypes (| 0x10000 if triclinic), masses, element
 * names, lo[3], len[3], [tilt[3] if triclinic], x, v, image (i32), type
 * (i32), id (i64). */
void ck_put_system(ck_buf *b, const pel_system *sys);
/* Read a system written by ck_put_system; n_expected 0 accepts any size.
 * PEL_ESTATE (err untouched, *out NULL) when the payload is inconsistent;
 * other codes (out of memory) with err set. */
int ck_get_system(ck_buf *b, size_t n_expected, pel_system **out, pel_error *err);

/* Frame and write b atomically to path. */
int ck_write_file(const char *path, const char magic[8], const ck_buf *b, pel_error *err);
/* Read and verify a framed file into b (b->pos = 0).  PEL_EIO when it cannot
 * be opened, PEL_ESTATE when the magic, length or hash do not match. */
int ck_read_file(const char *path, const char magic[8], ck_buf *b, pel_error *err);
/* The same for a file that may carry any of nmagic magics (format versions);
 * *which (if not NULL) gets the index of the one found. */
int ck_read_file_any(const char *path, const char *const *magics, size_t nmagic, size_t *which, ck_buf *b,
                     pel_error *err);

#endif
