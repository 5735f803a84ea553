/* autograd/gradcheck.c — analytic gradients against central differences.
 *
 * For f: inputs -> tensor, take the scalar L = sum(f(x) * r) with r a fixed
 * random tensor (so every output element counts, with a different weight).
 * Backward gives dL/dx analytically; numerically,
 *     dL/dx_i ~ (L(x + eps e_i) - L(x - eps e_i)) / (2 eps),
 * with error O(eps^2) for smooth f. Where f has a kink within eps of x_i the
 * two one-sided differences (L(x+eps) - L(x)) / eps and (L(x) - L(x-eps)) / eps
 * disagree by far more than eps times the curvature; such elements are
 * skipped and counted, not failed. */
#include <math.h>
#include <string.h>

#include "autograd_internal.h"

typedef struct {
    nb_gradcheck_fn f;
    void *user;
    nb_tensor *const *x; /* the caller's inputs, in their own layouts */
    int n;
    nb_tensor *r;        /* the projection */
} problem;

/* L = sum(f(x) * r) in f64, on a scratch arena. */
static nb_tensor *loss(nb_ctx *ctx, problem *p)
{
    nb_tensor *y = p->f(ctx, p->x, p->n, p->user);
    if (!y) return NULL;
    if (!p->r) {
        nb__error("nb_gradcheck: internal: no projection");
        return NULL;
    }
    return nb_sum(ctx, nb_mul(ctx, nb_cast(ctx, y, NB_F64), p->r), NB_ALL_AXES, false);
}

static double loss_value(nb_ctx *scratch, problem *p, bool *ok)
{
    nb_ctx_reset(scratch);
    /* grad mode stays on: f may differentiate something itself */
    double v = nb_item(loss(scratch, p));
    if (isnan(v) && nb_last_error()[0]) *ok = false;
    return v;
}

/* Numeric derivative at element i of x, or NAN when f is not smooth there. */
static double numeric(nb_ctx *scratch, problem *p, nb_tensor *x, int64_t i, double eps, bool *ok)
{
    int64_t idx[NB_MAX_DIMS], rest = i;
    for (int d = x->ndim - 1; d >= 0; d--) {
        idx[d] = rest % x->shape[d];
        rest /= x->shape[d];
    }
    double v = nb_get(x, idx);
    double l0 = loss_value(scratch, p, ok);
    nb_set(x, idx, v + eps);
    double lp = loss_value(scratch, p, ok);
    nb_set(x, idx, v - eps);
    double lm = loss_value(scratch, p, ok);
    nb_set(x, idx, v);
    double forward = (lp - l0) / eps, backward = (l0 - lm) / eps;
    if (fabs(forward - backward) > 1e-2 * fmax(1, fmax(fabs(forward), fabs(backward))))
        return NAN; /* a kink between x - eps and x + eps */
    return (lp - lm) / (2 * eps);
}

static int check_inputs(nb_tensor *const *inputs, int n)
{
    for (int i = 0; i < n; i++) {
        if (!inputs[i]) {
            nb__error("nb_gradcheck: input %d is NULL", i);
            return -1;
        }
        if (nb__requires(inputs[i]) && inputs[i]->dtype != NB_F64) {
            nb__error("nb_gradcheck: input %d is %s; finite differences need f64", i,
                      nb_dtype_name(inputs[i]->dtype));
            return -1;
        }
        if (!nb_is_leaf(inputs[i])) {
            nb__error("nb_gradcheck: input %d was made by '%s'; inputs must be leaves", i,
                      nb_grad_fn_name(inputs[i]));
            return -1;
        }
    }
    return 0;
}

/* The inputs are used as given (their layouts are part of what is checked);
 * their .grad is set aside for the check and put back after, and every
 * perturbed value is restored. */
static void swap_grads(nb_tensor *const *inputs, int n, nb_tensor **saved, bool *zeroed)
{
    for (int i = 0; i < n; i++)
        if (inputs[i]->autograd) {
            struct nb_autograd_meta *m = inputs[i]->autograd;
            nb_tensor *g = nb__grad_of(inputs[i]);
            bool z = m->grad_zeroed;
            nb__set_grad(inputs[i], saved[i]);
            m->grad_zeroed = zeroed[i];
            saved[i] = g;
            zeroed[i] = z;
        }
}

