/* nn/schedule.c — learning-rate schedules. A schedule remembers the lr its
 * optimizer had when it was made (base) and sets a new one at every step; its
 * whole state is a handful of numbers, saved in checkpoints.
 *   step:         base gamma^floor(t / step_size)
 *   exponential:  base gamma^t
 *   cosine:       base (t + 1) / warmup during warm-up, then a half cosine
 *                 from base down to min_lr at t = total
 *   plateau:      lr *= factor once the metric has not improved (relative
 *                 threshold) for more than `patience` steps, then waits
 *                 `cooldown` steps (torch.optim.lr_scheduler.ReduceLROnPlateau) */
#include <math.h>
#include <stdlib.h>

#include "nn_internal.h"

static const double PI = 3.14159265358979323846;

typedef enum { SCHED_STEP, SCHED_EXP, SCHED_COSINE, SCHED_PLATEAU } sched_kind;

struct nb_scheduler {
    sched_kind kind;
    nb_optim *o;
    double base;
    int64_t t;
    int64_t step_size, warmup, total;
    double gamma, min_lr;
    nb_plateau_opts p;
    double best;
    int64_t bad, cooldown_left;
};

static const char *kind_names[] = {"StepLR", "ExponentialLR", "CosineLR", "ReduceLROnPlateau"};

nb_plateau_opts nb_plateau_defaults(void)
{
    return (nb_plateau_opts){.factor = 0.1, .patience = 10, .threshold = 1e-4};
}

/* the lr at step t for the closed-form schedules */
static double lr_at(const nb_scheduler *s, int64_t t)
{
    switch (s->kind) {
    case SCHED_STEP: return s->base * pow(s->gamma, (double)(t / s->step_size));
    case SCHED_EXP: return s->base * pow(s->gamma, (double)t);
    case SCHED_COSINE:
        if (t < s->warmup) return s->base * (double)(t + 1) / (double)s->warmup;
        if (t >= s->total) return s->min_lr;
        return s->min_lr + (s->base - s->min_lr) *
                               (1 + cos(PI * (double)(t - s->warmup) / (double)(s->total - s->warmup))) / 2;
    default: return s->o->lr;
    }
}

static nb_scheduler *make(const char *api, nb_optim *o, sched_kind kind)
{
    if (!o) {
        nb__error("%s: optimizer is NULL", api);
        return NULL;
    }
    nb_scheduler *s = calloc(1, sizeof *s);
    if (!s) {
        nb__error("%s: out of memory", api);
        return NULL;
    }
    *s = (nb_scheduler){.kind = kind, .o = o, .base = o->lr};
    return s;
}

/* sets the lr for t = 0 */
static nb_scheduler *start(nb_scheduler *s)
{
    if (s && s->kind != SCHED_PLATEAU) s->o->lr = lr_at(s, 0);
    return s;
}

nb_scheduler *nb_step_lr_new(nb_optim *o, int64_t step_size, double gamma)
{
    if (step_size < 1 || !(gamma > 0)) {
        nb__error("nb_step_lr_new: step_size %lld must be >= 1 and gamma %g > 0", (long long)step_size, gamma);
        return NULL;
    }
    nb_scheduler *s = make(__func__, o, SCHED_STEP);
    if (s) s->step_size = step_size, s->gamma = gamma;
    return start(s);
}

nb_scheduler *nb_exponential_lr_new(nb_optim *o, double gamma)
{
    if (!(gamma > 0)) {
        nb__error("nb_exponential_lr_new: gamma %g must be > 0", gamma);
        return NULL;
    }
    nb_scheduler *s = make(__func__, o, SCHED_EXP);
    if (s) s->gamma = gamma;
    return start(s);
}

nb_scheduler *nb_cosine_lr_new(nb_optim *o, int64_t warmup, int64_t total, double min_lr)
{
    if (warmup < 0 || total <= warmup || !(min_lr >= 0)) {
        nb__error("nb_cosine_lr_new: need 0 <= warmup < total and min_lr >= 0 (got %lld, %lld, %g)",
                  (long long)warmup, (long long)total, min_lr);
        return NULL;
    }
    nb_scheduler *s = make(__func__, o, SCHED_COSINE);
    if (s) s->warmup = warmup, s->total = total, s->min_lr = min_lr;
    return start(s);
}

