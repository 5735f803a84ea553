/* autograd/rules_index.c — the op table entries of gather, scatter_add, take
 * and masked_select. Index and mask inputs take no gradient; the values they
 * pick send theirs back to where they were picked from (repeats add up). */
#include "rules.h"

#define X nb_node_input(node, 0)
#define INDEX nb_node_input(node, 1)
#define AXIS (((const nb__axis_attrs *)nb_node_attrs(node))->axis)

/* y[p] = x[.., index[p], ..]:  dx = scatter_add(0, index, g) */
static int gather_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    return (gin[0] = nb_scatter_add(ctx, nb_zeros_like(ctx, X), AXIS, INDEX, g)) ? 0 : -1;
}

/* Zeros around t up to `shape` (t at the start of every axis). */
static nb_tensor *pad_to(nb_ctx *ctx, nb_tensor *t, const int64_t *shape)
{
    for (int d = 0; t && d < t->ndim; d++) {
        if (t->shape[d] == shape[d]) continue;
        int64_t zshape[NB_MAX_DIMS];
        for (int i = 0; i < t->ndim; i++) zshape[i] = t->shape[i];
        zshape[d] = shape[d] - t->shape[d];
        nb_tensor *parts[2] = {t, nb_zeros(ctx, t->dtype, t->ndim, zshape)};
        t = parts[1] ? nb_concat(ctx, parts, 2, d) : NULL;
    }
    return t;
}

/* y = x with src added at the indexed places:  dx = g, dsrc = gather(g, index)
 * (zero where src was beyond the index's extent) */
static int scatter_add_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    nb_tensor *src = nb_node_input(node, 2);
    gin[0] = g;
    if (!nb_node_needs_grad(node, 2)) return 0;
    gin[2] = pad_to(ctx, nb_gather(ctx, g, AXIS, INDEX), src->shape);
    return gin[2] ? 0 : -1;
}

/* take: g has x.shape[:a] + index.shape + x.shape[a+1:]; flatten the index
 * axes into one, then scatter-add along a. */
static int take_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    nb_tensor *x = X;
    int a = AXIS;
    int64_t gshape[NB_MAX_DIMS], ishape[NB_MAX_DIMS];
    for (int i = 0; i < x->ndim; i++) {
        gshape[i] = i == a ? nb_numel(INDEX) : x->shape[i];
        ishape[i] = i == a ? nb_numel(INDEX) : 1;
    }
    nb_tensor *g2 = nb_reshape(ctx, g, x->ndim, gshape);
    nb_tensor *idx = nb_reshape(ctx, INDEX, x->ndim, ishape);
    idx = idx ? nb_expand(ctx, idx, x->ndim, gshape) : NULL;
    gin[0] = g2 && idx ? nb_scatter_add(ctx, nb_zeros_like(ctx, x), a, idx, g2) : NULL;
    return gin[0] ? 0 : -1;
}

/* y = x[mask] (flat): scatter g back to the flat positions of the mask in
 * the broadcast shape; the engine sums a broadcast x back. */
static int masked_select_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    nb_tensor *x = X, *mask = INDEX;
    nb_tensor *shaped = nb_add(ctx, nb_zeros_like(ctx, x), nb_cast(ctx, mask, x->dtype));
    if (!shaped) return -1; /* x and mask broadcast together: `shaped` has that shape */
    int64_t n = nb_numel(shaped);
    nb_tensor *flat = nb_reshape(ctx, nb_arange(ctx, NB_I64, 0, (double)n, 1), shaped->ndim, shaped->shape);
    nb_tensor *pos = flat ? nb_masked_select(ctx, flat, mask) : NULL;
    nb_tensor *zeros = nb_zeros(ctx, g->dtype, 1, &n);
    nb_tensor *dflat = pos && zeros ? nb_scatter_add(ctx, zeros, 0, pos, g) : NULL;
    gin[0] = dflat ? nb_reshape(ctx, dflat, shaped->ndim, shaped->shape) : NULL;
    return gin[0] ? 0 : -1;
}

/* ---- forward adapters --------------------------------------------------------------- */

static nb_tensor *gather_forward(nb_ctx *ctx, nb_tensor *const *in, int n, const void *attrs)
{
    (void)n;
    return nb_gather(ctx, in[0], ((const nb__axis_attrs *)attrs)->axis, in[1]);
}

