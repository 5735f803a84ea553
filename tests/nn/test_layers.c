/* tests/nn/test_layers.c — every layer against values worked out by hand or
 * computed by PyTorch 1.13 in f64 (pasted as literals), gradchecked end to
 * end through its module, and its errors. */
#include <math.h>

#include "cases.h"

/* a module made with default init, converted to f64 and given these weights */
static void set(nb_module *m, const char *name, nb_tensor *value)
{
    nb_tensor *t = nb_module_tensor(m, name);
    ck_assert_msg(t != NULL, "no tensor %s", name);
    ck_assert_int_eq(nb_copy_(t, value), 0);
}

/* f(inputs) = forward of the module in `user` on inputs[0]; the other inputs
 * are the module's own parameters, so gradcheck perturbs them in place */
static nb_tensor *module_fn(nb_ctx *ctx, nb_tensor *const *in, int n, void *user)
{
    (void)n;
    return nb_module_forward(user, ctx, in[0]);
}

/* gradchecks a module in f64 with respect to x and all its parameters */
static void gradcheck_module(const char *what, nb_module *m, nb_ctx *c, nb_tensor *x)
{
    ck_assert_int_eq(nb_module_to(m, NB_F64), 0);
    nb_named_tensor *ps;
    int np = nb_module_parameters(m, c, &ps);
    nb_tensor *in[16] = {x};
    for (int i = 0; i < np; i++) in[i + 1] = ps[i].tensor;
    ck_assert_int_eq(nb_requires_grad_(x, true), 0);
    nn_gradcheck(what, module_fn, m, in, np + 1, 1e-5);
}

START_TEST(linear_is_x_w_transpose_plus_b)
{
    nb_ctx *p = nb_ctx_new(), *c = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 1);
    nb_module *m = nb_linear_new(p, &rng, 3, 2, true);
    ck_assert_int_eq(nb_module_to(m, NB_F64), 0);
    set(m, "weight", NN_F64(c, NB_SHAPE(2, 3), 1, 2, 3, -1, 0, 1));
    set(m, "bias", NN_F64(c, NB_SHAPE(2), 0.5, -0.5));
    nb_tensor *x = NN_F64(c, NB_SHAPE(2, 3), 1, 1, 1, 2, 0, -1);
    nb_tensor *y = nb_module_forward(m, c, x);
    CK_SHAPE(y, 2, 2);
    CK_VALUES(y, 0, 6.5, -0.5, -0.5, -3.5);
    ck_assert_str_eq(nb_grad_fn_name(y), "linear");
    /* dW = g^T x, db = sum g, for g = 1 */
    ck_assert_int_eq(nb_backward(nb_sum(c, y, NB_ALL_AXES, false)), 0);
    CK_VALUES(nb_grad(nb_module_tensor(m, "weight")), 0, 3, 1, 0, 3, 1, 0);
    CK_VALUES(nb_grad(nb_module_tensor(m, "bias")), 0, 2, 2);
    /* leading axes and a single vector */
    CK_SHAPE(nb_module_forward(m, c, nb_zeros(c, NB_F64, NB_SHAPE(4, 5, 3))), 4, 5, 2);
    CK_VALUES(nb_module_forward(m, c, NN_F64(c, NB_SHAPE(3), 1, 0, 0)), 0, 1.5, -1.5);
    ck_assert_error(nb_module_forward(m, c, nb_zeros(c, NB_F64, NB_SHAPE(2, 4))),
                    "nb_linear: input [2,4] does not fit weight [2,3]");
    ck_assert_error(nb_linear(c, x, nb_module_tensor(m, "weight"), nb_zeros(c, NB_F64, NB_SHAPE(3))),
                    "bias [3] does not fit weight [2,3]");
    CK_VALUES(nb_linear(c, x, nb_module_tensor(m, "weight"), NULL), 0, 6, 0, -1, -3);
    gradcheck_module("Linear", m, c, nb_rand_normal(c, &rng, NB_F64, NB_SHAPE(3, 3), 0, 1));
    nb_module *nobias = nb_linear_new(p, &rng, 3, 2, false);
    ck_assert_ptr_null(nb_module_tensor(nobias, "bias"));
    ck_assert_error(nb_linear_new(p, NULL, 3, 2, true), "need a random generator");
    nb_ctx_free(p), nb_ctx_free(c);
}
END_TEST

