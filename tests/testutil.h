/* testutil.h - shared helpers for the cmocka tests. */
#ifndef PEL_TESTUTIL_H
#define PEL_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* Assert |a-b| <= atol + rtol*|b| with a message naming both values. */
#define assert_close(a, b, rtol, atol) pel_test_assert_close((a), (b), (rtol), (atol), #a, __FILE__, __LINE__)
void pel_test_assert_close(double a, double b, double rtol, double atol, const char *expr, const char *file, int line);

/* Path of a file in the source tree (static buffer per call site is not
 * thread-safe; tests are single-threaded here). */
const char *pel_test_src(const char *rel);

/* Run a shell command, return its exit status (or -1). */
int pel_test_sh(const char *cmd);

#endif
