/* plugins/linreg — linear regression: ordinary least squares and ridge.
 *
 * The model is  y ≈ X w + c.  Given n rows with weights s_i (1 by default),
 * it chooses w and c to minimise
 *     sum_i s_i (y_i - x_i . w - c)^2 + alpha ||w||^2.
 * The intercept is not penalised, so it can be taken out first: at the
 * optimum c = ȳ - x̄ . w with the weighted means x̄, ȳ, and w solves the
 * centred problem  min ||A w - b||^2 + alpha ||w||^2  (linreg.h). Three
 * solvers, all in f64:
 *   qr        Householder QR with column pivoting (the default: stable, and
 *             collinear columns such as a full one-hot get coefficient 0)
 *   cholesky  the normal equations (A^T A + alpha I) w = A^T b
 *   gd        gradient descent with autograd's gradient (for comparison)
 * alpha = 0 gives ordinary least squares (scikit-learn's LinearRegression),
 * alpha > 0 ridge regression (scikit-learn's Ridge). */
#include "linreg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct linreg {
    bool fit_intercept;
    double alpha;
    char solver[16];
    gd_opts gd;
    int64_t d, rank;
    double *coef, intercept;
} linreg;

static const nb_param_spec params[] = {
    {"alpha", NB_PARAM_FLOAT, "0", "[0, inf)", NULL, "ridge strength: the penalty alpha ||w||^2 (0: ordinary least squares)"},
    {"fit_intercept", NB_PARAM_BOOL, "true", NULL, NULL, "fit the constant term c (never penalised)"},
    {"solver", NB_PARAM_ENUM, "qr", NULL, "qr|cholesky|gd", "QR with pivoting, Cholesky of the normal equations, or gradient descent"},
    {"max_iter", NB_PARAM_INT, "1000", "[1, 100000000]", NULL, "gd: most iterations"},
    {"tol", NB_PARAM_FLOAT, "1e-10", "[0, 1)", NULL, "gd: stop when the objective falls by less than tol times itself"},
    {"lr", NB_PARAM_FLOAT, "0", "[0, inf)", NULL, "gd: step size (0: 1/L, the safe step from the curvature)"},
};

static void *create(const nb_params *p)
{
    linreg *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->alpha = nb_params_float(p, "alpha");
    m->fit_intercept = nb_params_bool(p, "fit_intercept");
    snprintf(m->solver, sizeof m->solver, "%s", nb_params_string(p, "solver"));
    m->gd = (gd_opts){nb_params_int(p, "max_iter"), nb_params_float(p, "tol"), nb_params_float(p, "lr"), 0};
    return m;
}

static void destroy(void *model)
{
    linreg *m = model;
    free(m->coef);
    free(m);
}

/* Weighted means x̄ (d) and ȳ, and the centred, weighted A and b. */
static void centre(const nb_table *t, bool intercept, double *xbar, double *ybar, double *A, double *b)
{
    int64_t n = t->X->shape[0], d = t->X->shape[1];
    const double *X = nb_data(t->X), *y = nb_data(t->y), *s = t->weight ? nb_data(t->weight) : NULL;
    double sw = 0;
    *ybar = 0;
    for (int64_t j = 0; j < d; j++) xbar[j] = 0;
    for (int64_t i = 0; intercept && i < n; i++) {
        double wi = s ? s[i] : 1;
        sw += wi, *ybar += wi * y[i];
        for (int64_t j = 0; j < d; j++) xbar[j] += wi * X[i * d + j];
    }
    if (intercept) {
        *ybar /= sw;
        for (int64_t j = 0; j < d; j++) xbar[j] /= sw;
    }
    for (int64_t i = 0; i < n; i++) {
        double r = s ? sqrt(s[i]) : 1;
        b[i] = r * (y[i] - *ybar);
        for (int64_t j = 0; j < d; j++) A[i * d + j] = r * (X[i * d + j] - xbar[j]);
    }
}

static int solve(linreg *m, const lsq *p, nb_fit_ctx *fc)
{
    m->rank = p->d;
    if (!strcmp(m->solver, "qr")) return linreg_solve_qr(p, m->coef, &m->rank);
    if (!strcmp(m->solver, "cholesky")) return linreg_solve_cholesky(p, m->coef);
    return linreg_solve_gd(p, m->coef, &m->gd, fc);
}