START_TEST(linear_and_conv_default_init_is_pytorchs)
{
    nb_ctx *p = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 2);
    nb_module *lin = nb_linear_new(p, &rng, 400, 300, true);
    nb_module *conv = nb_conv2d_new(p, &rng, 16, 8, 3, 3, NULL);
    /* U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases: fan_in 400 and 144 */
    struct { nb_tensor *t; double bound; } cases[] = {
        {nb_module_tensor(lin, "weight"), 0.05}, {nb_module_tensor(lin, "bias"), 0.05},
        {nb_module_tensor(conv, "weight"), 1.0 / 12}, {nb_module_tensor(conv, "bias"), 1.0 / 12}};
    for (int k = 0; k < 4; k++) {
        double lo = 1, hi = -1, sum = 0, sq = 0;
        int64_t n = nb_numel(cases[k].t);
        for (int64_t i = 0; i < n; i++) {
            double v = tu_at(cases[k].t, i);
            lo = fmin(lo, v), hi = fmax(hi, v), sum += v, sq += v * v;
        }
        ck_assert(lo >= -cases[k].bound && hi < cases[k].bound);
        if (n > 1000) { /* uniform: mean 0, variance bound^2 / 3 */
            ck_assert(fabs(sum / (double)n) < 0.02 * cases[k].bound);
            ck_assert_double_eq_tol(sq / (double)n, cases[k].bound * cases[k].bound / 3, 0.03 * cases[k].bound * cases[k].bound);
            ck_assert(lo < -0.99 * cases[k].bound && hi > 0.99 * cases[k].bound);
        }
    }
    ck_assert_int_eq(nb_module_num_elements(lin), 400 * 300 + 300);
    ck_assert_int_eq(nb_module_tensor(lin, "weight")->dtype, NB_F32);
    nb_ctx_free(p);
}
END_TEST

START_TEST(conv2d_matches_pytorch_with_stride_padding_dilation)
{
    nb_ctx *p = nb_ctx_new(), *c = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 3);
    nb_conv2d_opts o = {.stride = {2, 1}, .padding = {1, 2}, .dilation = {1, 2}};
    nb_module *m = nb_conv2d_new(p, &rng, 1, 2, 2, 3, &o);
    ck_assert_int_eq(nb_module_to(m, NB_F64), 0);
    nb_tensor *x = nb_reshape(c, nb_sub_scalar(c, nb_mul_scalar(c, nb_arange(c, NB_F64, 0, 20, 1), 0.1), 0.7), NB_SHAPE(1, 1, 4, 5));
    set(m, "weight", nb_reshape(c, nb_sub_scalar(c, nb_mul_scalar(c, nb_arange(c, NB_F64, 0, 12, 1), 0.25), 1), NB_SHAPE(2, 1, 2, 3)));
    set(m, "bias", NN_F64(c, NB_SHAPE(2), 0.5, -1));
    nb_requires_grad_(x, true);
    nb_tensor *y = nb_module_forward(m, c, x);
    CK_SHAPE(y, 1, 2, 3, 5);
    CK_VALUES(y, 1e-12, 0.375, 0.4, 0.6, 0.65, 0.625, 0.775, 0.675, 0.7, 0.425, 0.225, -0.6, -0.725, -1.65, -1.225, -1.4,
              -2.925, -2.6, -3.15, -2.35, -2.075, 0.175, 0.675, 1.45, 0.425, 0.825, 0.6, 0.775, 1.35, 0.275, 0.4);
    nb_tensor *r = nb_reshape(c, nb_sub_scalar(c, nb_mul_scalar(c, nb_arange(c, NB_F64, 0, 30, 1), 0.1), 1), y->ndim, y->shape);
    ck_assert_int_eq(nb_backward(nb_sum(c, nb_mul(c, y, r), NB_ALL_AXES, false)), 0);
    CK_VALUES(nb_grad(x), 1e-12, 1.825, 2.075, 2.95, 2.025, 2.375, 2.025, 1.975, 3.175, 2.425, 2.475, 3.075, 3.325, 5.2,
              3.775, 4.125, 1.775, 1.725, 3.175, 2.675, 2.725);
    CK_VALUES(nb_grad(nb_module_tensor(m, "weight")), 1e-12, 0.91, 1.2, 0.25, 1.06, 1.45, 0.4, 4.51, 8.7, 5.65, 0.16, 1.45, 1.3);
    CK_VALUES(nb_grad(nb_module_tensor(m, "bias")), 1e-12, -4.5, 18);
    gradcheck_module("Conv2d", m, c, nb_rand_normal(c, &rng, NB_F64, NB_SHAPE(2, 1, 5, 4), 0, 1));
    nb_ctx_free(p), nb_ctx_free(c);
}
END_TEST

