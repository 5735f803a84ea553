/* autograd/rules_common.c — helpers of the built-in op definitions. */
#include "rules.h"

int nb__rules_register(const nb_op_def *defs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (nb_op_register(&defs[i])) return -1;
    return 0;
}

void nb__rules_random_shape(nb_rng *rng, int ndim, int64_t *shape)
{
    for (int i = 0; i < ndim; i++) shape[i] = 1 + (int64_t)nb_rng_below(rng, 4);
}

void nb__rules_broadcast_pair(nb_rng *rng, int *na, int64_t *sa, int *nb, int64_t *sb)
{
    *na = 1 + (int)nb_rng_below(rng, 3);
    nb__rules_random_shape(rng, *na, sa);
    for (int i = 0; i < *na; i++)
        if (sa[i] == 1) sa[i] = 2; /* so that a 1 on the other side broadcasts */
    *nb = 1 + (int)nb_rng_below(rng, (uint64_t)*na); /* 1 .. na trailing axes */
    for (int i = 0; i < *nb; i++) sb[i] = nb_rng_below(rng, 2) ? sa[*na - *nb + i] : 1;
    if (nb_rng_below(rng, 2)) { /* sometimes the other way round */
        int64_t tmp[3];
        int nt = *na;
        for (int i = 0; i < nt; i++) tmp[i] = sa[i];
        for (int i = 0; i < *nb; i++) sa[i] = sb[i];
        for (int i = 0; i < nt; i++) sb[i] = tmp[i];
        *na = *nb;
        *nb = nt;
    }
}

nb_tensor *nb__rules_random_signs(nb_ctx *ctx, nb_rng *rng, const nb_tensor *t)
{
    nb_tensor *s = nb_rand_int(ctx, rng, NB_F64, t->ndim, t->shape, 0, 2);
    return s ? nb_rsub_scalar(ctx, nb_mul_scalar(ctx, s, 2), 1) : NULL;
}

int nb__rules_mask_axes(unsigned mask, int ndim, int *axes)
{
    int n = 0;
    for (int i = 0; i < ndim; i++)
        if (mask & (1u << i)) axes[n++] = i;
    return n;
}

nb_tensor *nb__rules_keepdim(nb_ctx *ctx, nb_tensor *g, const nb_tensor *x, unsigned mask,
                             bool keepdim)
{
    if (keepdim) return g;
    int64_t shape[NB_MAX_DIMS];
    for (int i = 0; i < x->ndim; i++) shape[i] = mask & (1u << i) ? 1 : x->shape[i];
    return nb_reshape(ctx, g, x->ndim, shape);
}
