/* catalog.c - ART event catalog: append-only CSV writer with fsync per row,
 * strict reader, resume scan and redundancy filter (include/pel/catalog.h). */
#include "pel/catalog.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pel/util.h"

#define CATALOG_NCOLS 21
#define CATALOG_NCOLS_V2 20 /* PEL_CATALOG_HEADER_V2 */
#define CATALOG_NCOLS_V1 17 /* PEL_CATALOG_HEADER_V1 */

struct pel_catalog_writer {
    int fd;
    char *path;
    char *buf;
    size_t cap;
};

/* ------------------------------------------------------------------------ */
/* Rows and catalogs in memory.                                               */
void pel_catalog_row_clear(pel_catalog_row *row)
{
    free(row->displaced_ids);
    free(row->configs);
    row->displaced_ids = NULL;
    row->configs = NULL;
    row->n_displaced = 0;
}

int pel_catalog_row_from_result(pel_catalog_row *row, long search_id, long center_id, const pel_art_result *res,
                                const int64_t *ids, size_t natoms, pel_error *err)
{
    memset(row, 0, sizeof *row);
    row->search_id = search_id;
    row->center_id = center_id;
    row->status = res->status;
    row->e_initial = res->e_initial;
    row->e_saddle = res->e_saddle;
    row->e_final = res->e_final;
    row->ea = res->e_saddle - res->e_initial; /* E_A = E_saddle - E_initial */
    row->er = res->e_saddle - res->e_final;   /* E_R = E_saddle - E_final */
    row->eigenvalue = res->eigenvalue;
    row->force = res->force;
    row->max_disp = res->max_disp;
    row->e_is_per_atom = natoms ? res->e_initial / (double)natoms : NAN;
    row->max_disp_dist = res->max_disp_dist;
    row->e_back = res->e_back;
    row->back_disp = res->back_disp;
    row->eigenvalue2 = res->eigenvalue2;
    row->force_calls = res->force_calls;
    row->force_calls_saddle = res->force_calls_saddle;
    row->n_displaced = res->n_displaced;
    if (res->n_displaced) {
        row->displaced_ids = malloc(res->n_displaced * sizeof *row->displaced_ids);
        if (!row->displaced_ids)
            return pel_error_set(err, PEL_ENOMEM, "catalog: out of memory");
        for (size_t i = 0; i < res->n_displaced; i++)
            row->displaced_ids[i] = ids ? ids[res->displaced[i]] : (int64_t)res->displaced[i] + 1;
    }
    return PEL_OK;
}

/* Copy of a NUL-terminated string (NULL for NULL); *ok cleared on failure. */
static char *dup_str(const char *s, int *ok)
{
    if (!s)
        return NULL;
    char *d = malloc(strlen(s) + 1);
    if (!d)
        *ok = 0;
    else
        strcpy(d, s);
    return d;
}

static int copy_row(pel_catalog_row *dst, const pel_catalog_row *src, pel_error *err)
{
    *dst = *src;
    dst->displaced_ids = NULL;
    int ok = 1;
    dst->configs = dup_str(src->configs, &ok);
    if (ok && src->n_displaced) {
        dst->displaced_ids = malloc(src->n_displaced * sizeof *dst->displaced_ids);
        if (dst->displaced_ids)
            memcpy(dst->displaced_ids, src->displaced_ids, src->n_displaced * sizeof *dst->displaced_ids);
        ok = dst->displaced_ids != NULL;
    }
    if (!ok) {
        pel_catalog_row_clear(dst);
        return pel_error_set(err, PEL_ENOMEM, "catalog: out of memory");
    }
    return PEL_OK;
}

int pel_catalog_add(pel_catalog *cat, const pel_catalog_row *row, pel_error *err)
{
    if (cat->n == cat->cap) {
        size_t nc = cat->cap ? 2 * cat->cap : 64;
        pel_catalog_row *r = realloc(cat->rows, nc * sizeof *r);
        if (!r)
            return pel_error_set(err, PEL_ENOMEM, "catalog: out of memory for %zu rows", nc);
        cat->rows = r;
        cat->cap = nc;
    }
    int st = copy_row(&cat->rows[cat->n], row, err);
    if (st)
        return st;
    cat->n++;
    return PEL_OK;
}

