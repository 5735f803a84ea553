/* nn/losses.c — loss functions.
 *
 * Cross-entropy is one fused op ("cross_entropy"): log-softmax and the
 * weighted, smoothed negative log-likelihood in one pass over the logits.
 * For row i with target y, class weights w (1 without), smoothing e and C
 * classes, with ls = log softmax(z_i):
 *   loss_i = (1 - e) w_y (-ls_y) + (e / C) sum_c w_c (-ls_c)
 * which is -sum_c q_ic ls_c with q_ic = (1 - e) w_y [c = y] + (e / C) w_c.
 * Ignored rows count for nothing; the mean divides by sum_i w_{y_i} over the
 * counted rows (PyTorch 1.13's rule). Since sum_c d(-ls_c)/dz_j = p_j - [c = j],
 *   dz_ij = g_i (p_ij s_i - q_ij),   s_i = sum_c q_ic,
 * written with nb_softmax so that it differentiates again when the backward
 * pass is itself recorded (create_graph); otherwise computed in one pass
 * per row from a softmax row kernel. f32 rows get their log-sum-
 * exp from the vector kernels (tensor/kernels/vmath.h); rows run in parallel
 * and the loss sums them in row order, so the bits do not depend on threads.
 *
 * The other losses are short compositions of differentiable tensor ops. */
#include <math.h>

#include "nn_internal.h"

#ifdef _OPENMP
#include <omp.h>
#endif

typedef nb__ce_attrs ce_attrs;

/* Per-row coefficients: q (as [N,C]) and s = sum_c q_ic (as [N,1]), already
 * divided by the mean's denominator; *denom is that denominator (0 when every
 * row is ignored). */
typedef struct {
    double *a;     /* [N] w_{y_i}, 0 for ignored rows */
    double denom;
} ce_rows;

static int ce_rows_of(const char *api, nb_ctx *ctx, const nb_tensor *target, const nb_tensor *w,
                      int64_t C, const ce_attrs *at, ce_rows *r)
{
    int64_t N = target->shape[0];
    r->a = nb_ctx_alloc(ctx, sizeof(double) * (size_t)(N ? N : 1), 64);
    if (!r->a) return -1;
    r->denom = 0;
    for (int64_t i = 0; i < N; i++) {
        int64_t y = nb__get_index(target, i);
        if (at->ignore && y == at->ignore_index) {
            r->a[i] = 0;
            continue;
        }
        if (y < 0 || y >= C) {
            nb__error("%s: target %lld at row %lld is outside [0, %lld)%s", api, (long long)y,
                      (long long)i, (long long)C, at->ignore ? "" : " (set .ignore to skip an ignore_index)");
            return -1;
        }
        r->a[i] = w ? nb__get_f(nb_data(w), w->dtype, y) : 1;
        r->denom += r->a[i];
    }
    return 0;
}

/* Contiguous copies of the op's inputs: z [N,C], target [N], weight [C]. */
static int ce_inputs(nb_ctx *ctx, nb_tensor *const *in, int n, nb_tensor **z, nb_tensor **t,
                     nb_tensor **w)
{
    *z = nb_contiguous(ctx, in[0]);
    *t = nb_contiguous(ctx, in[1]);
    *w = n == 3 ? nb_contiguous(ctx, in[2]) : NULL;
    return *z && *t && (n < 3 || *w) ? 0 : -1;
}

static double lse_f64(const double *z, int64_t C)
{
    double m = z[0], sum = 0;
    for (int64_t c = 1; c < C; c++) m = z[c] > m ? z[c] : m;
    for (int64_t c = 0; c < C; c++) sum += exp(z[c] - m);
    return m + log(sum);
}

#define DEFINE_CE_ROW(SUFFIX, T, LSE)                                                       \
    /* returns (1 - e) a nll + (e / C) sum_c w_c (lse - z_c) for one row */                 \
    static double ce_row_##SUFFIX(const T *z, int64_t C, int64_t y, double a,               \
                                  const nb_tensor *w, double e)                             \
    {                                                                                       \
        double lse = LSE(z, C), smooth = 0;                                                 \
        if (e != 0)                                                                         \
            for (int64_t c = 0; c < C; c++)                                                 \
                smooth += (w ? nb__get_f(nb_data(w), w->dtype, c) : 1) * (lse - z[c]);       \
        return (1 - e) * a * (lse - z[y]) + e / (double)C * smooth;                         \
    }
