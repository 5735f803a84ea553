/* autograd/rules_reduce.c — the op table entries of reductions and softmax.
 *
 * A reduction's gradient flows back to every element it read, so each rule
 * first puts the reduced axes back (size 1) on g and lets broadcasting spread
 * it. R is the number of elements each output summarised. */
#include "rules.h"

#define X nb_node_input(node, 0)
#define Y nb_node_output(node)
#define ATTRS ((const nb__reduce_attrs *)nb_node_attrs(node))
/* g and y with the reduced axes restored */
#define G_KEEP nb__rules_keepdim(ctx, g, X, ATTRS->mask, ATTRS->keepdim)
#define Y_KEEP nb__rules_keepdim(ctx, Y, X, ATTRS->mask, ATTRS->keepdim)

static double reduced_count(const nb_tensor *x, unsigned mask)
{
    double r = 1;
    for (int i = 0; i < x->ndim; i++)
        if (mask & (1u << i)) r *= (double)x->shape[i];
    return r;
}

static int sum_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    return (gin[0] = nb_expand(ctx, G_KEEP, X->ndim, X->shape)) ? 0 : -1;
}

static int mean_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    nb_tensor *share = nb_div_scalar(ctx, G_KEEP, reduced_count(X, ATTRS->mask));
    return (gin[0] = nb_expand(ctx, share, X->ndim, X->shape)) ? 0 : -1;
}

/* d prod / d x_i = prod of the others: y / x_i when no x is zero; with one
 * zero, the product of the rest at the zero and 0 elsewhere; with more, 0. */
static int prod_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    nb_tensor *x = X, *zero = nb_scalar(ctx, x->dtype, 0), *one = nb_scalar(ctx, x->dtype, 1);
    int axes[NB_MAX_DIMS], naxes = nb__rules_mask_axes(ATTRS->mask, x->ndim, axes);
    nb_tensor *is_zero = nb_eq(ctx, x, zero);
    nb_tensor *x_safe = nb_where(ctx, is_zero, one, x);
    nb_tensor *zeros = nb_sum(ctx, is_zero, naxes, axes, true);
    nb_tensor *rest = nb_prod(ctx, x_safe, naxes, axes, true); /* product of the nonzeros */
    nb_tensor *lone_zero = nb_mul(ctx, nb_eq(ctx, zeros, nb_scalar(ctx, NB_I64, 1)), is_zero);
    nb_tensor *d = nb_where(ctx, nb_eq(ctx, zeros, nb_scalar(ctx, NB_I64, 0)),
                            nb_div(ctx, Y_KEEP, x_safe), nb_where(ctx, lone_zero, rest, zero));
    return (gin[0] = nb_mul(ctx, G_KEEP, d)) ? 0 : -1;
}

/* var = sum((x - m)^2) / (R - c):  d var / dx = 2 (x - m) / (R - c);
 * std = sqrt(var):                 d std / dx = (x - m) / ((R - c) std) */
static int var_std_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin,
                            bool is_std)
{
    nb_tensor *x = X;
    int axes[NB_MAX_DIMS], naxes = nb__rules_mask_axes(ATTRS->mask, x->ndim, axes);
    double dof = reduced_count(x, ATTRS->mask) - ATTRS->correction;
    nb_tensor *centred = nb_sub(ctx, x, nb_mean(ctx, x, naxes, axes, true));
    nb_tensor *d = is_std ? nb_div(ctx, centred, nb_mul_scalar(ctx, Y_KEEP, dof))
                          : nb_mul_scalar(ctx, centred, 2 / dof);
    return (gin[0] = nb_mul(ctx, G_KEEP, d)) ? 0 : -1;
}

static int var_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    return var_std_backward(ctx, node, g, gin, false);
}

static int std_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    return var_std_backward(ctx, node, g, gin, true);
}

/* Along one given axis, the gradient goes to the index argmax returns (the
 * first extreme), as torch.max(x, dim) does; over all elements (NB_ALL_AXES)
 * or several axes it is split evenly among the elements equal to the
 * extreme, as torch.max(x) and torch.amax do. */
