/* fuzz_events.c - event files as `pel fit` reads them (pel_events_read):
 * pel art CSV catalogs and LAMMPS-ARTn log.event files. */
#include "fuzz_util.h"
#include "pel/fit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size, ".event");
    pel_events *ev = NULL;
    pel_error err = {0};
    int rc = pel_events_read(path, &ev, &err);
    FUZZ_CHECK_ERROR(rc, err);
    if (rc == PEL_OK) {
        double E;
        pel_error e2 = {0};
        FUZZ_CHECK_ERROR(pel_events_E_IS(ev, 0, 0, &E, &e2), e2);
    }
    pel_events_free(&ev);
    return 0;
}
