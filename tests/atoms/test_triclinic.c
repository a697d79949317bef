/* test_triclinic.c - triclinic boxes (LAMMPS restricted form) against
 * geometry and against LAMMPS itself (`lmp`, run here on the same file):
 *  - box geometry: lamda coordinates, lattice shifts, face widths (analytic
 *    for a single tilt), wrapping keeps x + H image, tilt limits refused;
 *  - data files with the "xy xz yz" line and MD checkpoints written and read
 *    back bit-equal;
 *  - energy, forces and the full pressure tensor equal LAMMPS `run 0` on a
 *    strongly tilted 250-atom Cu-Zr cell (tilts +-0.5 of the length) and on a
 *    16-atom cell smaller than the cutoff (many images of every atom);
 *  - NVE, NVT and NPT-iso trajectories equal LAMMPS fix nve / nvt / npt step
 *    for step (100 steps);
 *  - minimisation at fixed box and with iso box relaxation reaches LAMMPS's
 *    minimum (minimize, fix box/relax iso);
 *  - dumps: a dump LAMMPS writes (x y z and xs ys zs) reads back as the data
 *    file, and LAMMPS read_dump of a pel dump gives the same box and atoms;
 *  - extended XYZ with a general (rotated) Lattice: energy and force norms
 *    equal those of the unrotated cell; a left-handed cell is refused. */
#include <math.h>

#include "md_testutil.h"
#include "pel/md.h"
#include "pel/traj.h"

/* Shear a sample affinely into a triclinic box: tilts are fractions of the
 * box length (lamda coordinates kept). */
static void shear(pel_system *s, double fxy, double fxz, double fyz)
{
    double tilt[3] = {fxy * s->len[0], fxz * s->len[0], fyz * s->len[1]};
    pel_system_remap_box(s, s->lo, s->len, tilt);
}

/* Cu56Zr44 liquid of n atoms sheared to the given tilts, then relaxed at
 * fixed box (FIRE to 0.05 eV/A) so that no pair is unphysically close. */
static pel_system *tri_liquid(size_t n, double density, double fxy, double fxz, double fyz, double T, uint64_t seed)
{
    pel_system *sys = mdt_liquid(pot, n, density, 0.0, seed);
    pel_error err = {0};
    shear(sys, fxy, fxz, fyz);
    mdt_relax(pot, sys);
    if (T > 0)
        assert_int_equal(pel_md_velocity_create(sys, T, seed, &err), PEL_OK);
    return sys;
}

/* ---------------------------------------------------------------------- */

static void test_geometry(void **state)
{
    (void)state;
    pel_system *s = NULL;
    pel_error err = {0};
    assert_int_equal(pel_system_new(&s, 200, 1, &err), PEL_OK);
    double lo[3] = {-1.5, 2.0, 0.25}, len[3] = {10.0, 8.0, 12.0};
    for (int d = 0; d < 3; d++) {
        s->lo[d] = lo[d];
        s->len[d] = len[d];
    }
    /* One tilt: the x width is the distance between the sheared yz faces. */
    s->tilt[0] = 3.0;
    double w[3];
    pel_system_widths(s, w);
    assert_close(w[0], 10.0 * 8.0 / sqrt(64.0 + 9.0), 1e-14, 0);
    assert_close(w[1], 8.0, 1e-14, 0);
    assert_close(w[2], 12.0, 1e-14, 0);
    s->tilt[0] = 5.0;
    s->tilt[1] = -4.9;
    s->tilt[2] = 3.9;
    assert_int_equal(pel_system_check_box(s, "box", &err), PEL_OK);
    /* Points anywhere: the wrapped point has lamda in [0, 1) and the
     * unwrapped position x + H image is the original point. */
    srand(3);
    for (size_t i = 0; i < s->n; i++)
        for (int d = 0; d < 3; d++)
            s->x[3 * i + d] = 60.0 * (2.0 * rand() / RAND_MAX - 1.0);
    double *x0 = malloc(3 * s->n * sizeof *x0);
    memcpy(x0, s->x, 3 * s->n * sizeof *x0);
    pel_system_wrap(s);
    double h[3][3] = {{10.0, 5.0, -4.9}, {0, 8.0, 3.9}, {0, 0, 12.0}};
    for (size_t i = 0; i < s->n; i++) {
        double lam[3];
        pel_system_lamda(s, &s->x[3 * i], lam);
        for (int d = 0; d < 3; d++) {
            assert_true(lam[d] >= 0.0 && lam[d] < 1.0);
            double u = s->x[3 * i + d];
            for (int k = 0; k < 3; k++)
                u += h[d][k] * s->image[3 * i + k];
            assert_close(u, x0[3 * i + d], 0, 1e-12);
        }
        /* lamda by the inverse matrix written out */
        double r[3] = {x0[3 * i] - lo[0], x0[3 * i + 1] - lo[1], x0[3 * i + 2] - lo[2]}, l2 = r[2] / 12.0,
               l1 = (r[1] - 3.9 * l2) / 8.0, l0 = (r[0] - 5.0 * l1 + 4.9 * l2) / 10.0;
        assert_close(lam[0] + s->image[3 * i], l0, 0, 1e-12);
        assert_close(lam[1] + s->image[3 * i + 1], l1, 0, 1e-12);
        assert_close(lam[2] + s->image[3 * i + 2], l2, 0, 1e-12);
    }
    /* LAMMPS's tilt limits: |xy|, |xz| <= len_x / 2, |yz| <= len_y / 2. */
    s->tilt[2] = 4.01;
    assert_int_equal(pel_system_check_box(s, "box", &err), PEL_EINVAL);
    assert_non_null(strstr(err.msg, "yz"));
    free(x0);
    pel_system_free(&s);
}

