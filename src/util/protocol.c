/* protocol.c - parser and formatter of the thermal-protocol grammar
 * (include/pel/protocol.h, full reference in docs/protocol.md).
 *
 * A hand-written recursive-descent scanner over one line: the grammar is
 * six keywords, numbers and optional unit suffixes, and every error must
 * name its 1-based column, which a generic tokenizer would not give us. */
#include "pel/protocol.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A unit suffix and the factor that converts it to the base unit. */
typedef struct unit {
    const char *name;
    double factor;
} unit;

static const unit units_T[] = {{"K", 1.0}, {NULL, 0.0}};
static const unit units_rate[] = {{"K/s", 1.0}, {NULL, 0.0}};
static const unit units_time[] = {{"s", 1.0}, {"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9}, {"ps", 1e-12}, {NULL, 0.0}};
static const unit units_E[] = {{"eV/atom", 1.0}, {"eV", 1.0}, {NULL, 0.0}};

typedef struct scanner {
    const char *s;
    size_t i;
    pel_error *err;
} scanner;

static size_t col(const scanner *sc)
{
    return sc->i + 1;
}

static void skip_blank(scanner *sc)
{
    while (sc->s[sc->i] && isspace((unsigned char)sc->s[sc->i]))
        sc->i++;
}

/* Read a lower- or upper-case word [A-Za-z]+ into buf (empty if none). */
static void read_word(scanner *sc, char *buf, size_t size)
{
    size_t n = 0;
    while (isalpha((unsigned char)sc->s[sc->i])) {
        if (n + 1 < size)
            buf[n++] = sc->s[sc->i];
        sc->i++;
    }
    buf[n] = '\0';
}

static int expect_char(scanner *sc, char c, const char *after)
{
    skip_blank(sc);
    if (sc->s[sc->i] != c)
        return pel_error_set(sc->err, PEL_EPARSE, "protocol column %zu: expected '%c' after %s", col(sc), c, after);
    sc->i++;
    return PEL_OK;
}

/* A number with an optional unit from `units` (longest match first in the
 * table); `what` names the quantity in messages.  *pos gets its column. */
static int read_quantity(scanner *sc, const unit *units, const char *what, double *out, size_t *pos)
{
    skip_blank(sc);
    *pos = col(sc);
    const char *p = sc->s + sc->i;
    if (!(isdigit((unsigned char)*p) || *p == '-' || *p == '+' || *p == '.'))
        return pel_error_set(sc->err, PEL_EPARSE, "protocol column %zu: expected %s (a number)", *pos, what);
    char *end;
    errno = 0;
    double v = strtod(p, &end);
    int range_err = errno == ERANGE;
    if (end == p)
        return pel_error_set(sc->err, PEL_EPARSE, "protocol column %zu: expected %s (a number)", *pos, what);
    if (!isfinite(v) || (range_err && fabs(v) > 1.0))
        return pel_error_set(sc->err, PEL_EPARSE, "protocol column %zu: %s is not a finite number", *pos, what);
    sc->i += (size_t)(end - p);
    size_t after_number = sc->i;
    skip_blank(sc);
    /* unit: letters and '/' */
    size_t u0 = sc->i;
    while (isalpha((unsigned char)sc->s[sc->i]) || sc->s[sc->i] == '/')
        sc->i++;
    size_t ulen = sc->i - u0;
    if (ulen > 0) {
        const unit *u = units;
        while (u->name && !(strlen(u->name) == ulen && !strncmp(u->name, sc->s + u0, ulen)))
            u++;
        if (!u->name && u0 > after_number) {
            /* "2000 cool": a separate word is not a unit; leave it for the
             * caller, which then reports what it expected here */
            sc->i = after_number;
        } else if (!u->name) {
            return pel_error_set(sc->err, PEL_EPARSE, "protocol column %zu: unknown unit '%.*s' for %s (expected %s)",
                                 u0 + 1, (int)ulen, sc->s + u0, what, units[0].name);
        } else {
            v *= u->factor;
        }
    }
    /* An underflowed number has lost its digits: 1e-320 K/s is no rate. */
    if ((range_err && fabs(v) <= 1.0) || (v != 0.0 && fabs(v) < DBL_MIN))
        return pel_error_set(sc->err, PEL_EINVAL, "protocol column %zu: %s %.3g is below the smallest normal double (%g)",
                             *pos, what, v, DBL_MIN);
    *out = v;
    return PEL_OK;
}

static int check_positive(scanner *sc, double v, size_t pos, const char *what, const char *unit_name)
{
    if (!(v > 0.0))
        return pel_error_set(sc->err, PEL_EINVAL, "protocol column %zu: %s must be > 0 %s (got %g)", pos, what,
                             unit_name, v);
    return PEL_OK;
}

static int parse_start(scanner *sc, pel_protocol *p)
{
    char w[16];
    size_t pos;
    skip_blank(sc);
    size_t wpos = col(sc);
    read_word(sc, w, sizeof w);
    int rc;
    if (!strcmp(w, "eq")) {
        p->start = PEL_START_EQUILIBRIUM;
    } else if (!strcmp(w, "E")) {
        p->start = PEL_START_ENERGY;
        if ((rc = expect_char(sc, '=', "'E'")) || (rc = read_quantity(sc, units_E, "the start energy", &p->E0, &pos)))
            return rc;
    } else {
        return pel_error_set(sc->err, PEL_EPARSE, "protocol column %zu: expected a start 'eq@<T>' or 'E=<eV>@<T>'",
                             wpos);
    }
    if ((rc = expect_char(sc, '@', p->start == PEL_START_EQUILIBRIUM ? "'eq'" : "the start energy")) ||
        (rc = read_quantity(sc, units_T, "the start temperature", &p->T0_K, &pos)) ||
        (rc = check_positive(sc, p->T0_K, pos, "temperature", "K")))
        return rc;
    return PEL_OK;
}

/* One segment starting at temperature T_now; fills *sg. */
static int parse_segment(scanner *sc, double T_now, pel_segment *sg)
{
    char w[16];
    size_t pos;
    int rc;
    skip_blank(sc);
    sg->text_pos = col(sc);
    read_word(sc, w, sizeof w);
    if (!strcmp(w, "hold")) {
        sg->kind = PEL_SEG_HOLD;
        sg->T_end_K = T_now;
        sg->rate_K_per_s = 0.0;
        if ((rc = read_quantity(sc, units_time, "the hold duration", &sg->duration_s, &pos)))
            return rc;
        if (!(sg->duration_s > 0.0))
            return pel_error_set(sc->err, PEL_EINVAL, "protocol column %zu: hold duration must be > 0 s (got %g)", pos,
                                 sg->duration_s);
        return PEL_OK;
    }
    int dir; /* required direction: 0 any, -1 down, +1 up */
    if (!strcmp(w, "ramp"))
        dir = 0;
    else if (!strcmp(w, "cool"))
        dir = -1;
    else if (!strcmp(w, "heat"))
        dir = 1;
    else
        return pel_error_set(sc->err, PEL_EPARSE,
                             "protocol column %zu: expected a segment 'ramp', 'cool', 'heat' or 'hold'", sg->text_pos);
    sg->kind = PEL_SEG_RAMP;
    size_t tpos, rpos;
    double rate;
    if ((rc = read_quantity(sc, units_T, "the target temperature", &sg->T_end_K, &tpos)) ||
        (rc = check_positive(sc, sg->T_end_K, tpos, "temperature", "K")) ||
        (rc = expect_char(sc, '@', "the target temperature")) ||
        (rc = read_quantity(sc, units_rate, "the rate", &rate, &rpos)) ||
        (rc = check_positive(sc, rate, rpos, "rate", "K/s")))
        return rc;
    double dT = sg->T_end_K - T_now;
    if (dT == 0.0)
        return pel_error_set(sc->err, PEL_EINVAL,
                             "protocol column %zu: ramp target %g K equals the current temperature", tpos, sg->T_end_K);
    if (dir * dT < 0.0)
        return pel_error_set(sc->err, PEL_EINVAL, "protocol column %zu: '%s' to %g K from %g K goes the wrong way",
                             tpos, w, sg->T_end_K, T_now);
    sg->rate_K_per_s = dT < 0.0 ? -rate : rate;
    sg->duration_s = fabs(dT) / rate;
    if (!isfinite(sg->duration_s))
        return pel_error_set(sc->err, PEL_EINVAL, "protocol column %zu: rate %g K/s is too slow: the ramp never ends",
                             rpos, rate);
    return PEL_OK;
}

static int push_segment(pel_protocol *p, size_t *cap, const pel_segment *sg, pel_error *err)
{
    if (p->nseg == *cap) {
        size_t nc = *cap ? 2 * *cap : 4;
        pel_segment *ns = realloc(p->seg, nc * sizeof *ns);
        if (!ns)
            return pel_error_set(err, PEL_ENOMEM, "out of memory parsing the protocol");
        p->seg = ns;
        *cap = nc;
    }
    p->seg[p->nseg++] = *sg;
    return PEL_OK;
}

int pel_protocol_parse(const char *text, pel_protocol *out, pel_error *err)
{
    memset(out, 0, sizeof *out);
    if (!text)
        return pel_error_set(err, PEL_EINVAL, "protocol: no text");
    scanner sc = {text, 0, err};
    size_t cap = 0;
    int rc = parse_start(&sc, out);
    double T_now = out->T0_K, t_total = 0.0;
    while (rc == PEL_OK) {
        skip_blank(&sc);
        if (!text[sc.i])
            break;
        if (text[sc.i] != ';') {
            rc = pel_error_set(err, PEL_EPARSE, "protocol column %zu: expected ';' or end of protocol", col(&sc));
            break;
        }
        sc.i++;
        pel_segment sg;
        if ((rc = parse_segment(&sc, T_now, &sg)) || (rc = push_segment(out, &cap, &sg, err)))
            break;
        T_now = sg.T_end_K;
        t_total += sg.duration_s;
        if (!isfinite(t_total)) {
            rc = pel_error_set(err, PEL_EINVAL, "protocol column %zu: the protocol's total time overflows", sg.text_pos);
            break;
        }
    }
    if (rc != PEL_OK)
        pel_protocol_clear(out);
    return rc;
}

void pel_protocol_clear(pel_protocol *p)
{
    if (!p)
        return;
    free(p->seg);
    memset(p, 0, sizeof *p);
}

/* Shortest %g text of v that reads back exactly ("1e+10", "2000", "-4.75"),
 * so the canonical form is both readable and lossless. */
static const char *shortest_g(double v, char *buf, size_t size)
{
    char cand[32];
    buf[0] = '\0';
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(cand, sizeof cand, "%.*g", prec, v);
        if (strtod(cand, NULL) == v && (!buf[0] || strlen(cand) < strlen(buf)))
            snprintf(buf, size, "%s", cand);
    }
    return buf;
}

int pel_protocol_format(const pel_protocol *p, char *buf, size_t size)
{
    char a[32], b[32];
    size_t n = 0;
    int k;
#define PEL_APPEND(...)                                                                                                \
    do {                                                                                                               \
        k = snprintf(buf + n, n < size ? size - n : 0, __VA_ARGS__);                                                   \
        if (k < 0)                                                                                                     \
            return PEL_EINVAL;                                                                                         \
        n += (size_t)k;                                                                                                \
    } while (0)
    if (size)
        buf[0] = '\0';
    if (p->start == PEL_START_EQUILIBRIUM)
        PEL_APPEND("eq@%sK", shortest_g(p->T0_K, a, sizeof a));
    else
        PEL_APPEND("E=%seV@%sK", shortest_g(p->E0, a, sizeof a), shortest_g(p->T0_K, b, sizeof b));
    for (size_t i = 0; i < p->nseg; i++) {
        const pel_segment *sg = &p->seg[i];
        if (sg->kind == PEL_SEG_HOLD)
            PEL_APPEND("; hold %ss", shortest_g(sg->duration_s, a, sizeof a));
        else
            PEL_APPEND("; %s %sK@%sK/s", sg->rate_K_per_s < 0 ? "cool" : "heat", shortest_g(sg->T_end_K, a, sizeof a),
                       shortest_g(fabs(sg->rate_K_per_s), b, sizeof b));
    }
#undef PEL_APPEND
    return n < size ? PEL_OK : PEL_EINVAL;
}
