/* cli_runlog.h - the log.txt of a resumable MD command (`pel md --protocol`,
 * `pel isotherm`): timestamped lines; each checkpoint records the log's
 * length (mark hook) and a resume cuts the log back to it (resume hook), so
 * a killed and resumed run logs every line exactly once. */
#ifndef PEL_CLI_RUNLOG_H
#define PEL_CLI_RUNLOG_H

#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "pel/error.h"
#include "pel/md.h"

typedef struct cli_runlog cli_runlog;
struct cli_runlog {
    FILE *fp;
    char path[4096];
    char run[512];  /* what the start/resume line says */
    long long len0; /* length of the log when this invocation opened it */
    cli_progress prog;
    double done0;   /* steps done before this invocation (resume) */
    int started;
    /* Optional: where global MD step `step` lies, for the resume line (e.g.
     * "cooling step 7900"); NULL leaves it out. */
    void (*where)(const cli_runlog *q, long step, char *buf, size_t size);
    const long *seg_start; /* for `where`: first global step of each segment */
    size_t nseg;
};

/* A `where` for protocol runs: "segment k step s" (k 1-based). */
void cli_runlog_where_segment(const cli_runlog *q, long step, char *buf, size_t size);

/* Open (append) path; returns nonzero after a one-line error. */
int cli_runlog_open(cli_runlog *q, const char *cmd, const char *path, const char *progress_label);
void cli_runlog_close(cli_runlog *q);
void cli_runlog_line(cli_runlog *q, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Hooks (ctx = cli_runlog *). */
int cli_runlog_progress(void *ctx, double done, double total, const char *note);
int cli_runlog_thermo(void *ctx, const pel_md_thermo *th);
int cli_runlog_mark(void *ctx, long step, uint64_t *mark, pel_error *err);
int cli_runlog_resume(void *ctx, long step, const uint64_t *mark, pel_error *err);

#endif