static void test_data_roundtrip(void **state)
{
    (void)state;
    char dir[64], path[128];
    pel_error err = {0};
    mdt_tmpdir(dir);
    pel_system *a = tri_liquid(100, 0.058, 0.5, -0.5, 0.45, 900.0, 2), *b = NULL;
    a->has_velocities = 1;
    pel_system_wrap(a);
    snprintf(path, sizeof path, "%s/t.data", dir);
    assert_int_equal(pel_system_write_data(a, path, "tri", &err), PEL_OK);
    assert_int_equal(pel_system_read_data(path, NULL, &b, &err), PEL_OK);
    for (int d = 0; d < 3; d++)
        assert_true(a->lo[d] == b->lo[d] && a->len[d] == b->len[d] && a->tilt[d] == b->tilt[d]);
    for (size_t k = 0; k < 3 * a->n; k++)
        assert_true(a->x[k] == b->x[k] && a->v[k] == b->v[k] && a->image[k] == b->image[k]);
    pel_system_free(&b);
    /* A tilt beyond LAMMPS's limit is refused naming the line. */
    FILE *fp = fopen(path, "w");
    fputs("t\n\n1 atoms\n1 atom types\n0 4 xlo xhi\n0 4 ylo yhi\n0 4 zlo zhi\n2.5 0 0 xy xz yz\n\n"
          "Masses\n\n1 63.546\n\nAtoms\n\n1 1 1 1 1\n",
          fp);
    fclose(fp);
    assert_int_equal(pel_system_read_data(path, NULL, &b, &err), PEL_EINVAL);
    assert_non_null(strstr(err.msg, "t.data:8"));
    assert_null(b);
    /* An MD checkpoint keeps the tilts (an orthogonal one has none to keep). */
    snprintf(path, sizeof path, "%s/t.ck", dir);
    pel_md_state st = {0};
    double fprint[1] = {1.0};
    assert_int_equal(pel_md_checkpoint_write(path, fprint, 1, a, &st, NULL, 0, &err), PEL_OK);
    assert_int_equal(pel_md_checkpoint_read(path, fprint, 1, &b, &st, NULL, 0, &err), PEL_OK);
    for (int d = 0; d < 3; d++)
        assert_true(a->len[d] == b->len[d] && a->tilt[d] == b->tilt[d]);
    for (size_t k = 0; k < 3 * a->n; k++)
        assert_true(a->x[k] == b->x[k]);
    pel_system_free(&b);
    pel_system_free(&a);
    mdt_rmdir(dir);
}

/* LAMMPS run 0 on a data file: pe, press, pxx pyy pzz pxy pxz pyz; forces
 * sorted by id into f[3n]. */
