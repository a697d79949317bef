/* fuzz_md_checkpoint.c - `pel md` checkpoints (pel_md_checkpoint_read).
 * The input is the payload: the harness frames it (fuzz_ck_file) and takes
 * the expected fingerprint from the payload itself so that it matches. */
#include "fuzz_util.h"
#include "pel/md.h"

#define FUZZ_NEXTRA 13 /* what `pel md` stores: steps done + 4 file identities */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_ck_file("PELMCHK1", NULL, 0, data, size);
    double fp[64] = {0};
    uint64_t nfp = 0;
    if (size >= 8)
        memcpy(&nfp, data, 8);
    if (nfp > 64 || 8 + nfp * 8 > size)
        nfp = 0;
    else
        memcpy(fp, data + 8, nfp * 8);
    pel_system *sys = NULL;
    pel_md_state st;
    int64_t extra[FUZZ_NEXTRA];
    pel_error err = {0};
    int rc = pel_md_checkpoint_read(path, fp, (size_t)nfp, &sys, &st, extra, FUZZ_NEXTRA, &err);
    FUZZ_CHECK_ERROR(rc, err);
    if (rc == PEL_OK && !sys)
        abort();
    pel_system_free(&sys);
    return 0;
}
