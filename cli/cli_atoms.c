/* cli_atoms.c - CLI helpers shared by the commands that read atoms. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_atoms.h"

void cli_note_ignored(const char *cmd, const pel_system *sys)
{
    char note[256];
    if (sys && pel_system_ignored_note(sys, note, sizeof note))
        fprintf(stderr, "pel %s: note: %s\n", cmd, note);
}

void cli_engine_opts_init(cli_engine_opts *o)
{
    memset(o, 0, sizeof *o);
    o->type = pel_engine_eam;
}

int cli_engine_set(void *eo, const char *cmd, char *name)
{
    cli_engine_opts *o = eo;
    o->type = pel_engine_type_find(name);
    if (!o->type)
        return cli_bad_value(cmd, "--engine", "eam or lammps", name);
    return CLI_OK;
}

int cli_engine_pair(void *eo, const char *cmd, char *line)
{
    cli_engine_opts *o = eo;
    if (strchr(line, '\n'))
        return cli_bad_value(cmd, "--pair", "one LAMMPS command per --pair (no newline)", line);
    if (o->npair >= CLI_PAIR_MAX)
        return cli_errorf(cmd, CLI_USAGE, "--pair: more than %d lines", CLI_PAIR_MAX);
    o->pair[o->npair++] = line;
    return CLI_OK;
}

int cli_engine_check(const char *cmd, const cli_engine_opts *o, const char **potential)
{
    if (cli_engine_is_eam(o)) {
        if (o->npair)
            return cli_errorf(cmd, CLI_USAGE, "--pair is for --engine lammps (pel's EAM takes --potential)");
        if (!*potential)
            *potential = PEL_EAM_DEFAULT_PATH;
        return CLI_OK;
    }
    if (*potential)
        return cli_errorf(cmd, CLI_USAGE, "--potential is for --engine eam (LAMMPS takes --pair \"pair_coeff ...\")");
    if (!o->npair)
        return cli_errorf(cmd, CLI_USAGE,
                          "--engine lammps needs --pair lines, e.g. --pair \"pair_style sw\" --pair \"pair_coeff * * "
                          "Si.sw Si\"");
    *potential = PEL_EAM_DEFAULT_PATH;
    return CLI_OK;
}

int cli_engine_is_eam(const cli_engine_opts *o)
{
    return o->type == pel_engine_eam;
}

int cli_engine_new(const cli_engine_opts *o, const pel_eam *pot, const pel_system *sys, double skin, int nthreads,
                   pel_engine **out, pel_error *err)
{
    pel_engine_params p;
    pel_engine_params_default(&p);
    p.skin = skin;
    p.nthreads = nthreads;
    if (cli_engine_is_eam(o)) {
        p.pot = pot;
    } else {
        p.lines = o->pair;
        p.nlines = o->npair;
    }
    return pel_engine_new(out, o->type, sys, &p, err);
}
