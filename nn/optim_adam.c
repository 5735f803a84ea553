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

/* The update of n elements in the parameter's own precision: plain loops
 * over restrict pointers, which the compiler vectorises (sqrt too: this file
 * is built with -fno-math-errno). Arrays: p, g, m, v, vmax (AMSGrad, or
 * NULL). wd_grad is wd for Adam and 0 for AdamW; decay is 1 - lr wd for
 * AdamW and 1 for Adam. */
typedef struct {
    double b1, b2, eps, wd_grad, decay, step, rbc2; /* rbc2 = 1 / sqrt(1 - b2^t) */
} adam_coef;

#define DEFINE_ADAM(SUFFIX, T, SQRT)                                                        \
    static void adam_##SUFFIX(void *const *a, int64_t n, const void *coef)                   \
    {                                                                                       \
        T *restrict p = a[0], *restrict m = a[2], *restrict v = a[3], *restrict vmax = a[4]; \
        const T *restrict g = a[1];                                                         \
        const adam_coef *c = coef;                                                          \
        const T b1 = (T)c->b1, b2 = (T)c->b2, eps = (T)c->eps, wdg = (T)c->wd_grad;         \
        const T dec = (T)c->decay, st = (T)c->step, rbc2 = (T)c->rbc2;                      \
        if (vmax)                                                                           \
            for (int64_t j = 0; j < n; j++) {                                               \
                T gj = g[j] + wdg * p[j];                                                   \
                m[j] = b1 * m[j] + (1 - b1) * gj;                                           \
                v[j] = b2 * v[j] + (1 - b2) * gj * gj;                                      \
                vmax[j] = vmax[j] > v[j] ? vmax[j] : v[j];                                  \
                p[j] = p[j] * dec - st * m[j] / (SQRT(vmax[j]) * rbc2 + eps);               \
            }                                                                               \
        else                                                                                \
            for (int64_t j = 0; j < n; j++) {                                               \
                T gj = g[j] + wdg * p[j];                                                   \
                m[j] = b1 * m[j] + (1 - b1) * gj;                                           \
                v[j] = b2 * v[j] + (1 - b2) * gj * gj;                                      \
                p[j] = p[j] * dec - st * m[j] / (SQRT(v[j]) * rbc2 + eps);                  \
            }                                                                               \
    }
DEFINE_ADAM(f32, float, sqrtf)
DEFINE_ADAM(f64, double, sqrt)

static int adam_update(nb_optim *o, int i, nb_tensor *pt, nb_tensor *gt)
{
    adam *a = o->impl;
    double t = (double)++a->count[i], wd = a->o.weight_decay;
    adam_coef c = {.b1 = a->o.beta1, .b2 = a->o.beta2, .eps = a->o.eps,
                   .wd_grad = a->decoupled ? 0 : wd, .decay = a->decoupled ? 1 - o->lr * wd : 1,
                   .step = o->lr / (1 - pow(a->o.beta1, t)), .rbc2 = 1 / sqrt(1 - pow(a->o.beta2, t))};
    nb_tensor *arrays[] = {pt, gt, a->m[i], a->v[i], a->vmax ? a->vmax[i] : NULL};
    nb__optim_blocks(pt->dtype, nb_numel(pt), arrays, 5, pt->dtype == NB_F32 ? adam_f32 : adam_f64, &c);
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
