/* models/metrics_prob.c — metrics of predicted probabilities.
 *
 * Log loss: -1/n sum_i log p_i[y_i], each row clipped to [eps, 1 - eps]
 * (eps = 1e-15) and renormalised, as scikit-learn does.
 * ROC AUC: the probability that a random positive scores above a random
 * negative (ties count half). With r_i the rank of row i among all scores
 * (tied scores share the mean rank), the Mann-Whitney formula gives
 *     AUC = (sum of positive ranks - P (P + 1) / 2) / (P N).
 * Several classes: one-vs-rest, the plain mean of the per-class AUCs. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>

/* A 2-D float tensor as a malloc'ed row-major f64 array. */
static double *matrix(const nb_tensor *t, int64_t *n, int64_t *k, const char *fn)
{
    if (!t || t->ndim != 2 || !nb_dtype_is_float(t->dtype)) {
        nb__error("%s: probabilities must be a 2-D float tensor [n, k]", fn);
        return NULL;
    }
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *c = ctx ? nb_cast(ctx, (nb_tensor *)t, NB_F64) : NULL;
    size_t bytes = (size_t)(t->shape[0] * t->shape[1]) * sizeof(double);
    double *a = c ? malloc(bytes ? bytes : 1) : NULL;
    if (a && nb_copy_to(c, a, bytes) < 0) free(a), a = NULL;
    nb_ctx_free(ctx);
    if (!a) return NULL;
    *n = t->shape[0], *k = t->shape[1];
    return a;
}

/* Reads labels and probabilities and checks they agree. */
static int inputs(const nb_tensor *yt, const nb_tensor *proba, int64_t **y, double **p, int64_t *n,
                  int64_t *k, const char *fn)
{
    int64_t m = 0;
    *y = nb__labels_array(yt, n, fn, "y_true");
    *p = *y ? matrix(proba, &m, k, fn) : NULL;
    if (!*p) return free(*y), -1;
    const char *why = m != *n || *n < 1 ? "row counts differ (or are 0)" : *k < 2 ? "fewer than 2 columns" : NULL;
    for (int64_t i = 0; !why && i < *n; i++)
        if ((*y)[i] < 0 || (*y)[i] >= *k) why = "a label is outside 0..k-1";
    for (int64_t i = 0; !why && i < *n * *k; i++)
        if (!((*p)[i] >= 0 && (*p)[i] <= 1)) why = "a probability is outside [0, 1]";
    if (why) {
        nb__error("%s: y_true [%lld] and probabilities [%lld, %lld]: %s", fn, (long long)*n,
                  (long long)m, (long long)*k, why);
        free(*y), free(*p);
        return -1;
    }
    return 0;
}

double nb_metric_log_loss(const nb_tensor *yt, const nb_tensor *proba)
{
    int64_t *y, n, k;
    double *p;
    if (inputs(yt, proba, &y, &p, &n, &k, "nb_metric_log_loss") < 0) return NAN;
    const double eps = 1e-15;
    double loss = 0;
    for (int64_t i = 0; i < n; i++) {
        double sum = 0, *row = p + i * k;
        for (int64_t j = 0; j < k; j++) row[j] = fmin(fmax(row[j], eps), 1 - eps), sum += row[j];
        loss -= log(row[y[i]] / sum);
    }
    free(y), free(p);
    return loss / (double)n;
}

typedef struct scored {
    double s;
    int pos;
} scored;

static int by_score(const void *a, const void *b)
{
    double x = ((const scored *)a)->s, y = ((const scored *)b)->s;
    return (x > y) - (x < y);
}

/* AUC of "is class c" against column c's scores; NAN when c is absent or the
 * only class present. */
static double auc_one(const int64_t *y, const double *p, int64_t n, int64_t k, int64_t c, scored *buf)
{
    double npos = 0;
    for (int64_t i = 0; i < n; i++) buf[i] = (scored){p[i * k + c], y[i] == c}, npos += y[i] == c;
    double nneg = (double)n - npos;
    if (npos == 0 || nneg == 0) return NAN;
    qsort(buf, (size_t)n, sizeof *buf, by_score);
    double rank_sum = 0;
    for (int64_t i = 0, j; i < n; i = j) {
        for (j = i; j < n && buf[j].s == buf[i].s; j++) {}
        double mean_rank = 0.5 * (double)(i + 1 + j); /* ranks i+1 .. j */
        for (int64_t t = i; t < j; t++) rank_sum += buf[t].pos ? mean_rank : 0;
    }
    return (rank_sum - npos * (npos + 1) / 2) / (npos * nneg);
}

double nb_metric_roc_auc(const nb_tensor *yt, const nb_tensor *proba)
{
    const char *fn = "nb_metric_roc_auc";
    int64_t *y, n, k;
    double *p;
    if (inputs(yt, proba, &y, &p, &n, &k, fn) < 0) return NAN;
    scored *buf = malloc((size_t)n * sizeof *buf);
    double auc = NAN;
    if (!buf) nb__error("%s: out of memory", fn);
    else if (k == 2) auc = auc_one(y, p, n, k, 1, buf);
    else {
        auc = 0;
        for (int64_t c = 0; c < k && !isnan(auc); c++) auc += auc_one(y, p, n, k, c, buf) / (double)k;
    }
    if (buf && isnan(auc)) nb__error("%s: a class is missing from y_true (AUC needs both positives and negatives of each class)", fn);
    free(buf), free(y), free(p);
    return auc;
}
