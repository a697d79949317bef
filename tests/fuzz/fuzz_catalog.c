/* fuzz_catalog.c - ART event catalogs as `pel art --resume` reads them
 * (pel_catalog_read, then pel_catalog_recover on the same bytes). */
#include "fuzz_util.h"
#include "pel/catalog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size, ".csv");
    pel_catalog *cat = NULL;
    pel_error err = {0};
    int rc = pel_catalog_read(path, &cat, &err);
    FUZZ_CHECK_ERROR(rc, err);
    pel_catalog_free(&cat);
    int truncated = 0;
    pel_error err2 = {0};
    rc = pel_catalog_recover(path, NULL, &cat, &truncated, &err2);
    FUZZ_CHECK_ERROR(rc, err2);
    pel_catalog_free(&cat);
    return 0;
}
