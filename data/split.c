/* data/split.c — index generators for holdout and k-fold evaluation.
 *
 * Train/test: the test part has n_test = ceil(f n) rows (scikit-learn's
 * rule); with strata, each class c of size n_c gives floor(n_test n_c / n)
 * test rows, and the rows still owed go one each to the classes with the
 * largest remainders (ties to the lower class number), so every class is
 * split in the same proportion up to rounding. Rows are drawn by shuffling
 * with the caller's generator.
 *
 * k-fold: after an optional shuffle, rows are dealt to folds so fold sizes
 * differ by at most one: plain k-fold cuts the (shuffled) order into k
 * consecutive runs of floor(n/k) or ceil(n/k) rows; stratified k-fold deals
 * each class's rows round-robin over the folds, continuing where the
 * previous class stopped, so every fold gets ~n_c/k rows of class c. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Fisher-Yates with nb_rng_below. */
static void shuffle(int64_t *v, int64_t n, nb_rng *rng)
{
    for (int64_t i = n - 1; i > 0; i--) {
        int64_t j = (int64_t)nb_rng_below(rng, (uint64_t)i + 1);
        int64_t t = v[i];
        v[i] = v[j];
        v[j] = t;
    }
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Class of each row from an i64 strata tensor of n values >= 0; *nclass. */
static const int64_t *check_strata(const nb_tensor *strata, int64_t n, int64_t *nclass, const char *fn)
{
    if (strata->dtype != NB_I64 || strata->ndim != 1 || strata->shape[0] != n || !nb_is_contiguous(strata)) {
        nb__error("%s: strata must be a contiguous i64 vector of %lld class indices", fn, (long long)n);
        return NULL;
    }
    const int64_t *y = nb_data(strata);
    *nclass = 0;
    for (int64_t i = 0; i < n; i++) {
        if (y[i] < 0 || y[i] >= n) {
            nb__error("%s: strata[%lld] = %lld is not a class index in 0..%lld", fn, (long long)i,
                      (long long)y[i], (long long)n - 1);
            return NULL;
        }
        if (y[i] + 1 > *nclass) *nclass = y[i] + 1;
    }
    return y;
}

/* Test rows per class: floor shares, then one more row each to the classes
 * with the largest remainders (ties to the lower class) until ntest. */
static int class_quota(const int64_t *count, int64_t nclass, int64_t n, int64_t ntest,
                       int64_t *quota)
{
    bool *extra = calloc((size_t)nclass + 1, sizeof *extra);
    if (!extra) return -1;
    int64_t given = 0;
    for (int64_t c = 0; c < nclass; c++) given += quota[c] = ntest * count[c] / n;
    while (given < ntest) {
        int64_t best = -1, best_rem = -1;
        for (int64_t c = 0; c < nclass; c++) {
            int64_t rem = ntest * count[c] % n;
            if (!extra[c] && quota[c] < count[c] && rem > best_rem) best = c, best_rem = rem;
        }
        if (best < 0) break; /* cannot happen: the remainders add up to what is owed */
        extra[best] = true;
        quota[best]++;
        given++;
    }
    free(extra);
    return 0;
}

/* Rows grouped by class: rows of class c are by_class[start[c] .. start[c+1]). */
static int group_by_class(const int64_t *y, int64_t n, int64_t nclass, int64_t *by_class,
                          int64_t *start)
{
    int64_t *fill = calloc((size_t)nclass + 1, sizeof *fill);
    if (!fill) return -1;
    memset(start, 0, (size_t)(nclass + 1) * sizeof *start);
    for (int64_t i = 0; i < n; i++) start[y[i] + 1]++;
    for (int64_t c = 0; c < nclass; c++) start[c + 1] += start[c];
    for (int64_t i = 0; i < n; i++) by_class[start[y[i]] + fill[y[i]]++] = i;
    free(fill);
    return 0;
}

static nb_tensor *index_tensor(nb_ctx *ctx, int64_t *v, int64_t n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_i64);
    return nb_from_data(ctx, NB_I64, NB_SHAPE(n), v);
}

/* Marks the test rows in is_test. */
static int pick_test(const int64_t *y, int64_t n, int64_t nclass, int64_t ntest, nb_rng *rng,
                     bool *is_test, int64_t *order)
{
    if (!y) {
        for (int64_t i = 0; i < n; i++) order[i] = i;
        shuffle(order, n, rng);
        for (int64_t i = 0; i < ntest; i++) is_test[order[i]] = true;
        return 0;
    }
    int64_t *start = calloc((size_t)nclass + 1, sizeof *start);
    int64_t *count = calloc((size_t)nclass + 1, sizeof *count);
    int64_t *quota = calloc((size_t)nclass + 1, sizeof *quota);
    int rc = start && count && quota ? group_by_class(y, n, nclass, order, start) : -1;
    for (int64_t c = 0; rc == 0 && c < nclass; c++) count[c] = start[c + 1] - start[c];
    if (rc == 0) rc = class_quota(count, nclass, n, ntest, quota);
    for (int64_t c = 0; rc == 0 && c < nclass; c++) {
        shuffle(order + start[c], count[c], rng);
        for (int64_t i = 0; i < quota[c]; i++) is_test[order[start[c] + i]] = true;
    }
    free(start), free(count), free(quota);
    return rc;
}

