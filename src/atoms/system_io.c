/* system_io.c - LAMMPS data files (atom_style atomic) in and out, and
 * appendable trajectory frames (LAMMPS dump, extended XYZ) that OVITO reads.
 *
 * Reading rules (docs/atoms.md): header keywords "atoms", "atom types",
 * "xlo xhi", "ylo yhi", "zlo zhi" ("xy xz yz" only if all zero: orthorhombic
 * boxes only); sections Masses, Atoms (style atomic: "id type x y z" with or
 * without three image flags), Velocities; '#' starts a comment.  Atoms are
 * stored sorted by id.  Atoms outside the box by more than PEL_DATA_BOX_TOL
 * of the box length are an error; those within it are wrapped (image flag
 * adjusted).  Every error names the file and line. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pel/system.h"
#include "pel/util.h"

/* Relative tolerance (fraction of the box length) for atoms just outside it:
 * covers round-off of coordinates written at lo+len by other tools. */
#define PEL_DATA_BOX_TOL 1e-6
#define PEL_DATA_MAX_TOKENS 16

typedef struct data_reader {
    FILE *fp;
    const char *path;
    char *line;   /* current line (comment kept in `comment`) */
    size_t cap;
    long lineno;
    char *comment; /* text after '#', or NULL */
    char *tok[PEL_DATA_MAX_TOKENS];
    int ntok;
} data_reader;

