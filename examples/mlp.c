/* examples/mlp.c — a multilayer perceptron on Fashion-MNIST.
 *
 *     build/examples/mlp [DATA_DIR]      (default: Debian's dataset-fashion-mnist)
 *
 * 784 -> 256 -> 128 -> 10 with ReLU, trained with Adam on mini-batches of 128;
 * prints the loss and accuracy of every epoch and ends with the test accuracy. */
#include "fashion_mnist.h"

enum { EPOCHS = 12, BATCH = 128 };

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : FASHION_DIR;
    nb_ctx *data = nb_ctx_new(), *params = nb_ctx_new(), *step = nb_ctx_new();
    nb_tensor *x_train, *y_train, *x_test, *y_test;
    if (fashion_load(data, dir, "train", &x_train, &y_train) || fashion_load(data, dir, "t10k", &x_test, &y_test))
        return 1;
    nb_rng rng;
    nb_rng_seed(&rng, 1);

    /* the model: a stack of layers, its parameters in their own arena */
    nb_module *model = nb_sequential_new(params, 6, (nb_module *[]){
        nb_flatten_new(params),
        nb_linear_new(params, &rng, 784, 256, true), nb_relu_new(params),
        nb_linear_new(params, &rng, 256, 128, true), nb_relu_new(params),
        nb_linear_new(params, &rng, 128, 10, true)});
    nb_named_tensor *ps;
    int np = nb_module_parameters(model, params, &ps);
    nb_optim *opt = nb_adam_new(ps, np, 1e-3, NULL);
    nb_scheduler *sched = nb_step_lr_new(opt, 4, 0.5);
    nb_batches *batches = nb_batches_new(x_train, y_train, BATCH, &rng, false);
    if (!model || !opt || !sched || !batches) {
        fprintf(stderr, "mlp: %s\n", nb_last_error());
        return 1;
    }
    nb_module_print(stdout, model);

    double test_acc = 0;
    for (int epoch = 1; epoch <= EPOCHS; epoch++) {
        double total = 0;
        int64_t seen = 0, right = 0, i = 0;
        nb_tensor *x, *y;
        while (nb_batches_next(batches, step, &x, &y) > 0) {
            nb_tensor *logits = nb_module_forward(model, step, x);
            nb_tensor *loss = nb_cross_entropy(step, logits, y, NULL);
            nb_optim_zero_grad(opt);
            if (nb_backward(loss) || nb_optim_step(opt)) {
                fprintf(stderr, "mlp: %s\n", nb_last_error());
                return 1;
            }
            total += nb_item(loss) * (double)x->shape[0];
            seen += x->shape[0];
            right += (int64_t)nb_item(nb_sum(step, nb_eq(step, nb_argmax(step, logits, 1, false), y), NB_ALL_AXES, false));
            progress(epoch, ++i, nb_batches_count(batches));
            nb_ctx_reset(step); /* this step's graph and batch go at once */
        }
        nb_scheduler_step(sched);
        printf("epoch %2d  loss %.4f  train accuracy %.4f  test accuracy %.4f\n", epoch, total / (double)seen,
               (double)right / (double)seen, test_acc = accuracy(model, x_test, y_test));
        fflush(stdout);
    }
    printf("test accuracy: %.4f\n", test_acc);

    nb_batches_free(batches);
    nb_scheduler_free(sched);
    nb_optim_free(opt);
    nb_ctx_free(step);
    nb_ctx_free(params);
    nb_ctx_free(data);
    return 0;
}
