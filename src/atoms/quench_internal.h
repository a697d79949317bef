/* quench_internal.h - pieces of quench.c shared with its checkpoint file
 * code (quench_checkpoint.c).  Not a public header. */
#ifndef PEL_QUENCH_INTERNAL_H
#define PEL_QUENCH_INTERNAL_H

#include "pel/quench.h"

enum { QUENCH_PHASE_EQUIL = 0, QUENCH_PHASE_COOL = 1, QUENCH_PHASE_DONE = 2 };

/* Write the complete run state atomically (temp file + rename), with the
 * caller's mark (pel_quench_hooks.mark) when mark != NULL. */
int pel_quench_checkpoint_write(const char *path, const pel_quench_params *p, const pel_system *sys, int phase,
                                const pel_md_state *st, const pel_quench_result *res, const uint64_t *mark,
                                pel_error *err);
/* Read it back; fails with PEL_ESTATE when the file is corrupt or was
 * written for other parameters.  rows go into res->rows (capacity cap);
 * *has_mark = 0 when the checkpoint holds no mark (none was given, or the
 * file has format 1), else *mark is the one written. */
int pel_quench_checkpoint_read(const char *path, const pel_quench_params *p, pel_system **sys, int *phase,
                               pel_md_state *st, pel_quench_result *res, size_t cap, int *has_mark, uint64_t *mark,
                               pel_error *err);

#endif
