/* tensor/tensor.c — making tensors, their properties, reading elements. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tensor_internal.h"

/* ---- shapes and messages ------------------------------------------------- */

char *nb__shape_str(char *buf, size_t size, int ndim, const int64_t *shape)
{
    size_t at = 0;
    at += (size_t)snprintf(buf, size, "[");
    for (int i = 0; i < ndim && at < size; i++)
        at += (size_t)snprintf(buf + at, size - at, i ? ",%lld" : "%lld", (long long)shape[i]);
    if (at < size) snprintf(buf + at, size - at, "]");
    return buf;
}

int nb__check_shape(const char *op, int ndim, const int64_t *shape)
{
    if (ndim < 0 || ndim > NB_MAX_DIMS) {
        nb__error("%s: %d dimensions is out of range [0, %d]", op, ndim, NB_MAX_DIMS);
        return -1;
    }
    if (ndim > 0 && !shape) {
        nb__error("%s: shape is NULL for %d dimensions", op, ndim);
        return -1;
    }
    for (int i = 0; i < ndim; i++)
        if (shape[i] < 0) {
            char s[NB_SHAPE_STR_MAX];
            nb__error("%s: negative size in shape %s", op, nb__shape_str(s, sizeof s, ndim, shape));
            return -1;
        }
    return 0;
}

int nb__check_writable(const char *op, const nb_tensor *t)
{
    if (nb_numel(t) == 0) return 0; /* nothing will be written */
    for (int i = 0; i < t->ndim; i++)
        if (t->strides[i] == 0 && t->shape[i] > 1) {
            char s[NB_SHAPE_STR_MAX];
            nb__error("%s: the destination of shape %s is a broadcast view (axis %d has stride 0): "
                      "its elements share memory",
                      op, nb__shape_str(s, sizeof s, t->ndim, t->shape), i);
            return -1;
        }
    return 0;
}

int64_t nb__shape_numel(const char *op, int ndim, const int64_t *shape)
{
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] != 0 && n > INT64_MAX / shape[i]) {
            char s[NB_SHAPE_STR_MAX];
            nb__error("%s: shape %s has too many elements", op,
                      nb__shape_str(s, sizeof s, ndim, shape));
            return -1;
        }
        n *= shape[i];
    }
    return n;
}

int nb__axis(const char *op, int axis, int ndim, int *out)
{
    int a = axis < 0 ? axis + ndim : axis;
    if (a < 0 || a >= ndim) {
        nb__error("%s: axis %d is out of range for a tensor of %d dimensions", op, axis, ndim);
        return -1;
    }
    *out = a;
    return 0;
}

int nb__axes_mask(const char *op, int naxes, const int *axes, int ndim, unsigned *mask)
{
    if (naxes == 0) {
        *mask = (1u << ndim) - 1;
        return 0;
    }
    if (naxes < 0 || naxes > ndim || !axes) {
        nb__error("%s: %d axes given for a tensor of %d dimensions", op, naxes, ndim);
        return -1;
    }
    *mask = 0;
    for (int i = 0; i < naxes; i++) {
        int a;
        if (nb__axis(op, axes[i], ndim, &a)) return -1;
        if (*mask & (1u << a)) {
            nb__error("%s: axis %d is listed twice", op, axes[i]);
            return -1;
        }
        *mask |= 1u << a;
    }
    return 0;
}

/* ---- allocation ---------------------------------------------------------- */

/* C order: the last axis is unit stride. In a tensor with a zero-size axis
 * no stride is ever used, and the others' product may pass INT64_MAX, so it
 * saturates instead of overflowing. */
static void set_contiguous_strides(nb_tensor *t)
{
    int64_t stride = 1;
    for (int i = t->ndim - 1; i >= 0; i--) {
        t->strides[i] = stride;
        int64_t size = t->shape[i] ? t->shape[i] : 1;
        stride = stride > INT64_MAX / size ? INT64_MAX : stride * size;
    }
}

int nb__check_dtype(const char *api, nb_dtype dtype)
{
    if ((unsigned)dtype > NB_F64) {
        nb__error("%s: unknown dtype %d", api, (int)dtype);
        return -1;
    }
    return 0;
}

