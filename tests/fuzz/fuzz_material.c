/* fuzz_material.c - material INI files: pel_material_load, then the optional
 * [covariance] section of the same file (pel_material_load_cov: what `pel
 * calibrate` writes and `pel equilibrium` reads for its band of E_eq). */
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
    pel_material_cov cov;
    pel_error err2 = {0};
    rc = pel_material_load_cov(path, &cov, &err2);
    FUZZ_CHECK_ERROR(rc, err2);
    if (rc == PEL_OK && cov.n > PEL_MATERIAL_COV_MAX)
        abort();
    return 0;
}
