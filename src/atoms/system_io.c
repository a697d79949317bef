/* system_io.c - LAMMPS data files (atom_style atomic) in and out, and
 * appendable trajectory frames (LAMMPS dump, extended XYZ) that OVITO reads.
 *
 * Reading rules (docs/atoms.md): header keywords "atoms", "atom types",
 * "xlo xhi", "ylo yhi", "zlo zhi", "xy xz yz" (triclinic, tilts within
 * LAMMPS's limits); sections Masses, Atoms (style atomic: "id type x y z" with or
 * without three image flags), Velocities; '#' starts a comment.  Atoms are
 * stored sorted by id.  Atoms outside the box by more than PEL_DATA_BOX_TOL
 * of the box (in lamda coordinates) are an error; those within it are wrapped (image flag
 * adjusted).  Every error names the file and line. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pel/system.h"
#include "pel/traj.h"
#include "pel/util.h"

/* Relative tolerance (fraction of the box length) for atoms just outside it:
 * covers round-off of coordinates written at lo+len by other tools. */
#define PEL_DATA_BOX_TOL 1e-6
#define PEL_DATA_MAX_TOKENS 16
/* Longest line accepted (characters): an Atoms line of atom_style full with
 * image flags is ~200 characters at full precision. */
#define PEL_DATA_MAX_LINE 4096
/* Shortest possible Atoms line, "1 1 0 0 0\n": a file of S bytes holds at
 * most S / PEL_DATA_MIN_ATOM_BYTES atoms, which bounds what a header may
 * declare before anything is allocated. */
#define PEL_DATA_MIN_ATOM_BYTES 10
/* Largest atom count declared by a file of unknown size (a pipe). */
#define PEL_DATA_STREAM_MAX_ATOMS 10000000L
/* Speed of light, Å/ps: a faster velocity is a broken file, not a state. */
#define PEL_DATA_VMAX 2.99792458e6

typedef struct data_reader {
    FILE *fp;
    const char *path;
    pel_error *err; /* where next_line reports an over-long line */
    char *line;   /* current line (comment kept in `comment`) */
    size_t cap;
    long lineno;
    char *comment; /* text after '#', or NULL */
    char *tok[PEL_DATA_MAX_TOKENS];
    int ntok;
} data_reader;

/* Next line split into tokens; returns 0 at EOF, 1 otherwise, -1 (error
 * set) for a line longer than PEL_DATA_MAX_LINE. */
