/* cmd_figures.c - placeholder until `pel figures` is built: says so and fails. */
#include "cli.h"

int cli_cmd_figures(int argc, char **argv)
{
    (void)argc;
    return cli_errorf(argv[0], CLI_FAIL, "not implemented yet");
}
