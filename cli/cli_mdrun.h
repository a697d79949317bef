/* cli_mdrun.h - `pel md --protocol` (cmd_mdrun.c), reached from `pel md`. */
#ifndef PEL_CLI_MDRUN_H
#define PEL_CLI_MDRUN_H

#include <stdio.h>

#include "cli_opt.h"

/* argv as for `pel md`; called when it holds --protocol. */
int cli_md_protocol(int argc, char **argv);
/* Its option table in the man page and completion of `pel md`
 * (cli_spec.mode_doc of md's table). */
void cli_md_protocol_doc(FILE *fp, int what, const cli_spec *base);

#endif
