/* tests/tensor/test_reduce.c — reductions over any set of axes (sum, mean,
 * prod, var, std, max, min, logsumexp), softmax and log_softmax, argmax and
 * argmin: values by hand (NumPy), a reference loop over every axis set of
 * random strided tensors, output types, empty and NaN inputs, errors. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"

enum { SUM, MEAN, PROD, VAR, STD, MAX, MIN, LSE, NREDS };

static const char *const names[NREDS] = {"nb_sum", "nb_mean", "nb_prod", "nb_var",
                                         "nb_std", "nb_max",  "nb_min",  "nb_logsumexp"};

/* One call for every reduction; var and std take `correction`. */
static nb_tensor *reduce(nb_ctx *ctx, int red, nb_tensor *x, int naxes, const int *axes,
                         bool keepdim, int correction)
{
    switch (red) {
    case SUM: return nb_sum(ctx, x, naxes, axes, keepdim);
    case MEAN: return nb_mean(ctx, x, naxes, axes, keepdim);
    case PROD: return nb_prod(ctx, x, naxes, axes, keepdim);
    case VAR: return nb_var(ctx, x, naxes, axes, correction, keepdim);
    case STD: return nb_std(ctx, x, naxes, axes, correction, keepdim);
    case MAX: return nb_max(ctx, x, naxes, axes, keepdim);
    case MIN: return nb_min(ctx, x, naxes, axes, keepdim);
    default: return nb_logsumexp(ctx, x, naxes, axes, keepdim);
    }
}

/* The documented result types. */
static nb_dtype result_dtype(int red, nb_dtype in)
{
    bool fl = in == NB_F32 || in == NB_F64;
    if (red == SUM || red == PROD) return fl ? in : NB_I64;
    if (red == MAX || red == MIN) return in;
    return fl ? in : NB_F32;
}

/* ---- values by hand ------------------------------------------------------------ */

