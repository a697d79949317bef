/* cmd_md.c - `pel md`: NVE / NVT / NPT-iso molecular dynamics on a LAMMPS
 * data file with LAMMPS fix nve/nvt/npt conventions; thermo lines as CSV on
 * stdout (or a file), optional LAMMPS dump trajectory, final state as a data
 * file; with --checkpoint the run can be killed and resumed (--resume) and
 * ends with the same outputs, byte for byte, as an uninterrupted run. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_model.h"
#include "cli_opt.h"
#include "cli_atoms.h"
#include "cli_mdrun.h"
#include "art_mpi.h"
#include "md_lammps.h"
#include "pel/eam.h"
#include "pel/md.h"
#include "pel/util.h"

static const char *CMD = "md";
#define MD_PROGRESS_STEPS 1000   /* steps between progress reports */
#define MD_PROGRESS_MIN_RUN 10000 /* shorter runs show no progress line */

/* One thermo line; a non-finite value is never printed (returns nonzero). */
static int print_thermo(void *ctx, const pel_md_thermo *th)
{
    FILE *fp = ctx;
    double v[6] = {th->T, th->pe, th->ke, th->etotal, th->p_bar, th->volume};
    for (int k = 0; k < 6; k++)
        if (!isfinite(v[k]))
            return 1;
    fprintf(fp, "%ld", th->step);
    for (int k = 0; k < 6; k++)
        fprintf(fp, ",%.12g", v[k]);
    fprintf(fp, "\n");
    return 0;
}

/* Open an output file that a resumed run continues: cut back to `len` bytes
 * (what the checkpoint saw), then append.  len < 0: create afresh. */
static FILE *open_resumable(const char *path, long len, pel_error *err)
{
    if (len < 0) {
        FILE *fp = fopen(path, "w");
        if (!fp)
            pel_error_set(err, PEL_EIO, "cannot write %s: %s", path, strerror(errno));
        return fp;
    }
    struct stat sb;
    if (stat(path, &sb) != 0 || sb.st_size < len) {
        pel_error_set(err, PEL_ESTATE, "%s is missing or shorter than the checkpoint records (%ld bytes)", path, len);
        return NULL;
    }
    if (truncate(path, len) != 0) {
        pel_error_set(err, PEL_EIO, "cannot cut %s back to the checkpoint: %s", path, strerror(errno));
        return NULL;
    }
    FILE *fp = fopen(path, "a");
    if (!fp)
        pel_error_set(err, PEL_EIO, "cannot append to %s: %s", path, strerror(errno));
    return fp;
}

/* Flush a file to disk and return its length (-1 on failure). */
static long sync_len(FILE *fp)
{
    if (!fp)
        return 0;
    if (fflush(fp) != 0 || fsync(fileno(fp)) != 0)
        return -1;
    return ftell(fp);
}

/* The run's outputs, written through the library's hooks (pel_md_job). */
typedef struct md_out {
    const char *thermo_out, *dump;
    int checkpointed, header; /* header: the thermo header is still to print */
    long steps, thermo;
    FILE *tf, *df;            /* thermo and dump streams */
    pel_afile af;             /* the dump of a run without checkpoints */
    cli_progress prog;
} md_out;

static int out_open(void *ctx, long thermo_len, long dump_len, pel_error *err)
{
    md_out *o = ctx;
    o->header = thermo_len < 0 && o->thermo > 0;
    if (o->thermo_out && o->thermo > 0 && !(o->tf = open_resumable(o->thermo_out, thermo_len, err)))
        return err->code;
    if (o->dump && o->checkpointed && !(o->df = open_resumable(o->dump, dump_len, err)))
        return err->code;
    if (o->dump && !o->checkpointed) {
        int rc = pel_afile_open(&o->af, o->dump, err);
        if (rc)
            return rc;
        o->df = o->af.fp;
    }
    return PEL_OK;
}

static int out_thermo(void *ctx, const pel_md_thermo *th)
{
    md_out *o = ctx;
    if (o->header)
        fprintf(o->tf, "step,T_K,PE_eV,KE_eV,Etotal_eV,P_bar,V_A3\n");
    o->header = 0;
    return print_thermo(o->tf, th);
}

static int out_dump(void *ctx, const pel_system *sys, long step, pel_error *err)
{
    md_out *o = ctx;
    return pel_system_write_dump(sys, o->df, step, err);
}

