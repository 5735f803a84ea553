/* examples/custom_op.c — adding an op to nabla from C, like
 * torch.autograd.Function: a forward, a backward, and a table entry.
 *
 * The op is "swish" with a learnable-looking temperature attribute:
 *     y = x * sigmoid(beta x)
 *     dy/dx = s + beta x s (1 - s),  s = sigmoid(beta x)
 * Its backward is written with nabla's own ops, so it can itself be
 * differentiated (create_graph), and nb_gradcheck proves it right.
 *
 * build/examples/custom_op */
#include <nabla/nabla.h>

typedef struct {
    double beta;
} swish_attrs;

static nb_tensor *swish_forward(nb_ctx *ctx, nb_tensor *const *in, int n, const void *attrs)
{
    (void)n;
    double beta = ((const swish_attrs *)attrs)->beta;
    return nb_mul(ctx, in[0], nb_sigmoid(ctx, nb_mul_scalar(ctx, in[0], beta)));
}

static int swish_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **grad_in)
{
    double beta = ((const swish_attrs *)nb_node_attrs(node))->beta;
    nb_tensor *x = nb_node_input(node, 0);
    nb_tensor *s = nb_sigmoid(ctx, nb_mul_scalar(ctx, x, beta));
    nb_tensor *slope = nb_add(ctx, s, nb_mul(ctx, nb_mul_scalar(ctx, x, beta),
                                             nb_mul(ctx, s, nb_rsub_scalar(ctx, s, 1))));
    grad_in[0] = nb_mul(ctx, g, slope);
    return grad_in[0] ? 0 : -1;
}

static const nb_op_def swish_op = {
    .name = "example_swish",
    .arity = 1,
    .attrs_size = sizeof(swish_attrs),
    .forward = swish_forward,
    .backward = swish_backward,
    .saves = NB_SAVES_INPUT(0), /* backward reads x: an in-place write to it is caught */
};

/* What nb_gradcheck differentiates: the op on its one input. */
static nb_tensor *apply_swish(nb_ctx *ctx, nb_tensor *const *in, int n, void *user)
{
    return nb_op_apply(ctx, &swish_op, in, n, user);
}

int main(void)
{
    if (nb_op_register(&swish_op)) {
        fprintf(stderr, "custom_op: %s\n", nb_last_error());
        return 1;
    }
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 1);
    nb_tensor *x = nb_rand_normal(ctx, &rng, NB_F64, NB_SHAPE(2, 3), 0, 1);
    nb_requires_grad_(x, true);
    swish_attrs attrs = {1.5};

    nb_tensor *y = nb_op_apply(ctx, &swish_op, &x, 1, &attrs);
    nb_tensor *loss = nb_sum(ctx, nb_mul(ctx, y, y), NB_ALL_AXES, false);
    if (!loss || nb_backward(loss)) {
        fprintf(stderr, "custom_op: %s\n", nb_last_error());
        return 1;
    }
    printf("y = swish(x) was made by '%s'\n", nb_grad_fn_name(y));
    printf("d sum(y^2) / dx =\n");
    nb_tensor_print(stdout, nb_grad(x));

    nb_gradcheck_report report;
    if (nb_gradcheck(apply_swish, &attrs, &x, 1, NULL, &report)) {
        fprintf(stderr, "custom_op: %s\n", nb_last_error());
        return 1;
    }
    printf("gradcheck: %s (%lld elements, worst |analytic - numeric| = %.2e)\n",
           report.passed ? "passed" : "FAILED", (long long)report.checked, report.abs_err);
    nb_ctx_free(ctx);
    return report.passed ? 0 : 1;
}
