/* tensor/views.c — reshape, transpose, permute, squeeze, unsqueeze, slice,
 * expand: new headers over the same storage. Only reshape ever copies, and
 * only when the requested shape cannot be laid over the existing strides. */
#include <string.h>

#include "record.h"

/* Resolves one -1 in a requested shape and checks the element count. */
static int resolve_shape(const nb_tensor *t, int ndim, const int64_t *shape, int64_t *out)
{
    char s1[NB_SHAPE_STR_MAX], s2[NB_SHAPE_STR_MAX];
    if (ndim < 0 || ndim > NB_MAX_DIMS || (ndim && !shape)) {
        nb__error("nb_reshape: %d dimensions is out of range [0, %d]", ndim, NB_MAX_DIMS);
        return -1;
    }
    int infer = -1;
    int64_t known = 1;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] == -1 && infer < 0) {
            infer = i;
        } else if (shape[i] < 0) {
            nb__error("nb_reshape: invalid size %lld in shape %s", (long long)shape[i],
                      nb__shape_str(s1, sizeof s1, ndim, shape));
            return -1;
        } else {
            known *= shape[i];
        }
        out[i] = shape[i];
    }
    int64_t n = nb_numel(t);
    if (infer >= 0) {
        if (known == 0 || n % known) goto mismatch;
        out[infer] = n / known;
    } else if (known != n) {
        goto mismatch;
    }
    return 0;
mismatch:
    nb__error("nb_reshape: cannot reshape %s (%lld elements) into %s",
              nb__shape_str(s1, sizeof s1, t->ndim, t->shape), (long long)n,
              nb__shape_str(s2, sizeof s2, ndim, shape));
    return -1;
}

/* Strides that lay `shape` over t's memory without copying, if any exist
 * (NumPy's _attempt_nocopy_reshape). Size-1 axes are ignored on the old side;
 * groups of old axes whose product equals a group of new axes must be
 * contiguous among themselves, and the new group then splits their span. */
static bool nocopy_strides(const nb_tensor *t, int ndim, const int64_t *shape, int64_t *strides)
{
    int64_t odims[NB_MAX_DIMS], ostr[NB_MAX_DIMS];
    int ond = 0;
    for (int i = 0; i < t->ndim; i++)
        if (t->shape[i] != 1) {
            odims[ond] = t->shape[i];
            ostr[ond++] = t->strides[i];
        }
    int oi = 0, oj = 1, ni = 0, nj = 1;
    while (ni < ndim && oi < ond) {
        int64_t np = shape[ni], op = odims[oi];
        while (np != op) {
            if (np < op) np *= shape[nj++];
            else op *= odims[oj++];
        }
        for (int ok = oi; ok < oj - 1; ok++)
            if (ostr[ok] != odims[ok + 1] * ostr[ok + 1]) return false;
        strides[nj - 1] = ostr[oj - 1];
        for (int nk = nj - 1; nk > ni; nk--) strides[nk - 1] = strides[nk] * shape[nk];
        ni = nj++;
        oi = oj++;
    }
    for (; ni < ndim; ni++) strides[ni] = 1; /* trailing size-1 axes */
    return true;
}

static nb_tensor *reshape_impl(nb_ctx *ctx, nb_tensor *t, int ndim, const int64_t *shape)
{
    NB_REQUIRE_IN("nb_reshape", t);
    int64_t target[NB_MAX_DIMS], strides[NB_MAX_DIMS];
    if (resolve_shape(t, ndim, shape, target)) return NULL;
    if (nb_numel(t) == 0 || !nocopy_strides(t, ndim, target, strides)) {
        nb_tensor *c = nb_contiguous(ctx, t);
        if (!c) return NULL;
        nb_tensor *v = nb__view(ctx, c);
        if (!v) return NULL;
        v->ndim = ndim;
        int64_t stride = 1;
        for (int i = ndim - 1; i >= 0; i--) {
            v->shape[i] = target[i];
            v->strides[i] = stride;
            stride *= target[i] ? target[i] : 1;
        }
        return v;
    }
    nb_tensor *v = nb__view(ctx, t);
    if (!v) return NULL;
    v->ndim = ndim;
    for (int i = 0; i < ndim; i++) {
        v->shape[i] = target[i];
        v->strides[i] = strides[i];
    }
    return v;
}

