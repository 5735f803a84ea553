/* plugins/linreg/solve_gd.c — the same problem by gradient descent, with the
 * gradient from the autograd graph instead of a formula: a small example of
 * training a model the way larger ones are trained.
 *
 * Columns are first put on a common scale, A = Z diag(s) with s_j the RMS of
 * column j, so one step size suits all of them. In v = diag(s) w the
 * objective is
 *     J(v) = (1/n) (||Z v - b||^2 + alpha sum_j (v_j / s_j)^2),
 * its gradient (2/n) (Z^T (Z v - b) + alpha v / s^2) is Lipschitz with
 *     L = (2/n) (lambda_max(Z^T Z) + alpha max_j 1 / s_j^2),
 * and steps of 1/L decrease J every time (lambda_max by power iteration).
 * Stop when J falls by less than tol * J in a step, or after max_iter. */
#include "linreg.h"

#include <nabla/autograd.h>

#include <math.h>
#include <stdlib.h>

/* lambda_max(Z^T Z) by 50 rounds of power iteration, from all ones. */
static double top_eigenvalue(nb_ctx *ctx, nb_tensor *Z)
{
    nb_tensor *Zt = nb_transpose(ctx, Z, 0, 1), *u = nb_ones(ctx, NB_F64, 1, (int64_t[]){Z->shape[1]});
    double lambda = 0;
    for (int it = 0; it < 50 && u; it++) {
        nb_tensor *Au = nb_matmul(ctx, Zt, nb_matmul(ctx, Z, u));
        double norm = sqrt(nb_item(nb_sum(ctx, nb_mul(ctx, Au, Au), NB_ALL_AXES, false)));
        if (!(norm > 0)) break;
        lambda = norm / sqrt(nb_item(nb_sum(ctx, nb_mul(ctx, u, u), NB_ALL_AXES, false)));
        u = nb_div_scalar(ctx, Au, norm);
    }
    return lambda;
}

/* J(v) as a graph, so that backward gives dJ/dv. */
static nb_tensor *objective(nb_ctx *step, nb_tensor *Z, nb_tensor *b, nb_tensor *v, nb_tensor *inv_s2,
                            double alpha, double n)
{
    nb_tensor *r = nb_sub(step, nb_matmul(step, Z, v), b);
    nb_tensor *fit = nb_sum(step, nb_mul(step, r, r), NB_ALL_AXES, false);
    nb_tensor *pen = nb_sum(step, nb_mul(step, nb_mul(step, v, v), inv_s2), NB_ALL_AXES, false);
    return nb_div_scalar(step, nb_add(step, fit, nb_mul_scalar(step, pen, alpha)), n);
}

/* Z = A / s column by column; s and 1/s^2 as vectors. */
static nb_tensor *scaled(nb_ctx *ctx, const lsq *p, nb_tensor **s, nb_tensor **inv_s2)
{
    nb_tensor *A = nb_from_data(ctx, NB_F64, 2, (int64_t[]){p->n, p->d}, p->A);
    nb_tensor *rms = nb_sqrt(ctx, nb_mean(ctx, nb_mul(ctx, A, A), NB_AXES(0), false));
    /* a zero column keeps scale 1 */
    *s = nb_where(ctx, nb_gt(ctx, rms, nb_scalar(ctx, NB_F64, 0)), rms, nb_ones(ctx, NB_F64, 1, &p->d));
    *inv_s2 = nb_rdiv_scalar(ctx, nb_mul(ctx, *s, *s), 1.0);
    return nb_div(ctx, A, *s);
}

static int descend(nb_ctx *ctx, const lsq *p, double *w, gd_opts *o, nb_fit_ctx *fc)
{
    nb_tensor *s, *inv_s2, *Z = scaled(ctx, p, &s, &inv_s2);
    nb_tensor *b = nb_from_data(ctx, NB_F64, 1, &p->n, p->b), *v = nb_zeros(ctx, NB_F64, 1, &p->d);
    if (!Z || !b || !v || nb_requires_grad_(v, true) < 0) return -1;
    double n = (double)p->n, max_inv = nb_item(nb_max(ctx, inv_s2, NB_ALL_AXES, false));
    double L = 2 / n * (top_eigenvalue(ctx, Z) * 1.01 + p->alpha * max_inv);
    double lr = o->lr > 0 ? o->lr : 1 / L, prev = INFINITY;
    nb_ctx *step = nb_ctx_new();
    int rc = step ? 0 : -1;
    for (o->iters = 0; rc == 0 && o->iters < o->max_iter; o->iters++) {
        nb_ctx_reset(step);
        nb_tensor *J = objective(step, Z, b, v, inv_s2, p->alpha, n);
        double loss = J ? nb_item(J) : NAN;
        if (!isfinite(loss) || nb_backward(J) < 0) {
            rc = nb_plugin_error("linreg: gradient descent diverged at iteration %lld (J = %g); lower lr",
                                 (long long)o->iters + 1, loss);
            break;
        }
        NB_NO_GRAD { nb_axpy_(v, -lr, nb_grad(v)); } /* v <- v - lr dJ/dv */
        nb_zero_grad(v);
        if (nb_fit_progress(fc, o->iters + 1, o->max_iter, loss, NAN, NULL)) rc = -1;
        if (prev - loss <= o->tol * loss) break;
        prev = loss;
    }
    nb_ctx_free(step);
    if (rc < 0) return -1;
    nb_tensor *coef = nb_div(ctx, nb_detach(ctx, v), s); /* w = v / s */
    return coef && nb_copy_to(coef, w, (size_t)p->d * sizeof *w) == 0 ? 0 : -1;
}

int linreg_solve_gd(const lsq *p, double *w, gd_opts *o, nb_fit_ctx *fc)
{
    nb_ctx *ctx = nb_ctx_new();
    int rc = ctx ? descend(ctx, p, w, o, fc) : -1;
    nb_ctx_free(ctx);
    return rc;
}
