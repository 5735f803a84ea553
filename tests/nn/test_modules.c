/* tests/nn/test_modules.c — the module tree: registering, dotted names,
 * PyTorch's listing orders, modes, printing, dtype conversion, user modules. */
#include <stdio.h>
#include <stdlib.h>

#include "cases.h"

/* the example from nabla/nn.h: a user module with two children */
typedef struct {
    nb_module *fc1, *fc2;
} net;

static nb_tensor *net_forward(nb_module *m, nb_ctx *ctx, nb_tensor *x)
{
    net *n = nb_module_state(m);
    return nb_module_forward(n->fc2, ctx, nb_relu(ctx, nb_module_forward(n->fc1, ctx, x)));
}

static nb_module *net_new(nb_ctx *p, nb_rng *rng)
{
    nb_module *m = nb_module_new(p, "Net", net_forward, sizeof(net));
    net *n = nb_module_state(m);
    n->fc1 = nb_module_add(m, "fc1", nb_linear_new(p, rng, 4, 8, true));
    n->fc2 = nb_module_add(m, "fc2", nb_linear_new(p, rng, 8, 1, true));
    return m;
}

START_TEST(parameters_have_dotted_names_in_pytorch_order)
{
    nb_ctx *p = nb_ctx_new(), *c = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 1);
    nb_module *m = nb_sequential_new(p, 3, (nb_module *[]){net_new(p, &rng), nb_batch_norm1d_new(p, 1, NULL),
                                                             nb_sequential_new(p, 1, (nb_module *[]){nb_linear_new(p, &rng, 1, 2, false)})});
    nb_named_tensor *ps, *sd;
    int np = nb_module_parameters(m, c, &ps), nsd = nb_module_state_dict(m, c, &sd);
    const char *params[] = {"0.fc1.weight", "0.fc1.bias", "0.fc2.weight", "0.fc2.bias", "1.weight", "1.bias", "2.0.weight"};
    const char *state[] = {"0.fc1.weight", "0.fc1.bias", "0.fc2.weight", "0.fc2.bias", "1.weight", "1.bias",
                           "1.running_mean", "1.running_var", "1.num_batches_tracked", "2.0.weight"};
    ck_assert_int_eq(np, 7);
    ck_assert_int_eq(nsd, 10);
    for (int i = 0; i < np; i++) {
        ck_assert_str_eq(ps[i].name, params[i]);
        ck_assert_ptr_eq(ps[i].tensor, nb_module_tensor(m, params[i]));
        ck_assert(nb_requires_grad(ps[i].tensor) && nb_is_leaf(ps[i].tensor));
    }
    for (int i = 0; i < nsd; i++) ck_assert_str_eq(sd[i].name, state[i]);
    ck_assert(!nb_requires_grad(nb_module_tensor(m, "1.running_mean")));
    ck_assert_int_eq(nb_module_num_elements(m), 4 * 8 + 8 + 8 + 1 + 1 + 1 + 2);
    ck_assert_ptr_eq(nb_module_child(m, "0.fc2"), ((net *)nb_module_state(nb_module_child(m, "0")))->fc2);
    ck_assert_ptr_null(nb_module_child(m, "0.fc3"));
    ck_assert_ptr_null(nb_module_tensor(m, "0.fc1.nope"));
    ck_assert_ptr_null(nb_module_tensor(m, "9.weight"));
    const char *name;
    ck_assert_int_eq(nb_module_num_children(m), 3);
    ck_assert_ptr_eq(nb_module_child_at(m, 2, &name), nb_module_child(m, "2"));
    ck_assert_str_eq(name, "2");
    ck_assert_str_eq(nb_module_type(nb_module_child(m, "0")), "Net");
    ck_assert_ptr_eq(nb_module_ctx(m), p);
    nb_ctx_free(p), nb_ctx_free(c);
}
END_TEST

START_TEST(registering_checks_names_and_tensors)
{
    nb_ctx *p = nb_ctx_new(), *c = nb_ctx_new();
    nb_module *m = nb_module_new(p, "M", net_forward, 0);
    ck_assert_ptr_nonnull(nb_module_add_param(m, "w", nb_zeros(p, NB_F32, NB_SHAPE(2))));
    ck_assert_error(nb_module_add_param(m, "w", nb_zeros(p, NB_F32, NB_SHAPE(2))), "M already has something named \"w\"");
    ck_assert_error(nb_module_add_buffer(m, "w", nb_zeros(p, NB_F32, NB_SHAPE(2))), "already has something named \"w\"");
    ck_assert_error(nb_module_add_param(m, "a.b", nb_zeros(p, NB_F32, NB_SHAPE(2))), "name \"a.b\" must be non-empty and have no '.'");
    ck_assert_error(nb_module_add_param(m, "", nb_zeros(p, NB_F32, NB_SHAPE(2))), "must be non-empty");
    ck_assert_error(nb_module_add_param(m, "i", nb_zeros(p, NB_I64, NB_SHAPE(2))), "parameter \"i\" must be a float tensor that is a leaf, got i64");
    nb_tensor *leaf = nb_ones(p, NB_F32, NB_SHAPE(2));
    nb_requires_grad_(leaf, true);
    ck_assert_error(nb_module_add_param(m, "made", nb_mul(c, leaf, leaf)), "made by an op");
    ck_assert_ptr_nonnull(nb_module_add_buffer(m, "count", nb_zeros(p, NB_I64, NB_SHAPE(1))));
    ck_assert_error(nb_module_add(m, "me", m), "cannot be its own child");
    ck_assert_error(nb_module_new(p, "X", NULL, 0), "need a context, a type name and a forward function");
    ck_assert_error(nb_module_forward(m, c, NULL), "input tensor is NULL");
    ck_assert_error_status(nb_sequential_append(m, nb_relu_new(p)), "the module is not a Sequential");
    ck_assert_error(nb_sequential_new(p, 2, (nb_module *[]){nb_relu_new(p), NULL}), "layer 1 is NULL");
    nb_ctx_free(p), nb_ctx_free(c);
}
END_TEST

