/* tests/nn/test_losses.c — every loss against PyTorch 1.13's values in f64
 * (pasted as literals) or by hand, in each reduction, gradchecked, and its
 * errors. */
#include <math.h>

#include "cases.h"

static nb_tensor *logits(nb_ctx *c)
{
    return NN_F64(c, NB_SHAPE(4, 3), 1, -2, 0.5, 0.3, 0.2, -1, 2, 2, 2, -1, 0.5, 3);
}

START_TEST(cross_entropy_matches_pytorch)
{
    nb_ctx *c = nb_ctx_new();
    nb_tensor *x = logits(c), *t = NN_I64(c, NB_SHAPE(4), 0, 2, 1, -100), *w = NN_F64(c, NB_SHAPE(3), 1, 2, 0.5);
    nb_cross_entropy_opts ig = {.ignore = true, .ignore_index = -100};
    CK_VALUES(nb_cross_entropy(c, x, t, &ig), 1e-14, 1.2271088517161577);
    ig.reduction = NB_REDUCE_SUM;
    CK_VALUES(nb_cross_entropy(c, x, t, &ig), 1e-14, 3.6813265551484728);
    ig.reduction = NB_REDUCE_NONE;
    CK_VALUES(nb_cross_entropy(c, x, t, &ig), 1e-14, 0.50459690234228349, 2.0781173641380799, 1.0986122886681098, 0);
    nb_cross_entropy_opts all = {.weight = w, .ignore = true, .ignore_index = -100, .label_smoothing = 0.1};
    CK_VALUES(nb_cross_entropy(c, x, t, &all), 1e-14, 1.1089372124781267);
    all.reduction = NB_REDUCE_SUM;
    CK_VALUES(nb_cross_entropy(c, x, t, &all), 1e-14, 3.8812802436734435);
    all.reduction = NB_REDUCE_NONE;
    CK_VALUES(nb_cross_entropy(c, x, t, &all), 1e-14, 0.72134018404798828, 1.0542665063449119, 2.105673553280544, 0);
    all.reduction = NB_REDUCE_MEAN;
    nb_requires_grad_(x, true);
    nb_tensor *loss = nb_cross_entropy(c, x, t, &all);
    ck_assert_str_eq(nb_grad_fn_name(loss), "cross_entropy");
    ck_assert_int_eq(nb_backward(loss), 0);
    CK_VALUES(nb_grad(x), 1e-14, -0.091291987309208733, -0.010316227896457067, 0.10160821520566578, 0.064834163888150761,
              0.048234257624845629, -0.11306842151299638, 0.17301587301587301, -0.35079365079365088, 0.17777777777777778, 0, 0, 0);
    nb_ctx_free(c);
}
END_TEST

START_TEST(cross_entropy_takes_extra_axes_like_pytorch)
{
    nb_ctx *c = nb_ctx_new();
    nb_tensor *x = nb_reshape(c, nb_sin(c, nb_arange(c, NB_F64, 0, 24, 1)), NB_SHAPE(2, 3, 2, 2));
    nb_tensor *t = NN_I64(c, NB_SHAPE(2, 2, 2), 0, 1, 2, 0, 1, 1, 2, 2);
    CK_VALUES(nb_cross_entropy(c, x, t, NULL), 1e-14, 1.7958634488523908);
    nb_tensor *none = nb_cross_entropy(c, x, t, &(nb_cross_entropy_opts){.reduction = NB_REDUCE_NONE});
    CK_SHAPE(none, 2, 2, 2);
    CK_VALUES(none, 1e-14, 1.4251958174228057, 2.3971218446144213, 1.8840654959498295, 1.0967951857355895,
              1.6297841271579578, 2.3996216353984461, 1.4333942030097093, 2.1009292815303651);
    nb_ctx_free(c);
}
END_TEST

/* the loss as a function of the logits, for gradcheck */
typedef struct {
    nb_tensor *t;
    nb_cross_entropy_opts o;
    bool nll;
} ce_case;

static nb_tensor *ce_fn(nb_ctx *ctx, nb_tensor *const *in, int n, void *user)
{
    (void)n;
    ce_case *k = user;
    return k->nll ? nb_nll_loss(ctx, nb_log_softmax(ctx, in[0], 1), k->t, &k->o) : nb_cross_entropy(ctx, in[0], k->t, &k->o);
}

