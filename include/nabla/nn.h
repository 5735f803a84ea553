/* nabla/nn.h — modules, layers, losses, initialisers, optimizers, checkpoints.
 *
 * torch.nn in C. A model is a tree of modules; each module owns named
 * parameters (leaf tensors that require grad) and buffers (running
 * statistics), lists them recursively with dotted names ("0.weight"), has a
 * train/eval mode and a forward function. Everything a model holds lives in
 * one long-lived arena that the caller makes and frees; each training step
 * builds its graph in a second, short-lived arena that is reset every step,
 * so memory stays flat however long training runs:
 *
 *     nb_ctx *params = nb_ctx_new(), *step = nb_ctx_new();
 *     nb_rng rng;
 *     nb_rng_seed(&rng, 42);
 *     nb_module *model = nb_sequential_new(params, 3, (nb_module *[]){
 *         nb_linear_new(params, &rng, 784, 128, true),
 *         nb_relu_new(params),
 *         nb_linear_new(params, &rng, 128, 10, true)});
 *     nb_named_tensor *ps;
 *     int np = nb_module_parameters(model, params, &ps);
 *     nb_optim *opt = nb_adam_new(ps, np, 1e-3, NULL);
 *     nb_batches *batches = nb_batches_new(x_train, y_train, 128, &rng, false);
 *     nb_tensor *x, *y;
 *     while (nb_batches_next(batches, step, &x, &y) > 0) {
 *         nb_tensor *loss = nb_cross_entropy(step, nb_module_forward(model, step, x), y, NULL);
 *         nb_optim_zero_grad(opt);
 *         nb_backward(loss);
 *         nb_optim_step(opt);
 *         nb_ctx_reset(step);               // the step's graph and batch go at once
 *     }
 *     nb_batches_free(batches);
 *     nb_optim_free(opt);
 *     nb_ctx_free(step);
 *     nb_ctx_free(params);                  // the model, its parameters and grads
 *
 * Errors: as everywhere in nabla, NULL or -1 and a message for
 * nb_last_error(); a NULL tensor input makes a function return NULL and keep
 * the first message, so calls chain. Randomness comes only from a caller's
 * nb_rng. Defaults follow PyTorch's unless said otherwise.
 */
#ifndef NABLA_NN_H
#define NABLA_NN_H

#include <nabla/autograd.h>
#include <nabla/safetensors.h>
#include <nabla/tensor.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Registers nn's differentiable ops (linear, conv2d, im2col, col2im,
 * max_pool2d, cross_entropy, embedding_bag, batch_norm, layer_norm, ...) in
 * the op table. Every nn function does this on first use; call it yourself
 * to walk the table before using any layer. Returns 0 or -1. */
int nb_nn_init(void);

/* ================================================================== */
/* Functional layers: differentiable ops on tensors                     */
/* ================================================================== */

/* y = x W^T + b.  x [*, in], weight [out, in], bias [out] or NULL. */
nb_tensor *nb_linear(nb_ctx *ctx, nb_tensor *x, nb_tensor *weight, nb_tensor *bias);

/* Convolution geometry, (height, width) pairs; zero-initialised fields give
 * stride 1, padding 0, dilation 1. */
typedef struct nb_conv2d_opts {
    int stride[2];
    int padding[2];  /* zeros added on each side */
    int dilation[2];
    bool no_bias;    /* nb_conv2d_new only: no bias parameter */
} nb_conv2d_opts;

/* Cross-correlation, as torch.nn.functional.conv2d (groups = 1):
 *   y[n,o,i,j] = b[o] + sum_{c,p,q} w[o,c,p,q] x[n, c, i s_h + p d_h - pad_h, j s_w + q d_w - pad_w]
 * x [N,C,H,W], weight [O,C,kh,kw], bias [O] or NULL; y [N,O,OH,OW] with
 * OH = (H + 2 pad_h - d_h (kh - 1) - 1) / s_h + 1, likewise OW. */
nb_tensor *nb_conv2d(nb_ctx *ctx, nb_tensor *x, nb_tensor *weight, nb_tensor *bias,
                     const nb_conv2d_opts *opts);

