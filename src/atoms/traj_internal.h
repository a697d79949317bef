/* traj_internal.h - the trajectory reader shared by dump.c (LAMMPS dumps,
 * and the format-independent parts) and extxyz.c.  Private to src/atoms. */
#ifndef PEL_TRAJ_INTERNAL_H
#define PEL_TRAJ_INTERNAL_H

#include <stdio.h>

#include "pel/traj.h"

#define PEL_TRAJ_MAX_LINE 4096 /* characters per line */
#define PEL_TRAJ_MAX_TOK 64    /* columns per atom line */

struct pel_traj {
    FILE *fp;
    char *path;
    pel_traj_format fmt;
    long file_bytes;                 /* size, -1 if not a regular file */
    char *line;                      /* current line (tokenised in place) */
    size_t cap;
    long lineno;
    char *tok[PEL_TRAJ_MAX_TOK];
    int ntok;
    char *comment;                   /* extxyz: copy of the current frame's line 2 */
    size_t comment_cap;
    long frames;                     /* frames read so far */
    int ntypes;                      /* fixed by the first frame (0 before) */
    int nnames;                      /* element names known (list or first appearance) */
    int names_fixed;                 /* names came from the `elements` list */
    char names[PEL_MAX_TYPES][8];
};

/* Next line, tokenised (whitespace); 1, 0 at EOF, <0 on error (err set). */
int pel_traj_line(pel_traj *tr, pel_error *err);
/* Error "path:line: ..." */
int pel_traj_fail(const pel_traj *tr, pel_error *err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Type index of element name `el` (new names added unless the list is fixed). */
int pel_traj_type_of(pel_traj *tr, const char *el, int *type, pel_error *err);
/* Declared atom count bounded by the rest of the file (min_bytes per atom). */
int pel_traj_check_count(pel_traj *tr, long n, long min_bytes, pel_error *err);
/* Complete a frame read into s: box (tilt: xy xz yz, NULL for none; checked
 * as a data file's), velocity flag, type count and names from
 * the reader's table; atoms sorted by id (duplicates rejected) and wrapped.
 * Takes ownership of s: *out = s on success, s freed and *out NULL on failure. */
int pel_traj_finish(pel_traj *tr, pel_system *s, const double lo[3], const double len[3], const double tilt[3],
                    int has_velocities, pel_system **out, pel_error *err);
int pel_traj_number(const pel_traj *tr, const char *tok, double *out, pel_error *err);
int pel_traj_integer(const pel_traj *tr, const char *tok, long *out, pel_error *err);

int pel_extxyz_frame(pel_traj *tr, long natoms, pel_system **out, pel_frame_info *info, pel_error *err);

#endif
