/* md_lammps.c - `mpirun -np N pel md --engine lammps ...` (docs/engines.md,
 * "MPI"): the MD itself is LAMMPS's `run` over the N ranks (its domain
 * decomposition, fix nve / nvt / npt iso with pel md's parameters); pel
 * prepares the start (velocities as pel md creates them), prints the thermo
 * table (and --json's final state) and writes the final data file from rank 0.
 *
 * Debian's LAMMPS ends the job on an error (no C++ exceptions).  Its screen
 * goes to a temporary file of rank 0, and an exit handler turns the last
 * "ERROR:" line there into pel's one line. */
#include "md_lammps.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "art_mpi.h"
#include "cli.h"
#include "cli_model.h"
#include "pel/md.h"

#if defined(PEL_HAVE_MPI) && defined(PEL_HAVE_LAMMPS)
#include <mpi.h>
#define LAMMPS_LIB_MPI 1
#include <lammps/library.h>

/* Rank 0's LAMMPS screen file while LAMMPS runs (the exit handler needs it). */
static char screen_path[64];
static const char *screen_cmd;

/* LAMMPS ended the process: its last ERROR line, as pel's one line. */
static void screen_report(void)
{
    if (!screen_path[0])
        return;
    FILE *fp = fopen(screen_path, "r");
    char line[1024], last[1024] = "";
    while (fp && fgets(line, sizeof line, fp))
        if (strncmp(line, "ERROR", 5) == 0)
            snprintf(last, sizeof last, "%s", line);
    if (fp)
        fclose(fp);
    unlink(screen_path);
    screen_path[0] = '\0';
    char *msg = strchr(last, ':');
    msg = msg ? msg + 1 : last;
    msg += strspn(msg, " ");
    char *src = strstr(msg, " (src/"); /* LAMMPS's source position */
    if (src)
        *src = '\0';
    msg[strcspn(msg, "\n")] = '\0';
    fprintf(stderr, "pel %s: lammps: %s\n", screen_cmd, *msg ? msg : "LAMMPS stopped without an error message");
}

static void screen_done(void)
{
    if (screen_path[0])
        unlink(screen_path);
    screen_path[0] = '\0';
}

/* LAMMPS's image flags of one atom, packed as its imageint (IMGMAX 512,
 * 10 bits per axis in the default smallbig build). */
static int image_pack(const int im[3])
{
    return ((im[2] + 512) << 20) | ((im[1] + 512) << 10) | (im[0] + 512);
}

static void cmdf(void *h, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    lammps_command(h, buf);
}

/* The box, atoms (pel's order as ids 1..n), masses and velocities of sys. */
static int lmp_setup(void *h, const pel_system *sys, pel_error *err)
{
    lammps_commands_string(h, "units metal\natom_style atomic\natom_modify map array sort 0 0\nboundary p p p\n");
    double hi[3];
    for (int k = 0; k < 3; k++)
        hi[k] = sys->lo[k] + sys->len[k];
    if (pel_system_triclinic(sys))
        cmdf(h, "region pel_box prism %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g units box", sys->lo[0],
             hi[0], sys->lo[1], hi[1], sys->lo[2], hi[2], sys->tilt[0], sys->tilt[1], sys->tilt[2]);
    else
        cmdf(h, "region pel_box block %.17g %.17g %.17g %.17g %.17g %.17g units box", sys->lo[0], hi[0], sys->lo[1],
             hi[1], sys->lo[2], hi[2]);
    cmdf(h, "create_box %d pel_box", sys->ntypes);
    size_t n = sys->n;
    int *ids = malloc(n * sizeof *ids), *types = malloc(n * sizeof *types), *img = malloc(n * sizeof *img);
    double *x = malloc(3 * n * sizeof *x);
    int rc = PEL_OK;
    if (!ids || !types || !img || !x) {
        rc = pel_error_set(err, PEL_ENOMEM, "out of memory for %zu atoms", n);
    } else {
        for (size_t i = 0; i < n; i++) {
            int im[3];
            pel_system_wrapped(sys, i, &x[3 * i], im);
            for (int k = 0; k < 3; k++)
                im[k] += sys->image[3 * i + k];
            ids[i] = (int)i + 1;
            types[i] = sys->type[i] + 1;
            img[i] = image_pack(im);
        }
        if (lammps_create_atoms(h, (int)n, ids, types, x, sys->v, img, 0) != (int)n)
            rc = pel_error_set(err, PEL_EINVAL, "LAMMPS did not take all %zu atoms", n);
    }
    for (int t = 0; !rc && t < sys->ntypes; t++)
        cmdf(h, "mass %d %.17g", t + 1, sys->mass[t]);
    free(ids);
    free(types);
    free(img);
    free(x);
    return rc;
}

