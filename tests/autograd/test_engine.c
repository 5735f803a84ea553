/* tests/autograd/test_engine.c — the engine on cases worked out by hand:
 * an MLP's gradients, accumulation, broadcasting, no_grad, detach, the
 * in-place and reset checks, retain_graph, long chains, flat memory. */
#include <math.h>

#include "cases.h"

static nb_tensor *leaf(nb_ctx *ctx, int ndim, const int64_t *shape, const double *values)
{
    nb_tensor *t = nb_from_data(ctx, NB_F64, ndim, shape, values);
    ck_assert_int_eq(nb_requires_grad_(t, true), 0);
    return t;
}
#define LEAF(ctx, shape, ...) leaf(ctx, NB_SHAPE shape, (const double[]){__VA_ARGS__})

/* x [1,2] -> relu(x W1 + b1) W2 + b2 -> (y - 1)^2, every number by hand:
 *   x W1 + b1 = [1.1, 0.3] (both positive), y = 2.2, L = 1.44, dL/dy = 2.4,
 *   dW2 = h^T 2.4 = [2.64, 0.72], dh = 2.4 W2^T = [4.8, -2.4],
 *   dW1 = x^T dh, dx = dh W1^T = [4.8, -0.6]. */
START_TEST(mlp_gradients_worked_by_hand)
{
    nb_ctx *p = nb_ctx_new(), *c = nb_ctx_new();
    nb_tensor *x = LEAF(p, (1, 2), 1, 2);
    nb_tensor *W1 = LEAF(p, (2, 2), 0.5, -1, 0.25, 0.75), *b1 = LEAF(p, (2), 0.1, -0.2);
    nb_tensor *W2 = LEAF(p, (2, 1), 2, -1), *b2 = LEAF(p, (1), 0.3);
    nb_tensor *h = nb_relu(c, nb_add(c, nb_matmul(c, x, W1), b1));
    nb_tensor *y = nb_add(c, nb_matmul(c, h, W2), b2);
    nb_tensor *loss = nb_sum(c, nb_pow_scalar(c, nb_sub_scalar(c, y, 1), 2), NB_ALL_AXES, false);
    ck_assert_double_eq_tol(nb_item(loss), 1.44, 1e-12);
    ck_assert_str_eq(nb_grad_fn_name(loss), "sum");
    ck_assert_int_eq(nb_backward(loss), 0);
    CK_VALUES(nb_grad(W2), 1e-12, 2.64, 0.72);
    CK_VALUES(nb_grad(b2), 1e-12, 2.4);
    CK_VALUES(nb_grad(W1), 1e-12, 4.8, -2.4, 9.6, -4.8);
    CK_VALUES(nb_grad(b1), 1e-12, 4.8, -2.4);
    CK_VALUES(nb_grad(x), 1e-12, 4.8, -0.6);
    ck_assert(nb_grad(W1)->ctx == p); /* leaf grads live with their leaves */
    nb_ctx_free(c);
    nb_ctx_free(p);
}
END_TEST

START_TEST(gradients_accumulate_until_zeroed)
{
    nb_ctx *p = nb_ctx_new(), *c = nb_ctx_new();
    nb_tensor *w = LEAF(p, (2), 3, -1);
    for (int round = 1; round <= 2; round++) { /* d/dw sum(w^2) = 2w, twice */
        nb_ctx_reset(c);
        ck_assert_int_eq(nb_backward(nb_sum(c, nb_mul(c, w, w), NB_ALL_AXES, false)), 0);
        CK_VALUES(nb_grad(w), 0, 6.0 * round, -2.0 * round);
    }
    nb_tensor *g = nb_grad(w);
    ck_assert_int_eq(nb_zero_grad(w), 0);
    CK_VALUES(nb_grad(w), 0, 0, 0);
    ck_assert_ptr_eq(nb_grad(w), g); /* the buffer is kept */
    /* zeroed and not read: the next backward's gradient replaces the old one */
    ck_assert_int_eq(nb_backward(nb_sum(c, nb_mul(c, w, w), NB_ALL_AXES, false)), 0);
    ck_assert_int_eq(nb_zero_grad(w), 0);
    ck_assert_int_eq(nb_backward(nb_sum(c, nb_mul(c, w, w), NB_ALL_AXES, false)), 0);
    ck_assert_int_eq(nb_backward(nb_sum(c, nb_mul_scalar(c, w, 5), NB_ALL_AXES, false)), 0);
    CK_VALUES(nb_grad(w), 0, 11, 3); /* 2w + 5, not added to what was zeroed */
    ck_assert_ptr_eq(nb_grad(w), g);
    nb_ctx_free(c);
    nb_ctx_free(p);
}
END_TEST