START_TEST(conv2d_errors_name_the_shapes)
{
    nb_ctx *p = nb_ctx_new(), *c = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 3);
    nb_module *m = nb_conv2d_new(p, &rng, 3, 4, 5, 5, NULL);
    ck_assert_error(nb_module_forward(m, c, nb_zeros(c, NB_F32, NB_SHAPE(1, 2, 8, 8))),
                    "nb_conv2d: weight [4,3,5,5] does not fit input [1,2,8,8] (want [O, C, kh, kw] with C = 2)");
    ck_assert_error(nb_module_forward(m, c, nb_zeros(c, NB_F32, NB_SHAPE(1, 3, 4, 8))), "a 5x5 window (dilation 1x1, padding 0x0) does not fit input [1,3,4,8]");
    ck_assert_error(nb_module_forward(m, c, nb_zeros(c, NB_F32, NB_SHAPE(3, 8, 8))), "input must be [N,C,H,W], got [3,8,8]");
    ck_assert_error(nb_module_forward(m, c, nb_zeros(c, NB_F64, NB_SHAPE(1, 3, 8, 8))), "one dtype, got f64, f32, f32");
    ck_assert_error(nb_module_forward(m, c, nb_zeros(c, NB_I32, NB_SHAPE(1, 3, 8, 8))), "input must be f32 or f64, got i32");
    ck_assert_error(nb_conv2d_new(p, &rng, 3, 4, 0, 3, NULL), "kernel, stride and dilation must be >= 1");
    ck_assert_error(nb_conv2d_new(p, &rng, 3, 4, 3, 3, &(nb_conv2d_opts){.padding = {-1, 0}}), "padding >= 0");
    nb_module *nb = nb_conv2d_new(p, &rng, 3, 4, 3, 3, &(nb_conv2d_opts){.no_bias = true});
    ck_assert_ptr_null(nb_module_tensor(nb, "bias"));
    CK_SHAPE(nb_module_forward(nb, c, nb_zeros(c, NB_F32, NB_SHAPE(2, 3, 5, 6))), 2, 4, 3, 4);
    nb_ctx_free(p), nb_ctx_free(c);
}
END_TEST

START_TEST(im2col_and_col2im_are_adjoint)
{
    nb_ctx *c = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 4);
    nb_conv2d_opts o = {.stride = {2, 1}, .padding = {1, 1}, .dilation = {1, 2}};
    nb_tensor *x = nb_rand_normal(c, &rng, NB_F64, NB_SHAPE(2, 3, 5, 6), 0, 1);
    nb_tensor *cols = nb_im2col(c, x, 3, 2, &o);
    /* K = 3 kh kw = 18; OH = (5 + 2 - 2 - 1) / 2 + 1 = 3, OW = (6 + 2 - 2 - 1) / 1 + 1 = 6 */
    CK_SHAPE(cols, 2, 18, 18);
    nb_tensor *u = nb_rand_normal(c, &rng, NB_F64, cols->ndim, cols->shape, 0, 1);
    /* <im2col(x), u> = <x, col2im(u)> */
    double a = nb_item(nb_sum(c, nb_mul(c, cols, u), NB_ALL_AXES, false));
    double b = nb_item(nb_sum(c, nb_mul(c, x, nb_col2im(c, u, 5, 6, 3, 2, &o)), NB_ALL_AXES, false));
    ck_assert_double_eq_tol(a, b, 1e-10 * fabs(a));
    /* a 1x1 window with stride 1 is a reshape */
    ck_tensor_equal(nb_im2col(c, x, 1, 1, NULL), nb_reshape(c, x, NB_SHAPE(2, 3, 30)));
    ck_assert_error(nb_col2im(c, u, 5, 7, 3, 2, &o), "columns [2,18,18] do not fit a 5x7 image");
    nb_ctx_free(c);
}
END_TEST

static nb_tensor *pool_input(nb_ctx *c)
{
    return NN_F64(c, NB_SHAPE(1, 1, 4, 4), 1, 5, 2, 0, 3, 4, 9, 1, 7, 0, 6, 8, 2, 2, 3, 1);
}