/* The patches a kh x kw window sees, as columns (torch.nn.functional.unfold):
 * x [N,C,H,W] -> [N, C kh kw, OH OW]; padding reads zeros. */
nb_tensor *nb_im2col(nb_ctx *ctx, nb_tensor *x, int kh, int kw, const nb_conv2d_opts *opts);
/* The adjoint (torch.nn.functional.fold): sums columns [N, C kh kw, L] back
 * into an image [N,C,H,W] (overlapping patches add). */
nb_tensor *nb_col2im(nb_ctx *ctx, nb_tensor *cols, int64_t height, int64_t width, int kh,
                     int kw, const nb_conv2d_opts *opts);

/* Pooling windows; stride 0 means "the kernel size", dilation 0 means 1. */
typedef struct nb_pool2d_opts {
    int kernel[2];
    int stride[2];
    int padding[2]; /* at most half the kernel */
    int dilation[2];
} nb_pool2d_opts;

/* Largest value in each window (padding never wins); x [N,C,H,W] or [C,H,W]. */
nb_tensor *nb_max_pool2d(nb_ctx *ctx, nb_tensor *x, const nb_pool2d_opts *opts);
/* Mean of each window, padding counted as zeros (count_include_pad). */
nb_tensor *nb_avg_pool2d(nb_ctx *ctx, nb_tensor *x, const nb_pool2d_opts *opts);

/* Rows of weight [V, D] picked by integer indices of any shape:
 * result shape indices.shape + [D]. */
nb_tensor *nb_embedding(nb_ctx *ctx, nb_tensor *weight, nb_tensor *indices);

typedef enum nb_bag_mode { NB_BAG_SUM = 0, NB_BAG_MEAN = 1 } nb_bag_mode;

/* Sum or mean of the embeddings in each bag (torch.nn.functional.embedding_bag).
 * Either indices is 1-D and offsets (1-D, B entries, starting at 0,
 * non-decreasing) marks where each of the B bags starts, or indices is 2-D
 * [B, L] (B bags of L) and offsets is NULL. An empty bag gives zeros.
 * Result [B, D]. */
nb_tensor *nb_embedding_bag(nb_ctx *ctx, nb_tensor *weight, nb_tensor *indices,
                            nb_tensor *offsets, nb_bag_mode mode);

/* Batch normalisation over axis 1 of x [N,C] or [N,C,*] (torch's
 * F.batch_norm). In training, normalises with the batch's mean and biased
 * variance and, when running_mean/running_var are given, updates them in
 * place: r = (1 - momentum) r + momentum b (variance unbiased). In eval,
 * normalises with the running statistics. weight/bias [C] or NULL. */
nb_tensor *nb_batch_norm(nb_ctx *ctx, nb_tensor *x, nb_tensor *running_mean,
                         nb_tensor *running_var, nb_tensor *weight, nb_tensor *bias,
                         bool training, double momentum, double eps);
/* Layer normalisation over the last `naxes` axes of x; weight/bias shaped
 * like those axes, or NULL. */
nb_tensor *nb_layer_norm(nb_ctx *ctx, nb_tensor *x, int naxes, nb_tensor *weight,
                         nb_tensor *bias, double eps);
/* In training: each element zeroed with probability p, the others scaled by
 * 1 / (1 - p); p in [0, 1). Otherwise x itself. */
nb_tensor *nb_dropout(nb_ctx *ctx, nb_tensor *x, double p, bool training, nb_rng *rng);

/* ================================================================== */
/* Losses                                                              */
/* ================================================================== */

/* How per-element losses become the result: their mean (the default), their
 * sum, or the unreduced tensor. */
typedef enum nb_reduction { NB_REDUCE_MEAN = 0, NB_REDUCE_SUM = 1, NB_REDUCE_NONE = 2 } nb_reduction;

