/* tests/tensor/test_inplace.c — in-place and out= forms: values, broadcasting
 * into the destination, conversion to its dtype, overlapping operands, views
 * that must leave the rest of their storage alone, versions, errors. */
#include <math.h>
#include <stdlib.h>

#include "cases.h"

enum { ADD, SUB, MUL, DIV };

typedef int (*inplace_fn)(nb_tensor *, nb_tensor *);
typedef int (*out_fn)(nb_tensor *, nb_tensor *, nb_tensor *);
static const inplace_fn inplace[] = {nb_add_, nb_sub_, nb_mul_, nb_div_};
static const out_fn outs[] = {nb_add_out, nb_sub_out, nb_mul_out, nb_div_out};
static const char *const inplace_names[] = {"nb_add_", "nb_sub_", "nb_mul_", "nb_div_"};
static const char *const out_names[] = {"nb_add_out", "nb_sub_out", "nb_mul_out", "nb_div_out"};

static double apply(int op, double a, double b)
{
    return op == ADD ? a + b : op == SUB ? a - b : op == MUL ? a * b : a / b;
}

/* v as stored in dtype (round to float, truncate to integer). */
static double as_dtype(double v, nb_dtype d)
{
    switch (d) {
    case NB_F32: return (float)v;
    case NB_F64: return v;
    case NB_BOOL: return v != 0;
    default: return trunc(v);
    }
}

/* A snapshot of every element of a storage, to check what a write touched. */
typedef struct {
    const nb_tensor *view;
    double *before;
    int64_t n;
} storage_snapshot;

static storage_snapshot snapshot(const nb_tensor *view)
{
    storage_snapshot s = {view, NULL, (int64_t)(view->storage->nbytes / nb_dtype_size(view->dtype))};
    s.before = malloc(sizeof(double) * (size_t)(s.n ? s.n : 1));
    nb_tensor flat = {.dtype = view->dtype, .ndim = 1, .shape = {s.n}, .strides = {1}, .storage = view->storage};
    for (int64_t i = 0; i < s.n; i++) s.before[i] = nb_get(&flat, (int64_t[]){i});
    return s;
}

/* Storage elements that the view does not address kept their old values. */
static void ck_rest_untouched(storage_snapshot s)
{
    char *hit = calloc((size_t)(s.n ? s.n : 1), 1);
    int64_t idx[NB_MAX_DIMS];
    for (int64_t i = 0, n = nb_numel(s.view); i < n; i++) {
        tu_unravel(s.view->ndim, s.view->shape, i, idx);
        int64_t off = s.view->offset;
        for (int d = 0; d < s.view->ndim; d++) off += idx[d] * s.view->strides[d];
        hit[off] = 1;
    }
    nb_tensor flat = {.dtype = s.view->dtype, .ndim = 1, .shape = {s.n}, .strides = {1}, .storage = s.view->storage};
    for (int64_t i = 0; i < s.n; i++)
        if (!hit[i]) ck_assert_double_eq(nb_get(&flat, (int64_t[]){i}), s.before[i]);
    free(hit);
    free(s.before);
}

/* The view's own values, in C order, into a malloc'd array. */
static double *values_of(const nb_tensor *t)
{
    int64_t n = nb_numel(t);
    double *v = malloc(sizeof(double) * (size_t)(n ? n : 1));
    for (int64_t i = 0; i < n; i++) v[i] = tu_at(t, i);
    return v;
}

/* ---- dst op= src ------------------------------------------------------------ */

START_TEST(inplace_values_by_hand)
{
    nb_ctx *ctx = nb_ctx_new();
    const double want[4][6] = {{11, 22, 33, 14, 25, 36}, {-9, -18, -27, -6, -15, -24},
                               {10, 40, 90, 40, 100, 180}, {0.1, 0.1, 0.1, 0.4, 0.25, 0.2}};
    for (int op = 0; op < 4; op++) {
        nb_tensor *dst = nb_from_data(ctx, NB_F64, NB_SHAPE(2, 3), (double[]){1, 2, 3, 4, 5, 6});
        nb_tensor *src = nb_from_data(ctx, NB_F32, NB_SHAPE(3), (float[]){10, 20, 30});
        ck_assert_int_eq(inplace[op](dst, src), 0);
        ck_assert_uint_eq(dst->storage->version, 1);
        ck_tensor_values(dst, want[op], 6, 1e-15);
        CK_VALUES(src, 0, 10, 20, 30);
    }
    nb_ctx_free(ctx);
}
END_TEST

