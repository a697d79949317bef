/* fuzz_csv.c - the CSV reader of plots and calibration (pel_csv_read): no
 * crash, every row exactly ncol cells, every cell readable as a number or
 * refused with a message. */
#include "fuzz_util.h"
#include "pel/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size, ".csv");
    pel_csv t;
    pel_error err = {0};
    int rc = pel_csv_read(path, &t, &err);
    FUZZ_CHECK_ERROR(rc, err);
    if (rc != PEL_OK)
        return 0;
    if (t.ncol < 1 || t.ncol > PEL_CSV_MAX_COLS || t.nrow * t.ncol > PEL_CSV_MAX_CELLS)
        abort();
    for (size_t i = 0; i < t.nrow; i++)
        for (size_t j = 0; j < t.ncol; j++) {
            double v;
            pel_error e2 = {0};
            FUZZ_CHECK_ERROR(pel_csv_num(&t, i, j, &v, &e2), e2);
        }
    pel_csv_col(&t, "T_K");
    pel_csv_clear(&t);
    return 0;
}