static void lmp_forces(const char *dir, const char *data, size_t n, double th[8], double *f)
{
    static double rows[MDT_MAX_ROWS][MDT_MAX_COLS];
    char script[2048], path[128], line[512];
    snprintf(script, sizeof script,
             "units metal\natom_style atomic\nboundary p p p\nread_data %s\n"
             "pair_style eam/fs\npair_coeff * * %s Cu Zr\n"
             "dump d all custom 1 %s/f.dump id fx fy fz\ndump_modify d format float %%.17g sort id\n"
             "thermo_style custom step pe press pxx pyy pzz pxy pxz pyz\nthermo_modify format float %%.17g\nrun 0\n",
             data, PEL_EAM_DEFAULT_PATH, dir);
    int rows_n = mdt_lmp(dir, script, rows, 9);
    assert_int_equal(rows_n, 1);
    memcpy(th, &rows[0][1], 8 * sizeof *th);
    snprintf(path, sizeof path, "%s/f.dump", dir);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    size_t k = 0;
    int in_atoms = 0;
    while (fgets(line, sizeof line, fp)) {
        if (!strncmp(line, "ITEM: ATOMS", 11)) {
            in_atoms = 1;
            continue;
        }
        long id;
        double fx, fy, fz;
        if (in_atoms && sscanf(line, "%ld %lf %lf %lf", &id, &fx, &fy, &fz) == 4 && k < n) {
            assert_int_equal(id, (long)k + 1);
            f[3 * k] = fx;
            f[3 * k + 1] = fy;
            f[3 * k + 2] = fz;
            k++;
        }
    }
    fclose(fp);
    assert_int_equal(k, n);
}

/* Energy, forces and pressure tensor of sys equal LAMMPS's on its data file:
 * 1e-9 eV/atom, 1e-8 eV/A, 0.1 bar (issue 17). */
static void check_energy(pel_system *sys, const char *label)
{
    char dir[64], path[128];
    pel_error err = {0};
    mdt_tmpdir(dir);
    snprintf(path, sizeof path, "%s/s.data", dir);
    assert_int_equal(pel_system_write_data(sys, path, label, &err), PEL_OK);
    pel_system *r = NULL; /* both read the same file */
    assert_int_equal(pel_system_read_data(path, NULL, &r, &err), PEL_OK);
    size_t n = r->n;
    double *f = malloc(3 * n * sizeof *f), *fl = malloc(3 * n * sizeof *fl), th[8];
    pel_calc *calc = NULL;
    assert_int_equal(pel_calc_new(&calc, pot, r, 0.0, 1, &err), PEL_OK);
    pel_forces out = {.f = f};
    assert_int_equal(pel_calc_compute(calc, r, &out, &err), PEL_OK);
    lmp_forces(dir, path, n, th, fl);
    double V = pel_system_volume(r), dfmax = 0;
    assert_close(out.energy / (double)n, th[0] / (double)n, 0, 1e-9);
    assert_close(pel_system_pressure(r, out.virial, 0), th[1], 0, 0.1);
    static const int comp[6] = {0, 1, 2, 3, 4, 5}; /* pxx pyy pzz pxy pxz pyz = virial order */
    for (int k = 0; k < 6; k++)
        assert_close(out.virial[comp[k]] / V * PEL_NKTV2P, th[2 + k], 0, 0.1);
    for (size_t k = 0; k < 3 * n; k++) {
        dfmax = fmax(dfmax, fabs(f[k] - fl[k]));
        assert_close(f[k], fl[k], 0, 1e-8);
    }
    print_message("%s: E/atom %.12f eV, P %.3f bar, pxy %.3f bar, max |dF| %.2e eV/A\n", label, out.energy / (double)n,
                  th[1], th[5], dfmax);
    pel_calc_free(&calc);
    pel_system_free(&r);
    free(f);
    free(fl);
    mdt_rmdir(dir);
}

static void test_energy_matches_lammps(void **state)
{
    (void)state;
    pel_system *big = tri_liquid(250, 0.058, 0.5, -0.5, 0.48, 0.0, 11);
    check_energy(big, "250 atoms, tilts +0.5 -0.5 +0.48");
    pel_system_free(&big);
    /* 16 atoms in a ~6.4 A cell: the 7.6 A cutoff reaches several images. */
    pel_system *small = tri_liquid(16, 0.06, -0.45, 0.5, -0.5, 0.0, 12);
    assert_true(small->len[0] < pel_eam_cutoff(pot));
    check_energy(small, "16 atoms, cell < cutoff");
    pel_system_free(&small);
}

