/* version.c - the library's own version (include/pel/version.h). */
#include "pel/version.h"

const char *pel_version(void)
{
    return PEL_VERSION_STRING;
}
