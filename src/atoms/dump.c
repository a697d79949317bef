/* dump.c - trajectory frames in and out: the reader shared by both formats
 * (lines, bounds, element table, id order) and LAMMPS dumps (dump custom with
 * id, type or element, x y z or xs ys zs or xu yu zu, ix iy iz, vx vy vz; other
 * columns are skipped).  Rules in docs/atoms.md. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atoms/traj_internal.h"
#include "pel/util.h"

/* Shortest dump atom line, "1 1 0 0 0\n", bounds a declared atom count. */
#define PEL_DUMP_MIN_ATOM_BYTES 10

int pel_traj_fail(const pel_traj *tr, pel_error *err, const char *fmt, ...)
{
    char msg[PEL_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return pel_error_set(err, PEL_EPARSE, "%s:%ld: %s", tr->path, tr->lineno, msg);
}

int pel_traj_line(pel_traj *tr, pel_error *err)
{
    ssize_t len = getline(&tr->line, &tr->cap, tr->fp);
    if (len < 0) {
        if (ferror(tr->fp))
            return pel_error_set(err, PEL_EIO, "error reading %s: %s", tr->path, strerror(errno));
        return 0;
    }
    tr->lineno++;
    if (len > PEL_TRAJ_MAX_LINE)
        return pel_traj_fail(tr, err, "line longer than %d characters", PEL_TRAJ_MAX_LINE);
    tr->ntok = 0;
    char *save = NULL;
    for (char *t = strtok_r(tr->line, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
        if (tr->ntok == PEL_TRAJ_MAX_TOK)
            return pel_traj_fail(tr, err, "more than %d columns", PEL_TRAJ_MAX_TOK);
        tr->tok[tr->ntok++] = t;
    }
    return 1;
}

int pel_traj_number(const pel_traj *tr, const char *tok, double *out, pel_error *err)
{
    char what[600];
    snprintf(what, sizeof what, "%s:%ld", tr->path, tr->lineno);
    return pel_parse_double(tok, what, out, err);
}

int pel_traj_integer(const pel_traj *tr, const char *tok, long *out, pel_error *err)
{
    char what[600];
    snprintf(what, sizeof what, "%s:%ld", tr->path, tr->lineno);
    return pel_parse_long(tok, what, out, err);
}

int pel_traj_check_count(pel_traj *tr, long n, long min_bytes, pel_error *err)
{
    if (n < 0)
        return pel_traj_fail(tr, err, "negative atom count %ld", n);
    if (tr->file_bytes >= 0) {
        long left = tr->file_bytes - ftell(tr->fp);
        if (n > left / min_bytes + 1)
            return pel_traj_fail(tr, err, "%ld atoms cannot fit in the %ld bytes left in the file", n, left);
    }
    return PEL_OK;
}

int pel_traj_type_of(pel_traj *tr, const char *el, int *type, pel_error *err)
{
    for (int k = 0; k < tr->nnames; k++)
        if (strcmp(tr->names[k], el) == 0) {
            *type = k;
            return PEL_OK;
        }
    if (tr->names_fixed)
        return pel_traj_fail(tr, err, "element %s is not in the element list", el);
    if (tr->frames > 0)
        return pel_traj_fail(tr, err, "element %s did not appear in the first frame", el);
    if (tr->nnames == PEL_MAX_TYPES || strlen(el) >= sizeof tr->names[0])
        return pel_traj_fail(tr, err, "element '%.16s': too many elements or name too long", el);
    strcpy(tr->names[tr->nnames], el);
    *type = tr->nnames++;
    return PEL_OK;
}

typedef struct id_at {
    int64_t id;
    size_t at;
} id_at;

static int cmp_id(const void *a, const void *b)
{
    const id_at *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

int pel_traj_finish(pel_traj *tr, pel_system *s, const double lo[3], const double len[3], const double tilt[3],
                    int has_velocities, pel_system **out, pel_error *err)
{
    pel_system *t = NULL;
    int rc = PEL_OK;
    s->ntypes = tr->ntypes > 0 ? tr->ntypes : 1;
    for (int d = 0; d < 3; d++) {
        s->lo[d] = lo[d];
        s->len[d] = len[d];
        s->tilt[d] = tilt ? tilt[d] : 0.0;
    }
    s->has_velocities = has_velocities;
    id_at *ord = malloc((s->n ? s->n : 1) * sizeof *ord);
    char where[600];
    snprintf(where, sizeof where, "%s: frame %ld", tr->path, tr->frames);
    if (!ord || (rc = pel_system_check_box(s, where, err)) || (rc = pel_system_clone(s, &t, err))) {
        rc = rc ? rc : pel_error_set(err, PEL_ENOMEM, "out of memory reading %s", tr->path);
        goto out;
    }
    for (size_t i = 0; i < s->n; i++)
        ord[i] = (id_at){s->id[i], i};
    qsort(ord, s->n, sizeof *ord, cmp_id);
    for (size_t k = 0; k < s->n; k++) {
        if (k > 0 && ord[k].id == ord[k - 1].id) {
            rc = pel_error_set(err, PEL_EPARSE, "%s: frame %ld: duplicate atom id %lld", tr->path, tr->frames,
                               (long long)ord[k].id);
            goto out;
        }
        size_t i = ord[k].at;
        s->id[k] = t->id[i];
        s->type[k] = t->type[i];
        memcpy(&s->x[3 * k], &t->x[3 * i], 3 * sizeof *s->x);
        memcpy(&s->v[3 * k], &t->v[3 * i], 3 * sizeof *s->v);
        memcpy(&s->image[3 * k], &t->image[3 * i], 3 * sizeof *s->image);
    }
    for (int k = 0; k < tr->nnames && k < s->ntypes; k++)
        strcpy(s->elem[k], tr->names[k]);
    /* The wrap counts box lengths in the int image flags (|flag| <= 1e9). */
    for (size_t i = 0; i < 3 * s->n; i++)
        if (!(fabs((s->x[i] - lo[i % 3]) / len[i % 3]) <= 1e9)) {
            rc = pel_error_set(err, PEL_EPARSE, "%s: frame %ld: atom %lld is more than 1e9 box lengths outside the box",
                               tr->path, tr->frames, (long long)s->id[i / 3]);
            goto out;
        }
    pel_system_wrap(s);
out:
    free(ord);
    pel_system_free(&t);
    if (rc)
        pel_system_free(&s);
    *out = s;
    return rc;
}

/* ------------------------------------------------------------------------
 * LAMMPS dump frames. */

enum { COL_ID, COL_TYPE, COL_ELEMENT, COL_X, COL_Y = COL_X + 1, COL_Z, COL_IX, COL_IY, COL_IZ, COL_VX, COL_VY,
       COL_VZ, NCOL };

/* Expect "ITEM: <what>" as the current line. */
static int want_item(pel_traj *tr, const char *what, pel_error *err)
{
    int more = pel_traj_line(tr, err);
    if (more < 0)
        return more;
    size_t n = strlen(what);
    /* The current line was tokenised in place; compare token by token. */
    char buf[128] = "";
    for (int k = 1, used = 0; k < tr->ntok && used < (int)sizeof buf - 1; k++)
        used += snprintf(buf + used, sizeof buf - (size_t)used, "%s%s", k > 1 ? " " : "", tr->tok[k]);
    if (!more || tr->ntok < 2 || strcmp(tr->tok[0], "ITEM:") != 0 || strncmp(buf, what, n) != 0)
        return pel_traj_fail(tr, err, more ? "expected 'ITEM: %s'" : "end of file, expected 'ITEM: %s'", what);
    return PEL_OK;
}

/* One number line of the dump header. */
static int header_numbers(pel_traj *tr, int count, double *v, pel_error *err)
{
    int more = pel_traj_line(tr, err);
    if (more < 0)
        return more;
    if (!more || tr->ntok < count)
        return pel_traj_fail(tr, err, "expected %d number%s", count, count > 1 ? "s" : "");
    for (int k = 0; k < count; k++) {
        int rc = pel_traj_number(tr, tr->tok[k], &v[k], err);
        if (rc)
            return rc;
    }
    return PEL_OK;
}

static int dump_frame(pel_traj *tr, pel_system **out, pel_frame_info *info, pel_error *err)
{
    int rc = PEL_OK;
    long step, n;
    /* Caller consumed "ITEM: TIMESTEP". */
    int more = pel_traj_line(tr, err);
    if (more < 0)
        return more;
    if (!more || tr->ntok != 1 || (rc = pel_traj_integer(tr, tr->tok[0], &step, err)))
        return more && tr->ntok == 1 ? rc : pel_traj_fail(tr, err, "expected the timestep");
    info->step = step;
    if ((rc = want_item(tr, "NUMBER OF ATOMS", err)))
        return rc;
    if ((more = pel_traj_line(tr, err)) < 0)
        return more;
    if (!more || tr->ntok != 1 || (rc = pel_traj_integer(tr, tr->tok[0], &n, err)))
        return more && tr->ntok == 1 ? rc : pel_traj_fail(tr, err, "expected the number of atoms");
    if ((rc = pel_traj_check_count(tr, n, PEL_DUMP_MIN_ATOM_BYTES, err)))
        return rc;
    if ((rc = want_item(tr, "BOX BOUNDS", err)))
        return rc;
    /* "BOX BOUNDS [xy xz yz] pp pp pp": a triclinic box is given by its
     * bounding box and the tilts (LAMMPS dump conventions). */
    int tri = tr->ntok == 9 && !strcmp(tr->tok[3], "xy") && !strcmp(tr->tok[4], "xz") && !strcmp(tr->tok[5], "yz");
    int p0 = tri ? 6 : 3;
    if (tr->ntok != p0 + 3 || strcmp(tr->tok[p0], "pp") || strcmp(tr->tok[p0 + 1], "pp") ||
        strcmp(tr->tok[p0 + 2], "pp"))
        return pel_traj_fail(tr, err, "only periodic boxes ('ITEM: BOX BOUNDS [xy xz yz] pp pp pp') are supported");
    double lo[3], len[3], tilt[3] = {0, 0, 0}, b[3][3];
    for (int d = 0; d < 3; d++)
        if ((rc = header_numbers(tr, tri ? 3 : 2, b[d], err)))
            return rc;
    if (tri) {
        double xy = b[0][2], xz = b[1][2], yz = b[2][2];
        b[0][0] -= fmin(fmin(0.0, xy), fmin(xz, xy + xz));
        b[0][1] -= fmax(fmax(0.0, xy), fmax(xz, xy + xz));
        b[1][0] -= fmin(0.0, yz);
        b[1][1] -= fmax(0.0, yz);
        tilt[0] = xy;
        tilt[1] = xz;
        tilt[2] = yz;
    }
    for (int d = 0; d < 3; d++) {
        lo[d] = b[d][0];
        len[d] = b[d][1] - b[d][0];
        if (!(len[d] > 0) || !isnormal(len[d]))
            return pel_traj_fail(tr, err, "box %clo >= %chi", 'x' + d, 'x' + d);
    }
    if ((rc = want_item(tr, "ATOMS", err)))
        return rc;
    int col[NCOL], scaled = 0, unwrapped = 0;
    for (int c = 0; c < NCOL; c++)
        col[c] = -1;
    static const char *const names[NCOL] = {"id", "type", "element", "x", "y", "z", "ix", "iy", "iz",
                                            "vx", "vy", "vz"};
    int ncols = tr->ntok - 2;
    for (int k = 2; k < tr->ntok; k++) {
        const char *w = tr->tok[k];
        for (int c = 0; c < NCOL; c++) {
            size_t wl = strlen(w);
            int pos = c >= COL_X && c <= COL_Z;
            if (strcmp(w, names[c]) == 0 ||
                (pos && wl == 2 && w[0] == names[c][0] && (w[1] == 's' || w[1] == 'u'))) {
                if (col[c] >= 0)
                    return pel_traj_fail(tr, err, "column %s given twice", w);
                col[c] = k - 2;
                if (pos && wl == 2) {
                    scaled |= w[1] == 's';
                    unwrapped |= w[1] == 'u';
                }
            }
        }
    }
    if (col[COL_X] < 0 || col[COL_Y] < 0 || col[COL_Z] < 0 || (col[COL_TYPE] < 0 && col[COL_ELEMENT] < 0))
        return pel_traj_fail(tr, err, "ATOMS needs type or element and x y z (or xs ys zs, xu yu zu)");
    if (scaled && unwrapped)
        return pel_traj_fail(tr, err, "mixed scaled and unwrapped coordinates");
    int hasv = col[COL_VX] >= 0 && col[COL_VY] >= 0 && col[COL_VZ] >= 0;
    int hasim = col[COL_IX] >= 0 && col[COL_IY] >= 0 && col[COL_IZ] >= 0;
    int ntypes = tr->ntypes ? tr->ntypes : (tr->names_fixed ? tr->nnames : 0);
    /* Types known only after the frame (dump `type` without a list): read
     * with the maximum and shrink. */
    pel_system *s = NULL;
    if ((rc = pel_system_new(&s, (size_t)n, PEL_MAX_TYPES, err)))
        return rc;
    int maxtype = 0;
    for (long i = 0; i < n; i++) {
        if ((more = pel_traj_line(tr, err)) < 0) {
            rc = more;
            goto fail;
        }
        if (!more) {
            rc = pel_traj_fail(tr, err, "end of file after %ld of %ld atoms (torn frame)", i, n);
            goto fail;
        }
        if (tr->ntok != ncols) {
            rc = pel_traj_fail(tr, err, "%d columns, the ATOMS line names %d", tr->ntok, ncols);
            goto fail;
        }
        long id = i + 1, t;
        if (col[COL_ID] >= 0 && (rc = pel_traj_integer(tr, tr->tok[col[COL_ID]], &id, err)))
            goto fail;
        if (id < 1) {
            rc = pel_traj_fail(tr, err, "atom id %ld must be positive", id);
            goto fail;
        }
        int type;
        if (col[COL_ELEMENT] >= 0) {
            if ((rc = pel_traj_type_of(tr, tr->tok[col[COL_ELEMENT]], &type, err)))
                goto fail;
        } else {
            if ((rc = pel_traj_integer(tr, tr->tok[col[COL_TYPE]], &t, err)))
                goto fail;
            long tmax = ntypes ? ntypes : PEL_MAX_TYPES;
            if (t < 1 || t > tmax) {
                rc = pel_traj_fail(tr, err, "atom type %ld outside 1..%ld", t, tmax);
                goto fail;
            }
            type = (int)t - 1;
        }
        maxtype = type + 1 > maxtype ? type + 1 : maxtype;
        s->id[i] = id;
        s->type[i] = type;
        for (int d = 0; d < 3; d++) {
            double x, v = 0;
            long im = 0;
            if ((rc = pel_traj_number(tr, tr->tok[col[COL_X + d]], &x, err)) ||
                (hasv && (rc = pel_traj_number(tr, tr->tok[col[COL_VX + d]], &v, err))) ||
                (hasim && (rc = pel_traj_integer(tr, tr->tok[col[COL_IX + d]], &im, err))))
                goto fail;
            if (im < -1000000000L || im > 1000000000L) {
                rc = pel_traj_fail(tr, err, "image flag %ld out of range", im);
                goto fail;
            }
            s->x[3 * i + d] = x; /* scaled: lamda, converted below */
            s->v[3 * i + d] = v;
            s->image[3 * i + d] = (int)im;
        }
    }
    if (!tr->ntypes)
        tr->ntypes = ntypes ? ntypes : (col[COL_ELEMENT] >= 0 ? tr->nnames : maxtype);
    if (maxtype > tr->ntypes) {
        rc = pel_traj_fail(tr, err, "atom type %d beyond the %d types of the first frame", maxtype, tr->ntypes);
        goto fail;
    }
    info->has_velocities = hasv;
    if (scaled) {
        pel_system box = {.lo = {lo[0], lo[1], lo[2]}, .len = {len[0], len[1], len[2]},
                          .tilt = {tilt[0], tilt[1], tilt[2]}};
        for (long i = 0; i < n; i++) {
            double t[3];
            pel_system_shift(&box, &s->x[3 * i], t);
            for (int d = 0; d < 3; d++)
                s->x[3 * i + d] = lo[d] + t[d];
        }
    }
    return pel_traj_finish(tr, s, lo, len, tilt, hasv, out, err);
fail:
    pel_system_free(&s);
    return rc;
}

/* ------------------------------------------------------------------------
 * Reader life cycle. */

static int parse_elements(pel_traj *tr, const char *elements, pel_error *err)
{
    const char *p = elements;
    while (*p) {
        size_t len = strcspn(p, ",");
        if (len == 0 || len >= sizeof tr->names[0] || tr->nnames == PEL_MAX_TYPES)
            return pel_error_set(err, PEL_EINVAL, "elements '%s': empty, too long or more than %d names", elements,
                                 PEL_MAX_TYPES);
        memcpy(tr->names[tr->nnames], p, len);
        tr->names[tr->nnames++][len] = '\0';
        p += len + (p[len] == ',');
    }
    tr->names_fixed = tr->nnames > 0;
    return PEL_OK;
}

int pel_traj_open(pel_traj **out, const char *path, const char *elements, pel_error *err)
{
    *out = NULL;
    pel_traj *tr = calloc(1, sizeof *tr);
    if (!tr || !(tr->path = strdup(path))) {
        free(tr);
        return pel_error_set(err, PEL_ENOMEM, "out of memory opening %s", path);
    }
    int rc = PEL_OK;
    if (elements && (rc = parse_elements(tr, elements, err)))
        goto fail;
    tr->fp = fopen(path, "r");
    if (!tr->fp) {
        rc = pel_error_set(err, PEL_EIO, "cannot open trajectory %s: %s", path, strerror(errno));
        goto fail;
    }
    struct stat st;
    tr->file_bytes = fstat(fileno(tr->fp), &st) == 0 && S_ISREG(st.st_mode) ? (long)st.st_size : -1;
    int c = fgetc(tr->fp);
    while (c == ' ' || c == '\t')
        c = fgetc(tr->fp);
    if (c == 'I')
        tr->fmt = PEL_TRAJ_DUMP;
    else if (isdigit(c))
        tr->fmt = PEL_TRAJ_EXTXYZ;
    else {
        rc = pel_error_set(err, PEL_EPARSE, "%s: neither a LAMMPS dump ('ITEM: TIMESTEP') nor extended XYZ", path);
        goto fail;
    }
    rewind(tr->fp);
    *out = tr;
    return PEL_OK;
fail:
    pel_traj_close(&tr);
    return rc;
}

void pel_traj_close(pel_traj **tr)
{
    if (!tr || !*tr)
        return;
    if ((*tr)->fp)
        fclose((*tr)->fp);
    free((*tr)->path);
    free((*tr)->line);
    free((*tr)->comment);
    free(*tr);
    *tr = NULL;
}

pel_traj_format pel_traj_format_of(const pel_traj *tr) { return tr->fmt; }

int pel_traj_next(pel_traj *tr, pel_system **sys, pel_frame_info *info, pel_error *err)
{
    *sys = NULL;
    *info = (pel_frame_info){.index = tr->frames, .step = -1, .time_ps = NAN};
    int more;
    do { /* blank lines between frames */
        if ((more = pel_traj_line(tr, err)) <= 0)
            return more;
    } while (tr->ntok == 0);
    int rc;
    if (tr->fmt == PEL_TRAJ_DUMP) {
        /* dump_modify units/time yes put "ITEM: UNITS" and "ITEM: TIME" first. */
        while (tr->ntok == 2 && !strcmp(tr->tok[0], "ITEM:") &&
               (!strcmp(tr->tok[1], "UNITS") || !strcmp(tr->tok[1], "TIME"))) {
            int is_time = !strcmp(tr->tok[1], "TIME");
            if ((more = pel_traj_line(tr, err)) < 0)
                return more;
            if (!more || tr->ntok != 1)
                return pel_traj_fail(tr, err, "expected one value after the ITEM line");
            if (is_time && (rc = pel_traj_number(tr, tr->tok[0], &info->time_ps, err)))
                return rc;
            if ((more = pel_traj_line(tr, err)) <= 0)
                return more < 0 ? more : pel_traj_fail(tr, err, "end of file in a frame header (torn frame)");
        }
        if (tr->ntok != 2 || strcmp(tr->tok[0], "ITEM:") || strcmp(tr->tok[1], "TIMESTEP"))
            return pel_traj_fail(tr, err, "expected 'ITEM: TIMESTEP'");
        rc = dump_frame(tr, sys, info, err);
    } else {
        long n;
        if (tr->ntok != 1 || (rc = pel_traj_integer(tr, tr->tok[0], &n, err)))
            return tr->ntok != 1 ? pel_traj_fail(tr, err, "expected the number of atoms of a frame") : rc;
        rc = pel_extxyz_frame(tr, n, sys, info, err);
    }
    if (!rc)
        tr->frames++;
    return rc;
}

/* ------------------------------------------------------------------------
 * Dump writer. */

int pel_dump_write(const pel_system *sys, FILE *fp, long step, unsigned cols, pel_error *err)
{
    if ((cols & PEL_TRAJ_ELEMENT))
        for (int t = 0; t < sys->ntypes; t++)
            if (!sys->elem[t][0])
                return pel_error_set(err, PEL_EINVAL, "dump with elements: atom type %d has no element name", t + 1);
    int tri = pel_system_triclinic(sys);
    fprintf(fp, "ITEM: TIMESTEP\n%ld\nITEM: NUMBER OF ATOMS\n%zu\nITEM: BOX BOUNDS %spp pp pp\n", step, sys->n,
            tri ? "xy xz yz " : "");
    if (tri) { /* LAMMPS writes the bounding box of the tilted cell */
        double xy = sys->tilt[0], xz = sys->tilt[1], yz = sys->tilt[2], hi[3];
        for (int d = 0; d < 3; d++)
            hi[d] = sys->lo[d] + sys->len[d];
        fprintf(fp, "%.17g %.17g %.17g\n", sys->lo[0] + fmin(fmin(0.0, xy), fmin(xz, xy + xz)),
                hi[0] + fmax(fmax(0.0, xy), fmax(xz, xy + xz)), xy);
        fprintf(fp, "%.17g %.17g %.17g\n", sys->lo[1] + fmin(0.0, yz), hi[1] + fmax(0.0, yz), xz);
        fprintf(fp, "%.17g %.17g %.17g\n", sys->lo[2], hi[2], yz);
    } else {
        for (int d = 0; d < 3; d++)
            fprintf(fp, "%.17g %.17g\n", sys->lo[d], sys->lo[d] + sys->len[d]);
    }
    int scaled = (cols & PEL_TRAJ_SCALED) != 0;
    fprintf(fp, "ITEM: ATOMS id %s %s", (cols & PEL_TRAJ_ELEMENT) ? "element" : "type",
            scaled ? "xs ys zs" : "x y z");
    fprintf(fp, "%s%s\n", (cols & PEL_TRAJ_IMAGES) ? " ix iy iz" : "", (cols & PEL_TRAJ_VELOCITIES) ? " vx vy vz" : "");
    for (size_t i = 0; i < sys->n; i++) {
        double x[3];
        int im[3];
        pel_system_wrapped(sys, i, x, im);
        fprintf(fp, "%lld ", (long long)sys->id[i]);
        if ((cols & PEL_TRAJ_ELEMENT))
            fprintf(fp, "%s", sys->elem[sys->type[i]]);
        else
            fprintf(fp, "%d", sys->type[i] + 1);
        double lam[3];
        pel_system_lamda(sys, x, lam);
        for (int d = 0; d < 3; d++)
            fprintf(fp, " %.17g", scaled ? lam[d] : x[d]);
        if ((cols & PEL_TRAJ_IMAGES))
            fprintf(fp, " %d %d %d", im[0], im[1], im[2]);
        if ((cols & PEL_TRAJ_VELOCITIES))
            fprintf(fp, " %.17g %.17g %.17g", sys->v[3 * i], sys->v[3 * i + 1], sys->v[3 * i + 2]);
        fputc('\n', fp);
    }
    if (fflush(fp) || ferror(fp))
        return pel_error_set(err, PEL_EIO, "error writing dump frame %ld: %s", step, strerror(errno));
    return PEL_OK;
}