static int next_line(data_reader *r)
{
    ssize_t len = getline(&r->line, &r->cap, r->fp);
    if (len < 0)
        return 0;
    r->lineno++;
    if (len > PEL_DATA_MAX_LINE) {
        pel_error_set(r->err, PEL_EPARSE, "%s:%ld: line longer than %d characters", r->path, r->lineno,
                      PEL_DATA_MAX_LINE);
        return -1;
    }
    r->comment = NULL;
    char *hash = strchr(r->line, '#');
    if (hash) {
        *hash = '\0';
        r->comment = hash + 1;
        r->comment[strcspn(r->comment, "\r\n")] = '\0';
    }
    r->ntok = 0;
    char *save = NULL;
    for (char *t = strtok_r(r->line, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
        if (r->ntok == PEL_DATA_MAX_TOKENS)
            break;
        r->tok[r->ntok++] = t;
    }
    return 1;
}

static int rd_double(data_reader *r, int k, double *out, pel_error *err)
{
    char what[600];
    snprintf(what, sizeof what, "%s:%ld", r->path, r->lineno);
    return pel_parse_double(r->tok[k], what, out, err);
}

static int rd_long(data_reader *r, int k, long *out, pel_error *err)
{
    char what[600];
    snprintf(what, sizeof what, "%s:%ld", r->path, r->lineno);
    return pel_parse_long(r->tok[k], what, out, err);
}

/* Read `count` non-blank lines of a section, calling fn on each. */
typedef int (*section_fn)(data_reader *r, pel_system *s, void *ctx, pel_error *err);

static int read_section(data_reader *r, const char *name, size_t count, section_fn fn, pel_system *s, void *ctx,
                        pel_error *err)
{
    size_t got = 0;
    while (got < count) {
        int more = next_line(r);
        if (more < 0)
            return PEL_EPARSE;
        if (!more)
            return pel_error_set(err, PEL_EPARSE, "%s:%ld: end of file after %zu of %zu %s lines", r->path,
                                 r->lineno, got, count, name);
        if (r->ntok == 0)
            continue;
        int rc = fn(r, s, ctx, err);
        if (rc)
            return rc;
        got++;
    }
    return PEL_OK;
}

/* Atom styles read (LAMMPS atom_style): columns before "x y z". */
typedef enum { STYLE_UNKNOWN, STYLE_ATOMIC, STYLE_CHARGE, STYLE_FULL } atom_style;
static const char *const style_name[] = {"", "atomic", "charge", "full"};
static const int style_ncol[] = {0, 5, 6, 7}; /* without image flags */

typedef struct read_ctx {
    long *line_of;      /* [n] line of each atom (for errors) */
    size_t natoms_seen;
    atom_style style;
} read_ctx;

static int masses_line(data_reader *r, pel_system *s, void *vctx, pel_error *err)
{
    (void)vctx;
    long t;
    double m;
    int rc;
    if (r->ntok != 2)
        return pel_error_set(err, PEL_EPARSE, "%s:%ld: Masses line needs 'type mass'", r->path, r->lineno);
    if ((rc = rd_long(r, 0, &t, err)) || (rc = rd_double(r, 1, &m, err)))
        return rc;
    if (t < 1 || t > s->ntypes || !(m > 0) || !isnormal(m))
        return pel_error_set(err, PEL_EPARSE, "%s:%ld: bad Masses entry (type %ld, mass %g)", r->path, r->lineno,
                             t, m);
    s->mass[t - 1] = m;
    /* "# Cu": the comment is taken as an element name only if it is one word
     * shaped like a chemical symbol (capital letter, optional lower-case). */
    char name[8], extra[2];
    if (r->comment && sscanf(r->comment, " %7s %1s", name, extra) == 1 && isupper((unsigned char)name[0]) &&
        (name[1] == '\0' || (islower((unsigned char)name[1]) && name[2] == '\0'))) {
        strcpy(s->elem[t - 1], name);
    }
    return PEL_OK;
}

/* Atoms line of the detected style:
 *   atomic "id type x y z", charge "id type q x y z", full "id mol type q x y z",
 * each optionally followed by three image flags.  Charges and molecule ids
 * are checked as numbers and otherwise ignored (flags in s->ignored). */
static int atoms_line(data_reader *r, pel_system *s, void *vctx, pel_error *err)
{
    read_ctx *ctx = vctx;
    if (ctx->style == STYLE_UNKNOWN) /* no "# style" comment: from the column count */
        for (int k = STYLE_ATOMIC; k <= STYLE_FULL; k++)
            if (r->ntok == style_ncol[k] || r->ntok == style_ncol[k] + 3)
                ctx->style = (atom_style)k;
    atom_style st = ctx->style;
    int ncol = style_ncol[st];
    if (st == STYLE_UNKNOWN || (r->ntok != ncol && r->ntok != ncol + 3))
        return pel_error_set(err, PEL_EPARSE,
                             "%s:%ld: Atoms line has %d columns; atom_style %s needs %d or %d (with image flags)",
                             r->path, r->lineno, r->ntok, st ? style_name[st] : "atomic/charge/full",
                             st ? ncol : 5, st ? ncol + 3 : 10);
    int ctype = st == STYLE_FULL ? 2 : 1, cx = ncol - 3;
    size_t i = ctx->natoms_seen++;
    long id, t;
    int rc;
    if ((rc = rd_long(r, 0, &id, err)) || (rc = rd_long(r, ctype, &t, err)))
        return rc;
    if (st == STYLE_FULL) {
        long mol;
        if ((rc = rd_long(r, 1, &mol, err)))
            return rc;
        s->ignored |= PEL_IGNORED_MOLECULES;
    }
    if (st != STYLE_ATOMIC) {
        double q;
        if ((rc = rd_double(r, cx - 1, &q, err)))
            return rc;
        s->ignored |= PEL_IGNORED_CHARGES;
    }
    if (id < 1)
        return pel_error_set(err, PEL_EPARSE, "%s:%ld: atom id %ld must be positive", r->path, r->lineno, id);
    if (t < 1 || t > s->ntypes)
        return pel_error_set(err, PEL_EPARSE, "%s:%ld: atom type %ld outside 1..%d", r->path, r->lineno, t,
                             s->ntypes);
    s->id[i] = id;
    s->type[i] = (int)t - 1;
    for (int d = 0; d < 3; d++) {
        if ((rc = rd_double(r, cx + d, &s->x[3 * i + d], err)))
            return rc;
        long im = 0;
        if (r->ntok == ncol + 3) {
            if ((rc = rd_long(r, ncol + d, &im, err)))
                return rc;
            if (im < -1000000000L || im > 1000000000L)
                return pel_error_set(err, PEL_EPARSE, "%s:%ld: image flag %ld out of range", r->path, r->lineno, im);
        }
        s->image[3 * i + d] = (int)im;
    }
    ctx->line_of[i] = r->lineno;
    return PEL_OK;
}

/* (id, index) pairs: qsort has no context argument, so the key travels along. */
typedef struct id_index {
    int64_t id;
    size_t idx;
} id_index;

static int cmp_by_id(const void *a, const void *b)
{
    const id_index *x = a, *y = b;
    if (x->id != y->id)
        return (x->id > y->id) - (x->id < y->id);
    return (x->idx > y->idx) - (x->idx < y->idx);
}

static int velocities_line(data_reader *r, pel_system *s, void *vctx, pel_error *err)
{
    (void)vctx;
    if (r->ntok != 4)
        return pel_error_set(err, PEL_EPARSE, "%s:%ld: Velocities line needs 'id vx vy vz'", r->path, r->lineno);
    long id;
    int rc = rd_long(r, 0, &id, err);
    if (rc)
        return rc;
    /* Atoms are sorted by id when Velocities are read. */
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->id[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == s->n || s->id[lo] != id)
        return pel_error_set(err, PEL_EPARSE, "%s:%ld: velocity for unknown atom id %ld", r->path, r->lineno, id);
    for (int d = 0; d < 3; d++) {
        double v;
        if ((rc = rd_double(r, 1 + d, &v, err)))
            return rc;
        if (!(fabs(v) < PEL_DATA_VMAX))
            return pel_error_set(err, PEL_EPARSE, "%s:%ld: velocity %g A/ps of atom %ld exceeds the speed of light",
                                 r->path, r->lineno, v, id);
        s->v[3 * lo + d] = v;
    }
    return PEL_OK;
}

/* Permute atoms into id order; reject duplicates. */
static int sort_atoms(pel_system *s, read_ctx *ctx, const char *path, pel_error *err)
{
    size_t n = s->n;
    id_index *ord = malloc((n ? n : 1) * sizeof *ord);
    pel_system *tmp = NULL;
    int rc = pel_system_clone(s, &tmp, err);
    long *lines = malloc((n ? n : 1) * sizeof *lines);
    if (!ord || rc || !lines) {
        free(ord);
        free(lines);
        pel_system_free(&tmp);
        return rc ? rc : pel_error_set(err, PEL_ENOMEM, "out of memory reading %s", path);
    }
    for (size_t i = 0; i < n; i++)
        ord[i] = (id_index){tmp->id[i], i};
    qsort(ord, n, sizeof *ord, cmp_by_id);
    for (size_t k = 0; k < n; k++) {
        size_t i = ord[k].idx;
        if (k > 0 && ord[k].id == ord[k - 1].id) {
            rc = pel_error_set(err, PEL_EPARSE, "%s:%ld: duplicate atom id %lld (also line %ld)", path,
                               ctx->line_of[i], (long long)ord[k].id, ctx->line_of[ord[k - 1].idx]);
            break;
        }
        s->id[k] = tmp->id[i];
        s->type[k] = tmp->type[i];
        lines[k] = ctx->line_of[i];
        memcpy(&s->x[3 * k], &tmp->x[3 * i], 3 * sizeof(double));
        memcpy(&s->image[3 * k], &tmp->image[3 * i], 3 * sizeof(int));
    }
    if (!rc)
        memcpy(ctx->line_of, lines, n * sizeof *lines);
    free(ord);
    free(lines);
    pel_system_free(&tmp);
    return rc;
}

/* Apply "Cu,Zr" names in type order. */
static int apply_elements(pel_system *s, const char *elements, const char *path, pel_error *err)
{
    int t = 0;
    const char *p = elements;
    while (*p) {
        size_t len = strcspn(p, ",");
        if (len == 0 || len >= sizeof s->elem[0] || t >= s->ntypes)
            return pel_error_set(err, PEL_EINVAL, "%s: elements '%s': need %d names (one per atom type)", path,
                                 elements, s->ntypes);
        memcpy(s->elem[t], p, len);
        s->elem[t][len] = '\0';
        t++;
        p += len;
        if (*p == ',')
            p++;
    }
    if (t != s->ntypes)
        return pel_error_set(err, PEL_EINVAL, "%s: elements '%s': need %d names (one per atom type), got %d", path,
                             elements, s->ntypes, t);
    return PEL_OK;
}

/* Check every atom is inside the box (within tolerance) and wrap it. */
static int check_box(pel_system *s, const long *line_of, const char *path, pel_error *err)
{
    for (size_t i = 0; i < s->n; i++) {
        double lam[3];
        pel_system_lamda(s, &s->x[3 * i], lam);
        for (int d = 0; d < 3; d++) {
            double x = s->x[3 * i + d], lo = s->lo[d], len = s->len[d];
            if (!(lam[d] >= -PEL_DATA_BOX_TOL && lam[d] <= 1.0 + PEL_DATA_BOX_TOL)) {
                if (pel_system_triclinic(s))
                    return pel_error_set(err, PEL_EINVAL,
                                         "%s:%ld: atom %lld is outside the triclinic box (lamda %c = %.17g not in [0, 1])",
                                         path, line_of[i], (long long)s->id[i], "xyz"[d], lam[d]);
                return pel_error_set(err, PEL_EINVAL, "%s:%ld: atom %lld is outside the box (%c = %.17g not in [%g, %g])",
                                     path, line_of[i], (long long)s->id[i], "xyz"[d], x, lo, lo + len);
            }
        }
    }
    pel_system_wrap(s);
    return PEL_OK;
}

/* Header lines of molecular styles ("N bonds", "N bond types", "N extra bond
 * per atom", ...): checked as counts and ignored. */
static int topology_header(const data_reader *r)
{
    static const char *const kinds[] = {"bond", "angle", "dihedral", "improper"};
    if (r->ntok >= 2 && (strcmp(r->tok[1], "extra") == 0 || strncmp(r->tok[1], "extra/", 6) == 0))
        return 1;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        size_t n = strlen(kinds[k]);
        if (r->ntok == 2 && strncmp(r->tok[1], kinds[k], n) == 0 && strcmp(r->tok[1] + n, "s") == 0)
            return 1;
        if (r->ntok == 3 && strcmp(r->tok[1], kinds[k]) == 0 && strcmp(r->tok[2], "types") == 0)
            return 1;
    }
    return 0;
}

