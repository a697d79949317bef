/* cmd_map.c - placeholder until `pel map` is built: says so and fails. */
#include "cli.h"

int cli_cmd_map(int argc, char **argv)
{
    (void)argc;
    return cli_errorf(argv[0], CLI_FAIL, "not implemented yet");
}
