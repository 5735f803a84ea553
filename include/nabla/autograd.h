/* nabla/autograd.h — reverse-mode automatic differentiation.
 *
 * Define-by-run: the ops of nabla/tensor.h are the only ops. When grad mode
 * is on and an input requires grad, an op computes its value at once and also
 * records a node: which op, its inputs, its attributes. nb_backward(loss)
 * walks those nodes from the loss back to the leaves in reverse topological
 * order and accumulates d loss / d leaf into each leaf's .grad.
 *
 *     nb_tensor *w = nb_rand_normal(params, &rng, NB_F32, NB_SHAPE(3, 1), 0, 1);
 *     nb_requires_grad_(w, true);                     // a leaf: a parameter
 *     for (...) {
 *         nb_ctx_reset(step);                          // last step's graph goes
 *         nb_tensor *loss = nb_mean(step, nb_pow_scalar(step,
 *                               nb_sub(step, nb_matmul(step, x, w), y), 2), NB_ALL_AXES, false);
 *         nb_backward(loss);                           // w's grad += dloss/dw
 *         NB_NO_GRAD { nb_axpy_(w, -0.1, nb_grad(w)); } // update outside the graph
 *         nb_zero_grad(w);
 *     }
 *
 * Ownership — where things live:
 *   - A leaf's .grad lives in the leaf's own context (a parameter's
 *     long-lived arena). It is allocated by the first backward and then
 *     accumulated in place, so resetting a step's arena never touches it.
 *     (With create_graph the .grad is itself a graph tensor and lives in the
 *     context of the tensor backward was called on; when that context is
 *     reset or freed, the grad is forgotten: nb_grad gives NULL and the next
 *     backward starts a new one.)
 *   - Nodes, and every tensor a backward pass computes on the way, live in
 *     the context of the tensor backward was called on (the step's arena),
 *     and go with its reset. A retained non-leaf grad lives there too.
 *   - A backward through a graph whose arena was reset is refused with a
 *     message: every arena counts its resets, and the engine checks that each
 *     tensor and node it reaches is still live before reading it. What it
 *     cannot tell is a pointer kept across a reset that now points at a new
 *     tensor made at the same address since: that is the new tensor (C
 *     pointers carry no generation). Keep a step's tensors within the step.
 *   - After a backward the graph is released: a second backward through the
 *     same nodes is an error unless the first passed retain_graph.
 *   - An in-place write (nb_add_, nb_copy_, ...) bumps its storage's version;
 *     a backward that needs a value that changed since it was recorded fails
 *     and names the op, instead of returning a wrong gradient.
 */
#ifndef NABLA_AUTOGRAD_H
#define NABLA_AUTOGRAD_H

#include <nabla/tensor.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- leaves and gradients --------------------------------------------------- */

/* Marks a float tensor as a leaf whose gradient backward computes (or stops
 * doing so). Only leaves take this: an op's output requires grad when an
 * input does. */
int nb_requires_grad_(nb_tensor *t, bool requires_grad);
bool nb_requires_grad(const nb_tensor *t);
/* A non-leaf (an op's output) keeps its gradient after backward too. */
int nb_retain_grad(nb_tensor *t);
/* The accumulated gradient, or NULL before any backward reached t. */
nb_tensor *nb_grad(const nb_tensor *t);
/* Sets t's gradient to zeros (keeping its buffer; the zeros are written
 * lazily, and the next backward overwrites them instead of adding). */
int nb_zero_grad(nb_tensor *t);
/* True for a leaf: a tensor not made by a recorded op (it has no node). */
bool nb_is_leaf(const nb_tensor *t);
/* The name of the op that made t ("mul"), or NULL for leaves and plain tensors. */
const char *nb_grad_fn_name(const nb_tensor *t);
/* A view of t's storage that is cut from the graph and never requires grad. */
nb_tensor *nb_detach(nb_ctx *ctx, nb_tensor *t);

/* ---- backward ------------------------------------------------------------------ */

typedef struct nb_backward_opts {
    nb_tensor *grad_output; /* d loss / d output; NULL means 1 (output must be a scalar) */
    bool retain_graph;      /* keep the graph for another backward */
    bool create_graph;      /* record the backward pass itself (higher derivatives);
                               implies retain_graph */
} nb_backward_opts;

/* Backward from a scalar: accumulates d out / d leaf into every leaf. */
int nb_backward(nb_tensor *out);
int nb_backward_ex(nb_tensor *out, const nb_backward_opts *opts);
/* d out / d inputs[i] into grads[i], leaving every .grad alone (like
 * torch.autograd.grad); inputs may be leaves or intermediate results. A
 * gradient is NULL where out does not depend on that input. With
 * create_graph the gradients can be differentiated again: Hessian-vector
 * products, gradient penalties. */
int nb_grad_of(nb_tensor *out, nb_tensor *const *inputs, int n, nb_tensor **grads,
               const nb_backward_opts *opts);

/* ---- grad mode ------------------------------------------------------------------- */

/* Turns recording on or off for this thread; returns the previous setting. */
bool nb_set_grad_enabled(bool enabled);
bool nb_is_grad_enabled(void);
/* NB_NO_GRAD { ... } runs the block without recording (nestable). Leave the
 * block normally: a return or break inside it skips the restore. */
