/* tests/nn/test_training.c — mini-batches, the validation split, early
 * stopping, and whole training loops: they learn, their memory stays flat,
 * and the same seed gives the same bits whatever the thread count. */
#include <math.h>

#include "cases.h"

START_TEST(batches_cover_every_row_once_per_epoch)
{
    nb_ctx *c = nb_ctx_new(), *s = nb_ctx_new();
    nb_tensor *x = nb_reshape(c, nb_arange(c, NB_F32, 0, 20, 1), NB_SHAPE(10, 2));
    nb_tensor *y = nb_arange(c, NB_I64, 0, 10, 1);
    nb_rng rng;
    nb_rng_seed(&rng, 1);
    nb_batches *b = nb_batches_new(x, y, 4, &rng, false);
    ck_assert_int_eq(nb_batches_count(b), 3);
    int64_t first_order[10];
    for (int epoch = 0; epoch < 2; epoch++) {
        int seen[10] = {0}, sizes[3], k = 0, rc;
        nb_tensor *xb, *yb;
        while ((rc = nb_batches_next(b, s, &xb, &yb)) > 0) {
            sizes[k++] = (int)xb->shape[0];
            for (int64_t i = 0; i < yb->shape[0]; i++) {
                int64_t row = (int64_t)tu_at(yb, i);
                seen[row]++;
                ck_assert_double_eq(tu_at(xb, 2 * i), 2.0 * (double)row); /* x and y rows stay together */
                if (epoch == 0) first_order[(k - 1) * 4 + i] = row;
            }
        }
        ck_assert_int_eq(rc, 0);
        ck_assert(k == 3 && sizes[0] == 4 && sizes[1] == 4 && sizes[2] == 2); /* the last batch is partial */
        for (int i = 0; i < 10; i++) ck_assert_int_eq(seen[i], 1);
    }
    /* the same seed gives the same first epoch; shuffled means not in order */
    nb_rng_seed(&rng, 1);
    nb_batches *again = nb_batches_new(x, y, 4, &rng, false);
    nb_tensor *xb, *yb;
    bool in_order = true;
    for (int k = 0; nb_batches_next(again, s, &xb, &yb) > 0; k++)
        for (int64_t i = 0; i < yb->shape[0]; i++) {
            ck_assert_int_eq((int64_t)tu_at(yb, i), first_order[k * 4 + i]);
            in_order = in_order && first_order[k * 4 + i] == k * 4 + i;
        }
    ck_assert(!in_order);
    nb_batches_free(again);
    /* drop_last and no shuffle */
    nb_batches *plain = nb_batches_new(x, NULL, 4, NULL, true);
    ck_assert_int_eq(nb_batches_count(plain), 2);
    ck_assert_int_eq(nb_batches_next(plain, s, &xb, NULL), 1);
    CK_VALUES(nb_reshape(s, xb, NB_SHAPE(-1)), 0, 0, 1, 2, 3, 4, 5, 6, 7);
    ck_assert_int_eq(nb_batches_next(plain, s, &xb, NULL), 1);
    ck_assert_int_eq(nb_batches_next(plain, s, &xb, NULL), 0);
    nb_batches_free(plain);
    ck_assert_error(nb_batches_new(x, nb_zeros(c, NB_I64, NB_SHAPE(9)), 4, NULL, false), "x [10,2] and y [9] need the same number of rows");
    ck_assert_error(nb_batches_new(x, y, 0, NULL, false), "batch_size 0 must be >= 1");
    nb_batches_free(b);
    nb_ctx_free(s), nb_ctx_free(c);
}
END_TEST

START_TEST(validation_split_keeps_rows_together)
{
    nb_ctx *c = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 2);
    nb_tensor *x = nb_reshape(c, nb_arange(c, NB_F64, 0, 30, 1), NB_SHAPE(10, 3)), *y = nb_arange(c, NB_I64, 0, 10, 1);
    nb_tensor *xt, *yt, *xv, *yv;
    ck_assert_int_eq(nb_validation_split(c, &rng, x, y, 0.25, &xt, &yt, &xv, &yv), 0);
    CK_SHAPE(xv, 3, 3); /* ceil(2.5) */
    CK_SHAPE(xt, 7, 3);
    int seen[10] = {0};
    for (int part = 0; part < 2; part++) {
        nb_tensor *xs = part ? xv : xt, *ys = part ? yv : yt;
        for (int64_t i = 0; i < ys->shape[0]; i++) {
            int64_t row = (int64_t)tu_at(ys, i);
            seen[row]++;
            ck_assert_double_eq(tu_at(xs, 3 * i), 3.0 * (double)row);
            if (i) ck_assert(row > (int64_t)tu_at(ys, i - 1)); /* original order */
        }
    }
    for (int i = 0; i < 10; i++) ck_assert_int_eq(seen[i], 1);
    ck_assert_error_status(nb_validation_split(c, &rng, x, y, 1, &xt, &yt, &xv, &yv), "fraction 1 must be in (0, 1)");
    nb_ctx_free(c);
}
END_TEST

