/* examples/fashion_mnist.h — what both Fashion-MNIST examples share: loading
 * the four IDX files, a progress bar, and test accuracy. Plain nabla calls;
 * nothing here is part of the library. */
#ifndef EXAMPLES_FASHION_MNIST_H
#define EXAMPLES_FASHION_MNIST_H

#include <nabla/nabla.h>
#include <stdio.h>
#include <unistd.h>

#define FASHION_DIR "/usr/share/datasets/fashion-mnist"

/* images as f32 [n, 1, 28, 28] scaled to mean 0, std 1 (the training set's
 * 0.2860 and 0.3530), labels as i64 [n] */
static int fashion_load(nb_ctx *ctx, const char *dir, const char *prefix, nb_tensor **x, nb_tensor **y)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s-images-idx3-ubyte.gz", dir, prefix);
    nb_tensor *img = nb_idx_read(ctx, path, NB_F32);
    snprintf(path, sizeof path, "%s/%s-labels-idx1-ubyte.gz", dir, prefix);
    *y = nb_idx_read(ctx, path, NB_I64);
    /* (x / 255 - 0.2860) / 0.3530 in place: no second copy of the images */
    if (img && (nb_scale_(img, 1 / (255 * 0.3530)) || nb_add_(img, nb_scalar(ctx, NB_F32, -0.2860 / 0.3530)))) img = NULL;
    *x = nb_reshape(ctx, img, NB_SHAPE(-1, 1, 28, 28));
    if (!*x || !*y) fprintf(stderr, "cannot load %s data: %s\n", prefix, nb_last_error());
    return *x && *y ? 0 : -1;
}

/* "\r  epoch 3 [########            ] 40%" on stderr, when it is a terminal */
static void progress(int epoch, int64_t done, int64_t total)
{
    static int tty = -1;
    if (tty < 0) tty = isatty(fileno(stderr));
    if (!tty) return;
    int filled = (int)(30 * done / total);
    fprintf(stderr, "\r  epoch %d [%.*s%*s] %3d%%", epoch, filled, "##############################",
            30 - filled, "", (int)(100 * done / total));
    if (done == total) fprintf(stderr, "\r%50s\r", "");
    fflush(stderr);
}

/* share of rows whose largest score is the label, in eval mode and without a graph */
static double accuracy(nb_module *model, nb_tensor *x, nb_tensor *y)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_batches *b = nb_batches_new(x, y, 250, NULL, false); /* small: im2col of a batch is 9x its images */
    nb_tensor *xb, *yb;
    int64_t right = 0;
    nb_module_eval(model);
    NB_NO_GRAD {
        while (nb_batches_next(b, ctx, &xb, &yb) > 0) {
            nb_tensor *pred = nb_argmax(ctx, nb_module_forward(model, ctx, xb), 1, false);
            right += (int64_t)nb_item(nb_sum(ctx, nb_eq(ctx, pred, yb), NB_ALL_AXES, false));
            nb_ctx_reset(ctx);
        }
    }
    nb_module_train(model, true);
    nb_batches_free(b);
    nb_ctx_free(ctx);
    return (double)right / (double)x->shape[0];
}

#endif