/* Random destination views (gaps, transposes, negative strides) of f32 and
 * f64, sources of any dtype that broadcast to them. */
START_TEST(inplace_matches_reference_on_views)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 41);
    const nb_dtype dtypes[] = TU_ALL_DTYPES;
    for (int trial = 0; trial < 120; trial++) {
        int nd = (int)nb_rng_below(&rng, 5), ns;
        int64_t shape[NB_MAX_DIMS], ss[NB_MAX_DIMS];
        tu_random_shape(&rng, nd, trial % 10 == 0 ? 0 : 1, 4, shape);
        tu_broadcastable(&rng, nd, shape, &ns, ss);
        int op = trial % 4;
        nb_dtype dd = dtypes[trial / 4 % 2], sd = dtypes[trial / 8 % 4];
        nb_tensor *dst = tu_random_strided(ctx, &rng, dd, nd, shape, trial % 3 == 0);
        nb_tensor *src = tu_random_strided(ctx, &rng, sd, ns, ss, trial % 2);
        double *before = values_of(dst);
        storage_snapshot snap = snapshot(dst);
        ck_assert_int_eq(inplace[op](dst, src), 0);
        int64_t idx[NB_MAX_DIMS];
        for (int64_t i = 0, n = nb_numel(dst); i < n; i++) {
            tu_unravel(nd, shape, i, idx);
            double want = as_dtype(apply(op, before[i], as_dtype(tu_bget(src, nd, idx), dd)), dd);
            ck_assert_close(nb_get(dst, idx), want, tu_tol(dd));
        }
        ck_rest_untouched(snap);
        free(before);
        nb_ctx_reset(ctx);
    }
    nb_ctx_free(ctx);
}
END_TEST

/* The destination keeps its dtype: sources are converted to it first, but a
 * float result is not truncated into an integer one (torch refuses it too). */
START_TEST(inplace_integer_destination_converts_source)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *dst = nb_from_data(ctx, NB_I32, NB_SHAPE(3), (int32_t[]){1, 2, 3});
    nb_tensor *f = nb_from_data(ctx, NB_F32, NB_SHAPE(3), (float[]){0.7f, -1.7f, 2});
    ck_assert_error_status(nb_add_(dst, f), "nb_add_: cannot write f32 results into an i32 tensor in place");
    ck_assert_error_status(nb_sub_(dst, nb_scalar(ctx, NB_F64, 1)),
                           "nb_sub_: cannot write f64 results into an i32 tensor in place");
    ck_assert_error_status(nb_axpy_(dst, 2, f), "nb_axpy_: cannot write f32 results into an i32 tensor in place");
    nb_tensor *i64 = nb_zeros(ctx, NB_I64, NB_SHAPE(3));
    ck_assert_error_status(nb_mul_(i64, f), "nb_mul_: cannot write f32 results into an i64 tensor in place");
    CK_VALUES(dst, 0, 1, 2, 3); /* untouched */
    CK_VALUES(i64, 0, 0, 0, 0);
    ck_assert_int_eq(nb_add_(dst, nb_from_data(ctx, NB_I64, NB_SHAPE(3), (int64_t[]){0, -1, 2})), 0);
    ck_assert_int_eq(nb_add_(dst, nb_from_data(ctx, NB_BOOL, NB_SHAPE(3), (bool[]){0, 1, 0})), 0);
    ck_assert_int_eq(dst->dtype, NB_I32);
    CK_VALUES(dst, 0, 1, 2, 5);
    ck_assert_int_eq(nb_mul_(dst, nb_scalar(ctx, NB_I64, -2)), 0);
    CK_VALUES(dst, 0, -2, -4, -10);
    nb_tensor *g = nb_from_data(ctx, NB_F32, NB_SHAPE(3), (float[]){1, 2, 3});
    ck_assert_int_eq(nb_add_(g, dst), 0); /* an integer source into floats is fine */
    CK_VALUES(g, 0, -1, -2, -7);
    ck_assert_error_status(nb_div_(dst, nb_scalar(ctx, NB_I32, 2)),
                           "nb_div_: cannot write the result into a i32 destination");
    nb_tensor *mask = nb_zeros(ctx, NB_BOOL, NB_SHAPE(2));
    ck_assert_error_status(nb_add_(mask, mask), "nb_add_: cannot write the result into a bool destination");
    CK_VALUES(dst, 0, -2, -4, -10);
    nb_ctx_free(ctx);
}
END_TEST