START_TEST(cross_entropy_and_nll_gradcheck)
{
    nb_ctx *c = nb_ctx_new();
    nb_tensor *x = logits(c);
    nb_requires_grad_(x, true);
    ce_case cases[] = {
        {NN_I64(c, NB_SHAPE(4), 0, 2, 1, 1), {0}, false},
        {NN_I64(c, NB_SHAPE(4), 0, 2, 1, 1), {.weight = NN_F64(c, NB_SHAPE(3), 1, 2, 0.5), .ignore = true, .ignore_index = 1, .label_smoothing = 0.2}, false},
        {NN_I64(c, NB_SHAPE(4), 0, 2, 1, 7), {.ignore = true, .ignore_index = 7, .reduction = NB_REDUCE_NONE}, false},
        {NN_I64(c, NB_SHAPE(4), 0, 2, 1, 7), {.weight = NN_F64(c, NB_SHAPE(3), 1, 2, 0.5), .ignore = true, .ignore_index = 7}, true},
        {NN_I64(c, NB_SHAPE(4), 0, 2, 1, 1), {.reduction = NB_REDUCE_SUM}, true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) nn_gradcheck(cases[i].nll ? "nll" : "cross_entropy", ce_fn, &cases[i], &x, 1, 1e-6);
    nb_ctx_free(c);
}
END_TEST

/* f32 logits take their own paths (the vector log-sum-exp forward, a fused
 * backward unless the backward is recorded): they agree with f64 to f32
 * precision in every option, and give the same bits on 1 and 2 threads. */
START_TEST(cross_entropy_f32_agrees_with_f64)
{
    nb_ctx *c = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 29);
    int64_t N = 300, C = 129; /* enough for the rows to run in parallel */
    nb_tensor *x64 = nb_rand_normal(c, &rng, NB_F64, NB_SHAPE(N, C), 0, 3);
    nb_tensor *x32 = nb_cast(c, x64, NB_F32);
    x64 = nb_cast(c, x32, NB_F64); /* the same values on both sides */
    nb_tensor *t = nb_rand_int(c, &rng, NB_I64, NB_SHAPE(N), 0, C);
    for (int64_t i = 0; i < N; i += 7) ((int64_t *)nb_data(t))[i] = -100;
    nb_tensor *w = nb_rand_uniform(c, &rng, NB_F64, NB_SHAPE(C), 0.5, 2);
    /* loss . v: an upstream gradient that differs by row (for NB_REDUCE_NONE) */
    nb_tensor *v64 = nb_rand_uniform(c, &rng, NB_F64, NB_SHAPE(N), 0.5, 1.5);
    nb_tensor *v32 = nb_cast(c, v64, NB_F32);
    nb_cross_entropy_opts opts[] = {
        {.ignore = true, .ignore_index = -100},
        {.ignore = true, .ignore_index = -100, .reduction = NB_REDUCE_SUM},
        {.ignore = true, .ignore_index = -100, .reduction = NB_REDUCE_NONE},
        {.weight = w, .ignore = true, .ignore_index = -100, .label_smoothing = 0.1},
        {.weight = w, .ignore = true, .ignore_index = -100, .label_smoothing = 0.3, .reduction = NB_REDUCE_NONE},
    };
    nb_requires_grad_(x64, true);
    nb_requires_grad_(x32, true);
    int threads = nb_get_num_threads();
    for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++) {
        nb_zero_grad(x64);
        nb_tensor *l64 = nb_cross_entropy(c, x64, t, &opts[k]);
        ck_assert_int_eq(nb_backward(nb_sum(c, nb_mul(c, l64, v64), NB_ALL_AXES, false)), 0);
        nb_tensor *g64 = nb_cast(c, nb_grad(x64), NB_F32);
        nb_tensor *l[2], *g[2];
        for (int th = 1; th <= 2; th++) {
            ck_assert_int_eq(nb_set_num_threads(th), 0);
            nb_zero_grad(x32);
            l[th - 1] = nb_cross_entropy(c, x32, t, &opts[k]);
            ck_assert_int_eq(nb_backward(nb_sum(c, nb_mul(c, l[th - 1], v32), NB_ALL_AXES, false)), 0);
            g[th - 1] = nb_clone(c, nb_grad(x32));
        }
        ck_assert_int_eq(nb_set_num_threads(threads), 0);
        ck_tensor_equal(l[1], l[0]);
        ck_tensor_equal(g[1], g[0]);
        ck_assert(nb_allclose(nb_cast(c, l[0], NB_F64), nb_detach(c, l64), 1e-5, 1e-6, false));
        ck_assert(nb_allclose(g[0], g64, 1e-4, 1e-7, false));
        /* recorded backward (create_graph): the composed path, same gradient */
        nb_zero_grad(x32);
        nb_tensor *lr = nb_cross_entropy(c, x32, t, &opts[k]);
        ck_assert_int_eq(nb_backward_ex(nb_sum(c, nb_mul(c, lr, v32), NB_ALL_AXES, false),
                                        &(nb_backward_opts){.create_graph = true}), 0);
        ck_assert(nb_allclose(nb_detach(c, nb_grad(x32)), g[0], 1e-5, 1e-7, false));
    }
    nb_ctx_free(c);
}
END_TEST

