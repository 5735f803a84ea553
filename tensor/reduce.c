/* tensor/reduce.c — sum, mean, prod, var, std, max, min, logsumexp over any
 * set of axes.
 *
 * The input is seen as a grid of K outputs (the kept axes) by R reduced
 * elements (the reduced axes). Each output's R elements are walked in flat
 * order in fixed blocks of REDUCE_BLOCK; every block gives a partial result
 * and the partials are combined in block order. Work is shared between
 * threads by (output, block) pairs, but because the blocks never depend on
 * the thread count, the result is bitwise the same for any number of threads.
 *
 * Float inputs accumulate in double (an f32 sum of 10^7 values keeps its
 * precision); integer sums and products accumulate in wrapping 64-bit
 * arithmetic and give i64.
 *
 * Two walks, chosen by layout alone (never by the thread count):
 *  - inner: one output at a time, its reduced elements in flat order. A
 *    contiguous run of at least MIN_VECTOR_RUN floats (a row sum, a whole-
 *    tensor sum) goes to the vector kernels (kernels/vmath.h), which add it
 *    in 32 double lanes in a fixed order, the same on every ISA path.
 *  - outer: when the reduced elements of an output are strided but
 *    neighbouring outputs are neighbours in memory (a column sum of [N, D],
 *    a bias gradient, the statistics of a batch), a run of up to OUTER_CHUNK
 *    outputs is carried along together, one reduced position after another,
 *    so memory is read in rows. Each output still sees its own elements in
 *    flat order, one operation at a time, in the same blocks. */
#include <math.h>
#include <string.h>

#include "kernels/vmath.h"
#include "record.h"

#ifdef _OPENMP
#include <omp.h>
#endif

enum { REDUCE_BLOCK = 1 << 14, MIN_VECTOR_RUN = 64, OUTER_CHUNK = 2048 };

typedef enum { RED_SUM, RED_PROD, RED_MAX, RED_MIN, RED_SQDEV, RED_SUMEXP } red_op;

typedef union {
    double f;
    int64_t i;
} acc_t;

typedef struct {
    red_op op;
    nb_dtype dtype;
    bool int_acc;                /* accumulate in int64 */
    int kd, rd;                  /* kept and reduced axis counts */
    int64_t kshape[NB_MAX_DIMS], kstride[NB_MAX_DIMS]; /* bytes */
    int64_t rshape[NB_MAX_DIMS], rstride[NB_MAX_DIMS]; /* bytes, simplified */
    int64_t K, R;
    char *base;
    const double *center;        /* per output, for SQDEV and SUMEXP */
} reduction;

static acc_t acc_init(const reduction *red)
{
    acc_t a;
    switch (red->op) {
    case RED_PROD: if (red->int_acc) a.i = 1; else a.f = 1; break;
    case RED_MAX: if (red->int_acc) a.i = INT64_MIN; else a.f = -INFINITY; break;
    case RED_MIN: if (red->int_acc) a.i = INT64_MAX; else a.f = INFINITY; break;
    default: if (red->int_acc) a.i = 0; else a.f = 0; break;
    }
    return a;
}

/* NaN wins in max and min, as in NumPy. */
static double fmax_nan(double a, double b) { return a > b || isnan(a) ? a : b; }
static double fmin_nan(double a, double b) { return a < b || isnan(a) ? a : b; }

static acc_t acc_combine(red_op op, bool int_acc, acc_t a, acc_t b)
{
    if (int_acc) {
        switch (op) {
        case RED_PROD: a.i = (int64_t)((uint64_t)a.i * (uint64_t)b.i); break;
        case RED_MAX: a.i = a.i > b.i ? a.i : b.i; break;
        case RED_MIN: a.i = a.i < b.i ? a.i : b.i; break;
        default: a.i = (int64_t)((uint64_t)a.i + (uint64_t)b.i); break;
        }
        return a;
    }
    switch (op) {
    case RED_PROD: a.f *= b.f; break;
    case RED_MAX: a.f = fmax_nan(a.f, b.f); break;
    case RED_MIN: a.f = fmin_nan(a.f, b.f); break;
    default: a.f += b.f; break;
    }
    return a;
}

