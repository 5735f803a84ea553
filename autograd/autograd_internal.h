/* autograd/autograd_internal.h — the graph's data structures, shared by the
 * engine, the op table and the backward rules. */
#ifndef NB_AUTOGRAD_INTERNAL_H
#define NB_AUTOGRAD_INTERNAL_H

#include <nabla/autograd.h>

#include "../tensor/record.h"

/* Hangs off nb_tensor.autograd; lives in the tensor's context. */
struct nb_autograd_meta {
    bool requires_grad;
    bool retains_grad;
    bool grad_zeroed; /* nb_zero_grad was called: grad's zeros are not yet written */
    nb_tensor *grad;  /* read it through nb__grad_of, set it with nb__set_grad */
    nb_ctx *grad_ctx; /* where grad was made, and that arena's stamp then: a */
    uint64_t grad_stamp; /* grad made elsewhere (create_graph) may since be gone */
    nb_node *node; /* the op that made this tensor; NULL for leaves */
};

/* t's .grad, or NULL when there is none or it was made in another arena that
 * has since been reset or freed (a create_graph grad lives in the step's
 * arena); a grad found gone is forgotten. */
nb_tensor *nb__grad_of(const nb_tensor *t);
/* Sets t's .grad to g (NULL clears it) and notes where g lives. */
void nb__set_grad(const nb_tensor *t, nb_tensor *g);

/* One recorded op application; lives in the context of its output. */
struct nb_node {
    const nb_op_def *op;
    int n;                  /* inputs */
    nb_tensor **inputs;
    uint64_t *versions;     /* storage versions at record time: inputs, then output */
    uint8_t *needs_grad;    /* per input */
    nb_tensor *output;
    void *attrs;
    bool released;          /* a backward without retain_graph went through */
    uint64_t visit;         /* the last backward that reached this node */
    nb_tensor *grad;        /* d root / d output, summed during a backward */
};

/* Whether t takes part in differentiation. */
static inline bool nb__requires(const nb_tensor *t)
{
    return t && t->autograd && t->autograd->requires_grad;
}

/* Installs the recorder and registers the built-in ops (once). */
void nb__autograd_init(void);

/* Records a node for out = def(inputs) when grad mode is on and an input
 * requires grad. Returns out, or NULL when recording fails. */
nb_tensor *nb__record_node(nb_ctx *ctx, const nb_op_def *def, nb_tensor *out,
                           nb_tensor *const *inputs, int n, const void *attrs, size_t attrs_size);

/* Registers every built-in op (rules_*.c each contribute theirs). */
int nb__register_elementwise_ops(void);
int nb__register_reduce_ops(void);
int nb__register_shape_ops(void);
int nb__register_index_ops(void);
int nb__register_linalg_ops(void);

/* Sums g over the axes where it was broadcast so it has the given shape. */
nb_tensor *nb__sum_to_shape(nb_ctx *ctx, nb_tensor *g, int ndim, const int64_t *shape);

#endif
