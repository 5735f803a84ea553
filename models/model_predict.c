/* models/model_predict.c — predictions from raw rows: prepare the rows as at
 * fit, call the type, and check what it returns (shape, dtype, range) so a
 * faulty plugin cannot hand the caller nonsense. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>

typedef nb_tensor *(*apply_fn)(void *, nb_ctx *, const nb_table *);

/* Runs one of the type's functions on prepared rows. */
static nb_tensor *run(nb_model *m, nb_ctx *ctx, const nb_dataset *ds, apply_fn f, const char *fn,
                      int64_t *n)
{
    if (!m || !ctx) return nb__error("%s: NULL %s", fn, m ? "context" : "model"), NULL;
    if (!m->fitted) return nb__error("%s: %s is not fitted", fn, m->type->name), NULL;
    if (!f) return nb__error("%s: %s does not provide this", fn, m->type->name), NULL;
    nb_ctx *tmp = nb_ctx_new();
    nb_dataset *prep = NULL;
    nb_table t;
    nb_tensor *out = NULL;
    if (tmp && nb__model_table(m, tmp, ds, false, &t, &prep, fn) == 0) {
        *n = t.X->shape[0];
        out = f(m->state, ctx, &t);
        if (!out && !*nb_last_error()) nb__error("%s: %s failed without saying why", fn, m->type->name);
    }
    nb_dataset_free(prep);
    nb_ctx_free(tmp);
    return out;
}

static nb_tensor *bad_output(const nb_model *m, const char *fn, const char *what)
{
    nb__error("%s: %s returned %s", fn, m->type->name, what);
    return NULL;
}

/* i64 [n] with values in 0..limit-1 (limit 0: any non-negative). */
static nb_tensor *check_labels(const nb_model *m, nb_tensor *out, int64_t n, int64_t limit, const char *fn)
{
    if (out->dtype != NB_I64 || out->ndim != 1 || out->shape[0] != n || !nb_is_contiguous(out))
        return bad_output(m, fn, "a tensor that is not contiguous i64 [n]");
    const int64_t *v = nb_data(out);
    for (int64_t i = 0; i < n; i++)
        if (v[i] < 0 || (limit && v[i] >= limit)) return bad_output(m, fn, "a label out of range");
    return out;
}

/* f64 [n] (or [n, cols] when cols > 0) of finite values; rows summing to 1
 * when proba. */
static nb_tensor *check_values(const nb_model *m, nb_tensor *out, int64_t n, int64_t cols, bool proba,
                               const char *fn)
{
    bool shape_ok = cols ? out->ndim == 2 && out->shape[1] == cols : out->ndim == 1;
    if (out->dtype != NB_F64 || !shape_ok || out->shape[0] != n || !nb_is_contiguous(out))
        return bad_output(m, fn, "a tensor of the wrong dtype or shape (expected contiguous f64)");
    const double *v = nb_data(out);
    int64_t w = cols ? cols : 1;
    for (int64_t i = 0; i < n; i++) {
        double sum = 0;
        for (int64_t j = 0; j < w; j++) {
            double x = v[i * w + j];
            if (!isfinite(x) || (proba && (x < 0 || x > 1))) return bad_output(m, fn, "a value that is not finite (or not a probability)");
            sum += x;
        }
        if (proba && fabs(sum - 1) > 1e-6) return bad_output(m, fn, "probabilities that do not sum to 1");
    }
    return out;
}

nb_tensor *nb_model_predict(nb_model *m, nb_ctx *ctx, const nb_dataset *ds)
{
    const char *fn = "nb_model_predict";
    int64_t n = 0;
    nb_tensor *out = run(m, ctx, ds, m ? m->type->predict : NULL, fn, &n);
    if (!out) return NULL;
    switch (m->type->task) {
    case NB_TASK_REGRESSION: return check_values(m, out, n, 0, false, fn);
    case NB_TASK_CLASSIFICATION:
    case NB_TASK_TEXT_CLASSIFICATION: return check_labels(m, out, n, m->nclasses, fn);
    default: return check_labels(m, out, n, 0, fn);
    }
}

nb_tensor *nb_model_predict_proba(nb_model *m, nb_ctx *ctx, const nb_dataset *ds)
{
    const char *fn = "nb_model_predict_proba";
    int64_t n = 0;
    if (m && m->nclasses == 0) return nb__error("%s: %s is not a classifier", fn, m->type->name), NULL;
    nb_tensor *out = run(m, ctx, ds, m ? m->type->predict_proba : NULL, fn, &n);
    return out ? check_values(m, out, n, m->nclasses, true, fn) : NULL;
}

nb_tensor *nb_model_transform(nb_model *m, nb_ctx *ctx, const nb_dataset *ds)
{
    const char *fn = "nb_model_transform";
    int64_t n = 0;
    nb_tensor *out = run(m, ctx, ds, m ? m->type->transform : NULL, fn, &n);
    if (!out) return NULL;
    if (out->ndim != 2) return bad_output(m, fn, "a tensor that is not 2-D");
    return check_values(m, out, n, out->shape[1], false, fn);
}

nb_tensor *nb_model_target(const nb_model *m, nb_ctx *ctx, const nb_dataset *ds)
{
    const char *fn = "nb_model_target";
    if (!m || !ctx || !ds) return nb__error("%s: NULL argument", fn), NULL;
    if (!m->fitted || !m->target) return nb__error("%s: %s has no fitted target", fn, m->type->name), NULL;
    int c = nb_dataset_col_index(ds, m->target);
    if (c < 0) return nb__error("%s: the data has no target column '%s'", fn, m->target), NULL;
    nb_dataset *y = nb_dataset_select(ds, (const char *[]){m->target}, 1);
    nb_tensor *out = NULL;
    if (y && nb_dataset_set_target(y, m->target) == 0)
        out = m->labels ? nb_labels_apply(ctx, m->labels, y) : nb_dataset_target_tensor(ctx, y, NB_F64);
    nb_dataset_free(y);
    return out;
}
