/* plugins/logreg/objective.c — the training objective, written with nabla's
 * ops so that autograd gives its gradient, and the optimizers that minimise
 * it (the nn layer's L-BFGS, SGD and Adam).
 *
 * With row weights s_i (sample weight times class weight) the objective is,
 * as in scikit-learn,
 *     J(W, b) = sum_i s_i loss_i + ||W||^2 / (2 C)          (b is not penalised)
 * two classes, y_i in {0, 1}, z_i = x_i . w + b:
 *     loss_i = log(1 + e^{z_i}) - y_i z_i                    (= -log p(y_i))
 * K classes, z_i = W x_i + b:
 *     loss_i = log sum_k e^{z_ik} - z_{i,y_i}                (= -log softmax(z_i)[y_i])
 * The intercept rides along as a last column of W against a column of ones
 * appended to X (z = [x, 1] . [w, b]), left out of the penalty: one matmul
 * gives the scores and, backwards, the gradient of both.
 * J is convex, so L-BFGS finds its minimum; it stops when max |dJ/dtheta|
 * <= tol (scikit-learn's gtol). SGD and Adam take full-batch steps on J / S,
 * S = sum_i s_i, for max_iter steps or until J / S changes by less than tol
 * times itself. Class weights "balanced": s_c = n / (K n_c). */
#include "logreg.h"

#include <nabla/autograd.h>
#include <nabla/nn.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct problem {
    nb_ctx *data, *step;  /* the constants; each evaluation's graph */
    nb_tensor *X1, *y, *y1, *s, *Wb; /* [X, 1]; labels; 0/1 labels as numbers; row weights; [W, b] */
    double inv2C, S;      /* 1 / (2C), sum of s */
    bool binary;
    logreg *m;
    nb_fit_ctx *fc;
    int64_t evals;
    bool scale_by_S;      /* SGD, Adam: minimise J / S */
} problem;

/* J as a graph from [W, b] (which requires grad). */
static nb_tensor *objective(problem *p)
{
    nb_ctx *c = p->step;
    int64_t d = p->m->d;
    nb_tensor *loss;
    if (p->binary) {
        nb_tensor *z = nb_matmul(c, p->X1, nb_reshape(c, p->Wb, 1, (int64_t[]){d + 1}));  /* [n] */
        loss = nb_sub(c, nb_softplus(c, z), nb_mul(c, p->y1, z));
    } else {
        nb_tensor *Z = nb_matmul(c, p->X1, nb_transpose(c, p->Wb, 0, 1));               /* [n, K] */
        nb_cross_entropy_opts per_row = {.reduction = NB_REDUCE_NONE};
        loss = nb_cross_entropy(c, Z, p->y, &per_row); /* the nn layer's fused log-softmax + NLL */
    }
    nb_tensor *fit = nb_sum(c, nb_mul(c, loss, p->s), NB_ALL_AXES, false);
    nb_tensor *W = nb_slice(c, p->Wb, 1, 0, d, 1);                                       /* not b */
    nb_tensor *pen = nb_mul_scalar(c, nb_sum(c, nb_mul(c, W, W), NB_ALL_AXES, false), p->inv2C);
    nb_tensor *J = nb_add(c, fit, pen);
    return p->scale_by_S ? nb_div_scalar(c, J, p->S) : J;
}

/* The closure the optimizers call: zero the gradients, J, backward. A stop
 * request (Ctrl-C) makes it fail, which ends the optimizer's step. */
static double evaluate(void *user)
{
    problem *p = user;
    nb_ctx_reset(p->step);
    nb_zero_grad(p->Wb);
    nb_tensor *J = objective(p);
    double f = J ? nb_item(J) : NAN;
    if (!J || nb_backward(J) < 0) return NAN;
    p->evals++;
    double report = p->scale_by_S ? f : f / p->S;
    if (nb_fit_progress(p->fc, p->evals, p->m->max_iter, report, NAN, NULL)) return NAN;
    return f;
}