DEFINE_CE_ROW(f32, float, nb__row_logsumexp_f32)
DEFINE_CE_ROW(f64, double, lse_f64)

static nb_tensor *ce_forward(nb_ctx *ctx, nb_tensor *const *in, int n, const void *attrs)
{
    const ce_attrs *at = attrs;
    nb_tensor *z, *t, *w;
    ce_rows r;
    if (ce_inputs(ctx, in, n, &z, &t, &w)) return NULL;
    int64_t N = z->shape[0], C = z->shape[1];
    if (ce_rows_of("nb_cross_entropy", ctx, t, w, C, at, &r)) return NULL;
    nb_tensor *loss = nb_empty(ctx, z->dtype, NB_SHAPE(N));
    double *li = nb_ctx_alloc(ctx, sizeof(double) * (size_t)(N ? N : 1), 64);
    if (!loss || !li) return NULL;
    NB_OMP(omp parallel for schedule(static) if (N * C >= NB_PARALLEL_MIN_ELEMS && !omp_in_parallel()))
    for (int64_t i = 0; i < N; i++) {
        int64_t y = nb__get_index(t, i);
        li[i] = 0;
        if (!(at->ignore && y == at->ignore_index)) {
            li[i] = z->dtype == NB_F32 ? ce_row_f32((const float *)nb_data(z) + i * C, C, y, r.a[i], w, at->smoothing)
                                       : ce_row_f64((const double *)nb_data(z) + i * C, C, y, r.a[i], w, at->smoothing);
        }
    }
    double total = 0;
    for (int64_t i = 0; i < N; i++) {
        nb__set_f(nb_data(loss), loss->dtype, i, li[i]);
        total += li[i];
    }
    if (at->reduction == NB_REDUCE_NONE) return loss;
    double v = at->reduction == NB_REDUCE_SUM ? total : total / r.denom; /* 0/0: NaN, as PyTorch */
    return nb_scalar(ctx, z->dtype, v);
}

/* dz = g (p s - q) in one pass per row, when the backward is not recorded:
 * p from a softmax row kernel, written straight into dz. */
#define DEFINE_CE_BACKWARD(SUFFIX, T, DTYPE, SOFTMAX_ROW)                                   \
    static nb_tensor *ce_backward_##SUFFIX(nb_ctx *ctx, const ce_attrs *at, nb_tensor *z,  \
                                           nb_tensor *t, nb_tensor *w, const ce_rows *r,    \
                                           nb_tensor *g)                                    \
    {                                                                                       \
        int64_t N = z->shape[0], C = z->shape[1];                                           \
        nb_tensor *dz = nb_empty(ctx, DTYPE, NB_SHAPE(N, C)), *gc = nb_contiguous(ctx, g);  \
        double *qs = nb_ctx_alloc(ctx, sizeof(double) * (size_t)(C ? C : 1), 64);           \
        if (!dz || !gc || !qs) return NULL;                                                 \
        double scale = at->reduction == NB_REDUCE_MEAN ? 1 / r->denom : 1, e = at->smoothing; \
        double qsum = 0; /* the smoothing part of q_ic (the same in every counted row) */  \
        for (int64_t c = 0; c < C; c++) {                                                   \
            qs[c] = e / (double)C * (w ? nb__get_f(nb_data(w), w->dtype, c) : 1) * scale;   \
            qsum += qs[c];                                                                  \
        }                                                                                   \
        const T *zd = nb_data(z);                                                           \
        T *d = nb_data(dz);                                                                 \
        bool per_row = at->reduction == NB_REDUCE_NONE;                                     \
        NB_OMP(omp parallel for schedule(static) if (N * C >= NB_PARALLEL_MIN_ELEMS && !omp_in_parallel())) \
        for (int64_t i = 0; i < N; i++) {                                                   \
            T *di = d + i * C;                                                              \
            int64_t y = nb__get_index(t, i);                                                \
            if (at->ignore && y == at->ignore_index) {                                      \
                for (int64_t c = 0; c < C; c++) di[c] = 0;                                  \
                continue;                                                                   \
            }                                                                               \
            double gi = nb__get_f(nb_data(gc), gc->dtype, per_row ? i : 0);                 \
            double qy = (1 - e) * r->a[i] * scale, si = qsum + qy;                          \
            SOFTMAX_ROW(zd + i * C, di, C, false);                                          \
            if (e != 0) {                                                                   \
                for (int64_t c = 0; c < C; c++) di[c] = (T)(gi * (di[c] * si - qs[c]));    \
            } else {                                                                        \
                T f = (T)(gi * si);                                                         \
                for (int64_t c = 0; c < C; c++) di[c] *= f;                                 \
            }                                                                               \
            di[y] = (T)(di[y] - gi * qy);                                                   \
        }                                                                                   \
        return dz;                                                                          \
    }