/* Sections pel has no use for (topology and force-field coefficients): their
 * lines are skipped; returns the PEL_IGNORED_* flag, 0 if not such a section. */
static unsigned skipped_section(const data_reader *r)
{
    static const char *const topo[] = {"Bonds", "Angles", "Dihedrals", "Impropers"};
    for (size_t k = 0; k < sizeof topo / sizeof topo[0]; k++)
        if (r->ntok == 1 && strcmp(r->tok[0], topo[k]) == 0)
            return PEL_IGNORED_TOPOLOGY;
    if (r->ntok == 2 && strcmp(r->tok[1], "Coeffs") == 0)
        return PEL_IGNORED_COEFFS;
    return 0;
}

/* Skip lines up to the next section keyword (a line starting with a letter);
 * returns 1 with that line loaded, 0 at EOF, -1 on error. */
static int skip_section(data_reader *r)
{
    int more;
    while ((more = next_line(r)) > 0)
        if (r->ntok > 0 && isalpha((unsigned char)r->tok[0][0]))
            return 1;
    return more;
}

static int parse_data(data_reader *r, const char *elements, long file_bytes, pel_system **out, pel_error *err)
{
    long natoms = -1, ntypes = -1;
    double lo[3] = {0}, hi[3] = {0}, tilt[3] = {0};
    long tilt_line = 0;
    int have_box[3] = {0};
    int rc;
    pel_system *s = NULL;
    read_ctx ctx = {0};
    int have_atoms = 0, more = next_line(r); /* title */
    unsigned skipped = 0;
    while (more > 0 && (more = next_line(r)) > 0) {
    again:
        if (r->ntok == 0)
            continue;
        const char *last = r->tok[r->ntok - 1];
        unsigned skip;
        if (!s && r->ntok == 2 && strcmp(last, "atoms") == 0) {
            if ((rc = rd_long(r, 0, &natoms, err)))
                goto fail;
            /* Bounded before anything is allocated: the atoms must fit the file. */
            long cap = file_bytes >= 0 ? file_bytes / PEL_DATA_MIN_ATOM_BYTES : PEL_DATA_STREAM_MAX_ATOMS;
            if (natoms < 0 || natoms > cap) {
                rc = pel_error_set(err, PEL_EPARSE, "%s:%ld: %ld atoms cannot fit in a file of %ld bytes%s",
                                   r->path, r->lineno, natoms, file_bytes, file_bytes < 0 ? " (a stream)" : "");
                goto fail;
            }
        } else if (!s && r->ntok == 3 && strcmp(r->tok[1], "atom") == 0 && strcmp(last, "types") == 0) {
            if ((rc = rd_long(r, 0, &ntypes, err)))
                goto fail;
        } else if (!s && topology_header(r)) {
            long count;
            if ((rc = rd_long(r, 0, &count, err)))
                goto fail;
        } else if (!s && r->ntok == 4 && r->tok[2][0] >= 'x' && r->tok[2][0] <= 'z' &&
                   strcmp(r->tok[2] + 1, "lo") == 0 && strcmp(r->tok[3] + 1, "hi") == 0) {
            int d = r->tok[2][0] - 'x';
            if ((rc = rd_double(r, 0, &lo[d], err)) || (rc = rd_double(r, 1, &hi[d], err)))
                goto fail;
            if (!(hi[d] > lo[d]) || !isnormal(hi[d] - lo[d]) || !isfinite(hi[d] - lo[d])) {
                rc = pel_error_set(err, PEL_EPARSE, "%s:%ld: box %clo >= %chi", r->path, r->lineno, 'x' + d, 'x' + d);
                goto fail;
            }
            have_box[d] = 1;
        } else if (!s && r->ntok == 6 && strcmp(r->tok[3], "xy") == 0 && strcmp(r->tok[4], "xz") == 0 &&
                   strcmp(r->tok[5], "yz") == 0) {
            for (int k = 0; k < 3; k++)
                if ((rc = rd_double(r, k, &tilt[k], err)))
                    goto fail;
            tilt_line = r->lineno;
        } else if ((skip = skipped_section(r)) != 0) {
            skipped |= skip;
            if ((more = skip_section(r)) > 0)
                goto again;
        } else if (r->ntok == 1 && (strcmp(last, "Masses") == 0 || strcmp(last, "Atoms") == 0 ||
                                    strcmp(last, "Velocities") == 0)) {
            if (!s) { /* end of header: allocate */
                if (natoms < 0 || ntypes < 1 || !have_box[0] || !have_box[1] || !have_box[2]) {
                    rc = pel_error_set(err, PEL_EPARSE, "%s:%ld: header lacks atoms, atom types or box bounds",
                                       r->path, r->lineno);
                    goto fail;
                }
                if (ntypes > PEL_MAX_TYPES) {
                    rc = pel_error_set(err, PEL_EPARSE, "%s: %ld atom types (at most %d)", r->path, ntypes,
                                       PEL_MAX_TYPES);
                    goto fail;
                }
                if ((rc = pel_system_new(&s, (size_t)natoms, (int)ntypes, err)))
                    goto fail;
                for (int d = 0; d < 3; d++) {
                    s->lo[d] = lo[d];
                    s->len[d] = hi[d] - lo[d];
                    s->tilt[d] = tilt[d];
                }
                if (tilt_line) {
                    char where[600];
                    snprintf(where, sizeof where, "%s:%ld", r->path, tilt_line);
                    if ((rc = pel_system_check_box(s, where, err)))
                        goto fail;
                }
                ctx.line_of = calloc(s->n ? s->n : 1, sizeof *ctx.line_of);
                if (!ctx.line_of) {
                    rc = pel_error_set(err, PEL_ENOMEM, "out of memory reading %s", r->path);
                    goto fail;
                }
            }
            if (strcmp(last, "Masses") == 0) {
                rc = read_section(r, "Masses", s->ntypes, masses_line, s, &ctx, err);
            } else if (strcmp(last, "Atoms") == 0) {
                char style[32] = "";
                if (r->comment)
                    sscanf(r->comment, " %31s", style);
                ctx.style = STYLE_UNKNOWN;
                for (int k = STYLE_ATOMIC; k <= STYLE_FULL; k++)
                    if (strcmp(style, style_name[k]) == 0)
                        ctx.style = (atom_style)k;
                if (style[0] && ctx.style == STYLE_UNKNOWN) {
                    rc = pel_error_set(err, PEL_EPARSE, "%s:%ld: atom_style %s is not supported (atomic, charge, full)",
                                       r->path, r->lineno, style);
                    goto fail;
                }
                if (have_atoms) {
                    rc = pel_error_set(err, PEL_EPARSE, "%s:%ld: second Atoms section", r->path, r->lineno);
                    goto fail;
                }
                rc = read_section(r, "Atoms", s->n, atoms_line, s, &ctx, err);
                if (!rc)
                    rc = sort_atoms(s, &ctx, r->path, err);
                have_atoms = 1;
            } else {
                if (!have_atoms) {
                    rc = pel_error_set(err, PEL_EPARSE, "%s:%ld: Velocities before Atoms", r->path, r->lineno);
                    goto fail;
                }
                rc = read_section(r, "Velocities", s->n, velocities_line, s, &ctx, err);
                s->has_velocities = 1;
            }
            if (rc)
                goto fail;
        } else {
            rc = pel_error_set(err, PEL_EPARSE, "%s:%ld: unsupported line '%s%s'", r->path, r->lineno, r->tok[0],
                               r->ntok > 1 ? " ..." : "");
            goto fail;
        }
    }
    if (more < 0) {
        rc = PEL_EPARSE;
        goto fail;
    }
    if (ferror(r->fp)) {
        rc = pel_error_set(err, PEL_EIO, "error reading %s", r->path);
        goto fail;
    }
    if (!s || !have_atoms) {
        rc = pel_error_set(err, PEL_EPARSE, "%s: no Atoms section", r->path);
        goto fail;
    }
    s->ignored |= skipped;
    if ((rc = check_box(s, ctx.line_of, r->path, err)))
        goto fail;
    if (elements) {
        for (int t = 0; t < s->ntypes; t++)
            s->elem[t][0] = '\0';
        if ((rc = apply_elements(s, elements, r->path, err)))
            goto fail;
    }
    free(ctx.line_of);
    *out = s;
    return PEL_OK;
fail:
    free(ctx.line_of);
    pel_system_free(&s);
    return rc;
}

