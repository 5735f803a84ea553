/* tests/autograd/test_higher_order.c — backward rules are written with
 * nabla's ops, so a backward recorded with create_graph differentiates
 * again: Hessian-vector products against finite differences, a gradient
 * penalty, and every op's second derivative gradchecked. */
#include <math.h>

#include "cases.h"

/* f(x) = sum(softplus(W x)) + sum(x^4) / 4, x in R^3 */
static nb_tensor *f(nb_ctx *ctx, nb_tensor *W, nb_tensor *x)
{
    nb_tensor *z = nb_matmul(ctx, W, x);
    return nb_add(ctx, nb_sum(ctx, nb_softplus(ctx, z), NB_ALL_AXES, false),
                  nb_div_scalar(ctx, nb_sum(ctx, nb_pow_scalar(ctx, x, 4), NB_ALL_AXES, false), 4));
}

static nb_tensor *gradient(nb_ctx *ctx, nb_tensor *W, nb_tensor *x, bool create_graph)
{
    nb_tensor *g;
    nb_backward_opts opts = {.create_graph = create_graph};
    ck_assert_int_eq(nb_grad_of(f(ctx, W, x), &x, 1, &g, &opts), 0);
    return g;
}

START_TEST(hessian_vector_product_matches_finite_differences)
{
    nb_ctx *c = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 11);
    nb_tensor *W = nb_rand_normal(c, &rng, NB_F64, NB_SHAPE(4, 3), 0, 1);
    nb_tensor *x = nb_rand_normal(c, &rng, NB_F64, NB_SHAPE(3), 0, 1);
    nb_tensor *v = nb_rand_normal(c, &rng, NB_F64, NB_SHAPE(3), 0, 1);
    nb_requires_grad_(x, true);
    /* Hv = d/dx (grad f(x) . v) */
    nb_tensor *g = gradient(c, W, x, true);
    ck_assert(nb_requires_grad(g)); /* the gradient is itself a graph */
    nb_tensor *Hv;
    ck_assert_int_eq(nb_grad_of(nb_sum(c, nb_mul(c, g, v), NB_ALL_AXES, false), &x, 1, &Hv, NULL), 0);
    ck_assert_ptr_null(nb_grad(x)); /* nb_grad_of leaves .grad alone */
    /* (grad f(x + e v) - grad f(x - e v)) / 2e */
    double e = 1e-5;
    nb_tensor *xp = nb_add(c, nb_detach(c, x), nb_mul_scalar(c, v, e));
    nb_tensor *xm = nb_sub(c, nb_detach(c, x), nb_mul_scalar(c, v, e));
    nb_requires_grad_(xp, true);
    nb_requires_grad_(xm, true);
    nb_tensor *fd = nb_div_scalar(c, nb_sub(c, gradient(c, W, xp, false), gradient(c, W, xm, false)), 2 * e);
    ck_assert_msg(nb_allclose(Hv, fd, 1e-6, 1e-8, false), "Hv and its finite difference differ");
    nb_ctx_free(c);
}
END_TEST

/* WGAN-GP style: penalty = (|d f / d x| - 1)^2, differentiated w.r.t. W. */
static nb_tensor *penalty(nb_ctx *ctx, nb_tensor *const *in, int n, void *user)
{
    (void)n, (void)user;
    nb_tensor *x = nb_detach(ctx, in[1]);
    nb_requires_grad_(x, true);
    nb_tensor *g;
    nb_backward_opts opts = {.create_graph = true};
    if (nb_grad_of(f(ctx, in[0], x), &x, 1, &g, &opts)) return NULL;
    nb_tensor *norm = nb_sqrt(ctx, nb_sum(ctx, nb_mul(ctx, g, g), NB_ALL_AXES, false));
    return nb_pow_scalar(ctx, nb_sub_scalar(ctx, norm, 1), 2);
}

