/* tensor/index.c — gather, scatter_add, index_select, take, masked_select.
 *
 * Index tensors are i32 or i64; a negative index counts from the end of its
 * axis (as in NumPy). Every index is checked before anything is written, so a
 * bad index leaves no half-done result. */
#include <string.h>

#include "record.h"

static int check_index_tensor(const char *api, const nb_tensor *index)
{
    if (index->dtype != NB_I32 && index->dtype != NB_I64) {
        nb__error("%s: index must be i32 or i64, got %s", api, nb_dtype_name(index->dtype));
        return -1;
    }
    return 0;
}

/* Reads every index (in C order) into a flat i64 array, wrapping negatives
 * and checking the range [-size, size). */
static int64_t *load_indices(const char *api, nb_ctx *ctx, nb_tensor *index, int64_t size)
{
    if (check_index_tensor(api, index)) return NULL;
    nb_tensor *flat = nb__as_dtype(ctx, index, NB_I64);
    flat = flat ? nb_contiguous(ctx, flat) : NULL;
    if (!flat) return NULL;
    int64_t n = nb_numel(flat), *src = nb_data(flat);
    int64_t *out = nb_ctx_alloc(ctx, sizeof(int64_t) * (size_t)(n ? n : 1), 64);
    if (!out) return NULL;
    for (int64_t i = 0; i < n; i++) {
        int64_t v = src[i] < 0 ? src[i] + size : src[i];
        if (v < 0 || v >= size) {
            nb__error("%s: index %lld (at flat position %lld) is out of range for an axis of size "
                      "%lld",
                      api, (long long)src[i], (long long)i, (long long)size);
            return NULL;
        }
        out[i] = v;
    }
    return out;
}

/* The header of t with axis fixed at position i (one dimension fewer). */
static nb_tensor drop_axis(const nb_tensor *t, int axis, int64_t i)
{
    nb_tensor v = *t;
    v.offset += i * t->strides[axis];
    for (int d = axis; d < t->ndim - 1; d++) {
        v.shape[d] = t->shape[d + 1];
        v.strides[d] = t->strides[d + 1];
    }
    v.ndim--;
    v.autograd = NULL;
    return v;
}

/* ---- take / index_select --------------------------------------------------- */

static nb_tensor *take(const char *api, nb_ctx *ctx, nb_tensor *x, int axis, nb_tensor *index)
{
    NB_REQUIRE_IN(api, x);
    NB_REQUIRE_IN(api, index);
    int a;
    if (nb__axis(api, axis, x->ndim, &a)) return NULL;
    if (x->ndim - 1 + index->ndim > NB_MAX_DIMS) {
        nb__error("%s: result would have %d dimensions (max %d)", api, x->ndim - 1 + index->ndim,
                  NB_MAX_DIMS);
        return NULL;
    }
    int64_t *idx = load_indices(api, ctx, index, x->shape[a]);
    if (!idx) return NULL;
    /* work as [x.shape[:a], n, x.shape[a+1:]], then reshape the n axis */
    int64_t n = nb_numel(index), shape[NB_MAX_DIMS];
    memcpy(shape, x->shape, sizeof shape);
    shape[a] = n;
    nb_tensor *out = nb__alloc(api, ctx, x->dtype, x->ndim, shape);
    if (!out) return NULL;
    for (int64_t i = 0; i < n; i++) {
        nb_tensor dst = drop_axis(out, a, i), src = drop_axis(x, a, idx[i]);
        nb__convert_into(&dst, &src);
    }
    int ndim = 0;
    for (int d = 0; d < x->ndim; d++) {
        if (d != a) {
            shape[ndim++] = x->shape[d];
            continue;
        }
        for (int j = 0; j < index->ndim; j++) shape[ndim++] = index->shape[j];
    }
    return nb_reshape(ctx, out, ndim, shape);
}

static nb_tensor *index_select_impl(nb_ctx *ctx, nb_tensor *x, int axis, nb_tensor *index)
{
    NB_REQUIRE_IN("nb_index_select", x);
    NB_REQUIRE_IN("nb_index_select", index);
    if (index->ndim != 1) {
        char s[NB_SHAPE_STR_MAX];
        nb__error("nb_index_select: index must be 1-D, got shape %s",
                  nb__shape_str(s, sizeof s, index->ndim, index->shape));
        return NULL;
    }
    return take("nb_index_select", ctx, x, axis, index);
}

static nb_tensor *take_impl(nb_ctx *ctx, nb_tensor *x, int axis, nb_tensor *index)
{
    return take("nb_take", ctx, x, axis, index);
}

/* ---- gather / scatter_add ---------------------------------------------------
 * For every position p of index: the coordinate of x on `axis` is replaced by
 * index[p]; all other coordinates are p's own. */

