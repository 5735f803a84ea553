/* tests/nn/test_ops.c — every op nn adds to the op table is gradchecked, to
 * first order (on several random shapes, contiguous and strided) and to
 * second order (its backward rule differentiated again), as
 * tests/autograd/test_op_table.c and test_higher_order.c do for the built-in
 * ops. The walk goes over the table, so a new nn op cannot skip it. Ops are
 * run through nb_op_apply, which records them as themselves. */
#include "cases.h"

typedef struct {
    const nb_op_def *op;
    const void *attrs;
    nb_tensor *r; /* second order: the projection of the output */
} op_call;

static nb_tensor *call_op(nb_ctx *ctx, nb_tensor *const *in, int n, void *user)
{
    const op_call *c = user;
    return nb_op_apply(ctx, c->op, in, n, c->attrs);
}

static bool is_index(const nb_op_def *op, int i) { return i < 32 && (op->no_grad_inputs & (1u << i)); }

/* the same values with gaps between elements and the first axis reversed */
static nb_tensor *strided_copy(nb_ctx *ctx, nb_tensor *t)
{
    if (t->ndim == 0 || nb_numel(t) == 0) return t;
    int64_t big[NB_MAX_DIMS];
    for (int i = 0; i < t->ndim; i++) big[i] = 2 * t->shape[i] + 1;
    nb_tensor *v = nb_zeros(ctx, t->dtype, t->ndim, big);
    for (int i = 0; i < t->ndim && v; i++)
        v = i == 0 ? nb_slice(ctx, v, 0, 2 * t->shape[0] - 1, NB_END, -2) : nb_slice(ctx, v, i, 1, NB_END, 2);
    ck_assert_ptr_nonnull(v);
    ck_assert_int_eq(nb_copy_(v, t), 0);
    return v;
}

static int sample(const nb_op_def *op, nb_ctx *ctx, uint64_t seed, bool strided, nb_tensor **in, void *attrs)
{
    nb_rng rng;
    nb_rng_seed(&rng, seed);
    int n = op->sample(ctx, &rng, in, attrs);
    ck_assert_msg(n >= 0, "%s: sampler failed: %s", op->name, nb_last_error());
    for (int i = 0; i < n; i++) {
        if (is_index(op, i) || !nb_dtype_is_float(in[i]->dtype)) continue;
        if (strided) in[i] = strided_copy(ctx, in[i]);
        ck_assert_int_eq(nb_requires_grad_(in[i], true), 0);
    }
    return n;
}

static void check_first_order(const nb_op_def *op, uint64_t seed, bool strided)
{
    nb_ctx *ctx = nb_ctx_new();
    _Alignas(16) unsigned char attrs[NB_OP_MAX_ATTRS] = {0};
    nb_tensor *in[NB_OP_MAX_INPUTS] = {0};
    int n = sample(op, ctx, seed, strided, in, attrs);
    op_call call = {op, attrs, NULL};
    nb_gradcheck_opts opts = {.rtol = op->gradcheck_tol > 0 ? op->gradcheck_tol : 1e-6, .atol = 1e-7,
                              .eps = op->gradcheck_eps, .seed = seed};
    nb_gradcheck_report r;
    ck_assert_msg(nb_gradcheck(call_op, &call, in, n, &opts, &r) == 0, "%s: %s", op->name, nb_last_error());
    ck_assert_msg(r.passed, "%s (seed %llu%s): input %d element %lld: analytic %.10g, numeric %.10g", op->name,
                  (unsigned long long)seed, strided ? ", strided" : "", r.worst_input, (long long)r.worst_index,
                  r.analytic, r.numeric);
    ck_assert_msg(r.checked > 0, "%s (seed %llu): every element was at a kink; nothing was compared", op->name,
                  (unsigned long long)seed);
    nb_ctx_free(ctx);
}

