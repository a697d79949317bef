/* protocol.h - thermal protocols (docs/theory.md §5): a start state followed by linear
 * temperature ramps at a rate and isothermal holds.
 *
 * Text grammar (one line; segments separated by ';', blanks ignored, units
 * optional but checked when given; full reference in docs/protocol.md):
 *   protocol := start { ';' segment }
 *   start    := 'eq' '@' T              equilibrium E = E_eq(T) at T
 *             | 'E=' energy '@' T        given E (eV/atom) at T
 *   segment  := 'ramp' T '@' rate        linear ramp to T at |rate| K/s
 *             | 'cool' T '@' rate        ramp that must go down
 *             | 'heat' T '@' rate        ramp that must go up
 *             | 'hold' duration          isothermal hold, seconds
 *   T: number [K] (> 0); rate: number [K/s] (> 0, the direction comes
 *   from the target); duration: number [s|ms|us|ns|ps] (> 0);
 *   energy: number [eV|eV/atom]
 * Example (paper Fig. 4, cooling then heating at 1e10 K/s):
 *   "eq@2000K; cool 300K@1e10K/s; heat 2000K@1e10K/s"
 * Truncated scan (Fig. 5):
 *   "eq@2000K; cool 300K@1e10K/s; heat 950K@1e12K/s; cool 300K@1e12K/s" */
#ifndef PEL_PROTOCOL_H
#define PEL_PROTOCOL_H

#include <stddef.h>

#include "pel/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { PEL_START_EQUILIBRIUM = 0, PEL_START_ENERGY = 1 } pel_start_kind;
typedef enum { PEL_SEG_RAMP = 0, PEL_SEG_HOLD = 1 } pel_segment_kind;

typedef struct pel_segment {
    pel_segment_kind kind;
    double T_end_K;       /* ramp target (hold: the current T) */
    double rate_K_per_s;  /* ramp: signed rate, negative when cooling; hold: 0 */
    double duration_s;    /* hold: its length; ramp: |T_end - T_start| / |rate| */
    size_t text_pos;      /* 1-based column of the segment in the protocol text */
} pel_segment;

typedef struct pel_protocol {
    pel_start_kind start;
    double T0_K;          /* starting temperature */
    double E0;            /* starting E (eV/atom) for PEL_START_ENERGY */
    size_t nseg;
    pel_segment *seg;     /* owned; free with pel_protocol_clear */
} pel_protocol;

/* Parse `text`.  On error PEL_EPARSE (syntax) or PEL_EINVAL (out-of-range
 * values: T <= 0, rate <= 0, duration <= 0, a cool that goes up, a heat that
 * goes down, a ramp to the current T), the message starting "protocol column
 * <n>: " with the 1-based column; *out is then empty.  Free with
 * pel_protocol_clear. */
int pel_protocol_parse(const char *text, pel_protocol *out, pel_error *err);
void pel_protocol_clear(pel_protocol *p);
/* Canonical text form: shortest exact numbers, units spelled out, ramps as
 * cool/heat; parses back to the identical protocol.  PEL_EINVAL (and a
 * truncated, terminated buf) if it does not fit in `size`. */
int pel_protocol_format(const pel_protocol *p, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif
