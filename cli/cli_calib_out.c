/* cli_calib_out.c - the report of `pel calibrate` (cli_calib.h): a text or
 * JSON summary on stdout and the material file, whose comments record the
 * inputs (with SHA-256 checksums, libcrypto), the fitted values with
 * standard errors and correlations, and the residuals; its [covariance]
 * section lets `pel tc` propagate the uncertainty. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "cli.h"
#include "cli_calib.h"
#include "cli_model.h"
#include "pel/equilibrium.h"
#include "pel/util.h"

/* Temperature windows of the residual summary, K (the check of the
 * cu56zr44 preset: liquid, supercooled, transition, glass). */
static const double windows[][2] = {{1300, 1700}, {1000, 1200}, {700, 900}, {100, 500}};
#define NWIN (sizeof windows / sizeof windows[0])

double cli_calib_window(const cal_table_in *t, const double *E_model, double lo, double hi)
{
    double s = 0.0;
    size_t n = 0;
    for (size_t i = 0; i < t->n; i++)
        if (t->T[i] >= lo && t->T[i] <= hi)
            s += E_model[i] - t->E[i], n++;
    return n ? s / (double)n : NAN;
}

/* The material's E_eq at T into *E; 0 where it has no equilibrium there. */
static int eq_model(const pel_material *m, double T, double *E)
{
    *E = NAN;
    return pel_equilibrium_E(m, T, E, NULL) == PEL_OK && isfinite(*E);
}

/* Lower-case hex SHA-256 of a file into hex[65]; nonzero on failure. */
static int sha256_file(const char *path, char hex[65])
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return 1;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int bad = !ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1;
    unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
    size_t k;
    while (!bad && (k = fread(buf, 1, sizeof buf, fp)) > 0)
        bad = EVP_DigestUpdate(ctx, buf, k) != 1;
    unsigned len = 0;
    bad = bad || ferror(fp) || EVP_DigestFinal_ex(ctx, md, &len) != 1 || len != 32;
    EVP_MD_CTX_free(ctx);
    fclose(fp);
    for (unsigned i = 0; !bad && i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    return bad;
}

static const char *forms_text(const cal_cand *c, char *buf, size_t n)
{
    snprintf(buf, n, "W=%s,m=%s,S=%s", pel_material_form_name('W', c->W), pel_material_form_name('m', c->m),
             pel_material_form_name('S', c->S));
    return buf;
}

/* Model curve of every table (fit and held-out) under the chosen material;
 * models[j] is NULL where the model cannot follow the protocol. */
static double **table_models(const cal_run *r, const pel_material *mat)
{
    double **mdl = calloc(r->n_tab ? r->n_tab : 1, sizeof *mdl);
    for (size_t j = 0; mdl && j < r->n_tab; j++) {
        const cal_table_in *t = &r->tab[j];
        pel_calib_table v = {t->path, t->protocol, t->n, t->T, t->E, t->se, t->t};
        if ((mdl[j] = malloc(t->n * sizeof **mdl)) && pel_calibrate_table_model(mat, &v, mdl[j], NULL) != PEL_OK) {
            free(mdl[j]);
            mdl[j] = NULL;
        }
    }
    return mdl;
}

static void free_models(double **mdl, size_t n)
{
    for (size_t j = 0; mdl && j < n; j++)
        free(mdl[j]);
    free(mdl);
}

/* Everything but the material and covariance, as '#' comment lines (or
 * plain text with prefix ""). */
