/* tests/autograd/test_custom_ops.c — registering and using ops from C. */
#include "cases.h"

/* cube(x) = x^3, dx = 3 x^2 g, with a coefficient attribute: c x^3 */
typedef struct {
    double c;
} cube_attrs;

static nb_tensor *cube_forward(nb_ctx *ctx, nb_tensor *const *in, int n, const void *attrs)
{
    (void)n;
    const cube_attrs *a = attrs;
    return nb_mul_scalar(ctx, nb_mul(ctx, in[0], nb_mul(ctx, in[0], in[0])), a->c);
}

static int cube_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    const cube_attrs *a = nb_node_attrs(node);
    nb_tensor *x = nb_node_input(node, 0);
    gin[0] = nb_mul(ctx, g, nb_mul_scalar(ctx, nb_mul(ctx, x, x), 3 * a->c));
    return gin[0] ? 0 : -1;
}

static const nb_op_def cube_op = {
    .name = "test_cube", .arity = 1, .attrs_size = sizeof(cube_attrs),
    .forward = cube_forward, .backward = cube_backward, .saves = NB_SAVES_INPUT(0),
};

START_TEST(custom_op_records_and_differentiates)
{
    ck_assert_int_eq(nb_op_register(&cube_op), 0);
    ck_assert_ptr_eq(nb_op_find("test_cube"), &cube_op);
    nb_ctx *c = nb_ctx_new();
    nb_tensor *x = nb_from_data(c, NB_F64, NB_SHAPE(2), (double[]){2, -1});
    nb_requires_grad_(x, true);
    cube_attrs a = {0.5};
    nb_tensor *y = nb_op_apply(c, &cube_op, &x, 1, &a);
    CK_VALUES(y, 0, 4, -0.5);
    ck_assert_str_eq(nb_grad_fn_name(y), "test_cube"); /* one node, not the ops inside */
    ck_assert_int_eq(nb_backward(nb_sum(c, y, NB_ALL_AXES, false)), 0);
    CK_VALUES(nb_grad(x), 0, 6, 1.5);
    a.c = 100; /* the node kept its own copy of the attributes */
    nb_zero_grad(x);
    ck_assert_int_eq(nb_backward(nb_sum(c, nb_op_apply(c, &cube_op, &x, 1, &(cube_attrs){1}), NB_ALL_AXES, false)), 0);
    CK_VALUES(nb_grad(x), 0, 12, 3);
    ck_assert_error(nb_op_apply(c, &cube_op, (nb_tensor *[]){x, x}, 2, &a), "test_cube takes 1 inputs, got 2");
    nb_ctx_free(c);
}
END_TEST

static nb_tensor *identity_forward(nb_ctx *ctx, nb_tensor *const *in, int n, const void *attrs)
{
    (void)n, (void)attrs;
    return nb_clone(ctx, in[0]);
}

START_TEST(registration_is_checked)
{
    nb_op_def no_backward = {.name = "test_nobackward", .arity = 1, .forward = identity_forward};
    ck_assert_error_status(nb_op_register(&no_backward),
                           "op 'test_nobackward' has no backward rule; give one or mark it not_differentiable");
    ck_assert_ptr_null(nb_op_find("test_nobackward"));
    static const nb_op_def flat = {.name = "test_flat", .arity = 1, .forward = identity_forward,
                                   .not_differentiable = true};
    ck_assert_int_eq(nb_op_register(&flat), 0);
    ck_assert_error_status(nb_op_register(&flat), "op name 'test_flat' is already taken");
    nb_op_def taken = {.name = "mul", .arity = 2, .forward = identity_forward, .not_differentiable = true};
    ck_assert_error_status(nb_op_register(&taken), "op name 'mul' is already taken");
    nb_op_def unnamed = {.arity = 1, .forward = identity_forward, .not_differentiable = true};
    ck_assert_error_status(nb_op_register(&unnamed), "an op needs a name");
    nb_op_def big = {.name = "test_big", .arity = 1, .forward = identity_forward,
                     .not_differentiable = true, .attrs_size = NB_OP_MAX_ATTRS + 1};
    ck_assert_error_status(nb_op_register(&big), "257 bytes of attributes (max 256)");
    /* a not-differentiable op's output does not require grad */
    nb_ctx *c = nb_ctx_new();
    nb_tensor *x = nb_ones(c, NB_F64, NB_SHAPE(2));
    nb_requires_grad_(x, true);
    ck_assert(!nb_requires_grad(nb_op_apply(c, &flat, &x, 1, NULL)));
    nb_ctx_free(c);
}
END_TEST

TCase *tcase_custom_ops(void)
{
    TCase *tc = tcase_create("custom_ops");
    tcase_add_test(tc, custom_op_records_and_differentiates);
    tcase_add_test(tc, registration_is_checked);
    return tc;
}
