/* tests/tensor/test_null.c — a NULL input, the result of an earlier failure,
 * makes every function fail in turn and keeps the first message, so a chain
 * of calls reports its root cause (nabla/tensor.h, "Conventions"). Each op's
 * own message for a NULL input is checked in its area's file. */
#include <math.h>

#include "cases.h"

#define FIRST "nb_matmul: inner dimensions differ: [2,2] @ [3]"

/* Fails a call so that FIRST is the pending message; returns its NULL. */
static nb_tensor *failed(nb_ctx *ctx)
{
    nb_clear_error();
    nb_tensor *t = nb_matmul(ctx, nb_ones(ctx, NB_F32, NB_SHAPE(2, 2)), nb_ones(ctx, NB_F32, NB_SHAPE(3)));
    ck_assert_ptr_null(t);
    ck_assert_str_eq(nb_last_error(), FIRST);
    return t;
}

#define KEEPS_NULL(call)                                                               \
    do {                                                                               \
        ck_assert_msg((call) == NULL, "%s should have failed", #call);                 \
        ck_assert_msg(strcmp(nb_last_error(), FIRST) == 0, "%s replaced the first message with '%s'", \
                      #call, nb_last_error());                                         \
    } while (0)
#define KEEPS_STATUS(call)                                                             \
    do {                                                                               \
        ck_assert_msg((call) != 0, "%s should have failed", #call);                    \
        ck_assert_msg(strcmp(nb_last_error(), FIRST) == 0, "%s replaced the first message with '%s'", \
                      #call, nb_last_error());                                         \
    } while (0)

START_TEST(views_keep_the_first_message)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *n = failed(ctx);
    KEEPS_NULL(nb_reshape(ctx, n, NB_SHAPE(4)));
    KEEPS_NULL(nb_flatten(ctx, n));
    KEEPS_NULL(nb_transpose(ctx, n, 0, 1));
    KEEPS_NULL(nb_permute(ctx, n, (const int[]){1, 0}));
    KEEPS_NULL(nb_squeeze(ctx, n, 0));
    KEEPS_NULL(nb_squeeze_all(ctx, n));
    KEEPS_NULL(nb_unsqueeze(ctx, n, 0));
    KEEPS_NULL(nb_slice(ctx, n, 0, 0, 1, 0)); /* even with a bad step */
    KEEPS_NULL(nb_expand(ctx, n, NB_SHAPE(2, 2)));
    KEEPS_NULL(nb_contiguous(ctx, n));
    KEEPS_NULL(nb_zeros_like(ctx, n));
    KEEPS_NULL(nb_empty_like(ctx, n));
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(elementwise_ops_keep_the_first_message)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *n = failed(ctx), *x = nb_ones(ctx, NB_F32, NB_SHAPE(2));
    nb_tensor *(*const unary[])(nb_ctx *, nb_tensor *) = {
        nb_neg, nb_abs, nb_exp, nb_log, nb_log1p, nb_sqrt, nb_rsqrt, nb_sin,
        nb_cos, nb_tanh, nb_sigmoid, nb_relu, nb_gelu, nb_softplus, nb_sign};
    for (int k = 0; k < TU_LEN(unary); k++) KEEPS_NULL(unary[k](ctx, n));
    KEEPS_NULL(nb_leaky_relu(ctx, n, NAN)); /* bad scalars do not hide the cause */
    KEEPS_NULL(nb_clamp(ctx, n, 1, 0));
    KEEPS_NULL(nb_pow_scalar(ctx, n, 2));
    nb_tensor *(*const binary[])(nb_ctx *, nb_tensor *, nb_tensor *) = {
        nb_add, nb_sub, nb_mul, nb_div, nb_pow, nb_maximum, nb_minimum,
        nb_eq, nb_ne, nb_lt, nb_le, nb_gt, nb_ge};
    for (int k = 0; k < TU_LEN(binary); k++) {
        KEEPS_NULL(binary[k](ctx, n, x));
        KEEPS_NULL(binary[k](ctx, x, n));
    }
    nb_tensor *(*const scalar[])(nb_ctx *, nb_tensor *, double) = {
        nb_add_scalar, nb_sub_scalar, nb_mul_scalar, nb_div_scalar, nb_rsub_scalar, nb_rdiv_scalar};
    for (int k = 0; k < TU_LEN(scalar); k++) KEEPS_NULL(scalar[k](ctx, n, 1));
    KEEPS_NULL(nb_where(ctx, n, x, x));
    KEEPS_NULL(nb_where(ctx, x, n, x));
    KEEPS_NULL(nb_where(ctx, x, x, n));
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(inplace_forms_keep_the_first_message)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *x = nb_ones(ctx, NB_F32, NB_SHAPE(2)), *n = failed(ctx);
    uint64_t version = x->storage->version;
    int (*const inplace[])(nb_tensor *, nb_tensor *) = {nb_add_, nb_sub_, nb_mul_, nb_div_, nb_copy_};
    for (int k = 0; k < TU_LEN(inplace); k++) {
        KEEPS_STATUS(inplace[k](n, x));
        KEEPS_STATUS(inplace[k](x, n));
    }
    int (*const outs[])(nb_tensor *, nb_tensor *, nb_tensor *) = {nb_add_out, nb_sub_out, nb_mul_out, nb_div_out};
    for (int k = 0; k < TU_LEN(outs); k++) {
        KEEPS_STATUS(outs[k](n, x, x));
        KEEPS_STATUS(outs[k](x, n, x));
        KEEPS_STATUS(outs[k](x, x, n));
    }
    KEEPS_STATUS(nb_scale_(n, 2));
    KEEPS_STATUS(nb_axpy_(n, 2, x));
    KEEPS_STATUS(nb_axpy_(x, 2, n));
    KEEPS_STATUS(nb_fill_(n, 1));
    KEEPS_STATUS(nb_zero_(n));
    ck_assert_uint_eq(x->storage->version, version); /* nothing was written */
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(reductions_and_matmul_keep_the_first_message)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *n = failed(ctx), *x = nb_ones(ctx, NB_F32, NB_SHAPE(2, 2));
    KEEPS_NULL(nb_sum(ctx, n, NB_ALL_AXES, false));
    KEEPS_NULL(nb_mean(ctx, n, NB_AXES(0), true));
    KEEPS_NULL(nb_prod(ctx, n, NB_ALL_AXES, false));
    KEEPS_NULL(nb_var(ctx, n, NB_ALL_AXES, -1, false)); /* even with a bad correction */
    KEEPS_NULL(nb_std(ctx, n, NB_ALL_AXES, 1, false));
    KEEPS_NULL(nb_max(ctx, n, NB_ALL_AXES, false));
    KEEPS_NULL(nb_min(ctx, n, NB_ALL_AXES, false));
    KEEPS_NULL(nb_logsumexp(ctx, n, NB_ALL_AXES, false));
    KEEPS_NULL(nb_argmax(ctx, n, 0, false));
    KEEPS_NULL(nb_argmin(ctx, n, 0, false));
    KEEPS_NULL(nb_softmax(ctx, n, 0));
    KEEPS_NULL(nb_log_softmax(ctx, n, 0));
    KEEPS_NULL(nb_matmul(ctx, n, x));
    KEEPS_NULL(nb_matmul(ctx, x, n));
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(indexing_keeps_the_first_message)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *n = failed(ctx), *x = nb_ones(ctx, NB_F32, NB_SHAPE(2, 2));
    nb_tensor *idx = nb_zeros(ctx, NB_I64, NB_SHAPE(2, 2)), *out[2];
    KEEPS_NULL(nb_gather(ctx, n, 0, idx));
    KEEPS_NULL(nb_gather(ctx, x, 0, n));
    KEEPS_NULL(nb_scatter_add(ctx, n, 0, idx, x));
    KEEPS_NULL(nb_scatter_add(ctx, x, 0, n, x));
    KEEPS_NULL(nb_scatter_add(ctx, x, 0, idx, n));
    KEEPS_NULL(nb_index_select(ctx, n, 0, idx));
    KEEPS_NULL(nb_index_select(ctx, x, 0, n));
    KEEPS_NULL(nb_take(ctx, n, 0, idx));
    KEEPS_NULL(nb_take(ctx, x, 0, n));
    KEEPS_NULL(nb_masked_select(ctx, n, x));
    KEEPS_NULL(nb_masked_select(ctx, x, n));
    KEEPS_NULL(nb_concat(ctx, (nb_tensor *[]){x, n}, 2, 0));
    KEEPS_NULL(nb_stack(ctx, (nb_tensor *[]){n, x}, 2, 0));
    KEEPS_STATUS(nb_split(ctx, n, 0, (int64_t[]){1, 1}, 2, out));
    KEEPS_NULL(nb_cast(ctx, n, NB_F64));
    KEEPS_NULL(nb_clone(ctx, n));
    nb_ctx_free(ctx);
}
END_TEST

/* Reading a result back ends most chains: the reader keeps the cause too. */
START_TEST(readers_keep_the_first_message)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *n = failed(ctx);
    ck_assert(isnan(nb_item(n)));
    ck_assert_str_eq(nb_last_error(), FIRST);
    ck_assert_int_eq(nb_item_i64(n), 0);
    ck_assert_str_eq(nb_last_error(), FIRST);
    ck_assert(isnan(nb_get(n, (int64_t[]){0})));
    ck_assert_str_eq(nb_last_error(), FIRST);
    KEEPS_STATUS(nb_set(n, (int64_t[]){0}, 1));
    float buf[4];
    KEEPS_STATUS(nb_copy_to(n, buf, sizeof buf));
    FILE *devnull = fopen("/dev/null", "w");
    KEEPS_STATUS(nb_tensor_print(devnull, n));
    fclose(devnull);
    ck_assert(!nb_allclose(n, n, 1, 1, true));
    ck_assert_str_eq(nb_last_error(), FIRST);
    nb_ctx_free(ctx);
}
END_TEST

/* A NULL context is the caller's own mistake, so the public op names itself,
 * not the allocator, view or scratch buffer it would first have reached. */
START_TEST(a_null_context_names_the_public_op)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *x = nb_ones(ctx, NB_F32, NB_SHAPE(2, 2)), *idx = nb_zeros(ctx, NB_I64, NB_SHAPE(2, 2));
    nb_tensor *out[2];
    ck_assert_error_is(nb_add(NULL, x, x), "nb_add: context is NULL");
    ck_assert_error_is(nb_pow(NULL, x, x), "nb_pow: context is NULL");
    ck_assert_error_is(nb_add_scalar(NULL, x, 1), "nb_add_scalar: context is NULL");
    ck_assert_error_is(nb_where(NULL, x, x, x), "nb_where: context is NULL");
    ck_assert_error_is(nb_exp(NULL, x), "nb_exp: context is NULL");
    ck_assert_error_is(nb_pow_scalar(NULL, x, 2), "nb_pow_scalar: context is NULL");
    ck_assert_error_is(nb_sum(NULL, x, NB_ALL_AXES, false), "nb_sum: context is NULL");
    ck_assert_error_is(nb_var(NULL, x, NB_ALL_AXES, 1, false), "nb_var: context is NULL");
    ck_assert_error_is(nb_logsumexp(NULL, x, NB_AXES(0), true), "nb_logsumexp: context is NULL");
    ck_assert_error_is(nb_argmax(NULL, x, 0, false), "nb_argmax: context is NULL");
    ck_assert_error_is(nb_softmax(NULL, x, 0), "nb_softmax: context is NULL");
    ck_assert_error_is(nb_log_softmax(NULL, x, 0), "nb_log_softmax: context is NULL");
    ck_assert_error_is(nb_matmul(NULL, x, x), "nb_matmul: context is NULL");
    ck_assert_error_is(nb_reshape(NULL, x, NB_SHAPE(4)), "nb_reshape: context is NULL");
    ck_assert_error_is(nb_flatten(NULL, x), "nb_flatten: context is NULL");
    ck_assert_error_is(nb_transpose(NULL, x, 0, 1), "nb_transpose: context is NULL");
    ck_assert_error_is(nb_squeeze(NULL, nb_ones(ctx, NB_F32, NB_SHAPE(1)), 0), "nb_squeeze: context is NULL");
    ck_assert_error_is(nb_unsqueeze(NULL, x, 0), "nb_unsqueeze: context is NULL");
    ck_assert_error_is(nb_slice(NULL, x, 0, 0, 1, 1), "nb_slice: context is NULL");
    ck_assert_error_is(nb_expand(NULL, x, NB_SHAPE(3, 2, 2)), "nb_expand: context is NULL");
    ck_assert_error_is(nb_contiguous(NULL, x), "nb_contiguous: context is NULL");
    ck_assert_error_is(nb_clone(NULL, x), "nb_clone: context is NULL");
    ck_assert_error_is(nb_cast(NULL, x, NB_F64), "nb_cast: context is NULL");
    ck_assert_error_is(nb_gather(NULL, x, 0, idx), "nb_gather: context is NULL");
    ck_assert_error_is(nb_index_select(NULL, x, 0, idx), "nb_index_select: context is NULL");
    ck_assert_error_is(nb_masked_select(NULL, x, x), "nb_masked_select: context is NULL");
    ck_assert_error_is(nb_concat(NULL, (nb_tensor *[]){x, x}, 2, 0), "nb_concat: context is NULL");
    ck_assert_error_is(nb_stack(NULL, (nb_tensor *[]){x, x}, 2, 0), "nb_stack: context is NULL");
    nb_clear_error();
    ck_assert_int_ne(nb_split(NULL, x, 0, (int64_t[]){1, 1}, 2, out), 0);
    ck_assert_str_eq(nb_last_error(), "nb_split: context is NULL");
    nb_ctx_free(ctx);
}
END_TEST

TCase *tcase_null(void)
{
    TCase *tc = tcase_create("null");
    tcase_add_test(tc, views_keep_the_first_message);
    tcase_add_test(tc, elementwise_ops_keep_the_first_message);
    tcase_add_test(tc, inplace_forms_keep_the_first_message);
    tcase_add_test(tc, reductions_and_matmul_keep_the_first_message);
    tcase_add_test(tc, indexing_keeps_the_first_message);
    tcase_add_test(tc, readers_keep_the_first_message);
    tcase_add_test(tc, a_null_context_names_the_public_op);
    return tc;
}
