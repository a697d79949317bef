/* extxyz.c - extended XYZ frames (ASE and OVITO conventions): line 1 the
 * atom count; line 2 key=value pairs with Lattice="ax ay az bx by bz cx cy
 * cz" (any right-handed cell: turned into LAMMPS's restricted triclinic form,
 * docs/atoms.md), optional Origin="x y z" (OVITO), pbc="T T T",
 * Properties=name:type:ncols:... of which species:S:1, pos:R:3, optional
 * velo:R:3 (Å/ps) and id:I:1 are used and the rest skipped; then one line
 * per atom. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "atoms/traj_internal.h"
#include "pel/util.h"

/* Shortest extxyz atom line, "H 0 0 0\n", bounds a declared atom count. */
#define PEL_XYZ_MIN_ATOM_BYTES 8

/* Value of `key` in a key=value line (quotes removed) into val; 1 if found. */
static int kv_find(const char *line, const char *key, char *val, size_t cap)
{
    const char *p = line;
    size_t klen = strlen(key);
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        const char *k = p;
        while (*p && *p != '=' && *p != ' ' && *p != '\t')
            p++;
        size_t kl = (size_t)(p - k);
        const char *v = NULL;
        size_t vl = 0;
        if (*p == '=') {
            p++;
            char q = (*p == '"' || *p == '\'') ? *p++ : 0;
            v = p;
            while (*p && (q ? *p != q : (*p != ' ' && *p != '\t')))
                p++;
            vl = (size_t)(p - v);
            if (q && *p == q)
                p++;
        }
        if (kl == klen && strncasecmp(k, key, klen) == 0 && v) {
            if (vl >= cap)
                vl = cap - 1;
            memcpy(val, v, vl);
            val[vl] = '\0';
            return 1;
        }
        if (kl == 0 && !v)
            break;
    }
    return 0;
}

int pel_traj_info_double(const pel_traj *tr, const char *key, double *out, pel_error *err)
{
    char val[128];
    if (tr->fmt != PEL_TRAJ_EXTXYZ || !tr->comment || !kv_find(tr->comment, key, val, sizeof val))
        return 0;
    char what[600];
    snprintf(what, sizeof what, "%s: frame %ld: %s", tr->path, tr->frames, key);
    int rc = pel_parse_double(val, what, out, err);
    return rc ? rc : 1;
}

/* Split a value of n numbers ("a b c"). */
static int numbers(const pel_traj *tr, const char *key, const char *val, int n, double *out, pel_error *err)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", val);
    char *save = NULL, *t = strtok_r(buf, " \t", &save);
    for (int k = 0; k < n; k++, t = strtok_r(NULL, " \t", &save)) {
        if (!t)
            return pel_traj_fail(tr, err, "%s needs %d numbers", key, n);
        int rc = pel_traj_number(tr, t, &out[k], err);
        if (rc)
            return rc;
    }
    if (t)
        return pel_traj_fail(tr, err, "%s needs %d numbers", key, n);
    return PEL_OK;
}

typedef struct xyz_cols {
    int species, pos, velo, id; /* first column of each, -1 if absent */
    int total;
} xyz_cols;