START_TEST(max_pool_takes_the_largest_and_routes_the_gradient_to_it)
{
    nb_ctx *p = nb_ctx_new(), *c = nb_ctx_new();
    nb_tensor *x = pool_input(c);
    nb_requires_grad_(x, true);
    nb_module *m = nb_max_pool2d_new(p, &(nb_pool2d_opts){.kernel = {2, 2}});
    nb_tensor *y = nb_module_forward(m, c, x);
    CK_VALUES(y, 0, 5, 9, 7, 8);
    /* PyTorch: kernel 3, stride 2, padding 1 */
    nb_tensor *z = nb_max_pool2d(c, x, &(nb_pool2d_opts){.kernel = {3, 3}, .stride = {2, 2}, .padding = {1, 1}});
    CK_VALUES(z, 0, 5, 9, 7, 9);
    ck_assert_int_eq(nb_backward_ex(z, &(nb_backward_opts){.grad_output = NN_F64(c, NB_SHAPE(1, 1, 2, 2), 1, 2, 3, 4)}), 0);
    CK_VALUES(nb_grad(x), 0, 0, 1, 0, 0, 0, 0, 6, 0, 3, 0, 0, 0, 0, 0, 0, 0);
    /* dilation 2 and one image [C,H,W] */
    nb_tensor *d = nb_max_pool2d(c, nb_detach(c, nb_squeeze(c, x, 0)), &(nb_pool2d_opts){.kernel = {2, 2}, .stride = {1, 1}, .dilation = {2, 2}});
    CK_SHAPE(d, 1, 2, 2);
    CK_VALUES(d, 0, 7, 8, 9, 4);
    /* the 2x2 fast path's backward: each window's gradient at its maximum, 0
     * elsewhere, also in the last row and column that no window covers */
    nb_tensor *o = NN_F64(c, NB_SHAPE(1, 1, 3, 5), 1, 5, 2, 0, 9, 3, 4, 9, 1, 9, 7, 0, 6, 8, 9);
    nb_requires_grad_(o, true);
    nb_tensor *po = nb_max_pool2d(c, o, &(nb_pool2d_opts){.kernel = {2, 2}});
    ck_assert_int_eq(nb_backward_ex(po, &(nb_backward_opts){.grad_output = NN_F64(c, NB_SHAPE(1, 1, 1, 2), 2, 3)}), 0);
    CK_VALUES(nb_grad(o), 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0);
    /* a window of more than 64 taps (9x9) takes the bounds-checked path:
     * the maximum of arange(144) over the top-left 9x9 is 8 * 12 + 8 */
    nb_tensor *wide = nb_reshape(c, nb_arange(c, NB_F64, 0, 144, 1), NB_SHAPE(1, 1, 12, 12));
    nb_tensor *big = nb_max_pool2d(c, wide, &(nb_pool2d_opts){.kernel = {9, 9}});
    CK_SHAPE(big, 1, 1, 1, 1);
    CK_VALUES(big, 0, 104);
    /* ties: the first maximum takes the gradient, as PyTorch */
    nb_tensor *t = NN_F64(c, NB_SHAPE(1, 1, 2, 2), 3, 3, 1, 3);
    nb_requires_grad_(t, true);
    ck_assert_int_eq(nb_backward(nb_sum(c, nb_max_pool2d(c, t, &(nb_pool2d_opts){.kernel = {2, 2}}), NB_ALL_AXES, false)), 0);
    CK_VALUES(nb_grad(t), 0, 1, 0, 0, 0);
    /* a NaN wins and takes the gradient, as in PyTorch; the 2x2 fast path and the general one agree */
    nb_tensor *n = NN_F64(c, NB_SHAPE(1, 1, 2, 4), 1, NAN, 5, 6, 3, 2, 7, 8);
    nb_requires_grad_(n, true);
    nb_tensor *pooled = nb_max_pool2d(c, n, &(nb_pool2d_opts){.kernel = {2, 2}});
    ck_assert(isnan(tu_at(pooled, 0)) && tu_at(pooled, 1) == 8);
    ck_assert_int_eq(nb_backward(nb_sum(c, nb_where(c, nb_eq(c, pooled, pooled), pooled, nb_zeros_like(c, pooled)), NB_ALL_AXES, false)), 0);
    CK_VALUES(nb_grad(n), 0, 0, 0, 0, 0, 0, 0, 0, 1); /* the NaN window's gradient is the where's 0 */
    nb_tensor *general = nb_max_pool2d(c, nb_detach(c, n), &(nb_pool2d_opts){.kernel = {2, 2}, .stride = {2, 1}});
    ck_assert(isnan(tu_at(general, 0)) && isnan(tu_at(general, 1)) && tu_at(general, 2) == 8);
    ck_assert_error(nb_max_pool2d(c, x, &(nb_pool2d_opts){.kernel = {2, 2}, .padding = {2, 0}}), "padding 2x0 must be at most half the kernel 2x2");
    ck_assert_error(nb_max_pool2d(c, x, NULL), "options with a kernel size are needed");
    /* width 1, kernel 2 dilated by 2, padding 1: the window's two taps (-1 and 1) both miss */
    ck_assert_error(nb_max_pool2d(c, nb_zeros(c, NB_F64, NB_SHAPE(1, 1, 3, 1)),
                                  &(nb_pool2d_opts){.kernel = {1, 2}, .padding = {0, 1}, .dilation = {1, 2}}),
                    "a window falls wholly in the padding of a 3x1 input and has no maximum");
    ck_assert_error(nb_max_pool2d(c, x, &(nb_pool2d_opts){.kernel = {5, 5}}), "does not fit input [1,1,4,4]");
    nb_ctx_free(p), nb_ctx_free(c);
}
END_TEST

