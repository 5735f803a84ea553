/* plugins/logreg — logistic regression, binary and multinomial.
 *
 * A linear score per class turned into probabilities:
 *     two classes:  p(1 | x) = sigma(x . w + b) = 1 / (1 + e^-(x . w + b))
 *     K classes:    p(k | x) = softmax(W x + b)_k = e^{z_k} / sum_j e^{z_j}
 * fitted by maximum likelihood with an L2 penalty of strength 1/C
 * (objective.c has the objective and the optimizers). The prediction is
 * the most probable class. Defaults follow scikit-learn's
 * LogisticRegression: C = 1, L-BFGS, tol = 1e-4, max_iter = 100. */
#include "logreg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const nb_param_spec params[] = {
    {"C", NB_PARAM_FLOAT, "1", "(0, inf)", NULL, "inverse regularisation strength: the penalty is ||W||^2 / (2C)"},
    {"solver", NB_PARAM_ENUM, "lbfgs", NULL, "lbfgs|sgd|adam", "optimizer (from the nn layer); sgd and adam take full-batch steps"},
    {"max_iter", NB_PARAM_INT, "100", "[1, 100000000]", NULL, "L-BFGS iterations, or SGD/Adam steps"},
    {"tol", NB_PARAM_FLOAT, "1e-4", "[0, inf)", NULL, "L-BFGS: stop at max |gradient| <= tol; SGD/Adam: at a relative change <= tol"},
    {"lr", NB_PARAM_FLOAT, "0.1", "(0, inf)", NULL, "SGD/Adam: step size"},
    {"class_weight", NB_PARAM_ENUM, "none", NULL, "none|balanced", "balanced: weigh class c by n / (K n_c)"},
};

static void destroy(void *model)
{
    logreg *m = model;
    free(m->W), free(m->b), free(m);
}

static void *create(const nb_params *p)
{
    logreg *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->C = nb_params_float(p, "C");
    m->tol = nb_params_float(p, "tol");
    m->lr = nb_params_float(p, "lr");
    m->max_iter = nb_params_int(p, "max_iter");
    snprintf(m->solver, sizeof m->solver, "%s", nb_params_string(p, "solver"));
    snprintf(m->class_weight, sizeof m->class_weight, "%s", nb_params_string(p, "class_weight"));
    return m;
}

static int shape(logreg *m, int64_t k, int64_t d)
{
    m->k = k, m->kk = k == 2 ? 1 : k, m->d = d;
    free(m->W), free(m->b);
    m->W = calloc((size_t)(m->kk * d) + 1, sizeof *m->W), m->b = calloc((size_t)m->kk, sizeof *m->b);
    return m->W && m->b ? 0 : nb_plugin_error("logreg: out of memory for %lld x %lld weights", (long long)m->kk, (long long)d);
}

static int fit(void *model, const nb_source *src, nb_fit_ctx *fc)
{
    logreg *m = model;
    const nb_table *t = src->table;
    if (shape(m, t->nclasses, t->X->shape[1]) < 0) return -1;
    return logreg_train(m, t, fc);
}

/* z = X W^T + b: [n, K'] scores. */
static nb_tensor *scores(const logreg *m, nb_ctx *ctx, const nb_table *in)
{
    nb_tensor *W = nb_from_data(ctx, NB_F64, 2, (int64_t[]){m->kk, m->d}, m->W);
    nb_tensor *b = nb_from_data(ctx, NB_F64, 1, &m->kk, m->b);
    return nb_add(ctx, nb_matmul(ctx, in->X, nb_transpose(ctx, W, 0, 1)), b);
}

/* [1 - sigma(z), sigma(z)] for two classes, softmax(z) otherwise. */
static nb_tensor *predict_proba(void *model, nb_ctx *ctx, const nb_table *in)
{
    const logreg *m = model;
    nb_tensor *z = scores(m, ctx, in);
    if (m->k > 2) return nb_softmax(ctx, z, 1);
    nb_tensor *p1 = nb_sigmoid(ctx, z);
    return nb_concat(ctx, (nb_tensor *[]){nb_rsub_scalar(ctx, p1, 1.0), p1}, 2, 1);
}

