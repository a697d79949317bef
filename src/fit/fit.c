/* fit.c - maximum-likelihood fit of the activation spectrum (paper eq. 3,
 * docs/theory.md §2) and of the relaxation spectrum (eq. 5) to catalog energies.
 *
 * Parameters are optimised on an unconstrained scale (logit W, m, ln e_A,
 * ln s) with GSL's Nelder-Mead simplex (nmsimplex2, no gradients needed);
 * standard errors come from the observed Fisher information, i.e. the
 * inverse of a central-difference Hessian of the negative log-likelihood in
 * the natural parameters (W, m, e_A, s); intervals from a percentile
 * bootstrap.  Details and caveats: docs/fit.md. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "fit/fit_internal.h"

#define FIT_MAX_PARAMS 4
/* Simplex stopping rule: characteristic size on the unconstrained scale. */
#define FIT_SIMPLEX_SIZE_TOL 1e-8
#define FIT_SIMPLEX_MAX_ITER 4000
/* Outside these bounds the likelihood is treated as a wall (value
 * FIT_NLL_WALL): m in eV, e_A and s in eV. */
#define FIT_M_MIN (-5.0)
#define FIT_M_MAX 50.0
#define FIT_SCALE_MIN 1e-3
#define FIT_SCALE_MAX 50.0
#define FIT_NLL_WALL 1e100
/* Relative step of the finite-difference Hessian (of max(|x|, scale)). */
#define FIT_HESS_REL_STEP 1e-3
#define FIT_HESS_MIN_SCALE 0.05
/* W this close to 0 or 1 is on the edge of its range: no SE (see fit_se). */
#define FIT_W_EDGE 1e-6

typedef struct fit_problem {
    const double *x;    /* data (>= EA_min) */
    const double *logx; /* ln x_i (-inf for 0): constant, so computed once */
    size_t n;
    const pel_fit_options *opt;
    int nfree;            /* 2 or 4 */
    double step_scale;    /* initial simplex = step_scale x (1, 0.3, 0.3, 0.3) */
} fit_problem;

static double logistic(double t)
{
    return 1.0 / (1.0 + exp(-t));
}

/* Unconstrained vector -> spectrum parameters. */
static void theta_to_spec(const fit_problem *pb, const gsl_vector *th, pel_fit_spec *p)
{
    p->W = logistic(gsl_vector_get(th, 0));
    p->m = gsl_vector_get(th, 1);
    p->eA = pb->nfree == 4 ? exp(gsl_vector_get(th, 2)) : pb->opt->eA;
    p->s = pb->nfree == 4 ? exp(gsl_vector_get(th, 3)) : pb->opt->s;
}

static void spec_to_theta(const fit_problem *pb, const pel_fit_spec *p, gsl_vector *th)
{
    gsl_vector_set(th, 0, log(p->W / (1.0 - p->W)));
    gsl_vector_set(th, 1, p->m);
    if (pb->nfree == 4) {
        gsl_vector_set(th, 2, log(p->eA));
        gsl_vector_set(th, 3, log(p->s));
    }
}

/* Negative log-likelihood of eq. 3, truncated to E_A >= EA_min:
 * NLL = -sum w_i ln P(x_i) + (sum w_i) ln S(EA_min); w NULL means all 1.
 * Shared with the joint calibration (src/fit/calib_run.c). */
double pel_fit_nll_events(const pel_fit_spec *p, const double *x, const double *logx, const double *w, size_t n,
                          double EA_min)
{
    double lI1 = pel_fit_log_I1(p->m, p->s);
    /* ln P = logaddexp(ln W/e_A - x/e_A, ln(1-W) - ln I1 + ln x - (x-m)^2/2s^2),
     * with the x-independent parts hoisted out of the loop */
    double c1 = log(p->W) - log(p->eA), c2 = log1p(-p->W) - lI1;
    double inv_eA = 1.0 / p->eA, inv_2s2 = 1.0 / (2.0 * p->s * p->s);
    double sum = 0.0, wsum = 0.0;
    for (size_t i = 0; i < n; i++) {
        double wi = w ? w[i] : 1.0;
        if (wi == 0.0)
            continue;
        double xi = x[i], d = xi - p->m;
        double l1 = c1 - xi * inv_eA, l2 = c2 + logx[i] - d * d * inv_2s2;
        double hi = l1 > l2 ? l1 : l2, lo = l1 > l2 ? l2 : l1;
        sum -= wi * (hi + log1p(exp(lo - hi))); /* lo = -inf at x = 0 gives exp = 0 */
        wsum += wi;
    }
    if (EA_min > 0.0)
        sum += wsum * log(pel_fit_survival_I1(p, lI1, EA_min));
    return sum;
}