START_TEST(nn_ops_are_in_the_table)
{
    const char *names[] = {"linear", "im2col", "col2im", "conv2d", "max_pool2d", "max_pool2d_scatter",
                           "cross_entropy", "embedding_bag", "batch_norm", "layer_norm"};
    ck_assert_int_eq(nn_last_op - nn_first_op, (int)(sizeof names / sizeof names[0]));
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const nb_op_def *op = nb_op_find(names[i]);
        ck_assert_msg(op != NULL, "op '%s' is missing", names[i]);
        ck_assert_msg(op->backward && op->sample, "op '%s' needs a backward rule and a sampler", names[i]);
    }
    ck_assert_int_eq(nb_nn_init(), 0); /* a second call changes nothing */
    ck_assert_int_eq(nb_op_count(), nn_last_op);
}
END_TEST

START_TEST(every_nn_op_is_gradchecked)
{
    for (int i = nn_first_op; i < nn_last_op; i++) {
        const nb_op_def *op = nb_op_at(i);
        ck_assert_msg(op->sample != NULL, "op '%s' has no gradcheck sampler", op->name);
        for (uint64_t seed = 1; seed <= 6; seed++) {
            check_first_order(op, seed, false);
            check_first_order(op, seed, true);
        }
    }
}
END_TEST

/* x -> d/dx sum(op(x) * r), gradchecked: the rule is right to second order */
static nb_tensor *first_derivative(nb_ctx *ctx, nb_tensor *const *in, int n, void *user)
{
    op_call *c = user;
    nb_tensor *y = nb_op_apply(ctx, c->op, in, n, c->attrs);
    nb_tensor *targets[NB_OP_MAX_INPUTS], *grads[NB_OP_MAX_INPUTS], *flat[NB_OP_MAX_INPUTS];
    int m = 0;
    for (int i = 0; i < n; i++)
        if (nb_requires_grad(in[i])) targets[m++] = in[i];
    nb_backward_opts opts = {.create_graph = true};
    nb_tensor *l = y ? nb_sum(ctx, nb_mul(ctx, y, c->r), NB_ALL_AXES, false) : NULL;
    if (!l || nb_grad_of(l, targets, m, grads, &opts)) return NULL;
    for (int i = 0; i < m; i++) flat[i] = nb_flatten(ctx, grads[i] ? grads[i] : nb_zeros_like(ctx, targets[i]));
    return nb_concat(ctx, flat, m, 0);
}

START_TEST(every_nn_rule_differentiates_again)
{
    for (int i = nn_first_op; i < nn_last_op; i++) {
        const nb_op_def *op = nb_op_at(i);
        for (uint64_t seed = 1; seed <= 3; seed++) {
            nb_ctx *ctx = nb_ctx_new();
            _Alignas(16) unsigned char attrs[NB_OP_MAX_ATTRS] = {0};
            nb_tensor *in[NB_OP_MAX_INPUTS] = {0}, *y;
            int n = sample(op, ctx, 100 + seed, false, in, attrs);
            NB_NO_GRAD { y = op->forward(ctx, in, n, attrs); }
            ck_assert_ptr_nonnull(y);
            nb_rng rng;
            nb_rng_seed(&rng, seed);
            op_call c = {op, attrs, nb_rand_normal(ctx, &rng, NB_F64, y->ndim, y->shape, 0, 1)};
            nb_gradcheck_opts opts = {.rtol = 1e-5, .atol = 1e-6, .seed = seed};
            nb_gradcheck_report r;
            ck_assert_msg(nb_gradcheck(first_derivative, &c, in, n, &opts, &r) == 0, "%s: %s", op->name, nb_last_error());
            ck_assert_msg(r.passed, "%s (seed %llu): second derivative at input %d element %lld: analytic %.10g numeric %.10g",
                          op->name, (unsigned long long)seed, r.worst_input, (long long)r.worst_index, r.analytic, r.numeric);
            nb_ctx_free(ctx);
        }
    }
}
END_TEST

TCase *tcase_nn_ops(void)
{
    TCase *tc = tcase_create("ops");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, nn_ops_are_in_the_table);
    tcase_add_test(tc, every_nn_op_is_gradchecked);
    tcase_add_test(tc, every_nn_rule_differentiates_again);
    return tc;
}