nb_tensor *nb__alloc(const char *api, nb_ctx *ctx, nb_dtype dtype, int ndim, const int64_t *shape)
{
    if (nb__check_ctx(api, ctx) || nb__check_dtype(api, dtype) || nb__check_shape(api, ndim, shape)) return NULL;
    int64_t n = nb__shape_numel(api, ndim, shape);
    size_t es = nb_dtype_size(dtype);
    if (n < 0 || (uint64_t)n > SIZE_MAX / 2 / es) {
        if (n >= 0) nb__error("%s: %lld elements is too many", api, (long long)n);
        return NULL;
    }
    /* header, storage and data in one block: one arena call, and a small
     * tensor's parts share cache lines */
    size_t nbytes = (size_t)n * es, head = (sizeof(nb_tensor) + 15) & ~(size_t)15;
    size_t data_at = head + ((sizeof(nb_storage) + 15) & ~(size_t)15);
    if (nbytes >= 64) data_at = (data_at + 63) & ~(size_t)63; /* vector loads like 64 */
    char *block = nb_ctx_alloc(ctx, data_at + nbytes, nbytes >= 64 ? 64 : 16);
    if (!block) return NULL;
    nb_tensor *t = (nb_tensor *)block;
    nb_storage *s = (nb_storage *)(block + head);
    *s = (nb_storage){.data = block + data_at, .nbytes = nbytes, .version = 0};
    *t = (nb_tensor){.dtype = dtype, .ndim = ndim, .storage = s, .ctx = ctx};
    for (int i = 0; i < ndim; i++) t->shape[i] = shape[i];
    set_contiguous_strides(t);
    return t;
}

nb_tensor *nb__view(nb_ctx *ctx, const nb_tensor *t)
{
    if (!ctx) {
        nb__error("nb_view: context is NULL");
        return NULL;
    }
    nb_tensor *v = nb_ctx_alloc(ctx, sizeof *v, _Alignof(nb_tensor));
    if (!v) return NULL;
    *v = *t;
    v->ctx = ctx;
    v->autograd = NULL;
    return v;
}

/* ---- creation -------------------------------------------------------------
 * Each public function names itself in messages: the shared helpers below
 * take its name (api) rather than report under one of their own. */

static nb_tensor *full(const char *api, nb_ctx *ctx, nb_dtype dtype, int ndim,
                       const int64_t *shape, double value)
{
    nb_tensor *t = nb__alloc(api, ctx, dtype, ndim, shape);
    if (t && nb_numel(t) == 1) nb__store(t->storage->data, dtype, value); /* scalars: no loop */
    else if (t && nb_fill_(t, value)) return NULL;
    return t;
}

static nb_tensor *zeros(const char *api, nb_ctx *ctx, nb_dtype dtype, int ndim,
                        const int64_t *shape)
{
    nb_tensor *t = nb__alloc(api, ctx, dtype, ndim, shape);
    if (t) memset(t->storage->data, 0, t->storage->nbytes);
    return t;
}

nb_tensor *nb_empty(nb_ctx *ctx, nb_dtype dtype, int ndim, const int64_t *shape)
{
    return nb__alloc(__func__, ctx, dtype, ndim, shape);
}

nb_tensor *nb_full(nb_ctx *ctx, nb_dtype dtype, int ndim, const int64_t *shape, double value)
{
    return full(__func__, ctx, dtype, ndim, shape, value);
}

nb_tensor *nb_zeros(nb_ctx *ctx, nb_dtype dtype, int ndim, const int64_t *shape)
{
    return zeros(__func__, ctx, dtype, ndim, shape);
}

nb_tensor *nb_ones(nb_ctx *ctx, nb_dtype dtype, int ndim, const int64_t *shape)
{
    return full(__func__, ctx, dtype, ndim, shape, 1.0);
}

nb_tensor *nb_scalar(nb_ctx *ctx, nb_dtype dtype, double value)
{
    return full(__func__, ctx, dtype, 0, NULL, value);
}

nb_tensor *nb_zeros_like(nb_ctx *ctx, const nb_tensor *t)
{
    NB_REQUIRE(t);
    return zeros(__func__, ctx, t->dtype, t->ndim, t->shape);
}

nb_tensor *nb_empty_like(nb_ctx *ctx, const nb_tensor *t)
{
    NB_REQUIRE(t);
    return nb__alloc(__func__, ctx, t->dtype, t->ndim, t->shape);
}

/* The range of an integer dtype (INT64_MAX rounds up to 2^63 in a double). */
static void int_range(nb_dtype dtype, double *min, double *max)
{
    *min = dtype == NB_I32 ? INT32_MIN : -0x1p63;
    *max = dtype == NB_I32 ? INT32_MAX : (double)INT64_MAX;
}

/* Whether the values from a to b (either order) fit dtype; values past an
 * integer dtype's range would be stored saturated. */
static bool range_fits(nb_dtype dtype, double a, double b)
{
    if (dtype != NB_I32 && dtype != NB_I64) return true;
    double lo = fmin(a, b), hi = fmax(a, b), min, max;
    int_range(dtype, &min, &max);
    return lo >= min && (dtype == NB_I32 ? hi <= max : hi < max); /* 2^63 itself is past i64 */
}