void pel_catalog_free(pel_catalog **cat)
{
    if (!cat || !*cat)
        return;
    for (size_t i = 0; i < (*cat)->n; i++)
        pel_catalog_row_clear(&(*cat)->rows[i]);
    free((*cat)->rows);
    free((*cat)->campaign);
    free(*cat);
    *cat = NULL;
}

/* ------------------------------------------------------------------------ */
/* Formatting: %.17g round-trips doubles; a value never reached is empty.    */
static int fmt_row(char **buf, size_t *cap, const pel_catalog_row *r, pel_error *err)
{
    size_t need = 512 + 24 * r->n_displaced + (r->configs ? strlen(r->configs) : 0);
    if (need > *cap) {
        char *b = realloc(*buf, need);
        if (!b)
            return pel_error_set(err, PEL_ENOMEM, "catalog: out of memory");
        *buf = b;
        *cap = need;
    }
    char *p = *buf, *end = *buf + *cap;
    p += snprintf(p, (size_t)(end - p), "%ld,%ld,%s", r->search_id, r->center_id, pel_art_status_name(r->status));
    const double v[] = {r->e_initial, r->e_saddle, r->e_final, r->ea, r->er, r->eigenvalue, r->force};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        p += isfinite(v[i]) ? snprintf(p, (size_t)(end - p), ",%.17g", v[i]) : snprintf(p, (size_t)(end - p), ",");
    p += snprintf(p, (size_t)(end - p), ",%ld,%zu", r->force_calls, r->n_displaced);
    p += isfinite(r->max_disp) ? snprintf(p, (size_t)(end - p), ",%.17g", r->max_disp)
                               : snprintf(p, (size_t)(end - p), ",");
    p += snprintf(p, (size_t)(end - p), ",%ld", r->force_calls_saddle);
    p += isfinite(r->e_is_per_atom) ? snprintf(p, (size_t)(end - p), ",%.17g", r->e_is_per_atom)
                                    : snprintf(p, (size_t)(end - p), ",");
    p += isfinite(r->max_disp_dist) ? snprintf(p, (size_t)(end - p), ",%.17g,", r->max_disp_dist)
                                    : snprintf(p, (size_t)(end - p), ",,");
    for (size_t i = 0; i < r->n_displaced; i++)
        p += snprintf(p, (size_t)(end - p), i ? ";%" PRId64 : "%" PRId64, r->displaced_ids[i]);
    const double b[] = {r->e_back, r->back_disp, r->eigenvalue2};
    for (size_t i = 0; i < 3; i++)
        p += isfinite(b[i]) ? snprintf(p, (size_t)(end - p), ",%.17g", b[i]) : snprintf(p, (size_t)(end - p), ",");
    p += snprintf(p, (size_t)(end - p), ",%s\n", r->configs ? r->configs : "");
    return PEL_OK;
}

/* Write all of buf (retrying short writes). */
static int write_all(int fd, const char *buf, size_t len, const char *path, pel_error *err)
{
    while (len) {
        ssize_t w = write(fd, buf, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return pel_error_set(err, PEL_EIO, "%s: write failed: %s", path, strerror(errno));
        }
        buf += w;
        len -= (size_t)w;
    }
    return PEL_OK;
}

/* ------------------------------------------------------------------------ */
/* Writer.                                                                    */
int pel_catalog_writer_open(const char *path, const char *campaign, pel_catalog_writer **out, pel_error *err)
{
    *out = NULL;
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0)
        return pel_error_set(err, PEL_EIO, "%s: cannot open for writing: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        close(fd);
        return pel_error_set(err, PEL_EIO, "%s: cannot stat: %s", path, strerror(errno));
    }
    pel_catalog_writer *w = calloc(1, sizeof *w);
    if (!w || !(w->path = malloc(strlen(path) + 1))) {
        free(w);
        close(fd);
        return pel_error_set(err, PEL_ENOMEM, "catalog: out of memory");
    }
    strcpy(w->path, path);
    w->fd = fd;
    if (sb.st_size == 0) {
        /* campaign line and header in one write */
        size_t len = (campaign ? strlen(PEL_CATALOG_CAMPAIGN_PREFIX) + strlen(campaign) + 1 : 0) +
                     strlen(PEL_CATALOG_HEADER) + 2;
        char *head = malloc(len);
        int st = head ? PEL_OK : pel_error_set(err, PEL_ENOMEM, "catalog: out of memory");
        if (head) {
            snprintf(head, len, "%s%s%s" PEL_CATALOG_HEADER "\n", campaign ? PEL_CATALOG_CAMPAIGN_PREFIX : "",
                     campaign ? campaign : "", campaign ? "\n" : "");
            st = write_all(fd, head, strlen(head), path, err);
            free(head);
        }
        if (st == PEL_OK && fsync(fd) != 0)
            st = pel_error_set(err, PEL_EIO, "%s: fsync failed: %s", path, strerror(errno));
        if (st) {
            pel_catalog_writer_close(&w);
            return st;
        }
    }
    *out = w;
    return PEL_OK;
}

