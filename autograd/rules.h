/* autograd/rules.h — helpers shared by the files that define the built-in
 * ops' table entries (rules_*.c). */
#ifndef NB_AUTOGRAD_RULES_H
#define NB_AUTOGRAD_RULES_H

#include "autograd_internal.h"

/* Registers n definitions; the first failure stops and is returned. */
int nb__rules_register(const nb_op_def *defs, size_t n);

/* Gradcheck samplers: sizes 1..4 per axis. */
void nb__rules_random_shape(nb_rng *rng, int ndim, int64_t *shape);
/* Two shapes that broadcast: some axes of one are 1, and it may have fewer
 * leading axes. */
void nb__rules_broadcast_pair(nb_rng *rng, int *na, int64_t *sa, int *nb, int64_t *sb);
/* +1 or -1 at random, shaped like t. */
nb_tensor *nb__rules_random_signs(nb_ctx *ctx, nb_rng *rng, const nb_tensor *t);

/* The reduced axes of a mask as a list; returns their count. */
int nb__rules_mask_axes(unsigned mask, int ndim, int *axes);
/* g reshaped so that the reduced axes are back with size 1 (keepdim form). */
nb_tensor *nb__rules_keepdim(nb_ctx *ctx, nb_tensor *g, const nb_tensor *x, unsigned mask,
                             bool keepdim);

#endif