/* (input - target)^2 */
nb_tensor *nb_mse_loss(nb_ctx *ctx, nb_tensor *input, nb_tensor *target, nb_reduction r);
/* |input - target| */
nb_tensor *nb_l1_loss(nb_ctx *ctx, nb_tensor *input, nb_tensor *target, nb_reduction r);
/* d = |input - target|:  d^2 / 2 when d < delta, else delta (d - delta / 2); delta > 0 */
nb_tensor *nb_huber_loss(nb_ctx *ctx, nb_tensor *input, nb_tensor *target, double delta,
                         nb_reduction r);

typedef struct nb_bce_opts {
    nb_tensor *weight;     /* broadcast to the input, or NULL */
    nb_tensor *pos_weight; /* broadcast to the input (one per class), or NULL */
    nb_reduction reduction;
} nb_bce_opts;

/* Binary cross-entropy on logits x with targets t in [0, 1], stable:
 *   w [ p t softplus(-x) + (1 - t) softplus(x) ],  p = pos_weight. */
nb_tensor *nb_bce_with_logits(nb_ctx *ctx, nb_tensor *logits, nb_tensor *target,
                              const nb_bce_opts *opts);

/* Zero-initialised: no class weights, nothing ignored, no smoothing, mean. */
typedef struct nb_cross_entropy_opts {
    nb_tensor *weight;       /* [C] weight of each class, or NULL */
    bool ignore;             /* with ignore_index: targets equal to it count for nothing */
    int64_t ignore_index;    /* PyTorch's default is -100 */
    double label_smoothing;  /* eps in [0, 1]: the target is (1 - eps) one-hot + eps / C */
    nb_reduction reduction;
} nb_cross_entropy_opts;

/* Cross-entropy from logits [N,C] (or [N,C,d1,...]) and class indices [N]
 * (or [N,d1,...]) of type i32/i64, as torch.nn.functional.cross_entropy:
 * loss_i = -sum_c q_ic log softmax(x_i)_c with q the (smoothed, weighted)
 * target. The mean divides by the summed weight of the counted targets. */
nb_tensor *nb_cross_entropy(nb_ctx *ctx, nb_tensor *logits, nb_tensor *target,
                            const nb_cross_entropy_opts *opts);
/* Negative log-likelihood of log-probabilities [N,C] (label_smoothing must
 * be 0): loss_i = -w[t_i] x[i, t_i]. */
nb_tensor *nb_nll_loss(nb_ctx *ctx, nb_tensor *log_probs, nb_tensor *target,
                       const nb_cross_entropy_opts *opts);
/* Binary hinge: max(0, margin - t x) with targets t in {-1, +1}. */
nb_tensor *nb_hinge_loss(nb_ctx *ctx, nb_tensor *scores, nb_tensor *target, double margin,
                         nb_reduction r);
/* Multiclass hinge (torch.nn.MultiMarginLoss): scores [N,C], class indices [N],
 *   loss_i = sum_{j != t_i} w[t_i] max(0, margin - x[i,t_i] + x[i,j])^p / C,
 * p = 1 or 2, weight [C] or NULL. */
nb_tensor *nb_multi_margin_loss(nb_ctx *ctx, nb_tensor *scores, nb_tensor *target, int p,
                                double margin, nb_tensor *weight, nb_reduction r);

/* ================================================================== */
/* Initialisers: fill a float tensor in place (outside the graph)       */
/* ================================================================== */

typedef enum nb_nonlinearity {
    NB_GAIN_LINEAR = 0, /* also conv and sigmoid: 1 */
    NB_GAIN_SIGMOID,    /* 1 */
    NB_GAIN_TANH,       /* 5/3 */
    NB_GAIN_RELU,       /* sqrt 2 */
    NB_GAIN_LEAKY_RELU, /* sqrt(2 / (1 + slope^2)) */
    NB_GAIN_SELU,       /* 3/4 */
} nb_nonlinearity;

typedef enum nb_fan_mode { NB_FAN_IN = 0, NB_FAN_OUT = 1 } nb_fan_mode;

/* torch.nn.init.calculate_gain; param is the leaky ReLU slope. */
double nb_init_gain(nb_nonlinearity nl, double param);
/* fan_in = shape[1] * receptive field, fan_out = shape[0] * receptive field
 * (receptive field = product of shape[2:]); t needs at least 2 axes. */
