/* nn/norm.c — batch and layer normalisation.
 *
 * Both normalise x over a set of axes R (batch norm: every axis but the
 * channel axis 1; layer norm: the last k axes), then scale and shift:
 *   m = mean_R x,  v = mean_R (x - m)^2 (biased),  r = 1 / sqrt(v + eps)
 *   xh = (x - m) r,  y = w xh + b
 * and share one backward rule (k = |R|, a = w g):
 *   dx = r (a - mean_R a - xh mean_R(a xh)),  dw = sum_{not R} g xh,  db = sum_{not R} g
 * written with tensor ops so that it differentiates again. The forward is a
 * fused pass per channel (batch norm) or per row (layer norm). */
#include <math.h>
#include <string.h>

#include "nn_internal.h"

typedef nb__norm_attrs norm_attrs;

/* ---- kernels: y = (x - m) r w + b over groups of elements ---------------------------
 * A group is `count` elements read as x[base + i * stride + j], i < outer,
 * j < inner (batch norm: outer N, inner S, stride C S; layer norm: one row). */
#define DEFINE_NORM(SUFFIX, T)                                                              \
    static void norm_group_##SUFFIX(const T *x, T *y, int64_t outer, int64_t inner,         \
                                    int64_t stride, double w, double b, double eps)         \
    {                                                                                       \
        double sum = 0, sq = 0, count = (double)(outer * inner);                            \
        for (int64_t i = 0; i < outer; i++)                                                 \
            for (int64_t j = 0; j < inner; j++) sum += x[i * stride + j];                   \
        double m = sum / count;                                                             \
        for (int64_t i = 0; i < outer; i++)                                                 \
            for (int64_t j = 0; j < inner; j++) {                                           \
                double d = x[i * stride + j] - m;                                           \
                sq += d * d;                                                                \
            }                                                                               \
        double r = 1 / sqrt(sq / count + eps), scale = r * w;                               \
        for (int64_t i = 0; i < outer; i++)                                                 \
            for (int64_t j = 0; j < inner; j++)                                             \
                y[i * stride + j] = (T)((x[i * stride + j] - m) * scale + b);               \
    }
DEFINE_NORM(f32, float)
DEFINE_NORM(f64, double)

static void norm_group(nb_dtype dt, const void *x, void *y, int64_t offset, int64_t outer,
                       int64_t inner, int64_t stride, double w, double b, double eps)
{
    if (dt == NB_F32)
        norm_group_f32((const float *)x + offset, (float *)y + offset, outer, inner, stride, w, b, eps);
    else
        norm_group_f64((const double *)x + offset, (double *)y + offset, outer, inner, stride, w, b, eps);
}

/* w[i] / b[i] of an optional affine pair (1 and 0 without). */
static double affine_at(const nb_tensor *t, int64_t i, double none)
{
    return t ? nb__get_f(nb_data(t), t->dtype, i) : none;
}

/* x [N,C,S...]: each channel c is a group of N x S elements. */
static nb_tensor *batch_norm_forward(nb_ctx *ctx, nb_tensor *const *in, int n, const void *attrs)
{
    double eps = ((const norm_attrs *)attrs)->eps;
    nb_tensor *x = nb_contiguous(ctx, in[0]), *w = n == 3 ? nb_contiguous(ctx, in[1]) : NULL;
    nb_tensor *b = n == 3 ? nb_contiguous(ctx, in[2]) : NULL, *y = x ? nb_empty_like(ctx, x) : NULL;
    if (!y || (n == 3 && (!w || !b))) return NULL;
    int64_t N = x->shape[0], C = x->shape[1], S = N && C ? nb_numel(x) / (N * C) : 0;
    NB_OMP(omp parallel for schedule(static) if (nb_numel(x) > 65536))
    for (int64_t c = 0; c < C; c++)
        norm_group(x->dtype, nb_data(x), nb_data(y), c * S, N, S, C * S, affine_at(w, c, 1),
                   affine_at(b, c, 0), eps);
    return y;
}

