/* util.c - strict parsing, atomic files, seeds, clock (include/pel/util.h). */
#include "pel/util.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <sys/stat.h>
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
    if (errno == ERANGE || (v != 0.0 && fabs(v) < DBL_MIN)) /* underflow: digits lost */
        return pel_error_set(err, PEL_EPARSE, "%s: '%s' is below the smallest normal double (%g)", what, s, DBL_MIN);
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

/* The temporary file lives beside the target (same file system, so the
 * rename is atomic) under a name mkstemp picks with O_EXCL: a file or
 * symlink planted there in advance is never opened. */
static int tmp_name(const char *path, char *buf, size_t cap)
{
    const char *slash = strrchr(path, '/');
    size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
    return snprintf(buf, cap, "%.*s.%s.tmp.XXXXXX", (int)dir, path, path + dir) >= (int)cap;
}

/* Permission bits of a new output file: those of the file it replaces, else
 * 0666 less the process umask (read from /proc without changing it, since
 * umask() itself is process-wide state; 022 if /proc is unavailable). */
static mode_t output_mode(const struct stat *old)
{
    if (old)
        return old->st_mode & 07777;
    unsigned mask = 022;
    FILE *fp = fopen("/proc/self/status", "r");
    if (fp) {
        char line[256];
        while (fgets(line, sizeof line, fp))
            if (sscanf(line, "Umask: %o", &mask) == 1)
                break;
        fclose(fp);
    }
    return (mode_t)(0666 & ~mask);
}

int pel_afile_open(pel_afile *af, const char *path, pel_error *err)
{
    memset(af, 0, sizeof *af);
    struct stat sb;
    int exists = lstat(path, &sb) == 0;
    if (exists && !S_ISREG(sb.st_mode))
        return pel_error_set(err, PEL_EIO, "refusing to write %s: it exists and is not a regular file", path);
    size_t n = strlen(path), cap = n + 32;
    af->path = malloc(n + 1);
    af->tmp_path = malloc(cap);
    if (!af->path || !af->tmp_path) {
        free(af->path);
        free(af->tmp_path);
        memset(af, 0, sizeof *af);
        return pel_error_set(err, PEL_ENOMEM, "out of memory opening %s", path);
    }
    memcpy(af->path, path, n + 1);
    tmp_name(path, af->tmp_path, cap);
    int fd = mkstemp(af->tmp_path);
    if (fd < 0) {
        int e = errno;
        free(af->path);
        free(af->tmp_path);
        memset(af, 0, sizeof *af);
        return pel_error_set(err, PEL_EIO, "cannot write %s: %s", path, strerror(e));
    }
    if (fchmod(fd, output_mode(exists ? &sb : NULL)) != 0 || !(af->fp = fdopen(fd, "w"))) {
        int e = errno;
        close(fd);
        remove(af->tmp_path);
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
    errno = 0;
    int bad = ferror(af->fp) || fflush(af->fp) != 0 || fsync(fileno(af->fp)) != 0;
    int e = errno; /* 0 after ferror: the failed write's errno is gone */
    if (fclose(af->fp) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    af->fp = NULL;
    struct stat sb;
    int rc = PEL_OK;
    if (bad)
        rc = pel_error_set(err, PEL_EIO, "cannot write %s: %s", af->path,
                           e ? strerror(e) : "a write failed (disk full or file size limit?)");
    /* the target may have become a device or a directory meanwhile */
    else if (lstat(af->path, &sb) == 0 && !S_ISREG(sb.st_mode))
        rc = pel_error_set(err, PEL_EIO, "refusing to write %s: it exists and is not a regular file", af->path);
    else if (rename(af->tmp_path, af->path) != 0)
        rc = pel_error_set(err, PEL_EIO, "cannot write %s: %s", af->path, strerror(errno));
    if (rc != PEL_OK) {
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

/* FNV-1a of n bytes from offset `from`, started at h (pel_file_id keeps the
 * start value its checkpoints were written with; pel_file_fnv1a the
 * standard offset basis). */
#define FILE_ID_BASIS 1469598103934665603ULL

static uint64_t fnv1a_fd(int fd, int64_t from, int64_t n, uint64_t h, int *bad)
{
    unsigned char buf[8192];
    while (n > 0 && !*bad) {
        ssize_t k = pread(fd, buf, n < (int64_t)sizeof buf ? (size_t)n : sizeof buf, (off_t)from);
        if (k <= 0) {
            *bad = 1;
            break;
        }
        for (ssize_t i = 0; i < k; i++) {
            h ^= buf[i];
            h *= 1099511628211ULL;
        }
        from += k;
        n -= k;
    }
    return h;
}

/* Open path for reading and stat it; -1 with err filled on failure. */
static int open_stat(const char *path, struct stat *sb, pel_error *err)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, sb) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        pel_error_set(err, PEL_EIO, "cannot read %s: %s", path, strerror(e));
        return -1;
    }
    return fd;
}

int pel_file_id_get(const char *path, int64_t len, size_t window, pel_file_id *id, pel_error *err)
{
    memset(id, 0, sizeof *id);
    struct stat sb;
    int fd = open_stat(path, &sb, err);
    if (fd < 0)
        return PEL_EIO;
    if (len < 0)
        len = (int64_t)sb.st_size;
    int bad = !S_ISREG(sb.st_mode) || (int64_t)sb.st_size < len;
    id->size = len;
    if (window == 0 || (int64_t)window >= len) {
        id->head = fnv1a_fd(fd, 0, len, FILE_ID_BASIS, &bad);
    } else {
        id->head = fnv1a_fd(fd, 0, (int64_t)window, FILE_ID_BASIS, &bad);
        id->tail = fnv1a_fd(fd, len - (int64_t)window, (int64_t)window, FILE_ID_BASIS, &bad);
    }
    close(fd);
    if (bad)
        return pel_error_set(err, PEL_EIO, "%s is not a regular file of at least %lld bytes", path, (long long)len);
    return PEL_OK;
}

int pel_file_fnv1a(const char *path, uint64_t *hash, int64_t *size, pel_error *err)
{
    struct stat sb;
    int fd = open_stat(path, &sb, err);
    if (fd < 0)
        return PEL_EIO;
    int bad = !S_ISREG(sb.st_mode);
    uint64_t h = fnv1a_fd(fd, 0, (int64_t)sb.st_size, 14695981039346656037ULL, &bad);
    close(fd);
    if (bad)
        return pel_error_set(err, PEL_EIO, "%s: read error (not a regular file?)", path);
    *hash = h;
    *size = (int64_t)sb.st_size;
    return PEL_OK;
}

int pel_file_id_equal(const pel_file_id *a, const pel_file_id *b)
{
    return a->size == b->size && a->head == b->head && a->tail == b->tail;
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
