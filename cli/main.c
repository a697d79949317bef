/* main.c - `pel` dispatcher: finds the subcommand and hands it argv. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "pel/version.h"

static const struct {
    const char *name;
    cli_cmd_fn fn;
    const char *help;
} commands[] = {
#define X(name, help) {#name, cli_cmd_##name, help},
    PEL_CLI_COMMANDS(X)
#undef X
};

static void usage(FILE *fp)
{
    fprintf(fp, "usage: pel <command> [options]   (pel <command> --help for details)\n\n"
                "pel: glass ageing and rejuvenation from the potential energy landscape\n"
                "(Fan, Iwashita & Egami, Nat. Commun. 8, 15417 (2017)).\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(fp, "  %-12s %s\n", commands[i].name, commands[i].help);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return cli_stdout_close("help", CLI_OK);
    }
    if (!strcmp(argv[1], "--version")) {
        printf("pel %s\n", pel_version());
        return cli_stdout_close("--version", CLI_OK);
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return cli_stdout_close(argv[1], commands[i].fn(argc - 1, argv + 1));
    fprintf(stderr, "pel: unknown command '%s' (try pel --help)\n", argv[1]);
    return CLI_USAGE;
}