nb_scheduler *nb_plateau_lr_new(nb_optim *o, const nb_plateau_opts *opts)
{
    nb_plateau_opts p = opts ? *opts : nb_plateau_defaults();
    if (!(p.factor > 0 && p.factor < 1) || p.patience < 0 || !(p.threshold >= 0) || p.cooldown < 0 || !(p.min_lr >= 0)) {
        nb__error("nb_plateau_lr_new: factor %g must be in (0, 1), patience %d, threshold %g, cooldown "
                  "%d and min_lr %g >= 0", p.factor, p.patience, p.threshold, p.cooldown, p.min_lr);
        return NULL;
    }
    nb_scheduler *s = make(__func__, o, SCHED_PLATEAU);
    if (s) s->p = p, s->best = p.maximize ? -INFINITY : INFINITY;
    return s;
}

int nb_scheduler_step(nb_scheduler *s)
{
    if (!s || s->kind == SCHED_PLATEAU) {
        nb__error(s ? "nb_scheduler_step: ReduceLROnPlateau steps with nb_scheduler_step_metric"
                    : "nb_scheduler_step: scheduler is NULL");
        return -1;
    }
    s->t++;
    return nb_optim_set_lr(s->o, lr_at(s, s->t));
}

/* relative improvement: below best (1 - threshold), or above best (1 + threshold) */
static bool improves(const nb_scheduler *s, double m)
{
    return s->p.maximize ? m > s->best * (1 + s->p.threshold) : m < s->best * (1 - s->p.threshold);
}

int nb_scheduler_step_metric(nb_scheduler *s, double metric)
{
    if (!s || s->kind != SCHED_PLATEAU) {
        nb__error(s ? "nb_scheduler_step_metric: only ReduceLROnPlateau takes a metric; call nb_scheduler_step"
                    : "nb_scheduler_step_metric: scheduler is NULL");
        return -1;
    }
    s->t++;
    if (improves(s, metric)) s->best = metric, s->bad = 0;
    else s->bad++;
    if (s->cooldown_left > 0) s->cooldown_left--, s->bad = 0;
    if (s->bad > s->p.patience) {
        double lr = fmax(s->o->lr * s->p.factor, s->p.min_lr);
        if (s->o->lr - lr > 1e-8) s->o->lr = lr;
        s->cooldown_left = s->p.cooldown;
        s->bad = 0;
    }
    return 0;
}

double nb_scheduler_lr(const nb_scheduler *s) { return s ? s->o->lr : NAN; }
void nb_scheduler_free(nb_scheduler *s) { free(s); }

const char *nb__scheduler_kind(const nb_scheduler *s) { return kind_names[s->kind]; }

int nb__scheduler_get(const nb_scheduler *s, double *out)
{
    double v[NB_SCHED_STATE] = {(double)s->t, s->base, s->best, (double)s->bad, (double)s->cooldown_left, s->o->lr};
    for (int i = 0; i < NB_SCHED_STATE; i++) out[i] = v[i];
    return 0;
}

int nb__scheduler_check(const double *in)
{
    if (!(in[0] >= 0) || !(in[1] >= 0) || !(in[3] >= 0) || !(in[4] >= 0) || !(in[5] >= 0)) {
        nb__error("nb_checkpoint_load: the scheduler state holds a negative or NaN step, lr or counter");
        return -1;
    }
    return 0;
}

int nb__scheduler_set(nb_scheduler *s, const double *in)
{
    if (nb__scheduler_check(in)) return -1;
    s->t = (int64_t)in[0], s->base = in[1], s->best = in[2], s->bad = (int64_t)in[3];
    s->cooldown_left = (int64_t)in[4];
    s->o->lr = in[5];
    return 0;
}