/* x = [[1, -2, 3], [4, 5, -6]]; expected values printed by NumPy. */
START_TEST(reduce_values_by_hand)
{
    static const struct {
        int red, naxes, axis, correction;
        int n;
        double want[3];
    } cases[] = {
        {SUM, 0, 0, 0, 1, {5}},           {SUM, 1, 0, 0, 3, {5, 3, -3}},
        {SUM, 1, 1, 0, 2, {2, 3}},        {MEAN, 1, 0, 0, 3, {2.5, 1.5, -1.5}},
        {MEAN, 1, -1, 0, 2, {0.6666666666666666, 1}},
        {PROD, 1, 1, 0, 2, {-6, -120}},   {PROD, 0, 0, 0, 1, {720}},
        {VAR, 1, 0, 0, 3, {2.25, 12.25, 20.25}},
        {VAR, 1, 1, 1, 2, {6.333333333333334, 37}},
        {STD, 0, 0, 1, 1, {4.167333280008532}},
        {STD, 1, 1, 0, 2, {2.0548046676563256, 4.96655480858378}},
        {MAX, 1, 0, 0, 3, {4, 5, 3}},     {MIN, 1, 1, 0, 2, {-2, -6}},
        {MAX, 0, 0, 0, 1, {5}},
        {LSE, 1, 0, 0, 3, {4.048587351573742, 5.000911466453775, 3.000123402189723}},
        {LSE, 1, 1, 0, 2, {3.1328452337275756, 5.313273897365323}},
        {LSE, 0, 0, 0, 1, {5.420326756010547}},
    };
    nb_ctx *ctx = nb_ctx_new();
    const nb_dtype dtypes[] = TU_FLOAT_DTYPES;
    for (int d = 0; d < 2; d++) {
        nb_tensor *x = nb_cast(ctx, nb_from_data(ctx, NB_F64, NB_SHAPE(2, 3), (double[]){1, -2, 3, 4, 5, -6}), dtypes[d]);
        for (int i = 0; i < TU_LEN(cases); i++) {
            int axis = cases[i].axis;
            nb_tensor *y = reduce(ctx, cases[i].red, x, cases[i].naxes, &axis, false, cases[i].correction);
            ck_assert_msg(y && y->dtype == dtypes[d], "case %d", i);
            ck_assert_int_eq(y->ndim, cases[i].naxes ? 1 : 0);
            ck_tensor_values(y, cases[i].want, cases[i].n, tu_tol(dtypes[d]));
        }
    }
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(reduce_axis_sets_and_keepdim)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *y = nb_reshape(ctx, nb_arange(ctx, NB_F64, 0, 24, 1), NB_SHAPE(2, 3, 4));
    nb_tensor *s = nb_sum(ctx, y, NB_AXES(0, 2), false);
    CK_SHAPE(s, 3);
    CK_VALUES(s, 0, 60, 92, 124);
    nb_tensor *k = nb_sum(ctx, y, NB_AXES(-1, 0), true);
    CK_SHAPE(k, 1, 3, 1);
    CK_VALUES(k, 0, 60, 92, 124);
    nb_tensor *v = nb_var(ctx, y, NB_AXES(1, 2), 1, true);
    CK_SHAPE(v, 2, 1, 1);
    CK_VALUES(v, 1e-12, 13, 13);
    nb_tensor *m = nb_mean(ctx, y, NB_ALL_AXES, true);
    CK_SHAPE(m, 1, 1, 1);
    CK_VALUES(m, 0, 11.5);
    ck_assert_int_eq(nb_max(ctx, y, NB_AXES(0, 1, 2), false)->ndim, 0);
    nb_tensor *s0 = nb_sum(ctx, nb_scalar(ctx, NB_F32, 2.5), NB_ALL_AXES, false); /* 0-d in, 0-d out */
    ck_assert_int_eq(s0->ndim, 0);
    ck_assert_double_eq(nb_item(s0), 2.5);
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(reduce_integer_types)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *i = nb_from_data(ctx, NB_I32, NB_SHAPE(2, 3), (int32_t[]){1, -2, 3, 4, 5, -6});
    for (int red = 0; red < NREDS; red++)
        ck_assert_int_eq(reduce(ctx, red, i, NB_ALL_AXES, false, 0)->dtype, result_dtype(red, NB_I32));
    CK_VALUES(nb_sum(ctx, i, NB_AXES(0), false), 0, 5, 3, -3);
    CK_VALUES(nb_mean(ctx, i, NB_AXES(1), false), 1e-7, 0.6666666666666666, 1);
    CK_VALUES(nb_max(ctx, i, NB_AXES(1), false), 0, 3, 5);
    /* integer sums are exact past 2^53 and wrap rather than overflow */
    nb_tensor *big = nb_from_data(ctx, NB_I64, NB_SHAPE(3), (int64_t[]){INT64_C(1) << 53, 1, 1});
    ck_assert_int_eq(nb_item_i64(nb_sum(ctx, big, NB_ALL_AXES, false)), (INT64_C(1) << 53) + 2);
    nb_tensor *top = nb_from_data(ctx, NB_I64, NB_SHAPE(2), (int64_t[]){INT64_MAX, 1});
    ck_assert_int_eq(nb_item_i64(nb_sum(ctx, top, NB_ALL_AXES, false)), INT64_MIN);
    ck_assert_int_eq(nb_item_i64(nb_max(ctx, top, NB_ALL_AXES, false)), INT64_MAX);
    nb_tensor *i32s = nb_full(ctx, NB_I32, NB_SHAPE(3), INT32_MAX); /* the i64 sum does not wrap at i32 */
    ck_assert_int_eq(nb_item_i64(nb_sum(ctx, i32s, NB_ALL_AXES, false)), 3 * (int64_t)INT32_MAX);
    nb_tensor *mask = nb_from_data(ctx, NB_BOOL, NB_SHAPE(4), (uint8_t[]){1, 0, 1, 1});
    nb_tensor *count = nb_sum(ctx, mask, NB_ALL_AXES, false);
    ck_assert_int_eq(count->dtype, NB_I64);
    ck_assert_int_eq(nb_item_i64(count), 3);
    nb_tensor *any = nb_max(ctx, mask, NB_ALL_AXES, false);
    ck_assert_int_eq(any->dtype, NB_BOOL);
    ck_assert_double_eq(nb_item(any), 1);
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(reduce_var_correction)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *x = nb_from_data(ctx, NB_F64, NB_SHAPE(4), (double[]){1, 2, 3, 4});
    CK_VALUES(nb_var(ctx, x, NB_ALL_AXES, 0, false), 1e-15, 1.25);
    CK_VALUES(nb_var(ctx, x, NB_ALL_AXES, 1, false), 1e-15, 1.6666666666666667);
    CK_VALUES(nb_std(ctx, x, NB_ALL_AXES, 2, false), 1e-15, 1.5811388300841898);
    CK_VALUES(nb_var(ctx, x, NB_ALL_AXES, 4, false), 0, INFINITY); /* divisor max(N - c, 0) */
    CK_VALUES(nb_var(ctx, x, NB_ALL_AXES, 7, false), 0, INFINITY);
    CK_VALUES(nb_var(ctx, nb_ones(ctx, NB_F32, NB_SHAPE(1)), NB_ALL_AXES, 1, false), 0, NAN);
    /* two passes: a large offset does not swamp a small spread */
    nb_tensor *off = nb_from_data(ctx, NB_F32, NB_SHAPE(3), (float[]){1e4f + 1, 1e4f + 2, 1e4f + 3});
    CK_VALUES(nb_var(ctx, off, NB_ALL_AXES, 1, false), 1e-6, 1);
    nb_ctx_free(ctx);
}
END_TEST

/* ---- reference loop ------------------------------------------------------------ */

/* Expected results of every reduction over the axes in mask, computed by
 * walking x in C order and accumulating into the output each element maps
 * to. Integer sums and products wrap in 64 bits, as documented. */
typedef struct {
    int64_t K;
    double *sum, *prod, *max, *min, *mean, *sqdev, *lse;
    uint64_t *isum, *iprod;
    int64_t *count;
} expected;

static int64_t out_index(const nb_tensor *x, unsigned mask, const int64_t *idx)
{
    int64_t k = 0;
    for (int d = 0; d < x->ndim; d++)
        if (!(mask & (1u << d))) k = k * x->shape[d] + idx[d];
    return k;
}

