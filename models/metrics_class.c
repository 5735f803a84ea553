/* models/metrics_class.c — classification metrics, from the confusion matrix.
 *
 * C[i][j] counts rows of true class i predicted as j. For class c:
 *     TP = C[c][c],  FP = sum_i C[i][c] - TP,  FN = sum_j C[c][j] - TP,
 *     precision = TP / (TP + FP),  recall = TP / (TP + FN),
 *     F1 = 2 P R / (P + R)            (0 where a denominator is 0)
 * Averages: binary (class pos), macro (plain mean over the classes that occur
 * in y_true or y_pred), weighted (mean weighted by each class's true count). */
#include "internal.h"

#include <math.h>
#include <stdlib.h>

typedef struct confusion {
    int64_t k, n;
    int64_t *c; /* k x k */
} confusion;

/* Reads both label vectors and counts; -1 with a message on bad input. */
static int count(confusion *cm, const nb_tensor *yt, const nb_tensor *yp, int64_t k, const char *fn)
{
    int64_t n1 = 0, n2 = 0;
    int64_t *a = nb__labels_array(yt, &n1, fn, "y_true"), *b = a ? nb__labels_array(yp, &n2, fn, "y_pred") : NULL;
    int rc = -1;
    if (!a || !b) goto done;
    if (n1 != n2 || n1 < 1) {
        nb__error("%s: y_true has %lld labels and y_pred %lld (need the same number, at least 1)", fn,
                  (long long)n1, (long long)n2);
        goto done;
    }
    if (k < 1 || k > 100000) {
        nb__error("%s: %lld classes (1 .. 100000 allowed)", fn, (long long)k);
        goto done;
    }
    cm->k = k, cm->n = n1;
    if (!(cm->c = calloc((size_t)(k * k), sizeof *cm->c))) {
        nb__error("%s: out of memory for a %lld x %lld confusion matrix", fn, (long long)k, (long long)k);
        goto done;
    }
    for (int64_t i = 0; i < n1; i++) {
        if (a[i] < 0 || a[i] >= k || b[i] < 0 || b[i] >= k) {
            nb__error("%s: row %lld: label %lld outside 0..%lld", fn, (long long)i,
                      (long long)(a[i] < 0 || a[i] >= k ? a[i] : b[i]), (long long)k - 1);
            free(cm->c), cm->c = NULL;
            goto done;
        }
        cm->c[a[i] * k + b[i]]++;
    }
    rc = 0;
done:
    free(a), free(b);
    return rc;
}

static double ratio(double num, double den) { return den > 0 ? num / den : 0.0; }

typedef struct class_counts {
    double tp, fp, fn, support;
} class_counts;

static class_counts counts_of(const confusion *cm, int64_t c)
{
    class_counts r = {(double)cm->c[c * cm->k + c], 0, 0, 0};
    for (int64_t i = 0; i < cm->k; i++) {
        r.fp += (double)cm->c[i * cm->k + c];
        r.support += (double)cm->c[c * cm->k + i];
    }
    r.fp -= r.tp;
    r.fn = r.support - r.tp;
    return r;
}

enum which { PRECISION, RECALL, F1 };

static double per_class(const class_counts *r, enum which w)
{
    double p = ratio(r->tp, r->tp + r->fp), q = ratio(r->tp, r->tp + r->fn);
    return w == PRECISION ? p : w == RECALL ? q : ratio(2 * p * q, p + q);
}

static double averaged(const nb_tensor *yt, const nb_tensor *yp, int64_t k, nb_average avg,
                       int64_t pos, enum which w, const char *fn)
{
    confusion cm = {0};
    if (count(&cm, yt, yp, k, fn) < 0) return NAN;
    double result = NAN;
    if (avg == NB_AVG_BINARY) {
        if (pos < 0 || pos >= k) {
            nb__error("%s: positive class %lld outside 0..%lld", fn, (long long)pos, (long long)k - 1);
        } else {
            class_counts r = counts_of(&cm, pos);
            result = per_class(&r, w);
        }
    } else if (avg == NB_AVG_MACRO || avg == NB_AVG_WEIGHTED) {
        double sum = 0, weight = 0;
        for (int64_t c = 0; c < k; c++) {
            class_counts r = counts_of(&cm, c);
            if (r.support == 0 && r.tp + r.fp == 0) continue; /* absent from both */
            double wt = avg == NB_AVG_MACRO ? 1.0 : r.support;
            sum += wt * per_class(&r, w), weight += wt;
        }
        result = ratio(sum, weight);
    } else {
        nb__error("%s: unknown average %d", fn, (int)avg);
    }
    free(cm.c);
    return result;
}

double nb_metric_precision(const nb_tensor *yt, const nb_tensor *yp, int64_t k, nb_average avg, int64_t pos)
{
    return averaged(yt, yp, k, avg, pos, PRECISION, "nb_metric_precision");
}

double nb_metric_recall(const nb_tensor *yt, const nb_tensor *yp, int64_t k, nb_average avg, int64_t pos)
{
    return averaged(yt, yp, k, avg, pos, RECALL, "nb_metric_recall");
}

double nb_metric_f1(const nb_tensor *yt, const nb_tensor *yp, int64_t k, nb_average avg, int64_t pos)
{
    return averaged(yt, yp, k, avg, pos, F1, "nb_metric_f1");
}

/* The number of classes needed to hold both label vectors. */
static int64_t classes_in(const nb_tensor *yt, const nb_tensor *yp, const char *fn)
{
    int64_t n = 0, m = 0, k = 0;
    int64_t *a = nb__labels_array(yt, &n, fn, "y_true"), *b = a ? nb__labels_array(yp, &m, fn, "y_pred") : NULL;
    for (int64_t i = 0; a && i < n; i++) k = a[i] >= k ? a[i] + 1 : k;
    for (int64_t i = 0; b && i < m; i++) k = b[i] >= k ? b[i] + 1 : k;
    int ok = a && b;
    free(a), free(b);
    return ok ? (k ? k : 1) : -1;
}

double nb_metric_accuracy(const nb_tensor *yt, const nb_tensor *yp)
{
    const char *fn = "nb_metric_accuracy";
    int64_t k = classes_in(yt, yp, fn);
    confusion cm = {0};
    if (k < 0 || count(&cm, yt, yp, k, fn) < 0) return NAN;
    double hits = 0;
    for (int64_t c = 0; c < k; c++) hits += (double)cm.c[c * k + c];
    free(cm.c);
    return hits / (double)cm.n;
}

double nb_metric_balanced_accuracy(const nb_tensor *yt, const nb_tensor *yp)
{
    const char *fn = "nb_metric_balanced_accuracy";
    int64_t k = classes_in(yt, yp, fn);
    confusion cm = {0};
    if (k < 0 || count(&cm, yt, yp, k, fn) < 0) return NAN;
    double sum = 0, present = 0;
    for (int64_t c = 0; c < k; c++) {
        class_counts r = counts_of(&cm, c);
        if (r.support > 0) sum += r.tp / r.support, present++;
    }
    free(cm.c);
    return sum / present;
}

nb_tensor *nb_metric_confusion(nb_ctx *ctx, const nb_tensor *yt, const nb_tensor *yp, int64_t k)
{
    confusion cm = {0};
    if (!ctx) return nb__error("nb_metric_confusion: NULL context"), NULL;
    if (count(&cm, yt, yp, k, "nb_metric_confusion") < 0) return NULL;
    nb_tensor *t = nb_from_data(ctx, NB_I64, 2, (int64_t[]){k, k}, cm.c);
    free(cm.c);
    return t;
}