/* The most probable class: z > 0 for two classes, argmax_k z_k otherwise. */
static nb_tensor *predict(void *model, nb_ctx *ctx, const nb_table *in)
{
    const logreg *m = model;
    nb_tensor *z = scores(m, ctx, in);
    if (m->k > 2) return nb_argmax(ctx, z, 1, false);
    return nb_cast(ctx, nb_reshape(ctx, nb_gt(ctx, z, nb_scalar(ctx, NB_F64, 0)), 1, (int64_t[]){-1}), NB_I64);
}

static int save(const void *model, nb_state *st)
{
    const logreg *m = model;
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *W = ctx ? nb_from_data(ctx, NB_F64, 2, (int64_t[]){m->kk, m->d}, m->W) : NULL;
    nb_tensor *b = W ? nb_from_data(ctx, NB_F64, 1, &m->kk, m->b) : NULL;
    nb_tensor *k = b ? nb_full(ctx, NB_I64, 1, (int64_t[]){1}, (double)m->k) : NULL;
    int rc = k && !nb_state_put(st, "coef", W) && !nb_state_put(st, "intercept", b) && !nb_state_put(st, "classes", k) ? 0 : -1;
    nb_ctx_free(ctx);
    return rc;
}

static void *load(const nb_params *p, const nb_state *st)
{
    nb_tensor *k = nb_state_get(st, "classes", NB_I64, 1, (int64_t[]){1});
    int64_t kk = k && nb_item_i64(k) >= 2 ? (nb_item_i64(k) == 2 ? 1 : nb_item_i64(k)) : -2;
    nb_tensor *W = kk > 0 ? nb_state_get(st, "coef", NB_F64, 2, (int64_t[]){kk, -1}) : NULL;
    nb_tensor *b = W ? nb_state_get(st, "intercept", NB_F64, 1, &kk) : NULL;
    if (k && kk < 0) nb_plugin_error("logreg: the file says %lld classes", (long long)nb_item_i64(k));
    logreg *m = b ? create(p) : NULL;
    if (!m) return NULL;
    if (shape(m, nb_item_i64(k), W->shape[1]) < 0 || nb_copy_to(W, m->W, (size_t)(kk * m->d) * sizeof(double)) < 0 ||
        nb_copy_to(b, m->b, (size_t)kk * sizeof(double)) < 0) {
        destroy(m);
        return NULL;
    }
    return m;
}

static int print(const void *model, FILE *out, const nb_table *names)
{
    const logreg *m = model;
    fprintf(out, "%s: %lld classes; coefficients of the %s\n\n  %-28s", m->k == 2 ? "binary" : "multinomial",
            (long long)m->k, m->k == 2 ? "log-odds of the second class" : "score of each class", "feature");
    for (int64_t c = 0; c < m->kk; c++) fprintf(out, " %12.12s", names->classes[m->k == 2 ? 1 : c]);
    fprintf(out, "\n  %-28s", "(intercept)");
    for (int64_t c = 0; c < m->kk; c++) fprintf(out, " %12.5g", m->b[c]);
    for (int64_t j = 0; j < m->d; j++) {
        fprintf(out, "\n  %-28.28s", names->features[j]);
        for (int64_t c = 0; c < m->kk; c++) fprintf(out, " %12.5g", m->W[c * m->d + j]);
    }
    fprintf(out, "\n");
    return 0;
}

static const nb_model_type logreg_type = {
    .size = sizeof(nb_model_type),
    .name = "logreg",
    .summary = "logistic regression (binary, multinomial) with an L2 penalty, by L-BFGS, SGD or Adam",
    .task = NB_TASK_CLASSIFICATION,
    .prep = NB_PREP_SCALED,
    .flags = NB_MODEL_SAMPLE_WEIGHTS,
    .params = params,
    .nparams = sizeof params / sizeof params[0],
    .create = create,
    .fit = fit,
    .predict = predict,
    .predict_proba = predict_proba,
    .save = save,
    .load = load,
    .print = print,
    .destroy = destroy,
};

static const nb_model_type *const models[] = {&logreg_type};
static const nb_plugin_desc plugin = {NB_PLUGIN_HEADER, "logreg", "1.0.0", "MIT", models, 1, NULL, 0};
NB_PLUGIN_DEFINE(plugin)
