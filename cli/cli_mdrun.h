/* cli_mdrun.h - `pel md --protocol` (cmd_mdrun.c), reached from `pel md`. */
#ifndef PEL_CLI_MDRUN_H
#define PEL_CLI_MDRUN_H

/* argv as for `pel md`; called when it holds --protocol. */
int cli_md_protocol(int argc, char **argv);

#endif
