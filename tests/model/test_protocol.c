/* test_protocol.c - the protocol grammar (include/pel/protocol.h,
 * docs/protocol.md): the paper's protocols parse to the segments written by
 * hand below, the canonical form round-trips, and every syntax and range
 * error class reports its 1-based column. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pel/protocol.h"
#include "testutil.h"

/* ---------------------------------------------------------------- good input */

typedef struct seg_want {
    pel_segment_kind kind;
    double T_end, rate, duration;
    size_t col;
} seg_want;

typedef struct good_case {
    const char *text;
    pel_start_kind start;
    double T0, E0;
    size_t nseg;
    seg_want seg[4];
} good_case;

static const good_case good[] = {
    /* docs/theory.md §5 cooling curve from equilibrium at 2000 K */
    {"eq@2000K; cool 100K@1e10K/s", PEL_START_EQUILIBRIUM, 2000, 0, 1, {{PEL_SEG_RAMP, 100, -1e10, 1.9e-7, 11}}},
    /* Fig. 4: cooling then heating at 1e10 K/s */
    {"eq@2000K; cool 300K@1e10K/s; heat 2000K@1e10K/s",
     PEL_START_EQUILIBRIUM,
     2000,
     0,
     2,
     {{PEL_SEG_RAMP, 300, -1e10, 1.7e-7, 11}, {PEL_SEG_RAMP, 2000, 1e10, 1.7e-7, 30}}},
    /* Fig. 5: truncated scan, units omitted, blanks anywhere */
    {" eq @ 2000 ; cool 300 @ 1e10 ; heat 900 @ 1e12;cool 300@1e12",
     PEL_START_EQUILIBRIUM,
     2000,
     0,
     3,
     {{PEL_SEG_RAMP, 300, -1e10, 1.7e-7, 14},
      {PEL_SEG_RAMP, 900, 1e12, 6e-10, 32},
      {PEL_SEG_RAMP, 300, -1e12, 6e-10, 48}}},
    /* given start energy, ramp either way, holds with time units */
    {"E=-4.75eV/atom@300K; ramp 500K@1e11K/s; hold 2ms; ramp 400K@50; hold 3ns",
     PEL_START_ENERGY,
     300,
     -4.75,
     4,
     {{PEL_SEG_RAMP, 500, 1e11, 2e-9, 22},
      {PEL_SEG_HOLD, 500, 0, 2e-3, 41},
      {PEL_SEG_RAMP, 400, -50, 2.0, 51},
      {PEL_SEG_HOLD, 400, 0, 3e-9, 65}}},
    {"E=-4.7@800", PEL_START_ENERGY, 800, -4.7, 0, {{0}}},
};

static void check_good(const good_case *g, const pel_protocol *p)
{
    assert_int_equal(p->start, g->start);
    assert_close(p->T0_K, g->T0, 0, 0);
    if (g->start == PEL_START_ENERGY)
        assert_close(p->E0, g->E0, 0, 0);
    assert_int_equal(p->nseg, g->nseg);
    for (size_t i = 0; i < g->nseg; i++) {
        assert_int_equal(p->seg[i].kind, g->seg[i].kind);
        assert_close(p->seg[i].T_end_K, g->seg[i].T_end, 0, 0);
        assert_close(p->seg[i].rate_K_per_s, g->seg[i].rate, 0, 0);
        /* duration = |dT| / rate: a division, so one rounding */
        assert_close(p->seg[i].duration_s, g->seg[i].duration, 1e-15, 0);
        assert_int_equal(p->seg[i].text_pos, g->seg[i].col);
    }
}

static void test_good(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof good / sizeof good[0]; k++) {
        pel_protocol p;
        pel_error err = {0};
        int rc = pel_protocol_parse(good[k].text, &p, &err);
        if (rc != PEL_OK)
            print_error("case %zu '%s': %s\n", k, good[k].text, err.msg);
        assert_int_equal(rc, PEL_OK);
        check_good(&good[k], &p);
        /* canonical form parses back to the same protocol */
        char buf[1024];
        assert_int_equal(pel_protocol_format(&p, buf, sizeof buf), PEL_OK);
        pel_protocol q;
        assert_int_equal(pel_protocol_parse(buf, &q, &err), PEL_OK);
        assert_int_equal(q.nseg, p.nseg);
        assert_true(q.T0_K == p.T0_K && q.start == p.start && (q.start != PEL_START_ENERGY || q.E0 == p.E0));
        for (size_t i = 0; i < p.nseg; i++) {
            assert_true(q.seg[i].kind == p.seg[i].kind && q.seg[i].T_end_K == p.seg[i].T_end_K &&
                        q.seg[i].rate_K_per_s == p.seg[i].rate_K_per_s);
            if (p.seg[i].kind == PEL_SEG_HOLD)
                assert_true(q.seg[i].duration_s == p.seg[i].duration_s);
        }
        pel_protocol_clear(&q);
        pel_protocol_clear(&p);
        assert_null(p.seg);
    }
}

