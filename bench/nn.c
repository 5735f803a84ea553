/* bench/nn.c — `nabla-bench nn mlp|cnn`: seconds per training epoch on
 * Fashion-MNIST and the process's peak memory.
 *
 * The models are those of examples/mlp.c (784-256-128-10, ReLU) and
 * examples/cnn.c (conv 32, pool, conv 64, pool, 3136-128-10 with dropout),
 * trained with Adam (lr 1e-3) on shuffled mini-batches of 128: a full pass
 * over the 60,000 training images per epoch (forward, backward, update;
 * no evaluation). bench/nn_vs_torch.py runs the same in PyTorch, side by side.
 *
 *     nabla-bench nn mlp|cnn [--epochs N] [--data DIR] [--threads N]
 *
 * Prints one line per epoch and a last line "nn-result {json}" for scripts:
 * epoch seconds, median, peak RSS (VmHWM) and RSS once the data was loaded. */
#include <math.h>
#include <nabla/nabla.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

/* VmHWM or VmRSS of this process, in MiB (from /proc/self/status) */
static double proc_mib(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    double kib = -1;
    size_t n = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, key, n) && line[n] == ':') kib = atof(line + n + 1);
    if (f) fclose(f);
    return kib / 1024;
}

/* images scaled as the examples do, [n,1,28,28]; random ones when the files
 * are missing (the timing is the same) */
static int load(nb_ctx *ctx, const char *dir, nb_rng *rng, nb_tensor **x, nb_tensor **y, bool *synthetic)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/train-images-idx3-ubyte.gz", dir);
    nb_tensor *img = nb_idx_read(ctx, path, NB_F32);
    snprintf(path, sizeof path, "%s/train-labels-idx1-ubyte.gz", dir);
    *y = img ? nb_idx_read(ctx, path, NB_I64) : NULL;
    *synthetic = !img || !*y;
    if (*synthetic) {
        img = nb_rand_uniform(ctx, rng, NB_F32, NB_SHAPE(60000, 28, 28), 0, 255);
        *y = nb_rand_int(ctx, rng, NB_I64, NB_SHAPE(60000), 0, 10);
    }
    /* in place, (x / 255 - 0.2860) / 0.3530: no copy of the 188 MB */
    if (!img || nb_scale_(img, 1 / (255 * 0.3530)) || nb_add_(img, nb_scalar(ctx, NB_F32, -0.2860 / 0.3530))) return -1;
    *x = nb_reshape(ctx, img, NB_SHAPE(-1, 1, 28, 28));
    return *x && *y ? 0 : -1;
}

static nb_module *make_model(nb_ctx *p, nb_rng *rng, bool cnn)
{
    if (!cnn)
        return nb_sequential_new(p, 6, (nb_module *[]){
            nb_flatten_new(p), nb_linear_new(p, rng, 784, 256, true), nb_relu_new(p),
            nb_linear_new(p, rng, 256, 128, true), nb_relu_new(p), nb_linear_new(p, rng, 128, 10, true)});
    nb_conv2d_opts same = {.padding = {1, 1}};
    nb_pool2d_opts halve = {.kernel = {2, 2}};
    return nb_sequential_new(p, 11, (nb_module *[]){
        nb_conv2d_new(p, rng, 1, 32, 3, 3, &same), nb_relu_new(p), nb_max_pool2d_new(p, &halve),
        nb_conv2d_new(p, rng, 32, 64, 3, 3, &same), nb_relu_new(p), nb_max_pool2d_new(p, &halve),
        nb_flatten_new(p), nb_linear_new(p, rng, 3136, 128, true), nb_relu_new(p),
        nb_dropout_new(p, 0.25, rng), nb_linear_new(p, rng, 128, 10, true)});
}

/* one pass over the data; returns the mean loss */
static double epoch(nb_module *m, nb_optim *opt, nb_batches *b, nb_ctx *step)
{
    double total = 0;
    int64_t n = 0;
    nb_tensor *x, *y;
    while (nb_batches_next(b, step, &x, &y) > 0) {
        nb_tensor *loss = nb_cross_entropy(step, nb_module_forward(m, step, x), y, NULL);
        nb_optim_zero_grad(opt);
        if (nb_backward(loss) || nb_optim_step(opt)) return NAN;
        total += nb_item(loss) * (double)x->shape[0];
        n += x->shape[0];
        nb_ctx_reset(step);
    }
    return total / (double)n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int bench_nn(int argc, char **argv)
{
    const char *which = argc > 1 ? argv[1] : "", *dir = "/usr/share/datasets/fashion-mnist";
    int epochs = 3, threads = 0;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--epochs")) epochs = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--data")) dir = argv[i + 1];
        else if (!strcmp(argv[i], "--threads")) threads = atoi(argv[i + 1]);
    }
    if ((strcmp(which, "mlp") && strcmp(which, "cnn")) || epochs < 1 || epochs > 100) {
        fprintf(stderr, "usage: nabla-bench nn mlp|cnn [--epochs N] [--data DIR] [--threads N]\n");
        return 2;
    }
    if (threads > 0 && nb_set_num_threads(threads)) return 2;
    nb_ctx *data = nb_ctx_new(), *params = nb_ctx_new(), *step = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 1);
    nb_tensor *x, *y;
    bool synthetic;
    nb_module *m = load(data, dir, &rng, &x, &y, &synthetic) ? NULL : make_model(params, &rng, !strcmp(which, "cnn"));
    nb_named_tensor *ps;
    int np = m ? nb_module_parameters(m, params, &ps) : -1;
    nb_optim *opt = np > 0 ? nb_adam_new(ps, np, 1e-3, NULL) : NULL;
    nb_batches *b = opt ? nb_batches_new(x, y, 128, &rng, false) : NULL;
    if (!b) {
        fprintf(stderr, "nabla-bench nn: %s\n", nb_last_error());
        return 1;
    }
    double rss_data = proc_mib("VmRSS"), secs[100], sorted[100];
    printf("nn %s: %s, %d threads, batch 128, Adam\n", which, synthetic ? "synthetic data (Fashion-MNIST not found)"
                                                                        : "Fashion-MNIST", nb_get_num_threads());
    for (int e = 0; e < epochs; e++) {
        double t0 = bench_now(), loss = epoch(m, opt, b, step);
        secs[e] = sorted[e] = bench_now() - t0;
        printf("  epoch %d: %.3f s, loss %.4f\n", e + 1, secs[e], loss);
        fflush(stdout);
    }
    qsort(sorted, (size_t)epochs, sizeof *sorted, cmp_double);
    printf("nn-result {\"model\": \"%s\", \"threads\": %d, \"median_s\": %.4f, \"epochs_s\": [", which,
           nb_get_num_threads(), sorted[epochs / 2]);
    for (int e = 0; e < epochs; e++) printf(e ? ", %.4f" : "%.4f", secs[e]);
    printf("], \"peak_rss_mib\": %.1f, \"rss_after_data_mib\": %.1f, \"synthetic\": %s}\n", proc_mib("VmHWM"),
           rss_data, synthetic ? "true" : "false");
    nb_batches_free(b);
    nb_optim_free(opt);
    nb_ctx_free(step), nb_ctx_free(params), nb_ctx_free(data);
    return 0;
}
