/* models/scores.c — every metric of a task at once, and metrics by name. */
#include "internal.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

/* Name, offset in nb_scores, and whether larger is better. */
static const struct {
    const char *name;
    size_t offset;
    bool higher;
} metrics[] = {
    {"accuracy", offsetof(nb_scores, accuracy), true},
    {"balanced_accuracy", offsetof(nb_scores, balanced_accuracy), true},
    {"precision", offsetof(nb_scores, precision), true},
    {"recall", offsetof(nb_scores, recall), true},
    {"f1", offsetof(nb_scores, f1), true},
    {"f1_macro", offsetof(nb_scores, f1_macro), true},
    {"f1_weighted", offsetof(nb_scores, f1_weighted), true},
    {"log_loss", offsetof(nb_scores, log_loss), false},
    {"roc_auc", offsetof(nb_scores, roc_auc), true},
    {"mse", offsetof(nb_scores, mse), false},
    {"rmse", offsetof(nb_scores, rmse), false},
    {"mae", offsetof(nb_scores, mae), false},
    {"r2", offsetof(nb_scores, r2), true},
    {"inertia", offsetof(nb_scores, inertia), false},
    {"silhouette", offsetof(nb_scores, silhouette), true},
    {"adjusted_rand", offsetof(nb_scores, adjusted_rand), true},
};
enum { NMETRICS = sizeof metrics / sizeof metrics[0] };

static int find(const char *name)
{
    for (int k = 0; name && k < NMETRICS; k++)
        if (!strcmp(metrics[k].name, name)) return k;
    return -1;
}

bool nb_metric_known(const char *name) { return find(name) >= 0; }

int nb__scores_count(void) { return NMETRICS; }

double *nb__scores_at(nb_scores *s, int i)
{
    return (double *)((char *)s + metrics[i].offset);
}

void nb_scores_clear(nb_scores *s, nb_task task)
{
    if (!s) return;
    memset(s, 0, sizeof *s);
    s->task = task;
    for (int k = 0; k < NMETRICS; k++) *(double *)((char *)s + metrics[k].offset) = NAN;
}

double nb_scores_get(const nb_scores *s, const char *metric)
{
    int k = find(metric);
    if (!s || k < 0) {
        nb__error("nb_scores_get: unknown metric '%s' (accuracy, balanced_accuracy, precision, "
                  "recall, f1, f1_macro, f1_weighted, log_loss, roc_auc, mse, rmse, mae, r2, "
                  "inertia, silhouette, adjusted_rand)", metric ? metric : "(null)");
        return NAN;
    }
    return *(const double *)((const char *)s + metrics[k].offset);
}

bool nb_metric_higher_is_better(const char *metric)
{
    int k = find(metric);
    return k < 0 || metrics[k].higher;
}

const char *nb_task_main_metric(nb_task task)
{
    switch (task) {
    case NB_TASK_REGRESSION: return "r2";
    case NB_TASK_CLUSTERING: return "silhouette";
    default: return "accuracy";
    }
}

static int classification(nb_scores *s, int64_t k, const nb_tensor *yt, const nb_tensor *yp,
                          const nb_tensor *proba)
{
    nb_average avg = k == 2 ? NB_AVG_BINARY : NB_AVG_MACRO;
    s->accuracy = nb_metric_accuracy(yt, yp);
    s->balanced_accuracy = nb_metric_balanced_accuracy(yt, yp);
    s->precision = nb_metric_precision(yt, yp, k, avg, 1);
    s->recall = nb_metric_recall(yt, yp, k, avg, 1);
    s->f1 = nb_metric_f1(yt, yp, k, avg, 1);
    s->f1_macro = nb_metric_f1(yt, yp, k, NB_AVG_MACRO, 1);
    s->f1_weighted = nb_metric_f1(yt, yp, k, NB_AVG_WEIGHTED, 1);
    if (isnan(s->accuracy) || isnan(s->f1) || isnan(s->f1_weighted)) return -1;
    if (proba) {
        s->log_loss = nb_metric_log_loss(yt, proba);
        if (isnan(s->log_loss)) return -1;
        /* AUC is undefined when the rows miss a class: leave it NAN, no error */
        s->roc_auc = nb_metric_roc_auc(yt, proba);
        nb_clear_error();
    }
    return 0;
}

int nb_scores_compute(nb_scores *s, nb_task task, int64_t k, const nb_tensor *yt,
                      const nb_tensor *yp, const nb_tensor *proba, const nb_tensor *X)
{
    if (!s) return nb__error("nb_scores_compute: NULL scores"), -1;
    nb_scores_clear(s, task);
    s->n = yp && yp->ndim == 1 ? yp->shape[0] : 0;
    switch (task) {
    case NB_TASK_CLASSIFICATION:
    case NB_TASK_TEXT_CLASSIFICATION: return classification(s, k, yt, yp, proba);
    case NB_TASK_REGRESSION:
        s->mse = nb_metric_mse(yt, yp), s->rmse = sqrt(s->mse), s->mae = nb_metric_mae(yt, yp);
        s->r2 = nb_metric_r2(yt, yp);
        return isnan(s->mse) || isnan(s->r2) ? -1 : 0;
    case NB_TASK_CLUSTERING:
        s->inertia = nb_metric_inertia(X, yp);
        if (isnan(s->inertia)) return -1;
        s->silhouette = nb_metric_silhouette(X, yp); /* NAN for one cluster */
        nb_clear_error();
        if (yt && isnan(s->adjusted_rand = nb_metric_adjusted_rand(yt, yp))) return -1;
        return 0;
    default:
        nb__error("nb_scores_compute: no metrics for %s tasks", nb_task_name(task));
        return -1;
    }
}
