/* plugins/baseline — the floor every model must beat (scikit-learn's Dummy
 * estimators). They look at the target only, never at the features.
 *
 * Classifier, from the (weighted) class frequencies p_k = sum_{i: y_i = k} w_i / sum_i w_i:
 *   most_frequent  predict argmax_k p_k;  probabilities: 1 for that class, 0 elsewhere
 *   prior          predict argmax_k p_k;  probabilities: p
 *   stratified     draw each row's class from p;  probabilities: 1 for the draw
 *   uniform        draw each row's class uniformly;  probabilities: 1/K each
 * Ties go to the lowest class number. Draws come from a generator seeded by
 * the `seed` parameter, so the same rows get the same predictions.
 *
 * Regressor, predicting one number c for every row:
 *   mean      c = sum_i w_i y_i / sum_i w_i   (minimises the squared error)
 *   median    c = the smallest y with at least half the weight at or below it
 *             (minimises the absolute error)
 *   constant  c = the `constant` parameter */
#include <nabla/model.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Classifier                                                          */
/* ------------------------------------------------------------------ */

typedef struct dummy_clf {
    char strategy[16];
    uint64_t seed;
    int64_t k;
    double *prior; /* k class frequencies */
} dummy_clf;

static const nb_param_spec clf_params[] = {
    {"strategy", NB_PARAM_ENUM, "prior", NULL, "most_frequent|prior|stratified|uniform",
     "how to guess: the commonest class, the class frequencies, random draws from them, or uniform draws"},
    {"seed", NB_PARAM_INT, "0", "[0, inf)", NULL, "seed of the draws (stratified, uniform)"},
};

static void *clf_create(const nb_params *p)
{
    dummy_clf *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    snprintf(m->strategy, sizeof m->strategy, "%s", nb_params_string(p, "strategy"));
    m->seed = (uint64_t)nb_params_int(p, "seed");
    return m;
}

static void clf_destroy(void *model)
{
    dummy_clf *m = model;
    free(m->prior);
    free(m);
}

/* p_k = weight of class k / total weight */
static int clf_fit(void *model, const nb_source *src, nb_fit_ctx *fc)
{
    (void)fc;
    dummy_clf *m = model;
    const nb_table *t = src->table;
    const int64_t *y = nb_data(t->y), n = t->y->shape[0];
    const double *w = t->weight ? nb_data(t->weight) : NULL;
    m->k = t->nclasses;
    if (!(m->prior = calloc((size_t)m->k, sizeof *m->prior))) return -1;
    double total = 0;
    for (int64_t i = 0; i < n; i++) {
        double wi = w ? w[i] : 1.0;
        m->prior[y[i]] += wi, total += wi;
    }
    for (int64_t c = 0; c < m->k; c++) m->prior[c] /= total;
    return 0;
}

static int64_t argmax(const double *p, int64_t k)
{
    int64_t best = 0;
    for (int64_t c = 1; c < k; c++)
        if (p[c] > p[best]) best = c;
    return best;
}

/* A class drawn from p: the first c whose cumulative probability passes u. */
static int64_t draw(const double *p, int64_t k, nb_rng *rng)
{
    double u = nb_rng_uniform(rng), cum = 0;
    for (int64_t c = 0; c < k; c++)
        if (u < (cum += p[c])) return c;
    return k - 1;
}

static nb_tensor *clf_proba(void *model, nb_ctx *ctx, const nb_table *in)
{
    dummy_clf *m = model;
    int64_t n = in->X->shape[0], k = m->k;
    nb_tensor *out = nb_zeros(ctx, NB_F64, 2, (int64_t[]){n, k});
    if (!out) return NULL;
    double *p = nb_data(out);
    nb_rng rng;
    nb_rng_seed(&rng, m->seed);
    const char *s = m->strategy;
    for (int64_t i = 0; i < n; i++) {
        double *row = p + i * k;
        if (!strcmp(s, "prior")) memcpy(row, m->prior, (size_t)k * sizeof *row);
        else if (!strcmp(s, "most_frequent")) row[argmax(m->prior, k)] = 1;
        else if (!strcmp(s, "stratified")) row[draw(m->prior, k, &rng)] = 1;
        else for (int64_t c = 0; c < k; c++) row[c] = 1.0 / (double)k; /* uniform */
    }
    return out;
}