int pel_catalog_writer_append(pel_catalog_writer *w, const pel_catalog_row *row, pel_error *err)
{
    int st = fmt_row(&w->buf, &w->cap, row, err);
    if (st)
        return st;
    /* One write(2) per row on an O_APPEND descriptor, then fsync: a kill can
     * tear at most the row being written, never an earlier one. */
    st = write_all(w->fd, w->buf, strlen(w->buf), w->path, err);
    if (st)
        return st;
    if (fsync(w->fd) != 0)
        return pel_error_set(err, PEL_EIO, "%s: fsync failed: %s", w->path, strerror(errno));
    return PEL_OK;
}

void pel_catalog_writer_close(pel_catalog_writer **w)
{
    if (!w || !*w)
        return;
    close((*w)->fd);
    free((*w)->path);
    free((*w)->buf);
    free(*w);
    *w = NULL;
}

int pel_catalog_row_format(const pel_catalog_row *row, char **line, pel_error *err)
{
    size_t cap = 0;
    *line = NULL;
    int st = fmt_row(line, &cap, row, err);
    if (st) {
        free(*line);
        *line = NULL;
    }
    return st;
}

/* ------------------------------------------------------------------------ */
/* Reader.                                                                    */
static int parse_opt_double(const char *s, const char *what, double *out, pel_error *err)
{
    if (*s == '\0') {
        *out = NAN;
        return PEL_OK;
    }
    return pel_parse_double(s, what, out, err);
}