START_TEST(train_and_eval_reach_every_module)
{
    nb_ctx *p = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 2);
    nb_module *inner = nb_dropout_new(p, 0.5, &rng);
    nb_module *m = nb_sequential_new(p, 2, (nb_module *[]){nb_sequential_new(p, 1, (nb_module *[]){inner}), nb_relu_new(p)});
    ck_assert(nb_module_is_training(m) && nb_module_is_training(inner));
    nb_module_eval(m);
    ck_assert(!nb_module_is_training(m) && !nb_module_is_training(inner));
    nb_module_train(m, true);
    ck_assert(nb_module_is_training(inner));
    nb_ctx_free(p);
}
END_TEST

START_TEST(print_shows_the_tree_like_pytorch)
{
    nb_ctx *p = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 3);
    nb_module *m = nb_sequential_new(p, 4, (nb_module *[]){
        nb_conv2d_new(p, &rng, 1, 8, 3, 3, &(nb_conv2d_opts){.padding = {1, 1}}), nb_relu_new(p),
        nb_sequential_new(p, 1, (nb_module *[]){nb_max_pool2d_new(p, &(nb_pool2d_opts){.kernel = {2, 2}})}),
        nb_linear_new(p, &rng, 4, 2, false)});
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_int_eq(nb_module_print(f, m), 0);
    fclose(f);
    ck_assert_str_eq(buf, "Sequential(\n"
                          "  (0): Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), dilation=(1, 1), bias=true)\n"
                          "  (1): ReLU()\n"
                          "  (2): Sequential(\n"
                          "    (0): MaxPool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0), dilation=(1, 1))\n"
                          "  )\n"
                          "  (3): Linear(in_features=4, out_features=2, bias=false)\n"
                          ")\n");
    free(buf);
    nb_ctx_free(p);
}
END_TEST

START_TEST(to_f64_converts_parameters_and_buffers_in_place)
{
    nb_ctx *p = nb_ctx_new(), *c = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 4);
    nb_module *m = nb_sequential_new(p, 2, (nb_module *[]){nb_linear_new(p, &rng, 3, 2, true), nb_batch_norm1d_new(p, 2, NULL)});
    nb_tensor *w = nb_module_tensor(m, "0.weight"), *w32 = nb_clone(c, w);
    nb_tensor *x = nb_ones(c, NB_F32, NB_SHAPE(4, 3));
    nb_backward(nb_sum(c, nb_module_forward(m, c, x), NB_ALL_AXES, false));
    ck_assert_ptr_nonnull(nb_grad(w));
    ck_assert_int_eq(nb_module_to(m, NB_F64), 0);
    ck_assert_ptr_eq(nb_module_tensor(m, "0.weight"), w); /* the same header, now f64 */
    ck_assert_int_eq(w->dtype, NB_F64);
    ck_assert_int_eq(nb_module_tensor(m, "1.running_var")->dtype, NB_F64);
    ck_assert_int_eq(nb_module_tensor(m, "1.num_batches_tracked")->dtype, NB_I64);
    ck_assert(nb_requires_grad(w) && nb_grad(w) == NULL);
    ck_tensor_equal(nb_cast(c, w, NB_F32), w32);
    CK_SHAPE(nb_module_forward(m, c, nb_ones(c, NB_F64, NB_SHAPE(4, 3))), 4, 2);
    ck_assert_error_status(nb_module_to(m, NB_I32), "dtype must be NB_F32 or NB_F64");
    nb_ctx_free(p), nb_ctx_free(c);
}
END_TEST

START_TEST(zero_grad_keeps_the_buffers)
{
    nb_ctx *p = nb_ctx_new(), *c = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 5);
    nb_module *m = net_new(p, &rng);
    nb_tensor *x = nb_ones(c, NB_F32, NB_SHAPE(2, 4));
    ck_assert_int_eq(nb_backward(nb_sum(c, nb_module_forward(m, c, x), NB_ALL_AXES, false)), 0);
    nb_tensor *g = nb_grad(nb_module_tensor(m, "fc2.bias"));
    CK_VALUES(g, 0, 2);
    ck_assert_ptr_eq(g->ctx, p); /* a parameter's gradient lives in the model's arena */
    ck_assert_int_eq(nb_module_zero_grad(m), 0);
    ck_assert_ptr_eq(nb_grad(nb_module_tensor(m, "fc2.bias")), g);
    CK_VALUES(g, 0, 0);
    nb_ctx_free(p), nb_ctx_free(c);
}
END_TEST

TCase *tcase_nn_modules(void)
{
    TCase *tc = tcase_create("modules");
    tcase_add_test(tc, parameters_have_dotted_names_in_pytorch_order);
    tcase_add_test(tc, registering_checks_names_and_tensors);
    tcase_add_test(tc, train_and_eval_reach_every_module);
    tcase_add_test(tc, print_shows_the_tree_like_pytorch);
    tcase_add_test(tc, to_f64_converts_parameters_and_buffers_in_place);
    tcase_add_test(tc, zero_grad_keeps_the_buffers);
    return tc;
}