static expected compute_expected(const nb_tensor *x, unsigned mask)
{
    expected e = {.K = 1};
    for (int d = 0; d < x->ndim; d++)
        if (!(mask & (1u << d))) e.K *= x->shape[d];
    size_t K = (size_t)(e.K ? e.K : 1);
    double **arrays[] = {&e.sum, &e.prod, &e.max, &e.min, &e.mean, &e.sqdev, &e.lse};
    for (int a = 0; a < 7; a++) *arrays[a] = calloc(K, sizeof(double));
    e.isum = calloc(K, sizeof(uint64_t));
    e.iprod = calloc(K, sizeof(uint64_t));
    e.count = calloc(K, sizeof(int64_t));
    for (size_t k = 0; k < K; k++) {
        e.prod[k] = 1;
        e.iprod[k] = 1;
        e.max[k] = -INFINITY;
        e.min[k] = INFINITY;
    }
    int64_t idx[NB_MAX_DIMS], n = nb_numel(x);
    for (int64_t i = 0; i < n; i++) {
        tu_unravel(x->ndim, x->shape, i, idx);
        int64_t k = out_index(x, mask, idx);
        double v = nb_get(x, idx);
        e.sum[k] += v;
        e.prod[k] *= v;
        e.isum[k] += (uint64_t)(int64_t)v;
        e.iprod[k] *= (uint64_t)(int64_t)v;
        e.max[k] = v > e.max[k] ? v : e.max[k];
        e.min[k] = v < e.min[k] ? v : e.min[k];
        e.count[k]++;
    }
    for (size_t k = 0; k < K; k++) e.mean[k] = e.sum[k] / (double)e.count[k];
    for (int64_t i = 0; i < n; i++) { /* second pass: deviations from the mean, exp(v - max) */
        tu_unravel(x->ndim, x->shape, i, idx);
        int64_t k = out_index(x, mask, idx);
        double v = nb_get(x, idx);
        e.sqdev[k] += (v - e.mean[k]) * (v - e.mean[k]);
        e.lse[k] += exp(v - e.max[k]);
    }
    for (size_t k = 0; k < K; k++) e.lse[k] = e.max[k] + log(e.lse[k]);
    return e;
}

static void free_expected(expected e)
{
    double *arrays[] = {e.sum, e.prod, e.max, e.min, e.mean, e.sqdev, e.lse};
    for (int a = 0; a < 7; a++) free(arrays[a]);
    free(e.isum);
    free(e.iprod);
    free(e.count);
}

static double expected_value(const expected *e, int red, int64_t k, bool integer, int correction)
{
    double dof = (double)e->count[k] - correction;
    switch (red) {
    case SUM: return integer ? (double)(int64_t)e->isum[k] : e->sum[k];
    case MEAN: return e->mean[k];
    case PROD: return integer ? (double)(int64_t)e->iprod[k] : e->prod[k];
    case VAR: return e->sqdev[k] / (dof > 0 ? dof : 0);
    case STD: return sqrt(e->sqdev[k] / (dof > 0 ? dof : 0));
    case MAX: return e->max[k];
    case MIN: return e->min[k];
    default: return e->lse[k];
    }
}

/* Every reduction over every non-empty axis set of x, with and without
 * keepdim, against the reference. */
static void ck_every_axis_set(nb_ctx *ctx, nb_tensor *x)
{
    int nd = x->ndim;
    bool integer = !nb_dtype_is_float(x->dtype);
    for (unsigned mask = 1; mask < (1u << nd); mask++) {
        int axes[NB_MAX_DIMS], naxes = 0;
        for (int d = nd - 1; d >= 0; d--) /* listed in any order, some negative */
            if (mask & (1u << d)) axes[naxes++] = d % 2 ? d - nd : d;
        expected e = compute_expected(x, mask);
        for (int red = 0; red < NREDS; red++) {
            bool keepdim = (mask + (unsigned)red) % 2;
            int correction = red == VAR || red == STD ? (int)(mask % 3) : 0;
            nb_tensor *y = reduce(ctx, red, x, naxes, axes, keepdim, correction);
            ck_assert_msg(y && y->dtype == result_dtype(red, x->dtype), "%s: %s", names[red], nb_last_error());
            ck_assert_int_eq(y->ndim, keepdim ? nd : nd - naxes);
            for (int d = 0, o = 0; d < nd; d++) {
                if (mask & (1u << d)) {
                    if (keepdim) ck_assert_int_eq(y->shape[o++], 1);
                } else {
                    ck_assert_int_eq(y->shape[o++], x->shape[d]);
                }
            }
            double tol = tu_tol(y->dtype);
            for (int64_t k = 0; k < e.K; k++) {
                double want = expected_value(&e, red, k, integer, correction), got = tu_at(y, k);
                ck_assert_msg(tu_close(got, want, tol), "%s over mask %u, output %lld: got %.9g, want %.9g",
                              names[red], mask, (long long)k, got, want);
            }
        }
        free_expected(e);
    }
}

/* Random strided tensors of all four dtypes, up to four axes. */
START_TEST(reduce_matches_reference_over_every_axis_set)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 51);
    const nb_dtype dtypes[] = TU_ALL_DTYPES;
    for (int trial = 0; trial < 24; trial++) {
        int nd = 1 + trial % 4;
        int64_t shape[NB_MAX_DIMS];
        tu_random_shape(&rng, nd, 1, 4, shape);
        ck_every_axis_set(ctx, tu_random_strided(ctx, &rng, dtypes[trial / 4 % 4], nd, shape, trial % 2));
        nb_ctx_reset(ctx);
    }
    nb_ctx_free(ctx);
}
END_TEST

/* The most axes a tensor can have: all 255 axis sets. */
START_TEST(reduce_eight_dimensions)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 55);
    ck_every_axis_set(ctx, tu_random_strided(ctx, &rng, NB_F64, NB_SHAPE(2, 1, 2, 3, 1, 2, 2, 2), true));
    nb_ctx_free(ctx);
}
END_TEST

/* Long reductions are split in blocks; the partial results combine to the
 * right answer, the same bits for any thread count. */
