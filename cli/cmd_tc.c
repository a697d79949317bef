/* cmd_tc.c - placeholder until `pel tc` is built: says so and fails. */
#include "cli.h"

int cli_cmd_tc(int argc, char **argv)
{
    (void)argc;
    return cli_errorf(argv[0], CLI_FAIL, "not implemented yet");
}