/* x [..., K] with K the product of the last naxes sizes: each row a group. */
static nb_tensor *layer_norm_forward(nb_ctx *ctx, nb_tensor *const *in, int n, const void *attrs)
{
    const norm_attrs *a = attrs;
    nb_tensor *x = nb_contiguous(ctx, in[0]), *w = n == 3 ? nb_contiguous(ctx, in[1]) : NULL;
    nb_tensor *b = n == 3 ? nb_contiguous(ctx, in[2]) : NULL, *y = x ? nb_empty_like(ctx, x) : NULL;
    if (!y || (n == 3 && (!w || !b))) return NULL;
    int64_t K = 1;
    for (int d = x->ndim - a->naxes; d < x->ndim; d++) K *= x->shape[d];
    int64_t rows = K ? nb_numel(x) / K : 0;
    /* the affine pair varies along the row: normalise, then scale per element */
    NB_OMP(omp parallel for schedule(static) if (nb_numel(x) > 65536))
    for (int64_t r = 0; r < rows; r++) {
        norm_group(x->dtype, nb_data(x), nb_data(y), r * K, 1, K, K, 1, 0, a->eps);
        for (int64_t k = 0; n == 3 && k < K; k++)
            nb__set_f(nb_data(y), y->dtype, r * K + k,
                      nb__get_f(nb_data(y), y->dtype, r * K + k) * affine_at(w, k, 1) + affine_at(b, k, 0));
    }
    return y;
}

/* The shared rule; axes R are reduced, w and b broadcast as given shapes. */
static int norm_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin,
                         int nr, const int *r_axes, int nk, const int *k_axes, const int64_t *wshape, int wdim)
{
    double eps = ((const norm_attrs *)nb_node_attrs(node))->eps;
    nb_tensor *x = nb_node_input(node, 0), *w = nb_node_num_inputs(node) == 3 ? nb_node_input(node, 1) : NULL;
    nb_tensor *m = nb_mean(ctx, x, nr, r_axes, true);
    nb_tensor *rstd = nb_rsqrt(ctx, nb_add_scalar(ctx, nb_var(ctx, x, nr, r_axes, 0, true), eps));
    nb_tensor *xh = nb_mul(ctx, nb_sub(ctx, x, m), rstd);
    if (nb_node_needs_grad(node, 0)) {
        nb_tensor *a = w ? nb_mul(ctx, g, nb_reshape(ctx, w, wdim, wshape)) : g;
        nb_tensor *ma = nb_mean(ctx, a, nr, r_axes, true);
        nb_tensor *mxa = nb_mean(ctx, nb_mul(ctx, a, xh), nr, r_axes, true);
        if (!(gin[0] = nb_mul(ctx, rstd, nb_sub(ctx, nb_sub(ctx, a, ma), nb_mul(ctx, xh, mxa))))) return -1;
    }
    /* (an empty axis list would mean "all axes" to nb_sum: no leading axes, no sum) */
    if (w && nb_node_needs_grad(node, 1)) {
        nb_tensor *gxh = nb_mul(ctx, g, xh);
        if (!(gin[1] = nb_reshape(ctx, nk ? nb_sum(ctx, gxh, nk, k_axes, true) : gxh, w->ndim, w->shape))) return -1;
    }
    if (w && nb_node_needs_grad(node, 2) &&
        !(gin[2] = nb_reshape(ctx, nk ? nb_sum(ctx, g, nk, k_axes, true) : g, w->ndim, w->shape)))
        return -1;
    return 0;
}

static int batch_norm_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    nb_tensor *x = nb_node_input(node, 0);
    int r_axes[NB_MAX_DIMS], nr = 0;
    int64_t wshape[NB_MAX_DIMS]; /* [1, C, 1, ...] */
    for (int d = 0; d < x->ndim; d++) {
        if (d != 1) r_axes[nr++] = d;
        wshape[d] = d == 1 ? x->shape[1] : 1;
    }
    return norm_backward(ctx, node, g, gin, nr, r_axes, nr, r_axes, wshape, x->ndim);
}

static int layer_norm_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    nb_tensor *x = nb_node_input(node, 0);
    int k = ((const norm_attrs *)nb_node_attrs(node))->naxes, r_axes[NB_MAX_DIMS], lead[NB_MAX_DIMS];
    int nl = x->ndim - k;
    for (int d = 0; d < k; d++) r_axes[d] = nl + d;
    for (int d = 0; d < nl; d++) lead[d] = d;
    return norm_backward(ctx, node, g, gin, k, r_axes, nl, lead, x->shape + nl, k);
}

/* ---- samplers ------------------------------------------------------------------------ */

static int sample_affine(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, int ndim, const int64_t *shape)
{
    if (nb_rng_below(rng, 3) == 0) return 1;
    in[1] = nb_rand_uniform(ctx, rng, NB_F64, ndim, shape, 0.5, 2);
    in[2] = nb_rand_uniform(ctx, rng, NB_F64, ndim, shape, -1, 1);
    return in[1] && in[2] ? 3 : -1;
}

