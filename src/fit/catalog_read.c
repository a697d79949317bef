/* catalog_read.c - read the events of a saddle-search catalog for fitting
 * (include/pel/fit.h; formats in docs/fit.md):
 *   - this project's `pel art` CSV: optional `# key=value` comment lines, a
 *     header line naming the columns (status, EA_eV, ER_eV, E_initial_eV are
 *     looked up by name), one comma-separated row per search;
 *   - LAMMPS-ARTn `log.event` (Binxu-Stack/lammps-ARTn, min_artn.cpp): comment
 *     header `#Event del-E egv-sad ... Eref Emin ...`, whitespace-separated rows,
 *     one per converged saddle: E_A = del-E, E_initial = Eref,
 *     E_R = Eref + del-E - Emin (Emin: the minimum reached over the saddle).
 * A last line without its newline is a row torn by a killed writer: it is
 * ignored and flagged; any other malformed row is an error naming its line. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "pel/fit.h"

#define CAT_MAX_COLS 256
/* log.event prints Eref and Emin with 3 decimals: E_R may come out this far
 * below zero from rounding alone; such values are clamped to 0. */
#define ARTN_ROUNDING_EV 1e-3

typedef struct col_map {
    int n;            /* number of columns in the header */
    int status, EA, ER, E_initial, E_min; /* indices, -1 if absent */
    int E_IS;         /* optional companion column E_IS_eV_per_atom */
} col_map;

typedef struct reader {
    const char *path;
    pel_events *ev;
    size_t cap;
    int format; /* 0 until a header is seen */
    col_map cols;
} reader;

