/* autograd/rules_elementwise.c — the op table entries of elementwise ops:
 * forward, backward rule and gradcheck sampler side by side.
 *
 * Notation in the rules: x (and a, b) the inputs, y the output, g = dL/dy.
 * Every rule is written with nabla's own ops, so a backward recorded with
 * create_graph can be differentiated again. */
#include <math.h>

#include "rules.h"

/* ---- samplers ------------------------------------------------------------ */

/* Values uniform in [lo, hi). */
static nb_tensor *sample_range(nb_ctx *ctx, nb_rng *rng, double lo, double hi)
{
    int64_t shape[3];
    int ndim = 1 + (int)nb_rng_below(rng, 3);
    nb__rules_random_shape(rng, ndim, shape);
    return nb_rand_uniform(ctx, rng, NB_F64, ndim, shape, lo, hi);
}

/* Values with |x| in [0.1, 2): kept away from a kink at 0. */
static nb_tensor *sample_away_from_zero(nb_ctx *ctx, nb_rng *rng)
{
    nb_tensor *m = sample_range(ctx, rng, 0.1, 2);
    nb_tensor *s = m ? nb_rand_int(ctx, rng, NB_F64, m->ndim, m->shape, 0, 2) : NULL;
    return s ? nb_mul(ctx, m, nb_rsub_scalar(ctx, nb_mul_scalar(ctx, s, 2), 1)) : NULL;
}

static int sample_any(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    (void)attrs;
    return (in[0] = sample_range(ctx, rng, -2, 2)) ? 1 : -1;
}

static int sample_positive(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    (void)attrs;
    return (in[0] = sample_range(ctx, rng, 0.5, 3)) ? 1 : -1;
}

static int sample_kink_at_zero(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    (void)attrs;
    return (in[0] = sample_away_from_zero(ctx, rng)) ? 1 : -1;
}

static int sample_leaky(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    *(nb__scalar_attrs *)attrs = (nb__scalar_attrs){0.1 + 0.2 * nb_rng_uniform(rng), 0};
    return sample_kink_at_zero(ctx, rng, in, NULL);
}

/* clamp to [-1, 1]; values kept 0.1 away from both bounds */
static int sample_clamp(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    *(nb__scalar_attrs *)attrs = (nb__scalar_attrs){-1, 1};
    nb_tensor *x = sample_away_from_zero(ctx, rng); /* |x| in [0.1, 2) */
    nb_tensor *near = x ? nb_mul(ctx, nb_gt(ctx, nb_abs(ctx, x), nb_scalar(ctx, NB_F64, 0.9)),
                                 nb_lt(ctx, nb_abs(ctx, x), nb_scalar(ctx, NB_F64, 1.1)))
                        : NULL;
    in[0] = near ? nb_where(ctx, near, nb_mul_scalar(ctx, x, 1.5), x) : NULL;
    return in[0] ? 1 : -1;
}

static int sample_pow_scalar(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    *(nb__scalar_attrs *)attrs = (nb__scalar_attrs){-1.5 + 4 * nb_rng_uniform(rng), 0};
    return sample_positive(ctx, rng, in, NULL);
}

/* ---- unary rules ------------------------------------------------------------ */

#define X nb_node_input(node, 0)
#define Y nb_node_output(node)
#define ZERO(t) nb_scalar(ctx, (t)->dtype, 0)

#define UNARY_RULE(NAME, EXPR)                                                           \
    static int NAME##_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g,           \
                               nb_tensor **gin)                                          \
    {                                                                                    \
        (void)node;                                                                      \
        gin[0] = (EXPR);                                                                 \
        return gin[0] ? 0 : -1;                                                          \
    }

