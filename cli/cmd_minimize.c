/* cmd_minimize.c - placeholder until `pel minimize` is built: says so and fails. */
#include "cli.h"

int cli_cmd_minimize(int argc, char **argv)
{
    (void)argc;
    return cli_errorf(argv[0], CLI_FAIL, "not implemented yet");
}
