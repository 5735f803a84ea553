/* tests/tensor/test_print.c — nb_tensor_print's text (formats, alignment,
 * blocks, summaries past 1000 elements, views) and nb_allclose. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cases.h"

/* What nb_tensor_print writes for t, as a malloc'd string. */
static char *printed(const nb_tensor *t)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(nb_tensor_print(f, t), 0);
    fclose(f);
    return text;
}

#define CK_PRINTS(t, want)                                                             \
    do {                                                                               \
        char *got_ = printed(t);                                                       \
        ck_assert_str_eq(got_, want);                                                  \
        free(got_);                                                                    \
    } while (0)

static nb_tensor *f64s(nb_ctx *ctx, int ndim, const int64_t *shape, const double *v)
{
    return nb_from_data(ctx, NB_F64, ndim, shape, v);
}

/* ---- formats ----------------------------------------------------------------- */

START_TEST(print_integers_align)
{
    nb_ctx *ctx = nb_ctx_new();
    CK_PRINTS(nb_from_data(ctx, NB_I32, NB_SHAPE(2, 3), (int32_t[]){1, -2, 3, 40, 5, 6}),
              "tensor([[ 1, -2,  3],\n"
              "        [40,  5,  6]], dtype=i32)\n");
    CK_PRINTS(nb_scalar(ctx, NB_I64, 7), "tensor(7, dtype=i64)\n");
    CK_PRINTS(nb_from_data(ctx, NB_I64, NB_SHAPE(2), (int64_t[]){INT64_C(9007199254740993), INT64_MIN}),
              "tensor([    9007199254740993, -9223372036854775808], dtype=i64)\n");
    CK_PRINTS(nb_from_data(ctx, NB_BOOL, NB_SHAPE(2), (uint8_t[]){1, 0}), "tensor([ True, False], dtype=bool)\n");
    nb_ctx_free(ctx);
}
END_TEST

/* Whole floats as "1.", fixed with four decimals in a moderate range,
 * scientific outside it; one format per tensor so columns line up. */
START_TEST(print_float_formats)
{
    nb_ctx *ctx = nb_ctx_new();
    CK_PRINTS(nb_from_data(ctx, NB_F32, NB_SHAPE(2), (float[]){1, 2}), "tensor([1., 2.], dtype=f32)\n");
    CK_PRINTS(f64s(ctx, NB_SHAPE(3), (double[]){1.5, -2, 0.25}), "tensor([ 1.5000, -2.0000,  0.2500], dtype=f64)\n");
    CK_PRINTS(f64s(ctx, NB_SHAPE(2), (double[]){1e-5, 1.5}), "tensor([1.0000e-05, 1.5000e+00], dtype=f64)\n");
    CK_PRINTS(f64s(ctx, NB_SHAPE(2), (double[]){1e9, 0.5}), "tensor([1.0000e+09, 5.0000e-01], dtype=f64)\n");
    CK_PRINTS(f64s(ctx, NB_SHAPE(2), (double[]){1e16, 1}), "tensor([1.0000e+16, 1.0000e+00], dtype=f64)\n");
    CK_PRINTS(f64s(ctx, NB_SHAPE(3), (double[]){-0.0, 0, 1}), "tensor([-0.,  0.,  1.], dtype=f64)\n");
    CK_PRINTS(f64s(ctx, NB_SHAPE(2), (double[]){0, 0}), "tensor([0., 0.], dtype=f64)\n");
    CK_PRINTS(nb_scalar(ctx, NB_F64, 2.5), "tensor(2.5000, dtype=f64)\n");
    CK_PRINTS(nb_from_data(ctx, NB_F32, NB_SHAPE(4), (float[]){NAN, INFINITY, -INFINITY, 1}),
              "tensor([ nan,  inf, -inf,   1.], dtype=f32)\n");
    CK_PRINTS(f64s(ctx, NB_SHAPE(2), (double[]){NAN, 0.125}), "tensor([   nan, 0.1250], dtype=f64)\n");
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(print_blocks_and_shapes)
{
    nb_ctx *ctx = nb_ctx_new();
    CK_PRINTS(nb_reshape(ctx, nb_arange(ctx, NB_I32, 0, 8, 1), NB_SHAPE(2, 2, 2)),
              "tensor([[[0, 1],\n"
              "         [2, 3]],\n"
              "\n"
              "        [[4, 5],\n"
              "         [6, 7]]], dtype=i32)\n");
    CK_PRINTS(f64s(ctx, NB_SHAPE(1, 1, 1, 1), (double[]){3}), "tensor([[[[3.]]]], dtype=f64)\n");
    CK_PRINTS(nb_zeros(ctx, NB_F32, NB_SHAPE(0, 3)), "tensor([], shape=[0,3], dtype=f32)\n");
    CK_PRINTS(nb_zeros(ctx, NB_I64, NB_SHAPE(0)), "tensor([], shape=[0], dtype=i64)\n");
    nb_ctx_free(ctx);
}
END_TEST

/* A view prints its own elements in its own order. */
START_TEST(print_views)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *t = nb_reshape(ctx, nb_arange(ctx, NB_I32, 1, 7, 1), NB_SHAPE(2, 3));
    CK_PRINTS(nb_transpose(ctx, t, 0, 1),
              "tensor([[1, 4],\n"
              "        [2, 5],\n"
              "        [3, 6]], dtype=i32)\n");
    CK_PRINTS(nb_slice(ctx, nb_slice(ctx, t, 1, NB_END, NB_END, -2), 0, 1, 2, 1), "tensor([[6, 4]], dtype=i32)\n");
    CK_PRINTS(nb_expand(ctx, nb_scalar(ctx, NB_F32, 0.5), NB_SHAPE(2)), "tensor([0.5000, 0.5000], dtype=f32)\n");
    nb_ctx_free(ctx);
}
END_TEST

