/* cmd_quench.c - `pel quench`: make a glass by MD (melt, NPT cooling at a
 * rate, zero-pressure inherent structures along the way) with checkpoints and
 * --resume.  Output directory: cooling.csv, glass.data, checkpoint.bin,
 * log.txt.  The physics is in src/atoms/quench.c.  Each checkpoint records the
 * length of log.txt (hooks mark/resume); --resume cuts the log back to it, so
 * a killed and resumed run logs every thermo and sample line exactly once. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "cli.h"
#include "cli_atoms.h"
#include "cli_runlog.h"
#include "pel/eam.h"
#include "pel/quench.h"

static const char *CMD = "quench";

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: pel quench --composition Cu56Zr44 --atoms N --rate <K/s|inf> --out <dir> [options]\n"
            "Melt a random liquid, equilibrate it under NPT at --from, cool it under NPT at --rate\n"
            "(dt 1 fs; LAMMPS fix npt iso conventions), minimise a copy to its zero-pressure\n"
            "inherent structure every --sample-every kelvin.  Writes <dir>/cooling.csv\n"
            "(" PEL_QUENCH_CSV_HEADER ")\n"
            "<dir>/glass.data (final inherent structure), <dir>/checkpoint.bin, <dir>/log.txt.\n\n"
            "  --composition S     e.g. Cu56Zr44 (elements of the potential, percentages)\n"
            "  --atoms N           number of atoms (default 2000)\n"
            "  --rate R            cooling rate in K/s, or inf for an instant quench (default 1e13)\n"
            "  --from T            melt/equilibration temperature, K (default 2000)\n"
            "  --to T              final temperature, K (default 0; the thermostat ramp ends at 1 K)\n"
            "  --equilibrate PS    NPT hold at --from before cooling, ps (default 20)\n"
            "  --sample-every K    inherent-structure sampling interval, K (default 50)\n"
            "  --seed S            seed of the random liquid and velocities (default 1)\n"
            "  --density D         start density, atoms/Å^3 (default 0.0555)\n"
            "  --P BAR             pressure, bar (default 0)\n"
            "  --Tdamp PS --Pdamp PS  thermostat/barostat damping times (default 0.1, 1.0)\n"
            "  --algo fire|cg|lbfgs inherent-structure minimiser (default cg)\n"
            "  --is-max-calls N    force-call budget of each inherent-structure minimisation (default 100000)\n"
            "  --allow-unconverged write glass.data even when the final inherent structure did not converge\n"
            "                      (marked in its title, log.txt and stdout); without it that is an error\n"
            "  --potential FILE    EAM potential (default " PEL_EAM_DEFAULT_PATH ")\n"
            "  --threads N         OpenMP threads of the force engine (default 1: never slower on a busy machine)\n"
            CLI_ENGINE_HELP
            "  --masses M1,M2      g/mol of each element of --composition, for --engine lammps\n"
            "  --checkpoint-every N  MD steps between checkpoints (default 10000)\n"
            "  --resume            continue the run in <dir> from its checkpoint (log.txt is cut back to it)\n"
            "  --stop-after N      stop at the first checkpoint at or after MD step N (testing)\n"
            "  --help\n");
}

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
    static const struct option opts[] = {
        {"composition", required_argument, 0, 'c'}, {"atoms", required_argument, 0, 'n'},
        {"rate", required_argument, 0, 'r'},        {"from", required_argument, 0, 'f'},
        {"to", required_argument, 0, 't'},          {"equilibrate", required_argument, 0, 'e'},
        {"sample-every", required_argument, 0, 's'}, {"seed", required_argument, 0, 'S'},
        {"density", required_argument, 0, 'd'},     {"P", required_argument, 0, 'P'},
        {"Tdamp", required_argument, 0, 'T'},       {"Pdamp", required_argument, 0, 'D'},
        {"algo", required_argument, 0, 'a'},        {"potential", required_argument, 0, 'p'},
        {"threads", required_argument, 0, 'j'},     {"checkpoint-every", required_argument, 0, 'k'},
        {"resume", no_argument, 0, 'R'},            {"stop-after", required_argument, 0, 'x'},
        {"out", required_argument, 0, 'o'},         {"help", no_argument, 0, 'h'},
        {"is-max-calls", required_argument, 0, 'M'}, {"allow-unconverged", no_argument, 0, 'U'},
        {"masses", required_argument, 0, 'm'},      CLI_ENGINE_OPTIONS, {0, 0, 0, 0}};
    cli_engine_opts eo;
    cli_engine_opts_init(&eo);
    int potential_given = 0;
    const char *masses = NULL;
    pel_quench_params p;
    pel_quench_params_default(&p);
    const char *composition = "Cu56Zr44", *potential = PEL_EAM_DEFAULT_PATH, *outdir = NULL;
    long natoms = 2000, seed = 1, threads = CLI_DEFAULT_THREADS;
    int allow_unconverged = 0;
    double density = p.liquid.density;
    pel_error err = {0};
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': composition = optarg; break;
        case 'n': if (cli_long(CMD, "--atoms", optarg, &natoms)) return CLI_USAGE; break;
        case 'r':
            if (!strcmp(optarg, "inf")) p.rate_K_per_s = INFINITY;
            else if (cli_double(CMD, "--rate", optarg, &p.rate_K_per_s)) return CLI_USAGE;
            break;
        case 'f': if (cli_double(CMD, "--from", optarg, &p.t_from)) return CLI_USAGE; break;
        case 't': if (cli_double(CMD, "--to", optarg, &p.t_to)) return CLI_USAGE; break;
        case 'e': if (cli_double(CMD, "--equilibrate", optarg, &p.equilibrate_ps)) return CLI_USAGE; break;
        case 's': if (cli_double(CMD, "--sample-every", optarg, &p.sample_every_K)) return CLI_USAGE; break;
        case 'S': if (cli_long(CMD, "--seed", optarg, &seed)) return CLI_USAGE; break;
        case 'd': if (cli_double(CMD, "--density", optarg, &density)) return CLI_USAGE; break;
        case 'P': if (cli_double(CMD, "--P", optarg, &p.p_bar)) return CLI_USAGE; break;
        case 'T': if (cli_double(CMD, "--Tdamp", optarg, &p.tdamp)) return CLI_USAGE; break;
        case 'D': if (cli_double(CMD, "--Pdamp", optarg, &p.pdamp)) return CLI_USAGE; break;
        case 'a':
            if (pel_min_algo_parse(optarg, &p.min.algo, &err)) return cli_fail(CMD, &err), CLI_USAGE;
            break;
        case 'p': potential = optarg; potential_given = 1; break;
        case 'm': masses = optarg; break;
        case CLI_OPT_ENGINE:
        case CLI_OPT_PAIR: if (cli_engine_opt(CMD, &eo, c, optarg)) return CLI_USAGE; break;
        case 'j': if (cli_long(CMD, "--threads", optarg, &threads)) return CLI_USAGE; break;
        case 'k': if (cli_long(CMD, "--checkpoint-every", optarg, &p.checkpoint_every)) return CLI_USAGE; break;
        case 'R': p.resume = 1; break;
        case 'x': if (cli_long(CMD, "--stop-after", optarg, &p.stop_at_step)) return CLI_USAGE; break;
        case 'o': outdir = optarg; break;
        case 'M': if (cli_long(CMD, "--is-max-calls", optarg, &p.min.max_force_calls)) return CLI_USAGE; break;
        case 'U': allow_unconverged = 1; break;
        case 'h': usage(stdout); return CLI_OK;
        case ':': return cli_errorf(CMD, CLI_USAGE, "option %s needs a value", argv[optind - 1]);
        default: return cli_errorf(CMD, CLI_USAGE, "unknown option %s (see --help)", argv[optind - 1]);
        }
    }
    if (optind < argc) return cli_errorf(CMD, CLI_USAGE, "unexpected argument '%s'", argv[optind]);
    if (!outdir) return cli_errorf(CMD, CLI_USAGE, "--out <dir> is required");
    if (natoms < 2 || natoms > 10000000) return cli_errorf(CMD, CLI_USAGE, "--atoms %ld out of range 2..1e7", natoms);
    if (seed < 0) return cli_errorf(CMD, CLI_USAGE, "--seed must be >= 0");
    if (!(density > 0.01 && density < 0.2))
        return cli_errorf(CMD, CLI_USAGE, "--density %g atoms/Å^3 out of range (0.01, 0.2)", density);
    if (threads < 1 || threads > 256) return cli_errorf(CMD, CLI_USAGE, "--threads %ld out of range 1..256", threads);
    if (p.stop_at_step < 0) return cli_errorf(CMD, CLI_USAGE, "--stop-after must be >= 0");
    if (p.min.max_force_calls < 1) return cli_errorf(CMD, CLI_USAGE, "--is-max-calls must be >= 1");

    if (cli_engine_check(CMD, &eo, potential_given)) return CLI_USAGE;
    int eam = cli_engine_is_eam(&eo);
    if (eam == (masses != NULL))
        return cli_errorf(CMD, CLI_USAGE, eam ? "--masses is for --engine lammps (pel's EAM takes them from the potential)"
                                              : "--engine lammps needs --masses M1,M2 (g/mol, one per element of --composition)");
    pel_engine_spec spec = {eo.type, eo.pair, eo.npair};
    if (!eam) p.engine = &spec;
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
        printf("E_IS_eV_per_atom=%.17g V_IS_A3_per_atom=%.17g samples=%zu%s\n", last->e_is, last->v_is, res.nrows,
               unconverged ? " unconverged=1" : "");
    } else {
        cli_runlog_line(&q, "failed writing results: %s", err.msg);
    }
    cli_runlog_close(&q);
    pel_quench_result_free(&res);
    return rc ? cli_fail(CMD, &err) : CLI_OK;
}