START_TEST(avg_pool_counts_padding_as_zeros)
{
    nb_ctx *p = nb_ctx_new(), *c = nb_ctx_new();
    nb_tensor *x = pool_input(c);
    nb_requires_grad_(x, true);
    nb_module *m = nb_avg_pool2d_new(p, &(nb_pool2d_opts){.kernel = {2, 2}});
    CK_VALUES(nb_module_forward(m, c, x), 1e-15, 13.0 / 4, 12.0 / 4, 11.0 / 4, 18.0 / 4);
    nb_tensor *z = nb_avg_pool2d(c, x, &(nb_pool2d_opts){.kernel = {3, 3}, .stride = {2, 2}, .padding = {1, 1}});
    CK_VALUES(z, 1e-15, 13.0 / 9, 21.0 / 9, 2, 34.0 / 9);
    ck_assert_int_eq(nb_backward_ex(z, &(nb_backward_opts){.grad_output = NN_F64(c, NB_SHAPE(1, 1, 2, 2), 1, 2, 3, 4)}), 0);
    CK_VALUES(nb_grad(x), 1e-15, 1.0 / 9, 3.0 / 9, 2.0 / 9, 2.0 / 9, 4.0 / 9, 10.0 / 9, 6.0 / 9, 6.0 / 9, 3.0 / 9,
              7.0 / 9, 4.0 / 9, 4.0 / 9, 3.0 / 9, 7.0 / 9, 4.0 / 9, 4.0 / 9);
    nb_rng rng;
    nb_rng_seed(&rng, 5);
    gradcheck_module("AvgPool2d", m, c, nb_rand_normal(c, &rng, NB_F64, NB_SHAPE(2, 2, 4, 5), 0, 1));
    nb_ctx_free(p), nb_ctx_free(c);
}
END_TEST

START_TEST(embedding_picks_rows_and_adds_their_gradients)
{
    nb_ctx *p = nb_ctx_new(), *c = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 6);
    nb_module *m = nb_embedding_new(p, &rng, 4, 2);
    ck_assert_int_eq(nb_module_to(m, NB_F64), 0);
    set(m, "weight", NN_F64(c, NB_SHAPE(4, 2), 0, 1, 10, 11, 20, 21, 30, 31));
    nb_tensor *idx = NN_I64(c, NB_SHAPE(2, 2), 3, 1, 1, 0);
    nb_tensor *y = nb_module_forward(m, c, idx);
    CK_SHAPE(y, 2, 2, 2);
    CK_VALUES(y, 0, 30, 31, 10, 11, 10, 11, 0, 1);
    ck_assert_int_eq(nb_backward(nb_sum(c, y, NB_ALL_AXES, false)), 0);
    CK_VALUES(nb_grad(nb_module_tensor(m, "weight")), 0, 1, 1, 2, 2, 0, 0, 1, 1);
    ck_assert_error(nb_module_forward(m, c, NN_I64(c, NB_SHAPE(1), 4)), "nb_embedding: index 4 (at position 0) is outside [0, 4)");
    ck_assert_error(nb_module_forward(m, c, NN_F64(c, NB_SHAPE(1), 1)), "indices must be i32 or i64, got f64");
    nb_ctx_free(p), nb_ctx_free(c);
}
END_TEST

START_TEST(embedding_bag_sums_or_averages_each_bag)
{
    nb_ctx *p = nb_ctx_new(), *c = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 7);
    nb_tensor *w = NN_F64(c, NB_SHAPE(4, 2), 0, 1, 10, 11, 20, 21, 30, 31);
    nb_tensor *idx = NN_I64(c, NB_SHAPE(5), 1, 2, 3, 0, 1), *off = NN_I64(c, NB_SHAPE(3), 0, 2, 2);
    nb_requires_grad_(w, true);
    /* bags {1, 2}, {} and {3, 0, 1} */
    CK_VALUES(nb_embedding_bag(c, w, idx, off, NB_BAG_SUM), 0, 30, 32, 0, 0, 40, 43);
    nb_tensor *mean = nb_embedding_bag(c, w, idx, off, NB_BAG_MEAN);
    CK_VALUES(mean, 1e-15, 15, 16, 0, 0, 40.0 / 3, 43.0 / 3);
    ck_assert_int_eq(nb_backward(nb_sum(c, mean, NB_ALL_AXES, false)), 0);
    CK_VALUES(nb_grad(w), 1e-15, 1.0 / 3, 1.0 / 3, 0.5 + 1.0 / 3, 0.5 + 1.0 / 3, 0.5, 0.5, 1.0 / 3, 1.0 / 3);
    /* the module: fixed-size bags as [B, L], or indices + offsets */
    nb_module *m = nb_embedding_bag_new(p, &rng, 4, 2, NB_BAG_SUM);
    ck_assert_int_eq(nb_module_to(m, NB_F64), 0);
    set(m, "weight", w);
    CK_VALUES(nb_module_forward(m, c, NN_I64(c, NB_SHAPE(2, 2), 0, 3, 2, 2)), 0, 30, 32, 40, 42);
    CK_VALUES(nb_embedding_bag_forward(m, c, idx, off), 0, 30, 32, 0, 0, 40, 43);
    ck_assert_error(nb_embedding_bag(c, w, idx, NN_I64(c, NB_SHAPE(2), 1, 2), NB_BAG_SUM), "offsets[0] = 1; offsets must start at 0");
    ck_assert_error(nb_embedding_bag(c, w, idx, NN_I64(c, NB_SHAPE(2), 0, 6), NB_BAG_SUM), "offsets[1] = 6");
    ck_assert_error(nb_embedding_bag(c, w, idx, NULL, NB_BAG_SUM), "want 1-D indices with offsets or 2-D indices without");
    ck_assert_error(nb_embedding_bag_forward(nb_relu_new(p), c, idx, off), "the module is not an EmbeddingBag");
    nb_ctx_free(p), nb_ctx_free(c);
}
END_TEST

