/* tensor/binary.h — the shared machinery of two-operand elementwise ops, used
 * by the out-of-place ops (binary.c) and the in-place forms (inplace.c). */
#ifndef NB_TENSOR_BINARY_H
#define NB_TENSOR_BINARY_H

#include "tensor_internal.h"

typedef enum nb__binop {
    NB__ADD, NB__SUB, NB__MUL, NB__DIV, NB__POW, NB__MAX, NB__MIN,
    NB__AXPY, /* a + alpha b */
    NB__EQ, NB__NE, NB__LT, NB__LE, NB__GT, NB__GE, /* comparisons last */
    NB__BINOP_COUNT
} nb__binop;

/* The result type of a op b (see the promotion rules in nabla/tensor.h). */
nb_dtype nb__binary_result_dtype(nb__binop op, nb_dtype a, nb_dtype b);

/* out = a op b. a and b broadcast to out's shape (as NumPy's out=) and are
 * converted to out's type (to their promoted type for comparisons, whose out is bool).
 * Temporaries go in `scratch`, or in a private arena when it is NULL.
 * Operands that overlap out other than element for element are copied first.
 * api names the public function in messages. */
int nb__binary_into(const char *api, nb_ctx *scratch, nb_tensor *out, nb_tensor *a,
                    nb_tensor *b, nb__binop op, double alpha);

/* A new tensor a op b in ctx. */
nb_tensor *nb__binary(const char *api, nb_ctx *ctx, nb_tensor *a, nb_tensor *b, nb__binop op);

/* A 0-d tensor holding s, typed to combine with x without changing x's type
 * (f32 when x is an integer tensor and s is not integral). */
nb_tensor *nb__scalar_like(nb_ctx *ctx, const nb_tensor *x, double s);

#endif
