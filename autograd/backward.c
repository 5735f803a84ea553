/* autograd/backward.c — the reverse pass.
 *
 * 1. Sort the nodes that lead to the root topologically, with an explicit
 *    stack (a depth-first search whose post-order is a topological order), so
 *    a chain of a million ops needs no C stack and memory linear in nodes.
 * 2. Walk them in reverse: each node's rule turns d root / d output into
 *    d root / d input; a gradient of broadcast shape is summed back to the
 *    input's shape here, once for every op; gradients arriving at the same
 *    tensor from several uses are added.
 * 3. Leaves accumulate into .grad; nodes are released unless retain_graph.
 *
 * Every tensor the walk reaches is first checked to be live (made since its
 * arena's last reset) without reading it, so a graph whose arena was reset is
 * refused instead of read. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "autograd_internal.h"

static _Atomic uint64_t backward_epoch;

/* Whether t may be read: its header lies in live memory of the context it
 * names. Called with the context registry locked. */
static bool is_live(const nb_tensor *t)
{
    nb_ctx *owner = nb__ctx_of_locked(t);
    return owner && owner == t->ctx;
}

static int stale_error(const nb_node *node)
{
    if (node)
        nb__error("nb_backward: an input of '%s' was made in an arena that has since been reset; "
                  "its graph is gone",
                  node->op->name);
    else
        nb__error("nb_backward: the tensor was made in an arena that has since been reset; its "
                  "graph is gone");
    return -1;
}

/* Post-order of the nodes reachable from root through inputs that need a
 * gradient. *order is malloc'd; the caller frees it. */
static int topo_sort(nb_node *root, nb_node ***order, size_t *count)
{
    size_t cap = 64, top = 0, done = 0;
    struct frame {
        nb_node *node;
        int next;
    } *stack = malloc(cap * sizeof *stack);
    nb_node **out = malloc(cap * sizeof *out);
    size_t out_cap = cap;
    uint64_t epoch = atomic_fetch_add(&backward_epoch, 1) + 1;
    if (!stack || !out) goto oom;
    root->visit = epoch;
    stack[top++] = (struct frame){root, 0};
    while (top) {
        struct frame *f = &stack[top - 1];
        if (f->next == f->node->n) { /* every input done: emit */
            if (done == out_cap) {
                nb_node **grown = realloc(out, 2 * out_cap * sizeof *out);
                if (!grown) goto oom;
                out = grown;
                out_cap *= 2;
            }
            out[done++] = f->node;
            top--;
            continue;
        }
        int i = f->next++;
        if (!f->node->needs_grad[i]) continue;
        nb_tensor *in = f->node->inputs[i];
        if (!is_live(in)) {
            stale_error(f->node);
            free(stack);
            free(out);
            return -1;
        }
        nb_node *child = in->autograd ? in->autograd->node : NULL;
        if (!child || child->visit == epoch) continue;
        child->visit = epoch;
        if (top == cap) {
            struct frame *grown = realloc(stack, 2 * cap * sizeof *stack);
            if (!grown) goto oom;
            stack = grown;
            cap *= 2;
        }
        stack[top++] = (struct frame){child, 0};
    }
    free(stack);
    *order = out;
    *count = done;
    return 0;
oom:
    free(stack);
    free(out);
    nb__error("nb_backward: out of memory sorting the graph");
    return -1;
}

nb_tensor *nb__sum_to_shape(nb_ctx *ctx, nb_tensor *g, int ndim, const int64_t *shape)
{
    if (g->ndim == ndim && !memcmp(g->shape, shape, sizeof(int64_t) * (size_t)ndim)) return g;
    int axes[NB_MAX_DIMS], naxes = 0, lead = g->ndim - ndim;
    for (int i = 0; i < g->ndim; i++)
        if (i < lead || (shape[i - lead] == 1 && g->shape[i] != 1)) axes[naxes++] = i;
    nb_tensor *s = naxes ? nb_sum(ctx, g, naxes, axes, true) : g;
    return s ? nb_reshape(ctx, s, ndim, shape) : NULL;
}

