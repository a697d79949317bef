/* cmd_run.c - placeholder until `pel run` is built: says so and fails. */
#include "cli.h"

int cli_cmd_run(int argc, char **argv)
{
    (void)argc;
    return cli_errorf(argv[0], CLI_FAIL, "not implemented yet");
}
