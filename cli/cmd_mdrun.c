/* cmd_mdrun.c - `pel md --protocol`: NPT MD along a thermal protocol in the
 * model's grammar, the zero-pressure inherent structure sampled along the
 * way, replicas by seed with their mean and standard error, checkpoints and
 * --resume.  The physics is in src/atoms/mdrun.c; this file parses, calls it
 * per replica, writes the tables. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cli_model.h"
#include "cli_opt.h"
#include "cli_atoms.h"
#include "cli_mdrun.h"
#include "cli_runlog.h"
#include "pel/csv.h"
#include "pel/eam.h"
#include "pel/mdrun.h"
#include "pel/quench.h"

static const char *CMD = "md";
#define MDRUN_MAX_REPLICAS 1000

static int path_join(char *dst, size_t cap, const char *dir, const char *name)
{
    return snprintf(dst, cap, "%s/%s", dir, name) >= (int)cap;
}

static void on_row(void *ctx, const pel_mdrun_row *r)
{
    cli_runlog_line(ctx, "sample segment %d t_ps %.4f T_K %g E_IS %.8f V %.5f E_pot %.8f V_IS %.5f P_bar %.1f converged %d",
                    r->segment + 1, r->t_ps, r->T_K, r->e_is, r->v_md, r->e_pot, r->v_is, r->p_bar, r->is_converged);
}

static int write_table(const char *path, const pel_mdrun_row *rows, size_t n, pel_error *err)
{
    pel_afile af;
    int rc = pel_afile_open(&af, path, err);
    if (rc) return rc;
    fprintf(af.fp, "%s\n", PEL_MDRUN_CSV_HEADER);
    for (size_t i = 0; i < n; i++) {
        const pel_mdrun_row *r = &rows[i];
        double v[8] = {r->T_K, r->e_is, r->v_md, r->e_pot, r->v_is, r->p_bar, r->T_inst, r->t_ps};
        for (int k = 0; k < 8; k++) {
            if (!isfinite(v[k])) {
                pel_afile_abort(&af);
                return pel_error_set(err, PEL_ENUMERIC, "non-finite value in table row %zu", i + 1);
            }
            fprintf(af.fp, "%.17g,", v[k]);
        }
        fprintf(af.fp, "%d,%d\n", r->is_converged, r->segment);
    }
    return pel_afile_commit(&af, err);
}

#define MEAN_HEADER                                                                                              \
    "T_K,t_ps,segment,E_IS_eV_per_atom,E_IS_se_eV_per_atom,V_IS_A3_per_atom,V_IS_se_A3_per_atom,V_A3_per_atom," \
    "E_pot_eV_per_atom,P_bar,T_inst_K,IS_converged,n_replicas"

static int write_mean(const char *path, const pel_mdrun_mean_row *m, size_t n, pel_error *err)
{
    pel_afile af;
    int rc = pel_afile_open(&af, path, err);
    if (rc) return rc;
    fprintf(af.fp, "%s\n", MEAN_HEADER);
    for (size_t i = 0; i < n; i++) {
        const pel_mdrun_row *r = &m[i].mean;
        fprintf(af.fp, "%.17g,%.17g,%d,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%d,%d\n", r->T_K, r->t_ps,
                r->segment, r->e_is, m[i].se_e_is, r->v_is, m[i].se_v_is, r->v_md, r->e_pot, r->p_bar, r->T_inst,
                r->is_converged, m[i].n_replicas);
    }
    return pel_afile_commit(&af, err);
}

/* Read back a protocol.csv written by write_table (a finished replica). */
static int read_table(const char *path, pel_mdrun_row **out, size_t *n, pel_error *err)
{
    static const char *cols[] = {"T_K", "E_IS_eV_per_atom", "V_A3_per_atom", "E_pot_eV_per_atom", "V_IS_A3_per_atom",
                                 "P_bar", "T_inst_K", "t_ps", "IS_converged", "segment"};
    pel_csv t;
    long ci[10];
    int rc = pel_csv_read(path, &t, err);
    if (rc) return rc;
    for (int k = 0; k < 10; k++)
        if ((ci[k] = pel_csv_col(&t, cols[k])) < 0) {
            rc = pel_error_set(err, PEL_EPARSE, "%s: no column %s", path, cols[k]);
            goto out;
        }
    pel_mdrun_row *rows = calloc(t.nrow ? t.nrow : 1, sizeof *rows);
    if (!rows) {
        rc = pel_error_set(err, PEL_ENOMEM, "out of memory reading %s", path);
        goto out;
    }
    for (size_t i = 0; i < t.nrow && !rc; i++) {
        double v[10];
        for (int k = 0; k < 10 && !rc; k++)
            rc = pel_csv_num(&t, i, (size_t)ci[k], &v[k], err);
        if (rc) break;
        pel_mdrun_row *r = &rows[i];
        r->T_K = v[0], r->e_is = v[1], r->v_md = v[2], r->e_pot = v[3], r->v_is = v[4];
        r->p_bar = v[5], r->T_inst = v[6], r->t_ps = v[7], r->is_converged = (int)v[8], r->segment = (int)v[9];
    }
    if (rc) {
        free(rows);
        goto out;
    }
    *out = rows;
    *n = t.nrow;
out:
    pel_csv_clear(&t);
    return rc;
}