UNARY_RULE(neg, nb_neg(ctx, g))
UNARY_RULE(abs, nb_mul(ctx, g, nb_sign(ctx, X)))
UNARY_RULE(exp, nb_mul(ctx, g, Y))
UNARY_RULE(log, nb_div(ctx, g, X))
UNARY_RULE(log1p, nb_div(ctx, g, nb_add_scalar(ctx, X, 1)))
UNARY_RULE(sqrt, nb_div(ctx, g, nb_mul_scalar(ctx, Y, 2)))                      /* 1 / 2 sqrt x */
UNARY_RULE(rsqrt, nb_mul(ctx, g, nb_mul_scalar(ctx, nb_pow_scalar(ctx, Y, 3), -0.5))) /* -x^-3/2 / 2 */
UNARY_RULE(sin, nb_mul(ctx, g, nb_cos(ctx, X)))
UNARY_RULE(cos, nb_neg(ctx, nb_mul(ctx, g, nb_sin(ctx, X))))
UNARY_RULE(tanh, nb_mul(ctx, g, nb_rsub_scalar(ctx, nb_mul(ctx, Y, Y), 1)))     /* 1 - y^2 */
UNARY_RULE(sigmoid, nb_mul(ctx, g, nb_mul(ctx, Y, nb_rsub_scalar(ctx, Y, 1))))  /* y (1 - y) */
UNARY_RULE(relu, nb_where(ctx, nb_gt(ctx, X, ZERO(X)), g, ZERO(g))) /* 0, not g 0, where x <= 0 */
UNARY_RULE(softplus, nb_mul(ctx, g, nb_sigmoid(ctx, X)))
UNARY_RULE(sign, nb_zeros_like(ctx, g))                                         /* flat almost everywhere */
/* d erf(x) / dx = 2 / sqrt(pi) exp(-x^2) */
UNARY_RULE(erf, nb_mul(ctx, g, nb_mul_scalar(ctx, nb_exp(ctx, nb_neg(ctx, nb_mul(ctx, X, X))),
                                             1.1283791670955126)))

static int leaky_relu_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    const nb__scalar_attrs *a = nb_node_attrs(node);
    nb_tensor *slope = nb_where(ctx, nb_gt(ctx, X, ZERO(X)), nb_scalar(ctx, g->dtype, 1),
                                nb_scalar(ctx, g->dtype, a->a));
    return (gin[0] = nb_mul(ctx, g, slope)) ? 0 : -1;
}

/* gelu(x) = x Phi(x):  d/dx = Phi(x) + x phi(x), phi(x) = exp(-x^2/2) / sqrt(2 pi) */
static int gelu_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    nb_tensor *x = X;
    nb_tensor *cdf = nb_mul_scalar(ctx, nb_add_scalar(ctx, nb_erf(ctx, nb_mul_scalar(ctx, x, 0.70710678118654752440)), 1), 0.5);
    nb_tensor *pdf = nb_mul_scalar(ctx, nb_exp(ctx, nb_mul_scalar(ctx, nb_mul(ctx, x, x), -0.5)),
                                   0.3989422804014327);
    return (gin[0] = nb_mul(ctx, g, nb_add(ctx, cdf, nb_mul(ctx, x, pdf)))) ? 0 : -1;
}

/* the gradient passes where low <= x <= high (bounds included, as PyTorch) */
static int clamp_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    const nb__scalar_attrs *a = nb_node_attrs(node);
    nb_tensor *inside = nb_mul(ctx, nb_ge(ctx, X, nb_scalar(ctx, NB_F64, a->a)),
                               nb_le(ctx, X, nb_scalar(ctx, NB_F64, a->b)));
    return (gin[0] = nb_where(ctx, inside, g, ZERO(g))) ? 0 : -1; /* 0 outside, even for inf g */
}

/* d x^p / dx = p x^(p-1) */
static int pow_scalar_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    double p = ((const nb__scalar_attrs *)nb_node_attrs(node))->a;
    return (gin[0] = nb_mul(ctx, g, nb_mul_scalar(ctx, nb_pow_scalar(ctx, X, p - 1), p))) ? 0 : -1;
}

/* ---- forward adapters (the table's uniform signature) --------------------------- */

#define FORWARD1(NAME)                                                                   \
    static nb_tensor *NAME##_forward(nb_ctx *ctx, nb_tensor *const *in, int n,           \
                                     const void *attrs)                                  \
    {                                                                                    \
        (void)n;                                                                         \
        (void)attrs;                                                                     \
        return nb_##NAME(ctx, in[0]);                                                    \
    }

FORWARD1(neg) FORWARD1(abs) FORWARD1(exp) FORWARD1(log) FORWARD1(log1p) FORWARD1(sqrt)
FORWARD1(rsqrt) FORWARD1(sin) FORWARD1(cos) FORWARD1(tanh) FORWARD1(sigmoid) FORWARD1(relu)
FORWARD1(gelu) FORWARD1(softplus) FORWARD1(sign) FORWARD1(erf)

static nb_tensor *leaky_relu_forward(nb_ctx *ctx, nb_tensor *const *in, int n, const void *attrs)
{
    (void)n;
    return nb_leaky_relu(ctx, in[0], ((const nb__scalar_attrs *)attrs)->a);
}

static nb_tensor *clamp_forward(nb_ctx *ctx, nb_tensor *const *in, int n, const void *attrs)
{
    (void)n;
    const nb__scalar_attrs *a = attrs;
    return nb_clamp(ctx, in[0], a->a, a->b);
}