/* ---------------------------------------------------------------------- */

static void test_md_matches_lammps(void **state)
{
    (void)state;
    static const pel_md_ensemble ens[] = {PEL_MD_NVE, PEL_MD_NVT, PEL_MD_NPT};
    static const char *const fix[] = {"fix 1 all nve", "fix 1 all nvt temp 1500 1500 0.1",
                                      "fix 1 all npt temp 1500 1500 0.1 iso 0 0 0.5"};
    static double rows[MDT_MAX_ROWS][MDT_MAX_COLS];
    char dir[64], data[128], script[2048];
    pel_error err = {0};
    mdt_tmpdir(dir);
    snprintf(data, sizeof data, "%s/start.data", dir);
    pel_system *start = tri_liquid(250, 0.056, 0.5, -0.4, 0.45, 1500.0, 5);
    start->has_velocities = 1;
    assert_int_equal(pel_system_write_data(start, data, "tri md", &err), PEL_OK);
    pel_system_free(&start);
    for (size_t c = 0; c < sizeof ens / sizeof ens[0]; c++) {
        pel_md_params mp;
        pel_md_params_default(&mp);
        mp.ensemble = ens[c];
        mp.t_start = mp.t_stop = 1500;
        mp.tdamp = 0.1;
        mp.pdamp = 0.5;
        pel_system *sys = NULL;
        assert_int_equal(pel_system_read_data(data, NULL, &sys, &err), PEL_OK);
        mdt_series a = {0}, b = {0};
        pel_engine *calc = NULL;
        pel_md *md = NULL;
        assert_int_equal(pel_engine_eam_new(&calc, pot, sys, 1.0, 1, &err), PEL_OK);
        assert_int_equal(pel_md_new(&md, calc, sys, &mp, &err), PEL_OK);
        assert_int_equal(pel_md_setup(md, sys, 100, &err), PEL_OK);
        pel_md_thermo th;
        pel_md_thermo_now(md, sys, &th);
        mdt_collect(&a, &th);
        assert_int_equal(pel_md_run(md, sys, 100, 20, mdt_collect, &a, &err), PEL_OK);
        pel_md_free(&md);
        pel_engine_free(&calc);
        pel_system_free(&sys);
        snprintf(script, sizeof script,
                 "units metal\natom_style atomic\nboundary p p p\nread_data %s\n"
                 "pair_style eam/fs\npair_coeff * * %s Cu Zr\n"
                 "neighbor 1.0 bin\nneigh_modify every 1 delay 0 check yes\ntimestep %.17g\n%s\n"
                 "thermo_style custom step temp pe etotal press vol\nthermo_modify format float %%.15g\n"
                 "thermo 20\nrun 100\n",
                 data, PEL_EAM_DEFAULT_PATH, mp.dt, fix[c]);
        b.n = mdt_lmp(dir, script, rows, 6);
        assert_int_equal(a.n, 6);
        assert_int_equal(b.n, 6);
        for (int i = 0; i < a.n; i++) {
            assert_close(a.step[i], rows[i][0], 0, 0);
            assert_close(a.T[i], rows[i][1], 1e-6, 1e-6);
            assert_close(a.pe[i], rows[i][2], 1e-8, 1e-8);
            assert_close(a.et[i], rows[i][3], 1e-8, 1e-8);
            assert_close(a.p[i], rows[i][4], 1e-6, 0.5);
            assert_close(a.v[i], rows[i][5], 1e-9, 1e-9);
        }
        print_message("%s: step 100 T %.6f K (LAMMPS %.6f), pe %.8f eV (LAMMPS %.8f)\n", fix[c], a.T[5], rows[5][1],
                      a.pe[5], rows[5][2]);
    }
    mdt_rmdir(dir);
}

/* ---------------------------------------------------------------------- */

static void perturb(pel_system *sys, double amp, unsigned seed)
{
    srand(seed);
    for (size_t k = 0; k < 3 * sys->n; k++)
        sys->x[k] += amp * (2.0 * rand() / RAND_MAX - 1.0);
}

