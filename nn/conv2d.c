/* nn/conv2d.c — 2-D convolution as im2col + one batched matrix product.
 *
 * Shapes: x [N,C,H,W], weight [O,C,kh,kw] seen as Wm [O,K] (K = C kh kw),
 * cols = im2col(x) [N,K,L] (L = OH OW):
 *   y[n] = Wm cols[n] + b          -> [N,O,L] = [N,O,OH,OW], no transpose needed
 *   dx   = col2im(Wm^T g[n])       (the columns' gradient folded back)
 *   dW   = sum_n g[n] cols[n]^T    (im2col again rather than keeping cols)
 *   db   = sum of g over n and the L positions
 * The backward rule is written with matmul and the im2col/col2im ops, so it
 * is differentiable again (create_graph). */
#include <math.h>

#include "nn_internal.h"

#define ATTRS ((const nb__window *)nb_node_attrs(node))

static nb_tensor *conv2d_forward(nb_ctx *ctx, nb_tensor *const *in, int n, const void *attrs)
{
    nb__window w = *(const nb__window *)attrs;
    nb_tensor *x = in[0], *weight = in[1];
    int64_t N = x->shape[0], O = weight->shape[0];
    nb_tensor *cols = nb__im2col_raw(ctx, x, &w);                        /* [N,K,L] */
    nb_tensor *y = nb_matmul(ctx, nb_reshape(ctx, weight, NB_SHAPE(O, -1)), cols); /* [N,O,L] */
    if (!y || (n == 3 && nb_add_(y, nb_reshape(ctx, in[2], NB_SHAPE(O, 1))))) return NULL;
    int64_t OH = nb__window_out(w.height, w.kh, w.sh, w.ph, w.dh);
    int64_t OW = nb__window_out(w.width, w.kw, w.sw, w.pw, w.dw);
    return nb_reshape(ctx, y, NB_SHAPE(N, O, OH, OW));
}

static int conv2d_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    nb_tensor *x = nb_node_input(node, 0), *weight = nb_node_input(node, 1);
    int64_t N = x->shape[0], O = weight->shape[0];
    nb__window w = *ATTRS;
    w.height = x->shape[2];
    w.width = x->shape[3];
    nb_tensor *g3 = nb_reshape(ctx, g, NB_SHAPE(N, O, -1));            /* [N,O,L] */
    nb_tensor *wm = nb_reshape(ctx, weight, NB_SHAPE(O, -1));          /* [O,K] */
    if (nb_node_needs_grad(node, 0)) {
        nb_tensor *gcols = nb_matmul(ctx, nb_transpose(ctx, wm, 0, 1), g3); /* [N,K,L] */
        if (!(gin[0] = nb__apply_window(ctx, "col2im", gcols, &w))) return -1;
    }
    if (nb_node_needs_grad(node, 1)) {
        nb_tensor *cols = nb__apply_window(ctx, "im2col", x, &w);
        nb_tensor *per_n = nb_matmul(ctx, g3, nb_transpose(ctx, cols, 1, 2)); /* [N,O,K] */
        nb_tensor *flat = nb_reshape(ctx, per_n, NB_SHAPE(N, -1));
        gin[1] = nb_reshape(ctx, nb__sum_except(ctx, flat, 1), weight->ndim, weight->shape);
        if (!gin[1]) return -1;
    }
    if (nb_node_num_inputs(node) == 3 && nb_node_needs_grad(node, 2) &&
        !(gin[2] = nb__sum_except(ctx, g3, 1)))
        return -1;
    return 0;
}

/* Inputs x, weight and (two times in three) a bias. */
static int sample_conv2d(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    nb__window *w = attrs;
    int64_t N, C, O = 1 + (int64_t)nb_rng_below(rng, 3);
    nb__sample_window(rng, w, &N, &C);
    in[0] = nb_rand_uniform(ctx, rng, NB_F64, NB_SHAPE(N, C, w->height, w->width), -2, 2);
    in[1] = nb_rand_uniform(ctx, rng, NB_F64, NB_SHAPE(O, C, w->kh, w->kw), -2, 2);
    if (nb_rng_below(rng, 3) == 0) return in[0] && in[1] ? 2 : -1;
    in[2] = nb_rand_uniform(ctx, rng, NB_F64, NB_SHAPE(O), -2, 2);
    return in[0] && in[1] && in[2] ? 3 : -1;
}

static const nb_op_def conv2d_op = {
    .name = "conv2d", .arity = -1, .attrs_size = sizeof(nb__window), .forward = conv2d_forward,
    .backward = conv2d_backward, .saves = NB_SAVES_INPUT(0) | NB_SAVES_INPUT(1),
    .sample = sample_conv2d,
};

int nb__nn_register_conv(void) { return nb_op_register(&conv2d_op); }