/* Parse one data line (without newline) into row. */
static int parse_row(char *line, int ncols, pel_catalog_row *r, const char *where, pel_error *err)
{
    char *col[CATALOG_NCOLS];
    int n = 0;
    for (char *p = line;; p++) {
        if (n == CATALOG_NCOLS)
            return pel_error_set(err, PEL_EPARSE, "%s: more than %d columns", where, CATALOG_NCOLS);
        col[n++] = p;
        p = strchr(p, ',');
        if (!p)
            break;
        *p = '\0';
    }
    if (n != ncols)
        return pel_error_set(err, PEL_EPARSE, "%s: %d columns, expected %d", where, n, ncols);
    memset(r, 0, sizeof *r);
    long nd;
    int st = pel_parse_long(col[0], where, &r->search_id, err);
    if (!st)
        st = pel_parse_long(col[1], where, &r->center_id, err);
    if (!st && (st = pel_art_status_parse(col[2], &r->status, err)))
        return pel_error_wrap(err, st, "%s", where); /* the number parsers name `where` themselves */
    double *dv[] = {&r->e_initial, &r->e_saddle, &r->e_final, &r->ea, &r->er, &r->eigenvalue, &r->force};
    for (int i = 0; i < 7 && !st; i++)
        st = parse_opt_double(col[3 + i], where, dv[i], err);
    if (!st)
        st = pel_parse_long(col[10], where, &r->force_calls, err);
    if (!st)
        st = pel_parse_long(col[11], where, &nd, err);
    if (!st)
        st = parse_opt_double(col[12], where, &r->max_disp, err);
    if (!st)
        st = pel_parse_long(col[13], where, &r->force_calls_saddle, err);
    if (!st)
        st = parse_opt_double(col[14], where, &r->e_is_per_atom, err);
    if (!st)
        st = parse_opt_double(col[15], where, &r->max_disp_dist, err);
    r->e_back = r->back_disp = r->eigenvalue2 = NAN;
    double *extra[] = {&r->e_back, &r->back_disp, &r->eigenvalue2};
    for (int i = 0; i < CATALOG_NCOLS_V2 - CATALOG_NCOLS_V1 && !st && ncols >= CATALOG_NCOLS_V2; i++)
        st = parse_opt_double(col[CATALOG_NCOLS_V1 + i], where, extra[i], err);
    if (st)
        return st;
    if (nd < 0 || r->search_id < 0 || r->force_calls < 0)
        return pel_error_set(err, PEL_EPARSE, "%s: negative count", where);
    /* n_displaced must equal the ids the line lists: a count is never trusted
     * beyond the data that backs it (an allocation from a forged count of
     * 2^61 + 1 would overflow). */
    size_t listed = 0;
    if (*col[16]) {
        listed = 1;
        for (const char *q = col[16]; *q; q++)
            listed += *q == ';';
    }
    if ((unsigned long)nd != listed)
        return pel_error_set(err, PEL_EPARSE, "%s: %zu displaced_ids, n_displaced says %ld", where, listed, nd);
    r->n_displaced = listed;
    int ok = 1;
    if (ncols == CATALOG_NCOLS && *col[20])
        r->configs = dup_str(col[20], &ok);
    if (ok && listed)
        ok = (r->displaced_ids = malloc(listed * sizeof *r->displaced_ids)) != NULL;
    if (!ok) {
        pel_catalog_row_clear(r);
        return pel_error_set(err, PEL_ENOMEM, "catalog: out of memory");
    }
    char *q = col[16];
    for (size_t i = 0; i < listed; i++) {
        char *semi = strchr(q, ';');
        if (semi)
            *semi = '\0';
        long id;
        if ((st = pel_parse_long(q, "displaced_ids", &id, err)) != 0) {
            pel_catalog_row_clear(r);
            return pel_error_wrap(err, st, "%s", where);
        }
        r->displaced_ids[i] = id;
        q = semi ? semi + 1 : q;
    }
    return PEL_OK;
}

static int cmp_id(const void *a, const void *b)
{
    long x = ((const pel_catalog_row *)a)->search_id, y = ((const pel_catalog_row *)b)->search_id;
    return (x > y) - (x < y);
}

void pel_catalog_sort(pel_catalog *cat)
{
    if (cat->n > 1)
        qsort(cat->rows, cat->n, sizeof *cat->rows, cmp_id);
}

/* Header line -> catalog version (0: not a catalog header). */
static int header_version(const char *line)
{
    return strcmp(line, PEL_CATALOG_HEADER) == 0      ? PEL_CATALOG_VERSION
           : strcmp(line, PEL_CATALOG_HEADER_V2) == 0 ? 2
           : strcmp(line, PEL_CATALOG_HEADER_V1) == 0 ? 1
                                                      : 0;
}

/* Read path strictly.  With torn_ok a last line without newline is skipped
 * and *keep set to its offset (else to the file size); without, it is an
 * error.  Nothing is written. */
int pel_catalog_row_parse(const char *line, pel_catalog_row *row, pel_error *err)
{
    size_t len = strlen(line);
    char *copy = malloc(len + 1);
    if (!copy)
        return pel_error_set(err, PEL_ENOMEM, "catalog: out of memory");
    memcpy(copy, line, len + 1);
    if (len && copy[len - 1] == '\n')
        copy[len - 1] = '\0';
    int st = parse_row(copy, CATALOG_NCOLS, row, "catalog row", err);
    free(copy);
    return st;
}

