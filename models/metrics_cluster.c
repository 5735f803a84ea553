/* models/metrics_cluster.c — clustering metrics.
 *
 * Inertia: sum_i ||x_i - mu_c(i)||^2, mu_c the mean of cluster c's rows.
 * Silhouette of row i: a = mean distance to the other rows of its cluster,
 *     b = the smallest mean distance to the rows of another cluster,
 *     s_i = (b - a) / max(a, b), and 0 for a row alone in its cluster;
 *     the score is the mean of s_i (defined for 2 .. n-1 clusters).
 * Adjusted Rand index (Hubert & Arabie 1985), from the contingency table
 *     n_ij of the two labellings with row sums a_i and column sums b_j:
 *     index = sum C(n_ij, 2),  expected = sum C(a_i, 2) sum C(b_j, 2) / C(n, 2),
 *     max = (sum C(a_i, 2) + sum C(b_j, 2)) / 2,
 *     ARI = (index - expected) / (max - expected), 1 when max = expected. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Labels renumbered 0..m-1 in order of value; returns m or -1. */
static int64_t renumber(int64_t *v, int64_t n, const char *fn)
{
    int64_t *u = malloc((size_t)n * sizeof *u), m = 0;
    if (!u) return nb__error("%s: out of memory", fn), -1;
    memcpy(u, v, (size_t)n * sizeof *v);
    qsort(u, (size_t)n, sizeof *u, cmp_i64);
    for (int64_t i = 0; i < n; i++)
        if (i == 0 || u[i] != u[m - 1]) u[m++] = u[i];
    for (int64_t i = 0; i < n; i++) {
        int64_t lo = 0, hi = m - 1; /* binary search for v[i] in u[0..m) */
        while (lo < hi) {
            int64_t mid = (lo + hi) / 2;
            if (u[mid] < v[i]) lo = mid + 1;
            else hi = mid;
        }
        v[i] = lo;
    }
    free(u);
    return m;
}

/* X as a row-major f64 array and the labels renumbered; *m clusters. */
static int read_xl(const nb_tensor *X, const nb_tensor *labels, double **x, int64_t **l, int64_t *n,
                   int64_t *d, int64_t *m, const char *fn)
{
    *x = NULL;
    if (!X || X->ndim != 2) return nb__error("%s: X must be 2-D [n, d]", fn), -1;
    if (!(*l = nb__labels_array(labels, n, fn, "labels"))) return -1;
    if (*n != X->shape[0] || *n < 1) {
        nb__error("%s: %lld labels for %lld rows of X", fn, (long long)*n, (long long)X->shape[0]);
        return free(*l), -1;
    }
    *d = X->shape[1];
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *c = ctx ? nb_cast(ctx, (nb_tensor *)X, NB_F64) : NULL;
    size_t bytes = (size_t)(*n * *d) * sizeof(double);
    *x = c ? malloc(bytes ? bytes : 1) : NULL;
    if (*x && nb_copy_to(c, *x, bytes) < 0) free(*x), *x = NULL;
    nb_ctx_free(ctx);
    if (!*x || (*m = renumber(*l, *n, fn)) < 0) return free(*x), free(*l), -1;
    return 0;
}

double nb_metric_inertia(const nb_tensor *X, const nb_tensor *labels)
{
    const char *fn = "nb_metric_inertia";
    double *x;
    int64_t *l, n, d, m;
    if (read_xl(X, labels, &x, &l, &n, &d, &m, fn) < 0) return NAN;
    double *mu = calloc((size_t)(m * d), sizeof *mu), *cnt = calloc((size_t)m, sizeof *cnt), sum = NAN;
    if (mu && cnt) {
        for (int64_t i = 0; i < n; i++) {
            cnt[l[i]]++;
            for (int64_t j = 0; j < d; j++) mu[l[i] * d + j] += x[i * d + j];
        }
        for (int64_t c = 0; c < m * d; c++) mu[c] /= cnt[c / d];
        sum = 0;
        for (int64_t i = 0; i < n; i++)
            for (int64_t j = 0; j < d; j++) sum += pow(x[i * d + j] - mu[l[i] * d + j], 2);
    } else {
        nb__error("%s: out of memory", fn);
    }
    free(mu), free(cnt), free(x), free(l);
    return sum;
}