START_TEST(reduce_long_and_thread_count_independent)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 52);
    nb_tensor *x = tu_random(ctx, &rng, NB_F32, NB_SHAPE(3, 40000));
    nb_tensor *views[] = {x, nb_transpose(ctx, x, 0, 1), nb_slice(ctx, x, 1, NB_END, NB_END, -3)};
    int threads = nb_get_num_threads();
    for (int v = 0; v < TU_LEN(views); v++)
        for (int red = 0; red < NREDS; red++) {
            int axis = v == 1 ? 0 : 1;
            ck_assert_int_eq(nb_set_num_threads(1), 0);
            nb_tensor *one = reduce(ctx, red, views[v], 1, &axis, false, 1);
            ck_assert_int_eq(nb_set_num_threads(2), 0);
            nb_tensor *two = reduce(ctx, red, views[v], 1, &axis, false, 1);
            ck_tensor_equal(two, one);
            unsigned mask = 1u << axis;
            expected e = compute_expected(views[v], mask);
            for (int64_t k = 0; k < e.K; k++)
                ck_assert_close(tu_at(one, k), expected_value(&e, red, k, false, 1), red == PROD ? 1e-5 : 1e-6);
            free_expected(e);
        }
    ck_assert_int_eq(nb_set_num_threads(threads), 0);
    nb_ctx_free(ctx);
}
END_TEST

/* Reductions over leading axes (column sums, a bias gradient, batch
 * statistics) walk many outputs at once; with several blocks along the
 * reduced axes, several chunks of outputs, and kept axes on both sides. Every
 * reduction gives the same bits on 1 and 2 threads and the right answer. */
START_TEST(reduce_over_leading_axes_thread_count_independent)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 61);
    struct {
        int64_t shape[3];
        int ndim, naxes, axes[2];
    } cases[] = {
        {{20000, 5}, 2, 1, {0}},       /* two blocks of 16384 rows */
        {{40, 5000}, 2, 1, {0}},       /* three chunks of outputs */
        {{30, 7, 300}, 3, 1, {0}},     /* kept axes 7 x 300 */
        {{30, 7, 300}, 3, 2, {0, 1}},  /* two reduced axes, walked together */
        {{9, 2500, 3}, 3, 1, {1}},     /* kept axes on both sides */
    };
    int threads = nb_get_num_threads();
    for (int c = 0; c < TU_LEN(cases); c++)
        for (int dt = 0; dt < 2; dt++) {
            nb_dtype dtype = dt ? NB_F64 : NB_F32;
            nb_tensor *x = tu_random(ctx, &rng, dtype, cases[c].ndim, cases[c].shape);
            unsigned mask = 0;
            for (int a = 0; a < cases[c].naxes; a++) mask |= 1u << cases[c].axes[a];
            expected e = compute_expected(x, mask);
            for (int red = 0; red < NREDS; red++) {
                ck_assert_int_eq(nb_set_num_threads(1), 0);
                nb_tensor *one = reduce(ctx, red, x, cases[c].naxes, cases[c].axes, false, 1);
                ck_assert_int_eq(nb_set_num_threads(2), 0);
                nb_tensor *two = reduce(ctx, red, x, cases[c].naxes, cases[c].axes, false, 1);
                ck_tensor_equal(two, one);
                double tol = dtype == NB_F32 ? (red == PROD ? 1e-5 : 1e-6) : 1e-12;
                for (int64_t k = 0; k < e.K; k++) { /* one Check assertion per failure only */
                    double got = tu_at(one, k), want = expected_value(&e, red, k, false, 1);
                    if (!tu_close(got, want, tol))
                        ck_abort_msg("%s case %d %s at %lld: got %.9g, want %.9g", names[red], c,
                                     nb_dtype_name(dtype), (long long)k, got, want);
                }
            }
            free_expected(e);
        }
    ck_assert_int_eq(nb_set_num_threads(threads), 0);
    nb_ctx_free(ctx);
}
END_TEST

/* The documented order of a sum: fixed blocks of 16384 elements combined in
 * order; within a block a contiguous run in 32 double lanes (element i of
 * the run in lane i mod 32, lanes combined pairwise), a strided one (the
 * elements of a column) one addition after another. Checked bit for bit. */
START_TEST(reduce_sum_order_is_the_documented_one)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 62);
    enum { N = 40000, BLOCK = 16384, LANES = 32 };
    nb_tensor *x = tu_random(ctx, &rng, NB_F32, NB_SHAPE(N));
    const float *xs = nb_data(x);
    double total = 0;
    for (int64_t b0 = 0; b0 < N; b0 += BLOCK) { /* the whole tensor */
        double lane[LANES] = {0};
        for (int64_t i = b0; i < N && i < b0 + BLOCK; i++) lane[(i - b0) % LANES] += xs[i];
        for (int w = LANES / 2; w >= 1; w /= 2)
            for (int j = 0; j < w; j++) lane[j] += lane[j + w];
        total = b0 ? total + lane[0] : lane[0];
    }
    nb_tensor *m = nb_reshape(ctx, x, NB_SHAPE(N / 2, 2));
    double col[2] = {0, 0}; /* the columns of [20000, 2]: two blocks each */
    for (int j = 0; j < 2; j++) {
        double part[2] = {0, 0};
        for (int64_t i = 0; i < N / 2; i++) part[i / BLOCK] += xs[2 * i + j];
        col[j] = part[0] + part[1];
    }
    int threads = nb_get_num_threads();
    for (int t = 1; t <= 2; t++) {
        ck_assert_int_eq(nb_set_num_threads(t), 0);
        float got = (float)nb_item(nb_sum(ctx, x, NB_ALL_AXES, false)), want = (float)total;
        ck_assert(memcmp(&got, &want, sizeof got) == 0);
        nb_tensor *cs = nb_sum(ctx, m, NB_AXES(0), false);
        for (int j = 0; j < 2; j++) {
            float g = ((const float *)nb_data(cs))[j], w = (float)col[j];
            ck_assert(memcmp(&g, &w, sizeof g) == 0);
        }
    }
    ck_assert_int_eq(nb_set_num_threads(threads), 0);
    nb_ctx_free(ctx);
}
END_TEST