/* x [N,C] or [N,C,L] or [N,C,H,W], N 2-3 */
static int sample_batch_norm(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    *(norm_attrs *)attrs = (norm_attrs){.eps = 1e-5};
    int64_t shape[4] = {2 + (int64_t)nb_rng_below(rng, 2), 1 + (int64_t)nb_rng_below(rng, 3),
                        1 + (int64_t)nb_rng_below(rng, 3), 1 + (int64_t)nb_rng_below(rng, 3)};
    int ndim = 2 + (int)nb_rng_below(rng, 3);
    in[0] = nb_rand_uniform(ctx, rng, NB_F64, ndim, shape, -2, 2);
    return in[0] ? sample_affine(ctx, rng, in, 1, &shape[1]) : -1;
}

/* x of 1-3 axes, the last 1 or 2 normalised (at least 2 elements) */
static int sample_layer_norm(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    int ndim = 1 + (int)nb_rng_below(rng, 3), k = ndim > 1 ? 1 + (int)nb_rng_below(rng, 2) : 1;
    *(norm_attrs *)attrs = (norm_attrs){.eps = 1e-5, .naxes = k};
    int64_t shape[3];
    for (int d = 0; d < ndim; d++) shape[d] = 1 + (int64_t)nb_rng_below(rng, 3);
    shape[ndim - 1] += 1; /* a row of at least 2 */
    in[0] = nb_rand_uniform(ctx, rng, NB_F64, ndim, shape, -2, 2);
    return in[0] ? sample_affine(ctx, rng, in, k, shape + ndim - k) : -1;
}

static const nb_op_def norm_ops[] = {
    {.name = "batch_norm", .arity = -1, .attrs_size = sizeof(norm_attrs),
     .forward = batch_norm_forward, .backward = batch_norm_backward,
     .saves = NB_SAVES_INPUT(0) | NB_SAVES_INPUT(1), .sample = sample_batch_norm, .gradcheck_tol = 1e-5},
    {.name = "layer_norm", .arity = -1, .attrs_size = sizeof(norm_attrs),
     .forward = layer_norm_forward, .backward = layer_norm_backward,
     .saves = NB_SAVES_INPUT(0) | NB_SAVES_INPUT(1), .sample = sample_layer_norm, .gradcheck_tol = 1e-5},
};

int nb__nn_register_norm(void)
{
    for (size_t i = 0; i < sizeof norm_ops / sizeof norm_ops[0]; i++)
        if (nb_op_register(&norm_ops[i])) return -1;
    return 0;
}

/* ---- public ---------------------------------------------------------------------- */

static int check_affine(const char *api, const nb_tensor *t, const char *what, int ndim,
                        const int64_t *shape, nb_dtype dt)
{
    if (!t || (t->ndim == ndim && !memcmp(t->shape, shape, sizeof *shape * (size_t)ndim) && t->dtype == dt))
        return 0;
    char s1[NB_SHAPE_STR_MAX], s2[NB_SHAPE_STR_MAX];
    nb__error("%s: %s is %s %s; want %s %s", api, what, nb_dtype_name(t->dtype),
              nb__shape_str(s1, sizeof s1, t->ndim, t->shape), nb_dtype_name(dt),
              nb__shape_str(s2, sizeof s2, ndim, shape));
    return -1;
}

static nb_tensor *apply_norm(nb_ctx *ctx, const char *name, nb_tensor *x, nb_tensor *w,
                             nb_tensor *b, const norm_attrs *a)
{
    const nb_op_def *op = nb__nn_op(name);
    return op ? nb_op_apply(ctx, op, (nb_tensor *[]){x, w, b}, w ? 3 : 1, a) : NULL;
}

/* r = (1 - momentum) r + momentum batch, outside the graph (variance unbiased) */
static int update_running(nb_ctx *ctx, nb_tensor *x, nb_tensor *rm, nb_tensor *rv, double momentum)
{
    int axes[NB_MAX_DIMS], n = 0;
    for (int d = 0; d < x->ndim; d++)
        if (d != 1) axes[n++] = d;
    int rc = -1;
    NB_NO_GRAD
    {
        nb_tensor *m = nb_mean(ctx, x, n, axes, false), *v = nb_var(ctx, x, n, axes, 1, false);
        if (m && v && !nb_scale_(rm, 1 - momentum) && !nb_axpy_(rm, momentum, m) &&
            !nb_scale_(rv, 1 - momentum) && !nb_axpy_(rv, momentum, v))
            rc = 0;
    }
    return rc;
}