/* Operands that share the destination's memory are read as they were before
 * the write began. */
START_TEST(inplace_overlapping_source)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *x = nb_reshape(ctx, nb_arange(ctx, NB_F32, 0, 9, 1), NB_SHAPE(3, 3));
    ck_assert_int_eq(nb_add_(x, nb_transpose(ctx, x, 0, 1)), 0); /* x + x^T */
    CK_VALUES(x, 0, 0, 4, 8, 4, 8, 12, 8, 12, 16);
    nb_tensor *v = nb_arange(ctx, NB_F64, 0, 6, 1);
    ck_assert_int_eq(nb_sub_(nb_slice(ctx, v, 0, 1, NB_END, 1), nb_slice(ctx, v, 0, 0, 5, 1)), 0);
    CK_VALUES(v, 0, 0, 1, 1, 1, 1, 1); /* v[1:] -= v[:-1] with the old v */
    nb_tensor *w = nb_arange(ctx, NB_I64, 0, 4, 1);
    ck_assert_int_eq(nb_mul_(w, w), 0);
    CK_VALUES(w, 0, 0, 1, 4, 9);
    ck_assert_int_eq(nb_add_(w, nb_slice(ctx, w, 0, NB_END, NB_END, -1)), 0);
    CK_VALUES(w, 0, 9, 5, 5, 9);
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(inplace_large_broadcast)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 42);
    nb_tensor *dst = nb_transpose(ctx, tu_random(ctx, &rng, NB_F32, NB_SHAPE(300, 257)), 0, 1);
    nb_tensor *col = tu_random(ctx, &rng, NB_F64, NB_SHAPE(257, 1));
    double *before = values_of(dst);
    ck_assert_int_eq(nb_mul_(dst, col), 0);
    for (int64_t i = 0; i < 257 * 300; i += 11)
        ck_assert_double_eq_tol(tu_at(dst, i), (float)before[i] * (float)tu_at(col, i / 300), 1e-6);
    free(before);
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(inplace_errors)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *dst = nb_zeros(ctx, NB_F32, NB_SHAPE(2, 3));
    char want[96];
    for (int op = 0; op < 4; op++) {
        snprintf(want, sizeof want, "%s: result shape [2,2,3] does not match the destination's [2,3]", inplace_names[op]);
        ck_assert_error_status(inplace[op](dst, nb_zeros(ctx, NB_F32, NB_SHAPE(2, 1, 3))), want);
        snprintf(want, sizeof want, "%s: shapes [2,3] and [2] cannot be broadcast", inplace_names[op]);
        ck_assert_error_status(inplace[op](dst, nb_zeros(ctx, NB_F32, NB_SHAPE(2))), want);
        snprintf(want, sizeof want, "%s: input tensor is NULL", inplace_names[op]);
        ck_assert_error_status(inplace[op](NULL, dst), want);
        ck_assert_error_status(inplace[op](dst, NULL), want);
    }
    ck_assert_uint_eq(dst->storage->version, 0); /* failures write nothing */
    nb_ctx_free(ctx);
}
END_TEST

/* ---- out = a op b ---------------------------------------------------------------- */