/* The final state back into sys (rank 0 writes it). */
static int lmp_collect(void *h, pel_system *sys, pel_error *err)
{
    size_t n = sys->n;
    int *img = malloc(3 * n * sizeof *img);
    if (!img)
        return pel_error_set(err, PEL_ENOMEM, "out of memory for %zu atoms", n);
    lammps_gather_atoms(h, "x", 1, 3, sys->x);
    lammps_gather_atoms(h, "v", 1, 3, sys->v);
    lammps_gather_atoms(h, "image", 0, 3, img);
    memcpy(sys->image, img, 3 * n * sizeof *img);
    free(img);
    double lo[3], hi[3], xy, yz, xz;
    int pflags[3], boxflag;
    lammps_extract_box(h, lo, hi, &xy, &yz, &xz, pflags, &boxflag);
    for (int k = 0; k < 3; k++) {
        sys->lo[k] = lo[k];
        sys->len[k] = hi[k] - lo[k];
    }
    sys->tilt[0] = xy;
    sys->tilt[1] = xz;
    sys->tilt[2] = yz;
    sys->has_velocities = 1;
    return PEL_OK;
}

/* Thermo of the current step (collective): T, PE, KE, Etotal, P, V as pel
 * md's columns; returns the step. */
static long thermo_now(void *h, double v[6])
{
    static const char *const keys[] = {"temp", "pe", "ke", "etotal", "press", "vol"};
    for (int k = 0; k < 6; k++)
        v[k] = lammps_get_thermo(h, keys[k]);
    return (long)lammps_get_thermo(h, "step");
}

/* Thermo line of the current step (collective), in pel md's columns. */
static int thermo_line(void *h, FILE *fp, int rank)
{
    double v[6];
    long step = thermo_now(h, v);
    if (rank)
        return 0;
    for (int k = 0; k < 6; k++)
        if (!isfinite(v[k]))
            return 1;
    fprintf(fp, "%ld", step);
    for (int k = 0; k < 6; k++)
        fprintf(fp, ",%.12g", v[k]);
    fprintf(fp, "\n");
    return 0;
}

