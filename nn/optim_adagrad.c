/* nn/optim_adagrad.c — Adagrad (Duchi, Hazan & Singer 2011), step for step as
 * torch.optim.Adagrad. At a parameter's t-th step:
 *   g = g + wd p,   clr = lr / (1 + (t - 1) lr_decay)
 *   s = s + g^2,    p = p - clr g / (sqrt(s) + eps)
 * with s starting at initial_accumulator_value. */
#include <math.h>

#include "nn_internal.h"

typedef struct {
    nb_adagrad_opts o;
    nb_tensor **sum;
    int64_t *count;
} adagrad;

nb_adagrad_opts nb_adagrad_defaults(void) { return (nb_adagrad_opts){.eps = 1e-10}; }

/* Arrays p, g, s; plain loops that vectorise (built with -fno-math-errno). */
typedef struct {
    double clr, wd, eps;
} adagrad_coef;

#define DEFINE_ADAGRAD(SUFFIX, T, SQRT)                                                     \
    static void adagrad_##SUFFIX(void *const *a, int64_t n, const void *coef)                \
    {                                                                                       \
        T *restrict p = a[0], *restrict s = a[2];                                           \
        const T *restrict g = a[1];                                                         \
        const adagrad_coef *c = coef;                                                       \
        const T clr = (T)c->clr, wd = (T)c->wd, eps = (T)c->eps;                            \
        for (int64_t j = 0; j < n; j++) {                                                   \
            T gj = g[j] + wd * p[j];                                                        \
            s[j] = s[j] + gj * gj;                                                          \
            p[j] = p[j] - clr * gj / (SQRT(s[j]) + eps);                                    \
        }                                                                                   \
    }
DEFINE_ADAGRAD(f32, float, sqrtf)
DEFINE_ADAGRAD(f64, double, sqrt)

static int adagrad_update(nb_optim *o, int i, nb_tensor *pt, nb_tensor *gt)
{
    adagrad *a = o->impl;
    double t = (double)++a->count[i];
    adagrad_coef c = {o->lr / (1 + (t - 1) * a->o.lr_decay), a->o.weight_decay, a->o.eps};
    nb_tensor *arrays[] = {pt, gt, a->sum[i]};
    nb__optim_blocks(pt->dtype, nb_numel(pt), arrays, 3, pt->dtype == NB_F32 ? adagrad_f32 : adagrad_f64, &c);
    return 0;
}

static const nb__optim_kind adagrad_kind = {.name = "Adagrad", .update = adagrad_update};

nb_optim *nb_adagrad_new(const nb_named_tensor *params, int n, double lr, const nb_adagrad_opts *opts)
{
    nb_adagrad_opts d = opts ? *opts : nb_adagrad_defaults();
    if (!(d.lr_decay >= 0) || !(d.weight_decay >= 0) || !(d.initial_accumulator_value >= 0) || !(d.eps >= 0)) {
        nb__error("nb_adagrad_new: lr_decay %g, weight decay %g, initial_accumulator_value %g and eps "
                  "%g must be >= 0", d.lr_decay, d.weight_decay, d.initial_accumulator_value, d.eps);
        return NULL;
    }
    nb_optim *o = nb__optim_new(__func__, &adagrad_kind, params, n, lr, sizeof(adagrad));
    if (!o) return NULL;
    adagrad *a = o->impl;
    a->o = d;
    a->count = nb__optim_add_counts(o, "steps");
    a->sum = a->count ? nb_ctx_alloc(o->ctx, sizeof *a->sum * (size_t)n, _Alignof(nb_tensor *)) : NULL;
    bool ok = a->sum != NULL;
    for (int i = 0; ok && i < n; i++)
        ok = (a->sum[i] = nb__optim_add_state(o, "sum", i)) && !nb_fill_(a->sum[i], d.initial_accumulator_value);
    if (!ok) {
        nb_optim_free(o);
        return NULL;
    }
    return o;
}