DEFINE_CE_BACKWARD(f32, float, NB_F32, nb__row_softmax_f32)
DEFINE_CE_BACKWARD(f64, double, NB_F64, nb__row_softmax_f64)

/* dz = g (p s - q), see the top of the file. */
static int ce_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    const ce_attrs *at = nb_node_attrs(node);
    int n = nb_node_num_inputs(node);
    nb_tensor *inputs[3] = {nb_node_input(node, 0), nb_node_input(node, 1), n == 3 ? nb_node_input(node, 2) : NULL};
    nb_tensor *z, *t, *w;
    ce_rows r;
    if (ce_inputs(ctx, inputs, n, &z, &t, &w)) return -1;
    int64_t N = z->shape[0], C = z->shape[1];
    if (ce_rows_of("nb_cross_entropy", ctx, t, w, C, at, &r)) return -1;
    if (!nb_is_grad_enabled()) /* not recorded: one fused pass */
        return (gin[0] = z->dtype == NB_F32 ? ce_backward_f32(ctx, at, z, t, w, &r, g)
                                            : ce_backward_f64(ctx, at, z, t, w, &r, g))
                   ? 0 : -1;
    nb_tensor *q = nb_zeros(ctx, NB_F64, NB_SHAPE(N, C)), *s = nb_empty(ctx, NB_F64, NB_SHAPE(N, 1));
    if (!q || !s) return -1;
    double scale = at->reduction == NB_REDUCE_MEAN ? 1 / r.denom : 1, e = at->smoothing;
    double *qd = nb_data(q), *sd = nb_data(s);
    for (int64_t i = 0; i < N; i++) {
        bool counted = !(at->ignore && nb__get_index(t, i) == at->ignore_index);
        double sum = 0;
        for (int64_t c = 0; counted && c < C; c++) {
            double wc = w ? nb__get_f(nb_data(w), w->dtype, c) : 1;
            qd[i * C + c] = e / (double)C * wc * scale;
            sum += qd[i * C + c];
        }
        if (counted) qd[i * C + nb__get_index(t, i)] += (1 - e) * r.a[i] * scale;
        sd[i] = counted ? sum + (1 - e) * r.a[i] * scale : 0;
    }
    nb_tensor *p = nb_softmax(ctx, inputs[0], 1);
    nb_tensor *gb = at->reduction == NB_REDUCE_NONE ? nb_reshape(ctx, g, NB_SHAPE(N, 1)) : g;
    nb_tensor *d = nb_sub(ctx, nb_mul(ctx, p, nb_cast(ctx, s, z->dtype)), nb_cast(ctx, q, z->dtype));
    return (gin[0] = nb_mul(ctx, gb, d)) ? 0 : -1;
}