/* (x - mean) / sqrt(var + eps) w + b with given per-channel statistics */
static nb_tensor *normalise_with(nb_ctx *ctx, nb_tensor *x, nb_tensor *mean, nb_tensor *var,
                                 nb_tensor *w, nb_tensor *b, double eps)
{
    int64_t shape[NB_MAX_DIMS];
    for (int d = 0; d < x->ndim; d++) shape[d] = d == 1 ? x->shape[1] : 1;
    nb_tensor *r = nb_rsqrt(ctx, nb_add_scalar(ctx, nb_reshape(ctx, var, x->ndim, shape), eps));
    nb_tensor *y = nb_mul(ctx, nb_sub(ctx, x, nb_reshape(ctx, mean, x->ndim, shape)), r);
    if (w) y = nb_add(ctx, nb_mul(ctx, y, nb_reshape(ctx, w, x->ndim, shape)), nb_reshape(ctx, b, x->ndim, shape));
    return y ? nb__as_dtype(ctx, y, x->dtype) : NULL;
}

nb_tensor *nb_batch_norm(nb_ctx *ctx, nb_tensor *x, nb_tensor *running_mean,
                         nb_tensor *running_var, nb_tensor *weight, nb_tensor *bias,
                         bool training, double momentum, double eps)
{
    NB_REQUIRE(x);
    char s[NB_SHAPE_STR_MAX];
    if (x->ndim < 2 || nb__check_float(__func__, "input", x)) {
        if (x->ndim < 2) nb__error("nb_batch_norm: input must be [N,C,...], got %s", nb__shape_str(s, sizeof s, x->ndim, x->shape));
        return NULL;
    }
    int64_t C = x->shape[1];
    if (check_affine(__func__, weight, "weight", 1, &C, x->dtype) || check_affine(__func__, bias, "bias", 1, &C, x->dtype) ||
        check_affine(__func__, running_mean, "running_mean", 1, &C, x->dtype) ||
        check_affine(__func__, running_var, "running_var", 1, &C, x->dtype))
        return NULL;
    if (!weight != !bias || !running_mean != !running_var || !(eps > 0) || !(momentum >= 0 && momentum <= 1)) {
        nb__error("nb_batch_norm: weight and bias come together, as do the running statistics; "
                  "eps > 0 and momentum in [0, 1] (got eps %g, momentum %g)", eps, momentum);
        return NULL;
    }
    if (!training && running_mean) return normalise_with(ctx, x, running_mean, running_var, weight, bias, eps);
    if (nb_numel(x) <= C) {
        nb__error("nb_batch_norm: training needs more than one value per channel, got input %s",
                  nb__shape_str(s, sizeof s, x->ndim, x->shape));
        return NULL;
    }
    if (training && running_mean && update_running(ctx, x, running_mean, running_var, momentum)) return NULL;
    norm_attrs a = {.eps = eps};
    return apply_norm(ctx, "batch_norm", x, weight, bias, &a);
}

nb_tensor *nb_layer_norm(nb_ctx *ctx, nb_tensor *x, int naxes, nb_tensor *weight, nb_tensor *bias,
                         double eps)
{
    NB_REQUIRE(x);
    if (naxes < 1 || naxes > x->ndim || !weight != !bias || !(eps > 0)) {
        nb__error("nb_layer_norm: normalises 1..%d trailing axes of this input (got %d), with weight "
                  "and bias both given or both NULL and eps > 0 (got %g)", x->ndim, naxes, eps);
        return NULL;
    }
    if (nb__check_float(__func__, "input", x)) return NULL;
    const int64_t *shape = x->shape + x->ndim - naxes;
    if (check_affine(__func__, weight, "weight", naxes, shape, x->dtype) ||
        check_affine(__func__, bias, "bias", naxes, shape, x->dtype))
        return NULL;
    norm_attrs a = {.eps = eps, .naxes = naxes};
    return apply_norm(ctx, "layer_norm", x, weight, bias, &a);
}

/* ---- modules ------------------------------------------------------------------------ */

typedef struct {
    nb_tensor *weight, *bias, *running_mean, *running_var, *tracked;
    double eps, momentum;
    int ndim_lo, ndim_hi; /* accepted input ranks */
    int naxes;            /* layer norm */
} norm_state;

static nb_tensor *batch_norm_module(nb_module *m, nb_ctx *ctx, nb_tensor *x)
{
    norm_state *s = m->state;
    if (x->ndim < s->ndim_lo || x->ndim > s->ndim_hi) {
        char sh[NB_SHAPE_STR_MAX];
        nb__shape_str(sh, sizeof sh, x->ndim, x->shape);
        if (s->ndim_lo == s->ndim_hi) nb__error("%s: input must have %d axes, got %s", m->type, s->ndim_lo, sh);
        else nb__error("%s: input must have %d or %d axes, got %s", m->type, s->ndim_lo, s->ndim_hi, sh);
        return NULL;
    }
    nb_tensor *y = nb_batch_norm(ctx, x, s->running_mean, s->running_var, s->weight, s->bias,
                                 m->training || !s->running_mean, s->momentum, s->eps);
    if (y && m->training && s->tracked) ((int64_t *)nb_data(s->tracked))[0]++;
    return y;
}