static int fit(void *model, const nb_source *src, nb_fit_ctx *fc)
{
    linreg *m = model;
    const nb_table *t = src->table;
    int64_t n = t->X->shape[0], d = m->d = t->X->shape[1];
    double *xbar = malloc((size_t)(d + 1) * sizeof *xbar), *A = malloc((size_t)(n * d + 1) * sizeof *A);
    double *b = malloc((size_t)n * sizeof *b), ybar;
    m->coef = calloc((size_t)d + 1, sizeof *m->coef);
    int rc = xbar && A && b && m->coef ? 0 : nb_plugin_error("linreg: out of memory for %lld x %lld", (long long)n, (long long)d);
    if (rc == 0) {
        centre(t, m->fit_intercept, xbar, &ybar, A, b);
        rc = solve(m, &(lsq){n, d, A, b, m->alpha}, fc);
    }
    if (rc == 0) { /* c = ȳ - x̄ . w */
        m->intercept = ybar;
        for (int64_t j = 0; j < d; j++) m->intercept -= xbar[j] * m->coef[j];
    }
    free(xbar), free(A), free(b);
    return rc;
}

/* ŷ = X w + c */
static nb_tensor *predict(void *model, nb_ctx *ctx, const nb_table *in)
{
    linreg *m = model;
    nb_tensor *w = nb_from_data(ctx, NB_F64, 1, &m->d, m->coef);
    return nb_add_scalar(ctx, nb_matmul(ctx, in->X, w), m->intercept);
}

static int save(const void *model, nb_state *st)
{
    const linreg *m = model;
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *w = ctx ? nb_from_data(ctx, NB_F64, 1, &m->d, m->coef) : NULL;
    nb_tensor *c = w ? nb_full(ctx, NB_F64, 1, (int64_t[]){1}, m->intercept) : NULL;
    nb_tensor *r = c ? nb_full(ctx, NB_I64, 1, (int64_t[]){1}, (double)m->rank) : NULL;
    int rc = r && nb_state_put(st, "coef", w) == 0 && nb_state_put(st, "intercept", c) == 0 &&
                     nb_state_put(st, "rank", r) == 0 ? 0 : -1;
    nb_ctx_free(ctx);
    return rc;
}

static void *load(const nb_params *p, const nb_state *st)
{
    nb_tensor *w = nb_state_get(st, "coef", NB_F64, 1, NULL);
    nb_tensor *c = w ? nb_state_get(st, "intercept", NB_F64, 1, (int64_t[]){1}) : NULL;
    nb_tensor *r = c ? nb_state_get(st, "rank", NB_I64, 1, (int64_t[]){1}) : NULL;
    linreg *m = r ? create(p) : NULL;
    if (!m) return NULL;
    m->d = w->shape[0];
    m->rank = nb_item_i64(r);
    m->intercept = nb_item(c);
    if (!(m->coef = malloc((size_t)m->d * sizeof *m->coef + 1)) || nb_copy_to(w, m->coef, (size_t)m->d * sizeof *m->coef) < 0) {
        destroy(m);
        return NULL;
    }
    return m;
}

static int print(const void *model, FILE *out, const nb_table *names)
{
    const linreg *m = model;
    fprintf(out, "%s = intercept + sum of coefficient * feature:\n\n", names->target ? names->target : "y");
    fprintf(out, "  %-32s %14s\n  %-32s %14.6g\n", "feature", "coefficient", "(intercept)", m->intercept);
    for (int64_t j = 0; j < m->d; j++) fprintf(out, "  %-32.32s %14.6g\n", names->features[j], m->coef[j]);
    if (m->rank < m->d)
        fprintf(out, "\n%lld of the %lld features are linear combinations of others: their coefficients are 0.\n",
                (long long)(m->d - m->rank), (long long)m->d);
    return 0;
}

static const nb_model_type linreg_type = {
    .size = sizeof(nb_model_type),
    .name = "linreg",
    .summary = "linear regression: least squares or ridge, by QR, Cholesky or gradient descent",
    .task = NB_TASK_REGRESSION,
    .prep = NB_PREP_UNSCALED,
    .flags = NB_MODEL_SAMPLE_WEIGHTS,
    .params = params,
    .nparams = sizeof params / sizeof params[0],
    .create = create,
    .fit = fit,
    .predict = predict,
    .save = save,
    .load = load,
    .print = print,
    .destroy = destroy,
};

static const nb_model_type *const models[] = {&linreg_type};
static const nb_plugin_desc plugin = {NB_PLUGIN_HEADER, "linreg", "1.0.0", "MIT", models, 1, NULL, 0};
NB_PLUGIN_DEFINE(plugin)
