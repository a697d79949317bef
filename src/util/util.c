/* util.c - strict parsing, atomic files, seeds, clock (include/pel/util.h). */
#include "pel/util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *skip_blank(const char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    return s;
}

int pel_parse_double(const char *s, const char *what, double *out, pel_error *err)
{
    if (!s || !*skip_blank(s))
        return pel_error_set(err, PEL_EPARSE, "%s: empty value where a number was expected", what);
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s)
        return pel_error_set(err, PEL_EPARSE, "%s: '%s' is not a number", what, s);
    if (*skip_blank(end))
        return pel_error_set(err, PEL_EPARSE, "%s: trailing characters in '%s'", what, s);
    if (!isfinite(v) || (errno == ERANGE && fabs(v) > 1.0))
        return pel_error_set(err, PEL_EPARSE, "%s: '%s' is not a finite number", what, s);
    *out = v;
    return PEL_OK;
}

int pel_parse_long(const char *s, const char *what, long *out, pel_error *err)
{
    if (!s || !*skip_blank(s))
        return pel_error_set(err, PEL_EPARSE, "%s: empty value where an integer was expected", what);
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s)
        return pel_error_set(err, PEL_EPARSE, "%s: '%s' is not an integer", what, s);
    if (*skip_blank(end))
        return pel_error_set(err, PEL_EPARSE, "%s: trailing characters in '%s'", what, s);
    if (errno == ERANGE)
        return pel_error_set(err, PEL_EPARSE, "%s: '%s' is out of range", what, s);
    *out = v;
    return PEL_OK;
}

int pel_afile_open(pel_afile *af, const char *path, pel_error *err)
{
    memset(af, 0, sizeof *af);
    size_t n = strlen(path);
    af->path = malloc(n + 1);
    af->tmp_path = malloc(n + 32);
    if (!af->path || !af->tmp_path) {
        free(af->path);
        free(af->tmp_path);
        memset(af, 0, sizeof *af);
        return pel_error_set(err, PEL_ENOMEM, "out of memory opening %s", path);
    }
    memcpy(af->path, path, n + 1);
    snprintf(af->tmp_path, n + 32, "%s.tmp.%ld", path, (long)getpid());
    af->fp = fopen(af->tmp_path, "w");
    if (!af->fp) {
        int e = errno;
        free(af->path);
        free(af->tmp_path);
        memset(af, 0, sizeof *af);
        return pel_error_set(err, PEL_EIO, "cannot write %s: %s", path, strerror(e));
    }
    return PEL_OK;
}

int pel_afile_commit(pel_afile *af, pel_error *err)
{
    if (!af->fp)
        return pel_error_set(err, PEL_ESTATE, "atomic file is not open");
    int bad = ferror(af->fp) || fflush(af->fp) != 0 || fsync(fileno(af->fp)) != 0;
    int e = errno;
    if (fclose(af->fp) != 0)
        bad = 1;
    af->fp = NULL;
    if (bad || rename(af->tmp_path, af->path) != 0) {
        if (!bad)
            e = errno;
        int rc = pel_error_set(err, PEL_EIO, "cannot write %s: %s", af->path, strerror(e));
        pel_afile_abort(af);
        return rc;
    }
    free(af->path);
    free(af->tmp_path);
    memset(af, 0, sizeof *af);
    return PEL_OK;
}

void pel_afile_abort(pel_afile *af)
{
    if (af->fp)
        fclose(af->fp);
    if (af->tmp_path)
        remove(af->tmp_path);
    free(af->path);
    free(af->tmp_path);
    memset(af, 0, sizeof *af);
}

uint64_t pel_seed_stream(uint64_t seed, uint64_t stream)
{
    /* SplitMix64 applied twice: decorrelates neighbouring (seed, stream). */
    uint64_t z = seed + 0x9E3779B97F4A7C15ull * (stream + 1);
    for (int k = 0; k < 2; k++) {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        z ^= z >> 31;
    }
    return z;
}

double pel_wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
