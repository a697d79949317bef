/* fuzz_eam.c - EAM potential files (pel_eam_read): the first byte chooses
 * eam/fs or eam/alloy, the rest is the file. */
#include "fuzz_util.h"
#include "pel/eam.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *path = fuzz_file(data + 1, size - 1, ".eam");
    pel_eam *pot = NULL;
    pel_error err = {0};
    int rc = pel_eam_read(path, data[0] & 1 ? PEL_EAM_ALLOY : PEL_EAM_FS, &pot, &err);
    FUZZ_CHECK_ERROR(rc, err);
    pel_eam_free(&pot);
    return 0;
}
