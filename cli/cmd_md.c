/* cmd_md.c - placeholder until `pel md` is built: says so and fails. */
#include "cli.h"

int cli_cmd_md(int argc, char **argv)
{
    (void)argc;
    return cli_errorf(argv[0], CLI_FAIL, "not implemented yet");
}
