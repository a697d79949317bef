/* cmd_spectrum.c - placeholder until `pel spectrum` is built: says so and fails. */
#include "cli.h"

int cli_cmd_spectrum(int argc, char **argv)
{
    (void)argc;
    return cli_errorf(argv[0], CLI_FAIL, "not implemented yet");
}
