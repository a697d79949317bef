/* cmd_art.c - placeholder until `pel art` is built: says so and fails. */
#include "cli.h"

int cli_cmd_art(int argc, char **argv)
{
    (void)argc;
    return cli_errorf(argv[0], CLI_FAIL, "not implemented yet");
}