/* a [3,1] * b [1,4] broadcasts to [3,4]; each gradient is summed back once. */
START_TEST(broadcast_gradients_are_summed_back)
{
    nb_ctx *c = nb_ctx_new();
    nb_tensor *a = LEAF(c, (3, 1), 1, 2, 3), *b = LEAF(c, (1, 4), 1, 10, 100, 1000);
    ck_assert_int_eq(nb_backward(nb_sum(c, nb_mul(c, a, b), NB_ALL_AXES, false)), 0);
    CK_SHAPE(nb_grad(a), 3, 1);
    CK_VALUES(nb_grad(a), 0, 1111, 1111, 1111);
    CK_SHAPE(nb_grad(b), 1, 4);
    CK_VALUES(nb_grad(b), 0, 6, 6, 6, 6);
    nb_tensor *s = leaf(c, 0, NULL, (const double[]){2}); /* a 0-d leaf against a matrix */
    ck_assert_int_eq(nb_backward(nb_sum(c, nb_mul(c, s, nb_ones(c, NB_F64, NB_SHAPE(2, 3))), NB_ALL_AXES, false)), 0);
    ck_tensor_shape(nb_grad(s), 0, NULL);
    CK_VALUES(nb_grad(s), 0, 6);
    nb_ctx_free(c);
}
END_TEST

START_TEST(no_grad_nests_and_detach_cuts)
{
    nb_ctx *c = nb_ctx_new();
    nb_tensor *x = LEAF(c, (2), 1, 2);
    ck_assert(nb_is_grad_enabled());
    NB_NO_GRAD {
        ck_assert(!nb_is_grad_enabled());
        NB_NO_GRAD { ck_assert(!nb_requires_grad(nb_exp(c, x))); }
        ck_assert(!nb_is_grad_enabled()); /* the inner block restored "off" */
        ck_assert(!nb_requires_grad(nb_mul(c, x, x)));
    }
    ck_assert(nb_is_grad_enabled());
    nb_tensor *y = nb_mul_scalar(c, x, 2);
    ck_assert(nb_requires_grad(y) && !nb_is_leaf(y));
    nb_tensor *d = nb_detach(c, y);
    ck_assert(!nb_requires_grad(d) && nb_is_leaf(d));
    ck_assert_ptr_eq(d->storage, y->storage);
    nb_tensor *z = nb_add(c, nb_mul(c, d, x), x); /* d is a constant: dz/dx = d + 1 */
    ck_assert_int_eq(nb_backward(nb_sum(c, z, NB_ALL_AXES, false)), 0);
    CK_VALUES(nb_grad(x), 0, 3, 5);
    ck_assert(!nb_requires_grad(nb_mul(c, d, d)));
    nb_ctx_free(c);
}
END_TEST

START_TEST(in_place_write_to_a_saved_value_is_refused)
{
    nb_ctx *c = nb_ctx_new();
    nb_tensor *x = LEAF(c, (2), 1, 2), *w = LEAF(c, (2), 3, 4);
    nb_tensor *loss = nb_sum(c, nb_mul(c, x, w), NB_ALL_AXES, false);
    NB_NO_GRAD { ck_assert_int_eq(nb_scale_(w, 2), 0); }
    ck_assert_int_ne(nb_backward(loss), 0);
    ck_assert_str_eq(nb_last_error(), "nb_backward: input 1 of 'mul' was modified in place after it "
                                      "was recorded (version 1, recorded at 0); its gradient would be wrong");
    nb_tensor *y = nb_exp(c, x); /* exp's rule reads its output */
    loss = nb_sum(c, y, NB_ALL_AXES, false);
    ck_assert_int_eq(nb_add_(y, nb_ones(c, NB_F64, NB_SHAPE(2))), 0);
    ck_assert_int_ne(nb_backward(loss), 0);
    ck_assert_ptr_nonnull(strstr(nb_last_error(), "its output of 'exp' was modified in place"));
    nb_tensor *s = nb_add(c, x, w); /* add reads nothing: an in-place write is harmless */
    loss = nb_sum(c, s, NB_ALL_AXES, false);
    NB_NO_GRAD { nb_scale_(x, 10); }
    nb_zero_grad(x);
    ck_assert_int_eq(nb_backward(loss), 0);
    CK_VALUES(nb_grad(x), 0, 1, 1);
    nb_ctx_free(c);
}
END_TEST