/* Whether arange's n values, start to start + (n - 1) step, fit the dtype. */
static int check_arange_fits(nb_dtype dtype, double start, double stop, double step, int64_t n)
{
    double last = start + (double)(n - 1) * step, min, max;
    if (n == 0 || range_fits(dtype, start, last)) return 0;
    int_range(dtype, &min, &max);
    nb__error("nb_arange: the values of [%g, %g) by %g run from %.15g to %.15g, past what %s holds "
              "[%.15g, %.15g]",
              start, stop, step, start, last, nb_dtype_name(dtype), min, max);
    return -1;
}

nb_tensor *nb_arange(nb_ctx *ctx, nb_dtype dtype, double start, double stop, double step)
{
    if (nb__check_dtype(__func__, dtype)) return NULL;
    if (step == 0 || !isfinite(start) || !isfinite(stop) || !isfinite(step)) {
        nb__error("nb_arange: need finite start, stop and a nonzero step, got (%g, %g, %g)",
                  start, stop, step);
        return NULL;
    }
    /* checked as a double, before it becomes an int64_t and a byte count */
    double count = ceil((stop - start) / step);
    size_t es = nb_dtype_size(dtype);
    if (count >= (double)(INT64_MAX / (int64_t)es)) {
        nb__error("nb_arange: [%g, %g) by %g makes %.15g elements of %s, past INT64_MAX bytes",
                  start, stop, step, count, nb_dtype_name(dtype));
        return NULL;
    }
    int64_t n = count > 0 ? (int64_t)count : 0;
    if (check_arange_fits(dtype, start, stop, step, n)) return NULL;
    nb_tensor *t = nb__alloc(__func__, ctx, dtype, 1, &n);
    if (!t) return NULL;
    for (int64_t i = 0; i < n; i++)
        nb__store((char *)t->storage->data + i * (int64_t)es, dtype, start + (double)i * step);
    return t;
}

nb_tensor *nb_linspace(nb_ctx *ctx, nb_dtype dtype, double start, double stop, int64_t n)
{
    if (n < 0 || !isfinite(start) || !isfinite(stop)) {
        nb__error("nb_linspace: need finite ends and n >= 0, got (%g, %g, %lld)", start, stop,
                  (long long)n);
        return NULL;
    }
    if (n > 0 && !range_fits(dtype, start, n > 1 ? stop : start)) {
        double min, max;
        int_range(dtype, &min, &max);
        nb__error("nb_linspace: the values from %.15g to %.15g are past what %s holds [%.15g, %.15g]", start,
                  stop, nb_dtype_name(dtype), min, max);
        return NULL;
    }
    nb_tensor *t = nb__alloc(__func__, ctx, dtype, 1, &n);
    if (!t) return NULL;
    size_t es = nb_dtype_size(dtype);
    double step = n > 1 ? (stop - start) / (double)(n - 1) : 0;
    for (int64_t i = 0; i < n; i++) {
        /* the last point is exactly stop, as in NumPy */
        double v = i == n - 1 && n > 1 ? stop : start + (double)i * step;
        nb__store((char *)t->storage->data + i * (int64_t)es, dtype, v);
    }
    return t;
}

nb_tensor *nb_eye(nb_ctx *ctx, nb_dtype dtype, int64_t n)
{
    if (n < 0) {
        nb__error("nb_eye: n = %lld is negative", (long long)n);
        return NULL;
    }
    nb_tensor *t = zeros(__func__, ctx, dtype, 2, (const int64_t[]){n, n});
    if (!t) return NULL;
    size_t es = nb_dtype_size(dtype);
    for (int64_t i = 0; i < n; i++)
        nb__store((char *)t->storage->data + (i * n + i) * (int64_t)es, dtype, 1.0);
    return t;
}

nb_tensor *nb_from_data(nb_ctx *ctx, nb_dtype dtype, int ndim, const int64_t *shape,
                        const void *data)
{
    nb_tensor *t = nb__alloc(__func__, ctx, dtype, ndim, shape);
    if (!t) return NULL;
    if (!data && t->storage->nbytes) {
        nb__error("nb_from_data: data is NULL");
        return NULL;
    }
    if (t->storage->nbytes) memcpy(t->storage->data, data, t->storage->nbytes);
    return t;
}

/* ---- properties ------------------------------------------------------------ */

int64_t nb_numel(const nb_tensor *t)
{
    if (!t) return 0;
    int64_t n = 1;
    for (int i = 0; i < t->ndim; i++) n *= t->shape[i];
    return n;
}