START_TEST(out_forms_values_and_conversion)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *a = nb_from_data(ctx, NB_F32, NB_SHAPE(2, 1), (float[]){1, 2});
    nb_tensor *b = nb_from_data(ctx, NB_I32, NB_SHAPE(3), (int32_t[]){1, 2, 4});
    const double want[4][6] = {{2, 3, 5, 3, 4, 6}, {0, -1, -3, 1, 0, -2},
                               {1, 2, 4, 2, 4, 8}, {1, 0.5, 0.25, 2, 1, 0.5}};
    for (int op = 0; op < 4; op++) {
        nb_tensor *out = nb_full(ctx, NB_F64, NB_SHAPE(2, 3), NAN);
        uint64_t version = out->storage->version;
        ck_assert_int_eq(outs[op](out, a, b), 0);
        ck_assert_int_eq(out->dtype, NB_F64);
        ck_assert_uint_eq(out->storage->version, version + 1);
        ck_tensor_values(out, want[op], 6, 0);
    }
    /* into an integer destination integer operands are converted first; a
     * float result is refused rather than truncated */
    nb_tensor *iout = nb_zeros(ctx, NB_I32, NB_SHAPE(2));
    nb_tensor *h = nb_from_data(ctx, NB_F32, NB_SHAPE(2), (float[]){1.7f, -1.7f});
    nb_tensor *k = nb_from_data(ctx, NB_I64, NB_SHAPE(2), (int64_t[]){3, -4});
    ck_assert_error_status(nb_add_out(iout, h, h), "nb_add_out: cannot write f32 results into an i32 destination");
    ck_assert_error_status(nb_add_out(iout, k, h), "nb_add_out: cannot write f32 results into an i32 destination");
    ck_assert_error_status(nb_add_out(iout, iout, h), "nb_add_out: cannot write f32 results into an i32 tensor in place");
    ck_assert_error_status(nb_div_out(iout, h, h), "nb_div_out: cannot write f32 results into an i32 destination");
    ck_assert_error_status(nb_div_out(iout, k, k), "nb_div_out: cannot write the result into a i32 destination");
    CK_VALUES(iout, 0, 0, 0);
    ck_assert_int_eq(nb_add_out(iout, k, k), 0);
    CK_VALUES(iout, 0, 6, -8);
    nb_ctx_free(ctx);
}
END_TEST

/* As in NumPy's out=, the operands broadcast to the destination's shape. */
START_TEST(out_forms_broadcast_to_destination)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *out = nb_zeros(ctx, NB_F32, NB_SHAPE(2, 3));
    nb_tensor *row = nb_arange(ctx, NB_F32, 0, 3, 1);
    ck_assert_int_eq(nb_add_out(out, row, nb_scalar(ctx, NB_F32, 1)), 0);
    CK_VALUES(out, 0, 1, 2, 3, 1, 2, 3);
    ck_assert_int_eq(nb_mul_out(out, nb_scalar(ctx, NB_F32, 2), nb_scalar(ctx, NB_F32, 3)), 0);
    CK_VALUES(out, 0, 6, 6, 6, 6, 6, 6);
    ck_assert_error_status(nb_add_out(out, nb_zeros(ctx, NB_F32, NB_SHAPE(4, 1, 3)), row),
                           "nb_add_out: result shape [4,1,3] does not match the destination's [2,3]");
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(out_forms_match_reference_on_views)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 43);
    const nb_dtype dtypes[] = TU_ALL_DTYPES;
    for (int trial = 0; trial < 80; trial++) {
        int nd = (int)nb_rng_below(&rng, 5), na, nb;
        int64_t shape[NB_MAX_DIMS], sa[NB_MAX_DIMS], sb[NB_MAX_DIMS];
        tu_random_shape(&rng, nd, trial % 10 == 0 ? 0 : 1, 4, shape);
        tu_broadcastable(&rng, nd, shape, &na, sa);
        tu_broadcastable(&rng, nd, shape, &nb, sb);
        int op = trial % 4;
        nb_dtype od = dtypes[trial / 4 % 2];
        nb_tensor *out = tu_random_strided(ctx, &rng, od, nd, shape, trial % 2);
        nb_tensor *a = tu_random_strided(ctx, &rng, dtypes[trial / 8 % 4], na, sa, true);
        nb_tensor *b = tu_random_strided(ctx, &rng, dtypes[trial % 4], nb, sb, false);
        storage_snapshot snap = snapshot(out);
        ck_assert_msg(outs[op](out, a, b) == 0, "%s", nb_last_error());
        int64_t idx[NB_MAX_DIMS];
        for (int64_t i = 0, n = nb_numel(out); i < n; i++) {
            tu_unravel(nd, shape, i, idx);
            double x = as_dtype(tu_bget(a, nd, idx), od), y = as_dtype(tu_bget(b, nd, idx), od);
            double want = as_dtype(apply(op, x, y), od);
            ck_assert_close(nb_get(out, idx), want, tu_tol(od));
        }
        ck_rest_untouched(snap);
        nb_ctx_reset(ctx);
    }
    nb_ctx_free(ctx);
}
END_TEST

