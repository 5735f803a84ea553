/* nn/pool.c — 2-D max and average pooling.
 *
 * Max pooling: y[n,c,i,j] = max over the window of x (padding never wins).
 * Its gradient goes to the element that attained the max (the first of equal
 * ones; a NaN wins, the last of them, as in PyTorch):
 *   dx = scatter(g) at the argmax positions      (op "max_pool2d_scatter")
 * and the scatter's own gradient (for create_graph) gathers from the same
 * positions: d scatter = gather(g', argmax), written with nb_gather. The
 * argmax is recomputed from x rather than stored.
 *
 * Average pooling is a mean over the rows of im2col, so it differentiates
 * through the im2col op without a rule of its own. */
#include <math.h>
#include <string.h>

#include "nn_internal.h"

/* ---- the kernels ------------------------------------------------------------------
 * The maximum of a window is found as PyTorch does, scanning it row by row:
 * an element replaces the current one when it is larger or NaN, so ties go
 * to the first and NaNs win. Windows always hold a real element (padding <=
 * kernel / 2); without padding they lie inside the image and need no bounds
 * checks. */

#define DEFINE_POOL_KERNELS(SUFFIX, T)                                                      \
    static inline bool wins_##SUFFIX(T v, T m) { return v > m || v != v; }                   \
    /* position (h W + w) of the maximum of window (i, j), with bounds checks */             \
    static int64_t argmax_##SUFFIX(const T *x, const nb__window *w, int64_t i, int64_t j)   \
    {                                                                                       \
        int64_t best = -1;                                                                  \
        for (int p = 0; p < w->kh; p++) {                                                   \
            int64_t h = i * w->sh + (int64_t)p * w->dh - w->ph;                              \
            for (int q = 0; h >= 0 && h < w->height && q < w->kw; q++) {                    \
                int64_t c = j * w->sw + (int64_t)q * w->dw - w->pw, at = h * w->width + c;   \
                if (c >= 0 && c < w->width && (best < 0 || wins_##SUFFIX(x[at], x[best]))) best = at; \
            }                                                                               \
        }                                                                                   \
        return best;                                                                        \
    }                                                                                       \
    /* the same for a window inside the image, its offsets precomputed */                   \
    static int64_t argmax_inside_##SUFFIX(const T *x, int64_t base, const int64_t *offs, int k) \
    {                                                                                       \
        int64_t best = base + offs[0];                                                      \
        for (int e = 1; e < k; e++)                                                         \
            if (wins_##SUFFIX(x[base + offs[e]], x[best])) best = base + offs[e];           \
        return best;                                                                        \
    }                                                                                       \
    /* 2x2 windows, stride 2, no padding: constant strides, so it vectorises */             \
    static void max_2x2_##SUFFIX(const T *restrict x, T *restrict y, int64_t W, int64_t OH, int64_t OW) \
    {                                                                                       \
        for (int64_t i = 0; i < OH; i++) {                                                  \
            const T *r0 = x + 2 * i * W, *r1 = r0 + W;                                      \
            for (int64_t j = 0; j < OW; j++) {                                              \
                T m = r0[2 * j], v = r0[2 * j + 1];                                         \
                m = ((v > m) | (v != v)) ? v : m;                                           \
                v = r1[2 * j], m = ((v > m) | (v != v)) ? v : m;                            \
                v = r1[2 * j + 1], y[i * OW + j] = ((v > m) | (v != v)) ? v : m;            \
            }                                                                               \
        }                                                                                   \
    }                                                                                       \
    /* the backward of max_2x2: each window's four gradients written at once,     \
     * g at its maximum and 0 elsewhere, chosen by selects rather than branches    \
     * (which of four is largest is a coin toss the branch predictor loses), each  \
     * a select of values on one comparison: the form the compiler vectorises */  \
    static void scatter_2x2_##SUFFIX(const T *restrict x, T *restrict dx, const T *restrict g, \
                                     int64_t W, int64_t OH, int64_t OW)             \
    {                                                                                       \
        for (int64_t i = 0; i < OH; i++) {                                                  \
            const T *r0 = x + 2 * i * W, *r1 = r0 + W;                                      \
            T *d0 = dx + 2 * i * W, *d1 = d0 + W;                                           \
            for (int64_t j = 0; j < OW; j++) {                                              \
                T a = r0[2 * j], b = r0[2 * j + 1], c = r1[2 * j], d = r1[2 * j + 1];       \
                /* the gradient goes to the last element that beats all those before it:    \
                 * d if it beats max(a, b, c), else c if it beats max(a, b), and so on */   \
                T ab = ((b > a) | (b != b)) ? b : a;                                        \
                T abc = ((c > ab) | (c != c)) ? c : ab, rest = g[i * OW + j];               \
                d1[2 * j + 1] = ((d > abc) | (d != d)) ? rest : 0;                          \
                rest = ((d > abc) | (d != d)) ? 0 : rest;                                   \
                d1[2 * j] = ((c > ab) | (c != c)) ? rest : 0;                               \
                rest = ((c > ab) | (c != c)) ? 0 : rest;                                    \
                d0[2 * j + 1] = ((b > a) | (b != b)) ? rest : 0;                            \
                d0[2 * j] = ((b > a) | (b != b)) ? 0 : rest;                                \
            }                                                                               \
        }                                                                                   \
    }                                                                                       \
    /* y (values), idx (positions) or out += g at the positions (scatter) */                 \
    static void pool_plane_##SUFFIX(const T *x, T *y, int64_t *idx, T *out, const T *g,      \
                                    const nb__window *w, int64_t OH, int64_t OW)             \
    {                                                                                       \
        bool inside = w->ph == 0 && w->pw == 0 && w->kh * w->kw <= 64; /* offs[] below */   \
        bool is_2x2 = inside && w->kh == 2 && w->kw == 2 && w->sh == 2 && w->sw == 2 &&    \
                      w->dh == 1 && w->dw == 1;                                             \
        if (is_2x2 && (y || out)) {                                                         \
            if (y) max_2x2_##SUFFIX(x, y, w->width, OH, OW);                                \
            else scatter_2x2_##SUFFIX(x, out, g, w->width, OH, OW);                         \
            return;                                                                         \
        }                                                                                   \
        int64_t offs[64];                                                                   \
        int k = 0;                                                                          \
        for (int p = 0; inside && p < w->kh; p++)                                           \
            for (int q = 0; q < w->kw; q++) offs[k++] = (int64_t)p * w->dh * w->width + (int64_t)q * w->dw; \
        for (int64_t i = 0; i < OH; i++)                                                    \
            for (int64_t j = 0; j < OW; j++) {                                              \
                int64_t at = inside ? argmax_inside_##SUFFIX(x, i * w->sh * w->width + j * w->sw, offs, k) \
                                    : argmax_##SUFFIX(x, w, i, j);                          \
                if (y) y[i * OW + j] = x[at];                                               \
                if (idx) idx[i * OW + j] = at;                                              \
                if (out) out[at] += g[i * OW + j];                                          \
            }                                                                               \
    }
DEFINE_POOL_KERNELS(f32, float)
DEFINE_POOL_KERNELS(f64, double)

static void out_size(const nb__window *w, int64_t *OH, int64_t *OW)
{
    *OH = nb__window_out(w->height, w->kh, w->sh, w->ph, w->dh);
    *OW = nb__window_out(w->width, w->kw, w->sw, w->pw, w->dw);
}

/* What one plane computes: the pooled values, the argmax, or g scattered. */
typedef enum { POOL_VALUES, POOL_ARGMAX, POOL_SCATTER } pool_job;

static void run_plane(pool_job job, nb_dtype dt, const void *x, void *out, const void *g,
                      const nb__window *w, int64_t OH, int64_t OW)
{
    if (job == POOL_SCATTER) memset(out, 0, (size_t)(w->height * w->width) * nb_dtype_size(dt));
    void *y = job == POOL_VALUES ? out : NULL, *scat = job == POOL_SCATTER ? out : NULL;
    int64_t *idx = job == POOL_ARGMAX ? out : NULL;
    if (dt == NB_F32) pool_plane_f32(x, y, idx, scat, g, w, OH, OW);
    else pool_plane_f64(x, y, idx, scat, g, w, OH, OW);
}

/* Whether every window along an axis of `size` covers a real pixel (with
 * dilation, padding <= kernel / 2 does not ensure it: a window can fall
 * wholly in the padding, and then has no maximum). */
static bool windows_hold_pixels(int64_t size, int k, int s, int p, int d)
{
    int64_t out = nb__window_out(size, k, s, p, d);
    for (int64_t i = 0; i < out; i++) {
        bool any = false;
        for (int q = 0; q < k && !any; q++) {
            int64_t at = i * s + (int64_t)q * d - p;
            any = at >= 0 && at < size;
        }
        if (!any) return false;
    }
    return true;
}

static bool all_windows_hold_pixels(const nb__window *w)
{
    return windows_hold_pixels(w->height, w->kh, w->sh, w->ph, w->dh) &&
           windows_hold_pixels(w->width, w->kw, w->sw, w->pw, w->dw);
}

/* Runs a job over every (n, c) plane of x [N,C,H,W], in parallel by plane.
 * out: [N,C,OH,OW] values, [N,C,OH*OW] i64 argmax, or [N,C,H,W] scatter of g. */
static nb_tensor *pool_planes(nb_ctx *ctx, pool_job job, nb_tensor *x, nb_tensor *g,
                              const nb__window *w0)
{
    nb__window w = *w0;
    w.height = x->shape[2];
    w.width = x->shape[3];
    if (!all_windows_hold_pixels(&w)) {
        nb__error("max_pool2d: a window falls wholly in the padding of a %lldx%lld input",
                  (long long)w.height, (long long)w.width);
        return NULL;
    }
    int64_t N = x->shape[0], C = x->shape[1], OH, OW;
    out_size(&w, &OH, &OW);
    nb_tensor *xc = nb_contiguous(ctx, x), *gc = g ? nb_contiguous(ctx, nb__as_dtype(ctx, g, x->dtype)) : NULL;
    nb_tensor *out = job == POOL_VALUES ? nb_empty(ctx, x->dtype, NB_SHAPE(N, C, OH, OW))
                     : job == POOL_ARGMAX ? nb_empty(ctx, NB_I64, NB_SHAPE(N, C, OH * OW))
                                          : nb_empty(ctx, x->dtype, NB_SHAPE(N, C, w.height, w.width));
    int64_t planes = N * C, L = OH * OW, img = w.height * w.width;
    if (!xc || !out || (g && !gc)) return NULL;
    size_t es = nb_dtype_size(x->dtype), oes = nb_dtype_size(out->dtype);
    int64_t out_plane = job == POOL_SCATTER ? img : L;
    const char *xs = nb_data(xc), *gs = gc ? nb_data(gc) : NULL;
    char *os = nb_data(out);
    NB_OMP(omp parallel for schedule(static) if (planes * (img + L) > 65536))
    for (int64_t pl = 0; pl < planes; pl++)
        run_plane(job, x->dtype, xs + pl * img * (int64_t)es, os + pl * out_plane * (int64_t)oes,
                  gs ? gs + pl * L * (int64_t)es : NULL, &w, OH, OW);
    return out;
}

/* ---- the ops ------------------------------------------------------------------------ */

static nb_tensor *max_pool_forward(nb_ctx *ctx, nb_tensor *const *in, int n, const void *attrs)
{
    (void)n;
    return pool_planes(ctx, POOL_VALUES, in[0], NULL, attrs);
}

/* inputs: g [N,C,OH,OW] and x [N,C,H,W] (only its argmax matters) */
static nb_tensor *scatter_forward(nb_ctx *ctx, nb_tensor *const *in, int n, const void *attrs)
{
    (void)n;
    return pool_planes(ctx, POOL_SCATTER, in[1], in[0], attrs);
}

static int max_pool_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    const nb_op_def *op = nb__nn_op("max_pool2d_scatter");
    nb_tensor *x = nb_node_input(node, 0);
    gin[0] = op ? nb_op_apply(ctx, op, (nb_tensor *[]){g, x}, 2, nb_node_attrs(node)) : NULL;
    return gin[0] ? 0 : -1;
}

