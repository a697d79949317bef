/* lbfgs.h - internal limited-memory BFGS direction (two-loop recursion,
 * Nocedal & Wright, Numerical Optimization, alg. 7.4) on forces alone: for
 * ART's climb, where the "gradient" is a projected force that is not the
 * gradient of any function, and for the L-BFGS minimiser, whose last steps
 * change the energy by less than its round-off; GSL's multimin BFGS needs a
 * line search on the energy and so applies to neither. */
#ifndef PEL_ATOMS_LBFGS_H
#define PEL_ATOMS_LBFGS_H

#include <stddef.h>

typedef struct pel_lbfgs {
    size_t n;      /* dimension */
    int m;         /* pairs kept */
    int count;     /* pairs stored (<= m) */
    int head;      /* slot of the newest pair */
    double *s, *y; /* [m n] steps and force changes (y = g_old - g_new for a force g) */
    double *rho;   /* [m] 1 / (s . y) */
    double *alpha; /* [m] scratch */
} pel_lbfgs;

/* Allocate for dimension n and memory m >= 1; PEL_ENOMEM on failure (then
 * nothing is left allocated). */
int pel_lbfgs_init(pel_lbfgs *lb, size_t n, int m);
void pel_lbfgs_destroy(pel_lbfgs *lb);
void pel_lbfgs_reset(pel_lbfgs *lb);

/* Add the pair (s, y); refused (memory reset, returns 0) unless s . y > 0,
 * the curvature condition that keeps the inverse Hessian positive definite. */
int pel_lbfgs_push(pel_lbfgs *lb, const double *s, const double *y);

/* d = H g, H the L-BFGS inverse Hessian with initial scaling s.y / y.y of
 * the newest pair, or h0 with no pair stored.  g is a force (minus a
 * gradient), so d is a descent step. */
void pel_lbfgs_direction(pel_lbfgs *lb, const double *g, double h0, double *d);

#endif