int nb_init_fans(const nb_tensor *t, int64_t *fan_in, int64_t *fan_out);

int nb_init_uniform_(nb_tensor *t, nb_rng *rng, double low, double high);
int nb_init_normal_(nb_tensor *t, nb_rng *rng, double mean, double std);
int nb_init_constant_(nb_tensor *t, double value);
int nb_init_zeros_(nb_tensor *t);
int nb_init_ones_(nb_tensor *t);
/* U(-a, a), a = gain sqrt(6 / (fan_in + fan_out)) */
int nb_init_xavier_uniform_(nb_tensor *t, nb_rng *rng, double gain);
/* N(0, s^2), s = gain sqrt(2 / (fan_in + fan_out)) */
int nb_init_xavier_normal_(nb_tensor *t, nb_rng *rng, double gain);
/* U(-b, b), b = gain(nl, a) sqrt(3 / fan); PyTorch's default is a = 0,
 * NB_FAN_IN, NB_GAIN_LEAKY_RELU. */
int nb_init_kaiming_uniform_(nb_tensor *t, nb_rng *rng, double a, nb_fan_mode mode,
                             nb_nonlinearity nl);
/* N(0, s^2), s = gain(nl, a) / sqrt(fan) */
int nb_init_kaiming_normal_(nb_tensor *t, nb_rng *rng, double a, nb_fan_mode mode,
                            nb_nonlinearity nl);
/* A (semi-)orthogonal matrix over t viewed as [shape[0], rest], from the QR
 * factorisation of a normal matrix (signs fixed by R's diagonal), times gain. */
int nb_init_orthogonal_(nb_tensor *t, nb_rng *rng, double gain);

/* ================================================================== */
/* Modules                                                             */
/* ================================================================== */

typedef struct nb_module nb_module;

/* A module's forward pass: builds its output in the step arena ctx. */
typedef nb_tensor *(*nb_module_forward_fn)(nb_module *m, nb_ctx *ctx, nb_tensor *x);

/* A new module living in the long-lived arena ctx (as do its parameters and
 * their gradients: never reset that arena while the module is in use; free
 * it to free the model). `type` names it in printouts ("Net"); state_size
 * bytes of zeroed state are kept for the caller (nb_module_state). Modules
 * start in training mode. A user module:
 *
 *     typedef struct { nb_module *fc1, *fc2; } net;
 *     static nb_tensor *net_forward(nb_module *m, nb_ctx *ctx, nb_tensor *x) {
 *         net *n = nb_module_state(m);
 *         return nb_module_forward(n->fc2, ctx, nb_relu(ctx, nb_module_forward(n->fc1, ctx, x)));
 *     }
 *     nb_module *m = nb_module_new(params, "Net", net_forward, sizeof(net));
 *     net *n = nb_module_state(m);
 *     n->fc1 = nb_module_add(m, "fc1", nb_linear_new(params, &rng, 4, 8, true));
 *     n->fc2 = nb_module_add(m, "fc2", nb_linear_new(params, &rng, 8, 1, true));
 */
nb_module *nb_module_new(nb_ctx *ctx, const char *type, nb_module_forward_fn forward,
                         size_t state_size);
void *nb_module_state(const nb_module *m);
const char *nb_module_type(const nb_module *m);
nb_ctx *nb_module_ctx(const nb_module *m);
/* The text shown between the parentheses when printed ("in_features=4, ..."). */
int nb_module_set_repr(nb_module *m, const char *text);

/* Registers t as a parameter (a float leaf; marked requires_grad) under a
 * name unique in m and without dots. Returns t. t should live in m's arena. */
nb_tensor *nb_module_add_param(nb_module *m, const char *name, nb_tensor *t);
/* Registers a buffer: state saved with the model but not trained. */
nb_tensor *nb_module_add_buffer(nb_module *m, const char *name, nb_tensor *t);
/* Adds a child module under a name; returns the child. */
nb_module *nb_module_add(nb_module *m, const char *name, nb_module *child);

