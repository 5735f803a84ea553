/* plugins/linreg/linreg.h — what the linear-regression solvers share.
 *
 * Every solver gets the same centred problem: with row weights s_i (1 when
 * none), weighted means x̄ and ȳ (0 without an intercept),
 *     A = diag(sqrt(s)) (X - x̄),   b = diag(sqrt(s)) (y - ȳ),
 * find the coefficients
 *     w = argmin ||A w - b||^2 + alpha ||w||^2
 * after which the intercept is ȳ - x̄ . w (it is never penalised). */
#ifndef LINREG_H
#define LINREG_H

#include <nabla/model.h>

typedef struct lsq {
    int64_t n, d;
    const double *A; /* n x d, row-major */
    const double *b; /* n */
    double alpha;
} lsq;

/* Householder QR with column pivoting; columns that depend on earlier ones
 * get coefficient 0 (the predictions equal the least-squares ones). *rank
 * gets the number of independent columns. */
int linreg_solve_qr(const lsq *p, double *w, int64_t *rank);
/* The normal equations (A^T A + alpha I) w = A^T b by Cholesky. */
int linreg_solve_cholesky(const lsq *p, double *w);
/* Gradient descent through the autograd graph. */
typedef struct gd_opts {
    int64_t max_iter;
    double tol, lr;
    int64_t iters; /* out: iterations run */
} gd_opts;
int linreg_solve_gd(const lsq *p, double *w, gd_opts *o, nb_fit_ctx *fc);

#endif
