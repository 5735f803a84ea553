/* nn/optim_adam.c — Adam and AdamW (Kingma & Ba 2015; Loshchilov & Hutter
 * 2019), step for step as torch.optim.Adam / AdamW. For parameter p at its
 * t-th step, with g its gradient:
 *   Adam:  g = g + wd p          AdamW:  p = p (1 - lr wd)
 *   m = b1 m + (1 - b1) g,   v = b2 v + (1 - b2) g^2,   (AMSGrad: v^ = max(v^, v))
 *   p = p - lr / (1 - b1^t) m / (sqrt(v) / sqrt(1 - b2^t) + eps) */
#include <math.h>

#include "nn_internal.h"

typedef struct {
    nb_adam_opts o;
    bool decoupled; /* AdamW */
    nb_tensor **m, **v, **vmax;
    int64_t *count;
} adam;

nb_adam_opts nb_adam_defaults(void) { return (nb_adam_opts){.beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8}; }

nb_adam_opts nb_adamw_defaults(void)
{
    nb_adam_opts o = nb_adam_defaults();
    o.weight_decay = 0.01;
    return o;
}

#define ADAM_LOOP(T)                                                                        \
    do {                                                                                    \
        T *p = (T *)nb_data(pt), *m = (T *)nb_data(a->m[i]), *v = (T *)nb_data(a->v[i]);  \
        T *vm = a->vmax ? (T *)nb_data(a->vmax[i]) : NULL;                                  \
        const T *g = (const T *)nb_data(gt);                                                \
        for (int64_t j = 0; j < n; j++) {                                                   \
            double gj = g[j], pj = (double)p[j] * decay;                                    \
            if (!a->decoupled) gj += wd * p[j];                                             \
            m[j] = (T)(b1 * m[j] + (1 - b1) * gj);                                          \
            v[j] = (T)(b2 * v[j] + (1 - b2) * gj * gj);                                     \
            double vv = v[j];                                                               \
            if (vm) vv = vm[j] = vm[j] > v[j] ? vm[j] : v[j];                               \
            p[j] = (T)(pj - step * m[j] / (sqrt(vv) / bc2 + eps));                          \
        }                                                                                   \
    } while (0)

static int adam_update(nb_optim *o, int i, nb_tensor *pt, nb_tensor *gt)
{
    adam *a = o->impl;
    double t = (double)++a->count[i], b1 = a->o.beta1, b2 = a->o.beta2, eps = a->o.eps;
    double wd = a->o.weight_decay, decay = a->decoupled ? 1 - o->lr * wd : 1;
    double step = o->lr / (1 - pow(b1, t)), bc2 = sqrt(1 - pow(b2, t));
    int64_t n = nb_numel(pt);
    if (pt->dtype == NB_F32) ADAM_LOOP(float);
    else ADAM_LOOP(double);
    return 0;
}

static const nb__optim_kind adam_kind = {.name = "Adam", .update = adam_update};
static const nb__optim_kind adamw_kind = {.name = "AdamW", .update = adam_update};

static nb_tensor **state_list(nb_optim *o, const char *what)
{
    nb_tensor **l = nb_ctx_alloc(o->ctx, sizeof *l * (size_t)o->n, _Alignof(nb_tensor *));
    for (int i = 0; l && i < o->n; i++)
        if (!(l[i] = nb__optim_add_state(o, what, i))) return NULL;
    return l;
}

static nb_optim *adam_new(const char *api, const nb__optim_kind *kind, const nb_named_tensor *params,
                          int n, double lr, const nb_adam_opts *d)
{
    if (!(d->beta1 >= 0 && d->beta1 < 1) || !(d->beta2 >= 0 && d->beta2 < 1) || !(d->eps >= 0) ||
        !(d->weight_decay >= 0)) {
        nb__error("%s: betas (%g, %g) must be in [0, 1), eps %g and weight decay %g >= 0", api,
                  d->beta1, d->beta2, d->eps, d->weight_decay);
        return NULL;
    }
    nb_optim *o = nb__optim_new(api, kind, params, n, lr, sizeof(adam));
    if (!o) return NULL;
    adam *a = o->impl;
    *a = (adam){.o = *d, .decoupled = kind == &adamw_kind};
    a->count = nb__optim_add_counts(o, "steps");
    a->m = a->count ? state_list(o, "exp_avg") : NULL;
    a->v = a->m ? state_list(o, "exp_avg_sq") : NULL;
    if (a->v && d->amsgrad) a->vmax = state_list(o, "max_exp_avg_sq");
    if (!a->v || (d->amsgrad && !a->vmax)) {
        nb_optim_free(o);
        return NULL;
    }
    return o;
}

nb_optim *nb_adam_new(const nb_named_tensor *params, int n, double lr, const nb_adam_opts *opts)
{
    nb_adam_opts d = opts ? *opts : nb_adam_defaults();
    return adam_new(__func__, &adam_kind, params, n, lr, &d);
}

nb_optim *nb_adamw_new(const nb_named_tensor *params, int n, double lr, const nb_adam_opts *opts)
{
    nb_adam_opts d = opts ? *opts : nb_adamw_defaults();
    return adam_new(__func__, &adamw_kind, params, n, lr, &d);
}