static int properties(const pel_traj *tr, const char *val, xyz_cols *c, pel_error *err)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", val);
    *c = (xyz_cols){-1, -1, -1, -1, 0};
    char *save = NULL;
    for (char *name = strtok_r(buf, ":", &save); name; name = strtok_r(NULL, ":", &save)) {
        char *type = strtok_r(NULL, ":", &save), *ncol = strtok_r(NULL, ":", &save);
        long n;
        if (!type || !ncol || pel_traj_integer(tr, ncol, &n, err) || n < 1 || n > PEL_TRAJ_MAX_TOK)
            return pel_traj_fail(tr, err, "Properties '%s' is not name:type:ncols:...", val);
        int *slot = !strcmp(name, "species") && !strcmp(type, "S") && n == 1 ? &c->species
                    : !strcmp(name, "pos") && !strcmp(type, "R") && n == 3    ? &c->pos
                    : !strcmp(name, "velo") && !strcmp(type, "R") && n == 3   ? &c->velo
                    : !strcmp(name, "id") && !strcmp(type, "I") && n == 1     ? &c->id
                                                                              : NULL;
        if (slot)
            *slot = c->total;
        c->total += (int)n;
        if (c->total > PEL_TRAJ_MAX_TOK)
            return pel_traj_fail(tr, err, "Properties: more than %d columns", PEL_TRAJ_MAX_TOK);
    }
    if (c->species < 0 || c->pos < 0)
        return pel_traj_fail(tr, err, "Properties needs species:S:1 and pos:R:3");
    return PEL_OK;
}

/* A general cell (rows a, b, c of `cell`) in LAMMPS's restricted form, as
 * LAMMPS documents it (Howto triclinic): a' = (|a|, 0, 0), b' in the xy
 * plane, c' with cz > 0.  rot (row-major) is the rotation taking old
 * Cartesian vectors to new ones; *turned is 0 when the cell was already in
 * that form (rot the identity, not applied).  Tilts are then brought within
 * LAMMPS's limits by a change of basis (same lattice). */
static int restrict_cell(pel_traj *tr, const double cell[9], double len[3], double tilt[3], double rot[9],
                         int *turned, pel_error *err)
{
    const double *a = &cell[0], *b = &cell[3], *c = &cell[6];
    double axb[3] = {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    double det = axb[0] * c[0] + axb[1] * c[1] + axb[2] * c[2];
    if (!(det > 0) || !isfinite(det))
        return pel_traj_fail(tr, err, "Lattice is not a right-handed cell ((a x b) . c = %g, must be > 0)", det);
    *turned = !(a[1] == 0 && a[2] == 0 && b[2] == 0 && a[0] > 0 && b[1] > 0 && c[2] > 0);
    double h[3][3]; /* columns: restricted edge vectors */
    if (!*turned) {
        double hh[3][3] = {{a[0], b[0], c[0]}, {0, b[1], c[1]}, {0, 0, c[2]}};
        memcpy(h, hh, sizeof h);
    } else {
        double na = sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
        double bx = (a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) / na;
        double by = sqrt(axb[0] * axb[0] + axb[1] * axb[1] + axb[2] * axb[2]) / na;
        double cx = (a[0] * c[0] + a[1] * c[1] + a[2] * c[2]) / na;
        double cy = ((b[0] * c[0] + b[1] * c[1] + b[2] * c[2]) - bx * cx) / by;
        double cz = det / (na * by);
        double hh[3][3] = {{na, bx, cx}, {0, by, cy}, {0, 0, cz}};
        memcpy(h, hh, sizeof h);
    }
    /* rot = h M^-1, M the old edge vectors as columns; M^-1 rows are
     * (b x c, c x a, a x b) / det. */
    double inv[3][3] = {{b[1] * c[2] - b[2] * c[1], b[2] * c[0] - b[0] * c[2], b[0] * c[1] - b[1] * c[0]},
                        {c[1] * a[2] - c[2] * a[1], c[2] * a[0] - c[0] * a[2], c[0] * a[1] - c[1] * a[0]},
                        {axb[0], axb[1], axb[2]}};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double s = 0;
            for (int k = 0; k < 3; k++)
                s += h[i][k] * inv[k][j] / det;
            rot[3 * i + j] = s;
        }
    len[0] = h[0][0];
    len[1] = h[1][1];
    len[2] = h[2][2];
    double xy = h[0][1], xz = h[0][2], yz = h[1][2];
    double k = nearbyint(yz / len[1]); /* c -= k b */
    yz -= k * len[1];
    xz -= k * xy;
    xz -= nearbyint(xz / len[0]) * len[0]; /* c -= k a */
    xy -= nearbyint(xy / len[0]) * len[0]; /* b -= k a */
    tilt[0] = xy;
    tilt[1] = xz;
    tilt[2] = yz;
    return PEL_OK;
}

