/* tests/testutil.c — helpers shared by the Check suites. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>

double tu_at(const nb_tensor *t, int64_t i)
{
    int64_t idx[NB_MAX_DIMS];
    tu_unravel(t->ndim, t->shape, i, idx);
    return nb_get(t, idx);
}

void tu_unravel(int ndim, const int64_t *shape, int64_t i, int64_t *idx)
{
    for (int d = ndim - 1; d >= 0; d--) {
        idx[d] = i % shape[d];
        i /= shape[d];
    }
}

double tu_bget(const nb_tensor *t, int ndim, const int64_t *idx)
{
    int64_t own[NB_MAX_DIMS];
    int lead = ndim - t->ndim;
    for (int d = 0; d < t->ndim; d++) own[d] = t->shape[d] == 1 ? 0 : idx[d + lead];
    return nb_get(t, own);
}

void tu_broadcastable(nb_rng *rng, int ndim, const int64_t *shape, int *out_ndim, int64_t *out)
{
    int drop = (int)nb_rng_below(rng, (uint64_t)ndim + 1);
    *out_ndim = ndim - drop;
    for (int i = 0; i < *out_ndim; i++)
        out[i] = nb_rng_below(rng, 3) == 0 ? 1 : shape[i + drop];
}

void tu_broadcast_shape(int na, const int64_t *sa, int nb, const int64_t *sb, int *out_ndim,
                        int64_t *out)
{
    int n = na > nb ? na : nb;
    for (int i = 0; i < n; i++) {
        int64_t x = i - (n - na) >= 0 ? sa[i - (n - na)] : 1;
        int64_t y = i - (n - nb) >= 0 ? sb[i - (n - nb)] : 1;
        out[i] = x == 1 ? y : x;
    }
    *out_ndim = n;
}

double tu_tol(nb_dtype dtype)
{
    return dtype == NB_F32 ? 1e-5 : dtype == NB_F64 ? 1e-12 : 0;
}

bool tu_close(double got, double want, double tol)
{
    return (isnan(got) && isnan(want)) || got == want || fabs(got - want) <= tol * (1 + fabs(want));
}

void ck_tensor_equal(const nb_tensor *got, const nb_tensor *want)
{
    ck_assert_msg(got != NULL, "tensor is NULL: %s", nb_last_error());
    ck_assert_int_eq(got->dtype, want->dtype);
    ck_tensor_shape(got, want->ndim, want->shape);
    for (int64_t i = 0, n = nb_numel(want); i < n; i++) {
        double g = tu_at(got, i), w = tu_at(want, i);
        ck_assert_msg((isnan(g) && isnan(w)) || g == w, "element %lld: got %.17g, want %.17g",
                      (long long)i, g, w);
    }
}

void ck_tensor_shape(const nb_tensor *t, int ndim, const int64_t *shape)
{
    ck_assert_msg(t != NULL, "tensor is NULL: %s", nb_last_error());
    ck_assert_int_eq(t->ndim, ndim);
    for (int i = 0; i < ndim; i++)
        ck_assert_msg(t->shape[i] == shape[i], "axis %d: size %lld, want %lld", i,
                      (long long)t->shape[i], (long long)shape[i]);
}

void ck_tensor_values(const nb_tensor *t, const double *want, int64_t n, double tol)
{
    ck_assert_msg(t != NULL, "tensor is NULL: %s", nb_last_error());
    ck_assert_int_eq(nb_numel(t), n);
    for (int64_t i = 0; i < n; i++) {
        double got = tu_at(t, i);
        ck_assert_msg(tu_close(got, want[i], tol), "element %lld: got %.9g, want %.9g", (long long)i, got, want[i]);
    }
}

void tu_random_shape(nb_rng *rng, int ndim, int64_t lo, int64_t hi, int64_t *shape)
{
    for (int i = 0; i < ndim; i++) shape[i] = lo + (int64_t)nb_rng_below(rng, (uint64_t)(hi - lo + 1));
}

nb_tensor *tu_random(nb_ctx *ctx, nb_rng *rng, nb_dtype dtype, int ndim, const int64_t *shape)
{
    nb_tensor *t = nb_empty(ctx, dtype, ndim, shape);
    ck_assert_ptr_nonnull(t);
    for (int64_t i = 0, n = nb_numel(t); i < n; i++) {
        double v = -2 + 4 * nb_rng_uniform(rng);
        if (!nb_dtype_is_float(dtype)) v = floor(v * 4);
        if (dtype == NB_BOOL) v = v > 0;
        int64_t idx[NB_MAX_DIMS], r = i;
        for (int d = ndim - 1; d >= 0; d--) {
            idx[d] = r % shape[d];
            r /= shape[d];
        }
        nb_set(t, idx, v);
    }
    return t;
}

/* Gaps (step 2), optionally negative strides, and the last two axes stored
 * in swapped order: the layouts kernels get wrong. */
nb_tensor *tu_random_strided(nb_ctx *ctx, nb_rng *rng, nb_dtype dtype, int ndim,
                             const int64_t *shape, bool reversed)
{
    int64_t stored[NB_MAX_DIMS] = {0}, big[NB_MAX_DIMS] = {0};
    for (int i = 0; i < ndim; i++) stored[i] = shape[i];
    if (ndim >= 2) {
        stored[ndim - 2] = shape[ndim - 1];
        stored[ndim - 1] = shape[ndim - 2];
    }
    for (int i = 0; i < ndim; i++) big[i] = 2 * stored[i] + 1;
    nb_tensor *t = tu_random(ctx, rng, dtype, ndim, big);
    for (int i = 0; i < ndim; i++) {
        bool flip = reversed && i % 2 == 0; /* stop 0 keeps an empty axis empty */
        t = flip ? nb_slice(ctx, t, i, 2 * stored[i] - 1, 0, -2)
                 : nb_slice(ctx, t, i, 1, 1 + 2 * stored[i], 2);
        ck_assert_ptr_nonnull(t);
    }
    if (ndim >= 2) t = nb_transpose(ctx, t, -1, -2);
    ck_assert_ptr_nonnull(t);
    return t;
}
