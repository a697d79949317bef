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

static int all_zero(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] != 0.0)
            return 0;
    return 1;
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

/* The files a checkpoint names (their identities follow the step count in
 * the checkpoint's extra integers, three each: size, head and tail hash). */
enum { MD_THERMO, MD_DUMP, MD_DATA, MD_POT, MD_NFILES };
#define MD_CK_NEXTRA (1 + 3 * MD_NFILES)
static const char *const md_file_role[MD_NFILES] = {"--thermo-out", "--dump", "--data", "--potential"};

static void pack_extra(int64_t *ex, long done, const pel_file_id *ids)
{
    ex[0] = done;
    for (int f = 0; f < MD_NFILES; f++) {
        ex[1 + 3 * f] = ids[f].size;
        memcpy(&ex[2 + 3 * f], &ids[f].head, sizeof ids[f].head);
        memcpy(&ex[3 + 3 * f], &ids[f].tail, sizeof ids[f].tail);
    }
}

/* Resume: the data file and the potential must be those the run started
 * from, and the thermo and dump files (which a resume cuts back) must begin
 * with what the checkpoint saw, so an unrelated file given by mistake is
 * refused before anything is truncated.  Fills ids[] from the checkpoint. */
static int check_resume_files(const int64_t *ex, pel_file_id *ids, const char *data, const char *pot,
                              const char *thermo, const char *dump, pel_error *err)
{
    const char *path[MD_NFILES] = {thermo, dump, data, pot};
    for (int f = 0; f < MD_NFILES; f++) {
        pel_file_id want = {ex[1 + 3 * f], 0, 0}, have;
        memcpy(&want.head, &ex[2 + 3 * f], sizeof want.head);
        memcpy(&want.tail, &ex[3 + 3 * f], sizeof want.tail);
        if (f >= MD_DATA) {
            have = ids[f]; /* the whole file, read before the checkpoint */
        } else if (!path[f] || want.size < 0) {
            ids[f] = want;
            continue;
        } else if (pel_file_id_get(path[f], want.size, PEL_FILE_ID_WINDOW, &have, NULL) != PEL_OK) {
            return pel_error_set(err, PEL_ESTATE, "%s %s is missing or shorter than the checkpoint records (%lld bytes)",
                                 md_file_role[f], path[f], (long long)want.size);
        }
        if (!pel_file_id_equal(&want, &have))
            return pel_error_set(err, PEL_ESTATE,
                                 "%s %s is not the file of the checkpointed run (its contents differ): nothing changed",
                                 md_file_role[f], path[f]);
        ids[f] = want;
    }
    return PEL_OK;
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

    pel_error err = {0};
    pel_eam *pot = NULL;
    pel_system *sys = NULL;
    pel_engine *calc = NULL;
    pel_md *md = NULL;
    pel_afile af = {0};
    FILE *tf = stdout, *df = NULL; /* thermo and dump streams */
    long done = 0;
    int rc = cli_engine_is_eam(&eo) ? pel_eam_read_auto(potential, &pot, &err) : PEL_OK;
    if (!rc) rc = pel_system_read_data(in, elements, &sys, &err);
    if (!rc) cli_note_ignored(CMD, sys);
    /* What fixes the trajectory and the outputs: a resume must repeat it. */
    const double fp[] = {(double)mp.ensemble, mp.t_start, mp.t_stop, mp.p_start_bar, mp.dt, (double)steps,
                         mp.tdamp, mp.pdamp, (double)thermo, (double)dump_every, (double)ck_every, skin,
                         (double)seed, sys ? (double)sys->n : 0.0};
    const size_t nfp = sizeof fp / sizeof fp[0];
    /* What a resume must find again: the steps done, then the identity of the
     * thermo file, the dump file, the data file and the potential. */
    int64_t extra[MD_CK_NEXTRA] = {0};
    pel_file_id ids[MD_NFILES] = {{-1, 0, 0}, {-1, 0, 0}, {0, 0, 0}, {0, 0, 0}};
    if (!rc && ckpath)
        rc = pel_file_id_get(in, -1, 0, &ids[MD_DATA], &err);
    if (!rc && ckpath)
        rc = pel_file_id_get(potential, -1, 0, &ids[MD_POT], &err);
    pel_md_state st;
    if (!rc && resume) {
        pel_system *cks = NULL;
        rc = pel_md_checkpoint_read(ckpath, fp, nfp, &cks, &st, extra, MD_CK_NEXTRA, &err);
        if (!rc) {
            pel_system_free(&sys);
            sys = cks;
            done = (long)extra[0];
            rc = check_resume_files(extra, ids, in, potential, thermo > 0 ? thermo_out : NULL, dump, &err);
        }
    } else if (!rc) {
        /* LAMMPS write_data leaves an all-zero Velocities section after a
         * minimisation: treated as no velocities at all (docs/md.md). */
        int at_rest = sys->has_velocities && all_zero(sys->v, 3 * sys->n);
        if (at_rest && seed < 0)
            fprintf(stderr, "pel md: note: the Velocities of %s are all zero; %s\n", in,
                    isnan(T) ? "the run starts from rest (give --T to create velocities)"
                             : "velocities created at --T (seed 1)");
        if (seed >= 0 || ((!sys->has_velocities || at_rest) && !isnan(T)))
            rc = pel_md_velocity_create(sys, T, (uint64_t)(seed >= 0 ? seed : 1), &err);
    }
    if (!rc) rc = cli_engine_new(&eo, pot, sys, skin, (int)threads, &calc, &err);
    if (!rc) rc = pel_md_new(&md, calc, sys, &mp, &err);
    if (!rc) rc = pel_md_setup(md, sys, steps, &err);
    if (!rc && resume) pel_md_set_state(md, &st);
    if (!rc && thermo_out && thermo > 0 &&
        !(tf = open_resumable(thermo_out, resume ? (long)ids[MD_THERMO].size : -1, &err)))
        rc = err.code;
    if (!rc && dump && ckpath && !(df = open_resumable(dump, resume ? (long)ids[MD_DUMP].size : -1, &err)))
        rc = err.code;
    if (!rc && dump && !ckpath && !(rc = pel_afile_open(&af, dump, &err))) df = af.fp;
    if (!rc && dump && !resume) rc = pel_system_write_dump(sys, df, 0, &err);
    if (!rc && !resume) {
        pel_md_thermo th;
        pel_md_thermo_now(md, sys, &th);
        if (!(isfinite(th.T) && isfinite(th.pe) && isfinite(th.p_bar)))
            rc = pel_error_set(&err, PEL_ENUMERIC,
                               "%s: the starting state gives non-finite thermo (T %g K, PE %g eV, P %g bar): "
                               "check its positions and Velocities",
                               in, th.T, th.pe, th.p_bar);
        else if (thermo > 0) {
            fprintf(tf, "step,T_K,PE_eV,KE_eV,Etotal_eV,P_bar,V_A3\n");
            print_thermo(tf, &th);
        }
    }
    if (!rc) {
        /* chunks end at every dump frame, checkpoint and at least every MD_PROGRESS_STEPS steps */
        cli_progress prog;
        cli_progress_init(&prog, "pel md", 60.0);
        for (;;) {
            if (ckpath && done % ck_every == 0) {
                /* Save, then restart the engine exactly as a resume does (fresh
                 * neighbour list, forces recomputed), so that both continue
                 * bit for bit. */
                long tl = thermo > 0 ? sync_len(tf) : -1, dl = dump ? sync_len(df) : -1;
                if ((thermo > 0 && tl < 0) || (dump && dl < 0)) {
                    rc = pel_error_set(&err, PEL_EIO, "cannot flush the thermo or dump file to disk");
                    break;
                }
                if (thermo > 0 && (rc = pel_file_id_get(thermo_out, tl, PEL_FILE_ID_WINDOW, &ids[MD_THERMO], &err)))
                    break;
                if (dump && (rc = pel_file_id_get(dump, dl, PEL_FILE_ID_WINDOW, &ids[MD_DUMP], &err))) break;
                int64_t ex[MD_CK_NEXTRA];
                pack_extra(ex, done, ids);
                pel_md_get_state(md, &st);
                if ((rc = pel_md_checkpoint_write(ckpath, fp, nfp, sys, &st, ex, MD_CK_NEXTRA, &err))) break;
                pel_engine_free(&calc);
                if ((rc = cli_engine_new(&eo, pot, sys, skin, (int)threads, &calc, &err))) break;
                if ((rc = pel_md_refresh(md, calc, sys, &err))) break;
            }
            if (done >= steps) break;
            long next = done + MD_PROGRESS_STEPS;
            if (dump && (done / dump_every + 1) * dump_every < next) next = (done / dump_every + 1) * dump_every;
            if (ckpath && (done / ck_every + 1) * ck_every < next) next = (done / ck_every + 1) * ck_every;
            if (next > steps) next = steps;
            rc = pel_md_run(md, sys, next - done, thermo, thermo > 0 ? print_thermo : NULL, tf, &err);
            if (rc) break;
            done = next;
            if (dump && done % dump_every == 0 && (rc = pel_system_write_dump(sys, df, done, &err))) break;
            if (steps >= MD_PROGRESS_MIN_RUN) cli_progress_cb(&prog, (double)done, (double)steps, NULL);
        }
        if (steps >= MD_PROGRESS_MIN_RUN) cli_progress_end(&prog);
    }
    if (!rc && dump && !ckpath) rc = pel_afile_commit(&af, &err);
    if (dump && ckpath && df && fclose(df) != 0 && !rc) rc = pel_error_set(&err, PEL_EIO, "cannot write %s", dump);
    if (tf && tf != stdout && fclose(tf) != 0 && !rc)
        rc = pel_error_set(&err, PEL_EIO, "cannot write %s", thermo_out);
    if (!rc) {
        pel_system_wrap(sys);
        rc = pel_system_write_data(sys, out, "pel md", &err);
    }
    if (rc && dump && !ckpath && af.fp) pel_afile_abort(&af);
    pel_md_free(&md);
    pel_engine_free(&calc);
    pel_system_free(&sys);
    pel_eam_free(&pot);
    fflush(stdout);
    return rc ? cli_fail(CMD, &err) : CLI_OK;
}