/* A descendant by dotted path ("features.0"), or NULL. */
nb_module *nb_module_child(const nb_module *m, const char *path);
int nb_module_num_children(const nb_module *m);
nb_module *nb_module_child_at(const nb_module *m, int i, const char **name);
/* A parameter or buffer by dotted name ("0.weight"), or NULL. */
nb_tensor *nb_module_tensor(const nb_module *m, const char *name);

/* Runs m's forward pass. A NULL x gives NULL (the first error is kept). */
nb_tensor *nb_module_forward(nb_module *m, nb_ctx *ctx, nb_tensor *x);
/* Training or evaluation mode, for m and everything below it. */
void nb_module_train(nb_module *m, bool training);
void nb_module_eval(nb_module *m);
bool nb_module_is_training(const nb_module *m);

/* Every parameter of m and its descendants, depth first, with dotted names,
 * as an array made in ctx (PyTorch's named_parameters order). Returns the
 * count, or -1. */
int nb_module_parameters(const nb_module *m, nb_ctx *ctx, nb_named_tensor **out);
/* Parameters and buffers (PyTorch's state_dict order: each module's own
 * parameters, then its buffers, then its children). */
int nb_module_state_dict(const nb_module *m, nb_ctx *ctx, nb_named_tensor **out);
/* Number of trainable scalars. */
int64_t nb_module_num_elements(const nb_module *m);
/* Zeroes every parameter's gradient in place. */
int nb_module_zero_grad(nb_module *m);
/* Converts every float parameter and buffer to dtype (NB_F32 or NB_F64), in
 * place, like PyTorch's model.double(); gradients are dropped. Do it before
 * making an optimizer over the parameters. */
int nb_module_to(nb_module *m, nb_dtype dtype);
/* A PyTorch-style tree: "Sequential(\n  (0): Linear(in_features=...)\n ...". */
int nb_module_print(FILE *stream, const nb_module *m);

/* Weights (parameters and buffers, by state_dict name) to a safetensors
 * file, with optional metadata. */
int nb_module_save(const nb_module *m, const char *path, const nb_metadata *meta, int nmeta);
/* Loads weights saved by nb_module_save (or any safetensors file with the
 * same names): every name must be present with the same shape and dtype and
 * the file must hold no others, or nothing is changed and the message says
 * which. */
int nb_module_load(nb_module *m, const char *path);
/* The same from named tensors, matched against the state_dict names with
 * `prefix` before them (NULL for none). */
int nb_module_load_state_dict(nb_module *m, const nb_named_tensor *ts, int n, const char *prefix);

/* ---- containers and layers ------------------------------------------------ */

/* Runs its children in order; they are named "0", "1", ... */
nb_module *nb_sequential_new(nb_ctx *ctx, int n, nb_module *const *layers);
int nb_sequential_append(nb_module *seq, nb_module *layer);

/* weight [out, in] ~ U(-1/sqrt(in), 1/sqrt(in)) (PyTorch's kaiming_uniform
 * with a = sqrt 5), then bias [out] from the same range. */
nb_module *nb_linear_new(nb_ctx *ctx, nb_rng *rng, int64_t in_features, int64_t out_features,
                         bool bias);
/* weight [O, C, kh, kw] and bias [O] ~ U(-1/sqrt(fan_in), ..), fan_in = C kh kw. */
nb_module *nb_conv2d_new(nb_ctx *ctx, nb_rng *rng, int64_t in_channels, int64_t out_channels,
                         int kernel_h, int kernel_w, const nb_conv2d_opts *opts);
nb_module *nb_max_pool2d_new(nb_ctx *ctx, const nb_pool2d_opts *opts);
nb_module *nb_avg_pool2d_new(nb_ctx *ctx, const nb_pool2d_opts *opts);
/* weight [num, dim] ~ N(0, 1); forward takes integer indices. */
nb_module *nb_embedding_new(nb_ctx *ctx, nb_rng *rng, int64_t num_embeddings, int64_t dim);
/* The same weight; forward takes [B, L] indices (bags of L); for bags of
 * different lengths call nb_embedding_bag_forward. */
nb_module *nb_embedding_bag_new(nb_ctx *ctx, nb_rng *rng, int64_t num_embeddings, int64_t dim,
                                nb_bag_mode mode);