static void test_minimize_matches_lammps(void **state)
{
    (void)state;
    char dir[64], path[128];
    pel_error err = {0};
    mdt_tmpdir(dir);
    static const pel_box_mode box[] = {PEL_BOX_FIXED, PEL_BOX_ISO};
    static const char *const lmin[] = {"min_style cg\nmin_modify norm max\nminimize 0 1e-8 10000 100000",
                                       "fix br all box/relax iso 0.0 vmax 0.001\nmin_style cg\nmin_modify norm max\n"
                                       "minimize 0 1e-8 10000 100000\nunfix br"};
    for (int b = 0; b < 2; b++) {
        /* pel's minimum (a 3% dilute start for the box relaxation) ... */
        pel_system *ref = tri_liquid(250, b ? 0.056 : 0.058, -0.5, 0.45, 0.5, 0.0, 9);
        pel_engine *calc = NULL;
        pel_min_params mp;
        pel_min_result r;
        pel_min_params_default(&mp);
        mp.box = box[b];
        mp.algo = PEL_MIN_CG;
        assert_int_equal(pel_engine_eam_new(&calc, pot, ref, 0.5, 1, &err), PEL_OK);
        assert_int_equal(pel_minimize(calc, ref, &mp, &r, NULL, NULL, &err), PEL_OK);
        pel_engine_free(&calc);
        /* ... is one for LAMMPS: same energy, no force, (zero pressure) ... */
        double l[4];
        snprintf(path, sizeof path, "%s/min%d.data", dir, b);
        assert_int_equal(pel_system_write_data(ref, path, "pel min", &err), PEL_OK);
        mdt_lmp_eval(dir, path, "", l);
        assert_close(l[0], r.energy / (double)ref->n, 0, 1e-9);
        assert_true(l[1] < 1e-6 + 1e-8);
        if (box[b] == PEL_BOX_ISO) {
            assert_close(l[2], 0.0, 0, 1.0 + 1e-3);
            assert_close(ref->tilt[0] / ref->len[0], -0.5, 1e-12, 0); /* tilts scale with the cell */
        }
        /* ... and LAMMPS minimize (box/relax iso) from a perturbed copy
         * comes back to it. */
        pel_system *start = NULL;
        assert_int_equal(pel_system_clone(ref, &start, &err), PEL_OK);
        perturb(start, 0.01, 5);
        snprintf(path, sizeof path, "%s/start%d.data", dir, b);
        assert_int_equal(pel_system_write_data(start, path, "perturbed", &err), PEL_OK);
        mdt_lmp_eval(dir, path, lmin[b], l);
        print_message("box %s: pel E/atom %.10f eV V %.4f A^3; LAMMPS from perturbed %.10f eV V %.4f A^3\n",
                      b ? "iso" : "fixed", r.energy / (double)ref->n, pel_system_volume(ref), l[0], l[3]);
        assert_close(l[0], r.energy / (double)ref->n, 0, 1e-6);
        assert_close(l[3], pel_system_volume(ref), 1e-4, 0);
        pel_system_free(&start);
        pel_system_free(&ref);
    }
    mdt_rmdir(dir);
}

/* First frame of a trajectory file. */
static pel_system *read_frame(const char *path)
{
    pel_traj *tr = NULL;
    pel_system *s = NULL;
    pel_frame_info info;
    pel_error err = {0};
    assert_int_equal(pel_traj_open(&tr, path, "Cu,Zr", &err), PEL_OK);
    int rc = pel_traj_next(tr, &s, &info, &err);
    if (rc)
        fail_msg("%s", err.msg);
    assert_non_null(s);
    pel_traj_close(&tr);
    return s;
}

/* Same box and atoms (wrapped positions, image flags) within tol A. */
static void assert_same(const pel_system *a, const pel_system *b, double tol)
{
    assert_int_equal(a->n, b->n);
    for (int d = 0; d < 3; d++) {
        assert_close(a->lo[d], b->lo[d], 0, tol);
        assert_close(a->len[d], b->len[d], 0, tol);
        assert_close(a->tilt[d], b->tilt[d], 0, tol);
    }
    for (size_t i = 0; i < a->n; i++) {
        double xa[3], xb[3];
        int ia[3], ib[3];
        pel_system_wrapped(a, i, xa, ia);
        pel_system_wrapped(b, i, xb, ib);
        assert_int_equal(a->id[i], b->id[i]);
        assert_int_equal(a->type[i], b->type[i]);
        for (int d = 0; d < 3; d++) {
            assert_close(xa[d], xb[d], 0, tol);
            assert_int_equal(ia[d], ib[d]);
        }
    }
}