START_TEST(retain_graph_allows_a_second_pass)
{
    nb_ctx *c = nb_ctx_new();
    nb_tensor *x = LEAF(c, (2), 1, -2);
    nb_tensor *loss = nb_sum(c, nb_mul(c, x, x), NB_ALL_AXES, false);
    nb_backward_opts keep = {.retain_graph = true};
    ck_assert_int_eq(nb_backward_ex(loss, &keep), 0);
    ck_assert_int_eq(nb_backward(loss), 0); /* the second pass releases it */
    CK_VALUES(nb_grad(x), 0, 4, -8);
    ck_assert_int_ne(nb_backward(loss), 0);
    ck_assert_str_eq(nb_last_error(), "nb_backward: the graph through 'sum' was already freed by an "
                                      "earlier backward; pass retain_graph to the first one to go "
                                      "through it twice");
    nb_ctx_free(c);
}
END_TEST

START_TEST(backward_after_reset_is_refused)
{
    nb_ctx *p = nb_ctx_new(), *c = nb_ctx_new(), *inputs = nb_ctx_new();
    nb_tensor *w = LEAF(p, (2), 1, 2);
    nb_tensor *loss = nb_sum(c, nb_mul(c, w, w), NB_ALL_AXES, false);
    nb_ctx_reset(c);
    ck_assert_int_ne(nb_backward(loss), 0);
    ck_assert_str_eq(nb_last_error(), "nb_backward: the tensor was made in an arena that has since "
                                      "been reset; its graph is gone");
    /* a graph reaching into another arena that was reset */
    nb_tensor *h = nb_mul_scalar(inputs, w, 3);
    loss = nb_sum(c, nb_mul(c, h, h), NB_ALL_AXES, false);
    nb_ctx_reset(inputs);
    ck_assert_int_ne(nb_backward(loss), 0);
    ck_assert_ptr_nonnull(strstr(nb_last_error(), "an input of 'mul' was made in an arena that has since been reset"));
    ck_assert_ptr_null(nb_grad(w));
    nb_ctx_free(inputs);
    nb_ctx_free(c);
    nb_ctx_free(p);
}
END_TEST

/* With create_graph a leaf's .grad is a graph tensor in the step's arena;
 * once that arena is reset (here into a new chunk, so the old memory is
 * freed) or freed, the grad is gone: nabla forgets it instead of reading it,
 * and the next backward starts a new one. */
START_TEST(create_graph_grad_goes_with_its_arena)
{
    nb_ctx *p = nb_ctx_new(), *c = nb_ctx_new();
    nb_tensor *w = LEAF(p, (2), 1, 2);
    ck_assert_ptr_nonnull(nb_zeros(c, NB_F64, NB_SHAPE(100000))); /* a second chunk */
    nb_tensor *loss = nb_sum(c, nb_mul(c, w, w), NB_ALL_AXES, false);
    ck_assert_int_eq(nb_backward_ex(loss, &(nb_backward_opts){.create_graph = true}), 0);
    ck_assert(nb_grad(w)->ctx == c);
    CK_VALUES(nb_grad(w), 0, 2, 4);
    nb_ctx_reset(c);
    ck_assert_ptr_null(nb_grad(w));
    loss = nb_sum(c, nb_mul_scalar(c, w, 3), NB_ALL_AXES, false);
    ck_assert_int_eq(nb_backward(loss), 0);
    ck_assert(nb_grad(w)->ctx == p); /* a plain backward: the grad is w's own again */
    CK_VALUES(nb_grad(w), 0, 3, 3);
    /* the same after nb_zero_grad, and when the arena is freed */
    nb_ctx *d = nb_ctx_new();
    nb_tensor *w2 = LEAF(p, (2), 1, 2);
    loss = nb_sum(d, nb_mul(d, w2, w2), NB_ALL_AXES, false);
    ck_assert_int_eq(nb_backward_ex(loss, &(nb_backward_opts){.create_graph = true}), 0);
    ck_assert_int_eq(nb_zero_grad(w2), 0);
    nb_ctx_free(d);
    ck_assert_ptr_null(nb_grad(w2));
    ck_assert_int_eq(nb_backward(nb_sum(c, w2, NB_ALL_AXES, false)), 0);
    CK_VALUES(nb_grad(w2), 0, 1, 1);
    nb_ctx_free(c);
    nb_ctx_free(p);
}
END_TEST

