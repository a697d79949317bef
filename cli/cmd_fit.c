/* cmd_fit.c - placeholder until `pel fit` is built: says so and fails. */
#include "cli.h"

int cli_cmd_fit(int argc, char **argv)
{
    (void)argc;
    return cli_errorf(argv[0], CLI_FAIL, "not implemented yet");
}