nb_tensor *nb_flatten(nb_ctx *ctx, nb_tensor *t)
{
    NB_REQUIRE(t);
    if (nb__check_ctx(__func__, ctx)) return NULL;
    return nb_reshape(ctx, t, NB_SHAPE(-1));
}

static nb_tensor *permute_impl(nb_ctx *ctx, nb_tensor *t, const int *axes)
{
    NB_REQUIRE_IN("nb_permute", t);
    if (!axes && t->ndim) {
        nb__error("nb_permute: axes is NULL");
        return NULL;
    }
    int seen = 0, norm[NB_MAX_DIMS];
    for (int i = 0; i < t->ndim; i++) {
        if (nb__axis("nb_permute", axes[i], t->ndim, &norm[i])) return NULL;
        if (seen & (1 << norm[i])) {
            nb__error("nb_permute: axis %d appears twice; axes must be a permutation of 0..%d",
                      axes[i], t->ndim - 1);
            return NULL;
        }
        seen |= 1 << norm[i];
    }
    nb_tensor *v = nb__view(ctx, t);
    if (!v) return NULL;
    for (int i = 0; i < t->ndim; i++) {
        v->shape[i] = t->shape[norm[i]];
        v->strides[i] = t->strides[norm[i]];
    }
    return v;
}

nb_tensor *nb_transpose(nb_ctx *ctx, nb_tensor *t, int axis0, int axis1)
{
    NB_REQUIRE(t);
    if (nb__check_ctx(__func__, ctx)) return NULL;
    int a, b;
    if (nb__axis("nb_transpose", axis0, t->ndim, &a) || nb__axis("nb_transpose", axis1, t->ndim, &b))
        return NULL;
    int axes[NB_MAX_DIMS];
    for (int i = 0; i < t->ndim; i++) axes[i] = i;
    axes[a] = b;
    axes[b] = a;
    return nb_permute(ctx, t, axes);
}

static nb_tensor *squeeze_impl(nb_ctx *ctx, nb_tensor *t, int axis)
{
    NB_REQUIRE_IN("nb_squeeze", t);
    int a;
    if (nb__axis("nb_squeeze", axis, t->ndim, &a)) return NULL;
    if (t->shape[a] != 1) {
        char s[NB_SHAPE_STR_MAX];
        nb__error("nb_squeeze: axis %d of shape %s has size %lld, not 1", axis,
                  nb__shape_str(s, sizeof s, t->ndim, t->shape), (long long)t->shape[a]);
        return NULL;
    }
    nb_tensor *v = nb__view(ctx, t);
    if (!v) return NULL;
    for (int i = a; i < t->ndim - 1; i++) {
        v->shape[i] = t->shape[i + 1];
        v->strides[i] = t->strides[i + 1];
    }
    v->ndim--;
    return v;
}

static nb_tensor *squeeze_all_impl(nb_ctx *ctx, nb_tensor *t)
{
    NB_REQUIRE_IN("nb_squeeze_all", t);
    nb_tensor *v = nb__view(ctx, t);
    if (!v) return NULL;
    v->ndim = 0;
    for (int i = 0; i < t->ndim; i++)
        if (t->shape[i] != 1) {
            v->shape[v->ndim] = t->shape[i];
            v->strides[v->ndim++] = t->strides[i];
        }
    return v;
}

static nb_tensor *unsqueeze_impl(nb_ctx *ctx, nb_tensor *t, int axis)
{
    NB_REQUIRE_IN("nb_unsqueeze", t);
    if (t->ndim == NB_MAX_DIMS) {
        nb__error("nb_unsqueeze: tensor already has the maximum %d dimensions", NB_MAX_DIMS);
        return NULL;
    }
    int a;
    if (nb__axis("nb_unsqueeze", axis, t->ndim + 1, &a)) return NULL;
    nb_tensor *v = nb__view(ctx, t);
    if (!v) return NULL;
    for (int i = t->ndim; i > a; i--) {
        v->shape[i] = t->shape[i - 1];
        v->strides[i] = t->strides[i - 1];
    }
    v->shape[a] = 1;
    v->strides[a] = a < t->ndim ? t->strides[a] * t->shape[a] : 1; /* any value works */
    v->ndim++;
    return v;
}

/* Python slice semantics (CPython's PySlice_AdjustIndices): negative bounds
 * count from the end, then bounds are clamped into range, differently for
 * positive and negative steps. */
