/* error.c - the single error path of libpel (see include/pel/error.h). */
#include "pel/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int pel_error_set(pel_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

int pel_error_wrap(pel_error *err, int code, const char *fmt, ...)
{
    if (!err)
        return code;
    char prefix[PEL_ERROR_MSG_MAX], old[PEL_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof old);
    /* Truncation is acceptable for an error line; build it piecewise so the
     * compiler can see each copy is bounded. */
    size_t n = strlen(prefix);
    if (n > sizeof err->msg - 3)
        n = sizeof err->msg - 3;
    memcpy(err->msg, prefix, n);
    memcpy(err->msg + n, ": ", 2);
    size_t room = sizeof err->msg - n - 3, m = strlen(old);
    if (m > room)
        m = room;
    memcpy(err->msg + n + 2, old, m);
    err->msg[n + 2 + m] = '\0';
    if (err->code == PEL_OK)
        err->code = code;
    return err->code;
}

void pel_error_clear(pel_error *err)
{
    if (err) {
        err->code = PEL_OK;
        err->msg[0] = '\0';
    }
}

const char *pel_strerror(int code)
{
    switch (code) {
    case PEL_OK: return "success";
    case PEL_EINVAL: return "invalid argument";
    case PEL_ENOMEM: return "out of memory";
    case PEL_EIO: return "input/output error";
    case PEL_EPARSE: return "parse error";
    case PEL_ENOROOT: return "no solution";
    case PEL_ENOCONV: return "did not converge";
    case PEL_ENUMERIC: return "non-finite value";
    case PEL_EBLOWUP: return "simulation blew up";
    case PEL_ENOTIMPL: return "not implemented";
    case PEL_ESTATE: return "invalid state";
    default: return code > 0 ? "event" : "unknown error";
    }
}