START_TEST(early_stopping_waits_patience_epochs_and_restores_the_best)
{
    nb_ctx *p = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 3);
    nb_module *m = nb_linear_new(p, &rng, 2, 1, true);
    nb_tensor *w = nb_module_tensor(m, "weight");
    nb_early_stopping *es = nb_early_stopping_new(m, 2, 0.01, false);
    const double loss[] = {1.0, 0.8, 0.795, 0.81};
    const int stop[] = {0, 0, 0, 1};
    for (int e = 0; e < 4; e++) {
        nb_fill_(w, (double)e);
        ck_assert_int_eq(nb_early_stopping_update(es, loss[e]), stop[e]);
    }
    ck_assert_double_eq(nb_early_stopping_best(es), 0.8); /* 0.795 is not better by 0.01 */
    ck_assert_int_eq(nb_early_stopping_best_epoch(es), 1);
    ck_assert_int_eq(nb_early_stopping_restore(es), 0);
    CK_VALUES(w, 0, 1, 1);
    nb_early_stopping_free(es);
    es = nb_early_stopping_new(NULL, 0, 0, true); /* maximise, stop at the first non-improvement */
    ck_assert_int_eq(nb_early_stopping_update(es, NAN), 1);
    ck_assert_int_eq(nb_early_stopping_update(es, 0.5), 0);
    ck_assert_int_eq(nb_early_stopping_update(es, 0.5), 1);
    ck_assert_error_status(nb_early_stopping_restore(es), "no model was given");
    nb_early_stopping_free(es);
    nb_ctx_free(p);
}
END_TEST

/* two interleaved half-moons of 200 points, labels 0 and 1 */
static void moons(nb_ctx *c, nb_tensor **x, nb_tensor **y)
{
    nb_rng rng;
    nb_rng_seed(&rng, 4);
    *x = nb_empty(c, NB_F32, NB_SHAPE(200, 2));
    *y = nb_empty(c, NB_I64, NB_SHAPE(200));
    for (int i = 0; i < 200; i++) {
        double t = 3.14159265358979 * (i % 100) / 99.0, up = i < 100;
        double px = up ? cos(t) : 1 - cos(t), py = up ? sin(t) : 0.5 - sin(t);
        nb_set(*x, (int64_t[]){i, 0}, px + 0.1 * nb_rng_normal(&rng));
        nb_set(*x, (int64_t[]){i, 1}, py + 0.1 * nb_rng_normal(&rng));
        nb_set(*y, (int64_t[]){i}, up ? 0 : 1);
    }
}

START_TEST(an_mlp_learns_two_moons_with_flat_memory)
{
    nb_ctx *c = nb_ctx_new(), *p = nb_ctx_new(), *s = nb_ctx_new();
    nb_tensor *x, *y;
    moons(c, &x, &y);
    nb_rng rng;
    nb_rng_seed(&rng, 5);
    nb_module *m = nb_sequential_new(p, 3, (nb_module *[]){nb_linear_new(p, &rng, 2, 32, true), nb_tanh_new(p),
                                                             nb_linear_new(p, &rng, 32, 2, true)});
    nb_named_tensor *ps;
    int np = nb_module_parameters(m, p, &ps);
    nb_optim *o = nb_adam_new(ps, np, 0.05, NULL);
    nb_batches *b = nb_batches_new(x, y, 32, &rng, false);
    size_t reserved = 0, params_used = 0;
    nb_tensor *xb, *yb;
    for (int epoch = 0; epoch < 60; epoch++) {
        while (nb_batches_next(b, s, &xb, &yb) > 0) {
            nb_tensor *loss = nb_cross_entropy(s, nb_module_forward(m, s, xb), yb, NULL);
            nb_optim_zero_grad(o);
            ck_assert_int_eq(nb_backward(loss), 0);
            ck_assert_int_eq(nb_optim_step(o), 0);
            nb_ctx_reset(s);
        }
        if (epoch == 2) reserved = nb_ctx_bytes_reserved(s), params_used = nb_ctx_bytes_used(p);
    }
    /* memory is flat: no new step memory, no growth of the model's arena */
    ck_assert_uint_eq(nb_ctx_bytes_reserved(s), reserved);
    ck_assert_uint_eq(nb_ctx_bytes_used(p), params_used);
    nb_module_eval(m);
    nb_tensor *pred = nb_argmax(s, nb_module_forward(m, s, x), 1, false);
    double acc = nb_item(nb_mean(s, nb_cast(s, nb_eq(s, pred, y), NB_F32), NB_ALL_AXES, false));
    ck_assert_msg(acc >= 0.97, "accuracy %g", acc);
    nb_batches_free(b);
    nb_optim_free(o);
    nb_ctx_free(s), nb_ctx_free(p), nb_ctx_free(c);
}
END_TEST