int nb_split_train_test(nb_ctx *ctx, int64_t n, double test_fraction, const nb_tensor *strata,
                        nb_rng *rng, nb_tensor **train, nb_tensor **test)
{
    const char *fn = "nb_split_train_test";
    if (!ctx || !rng || !train || !test) {
        nb__error("%s: NULL argument", fn);
        return -1;
    }
    double want = ceil(test_fraction * (double)n);
    if (!(test_fraction > 0 && test_fraction < 1) || n < 2 || want < 1 || want > (double)(n - 1)) {
        nb__error("%s: test_fraction %g of %lld rows must leave at least one row on each side "
                  "(0 < test_fraction < 1)", fn, test_fraction, (long long)n);
        return -1;
    }
    int64_t ntest = (int64_t)want, nclass = 0;
    const int64_t *y = strata ? check_strata(strata, n, &nclass, fn) : NULL;
    if (strata && !y) return -1;
    bool *is_test = calloc((size_t)n, sizeof *is_test);
    int64_t *order = malloc((size_t)n * sizeof *order), *a = malloc((size_t)n * sizeof *a);
    int rc = is_test && order && a ? pick_test(y, n, nclass, ntest, rng, is_test, order) : -1;
    if (rc == 0) {
        int64_t ntr = 0, nte = 0;
        for (int64_t i = 0; i < n; i++)
            if (!is_test[i]) a[ntr++] = i;
        for (int64_t i = 0; i < n; i++)
            if (is_test[i]) order[nte++] = i;
        *train = index_tensor(ctx, a, ntr);
        *test = index_tensor(ctx, order, nte);
        rc = *train && *test ? 0 : -1;
    } else {
        nb__error("%s: out of memory", fn);
    }
    free(is_test), free(order), free(a);
    return rc;
}

nb_tensor *nb_kfold(nb_ctx *ctx, int64_t n, int k, const nb_tensor *strata, nb_rng *rng)
{
    const char *fn = "nb_kfold";
    if (!ctx || k < 2 || k > n) {
        nb__error("%s: need 2 <= k <= n, got k = %d, n = %lld", fn, k, (long long)n);
        return NULL;
    }
    int64_t nclass = 0, *start = NULL;
    const int64_t *y = strata ? check_strata(strata, n, &nclass, fn) : NULL;
    if (strata && !y) return NULL;
    nb_tensor *t = nb_empty(ctx, NB_I64, NB_SHAPE(n));
    int64_t *order = malloc((size_t)n * sizeof *order);
    if (y) start = calloc((size_t)nclass + 1, sizeof *start);
    if (!t || !order || (y && (!start || group_by_class(y, n, nclass, order, start) < 0))) {
        if (t) nb__error("%s: out of memory", fn);
        free(order), free(start);
        return NULL;
    }
    int64_t *fold = nb_data(t);
    if (!y) {
        for (int64_t i = 0; i < n; i++) order[i] = i;
        if (rng) shuffle(order, n, rng);
        /* the first n % k folds take one row more */
        for (int64_t f = 0, pos = 0; f < k; f++)
            for (int64_t r = 0; r < n / k + (f < n % k); r++) fold[order[pos++]] = f;
    } else {
        int64_t deal = 0;
        for (int64_t c = 0; c < nclass; c++) {
            if (rng) shuffle(order + start[c], start[c + 1] - start[c], rng);
            for (int64_t i = start[c]; i < start[c + 1]; i++) fold[order[i]] = deal++ % k;
        }
    }
    free(order), free(start);
    return t;
}

int nb_kfold_split(nb_ctx *ctx, const nb_tensor *folds, int f, nb_tensor **train, nb_tensor **test)
{
    if (!ctx || !folds || !train || !test || folds->dtype != NB_I64 || folds->ndim != 1 ||
        !nb_is_contiguous(folds)) {
        nb__error("nb_kfold_split: folds must be nb_kfold's i64 vector");
        return -1;
    }
    int64_t n = folds->shape[0], ntest = 0;
    const int64_t *fold = nb_data(folds);
    for (int64_t i = 0; i < n; i++) ntest += fold[i] == f;
    if (ntest == 0 || ntest == n) {
        nb__error("nb_kfold_split: fold %d has %lld of %lld rows; it must have some, not all", f,
                  (long long)ntest, (long long)n);
        return -1;
    }
    *train = nb_empty(ctx, NB_I64, NB_SHAPE(n - ntest));
    *test = nb_empty(ctx, NB_I64, NB_SHAPE(ntest));
    if (!*train || !*test) return -1;
    int64_t *tr = nb_data(*train), *te = nb_data(*test);
    for (int64_t i = 0; i < n; i++) *(fold[i] == f ? te++ : tr++) = i;
    return 0;
}
