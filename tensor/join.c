/* tensor/join.c — concat, stack, split. */
#include <string.h>

#include "record.h"

static int check_list(const char *api, nb_tensor *const *ts, int n)
{
    if (!ts) {
        nb__error("%s: the tensor list is NULL (n = %d)", api, n);
        return -1;
    }
    if (n < 1) {
        nb__error("%s: need at least one tensor, got %d", api, n);
        return -1;
    }
    for (int i = 0; i < n; i++)
        if (!ts[i]) {
            if (!nb_last_error()[0]) nb__error("%s: tensor %d is NULL", api, i);
            return -1;
        }
    return 0;
}

static nb_tensor *concat_impl(nb_ctx *ctx, nb_tensor *const *ts, int n, int axis)
{
    if (check_list("nb_concat", ts, n)) return NULL;
    const nb_tensor *first = ts[0];
    int a;
    if (nb__axis("nb_concat", axis, first->ndim, &a)) return NULL;
    int64_t shape[NB_MAX_DIMS];
    memcpy(shape, first->shape, sizeof shape);
    shape[a] = 0;
    nb_dtype dt = first->dtype;
    for (int i = 0; i < n; i++) {
        const nb_tensor *t = ts[i];
        bool ok = t->ndim == first->ndim;
        for (int d = 0; ok && d < t->ndim; d++) ok = d == a || t->shape[d] == first->shape[d];
        if (!ok) {
            char s1[NB_SHAPE_STR_MAX], s2[NB_SHAPE_STR_MAX];
            nb__error("nb_concat: tensor %d has shape %s, which does not match %s except on axis %d",
                      i, nb__shape_str(s1, sizeof s1, t->ndim, t->shape),
                      nb__shape_str(s2, sizeof s2, first->ndim, first->shape), axis);
            return NULL;
        }
        shape[a] += t->shape[a];
        dt = nb_promote_types(dt, t->dtype);
    }
    nb_tensor *out = nb__alloc("nb_concat", ctx, dt, first->ndim, shape);
    if (!out) return NULL;
    int64_t at = 0;
    for (int i = 0; i < n; i++) { /* copy each piece into its slice of out */
        nb_tensor part = *out;
        part.offset += at * out->strides[a];
        part.shape[a] = ts[i]->shape[a];
        nb__convert_into(&part, ts[i]);
        at += ts[i]->shape[a];
    }
    return out;
}

nb_tensor *nb_stack(nb_ctx *ctx, nb_tensor *const *ts, int n, int axis)
{
    if (check_list(__func__, ts, n) || nb__check_ctx(__func__, ctx)) return NULL;
    for (int i = 1; i < n; i++)
        if (!nb_same_shape(ts[i], ts[0])) {
            char s1[NB_SHAPE_STR_MAX], s2[NB_SHAPE_STR_MAX];
            nb__error("nb_stack: tensor %d has shape %s but tensor 0 has %s", i,
                      nb__shape_str(s1, sizeof s1, ts[i]->ndim, ts[i]->shape),
                      nb__shape_str(s2, sizeof s2, ts[0]->ndim, ts[0]->shape));
            return NULL;
        }
    int a;
    if (ts[0]->ndim >= NB_MAX_DIMS) {
        nb__error("nb_stack: tensors already have the maximum %d dimensions", NB_MAX_DIMS);
        return NULL;
    }
    if (nb__axis(__func__, axis, ts[0]->ndim + 1, &a)) return NULL;
    nb_tensor **views = nb_ctx_alloc(ctx, sizeof(nb_tensor *) * (size_t)n, _Alignof(nb_tensor *));
    if (!views) return NULL;
    for (int i = 0; i < n; i++) {
        views[i] = nb_unsqueeze(ctx, ts[i], a);
        if (!views[i]) return NULL;
    }
    return nb_concat(ctx, views, n, a);
}

int nb_split(nb_ctx *ctx, nb_tensor *x, int axis, const int64_t *sizes, int n, nb_tensor **out)
{
    NB_REQUIRE_INT(x);
    int a;
    if (nb__check_ctx(__func__, ctx) || nb__axis(__func__, axis, x->ndim, &a)) return -1;
    if (n < 1 || !sizes || !out) {
        nb__error("nb_split: need n >= 1 sizes and an output array, got n = %d", n);
        return -1;
    }
    int64_t total = 0;
    for (int i = 0; i < n; i++) {
        if (sizes[i] < 0) {
            nb__error("nb_split: size %d is negative (%lld)", i, (long long)sizes[i]);
            return -1;
        }
        total = sizes[i] > INT64_MAX - total ? INT64_MAX : total + sizes[i]; /* no overflow */
    }
    if (total != x->shape[a]) {
        nb__error("nb_split: sizes add up to %lld but axis %d has length %lld", (long long)total,
                  axis, (long long)x->shape[a]);
        return -1;
    }
    int64_t at = 0;
    for (int i = 0; i < n; i++) {
        out[i] = nb_slice(ctx, x, a, at, at + sizes[i], 1);
        if (!out[i]) return -1;
        at += sizes[i];
    }
    return 0;
}

nb_tensor *nb_concat(nb_ctx *ctx, nb_tensor *const *ts, int n, int axis)
{
    static nb__op_site site = {.name = "concat"};
    NB_OP_BEGIN_IN(__func__, ctx);
    nb_tensor *out = concat_impl(ctx, ts, n, axis);
    nb__axis_attrs attrs = {out && axis < 0 ? axis + ts[0]->ndim : axis};
    return nb__op_end(&site, ctx, out, ts, out ? n : 0, &attrs, sizeof attrs);
}