static double nll_spec(const fit_problem *pb, const pel_fit_spec *p)
{
    if (!(p->W > 0.0 && p->W < 1.0) || p->m < FIT_M_MIN || p->m > FIT_M_MAX || p->eA < FIT_SCALE_MIN ||
        p->eA > FIT_SCALE_MAX || p->s < FIT_SCALE_MIN || p->s > FIT_SCALE_MAX)
        return FIT_NLL_WALL;
    double sum = pel_fit_nll_events(p, pb->x, pb->logx, NULL, pb->n, pb->opt->EA_min);
    return isfinite(sum) ? sum : FIT_NLL_WALL;
}

static double nll_theta(const gsl_vector *th, void *params)
{
    const fit_problem *pb = params;
    pel_fit_spec p;
    theta_to_spec(pb, th, &p);
    return nll_spec(pb, &p);
}

/* One simplex minimisation from `start`; writes the optimum and its NLL. */
static int simplex_run(const fit_problem *pb, const pel_fit_spec *start, pel_fit_spec *best, double *best_nll)
{
    const gsl_multimin_fminimizer_type *T = gsl_multimin_fminimizer_nmsimplex2;
    gsl_multimin_fminimizer *mz = gsl_multimin_fminimizer_alloc(T, (size_t)pb->nfree);
    gsl_vector *th = gsl_vector_alloc((size_t)pb->nfree);
    gsl_vector *step = gsl_vector_alloc((size_t)pb->nfree);
    int rc = PEL_ENOMEM;
    if (!mz || !th || !step)
        goto done;
    gsl_multimin_function f = {nll_theta, (size_t)pb->nfree, (void *)pb};
    spec_to_theta(pb, start, th);
    /* initial simplex: 1 in logit W, 0.3 eV in m, 0.3 in ln e_A / ln s */
    gsl_vector_set_all(step, 0.3 * pb->step_scale);
    gsl_vector_set(step, 0, pb->step_scale);
    rc = PEL_ENOCONV;
    if (gsl_multimin_fminimizer_set(mz, &f, th, step) != GSL_SUCCESS)
        goto done;
    int status = GSL_CONTINUE;
    for (int it = 0; it < FIT_SIMPLEX_MAX_ITER && status == GSL_CONTINUE; it++) {
        if (gsl_multimin_fminimizer_iterate(mz) != GSL_SUCCESS)
            break;
        status = gsl_multimin_test_size(gsl_multimin_fminimizer_size(mz), FIT_SIMPLEX_SIZE_TOL);
    }
    if (status == GSL_SUCCESS && mz->fval < FIT_NLL_WALL) {
        theta_to_spec(pb, mz->x, best);
        *best_nll = mz->fval;
        rc = PEL_OK;
    }
done:
    gsl_multimin_fminimizer_free(mz);
    gsl_vector_free(th);
    gsl_vector_free(step);
    return rc;
}

/* Simplex from each start, then a restart from the best (Nelder-Mead can
 * stall on a degenerate simplex; a fresh simplex at the optimum cures it). */
static int fit_mle(const fit_problem *pb, const pel_fit_spec *starts, size_t nstart, pel_fit_spec *best,
                   double *best_nll)
{
    int found = 0;
    for (size_t k = 0; k < nstart; k++) {
        pel_fit_spec p;
        double v;
        if (simplex_run(pb, &starts[k], &p, &v) == PEL_OK && (!found || v < *best_nll)) {
            *best = p;
            *best_nll = v;
            found = 1;
        }
    }
    if (!found)
        return PEL_ENOCONV;
    pel_fit_spec p;
    double v;
    if (simplex_run(pb, best, &p, &v) == PEL_OK && v <= *best_nll) {
        *best = p;
        *best_nll = v;
    }
    return PEL_OK;
}

/* Natural parameter j of p (0 W, 1 m, 2 eA, 3 s). */
static double *spec_field(pel_fit_spec *p, int j)
{
    double *f[4] = {&p->W, &p->m, &p->eA, &p->s};
    return f[j];
}

/* Standard errors: sqrt(diag(H^-1)), H = Hessian of the NLL in (W, m[, eA, s])
 * by central differences.  NAN when H is not positive definite.  W on the
 * edge of (0,1) (the data show one mode only, e.g. W -> 0 as for amorphous
 * Si) has no SE; the others are then conditional on W held there. */
