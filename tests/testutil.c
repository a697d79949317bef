/* testutil.c - shared helpers for the cmocka tests. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

void pel_test_assert_close(double a, double b, double rtol, double atol, const char *expr, const char *file, int line)
{
    double tol = atol + rtol * fabs(b);
    if (!(fabs(a - b) <= tol)) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s = %.17g, expected %.17g (|diff| %.3g > tol %.3g)", expr, a, b, fabs(a - b), tol);
        print_error("%s\n", msg);
        _fail(file, line);
    }
}

const char *pel_test_src(const char *rel)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", PEL_SOURCE_DIR, rel);
    return buf;
}

int pel_test_sh(const char *cmd)
{
    int st = system(cmd);
    if (st == -1 || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}
