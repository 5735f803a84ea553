/* tests/autograd/test_op_table.c — every op in the table is gradchecked.
 *
 * The walk goes over nb_op_at(0 .. nb_op_count()), so an op cannot be added
 * to the table without being checked: each differentiable op must bring a
 * sampler, and its gradients must match central differences in f64 on
 * several random shapes (the samplers broadcast where the op does), once on
 * contiguous inputs and once on the same values laid out with gaps and
 * reversed strides. */
#include "cases.h"

typedef struct {
    const nb_op_def *op;
    const void *attrs;
} op_call;

static nb_tensor *call_op(nb_ctx *ctx, nb_tensor *const *in, int n, void *user)
{
    const op_call *c = user;
    return c->op->forward(ctx, in, n, c->attrs);
}

/* The same values in a non-contiguous layout: every other element of a
 * larger buffer, walked backwards on the first axis. */
static nb_tensor *strided_copy(nb_ctx *ctx, nb_tensor *t)
{
    if (t->ndim == 0) return t;
    int64_t big[NB_MAX_DIMS];
    for (int i = 0; i < t->ndim; i++) big[i] = 2 * t->shape[i] + 1;
    nb_tensor *v = nb_zeros(ctx, t->dtype, t->ndim, big);
    for (int i = 0; i < t->ndim && v; i++)
        v = i == 0 ? nb_slice(ctx, v, 0, 2 * t->shape[0] - 1, NB_END, -2)
                   : nb_slice(ctx, v, i, 1, NB_END, 2);
    ck_assert_ptr_nonnull(v);
    ck_assert_int_eq(nb_copy_(v, t), 0);
    return v;
}

/* Returns how many elements were compared (kinks are skipped). */
static int64_t check_op(const nb_op_def *op, uint64_t seed, bool strided)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, seed);
    _Alignas(16) unsigned char attrs[NB_OP_MAX_ATTRS] = {0};
    nb_tensor *in[NB_OP_MAX_INPUTS] = {0};
    int n = op->sample(ctx, &rng, in, attrs);
    ck_assert_msg(n >= 0, "%s: sampler failed: %s", op->name, nb_last_error());
    for (int i = 0; i < n; i++) {
        bool index = i < 32 && (op->no_grad_inputs & (1u << i));
        if (strided && !index) in[i] = strided_copy(ctx, in[i]);
        if (!index && nb_dtype_is_float(in[i]->dtype)) ck_assert_int_eq(nb_requires_grad_(in[i], true), 0);
    }
    op_call call = {op, attrs};
    nb_gradcheck_opts opts = {.rtol = op->gradcheck_tol > 0 ? op->gradcheck_tol : 1e-6, .atol = 1e-7,
                              .eps = op->gradcheck_eps, .seed = seed};
    nb_gradcheck_report r;
    ck_assert_msg(nb_gradcheck(call_op, &call, in, n, &opts, &r) == 0, "%s: %s", op->name, nb_last_error());
    ck_assert_msg(r.passed, "%s (seed %llu%s): input %d element %lld: analytic %.10g, numeric %.10g",
                  op->name, (unsigned long long)seed, strided ? ", strided" : "", r.worst_input,
                  (long long)r.worst_index, r.analytic, r.numeric);
    nb_ctx_free(ctx);
    return r.checked;
}

START_TEST(every_differentiable_op_is_gradchecked)
{
    int checked = 0;
    for (int i = 0; i < nb_op_count(); i++) {
        const nb_op_def *op = nb_op_at(i);
        if (op->not_differentiable) continue;
        ck_assert_msg(op->sample != NULL, "op '%s' has no gradcheck sampler", op->name);
        int64_t compared = 0;
        for (uint64_t seed = 1; seed <= 6; seed++)
            compared += check_op(op, seed, false) + check_op(op, seed, true);
        ck_assert_msg(compared > 0, "%s: every element sampled was at a kink; nothing was compared", op->name);
        checked++;
    }
    ck_assert_int_ge(checked, 45);
}
END_TEST

