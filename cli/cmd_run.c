/* cmd_run.c - `pel run`: integrate E(t) along a thermal protocol
 * (libpel evolve, paper eqs. 1-2) and print the trace as CSV, a JSON summary
 * or a readable summary.  Parses, calls the library, prints. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_opt.h"
#include "pel/equilibrium.h"
#include "pel/evolve.h"
#include "pel/util.h"

/* A CSV field: %.15g, or empty for a quantity that does not exist (NaN). */
static void csv_field(FILE *fp, double v, int last)
{
    if (isfinite(v))
        fprintf(fp, "%.15g", v);
    fputc(last ? '\n' : ',', fp);
}

static int write_csv(FILE *fp, const pel_trace *tr)
{
    fprintf(fp,
            "t_s,T_K,E_eV_per_atom,dEdT_eV_per_atom_per_K,D_eV,dEdt_eV_per_atom_s,EA_mean_eV,Eeq_eV_per_atom,segment\n");
    for (size_t i = 0; i < tr->n; i++) {
        const pel_trace_point *p = &tr->p[i];
        if (!isfinite(p->t_s) || !isfinite(p->T_K) || !isfinite(p->E) || !isfinite(p->D) || !isfinite(p->dEdt))
            return 1; /* never print a NaN result (library bug if reached) */
        csv_field(fp, p->t_s, 0);
        csv_field(fp, p->T_K, 0);
        csv_field(fp, p->E, 0);
        csv_field(fp, p->dEdT, 0);
        csv_field(fp, p->D, 0);
        csv_field(fp, p->dEdt, 0);
        csv_field(fp, p->EA_mean, 0);
        csv_field(fp, p->Eeq, 0);
        fprintf(fp, "%d\n", p->segment + 1);
    }
    return ferror(fp) ? 1 : 0;
}