static double dist(const double *a, const double *b, int64_t d)
{
    double s = 0;
    for (int64_t j = 0; j < d; j++) s += (a[j] - b[j]) * (a[j] - b[j]);
    return sqrt(s);
}

/* s_i for one row, with per-cluster distance sums in tot[0..m). */
static double silhouette_row(const double *x, const int64_t *l, const double *size, int64_t n,
                             int64_t d, int64_t m, int64_t i, double *tot)
{
    memset(tot, 0, (size_t)m * sizeof *tot);
    for (int64_t j = 0; j < n; j++) tot[l[j]] += dist(x + i * d, x + j * d, d);
    if (size[l[i]] < 2) return 0;
    double a = tot[l[i]] / (size[l[i]] - 1), b = INFINITY;
    for (int64_t c = 0; c < m; c++)
        if (c != l[i]) b = fmin(b, tot[c] / size[c]);
    double den = fmax(a, b);
    return den > 0 ? (b - a) / den : 0;
}

double nb_metric_silhouette(const nb_tensor *X, const nb_tensor *labels)
{
    const char *fn = "nb_metric_silhouette";
    double *x;
    int64_t *l, n, d, m;
    if (read_xl(X, labels, &x, &l, &n, &d, &m, fn) < 0) return NAN;
    double result = NAN, *size = calloc((size_t)m, sizeof *size), *tot = calloc((size_t)m, sizeof *tot);
    if (m < 2 || m > n - 1) {
        nb__error("%s: %lld clusters for %lld rows (need 2 .. n-1)", fn, (long long)m, (long long)n);
    } else if (!size || !tot) {
        nb__error("%s: out of memory", fn);
    } else {
        for (int64_t i = 0; i < n; i++) size[l[i]]++;
        result = 0;
        for (int64_t i = 0; i < n; i++) result += silhouette_row(x, l, size, n, d, m, i, tot) / (double)n;
    }
    free(size), free(tot), free(x), free(l);
    return result;
}

static double comb2(double v) { return v * (v - 1) / 2; }

double nb_metric_adjusted_rand(const nb_tensor *la, const nb_tensor *lb)
{
    const char *fn = "nb_metric_adjusted_rand";
    int64_t n = 0, n2 = 0, ma, mb;
    int64_t *a = nb__labels_array(la, &n, fn, "labels_a"), *b = a ? nb__labels_array(lb, &n2, fn, "labels_b") : NULL;
    double ari = NAN, *t = NULL;
    if (!a || !b) goto done;
    if (n != n2 || n < 1) {
        nb__error("%s: %lld and %lld labels (need the same number, at least 1)", fn, (long long)n, (long long)n2);
        goto done;
    }
    if ((ma = renumber(a, n, fn)) < 0 || (mb = renumber(b, n, fn)) < 0) goto done;
    if (!(t = calloc((size_t)((ma + 1) * (mb + 1)), sizeof *t))) goto done;
    /* t[i][j] = n_ij, with row sums in column mb and column sums in row ma */
    for (int64_t i = 0; i < n; i++) t[a[i] * (mb + 1) + b[i]]++, t[a[i] * (mb + 1) + mb]++, t[ma * (mb + 1) + b[i]]++;
    double index = 0, sa = 0, sb = 0;
    for (int64_t i = 0; i < ma; i++)
        for (int64_t j = 0; j < mb; j++) index += comb2(t[i * (mb + 1) + j]);
    for (int64_t i = 0; i < ma; i++) sa += comb2(t[i * (mb + 1) + mb]);
    for (int64_t j = 0; j < mb; j++) sb += comb2(t[ma * (mb + 1) + j]);
    double expected = n > 1 ? sa * sb / comb2((double)n) : 0, max = (sa + sb) / 2;
    ari = max == expected ? 1.0 : (index - expected) / (max - expected);
done:
    if (a && b && !t && isnan(ari) && !*nb_last_error()) nb__error("%s: out of memory", fn);
    free(a), free(b), free(t);
    return ari;
}
