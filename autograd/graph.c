/* autograd/graph.c — building the graph: leaves, grad mode, and the recorder
 * that turns an op call into a node. */
#include <pthread.h>
#include <string.h>

#include "autograd_internal.h"

/* ---- grad mode ---------------------------------------------------------- */

static _Thread_local bool grad_disabled; /* zero-initialised: recording is on */

bool nb_set_grad_enabled(bool enabled)
{
    bool previous = !grad_disabled;
    grad_disabled = !enabled;
    return previous;
}

bool nb_is_grad_enabled(void) { return !grad_disabled; }

/* ---- the recorder ---------------------------------------------------------- */

/* The table entry for an op site, looked up by name once and cached. */
static const nb_op_def *resolve(nb__op_site *site)
{
    const nb_op_def *def = atomic_load_explicit(&site->entry, memory_order_acquire);
    if (!def) {
        def = nb_op_find(site->name);
        if (def) atomic_store_explicit(&site->entry, (const void *)def, memory_order_release);
    }
    return def;
}

static nb_tensor *record_hook(nb__op_site *site, nb_ctx *ctx, nb_tensor *out,
                              nb_tensor *const *inputs, int n, const void *attrs,
                              size_t attrs_size)
{
    if (grad_disabled) return out;
    const nb_op_def *def = resolve(site);
    if (!def) {
        nb__error("nb_%s: op '%s' is missing from the op table", site->name, site->name);
        return NULL;
    }
    return nb__record_node(ctx, def, out, inputs, n, attrs, attrs_size);
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_status;

static void init(void)
{
    init_status = nb__register_elementwise_ops() || nb__register_reduce_ops() ||
                  nb__register_shape_ops() || nb__register_index_ops() ||
                  nb__register_linalg_ops();
    nb__set_record_hook(record_hook);
}

void nb__autograd_init(void) { pthread_once(&init_once, init); }

/* Input i gets a gradient unless the op marks it as an index or mask. */
static bool takes_grad(const nb_op_def *def, const nb_tensor *t, int i)
{
    return nb__requires(t) && !(i < 32 && (def->no_grad_inputs & (1u << i)));
}

nb_tensor *nb__record_node(nb_ctx *ctx, const nb_op_def *def, nb_tensor *out,
                           nb_tensor *const *inputs, int n, const void *attrs, size_t attrs_size)
{
    if (grad_disabled || def->not_differentiable) return out;
    bool any = false;
    for (int i = 0; i < n; i++) {
        if (inputs[i] == out) return out; /* the op returned its input: nothing to record */
        any = any || takes_grad(def, inputs[i], i);
    }
    if (!any) return out;
    /* node, meta, the per-input arrays and the attributes in one block */
    size_t at_meta = (sizeof(nb_node) + 15) & ~(size_t)15;
    size_t at_inputs = at_meta + ((sizeof(struct nb_autograd_meta) + 15) & ~(size_t)15);
    size_t at_versions = at_inputs + sizeof(nb_tensor *) * (size_t)n;
    size_t at_needs = at_versions + sizeof(uint64_t) * (size_t)(n + 1);
    size_t at_attrs = (at_needs + (size_t)n + 15) & ~(size_t)15;
    char *block = nb_ctx_alloc(ctx, at_attrs + attrs_size, 16);
    if (!block) return NULL;
    nb_node *node = (nb_node *)block;
    struct nb_autograd_meta *meta = (struct nb_autograd_meta *)(block + at_meta);
    *node = (nb_node){.op = def, .n = n, .output = out};
    node->inputs = (nb_tensor **)(block + at_inputs);
    node->versions = (uint64_t *)(block + at_versions);
    node->needs_grad = (uint8_t *)(block + at_needs);
    node->attrs = attrs_size ? block + at_attrs : NULL;
    for (int i = 0; i < n; i++) {
        node->inputs[i] = inputs[i];
        node->versions[i] = inputs[i]->storage->version;
        node->needs_grad[i] = takes_grad(def, inputs[i], i);
    }
    node->versions[n] = out->storage->version;
    if (attrs_size) memcpy(node->attrs, attrs, attrs_size);
    *meta = (struct nb_autograd_meta){.requires_grad = true, .node = node};
    out->autograd = meta;
    return out;
}

nb_tensor *nb_op_apply(nb_ctx *ctx, const nb_op_def *def, nb_tensor *const *inputs, int n,
                       const void *attrs)
{
    if (!def || !def->forward || n < 0 || (def->arity >= 0 && n != def->arity)) {
        nb__error("nb_op_apply: %s takes %d inputs, got %d", def && def->name ? def->name : "op",
                  def ? def->arity : 0, n);
        return NULL;
    }
    for (int i = 0; i < n; i++)
        if (!inputs[i]) {
            if (!nb_last_error()[0]) nb__error("nb_op_apply: %s: input %d is NULL", def->name, i);
            return NULL;
        }
    nb__autograd_init();
    NB_OP_BEGIN();
    nb_tensor *out = def->forward(ctx, inputs, n, attrs);
    nb__op_depth--;
    return out ? nb__record_node(ctx, def, out, inputs, n, attrs, def->attrs_size) : NULL;
}

/* ---- leaves --------------------------------------------------------------- */

static struct nb_autograd_meta *meta_of(nb_tensor *t)
{
    if (!t->autograd) {
        t->autograd = nb_ctx_alloc(t->ctx, sizeof *t->autograd, _Alignof(struct nb_autograd_meta));
        if (t->autograd) *t->autograd = (struct nb_autograd_meta){0};
    }
    return t->autograd;
}

int nb_requires_grad_(nb_tensor *t, bool requires_grad)
{
    NB_REQUIRE_INT(t);
    if (t->autograd && t->autograd->node) {
        nb__error("nb_requires_grad_: only leaves can be marked; this tensor was made by '%s' "
                  "(detach it first)",
                  t->autograd->node->op->name);
        return -1;
    }
    if (requires_grad && !nb_dtype_is_float(t->dtype)) {
        nb__error("nb_requires_grad_: only float tensors have gradients, this one is %s",
                  nb_dtype_name(t->dtype));
        return -1;
    }
    if (!requires_grad && !t->autograd) return 0;
    nb__autograd_init();
    struct nb_autograd_meta *meta = meta_of(t);
    if (!meta) return -1;
    meta->requires_grad = requires_grad;
    return 0;
}

bool nb_requires_grad(const nb_tensor *t) { return nb__requires(t); }

bool nb_is_leaf(const nb_tensor *t) { return !t || !t->autograd || !t->autograd->node; }

const char *nb_grad_fn_name(const nb_tensor *t)
{
    return t && t->autograd && t->autograd->node ? t->autograd->node->op->name : NULL;
}

int nb_retain_grad(nb_tensor *t)
{
    NB_REQUIRE_INT(t);
    if (!nb__requires(t)) {
        nb__error("nb_retain_grad: the tensor does not require grad");
        return -1;
    }
    t->autograd->retains_grad = true;
    return 0;
}

void nb__set_grad(const nb_tensor *t, nb_tensor *g)
{
    struct nb_autograd_meta *m = t->autograd;
    m->grad_zeroed = false; /* a new grad holds its values: nothing to zero */
    m->grad = g;
    m->grad_ctx = g ? g->ctx : NULL;
    m->grad_stamp = g ? nb__ctx_stamp(g->ctx) : 0;
}

/* A grad in t's own arena lives as long as t; one made elsewhere (with
 * create_graph, in the step's arena) is checked without reading it. */
nb_tensor *nb__grad_of(const nb_tensor *t)
{
    struct nb_autograd_meta *m = t ? t->autograd : NULL;
    if (!m || !m->grad) return NULL;
    if (m->grad_ctx != t->ctx && !nb__ctx_holds(m->grad_ctx, m->grad_stamp, m->grad))
        nb__set_grad(t, NULL);
    return m->grad;
}

/* A zeroed grad is zeroed lazily: nb_zero_grad only marks it, and the zeros
 * are written when someone reads it first — unless the next backward
 * overwrites it before that, which is the usual training loop. */
nb_tensor *nb_grad(const nb_tensor *t)
{
    struct nb_autograd_meta *m = t ? t->autograd : NULL;
    if (!nb__grad_of(t)) return NULL;
    if (m->grad_zeroed) {
        m->grad_zeroed = false;
        if (nb_zero_(m->grad)) return NULL;
    }
    return m->grad;
}

int nb_zero_grad(nb_tensor *t)
{
    NB_REQUIRE_INT(t);
    if (nb__grad_of(t)) t->autograd->grad_zeroed = true;
    return 0;
}

nb_tensor *nb_detach(nb_ctx *ctx, nb_tensor *t)
{
    NB_REQUIRE(t);
    return nb__view(ctx, t); /* a view carries no autograd state */
}

/* ---- what backward rules see -------------------------------------------------- */

int nb_node_num_inputs(const nb_node *node) { return node->n; }
nb_tensor *nb_node_input(const nb_node *node, int i) { return i >= 0 && i < node->n ? node->inputs[i] : NULL; }
nb_tensor *nb_node_output(const nb_node *node) { return node->output; }
const void *nb_node_attrs(const nb_node *node) { return node->attrs; }
bool nb_node_needs_grad(const nb_node *node, int i) { return i >= 0 && i < node->n && node->needs_grad[i]; }
