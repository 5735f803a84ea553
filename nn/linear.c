/* nn/linear.c — the fully connected layer, y = x W^T + b, as one op.
 *
 * Shapes: x [*, I], W [O, I], b [O], y [*, O]. One op instead of matmul then
 * add saves a pass and a tensor: the bias is added into the product in place.
 *   dx = g W,   dW = g^T x (over all leading axes),   db = sum of g over them. */
#include <math.h>

#include "nn_internal.h"

static nb_tensor *linear_forward(nb_ctx *ctx, nb_tensor *const *in, int n, const void *attrs)
{
    (void)n, (void)attrs;
    nb_tensor *y = nb_matmul(ctx, in[0], nb_transpose(ctx, in[1], 0, 1));
    return y && nb_add_(y, in[2]) == 0 ? y : NULL;
}

static int linear_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    nb_tensor *x = nb_node_input(node, 0), *w = nb_node_input(node, 1);
    int64_t O = w->shape[0], I = w->shape[1];
    if (nb_node_needs_grad(node, 0) && !(gin[0] = nb_matmul(ctx, g, w))) return -1;
    nb_tensor *g2 = nb_reshape(ctx, g, NB_SHAPE(-1, O));   /* [rows, O] */
    if (nb_node_needs_grad(node, 1)) {
        nb_tensor *x2 = nb_reshape(ctx, x, NB_SHAPE(-1, I)); /* [rows, I] */
        if (!(gin[1] = nb_matmul(ctx, nb_transpose(ctx, g2, 0, 1), x2))) return -1;
    }
    if (nb_node_needs_grad(node, 2) && !(gin[2] = nb__sum_except(ctx, g2, 1))) return -1;
    return 0;
}

/* x [I], [N, I] or [2, N, I]; W [O, I]; b [O] */
static int sample_linear(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    (void)attrs;
    int64_t N = 1 + (int64_t)nb_rng_below(rng, 4), I = 1 + (int64_t)nb_rng_below(rng, 4),
            O = 1 + (int64_t)nb_rng_below(rng, 4);
    switch (nb_rng_below(rng, 3)) {
    case 0: in[0] = nb_rand_uniform(ctx, rng, NB_F64, NB_SHAPE(I), -2, 2); break;
    case 1: in[0] = nb_rand_uniform(ctx, rng, NB_F64, NB_SHAPE(N, I), -2, 2); break;
    default: in[0] = nb_rand_uniform(ctx, rng, NB_F64, NB_SHAPE(2, N, I), -2, 2); break;
    }
    in[1] = nb_rand_uniform(ctx, rng, NB_F64, NB_SHAPE(O, I), -2, 2);
    in[2] = nb_rand_uniform(ctx, rng, NB_F64, NB_SHAPE(O), -2, 2);
    return in[0] && in[1] && in[2] ? 3 : -1;
}

static const nb_op_def linear_op = {
    .name = "linear", .arity = 3, .forward = linear_forward, .backward = linear_backward,
    .saves = NB_SAVES_INPUT(0) | NB_SAVES_INPUT(1), .sample = sample_linear,
};

int nb__nn_register_linear(void) { return nb_op_register(&linear_op); }

static int check_linear(const nb_tensor *x, const nb_tensor *w, const nb_tensor *b)
{
    char s1[NB_SHAPE_STR_MAX], s2[NB_SHAPE_STR_MAX];
    if (w->ndim != 2 || x->ndim < 1 || x->shape[x->ndim - 1] != w->shape[1]) {
        nb__error("nb_linear: input %s does not fit weight %s (want [*, in] and [out, in])",
                  nb__shape_str(s1, sizeof s1, x->ndim, x->shape),
                  nb__shape_str(s2, sizeof s2, w->ndim, w->shape));
        return -1;
    }
    if (b && (b->ndim != 1 || b->shape[0] != w->shape[0])) {
        nb__error("nb_linear: bias %s does not fit weight %s (want [out])",
                  nb__shape_str(s1, sizeof s1, b->ndim, b->shape),
                  nb__shape_str(s2, sizeof s2, w->ndim, w->shape));
        return -1;
    }
    return 0;
}

nb_tensor *nb_linear(nb_ctx *ctx, nb_tensor *x, nb_tensor *weight, nb_tensor *bias)
{
    NB_REQUIRE(x);
    NB_REQUIRE(weight);
    if (check_linear(x, weight, bias)) return NULL;
    if (!bias) return nb_matmul(ctx, x, nb_transpose(ctx, weight, 0, 1));
    const nb_op_def *op = nb__nn_op("linear");
    return op ? nb_op_apply(ctx, op, (nb_tensor *[]){x, weight, bias}, 3, NULL) : NULL;
}

/* ---- the module -------------------------------------------------------------------- */

typedef struct {
    nb_tensor *weight, *bias;
} linear_state;

static nb_tensor *linear_module_forward(nb_module *m, nb_ctx *ctx, nb_tensor *x)
{
    const linear_state *s = m->state;
    return nb_linear(ctx, x, s->weight, s->bias);
}

nb_module *nb_linear_new(nb_ctx *ctx, nb_rng *rng, int64_t in_features, int64_t out_features,
                         bool bias)
{
    if (in_features < 0 || out_features < 0 || !rng) {
        nb__error(rng ? "nb_linear_new: sizes must be >= 0, got in %lld, out %lld"
                      : "nb_linear_new: need a random generator (in %lld, out %lld)",
                  (long long)in_features, (long long)out_features);
        return NULL;
    }
    nb_module *m = nb__layer_new(ctx, "Linear", linear_module_forward, sizeof(linear_state),
                                 "in_features=%lld, out_features=%lld, bias=%s",
                                 (long long)in_features, (long long)out_features,
                                 bias ? "true" : "false");
    if (!m) return NULL;
    linear_state *s = m->state;
    /* kaiming_uniform(a = sqrt 5) gives bound gain sqrt(3 / fan_in) with
     * gain sqrt(2 / (1 + 5)): exactly 1 / sqrt(fan_in) */
    double bound = in_features > 0 ? 1 / sqrt((double)in_features) : 0;
    s->weight = nb_module_add_param(m, "weight", nb_rand_uniform(ctx, rng, NB_F32,
                                    NB_SHAPE(out_features, in_features), -bound, bound));
    if (!s->weight) return NULL;
    if (bias) {
        s->bias = nb_module_add_param(m, "bias", nb_rand_uniform(ctx, rng, NB_F32,
                                      NB_SHAPE(out_features), -bound, bound));
        if (!s->bias) return NULL;
    }
    return m;
}
