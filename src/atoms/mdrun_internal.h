/* mdrun_internal.h - pieces of mdrun.c shared with its checkpoint file code
 * (mdrun_checkpoint.c).  Not a public header. */
#ifndef PEL_MDRUN_INTERNAL_H
#define PEL_MDRUN_INTERNAL_H

#include "pel/mdrun.h"

/* Start temperature of segment s (the protocol's T0 for s = 0). */
double pel_mdrun_seg_T0(const pel_protocol *pr, size_t s);

/* Write the complete run state atomically (temp file + rename), tied to the
 * force engine (pot: the EAM potential, NULL with another engine), with the
 * caller's mark (pel_mdrun_hooks.mark) when mark != NULL. */
int pel_mdrun_checkpoint_write(const char *path, const pel_mdrun_params *p, const pel_eam *pot, const pel_system *sys,
                               size_t seg, const pel_md_state *st, const pel_mdrun_result *res, const uint64_t *mark,
                               pel_error *err);
/* Read it back; PEL_ESTATE when the file is corrupt or was written for other
 * parameters or another force engine (pot: the EAM potential of the run,
 * NULL with another engine).  Rows go into res->rows (capacity cap); *has_mark = 0 when the
 * checkpoint holds no mark. */
int pel_mdrun_checkpoint_read(const char *path, const pel_mdrun_params *p, const pel_eam *pot, pel_system **sys,
                              size_t *seg, pel_md_state *st, pel_mdrun_result *res, size_t cap, int *has_mark,
                              uint64_t *mark, pel_error *err);

#endif