/* The class with the highest probability; uniform draws its class instead. */
static nb_tensor *clf_predict(void *model, nb_ctx *ctx, const nb_table *in)
{
    dummy_clf *m = model;
    int64_t n = in->X->shape[0];
    nb_tensor *out = nb_empty(ctx, NB_I64, 1, &n);
    if (!out) return NULL;
    int64_t *y = nb_data(out);
    nb_rng rng;
    nb_rng_seed(&rng, m->seed);
    if (!strcmp(m->strategy, "uniform")) {
        for (int64_t i = 0; i < n; i++) y[i] = (int64_t)nb_rng_below(&rng, (uint64_t)m->k);
        return out;
    }
    nb_ctx *tmp = nb_ctx_new();
    nb_tensor *p = tmp ? clf_proba(model, tmp, in) : NULL;
    for (int64_t i = 0; p && i < n; i++) y[i] = argmax((const double *)nb_data(p) + i * m->k, m->k);
    nb_ctx_free(tmp);
    return p ? out : NULL;
}

static int clf_save(const void *model, nb_state *st)
{
    const dummy_clf *m = model;
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *p = ctx ? nb_from_data(ctx, NB_F64, 1, &m->k, m->prior) : NULL;
    int rc = p ? nb_state_put(st, "prior", p) : -1;
    nb_ctx_free(ctx);
    return rc;
}

static void *clf_load(const nb_params *params, const nb_state *st)
{
    nb_tensor *p = nb_state_get(st, "prior", NB_F64, 1, NULL);
    dummy_clf *m = p ? clf_create(params) : NULL;
    if (!m) return NULL;
    m->k = p->shape[0];
    if (!(m->prior = malloc((size_t)m->k * sizeof *m->prior)) || nb_copy_to(p, m->prior, (size_t)m->k * 8) < 0) {
        clf_destroy(m);
        return NULL;
    }
    return m;
}

static int clf_print(const void *model, FILE *out, const nb_table *names)
{
    const dummy_clf *m = model;
    fprintf(out, "strategy %s; class frequencies in the training rows:\n", m->strategy);
    for (int64_t c = 0; c < m->k; c++) fprintf(out, "  %-20s %.6f\n", names->classes[c], m->prior[c]);
    return 0;
}

static const nb_model_type baseline_classifier = {
    .size = sizeof(nb_model_type),
    .name = "baseline_classifier",
    .summary = "guesses from the class frequencies alone (most frequent, prior, stratified, uniform)",
    .task = NB_TASK_CLASSIFICATION,
    .prep = NB_PREP_UNSCALED,
    .flags = NB_MODEL_SAMPLE_WEIGHTS,
    .params = clf_params,
    .nparams = sizeof clf_params / sizeof clf_params[0],
    .create = clf_create,
    .fit = clf_fit,
    .predict = clf_predict,
    .predict_proba = clf_proba,
    .save = clf_save,
    .load = clf_load,
    .print = clf_print,
    .destroy = clf_destroy,
};

/* ------------------------------------------------------------------ */
/* Regressor                                                           */
/* ------------------------------------------------------------------ */

typedef struct dummy_reg {
    char strategy[16];
    double constant, value;
} dummy_reg;

static const nb_param_spec reg_params[] = {
    {"strategy", NB_PARAM_ENUM, "mean", NULL, "mean|median|constant",
     "the number to predict: the target's mean, its median, or `constant`"},
    {"constant", NB_PARAM_FLOAT, "0", NULL, NULL, "the prediction of strategy=constant"},
};

static void *reg_create(const nb_params *p)
{
    dummy_reg *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    snprintf(m->strategy, sizeof m->strategy, "%s", nb_params_string(p, "strategy"));
    m->constant = nb_params_float(p, "constant");
    return m;
}