static void test_dump_conventions(void **state)
{
    (void)state;
    char dir[64], data[128], script[2048], path[160];
    static double rows[MDT_MAX_ROWS][MDT_MAX_COLS];
    pel_error err = {0};
    mdt_tmpdir(dir);
    pel_system *s = tri_liquid(100, 0.058, 0.5, -0.45, -0.5, 0.0, 21), *r = NULL;
    for (size_t i = 0; i < s->n; i += 7)
        s->image[3 * i + (i % 3)] = (int)(i % 5) - 2;
    snprintf(data, sizeof data, "%s/t.data", dir);
    assert_int_equal(pel_system_write_data(s, data, "tri dump", &err), PEL_OK);
    pel_system_free(&s);
    assert_int_equal(pel_system_read_data(data, "Cu,Zr", &s, &err), PEL_OK);
    /* LAMMPS writes dumps of the data file (and reads pel's dump back). */
    snprintf(path, sizeof path, "%s/pel.dump", dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    assert_int_equal(pel_dump_write(s, fp, 0, PEL_TRAJ_IMAGES, &err), PEL_OK);
    fclose(fp);
    snprintf(script, sizeof script,
             "units metal\natom_style atomic\nboundary p p p\nread_data %s\n"
             "write_dump all custom %s/x.dump id type x y z ix iy iz modify sort id format float %%.17g\n"
             "write_dump all custom %s/s.dump id type xs ys zs ix iy iz modify sort id format float %%.17g\n"
             "read_dump %s/pel.dump 0 x y z ix iy iz box yes replace yes\nwrite_data %s/back.data\n"
             "thermo_style custom step xy xz yz\nthermo_modify format float %%.17g\nrun 0\n",
             data, dir, dir, dir, dir);
    assert_int_equal(mdt_lmp(dir, script, rows, 4), 1);
    assert_close(rows[0][1], s->tilt[0], 0, 1e-12);
    snprintf(path, sizeof path, "%s/x.dump", dir);
    r = read_frame(path);
    assert_same(s, r, 1e-12);
    pel_system_free(&r);
    snprintf(path, sizeof path, "%s/s.dump", dir);
    r = read_frame(path);
    assert_same(s, r, 1e-12);
    pel_system_free(&r);
    snprintf(path, sizeof path, "%s/back.data", dir);
    assert_int_equal(pel_system_read_data(path, "Cu,Zr", &r, &err), PEL_OK);
    assert_same(s, r, 1e-12);
    pel_system_free(&r);
    /* pel's own scaled dump and extxyz read back. */
    snprintf(path, sizeof path, "%s/own.dump", dir);
    fp = fopen(path, "w");
    assert_int_equal(pel_dump_write(s, fp, 0, PEL_TRAJ_SCALED | PEL_TRAJ_IMAGES, &err), PEL_OK);
    fclose(fp);
    r = read_frame(path);
    assert_same(s, r, 1e-12);
    pel_system_free(&r);
    snprintf(path, sizeof path, "%s/own.xyz", dir);
    fp = fopen(path, "w");
    assert_int_equal(pel_extxyz_write(s, fp, 0, NAN, NULL, &err), PEL_OK);
    fclose(fp);
    r = read_frame(path);
    for (size_t i = 0; i < s->n; i++) /* extxyz carries no image flags */
        for (int d = 0; d < 3; d++)
            r->image[3 * i + d] = s->image[3 * i + d] + r->image[3 * i + d];
    assert_same(s, r, 0);
    pel_system_free(&r);
    pel_system_free(&s);
    mdt_rmdir(dir);
}

/* Energy and per-atom force norms of a system (fresh engine). */
static double energy_of(const pel_system *s, double *fnorm)
{
    pel_calc *calc = NULL;
    pel_error err = {0};
    double *f = malloc(3 * s->n * sizeof *f);
    assert_int_equal(pel_calc_new(&calc, pot, s, 0.0, 1, &err), PEL_OK);
    pel_forces out = {.f = f};
    assert_int_equal(pel_calc_compute(calc, s, &out, &err), PEL_OK);
    for (size_t i = 0; i < s->n; i++)
        fnorm[i] = sqrt(f[3 * i] * f[3 * i] + f[3 * i + 1] * f[3 * i + 1] + f[3 * i + 2] * f[3 * i + 2]);
    pel_calc_free(&calc);
    free(f);
    return out.energy;
}

static void test_extxyz_general_cell(void **state)
{
    (void)state;
    char dir[64], path[128];
    mdt_tmpdir(dir);
    pel_system *s = tri_liquid(120, 0.058, 0.3, -0.2, 0.4, 0.0, 31);
    /* Rotation about the axis (1, 2, 2)/3 by 0.7 rad (Rodrigues), applied to
     * the cell rows and the positions: a cell ASE or OVITO might hold. */
    double k[3] = {1.0 / 3, 2.0 / 3, 2.0 / 3}, th = 0.7, R[3][3];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double kx = (i == 0 ? 0 : i == 1 ? k[2] : -k[1]) * (j == 0) +
                        (i == 0 ? -k[2] : i == 1 ? 0 : k[0]) * (j == 1) + (i == 0 ? k[1] : i == 1 ? -k[0] : 0) * (j == 2);
            R[i][j] = (i == j) * cos(th) + sin(th) * kx + (1 - cos(th)) * k[i] * k[j];
        }
    double cell[3][3] = {{s->len[0], 0, 0}, {s->tilt[0], s->len[1], 0}, {s->tilt[1], s->tilt[2], s->len[2]}};
    snprintf(path, sizeof path, "%s/rot.xyz", dir);
    FILE *fp = fopen(path, "w");
    fprintf(fp, "%zu\nLattice=\"", s->n);
    for (int v = 0; v < 3; v++)
        for (int i = 0; i < 3; i++)
            fprintf(fp, "%.17g%s", R[i][0] * cell[v][0] + R[i][1] * cell[v][1] + R[i][2] * cell[v][2],
                    v == 2 && i == 2 ? "\"" : " ");
    fprintf(fp, " Properties=species:S:1:pos:R:3 pbc=\"T T T\"\n");
    for (size_t a = 0; a < s->n; a++) {
        double r[3];
        for (int d = 0; d < 3; d++)
            r[d] = s->x[3 * a + d] - s->lo[d];
        fprintf(fp, "%s", s->elem[s->type[a]]);
        for (int i = 0; i < 3; i++)
            fprintf(fp, " %.17g", R[i][0] * r[0] + R[i][1] * r[1] + R[i][2] * r[2]);
        fputc('\n', fp);
    }
    fclose(fp);
    pel_system *r = read_frame(path);
    for (int d = 0; d < 3; d++) {
        assert_close(r->len[d], s->len[d], 0, 1e-9);
        assert_close(r->tilt[d], s->tilt[d], 0, 1e-9);
    }
    double *fa = malloc(s->n * sizeof *fa), *fb = malloc(s->n * sizeof *fb);
    double ea = energy_of(s, fa), eb = energy_of(r, fb);
    assert_close(eb / (double)s->n, ea / (double)s->n, 0, 1e-9);
    for (size_t i = 0; i < s->n; i++)
        assert_close(fb[i], fa[i], 0, 1e-8);
    /* A left-handed cell (c reversed) is refused with one message. */
    fp = fopen(path, "w");
    fprintf(fp, "1\nLattice=\"10 0 0 0 10 0 0 0 -10\"\nCu 1 1 1\n");
    fclose(fp);
    pel_traj *tr = NULL;
    pel_system *bad = NULL;
    pel_frame_info info;
    pel_error err = {0};
    assert_int_equal(pel_traj_open(&tr, path, "Cu,Zr", &err), PEL_OK);
    assert_int_not_equal(pel_traj_next(tr, &bad, &info, &err), PEL_OK);
    assert_non_null(strstr(err.msg, "not a right-handed cell"));
    assert_null(bad);
    pel_traj_close(&tr);
    free(fa);
    free(fb);
    pel_system_free(&r);
    pel_system_free(&s);
    mdt_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_geometry),
        cmocka_unit_test(test_data_roundtrip),
        cmocka_unit_test(test_energy_matches_lammps),
        cmocka_unit_test(test_md_matches_lammps),
        cmocka_unit_test(test_minimize_matches_lammps),
        cmocka_unit_test(test_dump_conventions),
        cmocka_unit_test(test_extxyz_general_cell),
    };
    return cmocka_run_group_tests(tests, setup_pot, teardown_pot);
}