/* logits [N,C], targets (some ignored), sometimes class weights */
static int sample_ce(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    ce_attrs *at = attrs;
    int64_t N = 1 + (int64_t)nb_rng_below(rng, 4), C = 2 + (int64_t)nb_rng_below(rng, 3);
    const double smooth[] = {0, 0.1, 0.3};
    *at = (ce_attrs){.ignore = nb_rng_below(rng, 2), .smoothing = smooth[nb_rng_below(rng, 3)],
                     .reduction = (nb_reduction)nb_rng_below(rng, 3)};
    at->ignore_index = nb_rng_below(rng, 2) ? -100 : 1;
    in[0] = nb_rand_uniform(ctx, rng, NB_F64, NB_SHAPE(N, C), -3, 3);
    in[1] = nb_rand_int(ctx, rng, NB_I64, NB_SHAPE(N), 0, C);
    if (!in[0] || !in[1]) return -1;
    for (int64_t i = 1; at->ignore && i < N; i++) /* row 0 always counts */
        if (nb_rng_below(rng, 3) == 0) ((int64_t *)nb_data(in[1]))[i] = at->ignore_index;
    if (at->ignore_index == 1 && ((int64_t *)nb_data(in[1]))[0] == 1) ((int64_t *)nb_data(in[1]))[0] = 0;
    if (nb_rng_below(rng, 2)) return 2;
    in[2] = nb_rand_uniform(ctx, rng, NB_F64, NB_SHAPE(C), 0.5, 2);
    return in[2] ? 3 : -1;
}

static const nb_op_def ce_op = {
    .name = "cross_entropy", .arity = -1, .attrs_size = sizeof(ce_attrs), .forward = ce_forward,
    .backward = ce_backward, .saves = NB_SAVES_INPUT(0) | NB_SAVES_INPUT(1) | NB_SAVES_INPUT(2),
    .no_grad_inputs = 1u << 1 | 1u << 2, .sample = sample_ce,
};

int nb__nn_register_losses(void) { return nb_op_register(&ce_op); }

/* ---- checks and shapes ------------------------------------------------------------ */

static nb_tensor *reduce(nb_ctx *ctx, nb_tensor *loss, nb_reduction r)
{
    switch (r) {
    case NB_REDUCE_MEAN: return nb_mean(ctx, loss, NB_ALL_AXES, false);
    case NB_REDUCE_SUM: return nb_sum(ctx, loss, NB_ALL_AXES, false);
    default: return loss;
    }
}

static int check_reduction(const char *api, nb_reduction r)
{
    if (r == NB_REDUCE_MEAN || r == NB_REDUCE_SUM || r == NB_REDUCE_NONE) return 0;
    nb__error("%s: reduction %d is not NB_REDUCE_MEAN, _SUM or _NONE", api, (int)r);
    return -1;
}

static int check_same_shape(const char *api, const nb_tensor *a, const nb_tensor *b)
{
    if (nb_same_shape(a, b)) return 0;
    char s1[NB_SHAPE_STR_MAX], s2[NB_SHAPE_STR_MAX];
    nb__error("%s: input %s and target %s must have the same shape", api,
              nb__shape_str(s1, sizeof s1, a->ndim, a->shape), nb__shape_str(s2, sizeof s2, b->ndim, b->shape));
    return -1;
}

/* Class scores [N,C] or [N,C,d...] with targets [N] or [N,d...]: brings them
 * to [M,C] and [M] (M = N d...), moving the class axis last. */
static int flatten_classes(const char *api, nb_ctx *ctx, nb_tensor **x, nb_tensor **t)
{
    char s1[NB_SHAPE_STR_MAX], s2[NB_SHAPE_STR_MAX];
    nb_tensor *a = *x, *b = *t;
    bool ok = a->ndim >= 2 && b->ndim == a->ndim - 1 && b->shape[0] == a->shape[0];
    for (int d = 2; ok && d < a->ndim; d++) ok = b->shape[d - 1] == a->shape[d];
    if (!ok || (b->dtype != NB_I32 && b->dtype != NB_I64) || nb__check_float(api, "input", a)) {
        if (!ok || nb_dtype_is_float(a->dtype))
            nb__error("%s: scores %s and %s targets %s do not fit (want [N,C,...] and integer [N,...])",
                      api, nb__shape_str(s1, sizeof s1, a->ndim, a->shape), nb_dtype_name(b->dtype),
                      nb__shape_str(s2, sizeof s2, b->ndim, b->shape));
        return -1;
    }
    if (a->ndim > 2) {
        int perm[NB_MAX_DIMS] = {0};
        for (int d = 1; d < a->ndim - 1; d++) perm[d] = d + 1;
        perm[a->ndim - 1] = 1;
        a = nb_reshape(ctx, nb_permute(ctx, a, perm), NB_SHAPE(-1, a->shape[1]));
        b = nb_reshape(ctx, b, NB_SHAPE(-1));
    }
    *x = a;
    *t = b;
    return a && b ? 0 : -1;
}