START_TEST(non_scalar_outputs_take_a_gradient)
{
    nb_ctx *c = nb_ctx_new();
    nb_tensor *x = LEAF(c, (2), 1, 2);
    nb_tensor *y = nb_mul_scalar(c, x, 3);
    ck_assert_int_ne(nb_backward(y), 0);
    ck_assert_str_eq(nb_last_error(), "nb_backward: the output has shape [2]; backward from a "
                                      "non-scalar needs grad_output");
    nb_backward_opts bad = {.grad_output = nb_ones(c, NB_F64, NB_SHAPE(3))};
    ck_assert_int_ne(nb_backward_ex(y, &bad), 0);
    ck_assert_str_eq(nb_last_error(), "nb_backward: grad_output has shape [3] but the output has shape [2]");
    nb_backward_opts opts = {.grad_output = nb_from_data(c, NB_F32, NB_SHAPE(2), (float[]){1, 2})};
    ck_assert_int_eq(nb_backward_ex(y, &opts), 0);
    CK_VALUES(nb_grad(x), 0, 3, 6);
    nb_tensor *plain = nb_ones(c, NB_F64, NB_SHAPE(1));
    ck_assert_int_ne(nb_backward(plain), 0);
    ck_assert_ptr_nonnull(strstr(nb_last_error(), "does not require grad"));
    nb_ctx_free(c);
}
END_TEST

START_TEST(requires_grad_rules_and_retained_grads)
{
    nb_ctx *c = nb_ctx_new();
    ck_assert_error_status(nb_requires_grad_(nb_zeros(c, NB_I64, NB_SHAPE(2)), true),
                           "only float tensors have gradients, this one is i64");
    nb_tensor *x = LEAF(c, (2), 1, 2);
    nb_tensor *h = nb_mul_scalar(c, x, 2);
    ck_assert_error_status(nb_requires_grad_(h, true), "this tensor was made by 'mul'");
    ck_assert_error_status(nb_retain_grad(nb_ones(c, NB_F64, NB_SHAPE(1))), "does not require grad");
    ck_assert_int_eq(nb_retain_grad(h), 0);
    ck_assert_int_eq(nb_backward(nb_sum(c, nb_mul(c, h, h), NB_ALL_AXES, false)), 0);
    CK_VALUES(nb_grad(h), 0, 4, 8); /* d/dh sum(h^2) = 2h */
    CK_VALUES(nb_grad(x), 0, 8, 16);
    ck_assert_int_eq(nb_requires_grad_(x, false), 0);
    ck_assert(!nb_requires_grad(nb_mul(c, x, x)));
    nb_ctx_free(c);
}
END_TEST

/* Full reductions split the gradient among ties; along an axis it goes to
 * the first extreme (both as PyTorch). */
