/* cmd_md.c - `pel md`: NVE / NVT / NPT-iso molecular dynamics on a LAMMPS
 * data file with LAMMPS fix nve/nvt/npt conventions; thermo lines as CSV on
 * stdout (or a file), optional LAMMPS dump trajectory, final state as a data
 * file; with --checkpoint the run can be killed and resumed (--resume) and
 * ends with the same outputs, byte for byte, as an uninterrupted run. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
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

static void usage(FILE *fp)
{
    fprintf(fp, "usage: pel md --data <in> --ensemble nve|nvt|npt --T <K> --steps N --out <data> [options]\n"
                "Molecular dynamics as LAMMPS fix nve / nvt / npt iso (metal units).  Thermo output\n"
                "on stdout: step,T_K,PE_eV,KE_eV,Etotal_eV,P_bar,V_A3.\n\n"
                "  --T K               thermostat target (NVT/NPT) and temperature of created velocities\n"
                "  --T-stop K          ramp the target linearly to this value over the run (default --T)\n"
                "  --P BAR             NPT target pressure, bar (default 0)\n"
                "  --dt PS             timestep, ps (default 0.001)\n"
                "  --seed S            create Gaussian velocities at --T with this seed (default: keep the\n"
                "                      file's Velocities; created with seed 1 if it has none)\n"
                "  --Tdamp PS --Pdamp PS  damping times, ps (default 0.1 and 1.0)\n"
                "  --thermo N          thermo line every N steps (default 100; 0 = none)\n"
                "  --dump FILE --dump-every N  LAMMPS dump trajectory (id type x y z)\n"
                "  --potential FILE    EAM potential (default " PEL_EAM_DEFAULT_PATH ")\n"
                "  --elements A,B      element of each atom type (default: from the data file)\n"
                "  --skin A            neighbour skin, Å (default 1.0)\n"
                "  --thermo-out FILE   thermo lines to FILE instead of stdout\n"
                "  --checkpoint FILE   save the run state to FILE every --checkpoint-every steps (default\n"
                "                      10000; needs --thermo-out when --thermo > 0) ...\n"
                "  --resume            ... and continue from it after a kill: thermo and dump files are cut\n"
                "                      back to the checkpoint and continued (same options required)\n"
                "  --threads N         OpenMP threads (default 1: never slower on a busy machine)\n"
                CLI_ENGINE_HELP
                "  --help\n"
                "With --protocol \"...\": MD along a thermal protocol with inherent structures sampled\n"
                "(see pel md --protocol x --help).\n");
}

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

int cli_cmd_md(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) /* MD along a thermal protocol: its own options (cmd_mdrun.c) */
        if (!strcmp(argv[i], "--protocol") || !strncmp(argv[i], "--protocol=", 11)) return cli_md_protocol(argc, argv);
    static const struct option opts[] = {
        {"data", required_argument, 0, 'i'},     {"out", required_argument, 0, 'o'},
        {"ensemble", required_argument, 0, 'E'}, {"T", required_argument, 0, 'T'},
        {"T-stop", required_argument, 0, 'U'},   {"P", required_argument, 0, 'P'},
        {"steps", required_argument, 0, 'n'},    {"dt", required_argument, 0, 't'},
        {"seed", required_argument, 0, 's'},     {"Tdamp", required_argument, 0, 'a'},
        {"Pdamp", required_argument, 0, 'b'},    {"thermo", required_argument, 0, 'r'},
        {"dump", required_argument, 0, 'd'},     {"dump-every", required_argument, 0, 'D'},
        {"potential", required_argument, 0, 'p'}, {"elements", required_argument, 0, 'e'},
        {"skin", required_argument, 0, 'k'},     {"threads", required_argument, 0, 'j'},
        {"thermo-out", required_argument, 0, 'f'}, {"checkpoint", required_argument, 0, 'c'},
        {"checkpoint-every", required_argument, 0, 'C'}, {"resume", no_argument, 0, 'R'},
        {"help", no_argument, 0, 'h'},           CLI_ENGINE_OPTIONS, {0, 0, 0, 0}};
    cli_engine_opts eo;
    cli_engine_opts_init(&eo);
    int potential_given = 0;
    const char *in = NULL, *out = NULL, *potential = PEL_EAM_DEFAULT_PATH, *elements = NULL, *dump = NULL;
    const char *ens = NULL, *thermo_out = NULL, *ckpath = NULL;
    long ck_every = 10000;
    int resume = 0;
    double T = NAN, Tstop = NAN, skin = 1.0;
    long steps = -1, seed = -1, thermo = 100, dump_every = 0, threads = CLI_DEFAULT_THREADS;
    pel_md_params mp;
    pel_md_params_default(&mp);
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'i': in = optarg; break;
        case 'o': out = optarg; break;
        case 'E': ens = optarg; break;
        case 'T': if (cli_double(CMD, "--T", optarg, &T)) return CLI_USAGE; break;
        case 'U': if (cli_double(CMD, "--T-stop", optarg, &Tstop)) return CLI_USAGE; break;
        case 'P': if (cli_double(CMD, "--P", optarg, &mp.p_start_bar)) return CLI_USAGE; break;
        case 'n': if (cli_long(CMD, "--steps", optarg, &steps)) return CLI_USAGE; break;
        case 't': if (cli_double(CMD, "--dt", optarg, &mp.dt)) return CLI_USAGE; break;
        case 's': if (cli_long(CMD, "--seed", optarg, &seed)) return CLI_USAGE; break;
        case 'a': if (cli_double(CMD, "--Tdamp", optarg, &mp.tdamp)) return CLI_USAGE; break;
        case 'b': if (cli_double(CMD, "--Pdamp", optarg, &mp.pdamp)) return CLI_USAGE; break;
        case 'r': if (cli_long(CMD, "--thermo", optarg, &thermo)) return CLI_USAGE; break;
        case 'd': dump = optarg; break;
        case 'D': if (cli_long(CMD, "--dump-every", optarg, &dump_every)) return CLI_USAGE; break;
        case 'p': potential = optarg; potential_given = 1; break;
        case CLI_OPT_ENGINE:
        case CLI_OPT_PAIR: if (cli_engine_opt(CMD, &eo, c, optarg)) return CLI_USAGE; break;
        case 'e': elements = optarg; break;
        case 'k': if (cli_double(CMD, "--skin", optarg, &skin)) return CLI_USAGE; break;
        case 'j': if (cli_long(CMD, "--threads", optarg, &threads)) return CLI_USAGE; break;
        case 'f': thermo_out = optarg; break;
        case 'c': ckpath = optarg; break;
        case 'C': if (cli_long(CMD, "--checkpoint-every", optarg, &ck_every)) return CLI_USAGE; break;
        case 'R': resume = 1; break;
        case 'h': usage(stdout); return CLI_OK;
        case ':': return cli_errorf(CMD, CLI_USAGE, "option %s needs a value", argv[optind - 1]);
        default: return cli_errorf(CMD, CLI_USAGE, "unknown option %s (see --help)", argv[optind - 1]);
        }
    }
    if (optind < argc) return cli_errorf(CMD, CLI_USAGE, "unexpected argument '%s'", argv[optind]);
    if (!in) return cli_errorf(CMD, CLI_USAGE, "--data <file> is required");
    if (!out) return cli_errorf(CMD, CLI_USAGE, "--out <file> is required");
    if (!ens) return cli_errorf(CMD, CLI_USAGE, "--ensemble nve|nvt|npt is required");
    if (cli_engine_check(CMD, &eo, potential_given)) return CLI_USAGE;
    if (ckpath && !cli_engine_is_eam(&eo))
        return cli_errorf(CMD, CLI_USAGE, "--checkpoint is not available with --engine lammps yet");
    if (!strcmp(ens, "nve")) mp.ensemble = PEL_MD_NVE;
    else if (!strcmp(ens, "nvt")) mp.ensemble = PEL_MD_NVT;
    else if (!strcmp(ens, "npt")) mp.ensemble = PEL_MD_NPT;
    else return cli_errorf(CMD, CLI_USAGE, "unknown ensemble '%s' (nve, nvt or npt)", ens);
    if (steps < 0) return cli_errorf(CMD, CLI_USAGE, "--steps N (>= 0) is required");
    if (mp.ensemble != PEL_MD_NVE && isnan(T)) return cli_errorf(CMD, CLI_USAGE, "--T is required for %s", ens);
    if (!isnan(T) && !(T > 0 && T < 1e6)) return cli_errorf(CMD, CLI_USAGE, "--T %g K out of range (0, 1e6)", T);
    if (!isnan(Tstop) && !(Tstop > 0 && Tstop < 1e6))
        return cli_errorf(CMD, CLI_USAGE, "--T-stop %g K out of range (0, 1e6)", Tstop);
    if (!(mp.dt > 0 && mp.dt < 0.1)) return cli_errorf(CMD, CLI_USAGE, "--dt %g ps out of range (0, 0.1)", mp.dt);
    if (!(mp.tdamp > 0)) return cli_errorf(CMD, CLI_USAGE, "--Tdamp must be > 0");
    if (!(mp.pdamp > 0)) return cli_errorf(CMD, CLI_USAGE, "--Pdamp must be > 0");
    if (thermo < 0) return cli_errorf(CMD, CLI_USAGE, "--thermo must be >= 0");
    if (dump && dump_every <= 0) return cli_errorf(CMD, CLI_USAGE, "--dump needs --dump-every N > 0");
    if (!dump && dump_every) return cli_errorf(CMD, CLI_USAGE, "--dump-every needs --dump FILE");
    if (!(skin >= 0 && skin < 10)) return cli_errorf(CMD, CLI_USAGE, "--skin %g Å out of range [0, 10)", skin);
    if (threads < 1 || threads > 256) return cli_errorf(CMD, CLI_USAGE, "--threads %ld out of range 1..256", threads);
    if (seed >= 0 && isnan(T)) return cli_errorf(CMD, CLI_USAGE, "--seed needs --T for the created velocities");
    if (ck_every <= 0) return cli_errorf(CMD, CLI_USAGE, "--checkpoint-every must be > 0");
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
        cli_md_lmp a = {in, out, elements, thermo_out, &eo, mp, steps, seed, thermo, !isnan(T), skin};
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
    if (!rc) {
        pel_system_wrap(sys);
        rc = pel_system_write_data(sys, out, "pel md", &err);
    }
    if (rc && dump && !ckpath && o.af.fp) pel_afile_abort(&o.af);
    pel_engine_free(&engine);
    pel_system_free(&sys);
    pel_eam_free(&pot);
    fflush(stdout);
    return rc ? cli_fail(CMD, &err) : CLI_OK;
}