int pel_system_read_data(const char *path, const char *elements, pel_system **out, pel_error *err)
{
    *out = NULL;
    data_reader r = {0};
    r.path = path;
    r.err = err;
    r.fp = fopen(path, "r");
    if (!r.fp)
        return pel_error_set(err, PEL_EIO, "cannot open data file %s: %s", path, strerror(errno));
    struct stat st;
    long bytes = fstat(fileno(r.fp), &st) == 0 && S_ISREG(st.st_mode) ? (long)st.st_size : -1;
    int rc = parse_data(&r, elements, bytes, out, err);
    free(r.line);
    fclose(r.fp);
    return rc;
}

int pel_system_ignored_note(const pel_system *sys, char *buf, size_t cap)
{
    static const struct {
        unsigned flag;
        const char *what;
    } items[] = {{PEL_IGNORED_CHARGES, "charges"},
                 {PEL_IGNORED_MOLECULES, "molecule ids"},
                 {PEL_IGNORED_TOPOLOGY, "bonds/angles/dihedrals/impropers"},
                 {PEL_IGNORED_COEFFS, "force-field Coeffs sections"}};
    size_t k = 0;
    if (cap)
        buf[0] = '\0';
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++)
        if ((sys->ignored & items[i].flag) && k < cap)
            k += (size_t)snprintf(buf + k, cap - k, "%s%s", k ? ", " : "", items[i].what);
    if (k && k < cap)
        snprintf(buf + k, cap - k, " in the data file ignored (the potential has neither)");
    return k > 0;
}