START_TEST(batch_norm_uses_batch_statistics_in_training_and_running_ones_in_eval)
{
    nb_ctx *p = nb_ctx_new(), *c = nb_ctx_new();
    nb_module *m = nb_batch_norm2d_new(p, 3, NULL);
    ck_assert_int_eq(nb_module_to(m, NB_F64), 0);
    set(m, "weight", NN_F64(c, NB_SHAPE(3), 1, 2, 0.5));
    set(m, "bias", NN_F64(c, NB_SHAPE(3), 0, 1, -1));
    /* x = arange(24)^1.5 / 10 as [2,3,2,2]; PyTorch's values */
    nb_tensor *x = nb_reshape(c, nb_mul_scalar(c, nb_pow_scalar(c, nb_arange(c, NB_F64, 0, 24, 1), 1.5), 0.1), NB_SHAPE(2, 3, 2, 2));
    nb_tensor *y = nb_module_forward(m, c, x);
    CK_VALUES(y, 1e-12, -1.0752611695159797, -1.0338938172384504, -0.9582566282552849, -0.86031010175813738,
              -1.29813071568026, -1.0905500272424091, -0.86102174480207405, -0.61147371679027762, -1.5864957360225309,
              -1.5254150598131719, -1.4608394255337243, -1.3929486718035486, 0.64434737254675911, 0.86371625745259928,
              1.0916932595709807, 1.3279648271975142, 2.3569875935962008, 2.7546641807747112, 3.1642160578709126,
              3.5853083722731993, -0.65315179912551091, -0.55828304489623026, -0.4611277497556186, -0.36173851304966442);
    CK_VALUES(nb_module_tensor(m, "running_mean"), 1e-12, 0.25992989889760526, 0.43209618181571285, 0.64612893342491873);
    CK_VALUES(nb_module_tensor(m, "running_var"), 1e-12, 1.5678451161037801, 1.9730615961175131, 2.3641988730420231);
    ck_assert_int_eq(nb_item_i64(nb_module_tensor(m, "num_batches_tracked")), 1);
    nb_module_eval(m);
    ck_assert(!nb_module_is_training(m));
    CK_VALUES(nb_module_forward(m, c, x), 1e-12, -0.20758849204157842, -0.12772523163098817, 0.018298919974403614,
              0.20739318202616075, 1.5238330170450758, 1.9766598038719714, 2.4773641584317714, 3.0217405767487504,
              -0.47430591922875698, -0.33211719910582166, -0.18179262251060541, -0.023750832861983973, 3.1122649005003349,
              3.5357755536279347, 3.9759049234183239, 4.4320476711190535, 9.4972889869502843, 10.364800375044778,
              11.258217108268118, 12.176808722561651, 1.698410364510657, 1.9192538060155144, 2.1454200491962494,
              2.3767866488844454);
    ck_assert_int_eq(nb_item_i64(nb_module_tensor(m, "num_batches_tracked")), 1); /* eval leaves them */
    nb_module_train(m, true);
    gradcheck_module("BatchNorm2d", m, c, nb_detach(c, x));
    ck_assert_error(nb_module_forward(m, c, nb_zeros(c, NB_F64, NB_SHAPE(2, 3))), "BatchNorm2d: input must have 4 axes, got [2,3]");
    ck_assert_error(nb_module_forward(m, c, nb_zeros(c, NB_F64, NB_SHAPE(1, 3, 1, 1))), "more than one value per channel");
    ck_assert_error(nb_module_forward(m, c, nb_zeros(c, NB_F64, NB_SHAPE(2, 4, 1, 1))), "weight is f64 [3]; want f64 [4]");
    nb_ctx_free(p), nb_ctx_free(c);
}
END_TEST

