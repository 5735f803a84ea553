/* nn/window.c — sliding windows as matrix columns: im2col and its adjoint
 * col2im, the two halves every convolution and pooling layer is built on.
 *
 * Shapes (K = C kh kw rows, L = OH OW columns):
 *   im2col: x [N,C,H,W] -> cols [N,K,L],
 *     cols[n, (c kh + p) kw + q, i OW + j] = x[n, c, i sh + p dh - ph, j sw + q dw - pw]
 *     (zero where the window hangs over the border);
 *   col2im: cols [N,K,L] -> x [N,C,H,W], the sum of every column entry back
 *     at the pixel it was read from.
 * They are each other's transpose, so each is the other's backward rule:
 *   d im2col = col2im(g),  d col2im = im2col(g).
 * Both kernels split the work over (n, c) planes: each plane is read or
 * written by one thread only, so the result does not depend on the thread
 * count. */
#include <string.h>

#include "nn_internal.h"

int64_t nb__window_out(int64_t in, int k, int s, int p, int d)
{
    int64_t span = in + 2 * (int64_t)p - (int64_t)d * (k - 1) - 1;
    return span < 0 ? -1 : span / s + 1;
}

int nb__window_from_conv(const char *api, int kh, int kw, const nb_conv2d_opts *o, nb__window *w)
{
    nb_conv2d_opts d = o ? *o : (nb_conv2d_opts){0};
    *w = (nb__window){.kh = kh, .kw = kw, .sh = d.stride[0] ? d.stride[0] : 1,
                      .sw = d.stride[1] ? d.stride[1] : 1, .ph = d.padding[0], .pw = d.padding[1],
                      .dh = d.dilation[0] ? d.dilation[0] : 1, .dw = d.dilation[1] ? d.dilation[1] : 1};
    if (kh < 1 || kw < 1 || w->sh < 1 || w->sw < 1 || w->ph < 0 || w->pw < 0 || w->dh < 1 || w->dw < 1) {
        nb__error("%s: kernel %dx%d, stride %dx%d, padding %dx%d, dilation %dx%d: kernel, stride "
                  "and dilation must be >= 1, padding >= 0", api, kh, kw, w->sh, w->sw, w->ph,
                  w->pw, w->dh, w->dw);
        return -1;
    }
    return 0;
}

/* ---- kernels --------------------------------------------------------------------- */

/* Columns j of one output row whose input column j sw + off lies in [0, W):
 * [*j0, *j1). */
static void valid_range(int64_t OW, int sw, int64_t off, int64_t W, int64_t *j0, int64_t *j1)
{
    int64_t lo = off < 0 ? (-off + sw - 1) / sw : 0;
    int64_t hi = W - off <= 0 ? 0 : (W - off - 1) / sw + 1;
    *j0 = lo < OW ? lo : OW;
    *j1 = hi < *j0 ? *j0 : hi < OW ? hi : OW;
}

#define DEFINE_IM2COL(SUFFIX, T)                                                             \
    static void im2col_plane_##SUFFIX(const T *x, T *cols, const nb__window *w, int64_t OH,  \
                                      int64_t OW)                                            \
    {                                                                                        \
        int64_t H = w->height, W = w->width, L = OH * OW;                                     \
        for (int p = 0; p < w->kh; p++)                                                      \
            for (int q = 0; q < w->kw; q++, cols += L) {                                     \
                int64_t off = (int64_t)q * w->dw - w->pw, j0, j1;                             \
                valid_range(OW, w->sw, off, W, &j0, &j1);                                    \
                for (int64_t i = 0; i < OH; i++) {                                           \
                    T *dst = cols + i * OW;                                                  \
                    int64_t h = i * w->sh + (int64_t)p * w->dh - w->ph;                       \
                    if (h < 0 || h >= H) {                                                   \
                        memset(dst, 0, sizeof(T) * (size_t)OW);                              \
                        continue;                                                            \
                    }                                                                        \
                    int64_t base = h * W + off; /* x[base + j sw] is column j */             \
                    for (int64_t j = 0; j < j0; j++) dst[j] = 0;                             \
                    if (w->sw == 1)                                                          \
                        memcpy(dst + j0, x + base + j0, sizeof(T) * (size_t)(j1 - j0));      \
                    else                                                                     \
                        for (int64_t j = j0; j < j1; j++) dst[j] = x[base + j * w->sw];      \
                    for (int64_t j = j1; j < OW; j++) dst[j] = 0;                            \
                }                                                                            \
            }                                                                                \
    }                                                                                        \
    static void col2im_plane_##SUFFIX(const T *cols, T *x, const nb__window *w, int64_t OH,  \
                                      int64_t OW)                                            \
    {                                                                                        \
        int64_t H = w->height, W = w->width, L = OH * OW;                                     \
        memset(x, 0, sizeof(T) * (size_t)(H * W));                                           \
        for (int p = 0; p < w->kh; p++)                                                      \
            for (int q = 0; q < w->kw; q++, cols += L) {                                     \
                int64_t off = (int64_t)q * w->dw - w->pw, j0, j1;                             \
                valid_range(OW, w->sw, off, W, &j0, &j1);                                    \
                for (int64_t i = 0; i < OH; i++) {                                           \
                    int64_t h = i * w->sh + (int64_t)p * w->dh - w->ph;                       \
                    if (h < 0 || h >= H) continue;                                           \
                    int64_t base = h * W + off;                                              \
                    const T *src = cols + i * OW;                                            \
                    for (int64_t j = j0; j < j1; j++) x[base + j * w->sw] += src[j];         \
                }                                                                            \
            }                                                                                \
    }
