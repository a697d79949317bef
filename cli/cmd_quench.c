/* cmd_quench.c - `pel quench`: make a glass by MD (melt, NPT cooling at a
 * rate, zero-pressure inherent structures along the way) with checkpoints and
 * --resume.  Output directory: cooling.csv, glass.data, checkpoint.bin,
 * log.txt.  The physics is in src/atoms/quench.c.  Each checkpoint records the
 * length of log.txt (hooks mark/resume); --resume cuts the log back to it, so
 * a killed and resumed run logs every thermo and sample line exactly once. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "cli.h"
#include "cli_atoms.h"
#include "cli_model.h"
#include "cli_opt.h"
#include "cli_runlog.h"
#include "pel/eam.h"
#include "pel/quench.h"

static const char *CMD = "quench";

/* "equilibration step s" / "cooling step s" for the resume line */
static void quench_where(const cli_runlog *q, long step, char *buf, size_t size)
{
    long n_equil = q->seg_start[1];
    if (step <= n_equil) snprintf(buf, size, "equilibration step %ld", step);
    else snprintf(buf, size, "cooling step %ld", step - n_equil);
}

static void on_row(void *ctx, const pel_quench_row *r)
{
    cli_runlog_line(ctx, "sample T_K %g E_IS %.8f V %.5f E_pot %.8f V_IS %.5f P_bar %.1f converged %d", r->T_K,
                    r->e_is, r->v_md, r->e_pot, r->v_is, r->p_bar, r->is_converged);
}

static int write_csv(const char *path, const pel_quench_result *res, pel_error *err)
{
    pel_afile af;
    int rc = pel_afile_open(&af, path, err);
    if (rc) return rc;
    fprintf(af.fp, "%s\n", PEL_QUENCH_CSV_HEADER);
    for (size_t i = 0; i < res->nrows; i++) {
        const pel_quench_row *r = &res->rows[i];
        double v[8] = {r->T_K, r->e_is, r->v_md, r->e_pot, r->v_is, r->p_bar, r->T_inst, r->t_ps};
        for (int k = 0; k < 8; k++) {
            if (!isfinite(v[k])) {
                pel_afile_abort(&af);
                return pel_error_set(err, PEL_ENUMERIC, "non-finite value in table row %zu", i + 1);
            }
            fprintf(af.fp, "%.17g,", v[k]);
        }
        fprintf(af.fp, "%d\n", r->is_converged);
    }
    return pel_afile_commit(&af, err);
}

static int path_join(char *dst, size_t cap, const char *dir, const char *name)
{
    return snprintf(dst, cap, "%s/%s", dir, name) >= (int)cap;
}