/* One run of n elements at p with byte stride s, folded into acc. */
static acc_t reduce_run(const reduction *red, acc_t acc, const char *p, int64_t s, int64_t n,
                        double c)
{
    nb_dtype d = red->dtype;
    if (red->int_acc) {
        for (int64_t i = 0; i < n; i++) {
            acc_t x;
            switch (d) {
            case NB_I64: x.i = *(const int64_t *)(p + i * s); break;
            case NB_I32: x.i = *(const int32_t *)(p + i * s); break;
            default: x.i = *(const uint8_t *)(p + i * s); break;
            }
            acc = acc_combine(red->op, true, acc, x);
        }
        return acc;
    }
    if (n >= MIN_VECTOR_RUN && s == (int64_t)nb_dtype_size(d) && (d == NB_F32 || d == NB_F64)) {
        const nb_vmath *vm = nb__vmath();
        const float *xf = (const float *)p;
        const double *xd = (const double *)p;
        bool f32 = d == NB_F32;
        switch (red->op) {
        case RED_SUM: acc.f += f32 ? vm->sum_f32(n, xf) : vm->sum_f64(n, xd); return acc;
        case RED_SQDEV:
            acc.f += f32 ? vm->sumsq_dev_f32(n, xf, c) : vm->sumsq_dev_f64(n, xd, c);
            return acc;
        case RED_MAX: if (f32) { acc.f = fmax_nan(acc.f, vm->max_f32(n, xf)); return acc; } break;
        case RED_MIN: if (f32) { acc.f = fmin_nan(acc.f, vm->min_f32(n, xf)); return acc; } break;
        case RED_SUMEXP: if (f32) { acc.f += vm->sum_exp_f32(n, xf, (float)c); return acc; } break;
        default: break;
        }
    }
    for (int64_t i = 0; i < n; i++) {
        double x = d == NB_F32 ? *(const float *)(p + i * s) : nb__load(p + i * s, d);
        switch (red->op) {
        case RED_SUM: acc.f += x; break;
        case RED_PROD: acc.f *= x; break;
        case RED_MAX: acc.f = fmax_nan(acc.f, x); break;
        case RED_MIN: acc.f = fmin_nan(acc.f, x); break;
        case RED_SQDEV: acc.f += (x - c) * (x - c); break;
        case RED_SUMEXP: acc.f += exp(x - c); break;
        }
    }
    return acc;
}

/* Flat reduced positions [r0, r1) of output k. */
static acc_t reduce_block(const reduction *red, int64_t k, int64_t r0, int64_t r1)
{
    const char *p = red->base;
    int64_t rest = k;
    for (int d = red->kd - 1; d >= 0; d--) {
        p += (rest % red->kshape[d]) * red->kstride[d];
        rest /= red->kshape[d];
    }
    double c = red->center ? red->center[k] : 0;
    int last = red->rd - 1;
    int64_t n_in = red->rshape[last], s_in = red->rstride[last];
    acc_t acc = acc_init(red);
    for (int64_t r = r0; r < r1;) {
        int64_t row = r / n_in, j = r % n_in;
        int64_t len = n_in - j < r1 - r ? n_in - j : r1 - r;
        const char *q = p + j * s_in;
        for (int d = last - 1; d >= 0; d--) {
            q += (row % red->rshape[d]) * red->rstride[d];
            row /= red->rshape[d];
        }
        acc = reduce_run(red, acc, q, s_in, len, c);
        r += len;
    }
    return acc;
}

/* ---- the outer walk ---------------------------------------------------------- */

/* Whether neighbouring outputs are neighbours in memory while an output's own
 * elements are not (see the top of the file). */
static bool outer_walk(const reduction *red)
{
    int64_t es = (int64_t)nb_dtype_size(red->dtype);
    return !red->int_acc && red->kd > 0 && red->kstride[red->kd - 1] == es &&
           red->kshape[red->kd - 1] > 1 && red->rstride[red->rd - 1] != es && red->R > 1;
}

/* Sums of four rows at a time (the vector kernel): each acc[i] still adds
 * x0[i], x1[i], x2[i], x3[i] in that order, one rounding each, but is loaded
 * and stored once. */
static void outer_sum4(const reduction *red, double *acc, const char *const *rows, int64_t nk)
{
    const nb_vmath *vm = nb__vmath();
    if (red->dtype == NB_F32)
        vm->add_rows4_f32(nk, acc, (const float *)rows[0], (const float *)rows[1],
                          (const float *)rows[2], (const float *)rows[3]);
    else
        vm->add_rows4_f64(nk, acc, (const double *)rows[0], (const double *)rows[1],
                          (const double *)rows[2], (const double *)rows[3]);
}

