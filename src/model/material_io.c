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
    char kind;     /* material function it belongs to: 'W', 'm', 'S', or 0 */
    unsigned forms; /* bit f set: used by form f of that function */
} field;

#define ALL 0xffu
#define F(sec, k, kind, forms)                                                                                         \
    {                                                                                                                  \
        sec, #k, offsetof(pel_material, k), kind, forms                                                                \
    }
#define LOGI(f) (1u << (f))
static const field fields[] = {
    F("spectrum", eA, 0, ALL),
    F("spectrum", s, 0, ALL),
    F("spectrum", eR, 0, ALL),
    F("W", W_inf, 'W', LOGI(PEL_W_LOGISTIC)),
    F("W", W_top, 'W', LOGI(PEL_W_LOGISTIC)),
    F("W", W_0, 'W', LOGI(PEL_W_LINEAR)),
    F("W", W_slope, 'W', LOGI(PEL_W_LINEAR)),
    F("W", W_E0, 'W', ALL),
    F("W", W_dE, 'W', LOGI(PEL_W_LOGISTIC)),
    F("m", m_0, 'm', ALL),
    F("m", m_slope, 'm', LOGI(PEL_M_LINEAR)),
    F("m", m_amp, 'm', LOGI(PEL_M_LOGISTIC)),
    F("m", m_E0, 'm', ALL),
    F("m", m_dE, 'm', LOGI(PEL_M_LOGISTIC)),
    F("nu", nu0_per_s, 'S', ALL),
    F("nu", S_E, 'S', ALL),
    F("nu", S_E0, 'S', ALL),
    F("nu", S_T, 'S', ALL),
    F("nu", S_T0, 'S', ALL),
    F("nu", S_dT, 'S', LOGI(PEL_S_LOGISTIC)),
    F("range", E_lo, 0, ALL),
    F("range", E_hi, 0, ALL),
};
#undef F
#undef LOGI
#undef ALL
#define NFIELDS (sizeof fields / sizeof fields[0])

/* The three form-carrying sections, in the order of pel_material's forms. */
static const struct {
    const char *section;
    char kind;
} form_sections[3] = {{"W", 'W'}, {"m", 'm'}, {"nu", 'S'}};

static int form_of(const pel_material *m, char kind)
{
    return kind == 'W' ? (int)m->W_form : kind == 'm' ? (int)m->m_form : kind == 'S' ? (int)m->S_form : 0;
}

/* 1 if the chosen forms of m use field f. */
static int field_used(const pel_material *m, const field *f)
{
    return !f->kind || ((f->forms >> form_of(m, f->kind)) & 1u);
}

static double *field_ptr(pel_material *m, const field *f)
{
    return (double *)((char *)m + f->offset);
}

static double field_get(const pel_material *m, const field *f)
{
    return *(const double *)((const char *)m + f->offset);
}

size_t pel_material_nparams(void)
{
    return NFIELDS;
}

const char *pel_material_param_name(size_t i)
{
    return i < NFIELDS ? fields[i].key : NULL;
}

double *pel_material_param(pel_material *m, size_t i)
{
    return i < NFIELDS ? field_ptr(m, &fields[i]) : NULL;
}

int pel_material_param_used(const pel_material *m, size_t i)
{
    return i < NFIELDS && field_used(m, &fields[i]);
}

int pel_material_param_find(const char *name)
{
    for (size_t i = 0; name && i < NFIELDS; i++)
        if (!strcmp(name, fields[i].key))
            return (int)i;
    return -1;
}

/* State shared with the inih callback.  inih only reports the line of the
 * first failing handler call, so the handler keeps the first message and the
 * loader prefixes "path:line". */
