/* nn/activations.c — parameter-free layers as modules, for Sequential:
 * ReLU, LeakyReLU, GELU, Tanh, Sigmoid, Softmax, LogSoftmax, Flatten. The
 * maths is in the tensor ops they call (nabla/tensor.h). */
#include "nn_internal.h"

typedef struct {
    double slope;
    int axis;
} act_state;

#define STATE ((const act_state *)m->state)

static nb_tensor *relu_forward(nb_module *m, nb_ctx *ctx, nb_tensor *x) { (void)m; return nb_relu(ctx, x); }
static nb_tensor *gelu_forward(nb_module *m, nb_ctx *ctx, nb_tensor *x) { (void)m; return nb_gelu(ctx, x); }
static nb_tensor *tanh_forward(nb_module *m, nb_ctx *ctx, nb_tensor *x) { (void)m; return nb_tanh(ctx, x); }
static nb_tensor *sigmoid_forward(nb_module *m, nb_ctx *ctx, nb_tensor *x) { (void)m; return nb_sigmoid(ctx, x); }

static nb_tensor *leaky_relu_forward(nb_module *m, nb_ctx *ctx, nb_tensor *x)
{
    return nb_leaky_relu(ctx, x, STATE->slope);
}

static nb_tensor *softmax_forward(nb_module *m, nb_ctx *ctx, nb_tensor *x)
{
    return nb_softmax(ctx, x, STATE->axis);
}

static nb_tensor *log_softmax_forward(nb_module *m, nb_ctx *ctx, nb_tensor *x)
{
    return nb_log_softmax(ctx, x, STATE->axis);
}

/* [N, ...] -> [N, prod(...)] */
static nb_tensor *flatten_forward(nb_module *m, nb_ctx *ctx, nb_tensor *x)
{
    (void)m;
    if (x->ndim < 1) {
        nb__error("Flatten: the input must have a batch axis, got a scalar");
        return NULL;
    }
    return nb_reshape(ctx, x, NB_SHAPE(x->shape[0], -1));
}

nb_module *nb_relu_new(nb_ctx *ctx) { return nb_module_new(ctx, "ReLU", relu_forward, 0); }
nb_module *nb_gelu_new(nb_ctx *ctx) { return nb_module_new(ctx, "GELU", gelu_forward, 0); }
nb_module *nb_tanh_new(nb_ctx *ctx) { return nb_module_new(ctx, "Tanh", tanh_forward, 0); }
nb_module *nb_sigmoid_new(nb_ctx *ctx) { return nb_module_new(ctx, "Sigmoid", sigmoid_forward, 0); }
nb_module *nb_flatten_new(nb_ctx *ctx) { return nb_module_new(ctx, "Flatten", flatten_forward, 0); }

nb_module *nb_leaky_relu_new(nb_ctx *ctx, double negative_slope)
{
    nb_module *m = nb__layer_new(ctx, "LeakyReLU", leaky_relu_forward, sizeof(act_state),
                                 "negative_slope=%g", negative_slope);
    if (m) ((act_state *)m->state)->slope = negative_slope;
    return m;
}

static nb_module *axis_layer(nb_ctx *ctx, const char *type, nb_module_forward_fn f, int axis)
{
    nb_module *m = nb__layer_new(ctx, type, f, sizeof(act_state), "dim=%d", axis);
    if (m) ((act_state *)m->state)->axis = axis;
    return m;
}

nb_module *nb_softmax_new(nb_ctx *ctx, int axis) { return axis_layer(ctx, "Softmax", softmax_forward, axis); }

nb_module *nb_log_softmax_new(nb_ctx *ctx, int axis)
{
    return axis_layer(ctx, "LogSoftmax", log_softmax_forward, axis);
}
