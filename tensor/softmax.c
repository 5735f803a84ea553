/* tensor/softmax.c — softmax and log_softmax along one axis, argmax/argmin.
 *
 * softmax(x)_i = exp(x_i - m) / sum_j exp(x_j - m), with m = max_j x_j:
 * subtracting the max changes nothing mathematically and keeps every
 * exponent <= 0, so nothing overflows. log_softmax(x)_i = x_i - m -
 * log(sum_j exp(x_j - m)). Rows are independent, so threads split rows and
 * the result does not depend on the thread count. f32 rows run in the vector
 * kernel (kernels/vmath.h: vector max, vector exp summed in double lanes,
 * then one scaling pass); f64 rows in the loop below. */
#include <math.h>

#include "kernels/vmath.h"
#include "record.h"

#ifdef _OPENMP
#include <omp.h>
#endif

/* One f64 row: each exp is kept and scaled (one exp per element). */
void nb__row_softmax_f64(const double *x, double *y, int64_t n, bool log_space)
{
    double m = -INFINITY;
    for (int64_t i = 0; i < n; i++)
        if (x[i] > m || isnan(x[i])) m = x[i];
    if (!isfinite(m)) m = isnan(m) ? m : (m > 0 ? m : 0); /* all -inf: exp(-inf)=0 */
    double sum = 0;
    if (log_space) {
        for (int64_t i = 0; i < n; i++) sum += exp(x[i] - m);
        double lse = log(sum);
        for (int64_t i = 0; i < n; i++) y[i] = x[i] - m - lse;
    } else {
        for (int64_t i = 0; i < n; i++) sum += (y[i] = exp(x[i] - m));
        double inv = 1.0 / sum;
        for (int64_t i = 0; i < n; i++) y[i] = y[i] * inv;
    }
}

void nb__row_softmax_f32(const float *x, float *y, int64_t n, bool log_space)
{
    nb__vmath()->softmax_row(n, x, y, log_space);
}

double nb__row_logsumexp_f32(const float *x, int64_t n)
{
    const nb_vmath *vm = nb__vmath();
    if (n <= 0) return -INFINITY;
    float m = vm->max_f32(n, x);
    if (!isfinite(m)) return m;
    return m + log(vm->sum_exp_f32(n, x, m));
}

static nb_tensor *softmax(const char *api, nb_ctx *ctx, nb_tensor *x, int axis, bool log_space)
{
    NB_REQUIRE_IN(api, x);
    int a;
    if (nb__axis(api, axis, x->ndim > 0 ? x->ndim : 1, &a)) return NULL;
    nb_tensor *xf = nb_dtype_is_float(x->dtype) ? x : nb__as_dtype(ctx, x, NB_F32);
    if (!xf) return NULL;
    if (xf->ndim == 0) xf = nb_unsqueeze(ctx, xf, 0);
    nb_tensor *last = nb_contiguous(ctx, nb_transpose(ctx, xf, a, -1)); /* rows along axis */
    nb_tensor *out = last ? nb_empty_like(ctx, last) : NULL;
    if (!out) return NULL;
    int64_t n = last->shape[last->ndim - 1], rows = n ? nb_numel(last) / n : 0;
    bool f32 = out->dtype == NB_F32;
    const nb_vmath *vm = nb__vmath();
    char *src = nb_data(last), *dst = nb_data(out);
    int64_t row_bytes = n * (int64_t)nb_dtype_size(out->dtype);
#ifdef _OPENMP /* an exp an element: parallel from half the cheap ops' size (tensor_internal.h) */
#pragma omp parallel for schedule(static) if (rows * n >= NB_PARALLEL_MIN_ELEMS / 2 && !omp_in_parallel())
#endif
    for (int64_t r = 0; r < rows; r++) {
        if (f32)
            vm->softmax_row(n, (const float *)(src + r * row_bytes), (float *)(dst + r * row_bytes),
                            log_space);
        else
            nb__row_softmax_f64((const double *)(src + r * row_bytes), (double *)(dst + r * row_bytes),
                            n, log_space);
    }
    nb_tensor *back = nb_transpose(ctx, out, a, -1);
    back = back ? nb_contiguous(ctx, back) : NULL;
    return back && x->ndim == 0 ? nb_squeeze(ctx, back, 0) : back;
}

static nb_tensor *recorded_softmax(nb__op_site *site, nb_ctx *ctx, nb_tensor *x, int axis,
                                   bool log_space)
{
    const char *api = log_space ? "nb_log_softmax" : "nb_softmax";
    NB_OP_BEGIN_IN(api, ctx);
    nb_tensor *out = softmax(api, ctx, x, axis, log_space);
    nb__axis_attrs attrs = {out && axis < 0 ? axis + x->ndim : axis};
    return nb__op_end(site, ctx, out, &x, 1, &attrs, sizeof attrs);
}

