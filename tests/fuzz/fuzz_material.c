/* fuzz_material.c - material INI files (pel_material_load). */
#include "fuzz_util.h"
#include "pel/material.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size, ".ini");
    pel_material mat;
    pel_error err = {0};
    int rc = pel_material_load(path, &mat, &err);
    FUZZ_CHECK_ERROR(rc, err);
    if (rc == PEL_OK && pel_material_check(&mat, &err) != PEL_OK)
        abort(); /* a loaded material is a valid one */
    return 0;
}
