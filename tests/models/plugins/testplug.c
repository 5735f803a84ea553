/* tests/models/plugins/testplug.c — a well-formed plugin for the tests: a
 * control model that plans with the environment's transition model (value
 * iteration), and a decomposition model that centres the columns (transform).
 *
 * Value iteration: V(s) <- max_a sum_{s'} P(s'|s,a) (r + gamma V(s') [s' not terminal])
 * until V changes by less than 1e-10; the policy takes the best a. */
#include <nabla/model.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct vi {
    double gamma;
    int64_t ns;
    int64_t *policy;
} vi;

static const nb_param_spec vi_params[] = {
    {"gamma", NB_PARAM_FLOAT, "0.95", "[0, 1)", NULL, "discount"},
};

static void *vi_create(const nb_params *p)
{
    vi *m = calloc(1, sizeof *m);
    if (m) m->gamma = nb_params_float(p, "gamma");
    return m;
}

static void vi_destroy(void *model)
{
    vi *m = model;
    free(m->policy), free(m);
}

/* Q(s, a) from the transition model and V. */
static double q_value(nb_env *env, const double *V, int64_t s, int64_t a, double gamma)
{
    nb_env_transition t[8];
    int n = nb_env_transitions(env, s, a, t, 8);
    double q = 0;
    for (int k = 0; k < n && k <= 8; k++) q += t[k].prob * (t[k].reward + (t[k].terminal ? 0 : gamma * V[t[k].next_state]));
    return n < 0 ? NAN : q;
}

static int vi_fit(void *model, const nb_source *src, nb_fit_ctx *fc)
{
    vi *m = model;
    nb_env *env = src->env;
    if (src->kind != NB_SOURCE_ENV || !nb_env_has_model(env)) return nb_plugin_error("vi: needs an environment with a model");
    int64_t ns = m->ns = nb_env_n_states(env), na = nb_env_n_actions(env);
    double *V = calloc((size_t)ns, sizeof *V);
    m->policy = calloc((size_t)ns, sizeof *m->policy);
    if (!V || !m->policy) return free(V), -1;
    for (int it = 1; it <= 10000; it++) {
        double delta = 0;
        for (int64_t s = 0; s < ns; s++) {
            double best = -INFINITY;
            for (int64_t a = 0; a < na; a++) {
                double q = q_value(env, V, s, a, m->gamma);
                if (q > best + 1e-12) best = q, m->policy[s] = a;
            }
            delta = fmax(delta, fabs(best - V[s])), V[s] = best;
        }
        if (nb_fit_progress(fc, it, 0, delta, NAN, NULL)) return free(V), -1;
        if (delta < 1e-10) break;
    }
    free(V);
    return 0;
}

static nb_tensor *vi_predict(void *model, nb_ctx *ctx, const nb_table *in)
{
    vi *m = model;
    int64_t n = in->X->shape[0];
    nb_tensor *out = nb_empty(ctx, NB_I64, 1, &n);
    const double *x = nb_data(in->X);
    for (int64_t i = 0; out && i < n; i++) {
        int64_t s = (int64_t)x[i * in->X->shape[1]];
        if (s < 0 || s >= m->ns) return nb_plugin_error("vi: state %lld out of range", (long long)s), NULL;
        ((int64_t *)nb_data(out))[i] = m->policy[s];
    }
    return out;
}

static int vi_save(const void *model, nb_state *st)
{
    const vi *m = model;
    nb_ctx *ctx = nb_ctx_new();
    int rc = nb_state_put(st, "policy", nb_from_data(ctx, NB_I64, 1, &m->ns, m->policy));
    nb_ctx_free(ctx);
    return rc;
}

static void *vi_load(const nb_params *p, const nb_state *st)
{
    nb_tensor *t = nb_state_get(st, "policy", NB_I64, 1, NULL);
    vi *m = t ? vi_create(p) : NULL;
    if (m && (m->policy = malloc((size_t)t->shape[0] * 8 + 8))) {
        m->ns = t->shape[0];
        nb_copy_to(t, m->policy, (size_t)m->ns * 8);
    }
    return m;
}

