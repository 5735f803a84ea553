/* nn/optim_lbfgs.c — L-BFGS (Nocedal 1980; Liu & Nocedal 1989) with a
 * strong-Wolfe line search, step for step as torch.optim.LBFGS (whose line
 * search comes from Mark Schmidt's minFunc).
 *
 * All parameters are one vector x of N elements, worked on in double. Each
 * iteration:
 *   1. direction d = -H g, H the inverse-Hessian estimate from the last m
 *      pairs s = x_{k+1} - x_k, y = g_{k+1} - g_k (kept when y.s > 1e-10)
 *      by the two-loop recursion, with H0 = (y.s / y.y) I;
 *   2. step length t: a line search for f(x + t d) satisfying the strong
 *      Wolfe conditions  f(x + t d) <= f + c1 t g.d  and |g(x + t d).d| <= c2 |g.d|
 *      (c1 = 1e-4, c2 = 0.9), bracketing then zooming with cubic
 *      interpolation; or a fixed t = lr without the search;
 *   3. stop on a small gradient, a small change, or the iteration and
 *      evaluation budgets. The first iteration starts from t = min(1, 1/|g|_1) lr. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn_internal.h"

typedef struct {
    nb_lbfgs_opts o;
    int64_t N;
    double *d, *g, *prev_g, *x0, *work; /* N each */
    double *dirs, *stps, *ro;           /* y and s pairs, oldest first; ro = 1 / y.s */
    int num_old, cap;
    double t, H_diag, prev_loss;
    int64_t n_iter, func_evals;
    bool has_prev;
} lbfgs;

nb_lbfgs_opts nb_lbfgs_defaults(void)
{
    return (nb_lbfgs_opts){.max_iter = 20, .max_eval = 25, .tolerance_grad = 1e-7,
                           .tolerance_change = 1e-9, .history_size = 100};
}

/* ---- the parameters as one vector ------------------------------------------------ */

static void gather_grad(const nb_optim *o, double *g)
{
    for (int i = 0; i < o->n; i++) {
        nb_tensor *p = o->params[i].tensor, *gr = nb_grad(p);
        nb_tensor *c = gr ? nb_contiguous(o->scratch, gr) : NULL; /* no gradient: zeros */
        int64_t n = nb_numel(p);
        for (int64_t j = 0; j < n; j++) g[j] = c ? nb__get_f(nb_data(c), c->dtype, j) : 0;
        g += n;
    }
}

/* x = x0 + t d (x0 may be NULL: add t d to the current values) */
static void set_params(nb_optim *o, const double *x0, double t, const double *d)
{
    for (int i = 0; i < o->n; i++) {
        nb_tensor *p = o->params[i].tensor;
        int64_t n = nb_numel(p);
        for (int64_t j = 0; j < n; j++) {
            double base = x0 ? x0[j] : nb__get_f(nb_data(p), p->dtype, j);
            nb__set_f(nb_data(p), p->dtype, j, d ? base + t * d[j] : base);
        }
        nb__bump_version(p);
        if (x0) x0 += n;
        if (d) d += n;
    }
}

static void copy_params(const nb_optim *o, double *x)
{
    for (int i = 0; i < o->n; i++) {
        nb_tensor *p = o->params[i].tensor;
        for (int64_t j = 0, n = nb_numel(p); j < n; j++) *x++ = nb__get_f(nb_data(p), p->dtype, j);
    }
}