nb_tensor *nb_embedding_bag_forward(nb_module *m, nb_ctx *ctx, nb_tensor *indices,
                                    nb_tensor *offsets);

/* Normalisation options; zero-initialised fields give the defaults. */
typedef struct nb_norm_opts {
    double eps;            /* 0: 1e-5 */
    double momentum;       /* batch norm's running-statistics momentum; 0: 0.1 */
    bool no_affine;        /* no learnable weight (ones) and bias (zeros) */
    bool no_running_stats; /* batch norm: always normalise with batch statistics */
} nb_norm_opts;

/* Over axis 1 of [N,C] or [N,C,L] (1d) and [N,C,H,W] (2d); weight = 1,
 * bias = 0, buffers running_mean = 0, running_var = 1, num_batches_tracked. */
nb_module *nb_batch_norm1d_new(nb_ctx *ctx, int64_t num_features, const nb_norm_opts *opts);
nb_module *nb_batch_norm2d_new(nb_ctx *ctx, int64_t num_features, const nb_norm_opts *opts);
/* Over the trailing axes given by normalized_shape: nb_layer_norm_new(ctx, NB_SHAPE(64), NULL). */
nb_module *nb_layer_norm_new(nb_ctx *ctx, int ndim, const int64_t *normalized_shape,
                             const nb_norm_opts *opts);
/* rng must outlive the module; it is drawn from in training mode only. */
nb_module *nb_dropout_new(nb_ctx *ctx, double p, nb_rng *rng);
nb_module *nb_relu_new(nb_ctx *ctx);
nb_module *nb_leaky_relu_new(nb_ctx *ctx, double negative_slope);
nb_module *nb_gelu_new(nb_ctx *ctx);
nb_module *nb_tanh_new(nb_ctx *ctx);
nb_module *nb_sigmoid_new(nb_ctx *ctx);
nb_module *nb_softmax_new(nb_ctx *ctx, int axis);
nb_module *nb_log_softmax_new(nb_ctx *ctx, int axis);
/* [N, ...] -> [N, rest] */
nb_module *nb_flatten_new(nb_ctx *ctx);

/* ================================================================== */
/* Optimizers                                                          */
/* ================================================================== */

/* An optimizer updates the parameters it was given in place, outside the
 * graph, from their .grad (a parameter without a gradient is skipped). It
 * copies the names and keeps its state in memory of its own. */
typedef struct nb_optim nb_optim;

/* Zero-initialised is PyTorch's default: plain SGD. */
typedef struct nb_sgd_opts {
    double momentum, dampening, weight_decay;
    bool nesterov;
} nb_sgd_opts;

typedef struct nb_adam_opts {
    double beta1, beta2, eps, weight_decay;
    bool amsgrad;
} nb_adam_opts;
nb_adam_opts nb_adam_defaults(void);  /* 0.9, 0.999, 1e-8, weight decay 0 */
nb_adam_opts nb_adamw_defaults(void); /* the same with weight decay 0.01 */

typedef struct nb_rmsprop_opts {
    double alpha, eps, weight_decay, momentum;
    bool centered;
} nb_rmsprop_opts;
nb_rmsprop_opts nb_rmsprop_defaults(void); /* alpha 0.99, eps 1e-8 */

typedef struct nb_adagrad_opts {
    double lr_decay, weight_decay, initial_accumulator_value, eps;
} nb_adagrad_opts;
nb_adagrad_opts nb_adagrad_defaults(void); /* eps 1e-10 */

typedef struct nb_lbfgs_opts {
    int max_iter;            /* iterations per step (20) */
    int max_eval;            /* function evaluations per step (25) */
    double tolerance_grad;   /* stop when max |g| <= this (1e-7) */
    double tolerance_change; /* stop when a step changes x or f by less (1e-9) */
    int history_size;        /* correction pairs kept (100) */
    bool no_line_search;     /* fixed steps of lr instead of the strong-Wolfe search */
} nb_lbfgs_opts;
nb_lbfgs_opts nb_lbfgs_defaults(void);

