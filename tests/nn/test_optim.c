/* tests/nn/test_optim.c — optimizers step for step against hand-computed
 * updates, L-BFGS on the Rosenbrock function, gradient clipping, schedules,
 * and optimizer state saved and restored.
 *
 * The hand computation: parameters p = (1, -2) in f64, loss
 * L = (p0^2 + 4 p1^2) / 2, so the gradient is g = (p0, 4 p1); each
 * optimizer's update formula applied twice by hand (a plain Python
 * transcription of the formulas, which also agrees with torch.optim to
 * 1e-16), the results pasted below. */
#include <math.h>

#include "cases.h"

typedef nb_optim *(*make_fn)(const nb_named_tensor *ps, int n);

static nb_optim *make_sgd(const nb_named_tensor *ps, int n) { return nb_sgd_new(ps, n, 0.1, NULL); }
static nb_optim *make_sgd_mom(const nb_named_tensor *ps, int n) { return nb_sgd_new(ps, n, 0.1, &(nb_sgd_opts){.momentum = 0.9, .weight_decay = 0.01}); }
static nb_optim *make_sgd_nest(const nb_named_tensor *ps, int n) { return nb_sgd_new(ps, n, 0.1, &(nb_sgd_opts){.momentum = 0.9, .nesterov = true}); }
static nb_optim *make_sgd_damp(const nb_named_tensor *ps, int n) { return nb_sgd_new(ps, n, 0.1, &(nb_sgd_opts){.momentum = 0.5, .dampening = 0.3}); }
static nb_optim *make_adam(const nb_named_tensor *ps, int n) { return nb_adam_new(ps, n, 0.1, NULL); }

static nb_optim *make_adam_all(const nb_named_tensor *ps, int n)
{
    nb_adam_opts o = nb_adam_defaults();
    o.beta1 = 0.8, o.beta2 = 0.9, o.weight_decay = 0.1, o.amsgrad = true;
    return nb_adam_new(ps, n, 0.1, &o);
}

static nb_optim *make_adamw(const nb_named_tensor *ps, int n)
{
    nb_adam_opts o = nb_adamw_defaults();
    o.weight_decay = 0.1;
    return nb_adamw_new(ps, n, 0.1, &o);
}

static nb_optim *make_rms(const nb_named_tensor *ps, int n) { return nb_rmsprop_new(ps, n, 0.01, NULL); }

static nb_optim *make_rms_all(const nb_named_tensor *ps, int n)
{
    nb_rmsprop_opts o = {.alpha = 0.9, .eps = 1e-8, .weight_decay = 0.1, .momentum = 0.5, .centered = true};
    return nb_rmsprop_new(ps, n, 0.01, &o);
}

static nb_optim *make_adagrad(const nb_named_tensor *ps, int n) { return nb_adagrad_new(ps, n, 0.5, NULL); }

static nb_optim *make_adagrad_all(const nb_named_tensor *ps, int n)
{
    nb_adagrad_opts o = nb_adagrad_defaults();
    o.lr_decay = 0.1, o.weight_decay = 0.2, o.initial_accumulator_value = 0.3;
    return nb_adagrad_new(ps, n, 0.5, &o);
}

/* two steps on L = (p0^2 + 4 p1^2) / 2 from (1, -2); returns both positions */
static void two_steps(make_fn make, double *out)
{
    nb_ctx *p = nb_ctx_new(), *c = nb_ctx_new();
    nb_tensor *w = NN_F64(p, NB_SHAPE(2), 1, -2), *k = NN_F64(p, NB_SHAPE(2), 1, 4);
    nb_requires_grad_(w, true);
    nb_optim *o = make((nb_named_tensor[]){{"w", w}}, 1);
    ck_assert_msg(o != NULL, "%s", nb_last_error());
    for (int s = 0; s < 2; s++) {
        ck_assert_int_eq(nb_optim_zero_grad(o), 0);
        nb_tensor *loss = nb_mul_scalar(c, nb_sum(c, nb_mul(c, k, nb_mul(c, w, w)), NB_ALL_AXES, false), 0.5);
        ck_assert_int_eq(nb_backward(loss), 0);
        ck_assert_int_eq(nb_optim_step(o), 0);
        out[2 * s] = tu_at(w, 0), out[2 * s + 1] = tu_at(w, 1);
        nb_ctx_reset(c);
    }
    ck_assert_int_eq(nb_optim_step_count(o), 2);
    nb_optim_free(o);
    nb_ctx_free(p), nb_ctx_free(c);
}

