/* nearest_centroid.c — a nabla plugin built outside the nabla tree: copy
 * this folder, rename the model, and build it against an installed nabla
 * (see README.md). It is a complete, if small, classifier.
 *
 * Nearest centroid: fit remembers each class's mean row (its centroid)
 *     mu_k = sum_{i: y_i = k} w_i x_i / sum_{i: y_i = k} w_i
 * and predict gives each row the class of the closest centroid,
 *     argmin_k d(x, mu_k),  d euclidean (sum of squares) or manhattan. */
#include <nabla/model.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct centroids {
    bool manhattan;
    int64_t k, d;
    double *mu; /* k x d */
} centroids;

/* The parameters, as the CLI and 'nabla info' show them. */
static const nb_param_spec params[] = {
    {"metric", NB_PARAM_ENUM, "euclidean", NULL, "euclidean|manhattan", "distance to the centroids"},
};

static void *create(const nb_params *p)
{
    centroids *m = calloc(1, sizeof *m);
    if (m) m->manhattan = !strcmp(nb_params_string(p, "metric"), "manhattan");
    return m;
}

static void destroy(void *model)
{
    centroids *m = model;
    free(m->mu), free(m);
}

/* The host has imputed, one-hot coded and scaled the columns: t->X is
 * [n, d] f64, t->y the class numbers 0..k-1. */
static int fit(void *model, const nb_source *src, nb_fit_ctx *fc)
{
    (void)fc;
    centroids *m = model;
    const nb_table *t = src->table;
    int64_t n = t->X->shape[0];
    m->k = t->nclasses, m->d = t->X->shape[1];
    double *weight = calloc((size_t)m->k, sizeof *weight);
    m->mu = calloc((size_t)(m->k * m->d) + 1, sizeof *m->mu);
    if (!weight || !m->mu) return free(weight), nb_plugin_error("nearest_centroid: out of memory");
    const double *x = nb_data(t->X), *w = t->weight ? nb_data(t->weight) : NULL;
    const int64_t *y = nb_data(t->y);
    for (int64_t i = 0; i < n; i++) {
        double wi = w ? w[i] : 1;
        weight[y[i]] += wi;
        for (int64_t j = 0; j < m->d; j++) m->mu[y[i] * m->d + j] += wi * x[i * m->d + j];
    }
    for (int64_t c = 0; c < m->k; c++)
        for (int64_t j = 0; j < m->d; j++) m->mu[c * m->d + j] /= weight[c] > 0 ? weight[c] : 1;
    free(weight);
    return 0;
}

static double distance(const centroids *m, const double *x, const double *mu)
{
    double s = 0;
    for (int64_t j = 0; j < m->d; j++) s += m->manhattan ? fabs(x[j] - mu[j]) : (x[j] - mu[j]) * (x[j] - mu[j]);
    return s;
}

static nb_tensor *predict(void *model, nb_ctx *ctx, const nb_table *in)
{
    const centroids *m = model;
    int64_t n = in->X->shape[0];
    nb_tensor *out = nb_empty(ctx, NB_I64, 1, &n);
    if (!out) return NULL;
    const double *x = nb_data(in->X);
    int64_t *y = nb_data(out);
    for (int64_t i = 0; i < n; i++) {
        y[i] = 0;
        for (int64_t c = 1; c < m->k; c++)
            if (distance(m, x + i * m->d, m->mu + c * m->d) < distance(m, x + i * m->d, m->mu + y[i] * m->d)) y[i] = c;
    }
    return out;
}

/* The learned state is one tensor; the host writes it into the model file. */
static int save(const void *model, nb_state *st)
{
    const centroids *m = model;
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *mu = ctx ? nb_from_data(ctx, NB_F64, 2, (int64_t[]){m->k, m->d}, m->mu) : NULL;
    int rc = mu ? nb_state_put(st, "centroids", mu) : -1;
    nb_ctx_free(ctx);
    return rc;
}

static void *load(const nb_params *p, const nb_state *st)
{
    nb_tensor *mu = nb_state_get(st, "centroids", NB_F64, 2, NULL); /* checked: f64, 2-D */
    centroids *m = mu ? create(p) : NULL;
    if (!m) return NULL;
    m->k = mu->shape[0], m->d = mu->shape[1];
    size_t bytes = (size_t)(m->k * m->d) * sizeof *m->mu;
    if (!(m->mu = malloc(bytes + 1)) || nb_copy_to(mu, m->mu, bytes) < 0) {
        destroy(m);
        return NULL;
    }
    return m;
}

static const nb_model_type nearest_centroid = {
    .size = sizeof(nb_model_type),
    .name = "nearest_centroid",
    .summary = "the class whose mean row is closest (an out-of-tree plugin example)",
    .task = NB_TASK_CLASSIFICATION,
    .prep = NB_PREP_SCALED,
    .flags = NB_MODEL_SAMPLE_WEIGHTS,
    .params = params,
    .nparams = sizeof params / sizeof params[0],
    .create = create,
    .fit = fit,
    .predict = predict,
    .save = save,
    .load = load,
    .destroy = destroy,
};

static const nb_model_type *const models[] = {&nearest_centroid};
static const nb_plugin_desc plugin = {NB_PLUGIN_HEADER, "nearest_centroid", "1.0.0", "MIT", models, 1, NULL, 0};
NB_PLUGIN_DEFINE(plugin)