typedef struct run_opts {
    const char *protocol_text, *data, *elements, *potential, *composition, *outdir;
    long natoms, seed, threads, replicas;
    double density;
    int allow_unconverged;
} run_opts;

/* One replica in dir: run or resume it, or read back its finished table.
 * The table goes to rows and n (caller frees). */
static int run_replica(const pel_eam *pot, pel_mdrun_params *p, const run_opts *o, const char *dir, long k,
                       pel_mdrun_row **rows, size_t *n)
{
    char ck[4096], csv[4096], fin[4096], finis[4096], logp[4096];
    pel_error err = {0};
    if (path_join(ck, sizeof ck, dir, "checkpoint.bin") || path_join(csv, sizeof csv, dir, "protocol.csv") ||
        path_join(fin, sizeof fin, dir, "final.data") || path_join(finis, sizeof finis, dir, "final_is.data") ||
        path_join(logp, sizeof logp, dir, "log.txt"))
        return cli_errorf(CMD, CLI_USAGE, "--out path too long");
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return cli_errorf(CMD, CLI_FAIL, "cannot create directory %s: %s", dir, strerror(errno));
    struct stat sb;
    int have_csv = stat(csv, &sb) == 0, have_ck = stat(ck, &sb) == 0;
    if (!p->resume && (have_ck || have_csv))
        return cli_errorf(CMD, CLI_FAIL, "%s holds a run: continue with --resume or remove it", dir);
    if (p->resume && have_csv) {
        /* finished before: its table, as written */
        if (read_table(csv, rows, n, &err)) return cli_fail(CMD, &err);
        return CLI_OK;
    }
    pel_mdrun_params q = *p;
    q.resume = p->resume && have_ck;
    q.checkpoint_path = ck;
    q.seed = (uint64_t)(o->seed + k);
    q.liquid.seed = q.seed;
    cli_runlog lg;
    if (cli_runlog_open(&lg, CMD, logp, "pel md")) return CLI_FAIL;
    long total, *seg_start = calloc(q.protocol->nseg + 1, sizeof *seg_start);
    if (!seg_start || pel_mdrun_steps(&q, seg_start + 1, &total, &err)) {
        free(seg_start);
        cli_runlog_close(&lg);
        return seg_start ? (cli_fail(CMD, &err), CLI_USAGE) : cli_errorf(CMD, CLI_FAIL, "out of memory");
    }
    for (size_t s = 1; s <= q.protocol->nseg; s++) /* steps per segment -> first step of each */
        seg_start[s] += seg_start[s - 1];
    lg.where = cli_runlog_where_segment;
    lg.seg_start = seg_start;
    lg.nseg = q.protocol->nseg;
    snprintf(lg.run, sizeof lg.run, "md protocol \"%s\" start %s, %ld MD steps, seed %ld, threads %ld",
             o->protocol_text, o->data ? o->data : o->composition, total, o->seed + k, o->threads);
    cli_runlog_line(&lg, "%s %s", q.resume ? "resume" : "start", lg.run);
    pel_mdrun_hooks hooks = {cli_runlog_progress, &lg, cli_runlog_thermo, &lg, on_row, &lg,
                             cli_runlog_mark, &lg, cli_runlog_resume, &lg};
    pel_mdrun_result res;
    int rc = pel_mdrun_run(pot, &q, &hooks, &res, &err);
    if (rc) {
        cli_runlog_line(&lg, "stop: %s", err.msg);
        cli_runlog_close(&lg);
        free(seg_start);
        return cli_fail(CMD, &err);
    }
    pel_system_wrap(res.final);
    pel_system_wrap(res.final_is);
    size_t nbad = 0;
    for (size_t i = 0; i < res.nrows; i++)
        nbad += !res.rows[i].is_converged;
    rc = pel_system_write_data(res.final, fin, "pel md --protocol: final MD state", &err);
    /* an unconverged IS is not written as if it were one, unless asked for */
    if (!rc && (res.final_is_converged || o->allow_unconverged))
        rc = pel_system_write_data(res.final_is, finis,
                                   res.final_is_converged ? "pel md --protocol: zero-pressure inherent structure"
                                                          : "pel md --protocol: NOT CONVERGED inherent structure",
                                   &err);
    if (!rc) rc = write_table(csv, res.rows, res.nrows, &err); /* last: its presence marks the replica done */
    if (!rc && nbad)
        cli_runlog_line(&lg, "note: %zu of %zu inherent structures did not converge (IS_converged = 0)", nbad, res.nrows);
    if (!rc && nbad && (res.final_is_converged || o->allow_unconverged)) {
        fprintf(stderr, "pel md: note: %s: %zu of %zu inherent structures did not converge (IS_converged = 0 in "
                        "protocol.csv)\n", dir, nbad, res.nrows);
    }
    if (!rc && !res.final_is_converged) {
        cli_runlog_line(&lg, "the inherent structure of the final state did not converge%s",
                        o->allow_unconverged ? " (written, marked, --allow-unconverged)" : ": final_is.data not written");
        if (!o->allow_unconverged)
            rc = pel_error_set(&err, PEL_ENOCONV, "%s: the inherent structure of the final state did not converge "
                                                  "(%zu of %zu samples neither): final_is.data not written "
                                                  "(--allow-unconverged writes it)", dir, nbad, res.nrows);
    }
    if (!rc) cli_runlog_line(&lg, "done: %zu samples, %ld MD steps", res.nrows, res.md_steps);
    else if (rc != PEL_ENOCONV) cli_runlog_line(&lg, "failed writing results: %s", err.msg);
    cli_runlog_close(&lg);
    free(seg_start);
    if (rc) {
        pel_mdrun_result_free(&res);
        return cli_fail(CMD, &err);
    }
    *rows = res.rows; /* hand the table over */
    *n = res.nrows;
    res.rows = NULL;
    res.nrows = 0;
    pel_mdrun_result_free(&res);
    return CLI_OK;
}