static int extreme_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin,
                            bool is_max)
{
    nb_tensor *x = X;
    int axes[NB_MAX_DIMS], naxes = nb__rules_mask_axes(ATTRS->mask, x->ndim, axes);
    if (naxes == 1 && !ATTRS->all_axes) {
        nb_tensor *idx = is_max ? nb_argmax(ctx, x, axes[0], true) : nb_argmin(ctx, x, axes[0], true);
        gin[0] = nb_scatter_add(ctx, nb_zeros_like(ctx, x), axes[0], idx, G_KEEP);
        return gin[0] ? 0 : -1;
    }
    nb_tensor *hit = nb_cast(ctx, nb_eq(ctx, x, Y_KEEP), g->dtype);
    nb_tensor *count = nb_sum(ctx, hit, naxes, axes, true);
    return (gin[0] = nb_mul(ctx, G_KEEP, nb_div(ctx, hit, count))) ? 0 : -1;
}

static int max_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    return extreme_backward(ctx, node, g, gin, true);
}

static int min_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    return extreme_backward(ctx, node, g, gin, false);
}

/* d logsumexp / dx = exp(x - y) = softmax(x) */
static int logsumexp_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    return (gin[0] = nb_mul(ctx, G_KEEP, nb_exp(ctx, nb_sub(ctx, X, Y_KEEP)))) ? 0 : -1;
}

/* softmax:     dx = y (g - sum(g y))        (sums along the axis)
 * log_softmax: dx = g - exp(y) sum(g) */
static int softmax_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    int axis = ((const nb__axis_attrs *)nb_node_attrs(node))->axis;
    nb_tensor *y = Y;
    nb_tensor *dot = nb_sum(ctx, nb_mul(ctx, g, y), NB_AXES(axis), true);
    return (gin[0] = nb_mul(ctx, y, nb_sub(ctx, g, dot))) ? 0 : -1;
}

static int log_softmax_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    int axis = ((const nb__axis_attrs *)nb_node_attrs(node))->axis;
    nb_tensor *total = nb_sum(ctx, g, NB_AXES(axis), true);
    return (gin[0] = nb_sub(ctx, g, nb_mul(ctx, nb_exp(ctx, Y), total))) ? 0 : -1;
}

/* ---- forward adapters ------------------------------------------------------------- */

#define REDUCE_FORWARD(NAME)                                                             \
    static nb_tensor *NAME##_forward(nb_ctx *ctx, nb_tensor *const *in, int n,           \
                                     const void *attrs)                                  \
    {                                                                                    \
        (void)n;                                                                         \
        const nb__reduce_attrs *a = attrs;                                               \
        int axes[NB_MAX_DIMS], naxes = nb__rules_mask_axes(a->mask, in[0]->ndim, axes);  \
        return nb_##NAME(ctx, in[0], naxes, axes, a->keepdim);                           \
    }
REDUCE_FORWARD(sum)
REDUCE_FORWARD(mean)
REDUCE_FORWARD(prod)
REDUCE_FORWARD(max)
REDUCE_FORWARD(min)
REDUCE_FORWARD(logsumexp)

#define MOMENT_FORWARD(NAME)                                                             \
    static nb_tensor *NAME##_forward(nb_ctx *ctx, nb_tensor *const *in, int n,           \
                                     const void *attrs)                                  \
    {                                                                                    \
        (void)n;                                                                         \
        const nb__reduce_attrs *a = attrs;                                               \
        int axes[NB_MAX_DIMS], naxes = nb__rules_mask_axes(a->mask, in[0]->ndim, axes);  \
        return nb_##NAME(ctx, in[0], naxes, axes, a->correction, a->keepdim);            \
    }
MOMENT_FORWARD(var)
MOMENT_FORWARD(std)

#define AXIS_FORWARD(NAME)                                                               \
    static nb_tensor *NAME##_forward(nb_ctx *ctx, nb_tensor *const *in, int n,           \
                                     const void *attrs)                                  \
    {                                                                                    \
        (void)n;                                                                         \
        return nb_##NAME(ctx, in[0], ((const nb__axis_attrs *)attrs)->axis);             \
    }
AXIS_FORWARD(softmax)
AXIS_FORWARD(log_softmax)

#define ARG_FORWARD(NAME)                                                                \
    static nb_tensor *NAME##_forward(nb_ctx *ctx, nb_tensor *const *in, int n,           \
                                     const void *attrs)                                  \
    {                                                                                    \
        (void)n;                                                                         \
        const nb__reduce_attrs *a = attrs;                                               \
        int axes[NB_MAX_DIMS];                                                           \
        nb__rules_mask_axes(a->mask, in[0]->ndim, axes);                                 \
        return nb_##NAME(ctx, in[0], axes[0], a->keepdim);                               \
    }
