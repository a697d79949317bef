/* fuzz_protocol.c - the protocol grammar (pel_protocol_parse): no crash, a
 * message on every failure, and format -> parse gives the same protocol. */
#include <math.h>

#include "fuzz_util.h"
#include "pel/protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_string(data, size);
    pel_protocol p, q;
    pel_error err = {0};
    int rc = pel_protocol_parse(text, &p, &err);
    FUZZ_CHECK_ERROR(rc, err);
    if (rc == PEL_OK) {
        char buf[8192];
        if (pel_protocol_format(&p, buf, sizeof buf) == PEL_OK) {
            if (pel_protocol_parse(buf, &q, &err) != PEL_OK || q.nseg != p.nseg || q.T0_K != p.T0_K)
                abort(); /* the canonical form must read back */
            for (size_t i = 0; i < p.nseg; i++)
                if (q.seg[i].kind != p.seg[i].kind || q.seg[i].T_end_K != p.seg[i].T_end_K ||
                    q.seg[i].rate_K_per_s != p.seg[i].rate_K_per_s)
                    abort();
            pel_protocol_clear(&q);
        }
        for (size_t i = 0; i < p.nseg; i++)
            if (!isfinite(p.seg[i].duration_s) || !(p.seg[i].duration_s > 0))
                abort(); /* every accepted segment has a finite, positive duration */
        pel_protocol_clear(&p);
    }
    free(text);
    return 0;
}