/* acc[i] = acc[i] op row[i] for the nk outputs of a chunk; c the centres */
static void outer_row(const reduction *red, double *acc, const char *row, int64_t nk,
                      const double *c)
{
    const float *xf = (const float *)row;
    const double *xd = (const double *)row;
    bool f32 = red->dtype == NB_F32;
    switch (red->op) { /* one loop per case: they vectorise across outputs */
    case RED_SUM:
        if (f32) for (int64_t i = 0; i < nk; i++) acc[i] += xf[i];
        else for (int64_t i = 0; i < nk; i++) acc[i] += xd[i];
        break;
    case RED_PROD:
        for (int64_t i = 0; i < nk; i++) acc[i] *= f32 ? xf[i] : xd[i];
        break;
    case RED_MAX:
        for (int64_t i = 0; i < nk; i++) acc[i] = fmax_nan(acc[i], f32 ? xf[i] : xd[i]);
        break;
    case RED_MIN:
        for (int64_t i = 0; i < nk; i++) acc[i] = fmin_nan(acc[i], f32 ? xf[i] : xd[i]);
        break;
    case RED_SQDEV:
        for (int64_t i = 0; i < nk; i++) {
            double x = f32 ? xf[i] : xd[i];
            acc[i] += (x - c[i]) * (x - c[i]);
        }
        break;
    case RED_SUMEXP:
        for (int64_t i = 0; i < nk; i++) acc[i] += exp((f32 ? xf[i] : xd[i]) - c[i]);
        break;
    }
}

/* Outputs k0 .. k0 + nk - 1 (within one run of the innermost kept axis) over
 * the flat reduced positions [r0, r1); result i goes to out[i * out_stride]. */
static void reduce_outer_block(const reduction *red, int64_t k0, int64_t nk, int64_t r0,
                               int64_t r1, acc_t *out, int64_t out_stride)
{
    const char *p = red->base;
    int64_t rest = k0;
    for (int d = red->kd - 1; d >= 0; d--) {
        p += (rest % red->kshape[d]) * red->kstride[d];
        rest /= red->kshape[d];
    }
    double acc[OUTER_CHUNK];
    for (int64_t i = 0; i < nk; i++) acc[i] = acc_init(red).f;
    int64_t idx[NB_MAX_DIMS];
    rest = r0;
    for (int d = red->rd - 1; d >= 0; d--) {
        idx[d] = rest % red->rshape[d];
        p += idx[d] * red->rstride[d];
        rest /= red->rshape[d];
    }
    const double *c = red->center ? red->center + k0 : NULL;
    const char *rows[4];
    int have = 0;
    for (int64_t r = r0; r < r1; r++) {
        rows[have++] = p;
        if (red->op == RED_SUM && have == 4) {
            outer_sum4(red, acc, rows, nk);
            have = 0;
        } else if (red->op != RED_SUM || r == r1 - 1) {
            for (int j = 0; j < have; j++) outer_row(red, acc, rows[j], nk, c);
            have = 0;
        }
        for (int d = red->rd - 1; d >= 0; d--) { /* next reduced position */
            p += red->rstride[d];
            if (++idx[d] < red->rshape[d]) break;
            p -= red->rshape[d] * red->rstride[d];
            idx[d] = 0;
        }
    }
    for (int64_t i = 0; i < nk; i++) out[i * out_stride].f = acc[i];
}

/* Results for every output, into acc[K]. scratch holds the block partials,
 * part[k * nblocks + b] for output k and block b, combined in block order. */
