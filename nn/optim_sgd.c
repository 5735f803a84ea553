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

/* Arrays p, g, b (the momentum buffer, or NULL); on a parameter's first
 * step the buffer starts as d: b = 0 b + 1 d. Plain loops that vectorise. */
typedef struct {
    double lr, wd, mu, keep; /* keep: the weight of d in the buffer */
    double dw, bw;           /* the step is dw d + bw b: Nesterov 1 and mu, else 0 and 1 */
} sgd_coef;

#define DEFINE_SGD(SUFFIX, T)                                                               \
    static void sgd_##SUFFIX(void *const *a, int64_t n, const void *coef)                    \
    {                                                                                       \
        T *restrict p = a[0], *restrict b = a[2];                                           \
        const T *restrict g = a[1];                                                         \
        const sgd_coef *c = coef;                                                           \
        const T lr = (T)c->lr, wd = (T)c->wd, mu = (T)c->mu, k = (T)c->keep, dw = (T)c->dw, bw = (T)c->bw; \
        if (!b)                                                                             \
            for (int64_t j = 0; j < n; j++) p[j] = p[j] - lr * (g[j] + wd * p[j]);          \
        else                                                                                \
            for (int64_t j = 0; j < n; j++) {                                               \
                T d = g[j] + wd * p[j];                                                     \
                b[j] = mu * b[j] + k * d;                                                   \
                p[j] = p[j] - lr * (dw * d + bw * b[j]);                                    \
            }                                                                               \
    }
DEFINE_SGD(f32, float)
DEFINE_SGD(f64, double)

static int sgd_update(nb_optim *o, int i, nb_tensor *pt, nb_tensor *gt)
{
    sgd *s = o->impl;
    bool first = s->count[i]++ == 0;
    sgd_coef c = {.lr = o->lr, .wd = s->o.weight_decay, .mu = first ? 0 : s->o.momentum,
                  .keep = first ? 1 : 1 - s->o.dampening, .dw = s->o.nesterov ? 1 : 0,
                  .bw = s->o.nesterov ? s->o.momentum : 1};
    nb_tensor *arrays[] = {pt, gt, s->buf ? s->buf[i] : NULL};
    nb__optim_blocks(pt->dtype, nb_numel(pt), arrays, 3, pt->dtype == NB_F32 ? sgd_f32 : sgd_f64, &c);
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
