/* autograd/rules_linalg.c — the op table entry of matmul.
 *
 * C = A B:  dA = G B^T,  dB = A^T G, with the batch axes broadcast (the
 * engine sums a broadcast operand's gradient over the batch). A 1-D operand
 * is treated as the matrix it stood for in the forward pass. */
#include "rules.h"

static nb_tensor *transpose_last(nb_ctx *ctx, nb_tensor *t)
{
    return nb_transpose(ctx, t, -1, -2);
}

static int matmul_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    nb_tensor *a = nb_node_input(node, 0), *b = nb_node_input(node, 1);
    nb_tensor *A = a->ndim == 1 ? nb_unsqueeze(ctx, a, 0) : a;   /* [K] -> [1,K] */
    nb_tensor *B = b->ndim == 1 ? nb_unsqueeze(ctx, b, 1) : b;   /* [K] -> [K,1] */
    nb_tensor *G = g;
    if (b->ndim == 1) G = nb_unsqueeze(ctx, G, -1);               /* restore the dropped axes */
    if (a->ndim == 1) G = nb_unsqueeze(ctx, G, G ? G->ndim - 1 : 0);
    if (!A || !B || !G) return -1;
    if (nb_node_needs_grad(node, 0)) {
        gin[0] = nb_matmul(ctx, G, transpose_last(ctx, B));
        if (gin[0] && a->ndim == 1) gin[0] = nb_squeeze(ctx, gin[0], -2);
        if (!gin[0]) return -1;
    }
    if (nb_node_needs_grad(node, 1)) {
        gin[1] = nb_matmul(ctx, transpose_last(ctx, A), G);
        if (gin[1] && b->ndim == 1) gin[1] = nb_squeeze(ctx, gin[1], -1);
        if (!gin[1]) return -1;
    }
    return 0;
}

static nb_tensor *matmul_forward(nb_ctx *ctx, nb_tensor *const *in, int n, const void *attrs)
{
    (void)n, (void)attrs;
    return nb_matmul(ctx, in[0], in[1]);
}

/* shapes from [K] @ [K] to batched [2,M,K] @ [K,N] */
static int sample_matmul(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    (void)attrs;
    int64_t M = 1 + (int64_t)nb_rng_below(rng, 4), K = 1 + (int64_t)nb_rng_below(rng, 4),
            N = 1 + (int64_t)nb_rng_below(rng, 4);
    switch (nb_rng_below(rng, 5)) {
    case 0: /* vector dot */
        in[0] = nb_rand_uniform(ctx, rng, NB_F64, NB_SHAPE(K), -2, 2);
        in[1] = nb_rand_uniform(ctx, rng, NB_F64, NB_SHAPE(K), -2, 2);
        break;
    case 1: /* vector @ matrix */
        in[0] = nb_rand_uniform(ctx, rng, NB_F64, NB_SHAPE(K), -2, 2);
        in[1] = nb_rand_uniform(ctx, rng, NB_F64, NB_SHAPE(K, N), -2, 2);
        break;
    case 2: /* matrix @ vector */
        in[0] = nb_rand_uniform(ctx, rng, NB_F64, NB_SHAPE(M, K), -2, 2);
        in[1] = nb_rand_uniform(ctx, rng, NB_F64, NB_SHAPE(K), -2, 2);
        break;
    case 3: /* batch against a shared matrix */
        in[0] = nb_rand_uniform(ctx, rng, NB_F64, NB_SHAPE(2, M, K), -2, 2);
        in[1] = nb_rand_uniform(ctx, rng, NB_F64, NB_SHAPE(K, N), -2, 2);
        break;
    default: /* broadcast batch axes */
        in[0] = nb_rand_uniform(ctx, rng, NB_F64, NB_SHAPE(2, 1, M, K), -2, 2);
        in[1] = nb_rand_uniform(ctx, rng, NB_F64, NB_SHAPE(3, K, N), -2, 2);
        break;
    }
    return in[0] && in[1] ? 2 : -1;
}

static const nb_op_def linalg_ops[] = {
    {.name = "matmul", .arity = 2, .forward = matmul_forward, .backward = matmul_backward,
     .saves = NB_SAVES_INPUT(0) | NB_SAVES_INPUT(1), .sample = sample_matmul},
};

int nb__register_linalg_ops(void)
{
    return nb__rules_register(linalg_ops, sizeof linalg_ops / sizeof linalg_ops[0]);
}
