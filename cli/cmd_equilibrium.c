/* cmd_equilibrium.c - placeholder until `pel equilibrium` is built: says so and fails. */
#include "cli.h"

int cli_cmd_equilibrium(int argc, char **argv)
{
    (void)argc;
    return cli_errorf(argv[0], CLI_FAIL, "not implemented yet");
}