#define NB_NO_GRAD                                                                     \
    for (bool nb_prev_ = nb_set_grad_enabled(false), nb_once_ = true; nb_once_;        \
         nb_set_grad_enabled(nb_prev_), nb_once_ = false)

/* ---- the op table ------------------------------------------------------------------ */

typedef struct nb_node nb_node;

/* What a backward rule sees of its node. */
int nb_node_num_inputs(const nb_node *node);
nb_tensor *nb_node_input(const nb_node *node, int i);
nb_tensor *nb_node_output(const nb_node *node);
const void *nb_node_attrs(const nb_node *node);
/* Whether input i needs a gradient (a rule may skip work for the others). */
bool nb_node_needs_grad(const nb_node *node, int i);

/* Computes the op's value from its inputs and attributes. */
typedef nb_tensor *(*nb_forward_fn)(nb_ctx *ctx, nb_tensor *const *inputs, int n,
                                    const void *attrs);
/* Given d loss / d output, writes d loss / d input i into grad_inputs[i] (or
 * NULL where an input takes no gradient), using nabla's own ops so that
 * create_graph can differentiate the rule again. A gradient may have the
 * broadcast shape; the engine sums it back to the input's shape. Returns 0
 * or -1 with an error. */
typedef int (*nb_backward_fn)(nb_ctx *ctx, const nb_node *node, nb_tensor *grad_output,
                              nb_tensor **grad_inputs);
/* Random valid inputs (f64) and attributes for gradcheck: values kept away
 * from kinks and outside the domain where the op is not smooth. Writes n
 * inputs (n <= NB_OP_MAX_INPUTS) and returns n, or -1. */
typedef int (*nb_sample_fn)(nb_ctx *ctx, nb_rng *rng, nb_tensor **inputs, void *attrs);

#define NB_OP_MAX_INPUTS 8
#define NB_OP_MAX_ATTRS 256 /* bytes */

/* Which inputs the backward rule reads (bit i), and whether it reads the
 * output: an in-place write to one of these after recording is an error. */
#define NB_SAVES_INPUT(i) (1u << (i))
#define NB_SAVES_OUTPUT (1u << 31)

typedef struct nb_op_def {
    const char *name;            /* stable identifier, e.g. "mul" */
    int arity;                   /* tensor inputs; -1 for a list (concat) */
    size_t attrs_size;           /* bytes copied into the node, <= NB_OP_MAX_ATTRS */
    nb_forward_fn forward;
    nb_backward_fn backward;     /* NULL only with not_differentiable */
    bool not_differentiable;
    unsigned saves;              /* NB_SAVES_INPUT(i) | NB_SAVES_OUTPUT */
    unsigned no_grad_inputs;     /* bit i: input i never takes a gradient (an index) */
    nb_sample_fn sample;         /* for gradcheck walks; NULL for user ops without */
    double gradcheck_tol;        /* relative tolerance in f64; 0 = default 1e-6 */
    double gradcheck_eps;        /* central-difference step in f64; 0 = default 1e-6 */
} nb_op_def;

/* Adds an op to the table. Refused: a NULL or empty name, a name already
 * taken, no backward rule without the not_differentiable mark, attributes
 * larger than NB_OP_MAX_ATTRS. The definition must outlive its use. */
int nb_op_register(const nb_op_def *def);
const nb_op_def *nb_op_find(const char *name);
int nb_op_count(void);
const nb_op_def *nb_op_at(int i);

/* Runs a registered op: forward on the inputs, then, when recording, a node
 * with a copy of the attributes. This is how custom ops are called. */
nb_tensor *nb_op_apply(nb_ctx *ctx, const nb_op_def *def, nb_tensor *const *inputs, int n,
                       const void *attrs);

/* ---- gradcheck ------------------------------------------------------------------- */

/* The function checked: any tensors in, one tensor (any shape) out. */
typedef nb_tensor *(*nb_gradcheck_fn)(nb_ctx *ctx, nb_tensor *const *inputs, int n, void *user);

typedef struct nb_gradcheck_opts {
    double eps;           /* central-difference step; default 1e-6 */
    double atol, rtol;    /* pass when |analytic - numeric| <= atol + rtol |numeric|;
                             defaults 1e-7 and 1e-6 */
    int64_t max_checks;   /* elements perturbed per input (a random subset past
                             this); default 200 */
    uint64_t seed;        /* for the output projection and the subset */
} nb_gradcheck_opts;

typedef struct nb_gradcheck_report {
    bool passed;
    int64_t checked, skipped; /* skipped: not smooth within eps (a kink) */
    int worst_input;          /* where |analytic - numeric| was largest */
    int64_t worst_index;      /* flat C-order index */
    double analytic, numeric, abs_err;
} nb_gradcheck_report;

/* Compares backward's gradients of sum(f(inputs) * r), r a fixed random
 * tensor, with central differences, for every input that requires grad.
 * Inputs must be f64. Elements where the one-sided differences disagree
 * (f is not smooth there) are skipped and counted. Returns 0 when the check
 * ran (see report->passed), -1 when it could not. */
int nb_gradcheck(nb_gradcheck_fn f, void *user, nb_tensor *const *inputs, int n,
                 const nb_gradcheck_opts *opts, nb_gradcheck_report *report);

#ifdef __cplusplus
}
#endif
#endif /* NABLA_AUTOGRAD_H */
