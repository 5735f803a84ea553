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

#define RMSPROP_LOOP(T)                                                                     \
    do {                                                                                    \
        T *p = (T *)nb_data(pt), *s = (T *)nb_data(r->sq[i]);                              \
        T *a = r->avg ? (T *)nb_data(r->avg[i]) : NULL, *b = r->buf ? (T *)nb_data(r->buf[i]) : NULL; \
        const T *g = (const T *)nb_data(gt);                                                \
        for (int64_t j = 0; j < n; j++) {                                                   \
            double gj = (double)g[j] + wd * p[j];                                           \
            s[j] = (T)(alpha * s[j] + (1 - alpha) * gj * gj);                               \
            double den;                                                                     \
            if (a) {                                                                        \
                a[j] = (T)(alpha * a[j] + (1 - alpha) * gj);                                \
                den = sqrt((double)s[j] - (double)a[j] * a[j]) + eps;                       \
            } else {                                                                        \
                den = sqrt((double)s[j]) + eps;                                             \
            }                                                                               \
            if (b) {                                                                        \
                b[j] = (T)(mu * b[j] + gj / den);                                           \
                p[j] = (T)(p[j] - lr * b[j]);                                               \
            } else {                                                                        \
                p[j] = (T)(p[j] - lr * gj / den);                                           \
            }                                                                               \
        }                                                                                   \
    } while (0)

static int rmsprop_update(nb_optim *o, int i, nb_tensor *pt, nb_tensor *gt)
{
    rmsprop *r = o->impl;
    double lr = o->lr, alpha = r->o.alpha, eps = r->o.eps, wd = r->o.weight_decay, mu = r->o.momentum;
    int64_t n = nb_numel(pt);
    if (pt->dtype == NB_F32) RMSPROP_LOOP(float);
    else RMSPROP_LOOP(double);
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