START_TEST(max_and_min_route_ties)
{
    nb_ctx *c = nb_ctx_new();
    nb_tensor *x = LEAF(c, (3), 1, 3, 3);
    ck_assert_int_eq(nb_backward(nb_max(c, x, NB_ALL_AXES, false)), 0);
    CK_VALUES(nb_grad(x), 1e-15, 0, 0.5, 0.5);
    nb_tensor *v = LEAF(c, (3), 1, 3, 3); /* along a given axis, even of a vector: the first */
    ck_assert_int_eq(nb_backward(nb_max(c, v, NB_AXES(0), false)), 0);
    CK_VALUES(nb_grad(v), 0, 0, 1, 0);
    nb_tensor *m = LEAF(c, (2, 3), 1, 3, 3, 2, 2, 0);
    ck_assert_int_eq(nb_backward(nb_sum(c, nb_max(c, m, NB_AXES(1), false), NB_ALL_AXES, false)), 0);
    CK_VALUES(nb_grad(m), 0, 0, 1, 0, 1, 0, 0);
    nb_tensor *n = LEAF(c, (2, 2), 5, 5, 1, 7);
    ck_assert_int_eq(nb_backward(nb_sum(c, nb_min(c, n, NB_AXES(0), false), NB_ALL_AXES, false)), 0);
    CK_VALUES(nb_grad(n), 0, 0, 1, 1, 0);
    nb_tensor *e = LEAF(c, (2), 2, 2); /* maximum splits a tie too */
    ck_assert_int_eq(nb_backward(nb_sum(c, nb_maximum(c, e, nb_scalar(c, NB_F64, 2)), NB_ALL_AXES, false)), 0);
    CK_VALUES(nb_grad(e), 0, 0.5, 0.5);
    nb_ctx_free(c);
}
END_TEST

/* prod's gradient with zeros: the product of the others. */
/* A retained grad zeroed with nb_zero_grad and then set again by the next
 * backward holds the new gradient, not zeros. */
START_TEST(retained_grad_after_zero_grad_holds_the_next_gradient)
{
    nb_ctx *c = nb_ctx_new();
    nb_tensor *x = LEAF(c, (2), 1, 2);
    nb_tensor *y = nb_mul_scalar(c, x, 2);
    ck_assert_int_eq(nb_retain_grad(y), 0);
    nb_tensor *loss = nb_sum(c, nb_mul(c, y, y), NB_ALL_AXES, false);
    ck_assert_int_eq(nb_backward_ex(loss, &(nb_backward_opts){.retain_graph = true}), 0);
    CK_VALUES(nb_grad(y), 0, 4, 8);
    ck_assert_int_eq(nb_zero_grad(y), 0);
    ck_assert_int_eq(nb_backward(loss), 0);
    CK_VALUES(nb_grad(y), 0, 4, 8);
    nb_ctx_free(c);
}
END_TEST

/* Where x <= 0, relu passes no gradient at all: 0 even for an infinite or
 * NaN incoming gradient (PyTorch's threshold_backward gives [0, 3, 0] here),
 * not g * 0, which would be NaN; the same for clamp outside its bounds. */
START_TEST(relu_gradient_is_zero_where_x_is_not_positive)
{
    nb_ctx *c = nb_ctx_new();
    nb_tensor *x = LEAF(c, (3), -1, 2, 0);
    nb_backward_opts o = {.grad_output = nb_from_data(c, NB_F64, NB_SHAPE(3), (double[]){INFINITY, 3, NAN})};
    ck_assert_int_eq(nb_backward_ex(nb_relu(c, x), &o), 0);
    CK_VALUES(nb_grad(x), 0, 0, 3, 0);
    /* clamp too, outside its bounds (PyTorch: [0, 3, 0]) */
    nb_tensor *z = LEAF(c, (3), -5, 0.5, 5);
    ck_assert_int_eq(nb_backward_ex(nb_clamp(c, z, -1, 1), &o), 0);
    CK_VALUES(nb_grad(z), 0, 0, 3, 0);
    nb_ctx_free(c);
}
END_TEST

START_TEST(prod_gradient_with_zeros)
{
    nb_ctx *c = nb_ctx_new();
    nb_tensor *x = LEAF(c, (4), 2, 0, 3, 5);
    ck_assert_int_eq(nb_backward(nb_prod(c, x, NB_ALL_AXES, false)), 0);
    CK_VALUES(nb_grad(x), 0, 0, 30, 0, 0);
    nb_tensor *y = LEAF(c, (3), 0, 4, 0);
    ck_assert_int_eq(nb_backward(nb_prod(c, y, NB_ALL_AXES, false)), 0);
    CK_VALUES(nb_grad(y), 0, 0, 0, 0);
    nb_ctx_free(c);
}
END_TEST