START_TEST(nll_matches_pytorch)
{
    nb_ctx *c = nb_ctx_new();
    nb_tensor *lp = nb_log_softmax(c, logits(c), 1), *t = NN_I64(c, NB_SHAPE(4), 0, 2, 1, -100);
    CK_VALUES(nb_nll_loss(c, lp, t, &(nb_cross_entropy_opts){.weight = NN_F64(c, NB_SHAPE(3), 1, 2, 0.5), .ignore = true, .ignore_index = -100}),
              1e-14, 1.0688229033564407);
    CK_VALUES(nb_nll_loss(c, lp, t, &(nb_cross_entropy_opts){.ignore = true, .ignore_index = -100, .reduction = NB_REDUCE_SUM}),
              1e-14, 3.6813265551484728);
    /* every row ignored: the mean is 0 / 0, as in PyTorch */
    ck_assert(isnan(nb_item(nb_cross_entropy(c, logits(c), NN_I64(c, NB_SHAPE(4), 5, 5, 5, 5), &(nb_cross_entropy_opts){.ignore = true, .ignore_index = 5}))));
    nb_ctx_free(c);
}
END_TEST

START_TEST(class_losses_check_their_inputs)
{
    nb_ctx *c = nb_ctx_new();
    nb_tensor *x = logits(c);
    ck_assert_error(nb_cross_entropy(c, x, NN_I64(c, NB_SHAPE(4), 0, 3, 1, 1), NULL), "nb_cross_entropy: target 3 at row 1 is outside [0, 3)");
    ck_assert_error(nb_cross_entropy(c, x, NN_I64(c, NB_SHAPE(4), 0, -100, 1, 1), NULL), "target -100 at row 1 is outside [0, 3) (set .ignore to skip an ignore_index)");
    ck_assert_error(nb_cross_entropy(c, x, NN_I64(c, NB_SHAPE(3), 0, 1, 1), NULL), "scores [4,3] and i64 targets [3] do not fit");
    ck_assert_error(nb_cross_entropy(c, x, NN_F64(c, NB_SHAPE(4), 0, 1, 1, 1), NULL), "scores [4,3] and f64 targets [4] do not fit");
    ck_assert_error(nb_cross_entropy(c, x, NN_I64(c, NB_SHAPE(4), 0, 1, 1, 1), &(nb_cross_entropy_opts){.weight = NN_F64(c, NB_SHAPE(2), 1, 1)}),
                    "class weights must be a float [3], got f64 [2]");
    ck_assert_error(nb_cross_entropy(c, x, NN_I64(c, NB_SHAPE(4), 0, 1, 1, 1), &(nb_cross_entropy_opts){.label_smoothing = 1.5}), "label_smoothing 1.5 is outside [0, 1]");
    ck_assert_error(nb_cross_entropy(c, x, NN_I64(c, NB_SHAPE(4), 0, 1, 1, 1), &(nb_cross_entropy_opts){.reduction = 7}), "reduction 7 is not");
    ck_assert_error(nb_nll_loss(c, x, NN_I64(c, NB_SHAPE(4), 0, 1, 1, 1), &(nb_cross_entropy_opts){.label_smoothing = 0.1}), "label smoothing is for nb_cross_entropy");
    ck_assert_error(nb_cross_entropy(c, NULL, NULL, NULL), "input tensor is NULL");
    nb_ctx_free(c);
}
END_TEST