static nb_tensor *layer_norm_module(nb_module *m, nb_ctx *ctx, nb_tensor *x)
{
    const norm_state *s = m->state;
    return nb_layer_norm(ctx, x, s->naxes, s->weight, s->bias, s->eps);
}

/* weight = 1 and bias = 0 of the given shape, unless no_affine */
static int add_affine(nb_module *m, norm_state *s, int ndim, const int64_t *shape, const nb_norm_opts *o)
{
    if (o->no_affine) return 0;
    s->weight = nb_module_add_param(m, "weight", nb_ones(m->ctx, NB_F32, ndim, shape));
    s->bias = nb_module_add_param(m, "bias", nb_zeros(m->ctx, NB_F32, ndim, shape));
    return s->weight && s->bias ? 0 : -1;
}

static nb_module *batch_norm_new(const char *api, nb_ctx *ctx, const char *type, int64_t C,
                                 const nb_norm_opts *opts, int lo, int hi)
{
    nb_norm_opts o = opts ? *opts : (nb_norm_opts){0};
    double eps = o.eps ? o.eps : 1e-5, momentum = o.momentum ? o.momentum : 0.1;
    if (C < 1 || !(eps > 0) || !(momentum > 0 && momentum <= 1)) {
        nb__error("%s: need num_features >= 1, eps > 0, momentum in (0, 1] (got %lld, %g, %g)", api,
                  (long long)C, eps, momentum);
        return NULL;
    }
    nb_module *m = nb__layer_new(ctx, type, batch_norm_module, sizeof(norm_state),
                                 "%lld, eps=%g, momentum=%g, affine=%s, track_running_stats=%s", (long long)C,
                                 eps, momentum, o.no_affine ? "false" : "true", o.no_running_stats ? "false" : "true");
    if (!m) return NULL;
    norm_state *s = m->state;
    *s = (norm_state){.eps = eps, .momentum = momentum, .ndim_lo = lo, .ndim_hi = hi};
    if (add_affine(m, s, 1, &C, &o)) return NULL;
    if (o.no_running_stats) return m;
    s->running_mean = nb_module_add_buffer(m, "running_mean", nb_zeros(ctx, NB_F32, NB_SHAPE(C)));
    s->running_var = nb_module_add_buffer(m, "running_var", nb_ones(ctx, NB_F32, NB_SHAPE(C)));
    s->tracked = nb_module_add_buffer(m, "num_batches_tracked", nb_zeros(ctx, NB_I64, 0, NULL));
    return s->running_mean && s->running_var && s->tracked ? m : NULL;
}

nb_module *nb_batch_norm1d_new(nb_ctx *ctx, int64_t num_features, const nb_norm_opts *opts)
{
    return batch_norm_new(__func__, ctx, "BatchNorm1d", num_features, opts, 2, 3);
}

nb_module *nb_batch_norm2d_new(nb_ctx *ctx, int64_t num_features, const nb_norm_opts *opts)
{
    return batch_norm_new(__func__, ctx, "BatchNorm2d", num_features, opts, 4, 4);
}

nb_module *nb_layer_norm_new(nb_ctx *ctx, int ndim, const int64_t *normalized_shape,
                             const nb_norm_opts *opts)
{
    nb_norm_opts o = opts ? *opts : (nb_norm_opts){0};
    double eps = o.eps ? o.eps : 1e-5;
    char sh[NB_SHAPE_STR_MAX];
    if (ndim < 1 || ndim > NB_MAX_DIMS || !normalized_shape || nb__check_shape(__func__, ndim, normalized_shape) || !(eps > 0)) {
        if (!nb_last_error()[0] || ndim < 1) nb__error("nb_layer_norm_new: need 1..%d normalised axes and eps > 0", NB_MAX_DIMS);
        return NULL;
    }
    nb_module *m = nb__layer_new(ctx, "LayerNorm", layer_norm_module, sizeof(norm_state),
                                 "%s, eps=%g, elementwise_affine=%s", nb__shape_str(sh, sizeof sh, ndim, normalized_shape),
                                 eps, o.no_affine ? "false" : "true");
    if (!m) return NULL;
    norm_state *s = m->state;
    *s = (norm_state){.eps = eps, .naxes = ndim};
    return add_affine(m, s, ndim, normalized_shape, &o) ? NULL : m;
}