int pel_system_write_data(const pel_system *sys, const char *path, const char *title, pel_error *err)
{
    pel_afile af;
    int rc = pel_afile_open(&af, path, err);
    if (rc)
        return rc;
    FILE *fp = af.fp;
    fprintf(fp, "%s\n\n%zu atoms\n%d atom types\n\n", title ? title : "LAMMPS data file written by pel", sys->n,
            sys->ntypes);
    for (int d = 0; d < 3; d++)
        fprintf(fp, "%.17g %.17g %clo %chi\n", sys->lo[d], sys->lo[d] + sys->len[d], 'x' + d, 'x' + d);
    if (pel_system_triclinic(sys))
        fprintf(fp, "%.17g %.17g %.17g xy xz yz\n", sys->tilt[0], sys->tilt[1], sys->tilt[2]);
    int all_mass = 1;
    for (int t = 0; t < sys->ntypes; t++)
        all_mass &= sys->mass[t] > 0;
    if (all_mass) {
        fprintf(fp, "\nMasses\n\n");
        for (int t = 0; t < sys->ntypes; t++)
            fprintf(fp, "%d %.17g%s%s\n", t + 1, sys->mass[t], sys->elem[t][0] ? " # " : "", sys->elem[t]);
    }
    fprintf(fp, "\nAtoms # atomic\n\n");
    for (size_t i = 0; i < sys->n; i++) {
        double x[3];
        int im[3];
        pel_system_wrapped(sys, i, x, im);
        fprintf(fp, "%lld %d %.17g %.17g %.17g %d %d %d\n", (long long)sys->id[i], sys->type[i] + 1, x[0], x[1],
                x[2], im[0], im[1], im[2]);
    }
    if (sys->has_velocities) {
        fprintf(fp, "\nVelocities\n\n");
        for (size_t i = 0; i < sys->n; i++)
            fprintf(fp, "%lld %.17g %.17g %.17g\n", (long long)sys->id[i], sys->v[3 * i], sys->v[3 * i + 1],
                    sys->v[3 * i + 2]);
    }
    if (ferror(fp)) {
        pel_afile_abort(&af);
        return pel_error_set(err, PEL_EIO, "error writing %s", path);
    }
    return pel_afile_commit(&af, err);
}

int pel_system_write_dump(const pel_system *sys, FILE *fp, long step, pel_error *err)
{
    return pel_dump_write(sys, fp, step, 0, err);
}

int pel_system_write_extxyz(const pel_system *sys, FILE *fp, const char *comment, pel_error *err)
{
    return pel_extxyz_write(sys, fp, 0, NAN, comment, err);
}