/* Every public op that takes a gradient is in the table under its name. */
START_TEST(table_names_every_differentiable_op)
{
    const char *names[] = {
        "neg", "abs", "exp", "log", "log1p", "sqrt", "rsqrt", "sin", "cos", "tanh", "sigmoid",
        "relu", "leaky_relu", "gelu", "softplus", "sign", "erf", "clamp", "pow_scalar", "add",
        "sub", "mul", "div", "pow", "maximum", "minimum", "where", "sum", "mean", "prod", "var",
        "std", "max", "min", "logsumexp", "softmax", "log_softmax", "matmul", "reshape", "expand",
        "permute", "slice", "clone", "cast", "concat", "gather", "scatter_add", "take",
        "masked_select",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const nb_op_def *op = nb_op_find(names[i]);
        ck_assert_msg(op != NULL, "op '%s' is missing", names[i]);
        ck_assert_msg(op->backward != NULL, "op '%s' has no backward", names[i]);
    }
    const char *flat[] = {"eq", "ne", "lt", "le", "gt", "ge", "argmax", "argmin"};
    for (size_t i = 0; i < sizeof flat / sizeof flat[0]; i++)
        ck_assert(nb_op_find(flat[i]) && nb_op_find(flat[i])->not_differentiable);
    ck_assert_ptr_null(nb_op_find("no_such_op"));
}
END_TEST

/* Wrappers built from table ops differentiate through them. */
static nb_tensor *composite(nb_ctx *ctx, nb_tensor *const *in, int n, void *user)
{
    (void)n, (void)user;
    nb_tensor *parts[2];
    nb_tensor *s = nb_stack(ctx, (nb_tensor *[]){in[0], in[1]}, 2, 1);        /* [3,2,4] */
    if (nb_split(ctx, nb_transpose(ctx, s, 0, 2), 1, (const int64_t[]){1, 1}, 2, parts)) return NULL;
    nb_tensor *a = nb_squeeze(ctx, parts[0], 1), *b = nb_flatten(ctx, parts[1]);
    nb_tensor *t = nb_index_select(ctx, a, 0, nb_from_data(ctx, NB_I64, NB_SHAPE(3), (int64_t[]){3, 0, 3}));
    nb_tensor *u = nb_rsub_scalar(ctx, nb_div_scalar(ctx, nb_add_scalar(ctx, t, 2), 3), 1);
    return nb_add(ctx, nb_sum(ctx, nb_mul(ctx, u, u), NB_ALL_AXES, false),
                  nb_mean(ctx, nb_rdiv_scalar(ctx, nb_add_scalar(ctx, nb_mul(ctx, b, b), 1), 2), NB_ALL_AXES, false));
}

START_TEST(composites_differentiate_through_their_parts)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 5);
    nb_tensor *in[2] = {nb_rand_normal(ctx, &rng, NB_F64, NB_SHAPE(3, 4), 0, 1),
                        nb_rand_normal(ctx, &rng, NB_F64, NB_SHAPE(3, 4), 0, 1)};
    nb_requires_grad_(in[0], true);
    nb_requires_grad_(in[1], true);
    nb_gradcheck_report r;
    ck_assert_int_eq(nb_gradcheck(composite, NULL, in, 2, NULL, &r), 0);
    ck_assert_msg(r.passed, "analytic %g numeric %g", r.analytic, r.numeric);
    ck_assert_int_eq(r.checked, 24);
    nb_ctx_free(ctx);
}
END_TEST

TCase *tcase_op_table(void)
{
    TCase *tc = tcase_create("op_table");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, every_differentiable_op_is_gradchecked);
    tcase_add_test(tc, table_names_every_differentiable_op);
    tcase_add_test(tc, composites_differentiate_through_their_parts);
    return tc;
}