static int run_reduction(const reduction *red, nb_ctx *scratch, acc_t *acc)
{
    int64_t nblocks = red->R ? (red->R + REDUCE_BLOCK - 1) / REDUCE_BLOCK : 1;
    bool outer = outer_walk(red);
    int64_t inner_len = outer ? red->kshape[red->kd - 1] : 1; /* outputs per kept row */
    int64_t chunks = outer ? (inner_len + OUTER_CHUNK - 1) / OUTER_CHUNK : 1;
    int64_t units = outer ? red->K / inner_len * chunks : red->K; /* output groups */
    int64_t items = units * nblocks;
    acc_t *part = nblocks == 1 ? acc : nb_ctx_alloc(scratch, sizeof(acc_t) * (size_t)(red->K * nblocks), 64);
    if (!part) return -1;
#ifdef _OPENMP
    bool parallel = red->K * red->R >= NB_PARALLEL_MIN_ELEMS && items > 1 && !omp_in_parallel();
#pragma omp parallel for schedule(static) if (parallel)
#endif
    for (int64_t it = 0; it < items; it++) {
        int64_t u = it / nblocks, b = it % nblocks;
        int64_t r0 = b * REDUCE_BLOCK, r1 = r0 + REDUCE_BLOCK < red->R ? r0 + REDUCE_BLOCK : red->R;
        if (outer) {
            int64_t row = u / chunks, j0 = u % chunks * OUTER_CHUNK;
            int64_t nk = inner_len - j0 < OUTER_CHUNK ? inner_len - j0 : OUTER_CHUNK;
            int64_t k0 = row * inner_len + j0;
            reduce_outer_block(red, k0, nk, r0, r1, part + k0 * nblocks + b, nblocks);
        } else {
            part[it] = reduce_block(red, u, r0, r1);
        }
    }
    if (nblocks > 1)
        for (int64_t k = 0; k < red->K; k++) {
            acc[k] = part[k * nblocks];
            for (int64_t b = 1; b < nblocks; b++)
                acc[k] = acc_combine(red->op, red->int_acc, acc[k], part[k * nblocks + b]);
        }
    return 0;
}

/* Splits x's axes into kept and reduced, and the output shape. */
static int plan(const char *api, const nb_tensor *x, int naxes, const int *axes, bool keepdim,
                red_op op, reduction *red, int *out_ndim, int64_t *out_shape)
{
    unsigned mask;
    if (nb__axes_mask(api, naxes, axes, x->ndim, &mask)) return -1;
    memset(red, 0, sizeof *red);
    red->op = op;
    red->dtype = x->dtype;
    red->int_acc = !nb_dtype_is_float(x->dtype) && op != RED_SQDEV && op != RED_SUMEXP;
    red->base = nb__base_ptr(x);
    red->K = red->R = 1;
    int64_t es = (int64_t)nb_dtype_size(x->dtype);
    *out_ndim = 0;
    for (int i = 0; i < x->ndim; i++) {
        bool reduced = mask & (1u << i);
        if (reduced) {
            red->rshape[red->rd] = x->shape[i];
            red->rstride[red->rd++] = x->strides[i] * es;
            red->R *= x->shape[i];
        } else {
            red->kshape[red->kd] = x->shape[i];
            red->kstride[red->kd++] = x->strides[i] * es;
            red->K *= x->shape[i];
        }
        if (!reduced || keepdim) out_shape[(*out_ndim)++] = reduced ? 1 : x->shape[i];
    }
    if (red->rd == 0) { /* nothing reduced: one element per output */
        red->rshape[0] = 1;
        red->rstride[0] = 0;
        red->rd = 1;
    }
    return 0;
}

/* The accumulators of a reduction over x, one per output, in scratch. */
static acc_t *reduce_to_acc(const char *api, nb_ctx *ctx, nb_tensor *x, int naxes, const int *axes,
                            bool keepdim, red_op op, const double *center, int *ndim,
                            int64_t *shape, int64_t *R)
{
    reduction red;
    if (plan(api, x, naxes, axes, keepdim, op, &red, ndim, shape)) return NULL;
    if ((op == RED_MAX || op == RED_MIN) && red.R == 0) {
        char s[NB_SHAPE_STR_MAX];
        nb__error("%s: cannot reduce zero elements of a tensor of shape %s (no identity)", api,
                  nb__shape_str(s, sizeof s, x->ndim, x->shape));
        return NULL;
    }
    red.center = center;
    acc_t *acc = nb_ctx_alloc(ctx, sizeof(acc_t) * (size_t)(red.K ? red.K : 1), 64);
    if (!acc || run_reduction(&red, ctx, acc)) return NULL;
    *R = red.R;
    return acc;
}

typedef enum { FIN_NONE, FIN_MEAN, FIN_VAR, FIN_STD } finish;

/* The means over the reduced axes, in double, one per output. */
static const double *means(const char *api, nb_ctx *ctx, nb_tensor *x, int naxes, const int *axes)
{
    int ndim;
    int64_t shape[NB_MAX_DIMS], R;
    acc_t *sum = reduce_to_acc(api, ctx, x, naxes, axes, false, RED_SUM, NULL, &ndim, shape, &R);
    if (!sum) return NULL;
    int64_t K = nb__shape_numel(api, ndim, shape);
    double *mean = nb_ctx_alloc(ctx, sizeof(double) * (size_t)(K ? K : 1), 64);
    if (!mean) return NULL;
    bool int_acc = !nb_dtype_is_float(x->dtype);
    for (int64_t k = 0; k < K; k++) mean[k] = (int_acc ? (double)sum[k].i : sum[k].f) / (double)R;
    return mean;
}

