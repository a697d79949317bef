/* test_csv.c - the CSV reader (include/pel/csv.h) refuses what would be read
 * as a wrong number or cost unbounded memory: a row torn mid-number by a
 * killed writer, rows with another cell count than the header, a header of
 * 100 000 columns.  Truth: the cell values written into each file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pel/csv.h"
#include "testutil.h"

static char path[64];

static void write_file(const char *text, size_t n)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, n, fp), n);
    fclose(fp);
}

static int read_text(const char *text, pel_csv *t, pel_error *err)
{
    write_file(text, strlen(text));
    return pel_csv_read(path, t, err);
}

static void test_torn_and_ragged(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int rc;
        const char *word; /* in the message */
    } cases[] = {
        {"T_K,E_eV\n300,-4.7012\n400,-4", PEL_EPARSE, "line 3"}, /* torn mid-number: -4 would parse */
        {"T_K,E_eV\n300,-4.7012\n400,", PEL_EPARSE, "end of line"},
        {"T_K,E_eV\n300\n", PEL_EPARSE, "1 cells"},
        {"T_K,E_eV\n300,-4.7,1\n", PEL_EPARSE, "3 cells"},
        {"T_K,E_eV\n300,-4.7012\n# a comment without newline", PEL_OK, NULL},
        {"T_K,E_eV\r\n300,-4.7012\r\n", PEL_OK, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pel_csv t;
        pel_error err = {0};
        assert_int_equal(read_text(cases[i].text, &t, &err), cases[i].rc);
        if (cases[i].rc != PEL_OK) {
            assert_non_null(strstr(err.msg, cases[i].word));
            assert_int_equal(t.nrow, 0); /* nothing half-read handed back */
            continue;
        }
        double v;
        assert_int_equal(t.nrow, 1);
        assert_int_equal(pel_csv_num(&t, 0, 1, &v, &err), PEL_OK);
        assert_true(v == -4.7012);
        pel_csv_clear(&t);
    }
}

static void test_caps(void **state)
{
    (void)state;
    /* 100 000 commas in the header, then rows of one cell each */
    size_t n = 100000;
    char *text = malloc(n + 64);
    assert_non_null(text);
    memset(text, ',', n);
    strcpy(text + n, "\n1\n2\n");
    pel_csv t;
    pel_error err = {0};
    assert_int_equal(read_text(text, &t, &err), PEL_EPARSE);
    assert_non_null(strstr(err.msg, "columns"));
    /* exactly the largest header accepted */
    memset(text, 'a', 2 * PEL_CSV_MAX_COLS);
    for (int j = 0; j < PEL_CSV_MAX_COLS - 1; j++)
        text[2 * j + 1] = ',';
    strcpy(text + 2 * PEL_CSV_MAX_COLS - 1, "\n");
    assert_int_equal(read_text(text, &t, &err), PEL_OK);
    assert_int_equal(t.ncol, PEL_CSV_MAX_COLS);
    pel_csv_clear(&t);
    free(text);
}

static int setup(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "/tmp/pel_test_csv_%ld.csv", (long)getpid());
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    remove(path);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_torn_and_ragged),
        cmocka_unit_test(test_caps),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