typedef struct load_ctx {
    pel_material *mat;
    int have_name;
    unsigned char seen[NFIELDS];
    unsigned char seen_form[3];
    int form[3];
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
    if (!strcmp(section, "covariance"))
        return 1; /* read by pel_material_load_cov */
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
    for (int k = 0; k < 3; k++) {
        if (strcmp(section, form_sections[k].section) || strcmp(name, "form"))
            continue;
        if (c->seen_form[k])
            return fail_once(c, PEL_EPARSE, "duplicate key", section, name);
        pel_error ferr = {0};
        if (pel_material_form_parse(form_sections[k].kind, value, &c->form[k], &ferr) != PEL_OK) {
            if (!c->failed) {
                c->failed = 1;
                pel_error_set(&c->err, PEL_EPARSE, "[%s] form: %s", section, ferr.msg);
            }
            return 0;
        }
        c->seen_form[k] = 1;
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
    /* a missing form key means the historical default (0) of that function */
    m.W_form = (pel_W_form)c.form[0];
    m.m_form = (pel_m_form)c.form[1];
    m.S_form = (pel_S_form)c.form[2];
    for (size_t i = 0; i < NFIELDS; i++) {
        int used = field_used(&m, &fields[i]);
        if (used && !c.seen[i])
            return pel_error_set(err, PEL_EPARSE, "%s: missing key [%s] %s", path, fields[i].section, fields[i].key);
        if (!used && c.seen[i])
            return pel_error_set(err, PEL_EPARSE, "%s: key [%s] %s is not a parameter of form %s", path,
                                 fields[i].section, fields[i].key,
                                 pel_material_form_name(fields[i].kind, form_of(&m, fields[i].kind)));
    }
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

void pel_material_write(const pel_material *mat, FILE *fp)
{
    fprintf(fp, "# pel material (format: docs/material.md); E in eV/atom, energies in eV\n");
    fprintf(fp, "[material]\nname = %s\n", mat->name);
    const char *sec = "";
    for (size_t i = 0; i < NFIELDS; i++) {
        if (strcmp(sec, fields[i].section)) {
            sec = fields[i].section;
            fprintf(fp, "\n[%s]\n", sec);
            if (fields[i].kind)
                fprintf(fp, "form = %s\n", pel_material_form_name(fields[i].kind, form_of(mat, fields[i].kind)));
        }
        if (!field_used(mat, &fields[i]))
            continue;
        char num[32];
        shortest_g(field_get(mat, &fields[i]), num, sizeof num);
        fprintf(fp, "%s = %s\n", fields[i].key, num);
    }
}

int pel_material_save(const pel_material *mat, const char *path, pel_error *err)
{
    pel_afile af;
    int rc = pel_afile_open(&af, path, err);
    if (rc != PEL_OK)
        return rc;
    pel_material_write(mat, af.fp);
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
    R(m_slope, 0.0, 1), R(m_dE, 0.0, 0),      R(nu0_per_s, 0.0, 0), R(S_E, 0.0, 1), R(S_T, 0.0, 1),
    R(S_T0, 0.0, 0),    R(S_dT, 0.0, 0),
};
#undef R

/* The field entry of a struct offset (every rule names a field). */
static const field *field_at(size_t offset)
{
    for (size_t i = 0; i < NFIELDS; i++)
        if (fields[i].offset == offset)
            return &fields[i];
    return NULL;
}

int pel_material_check(const pel_material *mat, pel_error *err)
{
    if ((unsigned)mat->W_form >= PEL_W_NFORMS || (unsigned)mat->m_form >= PEL_M_NFORMS ||
        (unsigned)mat->S_form >= PEL_S_NFORMS)
        return pel_error_set(err, PEL_EINVAL, "material %s: unknown form code (W %d, m %d, S %d)", mat->name,
                             (int)mat->W_form, (int)mat->m_form, (int)mat->S_form);
    for (size_t i = 0; i < NFIELDS; i++)
        if (field_used(mat, &fields[i]) && !isfinite(field_get(mat, &fields[i])))
            return pel_error_set(err, PEL_EINVAL, "material %s: %s is not finite", mat->name, fields[i].key);
    static const char *op[] = {">", ">=", "<="};
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        const rule *r = &rules[i];
        const field *f = field_at(r->offset);
        if (f && !field_used(mat, f))
            continue;
        double v = *(const double *)((const char *)mat + r->offset);
        int ok = r->kind == 0 ? v > r->bound : r->kind == 1 ? v >= r->bound : v <= r->bound;
        if (!ok)
            return pel_error_set(err, PEL_EINVAL, "material %s: need %s %s %g (got %.17g)", mat->name, r->key,
                                 op[r->kind], r->bound, v);
    }
    if (mat->W_form == PEL_W_LOGISTIC && !(mat->W_inf <= mat->W_top))
        return pel_error_set(err, PEL_EINVAL, "material %s: need W_inf <= W_top (got %.17g > %.17g)", mat->name,
                             mat->W_inf, mat->W_top);
    if (!(mat->E_lo < mat->E_hi))
        return pel_error_set(err, PEL_EINVAL, "material %s: need E_lo < E_hi (got %.17g >= %.17g)", mat->name,
                             mat->E_lo, mat->E_hi);
    return PEL_OK;
}

/* ---- [covariance] ------------------------------------------------------ */

typedef struct cov_ctx {
    pel_material_cov *cov;
    int have_params;
    unsigned char row_seen[PEL_MATERIAL_COV_MAX];
    int failed;
    pel_error err;
} cov_ctx;

static int cov_fail(cov_ctx *c, const char *msg, const char *key)
{
    if (!c->failed) {
        c->failed = 1;
        pel_error_set(&c->err, PEL_EPARSE, "[covariance] %s: %s", key, msg);
    }
    return 0;
}

static int on_cov_key(void *user, const char *section, const char *name, const char *value)
{
    cov_ctx *c = user;
    if (c->failed || strcmp(section, "covariance"))
        return 1;
    char buf[2048];
    if (strlen(value) >= sizeof buf)
        return cov_fail(c, "line too long", name);
    strcpy(buf, value);
    char *save = NULL;
    if (!strcmp(name, "params")) {
        if (c->have_params)
            return cov_fail(c, "duplicate key", name);
        for (char *t = strtok_r(buf, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
            int i = pel_material_param_find(t);
            if (i < 0)
                return cov_fail(c, "unknown parameter", t);
            if (c->cov->n == PEL_MATERIAL_COV_MAX)
                return cov_fail(c, "too many parameters", name);
            c->cov->param[c->cov->n++] = i;
        }
        c->have_params = 1;
        return 1;
    }
    if (!c->have_params)
        return cov_fail(c, "row before `params`", name);
    size_t row = c->cov->n;
    for (size_t k = 0; k < c->cov->n; k++)
        if (!strcmp(name, fields[c->cov->param[k]].key))
            row = k;
    if (row == c->cov->n)
        return cov_fail(c, "not one of `params`", name);
    if (c->row_seen[row])
        return cov_fail(c, "duplicate key", name);
    size_t k = 0;
    for (char *t = strtok_r(buf, " \t", &save); t; t = strtok_r(NULL, " \t", &save), k++) {
        pel_error e = {0};
        if (k == c->cov->n || pel_parse_double(t, name, &c->cov->c[row * PEL_MATERIAL_COV_MAX + k], &e) != PEL_OK)
            return cov_fail(c, k == c->cov->n ? "too many values" : "malformed number", name);
    }
    if (k != c->cov->n)
        return cov_fail(c, "too few values", name);
    c->row_seen[row] = 1;
    return 1;
}

int pel_material_load_cov(const char *path, pel_material_cov *cov, pel_error *err)
{
    memset(cov, 0, sizeof *cov);
    cov_ctx c;
    memset(&c, 0, sizeof c);
    c.cov = cov;
    FILE *fp = fopen(path, "r");
    if (!fp)
        return pel_error_set(err, PEL_EIO, "cannot read material file %s", path);
    int line = ini_parse_file(fp, on_cov_key, &c);
    fclose(fp);
    if (line == -2)
        return pel_error_set(err, PEL_ENOMEM, "out of memory reading %s", path);
    if (c.failed)
        return pel_error_set(err, PEL_EPARSE, "%s:%d: %s", path, line, c.err.msg);
    if (line > 0)
        return pel_error_set(err, PEL_EPARSE, "%s:%d: malformed line", path, line);
    for (size_t k = 0; k < cov->n; k++) {
        if (!c.row_seen[k])
            return pel_error_set(err, PEL_EPARSE, "%s: [covariance] lacks the row %s", path,
                                 fields[cov->param[k]].key);
        for (size_t l = 0; l < k; l++) {
            double a = cov->c[k * PEL_MATERIAL_COV_MAX + l], b = cov->c[l * PEL_MATERIAL_COV_MAX + k];
            if (fabs(a - b) > 1e-9 * sqrt(fabs(cov->c[k * (PEL_MATERIAL_COV_MAX + 1)] * cov->c[l * (PEL_MATERIAL_COV_MAX + 1)])))
                return pel_error_set(err, PEL_EPARSE, "%s: [covariance] is not symmetric (%s, %s)", path,
                                     fields[cov->param[k]].key, fields[cov->param[l]].key);
        }
    }
    return PEL_OK;
}

void pel_material_write_cov(const pel_material_cov *cov, FILE *fp)
{
    fprintf(fp, "\n[covariance]\n# of the fitted parameters, natural units, rows in the order of `params`\nparams =");
    for (size_t k = 0; k < cov->n; k++)
        fprintf(fp, " %s", fields[cov->param[k]].key);
    fprintf(fp, "\n");
    for (size_t k = 0; k < cov->n; k++) {
        fprintf(fp, "%s =", fields[cov->param[k]].key);
        for (size_t l = 0; l < cov->n; l++)
            fprintf(fp, " %.17g", cov->c[k * PEL_MATERIAL_COV_MAX + l]);
        fprintf(fp, "\n");
    }
}
