/* autograd/rules_shape.c — the op table entries of views, copies and concat.
 * Views move no numbers, so their gradients only move g back into the
 * input's layout. */
#include <string.h>

#include "rules.h"

#define X nb_node_input(node, 0)

static int reshape_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    return (gin[0] = nb_reshape(ctx, g, X->ndim, X->shape)) ? 0 : -1;
}

/* the inverse permutation puts every axis back */
static int permute_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    const nb__permute_attrs *a = nb_node_attrs(node);
    int inverse[NB_MAX_DIMS];
    for (int i = 0; i < X->ndim; i++) inverse[a->axes[i]] = i;
    return (gin[0] = nb_permute(ctx, g, inverse)) ? 0 : -1;
}

/* g lands on the sliced positions first, first + step, ... of a zero tensor */
static int slice_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    const nb__slice_attrs *a = nb_node_attrs(node);
    nb_tensor *x = X;
    int64_t shape[NB_MAX_DIMS];
    for (int i = 0; i < x->ndim; i++) shape[i] = i == a->axis ? a->count : 1;
    nb_tensor *pos = nb_arange(ctx, NB_I64, (double)a->first,
                               (double)a->first + (double)a->count * (double)a->step, (double)a->step);
    nb_tensor *idx = pos ? nb_reshape(ctx, pos, x->ndim, shape) : NULL;
    idx = idx ? nb_expand(ctx, idx, g->ndim, g->shape) : NULL;
    gin[0] = idx ? nb_scatter_add(ctx, nb_zeros_like(ctx, x), a->axis, idx, g) : NULL;
    return gin[0] ? 0 : -1;
}

/* expand: the engine sums g over the broadcast axes; clone and cast: g as is
 * (the engine casts it back to the input's type). */
static int identity_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    (void)ctx, (void)node;
    gin[0] = g;
    return 0;
}

/* each input gets its own stretch of g along the axis */
static int concat_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    int axis = ((const nb__axis_attrs *)nb_node_attrs(node))->axis;
    int64_t at = 0;
    for (int i = 0; i < nb_node_num_inputs(node); i++) {
        int64_t len = nb_node_input(node, i)->shape[axis];
        if (nb_node_needs_grad(node, i) && !(gin[i] = nb_slice(ctx, g, axis, at, at + len, 1)))
            return -1;
        at += len;
    }
    return 0;
}

/* ---- forward adapters --------------------------------------------------------------- */

static nb_tensor *reshape_forward(nb_ctx *ctx, nb_tensor *const *in, int n, const void *attrs)
{
    (void)n;
    const nb__shape_attrs *a = attrs;
    return nb_reshape(ctx, in[0], a->ndim, a->shape);
}

static nb_tensor *expand_forward(nb_ctx *ctx, nb_tensor *const *in, int n, const void *attrs)
{
    (void)n;
    const nb__shape_attrs *a = attrs;
    return nb_expand(ctx, in[0], a->ndim, a->shape);
}

static nb_tensor *permute_forward(nb_ctx *ctx, nb_tensor *const *in, int n, const void *attrs)
{
    (void)n;
    return nb_permute(ctx, in[0], ((const nb__permute_attrs *)attrs)->axes);
}

static nb_tensor *slice_forward(nb_ctx *ctx, nb_tensor *const *in, int n, const void *attrs)
{
    (void)n;
    const nb__slice_attrs *a = attrs;
    return nb_slice(ctx, in[0], a->axis, a->start, a->stop, a->step);
}

static nb_tensor *clone_forward(nb_ctx *ctx, nb_tensor *const *in, int n, const void *attrs)
{
    (void)n, (void)attrs;
    return nb_clone(ctx, in[0]);
}

static nb_tensor *cast_forward(nb_ctx *ctx, nb_tensor *const *in, int n, const void *attrs)
{
    (void)n;
    return nb_cast(ctx, in[0], ((const nb__cast_attrs *)attrs)->dtype);
}

static nb_tensor *concat_forward(nb_ctx *ctx, nb_tensor *const *in, int n, const void *attrs)
{
    return nb_concat(ctx, in, n, ((const nb__axis_attrs *)attrs)->axis);
}

/* ---- samplers ------------------------------------------------------------------------ */

static nb_tensor *random_input(nb_ctx *ctx, nb_rng *rng, int ndim, int64_t *shape)
{
    nb__rules_random_shape(rng, ndim, shape);
    return nb_rand_uniform(ctx, rng, NB_F64, ndim, shape, -2, 2);
}

