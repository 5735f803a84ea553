/* nn/optim_sgd.c — stochastic gradient descent with momentum, Nesterov
 * momentum and weight decay, step for step as torch.optim.SGD:
 *   d = g + wd p
 *   b = d on a parameter's first step, else b = mu b + (1 - dampening) d
 *   d = d + mu b (Nesterov) or d = b            (when mu != 0)
 *   p = p - lr d */
#include "nn_internal.h"

typedef struct {
    nb_sgd_opts o;
    nb_tensor **buf;  /* momentum buffers (mu != 0) */
    int64_t *count;   /* steps each parameter has taken */
} sgd;

#define SGD_LOOP(T)                                                                         \
    do {                                                                                    \
        T *p = (T *)nb_data(pt), *b = s->buf ? (T *)nb_data(s->buf[i]) : NULL;             \
        const T *g = (const T *)nb_data(gt);                                                \
        for (int64_t j = 0; j < n; j++) {                                                   \
            double d = (double)g[j] + wd * p[j];                                            \
            if (b) {                                                                        \
                b[j] = (T)(first ? d : mu * b[j] + (1 - damp) * d);                         \
                d = s->o.nesterov ? d + mu * b[j] : b[j];                                   \
            }                                                                               \
            p[j] = (T)(p[j] - lr * d);                                                      \
        }                                                                                   \
    } while (0)

static int sgd_update(nb_optim *o, int i, nb_tensor *pt, nb_tensor *gt)
{
    sgd *s = o->impl;
    double lr = o->lr, wd = s->o.weight_decay, mu = s->o.momentum, damp = s->o.dampening;
    bool first = s->count[i]++ == 0;
    int64_t n = nb_numel(pt);
    if (pt->dtype == NB_F32) SGD_LOOP(float);
    else SGD_LOOP(double);
    return 0;
}

static const nb__optim_kind sgd_kind = {.name = "SGD", .update = sgd_update};

nb_optim *nb_sgd_new(const nb_named_tensor *params, int n, double lr, const nb_sgd_opts *opts)
{
    nb_sgd_opts d = opts ? *opts : (nb_sgd_opts){0};
    if (!(d.momentum >= 0) || !(d.weight_decay >= 0) || !(d.dampening >= 0 && d.dampening <= 1) ||
        (d.nesterov && (d.momentum <= 0 || d.dampening != 0))) {
        nb__error("nb_sgd_new: momentum %g and weight decay %g must be >= 0, dampening %g in [0, 1]; "
                  "Nesterov needs momentum > 0 and no dampening", d.momentum, d.weight_decay, d.dampening);
        return NULL;
    }
    nb_optim *o = nb__optim_new(__func__, &sgd_kind, params, n, lr, sizeof(sgd));
    if (!o) return NULL;
    sgd *s = o->impl;
    s->o = d;
    s->count = nb__optim_add_counts(o, "steps");
    bool ok = s->count != NULL;
    if (ok && d.momentum != 0) {
        s->buf = nb_ctx_alloc(o->ctx, sizeof *s->buf * (size_t)n, _Alignof(nb_tensor *));
        ok = s->buf != NULL;
        for (int i = 0; ok && i < n; i++) ok = (s->buf[i] = nb__optim_add_state(o, "momentum_buffer", i)) != NULL;
    }
    if (!ok) {
        nb_optim_free(o);
        return NULL;
    }
    return o;
}