static int check_class_weight(const char *api, const nb_tensor *w, int64_t C)
{
    if (!w || (w->ndim == 1 && w->shape[0] == C && nb_dtype_is_float(w->dtype))) return 0;
    char s[NB_SHAPE_STR_MAX];
    nb__error("%s: class weights must be a float [%lld], got %s %s", api, (long long)C,
              nb_dtype_name(w->dtype), nb__shape_str(s, sizeof s, w->ndim, w->shape));
    return -1;
}

/* ---- cross-entropy and NLL ------------------------------------------------------- */

nb_tensor *nb_cross_entropy(nb_ctx *ctx, nb_tensor *logits, nb_tensor *target,
                            const nb_cross_entropy_opts *opts)
{
    NB_REQUIRE(logits);
    NB_REQUIRE(target);
    nb_cross_entropy_opts o = opts ? *opts : (nb_cross_entropy_opts){0};
    nb_tensor *z = logits, *t = target;
    if (check_reduction(__func__, o.reduction) || flatten_classes(__func__, ctx, &z, &t) ||
        check_class_weight(__func__, o.weight, z->shape[1]))
        return NULL;
    if (!(o.label_smoothing >= 0 && o.label_smoothing <= 1)) {
        nb__error("nb_cross_entropy: label_smoothing %g is outside [0, 1]", o.label_smoothing);
        return NULL;
    }
    ce_attrs at = {o.ignore, o.ignore_index, o.label_smoothing, o.reduction};
    const nb_op_def *op = nb__nn_op("cross_entropy");
    nb_tensor *loss = op ? nb_op_apply(ctx, op, (nb_tensor *[]){z, t, o.weight}, o.weight ? 3 : 2, &at) : NULL;
    if (loss && o.reduction == NB_REDUCE_NONE) loss = nb_reshape(ctx, loss, target->ndim, target->shape);
    return loss;
}

/* loss_i = -a_i x[i, t_i], a_i = w[t_i] (0 when ignored); mean: / sum a_i */
nb_tensor *nb_nll_loss(nb_ctx *ctx, nb_tensor *log_probs, nb_tensor *target,
                       const nb_cross_entropy_opts *opts)
{
    NB_REQUIRE(log_probs);
    NB_REQUIRE(target);
    nb_cross_entropy_opts o = opts ? *opts : (nb_cross_entropy_opts){0};
    nb_tensor *x = log_probs, *t = target;
    if (check_reduction(__func__, o.reduction) || flatten_classes(__func__, ctx, &x, &t) ||
        check_class_weight(__func__, o.weight, x->shape[1]))
        return NULL;
    if (o.label_smoothing != 0) {
        nb__error("nb_nll_loss: label smoothing is for nb_cross_entropy (got %g)", o.label_smoothing);
        return NULL;
    }
    int64_t N = x->shape[0];
    ce_attrs at = {.ignore = o.ignore, .ignore_index = o.ignore_index};
    nb_tensor *tc = nb_contiguous(ctx, t), *wc = o.weight ? nb_contiguous(ctx, o.weight) : NULL;
    ce_rows r;
    if (!tc || (o.weight && !wc) || ce_rows_of(__func__, ctx, tc, wc, x->shape[1], &at, &r)) return NULL;
    nb_tensor *safe = nb_empty(ctx, NB_I64, NB_SHAPE(N, 1)), *a = nb_empty(ctx, x->dtype, NB_SHAPE(N));
    if (!safe || !a) return NULL;
    for (int64_t i = 0; i < N; i++) { /* ignored rows pick class 0 with weight 0 */
        bool ignored = at.ignore && nb__get_index(tc, i) == at.ignore_index;
        ((int64_t *)nb_data(safe))[i] = ignored ? 0 : nb__get_index(tc, i);
        nb__set_f(nb_data(a), a->dtype, i, r.a[i]);
    }
    nb_tensor *picked = nb_reshape(ctx, nb_gather(ctx, x, 1, safe), NB_SHAPE(N));
    nb_tensor *loss = nb_neg(ctx, nb_mul(ctx, picked, a));
    if (o.reduction == NB_REDUCE_MEAN) return nb_div_scalar(ctx, nb_sum(ctx, loss, NB_ALL_AXES, false), r.denom);
    if (o.reduction == NB_REDUCE_SUM) return nb_sum(ctx, loss, NB_ALL_AXES, false);
    return nb_reshape(ctx, loss, target->ndim, target->shape);
}