DEFINE_IM2COL(f32, float)
DEFINE_IM2COL(f64, double)

/* Planes (n, c) in parallel when there is enough work. */
static void run_planes(bool to_cols, nb_dtype dt, const char *src, char *dst, int64_t planes,
                       const nb__window *w, int64_t OH, int64_t OW)
{
    size_t es = nb_dtype_size(dt);
    int64_t img = w->height * w->width, col = (int64_t)w->kh * w->kw * OH * OW;
    int64_t in_step = to_cols ? img : col, out_step = to_cols ? col : img;
    NB_OMP(omp parallel for schedule(static) if (planes * (img + col) > 65536))
    for (int64_t pl = 0; pl < planes; pl++) {
        const char *s = src + pl * in_step * (int64_t)es;
        char *d = dst + pl * out_step * (int64_t)es;
        if (dt == NB_F32 && to_cols) im2col_plane_f32((const float *)s, (float *)d, w, OH, OW);
        else if (dt == NB_F32) col2im_plane_f32((const float *)s, (float *)d, w, OH, OW);
        else if (to_cols) im2col_plane_f64((const double *)s, (double *)d, w, OH, OW);
        else col2im_plane_f64((const double *)s, (double *)d, w, OH, OW);
    }
}

nb_tensor *nb__im2col_raw(nb_ctx *ctx, nb_tensor *x, nb__window *w)
{
    w->height = x->shape[2];
    w->width = x->shape[3];
    int64_t OH = nb__window_out(w->height, w->kh, w->sh, w->ph, w->dh);
    int64_t OW = nb__window_out(w->width, w->kw, w->sw, w->pw, w->dw);
    int64_t N = x->shape[0], C = x->shape[1];
    nb_tensor *xc = nb_contiguous(ctx, x);
    nb_tensor *cols = xc ? nb_empty(ctx, x->dtype, NB_SHAPE(N, C * w->kh * w->kw, OH * OW)) : NULL;
    if (cols && nb_numel(cols) > 0)
        run_planes(true, x->dtype, nb_data(xc), nb_data(cols), N * C, w, OH, OW);
    return cols;
}

static nb_tensor *col2im_raw(nb_ctx *ctx, nb_tensor *cols, const nb__window *w)
{
    int64_t OH = nb__window_out(w->height, w->kh, w->sh, w->ph, w->dh);
    int64_t OW = nb__window_out(w->width, w->kw, w->sw, w->pw, w->dw);
    int64_t N = cols->shape[0], C = cols->shape[1] / ((int64_t)w->kh * w->kw);
    nb_tensor *cc = nb_contiguous(ctx, cols);
    nb_tensor *x = cc ? nb_empty(ctx, cols->dtype, NB_SHAPE(N, C, w->height, w->width)) : NULL;
    if (x && nb_numel(x) > 0) run_planes(false, cols->dtype, nb_data(cc), nb_data(x), N * C, w, OH, OW);
    return x;
}

/* ---- the two ops --------------------------------------------------------------- */

static nb_tensor *im2col_forward(nb_ctx *ctx, nb_tensor *const *in, int n, const void *attrs)
{
    (void)n;
    nb__window w = *(const nb__window *)attrs;
    return nb__im2col_raw(ctx, in[0], &w);
}

static nb_tensor *col2im_forward(nb_ctx *ctx, nb_tensor *const *in, int n, const void *attrs)
{
    (void)n;
    return col2im_raw(ctx, in[0], attrs);
}

nb_tensor *nb__apply_window(nb_ctx *ctx, const char *name, nb_tensor *t, const nb__window *w)
{
    const nb_op_def *op = nb__nn_op(name);
    return op ? nb_op_apply(ctx, op, &t, 1, w) : NULL;
}

static int im2col_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    nb__window w = *(const nb__window *)nb_node_attrs(node);
    nb_tensor *x = nb_node_input(node, 0);
    w.height = x->shape[2];
    w.width = x->shape[3];
    return (gin[0] = nb__apply_window(ctx, "col2im", g, &w)) ? 0 : -1;
}

static int col2im_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    return (gin[0] = nb__apply_window(ctx, "im2col", g, nb_node_attrs(node))) ? 0 : -1;
}