START_TEST(gradient_penalty_gradchecks)
{
    nb_ctx *c = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 12);
    nb_tensor *in[2] = {nb_rand_normal(c, &rng, NB_F64, NB_SHAPE(4, 3), 0, 1),
                        nb_rand_normal(c, &rng, NB_F64, NB_SHAPE(3), 0, 1)};
    nb_requires_grad_(in[0], true);
    nb_gradcheck_report r;
    ck_assert_int_eq(nb_gradcheck(penalty, NULL, in, 2, NULL, &r), 0);
    ck_assert_msg(r.passed, "analytic %g numeric %g at %lld", r.analytic, r.numeric, (long long)r.worst_index);
    ck_assert_int_eq(r.checked, 12);
    nb_ctx_free(c);
}
END_TEST

/* For every op: x -> d/dx sum(op(x) * r) is itself gradchecked, which checks
 * that each backward rule is differentiable and right to second order. */
typedef struct {
    const nb_op_def *op;
    const void *attrs;
    nb_tensor *r;
} second_order;

static nb_tensor *first_derivative(nb_ctx *ctx, nb_tensor *const *in, int n, void *user)
{
    second_order *s = user;
    nb_tensor *y = s->op->forward(ctx, in, n, s->attrs);
    nb_tensor *targets[NB_OP_MAX_INPUTS], *grads[NB_OP_MAX_INPUTS];
    int m = 0;
    for (int i = 0; i < n; i++)
        if (nb_requires_grad(in[i])) targets[m++] = in[i];
    nb_backward_opts opts = {.create_graph = true};
    nb_tensor *l = y ? nb_sum(ctx, nb_mul(ctx, nb_cast(ctx, y, NB_F64), s->r), NB_ALL_AXES, false) : NULL;
    if (!l || nb_grad_of(l, targets, m, grads, &opts)) return NULL;
    nb_tensor *flat[NB_OP_MAX_INPUTS];
    for (int i = 0; i < m; i++) {
        nb_tensor *g = grads[i] ? grads[i] : nb_zeros_like(ctx, targets[i]);
        flat[i] = nb_flatten(ctx, g);
    }
    return nb_concat(ctx, flat, m, 0);
}

START_TEST(every_rule_differentiates_again)
{
    for (int i = 0; i < nb_op_count(); i++) {
        const nb_op_def *op = nb_op_at(i);
        if (op->not_differentiable) continue;
        for (uint64_t seed = 1; seed <= 3; seed++) {
            nb_ctx *ctx = nb_ctx_new();
            nb_rng rng;
            nb_rng_seed(&rng, 100 + seed);
            _Alignas(16) unsigned char attrs[NB_OP_MAX_ATTRS] = {0};
            nb_tensor *in[NB_OP_MAX_INPUTS] = {0};
            int n = op->sample(ctx, &rng, in, attrs);
            ck_assert_int_ge(n, 0);
            for (int k = 0; k < n; k++)
                if (!(k < 32 && (op->no_grad_inputs & (1u << k))) && nb_dtype_is_float(in[k]->dtype))
                    nb_requires_grad_(in[k], true);
            nb_tensor *y;
            NB_NO_GRAD { y = op->forward(ctx, in, n, attrs); }
            second_order s = {op, attrs, nb_rand_normal(ctx, &rng, NB_F64, y->ndim, y->shape, 0, 1)};
            nb_gradcheck_opts opts = {.rtol = 1e-5, .atol = 1e-6, .seed = seed};
            nb_gradcheck_report r;
            ck_assert_msg(nb_gradcheck(first_derivative, &s, in, n, &opts, &r) == 0, "%s: %s", op->name,
                          nb_last_error());
            ck_assert_msg(r.passed, "%s (seed %llu): second derivative at input %d element %lld: "
                          "analytic %.10g numeric %.10g", op->name, (unsigned long long)seed,
                          r.worst_input, (long long)r.worst_index, r.analytic, r.numeric);
            nb_ctx_free(ctx);
        }
    }
}
END_TEST

TCase *tcase_higher_order(void)
{
    TCase *tc = tcase_create("higher_order");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, hessian_vector_product_matches_finite_differences);
    tcase_add_test(tc, gradient_penalty_gradchecks);
    tcase_add_test(tc, every_rule_differentiates_again);
    return tc;
}