/* A chain of a million ops backpropagates without recursion. */
START_TEST(million_node_chain)
{
    nb_ctx *c = nb_ctx_new();
    nb_tensor *x = leaf(c, 0, NULL, (const double[]){1.5});
    nb_tensor *y = x;
    enum { N = 1000000 };
    for (int i = 0; i < N && y; i++) y = nb_neg(c, y);
    ck_assert_ptr_nonnull(y);
    size_t forward_bytes = nb_ctx_bytes_used(c);
    ck_assert_uint_lt(forward_bytes / N, 2048); /* linear: a bounded cost per node */
    ck_assert_int_eq(nb_backward(y), 0);
    CK_VALUES(nb_grad(x), 0, 1); /* an even number of negations */
    ck_assert_uint_lt(nb_ctx_bytes_used(c) / N, 4096);
    nb_ctx_free(c);
}
END_TEST

/* Training that resets its step arena each step stays flat. */
START_TEST(ten_thousand_steps_keep_the_arena_flat)
{
    nb_ctx *params = nb_ctx_new(), *step = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 3);
    nb_tensor *W = nb_rand_normal(params, &rng, NB_F32, NB_SHAPE(8, 4), 0, 0.3);
    nb_tensor *b = nb_zeros(params, NB_F32, NB_SHAPE(4));
    nb_tensor *x = nb_rand_normal(params, &rng, NB_F32, NB_SHAPE(16, 8), 0, 1);
    nb_tensor *t = nb_rand_normal(params, &rng, NB_F32, NB_SHAPE(16, 4), 0, 1);
    nb_requires_grad_(W, true);
    nb_requires_grad_(b, true);
    size_t peak_early = 0, reserved_early = 0, params_bytes = 0;
    double first = 0, last = 0;
    for (int i = 0; i < 10000; i++) {
        nb_ctx_reset(step);
        nb_tensor *y = nb_tanh(step, nb_add(step, nb_matmul(step, x, W), b));
        nb_tensor *loss = nb_mean(step, nb_pow_scalar(step, nb_sub(step, y, t), 2), NB_ALL_AXES, false);
        ck_assert_int_eq(nb_backward(loss), 0);
        NB_NO_GRAD {
            nb_axpy_(W, -0.05, nb_grad(W));
            nb_axpy_(b, -0.05, nb_grad(b));
        }
        nb_zero_grad(W);
        nb_zero_grad(b);
        if (i == 0) first = nb_item(loss);
        last = nb_item(loss);
        if (i == 10) {
            peak_early = nb_ctx_peak_bytes(step);
            reserved_early = nb_ctx_bytes_reserved(step);
            params_bytes = nb_ctx_bytes_used(params);
        }
    }
    ck_assert_uint_eq(nb_ctx_peak_bytes(step), peak_early);
    ck_assert_uint_eq(nb_ctx_bytes_reserved(step), reserved_early);
    ck_assert_uint_eq(nb_ctx_bytes_used(params), params_bytes); /* grads reused in place */
    ck_assert_double_lt(last, first); /* and it learned something */
    nb_ctx_free(step);
    nb_ctx_free(params);
}
END_TEST

TCase *tcase_engine(void)
{
    TCase *tc = tcase_create("engine");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, mlp_gradients_worked_by_hand);
    tcase_add_test(tc, gradients_accumulate_until_zeroed);
    tcase_add_test(tc, broadcast_gradients_are_summed_back);
    tcase_add_test(tc, no_grad_nests_and_detach_cuts);
    tcase_add_test(tc, in_place_write_to_a_saved_value_is_refused);
    tcase_add_test(tc, retain_graph_allows_a_second_pass);
    tcase_add_test(tc, backward_after_reset_is_refused);
    tcase_add_test(tc, create_graph_grad_goes_with_its_arena);
    tcase_add_test(tc, non_scalar_outputs_take_a_gradient);
    tcase_add_test(tc, requires_grad_rules_and_retained_grads);
    tcase_add_test(tc, max_and_min_route_ties);
    tcase_add_test(tc, retained_grad_after_zero_grad_holds_the_next_gradient);
    tcase_add_test(tc, relu_gradient_is_zero_where_x_is_not_positive);
    tcase_add_test(tc, prod_gradient_with_zeros);
    tcase_add_test(tc, million_node_chain);
    tcase_add_test(tc, ten_thousand_steps_keep_the_arena_flat);
    return tc;
}