/* params: from nb_module_parameters, or written by hand:
 * (nb_named_tensor[]){{"w", w}, {"b", b}}. opts NULL means the defaults. */
nb_optim *nb_sgd_new(const nb_named_tensor *params, int n, double lr, const nb_sgd_opts *opts);
/* Adam (Kingma & Ba): m = b1 m + (1-b1) g, v = b2 v + (1-b2) g^2,
 * p -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps); weight decay adds
 * wd p to g. AdamW decays the weights directly: p *= 1 - lr wd. */
nb_optim *nb_adam_new(const nb_named_tensor *params, int n, double lr, const nb_adam_opts *opts);
nb_optim *nb_adamw_new(const nb_named_tensor *params, int n, double lr, const nb_adam_opts *opts);
nb_optim *nb_rmsprop_new(const nb_named_tensor *params, int n, double lr,
                         const nb_rmsprop_opts *opts);
nb_optim *nb_adagrad_new(const nb_named_tensor *params, int n, double lr,
                         const nb_adagrad_opts *opts);
/* L-BFGS over all parameters as one vector (for small smooth problems such
 * as logistic regression); needs nb_optim_step_closure. lr 1 is usual. */
nb_optim *nb_lbfgs_new(const nb_named_tensor *params, int n, double lr,
                       const nb_lbfgs_opts *opts);

/* One update from the current gradients. */
int nb_optim_step(nb_optim *o);
/* Re-evaluates the loss: zero the gradients, compute the loss, backward, and
 * return the loss (NAN on failure, with an error set). */
typedef double (*nb_closure_fn)(void *user);
/* One step that may call the closure several times (L-BFGS does; the others
 * call it once, then step). *loss (if not NULL) gets the first loss. */
int nb_optim_step_closure(nb_optim *o, nb_closure_fn closure, void *user, double *loss);
/* Zeroes the parameters' gradients in place. */
int nb_optim_zero_grad(nb_optim *o);
double nb_optim_lr(const nb_optim *o);
int nb_optim_set_lr(nb_optim *o, double lr);
const char *nb_optim_name(const nb_optim *o); /* "Adam", ... */
int64_t nb_optim_step_count(const nb_optim *o);
/* The optimizer's whole state as named tensors: "step", "lr", and per
 * parameter "exp_avg.<name>", .... The list and names are made in ctx; the
 * tensors are the optimizer's own buffers (clone them to keep a copy). */
int nb_optim_state(nb_optim *o, nb_ctx *ctx, nb_named_tensor **out);
/* Restores a state saved from an optimizer of the same kind over parameters
 * of the same names and shapes. */
int nb_optim_load_state(nb_optim *o, const nb_named_tensor *ts, int n, const char *prefix);
void nb_optim_free(nb_optim *o);

/* Scales all gradients together so that their joint norm is at most
 * max_norm; norm_type 2 (Euclidean) or INFINITY. Returns the norm before
 * clipping, or -1 on error. */
double nb_clip_grad_norm(const nb_named_tensor *params, int n, double max_norm, double norm_type);
/* Clamps every gradient element to [-clip, clip]. */
int nb_clip_grad_value(const nb_named_tensor *params, int n, double clip);

/* ---- learning-rate schedules ------------------------------------------------
 * A schedule sets its optimizer's lr from the lr it had at creation (base)
 * and the number t of nb_scheduler_step calls so far (per epoch or per
 * batch, as the caller chooses). */
typedef struct nb_scheduler nb_scheduler;

/* base gamma^floor(t / step_size) */
nb_scheduler *nb_step_lr_new(nb_optim *o, int64_t step_size, double gamma);
/* base gamma^t */
nb_scheduler *nb_exponential_lr_new(nb_optim *o, double gamma);
/* Linear warm-up then cosine decay to min_lr over `total` steps:
 *   base (t + 1) / warmup                                          t < warmup
 *   min + (base - min) (1 + cos(pi (t - warmup) / (total - warmup))) / 2
 *   min                                                            t >= total */
nb_scheduler *nb_cosine_lr_new(nb_optim *o, int64_t warmup, int64_t total, double min_lr);