void nb__sample_window(nb_rng *rng, nb__window *w, int64_t *N, int64_t *C)
{
    do {
        *w = (nb__window){.kh = 1 + (int)nb_rng_below(rng, 3), .kw = 1 + (int)nb_rng_below(rng, 3),
                          .sh = 1 + (int)nb_rng_below(rng, 2), .sw = 1 + (int)nb_rng_below(rng, 2),
                          .ph = (int)nb_rng_below(rng, 2), .pw = (int)nb_rng_below(rng, 2),
                          .dh = 1 + (int)nb_rng_below(rng, 2), .dw = 1 + (int)nb_rng_below(rng, 2),
                          .height = 1 + (int64_t)nb_rng_below(rng, 5),
                          .width = 1 + (int64_t)nb_rng_below(rng, 5)};
    } while (nb__window_out(w->height, w->kh, w->sh, w->ph, w->dh) < 1 ||
             nb__window_out(w->width, w->kw, w->sw, w->pw, w->dw) < 1);
    *N = 1 + (int64_t)nb_rng_below(rng, 2);
    *C = 1 + (int64_t)nb_rng_below(rng, 2);
}

static int sample_im2col(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    nb__window *w = attrs;
    int64_t N, C;
    nb__sample_window(rng, w, &N, &C);
    in[0] = nb_rand_uniform(ctx, rng, NB_F64, NB_SHAPE(N, C, w->height, w->width), -2, 2);
    return in[0] ? 1 : -1;
}

static int sample_col2im(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    nb__window *w = attrs;
    int64_t N, C;
    nb__sample_window(rng, w, &N, &C);
    int64_t L = nb__window_out(w->height, w->kh, w->sh, w->ph, w->dh) *
                nb__window_out(w->width, w->kw, w->sw, w->pw, w->dw);
    in[0] = nb_rand_uniform(ctx, rng, NB_F64, NB_SHAPE(N, C * w->kh * w->kw, L), -2, 2);
    return in[0] ? 1 : -1;
}

static const nb_op_def window_ops[] = {
    {.name = "im2col", .arity = 1, .attrs_size = sizeof(nb__window), .forward = im2col_forward,
     .backward = im2col_backward, .sample = sample_im2col},
    {.name = "col2im", .arity = 1, .attrs_size = sizeof(nb__window), .forward = col2im_forward,
     .backward = col2im_backward, .sample = sample_col2im},
};

int nb__nn_register_window(void)
{
    for (size_t i = 0; i < sizeof window_ops / sizeof window_ops[0]; i++)
        if (nb_op_register(&window_ops[i])) return -1;
    return 0;
}

/* ---- public ---------------------------------------------------------------------- */

/* x is a float [N,C,H,W] and the window fits in it. */
int nb__check_image(const char *api, const nb_tensor *x, const nb__window *w)
{
    char s[NB_SHAPE_STR_MAX];
    if (x->ndim != 4) {
        nb__error("%s: input must be [N,C,H,W], got %s", api, nb__shape_str(s, sizeof s, x->ndim, x->shape));
        return -1;
    }
    if (nb__check_float(api, "input", x)) return -1;
    if (nb__window_out(x->shape[2], w->kh, w->sh, w->ph, w->dh) < 1 ||
        nb__window_out(x->shape[3], w->kw, w->sw, w->pw, w->dw) < 1) {
        nb__error("%s: a %dx%d window (dilation %dx%d, padding %dx%d) does not fit input %s", api,
                  w->kh, w->kw, w->dh, w->dw, w->ph, w->pw, nb__shape_str(s, sizeof s, x->ndim, x->shape));
        return -1;
    }
    return 0;
}

nb_tensor *nb_im2col(nb_ctx *ctx, nb_tensor *x, int kh, int kw, const nb_conv2d_opts *opts)
{
    NB_REQUIRE(x);
    nb__window w;
    if (nb__window_from_conv(__func__, kh, kw, opts, &w) || nb__check_image(__func__, x, &w)) return NULL;
    return nb__apply_window(ctx, "im2col", x, &w);
}

nb_tensor *nb_col2im(nb_ctx *ctx, nb_tensor *cols, int64_t height, int64_t width, int kh, int kw,
                     const nb_conv2d_opts *opts)
{
    NB_REQUIRE(cols);
    nb__window w;
    if (nb__window_from_conv(__func__, kh, kw, opts, &w)) return NULL;
    w.height = height;
    w.width = width;
    char s[NB_SHAPE_STR_MAX];
    int64_t OH = height > 0 ? nb__window_out(height, kh, w.sh, w.ph, w.dh) : -1;
    int64_t OW = width > 0 ? nb__window_out(width, kw, w.sw, w.pw, w.dw) : -1;
    if (nb__check_float(__func__, "columns", cols)) return NULL;
    if (OH < 1 || OW < 1 || cols->ndim != 3 || cols->shape[1] % ((int64_t)kh * kw) ||
        cols->shape[2] != OH * OW) {
        nb__error("nb_col2im: columns %s do not fit a %lldx%lld image with a %dx%d window (want "
                  "[N, C*%d, %lld])", nb__shape_str(s, sizeof s, cols->ndim, cols->shape),
                  (long long)height, (long long)width, kh, kw, kh * kw, (long long)(OH * OW));
        return NULL;
    }
    return nb__apply_window(ctx, "col2im", cols, &w);
}