/* ---- special inputs ------------------------------------------------------------ */

START_TEST(reduce_nan_propagates)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *x = nb_zeros(ctx, NB_F64, NB_SHAPE(2, 40000));
    nb_set(x, (int64_t[]){0, 3}, NAN);      /* first block of row 0 */
    nb_set(x, (int64_t[]){1, 39999}, NAN);  /* last block of row 1 */
    for (int red = 0; red < NREDS; red++) {
        nb_tensor *y = reduce(ctx, red, x, NB_AXES(1), false, 0);
        ck_assert_msg(isnan(tu_at(y, 0)) && isnan(tu_at(y, 1)), "%s", names[red]);
    }
    nb_tensor *z = nb_from_data(ctx, NB_F32, NB_SHAPE(3), (float[]){-INFINITY, NAN, INFINITY});
    CK_VALUES(nb_max(ctx, z, NB_ALL_AXES, false), 0, NAN);
    CK_VALUES(nb_min(ctx, z, NB_ALL_AXES, false), 0, NAN);
    nb_ctx_free(ctx);
}
END_TEST

/* sum = 0, prod = 1, mean (and var) NaN, logsumexp -inf (the log of an
 * empty sum); max, min, argmax and argmin have no identity. */
START_TEST(reduce_empty)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *z = nb_zeros(ctx, NB_F32, NB_SHAPE(0, 3));
    CK_VALUES(nb_sum(ctx, z, NB_ALL_AXES, false), 0, 0);
    CK_VALUES(nb_sum(ctx, z, NB_AXES(0), false), 0, 0, 0, 0);
    CK_VALUES(nb_prod(ctx, z, NB_AXES(0), false), 0, 1, 1, 1);
    CK_VALUES(nb_mean(ctx, z, NB_ALL_AXES, false), 0, NAN);
    CK_VALUES(nb_var(ctx, z, NB_AXES(0), 0, false), 0, NAN, NAN, NAN);
    CK_VALUES(nb_std(ctx, z, NB_AXES(0), 1, false), 0, NAN, NAN, NAN);
    CK_VALUES(nb_sum(ctx, nb_zeros(ctx, NB_I32, NB_SHAPE(0)), NB_ALL_AXES, false), 0, 0);
    CK_VALUES(nb_prod(ctx, nb_zeros(ctx, NB_I64, NB_SHAPE(0)), NB_ALL_AXES, false), 0, 1);
    /* reducing a non-empty axis of an empty tensor gives an empty result */
    for (int red = 0; red < NREDS; red++)
        CK_SHAPE(reduce(ctx, red, z, NB_AXES(1), true, 0), 0, 1);
    ck_assert_error(nb_max(ctx, z, NB_AXES(0), false),
                    "nb_max: cannot reduce zero elements of a tensor of shape [0,3] (no identity)");
    ck_assert_error(nb_min(ctx, z, NB_ALL_AXES, false), "nb_min: cannot reduce zero elements");
    ck_assert_error_is(nb_argmax(ctx, z, 0, false), "nb_argmax: axis 0 of shape [0,3] is empty");
    ck_assert_error_is(nb_argmin(ctx, z, 0, true), "nb_argmin: axis 0 of shape [0,3] is empty");
    nb_ctx_free(ctx);
}
END_TEST

/* As NumPy (scipy.special.logsumexp) and torch: -inf, in x's float type. */
START_TEST(logsumexp_of_nothing_is_minus_infinity)
{
    nb_ctx *ctx = nb_ctx_new();
    const nb_dtype dtypes[] = TU_FLOAT_DTYPES;
    for (int d = 0; d < 2; d++) {
        nb_tensor *z = nb_zeros(ctx, dtypes[d], NB_SHAPE(0, 3));
        nb_tensor *y = nb_logsumexp(ctx, z, NB_AXES(0), false);
        ck_assert_int_eq(y->dtype, dtypes[d]);
        CK_SHAPE(y, 3);
        CK_VALUES(y, 0, -INFINITY, -INFINITY, -INFINITY);
        y = nb_logsumexp(ctx, z, NB_AXES(0), true);
        CK_SHAPE(y, 1, 3);
        CK_VALUES(y, 0, -INFINITY, -INFINITY, -INFINITY);
        y = nb_logsumexp(ctx, z, NB_ALL_AXES, false);
        ck_assert_int_eq(y->ndim, 0);
        CK_VALUES(y, 0, -INFINITY);
        y = nb_logsumexp(ctx, z, NB_ALL_AXES, true);
        CK_SHAPE(y, 1, 1);
        CK_VALUES(y, 0, -INFINITY);
        CK_SHAPE(nb_logsumexp(ctx, z, NB_AXES(1), false), 0); /* nothing to reduce into */
    }
    nb_tensor *i = nb_logsumexp(ctx, nb_zeros(ctx, NB_I32, NB_SHAPE(2, 0)), NB_AXES(-1), false);
    ck_assert_int_eq(i->dtype, NB_F32);
    CK_VALUES(i, 0, -INFINITY, -INFINITY);
    ck_assert_error_is(nb_logsumexp(ctx, nb_zeros(ctx, NB_F32, NB_SHAPE(0)), NB_AXES(1), false),
                       "nb_logsumexp: axis 1 is out of range for a tensor of 1 dimensions");
    nb_ctx_free(ctx);
}
END_TEST

