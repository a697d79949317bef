/* cli_atoms.h - CLI helpers shared by the commands that read atoms. */
#ifndef PEL_CLI_ATOMS_H
#define PEL_CLI_ATOMS_H

#include "pel/system.h"

/* One stderr line "pel <cmd>: note: charges ... ignored" when the data file
 * held what pel reads but does not use (atom_style charge/full, bonds). */
void cli_note_ignored(const char *cmd, const pel_system *sys);

#endif