/* ---- regression losses ---------------------------------------------------------- */

nb_tensor *nb_mse_loss(nb_ctx *ctx, nb_tensor *input, nb_tensor *target, nb_reduction r)
{
    NB_REQUIRE(input);
    NB_REQUIRE(target);
    if (check_reduction(__func__, r) || check_same_shape(__func__, input, target)) return NULL;
    nb_tensor *d = nb_sub(ctx, input, target);
    return reduce(ctx, nb_mul(ctx, d, d), r);
}

nb_tensor *nb_l1_loss(nb_ctx *ctx, nb_tensor *input, nb_tensor *target, nb_reduction r)
{
    NB_REQUIRE(input);
    NB_REQUIRE(target);
    if (check_reduction(__func__, r) || check_same_shape(__func__, input, target)) return NULL;
    return reduce(ctx, nb_abs(ctx, nb_sub(ctx, input, target)), r);
}

/* d^2 / 2 where |d| < delta, else delta (|d| - delta / 2) */
nb_tensor *nb_huber_loss(nb_ctx *ctx, nb_tensor *input, nb_tensor *target, double delta,
                         nb_reduction r)
{
    NB_REQUIRE(input);
    NB_REQUIRE(target);
    if (check_reduction(__func__, r) || check_same_shape(__func__, input, target)) return NULL;
    if (!(delta > 0)) {
        nb__error("nb_huber_loss: delta = %g must be > 0", delta);
        return NULL;
    }
    nb_tensor *d = nb_sub(ctx, input, target), *ad = nb_abs(ctx, d);
    nb_tensor *small = nb_lt(ctx, ad, nb_scalar(ctx, d ? d->dtype : NB_F32, delta));
    nb_tensor *quad = nb_mul_scalar(ctx, nb_mul(ctx, d, d), 0.5);
    nb_tensor *lin = nb_mul_scalar(ctx, nb_sub_scalar(ctx, ad, delta / 2), delta);
    return reduce(ctx, nb_where(ctx, small, quad, lin), r);
}

/* ---- classification losses on scores ---------------------------------------------- */

/* (1 - t) x + (1 + (p - 1) t) softplus(-x), times the weight */
nb_tensor *nb_bce_with_logits(nb_ctx *ctx, nb_tensor *logits, nb_tensor *target,
                              const nb_bce_opts *opts)
{
    NB_REQUIRE(logits);
    NB_REQUIRE(target);
    nb_bce_opts o = opts ? *opts : (nb_bce_opts){0};
    if (check_reduction(__func__, o.reduction) || check_same_shape(__func__, logits, target) ||
        nb__check_float(__func__, "logits", logits))
        return NULL;
    nb_tensor *t = nb__as_dtype(ctx, target, logits->dtype);
    nb_tensor *sp = nb_softplus(ctx, nb_neg(ctx, logits));
    nb_tensor *lw = o.pos_weight ? nb_add_scalar(ctx, nb_mul(ctx, nb_sub_scalar(ctx, o.pos_weight, 1), t), 1) : NULL;
    nb_tensor *loss = nb_add(ctx, nb_mul(ctx, nb_rsub_scalar(ctx, t, 1), logits), lw ? nb_mul(ctx, lw, sp) : sp);
    if (o.weight) loss = nb_mul(ctx, loss, o.weight);
    if (loss && !nb_same_shape(loss, logits)) {
        char s[NB_SHAPE_STR_MAX];
        nb__error("nb_bce_with_logits: weight or pos_weight widens the result beyond the input %s",
                  nb__shape_str(s, sizeof s, logits->ndim, logits->shape));
        return NULL;
    }
    return reduce(ctx, loss, o.reduction);
}

