/* cmd_plot.c - placeholder until `pel plot` is built: says so and fails. */
#include "cli.h"

int cli_cmd_plot(int argc, char **argv)
{
    (void)argc;
    return cli_errorf(argv[0], CLI_FAIL, "not implemented yet");
}