static int check_gather_shapes(const char *api, const nb_tensor *x, int axis,
                               const nb_tensor *index, const nb_tensor *src)
{
    char s1[NB_SHAPE_STR_MAX], s2[NB_SHAPE_STR_MAX];
    if (check_index_tensor(api, index)) return -1;
    bool ok = index->ndim == x->ndim && (!src || src->ndim == x->ndim);
    for (int d = 0; ok && d < x->ndim; d++) {
        if (d != axis && index->shape[d] > x->shape[d]) ok = false;
        if (src && index->shape[d] > src->shape[d]) ok = false;
    }
    if (!ok) {
        nb__error("%s: index of shape %s does not fit %s of shape %s on axis %d", api,
                  nb__shape_str(s1, sizeof s1, index->ndim, index->shape), src ? "x and src" : "x",
                  nb__shape_str(s2, sizeof s2, x->ndim, x->shape), axis);
        return -1;
    }
    return 0;
}

/* Element offsets (in x's elements) that each index position addresses. */
static int64_t *gather_offsets(const char *api, nb_ctx *ctx, const nb_tensor *x, int axis,
                               nb_tensor *index)
{
    int64_t *idx = load_indices(api, ctx, index, x->shape[axis]);
    if (!idx) return NULL;
    int64_t pos[NB_MAX_DIMS] = {0};
    for (int64_t i = 0, n = nb_numel(index); i < n; i++) {
        int64_t off = x->offset;
        for (int d = 0; d < x->ndim; d++) off += (d == axis ? idx[i] : pos[d]) * x->strides[d];
        idx[i] = off;
        for (int d = index->ndim - 1; d >= 0; d--) { /* odometer over index's shape */
            if (++pos[d] < index->shape[d]) break;
            pos[d] = 0;
        }
    }
    return idx;
}

static nb_tensor *gather_impl(nb_ctx *ctx, nb_tensor *x, int axis, nb_tensor *index)
{
    NB_REQUIRE_IN("nb_gather", x);
    NB_REQUIRE_IN("nb_gather", index);
    int a;
    if (nb__axis("nb_gather", axis, x->ndim, &a) || check_gather_shapes("nb_gather", x, a, index, NULL))
        return NULL;
    int64_t *off = gather_offsets("nb_gather", ctx, x, a, index);
    nb_tensor *out = off ? nb__alloc("nb_gather", ctx, x->dtype, index->ndim, index->shape) : NULL;
    if (!out) return NULL;
    size_t es = nb_dtype_size(x->dtype);
    char *o = nb_data(out);
    const char *base = x->storage->data;
    for (int64_t i = 0, n = nb_numel(out); i < n; i++)
        memcpy(o + i * (int64_t)es, base + off[i] * (int64_t)es, es);
    return out;
}

static void add_element(char *dst, const char *src, nb_dtype d)
{
    switch (d) {
    case NB_F32: *(float *)dst += *(const float *)src; break;
    case NB_F64: *(double *)dst += *(const double *)src; break;
    case NB_I32: *(int32_t *)dst = (int32_t)((uint32_t) * (int32_t *)dst + (uint32_t) * (const int32_t *)src); break;
    case NB_I64: *(int64_t *)dst = (int64_t)((uint64_t) * (int64_t *)dst + (uint64_t) * (const int64_t *)src); break;
    case NB_BOOL: *(uint8_t *)dst = *(uint8_t *)dst | *(const uint8_t *)src; break;
    }
}

static nb_tensor *scatter_add_impl(nb_ctx *ctx, nb_tensor *x, int axis, nb_tensor *index, nb_tensor *src)
{
    NB_REQUIRE_IN("nb_scatter_add", x);
    NB_REQUIRE_IN("nb_scatter_add", index);
    NB_REQUIRE_IN("nb_scatter_add", src);
    int a;
    if (nb__axis("nb_scatter_add", axis, x->ndim, &a) || check_gather_shapes("nb_scatter_add", x, a, index, src))
        return NULL;
    nb_tensor *out = nb_clone(ctx, x); /* contiguous: offsets below address it */
    int64_t *off = out ? gather_offsets("nb_scatter_add", ctx, out, a, index) : NULL;
    nb_tensor *s = off ? nb__as_dtype(ctx, src, x->dtype) : NULL;
    if (!s) return NULL;
    size_t es = nb_dtype_size(x->dtype);
    char *o = out->storage->data;
    int64_t pos[NB_MAX_DIMS] = {0};
    for (int64_t i = 0, n = nb_numel(index); i < n; i++) { /* serial: repeats add in order */
        int64_t so = s->offset;
        for (int d = 0; d < s->ndim; d++) so += pos[d] * s->strides[d];
        add_element(o + off[i] * (int64_t)es, (const char *)s->storage->data + so * (int64_t)es,
                    x->dtype);
        for (int d = index->ndim - 1; d >= 0; d--) {
            if (++pos[d] < index->shape[d]) break;
            pos[d] = 0;
        }
    }
    return out;
}

