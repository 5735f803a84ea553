/* models/evaluate.c — scoring a fitted model on labelled rows.
 *
 * Classes are numbered by a label map. A model fitted on part of the data
 * numbers only the classes it saw, so the holdout and CV loops score against
 * a map learned from all the rows: predictions and probability columns are
 * moved to that numbering by class name first. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* model class number -> reference class number (by name); -1 if missing. */
static int64_t *class_map(const nb_model *m, const nb_label_map *ref)
{
    int64_t *map = malloc((size_t)(m->nclasses ? m->nclasses : 1) * sizeof *map);
    if (!map) return nb__error("nb_model_evaluate: out of memory"), NULL;
    for (int64_t k = 0; k < m->nclasses; k++) {
        map[k] = -1;
        for (int64_t j = 0; j < nb_label_map_count(ref); j++)
            if (!strcmp(m->class_names[k], nb_label_map_name(ref, j))) map[k] = j;
        if (map[k] < 0) {
            nb__error("nb_model_evaluate: class '%s' is not among the reference labels", m->class_names[k]);
            free(map);
            return NULL;
        }
    }
    return map;
}

/* Predictions (and probabilities) renumbered into the reference's classes. */
static int renumber(nb_ctx *ctx, const int64_t *map, int64_t kref, nb_tensor **pred, nb_tensor **proba)
{
    int64_t n = (*pred)->shape[0], *p = nb_data(*pred);
    for (int64_t i = 0; i < n; i++) p[i] = map[p[i]];
    if (!*proba) return 0;
    int64_t k = (*proba)->shape[1];
    nb_tensor *wide = nb_zeros(ctx, NB_F64, 2, (int64_t[]){n, kref});
    if (!wide) return -1;
    const double *src = nb_data(*proba);
    double *dst = nb_data(wide);
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < k; j++) dst[i * kref + map[j]] = src[i * k + j];
    *proba = wide;
    return 0;
}

static bool is_classifier(const nb_model *m) { return m->nclasses > 0; }

/* A clustering model's target, as labels to compare clusters with (ARI):
 * usable when every value is a whole number, else NULL (no ARI). */
static nb_tensor *reference_labels(nb_ctx *ctx, nb_tensor *y)
{
    const double *v = nb_data(y);
    for (int64_t i = 0; i < y->shape[0]; i++)
        if (v[i] != floor(v[i]) || fabs(v[i]) > 1e15) return NULL;
    return nb_cast(ctx, y, NB_I64);
}

int nb__score_rows(nb_model *m, nb_ctx *ctx, const nb_dataset *ds, const nb_label_map *ref,
                   nb_scores *s, nb_tensor **yt_out, nb_tensor **yp_out)
{
    nb_task task = m->type->task;
    nb_tensor *yt = NULL, *yp = nb_model_predict(m, ctx, ds), *proba = NULL, *X = NULL;
    if (!yp) return -1;
    if (is_classifier(m) && m->type->predict_proba && !(proba = nb_model_predict_proba(m, ctx, ds))) return -1;
    if (is_classifier(m)) {
        nb_dataset *y = nb_dataset_select(ds, (const char *[]){m->target}, 1);
        if (y && nb_dataset_set_target(y, m->target) == 0) yt = nb_labels_apply(ctx, ref, y);
        nb_dataset_free(y);
        int64_t *map = yt ? class_map(m, ref) : NULL;
        int rc = map ? renumber(ctx, map, nb_label_map_count(ref), &yp, &proba) : -1;
        free(map);
        if (rc < 0) return -1;
    } else if (m->target && nb_dataset_col_index(ds, m->target) >= 0) {
        if (!(yt = nb_model_target(m, ctx, ds))) return -1;
        if (task == NB_TASK_CLUSTERING) yt = reference_labels(ctx, yt);
    }
    if (task == NB_TASK_CLUSTERING) {
        nb_table t;
        nb_dataset *prep = NULL;
        int rc = nb__model_table(m, ctx, ds, false, &t, &prep, "nb_model_evaluate");
        X = t.X;
        nb_dataset_free(prep);
        if (rc < 0) return -1;
    } else if (!yt) {
        return nb__error("nb_model_evaluate: the data has no target column '%s'", m->target ? m->target : "?"), -1;
    }
    if (nb_scores_compute(s, task, is_classifier(m) ? nb_label_map_count(ref) : 0, yt, yp, proba, X) < 0)
        return -1;
    if (yt_out) *yt_out = yt;
    if (yp_out) *yp_out = yp;
    return 0;
}

int nb_model_evaluate(nb_model *m, nb_ctx *ctx, const nb_dataset *ds, nb_scores *out, nb_tensor **confusion)
{
    const char *fn = "nb_model_evaluate";
    if (!m || !ctx || !ds || !out) return nb__error("%s: NULL argument", fn), -1;
    if (!m->fitted) return nb__error("%s: %s is not fitted", fn, m->type->name), -1;
    if (m->type->task == NB_TASK_CONTROL || m->type->task == NB_TASK_DECOMPOSITION)
        return nb__error("%s: no table metrics for %s models", fn, nb_task_name(m->type->task)), -1;
    nb_tensor *yt = NULL, *yp = NULL;
    if (nb__score_rows(m, ctx, ds, m->labels, out, &yt, &yp) < 0) return -1;
    if (confusion) *confusion = is_classifier(m) ? nb_metric_confusion(ctx, yt, yp, m->nclasses) : NULL;
    return confusion && is_classifier(m) && !*confusion ? -1 : 0;
}

int nb_model_score(nb_model *m, const nb_dataset *ds, double *out)
{
    const char *fn = "nb_model_score";
    if (!m || !ds || !out) return nb__error("%s: NULL argument", fn), -1;
    if (!m->fitted) return nb__error("%s: %s is not fitted", fn, m->type->name), -1;
    nb_ctx *ctx = nb_ctx_new();
    int rc = ctx ? 0 : -1;
    if (rc == 0 && m->type->score) {
        nb_dataset *prep = NULL;
        nb_table t;
        rc = nb__model_table(m, ctx, ds, true, &t, &prep, fn);
        if (rc == 0) rc = m->type->score(m->state, &t, out) < 0 ? -1 : 0;
        nb_dataset_free(prep);
    } else if (rc == 0) {
        nb_scores s;
        rc = nb_model_evaluate(m, ctx, ds, &s, NULL);
        if (rc == 0) *out = nb_scores_get(&s, nb_task_main_metric(m->type->task));
    }
    nb_ctx_free(ctx);
    return rc;
}
