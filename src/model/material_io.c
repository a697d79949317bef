/* material_io.c - a material as a small INI file (format in docs/material.md):
 * load (libinih), save, resolve a preset name or a path, range checks.
 *
 * One table lists every numeric key with its section and struct offset, so
 * that load, save, the missing-key check and the range checks cannot drift
 * apart when a parameter is added. */
#include <ini.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pel/material.h"
#include "pel/util.h"

typedef struct field {
    const char *section;
    const char *key;
    size_t offset; /* of the double inside pel_material */
} field;

#define F(sec, k)                                                                                                      \
    {                                                                                                                  \
        sec, #k, offsetof(pel_material, k)                                                                             \
    }
static const field fields[] = {
    F("spectrum", eA), F("spectrum", s), F("spectrum", eR), F("W", W_inf),    F("W", W_top),      F("W", W_E0),
    F("W", W_dE),      F("m", m_0),      F("m", m_slope),   F("m", m_E0),     F("nu", nu0_per_s), F("nu", S_E),
    F("nu", S_E0),     F("nu", S_T),     F("nu", S_T0),     F("range", E_lo), F("range", E_hi),
};
#undef F
#define NFIELDS (sizeof fields / sizeof fields[0])

static double *field_ptr(pel_material *m, const field *f)
{
    return (double *)((char *)m + f->offset);
}

static double field_get(const pel_material *m, const field *f)
{
    return *(const double *)((const char *)m + f->offset);
}

/* State shared with the inih callback.  inih only reports the line of the
 * first failing handler call, so the handler keeps the first message and the
 * loader prefixes "path:line". */
typedef struct load_ctx {
    pel_material *mat;
    int have_name;
    unsigned char seen[NFIELDS];
    int failed;
    pel_error err; /* first failure, without the line */
} load_ctx;

static int fail_once(load_ctx *c, int code, const char *msg, const char *section, const char *key)
{
    if (!c->failed) {
        c->failed = 1;
        pel_error_set(&c->err, code, "%s [%s] %s", msg, section, key);
    }
    return 0; /* inih: handler error */
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
    load_ctx *c = user;
    if (c->failed)
        return 1; /* keep only the first error */
    if (!strcmp(section, "material")) {
        if (strcmp(name, "name"))
            return fail_once(c, PEL_EPARSE, "unknown key", section, name);
        if (c->have_name)
            return fail_once(c, PEL_EPARSE, "duplicate key", section, name);
        if (strlen(value) >= sizeof c->mat->name || !*value)
            return fail_once(c, PEL_EPARSE, "name empty or longer than 63 characters:", section, name);
        strcpy(c->mat->name, value);
        c->have_name = 1;
        return 1;
    }
    int known_section = 0;
    for (size_t i = 0; i < NFIELDS; i++) {
        if (strcmp(section, fields[i].section))
            continue;
        known_section = 1;
        if (strcmp(name, fields[i].key))
            continue;
        if (c->seen[i])
            return fail_once(c, PEL_EPARSE, "duplicate key", section, name);
        pel_error perr = {0};
        if (pel_parse_double(value, name, field_ptr(c->mat, &fields[i]), &perr) != PEL_OK) {
            if (!c->failed) {
                c->failed = 1;
                pel_error_set(&c->err, PEL_EPARSE, "[%s] %s", section, perr.msg);
            }
            return 0;
        }
        c->seen[i] = 1;
        return 1;
    }
    return fail_once(c, PEL_EPARSE, known_section ? "unknown key" : "unknown section", section, name);
}

int pel_material_load(const char *path, pel_material *out, pel_error *err)
{
    pel_material m;
    memset(&m, 0, sizeof m);
    load_ctx c;
    memset(&c, 0, sizeof c);
    c.mat = &m;
    FILE *fp = fopen(path, "r");
    if (!fp)
        return pel_error_set(err, PEL_EIO, "cannot read material file %s", path);
    int line = ini_parse_file(fp, on_key, &c);
    fclose(fp);
    if (line == -2)
        return pel_error_set(err, PEL_ENOMEM, "out of memory reading %s", path);
    if (line > 0) {
        if (!c.failed) /* a syntax error inih found itself (e.g. no '=') */
            return pel_error_set(err, PEL_EPARSE, "%s:%d: malformed line (expected 'key = value' or '[section]')", path,
                                 line);
        return pel_error_set(err, PEL_EPARSE, "%s:%d: %s", path, line, c.err.msg);
    }
    if (!c.have_name)
        return pel_error_set(err, PEL_EPARSE, "%s: missing key [material] name", path);
    for (size_t i = 0; i < NFIELDS; i++)
        if (!c.seen[i])
            return pel_error_set(err, PEL_EPARSE, "%s: missing key [%s] %s", path, fields[i].section, fields[i].key);
    int rc = pel_material_check(&m, err);
    if (rc != PEL_OK)
        return pel_error_wrap(err, rc, "%s", path);
    *out = m;
    return PEL_OK;
}

