/* nn/optim_rmsprop.c — RMSprop (Hinton's lecture 6e), step for step as
 * torch.optim.RMSprop:
 *   g = g + wd p
 *   s = alpha s + (1 - alpha) g^2
 *   centred: a = alpha a + (1 - alpha) g,  den = sqrt(s - a^2) + eps
 *   else:    den = sqrt(s) + eps
 *   momentum mu > 0: b = mu b + g / den,  p = p - lr b
 *   otherwise:       p = p - lr g / den */
#include <math.h>

#include "nn_internal.h"

typedef struct {
    nb_rmsprop_opts o;
    nb_tensor **sq, **avg, **buf;
} rmsprop;

nb_rmsprop_opts nb_rmsprop_defaults(void) { return (nb_rmsprop_opts){.alpha = 0.99, .eps = 1e-8}; }

/* Arrays p, g, s (square average), a (centred: the gradient average, else
 * NULL), b (momentum buffer, or NULL). Plain loops that vectorise (this file
 * is built with -fno-math-errno). */
typedef struct {
    double lr, alpha, eps, wd, mu;
} rmsprop_coef;

#define DEFINE_RMSPROP(SUFFIX, T, SQRT)                                                     \
    static void rmsprop_##SUFFIX(void *const *arr, int64_t n, const void *coef)              \
    {                                                                                       \
        T *restrict p = arr[0], *restrict s = arr[2], *restrict a = arr[3], *restrict b = arr[4]; \
        const T *restrict g = arr[1];                                                       \
        const rmsprop_coef *c = coef;                                                       \
        const T al = (T)c->alpha, ep = (T)c->eps, wd = (T)c->wd, mu = (T)c->mu, lr = (T)c->lr; \
        for (int64_t j = 0; j < n; j++) {                                                   \
            T gj = g[j] + wd * p[j];                                                        \
            s[j] = al * s[j] + (1 - al) * gj * gj;                                          \
            T var = s[j]; /* centred: less the squared mean gradient */                     \
            if (a) {                                                                        \
                a[j] = al * a[j] + (1 - al) * gj;                                           \
                var -= a[j] * a[j];                                                         \
            }                                                                               \
            T den = SQRT(var) + ep;                                                         \
            if (b) {                                                                        \
                b[j] = mu * b[j] + gj / den;                                                \
                p[j] = p[j] - lr * b[j];                                                    \
            } else {                                                                        \
                p[j] = p[j] - lr * gj / den;                                                \
            }                                                                               \
        }                                                                                   \
    }
DEFINE_RMSPROP(f32, float, sqrtf)
DEFINE_RMSPROP(f64, double, sqrt)

static int rmsprop_update(nb_optim *o, int i, nb_tensor *pt, nb_tensor *gt)
{
    rmsprop *r = o->impl;
    rmsprop_coef c = {o->lr, r->o.alpha, r->o.eps, r->o.weight_decay, r->o.momentum};
    nb_tensor *arrays[] = {pt, gt, r->sq[i], r->avg ? r->avg[i] : NULL, r->buf ? r->buf[i] : NULL};
    nb__optim_blocks(pt->dtype, nb_numel(pt), arrays, 5, pt->dtype == NB_F32 ? rmsprop_f32 : rmsprop_f64, &c);
    return 0;
}

static const nb__optim_kind rmsprop_kind = {.name = "RMSprop", .update = rmsprop_update};

static nb_tensor **state_list(nb_optim *o, const char *what)
{
    nb_tensor **l = nb_ctx_alloc(o->ctx, sizeof *l * (size_t)o->n, _Alignof(nb_tensor *));
    for (int i = 0; l && i < o->n; i++)
        if (!(l[i] = nb__optim_add_state(o, what, i))) return NULL;
    return l;
}

nb_optim *nb_rmsprop_new(const nb_named_tensor *params, int n, double lr, const nb_rmsprop_opts *opts)
{
    nb_rmsprop_opts d = opts ? *opts : nb_rmsprop_defaults();
    if (!(d.alpha >= 0 && d.alpha <= 1) || !(d.eps >= 0) || !(d.weight_decay >= 0) || !(d.momentum >= 0)) {
        nb__error("nb_rmsprop_new: alpha %g must be in [0, 1], eps %g, weight decay %g and momentum "
                  "%g >= 0", d.alpha, d.eps, d.weight_decay, d.momentum);
        return NULL;
    }
    nb_optim *o = nb__optim_new(__func__, &rmsprop_kind, params, n, lr, sizeof(rmsprop));
    if (!o) return NULL;
    rmsprop *r = o->impl;
    r->o = d;
    bool ok = (r->sq = state_list(o, "square_avg")) != NULL;
    if (ok && d.centered) ok = (r->avg = state_list(o, "grad_avg")) != NULL;
    if (ok && d.momentum > 0) ok = (r->buf = state_list(o, "momentum_buffer")) != NULL;
    if (!ok) {
        nb_optim_free(o);
        return NULL;
    }
    return o;
}
