/* cmd_is.c - `pel is TRAJ --out table.csv`: every frame of a LAMMPS dump or
 * extended XYZ minimised to its zero-pressure inherent structure (as `pel
 * quench` samples them), one row per frame in the cooling-table columns
 * (PEL_QUENCH_CSV_HEADER) after "frame,step".  Resumable: an existing table
 * written by `pel is` for the same trajectory and potential is continued
 * (frames already there are skipped; a torn last row is dropped). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_opt.h"
#include "cli_atoms.h"
#include "cli_model.h"
#include "pel/traj.h"

static const char *CMD = "is";

/* First line of the table: identifies the run for --resume-by-append. */
static void signature(char *buf, size_t cap, const char *traj, const char *pot)
{
    snprintf(buf, cap, "# pel is: trajectory %s; potential %s", traj, pot);
}

/* Frames already in `out` (0 if it does not exist).  Refuses a file that is
 * not this run's table, touching nothing; drops a torn last row. */
static int existing_rows(const char *out, const char *sig, long *done)
{
    *done = 0;
    FILE *fp = fopen(out, "r");
    if (!fp) {
        if (errno == ENOENT)
            return CLI_OK;
        return cli_errorf(CMD, CLI_FAIL, "cannot read %s: %s", out, strerror(errno));
    }
    char *line = NULL;
    size_t cap = 0;
    long keep = 0, rows = 0;
    ssize_t len;
    int lineno = 0, status = CLI_OK;
    while ((len = getline(&line, &cap, fp)) > 0) {
        lineno++;
        int whole = line[len - 1] == '\n';
        line[strcspn(line, "\n")] = '\0';
        if ((lineno == 1 && strcmp(line, sig) != 0) ||
            (lineno == 2 && strcmp(line, "frame,step," PEL_QUENCH_CSV_HEADER) != 0) || (lineno <= 2 && !whole)) {
            status = cli_errorf(CMD, CLI_FAIL, "%s exists and is not the table of this run (trajectory, potential) "
                                               "- refusing to append", out);
            break;
        }
        if (!whole)
            break; /* torn row: dropped below */
        if (lineno > 2) {
            char *end;
            long k = strtol(line, &end, 10);
            if (end == line || *end != ',' || k != rows) {
                status = cli_errorf(CMD, CLI_FAIL, "%s:%d: frame %ld expected", out, lineno, rows);
                break;
            }
            rows++;
        }
        keep = ftell(fp);
    }
    free(line);
    fclose(fp);
    if (status == CLI_OK && lineno > 0 && lineno < 2)
        status = cli_errorf(CMD, CLI_FAIL, "%s exists and is not the table of this run", out);
    if (status == CLI_OK && truncate(out, keep) != 0)
        status = cli_errorf(CMD, CLI_FAIL, "cannot truncate %s: %s", out, strerror(errno));
    *done = rows;
    return status;
}

/* "v," or "," for a missing value. */
static void cell(FILE *fp, double v, const char *sep)
{
    if (isfinite(v))
        fprintf(fp, "%.17g", v);
    fputs(sep, fp);
}

