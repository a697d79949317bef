/* fuzz_traj.c - trajectories people bring (pel_traj_open / pel_traj_next /
 * pel_traj_info_double): LAMMPS dumps and extended XYZ, format from the first
 * line.  The first input byte chooses the element list (even: none, odd:
 * "Cu,Zr"), the rest is the file; every frame is read up to a bound. */
#include "fuzz_util.h"
#include "pel/traj.h"

#define FUZZ_MAX_FRAMES 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *path = fuzz_file(data + 1, size - 1, ".traj");
    pel_traj *tr = NULL;
    pel_error err = {0};
    int rc = pel_traj_open(&tr, path, data[0] & 1 ? "Cu,Zr" : NULL, &err);
    FUZZ_CHECK_ERROR(rc, err);
    for (int f = 0; rc == PEL_OK && f < FUZZ_MAX_FRAMES; f++) {
        pel_system *sys = NULL;
        pel_frame_info info;
        rc = pel_traj_next(tr, &sys, &info, &err);
        FUZZ_CHECK_ERROR(rc, err);
        if (rc != PEL_OK || !sys)
            break;
        double e;
        int got = pel_traj_info_double(tr, "energy", &e, &err);
        FUZZ_CHECK_ERROR(got < 0 ? got : 0, err);
        pel_system_free(&sys);
    }
    pel_traj_close(&tr);
    return 0;
}