static int check_conv(const nb_tensor *x, const nb_tensor *weight, const nb_tensor *bias)
{
    char s1[NB_SHAPE_STR_MAX], s2[NB_SHAPE_STR_MAX];
    if (weight->ndim != 4 || weight->shape[1] != x->shape[1]) {
        nb__error("nb_conv2d: weight %s does not fit input %s (want [O, C, kh, kw] with C = %lld)",
                  nb__shape_str(s1, sizeof s1, weight->ndim, weight->shape),
                  nb__shape_str(s2, sizeof s2, x->ndim, x->shape), (long long)x->shape[1]);
        return -1;
    }
    if (bias && (bias->ndim != 1 || bias->shape[0] != weight->shape[0])) {
        nb__error("nb_conv2d: bias %s does not fit weight %s (want [%lld])",
                  nb__shape_str(s1, sizeof s1, bias->ndim, bias->shape),
                  nb__shape_str(s2, sizeof s2, weight->ndim, weight->shape), (long long)weight->shape[0]);
        return -1;
    }
    if (weight->dtype != x->dtype || (bias && bias->dtype != x->dtype)) {
        nb__error("nb_conv2d: input, weight and bias must have one dtype, got %s, %s, %s",
                  nb_dtype_name(x->dtype), nb_dtype_name(weight->dtype),
                  bias ? nb_dtype_name(bias->dtype) : "none");
        return -1;
    }
    return 0;
}

nb_tensor *nb_conv2d(nb_ctx *ctx, nb_tensor *x, nb_tensor *weight, nb_tensor *bias,
                     const nb_conv2d_opts *opts)
{
    NB_REQUIRE(x);
    NB_REQUIRE(weight);
    if (weight->ndim != 4) {
        char s[NB_SHAPE_STR_MAX];
        nb__error("nb_conv2d: weight must be [O, C, kh, kw], got %s",
                  nb__shape_str(s, sizeof s, weight->ndim, weight->shape));
        return NULL;
    }
    nb__window w;
    if (nb__window_from_conv(__func__, (int)weight->shape[2], (int)weight->shape[3], opts, &w) ||
        nb__check_image(__func__, x, &w) || check_conv(x, weight, bias))
        return NULL;
    const nb_op_def *op = nb__nn_op("conv2d");
    return op ? nb_op_apply(ctx, op, (nb_tensor *[]){x, weight, bias}, bias ? 3 : 2, &w) : NULL;
}

/* ---- the module -------------------------------------------------------------------- */

typedef struct {
    nb_tensor *weight, *bias;
    nb_conv2d_opts opts;
} conv_state;

static nb_tensor *conv_module_forward(nb_module *m, nb_ctx *ctx, nb_tensor *x)
{
    const conv_state *s = m->state;
    return nb_conv2d(ctx, x, s->weight, s->bias, &s->opts);
}

nb_module *nb_conv2d_new(nb_ctx *ctx, nb_rng *rng, int64_t in_channels, int64_t out_channels,
                         int kernel_h, int kernel_w, const nb_conv2d_opts *opts)
{
    nb__window w;
    if (nb__window_from_conv(__func__, kernel_h, kernel_w, opts, &w)) return NULL;
    if (in_channels < 1 || out_channels < 1 || !rng) {
        nb__error(rng ? "nb_conv2d_new: channels must be >= 1, got in %lld, out %lld"
                      : "nb_conv2d_new: need a random generator (in %lld, out %lld)",
                  (long long)in_channels, (long long)out_channels);
        return NULL;
    }
    bool bias = !(opts && opts->no_bias);
    nb_module *m = nb__layer_new(ctx, "Conv2d", conv_module_forward, sizeof(conv_state),
        "%lld, %lld, kernel_size=(%d, %d), stride=(%d, %d), padding=(%d, %d), dilation=(%d, %d), bias=%s",
        (long long)in_channels, (long long)out_channels, kernel_h, kernel_w, w.sh, w.sw, w.ph,
        w.pw, w.dh, w.dw, bias ? "true" : "false");
    if (!m) return NULL;
    conv_state *s = m->state;
    s->opts = opts ? *opts : (nb_conv2d_opts){0};
    /* PyTorch's default: kaiming_uniform(a = sqrt 5), i.e. U(+-1/sqrt(fan_in)) */
    double bound = 1 / sqrt((double)(in_channels * kernel_h * kernel_w));
    s->weight = nb_module_add_param(m, "weight", nb_rand_uniform(ctx, rng, NB_F32,
                    NB_SHAPE(out_channels, in_channels, kernel_h, kernel_w), -bound, bound));
    if (!s->weight) return NULL;
    if (bias && !(s->bias = nb_module_add_param(m, "bias", nb_rand_uniform(ctx, rng, NB_F32,
                                                NB_SHAPE(out_channels), -bound, bound))))
        return NULL;
    return m;
}