/* An in-place write to a value the rule reads makes its gradient wrong. */
static int check_versions(const nb_node *node)
{
    unsigned saves = node->op->saves;
    for (int i = 0; i <= node->n; i++) {
        bool output = i == node->n;
        if (!(output ? saves & NB_SAVES_OUTPUT : i < 31 && (saves & NB_SAVES_INPUT(i)))) continue;
        const nb_tensor *t = output ? node->output : node->inputs[i];
        if (t->storage->version != node->versions[i]) {
            char which[32];
            snprintf(which, sizeof which, output ? "its output" : "input %d", i);
            nb__error("nb_backward: %s of '%s' was modified in place after it was recorded "
                      "(version %llu, recorded at %llu); its gradient would be wrong",
                      which, node->op->name, (unsigned long long)t->storage->version,
                      (unsigned long long)node->versions[i]);
            return -1;
        }
    }
    return 0;
}

/* nb_grad_of: the tensors asked about, and where their gradients go. */
typedef struct {
    nb_tensor *const *targets;
    int n;
    nb_tensor **grads;
} capture;

static int target_index(const capture *cap, const nb_tensor *t)
{
    for (int j = 0; cap && j < cap->n; j++)
        if (cap->targets[j] == t) return j;
    return -1;
}

/* Adds g into the gradient slot *slot (a node's or a leaf's). */
static int accumulate(nb_ctx *ctx, nb_tensor **slot, nb_tensor *g)
{
    *slot = *slot ? nb_add(ctx, *slot, g) : g;
    return *slot ? 0 : -1;
}

/* Adds g into a leaf's .grad. The grad is the leaf's own copy in the leaf's
 * arena, added to in place, unless it is part of a graph (create_graph).
 * After nb_zero_grad the grad's zeros were never written (see nb_zero_grad):
 * the first gradient is copied over them instead of added to them, which
 * saves a pass over every parameter per step. */
static int accumulate_leaf(nb_ctx *ctx, nb_tensor *leaf, nb_tensor *g, bool create_graph)
{
    struct nb_autograd_meta *m = leaf->autograd;
    nb_tensor *old = nb__grad_of(leaf), *grad;
    bool zeroed = m->grad_zeroed;
    m->grad_zeroed = false;
    if (create_graph) {
        grad = old && !zeroed ? nb_add(ctx, old, g) : g;
    } else if (old && old->ctx == leaf->ctx) {
        return zeroed ? nb_copy_(old, g) : nb_add_(old, g);
    } else {
        grad = old && !zeroed ? nb_add(ctx, old, g) : nb_clone(leaf->ctx, g);
    }
    nb__set_grad(leaf, grad);
    return grad ? 0 : -1;
}

/* Passes each input's gradient on: to the node that made it, or into the
 * leaf's .grad. */
static int propagate(nb_ctx *ctx, nb_node *node, nb_tensor **gin, bool create_graph,
                     const capture *cap)
{
    for (int i = 0; i < node->n; i++) {
        nb_tensor *in = node->inputs[i];
        if (!node->needs_grad[i] || !gin[i]) continue;
        nb_tensor *g = nb__sum_to_shape(ctx, gin[i], in->ndim, in->shape);
        if (g && g->dtype != in->dtype) g = nb_cast(ctx, g, in->dtype);
        if (!g) return -1;
        struct nb_autograd_meta *meta = in->autograd;
        int j = target_index(cap, in), rc = 0;
        if (meta->node) /* a non-leaf's total is read when its node runs */
            rc = accumulate(ctx, &meta->node->grad, g);
        else if (j >= 0)
            rc = accumulate(ctx, &cap->grads[j], g);
        else if (!cap)
            rc = accumulate_leaf(ctx, in, g, create_graph);
        if (rc) return -1;
    }
    return 0;
}

static int run_node(nb_ctx *ctx, nb_node *node, const nb_backward_opts *opts, const capture *cap)
{
    if (node->released) {
        nb__error("nb_backward: the graph through '%s' was already freed by an earlier backward; "
                  "pass retain_graph to the first one to go through it twice",
                  node->op->name);
        return -1;
    }
    nb_tensor *g = node->grad;
    node->grad = NULL;
    if (!opts->retain_graph && !opts->create_graph) node->released = true;
    if (!g) return 0; /* no gradient reached this node */
    struct nb_autograd_meta *meta = node->output->autograd;
    int j = target_index(cap, node->output);
    if (j >= 0) cap->grads[j] = g;
    else if (meta->retains_grad && !cap) nb__set_grad(node->output, g);
    if (check_versions(node)) return -1;
    nb_tensor *gin_small[NB_OP_MAX_INPUTS] = {0};
    nb_tensor **gin = node->n <= NB_OP_MAX_INPUTS ? gin_small : calloc((size_t)node->n, sizeof *gin);
    if (!gin) return -1;
    int rc = node->op->backward(ctx, node, g, gin);
    if (rc == 0) rc = propagate(ctx, node, gin, opts->create_graph, cap);
    if (gin != gin_small) free(gin);
    return rc;
}