/* Shortest %g text of v that reads back exactly ("2e+13", "-4.65"). */
static void shortest_g(double v, char *buf, size_t size)
{
    char cand[32];
    buf[0] = '\0';
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(cand, sizeof cand, "%.*g", prec, v);
        if (strtod(cand, NULL) == v && (!buf[0] || strlen(cand) < strlen(buf)))
            snprintf(buf, size, "%s", cand);
    }
}

int pel_material_save(const pel_material *mat, const char *path, pel_error *err)
{
    pel_afile af;
    int rc = pel_afile_open(&af, path, err);
    if (rc != PEL_OK)
        return rc;
    fprintf(af.fp, "# pel material (format: docs/material.md); E in eV/atom, energies in eV\n");
    fprintf(af.fp, "[material]\nname = %s\n", mat->name);
    const char *sec = "";
    for (size_t i = 0; i < NFIELDS; i++) {
        if (strcmp(sec, fields[i].section)) {
            sec = fields[i].section;
            fprintf(af.fp, "\n[%s]\n", sec);
        }
        char num[32];
        shortest_g(field_get(mat, &fields[i]), num, sizeof num);
        fprintf(af.fp, "%s = %s\n", fields[i].key, num);
    }
    return pel_afile_commit(&af, err);
}

int pel_material_resolve(const char *name_or_path, pel_material *out, pel_error *err)
{
    if (!name_or_path || !*name_or_path)
        return pel_error_set(err, PEL_EINVAL, "no material given");
    if (strchr(name_or_path, '/') || strchr(name_or_path, '.'))
        return pel_material_load(name_or_path, out, err);
    return pel_material_preset(name_or_path, out, err);
}

/* One range rule: the named field must satisfy lo <= v (or lo < v when
 * strict) ; upper bounds are separate rules. */
typedef struct rule {
    const char *key;
    size_t offset;
    double bound;
    int kind; /* 0: v > bound, 1: v >= bound, 2: v <= bound */
} rule;

#define R(k, b, kind)                                                                                                  \
    {                                                                                                                  \
#k, offsetof(pel_material, k), b, kind                                                                         \
    }
static const rule rules[] = {
    R(eA, 0.0, 0),      R(s, 0.0, 0),         R(eR, 0.0, 0),  R(W_inf, 0.0, 1), R(W_top, 1.0, 2), R(W_dE, 0.0, 0),
    R(m_slope, 0.0, 1), R(nu0_per_s, 0.0, 0), R(S_E, 0.0, 1), R(S_T, 0.0, 1),   R(S_T0, 0.0, 0),
};
#undef R

int pel_material_check(const pel_material *mat, pel_error *err)
{
    for (size_t i = 0; i < NFIELDS; i++)
        if (!isfinite(field_get(mat, &fields[i])))
            return pel_error_set(err, PEL_EINVAL, "material %s: %s is not finite", mat->name, fields[i].key);
    static const char *op[] = {">", ">=", "<="};
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        const rule *r = &rules[i];
        double v = *(const double *)((const char *)mat + r->offset);
        int ok = r->kind == 0 ? v > r->bound : r->kind == 1 ? v >= r->bound : v <= r->bound;
        if (!ok)
            return pel_error_set(err, PEL_EINVAL, "material %s: need %s %s %g (got %.17g)", mat->name, r->key,
                                 op[r->kind], r->bound, v);
    }
    if (!(mat->W_inf <= mat->W_top))
        return pel_error_set(err, PEL_EINVAL, "material %s: need W_inf <= W_top (got %.17g > %.17g)", mat->name,
                             mat->W_inf, mat->W_top);
    if (!(mat->E_lo < mat->E_hi))
        return pel_error_set(err, PEL_EINVAL, "material %s: need E_lo < E_hi (got %.17g >= %.17g)", mat->name,
                             mat->E_lo, mat->E_hi);
    return PEL_OK;
}