int cli_cmd_is(int argc, char **argv)
{
    cli_engine_opts eo;
    cli_engine_opts_init(&eo);
    /* potential stays NULL unless given: --engine lammps refuses it */
    const char *out = NULL, *potential = NULL, *elements = NULL, *tkey = NULL, *algo = "cg";
    double dt = NAN;
    long threads = CLI_DEFAULT_THREADS;
    int allow = 0, json = 0;
    pel_min_params mp;
    pel_min_params_default(&mp);
    mp.box = PEL_BOX_ISO;
    pel_error err = {0};
    const cli_opt opts[] = {
        {.name = "out", .kind = CLI_FILE, .dest = &out, .arg = "FILE",
         .help = "table (appended to when it already holds frames of this run)", .flags = CLI_REQ},
        CLI_OPT_POTENTIAL(&potential),
        CLI_OPT_ELEMENTS(&elements),
        {.name = "T-column", .kind = CLI_STRING, .dest = &tkey, .arg = "KEY",
         .help = "T_K from the extended XYZ key KEY= of each frame",
         .def = "the kinetic temperature when the frame has velocities, else empty"},
        {.name = "dt", .kind = CLI_DOUBLE, .dest = &dt, .arg = "PS", .help = "MD timestep: t_ps = step * dt",
         .def = "the frame's time, dump ITEM: TIME or extxyz Time=, else empty", .unit = "ps", .lo = 0, .hi = 1,
         .flags = CLI_GT | CLI_LT},
        {.name = "min-algo", .kind = CLI_ENUM, .dest = &algo, .choices = "fire|cg|lbfgs",
         .help = "minimiser (cg as pel quench)", .def = "cg", .old = "algo"},
        CLI_OPT_FTOL(&mp.ftol, "1e-6"),
        CLI_OPT_PTOL(&mp.ptol_bar),
        CLI_OPT_MAX_CALLS("max-calls", &mp.max_force_calls, "force-call budget per frame"),
        {.name = "allow-unconverged", .kind = CLI_FLAG, .dest = &allow,
         .help = "keep going when a frame's IS misses the tolerances (IS_converged=0)"},
        CLI_OPT_THREADS(&threads),
        CLI_OPTS_ENGINE(&eo),
        CLI_OPT_JSON(&json, "print the counts as an object"),
    };
    const cli_spec spec = {
        .name = CMD,
        .synopsis = "TRAJECTORY --out table.csv [options]",
        .about = "Zero-pressure inherent structure of every frame of a LAMMPS dump or extended XYZ,\n"
                 "written as pel quench's cooling table (columns frame,step," PEL_QUENCH_CSV_HEADER ").",
        .output = "Prints 'frames=<n> skipped=<n> unconverged=<n>' (frames minimised now, frames already\n"
                  "in the table, frames kept with IS_converged=0); --json: the same keys in an object.",
        .args = "TRAJECTORY",
        CLI_SPEC_OPTS(opts),
    };
    int prc, npos;
    if (cli_parse(&spec, argc, argv, &npos, &prc))
        return prc;
    pel_min_algo_parse(algo, &mp.algo, &err); /* cannot fail: the table checked the word */
    if (npos != 1)
        return cli_errorf(CMD, CLI_USAGE, "one trajectory file is required (see pel is --help)");
    const char *traj = argv[1];
    if (cli_engine_check(CMD, &eo, &potential))
        return CLI_USAGE;
    pel_engine_spec es = {eo.type, eo.pair, eo.npair};
    char lines[1024] = "lammps:";
    for (int i = 0; i < eo.npair; i++) /* the table's signature names the LAMMPS lines */
        snprintf(lines + strlen(lines), sizeof lines - strlen(lines), " %s;", eo.pair[i]);
    if (!cli_engine_is_eam(&eo))
        potential = lines;

    char sig[2048];
    signature(sig, sizeof sig, traj, potential);
    long done;
    int status = existing_rows(out, sig, &done);
    if (status)
        return status;
    pel_eam *pot = NULL;
    pel_traj *tr = NULL;
    pel_system *sys = NULL;
    FILE *fp = NULL;
    int rc = cli_engine_is_eam(&eo) ? pel_eam_read_auto(potential, &pot, &err) : PEL_OK;
    if (!rc) rc = pel_traj_open(&tr, traj, elements, &err);
    if (rc) goto fail;
    if (done > 0)
        fprintf(stderr, "pel is: %s holds %ld frames; continuing\n", out, done);
    long nframes = 0, unconverged = 0;
    pel_frame_info info;
    int noted = 0;
    for (;;) {
        pel_system_free(&sys);
        if ((rc = pel_traj_next(tr, &sys, &info, &err))) goto fail;
        if (!sys) break;
        if (!noted) {
            cli_note_ignored(CMD, sys);
            noted = 1;
        }
        if (info.index < done) continue;
        pel_quench_row row;
        if ((rc = pel_traj_inherent_engine(&es, pot, sys, &mp, (int)threads, &row, &err))) {
            pel_error_wrap(&err, rc, "frame %ld", info.index);
            goto fail;
        }
        if (!row.is_converged && !allow) {
            status = cli_errorf(CMD, CLI_FAIL,
                                "frame %ld: inherent structure not converged within %ld force calls (raise "
                                "--max-calls, or --allow-unconverged)", info.index, mp.max_force_calls);
            goto end;
        }
        unconverged += !row.is_converged;
        double T = row.T_inst;
        if (tkey) {
            int got = pel_traj_info_double(tr, tkey, &T, &err);
            if (got < 0) goto fail;
            if (got == 0) {
                status = cli_errorf(CMD, CLI_FAIL, "frame %ld has no %s= (--T-column)", info.index, tkey);
                goto end;
            }
        }
        if (!fp) { /* opened at the first row: a failed run leaves no empty table behind */
            if (!(fp = fopen(out, "a"))) {
                status = cli_errorf(CMD, CLI_FAIL, "cannot open %s: %s", out, strerror(errno));
                goto end;
            }
            if (ftell(fp) == 0)
                fprintf(fp, "%s\nframe,step,%s\n", sig, PEL_QUENCH_CSV_HEADER);
        }
        fprintf(fp, "%ld,", info.index);
        if (info.step >= 0) fprintf(fp, "%ld", info.step);
        fputc(',', fp);
        double t_ps = info.step >= 0 && !isnan(dt) ? (double)info.step * dt : info.time_ps;
        double v[] = {T, row.e_is, row.v_md, row.e_pot, row.v_is, row.p_bar, row.T_inst, t_ps};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
            cell(fp, v[k], ",");
        fprintf(fp, "%d\n", row.is_converged);
        if (fflush(fp) || ferror(fp)) {
            status = cli_errorf(CMD, CLI_FAIL, "error writing %s: %s", out, strerror(errno));
            goto end;
        }
        nframes++;
        fprintf(stderr, "pel is: frame %ld (step %ld): E_IS %.6f eV/atom, V_IS %.4f Å^3/atom\n",
                info.index, info.step, row.e_is, row.v_is);
    }
    if (json)
        status = cli_json_print(CMD, json_pack("{s:I,s:I,s:I}", "frames", (json_int_t)nframes, "skipped",
                                               (json_int_t)done, "unconverged", (json_int_t)unconverged));
    else {
        printf("frames=%ld skipped=%ld unconverged=%ld\n", nframes, done, unconverged);
        status = fflush(stdout) == 0 ? CLI_OK : cli_errorf(CMD, CLI_FAIL, "cannot write the output");
    }
    goto end;
fail:
    status = cli_fail(CMD, &err);
end:
    if (fp && fclose(fp) != 0 && status == CLI_OK)
        status = cli_errorf(CMD, CLI_FAIL, "error closing %s", out);
    pel_system_free(&sys);
    pel_traj_close(&tr);
    pel_eam_free(&pot);
    return status;
}