/* The comment line, the box and the columns of a frame. */
static int frame_header(pel_traj *tr, double lo[3], double len[3], double tilt[3], double rot[9], int *turned,
                        xyz_cols *c, pel_frame_info *info, pel_error *err)
{
    ssize_t k = getline(&tr->comment, &tr->comment_cap, tr->fp);
    if (k < 0)
        return pel_traj_fail(tr, err, "end of file before the comment line (torn frame)");
    tr->lineno++;
    if (k > PEL_TRAJ_MAX_LINE)
        return pel_traj_fail(tr, err, "line longer than %d characters", PEL_TRAJ_MAX_LINE);
    tr->comment[strcspn(tr->comment, "\r\n")] = '\0';
    char val[1024];
    double cell[9], origin[3] = {0, 0, 0};
    int rc;
    if (!kv_find(tr->comment, "Lattice", val, sizeof val))
        return pel_traj_fail(tr, err, "no Lattice=\"...\": a periodic cell is required");
    if ((rc = numbers(tr, "Lattice", val, 9, cell, err)))
        return rc;
    if (kv_find(tr->comment, "Origin", val, sizeof val) && (rc = numbers(tr, "Origin", val, 3, origin, err)))
        return rc;
    if (kv_find(tr->comment, "pbc", val, sizeof val)) {
        char a[4], b[4], d[4], e[2];
        if (sscanf(val, "%3s %3s %3s %1s", a, b, d, e) != 3 || strchr("TtFf", a[0]) == NULL)
            return pel_traj_fail(tr, err, "pbc must be three of T/F");
        if (strchr("Ff", a[0]) || strchr("Ff", b[0]) || strchr("Ff", d[0]))
            return pel_traj_fail(tr, err, "non-periodic cells are not supported (pbc=\"%s\")", val);
    }
    if (!kv_find(tr->comment, "Properties", val, sizeof val))
        snprintf(val, sizeof val, "species:S:1:pos:R:3");
    if ((rc = properties(tr, val, c, err)))
        return rc;
    if ((rc = restrict_cell(tr, cell, len, tilt, rot, turned, err)))
        return rc;
    for (int d = 0; d < 3; d++) {
        lo[d] = origin[d];
        if (!(len[d] > 0) || !isnormal(len[d]))
            return pel_traj_fail(tr, err, "cell edge %c = %g must be positive", 'a' + d, len[d]);
    }
    if (kv_find(tr->comment, "Time", val, sizeof val) && (rc = pel_traj_number(tr, val, &info->time_ps, err)))
        return rc;
    long step;
    if ((kv_find(tr->comment, "Step", val, sizeof val) || kv_find(tr->comment, "Timestep", val, sizeof val))) {
        if ((rc = pel_traj_integer(tr, val, &step, err)))
            return rc;
        info->step = step;
    }
    return PEL_OK;
}