/* Next line split into tokens; returns 0 at EOF, 1 otherwise. */
static int next_line(data_reader *r)
{
    ssize_t len = getline(&r->line, &r->cap, r->fp);
    if (len < 0)
        return 0;
    r->lineno++;
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
        if (!next_line(r))
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

typedef struct read_ctx {
    long *line_of;      /* [n] line of each atom (for errors) */
    size_t natoms_seen;
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
    if (t < 1 || t > s->ntypes || !(m > 0))
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

static int atoms_line(data_reader *r, pel_system *s, void *vctx, pel_error *err)
{
    read_ctx *ctx = vctx;
    if (r->ntok != 5 && r->ntok != 8)
        return pel_error_set(err, PEL_EPARSE, "%s:%ld: Atoms line needs 'id type x y z [ix iy iz]' (atomic style)",
                             r->path, r->lineno);
    size_t i = ctx->natoms_seen++;
    long id, t;
    int rc;
    if ((rc = rd_long(r, 0, &id, err)) || (rc = rd_long(r, 1, &t, err)))
        return rc;
    if (id < 1)
        return pel_error_set(err, PEL_EPARSE, "%s:%ld: atom id %ld must be positive", r->path, r->lineno, id);
    if (t < 1 || t > s->ntypes)
        return pel_error_set(err, PEL_EPARSE, "%s:%ld: atom type %ld outside 1..%d", r->path, r->lineno, t,
                             s->ntypes);
    s->id[i] = id;
    s->type[i] = (int)t - 1;
    for (int d = 0; d < 3; d++) {
        if ((rc = rd_double(r, 2 + d, &s->x[3 * i + d], err)))
            return rc;
        long im = 0;
        if (r->ntok == 8) {
            if ((rc = rd_long(r, 5 + d, &im, err)))
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
    for (int d = 0; d < 3; d++)
        if ((rc = rd_double(r, 1 + d, &s->v[3 * lo + d], err)))
            return rc;
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
    for (size_t i = 0; i < s->n; i++)
        for (int d = 0; d < 3; d++) {
            double x = s->x[3 * i + d], lo = s->lo[d], len = s->len[d], tol = PEL_DATA_BOX_TOL * len;
            if (!(x >= lo - tol && x <= lo + len + tol))
                return pel_error_set(err, PEL_EINVAL, "%s:%ld: atom %lld is outside the box (%c = %.17g not in [%g, %g])",
                                     path, line_of[i], (long long)s->id[i], "xyz"[d], x, lo, lo + len);
        }
    pel_system_wrap(s);
    return PEL_OK;
}

static int parse_data(data_reader *r, const char *elements, pel_system **out, pel_error *err)
{
    long natoms = -1, ntypes = -1;
    double lo[3] = {0}, hi[3] = {0};
    int have_box[3] = {0};
    int rc;
    next_line(r); /* title */
    pel_system *s = NULL;
    read_ctx ctx = {0};
    int have_atoms = 0;
    while (next_line(r)) {
        if (r->ntok == 0)
            continue;
        const char *last = r->tok[r->ntok - 1];
        if (!s && r->ntok == 2 && strcmp(last, "atoms") == 0) {
            if ((rc = rd_long(r, 0, &natoms, err)))
                goto fail;
        } else if (!s && r->ntok == 3 && strcmp(r->tok[1], "atom") == 0 && strcmp(last, "types") == 0) {
            if ((rc = rd_long(r, 0, &ntypes, err)))
                goto fail;
        } else if (!s && r->ntok == 4 && r->tok[2][0] >= 'x' && r->tok[2][0] <= 'z' &&
                   strcmp(r->tok[2] + 1, "lo") == 0 && strcmp(r->tok[3] + 1, "hi") == 0) {
            int d = r->tok[2][0] - 'x';
            if ((rc = rd_double(r, 0, &lo[d], err)) || (rc = rd_double(r, 1, &hi[d], err)))
                goto fail;
            if (!(hi[d] > lo[d])) {
                rc = pel_error_set(err, PEL_EPARSE, "%s:%ld: box %clo >= %chi", r->path, r->lineno, 'x' + d, 'x' + d);
                goto fail;
            }
            have_box[d] = 1;
        } else if (!s && r->ntok == 6 && strcmp(r->tok[3], "xy") == 0) {
            double t[3];
            for (int k = 0; k < 3; k++)
                if ((rc = rd_double(r, k, &t[k], err)))
                    goto fail;
            if (t[0] != 0 || t[1] != 0 || t[2] != 0) {
                rc = pel_error_set(err, PEL_EPARSE, "%s:%ld: triclinic boxes are not supported", r->path, r->lineno);
                goto fail;
            }
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
                if (r->comment && strspn(r->comment, " \t") != strlen(r->comment) &&
                    strcmp(strtok(r->comment, " \t"), "atomic") != 0) {
                    rc = pel_error_set(err, PEL_EPARSE, "%s:%ld: only atom_style atomic is supported", r->path,
                                       r->lineno);
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
    if (ferror(r->fp)) {
        rc = pel_error_set(err, PEL_EIO, "error reading %s", r->path);
        goto fail;
    }
    if (!s || !have_atoms) {
        rc = pel_error_set(err, PEL_EPARSE, "%s: no Atoms section", r->path);
        goto fail;
    }
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
    r.fp = fopen(path, "r");
    if (!r.fp)
        return pel_error_set(err, PEL_EIO, "cannot open data file %s: %s", path, strerror(errno));
    int rc = parse_data(&r, elements, out, err);
    free(r.line);
    fclose(r.fp);
    return rc;
}

/* Position of atom i wrapped into the box, with its updated image flags. */
static void wrapped(const pel_system *s, size_t i, double x[3], int im[3])
{
    for (int d = 0; d < 3; d++) {
        double lo = s->lo[d], len = s->len[d];
        double k = floor((s->x[3 * i + d] - lo) / len);
        x[d] = s->x[3 * i + d] - k * len;
        im[d] = s->image[3 * i + d] + (int)k;
        if (x[d] >= lo + len) {
            x[d] -= len;
            im[d]++;
        }
        if (x[d] < lo) {
            x[d] += len;
            im[d]--;
        }
    }
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
        wrapped(sys, i, x, im);
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
    fprintf(fp, "ITEM: TIMESTEP\n%ld\nITEM: NUMBER OF ATOMS\n%zu\nITEM: BOX BOUNDS pp pp pp\n", step, sys->n);
    for (int d = 0; d < 3; d++)
        fprintf(fp, "%.17g %.17g\n", sys->lo[d], sys->lo[d] + sys->len[d]);
    fprintf(fp, "ITEM: ATOMS id type x y z\n");
    for (size_t i = 0; i < sys->n; i++) {
        double x[3];
        int im[3];
        wrapped(sys, i, x, im);
        fprintf(fp, "%lld %d %.17g %.17g %.17g\n", (long long)sys->id[i], sys->type[i] + 1, x[0], x[1], x[2]);
    }
    if (fflush(fp) || ferror(fp))
        return pel_error_set(err, PEL_EIO, "error writing dump frame %ld: %s", step, strerror(errno));
    return PEL_OK;
}

int pel_system_write_extxyz(const pel_system *sys, FILE *fp, const char *comment, pel_error *err)
{
    fprintf(fp, "%zu\nLattice=\"%.17g 0 0 0 %.17g 0 0 0 %.17g\" Origin=\"%.17g %.17g %.17g\" "
                "Properties=species:S:1:pos:R:3 pbc=\"T T T\"%s%s\n",
            sys->n, sys->len[0], sys->len[1], sys->len[2], sys->lo[0], sys->lo[1], sys->lo[2], comment ? " " : "",
            comment ? comment : "");
    for (size_t i = 0; i < sys->n; i++) {
        double x[3];
        int im[3];
        wrapped(sys, i, x, im);
        const char *el = sys->elem[sys->type[i]];
        if (el[0])
            fprintf(fp, "%s %.17g %.17g %.17g\n", el, x[0], x[1], x[2]);
        else
            fprintf(fp, "T%d %.17g %.17g %.17g\n", sys->type[i] + 1, x[0], x[1], x[2]);
    }
    if (fflush(fp) || ferror(fp))
        return pel_error_set(err, PEL_EIO, "error writing an extended XYZ frame: %s", strerror(errno));
    return PEL_OK;
}