static const nb_model_type vi_type = {
    .size = sizeof(nb_model_type), .name = "test_vi", .summary = "value iteration (a test)",
    .task = NB_TASK_CONTROL, .prep = NB_PREP_NONE, .params = vi_params, .nparams = 1,
    .create = vi_create, .fit = vi_fit, .predict = vi_predict, .save = vi_save, .load = vi_load,
    .destroy = vi_destroy,
};

/* ---- centring: transform x -> x - mean ---- */

typedef struct centre {
    int64_t d;
    double *mean;
} centre;

static void *c_create(const nb_params *p)
{
    (void)p;
    return calloc(1, sizeof(centre));
}

static void c_destroy(void *model)
{
    centre *m = model;
    free(m->mean), free(m);
}

static int c_fit(void *model, const nb_source *src, nb_fit_ctx *fc)
{
    (void)fc;
    centre *m = model;
    const nb_tensor *X = src->table->X;
    int64_t n = X->shape[0], d = m->d = X->shape[1];
    if (!(m->mean = calloc((size_t)d + 1, sizeof *m->mean))) return -1;
    const double *x = nb_data(X);
    for (int64_t i = 0; i < n * d; i++) m->mean[i % d] += x[i] / (double)n;
    return 0;
}

static nb_tensor *c_transform(void *model, nb_ctx *ctx, const nb_table *in)
{
    centre *m = model;
    return nb_sub(ctx, in->X, nb_from_data(ctx, NB_F64, 1, &m->d, m->mean));
}

/* "cluster" = whether the first centred value is positive */
static nb_tensor *c_predict(void *model, nb_ctx *ctx, const nb_table *in)
{
    const centre *m = model;
    int64_t n = in->X->shape[0];
    nb_tensor *out = nb_empty(ctx, NB_I64, 1, &n);
    const double *x = nb_data(in->X);
    for (int64_t i = 0; out && i < n; i++) ((int64_t *)nb_data(out))[i] = m->d && x[i * m->d] > m->mean[0];
    return out;
}

/* its own score: minus the mean squared distance to the centre */
static int c_score(void *model, const nb_table *in, double *out)
{
    const centre *m = model;
    const double *x = nb_data(in->X);
    double s = 0;
    for (int64_t i = 0; i < in->X->shape[0] * m->d; i++) s += pow(x[i] - m->mean[i % m->d], 2);
    *out = -s / (double)in->X->shape[0];
    return 0;
}

static int c_save(const void *model, nb_state *st)
{
    const centre *m = model;
    nb_ctx *ctx = nb_ctx_new();
    int rc = nb_state_put(st, "mean", nb_from_data(ctx, NB_F64, 1, &m->d, m->mean));
    rc = rc ? rc : nb_state_put_text(st, "note", "centred columns");
    nb_ctx_free(ctx);
    return rc;
}

static void *c_load(const nb_params *p, const nb_state *st)
{
    nb_tensor *t = nb_state_get(st, "mean", NB_F64, 1, NULL);
    const char *note = t ? nb_state_get_text(st, "note") : NULL;
    centre *m = note && !strcmp(note, "centred columns") ? c_create(p) : NULL;
    if (m && (m->mean = malloc((size_t)t->shape[0] * 8 + 8))) {
        m->d = t->shape[0];
        nb_copy_to(t, m->mean, (size_t)m->d * 8);
    }
    return m;
}

static const nb_model_type centre_type = {
    .size = sizeof(nb_model_type), .name = "test_centre", .summary = "centres the columns (a test)",
    .task = NB_TASK_CLUSTERING, .prep = NB_PREP_UNSCALED,
    .create = c_create, .fit = c_fit, .predict = c_predict, .transform = c_transform, .score = c_score,
    .save = c_save, .load = c_load, .destroy = c_destroy,
};

static const nb_model_type *const models[] = {&vi_type, &centre_type};
static const nb_plugin_desc desc = {NB_PLUGIN_HEADER, "testplug", "0.1", "MIT", models, 2, NULL, 0};
NB_PLUGIN_DEFINE(desc)
