/* fuzz_mdrun_checkpoint.c - checkpoints of `pel md --protocol` and `pel
 * quench` (pel_mdrun_checkpoint_read, src/atoms/mdrun_checkpoint.c).  The
 * harness runs with fixed parameters (64-atom Cu-Zr liquid, a four-segment
 * protocol, no EAM tables: the engine entry of a non-EAM run).  First byte even: the rest is the payload after the parameter
 * fingerprint, which the harness puts in front (taken from a checkpoint it
 * writes once), so that mutations reach the segment, state, system, rows and
 * mark; odd: the rest is the whole payload.  Either way the harness frames it
 * (fuzz_ck_file) so the hash never stops a mutation. */
#include "fuzz_util.h"
#include "../../src/atoms/mdrun_internal.h"

#define FUZZ_CAP 64 /* table rows the caller has room for */

static pel_protocol proto;
static pel_mdrun_params params;
static uint8_t *fp_prefix; /* u32 k + k doubles, as the writer puts them */
static size_t fp_len;

static void fuzz_setup(void)
{
    pel_error err = {0};
    if (pel_protocol_parse("eq@1500K; hold 1ps; cool 1000K@1e14K/s; hold 2ps", &proto, &err))
        abort();
    pel_mdrun_params_default(&params);
    pel_liquid_params_cuzr(&params.liquid, 64, 0.56, 0.0555, 5);
    params.protocol = &proto;
    /* one checkpoint with these parameters gives the fingerprint bytes */
    pel_system *sys = NULL;
    if (pel_system_random_liquid(&params.liquid, &sys, &err))
        abort();
    pel_md_state st;
    memset(&st, 0, sizeof st);
    pel_mdrun_row row[1];
    pel_mdrun_result res = {.rows = row, .nrows = 0};
    const char *path = fuzz_file(NULL, 0, ".ck");
    if (pel_mdrun_checkpoint_write(path, &params, NULL, sys, 0, &st, &res, NULL, &err))
        abort();
    pel_system_free(&sys);
    FILE *f = fopen(path, "rb");
    uint32_t k;
    if (!f || fseek(f, 16, SEEK_SET) || fread(&k, sizeof k, 1, f) != 1)
        abort();
    fp_len = sizeof k + (size_t)k * sizeof(double);
    if (!(fp_prefix = malloc(fp_len)) || fseek(f, 16, SEEK_SET) || fread(fp_prefix, 1, fp_len, f) != fp_len)
        abort();
    fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fp_prefix)
        fuzz_setup();
    if (size < 1)
        return 0;
    /* bit 1: the version-1 magic, read by the older layout's path */
    const char *path = fuzz_ck_file(data[0] & 2 ? "PELMRUN1" : "PELMRUN2", fp_prefix, data[0] & 1 ? 0 : fp_len,
                                    data + 1, size - 1);
    pel_system *sys = NULL;
    pel_md_state st;
    pel_mdrun_row rows[FUZZ_CAP];
    pel_mdrun_result res = {.rows = rows, .nrows = 0};
    size_t seg;
    int has_mark;
    uint64_t mark;
    pel_error err = {0};
    int rc = pel_mdrun_checkpoint_read(path, &params, NULL, &sys, &seg, &st, &res, FUZZ_CAP, &has_mark, &mark, &err);
    FUZZ_CHECK_ERROR(rc, err);
    if (rc == PEL_OK && (!sys || sys->n != params.liquid.n || seg >= proto.nseg || res.nrows > FUZZ_CAP))
        abort(); /* accepted, but not what the parameters allow */
    pel_system_free(&sys);
    return 0;
}