/* d scatter(g) / d g: gather g' at the argmax positions. */
static int scatter_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    nb_tensor *x = nb_node_input(node, 1), *gout = nb_node_input(node, 0);
    nb_tensor *idx = pool_planes(ctx, POOL_ARGMAX, x, NULL, nb_node_attrs(node));
    int64_t N = x->shape[0], C = x->shape[1];
    nb_tensor *flat = nb_reshape(ctx, g, NB_SHAPE(N, C, -1));
    gin[0] = nb_reshape(ctx, nb_gather(ctx, flat, 2, idx), gout->ndim, gout->shape);
    return gin[0] ? 0 : -1;
}

/* A pooling geometry (padding <= kernel / 2) and distinct values 0.1 apart,
 * so no window has a tie within gradcheck's step. */
static int sample_pool_input(nb_ctx *ctx, nb_rng *rng, nb__window *w, nb_tensor **x)
{
    int64_t N, C;
    do {
        nb__sample_window(rng, w, &N, &C);
        w->ph = w->ph <= w->kh / 2 ? w->ph : 0;
        w->pw = w->pw <= w->kw / 2 ? w->pw : 0;
    } while (nb__window_out(w->height, w->kh, w->sh, w->ph, w->dh) < 1 ||
             nb__window_out(w->width, w->kw, w->sw, w->pw, w->dw) < 1 || !all_windows_hold_pixels(w));
    int64_t numel = N * C * w->height * w->width;
    nb_tensor *perm = nb_cast(ctx, nb_randperm(ctx, rng, numel), NB_F64);
    *x = nb_reshape(ctx, nb_sub_scalar(ctx, nb_mul_scalar(ctx, perm, 0.1), 0.05 * (double)numel),
                    NB_SHAPE(N, C, w->height, w->width));
    return *x ? 0 : -1;
}