ARG_FORWARD(argmax)
ARG_FORWARD(argmin)

/* ---- samplers ------------------------------------------------------------------------ */

/* A tensor of 1-3 axes (each >= min_size) and a random non-empty set of axes. */
static int sample_reduction(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, nb__reduce_attrs *a,
                            double lo, double hi, int64_t min_size, bool one_axis)
{
    int64_t shape[3];
    int ndim = 1 + (int)nb_rng_below(rng, 3);
    nb__rules_random_shape(rng, ndim, shape);
    for (int i = 0; i < ndim; i++)
        if (shape[i] < min_size) shape[i] = min_size;
    unsigned all = (1u << ndim) - 1;
    *a = (nb__reduce_attrs){.keepdim = nb_rng_below(rng, 2)};
    a->mask = one_axis ? 1u << nb_rng_below(rng, (uint64_t)ndim) : 1 + (unsigned)nb_rng_below(rng, all);
    in[0] = nb_rand_uniform(ctx, rng, NB_F64, ndim, shape, lo, hi);
    return in[0] ? 1 : -1;
}

static int sample_sum(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    return sample_reduction(ctx, rng, in, attrs, -2, 2, 1, false);
}

static int sample_prod(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    if (sample_reduction(ctx, rng, in, attrs, 0.5, 1.5, 1, false) < 0) return -1;
    return (in[0] = nb_mul(ctx, in[0], nb__rules_random_signs(ctx, rng, in[0]))) ? 1 : -1;
}

static int sample_moment(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    nb__reduce_attrs *a = attrs;
    int rc = sample_reduction(ctx, rng, in, a, -2, 2, 2, false);
    a->correction = (int)nb_rng_below(rng, 2);
    return rc;
}

static int sample_axis(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    nb__reduce_attrs a;
    int rc = sample_reduction(ctx, rng, in, &a, -3, 3, 1, true);
    for (int i = 0; i < NB_MAX_DIMS; i++)
        if (a.mask == 1u << i) ((nb__axis_attrs *)attrs)->axis = i;
    return rc;
}

static int sample_one_axis(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    return sample_reduction(ctx, rng, in, attrs, -2, 2, 1, true);
}

/* ---- the table ----------------------------------------------------------------------- */

#define REDUCE(NAME, SAVES, SAMPLE) \
    {.name = #NAME, .arity = 1, .attrs_size = sizeof(nb__reduce_attrs), \
     .forward = NAME##_forward, .backward = NAME##_backward, .saves = (SAVES), .sample = SAMPLE}

static const nb_op_def reduce_ops[] = {
    REDUCE(sum, 0, sample_sum),
    REDUCE(mean, 0, sample_sum),
    REDUCE(prod, NB_SAVES_INPUT(0) | NB_SAVES_OUTPUT, sample_prod),
    REDUCE(var, NB_SAVES_INPUT(0), sample_moment),
    REDUCE(std, NB_SAVES_INPUT(0) | NB_SAVES_OUTPUT, sample_moment),
    REDUCE(max, NB_SAVES_INPUT(0) | NB_SAVES_OUTPUT, sample_sum),
    REDUCE(min, NB_SAVES_INPUT(0) | NB_SAVES_OUTPUT, sample_sum),
    REDUCE(logsumexp, NB_SAVES_INPUT(0) | NB_SAVES_OUTPUT, sample_sum),
    {.name = "softmax", .arity = 1, .attrs_size = sizeof(nb__axis_attrs),
     .forward = softmax_forward, .backward = softmax_backward, .saves = NB_SAVES_OUTPUT,
     .sample = sample_axis},
    {.name = "log_softmax", .arity = 1, .attrs_size = sizeof(nb__axis_attrs),
     .forward = log_softmax_forward, .backward = log_softmax_backward,
     .saves = NB_SAVES_OUTPUT, .sample = sample_axis},
    {.name = "argmax", .arity = 1, .attrs_size = sizeof(nb__reduce_attrs),
     .forward = argmax_forward, .not_differentiable = true, .sample = sample_one_axis},
    {.name = "argmin", .arity = 1, .attrs_size = sizeof(nb__reduce_attrs),
     .forward = argmin_forward, .not_differentiable = true, .sample = sample_one_axis},
};

int nb__register_reduce_ops(void)
{
    return nb__rules_register(reduce_ops, sizeof reduce_ops / sizeof reduce_ops[0]);
}