/* ---- summaries ------------------------------------------------------------------- */

/* 1000 elements print in full; past that, three at each end of every axis,
 * laid out as NumPy does (checked against numpy's repr of the same arrays). */
START_TEST(print_summarises_past_1000_elements)
{
    nb_ctx *ctx = nb_ctx_new();
    char *full = printed(nb_arange(ctx, NB_I32, 0, 1000, 1));
    ck_assert_ptr_null(strstr(full, "..."));
    ck_assert_ptr_nonnull(strstr(full, " 500, "));
    free(full);
    CK_PRINTS(nb_arange(ctx, NB_I64, 0, 1001, 1), "tensor([   0,    1,    2, ...,  998,  999, 1000], dtype=i64)\n");
    CK_PRINTS(nb_reshape(ctx, nb_arange(ctx, NB_I64, 0, 2002, 1), NB_SHAPE(2, 1001)),
              "tensor([[   0,    1,    2, ...,  998,  999, 1000],\n"
              "        [1001, 1002, 1003, ..., 1999, 2000, 2001]], dtype=i64)\n");
    CK_PRINTS(nb_reshape(ctx, nb_arange(ctx, NB_I64, 0, 2002, 1), NB_SHAPE(1001, 2)),
              "tensor([[   0,    1],\n"
              "        [   2,    3],\n"
              "        [   4,    5],\n"
              "        ...,\n"
              "        [1996, 1997],\n"
              "        [1998, 1999],\n"
              "        [2000, 2001]], dtype=i64)\n");
    CK_PRINTS(nb_reshape(ctx, nb_arange(ctx, NB_I64, 0, 1001, 1), NB_SHAPE(1001, 1, 1)),
              "tensor([[[   0]],\n"
              "\n"
              "        [[   1]],\n"
              "\n"
              "        [[   2]],\n"
              "\n"
              "        ...,\n"
              "\n"
              "        [[ 998]],\n"
              "\n"
              "        [[ 999]],\n"
              "\n"
              "        [[1000]]], dtype=i64)\n");
    nb_ctx_free(ctx);
}
END_TEST

/* The format is chosen from the values shown: a hidden fraction does not
 * turn whole numbers into fixed point. */
START_TEST(print_summary_formats_from_shown_values)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *t = nb_arange(ctx, NB_F64, 0, 1001, 1);
    nb_set(t, (int64_t[]){500}, 0.5);
    CK_PRINTS(t, "tensor([   0.,    1.,    2., ...,  998.,  999., 1000.], dtype=f64)\n");
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(print_errors)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *t = nb_ones(ctx, NB_F32, NB_SHAPE(2));
    ck_assert_error_status(nb_tensor_print(NULL, t), "nb_tensor_print: stream is NULL");
    ck_assert_error_status(nb_tensor_print(stdout, NULL), "nb_tensor_print: tensor is NULL");
    FILE *ro = fopen("/dev/null", "r"); /* writes fail: the stream's error is reported */
    ck_assert_ptr_nonnull(ro);
    ck_assert_int_eq(nb_tensor_print(ro, t), -1);
    fclose(ro);
    nb_ctx_free(ctx);
}
END_TEST