static int sample_max_pool(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    return sample_pool_input(ctx, rng, attrs, &in[0]) ? -1 : 1;
}

static int sample_scatter(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    nb__window *w = attrs;
    if (sample_pool_input(ctx, rng, w, &in[1])) return -1;
    int64_t OH, OW;
    out_size(w, &OH, &OW);
    in[0] = nb_rand_uniform(ctx, rng, NB_F64, NB_SHAPE(in[1]->shape[0], in[1]->shape[1], OH, OW), -2, 2);
    return in[0] ? 2 : -1;
}

static const nb_op_def pool_ops[] = {
    {.name = "max_pool2d", .arity = 1, .attrs_size = sizeof(nb__window),
     .forward = max_pool_forward, .backward = max_pool_backward, .saves = NB_SAVES_INPUT(0),
     .sample = sample_max_pool},
    {.name = "max_pool2d_scatter", .arity = 2, .attrs_size = sizeof(nb__window),
     .forward = scatter_forward, .backward = scatter_backward, .saves = NB_SAVES_INPUT(1),
     .no_grad_inputs = 1u << 1, .sample = sample_scatter},
};

int nb__nn_register_pool(void)
{
    for (size_t i = 0; i < sizeof pool_ops / sizeof pool_ops[0]; i++)
        if (nb_op_register(&pool_ops[i])) return -1;
    return 0;
}

