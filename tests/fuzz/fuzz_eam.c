/* fuzz_eam.c - EAM potential files (pel_eam_read): the first byte modulo 3
 * chooses the format (0 eam/fs, 1 eam/alloy, 2 funcfl), the rest is the file.
 * (pel_eam_read_auto only picks one of these from the file name.) */
#include "fuzz_util.h"
#include "pel/eam.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const pel_eam_format fmt[3] = {PEL_EAM_FS, PEL_EAM_ALLOY, PEL_EAM_FUNCFL};
    const char *path = fuzz_file(data + 1, size - 1, ".eam");
    pel_eam *pot = NULL;
    pel_error err = {0};
    int rc = pel_eam_read(path, fmt[data[0] % 3], &pot, &err);
    FUZZ_CHECK_ERROR(rc, err);
    pel_eam_free(&pot);
    return 0;
}