static json_t *jnum(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static const char *seg_kind(const pel_segment *sg)
{
    return sg->kind == PEL_SEG_HOLD ? "hold" : sg->rate_K_per_s < 0 ? "cool" : "heat";
}

/* Overall landmarks: lowest E of the run and the first departure on cooling. */
static void overall(const pel_trace *tr, const pel_protocol *proto, const pel_segment_summary *s, double *Emin,
                    double *T_Emin, double *T_depart)
{
    /* from the segment summaries, whose extrema ignore interpolation noise */
    *Emin = tr->p[0].E;
    *T_Emin = tr->p[0].T_K;
    for (size_t k = 0; k < proto->nseg; k++)
        if (s[k].E_min < *Emin - 1e-9) {
            *Emin = s[k].E_min;
            *T_Emin = s[k].T_at_E_min_K;
        }
    *T_depart = NAN;
    for (size_t k = 0; k < proto->nseg; k++)
        if (proto->seg[k].rate_K_per_s < 0 && isfinite(s[k].T_depart_K)) {
            *T_depart = s[k].T_depart_K;
            break;
        }
}

static int print_json(const pel_material *mat, const pel_protocol *proto, const char *ptext, const pel_trace *tr,
                      const pel_segment_summary *s, double Tc, double run_s)
{
    double E_far;
    size_t n_out = pel_trace_outside_range(mat, tr, &E_far);
    double Emin, T_Emin, T_dep;
    overall(tr, proto, s, &Emin, &T_Emin, &T_dep);
    const pel_trace_point *last = &tr->p[tr->n - 1];
    json_t *o = json_object(), *segs = json_array();
    json_object_set_new(o, "material", json_string(mat->name));
    json_object_set_new(o, "protocol", json_string(ptext));
    json_object_set_new(o, "rows", json_integer((json_int_t)tr->n));
    json_object_set_new(o, "run_time_s", json_real(run_s));
    json_object_set_new(o, "Tc_K", jnum(Tc));
    json_object_set_new(o, "final_t_s", jnum(last->t_s));
    json_object_set_new(o, "final_T_K", jnum(last->T_K));
    json_object_set_new(o, "final_E_eV_per_atom", jnum(last->E));
    json_object_set_new(o, "min_E_eV_per_atom", jnum(Emin));
    json_object_set_new(o, "min_E_T_K", jnum(T_Emin));
    json_object_set_new(o, "departure_T_K", jnum(T_dep));
    json_object_set_new(o, "equilibrium_tolerance_eV_per_atom", json_real(PEL_EVOLVE_EQ_TOL));
    /* results where E left the material's calibrated range are extrapolations */
    json_object_set_new(o, "calibrated_E_range_eV_per_atom", json_pack("[f,f]", mat->E_lo, mat->E_hi));
    json_object_set_new(o, "outside_calibrated_range", json_boolean(n_out > 0));
    json_object_set_new(o, "rows_outside_calibrated_range", json_integer((json_int_t)n_out));
    json_object_set_new(o, "E_outside_calibrated_range_eV_per_atom", jnum(E_far));
    for (size_t k = 0; k < proto->nseg; k++) {
        json_t *j = json_object();
        json_object_set_new(j, "segment", json_integer((json_int_t)k + 1));
        json_object_set_new(j, "kind", json_string(seg_kind(&proto->seg[k])));
        json_object_set_new(j, "rate_K_per_s", json_real(proto->seg[k].rate_K_per_s));
        json_object_set_new(j, "T_start_K", jnum(s[k].T_start_K));
        json_object_set_new(j, "T_end_K", jnum(s[k].T_end_K));
        json_object_set_new(j, "t_end_s", jnum(s[k].t_end_s));
        json_object_set_new(j, "E_start_eV_per_atom", jnum(s[k].E_start));
        json_object_set_new(j, "E_end_eV_per_atom", jnum(s[k].E_end));
        json_object_set_new(j, "E_min_eV_per_atom", jnum(s[k].E_min));
        json_object_set_new(j, "E_min_T_K", jnum(s[k].T_at_E_min_K));
        json_object_set_new(j, "E_max_eV_per_atom", jnum(s[k].E_max));
        json_object_set_new(j, "E_max_T_K", jnum(s[k].T_at_E_max_K));
        json_object_set_new(j, "dEdT_peak_eV_per_atom_K", jnum(s[k].dEdT_peak));
        json_object_set_new(j, "dEdT_peak_T_K", jnum(s[k].T_at_dEdT_peak_K));
        json_object_set_new(j, "depart_T_K", jnum(s[k].T_depart_K));
        json_object_set_new(j, "rejoin_T_K", jnum(s[k].T_rejoin_K));
        json_array_append_new(segs, j);
    }
    json_object_set_new(o, "segments", segs);
    int rc = json_dumpf(o, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
    fputc('\n', stdout);
    json_decref(o);
    return rc;
}

/* "-" for a quantity that does not apply. */
static const char *fmt(char *buf, size_t n, const char *f, double v)
{
    if (isfinite(v))
        snprintf(buf, n, f, v);
    else
        snprintf(buf, n, "-");
    return buf;
}

static void print_summary(const pel_protocol *proto, const pel_trace *tr, const pel_segment_summary *s, double Tc)
{
    double Emin, T_Emin, T_dep;
    overall(tr, proto, s, &Emin, &T_Emin, &T_dep);
    char a[32], b[32], c[32], d[32], e[32];
    printf("T_c %s K; final E %.6f eV/atom at %.1f K; min E %.6f eV/atom at %.1f K; leaves E_eq on cooling at %s K\n",
           fmt(a, sizeof a, "%.1f", Tc), tr->p[tr->n - 1].E, tr->p[tr->n - 1].T_K, Emin, T_Emin,
           fmt(b, sizeof b, "%.1f", T_dep));
    printf("%3s %-4s %8s %8s %11s %11s %8s %11s %8s %11s %8s %8s %8s\n", "seg", "kind", "T0_K", "T1_K", "E_end",
           "E_min", "T_K", "E_max", "T_K", "dEdT_peak", "T_K", "depart_K", "rejoin_K");
    for (size_t k = 0; k < proto->nseg; k++)
        printf("%3zu %-4s %8.1f %8.1f %11.6f %11.6f %8.1f %11.6f %8.1f %11s %8s %8s %8s\n", k + 1,
               seg_kind(&proto->seg[k]), s[k].T_start_K, s[k].T_end_K, s[k].E_end, s[k].E_min, s[k].T_at_E_min_K,
               s[k].E_max, s[k].T_at_E_max_K, fmt(a, sizeof a, "%.4e", s[k].dEdT_peak),
               fmt(c, sizeof c, "%.1f", s[k].T_at_dEdT_peak_K), fmt(d, sizeof d, "%.1f", s[k].T_depart_K),
               fmt(e, sizeof e, "%.1f", s[k].T_rejoin_K));
}

int cli_cmd_run(int argc, char **argv)
{
    const char *cmd = argv[0], *matname = "cu56zr44", *ptext = NULL, *out = NULL;
    int want_csv = 0, want_json = 0, want_summary = 0;
    pel_evolve_opts o;
    pel_evolve_opts_default(&o);
    long hp = (long)o.hold_points;
    const cli_opt opts[] = {
        CLI_OPT_MATERIAL(&matname),
        {.name = "protocol", .kind = CLI_STRING, .dest = &ptext, .arg = "P",
         .help = "start state and segments, one line (docs/protocol.md)", .flags = CLI_REQ},
        {.name = "csv", .kind = CLI_FLAG, .dest = &want_csv,
         .help = "trace as CSV on stdout (the default when neither --json nor --summary)"},
        {.name = "out", .kind = CLI_FILE, .dest = &out, .arg = "FILE",
         .help = "write the CSV trace to FILE (atomically) instead of stdout"},
        CLI_OPT_JSON(&want_json, "summary object on stdout: final and minimum E, departure from the equilibrium "
                                 "line on cooling (|E-Eeq| > 1e-3 eV/atom), per-segment extrema and dE/dT peaks"),
        {.name = "summary", .kind = CLI_FLAG, .dest = &want_summary, .help = "the same summary as readable text"},
        {.name = "dT", .kind = CLI_DOUBLE, .dest = &o.dT_out_K, .arg = "K", .help = "output spacing on ramps",
         .def = "1", .unit = "K", .lo = 0, .flags = CLI_GT},
        {.name = "hold-points", .kind = CLI_LONG, .dest = &hp, .arg = "N",
         .help = "output rows per hold, log-spaced in time", .def = "200", .lo = 2, .hi = 1000000,
         .flags = CLI_GE | CLI_LE},
        {.name = "rtol", .kind = CLI_DOUBLE, .dest = &o.rtol, .arg = "R", .help = "relative integrator tolerance on E",
         .def = "1e-10", .lo = 1e-14, .hi = 1e-3, .flags = CLI_GE | CLI_LE},
        {.name = "atol", .kind = CLI_DOUBLE, .dest = &o.atol, .arg = "A", .help = "absolute integrator tolerance on E",
         .def = "1e-12", .unit = "eV/atom", .lo = 1e-16, .hi = 1e-3, .flags = CLI_GE | CLI_LE},
    };
    const cli_spec spec = {
        .name = "run",
        .synopsis = "--protocol P [--material NAME|FILE] [--csv] [--json | --summary] [--out FILE] [--dT K]\n"
                    "        [--hold-points N] [--rtol R] [--atol eV]",
        .about = "Integrate dE/dt = nu Z D (paper eqs. 1-2) for the inherent-structure energy E\n"
                 "along a thermal protocol (grammar: docs/protocol.md), e.g.\n"
                 "  pel run --protocol \"eq@2000K; cool 300K@1e10K/s; heat 2000K@1e10K/s\" --csv",
        .output = "CSV columns: t_s,T_K,E_eV_per_atom,dEdT_eV_per_atom_per_K,D_eV,dEdt_eV_per_atom_s,\n"
                  "EA_mean_eV,Eeq_eV_per_atom,segment (segment 0 = start state, 1.. = protocol segments;\n"
                  "dEdT is empty on holds, Eeq empty where no equilibrium exists, i.e. below T_c).\n"
                  "Before version 0.2 the dE/dT column was named dEdT_eV_per_atom_K; pel plot still\n"
                  "accepts that name.",
        CLI_SPEC_OPTS(opts),
    };
    int prc, npos;
    if (cli_parse(&spec, argc, argv, &npos, &prc))
        return prc;
    o.hold_points = (size_t)hp;
    if (want_json && want_summary)
        return cli_conflict(cmd, "--json", "--summary");
    if (want_csv && (want_json || want_summary) && !out)
        return cli_errorf(cmd, CLI_USAGE, "--csv with --json/--summary needs --out for the CSV");
    if (out || (!want_json && !want_summary))
        want_csv = 1; /* --out always means the CSV trace */

    pel_error err = {0};
    pel_material mat;
    pel_protocol proto;
    if (pel_material_resolve(matname, &mat, &err) != PEL_OK)
        return cli_fail(cmd, &err);
    if (pel_protocol_parse(ptext, &proto, &err) != PEL_OK)
        return cli_fail(cmd, &err);
    pel_trace tr = {0};
    pel_segment_summary *sum = calloc(proto.nseg ? proto.nseg : 1, sizeof *sum);
    double Tc = NAN;
    int rc = sum ? PEL_OK : pel_error_set(&err, PEL_ENOMEM, "out of memory");
    double t0 = pel_wall_seconds();
    if (rc == PEL_OK)
        rc = pel_evolve_run(&mat, &proto, &o, &tr, &err);
    double run_s = pel_wall_seconds() - t0;
    if (rc == PEL_OK)
        rc = pel_trace_summarize(&tr, proto.nseg, sum, &err);
    if (rc == PEL_OK)
        rc = pel_equilibrium_Tc(&mat, &Tc, &err);
    int status = CLI_OK;
    if (rc != PEL_OK) {
        status = cli_fail(cmd, &err);
    } else {
        double E_far;
        size_t n_out = pel_trace_outside_range(&mat, &tr, &E_far);
        if (n_out > 0)
            fprintf(stderr,
                    "pel %s: warning: E left the calibrated range [%g, %g] eV/atom of material %s in %zu of %zu rows "
                    "(farthest E = %.6g eV/atom): results there are extrapolations\n",
                    cmd, mat.E_lo, mat.E_hi, mat.name, n_out, tr.n, E_far);
        if (want_csv && out) {
            pel_afile af;
            if (pel_afile_open(&af, out, &err) != PEL_OK)
                status = cli_fail(cmd, &err);
            else if (write_csv(af.fp, &tr)) {
                pel_afile_abort(&af);
                status = cli_errorf(cmd, CLI_FAIL, "cannot write %s (or non-finite result)", out);
            } else if (pel_afile_commit(&af, &err) != PEL_OK)
                status = cli_fail(cmd, &err);
        } else if (want_csv && write_csv(stdout, &tr)) {
            status = cli_errorf(cmd, CLI_FAIL, "cannot write the CSV to stdout (or non-finite result)");
        }
        if (status == CLI_OK && want_json) {
            char canon[4096];
            if (pel_protocol_format(&proto, canon, sizeof canon) != PEL_OK)
                snprintf(canon, sizeof canon, "%s", ptext);
            if (print_json(&mat, &proto, canon, &tr, sum, Tc, run_s))
                status = cli_errorf(cmd, CLI_FAIL, "cannot write the JSON summary");
        }
        if (status == CLI_OK && want_summary)
            print_summary(&proto, &tr, sum, Tc);
    }
    free(sum);
    pel_trace_clear(&tr);
    pel_protocol_clear(&proto);
    return status;
}