static nb_tensor *reduce(const char *api, nb_ctx *ctx, nb_tensor *x, int naxes, const int *axes,
                         bool keepdim, red_op op, finish fin, int correction)
{
    NB_REQUIRE_IN(api, x);
    int ndim;
    int64_t shape[NB_MAX_DIMS], R;
    const double *center = NULL;
    if (fin == FIN_VAR || fin == FIN_STD) { /* two passes: the mean, then squared deviations */
        center = means(api, ctx, x, naxes, axes);
        if (!center) return NULL;
        op = RED_SQDEV;
    }
    acc_t *acc = reduce_to_acc(api, ctx, x, naxes, axes, keepdim, op, center, &ndim, shape, &R);
    if (!acc) return NULL;
    bool int_acc = !nb_dtype_is_float(x->dtype) && op != RED_SQDEV;
    nb_dtype dt = fin != FIN_NONE && !nb_dtype_is_float(x->dtype) ? NB_F32
                  : int_acc && (op == RED_SUM || op == RED_PROD) ? NB_I64
                  : x->dtype;
    nb_tensor *out = nb__alloc(api, ctx, dt, ndim, shape);
    if (!out) return NULL;
    char *o = nb_data(out);
    size_t es = nb_dtype_size(dt);
    double divisor = fin == FIN_MEAN ? (double)R : (double)(R - correction > 0 ? R - correction : 0);
    for (int64_t k = 0, K = nb_numel(out); k < K; k++) {
        if (int_acc && fin == FIN_NONE) {
            if (dt == NB_I64) *(int64_t *)(o + k * (int64_t)es) = acc[k].i;
            else nb__store(o + k * (int64_t)es, dt, (double)acc[k].i);
            continue;
        }
        double v = int_acc ? (double)acc[k].i : acc[k].f;
        if (fin != FIN_NONE) v /= divisor;
        if (fin == FIN_STD) v = sqrt(v);
        nb__store(o + k * (int64_t)es, dt, v);
    }
    return out;
}

static nb_tensor *sum_impl(const char *api, nb_ctx *ctx, nb_tensor *x, int naxes, const int *axes, bool keepdim)
{
    return reduce(api, ctx, x, naxes, axes, keepdim, RED_SUM, FIN_NONE, 0);
}

static nb_tensor *mean_impl(const char *api, nb_ctx *ctx, nb_tensor *x, int naxes, const int *axes, bool keepdim)
{
    return reduce(api, ctx, x, naxes, axes, keepdim, RED_SUM, FIN_MEAN, 0);
}

static nb_tensor *prod_impl(const char *api, nb_ctx *ctx, nb_tensor *x, int naxes, const int *axes, bool keepdim)
{
    return reduce(api, ctx, x, naxes, axes, keepdim, RED_PROD, FIN_NONE, 0);
}

static nb_tensor *var_impl(const char *api, nb_ctx *ctx, nb_tensor *x, int naxes,
                           const int *axes, int correction, bool keepdim)
{
    NB_REQUIRE_IN(api, x);
    if (correction < 0) {
        nb__error("nb_var: correction %d is negative", correction);
        return NULL;
    }
    return reduce(api, ctx, x, naxes, axes, keepdim, RED_SQDEV, FIN_VAR, correction);
}

static nb_tensor *std_impl(const char *api, nb_ctx *ctx, nb_tensor *x, int naxes,
                           const int *axes, int correction, bool keepdim)
{
    NB_REQUIRE_IN(api, x);
    if (correction < 0) {
        nb__error("nb_std: correction %d is negative", correction);
        return NULL;
    }
    return reduce(api, ctx, x, naxes, axes, keepdim, RED_SQDEV, FIN_STD, correction);
}

static nb_tensor *max_impl(const char *api, nb_ctx *ctx, nb_tensor *x, int naxes, const int *axes, bool keepdim)
{
    return reduce(api, ctx, x, naxes, axes, keepdim, RED_MAX, FIN_NONE, 0);
}

static nb_tensor *min_impl(const char *api, nb_ctx *ctx, nb_tensor *x, int naxes, const int *axes, bool keepdim)
{
    return reduce(api, ctx, x, naxes, axes, keepdim, RED_MIN, FIN_NONE, 0);
}