nb_tensor *nb_softmax(nb_ctx *ctx, nb_tensor *x, int axis)
{
    static nb__op_site site = {.name = "softmax"};
    return recorded_softmax(&site, ctx, x, axis, false);
}

nb_tensor *nb_log_softmax(nb_ctx *ctx, nb_tensor *x, int axis)
{
    static nb__op_site site = {.name = "log_softmax"};
    return recorded_softmax(&site, ctx, x, axis, true);
}

/* ---- argmax / argmin ---------------------------------------------------------
 * The index of the first extreme value along the axis; a NaN counts as the
 * extreme (NumPy's rule), so the first NaN's index is returned. */

static bool beats(double v, double best, bool want_max)
{
    if (isnan(best)) return false;
    if (isnan(v)) return true;
    return want_max ? v > best : v < best;
}

static int64_t arg_extreme(const char *p, int64_t n, int64_t stride, nb_dtype d, bool want_max)
{
    int64_t best_i = 0;
    if (d == NB_I64) { /* compare exactly: doubles lose int64 precision */
        int64_t best = *(const int64_t *)p;
        for (int64_t i = 1; i < n; i++) {
            int64_t v = *(const int64_t *)(p + i * stride);
            if (want_max ? v > best : v < best) best = v, best_i = i;
        }
        return best_i;
    }
    double best = nb__load(p, d);
    for (int64_t i = 1; i < n; i++) {
        double v = nb__load(p + i * stride, d);
        if (beats(v, best, want_max)) best = v, best_i = i;
    }
    return best_i;
}

static nb_tensor *argreduce(const char *api, nb_ctx *ctx, nb_tensor *x, int axis, bool keepdim,
                            bool want_max)
{
    NB_REQUIRE_IN(api, x);
    int a;
    if (nb__axis(api, axis, x->ndim, &a)) return NULL;
    if (x->shape[a] == 0) {
        char s[NB_SHAPE_STR_MAX];
        nb__error("%s: axis %d of shape %s is empty", api, axis,
                  nb__shape_str(s, sizeof s, x->ndim, x->shape));
        return NULL;
    }
    nb_tensor *moved = nb_transpose(ctx, x, a, -1); /* the axis last, outputs before it */
    nb_tensor *rest = moved ? nb_slice(ctx, moved, -1, 0, 1, 1) : NULL;
    nb_tensor *out = rest ? nb__alloc(api, ctx, NB_I64, rest->ndim, rest->shape) : NULL;
    if (!out) return NULL;
    int64_t *o = nb_data(out), es = (int64_t)nb_dtype_size(x->dtype);
    int64_t n = x->shape[a], stride = moved->strides[moved->ndim - 1] * es;
    for (int64_t k = 0, K = nb_numel(out); k < K; k++)
        o[k] = arg_extreme(nb__elem_ptr(rest, k), n, stride, x->dtype, want_max);
    /* out has the reduced axis (size 1) last; move it back or drop it */
    nb_tensor *placed = nb_transpose(ctx, out, a, -1);
    if (!placed) return NULL;
    placed = nb_contiguous(ctx, placed);
    return keepdim || !placed ? placed : nb_squeeze(ctx, placed, a);
}

/* Not differentiable: recorded only so the op table knows of them. */
static nb_tensor *recorded_arg(nb__op_site *site, nb_ctx *ctx, nb_tensor *x, int axis, bool keepdim,
                               bool want_max)
{
    const char *api = want_max ? "nb_argmax" : "nb_argmin";
    NB_OP_BEGIN_IN(api, ctx);
    nb_tensor *out = argreduce(api, ctx, x, axis, keepdim, want_max);
    nb__reduce_attrs attrs = {.keepdim = keepdim};
    if (out) attrs.mask = 1u << (axis < 0 ? axis + x->ndim : axis);
    return nb__op_end(site, ctx, out, &x, 1, &attrs, sizeof attrs);
}

nb_tensor *nb_argmax(nb_ctx *ctx, nb_tensor *x, int axis, bool keepdim)
{
    static nb__op_site site = {.name = "argmax"};
    return recorded_arg(&site, ctx, x, axis, keepdim, true);
}

nb_tensor *nb_argmin(nb_ctx *ctx, nb_tensor *x, int axis, bool keepdim)
{
    static nb__op_site site = {.name = "argmin"};
    return recorded_arg(&site, ctx, x, axis, keepdim, false);
}