static double dot(const double *a, const double *b, int64_t n)
{
    double s = 0;
    for (int64_t i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

static double sum_abs(const double *a, int64_t n)
{
    double s = 0;
    for (int64_t i = 0; i < n; i++) s += fabs(a[i]);
    return s;
}

static double max_abs(const double *a, int64_t n)
{
    double m = 0;
    for (int64_t i = 0; i < n; i++) m = fabs(a[i]) > m ? fabs(a[i]) : m;
    return m;
}

typedef struct {
    nb_optim *o;
    nb_closure_fn f;
    void *user;
    bool failed;
} objective;

/* f(x) with its gradient into g; NAN and failed on an error */
static double evaluate(objective *ob, double *g)
{
    nb_clear_error();
    double f = ob->f(ob->user);
    if (isnan(f) && nb_last_error()[0]) ob->failed = true;
    nb_ctx_reset(ob->o->scratch);
    gather_grad(ob->o, g);
    return f;
}

/* f and g at x0 + t d, leaving the parameters at x0 */
static double evaluate_at(objective *ob, const double *x0, double t, const double *d, double *g)
{
    set_params(ob->o, x0, t, d);
    double f = evaluate(ob, g);
    set_params(ob->o, x0, 0, NULL);
    return f;
}

/* ---- line search ----------------------------------------------------------------- */

/* Minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to
 * [lo, hi]; the midpoint when the cubic has no minimum. */
static double cubic_min(double x1, double f1, double g1, double x2, double f2, double g2,
                        double lo, double hi)
{
    double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2), d2sq = d1 * d1 - g1 * g2;
    if (!(d2sq >= 0)) return (lo + hi) / 2;
    double d2 = sqrt(d2sq), m = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
                                         : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return fmin(fmax(m, lo), hi);
}

/* One end of a bracket: step, value, directional derivative, gradient. */
typedef struct {
    double t, f, gtd;
    double *g;
} point;

static void take(point *dst, double t, double f, double gtd, const double *g, int64_t n)
{
    dst->t = t, dst->f = f, dst->gtd = gtd;
    memcpy(dst->g, g, sizeof *g * (size_t)n);
}

typedef struct {
    objective *ob;
    const double *x0, *d;
    double f, gtd, tol; /* at t = 0 */
    int64_t n;
    int evals, iters;
} search;

enum { MAX_LS = 25 };

/* Grows t until the bracket [prev, t] holds a Wolfe point; 1 when t already
 * satisfies the strong Wolfe conditions (done), 0 when bracketed. */
static int bracket_phase(search *s, point *lo, point *hi, point *cur, const double *g0)
{
    const double c1 = 1e-4, c2 = 0.9;
    take(lo, 0, s->f, s->gtd, g0, s->n);
    while (s->iters < MAX_LS) {
        if (cur->f > s->f + c1 * cur->t * s->gtd || (s->iters > 1 && cur->f >= lo->f)) break;
        if (fabs(cur->gtd) <= -c2 * s->gtd) return 1;
        if (cur->gtd >= 0) break;
        double t = cubic_min(lo->t, lo->f, lo->gtd, cur->t, cur->f, cur->gtd,
                             cur->t + 0.01 * (cur->t - lo->t), cur->t * 10);
        take(lo, cur->t, cur->f, cur->gtd, cur->g, s->n);
        cur->t = t;
        cur->f = evaluate_at(s->ob, s->x0, t, s->d, cur->g);
        cur->gtd = dot(cur->g, s->d, s->n);
        s->evals++, s->iters++;
    }
    if (s->iters == MAX_LS) take(lo, 0, s->f, s->gtd, g0, s->n);
    take(hi, cur->t, cur->f, cur->gtd, cur->g, s->n);
    return 0;
}

/* Shrinks the bracket [a, b] (a the lower value) around a Wolfe point. */
static void zoom_phase(search *s, point *b0, point *b1, point *cur)
{
    const double c1 = 1e-4, c2 = 0.9;
    double dnorm = max_abs(s->d, s->n);
    bool insufficient = false;
    point *lo = b0->f <= b1->f ? b0 : b1, *hi = lo == b0 ? b1 : b0;
    while (s->iters < MAX_LS && fabs(b1->t - b0->t) * dnorm >= s->tol) {
        double t = cubic_min(b0->t, b0->f, b0->gtd, b1->t, b1->f, b1->gtd, fmin(b0->t, b1->t), fmax(b0->t, b1->t));
        double tmax = fmax(b0->t, b1->t), tmin = fmin(b0->t, b1->t), eps = 0.1 * (tmax - tmin);
        if (fmin(tmax - t, t - tmin) < eps) { /* too close to an end: move away */
            if (insufficient || t >= tmax || t <= tmin) {
                t = fabs(t - tmax) < fabs(t - tmin) ? tmax - eps : tmin + eps;
                insufficient = false;
            } else {
                insufficient = true;
            }
        } else {
            insufficient = false;
        }
        cur->t = t;
        cur->f = evaluate_at(s->ob, s->x0, t, s->d, cur->g);
        cur->gtd = dot(cur->g, s->d, s->n);
        s->evals++, s->iters++;
        if (cur->f > s->f + c1 * t * s->gtd || cur->f >= lo->f) {
            take(hi, t, cur->f, cur->gtd, cur->g, s->n);
        } else {
            bool done = fabs(cur->gtd) <= -c2 * s->gtd;
            if (!done && cur->gtd * (hi->t - lo->t) >= 0) take(hi, lo->t, lo->f, lo->gtd, lo->g, s->n);
            take(lo, t, cur->f, cur->gtd, cur->g, s->n);
            if (done) break;
        }
        lo = b0->f <= b1->f ? b0 : b1, hi = lo == b0 ? b1 : b0;
    }
    if (lo != b0) take(b0, lo->t, lo->f, lo->gtd, lo->g, s->n); /* result in b0 */
}

/* Finds t along d from x0 (f, g at t = 0); returns f(x0 + t d) and its
 * gradient in g, and the step in *t. */
static double strong_wolfe(objective *ob, const double *x0, const double *d, double f, double *g,
                           double gtd, double *t, double tol, int *evals)
{
    lbfgs *L = ob->o->impl;
    int64_t n = L->N;
    double *buf = calloc((size_t)(3 * n + 1), sizeof *buf);
    if (!buf) {
        ob->failed = true;
        nb__error("nb_optim_step_closure: out of memory in the line search");
        return NAN;
    }
    point a = {.g = buf}, b = {.g = buf + n}, cur = {.g = buf + 2 * n};
    search s = {ob, x0, d, f, gtd, tol, n, 1, 0};
    cur.t = *t;
    cur.f = evaluate_at(ob, x0, *t, d, cur.g);
    cur.gtd = dot(cur.g, d, n);
    if (bracket_phase(&s, &a, &b, &cur, g)) take(&a, cur.t, cur.f, cur.gtd, cur.g, n);
    else zoom_phase(&s, &a, &b, &cur);
    *t = a.t;
    memcpy(g, a.g, sizeof *g * (size_t)n);
    *evals = s.evals;
    double fa = a.f;
    free(buf);
    return fa;
}

/* ---- the step ---------------------------------------------------------------------- */

/* Keeps the pair (y, s) when y.s > 1e-10, dropping the oldest past m. */
static int remember(lbfgs *L, const double *y, const double *s)
{
    double ys = dot(y, s, L->N);
    if (!(ys > 1e-10)) return 0;
    int64_t N = L->N;
    if (L->num_old == L->o.history_size) { /* forget the oldest */
        memmove(L->dirs, L->dirs + N, sizeof(double) * (size_t)((L->num_old - 1) * N));
        memmove(L->stps, L->stps + N, sizeof(double) * (size_t)((L->num_old - 1) * N));
        memmove(L->ro, L->ro + 1, sizeof(double) * (size_t)(L->num_old - 1));
        L->num_old--;
    }
    if (L->num_old == L->cap) {
        int cap = L->cap ? 2 * L->cap : 4;
        cap = cap < L->o.history_size ? cap : L->o.history_size;
        double *d = realloc(L->dirs, sizeof(double) * (size_t)(cap * N)), *s2 = d ? realloc(L->stps, sizeof(double) * (size_t)(cap * N)) : NULL;
        double *r = s2 ? realloc(L->ro, sizeof(double) * (size_t)cap) : NULL;
        if (d) L->dirs = d;
        if (s2) L->stps = s2;
        if (!r) return -1;
        L->ro = r;
        L->cap = cap;
    }
    memcpy(L->dirs + L->num_old * N, y, sizeof(double) * (size_t)N);
    memcpy(L->stps + L->num_old * N, s, sizeof(double) * (size_t)N);
    L->ro[L->num_old++] = 1 / ys;
    L->H_diag = ys / dot(y, y, N);
    return 0;
}

/* d = -H g by the two-loop recursion over the kept pairs. */
static void direction(lbfgs *L, const double *g)
{
    int64_t N = L->N;
    double *q = L->d, *al = L->work;
    for (int64_t j = 0; j < N; j++) q[j] = -g[j];
    for (int i = L->num_old - 1; i >= 0; i--) {
        al[i] = dot(L->stps + i * N, q, N) * L->ro[i];
        for (int64_t j = 0; j < N; j++) q[j] -= al[i] * L->dirs[i * N + j];
    }
    for (int64_t j = 0; j < N; j++) q[j] *= L->H_diag;
    for (int i = 0; i < L->num_old; i++) {
        double be = dot(L->dirs + i * N, q, N) * L->ro[i];
        for (int64_t j = 0; j < N; j++) q[j] += (al[i] - be) * L->stps[i * N + j];
    }
}

/* The new direction from the gradient g; y and s use prev_g and the last step. */
static int next_direction(lbfgs *L)
{
    int64_t N = L->N;
    if (L->n_iter == 1) {
        for (int64_t j = 0; j < N; j++) L->d[j] = -L->g[j];
        L->num_old = 0;
        L->H_diag = 1;
        return 0;
    }
    double *y = L->x0, *s = L->work + L->o.history_size; /* scratch: x0 is refilled later */
    for (int64_t j = 0; j < N; j++) y[j] = L->g[j] - L->prev_g[j], s[j] = L->d[j] * L->t;
    if (remember(L, y, s)) return -1;
    direction(L, L->g);
    return 0;
}

/* One L-BFGS iteration after the direction: the step, and whether to stop. */
static int line_step(objective *ob, lbfgs *L, double *loss, int *evals, bool *opt_cond)
{
    int64_t N = L->N;
    double gtd = dot(L->g, L->d, N);
    if (gtd > -L->o.tolerance_change) return 1; /* not a descent direction */
    if (!L->o.no_line_search) {
        copy_params(ob->o, L->x0);
        *loss = strong_wolfe(ob, L->x0, L->d, *loss, L->g, gtd, &L->t, L->o.tolerance_change, evals);
        set_params(ob->o, L->x0, L->t, L->d);
        *opt_cond = max_abs(L->g, N) <= L->o.tolerance_grad;
    } else {
        set_params(ob->o, NULL, L->t, L->d);
        *evals = 0;
    }
    return 0;
}

static int lbfgs_step_closure(nb_optim *o, nb_closure_fn f, void *user, double *loss_out)
{
    lbfgs *L = o->impl;
    objective ob = {o, f, user, false};
    int64_t N = L->N;
    double loss = evaluate(&ob, L->g), orig = loss;
    if (ob.failed) return -1;
    int current_evals = 1;
    L->func_evals++;
    o->steps++;
    if (loss_out) *loss_out = orig;
    if (max_abs(L->g, N) <= L->o.tolerance_grad) return 0;
    for (int n_iter = 1; n_iter <= L->o.max_iter; n_iter++) {
        L->n_iter++;
        if (next_direction(L)) return -1;
        memcpy(L->prev_g, L->g, sizeof(double) * (size_t)N);
        L->has_prev = true;
        L->prev_loss = loss;
        L->t = L->n_iter == 1 ? fmin(1, 1 / (max_abs(L->g, N) > 0 ? sum_abs(L->g, N) : 1)) * o->lr : o->lr;
        int evals = 0;
        bool opt_cond = false;
        if (line_step(&ob, L, &loss, &evals, &opt_cond)) break;
        if (L->o.no_line_search && n_iter != L->o.max_iter) {
            loss = evaluate(&ob, L->g);
            opt_cond = max_abs(L->g, N) <= L->o.tolerance_grad;
            evals = 1;
        }
        if (ob.failed) return -1;
        current_evals += evals;
        L->func_evals += evals;
        if (n_iter == L->o.max_iter || current_evals >= L->o.max_eval || opt_cond) break;
        if (max_abs(L->d, N) * fabs(L->t) <= L->o.tolerance_change) break;
        if (fabs(loss - L->prev_loss) < L->o.tolerance_change) break;
    }
    return 0;
}

/* ---- state ------------------------------------------------------------------------- */

enum { SCALARS = 8 }; /* t, H_diag, prev_loss, n_iter, func_evals, num_old, has_prev, steps */

static nb_tensor *vec(nb_ctx *ctx, const double *data, int64_t rows, int64_t n)
{
    return rows ? nb_from_data(ctx, NB_F64, NB_SHAPE(rows, n), data) : nb_zeros(ctx, NB_F64, NB_SHAPE(0, n));
}

static int lbfgs_get_state(nb_optim *o, nb_ctx *ctx, nb_named_tensor **out)
{
    lbfgs *L = o->impl;
    int64_t N = L->N, m = L->num_old;
    double sc[SCALARS] = {L->t, L->H_diag, L->prev_loss, (double)L->n_iter, (double)L->func_evals,
                          (double)m, L->has_prev, (double)o->steps};
    nb_named_tensor *a = nb_ctx_alloc(ctx, sizeof *a * 7, _Alignof(nb_named_tensor));
    if (!a) return -1;
    a[0] = (nb_named_tensor){"lr", nb_scalar(ctx, NB_F64, o->lr)};
    a[1] = (nb_named_tensor){"lbfgs.scalars", nb_from_data(ctx, NB_F64, NB_SHAPE(SCALARS), sc)};
    a[2] = (nb_named_tensor){"lbfgs.d", nb_from_data(ctx, NB_F64, NB_SHAPE(N), L->d)};
    a[3] = (nb_named_tensor){"lbfgs.prev_flat_grad", nb_from_data(ctx, NB_F64, NB_SHAPE(N), L->prev_g)};
    a[4] = (nb_named_tensor){"lbfgs.old_dirs", vec(ctx, L->dirs, m, N)};
    a[5] = (nb_named_tensor){"lbfgs.old_stps", vec(ctx, L->stps, m, N)};
    a[6] = (nb_named_tensor){"lbfgs.ro", m ? nb_from_data(ctx, NB_F64, NB_SHAPE(m), L->ro) : nb_zeros(ctx, NB_F64, NB_SHAPE(0))};
    for (int i = 0; i < 7; i++)
        if (!a[i].tensor) return -1;
    *out = a;
    return 7;
}

static int lbfgs_set_state(nb_optim *o, const nb_named_tensor *ts, int n, const char *prefix)
{
    lbfgs *L = o->impl;
    const char *api = "nb_optim_load_state";
    nb_ctx *tmp = nb_ctx_new();
    if (!tmp) return -1;
    int64_t N = L->N;
    nb_tensor *sc = nb__find_state(api, ts, n, prefix, "lbfgs.scalars", nb_zeros(tmp, NB_F64, NB_SHAPE(SCALARS)));
    const double *v = sc ? nb_data(nb_contiguous(tmp, sc)) : NULL;
    int64_t m = v ? (int64_t)v[5] : -1;
    bool ok = v && m >= 0 && m <= L->o.history_size && v[5] == (double)m;
    if (v && !ok) nb__error("%s: the L-BFGS history holds %g pairs (at most %d)", api, v[5], L->o.history_size);
    nb_tensor *lr = ok ? nb__find_state(api, ts, n, prefix, "lr", nb_scalar(tmp, NB_F64, 0)) : NULL;
    nb_tensor *d = lr ? nb__find_state(api, ts, n, prefix, "lbfgs.d", nb_zeros(tmp, NB_F64, NB_SHAPE(N))) : NULL;
    nb_tensor *pg = d ? nb__find_state(api, ts, n, prefix, "lbfgs.prev_flat_grad", nb_zeros(tmp, NB_F64, NB_SHAPE(N))) : NULL;
    nb_tensor *dirs = pg ? nb__find_state(api, ts, n, prefix, "lbfgs.old_dirs", nb_zeros(tmp, NB_F64, NB_SHAPE(m, N))) : NULL;
    nb_tensor *stps = dirs ? nb__find_state(api, ts, n, prefix, "lbfgs.old_stps", nb_zeros(tmp, NB_F64, NB_SHAPE(m, N))) : NULL;
    nb_tensor *ro = stps ? nb__find_state(api, ts, n, prefix, "lbfgs.ro", nb_zeros(tmp, NB_F64, NB_SHAPE(m))) : NULL;
    ok = ro != NULL;
    if (ok && m > L->cap) { /* room for the restored history */
        double *a = realloc(L->dirs, sizeof(double) * (size_t)(m * N)), *b = a ? realloc(L->stps, sizeof(double) * (size_t)(m * N)) : NULL;
        double *r = b ? realloc(L->ro, sizeof(double) * (size_t)m) : NULL;
        if (a) L->dirs = a;
        if (b) L->stps = b;
        if (r) L->ro = r, L->cap = (int)m;
        ok = r != NULL;
    }
    if (ok) {
        nb_copy_to(d, L->d, sizeof(double) * (size_t)N);
        nb_copy_to(pg, L->prev_g, sizeof(double) * (size_t)N);
        nb_copy_to(dirs, L->dirs, sizeof(double) * (size_t)(m * N));
        nb_copy_to(stps, L->stps, sizeof(double) * (size_t)(m * N));
        nb_copy_to(ro, L->ro, sizeof(double) * (size_t)m);
        L->t = v[0], L->H_diag = v[1], L->prev_loss = v[2], L->n_iter = (int64_t)v[3];
        L->func_evals = (int64_t)v[4], L->num_old = (int)m, L->has_prev = v[6] != 0;
        o->steps = (int64_t)v[7];
        o->lr = nb_item(lr);
    }
    nb_ctx_free(tmp);
    return ok ? 0 : -1;
}

static void lbfgs_free(nb_optim *o)
{
    lbfgs *L = o->impl;
    if (!L) return;
    free(L->d), free(L->g), free(L->prev_g), free(L->x0), free(L->work);
    free(L->dirs), free(L->stps), free(L->ro);
}

static const nb__optim_kind lbfgs_kind = {
    .name = "LBFGS", .step_closure = lbfgs_step_closure, .get_state = lbfgs_get_state,
    .set_state = lbfgs_set_state, .free = lbfgs_free,
};

nb_optim *nb_lbfgs_new(const nb_named_tensor *params, int n, double lr, const nb_lbfgs_opts *opts)
{
    nb_lbfgs_opts d = opts ? *opts : nb_lbfgs_defaults();
    if (d.max_iter < 1 || d.max_eval < 1 || d.history_size < 1 || !(d.tolerance_grad >= 0) ||
        !(d.tolerance_change >= 0)) {
        nb__error("nb_lbfgs_new: max_iter %d, max_eval %d and history_size %d must be >= 1, the "
                  "tolerances >= 0", d.max_iter, d.max_eval, d.history_size);
        return NULL;
    }
    nb_optim *o = nb__optim_new(__func__, &lbfgs_kind, params, n, lr, sizeof(lbfgs));
    if (!o) return NULL;
    lbfgs *L = o->impl;
    int64_t N = 0;
    for (int i = 0; i < n; i++) N += nb_numel(params[i].tensor);
    *L = (lbfgs){.o = d, .N = N, .H_diag = 1};
    size_t bytes = sizeof(double) * (size_t)(N + 1);
    L->d = calloc(1, bytes), L->g = calloc(1, bytes), L->prev_g = calloc(1, bytes), L->x0 = calloc(1, bytes);
    L->work = calloc((size_t)(N + d.history_size + 1), sizeof(double));
    if (!L->d || !L->g || !L->prev_g || !L->x0 || !L->work) {
        nb__error("nb_lbfgs_new: out of memory for %lld parameters", (long long)N);
        nb_optim_free(o);
        return NULL;
    }
    return o;
}
