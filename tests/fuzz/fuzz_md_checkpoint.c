/* fuzz_md_checkpoint.c - `pel md` checkpoints (pel_md_checkpoint_read).
 * The input is the payload: the harness frames it (magic, length, FNV-1a
 * hash, as src/atoms/ckfile.h describes) so that mutations reach the payload
 * parser instead of stopping at the hash, and takes the expected fingerprint
 * from the payload itself so that it matches. */
#include "fuzz_util.h"
#include "pel/md.h"

#define FUZZ_NEXTRA 13 /* what `pel md` stores: steps done + 4 file identities */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t len = size, h = 1469598103934665603ULL;
    for (size_t i = 0; i < size; i++) {
        h ^= data[i];
        h *= 1099511628211ULL;
    }
    uint8_t *file = malloc(size + 24);
    if (!file)
        abort();
    memcpy(file, "PELMCHK1", 8);
    memcpy(file + 8, &len, 8);
    memcpy(file + 16, data, size);
    memcpy(file + 16 + size, &h, 8);
    const char *path = fuzz_file(file, size + 24, ".ck");
    free(file);

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