/* logsumexp subtracts the max first: no overflow, and infinities pass. */
START_TEST(logsumexp_is_stable)
{
    nb_ctx *ctx = nb_ctx_new();
    const nb_dtype dtypes[] = TU_FLOAT_DTYPES;
    for (int d = 0; d < 2; d++) {
        nb_tensor *x = nb_cast(ctx, nb_from_data(ctx, NB_F64, NB_SHAPE(2), (double[]){1000, 1001}), dtypes[d]);
        CK_VALUES(nb_logsumexp(ctx, x, NB_ALL_AXES, false), tu_tol(dtypes[d]), 1001.3132616875182);
        nb_tensor *n = nb_cast(ctx, nb_from_data(ctx, NB_F64, NB_SHAPE(2), (double[]){-1000, -1001}), dtypes[d]);
        CK_VALUES(nb_logsumexp(ctx, n, NB_ALL_AXES, false), tu_tol(dtypes[d]), -999.6867383124818);
        nb_tensor *inf = nb_cast(ctx, nb_from_data(ctx, NB_F64, NB_SHAPE(2, 2), (double[]){-INFINITY, -INFINITY, INFINITY, 0}), dtypes[d]);
        CK_VALUES(nb_logsumexp(ctx, inf, NB_AXES(1), false), 0, -INFINITY, INFINITY);
    }
    nb_tensor *i = nb_logsumexp(ctx, nb_zeros(ctx, NB_I32, NB_SHAPE(4)), NB_ALL_AXES, true);
    ck_assert_int_eq(i->dtype, NB_F32);
    CK_SHAPE(i, 1);
    CK_VALUES(i, 1e-6, 1.3862943611198906);
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(reduce_errors)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *x = nb_zeros(ctx, NB_F32, NB_SHAPE(2, 3));
    char want[96];
    for (int red = 0; red < NREDS; red++) {
        snprintf(want, sizeof want, "%s: axis 2 is out of range for a tensor of 2 dimensions", names[red]);
        ck_assert_error(reduce(ctx, red, x, NB_AXES(2), false, 0), want);
        snprintf(want, sizeof want, "%s: axis -1 is listed twice", names[red]);
        ck_assert_error(reduce(ctx, red, x, NB_AXES(1, -1), false, 0), want);
        snprintf(want, sizeof want, "%s: 3 axes given for a tensor of 2 dimensions", names[red]);
        ck_assert_error(reduce(ctx, red, x, NB_AXES(0, 1, 0), false, 0), want);
        ck_assert_error(reduce(ctx, red, x, 1, NULL, false, 0), "axes given for a tensor of 2 dimensions");
        snprintf(want, sizeof want, "%s: input tensor is NULL", names[red]);
        ck_assert_error(reduce(ctx, red, NULL, NB_ALL_AXES, false, 0), want);
    }
    ck_assert_error(nb_var(ctx, x, NB_ALL_AXES, -1, false), "nb_var: correction -1 is negative");
    ck_assert_error(nb_std(ctx, x, NB_ALL_AXES, -2, false), "nb_std: correction -2 is negative");
    ck_assert_error(nb_sum(ctx, nb_scalar(ctx, NB_F32, 1), NB_AXES(0), false), "nb_sum: 1 axes given for a tensor of 0 dimensions");
    ck_assert_error(nb_sum(NULL, x, NB_ALL_AXES, false), "context is NULL");
    nb_ctx_free(ctx);
}
END_TEST

/* ---- softmax ----------------------------------------------------------------------- */

START_TEST(softmax_values_by_hand)
{
    nb_ctx *ctx = nb_ctx_new();
    const nb_dtype dtypes[] = TU_FLOAT_DTYPES;
    for (int d = 0; d < 2; d++) {
        nb_tensor *x = nb_cast(ctx, nb_from_data(ctx, NB_F64, NB_SHAPE(2, 3), (double[]){1, -2, 3, 4, 5, -6}), dtypes[d]);
        double tol = tu_tol(dtypes[d]);
        nb_tensor *s1 = nb_softmax(ctx, x, 1);
        ck_assert_int_eq(s1->dtype, dtypes[d]);
        CK_SHAPE(s1, 2, 3);
        CK_VALUES(s1, tol, 0.11849965453500956, 0.005899750401902781, 0.8756005950630876,
                  0.2689381376564083, 0.7310496525710317, 1.2209772560054417e-05);
        CK_VALUES(nb_softmax(ctx, x, -2), tol, 0.04742587317756678, 0.0009110511944006454,
                  0.9998766054240137, 0.9525741268224334, 0.9990889488055994, 0.00012339457598623172);
        CK_VALUES(nb_log_softmax(ctx, x, -1), tol, -2.1328452337275756, -5.132845233727576,
                  -0.13284523372757556, -1.3132738973653224, -0.31327389736532274, -11.313273897365322);
    }
    nb_ctx_free(ctx);
}
END_TEST