int pel_extxyz_frame(pel_traj *tr, long n, pel_system **out, pel_frame_info *info, pel_error *err)
{
    double lo[3], len[3], tilt[3], rot[9];
    int turned = 0;
    xyz_cols c;
    int rc = pel_traj_check_count(tr, n, PEL_XYZ_MIN_ATOM_BYTES, err);
    if (rc || (rc = frame_header(tr, lo, len, tilt, rot, &turned, &c, info, err)))
        return rc;
    pel_system *s = NULL;
    if ((rc = pel_system_new(&s, (size_t)n, PEL_MAX_TYPES, err)))
        return rc;
    for (long i = 0; i < n; i++) {
        int more = pel_traj_line(tr, err);
        if (more <= 0) {
            rc = more < 0 ? more : pel_traj_fail(tr, err, "end of file after %ld of %ld atoms (torn frame)", i, n);
            goto fail;
        }
        if (tr->ntok != c.total) {
            rc = pel_traj_fail(tr, err, "%d columns, Properties name %d", tr->ntok, c.total);
            goto fail;
        }
        long id = i + 1;
        if (c.id >= 0 && (rc = pel_traj_integer(tr, tr->tok[c.id], &id, err)))
            goto fail;
        if (id < 1) {
            rc = pel_traj_fail(tr, err, "atom id %ld must be positive", id);
            goto fail;
        }
        s->id[i] = id;
        if ((rc = pel_traj_type_of(tr, tr->tok[c.species], &s->type[i], err)))
            goto fail;
        for (int d = 0; d < 3; d++)
            if ((rc = pel_traj_number(tr, tr->tok[c.pos + d], &s->x[3 * i + d], err)) ||
                (c.velo >= 0 && (rc = pel_traj_number(tr, tr->tok[c.velo + d], &s->v[3 * i + d], err))))
                goto fail;
        if (turned) { /* positions about the origin and velocities rotated with the cell */
            double *x = &s->x[3 * i], *v = &s->v[3 * i], r[3] = {x[0] - lo[0], x[1] - lo[1], x[2] - lo[2]},
                   u[3] = {v[0], v[1], v[2]};
            for (int d = 0; d < 3; d++) {
                x[d] = lo[d] + rot[3 * d] * r[0] + rot[3 * d + 1] * r[1] + rot[3 * d + 2] * r[2];
                v[d] = rot[3 * d] * u[0] + rot[3 * d + 1] * u[1] + rot[3 * d + 2] * u[2];
            }
        }
    }
    if (!tr->ntypes)
        tr->ntypes = tr->nnames;
    info->has_velocities = c.velo >= 0;
    return pel_traj_finish(tr, s, lo, len, tilt, info->has_velocities, out, err);
fail:
    pel_system_free(&s);
    return rc;
}

int pel_extxyz_write(const pel_system *sys, FILE *fp, unsigned cols, double energy, const char *comment,
                     pel_error *err)
{
    int velo = (cols & PEL_TRAJ_VELOCITIES) != 0;
    fprintf(fp, "%zu\nLattice=\"%.17g 0 0 %.17g %.17g 0 %.17g %.17g %.17g\" ", sys->n, sys->len[0], sys->tilt[0],
            sys->len[1], sys->tilt[1], sys->tilt[2], sys->len[2]);
    if (sys->lo[0] != 0 || sys->lo[1] != 0 || sys->lo[2] != 0)
        fprintf(fp, "Origin=\"%.17g %.17g %.17g\" ", sys->lo[0], sys->lo[1], sys->lo[2]);
    fprintf(fp, "Properties=species:S:1:pos:R:3%s", velo ? ":velo:R:3" : "");
    if (isfinite(energy))
        fprintf(fp, " energy=%.17g", energy);
    fprintf(fp, " pbc=\"T T T\"%s%s\n", comment ? " " : "", comment ? comment : "");
    for (size_t i = 0; i < sys->n; i++) {
        double x[3];
        int im[3];
        pel_system_wrapped(sys, i, x, im);
        const char *el = sys->elem[sys->type[i]];
        if (el[0])
            fprintf(fp, "%s", el);
        else
            fprintf(fp, "T%d", sys->type[i] + 1);
        fprintf(fp, " %.17g %.17g %.17g", x[0], x[1], x[2]);
        if (velo)
            fprintf(fp, " %.17g %.17g %.17g", sys->v[3 * i], sys->v[3 * i + 1], sys->v[3 * i + 2]);
        fputc('\n', fp);
    }
    if (fflush(fp) || ferror(fp))
        return pel_error_set(err, PEL_EIO, "error writing an extended XYZ frame: %s", strerror(errno));
    return PEL_OK;
}
