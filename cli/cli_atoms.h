/* cli_atoms.h - CLI helpers shared by the commands that read atoms: notes on
 * what a data file held, and the force-engine options (docs/engines.md). */
#ifndef PEL_CLI_ATOMS_H
#define PEL_CLI_ATOMS_H

#include "pel/eam.h"
#include "pel/engine.h"
#include "pel/system.h"

#include "cli_opt.h"

/* One stderr line "pel <cmd>: note: charges ... ignored" when the data file
 * held what pel reads but does not use (atom_style charge/full, bonds). */
void cli_note_ignored(const char *cmd, const pel_system *sys);

/* --engine eam|lammps and --pair LINE (repeatable), for every command that
 * takes atoms: put CLI_OPTS_ENGINE(&eo) in the option table, then call
 * cli_engine_check after parsing. */
#define CLI_PAIR_MAX 64
#define CLI_OPTS_ENGINE(eo)                                                                                           \
    {.name = "engine", .kind = CLI_ENUM, .choices = "eam|lammps", .arg = "eam|lammps",                              \
     .help = "force engine: pel's EAM with --potential, or LAMMPS with --pair lines (docs/engines.md)",             \
     .def = "eam", .each = cli_engine_set, .ctx = (eo)},                                                            \
    {.name = "pair", .kind = CLI_STRING, .arg = "LINE",                                                              \
     .help = "LAMMPS command for --engine lammps, in order, e.g. --pair \"pair_style sw\" "                         \
             "--pair \"pair_coeff * * Si.sw Si\"",                                                                   \
     .flags = CLI_REPEAT, .each = cli_engine_pair, .ctx = (eo)}

typedef struct cli_engine_opts {
    const pel_engine_type *type;     /* pel_engine_eam unless --engine says otherwise */
    const char *pair[CLI_PAIR_MAX];  /* --pair lines */
    int npair;
} cli_engine_opts;

void cli_engine_opts_init(cli_engine_opts *o);
/* The option table's callbacks (cli_opt.each) for --engine and --pair;
 * nonzero (message printed) on a bad value. */
int cli_engine_set(void *eo, const char *cmd, char *name);
int cli_engine_pair(void *eo, const char *cmd, char *line);
/* After parsing: --engine lammps needs --pair lines, eam takes none, and
 * --potential (*potential != NULL: given on the command line) is refused
 * with lammps; then *potential defaults to PEL_EAM_DEFAULT_PATH.
 * CLI_USAGE (message printed) or CLI_OK. */
int cli_engine_check(const char *cmd, const cli_engine_opts *o, const char **potential);
/* 1 for pel's EAM (the command reads --potential), 0 for LAMMPS. */
int cli_engine_is_eam(const cli_engine_opts *o);
/* The engine for sys.  eam: pot (read by the caller, must outlive the
 * engine); lammps: pot is unused (may be NULL), the masses are the data
 * file's and the --pair lines say the rest. */
int cli_engine_new(const cli_engine_opts *o, const pel_eam *pot, const pel_system *sys, double skin, int nthreads,
                   pel_engine **out, pel_error *err);

#endif
