/* cmd_barrier.c - placeholder until `pel barrier` is built: says so and fails. */
#include "cli.h"

int cli_cmd_barrier(int argc, char **argv)
{
    (void)argc;
    return cli_errorf(argv[0], CLI_FAIL, "not implemented yet");
}
