/* cmd_quench.c - placeholder until `pel quench` is built: says so and fails. */
#include "cli.h"

int cli_cmd_quench(int argc, char **argv)
{
    (void)argc;
    return cli_errorf(argv[0], CLI_FAIL, "not implemented yet");
}
