/* cli/demo.c — `nabla demo`: a tour of what nabla does today, on data it
 * generates itself with a fixed seed (nothing to download, same output on
 * every machine and thread count).
 *
 * What exists so far is the tensor layer, so the demo shows it at work:
 * broadcasting, reductions, matmul and softmax, ending with a linear model
 * fitted by plain gradient descent whose gradient is written out by hand
 * (the autograd engine will take that job over). */
#include <math.h>
#include <nabla/nabla.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int fail(const char *what)
{
    fprintf(stderr, "nabla demo: %s: %s\n", what, nb_last_error());
    return 1;
}

/* Standardise the columns of a data matrix: broadcasting and reductions. */
static int show_tensors(nb_ctx *ctx, nb_rng *rng)
{
    printf("1. Tensors: standardise a 5x3 data matrix column by column\n");
    nb_tensor *x = nb_rand_normal(ctx, rng, NB_F32, NB_SHAPE(5, 3), 10, 4);
    nb_tensor *mean = nb_mean(ctx, x, NB_AXES(0), true);       /* [1,3] */
    nb_tensor *std = nb_std(ctx, x, NB_AXES(0), 0, true);       /* [1,3] */
    nb_tensor *z = nb_div(ctx, nb_sub(ctx, x, mean), std);      /* [5,3] by broadcasting */
    if (!z) return fail("standardise");
    printf("data:\n"), nb_tensor_print(stdout, x);
    printf("column means:\n"), nb_tensor_print(stdout, mean);
    printf("standardised, (x - mean) / std:\n"), nb_tensor_print(stdout, z);
    printf("whose column means are now:\n");
    nb_tensor_print(stdout, nb_mean(ctx, z, NB_AXES(0), false));
    return 0;
}

/* Class probabilities for a batch of logits. */
static int show_softmax(nb_ctx *ctx, nb_rng *rng)
{
    printf("\n2. Softmax of 4 rows of logits over 3 classes (rows sum to 1)\n");
    nb_tensor *logits = nb_rand_normal(ctx, rng, NB_F32, NB_SHAPE(4, 3), 0, 2);
    nb_tensor *p = nb_softmax(ctx, logits, -1);
    nb_tensor *pred = nb_argmax(ctx, p, -1, false);
    if (!pred) return fail("softmax");
    nb_tensor_print(stdout, p);
    printf("predicted classes:\n"), nb_tensor_print(stdout, pred);
    return 0;
}

/* Least squares y ~ X w + b by gradient descent on the mean squared error:
 *     L = mean((X w + b - y)^2),  dL/dw = 2/n X^T r,  dL/db = 2 mean(r). */
static int show_regression(nb_ctx *ctx, nb_rng *rng)
{
    enum { N = 2000, D = 4, STEPS = 300 };
    printf("\n3. Linear regression on %d generated rows, %d features, gradient descent\n", N, D);
    nb_tensor *X = nb_rand_normal(ctx, rng, NB_F32, NB_SHAPE(N, D), 0, 1);
    nb_tensor *w_true = nb_from_data(ctx, NB_F32, NB_SHAPE(D, 1), (float[]){1.5f, -2.f, 0.5f, 3.f});
    nb_tensor *noise = nb_rand_normal(ctx, rng, NB_F32, NB_SHAPE(N, 1), 0, 0.1);
    nb_tensor *y = nb_add_scalar(ctx, nb_add(ctx, nb_matmul(ctx, X, w_true), noise), 0.7);
    nb_tensor *w = nb_zeros(ctx, NB_F32, NB_SHAPE(D, 1)), *b = nb_zeros(ctx, NB_F32, NB_SHAPE(1));
    nb_tensor *Xt = nb_transpose(ctx, X, 0, 1);
    if (!y || !w || !b || !Xt) return fail("data");
    nb_ctx *step = nb_ctx_new(); /* per-step arena: reset every iteration */
    double t0 = seconds_now(), loss = 0;
    for (int it = 0; it < STEPS && step; it++) {
        nb_ctx_reset(step);
        nb_tensor *r = nb_sub(step, nb_add(step, nb_matmul(step, X, w), b), y);
        nb_tensor *gw = nb_mul_scalar(step, nb_matmul(step, Xt, r), 2.0 / N);
        nb_tensor *gb = nb_mul_scalar(step, nb_mean(step, r, NB_ALL_AXES, false), 2.0);
        loss = nb_item(nb_mean(step, nb_mul(step, r, r), NB_ALL_AXES, false));
        if (!gw || !gb || nb_axpy_(w, -0.1, gw) || nb_axpy_(b, -0.1, gb)) break;
    }
    double ms = 1e3 * (seconds_now() - t0);
    size_t peak = nb_ctx_peak_bytes(step);
    nb_ctx_free(step);
    if (!isfinite(loss)) return fail("gradient descent");
    printf("after %d steps (%.1f ms, step arena peak %zu KiB): mse %.5f (noise variance 0.01)\n",
           STEPS, ms, peak / 1024, loss);
    printf("fitted weights:\n"), nb_tensor_print(stdout, nb_reshape(ctx, w, NB_SHAPE(-1)));
    printf("true weights:\n"), nb_tensor_print(stdout, nb_reshape(ctx, w_true, NB_SHAPE(-1)));
    printf("bias %.4f (true 0.7)\n", nb_item(b));
    return 0;
}

int cli_demo(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("usage: nabla demo\n\nA tour of nabla on data it generates with a fixed seed.\n");
            return 0;
        }
        fprintf(stderr, "nabla demo: unknown option '%s'\n", argv[i]);
        return 2;
    }
    printf("nabla %s demo (kernels: %s, %d threads)\n", nb_version(), nb_isa_name(),
           nb_get_num_threads());
    printf("This release has the tensor layer; models, plugins and training arrive in later work.\n\n");
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 2026);
    int rc = !ctx || show_tensors(ctx, &rng) || show_softmax(ctx, &rng) || show_regression(ctx, &rng);
    nb_ctx_free(ctx);
    return rc ? 1 : 0;
}