static int64_t clamp_bound(int64_t b, int64_t n, int64_t step)
{
    if (b == NB_END) return step > 0 ? n : -1;
    if (b < 0) {
        b += n;
        if (b < 0) b = step > 0 ? 0 : -1;
    } else if (b >= n) {
        b = step > 0 ? n : n - 1;
    }
    return b;
}

static nb_tensor *slice_impl(nb_ctx *ctx, nb_tensor *t, int axis, int64_t start, int64_t stop,
                             int64_t step, int64_t *first)
{
    NB_REQUIRE_IN("nb_slice", t);
    int a;
    if (nb__axis("nb_slice", axis, t->ndim, &a)) return NULL;
    if (step == 0 || step == INT64_MIN) {
        nb__error("nb_slice: step %lld is not allowed (nonzero, > INT64_MIN)", (long long)step);
        return NULL;
    }
    int64_t n = t->shape[a];
    if (start == NB_END) start = step > 0 ? 0 : n - 1; /* Python's None: the near end */
    int64_t lo = clamp_bound(start, n, step), hi = clamp_bound(stop, n, step);
    int64_t len = 0;
    if (step > 0 && lo < hi) len = (hi - lo - 1) / step + 1;
    if (step < 0 && hi < lo) len = (lo - hi - 1) / (-step) + 1;
    nb_tensor *v = nb__view(ctx, t);
    if (!v) return NULL;
    if (len > 0) v->offset += lo * t->strides[a];
    v->shape[a] = len;
    /* with one element or none the stride is never used, and step may be
     * huge: t->strides[a] * step could overflow */
    v->strides[a] = len > 1 ? t->strides[a] * step : t->strides[a];
    *first = lo;
    return v;
}

static nb_tensor *expand_impl(nb_ctx *ctx, nb_tensor *t, int ndim, const int64_t *shape)
{
    NB_REQUIRE_IN("nb_expand", t);
    char s1[NB_SHAPE_STR_MAX], s2[NB_SHAPE_STR_MAX];
    if (nb__check_shape("nb_expand", ndim, shape)) return NULL;
    if (ndim < t->ndim) goto bad;
    nb_tensor *v = nb__view(ctx, t);
    if (!v) return NULL;
    int lead = ndim - t->ndim;
    for (int i = 0; i < ndim; i++) {
        int j = i - lead;
        if (j >= 0 && t->shape[j] == shape[i]) {
            v->strides[i] = t->strides[j];
        } else if (j < 0 || t->shape[j] == 1) {
            v->strides[i] = 0;
        } else {
            goto bad;
        }
        v->shape[i] = shape[i];
    }
    v->ndim = ndim;
    return v;
bad:
    nb__error("nb_expand: cannot broadcast shape %s to %s",
              nb__shape_str(s1, sizeof s1, t->ndim, t->shape),
              nb__shape_str(s2, sizeof s2, ndim, shape));
    return NULL;
}

static nb_tensor *contiguous_impl(nb_ctx *ctx, nb_tensor *t)
{
    NB_REQUIRE_IN("nb_contiguous", t);
    if (nb_is_contiguous(t)) return t;
    return nb_clone(ctx, t);
}

static nb_tensor *clone_impl(nb_ctx *ctx, nb_tensor *x)
{
    NB_REQUIRE_IN("nb_clone", x);
    nb_tensor *out = nb__alloc("nb_clone", ctx, x->dtype, x->ndim, x->shape);
    if (out) nb__convert_into(out, x);
    return out;
}

static nb_tensor *cast_impl(nb_ctx *ctx, nb_tensor *x, nb_dtype dtype)
{
    NB_REQUIRE_IN("nb_cast", x);
    nb_tensor *out = nb__alloc("nb_cast", ctx, dtype, x->ndim, x->shape);
    if (out) nb__convert_into(out, x);
    return out;
}

/* ---- the public functions: computed, then recorded ------------------------------
 * squeeze and unsqueeze are recorded as the reshape they are. */

static int norm_axis(int axis, int ndim) { return axis < 0 ? axis + ndim : axis; }

static nb_tensor *as_reshape(nb_ctx *ctx, nb_tensor *t, nb_tensor *out)
{
    static nb__op_site site = {.name = "reshape"};
    nb__shape_attrs attrs = {0};
    if (out) {
        attrs.ndim = out->ndim;
        memcpy(attrs.shape, out->shape, sizeof attrs.shape);
    }
    return nb__op_end(&site, ctx, out, &t, 1, &attrs, sizeof attrs);
}