static nb_tensor *scatter_add_forward(nb_ctx *ctx, nb_tensor *const *in, int n, const void *attrs)
{
    (void)n;
    return nb_scatter_add(ctx, in[0], ((const nb__axis_attrs *)attrs)->axis, in[1], in[2]);
}

static nb_tensor *take_forward(nb_ctx *ctx, nb_tensor *const *in, int n, const void *attrs)
{
    (void)n;
    return nb_take(ctx, in[0], ((const nb__axis_attrs *)attrs)->axis, in[1]);
}

static nb_tensor *masked_select_forward(nb_ctx *ctx, nb_tensor *const *in, int n, const void *attrs)
{
    (void)n, (void)attrs;
    return nb_masked_select(ctx, in[0], in[1]);
}

/* ---- samplers: indices with repeats, so gradients must add up ------------------------ */

static int sample_gather(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    int64_t s[2];
    nb__rules_random_shape(rng, 2, s);
    int axis = (int)nb_rng_below(rng, 2);
    *(nb__axis_attrs *)attrs = (nb__axis_attrs){axis};
    int64_t ishape[2] = {s[0], s[1]};
    ishape[axis] = 1 + (int64_t)nb_rng_below(rng, 5);
    in[0] = nb_rand_uniform(ctx, rng, NB_F64, 2, s, -2, 2);
    in[1] = nb_rand_int(ctx, rng, NB_I64, 2, ishape, 0, s[axis]);
    return in[0] && in[1] ? 2 : -1;
}

static int sample_scatter_add(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    if (sample_gather(ctx, rng, in, attrs) < 0) return -1;
    in[2] = nb_rand_uniform(ctx, rng, NB_F64, 2, in[1]->shape, -2, 2);
    return in[2] ? 3 : -1;
}

static int sample_take(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    int64_t s[2];
    nb__rules_random_shape(rng, 2, s);
    int axis = (int)nb_rng_below(rng, 2);
    *(nb__axis_attrs *)attrs = (nb__axis_attrs){axis};
    in[0] = nb_rand_uniform(ctx, rng, NB_F64, 2, s, -2, 2);
    in[1] = nb_rand_int(ctx, rng, NB_I64, NB_SHAPE(2, 3), -s[axis], s[axis]); /* negatives too */
    return in[0] && in[1] ? 2 : -1;
}

static int sample_masked_select(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    (void)attrs;
    int64_t s[2];
    nb__rules_random_shape(rng, 2, s);
    in[0] = nb_rand_uniform(ctx, rng, NB_F64, 2, s, -2, 2);
    nb_tensor *m = nb_rand_int(ctx, rng, NB_I32, NB_SHAPE(s[1]), 0, 2); /* broadcast over rows */
    in[1] = m ? nb_cast(ctx, m, NB_BOOL) : NULL;
    return in[0] && in[1] ? 2 : -1;
}

/* ---- the table ----------------------------------------------------------------------- */

static const nb_op_def index_ops[] = {
    {.name = "gather", .arity = 2, .attrs_size = sizeof(nb__axis_attrs),
     .forward = gather_forward, .backward = gather_backward, .saves = NB_SAVES_INPUT(1),
     .no_grad_inputs = 1u << 1, .sample = sample_gather},
    {.name = "scatter_add", .arity = 3, .attrs_size = sizeof(nb__axis_attrs),
     .forward = scatter_add_forward, .backward = scatter_add_backward,
     .saves = NB_SAVES_INPUT(1), .no_grad_inputs = 1u << 1, .sample = sample_scatter_add},
    {.name = "take", .arity = 2, .attrs_size = sizeof(nb__axis_attrs), .forward = take_forward,
     .backward = take_backward, .saves = NB_SAVES_INPUT(1), .no_grad_inputs = 1u << 1,
     .sample = sample_take},
    {.name = "masked_select", .arity = 2, .forward = masked_select_forward,
     .backward = masked_select_backward, .saves = NB_SAVES_INPUT(1), .no_grad_inputs = 1u << 1,
     .sample = sample_masked_select},
};

int nb__register_index_ops(void)
{
    return nb__rules_register(index_ops, sizeof index_ops / sizeof index_ops[0]);
}