static int out_sync(void *ctx, long *thermo_len, long *dump_len, pel_error *err)
{
    md_out *o = ctx;
    *thermo_len = o->thermo > 0 ? sync_len(o->tf) : -1;
    *dump_len = o->dump ? sync_len(o->df) : -1;
    if ((o->thermo > 0 && *thermo_len < 0) || (o->dump && *dump_len < 0))
        return pel_error_set(err, PEL_EIO, "cannot flush the thermo or dump file to disk");
    return PEL_OK;
}

static int out_progress(void *ctx, double done, double total, const char *note)
{
    md_out *o = ctx;
    if (o->steps >= MD_PROGRESS_MIN_RUN)
        cli_progress_cb(&o->prog, done, total, note);
    return 0;
}

/* The final state for --json, as pel_md_thermo_now reports it: forces from
 * the run's engine (or a fresh EAM engine) on the final positions. */
static int final_thermo(const cli_engine_opts *eo, const pel_eam *pot, const pel_system *sys, double skin,
                        int nthreads, pel_engine *engine, long step, pel_md_thermo *th, pel_error *err)
{
    pel_engine *own = NULL;
    double *f = malloc(3 * sys->n * sizeof *f);
    int rc = f ? PEL_OK : pel_error_set(err, PEL_ENOMEM, "out of memory for %zu forces", sys->n);
    if (!rc && !engine && !(rc = cli_engine_new(eo, pot, sys, skin, nthreads, &own, err)))
        engine = own;
    pel_forces res = {.f = f};
    if (!rc && !(rc = pel_engine_compute(engine, sys, &res, err))) {
        th->step = step;
        th->ke = pel_system_kinetic(sys);
        th->T = pel_system_temperature(sys);
        th->pe = res.energy;
        th->etotal = th->pe + th->ke;
        th->p_bar = pel_system_pressure(sys, res.virial, 1);
        th->volume = pel_system_volume(sys);
    }
    pel_engine_free(&own);
    free(f);
    return rc;
}

