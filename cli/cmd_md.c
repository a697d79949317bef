/* cmd_md.c - `pel md`: NVE / NVT / NPT-iso molecular dynamics on a LAMMPS
 * data file with LAMMPS fix nve/nvt/npt conventions; thermo lines as CSV on
 * stdout, optional LAMMPS dump trajectory, final state as a data file. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
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
                "  --threads N         OpenMP threads (default: OpenMP's default)\n"
                "  --help\n");
}

static int print_thermo(void *ctx, const pel_md_thermo *th)
{
    (void)ctx;
    double v[6] = {th->T, th->pe, th->ke, th->etotal, th->p_bar, th->volume};
    printf("%ld", th->step);
    for (int k = 0; k < 6; k++)
        printf(",%.12g", v[k]);
    printf("\n");
    return 0;
}

int cli_cmd_md(int argc, char **argv)
{
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
        {"help", no_argument, 0, 'h'},           {0, 0, 0, 0}};
    const char *in = NULL, *out = NULL, *potential = PEL_EAM_DEFAULT_PATH, *elements = NULL, *dump = NULL;
    const char *ens = NULL;
    double T = NAN, Tstop = NAN, skin = 1.0;
    long steps = -1, seed = -1, thermo = 100, dump_every = 0, threads = 0;
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
        case 'p': potential = optarg; break;
        case 'e': elements = optarg; break;
        case 'k': if (cli_double(CMD, "--skin", optarg, &skin)) return CLI_USAGE; break;
        case 'j': if (cli_long(CMD, "--threads", optarg, &threads)) return CLI_USAGE; break;
        case 'h': usage(stdout); return CLI_OK;
        case ':': return cli_errorf(CMD, CLI_USAGE, "option %s needs a value", argv[optind - 1]);
        default: return cli_errorf(CMD, CLI_USAGE, "unknown option %s (see --help)", argv[optind - 1]);
        }
    }
    if (optind < argc) return cli_errorf(CMD, CLI_USAGE, "unexpected argument '%s'", argv[optind]);
    if (!in) return cli_errorf(CMD, CLI_USAGE, "--data <file> is required");
    if (!out) return cli_errorf(CMD, CLI_USAGE, "--out <file> is required");
    if (!ens) return cli_errorf(CMD, CLI_USAGE, "--ensemble nve|nvt|npt is required");
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
    if (threads < 0 || threads > 256) return cli_errorf(CMD, CLI_USAGE, "--threads %ld out of range 0..256", threads);
    if (seed >= 0 && isnan(T)) return cli_errorf(CMD, CLI_USAGE, "--seed needs --T for the created velocities");
    mp.t_start = isnan(T) ? 300.0 : T;
    mp.t_stop = isnan(Tstop) ? mp.t_start : Tstop;
    mp.p_stop_bar = mp.p_start_bar;

    pel_error err = {0};
    pel_eam *pot = NULL;
    pel_system *sys = NULL;
    pel_calc *calc = NULL;
    pel_md *md = NULL;
    pel_afile af = {0};
    int rc = pel_eam_read_auto(potential, &pot, &err);
    if (!rc) rc = pel_system_read_data(in, elements, &sys, &err);
    if (!rc && (seed >= 0 || (!sys->has_velocities && !isnan(T))))
        rc = pel_md_velocity_create(sys, T, (uint64_t)(seed >= 0 ? seed : 1), &err);
    if (!rc) rc = pel_calc_new(&calc, pot, sys, skin, (int)threads, &err);
    if (!rc) rc = pel_md_new(&md, calc, sys, &mp, &err);
    if (!rc) rc = pel_md_setup(md, sys, steps, &err);
    if (!rc && dump) rc = pel_afile_open(&af, dump, &err);
    if (!rc && dump) rc = pel_system_write_dump(sys, af.fp, 0, &err);
    if (!rc) {
        if (thermo > 0) {
            printf("step,T_K,PE_eV,KE_eV,Etotal_eV,P_bar,V_A3\n");
            pel_md_thermo th;
            pel_md_thermo_now(md, sys, &th);
            print_thermo(NULL, &th);
        }
        /* chunks end at every dump frame and at least every MD_PROGRESS_STEPS steps */
        cli_progress prog;
        cli_progress_init(&prog, "pel md", 60.0);
        for (long done = 0; !rc && done < steps;) {
            long next = done + MD_PROGRESS_STEPS;
            if (dump && (done / dump_every + 1) * dump_every < next) next = (done / dump_every + 1) * dump_every;
            if (next > steps) next = steps;
            rc = pel_md_run(md, sys, next - done, thermo, thermo > 0 ? print_thermo : NULL, NULL, &err);
            done = next;
            if (!rc && dump && done % dump_every == 0) rc = pel_system_write_dump(sys, af.fp, done, &err);
            if (!rc && steps >= MD_PROGRESS_MIN_RUN) cli_progress_cb(&prog, (double)done, (double)steps, NULL);
        }
        if (steps >= MD_PROGRESS_MIN_RUN) cli_progress_end(&prog);
    }
    if (!rc && dump) rc = pel_afile_commit(&af, &err);
    if (!rc) {
        pel_system_wrap(sys);
        rc = pel_system_write_data(sys, out, "pel md", &err);
    }
    if (rc && dump) pel_afile_abort(&af);
    pel_md_free(&md);
    pel_calc_free(&calc);
    pel_system_free(&sys);
    pel_eam_free(&pot);
    fflush(stdout);
    return rc ? cli_fail(CMD, &err) : CLI_OK;
}