/* exp(1000) overflows; softmax of [1000, 1001] must not. */
START_TEST(softmax_is_stable)
{
    nb_ctx *ctx = nb_ctx_new();
    const nb_dtype dtypes[] = TU_FLOAT_DTYPES;
    for (int d = 0; d < 2; d++) {
        double tol = tu_tol(dtypes[d]);
        nb_tensor *x = nb_cast(ctx, nb_from_data(ctx, NB_F64, NB_SHAPE(2), (double[]){1000, 1001}), dtypes[d]);
        CK_VALUES(nb_softmax(ctx, x, 0), tol, 0.26894142136999516, 0.7310585786300049);
        CK_VALUES(nb_log_softmax(ctx, x, 0), tol, -1.3132616875182226, -0.3132616875182228);
        nb_tensor *n = nb_cast(ctx, nb_from_data(ctx, NB_F64, NB_SHAPE(2), (double[]){-1000, -1001}), dtypes[d]);
        CK_VALUES(nb_softmax(ctx, n, 0), tol, 0.7310585786300049, 0.26894142136999516);
        CK_VALUES(nb_log_softmax(ctx, n, 0), tol, -0.3132616875182228, -1.3132616875182226);
        nb_tensor *m = nb_cast(ctx, nb_from_data(ctx, NB_F64, NB_SHAPE(3), (double[]){-INFINITY, 0, -INFINITY}), dtypes[d]);
        CK_VALUES(nb_softmax(ctx, m, 0), 0, 0, 1, 0);
        CK_VALUES(nb_log_softmax(ctx, m, 0), 0, -INFINITY, 0, -INFINITY);
        /* a wide spread: the small ones underflow to 0 but nothing is NaN */
        nb_tensor *w = nb_cast(ctx, nb_from_data(ctx, NB_F64, NB_SHAPE(3), (double[]){-1e30, 0, 1e30}), dtypes[d]);
        CK_VALUES(nb_softmax(ctx, w, 0), 0, 0, 0, 1);
    }
    nb_ctx_free(ctx);
}
END_TEST

/* softmax and log_softmax along every axis of random strided tensors, against
 * the formula evaluated independently in double. */
START_TEST(softmax_matches_reference)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 53);
    for (int trial = 0; trial < 20; trial++) {
        int nd = 1 + trial % 4;
        int64_t shape[NB_MAX_DIMS], idx[NB_MAX_DIMS];
        tu_random_shape(&rng, nd, 1, 5, shape);
        nb_dtype dt = trial % 2 ? NB_F32 : NB_F64;
        nb_tensor *x = tu_random_strided(ctx, &rng, dt, nd, shape, true);
        for (int axis = -nd; axis < nd; axis++) {
            int a = axis < 0 ? axis + nd : axis;
            nb_tensor *s = nb_softmax(ctx, x, axis), *ls = nb_log_softmax(ctx, x, axis);
            ck_tensor_shape(s, nd, shape);
            ck_assert_int_eq(s->dtype, dt);
            for (int64_t i = 0, n = nb_numel(x); i < n; i++) {
                tu_unravel(nd, shape, i, idx);
                double xi = nb_get(x, idx), m = -INFINITY, sum = 0;
                int64_t keep = idx[a];
                for (idx[a] = 0; idx[a] < shape[a]; idx[a]++) m = fmax(m, nb_get(x, idx));
                for (idx[a] = 0; idx[a] < shape[a]; idx[a]++) sum += exp(nb_get(x, idx) - m);
                idx[a] = keep;
                ck_assert_close(nb_get(s, idx), exp(xi - m) / sum, tu_tol(dt));
                ck_assert_close(nb_get(ls, idx), xi - m - log(sum), tu_tol(dt));
            }
        }
        nb_ctx_reset(ctx);
    }
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(softmax_types_shapes_and_errors)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *i = nb_softmax(ctx, nb_arange(ctx, NB_I32, 0, 2, 1), 0);
    ck_assert_int_eq(i->dtype, NB_F32);
    CK_VALUES(i, 1e-6, 0.2689414213699951, 0.7310585786300049);
    nb_tensor *s = nb_softmax(ctx, nb_scalar(ctx, NB_F64, 3), 0);
    ck_assert_int_eq(s->ndim, 0);
    ck_assert_double_eq(nb_item(s), 1);
    ck_assert_double_eq(nb_item(nb_log_softmax(ctx, nb_scalar(ctx, NB_F64, 3), -1)), 0);
    CK_SHAPE(nb_softmax(ctx, nb_zeros(ctx, NB_F32, NB_SHAPE(0, 3)), 1), 0, 3);
    CK_SHAPE(nb_log_softmax(ctx, nb_zeros(ctx, NB_F32, NB_SHAPE(2, 0)), 1), 2, 0);
    nb_tensor *x = nb_zeros(ctx, NB_F32, NB_SHAPE(2, 3));
    ck_assert_error(nb_softmax(ctx, x, 2), "nb_softmax: axis 2 is out of range for a tensor of 2 dimensions");
    ck_assert_error(nb_log_softmax(ctx, x, -3), "nb_log_softmax: axis -3 is out of range for a tensor of 2 dimensions");
    ck_assert_error(nb_softmax(ctx, NULL, 0), "nb_softmax: input tensor is NULL");
    ck_assert_error(nb_log_softmax(ctx, NULL, 0), "nb_log_softmax: input tensor is NULL");
    nb_ctx_free(ctx);
}
END_TEST

/* ---- argmax, argmin ------------------------------------------------------------------- */