static void compare(nb_ctx *scratch, problem *p, int k, int64_t i, double eps, const nb_gradcheck_opts *o,
                    nb_gradcheck_report *rep, bool *ok)
{
    double num = numeric(scratch, p, p->x[k], i, eps, ok);
    if (isnan(num)) {
        rep->skipped++;
        return;
    }
    nb_tensor *g = nb_grad(p->x[k]);
    int64_t idx[NB_MAX_DIMS], rest = i;
    for (int d = p->x[k]->ndim - 1; d >= 0; d--) {
        idx[d] = rest % p->x[k]->shape[d];
        rest /= p->x[k]->shape[d];
    }
    double ana = g ? nb_get(g, idx) : 0; /* no gradient reached it: zero */
    double err = fabs(ana - num);
    rep->checked++;
    if (!(err <= o->atol + o->rtol * fabs(num))) rep->passed = false;
    if (err > rep->abs_err || isnan(err)) {
        rep->abs_err = isnan(err) ? INFINITY : err;
        rep->worst_input = k;
        rep->worst_index = i;
        rep->analytic = ana;
        rep->numeric = num;
    }
}

int nb_gradcheck(nb_gradcheck_fn f, void *user, nb_tensor *const *inputs, int n,
                 const nb_gradcheck_opts *opts, nb_gradcheck_report *report)
{
    nb_gradcheck_opts o = {1e-6, 1e-7, 1e-6, 200, 0};
    if (opts) {
        o = *opts;
        if (o.eps <= 0) o.eps = 1e-6;
        if (o.atol <= 0 && o.rtol <= 0) o.atol = 1e-7, o.rtol = 1e-6;
        if (o.max_checks <= 0) o.max_checks = 200;
    }
    if (!f || !report || n < 0 || (n && !inputs)) {
        nb__error("nb_gradcheck: need a function, inputs and a report");
        return -1;
    }
    if (check_inputs(inputs, n)) return -1;
    memset(report, 0, sizeof *report);
    report->passed = true;
    report->worst_input = -1;
    nb_ctx *ctx = nb_ctx_new(), *scratch = nb_ctx_new();
    nb_tensor **saved = ctx ? nb_ctx_alloc(ctx, sizeof *saved * (size_t)(n ? n : 1), 16) : NULL;
    bool *zeroed = ctx ? nb_ctx_alloc(ctx, sizeof *zeroed * (size_t)(n ? n : 1), 16) : NULL;
    nb_tensor *const *x = inputs;
    problem p = {f, user, x, n, NULL};
    nb_rng rng;
    nb_rng_seed(&rng, o.seed);
    bool ok = saved && zeroed && scratch, swapped = ok;
    if (ok) {
        for (int i = 0; i < n; i++) saved[i] = NULL, zeroed[i] = false;
        swap_grads(inputs, n, saved, zeroed); /* the inputs' grads start empty */
    }
    nb_tensor *y = NULL;
    if (ok) y = f(ctx, x, n, user);
    p.r = y ? nb_rand_normal(ctx, &rng, NB_F64, y->ndim, y->shape, 0, 1) : NULL;
    nb_tensor *l = p.r ? loss(ctx, &p) : NULL;
    ok = l && (!nb_requires_grad(l) || nb_backward(l) == 0);
    for (int k = 0; ok && k < n; k++) {
        if (!nb_requires_grad(x[k])) continue;
        int64_t numel = nb_numel(x[k]), stride = numel > o.max_checks ? numel / o.max_checks : 1;
        int64_t start = stride > 1 ? (int64_t)nb_rng_below(&rng, (uint64_t)stride) : 0;
        for (int64_t i = start; ok && i < numel; i += stride) compare(scratch, &p, k, i, o.eps, &o, report, &ok);
    }
    if (swapped) swap_grads(inputs, n, saved, zeroed); /* give the caller's grads back */
    nb_ctx_free(scratch);
    nb_ctx_free(ctx);
    return ok ? 0 : -1;
}