static void fit_se(const fit_problem *pb, const pel_fit_spec *opt, double se[FIT_MAX_PARAMS])
{
    int act[FIT_MAX_PARAMS], k = 0; /* parameters in the Hessian */
    double h[FIT_MAX_PARAMS];
    for (int j = 0; j < pb->nfree; j++) {
        se[j] = NAN;
        double v = *spec_field((pel_fit_spec *)opt, j);
        if (j == 0 && !(v > FIT_W_EDGE && v < 1.0 - FIT_W_EDGE))
            continue;
        h[k] = FIT_HESS_REL_STEP * fmax(fabs(v), FIT_HESS_MIN_SCALE);
        if (j == 0) /* keep W +- 2h inside (0, 1) */
            h[k] = fmin(h[k], 0.25 * fmin(v, 1.0 - v));
        act[k++] = j;
    }
    gsl_matrix *H = gsl_matrix_alloc((size_t)k, (size_t)k);
    if (!H)
        return;
    double f0 = nll_spec(pb, opt);
    for (int a = 0; a < k; a++) {
        for (int b = a; b < k; b++) {
            double val;
            pel_fit_spec q = *opt;
            double *pa = spec_field(&q, act[a]), *pb_ = spec_field(&q, act[b]);
            if (a == b) {
                *pa += h[a];
                double fp = nll_spec(pb, &q);
                *pa -= 2.0 * h[a];
                double fm = nll_spec(pb, &q);
                val = (fp - 2.0 * f0 + fm) / (h[a] * h[a]);
            } else {
                double fpp, fpm, fmp, fmm;
                *pa += h[a];
                *pb_ += h[b];
                fpp = nll_spec(pb, &q);
                *pb_ -= 2.0 * h[b];
                fpm = nll_spec(pb, &q);
                *pa -= 2.0 * h[a];
                fmm = nll_spec(pb, &q);
                *pb_ += 2.0 * h[b];
                fmp = nll_spec(pb, &q);
                val = (fpp - fpm - fmp + fmm) / (4.0 * h[a] * h[b]);
            }
            if (!(fabs(val) < FIT_NLL_WALL * 1e-10)) { /* a step hit the wall: optimum on a bound */
                gsl_matrix_free(H);
                return;
            }
            gsl_matrix_set(H, (size_t)a, (size_t)b, val);
            gsl_matrix_set(H, (size_t)b, (size_t)a, val);
        }
    }
    /* H^-1 = V diag(1/lambda) V^T; an eigen-decomposition rather than a
     * Cholesky factorisation so that an indefinite H (optimum on a ridge) is
     * reported as NAN instead of going through GSL's error handler. */
    gsl_vector *lam = gsl_vector_alloc((size_t)k);
    gsl_matrix *V = gsl_matrix_alloc((size_t)k, (size_t)k);
    gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc((size_t)k);
    if (lam && V && ws && gsl_eigen_symmv(H, lam, V, ws) == GSL_SUCCESS) {
        int posdef = 1;
        for (int j = 0; j < k; j++)
            posdef = posdef && gsl_vector_get(lam, (size_t)j) > 0.0 && isfinite(gsl_vector_get(lam, (size_t)j));
        for (int j = 0; posdef && j < k; j++) {
            double v = 0.0;
            for (int l = 0; l < k; l++) {
                double vjl = gsl_matrix_get(V, (size_t)j, (size_t)l);
                v += vjl * vjl / gsl_vector_get(lam, (size_t)l);
            }
            se[act[j]] = sqrt(v);
        }
    }
    gsl_eigen_symmv_free(ws);
    gsl_matrix_free(V);
    gsl_vector_free(lam);
    gsl_matrix_free(H);
}

void pel_fit_options_default(pel_fit_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->eA = 0.5;  /* paper: M1 decay energy, eV */
    opt->s = 0.49;  /* paper: M2 width, eV */
    opt->EA_min = 0.0;
    opt->bootstrap = 0;
    opt->ci_level = 0.95;
    opt->seed = 1;
    opt->min_events = 20;
}

static int check_options(const pel_fit_options *o, pel_error *err)
{
    if (!(o->eA > FIT_SCALE_MIN && o->eA < FIT_SCALE_MAX))
        return pel_error_set(err, PEL_EINVAL, "e_A = %g eV outside (%g, %g)", o->eA, FIT_SCALE_MIN, FIT_SCALE_MAX);
    if (!(o->s > FIT_SCALE_MIN && o->s < FIT_SCALE_MAX))
        return pel_error_set(err, PEL_EINVAL, "s = %g eV outside (%g, %g)", o->s, FIT_SCALE_MIN, FIT_SCALE_MAX);
    if (!(o->EA_min >= 0.0 && isfinite(o->EA_min)))
        return pel_error_set(err, PEL_EINVAL, "E_A cutoff %g eV must be >= 0", o->EA_min);
    if (!(o->ci_level > 0.0 && o->ci_level < 1.0))
        return pel_error_set(err, PEL_EINVAL, "confidence level %g must be in (0, 1)", o->ci_level);
    return PEL_OK;
}