/* out may be one of the operands, or overlap one another way. */
START_TEST(out_forms_aliasing_operands)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *x = nb_reshape(ctx, nb_arange(ctx, NB_F64, 0, 4, 1), NB_SHAPE(2, 2));
    ck_assert_int_eq(nb_add_out(x, x, x), 0);
    CK_VALUES(x, 0, 0, 2, 4, 6);
    ck_assert_int_eq(nb_sub_out(x, nb_transpose(ctx, x, 0, 1), x), 0); /* x^T - x */
    CK_VALUES(x, 0, 0, 2, -2, 0);
    nb_tensor *v = nb_arange(ctx, NB_F32, 0, 4, 1);
    nb_tensor *r = nb_slice(ctx, v, 0, NB_END, NB_END, -1);
    ck_assert_int_eq(nb_mul_out(v, r, nb_scalar(ctx, NB_F32, 10)), 0);
    CK_VALUES(v, 0, 30, 20, 10, 0);
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(out_forms_errors)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *out = nb_zeros(ctx, NB_F32, NB_SHAPE(3, 2));
    nb_tensor *a = nb_zeros(ctx, NB_F32, NB_SHAPE(2, 3));
    char want[96];
    for (int op = 0; op < 4; op++) {
        snprintf(want, sizeof want, "%s: result shape [2,3] does not match the destination's [3,2]", out_names[op]);
        ck_assert_error_status(outs[op](out, a, a), want);
        snprintf(want, sizeof want, "%s: shapes [2,3] and [3,2] cannot be broadcast", out_names[op]);
        ck_assert_error_status(outs[op](out, a, out), want);
        snprintf(want, sizeof want, "%s: input tensor is NULL", out_names[op]);
        ck_assert_error_status(outs[op](NULL, a, a), want);
        ck_assert_error_status(outs[op](out, NULL, a), want);
        ck_assert_error_status(outs[op](out, a, NULL), want);
    }
    ck_assert_error_status(nb_add_out(nb_zeros(ctx, NB_BOOL, NB_SHAPE(2, 3)), a, a),
                           "nb_add_out: cannot write the result into a bool destination");
    nb_ctx_free(ctx);
}
END_TEST

/* ---- scale, axpy, fill, zero, copy ----------------------------------------------------- */

