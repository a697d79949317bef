/* md_checkpoint.c - the checkpoint file of `pel md` (include/pel/md.h).
 *
 * Payload (framing in ckfile.h): u64 nfp, nfp doubles (fingerprint),
 * pel_md_state (raw struct), the system (ck_put_system), u64 nextra,
 * nextra i64. */
#include <string.h>

#include "ckfile.h"
#include "pel/md.h"

#define MD_CK_MAGIC "PELMCHK1"

int pel_md_checkpoint_write(const char *path, const double *fp, size_t nfp, const pel_system *sys,
                            const pel_md_state *st, const int64_t *extra, size_t nextra, pel_error *err)
{
    ck_buf b = {0};
    uint64_t k = nfp, ne = nextra;
    ck_put(&b, &k, sizeof k);
    ck_put(&b, fp, nfp * sizeof *fp);
    ck_put(&b, st, sizeof *st);
    ck_put_system(&b, sys);
    ck_put(&b, &ne, sizeof ne);
    ck_put(&b, extra, nextra * sizeof *extra);
    int rc = ck_write_file(path, MD_CK_MAGIC, &b, err);
    ck_free(&b);
    return rc;
}

int pel_md_checkpoint_read(const char *path, const double *fp, size_t nfp, pel_system **sys, pel_md_state *st,
                           int64_t *extra, size_t nextra, pel_error *err)
{
    *sys = NULL;
    ck_buf b;
    int rc = ck_read_file(path, MD_CK_MAGIC, &b, err);
    if (rc)
        return rc;
    uint64_t k, ne;
    int same = 1;
    if (ck_get(&b, &k, sizeof k) || k != nfp)
        goto corrupt;
    for (size_t i = 0; i < nfp; i++) {
        double d;
        if (ck_get(&b, &d, sizeof d))
            goto corrupt;
        same &= memcmp(&d, &fp[i], sizeof d) == 0;
    }
    if (!same) {
        rc = pel_error_set(err, PEL_ESTATE,
                           "checkpoint %s was written by a run with other options (ensemble, temperatures, "
                           "steps, time step, output intervals...): resume with the same options",
                           path);
        goto out;
    }
    if (ck_get(&b, st, sizeof *st))
        goto corrupt;
    if ((rc = ck_get_system(&b, 0, sys, err)) == PEL_ESTATE)
        goto corrupt;
    if (rc)
        goto out;
    if (ck_get(&b, &ne, sizeof ne))
        goto corrupt;
    if (ne != nextra && ne < 64 && b.len - b.pos == ne * sizeof *extra) {
        rc = pel_error_set(err, PEL_ESTATE, "checkpoint %s was written by another version of pel (%llu run records, "
                           "expected %zu): start the run afresh", path, (unsigned long long)ne, nextra);
        goto out;
    }
    if (ne != nextra || ck_get(&b, extra, nextra * sizeof *extra) || b.pos != b.len)
        goto corrupt;
    rc = PEL_OK;
    goto out;
corrupt:
    rc = pel_error_set(err, PEL_ESTATE, "checkpoint %s is corrupt or truncated", path);
out:
    if (rc)
        pel_system_free(sys);
    ck_free(&b);
    return rc;
}
