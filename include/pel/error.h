/* error.h - status codes and the per-call error record of libpel.
 *
 * Every fallible libpel function returns int: PEL_OK (0) on success, a negative
 * PEL_E* code on failure, and (when the caller passes a non-NULL pel_error)
 * fills the record with one line naming the input and the position at fault.
 * The library never prints and never exits; the CLI prints err.msg and exits
 * nonzero.  Positive codes are informational events (CVODE convention). */
#ifndef PEL_ERROR_H
#define PEL_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    PEL_OK = 0,
    PEL_EINVAL = -1,   /* argument out of range or inconsistent */
    PEL_ENOMEM = -2,   /* allocation failed */
    PEL_EIO = -3,      /* file cannot be opened, read or written */
    PEL_EPARSE = -4,   /* malformed text: number, file, protocol */
    PEL_ENOROOT = -5,  /* no solution exists (e.g. no equilibrium below T_c) */
    PEL_ENOCONV = -6,  /* iteration did not converge within its budget */
    PEL_ENUMERIC = -7, /* non-finite value met during a computation */
    PEL_EBLOWUP = -8,  /* simulation became unphysical (atoms lost, energy inf) */
    PEL_ENOTIMPL = -9, /* feature not available in this build */
    PEL_ESTATE = -10   /* object used in the wrong state (e.g. corrupt resume file) */
};

#define PEL_ERROR_MSG_MAX 512

typedef struct pel_error {
    int code;                    /* last code set, PEL_OK if none */
    char msg[PEL_ERROR_MSG_MAX]; /* one line, no trailing newline */
} pel_error;

/* Record a failure: formats msg into err (if err != NULL) and returns code,
 * so that call sites read `return pel_error_set(err, PEL_EINVAL, "...", ...);` */
int pel_error_set(pel_error *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Prefix the existing message with context ("reading foo.data: ...") and
 * return err->code (or `code` if err is NULL). */
int pel_error_wrap(pel_error *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Reset the record to PEL_OK with an empty message. */
void pel_error_clear(pel_error *err);

/* Short text for a code ("invalid argument", ...); never NULL. */
const char *pel_strerror(int code);

#ifdef __cplusplus
}
#endif

#endif