START_TEST(regression_losses_match_pytorch)
{
    nb_ctx *c = nb_ctx_new();
    nb_tensor *a = NN_F64(c, NB_SHAPE(4), 0.5, -1, 2, 0), *b = NN_F64(c, NB_SHAPE(4), 1, 1, -1, 0.25);
    CK_VALUES(nb_mse_loss(c, a, b, NB_REDUCE_MEAN), 1e-15, 3.328125);
    CK_VALUES(nb_mse_loss(c, a, b, NB_REDUCE_SUM), 1e-15, 13.3125);
    CK_VALUES(nb_mse_loss(c, a, b, NB_REDUCE_NONE), 1e-15, 0.25, 4, 9, 0.0625);
    CK_VALUES(nb_l1_loss(c, a, b, NB_REDUCE_MEAN), 1e-15, 1.4375);
    CK_VALUES(nb_huber_loss(c, a, b, 1.5, NB_REDUCE_NONE), 1e-15, 0.125, 1.875, 3.375, 0.03125);
    CK_VALUES(nb_huber_loss(c, a, b, 1.5, NB_REDUCE_MEAN), 1e-15, 1.3515625);
    ck_assert_error(nb_mse_loss(c, a, NN_F64(c, NB_SHAPE(2), 1, 2), NB_REDUCE_MEAN), "nb_mse_loss: input [4] and target [2] must have the same shape");
    ck_assert_error(nb_huber_loss(c, a, b, 0, NB_REDUCE_MEAN), "delta = 0 must be > 0");
    nb_ctx_free(c);
}
END_TEST

START_TEST(binary_losses_match_pytorch)
{
    nb_ctx *c = nb_ctx_new();
    nb_tensor *z = NN_F64(c, NB_SHAPE(2, 2), 0.5, -1.5, 3, -0.2), *y = NN_F64(c, NB_SHAPE(2, 2), 1, 0, 0.3, 1);
    nb_tensor *pw = NN_F64(c, NB_SHAPE(2), 2, 0.5), *w = NN_F64(c, NB_SHAPE(2, 2), 1, 2, 0.5, 1);
    CK_VALUES(nb_bce_with_logits(c, z, y, NULL), 1e-14, 0.90555412077954822);
    CK_VALUES(nb_bce_with_logits(c, z, y, &(nb_bce_opts){.pos_weight = pw, .reduction = NB_REDUCE_NONE}), 1e-14,
              0.94815396836021337, 0.20141327798275244, 2.163163557045864, 0.39906943469079592);
    CK_VALUES(nb_bce_with_logits(c, z, y, &(nb_bce_opts){.weight = w, .pos_weight = pw, .reduction = NB_REDUCE_SUM}), 1e-14, 2.8316317375394462);
    /* large logits stay finite: log(1 + e^-x) is computed stably */
    CK_VALUES(nb_bce_with_logits(c, NN_F64(c, NB_SHAPE(2), 800, -800), NN_F64(c, NB_SHAPE(2), 0, 1), &(nb_bce_opts){.reduction = NB_REDUCE_NONE}), 1e-15, 800, 800);
    /* hinge by hand: max(0, 1 - t x) */
    nb_tensor *s = NN_F64(c, NB_SHAPE(3), 0.5, 2, -0.25), *t = NN_F64(c, NB_SHAPE(3), 1, 1, 1);
    CK_VALUES(nb_hinge_loss(c, s, t, 1, NB_REDUCE_NONE), 1e-15, 0.5, 0, 1.25);
    CK_VALUES(nb_hinge_loss(c, s, NN_F64(c, NB_SHAPE(3), -1, 1, -1), 1, NB_REDUCE_SUM), 1e-15, 1.5 + 0 + 0.75);
    ck_assert_error(nb_hinge_loss(c, s, NN_F64(c, NB_SHAPE(3), 0, 1, 1), 1, NB_REDUCE_SUM), "targets must be -1 or +1 (1 are not)");
    /* multiclass hinge (MultiMarginLoss) */
    nb_tensor *m = NN_F64(c, NB_SHAPE(2, 3), 0.1, 0.9, -0.3, 1, 0.2, 0.5), *mt = NN_I64(c, NB_SHAPE(2), 1, 0);
    CK_VALUES(nb_multi_margin_loss(c, m, mt, 1, 1, NULL, NB_REDUCE_MEAN), 1e-15, 0.15);
    nb_requires_grad_(m, true);
    nb_tensor *l = nb_multi_margin_loss(c, m, mt, 2, 1.5, NN_F64(c, NB_SHAPE(3), 1, 2, 0.5), NB_REDUCE_NONE);
    CK_VALUES(l, 1e-15, 0.38666666666666666, 0.49666666666666665);
    ck_assert_int_eq(nb_backward(nb_sum(c, l, NB_ALL_AXES, false)), 0);
    CK_VALUES(nb_grad(m), 1e-14, 0.9333333333333332, -1.3333333333333333, 0.39999999999999997, -1.1333333333333333,
              0.4666666666666666, 0.6666666666666666);
    ck_assert_error(nb_multi_margin_loss(c, m, mt, 3, 1, NULL, NB_REDUCE_MEAN), "need p = 1 or 2");
    nb_ctx_free(c);
}
END_TEST