/* The starting gradient: the caller's, or 1 for a one-element output. */
static nb_tensor *seed_gradient(nb_tensor *out, const nb_backward_opts *opts)
{
    char s1[NB_SHAPE_STR_MAX], s2[NB_SHAPE_STR_MAX];
    nb_tensor *g = opts->grad_output;
    if (!g) {
        if (nb_numel(out) != 1) {
            nb__error("nb_backward: the output has shape %s; backward from a non-scalar needs "
                      "grad_output",
                      nb__shape_str(s1, sizeof s1, out->ndim, out->shape));
            return NULL;
        }
        return nb_ones(out->ctx, out->dtype, out->ndim, out->shape);
    }
    if (!nb_same_shape(g, out)) {
        nb__error("nb_backward: grad_output has shape %s but the output has shape %s",
                  nb__shape_str(s1, sizeof s1, g->ndim, g->shape),
                  nb__shape_str(s2, sizeof s2, out->ndim, out->shape));
        return NULL;
    }
    return g->dtype == out->dtype ? g : nb_cast(out->ctx, g, out->dtype);
}

static int backward_locked(nb_tensor *out, const nb_backward_opts *opts, const capture *cap)
{
    if (!is_live(out)) return stale_error(NULL);
    if (!nb__requires(out)) {
        nb__error("nb_backward: the tensor does not require grad (no input of its graph does)");
        return -1;
    }
    nb_tensor *g = seed_gradient(out, opts);
    if (!g) return -1;
    struct nb_autograd_meta *meta = out->autograd;
    if (!meta->node) { /* backward from a leaf: its gradient is the seed */
        int j = target_index(cap, out);
        if (cap) return j >= 0 ? accumulate(out->ctx, &cap->grads[j], g) : 0;
        return accumulate_leaf(out->ctx, out, g, opts->create_graph);
    }
    nb_node **order;
    size_t count;
    if (topo_sort(meta->node, &order, &count)) return -1;
    meta->node->grad = g;
    int rc = 0;
    for (size_t k = count; k-- > 0 && rc == 0;) rc = run_node(out->ctx, order[k], opts, cap);
    if (rc) /* leave no half-summed gradients behind in nodes kept for another pass */
        for (size_t k = 0; k < count; k++) order[k]->grad = NULL;
    free(order);
    return rc;
}

static int run_backward(nb_tensor *out, const nb_backward_opts *opts, const capture *cap)
{
    nb_backward_opts defaults = {0};
    if (!opts) opts = &defaults;
    bool previous = nb_set_grad_enabled(opts->create_graph);
    nb__ctx_registry_lock(); /* no arena resets or frees while the graph is walked */
    int rc = backward_locked(out, opts, cap);
    nb__ctx_registry_unlock();
    nb_set_grad_enabled(previous);
    return rc;
}

int nb_backward_ex(nb_tensor *out, const nb_backward_opts *opts)
{
    NB_REQUIRE_INT(out);
    return run_backward(out, opts, NULL);
}

int nb_grad_of(nb_tensor *out, nb_tensor *const *inputs, int n, nb_tensor **grads,
               const nb_backward_opts *opts)
{
    NB_REQUIRE_INT(out);
    if (n < 1 || !inputs || !grads) {
        nb__error("nb_grad_of: need n >= 1 inputs and a grads array, got n = %d", n);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        grads[i] = NULL;
        if (!nb__requires(inputs[i])) {
            nb__error("nb_grad_of: input %d does not require grad", i);
            return -1;
        }
    }
    capture cap = {inputs, n, grads};
    int rc = run_backward(out, opts, &cap);
    for (int i = 0; rc && i < n; i++) grads[i] = NULL;
    return rc;
}

int nb_backward(nb_tensor *out) { return nb_backward_ex(out, NULL); }