static nb_tensor *pow_scalar_forward(nb_ctx *ctx, nb_tensor *const *in, int n, const void *attrs)
{
    (void)n;
    return nb_pow_scalar(ctx, in[0], ((const nb__scalar_attrs *)attrs)->a);
}

/* ---- binary rules ------------------------------------------------------------------
 * Gradients come out in the broadcast shape; the engine sums them back. */

#define A nb_node_input(node, 0)
#define B nb_node_input(node, 1)
#define NEED(i) nb_node_needs_grad(node, i)

static int add_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    (void)ctx, (void)node;
    gin[0] = gin[1] = g;
    return 0;
}

static int sub_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    gin[0] = g;
    gin[1] = NEED(1) ? nb_neg(ctx, g) : NULL;
    return NEED(1) && !gin[1] ? -1 : 0;
}

static int mul_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    gin[0] = NEED(0) ? nb_mul(ctx, g, B) : NULL;
    gin[1] = NEED(1) ? nb_mul(ctx, g, A) : NULL;
    return (NEED(0) && !gin[0]) || (NEED(1) && !gin[1]) ? -1 : 0;
}

/* d(a/b) = g/b, -g a/b^2 = -g y / b */
static int div_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    gin[0] = NEED(0) ? nb_div(ctx, g, B) : NULL;
    gin[1] = NEED(1) ? nb_neg(ctx, nb_div(ctx, nb_mul(ctx, g, Y), B)) : NULL;
    return (NEED(0) && !gin[0]) || (NEED(1) && !gin[1]) ? -1 : 0;
}

/* d(a^b) = g b a^(b-1), g y log a */
static int pow_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    gin[0] = NEED(0) ? nb_mul(ctx, g, nb_mul(ctx, B, nb_pow(ctx, A, nb_sub_scalar(ctx, B, 1)))) : NULL;
    gin[1] = NEED(1) ? nb_mul(ctx, g, nb_mul(ctx, Y, nb_log(ctx, A))) : NULL;
    return (NEED(0) && !gin[0]) || (NEED(1) && !gin[1]) ? -1 : 0;
}

/* The winner takes the gradient; a tie splits it evenly (as PyTorch). */
static int extremum_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin,
                             bool is_max)
{
    nb_tensor *a = A, *b = B;
    nb_tensor *a_wins = is_max ? nb_gt(ctx, a, b) : nb_lt(ctx, a, b);
    nb_tensor *b_wins = is_max ? nb_gt(ctx, b, a) : nb_lt(ctx, b, a);
    nb_tensor *half_tie = nb_mul_scalar(ctx, nb_cast(ctx, nb_eq(ctx, a, b), g->dtype), 0.5);
    gin[0] = NEED(0) ? nb_mul(ctx, g, nb_add(ctx, a_wins, half_tie)) : NULL;
    gin[1] = NEED(1) ? nb_mul(ctx, g, nb_add(ctx, b_wins, half_tie)) : NULL;
    return (NEED(0) && !gin[0]) || (NEED(1) && !gin[1]) ? -1 : 0;
}

static int maximum_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    return extremum_backward(ctx, node, g, gin, true);
}

static int minimum_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    return extremum_backward(ctx, node, g, gin, false);
}

/* y = cond ? a : b */
static int where_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    nb_tensor *cond = nb_node_input(node, 0), *zero = ZERO(g);
    gin[1] = NEED(1) ? nb_where(ctx, cond, g, zero) : NULL;
    gin[2] = NEED(2) ? nb_where(ctx, cond, zero, g) : NULL;
    return (NEED(1) && !gin[1]) || (NEED(2) && !gin[2]) ? -1 : 0;
}

#define FORWARD2(NAME)                                                                   \
    static nb_tensor *NAME##_forward(nb_ctx *ctx, nb_tensor *const *in, int n,           \
                                     const void *attrs)                                  \
    {                                                                                    \
        (void)n;                                                                         \
        (void)attrs;                                                                     \
        return nb_##NAME(ctx, in[0], in[1]);                                             \
    }

FORWARD2(add) FORWARD2(sub) FORWARD2(mul) FORWARD2(div) FORWARD2(pow) FORWARD2(maximum)
FORWARD2(minimum) FORWARD2(eq) FORWARD2(ne) FORWARD2(lt) FORWARD2(le) FORWARD2(gt) FORWARD2(ge)

static nb_tensor *where_forward(nb_ctx *ctx, nb_tensor *const *in, int n, const void *attrs)
{
    (void)n;
    (void)attrs;
    return nb_where(ctx, in[0], in[1], in[2]);
}