int cli_cmd_quench(int argc, char **argv)
{
    cli_engine_opts eo;
    cli_engine_opts_init(&eo);
    const char *masses = NULL;
    pel_quench_params p;
    pel_quench_params_default(&p);
    const char *composition = "Cu56Zr44", *potential = NULL, *outdir = NULL;
    long natoms = 2000, seed = 1, threads = CLI_DEFAULT_THREADS;
    int allow_unconverged = 0;
    double density = p.liquid.density;
    pel_error err = {0};
    const char *rate = NULL, *algo = "cg";
    int json = 0;
    const cli_opt opts[] = {
        {.name = "composition", .kind = CLI_STRING, .dest = &composition, .arg = "S",
         .help = "elements of the potential with percentages", .def = "Cu56Zr44"},
        {.name = "atoms", .kind = CLI_LONG, .dest = &natoms, .arg = "N", .help = "number of atoms", .def = "2000",
         .lo = 2, .hi = 10000000, .flags = CLI_GE | CLI_LE},
        {.name = "rate", .kind = CLI_STRING, .dest = &rate, .arg = "R",
         .help = "cooling rate in K/s (> 0), or inf for an instant quench", .def = "1e13"},
        {.name = "T", .kind = CLI_DOUBLE, .dest = &p.t_from, .arg = "K", .help = "melt and equilibration temperature",
         .def = "2000", .unit = "K", .lo = 0, .hi = 1e6, .flags = CLI_GT | CLI_LT, .old = "from"},
        {.name = "T-stop", .kind = CLI_DOUBLE, .dest = &p.t_to, .arg = "K",
         .help = "final temperature, below --T (the thermostat ramp ends at 1 K)", .def = "0", .unit = "K", .lo = 0,
         .hi = 1e6, .flags = CLI_GE | CLI_LT, .old = "to"},
        {.name = "equilibrate", .kind = CLI_DOUBLE, .dest = &p.equilibrate_ps, .arg = "PS",
         .help = "NPT hold at --T before cooling", .def = "20", .unit = "ps", .lo = 0, .flags = CLI_GE},
        {.name = "sample-every", .kind = CLI_DOUBLE, .dest = &p.sample_every_K, .arg = "K",
         .help = "inherent-structure sampling interval", .def = "50", .unit = "K", .lo = 0, .flags = CLI_GT},
        {.name = "seed", .kind = CLI_LONG, .dest = &seed, .arg = "S", .help = "seed of the random liquid and velocities",
         .def = "1", .lo = 0, .flags = CLI_GE},
        {.name = "density", .kind = CLI_DOUBLE, .dest = &density, .arg = "D", .help = "start density", .def = "0.0555",
         .unit = "atoms/Å^3", .lo = 0.01, .hi = 0.2, .flags = CLI_GT | CLI_LT},
        {.name = "P", .kind = CLI_DOUBLE, .dest = &p.p_bar, .arg = "BAR", .help = "pressure", .def = "0", .unit = "bar"},
        CLI_OPT_TDAMP(&p.tdamp),
        CLI_OPT_PDAMP(&p.pdamp),
        {.name = "min-algo", .kind = CLI_ENUM, .dest = &algo, .choices = "fire|cg|lbfgs",
         .help = "inherent-structure minimiser", .def = "cg", .old = "algo"},
        CLI_OPT_MAX_CALLS("is-max-calls", &p.min.max_force_calls,
                          "force-call budget of each inherent-structure minimisation"),
        {.name = "allow-unconverged", .kind = CLI_FLAG, .dest = &allow_unconverged,
         .help = "write glass.data even when the final inherent structure did not converge (marked in its title, "
                 "log.txt and stdout); without it that is an error"},
        CLI_OPT_POTENTIAL(&potential),
        CLI_OPT_THREADS(&threads),
        CLI_OPTS_ENGINE(&eo),
        {.name = "masses", .kind = CLI_STRING, .dest = &masses, .arg = "M1,M2",
         .help = "atomic masses of the elements of --composition, in order, for --engine lammps", .unit = "g/mol"},
        {.name = "checkpoint-every", .kind = CLI_LONG, .dest = &p.checkpoint_every, .arg = "N",
         .help = "MD steps between checkpoints", .def = "10000", .lo = 1, .flags = CLI_GE},
        {.name = "resume", .kind = CLI_FLAG, .dest = &p.resume,
         .help = "continue the run in DIR from its checkpoint (log.txt is cut back to it)"},
        {.name = "stop-after", .kind = CLI_LONG, .dest = &p.stop_at_step, .arg = "N",
         .help = "stop at the first checkpoint at or after MD step N (testing)", .lo = 0, .flags = CLI_GE},
        {.name = "out", .kind = CLI_FILE, .dest = &outdir, .arg = "DIR", .help = "output directory", .flags = CLI_REQ},
        CLI_OPT_JSON(&json, "print the summary as one object"),
    };
    const cli_spec spec = {
        .name = CMD,
        .synopsis = "--composition Cu56Zr44 --atoms N --rate K/s|inf --out DIR [options]",
        .about = "Melt a random liquid, equilibrate it under NPT at --T, cool it under NPT at --rate to\n"
                 "--T-stop (dt 1 fs; LAMMPS fix npt iso conventions), minimise a copy to its zero-pressure\n"
                 "inherent structure every --sample-every kelvin.  Writes DIR/cooling.csv\n"
                 "(" PEL_QUENCH_CSV_HEADER "),\n"
                 "DIR/glass.data (final inherent structure), DIR/checkpoint.bin, DIR/log.txt.\n"
                 "--T and --T-stop were --from and --to before version 0.2 (still accepted).",
        .output = "Prints E_IS_eV_per_atom=<v> V_IS_A3_per_atom=<v> samples=<n> [unconverged=1];\n"
                  "--json: the same keys (unconverged 0 or 1) and md_steps as one object.",
        CLI_SPEC_OPTS(opts),
    };
    int prc, npos;
    if (cli_parse(&spec, argc, argv, &npos, &prc))
        return prc;
    if (rate && !strcmp(rate, "inf"))
        p.rate_K_per_s = INFINITY;
    else if (rate && (pel_parse_double(rate, "--rate", &p.rate_K_per_s, NULL) || !(p.rate_K_per_s > 0)))
        return cli_bad_value(CMD, "--rate", "a number > 0 K/s or inf", rate);
    pel_min_algo_parse(algo, &p.min.algo, &err); /* cannot fail: the table checked the word */

    if (cli_engine_check(CMD, &eo, &potential)) return CLI_USAGE;
    int eam = cli_engine_is_eam(&eo);
    if (eam == (masses != NULL))
        return cli_errorf(CMD, CLI_USAGE, eam ? "--masses is for --engine lammps (pel's EAM takes them from the potential)"
                                              : "--engine lammps needs --masses M1,M2 (g/mol, one per element of --composition)");
    pel_engine_spec es = {eo.type, eo.pair, eo.npair};
    if (!eam) p.engine = &es;
    pel_eam *pot = NULL;
    if (eam && pel_eam_read_auto(potential, &pot, &err)) return cli_fail(CMD, &err);
    pel_liquid_params_cuzr(&p.liquid, (size_t)natoms, 0.56, density, (uint64_t)seed);
    if (pel_quench_parse_composition(composition, pot, &p.liquid, &err)) {
        pel_eam_free(&pot);
        return cli_fail(CMD, &err), CLI_USAGE;
    }
    for (int t = 0; masses && t < p.liquid.ntypes; t++) { /* "M1,M2,...", one per element */
        char *end;
        p.liquid.mass[t] = strtod(masses, &end);
        if (end == masses || !(p.liquid.mass[t] > 0 && p.liquid.mass[t] < 1e4) || (*end != ',' && *end) ||
            (*end == ',') != (t + 1 < p.liquid.ntypes))
            return cli_errorf(CMD, CLI_USAGE, "--masses '%s': %d masses in g/mol expected, comma separated",
                              masses, p.liquid.ntypes);
        masses = *end ? end + 1 : end;
    }
    p.nthreads = (int)threads;

    char ck[4096], csv[4096], glass[4096], logp[4096];
    if (path_join(ck, sizeof ck, outdir, "checkpoint.bin") || path_join(csv, sizeof csv, outdir, "cooling.csv") ||
        path_join(glass, sizeof glass, outdir, "glass.data") || path_join(logp, sizeof logp, outdir, "log.txt")) {
        pel_eam_free(&pot);
        return cli_errorf(CMD, CLI_USAGE, "--out path too long");
    }
    if (mkdir(outdir, 0777) != 0 && errno != EEXIST) {
        pel_eam_free(&pot);
        return cli_errorf(CMD, CLI_FAIL, "cannot create directory %s: %s", outdir, strerror(errno));
    }
    struct stat sb;
    if (!p.resume && stat(ck, &sb) == 0) {
        pel_eam_free(&pot);
        return cli_errorf(CMD, CLI_FAIL, "%s exists: continue with --resume or remove it", ck);
    }
    if (p.resume && stat(ck, &sb) != 0) {
        pel_eam_free(&pot);
        return cli_errorf(CMD, CLI_FAIL, "no checkpoint %s to resume from", ck);
    }
    p.checkpoint_path = ck;

    cli_runlog q;
    if (cli_runlog_open(&q, CMD, logp, "pel quench")) {
        pel_eam_free(&pot);
        return CLI_FAIL;
    }
    long nc, seg_start[2] = {0, 0};
    pel_quench_steps(&p, &seg_start[1], &nc);
    q.where = quench_where;
    q.seg_start = seg_start;
    q.nseg = 2;
    snprintf(q.run, sizeof q.run,
             "quench %s N=%ld rate=%g K/s from %g K to %g K, equilibrate %g ps (%ld steps), cool %ld steps, "
             "sample every %g K, seed %ld, threads %ld",
             composition, natoms, p.rate_K_per_s, p.t_from, p.t_to, p.equilibrate_ps, seg_start[1], nc,
             p.sample_every_K, seed, threads);
    /* on --resume, on_resume replaces this line by one naming the checkpoint's step */
    cli_runlog_line(&q, "%s %s", p.resume ? "resume" : "start", q.run);
    pel_quench_hooks hooks = {cli_runlog_progress, &q, cli_runlog_thermo, &q, on_row, &q,
                              cli_runlog_mark, &q, cli_runlog_resume, &q};
    pel_quench_result res;
    int rc = pel_quench_run(pot, &p, &hooks, &res, &err);
    pel_eam_free(&pot);
    if (rc) {
        cli_runlog_line(&q, "stop: %s", err.msg);
        cli_runlog_close(&q);
        return cli_fail(CMD, &err);
    }
    /* cooling.csv records every sample with its IS_converged flag; glass.data
     * is documented as the zero-pressure IS, so an unconverged one is an
     * error unless asked for, and then marked wherever it is reported. */
    const pel_quench_row *last = &res.rows[res.nrows - 1];
    int unconverged = !last->is_converged;
    rc = write_csv(csv, &res, &err);
    if (!rc && unconverged && !allow_unconverged)
        rc = pel_error_set(&err, PEL_ENOCONV,
                           "the final inherent structure did not converge (P %.4g bar): %s not written "
                           "(raise --is-max-calls, or --allow-unconverged to keep it)",
                           last->p_bar, glass);
    if (!rc) {
        pel_system_wrap(res.glass);
        rc = pel_system_write_data(res.glass, glass,
                                   unconverged ? "pel quench: UNCONVERGED inherent structure (--allow-unconverged)"
                                               : "pel quench: zero-pressure inherent structure",
                                   &err);
    }
    if (!rc) {
        cli_runlog_line(&q, "done: %zu samples, final E_IS %.8f eV/atom%s, %ld MD steps", res.nrows, last->e_is,
                        unconverged ? " (UNCONVERGED)" : "", res.md_steps);
        if (json) {
            json_t *o = json_pack("{s:o,s:o,s:I,s:i,s:I}", "E_IS_eV_per_atom", cli_jnum(last->e_is),
                                  "V_IS_A3_per_atom", cli_jnum(last->v_is), "samples", (json_int_t)res.nrows,
                                  "unconverged", unconverged ? 1 : 0, "md_steps", (json_int_t)res.md_steps);
            if (cli_json_print(CMD, o) != CLI_OK)
                rc = pel_error_set(&err, PEL_EIO, "cannot write the JSON summary");
        } else
            printf("E_IS_eV_per_atom=%.17g V_IS_A3_per_atom=%.17g samples=%zu%s\n", last->e_is, last->v_is,
                   res.nrows, unconverged ? " unconverged=1" : "");
    } else {
        cli_runlog_line(&q, "failed writing results: %s", err.msg);
    }
    cli_runlog_close(&q);
    pel_quench_result_free(&res);
    return rc ? cli_fail(CMD, &err) : CLI_OK;
}