typedef struct nb_plateau_opts {
    bool maximize;      /* the metric should rise (accuracy) instead of fall (loss) */
    double factor;      /* lr *= factor on a plateau (0.1) */
    int patience;       /* epochs without improvement tolerated (10) */
    double threshold;   /* relative improvement that counts (1e-4) */
    int cooldown;       /* epochs to wait after a reduction (0) */
    double min_lr;      /* (0) */
} nb_plateau_opts;
nb_plateau_opts nb_plateau_defaults(void);
nb_scheduler *nb_plateau_lr_new(nb_optim *o, const nb_plateau_opts *opts);

/* Advances the schedule (plateau schedules take nb_scheduler_step_metric). */
int nb_scheduler_step(nb_scheduler *s);
int nb_scheduler_step_metric(nb_scheduler *s, double metric);
double nb_scheduler_lr(const nb_scheduler *s);
void nb_scheduler_free(nb_scheduler *s);

/* ================================================================== */
/* Mini-batches, validation split, early stopping                      */
/* ================================================================== */

typedef struct nb_batches nb_batches;

/* Iterates over the rows (axis 0) of x and y (y may be NULL) in batches of
 * batch_size; the last batch of an epoch is smaller unless drop_last. With
 * rng, the order is a fresh permutation drawn at the start of each epoch
 * (same seed, same batches); without, rows go in order. x and y must
 * outlive the iterator. */
nb_batches *nb_batches_new(nb_tensor *x, nb_tensor *y, int64_t batch_size, nb_rng *rng,
                           bool drop_last);
/* Makes the next batch (copies of the rows) in ctx: 1, or 0 at the end of
 * an epoch (the next call starts the next epoch), or -1 on error. */
int nb_batches_next(nb_batches *b, nb_ctx *ctx, nb_tensor **x, nb_tensor **y);
int64_t nb_batches_count(const nb_batches *b); /* batches per epoch */
void nb_batches_free(nb_batches *b);

/* Splits the rows of x (and y) at random: ceil(fraction n) rows go to the
 * validation part, the rest to training, each in their original order. */
int nb_validation_split(nb_ctx *ctx, nb_rng *rng, nb_tensor *x, nb_tensor *y, double fraction,
                        nb_tensor **x_train, nb_tensor **y_train, nb_tensor **x_val,
                        nb_tensor **y_val);

/* Stops training when a validation metric has not improved by more than
 * min_delta for `patience` epochs, keeping a copy of the best weights. */
typedef struct nb_early_stopping nb_early_stopping;

/* model may be NULL (no weights kept). */
nb_early_stopping *nb_early_stopping_new(nb_module *model, int patience, double min_delta,
                                         bool maximize);
/* Records one epoch's metric: 1 = stop now, 0 = go on, -1 = error. */
int nb_early_stopping_update(nb_early_stopping *es, double metric);
double nb_early_stopping_best(const nb_early_stopping *es);
int64_t nb_early_stopping_best_epoch(const nb_early_stopping *es); /* 0-based; -1 before any */
/* Copies the best weights seen back into the model. */
int nb_early_stopping_restore(nb_early_stopping *es);
void nb_early_stopping_free(nb_early_stopping *es);

/* ================================================================== */
/* Checkpoints                                                         */
/* ================================================================== */

/* What a checkpoint holds; NULL parts are left out (save) or not restored
 * (load). One safetensors file: tensors "model.*", "optim.*", "scheduler.*",
 * metadata for the rest. */
typedef struct nb_checkpoint {
    nb_module *model;
    nb_optim *optim;
    nb_scheduler *scheduler;
    nb_rng *rng;      /* the generator that shuffles batches and drives dropout */
    int64_t epoch;    /* epochs completed */
} nb_checkpoint;

int nb_checkpoint_save(const char *path, const nb_checkpoint *ck);
/* Restores every non-NULL part from the file (each must be in it, of the same
 * kind and shapes) and sets ck->epoch; on error nothing is changed. */
int nb_checkpoint_load(const char *path, nb_checkpoint *ck);

#ifdef __cplusplus
}
#endif
#endif /* NABLA_NN_H */