/* each composite loss gradchecks through its parts */
typedef struct {
    int which;
    nb_tensor *t, *w;
} loss_case;

static nb_tensor *loss_fn(nb_ctx *ctx, nb_tensor *const *in, int n, void *user)
{
    (void)n;
    loss_case *k = user;
    switch (k->which) {
    case 0: return nb_mse_loss(ctx, in[0], k->t, NB_REDUCE_MEAN);
    case 1: return nb_l1_loss(ctx, in[0], k->t, NB_REDUCE_SUM);
    case 2: return nb_huber_loss(ctx, in[0], k->t, 0.7, NB_REDUCE_NONE);
    case 3: return nb_bce_with_logits(ctx, in[0], k->t, &(nb_bce_opts){.pos_weight = k->w});
    case 4: return nb_hinge_loss(ctx, in[0], k->t, 0.5, NB_REDUCE_MEAN);
    default: return nb_multi_margin_loss(ctx, nb_reshape(ctx, in[0], NB_SHAPE(2, 3)), k->t, 2, 1, k->w, NB_REDUCE_SUM);
    }
}

START_TEST(composite_losses_gradcheck)
{
    nb_ctx *c = nb_ctx_new();
    nb_tensor *x = NN_F64(c, NB_SHAPE(6), 0.3, -1.2, 2.1, 0.8, -0.4, 1.7);
    nb_requires_grad_(x, true);
    nb_tensor *target = NN_F64(c, NB_SHAPE(6), 1, 0.5, -1, 0.2, 0.1, 3); /* no |x - t| at 0 or delta */
    nb_tensor *signs = NN_F64(c, NB_SHAPE(6), 1, -1, -1, 1, 1, -1);
    loss_case cases[] = {{0, target, NULL}, {1, target, NULL}, {2, target, NULL},
                         {3, NN_F64(c, NB_SHAPE(6), 1, 0, 0.3, 1, 0, 0.5), NN_F64(c, NB_SHAPE(6), 2, 1, 0.5, 3, 1, 1)},
                         {4, signs, NULL}, {5, NN_I64(c, NB_SHAPE(2), 2, 0), NN_F64(c, NB_SHAPE(3), 1, 2, 0.5)}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) nn_gradcheck("loss", loss_fn, &cases[i], &x, 1, 1e-6);
    nb_ctx_free(c);
}
END_TEST

TCase *tcase_nn_losses(void)
{
    TCase *tc = tcase_create("losses");
    tcase_add_test(tc, cross_entropy_matches_pytorch);
    tcase_add_test(tc, cross_entropy_takes_extra_axes_like_pytorch);
    tcase_add_test(tc, cross_entropy_and_nll_gradcheck);
    tcase_add_test(tc, cross_entropy_f32_agrees_with_f64);
    tcase_add_test(tc, nll_matches_pytorch);
    tcase_add_test(tc, class_losses_check_their_inputs);
    tcase_add_test(tc, regression_losses_match_pytorch);
    tcase_add_test(tc, binary_losses_match_pytorch);
    tcase_add_test(tc, composite_losses_gradcheck);
    return tc;
}