static void write_summary(FILE *fp, const char *pfx, const cal_run *r, double **mdl)
{
    const cal_cand *b = &r->cand[r->best];
    const pel_calib_result *res = &b->res;
    char ft[128];
    fprintf(fp, "%sinputs (sha256):\n", pfx);
    for (size_t j = 0; j < r->n_tab; j++) {
        char hex[65] = "unreadable";
        sha256_file(r->tab[j].path, hex);
        fprintf(fp, "%s  %s  %s  md%s, protocol \"%s\"\n", pfx, hex, r->tab[j].path,
                r->tab[j].held_out ? " (held out)" : "", r->tab[j].protocol);
    }
    for (size_t c = 0; c < r->n_cat; c++) {
        char hex[65] = "unreadable";
        sha256_file(r->cat[c].path, hex);
        fprintf(fp, "%s  %s  %s  catalog, E_IS %.9g eV/atom, %zu events\n", pfx, hex, r->cat[c].path, r->cat[c].E_IS,
                r->cat[c].n);
    }
    for (size_t q = 0; q < r->n_eq; q++) {
        char hex[65] = "unreadable";
        sha256_file(r->eq[q].path, hex);
        fprintf(fp, "%s  %s  %s  eq-line, %zu points\n", pfx, hex, r->eq[q].path, r->eq[q].n);
    }
    fprintf(fp, "%sform combinations (best BIC chosen):\n", pfx);
    for (size_t k = 0; k < r->n_cand; k++) {
        const cal_cand *c = &r->cand[k];
        if (c->ok) {
            char ho[48] = ""; /* no held-out data: no score (never a NaN in the report) */
            if (isfinite(c->holdout_nll))
                snprintf(ho, sizeof ho, " held-out -lnL=%.4g", c->holdout_nll);
            fprintf(fp, "%s  %s %-34s k=%zu -lnL=%.3f AIC=%.3f BIC=%.3f%s (%.1f s)%s%s\n", pfx,
                    k == r->best ? "*" : " ", forms_text(c, ft, sizeof ft), c->res.n_free, c->res.nll, c->res.aic,
                    c->res.bic, ho, c->seconds, c->held[0] ? "; held at bound: " : "", c->held);
        } else
            fprintf(fp, "%s    %-34s refused: %s\n", pfx, forms_text(c, ft, sizeof ft), c->msg);
    }
    fprintf(fp, "%s-ln L = %.6f (catalogs %.6f, eq-line %.6f, tables %.6f); %zu data, %zu free; %zu evaluations\n", pfx,
            res->nll, res->nll_cat, res->nll_eq, res->nll_tab, res->n_data, res->n_free, res->n_eval);
    if (res->n_boot_ok > 0)
        fprintf(fp, "%sfitted (value, standard error from the Hessian, bootstrap sd over %zu refits):\n", pfx,
                res->n_boot_ok);
    else
        fprintf(fp, "%sfitted (value, standard error from the Hessian):\n", pfx);
    for (size_t k = 0; k < res->n_free; k++) {
        fprintf(fp, "%s  %-10s %.10g  se %.3g", pfx, pel_material_param_name((size_t)res->param[k]), res->value[k],
                res->se[k]);
        if (res->n_boot_ok > 0)
            fprintf(fp, "  boot %.3g", res->boot_sd[k]);
        fputc('\n', fp);
    }
    fprintf(fp, "%scorrelations (rows and columns in the order above):\n", pfx);
    for (size_t k = 0; k < res->n_free; k++) {
        fprintf(fp, "%s ", pfx);
        for (size_t l = 0; l < res->n_free; l++)
            fprintf(fp, " %+.2f", res->corr[k * res->n_free + l]);
        fprintf(fp, "\n");
    }
    for (size_t c = 0; c < r->n_cat; c++) {
        double E = r->cat[c].E_IS;
        fprintf(fp, "%scatalog %s: W(E_IS) %.4f, m(E_IS) %.4f eV, KS p %.3g\n", pfx, r->cat[c].path,
                pel_material_W(&res->mat, E), pel_material_m(&res->mat, E), res->cat_ks_p[c]);
    }
    size_t jf = 0;
    for (size_t j = 0; j < r->n_tab; j++) {
        const cal_table_in *t = &r->tab[j];
        if (t->held_out)
            fprintf(fp, "%stable %s (held out, predicted); mean model - MD, meV/atom:", pfx, t->path);
        else
            fprintf(fp, "%stable %s: noise %.3g meV/atom%s; mean model - MD, meV/atom:", pfx, t->path,
                    1e3 * res->tab_sigma[jf++], t->se ? " (se column)" : " (scatter)");
        for (size_t w = 0; w < NWIN; w++) {
            /* a window without rows, or a model that did not run, has no mean: say so */
            double d = mdl[j] ? cli_calib_window(t, mdl[j], windows[w][0], windows[w][1]) : NAN;
            if (isfinite(d))
                fprintf(fp, " %g-%g K %.2f;", windows[w][0], windows[w][1], 1e3 * d);
            else
                fprintf(fp, " %g-%g K no rows;", windows[w][0], windows[w][1]);
        }
        fprintf(fp, "\n");
    }
    for (size_t q = 0; q < r->n_eq; q++) {
        fprintf(fp, "%seq-line %s: model - MD, meV/atom (in se):", pfx, r->eq[q].path);
        for (size_t i = 0; i < r->eq[q].n; i++) {
            double Eeq;
            if (!eq_model(&res->mat, r->eq[q].T[i], &Eeq))
                fprintf(fp, " %g K no equilibrium;", r->eq[q].T[i]);
            else
                fprintf(fp, " %g K %.2f (%+.1f);", r->eq[q].T[i], 1e3 * (Eeq - r->eq[q].E[i]),
                        (Eeq - r->eq[q].E[i]) / r->eq[q].se[i]);
        }
        fprintf(fp, "\n");
    }
}

