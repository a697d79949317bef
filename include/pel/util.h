/* util.h - small shared services: strict number parsing, atomic output files,
 * progress callbacks, reproducible per-stream seeds, wall clock.
 * Nothing here holds global state. */
#ifndef PEL_UTIL_H
#define PEL_UTIL_H

#include <stdint.h>
#include <stdio.h>

#include "pel/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Physical constants (CODATA 2018 / LAMMPS metal units). */
#define PEL_KB_EV_PER_K 8.617333262e-5 /* Boltzmann constant, eV/K */

/* Parse the whole of `s` as a finite double.  `what` names the quantity in the
 * error message ("--T", "line 12 of foo.data").  Leading/trailing blanks are
 * accepted; anything else after the number, NaN, inf, overflow or a subnormal
 * value (0 < |v| < DBL_MIN, where every digit given is lost) is PEL_EPARSE. */
int pel_parse_double(const char *s, const char *what, double *out, pel_error *err);

/* Same for a base-10 integer that must fit in long. */
int pel_parse_long(const char *s, const char *what, long *out, pel_error *err);

/* Atomic output file: data go to a temporary file beside <path>
 * (".<name>.tmp.XXXXXX", created by mkstemp: O_EXCL, so a planted file or
 * symlink is never opened) and only pel_afile_commit() renames it onto <path>
 * after every write, fflush, fsync and fclose succeeded, so a killed or failed
 * run (full disk included) never leaves a half-written file that looks
 * complete.  A <path> that exists and is not a regular file (device, FIFO,
 * directory, symlink) is refused: `--out /dev/null` never replaces the device.
 * The new file keeps the permissions of the file it replaces (else 0666 less
 * the umask). */
typedef struct pel_afile {
    FILE *fp;        /* write here between open and commit/abort */
    char *path;      /* final name (owned) */
    char *tmp_path;  /* temporary name (owned) */
} pel_afile;

int pel_afile_open(pel_afile *af, const char *path, pel_error *err);
/* Check the stream, flush, fsync, close and rename; frees the names.  On
 * failure (err names the file and the reason) the temporary file is removed
 * and the target is untouched. */
int pel_afile_commit(pel_afile *af, pel_error *err);
/* Close and delete the temporary file; safe to call on a committed/zeroed af. */
void pel_afile_abort(pel_afile *af);

/* Identity of a file's contents, so that a resumed run can tell its own
 * input and output files from others before it touches anything: the size
 * and FNV-1a hashes of the first and of the last `window` bytes of the first
 * `size` bytes (window 0: one hash of all of them, in `head`). */
typedef struct pel_file_id {
    int64_t size;
    uint64_t head, tail;
} pel_file_id;

#define PEL_FILE_ID_WINDOW 65536 /* bytes hashed at each end of a growing output */

/* Identity of the first `len` bytes of `path` (len < 0: the whole file).
 * PEL_EIO if it cannot be read or is shorter than len. */
int pel_file_id_get(const char *path, int64_t len, size_t window, pel_file_id *id, pel_error *err);
/* Standard 64-bit FNV-1a hash and size of a whole regular file (the input
 * identities of an ART campaign line).  PEL_EIO if it cannot be read. */
int pel_file_fnv1a(const char *path, uint64_t *hash, int64_t *size, pel_error *err);
/* 1 when both describe the same contents. */
int pel_file_id_equal(const pel_file_id *a, const pel_file_id *b);

/* Progress report from a long library computation.  `done` of `total` units;
 * `note` is a short status string (may be NULL).  Return nonzero to ask the
 * computation to stop early (it then returns PEL_ESTATE-free partial results
 * as documented by the caller).  The library never prints: the CLI decides
 * whether this becomes a terminal bar with ETA or periodic log lines. */
typedef int (*pel_progress_fn)(void *ctx, double done, double total, const char *note);

/* 64-bit seed for stream `stream` of a run with master seed `seed`
 * (SplitMix64 finaliser): independent searches/threads get independent,
 * reproducible seeds regardless of scheduling. */
uint64_t pel_seed_stream(uint64_t seed, uint64_t stream);

/* Monotonic wall clock in seconds. */
double pel_wall_seconds(void);

#ifdef __cplusplus
}
#endif

#endif