static double nan_param_init(pel_fit_param *p, double v)
{
    p->value = v;
    p->se = 0.0;
    p->ci_lo = p->ci_hi = NAN;
    return v;
}

/* Percentile interval of vals[0..n) (sorted in place). */
static void percentile_ci(double *vals, size_t n, double level, pel_fit_param *p)
{
    if (n < 2)
        return;
    gsl_sort(vals, 1, n);
    p->ci_lo = gsl_stats_quantile_from_sorted_data(vals, 1, n, 0.5 * (1.0 - level));
    p->ci_hi = gsl_stats_quantile_from_sorted_data(vals, 1, n, 1.0 - 0.5 * (1.0 - level));
}

static double mean_of(const double *x, size_t n)
{
    return gsl_stats_mean(x, 1, n);
}

static double cdf_spec_cb(const void *ctx, double x)
{
    const fit_problem *pb = ((const void *const *)ctx)[0];
    const pel_fit_spec *p = ((const void *const *)ctx)[1];
    double lI1 = pel_fit_log_I1(p->m, p->s);
    double Sc = pb->opt->EA_min > 0.0 ? pel_fit_survival_I1(p, lI1, pb->opt->EA_min) : 1.0;
    return 1.0 - pel_fit_survival_I1(p, lI1, x) / Sc;
}

static double cdf_exp_cb(const void *ctx, double x)
{
    return x <= 0.0 ? 0.0 : -expm1(-x / *(const double *)ctx);
}

/* Relaxation: e_R = mean (MLE of an exponential), se = e_R / sqrt(n). */
static int fit_relaxation(const double *ER, size_t n, double *sorted, pel_fit_result *res, pel_error *err)
{
    for (size_t i = 0; i < n; i++) {
        if (!(ER[i] >= 0.0 && isfinite(ER[i])))
            return pel_error_set(err, PEL_EINVAL, "E_R value %zu (%g eV) is negative or not finite", i + 1, ER[i]);
        sorted[i] = ER[i];
    }
    double eR = nan_param_init(&res->eR, mean_of(ER, n));
    if (!(eR > 0.0))
        return pel_error_set(err, PEL_EINVAL, "all %zu E_R values are zero", n);
    res->eR.se = eR / sqrt((double)n);
    gsl_sort(sorted, 1, n);
    res->ks_R_D = pel_fit_ks_statistic(sorted, n, cdf_exp_cb, &eR);
    res->ks_R_p = pel_fit_ks_pvalue(res->ks_R_D, n);
    res->n_R = n;
    return PEL_OK;
}

