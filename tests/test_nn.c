/* tests/test_nn.c — the nn layer's Check suite. Each file under tests/nn/
 * contributes test cases (declared in nn/cases.h). */
#include <stdlib.h>

#include "nn/cases.h"

int nn_first_op, nn_last_op;

nb_tensor *nn_tensor(nb_ctx *ctx, nb_dtype dtype, int ndim, const int64_t *shape, const double *v)
{
    nb_tensor *t = nb_empty(ctx, dtype, ndim, shape);
    ck_assert_ptr_nonnull(t);
    int64_t idx[NB_MAX_DIMS];
    for (int64_t i = 0, n = nb_numel(t); i < n; i++) {
        tu_unravel(ndim, shape, i, idx);
        nb_set(t, idx, v[i]);
    }
    return t;
}

void nn_gradcheck(const char *what, nb_gradcheck_fn f, void *user, nb_tensor *const *in, int n,
                  double rtol)
{
    nb_gradcheck_opts opts = {.rtol = rtol, .atol = 1e-7, .seed = 7};
    nb_gradcheck_report r;
    ck_assert_msg(nb_gradcheck(f, user, in, n, &opts, &r) == 0, "%s: %s", what, nb_last_error());
    ck_assert_msg(r.passed, "%s: input %d element %lld: analytic %.10g, numeric %.10g", what,
                  r.worst_input, (long long)r.worst_index, r.analytic, r.numeric);
    ck_assert_msg(r.checked > 0, "%s: nothing checked", what);
}

int main(void)
{
    /* nn's ops are the ones nb_nn_init adds after the built-in ones */
    nn_first_op = nb_op_count();
    if (nb_nn_init()) {
        fprintf(stderr, "nb_nn_init: %s\n", nb_last_error());
        return EXIT_FAILURE;
    }
    nn_last_op = nb_op_count();
    Suite *s = suite_create("nn");
    TCase *(*cases[])(void) = {NN_CASES};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) suite_add_tcase(s, cases[i]());
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK); /* see tests/test_tensor.c */
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