static int read_catalog(const char *path, int torn_ok, off_t *keep, pel_catalog **out, pel_error *err)
{
    *out = NULL;
    FILE *fp = fopen(path, "r");
    if (!fp)
        return pel_error_set(err, PEL_EIO, "%s: cannot open: %s", path, strerror(errno));
    pel_catalog *cat = calloc(1, sizeof *cat);
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    off_t pos = 0;
    int st = cat ? PEL_OK : pel_error_set(err, PEL_ENOMEM, "catalog: out of memory");
    ssize_t len;
    while (!st && (len = getline(&line, &cap, fp)) != -1) {
        lineno++;
        char where[64 + 256];
        snprintf(where, sizeof where, "%.256s line %ld", path, lineno);
        if (line[len - 1] != '\n' || (size_t)len != strlen(line)) {
            if (torn_ok && cat->version && (size_t)len == strlen(line))
                break; /* a torn last row; pos is its start */
            st = pel_error_set(err, PEL_EPARSE, "%s: %s", where,
                               (size_t)len != strlen(line) ? "NUL byte (not a text catalog)"
                                                           : "torn last line (no newline)");
            break;
        }
        pos += len;
        line[--len] = '\0';
        if (!cat->version) {
            size_t np = strlen(PEL_CATALOG_CAMPAIGN_PREFIX);
            if (lineno == 1 && strncmp(line, PEL_CATALOG_CAMPAIGN_PREFIX, np) == 0) {
                int ok = 1;
                cat->campaign = dup_str(line + np, &ok);
                if (!ok)
                    st = pel_error_set(err, PEL_ENOMEM, "catalog: out of memory");
            } else if (!(cat->version = header_version(line))) {
                st = pel_error_set(err, PEL_EPARSE, "%s: not a pel event catalog header", where);
            }
            continue;
        }
        pel_catalog_row r;
        st = parse_row(line, cat->version == 1   ? CATALOG_NCOLS_V1
                             : cat->version == 2 ? CATALOG_NCOLS_V2
                                                 : CATALOG_NCOLS,
                       &r, where, err);
        if (!st) {
            st = pel_catalog_add(cat, &r, err);
            pel_catalog_row_clear(&r);
        }
    }
    free(line);
    fclose(fp);
    if (!st && !cat->version)
        st = pel_error_set(err, PEL_EPARSE, "%s: %s", path,
                           lineno ? "not a pel event catalog (no header line)" : "empty file (no catalog header)");
    if (!st) {
        pel_catalog_sort(cat);
        for (size_t i = 1; i < cat->n && !st; i++)
            if (cat->rows[i].search_id == cat->rows[i - 1].search_id)
                st = pel_error_set(err, PEL_EPARSE, "%s: search_id %ld appears twice", path, cat->rows[i].search_id);
    }
    if (st) {
        pel_catalog_free(&cat);
        return st;
    }
    *keep = pos;
    *out = cat;
    return PEL_OK;
}

int pel_catalog_read(const char *path, pel_catalog **out, pel_error *err)
{
    off_t keep;
    return read_catalog(path, 0, &keep, out, err);
}

/* Length of the key of token t ("key=value ..."), up to '=' or the token's end. */
static size_t key_len(const char *t)
{
    size_t n = 0;
    while (t[n] && t[n] != '=' && t[n] != ' ')
        n++;
    return n;
}

/* Length of token t, up to a space or the end. */
static size_t tok_len(const char *t)
{
    size_t n = 0;
    while (t[n] && t[n] != ' ')
        n++;
    return n;
}

/* Name the first key=value of `now` that `old` lacks or sets otherwise. */
static int campaign_mismatch(const char *path, const char *old, const char *now, pel_error *err)
{
    for (const char *t = now; *t; t += tok_len(t) + (t[tok_len(t)] == ' ')) {
        size_t kl = key_len(t), tl = tok_len(t);
        const char *o = old;
        while (*o && !(key_len(o) == kl && strncmp(o, t, kl) == 0))
            o += tok_len(o) + (o[tok_len(o)] == ' ');
        if (!*o)
            return pel_error_set(err, PEL_ESTATE, "%s: another campaign (%.*s is not in its campaign line); "
                                 "refusing to resume, the file is untouched", path, (int)tl, t);
        if (tok_len(o) != tl || strncmp(o, t, tl) != 0)
            return pel_error_set(err, PEL_ESTATE, "%s: another campaign (%.*s there, %.*s now); refusing to "
                                 "resume, the file is untouched", path, (int)tok_len(o), o, (int)tl, t);
    }
    return pel_error_set(err, PEL_ESTATE, "%s: another campaign (its campaign line has other entries); refusing "
                         "to resume, the file is untouched", path);
}