/* a small CNN trained a few steps with 1 and with 2 threads: the same bits */
static void train_cnn(int threads, nb_ctx *out_ctx, nb_tensor **weights)
{
    nb_set_num_threads(threads);
    nb_ctx *p = nb_ctx_new(), *s = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 6);
    nb_module *m = nb_sequential_new(p, 8, (nb_module *[]){
        nb_conv2d_new(p, &rng, 3, 16, 3, 3, &(nb_conv2d_opts){.padding = {1, 1}}), nb_relu_new(p),
        nb_max_pool2d_new(p, &(nb_pool2d_opts){.kernel = {2, 2}}), nb_batch_norm2d_new(p, 16, NULL),
        nb_dropout_new(p, 0.2, &rng), nb_flatten_new(p), nb_linear_new(p, &rng, 16 * 16 * 16, 10, true), nb_gelu_new(p)});
    nb_named_tensor *ps;
    int np = nb_module_parameters(m, p, &ps);
    nb_optim *o = nb_sgd_new(ps, np, 0.01, &(nb_sgd_opts){.momentum = 0.9});
    for (int step = 0; step < 3; step++) {
        nb_tensor *x = nb_rand_normal(s, &rng, NB_F32, NB_SHAPE(32, 3, 32, 32), 0, 1);
        nb_tensor *y = nb_rand_int(s, &rng, NB_I64, NB_SHAPE(32), 0, 10);
        nb_tensor *loss = nb_cross_entropy(s, nb_module_forward(m, s, x), y, NULL);
        nb_optim_zero_grad(o);
        ck_assert_int_eq(nb_backward(loss), 0);
        nb_optim_step(o);
        nb_ctx_reset(s);
    }
    *weights = nb_concat(out_ctx, (nb_tensor *[]){nb_flatten(out_ctx, ps[0].tensor), nb_flatten(out_ctx, ps[np - 1].tensor),
                                                  nb_flatten(out_ctx, nb_module_tensor(m, "3.running_var"))}, 3, 0);
    nb_optim_free(o);
    nb_ctx_free(s), nb_ctx_free(p);
}

START_TEST(training_gives_the_same_bits_on_1_and_2_threads)
{
    if (!nb_openmp_enabled()) return;
    int before = nb_get_num_threads();
    nb_ctx *c = nb_ctx_new();
    nb_tensor *one, *two;
    train_cnn(1, c, &one);
    train_cnn(2, c, &two);
    nb_set_num_threads(before);
    ck_tensor_equal(two, one);
    nb_ctx_free(c);
}
END_TEST

/* logistic regression by L-BFGS: the loss of the full batch as a closure */
typedef struct {
    nb_ctx *ctx;
    nb_module *m;
    nb_tensor *x, *y;
} full_batch;

static double logreg_closure(void *user)
{
    full_batch *f = user;
    nb_ctx_reset(f->ctx);
    nb_module_zero_grad(f->m);
    nb_tensor *loss = nb_cross_entropy(f->ctx, nb_module_forward(f->m, f->ctx, f->x), f->y, NULL);
    return nb_backward(loss) ? NAN : nb_item(loss);
}

START_TEST(lbfgs_fits_a_logistic_regression)
{
    nb_ctx *c = nb_ctx_new(), *p = nb_ctx_new();
    nb_tensor *x, *y;
    moons(c, &x, &y);
    nb_rng rng;
    nb_rng_seed(&rng, 7);
    nb_module *m = nb_linear_new(p, &rng, 2, 2, true);
    nb_module_to(m, NB_F64);
    full_batch f = {nb_ctx_new(), m, nb_cast(c, x, NB_F64), y};
    nb_named_tensor *ps;
    int np = nb_module_parameters(m, p, &ps);
    nb_optim *o = nb_lbfgs_new(ps, np, 1, NULL);
    double first, last = 0;
    ck_assert_int_eq(nb_optim_step_closure(o, logreg_closure, &f, &first), 0);
    for (int i = 0; i < 10; i++) ck_assert_int_eq(nb_optim_step_closure(o, logreg_closure, &f, &last), 0);
    /* at the optimum the gradient vanishes */
    logreg_closure(&f);
    double gmax = 0;
    for (int i = 0; i < np; i++)
        for (int64_t j = 0; j < nb_numel(ps[i].tensor); j++) gmax = fmax(gmax, fabs(tu_at(nb_grad(ps[i].tensor), j)));
    ck_assert_msg(gmax < 1e-5 && last < first, "max |g| %g, loss %g -> %g", gmax, first, last);
    nb_optim_free(o);
    nb_ctx_free(f.ctx), nb_ctx_free(p), nb_ctx_free(c);
}
END_TEST

TCase *tcase_nn_training(void)
{
    TCase *tc = tcase_create("training");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, batches_cover_every_row_once_per_epoch);
    tcase_add_test(tc, validation_split_keeps_rows_together);
    tcase_add_test(tc, early_stopping_waits_patience_epochs_and_restores_the_best);
    tcase_add_test(tc, an_mlp_learns_two_moons_with_flat_memory);
    tcase_add_test(tc, training_gives_the_same_bits_on_1_and_2_threads);
    tcase_add_test(tc, lbfgs_fits_a_logistic_regression);
    return tc;
}