START_TEST(first_steps_match_hand_computed_updates)
{
    struct {
        const char *name;
        make_fn make;
        double want[4];
    } cases[] = {
        {"SGD", make_sgd, {0.9, -1.2, 0.81, -0.72}},
        {"SGD momentum, weight decay", make_sgd_mom, {0.899, -1.198, 0.717301, 0.0041980000000001461}},
        {"SGD Nesterov", make_sgd_nest, {0.81, -0.48, 0.5751, 0.5328000000000002}},
        {"SGD dampening", make_sgd_damp, {0.9, -1.2, 0.787, -0.464}},
        {"Adam", make_adam, {0.90000000099999999, -1.9000000001249999, 0.80041222971233816, -1.8001664858630053}},
        {"Adam betas, weight decay, AMSGrad", make_adam_all,
         {0.90000000090909094, -1.9000000001219512, 0.80044681625957792, -1.8001829555758799}},
        {"AdamW", make_adamw, {0.89000000099999999, -1.8800000001249999, 0.78157185695416109, -1.7614089503325472}},
        {"RMSprop", make_rms, {0.90000000999999907, -1.90000000125, 0.83291797526505928, -1.8309433272561533}},
        {"RMSprop centred, momentum, weight decay", make_rms_all,
         {0.96666666767676768, -1.966666666802168, 0.92492347796825203, -1.9247134861038127}},
        {"Adagrad", make_adagrad, {0.50000000005, -1.5000000000062501, 0.27639320230213249, -1.2000000000084501}},
        {"Adagrad decay, weight decay, initial value", make_adagrad_all,
         {0.54514117388714078, -1.5010595477107715, 0.34319103329427042, -1.2285793104861038}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double got[4];
        two_steps(cases[i].make, got);
        for (int j = 0; j < 4; j++)
            ck_assert_msg(fabs(got[j] - cases[i].want[j]) <= 1e-14 * (1 + fabs(cases[i].want[j])),
                          "%s: position %d: got %.17g, want %.17g", cases[i].name, j, got[j], cases[i].want[j]);
    }
}
END_TEST

START_TEST(f32_parameters_step_in_place_and_skip_missing_gradients)
{
    nb_ctx *p = nb_ctx_new(), *c = nb_ctx_new();
    nb_tensor *a = nb_ones(p, NB_F32, NB_SHAPE(3)), *b = nb_ones(p, NB_F32, NB_SHAPE(2));
    nb_requires_grad_(a, true);
    nb_requires_grad_(b, true);
    nb_optim *o = nb_adam_new((nb_named_tensor[]){{"a", a}, {"b", b}}, 2, 0.1, NULL);
    float *data = nb_data(a);
    uint64_t version = a->storage->version;
    ck_assert_int_eq(nb_backward(nb_sum(c, a, NB_ALL_AXES, false)), 0); /* b gets no gradient */
    ck_assert_int_eq(nb_optim_step(o), 0);
    ck_assert_ptr_eq(nb_data(a), data); /* updated in place */
    ck_assert(a->storage->version > version);
    CK_VALUES(a, 1e-6, 0.9, 0.9, 0.9); /* Adam's first step is lr sign(g) */
    CK_VALUES(b, 0, 1, 1);
    ck_assert_str_eq(nb_optim_name(o), "Adam");
    ck_assert_double_eq(nb_optim_lr(o), 0.1);
    ck_assert_int_eq(nb_optim_set_lr(o, 0.5), 0);
    ck_assert_error_status(nb_optim_set_lr(o, -1), "learning rate -1 must be finite and >= 0");
    nb_optim_free(o);
    nb_ctx_free(p), nb_ctx_free(c);
}
END_TEST

START_TEST(optimizers_check_their_arguments)
{
    nb_ctx *p = nb_ctx_new();
    nb_tensor *a = nb_ones(p, NB_F32, NB_SHAPE(3, 2));
    nb_named_tensor one[] = {{"a", a}}, twice[] = {{"a", a}, {"b", a}};
    ck_assert_error(nb_sgd_new(one, 0, 0.1, NULL), "need at least one parameter");
    ck_assert_error(nb_sgd_new(twice, 2, 0.1, NULL), "parameter \"b\" is listed twice");
    ck_assert_error(nb_sgd_new((nb_named_tensor[]){{"t", nb_transpose(p, a, 0, 1)}}, 1, 0.1, NULL), "must be a contiguous leaf tensor");
    ck_assert_error(nb_sgd_new((nb_named_tensor[]){{"i", nb_ones(p, NB_I64, NB_SHAPE(2))}}, 1, 0.1, NULL), "a parameter must be f32 or f64, got i64");
    ck_assert_error(nb_sgd_new(one, 1, NAN, NULL), "learning rate nan must be finite");
    ck_assert_error(nb_sgd_new(one, 1, 0.1, &(nb_sgd_opts){.nesterov = true}), "Nesterov needs momentum > 0");
    ck_assert_error(nb_adam_new(one, 1, 0.1, &(nb_adam_opts){.beta1 = 1}), "betas (1, 0) must be in [0, 1)");
    ck_assert_error(nb_rmsprop_new(one, 1, 0.1, &(nb_rmsprop_opts){.alpha = 2}), "alpha 2 must be in [0, 1]");
    ck_assert_error(nb_adagrad_new(one, 1, 0.1, &(nb_adagrad_opts){.eps = -1}), "must be >= 0");
    ck_assert_error(nb_lbfgs_new(one, 1, 1, &(nb_lbfgs_opts){0}), "max_iter 0, max_eval 0 and history_size 0 must be >= 1");
    nb_optim *l = nb_lbfgs_new(one, 1, 1, NULL);
    ck_assert_error_status(nb_optim_step(l), "LBFGS needs a closure: call nb_optim_step_closure");
    nb_optim_free(l);
    nb_ctx_free(p);
}
END_TEST

/* ---- L-BFGS ------------------------------------------------------------------------ */

typedef struct {
    nb_ctx *ctx;
    nb_tensor *x;
    int calls;
} rosenbrock;

/* f = (1 - x0)^2 + 100 (x1 - x0^2)^2 */
static double rosen_closure(void *user)
{
    rosenbrock *r = user;
    nb_ctx_reset(r->ctx);
    nb_zero_grad(r->x);
    nb_tensor *x0 = nb_slice(r->ctx, r->x, 0, 0, 1, 1), *x1 = nb_slice(r->ctx, r->x, 0, 1, 2, 1);
    nb_tensor *a = nb_rsub_scalar(r->ctx, x0, 1), *b = nb_sub(r->ctx, x1, nb_mul(r->ctx, x0, x0));
    nb_tensor *f = nb_sum(r->ctx, nb_add(r->ctx, nb_mul(r->ctx, a, a), nb_mul_scalar(r->ctx, nb_mul(r->ctx, b, b), 100)), NB_ALL_AXES, false);
    r->calls++;
    return nb_backward(f) ? NAN : nb_item(f);
}

START_TEST(lbfgs_minimises_rosenbrock_as_pytorch_does)
{
    nb_ctx *p = nb_ctx_new();
    rosenbrock r = {nb_ctx_new(), NN_F64(p, NB_SHAPE(2), -1.5, 2), 0};
    nb_requires_grad_(r.x, true);
    nb_optim *o = nb_lbfgs_new((nb_named_tensor[]){{"x", r.x}}, 1, 1, NULL);
    /* PyTorch 1.13's LBFGS(lr=1, line_search_fn="strong_wolfe"): losses and
     * positions after each of five steps */
    const double loss[] = {12.5, 1.3070983150501583, 1.8840481372787713e-07, 1.8769270123133716e-10, 1.8769270123133716e-10};
    const double pos[][2] = {{-0.085118555898620885, -0.028757058413776328}, {0.99958354725304455, 0.99915503195790689},
                             {0.99999799431964143, 0.99999734389216666}, {0.99999799431964143, 0.99999734389216666},
                             {0.99999799431964143, 0.99999734389216666}};
    const int evals[] = {25, 50, 53, 54, 55};
    for (int s = 0; s < 5; s++) {
        double l;
        ck_assert_msg(nb_optim_step_closure(o, rosen_closure, &r, &l) == 0, "%s", nb_last_error());
        ck_assert_msg(fabs(l - loss[s]) <= 1e-9 * fabs(loss[s]) + 1e-16, "step %d loss %.17g, want %.17g", s, l, loss[s]);
        for (int j = 0; j < 2; j++)
            ck_assert_msg(fabs(tu_at(r.x, j) - pos[s][j]) <= 1e-9, "step %d x%d = %.17g, want %.17g", s, j, tu_at(r.x, j), pos[s][j]);
        ck_assert_int_eq(r.calls, evals[s]);
    }
    nb_optim_free(o);
    nb_ctx_free(r.ctx);
    nb_ctx_free(p);
}
END_TEST

START_TEST(lbfgs_without_line_search_takes_fixed_steps)
{
    nb_ctx *p = nb_ctx_new();
    rosenbrock r = {nb_ctx_new(), NN_F64(p, NB_SHAPE(2), -1.5, 2), 0};
    nb_requires_grad_(r.x, true);
    nb_lbfgs_opts opts = nb_lbfgs_defaults();
    opts.no_line_search = true;
    nb_optim *o = nb_lbfgs_new((nb_named_tensor[]){{"x", r.x}}, 1, 1, &opts);
    /* PyTorch 1.13's LBFGS(lr=1) without a line search, first two steps */
    double l;
    ck_assert_int_eq(nb_optim_step_closure(o, rosen_closure, &r, &l), 0);
    ck_assert_double_eq_tol(tu_at(r.x, 0), -0.7811227298316471, 1e-9);
    ck_assert_double_eq_tol(tu_at(r.x, 1), 0.61313529168097336, 1e-9);
    ck_assert_int_eq(nb_optim_step_closure(o, rosen_closure, &r, &l), 0);
    ck_assert_double_eq_tol(l, 3.1732877526670884, 1e-9);
    ck_assert_double_eq_tol(tu_at(r.x, 0), 0.083032523189230129, 1e-9);
    ck_assert_int_eq(r.calls, 40);
    nb_optim_free(o);
    nb_ctx_free(r.ctx);
    nb_ctx_free(p);
}
END_TEST

/* a closure for the other optimizers: the step after it uses its gradients */
START_TEST(step_closure_works_for_every_optimizer)
{
    nb_ctx *p = nb_ctx_new();
    rosenbrock r = {nb_ctx_new(), NN_F64(p, NB_SHAPE(2), -1.5, 2), 0};
    nb_requires_grad_(r.x, true);
    nb_optim *o = nb_sgd_new((nb_named_tensor[]){{"x", r.x}}, 1, 1e-3, NULL);
    double l;
    ck_assert_int_eq(nb_optim_step_closure(o, rosen_closure, &r, &l), 0);
    ck_assert_double_eq(l, 12.5);
    /* grad at (-1.5, 2): (-2 (1 - x0) - 400 x0 (x1 - x0^2), 200 (x1 - x0^2)) = (-155, -50) */
    ck_assert_double_eq_tol(tu_at(r.x, 0), -1.5 + 0.155, 1e-15);
    ck_assert_double_eq_tol(tu_at(r.x, 1), 2 + 0.05, 1e-15);
    nb_optim_free(o);
    nb_ctx_free(r.ctx);
    nb_ctx_free(p);
}
END_TEST

/* ---- clipping ------------------------------------------------------------------------ */

START_TEST(clipping_by_norm_and_by_value)
{
    nb_ctx *p = nb_ctx_new(), *c = nb_ctx_new();
    nb_tensor *a = nb_zeros(p, NB_F64, NB_SHAPE(2)), *b = nb_zeros(p, NB_F64, NB_SHAPE(1)), *none = nb_zeros(p, NB_F64, NB_SHAPE(1));
    nb_requires_grad_(a, true), nb_requires_grad_(b, true), nb_requires_grad_(none, true);
    nb_named_tensor ps[] = {{"a", a}, {"b", b}, {"none", none}};
    /* gradients (3, -4) and (12): global norm 13 */
    nb_tensor *l = nb_add(c, nb_sum(c, nb_mul(c, a, NN_F64(c, NB_SHAPE(2), 3, -4)), NB_ALL_AXES, false),
                          nb_sum(c, nb_mul_scalar(c, b, 12), NB_ALL_AXES, false));
    ck_assert_int_eq(nb_backward(l), 0);
    ck_assert_double_eq_tol(nb_clip_grad_norm(ps, 3, 26, 2), 13, 1e-12);
    CK_VALUES(nb_grad(a), 0, 3, -4); /* under the limit: unchanged */
    ck_assert_double_eq_tol(nb_clip_grad_norm(ps, 3, 6.5, 2), 13, 1e-12);
    double k = 6.5 / (13 + 1e-6); /* PyTorch's 1e-6 */
    CK_VALUES(nb_grad(a), 1e-15, 3 * k, -4 * k);
    CK_VALUES(nb_grad(b), 1e-15, 12 * k);
    ck_assert_double_eq_tol(nb_clip_grad_norm(ps, 3, 100, INFINITY), 12 * k, 1e-12);
    ck_assert_double_eq_tol(nb_clip_grad_norm(ps, 3, 100, 1), 19 * k, 1e-12);
    ck_assert_int_eq(nb_clip_grad_value(ps, 3, 1.75), 0);
    CK_VALUES(nb_grad(a), 1e-15, 1.5 * (2 * k), -1.75);
    CK_VALUES(nb_grad(b), 0, 1.75);
    ck_assert(nb_clip_grad_norm(ps, 3, 1, 0) == -1);
    ck_assert_error_status(nb_clip_grad_value(ps, 3, -1), "clip -1 must be >= 0");
    nb_ctx_free(p), nb_ctx_free(c);
}
END_TEST

/* ---- schedules ---------------------------------------------------------------------- */

static nb_optim *optim_at(nb_ctx *p, double lr)
{
    nb_tensor *w = nb_zeros(p, NB_F32, NB_SHAPE(1));
    nb_requires_grad_(w, true);
    return nb_sgd_new((nb_named_tensor[]){{"w", w}}, 1, lr, NULL);
}

static void ck_lrs(nb_scheduler *s, const double *want, int n)
{
    for (int t = 0; t < n; t++) {
        ck_assert_msg(fabs(nb_scheduler_lr(s) - want[t]) <= 1e-15, "t = %d: lr %.17g, want %.17g", t, nb_scheduler_lr(s), want[t]);
        ck_assert_int_eq(nb_scheduler_step(s), 0);
    }
}

START_TEST(schedules_follow_their_formulas)
{
    nb_ctx *p = nb_ctx_new();
    nb_optim *o = optim_at(p, 0.1);
    nb_scheduler *s = nb_step_lr_new(o, 2, 0.5);
    ck_lrs(s, (double[]){0.1, 0.1, 0.05, 0.05, 0.025, 0.025}, 6);
    ck_assert_double_eq(nb_optim_lr(o), 0.0125);
    nb_scheduler_free(s);
    nb_optim_set_lr(o, 0.1);
    s = nb_exponential_lr_new(o, 0.9);
    ck_lrs(s, (double[]){0.1, 0.1 * 0.9, 0.1 * 0.81, 0.1 * 0.9 * 0.9 * 0.9}, 4);
    nb_scheduler_free(s);
    nb_optim_set_lr(o, 0.1);
    s = nb_cosine_lr_new(o, 2, 6, 0.01);
    const double pi = 3.14159265358979323846;
    ck_lrs(s, (double[]){0.05, 0.1, 0.1, 0.01 + 0.09 * (1 + cos(pi / 4)) / 2, 0.055, 0.01 + 0.09 * (1 + cos(3 * pi / 4)) / 2, 0.01, 0.01}, 8);
    ck_assert_error_status(nb_scheduler_step_metric(s, 1), "only ReduceLROnPlateau takes a metric");
    nb_scheduler_free(s);
    ck_assert_error(nb_cosine_lr_new(o, 5, 5, 0), "need 0 <= warmup < total");
    ck_assert_error(nb_step_lr_new(o, 0, 0.5), "step_size 0 must be >= 1");
    nb_optim_free(o);
    nb_ctx_free(p);
}
END_TEST

START_TEST(plateau_schedule_matches_pytorch)
{
    nb_ctx *p = nb_ctx_new();
    nb_optim *o = optim_at(p, 0.1);
    nb_plateau_opts po = nb_plateau_defaults();
    po.factor = 0.5, po.patience = 1, po.cooldown = 1;
    nb_scheduler *s = nb_plateau_lr_new(o, &po);
    /* torch.optim.lr_scheduler.ReduceLROnPlateau(factor=0.5, patience=1, cooldown=1) */
    const double metric[] = {1.0, 0.9, 0.95, 0.95, 0.95, 0.8, 0.85, 0.85, 0.85, 0.85};
    const double lr[] = {0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025};
    for (int i = 0; i < 10; i++) {
        ck_assert_int_eq(nb_scheduler_step_metric(s, metric[i]), 0);
        ck_assert_double_eq_tol(nb_scheduler_lr(s), lr[i], 1e-15);
    }
    ck_assert_error_status(nb_scheduler_step(s), "ReduceLROnPlateau steps with nb_scheduler_step_metric");
    nb_scheduler_free(s);
    nb_optim_set_lr(o, 0.1);
    po = nb_plateau_defaults();
    po.maximize = true, po.factor = 0.1, po.patience = 0, po.threshold = 0.1;
    s = nb_plateau_lr_new(o, &po);
    const double up[] = {1.0, 1.05, 1.2, 1.25}, lr_up[] = {0.1, 0.01, 0.01, 0.001};
    for (int i = 0; i < 4; i++) {
        nb_scheduler_step_metric(s, up[i]);
        ck_assert_double_eq_tol(nb_scheduler_lr(s), lr_up[i], 1e-15);
    }
    nb_scheduler_free(s);
    nb_optim_free(o);
    nb_ctx_free(p);
}
END_TEST

/* ---- state ------------------------------------------------------------------------ */

START_TEST(optimizer_state_restores_the_run)
{
    double straight[4], resumed[4];
    two_steps(make_adam_all, straight);
    /* one step, save the state, restore into a fresh optimizer, one more step */
    nb_ctx *p = nb_ctx_new(), *c = nb_ctx_new();
    nb_tensor *w = NN_F64(p, NB_SHAPE(2), 1, -2), *k = NN_F64(p, NB_SHAPE(2), 1, 4);
    nb_requires_grad_(w, true);
    nb_named_tensor ps[] = {{"w", w}};
    nb_optim *o = make_adam_all(ps, 1);
    for (int s = 0; s < 2; s++) {
        nb_optim_zero_grad(o);
        nb_backward(nb_mul_scalar(c, nb_sum(c, nb_mul(c, k, nb_mul(c, w, w)), NB_ALL_AXES, false), 0.5));
        nb_optim_step(o);
        resumed[2 * s] = tu_at(w, 0), resumed[2 * s + 1] = tu_at(w, 1);
        if (s == 0) {
            nb_named_tensor *st;
            int n = nb_optim_state(o, c, &st);
            ck_assert_int_eq(n, 6); /* step, lr, steps, exp_avg.w, exp_avg_sq.w, max_exp_avg_sq.w */
            ck_assert_str_eq(st[3].name, "exp_avg.w");
            nb_named_tensor copy[6];
            for (int i = 0; i < n; i++) copy[i] = (nb_named_tensor){st[i].name, nb_clone(c, st[i].tensor)};
            nb_optim_free(o);
            o = make_adam_all(ps, 1);
            ck_assert_int_eq(nb_optim_load_state(o, copy, n, NULL), 0);
            ck_assert_int_eq(nb_optim_step_count(o), 1);
            copy[3].tensor = nb_zeros(c, NB_F64, NB_SHAPE(3));
            ck_assert_error_status(nb_optim_load_state(o, copy, n, NULL), "\"exp_avg.w\" is f64 [3] but f64 [2] is expected");
            ck_assert_error_status(nb_optim_load_state(o, copy, 2, NULL), "\"steps\" is missing");
        }
        nb_ctx_reset(c);
    }
    for (int j = 0; j < 4; j++) ck_assert_double_eq(resumed[j], straight[j]);
    nb_optim_free(o);
    nb_ctx_free(p), nb_ctx_free(c);
}
END_TEST

TCase *tcase_nn_optim(void)
{
    TCase *tc = tcase_create("optim");
    tcase_add_test(tc, first_steps_match_hand_computed_updates);
    tcase_add_test(tc, f32_parameters_step_in_place_and_skip_missing_gradients);
    tcase_add_test(tc, optimizers_check_their_arguments);
    tcase_add_test(tc, lbfgs_minimises_rosenbrock_as_pytorch_does);
    tcase_add_test(tc, lbfgs_without_line_search_takes_fixed_steps);
    tcase_add_test(tc, step_closure_works_for_every_optimizer);
    tcase_add_test(tc, clipping_by_norm_and_by_value);
    tcase_add_test(tc, schedules_follow_their_formulas);
    tcase_add_test(tc, plateau_schedule_matches_pytorch);
    tcase_add_test(tc, optimizer_state_restores_the_run);
    return tc;
}