static void write_residuals(FILE *fp, const cal_run *r, double **mdl)
{
    fprintf(fp, "residuals: table, T_K, E_MD_eV_per_atom, E_model_eV_per_atom, model_minus_MD_meV_per_atom\n");
    for (size_t j = 0; j < r->n_tab; j++)
        for (size_t i = 0; mdl[j] && i < r->tab[j].n; i++)
            fprintf(fp, "  %s, %g, %.9f, %.9f, %.3f\n", r->tab[j].path, r->tab[j].T[i], r->tab[j].E[i], mdl[j][i],
                    1e3 * (mdl[j][i] - r->tab[j].E[i]));
    const pel_material *m = &r->cand[r->best].res.mat;
    for (size_t q = 0; q < r->n_eq; q++)
        for (size_t i = 0; i < r->eq[q].n; i++) {
            double Eeq;
            if (!eq_model(m, r->eq[q].T[i], &Eeq))
                fprintf(fp, "  %s, %g, %.9f, none, none\n", r->eq[q].path, r->eq[q].T[i], r->eq[q].E[i]);
            else
                fprintf(fp, "  %s, %g, %.9f, %.9f, %.3f\n", r->eq[q].path, r->eq[q].T[i], r->eq[q].E[i], Eeq,
                        1e3 * (Eeq - r->eq[q].E[i]));
        }
}

/* Text as '#' comment lines of at most COMMENT_WIDTH characters: libinih
 * reads lines of up to 200 characters and would split a longer one. */
#define COMMENT_WIDTH 160
static void put_comments(FILE *fp, const char *text)
{
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, "\n");
        for (size_t off = 0; off < len || off == 0; off += COMMENT_WIDTH - 8) {
            size_t k = len - off < COMMENT_WIDTH - 8 ? len - off : COMMENT_WIDTH - 8;
            fprintf(fp, "#%s %.*s\n", off ? "   ..." : "", (int)k, p + off);
            if (len == 0)
                break;
        }
        p += len + (p[len] == '\n');
    }
}

static int write_material(const char *cmd, const cal_run *r, double **mdl, const char *out)
{
    const pel_calib_result *res = &r->cand[r->best].res;
    pel_afile af;
    pel_error err = {0};
    if (pel_afile_open(&af, out, &err) != PEL_OK)
        return cli_fail(cmd, &err);
    FILE *fp = af.fp;
    char *text = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&text, &size);
    if (!mem) {
        pel_afile_abort(&af);
        return cli_errorf(cmd, CLI_FAIL, "out of memory");
    }
    fprintf(mem, "made by: pel");
    for (int i = 0; i < r->argc; i++)
        fprintf(mem, " %s", r->argv[i]);
    fprintf(mem, "\nmethod: docs/calibration.md\n");
    write_summary(mem, "", r, mdl);
    write_residuals(mem, r, mdl);
    fclose(mem);
    put_comments(fp, text);
    free(text);
    pel_material_write(&res->mat, fp);
    pel_material_cov cov = {.n = res->n_free};
    for (size_t k = 0; k < res->n_free; k++) {
        cov.param[k] = res->param[k];
        for (size_t l = 0; l < res->n_free; l++)
            cov.c[k * PEL_MATERIAL_COV_MAX + l] = res->corr[k * res->n_free + l] * res->se[k] * res->se[l];
    }
    pel_material_write_cov(&cov, fp);
    if (pel_afile_commit(&af, &err) != PEL_OK)
        return cli_fail(cmd, &err);
    return CLI_OK;
}