START_TEST(batch_norm1d_by_hand)
{
    nb_ctx *p = nb_ctx_new(), *c = nb_ctx_new();
    nb_module *m = nb_batch_norm1d_new(p, 2, &(nb_norm_opts){.eps = 1e-300, .momentum = 0.5});
    ck_assert_int_eq(nb_module_to(m, NB_F64), 0);
    /* columns (1, 3) and (2, 6): means 2 and 4, biased variances 1 and 4 */
    nb_tensor *x = NN_F64(c, NB_SHAPE(2, 2), 1, 2, 3, 6);
    CK_VALUES(nb_module_forward(m, c, x), 1e-12, -1, -1, 1, 1);
    /* r = r / 2 + batch / 2 with unbiased variances 2 and 8 */
    CK_VALUES(nb_module_tensor(m, "running_mean"), 1e-15, 1, 2);
    CK_VALUES(nb_module_tensor(m, "running_var"), 1e-15, 1.5, 4.5);
    nb_module *plain = nb_batch_norm1d_new(p, 2, &(nb_norm_opts){.no_affine = true, .no_running_stats = true});
    ck_assert_int_eq(nb_module_num_elements(plain), 0);
    nb_module_eval(plain); /* no running statistics: batch statistics even in eval */
    CK_VALUES(nb_module_forward(plain, c, nb_cast(c, x, NB_F32)), 1e-5, -1, -1, 1, 1);
    CK_SHAPE(nb_module_forward(m, c, nb_zeros(c, NB_F64, NB_SHAPE(3, 2, 5))), 3, 2, 5);
    nb_ctx_free(p), nb_ctx_free(c);
}
END_TEST

START_TEST(layer_norm_normalises_each_row)
{
    nb_ctx *p = nb_ctx_new(), *c = nb_ctx_new();
    nb_module *m = nb_layer_norm_new(p, NB_SHAPE(3), NULL);
    ck_assert_int_eq(nb_module_to(m, NB_F64), 0);
    set(m, "weight", NN_F64(c, NB_SHAPE(3), 1, 0.5, 2));
    set(m, "bias", NN_F64(c, NB_SHAPE(3), 0, 1, 0));
    nb_tensor *x = NN_F64(c, NB_SHAPE(2, 3), 1, 2, 4, 0, -1, 3);
    CK_VALUES(nb_module_forward(m, c, x), 1e-12, -1.0690415314502979, 0.86636980856871271, 2.6726038286257436,
              -0.3922315914145858, 0.50971051073176776, 2.7456211399021);
    nb_rng rng;
    nb_rng_seed(&rng, 8);
    gradcheck_module("LayerNorm", m, c, nb_rand_normal(c, &rng, NB_F64, NB_SHAPE(4, 3), 0, 1));
    nb_module *two = nb_layer_norm_new(p, NB_SHAPE(2, 3), &(nb_norm_opts){.no_affine = true});
    nb_tensor *y = nb_module_forward(two, c, nb_rand_normal(c, &rng, NB_F32, NB_SHAPE(5, 2, 3), 3, 2));
    nb_tensor *mean = nb_mean(c, y, NB_AXES(1, 2), false), *var = nb_var(c, y, NB_AXES(1, 2), 0, false);
    for (int i = 0; i < 5; i++) {
        ck_assert_double_eq_tol(tu_at(mean, i), 0, 1e-6);
        ck_assert_double_eq_tol(tu_at(var, i), 1, 1e-4);
    }
    ck_assert_error(nb_module_forward(m, c, nb_zeros(c, NB_F64, NB_SHAPE(2, 4))), "weight is f64 [3]; want f64 [4]");
    ck_assert_error(nb_layer_norm(c, x, 3, NULL, NULL, 1e-5), "normalises 1..2 trailing axes of this input (got 3)");
    nb_ctx_free(p), nb_ctx_free(c);
}
END_TEST

START_TEST(dropout_zeroes_and_rescales_in_training_only)
{
    nb_ctx *p = nb_ctx_new(), *c = nb_ctx_new();
    nb_rng rng, again;
    nb_rng_seed(&rng, 9);
    again = rng;
    nb_module *m = nb_dropout_new(p, 0.25, &rng);
    nb_tensor *x = nb_ones(c, NB_F32, NB_SHAPE(100, 100));
    nb_tensor *y = nb_module_forward(m, c, x);
    int64_t zeros = 0;
    for (int64_t i = 0; i < 10000; i++) {
        double v = tu_at(y, i);
        ck_assert(v == 0 || v == (float)(1 / 0.75));
        zeros += v == 0;
    }
    ck_assert(zeros > 2300 && zeros < 2700); /* 2500 +- 5 sd */
    ck_tensor_equal(nb_dropout(c, x, 0.25, true, &again), y); /* same generator state, same mask */
    nb_module_eval(m);
    ck_assert_ptr_eq(nb_module_forward(m, c, x), x);
    ck_assert_error(nb_dropout(c, x, 0.5, true, NULL), "training mode needs a random generator");
    ck_assert_error(nb_dropout(c, x, 1.5, true, &rng), "p = 1.5 is outside [0, 1]");
    CK_VALUES(nb_dropout(c, NN_F64(c, NB_SHAPE(2), 1, 2), 1, true, &rng), 0, 0, 0);
    ck_assert_error(nb_dropout_new(p, 0.5, NULL), "need a random generator");
    /* gradient: g * mask */
    nb_tensor *w = nb_ones(c, NB_F64, NB_SHAPE(50));
    nb_requires_grad_(w, true);
    nb_module_train(m, true);
    nb_tensor *z = nb_module_forward(m, c, w);
    ck_assert_int_eq(nb_backward(nb_sum(c, z, NB_ALL_AXES, false)), 0);
    ck_tensor_equal(nb_grad(w), nb_detach(c, z));
    nb_ctx_free(p), nb_ctx_free(c);
}
END_TEST