int cli_cmd_md(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) /* MD along a thermal protocol: its own options (cmd_mdrun.c) */
        if (!strcmp(argv[i], "--protocol") || !strncmp(argv[i], "--protocol=", 11)) return cli_md_protocol(argc, argv);
    cli_engine_opts eo;
    cli_engine_opts_init(&eo);
    /* potential stays NULL unless given: --engine lammps refuses it */
    const char *in = NULL, *out = NULL, *potential = NULL, *elements = NULL, *dump = NULL;
    const char *ens = NULL, *thermo_out = NULL, *ckpath = NULL;
    long ck_every = 10000;
    int resume = 0, json = 0;
    double T = NAN, Tstop = NAN, skin = 1.0;
    long steps = -1, seed = -1, thermo = 100, dump_every = 0, threads = CLI_DEFAULT_THREADS;
    pel_md_params mp;
    pel_md_params_default(&mp);
    const cli_opt opts[] = {
        {.name = "data", .kind = CLI_FILE, .dest = &in, .arg = "FILE", .help = "LAMMPS data file to start from",
         .flags = CLI_REQ},
        {.name = "out", .kind = CLI_FILE, .dest = &out, .arg = "FILE", .help = "LAMMPS data file of the final state",
         .flags = CLI_REQ},
        {.name = "ensemble", .kind = CLI_ENUM, .dest = &ens, .choices = "nve|nvt|npt",
         .help = "LAMMPS fix nve, nvt or npt iso", .flags = CLI_REQ},
        {.name = "T", .kind = CLI_DOUBLE, .dest = &T, .arg = "K",
         .help = "thermostat target (NVT/NPT) and temperature of created velocities", .unit = "K", .lo = 0,
         .hi = 1e6, .flags = CLI_GT | CLI_LT},
        {.name = "T-stop", .kind = CLI_DOUBLE, .dest = &Tstop, .arg = "K",
         .help = "ramp the target linearly to this value over the run", .def = "--T", .unit = "K", .lo = 0,
         .hi = 1e6, .flags = CLI_GT | CLI_LT},
        CLI_OPT_P(&mp.p_start_bar),
        {.name = "steps", .kind = CLI_LONG, .dest = &steps, .arg = "N", .help = "MD steps", .lo = 0,
         .flags = CLI_REQ | CLI_GE},
        CLI_OPT_DT(&mp.dt),
        {.name = "seed", .kind = CLI_LONG, .dest = &seed, .arg = "S",
         .help = "create Gaussian velocities at --T with this seed",
         .def = "keep the file's Velocities; created with seed 1 if it has none", .lo = 0, .flags = CLI_GE},
        CLI_OPT_TDAMP(&mp.tdamp),
        CLI_OPT_PDAMP(&mp.pdamp),
        {.name = "thermo", .kind = CLI_LONG, .dest = &thermo, .arg = "N", .help = "thermo line every N steps (0: none)",
         .def = "100", .lo = 0, .flags = CLI_GE},
        {.name = "dump", .kind = CLI_FILE, .dest = &dump, .arg = "FILE",
         .help = "LAMMPS dump trajectory (id type x y z), every --dump-every steps"},
        {.name = "dump-every", .kind = CLI_LONG, .dest = &dump_every, .arg = "N", .help = "steps between dump frames",
         .lo = 1, .flags = CLI_GE},
        CLI_OPT_POTENTIAL(&potential),
        CLI_OPT_ELEMENTS(&elements),
        {.name = "skin", .kind = CLI_DOUBLE, .dest = &skin, .arg = "A", .help = "neighbour skin", .def = "1.0",
         .unit = "Å", .lo = 0, .hi = 10, .flags = CLI_GE | CLI_LT},
        {.name = "thermo-out", .kind = CLI_FILE, .dest = &thermo_out, .arg = "FILE",
         .help = "thermo lines to FILE instead of stdout"},
        {.name = "checkpoint", .kind = CLI_FILE, .dest = &ckpath, .arg = "FILE",
         .help = "save the run state to FILE every --checkpoint-every steps (needs --thermo-out when --thermo > 0)"},
        {.name = "checkpoint-every", .kind = CLI_LONG, .dest = &ck_every, .arg = "N", .help = "steps between checkpoints",
         .def = "10000", .lo = 1, .flags = CLI_GE},
        {.name = "resume", .kind = CLI_FLAG, .dest = &resume,
         .help = "continue from --checkpoint after a kill: thermo and dump files are cut back to the checkpoint "
                 "and continued (same options required)"},
        CLI_OPT_THREADS(&threads),
        CLI_OPTS_ENGINE(&eo),
        CLI_OPT_JSON(&json, "print the final state as one object (thermo lines then only with --thermo-out)"),
    };
    const cli_spec spec = {
        .name = CMD,
        .synopsis = "--data IN --ensemble nve|nvt|npt --T K --steps N --out OUT [options]\n"
                    "pel md --protocol P [options]   (MD along a thermal protocol: pel md --protocol x --help)",
        .about = "Molecular dynamics as LAMMPS fix nve / nvt / npt iso (metal units).",
        .output = "Thermo lines on stdout (or --thermo-out): step,T_K,PE_eV,KE_eV,Etotal_eV,P_bar,V_A3.\n"
                  "--json: the final state as one object with the same keys.",
        CLI_SPEC_OPTS(opts),
        .mode_doc = cli_md_protocol_doc,
    };
    int prc, npos;
    if (cli_parse(&spec, argc, argv, &npos, &prc))
        return prc;
    if (cli_engine_check(CMD, &eo, &potential)) return CLI_USAGE;
    if (ckpath && !cli_engine_is_eam(&eo))
        return cli_errorf(CMD, CLI_USAGE, "--checkpoint is not available with --engine lammps yet");
    if (json && !thermo_out)
        thermo = 0; /* stdout holds the object alone */
    mp.ensemble = !strcmp(ens, "nve") ? PEL_MD_NVE : !strcmp(ens, "nvt") ? PEL_MD_NVT : PEL_MD_NPT;
    if (mp.ensemble != PEL_MD_NVE && isnan(T)) return cli_errorf(CMD, CLI_USAGE, "--T is required for %s", ens);
    if (dump && dump_every <= 0) return cli_errorf(CMD, CLI_USAGE, "--dump needs --dump-every N");
    if (!dump && dump_every) return cli_errorf(CMD, CLI_USAGE, "--dump-every needs --dump FILE");
    if (seed >= 0 && isnan(T)) return cli_errorf(CMD, CLI_USAGE, "--seed needs --T for the created velocities");
    if (resume && !ckpath) return cli_errorf(CMD, CLI_USAGE, "--resume needs --checkpoint FILE");
    if (ckpath && thermo > 0 && !thermo_out)
        return cli_errorf(CMD, CLI_USAGE, "--checkpoint needs --thermo-out FILE (thermo lines are resumed with the run)");
    struct stat ck_sb;
    if (ckpath && !resume && stat(ckpath, &ck_sb) == 0)
        return cli_errorf(CMD, CLI_FAIL, "%s exists: continue with --resume or remove it", ckpath);
    mp.t_start = isnan(T) ? 300.0 : T;
    mp.t_stop = isnan(Tstop) ? mp.t_start : Tstop;
    mp.p_stop_bar = mp.p_start_bar;
    if (!cli_engine_is_eam(&eo) && cli_launched_by_mpi()) { /* LAMMPS runs the MD over the ranks */
        if (dump || ckpath) return cli_errorf(CMD, CLI_USAGE, "--dump and --checkpoint are not available under mpirun");
        cli_md_lmp a = {in, out, elements, thermo_out, &eo, mp, steps, seed, thermo, !isnan(T), skin, json};
        return cli_md_lammps_mpi(CMD, &a, &argc, &argv);
    }

    pel_md_job job;
    pel_md_job_default(&job);
    job.md = mp;
    job.steps = steps;
    job.seed = seed;
    job.have_T = !isnan(T);
    job.skin = skin;
    job.nthreads = (int)threads;
    job.thermo_every = thermo;
    job.dump_every = dump_every;
    job.checkpoint_every = ck_every;
    job.checkpoint_path = ckpath;
    job.resume = resume;
    job.data_path = in;
    job.potential_path = potential;
    job.thermo_path = thermo_out;
    job.dump_path = dump;
    md_out o = {thermo_out, dump, ckpath != NULL, 0, steps, thermo, stdout, NULL, {0}, {0}};
    const pel_md_job_hooks hooks = {&o, out_open, out_thermo, out_dump, out_sync, out_progress};

    pel_error err = {0};
    pel_eam *pot = NULL;
    pel_system *sys = NULL;
    pel_engine *engine = NULL;
    int rc = cli_engine_is_eam(&eo) ? pel_eam_read_auto(potential, &pot, &err) : PEL_OK;
    if (!rc) rc = pel_system_read_data(in, elements, &sys, &err);
    if (!rc) cli_note_ignored(CMD, sys);
    /* another engine is built here once (no checkpoints: it is never rebuilt) */
    if (!rc && !cli_engine_is_eam(&eo) && !(rc = cli_engine_new(&eo, pot, sys, skin, (int)threads, &engine, &err)))
        job.engine = engine;
    /* LAMMPS write_data leaves an all-zero Velocities section after a
     * minimisation: treated as no velocities at all (docs/md.md). */
    if (!rc && !resume && sys->has_velocities && pel_md_at_rest(sys) && seed < 0)
        fprintf(stderr, "pel md: note: the Velocities of %s are all zero; %s\n", in,
                isnan(T) ? "the run starts from rest (give --T to create velocities)"
                         : "velocities created at --T (seed 1)");
    cli_progress_init(&o.prog, "pel md", 60.0);
    if (!rc) rc = pel_md_job_run(pot, &sys, &job, &hooks, &err);
    if (steps >= MD_PROGRESS_MIN_RUN) cli_progress_end(&o.prog);
    if (!rc && dump && !ckpath) rc = pel_afile_commit(&o.af, &err);
    if (dump && ckpath && o.df && fclose(o.df) != 0 && !rc) rc = pel_error_set(&err, PEL_EIO, "cannot write %s", dump);
    if (o.tf && o.tf != stdout && fclose(o.tf) != 0 && !rc)
        rc = pel_error_set(&err, PEL_EIO, "cannot write %s", thermo_out);
    pel_md_thermo fin = {0};
    if (!rc && json)
        rc = final_thermo(&eo, pot, sys, skin, (int)threads, engine, steps, &fin, &err);
    if (!rc) {
        pel_system_wrap(sys);
        rc = pel_system_write_data(sys, out, "pel md", &err);
    }
    if (!rc && json) {
        json_t *o = json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:o}", "step", (json_int_t)fin.step, "T_K", cli_jnum(fin.T),
                              "PE_eV", cli_jnum(fin.pe), "KE_eV", cli_jnum(fin.ke), "Etotal_eV", cli_jnum(fin.etotal),
                              "P_bar", cli_jnum(fin.p_bar), "V_A3", cli_jnum(fin.volume));
        if (cli_json_print(CMD, o) != CLI_OK)
            rc = pel_error_set(&err, PEL_EIO, "cannot write the JSON summary");
    }
    if (rc && dump && !ckpath && o.af.fp) pel_afile_abort(&o.af);
    pel_engine_free(&engine);
    pel_system_free(&sys);
    pel_eam_free(&pot);
    fflush(stdout);
    return rc ? cli_fail(CMD, &err) : CLI_OK;
}