/* ---- allclose ---------------------------------------------------------------------- */

START_TEST(allclose_tolerances)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *a = f64s(ctx, NB_SHAPE(3), (double[]){1, 100, -5});
    nb_tensor *b = f64s(ctx, NB_SHAPE(3), (double[]){1.001, 100.1, -5});
    ck_assert(!nb_allclose(a, b, 0, 0, false));
    ck_assert(nb_allclose(a, b, 1e-3, 0, false));        /* |a-b| <= rtol |b| */
    ck_assert(!nb_allclose(a, b, 0.9e-3, 0, false));
    ck_assert(nb_allclose(a, b, 0, 0.1, false));         /* |a-b| <= atol */
    ck_assert(!nb_allclose(a, b, 0, 0.09, false));
    ck_assert(nb_allclose(a, a, 0, 0, false));
    /* relative to b: asymmetric, as numpy.allclose */
    nb_tensor *x = f64s(ctx, NB_SHAPE(1), (double[]){10}), *y = f64s(ctx, NB_SHAPE(1), (double[]){11});
    ck_assert(nb_allclose(x, y, 0.095, 0, false)); /* 1 <= 0.095 * 11 */
    ck_assert(!nb_allclose(y, x, 0.095, 0, false)); /* 1 > 0.095 * 10 */
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(allclose_nan_inf_dtypes_and_shapes)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *n = f64s(ctx, NB_SHAPE(2), (double[]){NAN, 1});
    ck_assert(!nb_allclose(n, n, 1, 1, false));
    ck_assert(nb_allclose(n, n, 0, 0, true));
    ck_assert(!nb_allclose(n, f64s(ctx, NB_SHAPE(2), (double[]){1, 1}), 1, 1, true));
    nb_tensor *inf = f64s(ctx, NB_SHAPE(2), (double[]){INFINITY, -INFINITY});
    ck_assert(nb_allclose(inf, inf, 0, 0, false));
    ck_assert(!nb_allclose(inf, f64s(ctx, NB_SHAPE(2), (double[]){-INFINITY, INFINITY}), 1, 1, false));
    ck_assert(!nb_allclose(inf, f64s(ctx, NB_SHAPE(2), (double[]){1e308, -1e308}), 1, 1, false));
    /* mixed dtypes compare by value; shapes broadcast */
    nb_tensor *f = nb_from_data(ctx, NB_F32, NB_SHAPE(3), (float[]){0.1f, 2, 3});
    nb_tensor *d = f64s(ctx, NB_SHAPE(2, 3), (double[]){0.1, 2, 3, 0.1, 2, 3});
    ck_assert(nb_allclose(f, d, 1e-6, 0, false));
    ck_assert(!nb_allclose(f, d, 1e-9, 0, false));
    ck_assert(nb_allclose(nb_arange(ctx, NB_I32, 0, 3, 1), nb_arange(ctx, NB_F64, 0, 3, 1), 0, 0, false));
    ck_assert(nb_allclose(nb_transpose(ctx, d, 0, 1), nb_transpose(ctx, nb_cast(ctx, d, NB_F32), 0, 1), 1e-6, 0, false));
    ck_assert(nb_allclose(nb_zeros(ctx, NB_F32, NB_SHAPE(0, 3)), f, 0, 0, false));
    nb_clear_error();
    ck_assert(!nb_allclose(f, nb_zeros(ctx, NB_F32, NB_SHAPE(2)), 1, 1, false));
    ck_assert_str_eq(nb_last_error(), "nb_allclose: shapes [3] and [2] cannot be broadcast");
    ck_assert(!nb_allclose(NULL, f, 1, 1, false));
    ck_assert(!nb_allclose(f, NULL, 1, 1, false));
    nb_ctx_free(ctx);
}
END_TEST

TCase *tcase_print(void)
{
    TCase *tc = tcase_create("print");
    tcase_add_test(tc, print_integers_align);
    tcase_add_test(tc, print_float_formats);
    tcase_add_test(tc, print_blocks_and_shapes);
    tcase_add_test(tc, print_views);
    tcase_add_test(tc, print_summarises_past_1000_elements);
    tcase_add_test(tc, print_summary_formats_from_shown_values);
    tcase_add_test(tc, print_errors);
    tcase_add_test(tc, allclose_tolerances);
    tcase_add_test(tc, allclose_nan_inf_dtypes_and_shapes);
    return tc;
}
