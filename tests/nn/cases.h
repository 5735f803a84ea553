/* tests/nn/cases.h — the test cases of the nn suite. */
#ifndef NB_TEST_NN_CASES_H
#define NB_TEST_NN_CASES_H

#include <nabla/nn.h>

#include "../testutil.h"

/* The op table positions [nn_first_op, nn_last_op) hold nn's ops: recorded by
 * main() around the first nb_nn_init(). */
extern int nn_first_op, nn_last_op;

TCase *tcase_nn_ops(void);
TCase *tcase_nn_modules(void);
TCase *tcase_nn_layers(void);
TCase *tcase_nn_losses(void);
TCase *tcase_nn_init(void);
TCase *tcase_nn_optim(void);
TCase *tcase_nn_training(void);
TCase *tcase_nn_io(void);

#define NN_CASES tcase_nn_ops, tcase_nn_modules, tcase_nn_layers, tcase_nn_losses, \
                 tcase_nn_init, tcase_nn_optim, tcase_nn_training, tcase_nn_io

nb_tensor *nn_tensor(nb_ctx *ctx, nb_dtype dtype, int ndim, const int64_t *shape, const double *v);
#define NN_F64(ctx, shape_macro, ...) nn_tensor((ctx), NB_F64, shape_macro, (const double[]){__VA_ARGS__})
#define NN_F32(ctx, shape_macro, ...) nn_tensor((ctx), NB_F32, shape_macro, (const double[]){__VA_ARGS__})
#define NN_I64(ctx, shape_macro, ...) nn_tensor((ctx), NB_I64, shape_macro, (const double[]){__VA_ARGS__})

/* Gradchecks f over the inputs that require grad; fails the test with the
 * worst element on a mismatch. */
void nn_gradcheck(const char *what, nb_gradcheck_fn f, void *user, nb_tensor *const *in, int n,
                  double rtol);

#endif
