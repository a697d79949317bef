/* cmd_energy.c - placeholder until `pel energy` is built: says so and fails. */
#include "cli.h"

int cli_cmd_energy(int argc, char **argv)
{
    (void)argc;
    return cli_errorf(argv[0], CLI_FAIL, "not implemented yet");
}