/* [a, b, c] -> [a * b, c] or [c, a, b], one axis given as -1 */
static int sample_reshape(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    nb__shape_attrs *a = attrs;
    int64_t s[3];
    in[0] = random_input(ctx, rng, 3, s);
    *a = nb_rng_below(rng, 2) ? (nb__shape_attrs){2, {s[0] * s[1], -1}}
                              : (nb__shape_attrs){4, {s[2], 1, -1, s[1]}};
    return in[0] ? 1 : -1;
}

static int sample_expand(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    nb__shape_attrs *a = attrs;
    int64_t s[2];
    in[0] = random_input(ctx, rng, 2, s);
    s[nb_rng_below(rng, 2)] = 1;
    in[0] = in[0] ? nb_slice(ctx, nb_slice(ctx, in[0], 0, 0, s[0], 1), 1, 0, s[1], 1) : NULL;
    *a = (nb__shape_attrs){3, {2, s[0] == 1 ? 3 : s[0], s[1] == 1 ? 4 : s[1]}};
    return in[0] ? 1 : -1;
}

static int sample_permute(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    nb__permute_attrs *a = attrs;
    int64_t s[3];
    in[0] = random_input(ctx, rng, 3, s);
    int p[3] = {0, 1, 2};
    for (int i = 2; i > 0; i--) { /* Fisher-Yates */
        int j = (int)nb_rng_below(rng, (uint64_t)i + 1), t = p[i];
        p[i] = p[j];
        p[j] = t;
    }
    memcpy(a->axes, p, sizeof p);
    return in[0] ? 1 : -1;
}

static int sample_slice(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    nb__slice_attrs *a = attrs;
    int64_t s[2];
    in[0] = random_input(ctx, rng, 2, s);
    int64_t step = nb_rng_below(rng, 2) ? 2 : -1;
    *a = (nb__slice_attrs){.axis = (int)nb_rng_below(rng, 2), .start = step > 0 ? 0 : NB_END,
                           .stop = NB_END, .step = step};
    return in[0] ? 1 : -1;
}

static int sample_copy(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    int64_t s[2];
    if (attrs) *(nb__cast_attrs *)attrs = (nb__cast_attrs){NB_F64};
    in[0] = random_input(ctx, rng, 2, s);
    return in[0] ? 1 : -1;
}

static int sample_concat(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    int64_t s[2];
    int axis = (int)nb_rng_below(rng, 2);
    *(nb__axis_attrs *)attrs = (nb__axis_attrs){axis};
    for (int i = 0; i < 3; i++) {
        in[i] = random_input(ctx, rng, 2, s);
        if (i > 0 && in[i]) { /* match the first input off the axis */
            int64_t shape[2] = {in[0]->shape[0], in[0]->shape[1]};
            shape[axis] = s[axis];
            in[i] = nb_rand_uniform(ctx, rng, NB_F64, 2, shape, -2, 2);
        }
        if (!in[i]) return -1;
    }
    return 3;
}

/* ---- the table ----------------------------------------------------------------------- */

static const nb_op_def shape_ops[] = {
    {.name = "reshape", .arity = 1, .attrs_size = sizeof(nb__shape_attrs),
     .forward = reshape_forward, .backward = reshape_backward, .sample = sample_reshape},
    {.name = "expand", .arity = 1, .attrs_size = sizeof(nb__shape_attrs),
     .forward = expand_forward, .backward = identity_backward, .sample = sample_expand},
    {.name = "permute", .arity = 1, .attrs_size = sizeof(nb__permute_attrs),
     .forward = permute_forward, .backward = permute_backward, .sample = sample_permute},
    {.name = "slice", .arity = 1, .attrs_size = sizeof(nb__slice_attrs),
     .forward = slice_forward, .backward = slice_backward, .sample = sample_slice},
    {.name = "clone", .arity = 1, .forward = clone_forward, .backward = identity_backward,
     .sample = sample_copy},
    {.name = "cast", .arity = 1, .attrs_size = sizeof(nb__cast_attrs), .forward = cast_forward,
     .backward = identity_backward, .sample = sample_copy},
    {.name = "concat", .arity = -1, .attrs_size = sizeof(nb__axis_attrs),
     .forward = concat_forward, .backward = concat_backward, .sample = sample_concat},
};

int nb__register_shape_ops(void)
{
    return nb__rules_register(shape_ops, sizeof shape_ops / sizeof shape_ops[0]);
}