int pel_catalog_recover(const char *path, const char *campaign, pel_catalog **out, int *truncated, pel_error *err)
{
    *out = NULL;
    *truncated = 0;
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (errno != ENOENT)
            return pel_error_set(err, PEL_EIO, "%s: cannot open for resume: %s", path, strerror(errno));
        *out = calloc(1, sizeof **out);
        return *out ? PEL_OK : pel_error_set(err, PEL_ENOMEM, "catalog: out of memory");
    }
    if (!S_ISREG(sb.st_mode))
        return pel_error_set(err, PEL_EIO, "%s: not a regular file", path);
    if (sb.st_size == 0) {
        *out = calloc(1, sizeof **out);
        return *out ? PEL_OK : pel_error_set(err, PEL_ENOMEM, "catalog: out of memory");
    }
    /* Validate everything first: a file that is not a catalog is left as it is. */
    off_t keep;
    pel_catalog *cat = NULL;
    int st = read_catalog(path, 1, &keep, &cat, err);
    if (st)
        return st;
    if (campaign && cat->version != PEL_CATALOG_VERSION)
        st = pel_error_set(err, PEL_ESTATE, "%s: catalog of an older pel (%s); cannot resume it, start a new one",
                           path, cat->version == 1 ? "17 columns" : "20 columns");
    else if (campaign && !cat->campaign)
        st = pel_error_set(err, PEL_ESTATE, "%s: no campaign line (written by an older pel); cannot check that "
                           "it is this campaign, refusing to resume", path);
    else if (campaign && strcmp(campaign, cat->campaign) != 0)
        st = campaign_mismatch(path, cat->campaign, campaign, err);
    if (st) {
        pel_catalog_free(&cat);
        return st;
    }
    if (keep < sb.st_size) {
        int fd = open(path, O_WRONLY);
        if (fd < 0 || ftruncate(fd, keep) != 0 || fsync(fd) != 0) {
            st = pel_error_set(err, PEL_EIO, "%s: cannot truncate torn line: %s", path, strerror(errno));
            if (fd >= 0)
                close(fd);
            pel_catalog_free(&cat);
            return st;
        }
        close(fd);
        *truncated = 1;
    }
    *out = cat;
    return PEL_OK;
}

/* ------------------------------------------------------------------------ */
/* Redundancy filter and atomic rewrite.                                      */
static int same_atoms(const pel_catalog_row *a, const pel_catalog_row *b)
{
    return a->n_displaced == b->n_displaced &&
           (a->n_displaced == 0 || memcmp(a->displaced_ids, b->displaced_ids, a->n_displaced * sizeof(int64_t)) == 0);
}

size_t pel_catalog_filter_redundant(pel_catalog *cat, double e_tol)
{
    pel_catalog_sort(cat);
    size_t *kept = malloc((cat->n ? cat->n : 1) * sizeof *kept), nk = 0, nred = 0;
    for (size_t i = 0; i < cat->n; i++) {
        pel_catalog_row *r = &cat->rows[i];
        if (r->status != PEL_ART_CONVERGED && r->status != PEL_ART_REDUNDANT)
            continue;
        int dup = 0;
        for (size_t k = 0; k < nk && !dup && kept; k++) {
            const pel_catalog_row *q = &cat->rows[kept[k]];
            dup = fabs(q->e_saddle - r->e_saddle) <= e_tol && same_atoms(q, r);
        }
        r->status = dup ? PEL_ART_REDUNDANT : PEL_ART_CONVERGED;
        if (dup)
            nred++;
        else if (kept)
            kept[nk++] = i;
    }
    free(kept);
    return nred;
}

int pel_catalog_write(const pel_catalog *cat, const char *path, pel_error *err)
{
    pel_afile af;
    int st = pel_afile_open(&af, path, err);
    if (st)
        return st;
    char *buf = NULL;
    size_t cap = 0;
    if (cat->campaign)
        fprintf(af.fp, PEL_CATALOG_CAMPAIGN_PREFIX "%s\n", cat->campaign);
    fputs(PEL_CATALOG_HEADER "\n", af.fp);
    for (size_t i = 0; i < cat->n && !st; i++) {
        st = fmt_row(&buf, &cap, &cat->rows[i], err);
        if (!st)
            fputs(buf, af.fp);
    }
    free(buf);
    if (st) {
        pel_afile_abort(&af);
        return st;
    }
    return pel_afile_commit(&af, err);
}
