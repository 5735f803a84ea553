/* nn/dropout.c — inverted dropout: in training each element is kept with
 * probability 1 - p and scaled by 1 / (1 - p), so the expected output is the
 * input and evaluation needs no rescaling. The mask is a constant of the
 * graph (y = x * mask), so the gradient is g * mask. */
#include <math.h>

#include "nn_internal.h"

/* mask[i] = 0 with probability p, else 1 / (1 - p); one draw per element in
 * C order, so the same generator state gives the same mask. */
static nb_tensor *dropout_mask(nb_ctx *ctx, const nb_tensor *x, double p, nb_rng *rng)
{
    nb_tensor *mask = nb_empty(ctx, x->dtype, x->ndim, x->shape);
    if (!mask) return NULL;
    /* keep when a uniform 32-bit draw is >= p 2^32 (exact to 2^-32) */
    uint64_t cut = (uint64_t)ldexp(p, 32);
    double keep = p < 1 ? 1 / (1 - p) : 0;
    void *d = nb_data(mask);
    for (int64_t i = 0, n = nb_numel(mask); i < n; i++)
        nb__set_f(d, mask->dtype, i, nb_rng_next_u32(rng) >= cut ? keep : 0);
    return mask;
}

nb_tensor *nb_dropout(nb_ctx *ctx, nb_tensor *x, double p, bool training, nb_rng *rng)
{
    NB_REQUIRE(x);
    if (!(p >= 0 && p <= 1)) {
        nb__error("nb_dropout: p = %g is outside [0, 1]", p);
        return NULL;
    }
    if (!training || p == 0) return x;
    if (!rng) {
        nb__error("nb_dropout: training mode needs a random generator");
        return NULL;
    }
    if (nb__check_float("nb_dropout", "input", x)) return NULL;
    return nb_mul(ctx, x, dropout_mask(ctx, x, p, rng));
}

typedef struct {
    double p;
    nb_rng *rng;
} dropout_state;

static nb_tensor *dropout_forward(nb_module *m, nb_ctx *ctx, nb_tensor *x)
{
    const dropout_state *s = m->state;
    return nb_dropout(ctx, x, s->p, m->training, s->rng);
}

nb_module *nb_dropout_new(nb_ctx *ctx, double p, nb_rng *rng)
{
    if (!(p >= 0 && p <= 1) || !rng) {
        nb__error(rng ? "nb_dropout_new: p = %g is outside [0, 1]"
                      : "nb_dropout_new: need a random generator (p = %g)", p);
        return NULL;
    }
    nb_module *m = nb__layer_new(ctx, "Dropout", dropout_forward, sizeof(dropout_state), "p=%g", p);
    if (m) *(dropout_state *)m->state = (dropout_state){p, rng};
    return m;
}
