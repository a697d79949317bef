/* cmd_isotherm.c - `pel isotherm`: one point of the MD equilibrium line from
 * two isothermal holds at the same T, one started above (a hotter liquid) and
 * one below (a deeper glass), as `pel md --protocol "eq@TK; hold ..."` writes
 * them.  Each replica's inherent-structure energies on the hold are cut at
 * their equilibration time and averaged with an autocorrelation-based error
 * (include/pel/stats.h); the point is called equilibrium only when the two
 * sides meet within --z standard errors, each side is stationary (the halves
 * of its used part agree) and the error is below --max-se. */
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cli_model.h"
#include "cli_opt.h"
#include "pel/csv.h"
#include "pel/stats.h"
#include "pel/util.h"

static const char *CMD = "isotherm";
#define ISO_MAX_REPLICAS 64
#define ISO_MIN_POINTS 8 /* samples a hold must keep after the equilibration cut */

#define EQLINE_HEADER                                                                                       \
    "T_K,E_eq_eV_per_atom,E_eq_se_eV_per_atom,V_IS_A3_per_atom,E_above_eV_per_atom,E_above_se_eV_per_atom," \
    "E_below_eV_per_atom,E_below_se_eV_per_atom,t_equil_ps,hold_ps,n_replicas,met"

typedef struct side {
    pel_isotherm_side st;
    double v_is, t_equil_ps, hold_ps, T;
} side;