/* max(0, margin - t x), t in {-1, +1} */
nb_tensor *nb_hinge_loss(nb_ctx *ctx, nb_tensor *scores, nb_tensor *target, double margin,
                         nb_reduction r)
{
    NB_REQUIRE(scores);
    NB_REQUIRE(target);
    if (check_reduction(__func__, r) || check_same_shape(__func__, scores, target) ||
        nb__check_float(__func__, "scores", scores))
        return NULL;
    double bad = 0;
    NB_NO_GRAD { bad = nb_item(nb_sum(ctx, nb_ne(ctx, nb_abs(ctx, target), nb_scalar(ctx, NB_F64, 1)), NB_ALL_AXES, false)); }
    if (bad != 0) {
        nb__error("nb_hinge_loss: targets must be -1 or +1 (%g are not)", bad);
        return NULL;
    }
    nb_tensor *t = nb__as_dtype(ctx, target, scores->dtype);
    return reduce(ctx, nb_relu(ctx, nb_rsub_scalar(ctx, nb_mul(ctx, t, scores), margin)), r);
}

/* sum_{j != y} w_y max(0, margin - x_y + x_j)^p / C per row */
nb_tensor *nb_multi_margin_loss(nb_ctx *ctx, nb_tensor *scores, nb_tensor *target, int p,
                                double margin, nb_tensor *weight, nb_reduction r)
{
    NB_REQUIRE(scores);
    NB_REQUIRE(target);
    nb_tensor *x = scores, *t = target;
    if (check_reduction(__func__, r) || flatten_classes(__func__, ctx, &x, &t) ||
        check_class_weight(__func__, weight, x->shape[1]))
        return NULL;
    if ((p != 1 && p != 2) || scores->ndim != 2) {
        nb__error("nb_multi_margin_loss: need p = 1 or 2 and scores [N,C] (got p = %d, %d axes)", p, scores->ndim);
        return NULL;
    }
    int64_t N = x->shape[0], C = x->shape[1];
    ce_attrs at = {0};
    ce_rows rows;
    nb_tensor *tc = nb_contiguous(ctx, t), *wc = weight ? nb_contiguous(ctx, weight) : NULL;
    if (!tc || (weight && !wc) || ce_rows_of(__func__, ctx, tc, wc, C, &at, &rows)) return NULL;
    nb_tensor *others = nb_empty(ctx, x->dtype, NB_SHAPE(N, C)); /* w_y [j != y] / C */
    nb_tensor *t2 = nb_reshape(ctx, nb__as_dtype(ctx, tc, NB_I64), NB_SHAPE(N, 1));
    if (!others || !t2) return NULL;
    for (int64_t i = 0; i < N; i++)
        for (int64_t j = 0; j < C; j++)
            nb__set_f(nb_data(others), x->dtype, i * C + j, j == nb__get_index(tc, i) ? 0 : rows.a[i] / (double)C);
    nb_tensor *xy = nb_gather(ctx, x, 1, t2);                     /* [N,1] */
    nb_tensor *h = nb_relu(ctx, nb_add(ctx, nb_rsub_scalar(ctx, xy, margin), x));
    if (p == 2) h = nb_mul(ctx, h, h);
    return reduce(ctx, nb_sum(ctx, nb_mul(ctx, h, others), NB_AXES(1), false), r);
}