/* The run on every rank; rank 0 reports.  Returns the exit code. */
static int run_ranks(const cli_md_lmp *a, int rank)
{
    pel_error err = {0};
    pel_system *sys = NULL;
    FILE *tf = stdout;
    int rc = pel_system_read_data(a->data, a->elements, &sys, &err);
    if (!rc && (a->seed >= 0 || (pel_md_at_rest(sys) && a->have_T)))
        rc = pel_md_velocity_create(sys, a->md.t_start, (uint64_t)(a->seed >= 0 ? a->seed : 1), &err);
    for (int t = 0; !rc && t < sys->ntypes; t++)
        if (!(sys->mass[t] > 0))
            rc = pel_error_set(&err, PEL_EINVAL, "%s: atom type %d has no mass (give Masses in the data file)", a->data,
                               t + 1);
    if (!rc && rank == 0 && a->thermo > 0 && a->thermo_out && !(tf = fopen(a->thermo_out, "w")))
        rc = pel_error_set(&err, PEL_EIO, "cannot write %s", a->thermo_out);
    /* all ranks go on to LAMMPS together, or none does (rank 0 alone opens the thermo file) */
    int any = rc != 0, all_any = any;
    MPI_Allreduce(&any, &all_any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (all_any) {
        if (tf && tf != stdout)
            fclose(tf);
        pel_system_free(&sys);
        if (rank)
            return CLI_FAIL;
        return rc ? cli_fail(screen_cmd, &err) : cli_errorf(screen_cmd, CLI_FAIL, "another rank could not read %s", a->data);
    }
    char *args[] = {"pel", "-log", "none", "-nocite", "-screen", rank ? "none" : screen_path, NULL};
    void *h = lammps_open(6, args, MPI_COMM_WORLD, NULL);
    rc = h ? lmp_setup(h, sys, &err) : pel_error_set(&err, PEL_EINVAL, "LAMMPS did not start");
    for (int i = 0; !rc && i < a->eo->npair; i++)
        lammps_command(h, a->eo->pair[i]);
    char fixid[64];
    if (!rc && lammps_id_count(h, "fix") > 0 && lammps_id_name(h, "fix", 0, fixid, (int)sizeof fixid))
        rc = pel_error_set(&err, PEL_EINVAL, "the --pair lines define fix %s: pel md sets the integrator itself",
                           fixid);
    if (!rc) {
        const pel_md_params *m = &a->md;
        cmdf(h, "neighbor %.17g bin", a->skin);
        lammps_command(h, "neigh_modify delay 0 every 1 check yes");
        cmdf(h, "timestep %.17g", m->dt);
        if (m->ensemble == PEL_MD_NVE)
            lammps_command(h, "fix pel_md all nve");
        else if (m->ensemble == PEL_MD_NVT)
            cmdf(h, "fix pel_md all nvt temp %.17g %.17g %.17g", m->t_start, m->t_stop, m->tdamp);
        else
            cmdf(h, "fix pel_md all npt temp %.17g %.17g %.17g iso %.17g %.17g %.17g", m->t_start, m->t_stop,
                 m->tdamp, m->p_start_bar, m->p_stop_bar, m->pdamp);
        lammps_commands_string(h, "thermo_style custom step temp pe ke etotal press vol\nthermo_modify norm no\n"
                                  "run 0 post no\n");
        if (rank == 0 && a->thermo > 0)
            fprintf(tf, "step,T_K,PE_eV,KE_eV,Etotal_eV,P_bar,V_A3\n");
        int bad = a->thermo > 0 && thermo_line(h, tf, rank);
        /* chunks of one LAMMPS run (start/stop: the ramp spans the whole run) */
        long chunk = a->thermo > 0 ? a->thermo : (a->steps > 0 ? a->steps : 1);
        for (long s = 0; !bad && s < a->steps; s += chunk) {
            long k = s + chunk > a->steps ? a->steps - s : chunk;
            cmdf(h, "thermo %ld", chunk);
            cmdf(h, "run %ld start 0 stop %ld pre no post no", k, a->steps);
            bad = a->thermo > 0 && thermo_line(h, tf, rank);
        }
        if (bad)
            rc = pel_error_set(&err, PEL_EBLOWUP, "non-finite thermo: the run blew up");
    }
    double fin[6] = {0};
    long fin_step = 0;
    if (!rc && a->json) /* the final state; thermo of the run's last step, which LAMMPS always evaluates */
        fin_step = thermo_now(h, fin);
    if (!rc)
        rc = lmp_collect(h, sys, &err);
    if (h)
        lammps_close(h);
    if (tf != stdout && fclose(tf) != 0 && !rc)
        rc = pel_error_set(&err, PEL_EIO, "cannot write %s", a->thermo_out);
    if (!rc && rank == 0) {
        pel_system_wrap(sys);
        rc = pel_system_write_data(sys, a->out, "pel md (LAMMPS run over MPI)", &err);
    }
    for (int k = 0; !rc && a->json && k < 6; k++)
        if (!isfinite(fin[k]))
            rc = pel_error_set(&err, PEL_EBLOWUP, "non-finite thermo: the run blew up");
    if (!rc && rank == 0 && a->json) {
        json_t *o = json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:o}", "step", (json_int_t)fin_step, "T_K", cli_jnum(fin[0]),
                              "PE_eV", cli_jnum(fin[1]), "KE_eV", cli_jnum(fin[2]), "Etotal_eV", cli_jnum(fin[3]),
                              "P_bar", cli_jnum(fin[4]), "V_A3", cli_jnum(fin[5]));
        if (cli_json_print(screen_cmd, o) != CLI_OK)
            rc = pel_error_set(&err, PEL_EIO, "cannot write the JSON summary");
    }
    pel_system_free(&sys);
    fflush(stdout);
    if (rc)
        return rank ? CLI_FAIL : cli_fail(screen_cmd, &err);
    return CLI_OK;
}

int cli_md_lammps_mpi(const char *cmd, const cli_md_lmp *a, int *argc, char ***argv)
{
    MPI_Init(argc, argv);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    screen_cmd = cmd;
    if (rank == 0) {
        const char *tmp = getenv("TMPDIR");
        snprintf(screen_path, sizeof screen_path, "%.40s/pel-lmp-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        int fd = mkstemp(screen_path);
        if (fd < 0)
            screen_path[0] = '\0';
        else
            close(fd);
        atexit(screen_report);
    }
    int rc = rank == 0 && !screen_path[0] ? cli_errorf(cmd, CLI_FAIL, "cannot create a temporary file") : CLI_OK;
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (!rc)
        rc = run_ranks(a, rank);
    if (rank == 0)
        screen_done();
    /* one rank's failure (a file it alone writes) must not leave the others waiting */
    int worst = rc;
    MPI_Allreduce(&rc, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    MPI_Finalize();
    return worst;
}

#else

int cli_md_lammps_mpi(const char *cmd, const cli_md_lmp *a, int *argc, char ***argv)
{
    (void)a;
    (void)argc;
    (void)argv;
    return cli_errorf(cmd, CLI_USAGE, "launched by mpirun, but this pel was built without %s",
#ifdef PEL_HAVE_MPI
                      "LAMMPS (liblammps-dev)"
#else
                      "MPI (cmake -DPEL_MPI=ON with libopenmpi-dev)"
#endif
    );
}

#endif
