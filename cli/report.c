/* cli/report.c — metrics as aligned text tables and as JSON. */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const class_metrics[] = {"accuracy", "balanced_accuracy", "precision", "recall", "f1",
                                            "f1_macro", "f1_weighted", "log_loss", "roc_auc"};
static const char *const reg_metrics[] = {"r2", "rmse", "mae", "mse"};
static const char *const cluster_metrics[] = {"inertia", "silhouette", "adjusted_rand"};

static const char *const *metrics_of(nb_task task, int *n)
{
    if (task == NB_TASK_REGRESSION) return *n = 4, reg_metrics;
    if (task == NB_TASK_CLUSTERING) return *n = 3, cluster_metrics;
    return *n = 9, class_metrics;
}

void cli_print_scores(FILE *f, nb_task task, const nb_scores *const *cols, const char *const *heads, int ncols)
{
    int n;
    const char *const *names = metrics_of(task, &n);
    fprintf(f, "  %-18s", "");
    for (int c = 0; c < ncols; c++) fprintf(f, " %12s", heads[c]);
    fputc('\n', f);
    for (int k = 0; k < n; k++) {
        bool any = false;
        for (int c = 0; c < ncols; c++) any |= !isnan(nb_scores_get(cols[c], names[k]));
        if (!any) continue;
        fprintf(f, "  %-18s", names[k]);
        for (int c = 0; c < ncols; c++) {
            double v = nb_scores_get(cols[c], names[k]);
            if (isnan(v)) fprintf(f, " %12s", "-");
            else fprintf(f, " %12.*f", fabs(v) >= 1000 ? 2 : 4, v);
        }
        fputc('\n', f);
    }
}

void cli_print_confusion(FILE *f, const nb_model *m, const nb_tensor *cm)
{
    int64_t k = cm->shape[0];
    const int64_t *c = nb_data(cm);
    fprintf(f, "confusion matrix (rows: true class, columns: predicted)\n  %-14s", "");
    for (int64_t j = 0; j < k; j++) fprintf(f, " %8.8s", nb_model_class_name(m, j));
    fputc('\n', f);
    for (int64_t i = 0; i < k; i++) {
        fprintf(f, "  %-14.14s", nb_model_class_name(m, i));
        for (int64_t j = 0; j < k; j++) fprintf(f, " %8lld", (long long)c[i * k + j]);
        fputc('\n', f);
    }
}

char *cli_scores_json(const nb_scores *s)
{
    int n;
    const char *const *names = metrics_of(s->task, &n);
    size_t cap = 64 + (size_t)n * 48;
    char *out = malloc(cap);
    if (!out) return NULL;
    size_t used = (size_t)snprintf(out, cap, "{\"rows\": %lld", (long long)s->n);
    for (int k = 0; k < n; k++) {
        double v = nb_scores_get(s, names[k]);
        if (!isnan(v)) used += (size_t)snprintf(out + used, cap - used, ", \"%s\": %.17g", names[k], v);
    }
    snprintf(out + used, cap - used, "}");
    return out;
}