/* The logsumexp of zero elements: the log of an empty sum, -inf, as NumPy
 * (scipy's logsumexp) and torch give. The max it is otherwise computed
 * around has no such value, so this comes first. */
static nb_tensor *empty_logsumexp(const char *api, nb_ctx *ctx, nb_tensor *x, int ndim,
                                  const int64_t *shape)
{
    nb_dtype dt = nb_dtype_is_float(x->dtype) ? x->dtype : NB_F32;
    nb_tensor *out = nb__alloc(api, ctx, dt, ndim, shape);
    if (out && nb_fill_(out, -INFINITY)) return NULL;
    return out;
}

/* logsumexp = m + log(sum exp(x - m)), m the max over the same axes; when m
 * is infinite or NaN the answer is m itself. */
static nb_tensor *logsumexp_impl(const char *api, nb_ctx *ctx, nb_tensor *x, int naxes, const int *axes, bool keepdim)
{
    NB_REQUIRE_IN(api, x);
    reduction red;
    int ndim;
    int64_t shape[NB_MAX_DIMS], R;
    if (plan(api, x, naxes, axes, keepdim, RED_SUMEXP, &red, &ndim, shape)) return NULL;
    if (red.R == 0) return empty_logsumexp(api, ctx, x, ndim, shape);
    nb_tensor *xf = nb_dtype_is_float(x->dtype) ? x : nb__as_dtype(ctx, x, NB_F32);
    nb_tensor *m = xf ? reduce(api, ctx, xf, naxes, axes, false, RED_MAX, FIN_NONE, 0) : NULL;
    nb_tensor *m64 = m ? nb__as_dtype(ctx, m, NB_F64) : NULL;
    if (!m64) return NULL;
    const double *center = nb_data(m64);
    acc_t *acc = reduce_to_acc(api, ctx, xf, naxes, axes, keepdim, RED_SUMEXP, center, &ndim,
                               shape, &R);
    nb_tensor *out = acc ? nb__alloc(api, ctx, xf->dtype, ndim, shape) : NULL;
    if (!out) return NULL;
    char *o = nb_data(out);
    size_t es = nb_dtype_size(out->dtype);
    for (int64_t k = 0, K = nb_numel(out); k < K; k++) {
        double v = isfinite(center[k]) ? center[k] + log(acc[k].f) : center[k];
        nb__store(o + k * (int64_t)es, out->dtype, v);
    }
    return out;
}

/* ---- the public reductions: computed, then recorded with their axes ---- */

static nb_tensor *recorded(nb__op_site *site, nb_ctx *ctx, nb_tensor *x, nb_tensor *out,
                           int naxes, const int *axes, bool keepdim, int correction)
{
    nb__reduce_attrs attrs = {.all_axes = naxes == 0, .keepdim = keepdim, .correction = correction};
    if (out && nb__axes_mask(site->name, naxes, axes, x->ndim, &attrs.mask)) out = NULL;
    return nb__op_end(site, ctx, out, &x, 1, &attrs, sizeof attrs);
}

#define REDUCTION_API(NAME)                                                             \
    nb_tensor *nb_##NAME(nb_ctx *ctx, nb_tensor *x, int naxes, const int *axes,         \
                         bool keepdim)                                                  \
    {                                                                                   \
        static nb__op_site site = {.name = #NAME};                                      \
        NB_OP_BEGIN_IN(__func__, ctx);                                                  \
        nb_tensor *out = NAME##_impl(__func__, ctx, x, naxes, axes, keepdim);           \
        return recorded(&site, ctx, x, out, naxes, axes, keepdim, 0);                   \
    }

REDUCTION_API(sum)
REDUCTION_API(mean)
REDUCTION_API(prod)
REDUCTION_API(max)
REDUCTION_API(min)
REDUCTION_API(logsumexp)

#define MOMENT_API(NAME)                                                                \
    nb_tensor *nb_##NAME(nb_ctx *ctx, nb_tensor *x, int naxes, const int *axes,         \
                         int correction, bool keepdim)                                  \
    {                                                                                   \
        static nb__op_site site = {.name = #NAME};                                      \
        NB_OP_BEGIN_IN(__func__, ctx);                                                  \
        nb_tensor *out = NAME##_impl(__func__, ctx, x, naxes, axes, correction, keepdim); \
        return recorded(&site, ctx, x, out, naxes, axes, keepdim, correction);          \
    }

MOMENT_API(var)
MOMENT_API(std)