static void test_format_small_buffer(void **state)
{
    (void)state;
    pel_protocol p;
    assert_int_equal(pel_protocol_parse("eq@2000; cool 300@1e10", &p, NULL), PEL_OK);
    char buf[8];
    assert_int_not_equal(pel_protocol_format(&p, buf, sizeof buf), PEL_OK);
    assert_true(strlen(buf) < sizeof buf);
    pel_protocol_clear(&p);
}

/* ---------------------------------------------------------------- bad input */

typedef struct bad_case {
    const char *text;
    int code;
    size_t col;       /* column the message must name */
    const char *word; /* a word the message must contain */
} bad_case;

static const bad_case bad[] = {
    {"", PEL_EPARSE, 1, "start"},
    {"start@2000", PEL_EPARSE, 1, "start"},
    {"eq 2000", PEL_EPARSE, 4, "'@'"},
    {"eq@", PEL_EPARSE, 4, "number"},
    {"eq@abc", PEL_EPARSE, 4, "number"},
    {"eq@2000X", PEL_EPARSE, 8, "unit"},
    {"eq@0K", PEL_EINVAL, 4, "> 0"},
    {"eq@-5", PEL_EINVAL, 4, "> 0"},
    {"eq@1e999", PEL_EPARSE, 4, "finite"},
    {"E-4.7@300", PEL_EPARSE, 2, "'='"},
    {"E=@300", PEL_EPARSE, 3, "number"},
    {"eq@2000 cool 300@1e10", PEL_EPARSE, 9, "';'"},
    {"eq@2000;", PEL_EPARSE, 9, "segment"},
    {"eq@2000;; cool 300@1e10", PEL_EPARSE, 9, "segment"},
    {"eq@2000; warm 300@1e10", PEL_EPARSE, 10, "segment"},
    {"eq@2000; cool 300", PEL_EPARSE, 18, "'@'"},
    {"eq@2000; cool 300@", PEL_EPARSE, 19, "rate"},
    {"eq@2000; cool 300@-1e10", PEL_EINVAL, 19, "rate"},
    {"eq@2000; cool 300@0", PEL_EINVAL, 19, "rate"},
    {"eq@2000; cool 300@1e10K", PEL_EPARSE, 23, "unit"},
    {"eq@2000; cool 300K/s@1e10", PEL_EPARSE, 18, "unit"},
    {"eq@2000; cool 0@1e10", PEL_EINVAL, 15, "> 0"},
    {"eq@2000; cool 2500@1e10", PEL_EINVAL, 15, "wrong way"},
    {"eq@2000; heat 300@1e10", PEL_EINVAL, 15, "wrong way"},
    {"eq@2000; ramp 2000@1e10", PEL_EINVAL, 15, "equals"},
    {"eq@2000; hold", PEL_EPARSE, 14, "duration"},
    {"eq@2000; hold -1s", PEL_EINVAL, 15, "duration"},
    {"eq@2000; hold 1h", PEL_EPARSE, 16, "unit"},
    {"eq@2000; cool 300@1e10; heat 900@1e12 x", PEL_EPARSE, 39, "';'"},
};

static void test_bad(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        pel_protocol p;
        pel_error err = {0};
        int rc = pel_protocol_parse(bad[k].text, &p, &err);
        char colstr[32];
        snprintf(colstr, sizeof colstr, "column %zu:", bad[k].col);
        if (rc != bad[k].code || !strstr(err.msg, colstr) || !strstr(err.msg, bad[k].word))
            print_error("case %zu '%s': rc %d, message '%s' (want %d, '%s', '%s')\n", k, bad[k].text, rc, err.msg,
                        bad[k].code, colstr, bad[k].word);
        assert_int_equal(rc, bad[k].code);
        assert_non_null(strstr(err.msg, colstr));
        assert_non_null(strstr(err.msg, bad[k].word));
        /* nothing is left allocated on failure */
        assert_null(p.seg);
        assert_int_equal(p.nseg, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_format_small_buffer),
        cmocka_unit_test(test_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
