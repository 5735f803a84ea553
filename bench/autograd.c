/* bench/autograd.c — `nabla-bench autograd`: the cost of the graph itself.
 *
 * 1. A chain of 100,000 ops on 0-d tensors, the pattern PyTorch's eager
 *    overhead is usually measured with: y = tanh(y * w_i + b_i) * 0.9 for
 *    25,000 steps (4 ops each) over 500 leaves w_i, b_i. The numbers are so
 *    small that the time is all bookkeeping: per-op nanoseconds for the
 *    forward pass (building the graph), the backward pass, both, and the
 *    forward under no_grad.
 * 2. One training step of a 2-layer MLP (64-128-10, ReLU, softmax cross-
 *    entropy) on a batch of 32, plain SGD: forward, backward, update.
 *
 * bench/autograd_vs_torch.py runs this beside the same work in PyTorch. */
#include <math.h>
#include <nabla/nabla.h>
#include <stdio.h>

#include "bench.h"

enum { LEAVES = 500, STEPS = 25000, OPS = 4 * STEPS };

typedef struct {
    nb_ctx *params, *step;
    nb_tensor *w[LEAVES], *b[LEAVES], *x;
    /* MLP */
    nb_tensor *X, *labels, *W1, *b1, *W2, *b2;
} bench_state;

static nb_tensor *chain(bench_state *s)
{
    nb_tensor *y = s->x;
    for (int i = 0; i < STEPS && y; i++) {
        int k = i % LEAVES;
        y = nb_mul_scalar(s->step, nb_tanh(s->step, nb_add(s->step, nb_mul(s->step, y, s->w[k]), s->b[k])), 0.9);
    }
    return y;
}

static void run_forward(void *p)
{
    bench_state *s = p;
    nb_ctx_reset(s->step);
    chain(s);
}

static void run_forward_backward(void *p)
{
    bench_state *s = p;
    nb_ctx_reset(s->step);
    nb_backward(chain(s));
}

static void run_no_grad(void *p)
{
    bench_state *s = p;
    nb_ctx_reset(s->step);
    NB_NO_GRAD { chain(s); }
}

/* loss = mean over the batch of -log softmax(relu(X W1 + b1) W2 + b2)[label] */
static void run_mlp_step(void *p)
{
    bench_state *s = p;
    nb_ctx *c = s->step;
    nb_ctx_reset(c);
    nb_tensor *h = nb_relu(c, nb_add(c, nb_matmul(c, s->X, s->W1), s->b1));
    nb_tensor *logp = nb_log_softmax(c, nb_add(c, nb_matmul(c, h, s->W2), s->b2), 1);
    nb_tensor *picked = nb_gather(c, logp, 1, s->labels);
    nb_backward(nb_neg(c, nb_mean(c, picked, NB_ALL_AXES, false)));
    nb_tensor *params[4] = {s->W1, s->b1, s->W2, s->b2};
    NB_NO_GRAD {
        for (int i = 0; i < 4; i++) {
            nb_axpy_(params[i], -0.05, nb_grad(params[i]));
            nb_zero_grad(params[i]);
        }
    }
}

static int setup(bench_state *s)
{
    nb_rng rng;
    nb_rng_seed(&rng, 7);
    s->params = nb_ctx_new();
    s->step = nb_ctx_new();
    for (int i = 0; i < LEAVES; i++) {
        s->w[i] = nb_scalar(s->params, NB_F32, 0.5 + 0.5 * nb_rng_uniform(&rng));
        s->b[i] = nb_scalar(s->params, NB_F32, 0.1 * nb_rng_normal(&rng));
        if (nb_requires_grad_(s->w[i], true) || nb_requires_grad_(s->b[i], true)) return -1;
    }
    s->x = nb_scalar(s->params, NB_F32, 0.3);
    s->X = nb_rand_normal(s->params, &rng, NB_F32, NB_SHAPE(32, 64), 0, 1);
    s->labels = nb_rand_int(s->params, &rng, NB_I64, NB_SHAPE(32, 1), 0, 10);
    s->W1 = nb_rand_uniform(s->params, &rng, NB_F32, NB_SHAPE(64, 128), -0.125, 0.125);
    s->b1 = nb_zeros(s->params, NB_F32, NB_SHAPE(128));
    s->W2 = nb_rand_uniform(s->params, &rng, NB_F32, NB_SHAPE(128, 10), -0.088, 0.088);
    s->b2 = nb_zeros(s->params, NB_F32, NB_SHAPE(10));
    nb_tensor *p[4] = {s->W1, s->b1, s->W2, s->b2};
    for (int i = 0; i < 4; i++)
        if (!p[i] || nb_requires_grad_(p[i], true)) return -1;
    return s->x && s->X && s->labels ? 0 : -1;
}

int bench_autograd(int argc, char **argv)
{
    (void)argc, (void)argv;
    static bench_state s;
    if (setup(&s)) {
        fprintf(stderr, "nabla-bench autograd: %s\n", nb_last_error());
        return 1;
    }
    nb_set_num_threads(1); /* bookkeeping, not arithmetic: one thread, as PyTorch's t1 */
    double fwd = bench_time(run_forward, &s, 7, 0.3);
    double both = bench_time(run_forward_backward, &s, 7, 0.3);
    double nograd = bench_time(run_no_grad, &s, 7, 0.3);
    printf("autograd chain %d ops: forward+backward %.1f ns/op, forward %.1f ns/op, backward %.1f "
           "ns/op, forward no_grad %.1f ns/op, step arena peak %zu KiB\n",
           OPS, 1e9 * both / OPS, 1e9 * fwd / OPS, 1e9 * (both - fwd) / OPS, 1e9 * nograd / OPS,
           nb_ctx_peak_bytes(s.step) / 1024);
    double mlp = bench_time(run_mlp_step, &s, 9, 0.3);
    printf("autograd mlp 64-128-10 batch 32 sgd step: %.1f us\n", 1e6 * mlp);
    nb_ctx_free(s.step);
    nb_ctx_free(s.params);
    return 0;
}