/* ---- public ---------------------------------------------------------------------- */

static int pool_window(const char *api, const nb_pool2d_opts *o, nb__window *w)
{
    if (!o) {
        nb__error("%s: options with a kernel size are needed", api);
        return -1;
    }
    nb_conv2d_opts c = {.stride = {o->stride[0] ? o->stride[0] : o->kernel[0],
                                   o->stride[1] ? o->stride[1] : o->kernel[1]},
                        .padding = {o->padding[0], o->padding[1]},
                        .dilation = {o->dilation[0], o->dilation[1]}};
    if (nb__window_from_conv(api, o->kernel[0], o->kernel[1], &c, w)) return -1;
    if (w->ph > w->kh / 2 || w->pw > w->kw / 2) {
        nb__error("%s: padding %dx%d must be at most half the kernel %dx%d", api, w->ph, w->pw,
                  w->kh, w->kw);
        return -1;
    }
    return 0;
}

/* Pools x [N,C,H,W] or [C,H,W] (one image). */
static nb_tensor *pool(const char *api, nb_ctx *ctx, nb_tensor *x, const nb_pool2d_opts *o, bool max)
{
    NB_REQUIRE_IN(api, x);
    nb__window w;
    if (pool_window(api, o, &w)) return NULL;
    bool single = x->ndim == 3;
    nb_tensor *x4 = single ? nb_unsqueeze(ctx, x, 0) : x;
    if (!x4 || nb__check_image(api, x4, &w)) return NULL;
    w.height = x4->shape[2];
    w.width = x4->shape[3];
    if (max && !all_windows_hold_pixels(&w)) {
        nb__error("%s: with padding %dx%d and dilation %dx%d a window falls wholly in the padding "
                  "of a %lldx%lld input and has no maximum", api, w.ph, w.pw, w.dh, w.dw,
                  (long long)w.height, (long long)w.width);
        return NULL;
    }
    nb_tensor *y;
    if (max) {
        const nb_op_def *op = nb__nn_op("max_pool2d");
        y = op ? nb_op_apply(ctx, op, &x4, 1, &w) : NULL;
    } else { /* the mean of each window's column of im2col over [N C, 1, H, W] */
        int64_t N = x4->shape[0], C = x4->shape[1], OH, OW;
        out_size(&w, &OH, &OW);
        nb_tensor *planes = nb_reshape(ctx, x4, NB_SHAPE(N * C, 1, w.height, w.width));
        nb_tensor *cols = nb__apply_window(ctx, "im2col", planes, &w);
        y = nb_reshape(ctx, nb_mean(ctx, cols, NB_AXES(1), false), NB_SHAPE(N, C, OH, OW));
    }
    return single && y ? nb_squeeze(ctx, y, 0) : y;
}

