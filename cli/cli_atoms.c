/* cli_atoms.c - CLI helpers shared by the commands that read atoms. */
#include <stdio.h>

#include "cli_atoms.h"

void cli_note_ignored(const char *cmd, const pel_system *sys)
{
    char note[256];
    if (sys && pel_system_ignored_note(sys, note, sizeof note))
        fprintf(stderr, "pel %s: note: %s\n", cmd, note);
}