/* ---- masked_select ------------------------------------------------------------ */

typedef struct {
    char *out;
    int64_t count;
    size_t es;
} select_state;

static void count_row(int64_t n, char *const *p, const int64_t *s, void *arg)
{
    select_state *st = arg;
    for (int64_t i = 0; i < n; i++) st->count += p[1][i * s[1]] != 0;
}

static void copy_row(int64_t n, char *const *p, const int64_t *s, void *arg)
{
    select_state *st = arg;
    for (int64_t i = 0; i < n; i++)
        if (p[1][i * s[1]]) memcpy(st->out + st->count++ * (int64_t)st->es, p[0] + i * s[0], st->es);
}

static nb_tensor *masked_select_impl(nb_ctx *ctx, nb_tensor *x, nb_tensor *mask)
{
    NB_REQUIRE_IN("nb_masked_select", x);
    NB_REQUIRE_IN("nb_masked_select", mask);
    int ndim;
    int64_t shape[NB_MAX_DIMS];
    if (nb__broadcast_shapes("nb_masked_select", x->ndim, x->shape, mask->ndim, mask->shape, &ndim, shape))
        return NULL;
    nb_tensor *m = nb__as_dtype(ctx, mask, NB_BOOL);
    if (!m) return NULL;
    select_state st = {.es = nb_dtype_size(x->dtype)};
    nb__loop L;
    nb__loop_init(&L, ndim, shape);
    nb__loop_add(&L, x);
    nb__loop_add(&L, m);
    nb__loop copy = L; /* running a loop simplifies it in place */
    nb__loop_run_ordered(&L, count_row, &st);
    nb_tensor *out = nb__alloc("nb_masked_select", ctx, x->dtype, 1, &st.count);
    if (!out) return NULL;
    st.out = nb_data(out);
    st.count = 0;
    nb__loop_run_ordered(&copy, copy_row, &st);
    return out;
}

/* ---- the public functions: computed, then recorded ---------------------------------- */

static nb_tensor *recorded(nb__op_site *site, nb_ctx *ctx, nb_tensor *out, nb_tensor *const *in,
                           int n, int axis)
{
    nb__axis_attrs attrs = {out && axis < 0 ? axis + in[0]->ndim : axis};
    return nb__op_end(site, ctx, out, in, n, &attrs, sizeof attrs);
}

/* index_select is take with a 1-D index, and recorded as such */
nb_tensor *nb_index_select(nb_ctx *ctx, nb_tensor *x, int axis, nb_tensor *index)
{
    static nb__op_site site = {.name = "take"};
    NB_OP_BEGIN_IN(__func__, ctx);
    nb_tensor *out = index_select_impl(ctx, x, axis, index);
    return recorded(&site, ctx, out, (nb_tensor *[]){x, index}, 2, axis);
}

nb_tensor *nb_take(nb_ctx *ctx, nb_tensor *x, int axis, nb_tensor *index)
{
    static nb__op_site site = {.name = "take"};
    NB_OP_BEGIN_IN(__func__, ctx);
    nb_tensor *out = take_impl(ctx, x, axis, index);
    return recorded(&site, ctx, out, (nb_tensor *[]){x, index}, 2, axis);
}

nb_tensor *nb_gather(nb_ctx *ctx, nb_tensor *x, int axis, nb_tensor *index)
{
    static nb__op_site site = {.name = "gather"};
    NB_OP_BEGIN_IN(__func__, ctx);
    nb_tensor *out = gather_impl(ctx, x, axis, index);
    return recorded(&site, ctx, out, (nb_tensor *[]){x, index}, 2, axis);
}

nb_tensor *nb_scatter_add(nb_ctx *ctx, nb_tensor *x, int axis, nb_tensor *index, nb_tensor *src)
{
    static nb__op_site site = {.name = "scatter_add"};
    NB_OP_BEGIN_IN(__func__, ctx);
    nb_tensor *out = scatter_add_impl(ctx, x, axis, index, src);
    return recorded(&site, ctx, out, (nb_tensor *[]){x, index, src}, 3, axis);
}

nb_tensor *nb_masked_select(nb_ctx *ctx, nb_tensor *x, nb_tensor *mask)
{
    static nb__op_site site = {.name = "masked_select"};
    NB_OP_BEGIN_IN(__func__, ctx);
    nb_tensor *out = masked_select_impl(ctx, x, mask);
    return nb__op_end(&site, ctx, out, (nb_tensor *[]){x, mask}, 2, NULL, 0);
}