nb_tensor *nb_max_pool2d(nb_ctx *ctx, nb_tensor *x, const nb_pool2d_opts *opts)
{
    return pool(__func__, ctx, x, opts, true);
}

nb_tensor *nb_avg_pool2d(nb_ctx *ctx, nb_tensor *x, const nb_pool2d_opts *opts)
{
    return pool(__func__, ctx, x, opts, false);
}

/* ---- modules ------------------------------------------------------------------------ */

static nb_tensor *max_pool_module(nb_module *m, nb_ctx *ctx, nb_tensor *x)
{
    return nb_max_pool2d(ctx, x, m->state);
}

static nb_tensor *avg_pool_module(nb_module *m, nb_ctx *ctx, nb_tensor *x)
{
    return nb_avg_pool2d(ctx, x, m->state);
}

static nb_module *pool_new(const char *api, nb_ctx *ctx, const char *type, nb_module_forward_fn f,
                           const nb_pool2d_opts *o)
{
    nb__window w;
    if (pool_window(api, o, &w)) return NULL;
    nb_module *m = nb__layer_new(ctx, type, f, sizeof *o,
                                 "kernel_size=(%d, %d), stride=(%d, %d), padding=(%d, %d), dilation=(%d, %d)",
                                 w.kh, w.kw, w.sh, w.sw, w.ph, w.pw, w.dh, w.dw);
    if (m) *(nb_pool2d_opts *)m->state = *o;
    return m;
}

nb_module *nb_max_pool2d_new(nb_ctx *ctx, const nb_pool2d_opts *opts)
{
    return pool_new(__func__, ctx, "MaxPool2d", max_pool_module, opts);
}

nb_module *nb_avg_pool2d_new(nb_ctx *ctx, const nb_pool2d_opts *opts)
{
    return pool_new(__func__, ctx, "AvgPool2d", avg_pool_module, opts);
}