/* Two inputs whose shapes broadcast against each other. */
static int sample_pair(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, double lo_a, double hi_a,
                       double lo_b, double hi_b)
{
    int64_t sa[3], sb[3];
    int na, nb;
    nb__rules_broadcast_pair(rng, &na, sa, &nb, sb);
    in[0] = nb_rand_uniform(ctx, rng, NB_F64, na, sa, lo_a, hi_a);
    in[1] = nb_rand_uniform(ctx, rng, NB_F64, nb, sb, lo_b, hi_b);
    return in[0] && in[1] ? 2 : -1;
}

static int sample_binary(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    (void)attrs;
    return sample_pair(ctx, rng, in, -2, 2, -2, 2);
}

static int sample_div(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    (void)attrs;
    if (sample_pair(ctx, rng, in, -2, 2, 0.5, 2) < 0) return -1;
    in[1] = nb_mul(ctx, in[1], nb__rules_random_signs(ctx, rng, in[1]));
    return in[1] ? 2 : -1;
}

static int sample_pow(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    (void)attrs;
    return sample_pair(ctx, rng, in, 0.5, 2, -1.5, 1.5);
}

static int sample_where(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    (void)attrs;
    if (sample_pair(ctx, rng, in + 1, -2, 2, -2, 2) < 0) return -1;
    nb_tensor *c = nb_rand_int(ctx, rng, NB_I32, in[1]->ndim, in[1]->shape, 0, 2);
    in[0] = c ? nb_cast(ctx, c, NB_BOOL) : NULL;
    return in[0] ? 3 : -1;
}

/* ---- the table ------------------------------------------------------------------------ */

#define UNARY(NAME, SAVES, SAMPLE) \
    {.name = #NAME, .arity = 1, .forward = NAME##_forward, .backward = NAME##_backward, \
     .saves = (SAVES), .sample = SAMPLE}
#define UNARY_ATTR(NAME, SAVES, SAMPLE) \
    {.name = #NAME, .arity = 1, .forward = NAME##_forward, .backward = NAME##_backward, \
     .saves = (SAVES), .sample = SAMPLE, .attrs_size = sizeof(nb__scalar_attrs)}
#define BINARY(NAME, SAVES, SAMPLE) \
    {.name = #NAME, .arity = 2, .forward = NAME##_forward, .backward = NAME##_backward, \
     .saves = (SAVES), .sample = SAMPLE}
#define COMPARE(NAME) \
    {.name = #NAME, .arity = 2, .forward = NAME##_forward, .not_differentiable = true, \
     .sample = sample_binary}

#define IN0 NB_SAVES_INPUT(0)
#define IN1 NB_SAVES_INPUT(1)
#define OUT NB_SAVES_OUTPUT

static const nb_op_def elementwise_ops[] = {
    UNARY(neg, 0, sample_any),
    UNARY(abs, IN0, sample_kink_at_zero),
    UNARY(exp, OUT, sample_any),
    UNARY(log, IN0, sample_positive),
    UNARY(log1p, IN0, sample_positive),
    UNARY(sqrt, OUT, sample_positive),
    UNARY(rsqrt, OUT, sample_positive),
    UNARY(sin, IN0, sample_any),
    UNARY(cos, IN0, sample_any),
    UNARY(tanh, OUT, sample_any),
    UNARY(sigmoid, OUT, sample_any),
    UNARY(relu, IN0, sample_kink_at_zero),
    UNARY_ATTR(leaky_relu, IN0, sample_leaky),
    UNARY(gelu, IN0, sample_any),
    UNARY(softplus, IN0, sample_any),
    UNARY(sign, 0, sample_kink_at_zero),
    UNARY(erf, IN0, sample_any),
    UNARY_ATTR(clamp, IN0, sample_clamp),
    UNARY_ATTR(pow_scalar, IN0, sample_pow_scalar),
    BINARY(add, 0, sample_binary),
    BINARY(sub, 0, sample_binary),
    BINARY(mul, IN0 | IN1, sample_binary),
    BINARY(div, IN1 | OUT, sample_div),
    BINARY(pow, IN0 | IN1 | OUT, sample_pow),
    BINARY(maximum, IN0 | IN1, sample_binary),
    BINARY(minimum, IN0 | IN1, sample_binary),
    COMPARE(eq), COMPARE(ne), COMPARE(lt), COMPARE(le), COMPARE(gt), COMPARE(ge),
    {.name = "where", .arity = 3, .forward = where_forward, .backward = where_backward,
     .saves = IN0, .no_grad_inputs = 1u << 0, .sample = sample_where},
};

int nb__register_elementwise_ops(void)
{
    return nb__rules_register(elementwise_ops, sizeof elementwise_ops / sizeof elementwise_ops[0]);
}