/* Row weights s_i = sample weight * class weight. */
static nb_tensor *row_weights(nb_ctx *ctx, const logreg *m, const nb_table *t)
{
    int64_t n = t->y->shape[0];
    const int64_t *y = nb_data(t->y);
    double *cw = calloc((size_t)m->k, sizeof *cw), *s = malloc((size_t)n * sizeof *s);
    nb_tensor *out = NULL;
    if (cw && s) {
        for (int64_t i = 0; i < n; i++) cw[y[i]]++;
        for (int64_t c = 0; c < m->k; c++)
            cw[c] = !strcmp(m->class_weight, "balanced") && cw[c] > 0 ? (double)n / ((double)m->k * cw[c]) : 1.0;
        const double *sw = t->weight ? nb_data(t->weight) : NULL;
        for (int64_t i = 0; i < n; i++) s[i] = (sw ? sw[i] : 1.0) * cw[y[i]];
        out = nb_from_data(ctx, NB_F64, 1, &n, s);
    }
    free(cw), free(s);
    return out;
}

static int setup(problem *p, logreg *m, const nb_table *t)
{
    nb_ctx *c = p->data;
    int64_t n = t->X->shape[0];
    p->binary = m->k == 2;
    p->X1 = nb_concat(c, (nb_tensor *[]){t->X, nb_ones(c, NB_F64, 2, (int64_t[]){n, 1})}, 2, 1);
    p->y = t->y;
    p->y1 = nb_cast(c, t->y, NB_F64);                            /* 0/1 as numbers */
    p->s = row_weights(c, m, t);
    p->Wb = nb_zeros(c, NB_F64, 2, (int64_t[]){m->kk, m->d + 1});
    p->inv2C = 1 / (2 * m->C);
    if (!p->X1 || !p->y1 || !p->s || !p->Wb) return -1;
    p->S = nb_item(nb_sum(c, p->s, NB_ALL_AXES, false));
    return nb_requires_grad_(p->Wb, true);
}

/* L-BFGS, the way scikit-learn calls it: up to max_iter iterations, stopping
 * at max |g| <= tol or when J stops falling (2.2e-9 relative, scipy's ftol). */
static nb_optim *make_optimizer(problem *p, const logreg *m)
{
    nb_named_tensor ps[] = {{"Wb", p->Wb}};
    if (!strcmp(m->solver, "lbfgs")) {
        nb_lbfgs_opts o = nb_lbfgs_defaults();
        o.max_iter = (int)m->max_iter, o.max_eval = (int)(m->max_iter * 5 / 4 + 1);
        o.tolerance_grad = m->tol;
        o.tolerance_change = 2.2e-9 * fmax(p->S * log((double)m->k), 1);
        return nb_lbfgs_new(ps, 1, 1.0, &o);
    }
    p->scale_by_S = true;
    if (!strcmp(m->solver, "sgd")) return nb_sgd_new(ps, 1, m->lr, NULL);
    nb_adam_opts o = nb_adam_defaults();
    return nb_adam_new(ps, 1, m->lr, &o);
}

static int minimise(problem *p, logreg *m)
{
    nb_optim *opt = make_optimizer(p, m);
    if (!opt) return -1;
    int rc = 0;
    if (!strcmp(m->solver, "lbfgs")) {
        rc = nb_optim_step_closure(opt, evaluate, p, NULL);
    } else {
        double prev = INFINITY, f = 0;
        for (int64_t it = 0; rc == 0 && it < m->max_iter; it++) {
            rc = nb_optim_step_closure(opt, evaluate, p, &f);
            if (rc == 0 && fabs(prev - f) <= m->tol * fabs(f)) break;
            prev = f;
        }
    }
    nb_optim_free(opt);
    return rc;
}

/* [W, b] back into the model's W and b. */
static int split_weights(problem *p, logreg *m)
{
    nb_tensor *Wb = nb_contiguous(p->data, nb_detach(p->data, p->Wb));
    if (!Wb) return -1;
    const double *v = nb_data(Wb);
    for (int64_t r = 0; r < m->kk; r++) {
        memcpy(m->W + r * m->d, v + r * (m->d + 1), (size_t)m->d * sizeof *v);
        m->b[r] = v[r * (m->d + 1) + m->d];
    }
    return 0;
}

int logreg_train(logreg *m, const nb_table *t, nb_fit_ctx *fc)
{
    problem p = {.data = nb_ctx_new(), .step = nb_ctx_new(), .m = m, .fc = fc};
    int rc = p.data && p.step ? setup(&p, m, t) : -1;
    if (rc == 0) rc = minimise(&p, m);
    if (rc == 0) rc = split_weights(&p, m);
    m->steps = p.evals;
    nb_ctx_free(p.step), nb_ctx_free(p.data);
    return rc;
}