/* Split `line` in place at `sep` (',' for CSV) or at runs of blanks (sep 0). */
static int split(char *line, char sep, char **tok, int max)
{
    int n = 0;
    char *p = line;
    if (sep) {
        for (;;) {
            if (n == max)
                return max + 1;
            tok[n++] = p;
            char *c = strchr(p, sep);
            if (!c)
                break;
            *c = '\0';
            p = c + 1;
        }
        return n;
    }
    char *save = NULL;
    for (char *t = strtok_r(p, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
        if (n == max)
            return max + 1;
        tok[n++] = t;
    }
    return n;
}

static int find_col(char **names, int n, const char *name)
{
    for (int i = 0; i < n; i++) {
        const char *s = names[i];
        while (*s == ' ')
            s++;
        size_t len = strlen(s);
        while (len > 0 && s[len - 1] == ' ')
            len--;
        if (len == strlen(name) && !strncmp(s, name, len))
            return i;
    }
    return -1;
}

static int grow(reader *r, pel_error *err)
{
    pel_events *ev = r->ev;
    if (ev->n < r->cap)
        return PEL_OK;
    size_t cap = r->cap ? 2 * r->cap : 256;
    double **arr[3] = {&ev->EA, &ev->ER, &ev->E_initial};
    for (int k = 0; k < 3; k++) {
        double *p = realloc(*arr[k], cap * sizeof **arr[k]);
        if (!p)
            return pel_error_set(err, PEL_ENOMEM, "%s: out of memory at %zu events", r->path, ev->n);
        *arr[k] = p;
    }
    r->cap = cap;
    return PEL_OK;
}

/* `# key=value` comment before the header: sample metadata (docs/fit.md). */
static int parse_meta(reader *r, char *text, long lineno, pel_error *err)
{
    char *eq = strchr(text, '=');
    if (!eq)
        return PEL_OK;
    *eq = '\0';
    char *key = text;
    while (*key == ' ' || *key == '#')
        key++;
    size_t len = strlen(key);
    while (len > 0 && key[len - 1] == ' ')
        key[--len] = '\0';
    char what[64];
    snprintf(what, sizeof what, "line %ld", lineno);
    if (!strcmp(key, "E_IS_eV_per_atom")) {
        int rc = pel_parse_double(eq + 1, what, &r->ev->E_IS_eV_per_atom, err);
        return rc ? pel_error_wrap(err, rc, "%s", r->path) : PEL_OK;
    }
    if (!strcmp(key, "n_atoms")) {
        int rc = pel_parse_long(eq + 1, what, &r->ev->n_atoms, err);
        if (!rc && r->ev->n_atoms <= 0)
            rc = pel_error_set(err, PEL_EPARSE, "line %ld: n_atoms must be positive", lineno);
        return rc ? pel_error_wrap(err, rc, "%s", r->path) : PEL_OK;
    }
    return PEL_OK;
}

static int set_header(reader *r, char **names, int n, int format, long lineno, pel_error *err)
{
    col_map *c = &r->cols;
    c->n = n;
    if (format == PEL_EVENTS_PEL_CSV) {
        c->status = find_col(names, n, "status");
        c->EA = find_col(names, n, "EA_eV");
        c->ER = find_col(names, n, "ER_eV");
        c->E_initial = find_col(names, n, "E_initial_eV");
        c->E_IS = find_col(names, n, "E_IS_eV_per_atom");
        c->E_min = -1;
    } else {
        c->status = -1;
        c->EA = find_col(names, n, "del-E");
        c->E_initial = find_col(names, n, "Eref");
        c->E_min = find_col(names, n, "Emin");
        c->ER = -1;
        c->E_IS = -1;
    }
    if (c->EA < 0)
        return pel_error_set(err, PEL_EPARSE, "%s:%ld: header has no %s column", r->path, lineno,
                             format == PEL_EVENTS_PEL_CSV ? "EA_eV" : "del-E");
    if (r->format && r->format != format)
        return pel_error_set(err, PEL_EPARSE, "%s:%ld: second header of another format", r->path, lineno);
    r->format = format;
    r->ev->format = format;
    return PEL_OK;
}

static int parse_value(reader *r, char **tok, int col, long lineno, const char *name, double *out, pel_error *err)
{
    char what[128];
    snprintf(what, sizeof what, "%s:%ld: %s", r->path, lineno, name);
    return pel_parse_double(tok[col], what, out, err);
}

static int data_row(reader *r, char *line, long lineno, pel_error *err)
{
    char *tok[CAT_MAX_COLS];
    int sep = r->format == PEL_EVENTS_PEL_CSV ? ',' : 0;
    int n = split(line, (char)sep, tok, CAT_MAX_COLS);
    col_map *c = &r->cols;
    if (n != c->n)
        return pel_error_set(err, PEL_EPARSE, "%s:%ld: %d fields where the header has %d", r->path, lineno, n, c->n);
    r->ev->n_rows++;
    if (c->status >= 0) {
        const char *st = tok[c->status];
        while (*st == ' ')
            st++;
        if (strncmp(st, "converged", 9) || (st[9] && st[9] != ' ')) {
            r->ev->n_skipped++;
            return PEL_OK;
        }
    }
    int rc = grow(r, err);
    if (rc)
        return rc;
    double EA, ER = NAN, E0 = NAN, Emin;
    if ((rc = parse_value(r, tok, c->EA, lineno, "E_A", &EA, err)))
        return rc;
    if (EA < 0.0)
        return pel_error_set(err, PEL_EPARSE, "%s:%ld: negative E_A %g eV", r->path, lineno, EA);
    if (c->E_initial >= 0 && (rc = parse_value(r, tok, c->E_initial, lineno, "E_initial", &E0, err)))
        return rc;
    if (c->ER >= 0 && (rc = parse_value(r, tok, c->ER, lineno, "E_R", &ER, err)))
        return rc;
    if (c->E_min >= 0 && c->E_initial >= 0) {
        if ((rc = parse_value(r, tok, c->E_min, lineno, "Emin", &Emin, err)))
            return rc;
        ER = E0 + EA - Emin; /* saddle energy minus final minimum */
        if (ER < 0.0 && ER >= -ARTN_ROUNDING_EV)
            ER = 0.0;
    }
    if (ER < 0.0)
        return pel_error_set(err, PEL_EPARSE, "%s:%ld: negative E_R %g eV", r->path, lineno, ER);
    /* companion column: the sample's E_IS, taken from the first usable row
     * unless a `# E_IS_eV_per_atom=` comment already gave it */
    if (c->E_IS >= 0 && r->ev->n == 0 && !isfinite(r->ev->E_IS_eV_per_atom) &&
        (rc = parse_value(r, tok, c->E_IS, lineno, "E_IS_eV_per_atom", &r->ev->E_IS_eV_per_atom, err)))
        return rc;
    pel_events *ev = r->ev;
    ev->EA[ev->n] = EA;
    ev->ER[ev->n] = ER;
    ev->E_initial[ev->n] = E0;
    ev->n++;
    return PEL_OK;
}

static int handle_line(reader *r, char *line, long lineno, pel_error *err)
{
    char *p = line;
    while (*p == ' ' || *p == '\t')
        p++;
    if (!*p)
        return PEL_OK;
    if (*p == '#') {
        /* "#Event   del-E ..." (possibly "# Event"): the log.event header */
        char *q = p + 1;
        while (*q == ' ')
            q++;
        if (!strncmp(q, "Event", 5) && (q[5] == ' ' || q[5] == '\t')) {
            char *names[CAT_MAX_COLS];
            int n = split(q, 0, names, CAT_MAX_COLS);
            if (n > CAT_MAX_COLS)
                return pel_error_set(err, PEL_EPARSE, "%s:%ld: more than %d columns", r->path, lineno, CAT_MAX_COLS);
            return set_header(r, names, n, PEL_EVENTS_ARTN_LOG, lineno, err);
        }
        return r->format ? PEL_OK : parse_meta(r, p + 1, lineno, err);
    }
    if (!r->format) {
        char *names[CAT_MAX_COLS];
        int n = split(p, ',', names, CAT_MAX_COLS);
        if (n > CAT_MAX_COLS)
            return pel_error_set(err, PEL_EPARSE, "%s:%ld: more than %d columns", r->path, lineno, CAT_MAX_COLS);
        if (find_col(names, n, "EA_eV") < 0)
            return pel_error_set(err, PEL_EPARSE,
                                 "%s:%ld: not an event catalog (no EA_eV column, no LAMMPS-ARTn '#Event' header)",
                                 r->path, lineno);
        return set_header(r, names, n, PEL_EVENTS_PEL_CSV, lineno, err);
    }
    return data_row(r, p, lineno, err);
}

int pel_events_read(const char *path, pel_events **out, pel_error *err)
{
    *out = NULL;
    FILE *fp = fopen(path, "r");
    if (!fp)
        return pel_error_set(err, PEL_EIO, "cannot open %s: %s", path, strerror(errno));
    pel_events *ev = calloc(1, sizeof *ev);
    if (!ev) {
        fclose(fp);
        return pel_error_set(err, PEL_ENOMEM, "out of memory reading %s", path);
    }
    ev->E_IS_eV_per_atom = NAN;
    reader r = {.path = path, .ev = ev};
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    int rc = PEL_OK;
    ssize_t len;
    errno = 0;
    while (rc == PEL_OK && (len = getline(&line, &cap, fp)) >= 0) {
        lineno++;
        int terminated = len > 0 && line[len - 1] == '\n';
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (!terminated && r.format && len > 0 && line[0] != '#') {
            ev->torn_last_line = 1; /* row being written when the writer died */
            break;
        }
        rc = handle_line(&r, line, lineno, err);
    }
    if (rc == PEL_OK && ferror(fp))
        rc = pel_error_set(err, PEL_EIO, "%s: read error: %s", path, strerror(errno));
    if (rc == PEL_OK && !r.format)
        rc = pel_error_set(err, PEL_EPARSE, "%s: empty or header-only file (no column header found)", path);
    if (rc == PEL_OK && ev->n == 0)
        rc = pel_error_set(err, PEL_EINVAL, "%s: no usable (converged) events in %zu rows", path, ev->n_rows);
    free(line);
    fclose(fp);
    if (rc == PEL_OK) {
        /* drop columns the file does not have */
        if (r.cols.ER < 0 && !(r.cols.E_min >= 0 && r.cols.E_initial >= 0)) {
            free(ev->ER);
            ev->ER = NULL;
        }
        if (r.cols.E_initial < 0) {
            free(ev->E_initial);
            ev->E_initial = NULL;
        }
        *out = ev;
    } else {
        pel_events_free(&ev);
    }
    return rc;
}

void pel_events_free(pel_events **ev)
{
    if (!ev || !*ev)
        return;
    free((*ev)->EA);
    free((*ev)->ER);
    free((*ev)->E_initial);
    free(*ev);
    *ev = NULL;
}

int pel_events_E_IS(const pel_events *ev, long n_atoms_override, int force_from_initial, double *E_IS,
                    pel_error *err)
{
    if (!force_from_initial && isfinite(ev->E_IS_eV_per_atom)) {
        *E_IS = ev->E_IS_eV_per_atom;
        return PEL_OK;
    }
    long N = n_atoms_override > 0 ? n_atoms_override : ev->n_atoms;
    if (N <= 0)
        return pel_error_set(err, PEL_EINVAL,
                             "IS energy unknown: no '# E_IS_eV_per_atom=' comment and no atom count (--atoms N)");
    if (!ev->E_initial || ev->n == 0)
        return pel_error_set(err, PEL_EINVAL, "IS energy unknown: the catalog has no initial-energy column");
    /* all searches of one sample start from the same minimum: the first row's */
    *E_IS = ev->E_initial[0] / (double)N;
    return PEL_OK;
}
