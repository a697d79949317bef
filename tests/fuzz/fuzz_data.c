/* fuzz_data.c - LAMMPS data files (pel_system_read_data). */
#include "fuzz_util.h"
#include "pel/system.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size, ".data");
    pel_system *sys = NULL;
    pel_error err = {0};
    int rc = pel_system_read_data(path, NULL, &sys, &err);
    FUZZ_CHECK_ERROR(rc, err);
    if (rc == PEL_OK && !sys)
        abort();
    pel_system_free(&sys);
    return 0;
}