/* what < 0: run `pel md --protocol`; else write the option table into the
 * man page (CLI_DOC_MAN) or completion arm (CLI_DOC_COMPLETE) of `pel md`
 * (base) on fp. */
static int md_protocol(int argc, char **argv, FILE *fp, int what, const cli_spec *base)
{
    pel_mdrun_params p;
    pel_mdrun_params_default(&p);
    cli_engine_opts eo;
    cli_engine_opts_init(&eo);
    /* o.potential stays NULL unless given: --engine lammps refuses it */
    run_opts o = {.potential = NULL, .composition = "Cu56Zr44", .natoms = 2000, .seed = 1,
                  .threads = CLI_DEFAULT_THREADS, .replicas = 0, .density = p.liquid.density};
    pel_error err = {0};
    const char *algo = "cg";
    int json = 0;
    const cli_opt opts[] = {
        {.name = "protocol", .kind = CLI_STRING, .dest = &o.protocol_text, .arg = "P",
         .help = "thermal protocol (docs/protocol.md)", .flags = CLI_REQ},
        {.name = "data", .kind = CLI_FILE, .dest = &o.data, .arg = "FILE", .help = "start configuration (LAMMPS data file)"},
        {.name = "composition", .kind = CLI_STRING, .dest = &o.composition, .arg = "S",
         .help = "or a random liquid of this composition", .def = "Cu56Zr44"},
        {.name = "atoms", .kind = CLI_LONG, .dest = &o.natoms, .arg = "N", .help = "atoms of the random liquid",
         .def = "2000", .lo = 2, .hi = 10000000, .flags = CLI_GE | CLI_LE},
        {.name = "density", .kind = CLI_DOUBLE, .dest = &o.density, .arg = "D", .help = "density of the random liquid",
         .def = "0.0555", .unit = "atoms/Å^3", .lo = 0.01, .hi = 0.2, .flags = CLI_GT | CLI_LT},
        {.name = "sample-every-K", .kind = CLI_DOUBLE, .dest = &p.sample_every_K, .arg = "K",
         .help = "IS sampling on ramps (0: none)", .def = "25", .unit = "K", .lo = 0,
         .flags = CLI_GE},
        {.name = "sample-every-ps", .kind = CLI_DOUBLE, .dest = &p.sample_every_ps, .arg = "T",
         .help = "IS sampling on holds (0: none)", .def = "10", .unit = "ps", .lo = 0,
         .flags = CLI_GE},
        {.name = "replicas", .kind = CLI_LONG, .dest = &o.replicas, .arg = "R",
         .help = "independent runs, seeds S, S+1, ... in DIR/r1 ... DIR/rR", .def = "1", .lo = 1,
         .hi = MDRUN_MAX_REPLICAS, .flags = CLI_GE | CLI_LE},
        {.name = "seed", .kind = CLI_LONG, .dest = &o.seed, .arg = "S",
         .help = "seed of the random liquid and of created velocities", .def = "1", .lo = 0, .flags = CLI_GE},
        {.name = "new-velocities", .kind = CLI_FLAG, .dest = &p.new_velocities,
         .help = "create velocities at the start T even if the data file has some (implied by --replicas with --data)"},
        {.name = "P", .kind = CLI_DOUBLE, .dest = &p.p_bar, .arg = "BAR", .help = "pressure", .def = "0", .unit = "bar"},
        CLI_OPT_DT(&p.dt),
        CLI_OPT_TDAMP(&p.tdamp),
        CLI_OPT_PDAMP(&p.pdamp),
        {.name = "min-algo", .kind = CLI_ENUM, .dest = &algo, .choices = "fire|cg|lbfgs",
         .help = "inherent-structure minimiser", .def = "cg", .old = "algo"},
        CLI_OPT_MAX_CALLS("is-max-calls", &p.min.max_force_calls, "force-call budget of each IS minimisation"),
        CLI_OPT_POTENTIAL(&o.potential),
        CLI_OPT_ELEMENTS(&o.elements),
        CLI_OPT_THREADS(&o.threads),
        CLI_OPTS_ENGINE(&eo),
        {.name = "checkpoint-every", .kind = CLI_LONG, .dest = &p.checkpoint_every, .arg = "N",
         .help = "MD steps between checkpoints", .def = "10000", .lo = 1, .flags = CLI_GE},
        {.name = "resume", .kind = CLI_FLAG, .dest = &p.resume, .help = "continue the runs in DIR from their checkpoints"},
        {.name = "stop-after", .kind = CLI_LONG, .dest = &p.stop_at_step, .arg = "N",
         .help = "stop at the first checkpoint at or after MD step N (testing)", .lo = 0, .flags = CLI_GE},
        {.name = "out", .kind = CLI_FILE, .dest = &o.outdir, .arg = "DIR", .help = "output directory", .flags = CLI_REQ},
        {.name = "allow-unconverged", .kind = CLI_FLAG, .dest = &o.allow_unconverged,
         .help = "write final_is.data even when its minimisation did not converge (else that is an error; "
                 "unconverged samples are marked IS_converged = 0)"},
        CLI_OPT_JSON(&json, "print the per-replica summary as one object"),
    };
    const cli_spec spec = {
        .name = CMD,
        .synopsis = "--protocol P (--data IN | --composition Cu56Zr44 --atoms N) --out DIR [options]",
        .about = "NPT molecular dynamics along a thermal protocol (grammar of `pel run`, docs/protocol.md; holds in\n"
                 "ps or ns), e.g. \"eq@2000K; hold 20ps; cool 100K@1e13K/s\" or \"eq@1000K; hold 1ns\".  eq@T starts\n"
                 "the configuration at T (velocities created at T unless the data file has its own).  The\n"
                 "zero-pressure inherent structure is sampled every --sample-every-K on ramps and every\n"
                 "--sample-every-ps on holds.  Writes DIR/protocol.csv\n"
                 "(" PEL_MDRUN_CSV_HEADER "),\n"
                 "DIR/final.data (MD state), DIR/final_is.data (its inherent structure), checkpoint.bin, log.txt;\n"
                 "with --replicas R: DIR/r1 ... DIR/rR and DIR/mean.csv (mean and standard error per sample).",
        .output = "Prints 'replica <k>: <n> samples, last E_IS_eV_per_atom=<v>' per replica; --json:\n"
                  "{\"replicas\": [{\"replica\", \"samples\", \"E_IS_last_eV_per_atom\"}, ...]}.",
        CLI_SPEC_OPTS(opts),
    };
    if (what == CLI_DOC_MAN) {
        cli_man_mode(&spec, "MD ALONG A THERMAL PROTOCOL (--protocol)", fp);
        return CLI_OK;
    }
    if (what == CLI_DOC_COMPLETE) {
        cli_complete_mode(&spec, base, fp);
        return CLI_OK;
    }
    int prc, npos;
    if (cli_parse(&spec, argc, argv, &npos, &prc))
        return prc;
    int replicas_given = o.replicas > 0;
    if (!replicas_given)
        o.replicas = 1;
    pel_min_algo_parse(algo, &p.min.algo, &err); /* cannot fail: the table checked the word */
    p.nthreads = (int)o.threads;
    if (cli_engine_check(CMD, &eo, &o.potential)) return CLI_USAGE;
    if (!cli_engine_is_eam(&eo) && !o.data)
        return cli_errorf(CMD, CLI_USAGE, "--engine lammps needs --data (a start with Masses; no random liquid)");
    pel_engine_spec es = {eo.type, eo.pair, eo.npair};
    if (!cli_engine_is_eam(&eo)) p.engine = &es;

    pel_protocol pr = {0};
    if (pel_protocol_parse(o.protocol_text, &pr, &err)) return cli_fail(CMD, &err), CLI_USAGE;
    p.protocol = &pr;
    pel_eam *pot = NULL;
    pel_system *start = NULL;
    int rc = CLI_FAIL;
    if (cli_engine_is_eam(&eo) && pel_eam_read_auto(o.potential, &pot, &err)) {
        cli_fail(CMD, &err);
        goto out;
    }
    if (o.data) {
        if (pel_system_read_data(o.data, o.elements, &start, &err)) {
            cli_fail(CMD, &err);
            goto out;
        }
        cli_note_ignored(CMD, start);
        p.start = start;
        if (replicas_given) p.new_velocities = 1;
    } else {
        pel_liquid_params_cuzr(&p.liquid, (size_t)o.natoms, 0.56, o.density, (uint64_t)o.seed);
        if (pel_quench_parse_composition(o.composition, pot, &p.liquid, &err)) {
            rc = CLI_USAGE;
            cli_fail(CMD, &err);
            goto out;
        }
    }
    long total;
    if (pel_mdrun_steps(&p, NULL, &total, &err)) {
        rc = CLI_USAGE;
        cli_fail(CMD, &err);
        goto out;
    }
    if (mkdir(o.outdir, 0777) != 0 && errno != EEXIST) {
        cli_errorf(CMD, CLI_FAIL, "cannot create directory %s: %s", o.outdir, strerror(errno));
        goto out;
    }
    pel_mdrun_row **rows = calloc((size_t)o.replicas, sizeof *rows);
    size_t *nrows = calloc((size_t)o.replicas, sizeof *nrows);
    if (!rows || !nrows) {
        free(rows), free(nrows);
        cli_errorf(CMD, CLI_FAIL, "out of memory");
        goto out;
    }
    rc = CLI_OK;
    json_t *jrep = json ? json_array() : NULL;
    for (long k = 0; k < o.replicas && rc == CLI_OK; k++) {
        char dir[4096];
        if (!replicas_given) snprintf(dir, sizeof dir, "%s", o.outdir);
        else if (snprintf(dir, sizeof dir, "%s/r%ld", o.outdir, k + 1) >= (int)sizeof dir) {
            rc = cli_errorf(CMD, CLI_USAGE, "--out path too long");
            break;
        }
        rc = run_replica(pot, &p, &o, dir, k, &rows[k], &nrows[k]);
        if (rc == CLI_OK && nrows[k] && json)
            json_array_append_new(jrep, json_pack("{s:I,s:I,s:o}", "replica", (json_int_t)(k + 1), "samples",
                                                  (json_int_t)nrows[k], "E_IS_last_eV_per_atom",
                                                  cli_jnum(rows[k][nrows[k] - 1].e_is)));
        else if (rc == CLI_OK && nrows[k])
            printf("replica %ld: %zu samples, last E_IS_eV_per_atom=%.17g\n", k + 1, nrows[k],
                   rows[k][nrows[k] - 1].e_is);
    }
    if (rc == CLI_OK && replicas_given) {
        char mp[4096];
        pel_mdrun_mean_row *m = calloc(nrows[0] ? nrows[0] : 1, sizeof *m);
        if (!m) rc = cli_errorf(CMD, CLI_FAIL, "out of memory");
        else if (path_join(mp, sizeof mp, o.outdir, "mean.csv")) rc = cli_errorf(CMD, CLI_USAGE, "--out path too long");
        else if (pel_mdrun_replica_mean((const pel_mdrun_row *const *)rows, nrows, (size_t)o.replicas, m, &err) ||
                 write_mean(mp, m, nrows[0], &err))
            rc = cli_fail(CMD, &err);
        free(m);
    }
    if (rc == CLI_OK && json)
        rc = cli_json_print(CMD, json_pack("{s:o}", "replicas", jrep));
    else
        json_decref(jrep);
    for (long k = 0; k < o.replicas; k++)
        free(rows[k]);
    free(rows);
    free(nrows);
out:
    pel_system_free(&start);
    pel_eam_free(&pot);
    pel_protocol_clear(&pr);
    return rc;
}

int cli_md_protocol(int argc, char **argv)
{
    return md_protocol(argc, argv, NULL, -1, NULL);
}

void cli_md_protocol_doc(FILE *fp, int what, const cli_spec *base)
{
    md_protocol(0, NULL, fp, what, base);
}
