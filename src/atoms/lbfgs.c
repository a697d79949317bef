/* lbfgs.c - two-loop recursion for the L-BFGS inverse Hessian (src/atoms/lbfgs.h). */
#include "atoms/lbfgs.h"

#include <stdlib.h>
#include <string.h>

#include "pel/error.h"

static double dotn(size_t n, const double *u, const double *v)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += u[i] * v[i];
    return s;
}

int pel_lbfgs_init(pel_lbfgs *lb, size_t n, int m)
{
    memset(lb, 0, sizeof *lb);
    lb->n = n;
    lb->m = m < 1 ? 1 : m;
    size_t mn = (size_t)lb->m * n;
    lb->s = malloc(mn * sizeof *lb->s);
    lb->y = malloc(mn * sizeof *lb->y);
    lb->rho = malloc((size_t)lb->m * sizeof *lb->rho);
    lb->alpha = malloc((size_t)lb->m * sizeof *lb->alpha);
    if (!lb->s || !lb->y || !lb->rho || !lb->alpha) {
        pel_lbfgs_destroy(lb);
        return PEL_ENOMEM;
    }
    return PEL_OK;
}

void pel_lbfgs_destroy(pel_lbfgs *lb)
{
    free(lb->s);
    free(lb->y);
    free(lb->rho);
    free(lb->alpha);
    memset(lb, 0, sizeof *lb);
}

void pel_lbfgs_reset(pel_lbfgs *lb)
{
    lb->count = 0;
    lb->head = 0;
}

int pel_lbfgs_push(pel_lbfgs *lb, const double *s, const double *y)
{
    double sy = dotn(lb->n, s, y);
    if (!(sy > 0)) {
        pel_lbfgs_reset(lb);
        return 0;
    }
    int slot = lb->count == 0 ? 0 : (lb->head + 1) % lb->m;
    memcpy(lb->s + (size_t)slot * lb->n, s, lb->n * sizeof *s);
    memcpy(lb->y + (size_t)slot * lb->n, y, lb->n * sizeof *y);
    lb->rho[slot] = 1.0 / sy;
    lb->head = slot;
    if (lb->count < lb->m)
        lb->count++;
    return 1;
}

void pel_lbfgs_direction(pel_lbfgs *lb, const double *g, double h0, double *d)
{
    size_t n = lb->n;
    memcpy(d, g, n * sizeof *d);
    /* Newest to oldest. */
    for (int k = 0; k < lb->count; k++) {
        int i = (lb->head - k + lb->m) % lb->m;
        const double *si = lb->s + (size_t)i * n, *yi = lb->y + (size_t)i * n;
        lb->alpha[i] = lb->rho[i] * dotn(n, si, d);
        for (size_t j = 0; j < n; j++)
            d[j] -= lb->alpha[i] * yi[j];
    }
    double gamma = h0;
    if (lb->count > 0) {
        const double *yh = lb->y + (size_t)lb->head * n;
        gamma = 1.0 / (lb->rho[lb->head] * dotn(n, yh, yh)); /* s.y / y.y */
    }
    for (size_t j = 0; j < n; j++)
        d[j] *= gamma;
    /* Oldest to newest. */
    for (int k = lb->count - 1; k >= 0; k--) {
        int i = (lb->head - k + lb->m) % lb->m;
        const double *si = lb->s + (size_t)i * n, *yi = lb->y + (size_t)i * n;
        double beta = lb->rho[i] * dotn(n, yi, d);
        for (size_t j = 0; j < n; j++)
            d[j] += (lb->alpha[i] - beta) * si[j];
    }
}