START_TEST(activation_layers_apply_their_functions)
{
    nb_ctx *p = nb_ctx_new(), *c = nb_ctx_new();
    nb_tensor *x = NN_F64(c, NB_SHAPE(2, 3), -2, -0.5, 0, 0.5, 1, 3);
    struct { nb_module *m; nb_tensor *want; } cases[] = {
        {nb_relu_new(p), nb_relu(c, x)}, {nb_leaky_relu_new(p, 0.2), nb_leaky_relu(c, x, 0.2)},
        {nb_gelu_new(p), nb_gelu(c, x)}, {nb_tanh_new(p), nb_tanh(c, x)}, {nb_sigmoid_new(p), nb_sigmoid(c, x)},
        {nb_softmax_new(p, 1), nb_softmax(c, x, 1)}, {nb_log_softmax_new(p, 0), nb_log_softmax(c, x, 0)},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_tensor_equal(nb_module_forward(cases[i].m, c, x), cases[i].want);
    CK_VALUES(nb_module_forward(cases[1].m, c, x), 1e-15, -0.4, -0.1, 0, 0.5, 1, 3);
    nb_module *flat = nb_flatten_new(p);
    CK_SHAPE(nb_module_forward(flat, c, nb_zeros(c, NB_F32, NB_SHAPE(4, 2, 3, 5))), 4, 30);
    ck_assert_error(nb_module_forward(flat, c, nb_scalar(c, NB_F32, 1)), "Flatten: the input must have a batch axis");
    nb_ctx_free(p), nb_ctx_free(c);
}
END_TEST

/* x -> Linear -> ReLU -> Dropout(eval) -> Conv via reshape: whole stacks gradcheck */
START_TEST(a_small_cnn_gradchecks_end_to_end)
{
    nb_ctx *p = nb_ctx_new(), *c = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 10);
    nb_module *m = nb_sequential_new(p, 7, (nb_module *[]){
        nb_conv2d_new(p, &rng, 2, 3, 3, 3, &(nb_conv2d_opts){.padding = {1, 1}}), nb_tanh_new(p),
        nb_max_pool2d_new(p, &(nb_pool2d_opts){.kernel = {2, 2}}), nb_batch_norm2d_new(p, 3, NULL),
        nb_flatten_new(p), nb_linear_new(p, &rng, 12, 4, true), nb_gelu_new(p)});
    gradcheck_module("Sequential(conv, tanh, pool, bn, flatten, linear, gelu)", m, c,
                     nb_rand_normal(c, &rng, NB_F64, NB_SHAPE(3, 2, 4, 4), 0, 1));
    nb_ctx_free(p), nb_ctx_free(c);
}
END_TEST

TCase *tcase_nn_layers(void)
{
    TCase *tc = tcase_create("layers");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, linear_is_x_w_transpose_plus_b);
    tcase_add_test(tc, linear_and_conv_default_init_is_pytorchs);
    tcase_add_test(tc, conv2d_matches_pytorch_with_stride_padding_dilation);
    tcase_add_test(tc, conv2d_errors_name_the_shapes);
    tcase_add_test(tc, im2col_and_col2im_are_adjoint);
    tcase_add_test(tc, max_pool_takes_the_largest_and_routes_the_gradient_to_it);
    tcase_add_test(tc, avg_pool_counts_padding_as_zeros);
    tcase_add_test(tc, embedding_picks_rows_and_adds_their_gradients);
    tcase_add_test(tc, embedding_bag_sums_or_averages_each_bag);
    tcase_add_test(tc, batch_norm_uses_batch_statistics_in_training_and_running_ones_in_eval);
    tcase_add_test(tc, batch_norm1d_by_hand);
    tcase_add_test(tc, layer_norm_normalises_each_row);
    tcase_add_test(tc, dropout_zeroes_and_rescales_in_training_only);
    tcase_add_test(tc, activation_layers_apply_their_functions);
    tcase_add_test(tc, a_small_cnn_gradchecks_end_to_end);
    return tc;
}