START_TEST(scale_and_axpy)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *w = nb_from_data(ctx, NB_F32, NB_SHAPE(2, 2), (float[]){1, 2, 3, 4});
    ck_assert_int_eq(nb_scale_(w, -0.5), 0);
    CK_VALUES(w, 0, -0.5, -1, -1.5, -2);
    nb_tensor *g = nb_from_data(ctx, NB_F64, NB_SHAPE(2), (double[]){10, 100});
    ck_assert_int_eq(nb_axpy_(w, 0.1, g), 0); /* w += 0.1 g, g broadcast over rows */
    CK_VALUES(w, 1e-6, 0.5, 9, -0.5, 8);
    ck_assert_uint_eq(w->storage->version, 2);
    nb_tensor *i = nb_from_data(ctx, NB_I64, NB_SHAPE(3), (int64_t[]){1, 2, 3});
    ck_assert_int_eq(nb_scale_(i, 3), 0);
    ck_assert_int_eq(nb_axpy_(i, -2, nb_ones(ctx, NB_I32, NB_SHAPE(3))), 0);
    CK_VALUES(i, 0, 1, 4, 7);
    ck_assert_error_status(nb_scale_(i, 0.5), "nb_scale_: 0.5 is not integral, so it cannot act on a i64 tensor in place");
    ck_assert_error_status(nb_axpy_(i, 1.5, i), "nb_axpy_: 1.5 is not integral, so it cannot act on a i64 tensor in place");
    ck_assert_error_status(nb_scale_(nb_zeros(ctx, NB_BOOL, NB_SHAPE(1)), 2), "nb_scale_: cannot write the result into a bool destination");
    ck_assert_error_status(nb_axpy_(w, 1, nb_zeros(ctx, NB_F32, NB_SHAPE(3))), "nb_axpy_: shapes [2,2] and [3] cannot be broadcast");
    ck_assert_error_status(nb_scale_(NULL, 2), "nb_scale_: input tensor is NULL");
    ck_assert_error_status(nb_axpy_(NULL, 2, w), "nb_axpy_: input tensor is NULL");
    ck_assert_error_status(nb_axpy_(w, 2, NULL), "nb_axpy_: input tensor is NULL");
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(scale_and_axpy_on_views)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 44);
    for (int trial = 0; trial < 30; trial++) {
        int64_t shape[3];
        tu_random_shape(&rng, 3, trial % 10 == 0 ? 0 : 1, 5, shape);
        nb_dtype d = trial % 2 ? NB_F32 : NB_F64;
        nb_tensor *w = tu_random_strided(ctx, &rng, d, 3, shape, true);
        nb_tensor *g = tu_random_strided(ctx, &rng, NB_F64, 3, shape, false);
        double *before = values_of(w);
        storage_snapshot snap = snapshot(w);
        ck_assert_int_eq(nb_scale_(w, 0.9), 0);
        ck_assert_int_eq(nb_axpy_(w, -0.01, g), 0);
        for (int64_t i = 0, n = nb_numel(w); i < n; i++) {
            double want = as_dtype(before[i] * as_dtype(0.9, d), d) + as_dtype(-0.01, d) * as_dtype(tu_at(g, i), d);
            ck_assert_close(tu_at(w, i), want, tu_tol(d));
        }
        ck_rest_untouched(snap);
        free(before);
    }
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(fill_and_zero)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 45);
    const nb_dtype dtypes[] = {NB_BOOL, NB_I32, NB_I64, NB_F32, NB_F64};
    for (int k = 0; k < 5; k++) {
        nb_tensor *t = tu_random_strided(ctx, &rng, dtypes[k], NB_SHAPE(3, 4, 2), true);
        uint64_t version = t->storage->version;
        storage_snapshot snap = snapshot(t);
        ck_assert_int_eq(nb_fill_(t, 2.75), 0);
        for (int64_t i = 0; i < 24; i++) ck_assert_double_eq(tu_at(t, i), as_dtype(2.75, dtypes[k]));
        ck_rest_untouched(snap);
        snap = snapshot(t);
        ck_assert_int_eq(nb_zero_(t), 0);
        for (int64_t i = 0; i < 24; i++) ck_assert_double_eq(tu_at(t, i), 0);
        ck_rest_untouched(snap);
        ck_assert_uint_eq(t->storage->version, version + 2);
    }
    nb_tensor *c = nb_ones(ctx, NB_F32, NB_SHAPE(5));
    ck_assert_int_eq(nb_zero_(nb_slice(ctx, c, 0, 1, 3, 1)), 0); /* contiguous piece */
    CK_VALUES(c, 0, 1, 0, 0, 1, 1);
    nb_tensor *i = nb_zeros(ctx, NB_I32, NB_SHAPE(3));
    ck_assert_int_eq(nb_fill_(i, 1e10), 0); /* saturates, as every conversion */
    CK_VALUES(i, 0, INT32_MAX, INT32_MAX, INT32_MAX);
    ck_assert_int_eq(nb_fill_(i, NAN), 0);
    CK_VALUES(i, 0, 0, 0, 0);
    ck_assert_int_eq(nb_fill_(nb_zeros(ctx, NB_F32, NB_SHAPE(0, 2)), 1), 0);
    ck_assert_int_eq(nb_zero_(nb_zeros(ctx, NB_F32, NB_SHAPE(0))), 0);
    ck_assert_error_status(nb_fill_(NULL, 1), "nb_fill_: input tensor is NULL");
    ck_assert_error_status(nb_zero_(NULL), "nb_zero_: input tensor is NULL");
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(copy_broadcasts_and_converts)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *dst = nb_zeros(ctx, NB_I32, NB_SHAPE(2, 3));
    ck_assert_int_eq(nb_copy_(dst, nb_from_data(ctx, NB_F64, NB_SHAPE(3), (double[]){1.9, -1.9, 1e12})), 0);
    CK_VALUES(dst, 0, 1, -1, INT32_MAX, 1, -1, INT32_MAX);
    ck_assert_uint_eq(dst->storage->version, 1);
    nb_tensor *t = nb_transpose(ctx, nb_zeros(ctx, NB_F64, NB_SHAPE(3, 2)), 0, 1);
    ck_assert_int_eq(nb_copy_(t, dst), 0);
    CK_VALUES(t, 0, 1, -1, INT32_MAX, 1, -1, INT32_MAX);
    ck_assert_int_eq(nb_copy_(t, t), 0);
    CK_VALUES(t, 0, 1, -1, INT32_MAX, 1, -1, INT32_MAX);
    nb_tensor *v = nb_arange(ctx, NB_F32, 0, 5, 1);
    ck_assert_int_eq(nb_copy_(v, nb_slice(ctx, v, 0, NB_END, NB_END, -1)), 0); /* reverse in place */
    CK_VALUES(v, 0, 4, 3, 2, 1, 0);
    ck_assert_int_eq(nb_copy_(nb_slice(ctx, v, 0, 1, NB_END, 1), nb_slice(ctx, v, 0, 0, 4, 1)), 0);
    CK_VALUES(v, 0, 4, 4, 3, 2, 1); /* v[1:] = v[:-1], as with a copy */
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(copy_errors)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *dst = nb_zeros(ctx, NB_F32, NB_SHAPE(4));
    ck_assert_error_status(nb_copy_(dst, nb_zeros(ctx, NB_F32, NB_SHAPE(2, 4))),
                           "nb_copy_: source of shape [2,4] does not broadcast to the destination's [4]");
    ck_assert_error_status(nb_copy_(dst, nb_zeros(ctx, NB_F32, NB_SHAPE(3))),
                           "nb_copy_: shapes [4] and [3] cannot be broadcast");
    ck_assert_error_status(nb_copy_(NULL, dst), "nb_copy_: input tensor is NULL");
    ck_assert_error_status(nb_copy_(dst, NULL), "nb_copy_: input tensor is NULL");
    ck_assert_uint_eq(dst->storage->version, 0);
    nb_ctx_free(ctx);
}
END_TEST