int pel_fit_events(const double *EA, size_t n, const double *ER, size_t n_R, const pel_fit_options *opt,
                   pel_fit_result *res, pel_progress_fn progress, void *progress_ctx, pel_error *err)
{
    memset(res, 0, sizeof *res);
    int rc = check_options(opt, err);
    if (rc)
        return rc;
    size_t nmax = n > n_R ? n : n_R;
    double *x = malloc((nmax ? nmax : 1) * sizeof *x);
    double *xb = malloc((nmax ? nmax : 1) * sizeof *xb);
    double *lx = malloc((nmax ? nmax : 1) * sizeof *lx);
    double *lxb = malloc((nmax ? nmax : 1) * sizeof *lxb);
    double *boot = NULL;
    gsl_rng *rng = NULL;
    if (!x || !xb || !lx || !lxb) {
        rc = pel_error_set(err, PEL_ENOMEM, "out of memory for %zu events", nmax);
        goto done;
    }
    /* data at or above the cutoff */
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(EA[i] >= 0.0 && isfinite(EA[i]))) {
            rc = pel_error_set(err, PEL_EINVAL, "E_A value %zu (%g eV) is negative or not finite", i + 1, EA[i]);
            goto done;
        }
        if (EA[i] >= opt->EA_min)
            x[m++] = EA[i];
    }
    size_t need = opt->min_events > 3 ? opt->min_events : 3;
    if (m < need) {
        rc = pel_error_set(err, PEL_EINVAL, "only %zu usable E_A values (>= %g eV); at least %zu are needed to fit",
                           m, opt->EA_min, need);
        goto done;
    }
    /* sorted: the KS statistic and the start quantiles need it */
    gsl_sort(x, 1, m);
    for (size_t i = 0; i < m; i++)
        lx[i] = log(x[i]);
    fit_problem pb = {x, lx, m, opt, opt->free_eA_s ? 4 : 2, 1.0};
    /* starts: W in {0.1, 0.5} x m at the quartiles of the data */
    pel_fit_spec starts[6];
    for (int a = 0; a < 2; a++)
        for (int q = 0; q < 3; q++)
            starts[a * 3 + q] = (pel_fit_spec){a ? 0.5 : 0.1, gsl_stats_quantile_from_sorted_data(x, 1, m, 0.25 * (q + 1)),
                                               opt->eA, opt->s};
    pel_fit_spec best;
    if (fit_mle(&pb, starts, 6, &best, &res->nll) != PEL_OK) {
        rc = pel_error_set(err, PEL_ENOCONV, "maximum-likelihood fit of eq. 3 did not converge (%zu events)", m);
        goto done;
    }
    res->n = m;
    nan_param_init(&res->W, best.W);
    nan_param_init(&res->m, best.m);
    nan_param_init(&res->eA, best.eA);
    nan_param_init(&res->s, best.s);
    double se[FIT_MAX_PARAMS];
    fit_se(&pb, &best, se);
    res->W.se = se[0];
    res->m.se = se[1];
    if (pb.nfree == 4) {
        res->eA.se = se[2];
        res->s.se = se[3];
    }
    const void *ctx[2] = {&pb, &best};
    res->ks_D = pel_fit_ks_statistic(x, m, cdf_spec_cb, ctx);
    res->ks_p = pel_fit_ks_pvalue(res->ks_D, m);
    if (ER && n_R > 0 && (rc = fit_relaxation(ER, n_R, xb, res, err)) != PEL_OK)
        goto done;

    if (opt->bootstrap > 0) {
        size_t B = opt->bootstrap;
        boot = malloc(5 * B * sizeof *boot); /* W, m, eA, s, eR columns */
        rng = gsl_rng_alloc(gsl_rng_mt19937);
        if (!boot || !rng) {
            rc = pel_error_set(err, PEL_ENOMEM, "out of memory for %zu bootstrap resamples", B);
            goto done;
        }
        gsl_rng_set(rng, (unsigned long)pel_seed_stream(opt->seed, 0));
        size_t ok = 0, okR = 0;
        fit_problem pbb = pb;
        pbb.x = xb;
        pbb.logx = lxb;
        /* resamples start at the full-data optimum: a simplex of a few
         * standard errors (on the logit scale ~ se_W/(W(1-W))) suffices */
        pbb.step_scale = isfinite(res->W.se) ? fmin(1.0, 3.0 * res->W.se / (best.W * (1.0 - best.W))) : 1.0;
        pbb.step_scale = fmax(pbb.step_scale, 0.05);
        for (size_t b = 0; b < B; b++) {
            for (size_t i = 0; i < m; i++) {
                size_t j = gsl_rng_uniform_int(rng, m);
                xb[i] = x[j];
                lxb[i] = lx[j];
            }
            pel_fit_spec pbest;
            double v;
            if (fit_mle(&pbb, &best, 1, &pbest, &v) == PEL_OK) {
                boot[0 * B + ok] = pbest.W;
                boot[1 * B + ok] = pbest.m;
                boot[2 * B + ok] = pbest.eA;
                boot[3 * B + ok] = pbest.s;
                ok++;
            }
            if (res->n_R > 0) {
                double sum = 0.0;
                for (size_t i = 0; i < n_R; i++)
                    sum += ER[gsl_rng_uniform_int(rng, n_R)];
                boot[4 * B + okR++] = sum / (double)n_R;
            }
            if (progress && progress(progress_ctx, (double)(b + 1), (double)B, "bootstrap"))
                break;
        }
        res->n_boot_ok = ok;
        pel_fit_param *pp[4] = {&res->W, &res->m, &res->eA, &res->s};
        for (int j = 0; j < pb.nfree; j++)
            percentile_ci(boot + (size_t)j * B, ok, opt->ci_level, pp[j]);
        if (res->n_R > 0)
            percentile_ci(boot + 4 * B, okR, opt->ci_level, &res->eR);
    }
    rc = PEL_OK;
done:
    free(x);
    free(xb);
    free(lx);
    free(lxb);
    free(boot);
    gsl_rng_free(rng);
    return rc;
}
