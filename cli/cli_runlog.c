/* cli_runlog.c - log.txt of resumable MD commands (cli_runlog.h). */
#include "cli_runlog.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int cli_runlog_open(cli_runlog *q, const char *cmd, const char *path, const char *progress_label)
{
    struct stat sb;
    memset(q, 0, sizeof *q);
    if (snprintf(q->path, sizeof q->path, "%s", path) >= (int)sizeof q->path)
        return cli_errorf(cmd, CLI_USAGE, "log path too long");
    q->fp = fopen(path, "a");
    if (!q->fp) return cli_errorf(cmd, CLI_FAIL, "cannot write %s: %s", path, strerror(errno));
    q->len0 = fstat(fileno(q->fp), &sb) == 0 ? (long long)sb.st_size : -1;
    cli_progress_init(&q->prog, progress_label, 60.0);
    return 0;
}

void cli_runlog_close(cli_runlog *q)
{
    cli_progress_end(&q->prog);
    if (q->fp) fclose(q->fp);
    q->fp = NULL;
}

void cli_runlog_line(cli_runlog *q, const char *fmt, ...)
{
    if (!q->fp) return;
    time_t now = time(NULL);
    char ts[32];
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    fprintf(q->fp, "%s ", ts);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(q->fp, fmt, ap);
    va_end(ap);
    fputc('\n', q->fp);
    fflush(q->fp);
}

int cli_runlog_progress(void *ctx, double done, double total, const char *note)
{
    cli_runlog *q = ctx;
    if (!q->started) {
        q->done0 = done; /* first call: where this invocation starts */
        q->started = 1;
        return 0;
    }
    /* a run short enough to show no progress line does not end with one either */
    if (done >= total && q->prog.last == q->prog.t0) return 0;
    return cli_progress_cb(&q->prog, done - q->done0, total - q->done0, note);
}

int cli_runlog_thermo(void *ctx, const pel_md_thermo *th)
{
    cli_runlog_line(ctx, "step %ld T_K %.2f Ttarget_K %.2f PE_eV %.6f Etot_eV %.6f P_bar %.1f V_A3 %.3f", th->step,
                    th->T, th->t_target, th->pe, th->etotal, th->p_bar, th->volume);
    return 0;
}

/* The log flushed to disk; its length goes into the checkpoint (fsync: the
 * checkpoint is fsynced and must not record more log than a crash leaves). */
int cli_runlog_mark(void *ctx, long step, uint64_t *mark, pel_error *err)
{
    cli_runlog *q = ctx;
    struct stat sb;
    (void)step;
    if (fflush(q->fp) != 0 || fsync(fileno(q->fp)) != 0 || fstat(fileno(q->fp), &sb) != 0)
        return pel_error_set(err, PEL_EIO, "cannot flush %s to disk: %s", q->path, strerror(errno));
    *mark = (uint64_t)sb.st_size;
    return PEL_OK;
}

void cli_runlog_where_segment(const cli_runlog *q, long step, char *buf, size_t size)
{
    size_t k = 0;
    while (k + 1 < q->nseg && step >= q->seg_start[k + 1])
        k++;
    snprintf(buf, size, "segment %zu step %ld", k + 1, q->nseg ? step - q->seg_start[k] : step);
}

int cli_runlog_resume(void *ctx, long step, const uint64_t *mark, pel_error *err)
{
    cli_runlog *q = ctx;
    char at[96] = "";
    if (q->where) {
        at[0] = ' ', at[1] = '(';
        q->where(q, step, at + 2, sizeof at - 3);
        strcat(at, ")");
    }
    if (!mark) {
        cli_runlog_line(q, "resumed from the checkpoint at MD step %ld%s; it records no log length: lines logged after "
                           "it may appear twice above", step, at);
        return PEL_OK;
    }
    if (q->len0 < 0 || (unsigned long long)q->len0 < *mark) {
        cli_runlog_line(q, "resumed from the checkpoint at MD step %ld%s; the log was shorter (%lld bytes) than at that "
                           "checkpoint (%llu bytes): not cut", step, at, q->len0, (unsigned long long)*mark);
        return PEL_OK;
    }
    if (fflush(q->fp) != 0 || ftruncate(fileno(q->fp), (off_t)*mark) != 0 || fseek(q->fp, 0, SEEK_END) != 0)
        return pel_error_set(err, PEL_EIO, "cannot cut %s back to the checkpoint: %s", q->path, strerror(errno));
    cli_runlog_line(q, "resume %s from the checkpoint at MD step %ld%s; the %lld bytes logged after it were cut", q->run,
                    step, at, q->len0 - (long long)*mark);
    return PEL_OK;
}