START_TEST(argmax_values_ties_and_nan)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *x = nb_from_data(ctx, NB_F32, NB_SHAPE(2, 3), (float[]){1, 5, 5, 7, -1, 7});
    nb_tensor *a = nb_argmax(ctx, x, 1, false);
    ck_assert_int_eq(a->dtype, NB_I64);
    CK_VALUES(a, 0, 1, 0); /* the first of equal values */
    CK_VALUES(nb_argmin(ctx, x, -1, false), 0, 0, 1);
    CK_VALUES(nb_argmax(ctx, x, 0, false), 0, 1, 0, 1);
    nb_tensor *k = nb_argmin(ctx, x, 0, true);
    CK_SHAPE(k, 1, 3);
    CK_VALUES(k, 0, 0, 1, 0);
    nb_tensor *n = nb_from_data(ctx, NB_F64, NB_SHAPE(4), (double[]){1, NAN, 3, NAN});
    CK_VALUES(nb_argmax(ctx, n, 0, false), 0, 1); /* NaN counts as the extreme */
    CK_VALUES(nb_argmin(ctx, n, 0, false), 0, 1);
    nb_tensor *big = nb_from_data(ctx, NB_I64, NB_SHAPE(3), (int64_t[]){INT64_C(1) << 53, (INT64_C(1) << 53) + 1, 0});
    CK_VALUES(nb_argmax(ctx, big, 0, false), 0, 1);
    CK_VALUES(nb_argmin(ctx, nb_from_data(ctx, NB_BOOL, NB_SHAPE(3), (uint8_t[]){1, 0, 0}), 0, false), 0, 1);
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(argmax_matches_reference)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 54);
    const nb_dtype dtypes[] = TU_ALL_DTYPES;
    for (int trial = 0; trial < 24; trial++) {
        int nd = 1 + trial % 4;
        int64_t shape[NB_MAX_DIMS], idx[NB_MAX_DIMS];
        tu_random_shape(&rng, nd, 1, 5, shape);
        nb_tensor *x = tu_random_strided(ctx, &rng, dtypes[trial / 4 % 4], nd, shape, trial % 2);
        for (int axis = -nd; axis < nd; axis++) {
            int a = axis < 0 ? axis + nd : axis;
            bool keepdim = (trial + axis) % 2;
            nb_tensor *mx = nb_argmax(ctx, x, axis, keepdim), *mn = nb_argmin(ctx, x, axis, keepdim);
            ck_assert_int_eq(mx->ndim, keepdim ? nd : nd - 1);
            for (int64_t i = 0, n = nb_numel(mx); i < n; i++) {
                /* the output's index, with the reduced axis at 0 */
                int64_t oshape[NB_MAX_DIMS];
                for (int d = 0; d < nd; d++) oshape[d] = d == a ? 1 : shape[d];
                tu_unravel(nd, oshape, i, idx);
                int64_t best_max = 0, best_min = 0;
                double vmax = -INFINITY, vmin = INFINITY;
                for (idx[a] = 0; idx[a] < shape[a]; idx[a]++) {
                    double v = nb_get(x, idx);
                    if (v > vmax) vmax = v, best_max = idx[a];
                    if (v < vmin) vmin = v, best_min = idx[a];
                }
                ck_assert_double_eq(tu_at(mx, i), (double)best_max);
                ck_assert_double_eq(tu_at(mn, i), (double)best_min);
            }
        }
        nb_ctx_reset(ctx);
    }
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(argmax_errors)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *x = nb_zeros(ctx, NB_F32, NB_SHAPE(0, 3));
    ck_assert_error(nb_argmax(ctx, x, 0, false), "nb_argmax: axis 0 of shape [0,3] is empty");
    ck_assert_error(nb_argmin(ctx, x, -2, false), "nb_argmin: axis -2 of shape [0,3] is empty");
    CK_SHAPE(nb_argmax(ctx, x, 1, false), 0);
    ck_assert_error(nb_argmax(ctx, x, 2, false), "nb_argmax: axis 2 is out of range for a tensor of 2 dimensions");
    ck_assert_error(nb_argmin(ctx, nb_scalar(ctx, NB_F32, 1), 0, false), "nb_argmin: axis 0 is out of range for a tensor of 0 dimensions");
    ck_assert_error(nb_argmax(ctx, NULL, 0, false), "nb_argmax: input tensor is NULL");
    ck_assert_error(nb_argmin(ctx, NULL, 0, false), "nb_argmin: input tensor is NULL");
    nb_ctx_free(ctx);
}
END_TEST

TCase *tcase_reduce(void)
{
    TCase *tc = tcase_create("reduce");
    tcase_add_test(tc, reduce_values_by_hand);
    tcase_add_test(tc, reduce_axis_sets_and_keepdim);
    tcase_add_test(tc, reduce_integer_types);
    tcase_add_test(tc, reduce_var_correction);
    tcase_add_test(tc, reduce_matches_reference_over_every_axis_set);
    tcase_add_test(tc, reduce_eight_dimensions);
    tcase_add_test(tc, reduce_long_and_thread_count_independent);
    tcase_add_test(tc, reduce_over_leading_axes_thread_count_independent);
    tcase_add_test(tc, reduce_sum_order_is_the_documented_one);
    tcase_add_test(tc, reduce_nan_propagates);
    tcase_add_test(tc, reduce_empty);
    tcase_add_test(tc, logsumexp_is_stable);
    tcase_add_test(tc, logsumexp_of_nothing_is_minus_infinity);
    tcase_add_test(tc, reduce_errors);
    tcase_add_test(tc, softmax_values_by_hand);
    tcase_add_test(tc, softmax_is_stable);
    tcase_add_test(tc, softmax_matches_reference);
    tcase_add_test(tc, softmax_types_shapes_and_errors);
    tcase_add_test(tc, argmax_values_ties_and_nan);
    tcase_add_test(tc, argmax_matches_reference);
    tcase_add_test(tc, argmax_errors);
    return tc;
}