/* E_IS, V_IS and t of the last segment of one protocol.csv. */
static int read_hold(const char *path, double **e, double **v, double **t, size_t *n, double *T, pel_error *err)
{
    pel_csv c;
    int rc = pel_csv_read(path, &c, err);
    if (rc) return rc;
    long ce = pel_csv_col(&c, "E_IS_eV_per_atom"), cv = pel_csv_col(&c, "V_IS_A3_per_atom"),
         ct = pel_csv_col(&c, "t_ps"), cs = pel_csv_col(&c, "segment"), cT = pel_csv_col(&c, "T_K");
    if (ce < 0 || cv < 0 || ct < 0 || cs < 0 || cT < 0) {
        rc = pel_error_set(err, PEL_EPARSE, "%s: not a `pel md --protocol` table (columns E_IS_eV_per_atom, "
                                            "V_IS_A3_per_atom, t_ps, segment, T_K)", path);
        goto out;
    }
    double last = -1, s;
    for (size_t i = 0; i < c.nrow && !rc; i++)
        if (!(rc = pel_csv_num(&c, i, (size_t)cs, &s, err)) && s > last) last = s;
    if (rc) goto out;
    *e = calloc(c.nrow + 1, sizeof **e), *v = calloc(c.nrow + 1, sizeof **v), *t = calloc(c.nrow + 1, sizeof **t);
    if (!*e || !*v || !*t) {
        rc = pel_error_set(err, PEL_ENOMEM, "out of memory reading %s", path);
        goto out;
    }
    size_t k = 0;
    for (size_t i = 0; i < c.nrow && !rc; i++) {
        if ((rc = pel_csv_num(&c, i, (size_t)cs, &s, err))) break;
        if (s != last) continue;
        if ((rc = pel_csv_num(&c, i, (size_t)ce, &(*e)[k], err)) || (rc = pel_csv_num(&c, i, (size_t)cv, &(*v)[k], err)) ||
            (rc = pel_csv_num(&c, i, (size_t)ct, &(*t)[k], err)) || (rc = pel_csv_num(&c, i, (size_t)cT, T, err)))
            break;
        k++;
    }
    *n = k;
out:
    pel_csv_clear(&c);
    return rc;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The protocol.csv files of a run directory: itself, or its r* replicas. */
static int list_tables(const char *dir, char **paths, int *n)
{
    char p[4096];
    struct stat sb;
    *n = 0;
    if (snprintf(p, sizeof p, "%s/protocol.csv", dir) < (int)sizeof p && stat(p, &sb) == 0) {
        paths[(*n)++] = strdup(p);
        return paths[0] ? 0 : -1;
    }
    DIR *d = opendir(dir);
    if (!d) return -1;
    struct dirent *de;
    while ((de = readdir(d)) && *n < ISO_MAX_REPLICAS) {
        if (de->d_name[0] != 'r' || strspn(de->d_name + 1, "0123456789") != strlen(de->d_name + 1) || !de->d_name[1])
            continue;
        if (snprintf(p, sizeof p, "%s/%s/protocol.csv", dir, de->d_name) >= (int)sizeof p || stat(p, &sb) != 0)
            continue;
        if (!(paths[*n] = strdup(p))) break;
        (*n)++;
    }
    closedir(d);
    qsort(paths, (size_t)*n, sizeof *paths, cmp_str);
    return 0;
}

/* Equilibrated mean of one side over its replicas (pel_stats_isotherm_side). */
static int analyse_side(const char *dir, double max_discard, side *sd, pel_error *err)
{
    char *paths[ISO_MAX_REPLICAS];
    double *e[ISO_MAX_REPLICAS] = {0}, *v[ISO_MAX_REPLICAS] = {0}, *t[ISO_MAX_REPLICAS] = {0};
    size_t n[ISO_MAX_REPLICAS] = {0};
    int np = 0, rc = PEL_OK;
    if (list_tables(dir, paths, &np) || np == 0)
        return pel_error_set(err, PEL_EIO, "%s: no finished run (protocol.csv or r*/protocol.csv)", dir);
    memset(sd, 0, sizeof *sd);
    for (int r = 0; r < np && !rc; r++) {
        double T = 0;
        rc = read_hold(paths[r], &e[r], &v[r], &t[r], &n[r], &T, err);
        if (!rc && n[r] < ISO_MIN_POINTS)
            rc = pel_error_set(err, PEL_EINVAL, "%s: %zu samples on the hold, need at least %d", paths[r], n[r],
                               ISO_MIN_POINTS);
        if (!rc && r > 0 && T != sd->T)
            rc = pel_error_set(err, PEL_EINVAL, "%s: hold at %g K, other replicas at %g K", paths[r], T, sd->T);
        sd->T = T;
    }
    pel_isotherm_side st;
    if (!rc && !(rc = pel_stats_isotherm_side((const double *const *)e, n, (size_t)np, max_discard, ISO_MIN_POINTS,
                                              &st, err))) {
        sd->st = st;
        double vm = 0, hold = INFINITY;
        for (int r = 0; r < np; r++) {
            pel_series_stats one;
            pel_stats_equilibrated(e[r], n[r], max_discard, ISO_MIN_POINTS, &one, err);
            double s = 0;
            for (size_t i = one.t0; i < n[r]; i++)
                s += v[r][i];
            vm += s / (double)one.n_used / np;
            sd->t_equil_ps = fmax(sd->t_equil_ps, t[r][one.t0] - t[r][0]);
            hold = fmin(hold, t[r][n[r] - 1] - t[r][0]);
        }
        sd->v_is = vm;
        sd->hold_ps = hold;
    }
    for (int r = 0; r < np; r++)
        free(paths[r]), free(e[r]), free(v[r]), free(t[r]);
    return rc;
}

int cli_cmd_isotherm(int argc, char **argv)
{
    const char *above = NULL, *below = NULL, *append = NULL;
    double z = 2.0, max_se = 0.001, max_discard = 0.5;
    int header = 0, json = 0;
    pel_error err = {0};
    const cli_opt opts[] = {
        {.name = "above", .kind = CLI_FILE, .dest = &above, .arg = "DIR", .help = "the run started from a hotter liquid",
         .flags = CLI_REQ},
        {.name = "below", .kind = CLI_FILE, .dest = &below, .arg = "DIR", .help = "the run started from a deeper glass",
         .flags = CLI_REQ},
        {.name = "z", .kind = CLI_DOUBLE, .dest = &z, .arg = "Z", .help = "agreement criterion in standard errors",
         .def = "2", .lo = 0, .flags = CLI_GT},
        {.name = "max-se", .kind = CLI_DOUBLE, .dest = &max_se, .arg = "E", .help = "largest accepted standard error",
         .def = "0.001", .unit = "eV/atom", .lo = 0, .flags = CLI_GT},
        {.name = "max-discard", .kind = CLI_DOUBLE, .dest = &max_discard, .arg = "F",
         .help = "largest equilibration cut, fraction of the hold", .def = "0.5", .lo = 0, .hi = 1,
         .flags = CLI_GE | CLI_LT},
        {.name = "append", .kind = CLI_FILE, .dest = &append, .arg = "FILE",
         .help = "append the row to FILE (header written when new)"},
        {.name = "header", .kind = CLI_FLAG, .dest = &header, .help = "print the header line before the row"},
        CLI_OPT_JSON(&json, "print the row as an object keyed by the column names"),
    };
    const cli_spec spec = {
        .name = CMD,
        .synopsis = "--above DIR --below DIR [options]",
        .about = "One equilibrium-line point E_eq(T) from two `pel md --protocol \"eq@TK; hold ...\"` runs at the\n"
                 "same T, one started from a hotter liquid (--above), one from a deeper glass (--below), each\n"
                 "with one or more replicas (DIR/protocol.csv or DIR/r*/protocol.csv).  The samples of the\n"
                 "last segment (the hold) are used: each replica is cut at its equilibration time (Chodera's\n"
                 "rule, at most --max-discard of the hold), averaged with an autocorrelation-based error.\n"
                 "The point is equilibrium (met = 1) only when both sides agree within --z standard errors,\n"
                 "each side is stationary and the combined error is <= --max-se; else exit 3 after the row.",
        .output = "Prints one CSV row (" EQLINE_HEADER "),\nor with --json one object with these keys.",
        CLI_SPEC_OPTS(opts),
    };
    int prc, npos;
    if (cli_parse(&spec, argc, argv, &npos, &prc))
        return prc;

    side a, b;
    if (analyse_side(above, max_discard, &a, &err) || analyse_side(below, max_discard, &b, &err))
        return cli_fail(CMD, &err);
    if (a.T != b.T) return cli_errorf(CMD, CLI_FAIL, "--above holds at %g K, --below at %g K", a.T, b.T);
    int met;
    double mean, se;
    const char *why;
    if (pel_stats_isotherm(&a.st, &b.st, z, max_se, &met, &mean, &se, &why, &err)) return cli_fail(CMD, &err);
    char row[1024];
    snprintf(row, sizeof row, "%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.6g,%.6g,%d,%d", a.T, mean, se,
             0.5 * (a.v_is + b.v_is), a.st.mean, a.st.se, b.st.mean, b.st.se, fmax(a.t_equil_ps, b.t_equil_ps),
             fmin(a.hold_ps, b.hold_ps), a.st.nrep < b.st.nrep ? a.st.nrep : b.st.nrep, met);
    if (json) {
        double vals[] = {a.T, mean, se, 0.5 * (a.v_is + b.v_is), a.st.mean, a.st.se, b.st.mean, b.st.se,
                         fmax(a.t_equil_ps, b.t_equil_ps), fmin(a.hold_ps, b.hold_ps)};
        json_t *o = json_object();
        char keys[] = EQLINE_HEADER;
        size_t k = 0;
        for (char *key = strtok(keys, ","); key && o; key = strtok(NULL, ","), k++)
            json_object_set_new(o, key, k < sizeof vals / sizeof vals[0] ? cli_jnum(vals[k])
                                        : json_integer(k == 10 ? (a.st.nrep < b.st.nrep ? a.st.nrep : b.st.nrep) : met));
        if (cli_json_print(CMD, o) != CLI_OK) return CLI_FAIL;
    } else {
        if (header) printf("%s\n", EQLINE_HEADER);
        printf("%s\n", row);
    }
    if (append) {
        struct stat sb;
        int fresh = stat(append, &sb) != 0 || sb.st_size == 0;
        FILE *fp = fopen(append, "a");
        if (!fp) return cli_errorf(CMD, CLI_FAIL, "cannot append to %s", append);
        if (fresh) fprintf(fp, "%s\n", EQLINE_HEADER);
        fprintf(fp, "%s\n", row);
        if (fclose(fp) != 0) return cli_errorf(CMD, CLI_FAIL, "cannot write %s", append);
    }
    if (fflush(stdout) != 0) return cli_errorf(CMD, CLI_FAIL, "cannot write the result to stdout");
    if (why) {
        fprintf(stderr, "pel isotherm: not an equilibrium point at %g K: %s (above %.6f +- %.6f, below %.6f +- %.6f "
                        "eV/atom)\n", a.T, why, a.st.mean, a.st.se, b.st.mean, b.st.se);
        return 3;
    }
    return CLI_OK;
}