nb_tensor *nb_reshape(nb_ctx *ctx, nb_tensor *t, int ndim, const int64_t *shape)
{
    static nb__op_site site = {.name = "reshape"};
    NB_OP_BEGIN_IN(__func__, ctx);
    nb_tensor *out = reshape_impl(ctx, t, ndim, shape);
    nb__shape_attrs attrs = {.ndim = ndim};
    for (int i = 0; out && i < ndim; i++) attrs.shape[i] = shape[i]; /* as asked: -1 kept */
    return nb__op_end(&site, ctx, out, &t, 1, &attrs, sizeof attrs);
}

nb_tensor *nb_squeeze(nb_ctx *ctx, nb_tensor *t, int axis)
{
    NB_OP_BEGIN_IN(__func__, ctx);
    return as_reshape(ctx, t, squeeze_impl(ctx, t, axis));
}

nb_tensor *nb_squeeze_all(nb_ctx *ctx, nb_tensor *t)
{
    NB_OP_BEGIN_IN(__func__, ctx);
    return as_reshape(ctx, t, squeeze_all_impl(ctx, t));
}

nb_tensor *nb_unsqueeze(nb_ctx *ctx, nb_tensor *t, int axis)
{
    NB_OP_BEGIN_IN(__func__, ctx);
    return as_reshape(ctx, t, unsqueeze_impl(ctx, t, axis));
}

nb_tensor *nb_permute(nb_ctx *ctx, nb_tensor *t, const int *axes)
{
    static nb__op_site site = {.name = "permute"};
    NB_OP_BEGIN_IN(__func__, ctx);
    nb_tensor *out = permute_impl(ctx, t, axes);
    nb__permute_attrs attrs = {{0}};
    for (int i = 0; out && i < t->ndim; i++) attrs.axes[i] = norm_axis(axes[i], t->ndim);
    return nb__op_end(&site, ctx, out, &t, 1, &attrs, sizeof attrs);
}

nb_tensor *nb_slice(nb_ctx *ctx, nb_tensor *t, int axis, int64_t start, int64_t stop,
                    int64_t step)
{
    static nb__op_site site = {.name = "slice"};
    NB_OP_BEGIN_IN(__func__, ctx);
    int64_t first = 0;
    nb_tensor *out = slice_impl(ctx, t, axis, start, stop, step, &first);
    nb__slice_attrs attrs = {0};
    if (out) {
        int a = norm_axis(axis, t->ndim);
        attrs = (nb__slice_attrs){a, start, stop, step, first, out->shape[a]};
    }
    return nb__op_end(&site, ctx, out, &t, 1, &attrs, sizeof attrs);
}

nb_tensor *nb_expand(nb_ctx *ctx, nb_tensor *t, int ndim, const int64_t *shape)
{
    static nb__op_site site = {.name = "expand"};
    NB_OP_BEGIN_IN(__func__, ctx);
    nb_tensor *out = expand_impl(ctx, t, ndim, shape);
    nb__shape_attrs attrs = {.ndim = ndim};
    for (int i = 0; out && i < ndim; i++) attrs.shape[i] = shape[i];
    return nb__op_end(&site, ctx, out, &t, 1, &attrs, sizeof attrs);
}

/* a copy, when one is made, is recorded as the clone it is */
nb_tensor *nb_contiguous(nb_ctx *ctx, nb_tensor *t)
{
    static nb__op_site site = {.name = "clone"};
    NB_OP_BEGIN_IN(__func__, ctx);
    nb_tensor *out = contiguous_impl(ctx, t);
    return nb__op_end(&site, ctx, out, &t, 1, NULL, 0);
}

nb_tensor *nb_clone(nb_ctx *ctx, nb_tensor *x)
{
    static nb__op_site site = {.name = "clone"};
    NB_OP_BEGIN_IN(__func__, ctx);
    nb_tensor *out = clone_impl(ctx, x);
    return nb__op_end(&site, ctx, out, &x, 1, NULL, 0);
}

nb_tensor *nb_cast(nb_ctx *ctx, nb_tensor *x, nb_dtype dtype)
{
    static nb__op_site site = {.name = "cast"};
    NB_OP_BEGIN_IN(__func__, ctx);
    nb_tensor *out = cast_impl(ctx, x, dtype);
    nb__cast_attrs attrs = {dtype};
    return nb__op_end(&site, ctx, out, &x, 1, &attrs, sizeof attrs);
}