/* A broadcast view has several elements in one memory location: writes
 * through it would race between threads, so every writer refuses it. */
START_TEST(writers_refuse_broadcast_destinations)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *x = nb_zeros(ctx, NB_F64, NB_SHAPE(3, 1));
    nb_tensor *d = nb_expand(ctx, x, NB_SHAPE(3, 40000)), *src = nb_ones(ctx, NB_F64, NB_SHAPE(3, 40000));
    const char *want = "the destination of shape [3,40000] is a broadcast view (axis 1 has stride 0): its elements share memory";
    for (int op = 0; op < 4; op++) {
        ck_assert_error_status(inplace[op](d, src), want);
        ck_assert_error_status(outs[op](d, src, src), want);
    }
    ck_assert_error_status(nb_scale_(d, 2), "nb_scale_: the destination of shape [3,40000] is a broadcast view");
    ck_assert_error_status(nb_axpy_(d, 2, src), "nb_axpy_: the destination");
    ck_assert_error_status(nb_copy_(d, src), "nb_copy_: the destination of shape [3,40000] is a broadcast view");
    ck_assert_error_status(nb_fill_(d, 1), "nb_fill_: the destination");
    ck_assert_error_status(nb_zero_(d), "nb_zero_: the destination");
    ck_assert_uint_eq(x->storage->version, 0);
    CK_VALUES(x, 0, 0, 0, 0);
    /* size-1 and empty broadcast axes hold no shared elements */
    ck_assert_int_eq(nb_add_(nb_expand(ctx, x, NB_SHAPE(1, 3, 1)), nb_ones(ctx, NB_F64, NB_SHAPE(3, 1))), 0);
    CK_VALUES(x, 0, 1, 1, 1);
    ck_assert_int_eq(nb_fill_(nb_expand(ctx, x, NB_SHAPE(2, 3, 0)), 5), 0);
    nb_ctx_free(ctx);
}
END_TEST

TCase *tcase_inplace(void)
{
    TCase *tc = tcase_create("inplace");
    tcase_add_test(tc, inplace_values_by_hand);
    tcase_add_test(tc, inplace_matches_reference_on_views);
    tcase_add_test(tc, inplace_integer_destination_converts_source);
    tcase_add_test(tc, inplace_overlapping_source);
    tcase_add_test(tc, inplace_large_broadcast);
    tcase_add_test(tc, inplace_errors);
    tcase_add_test(tc, out_forms_values_and_conversion);
    tcase_add_test(tc, out_forms_broadcast_to_destination);
    tcase_add_test(tc, out_forms_match_reference_on_views);
    tcase_add_test(tc, out_forms_aliasing_operands);
    tcase_add_test(tc, out_forms_errors);
    tcase_add_test(tc, scale_and_axpy);
    tcase_add_test(tc, scale_and_axpy_on_views);
    tcase_add_test(tc, fill_and_zero);
    tcase_add_test(tc, copy_broadcasts_and_converts);
    tcase_add_test(tc, copy_errors);
    tcase_add_test(tc, writers_refuse_broadcast_destinations);
    return tc;
}