static json_t *json_report(const cal_run *r, double **mdl)
{
    const cal_cand *b = &r->cand[r->best];
    const pel_calib_result *res = &b->res;
    char ft[128];
    json_t *params = json_array(), *cands = json_array(), *tabs = json_array(), *cats = json_array();
    json_t *corr = json_array();
    for (size_t k = 0; k < res->n_free; k++) {
        json_array_append_new(params, json_pack("{s:s,s:o,s:o,s:o}", "name",
                                                pel_material_param_name((size_t)res->param[k]), "value",
                                                cli_jnum(res->value[k]), "se", cli_jnum(res->se[k]), "boot_sd",
                                                cli_jnum(res->boot_sd[k])));
        json_t *row = json_array();
        for (size_t l = 0; l < res->n_free; l++)
            json_array_append_new(row, cli_jnum(res->corr[k * res->n_free + l]));
        json_array_append_new(corr, row);
    }
    for (size_t k = 0; k < r->n_cand; k++) {
        const cal_cand *c = &r->cand[k];
        json_array_append_new(cands, c->ok ? json_pack("{s:s,s:b,s:I,s:o,s:o,s:o,s:o,s:s}", "forms",
                                                       forms_text(c, ft, sizeof ft), "ok", 1, "n_free",
                                                       (json_int_t)c->res.n_free, "nll", cli_jnum(c->res.nll), "aic",
                                                       cli_jnum(c->res.aic), "bic", cli_jnum(c->res.bic),
                                                       "holdout_nll", cli_jnum(c->holdout_nll), "held_at_bound",
                                                       c->held)
                                           : json_pack("{s:s,s:b,s:s}", "forms", forms_text(c, ft, sizeof ft), "ok",
                                                       0, "refused", c->msg));
    }
    size_t jf = 0;
    for (size_t j = 0; j < r->n_tab; j++) {
        const cal_table_in *t = &r->tab[j];
        json_t *win = json_array();
        for (size_t w = 0; w < NWIN; w++)
            json_array_append_new(win, json_pack("{s:f,s:f,s:o}", "T_lo_K", windows[w][0], "T_hi_K", windows[w][1],
                                                 "mean_model_minus_md_eV_per_atom",
                                                 cli_jnum(mdl[j] ? cli_calib_window(t, mdl[j], windows[w][0],
                                                                                    windows[w][1])
                                                                 : NAN)));
        json_array_append_new(tabs, json_pack("{s:s,s:s,s:b,s:o,s:o}", "file", t->path, "protocol", t->protocol,
                                              "held_out", t->held_out, "noise_eV_per_atom",
                                              cli_jnum(t->held_out ? NAN : res->tab_sigma[jf]), "windows", win));
        if (!t->held_out)
            jf++;
    }
    for (size_t c = 0; c < r->n_cat; c++)
        json_array_append_new(cats, json_pack("{s:s,s:f,s:I,s:o,s:o,s:o}", "file", r->cat[c].path,
                                              "E_IS_eV_per_atom", r->cat[c].E_IS, "n_events", (json_int_t)r->cat[c].n,
                                              "W", cli_jnum(pel_material_W(&res->mat, r->cat[c].E_IS)), "m_eV",
                                              cli_jnum(pel_material_m(&res->mat, r->cat[c].E_IS)), "ks_p",
                                              cli_jnum(res->cat_ks_p[c])));
    return json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:I,s:o,s:o,s:o,s:o,s:o}", "material", res->mat.name, "forms",
                     forms_text(b, ft, sizeof ft), "nll", cli_jnum(res->nll), "nll_catalogs", cli_jnum(res->nll_cat),
                     "nll_eq_line", cli_jnum(res->nll_eq), "nll_tables", cli_jnum(res->nll_tab), "aic",
                     cli_jnum(res->aic), "bic", cli_jnum(res->bic), "n_data", (json_int_t)res->n_data, "params",
                     params, "correlations", corr, "candidates", cands, "tables", tabs, "catalogs", cats);
}

int cli_calib_report(const char *cmd, const cal_run *r, const char *out, int json)
{
    double **mdl = table_models(r, &r->cand[r->best].res.mat);
    if (!mdl)
        return cli_errorf(cmd, CLI_FAIL, "out of memory");
    int rc = CLI_OK;
    if (out && (rc = write_material(cmd, r, mdl, out)) != CLI_OK)
        goto done;
    if (json)
        rc = cli_json_print(cmd, json_report(r, mdl));
    else {
        write_summary(stdout, "", r, mdl);
        if (fflush(stdout) != 0)
            rc = cli_errorf(cmd, CLI_FAIL, "error writing standard output");
    }
done:
    free_models(mdl, r->n_tab);
    return rc;
}