bool nb_is_contiguous(const nb_tensor *t)
{
    if (!t) return false;
    int64_t expected = 1;
    for (int i = t->ndim - 1; i >= 0; i--) {
        if (t->shape[i] == 0) return true;
        if (t->shape[i] != 1 && t->strides[i] != expected) return false;
        expected *= t->shape[i];
    }
    return true;
}

bool nb_same_shape(const nb_tensor *a, const nb_tensor *b)
{
    if (!a || !b || a->ndim != b->ndim) return false;
    for (int i = 0; i < a->ndim; i++)
        if (a->shape[i] != b->shape[i]) return false;
    return true;
}

void *nb_data(const nb_tensor *t) { return t ? nb__base_ptr(t) : NULL; }

/* ---- element access ------------------------------------------------------- */

char *nb__elem_ptr(const nb_tensor *t, int64_t i)
{
    int64_t off = 0;
    for (int d = t->ndim - 1; d >= 0; d--) {
        int64_t size = t->shape[d];
        off += (i % size) * t->strides[d];
        i /= size;
    }
    return nb__base_ptr(t) + off * (int64_t)nb_dtype_size(t->dtype);
}

/* A NULL tensor keeps an earlier message (the failure that made it), as
 * NB_REQUIRE does: reading a result back ends most chains of calls. */
static const void *one_element(const char *op, const nb_tensor *t)
{
    if (!t) {
        if (!nb_last_error()[0]) nb__error("%s: tensor is NULL", op);
        return NULL;
    }
    if (nb_numel(t) != 1) {
        char s[NB_SHAPE_STR_MAX];
        nb__error("%s: tensor of shape %s has %lld elements, not one", op,
                  nb__shape_str(s, sizeof s, t->ndim, t->shape), (long long)nb_numel(t));
        return NULL;
    }
    return nb__base_ptr(t);
}

double nb_item(const nb_tensor *t)
{
    const void *p = one_element(__func__, t);
    return p ? nb__load(p, t->dtype) : NAN;
}

int64_t nb_item_i64(const nb_tensor *t)
{
    const void *p = one_element(__func__, t);
    if (!p) return 0;
    switch (t->dtype) {
    case NB_I64: return *(const int64_t *)p;
    case NB_I32: return *(const int32_t *)p;
    case NB_BOOL: return *(const uint8_t *)p;
    default: { /* floats saturate; NaN gives 0 */
        int64_t v;
        nb__store(&v, NB_I64, nb__load(p, t->dtype));
        return v;
    }
    }
}

static char *index_ptr(const char *op, const nb_tensor *t, const int64_t *index)
{
    if (!t) {
        if (!nb_last_error()[0]) nb__error("%s: tensor is NULL", op);
        return NULL;
    }
    if (t->ndim > 0 && !index) {
        nb__error("%s: index is NULL", op);
        return NULL;
    }
    int64_t off = 0;
    for (int d = 0; d < t->ndim; d++) {
        int64_t i = index[d] < 0 ? index[d] + t->shape[d] : index[d];
        if (i < 0 || i >= t->shape[d]) {
            nb__error("%s: index %lld is out of range for axis %d of size %lld", op,
                      (long long)index[d], d, (long long)t->shape[d]);
            return NULL;
        }
        off += i * t->strides[d];
    }
    return nb__base_ptr(t) + off * (int64_t)nb_dtype_size(t->dtype);
}

double nb_get(const nb_tensor *t, const int64_t *index)
{
    char *p = index_ptr(__func__, t, index);
    return p ? nb__load(p, t->dtype) : NAN;
}

int nb_set(nb_tensor *t, const int64_t *index, double value)
{
    char *p = index_ptr(__func__, t, index);
    if (!p) return -1;
    nb__store(p, t->dtype, value);
    nb__bump_version(t);
    return 0;
}

int nb_copy_to(const nb_tensor *t, void *buf, size_t nbytes)
{
    if (!t || !buf) {
        if (t || !nb_last_error()[0]) nb__error("nb_copy_to: %s is NULL", t ? "buffer" : "tensor");
        return -1;
    }
    size_t need = (size_t)nb_numel(t) * nb_dtype_size(t->dtype);
    if (nbytes != need) {
        char s[NB_SHAPE_STR_MAX];
        nb__error("nb_copy_to: buffer holds %zu bytes but the %s tensor of shape %s needs %zu",
                  nbytes, nb_dtype_name(t->dtype), nb__shape_str(s, sizeof s, t->ndim, t->shape),
                  need);
        return -1;
    }
    nb_tensor dst = *t; /* a contiguous header over the caller's buffer */
    nb_storage st = {.data = buf, .nbytes = nbytes};
    dst.storage = &st;
    dst.offset = 0;
    dst.autograd = NULL;
    set_contiguous_strides(&dst);
    nb__convert_into(&dst, t);
    return 0;
}
