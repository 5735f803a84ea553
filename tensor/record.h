/* tensor/record.h — how an op made in tensor/ reaches the autograd layer
 * without tensor/ knowing anything about graphs.
 *
 * Every public op is written
 *
 *     nb_tensor *nb_exp(nb_ctx *ctx, nb_tensor *x)
 *     {
 *         static nb__op_site site = {.name = "exp"};
 *         NB_OP_BEGIN_IN(__func__, ctx);
 *         nb_tensor *out = ...compute...;
 *         return nb__op_end(&site, ctx, out, (nb_tensor *[]){x}, 1, NULL, 0);
 *     }
 *
 * NB_OP_BEGIN counts how deep in op calls this thread is, so an op built from
 * other public ops (softmax transposes, matmul reshapes) is recorded once, as
 * itself, not as its parts. nb__op_end hands the result to the recorder when
 * this was the outermost op and an input carries autograd state. The recorder
 * is installed by the autograd layer; until it is, ops cost one test more. */
#ifndef NB_TENSOR_RECORD_H
#define NB_TENSOR_RECORD_H

#include <stdatomic.h>

#include "tensor_internal.h"

/* A call site of an op: its name, and the recorder's cached entry for it. */
typedef struct nb__op_site {
    const char *name;
    _Atomic(const void *) entry;
} nb__op_site;

typedef nb_tensor *(*nb__record_fn)(nb__op_site *site, nb_ctx *ctx, nb_tensor *out,
                                    nb_tensor *const *inputs, int n, const void *attrs,
                                    size_t attrs_size);

void nb__set_record_hook(nb__record_fn fn);

extern _Thread_local int nb__op_depth;

#define NB_OP_BEGIN() (nb__op_depth++)

/* NB_OP_BEGIN for an op that makes its result in ctx: a NULL ctx is refused
 * first, under the public name api, before a helper on the way (the
 * allocator, a view, a scratch buffer) can report it under its own name.
 * The op returns NULL then, with nothing begun. */
#define NB_OP_BEGIN_IN(api, ctx)                                                        \
    do {                                                                                \
        if (nb__check_ctx((api), (ctx))) return NULL;                                   \
        NB_OP_BEGIN();                                                                  \
    } while (0)

/* Closes the op begun by NB_OP_BEGIN and returns out (or NULL when out was
 * NULL or recording failed). */
nb_tensor *nb__op_end(nb__op_site *site, nb_ctx *ctx, nb_tensor *out, nb_tensor *const *inputs,
                      int n, const void *attrs, size_t attrs_size);

/* The attributes an op records for its backward rule. */
typedef struct {
    double a, b; /* leaky_relu: slope; clamp: low, high; pow_scalar: exponent */
} nb__scalar_attrs;

typedef struct {
    unsigned mask; /* bit i: axis i reduced */
    bool all_axes; /* asked for as NB_ALL_AXES (max/min then share ties) */
    bool keepdim;
    int correction;
} nb__reduce_attrs;

typedef struct {
    int axis; /* normalised */
} nb__axis_attrs;

typedef struct {
    int ndim;
    int64_t shape[NB_MAX_DIMS];
} nb__shape_attrs;

typedef struct {
    int axes[NB_MAX_DIMS];
} nb__permute_attrs;

typedef struct {
    int axis;
    int64_t start, stop, step; /* as given (the forward adapter replays them) */
    int64_t first, count;      /* the elements taken: first, first + step, ... */
} nb__slice_attrs;

typedef struct {
    nb_dtype dtype;
} nb__cast_attrs;

#endif