static void reg_destroy(void *model) { free(model); }

typedef struct weighted {
    double y, w;
} weighted;

static int by_y(const void *a, const void *b)
{
    double x = ((const weighted *)a)->y, z = ((const weighted *)b)->y;
    return (x > z) - (x < z);
}

/* Sort by y, then walk until half of the total weight is covered. */
static int weighted_median(const double *y, const double *w, int64_t n, double *out)
{
    weighted *v = malloc((size_t)n * sizeof *v);
    if (!v) return -1;
    double total = 0, cum = 0;
    for (int64_t i = 0; i < n; i++) v[i] = (weighted){y[i], w ? w[i] : 1.0}, total += v[i].w;
    qsort(v, (size_t)n, sizeof *v, by_y);
    int64_t i = 0;
    while (i < n - 1 && (cum += v[i].w) < total / 2) i++;
    /* unweighted and even n: the mean of the two middle values, as numpy */
    *out = !w && n % 2 == 0 ? 0.5 * (v[n / 2 - 1].y + v[n / 2].y) : v[i].y;
    free(v);
    return 0;
}

static int reg_fit(void *model, const nb_source *src, nb_fit_ctx *fc)
{
    (void)fc;
    dummy_reg *m = model;
    const nb_table *t = src->table;
    const double *y = nb_data(t->y), *w = t->weight ? nb_data(t->weight) : NULL;
    int64_t n = t->y->shape[0];
    if (!strcmp(m->strategy, "constant")) return m->value = m->constant, 0;
    if (!strcmp(m->strategy, "median")) return weighted_median(y, w, n, &m->value);
    double sy = 0, sw = 0;
    for (int64_t i = 0; i < n; i++) sy += (w ? w[i] : 1) * y[i], sw += w ? w[i] : 1;
    m->value = sy / sw;
    return 0;
}

static nb_tensor *reg_predict(void *model, nb_ctx *ctx, const nb_table *in)
{
    return nb_full(ctx, NB_F64, 1, (int64_t[]){in->X->shape[0]}, ((dummy_reg *)model)->value);
}

static int reg_save(const void *model, nb_state *st)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *v = ctx ? nb_full(ctx, NB_F64, 1, (int64_t[]){1}, ((const dummy_reg *)model)->value) : NULL;
    int rc = v ? nb_state_put(st, "value", v) : -1;
    nb_ctx_free(ctx);
    return rc;
}

static void *reg_load(const nb_params *params, const nb_state *st)
{
    nb_tensor *v = nb_state_get(st, "value", NB_F64, 1, (int64_t[]){1});
    dummy_reg *m = v ? reg_create(params) : NULL;
    if (m) m->value = nb_item(v);
    return m;
}

static int reg_print(const void *model, FILE *out, const nb_table *names)
{
    const dummy_reg *m = model;
    fprintf(out, "strategy %s: predicts %.17g for %s\n", m->strategy, m->value,
            names->target ? names->target : "every row");
    return 0;
}

static const nb_model_type baseline_regressor = {
    .size = sizeof(nb_model_type),
    .name = "baseline_regressor",
    .summary = "predicts one number for every row (mean, median or a constant)",
    .task = NB_TASK_REGRESSION,
    .prep = NB_PREP_UNSCALED,
    .flags = NB_MODEL_SAMPLE_WEIGHTS,
    .params = reg_params,
    .nparams = sizeof reg_params / sizeof reg_params[0],
    .create = reg_create,
    .fit = reg_fit,
    .predict = reg_predict,
    .save = reg_save,
    .load = reg_load,
    .print = reg_print,
    .destroy = reg_destroy,
};

static const nb_model_type *const models[] = {&baseline_classifier, &baseline_regressor};
static const nb_plugin_desc plugin = {NB_PLUGIN_HEADER, "baseline", "1.0.0", "MIT", models, 2, NULL, 0};
NB_PLUGIN_DEFINE(plugin)
