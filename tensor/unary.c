/* tensor/unary.c — elementwise functions of one tensor.
 *
 * Each op is one line of maths below, expanded by a macro into an f32 and an
 * f64 row function (tgmath.h picks expf or exp from the argument type). The
 * row functions have a contiguous branch the compiler vectorises and a
 * strided branch for views. Integer tensors keep their type for the ops that
 * are exact on integers (neg, abs, sign, relu, clamp, integral powers) and
 * become f32 for the rest.
 *
 * exp, log, tanh, sigmoid, gelu and relu on f32 go to the vector kernels
 * (kernels/vmath.h, under 2 ulp); a strided row is gathered into a small
 * buffer and scattered back, so every element goes through the same code
 * whatever the layout, and a view gives the same bits as a copy. */
#include <math.h>
#include <tgmath.h>

#include "kernels/vmath.h"
#include "record.h"

typedef struct {
    double a, b;        /* slope, bounds or exponent, by op */
    bool stream;        /* a vector kernel writes the output with non-temporal stores */
    const nb_vmath *vm; /* the vector kernels, looked up once per call, not per row */
} unary_arg;

#define UNARY_BODY(EXPR)                                                             \
    const unary_arg *prm = arg;                                                         \
    (void)prm;                                                                          \
    if (s[0] == (int64_t)sizeof(T) && s[1] == (int64_t)sizeof(T)) {                     \
        T *y = (T *)p[0];                                                               \
        const T *xs = (const T *)p[1];                                                  \
        for (int64_t i = 0; i < n; i++) {                                               \
            T x = xs[i];                                                                \
            y[i] = (EXPR);                                                              \
        }                                                                               \
    } else {                                                                            \
        for (int64_t i = 0; i < n; i++) {                                               \
            T x = *(const T *)(p[1] + i * s[1]);                                        \
            *(T *)(p[0] + i * s[0]) = (EXPR);                                           \
        }                                                                               \
    }

#define FLOAT_UNARY(OP, EXPR)                                                           \
    static void OP##_f32(int64_t n, char *const *p, const int64_t *s, void *arg)        \
    {                                                                                   \
        typedef float T;                                                                \
        UNARY_BODY(EXPR)                                                         \
    }                                                                                   \
    static void OP##_f64(int64_t n, char *const *p, const int64_t *s, void *arg)        \
    {                                                                                   \
        typedef double T;                                                               \
        UNARY_BODY(EXPR)                                                        \
    }

/* Only the f64 row: f32 goes to a vector kernel (below). */
#define F64_UNARY(OP, EXPR)                                                             \
    static void OP##_f64(int64_t n, char *const *p, const int64_t *s, void *arg)        \
    {                                                                                   \
        typedef double T;                                                               \
        UNARY_BODY(EXPR)                                                                \
    }

/* The maths. T is the element type, x the input, prm->a / prm->b the op's
 * scalars. */
FLOAT_UNARY(neg, -x)
FLOAT_UNARY(abs, fabs(x))
F64_UNARY(exp, exp(x))
F64_UNARY(log, log(x))
FLOAT_UNARY(log1p, log1p(x))
FLOAT_UNARY(sqrt, sqrt(x))
FLOAT_UNARY(rsqrt, (T)1 / sqrt(x))
FLOAT_UNARY(sin, sin(x))
FLOAT_UNARY(cos, cos(x))
F64_UNARY(tanh, tanh(x))
/* 1 / (1 + e^-x), written so that e^t never overflows */
F64_UNARY(sigmoid, x >= 0 ? (T)1 / ((T)1 + exp(-x)) : exp(x) / ((T)1 + exp(x)))
F64_UNARY(relu, x < 0 ? (T)0 : x) /* NaN passes through, as in PyTorch */
FLOAT_UNARY(leaky_relu, x < 0 ? (T)prm->a * x : x)
/* exact GELU: x Phi(x), Phi the standard normal CDF, as x/2 erfc(-x/sqrt 2):
 * 1 + erf(x/sqrt 2) would cancel to 0 in the negative tail */
F64_UNARY(gelu, (T)0.5 * x * erfc(x * (T)-0.70710678118654752440))
/* log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow for large |x| */
FLOAT_UNARY(softplus, (x > 0 ? x : (T)0) + log1p(exp(-fabs(x))))
FLOAT_UNARY(sign, x > 0 ? (T)1 : x < 0 ? (T)-1 : x) /* keeps NaN and signed zero */
FLOAT_UNARY(clamp, x < (T)prm->a ? (T)prm->a : x > (T)prm->b ? (T)prm->b : x)
FLOAT_UNARY(pow, pow(x, (T)prm->a))
FLOAT_UNARY(erf, erf(x))

/* f32 rows through a vector kernel. */
static void vmap_row(int64_t n, char *const *p, const int64_t *s, nb__vmap_fn f, bool stream)
{
    if (s[0] == (int64_t)sizeof(float) && s[1] == (int64_t)sizeof(float)) {
        f(n, (const float *)p[1], (float *)p[0], stream);
        return;
    }
    enum { BUF = 256 };
    float buf[BUF];
    for (int64_t i0 = 0; i0 < n; i0 += BUF) {
        int64_t m = n - i0 < BUF ? n - i0 : BUF;
        for (int64_t i = 0; i < m; i++) buf[i] = *(const float *)(p[1] + (i0 + i) * s[1]);
        f(m, buf, buf, false);
        for (int64_t i = 0; i < m; i++) *(float *)(p[0] + (i0 + i) * s[0]) = buf[i];
    }
}

#define VMAP_UNARY(OP)                                                                  \
    static void OP##_vf32(int64_t n, char *const *p, const int64_t *s, void *arg)       \
    {                                                                                   \
        const unary_arg *prm = arg;                                                     \
        vmap_row(n, p, s, prm->vm->OP, prm->stream);                                    \
    }
VMAP_UNARY(exp)
VMAP_UNARY(log)
VMAP_UNARY(tanh)
VMAP_UNARY(sigmoid)
VMAP_UNARY(gelu)
VMAP_UNARY(relu)

/* Integer versions of the ops that are exact on integers. Negation and
 * absolute value go through unsigned arithmetic so INT_MIN wraps instead of
 * being undefined. */
#define INT_UNARY(OP, EXPR)                                                             \
    static void OP##_i32(int64_t n, char *const *p, const int64_t *s, void *arg)        \
    {                                                                                   \
        typedef int32_t T;                                                              \
        typedef uint32_t U;                                                             \
        (void)(U)0;                                                                     \
        UNARY_BODY(EXPR)                                                       \
    }                                                                                   \
    static void OP##_i64(int64_t n, char *const *p, const int64_t *s, void *arg)        \
    {                                                                                   \
        typedef int64_t T;                                                              \
        typedef uint64_t U;                                                             \
        (void)(U)0;                                                                     \
        UNARY_BODY(EXPR)                                                       \
    }

INT_UNARY(neg, (T)(0 - (U)x))
INT_UNARY(abs, x < 0 ? (T)(0 - (U)x) : x)
INT_UNARY(sign, (T)((x > 0) - (x < 0)))
INT_UNARY(relu, x < 0 ? (T)0 : x)
INT_UNARY(clamp, (double)x < prm->a ? (T)prm->a : (double)x > prm->b ? (T)prm->b : x)
INT_UNARY(pow, (T)nb__int_pow(x, (int64_t)prm->a))

/* COST: how many times a cheap op (+, a copy) an element costs, roughly;
 * the loop goes parallel from NB_PARALLEL_MIN_ELEMS / COST elements (see
 * tensor_internal.h for the measurement). */
#define FLOAT_ONLY(OP, COST) {"nb_" #OP, OP##_f32, OP##_f64, NULL, NULL, COST}
#define ANY_TYPE(OP, COST) {"nb_" #OP, OP##_f32, OP##_f64, OP##_i32, OP##_i64, COST}
#define VEC_FLOAT_ONLY(OP, COST) {"nb_" #OP, OP##_vf32, OP##_f64, NULL, NULL, COST}
#define VEC_ANY_TYPE(OP, COST) {"nb_" #OP, OP##_vf32, OP##_f64, OP##_i32, OP##_i64, COST}

typedef struct {
    const char *name; /* the public function, for messages */
    nb__row_fn f32, f64, i32, i64; /* integer rows NULL: ints become f32 */
    int cost;
} unary_def;

static const unary_def unary_ops[] = {
    ANY_TYPE(neg, 1), ANY_TYPE(abs, 1), VEC_FLOAT_ONLY(exp, 2), VEC_FLOAT_ONLY(log, 2),
    FLOAT_ONLY(log1p, 8), FLOAT_ONLY(sqrt, 2), FLOAT_ONLY(rsqrt, 2), FLOAT_ONLY(sin, 8),
    FLOAT_ONLY(cos, 8), VEC_FLOAT_ONLY(tanh, 8), VEC_FLOAT_ONLY(sigmoid, 8), VEC_ANY_TYPE(relu, 1),
    FLOAT_ONLY(leaky_relu, 1), VEC_FLOAT_ONLY(gelu, 8), FLOAT_ONLY(softplus, 8), ANY_TYPE(sign, 1),
    ANY_TYPE(clamp, 1), {"nb_pow_scalar", pow_f32, pow_f64, pow_i32, pow_i64, 8},
    FLOAT_ONLY(erf, 8),
};

static nb__row_fn row_for(const unary_def *def, nb_dtype dtype)
{
    switch (dtype) {
    case NB_F32: return def->f32;
    case NB_F64: return def->f64;
    case NB_I32: return def->i32;
    case NB_I64: return def->i64;
    default: return NULL;
    }
}

/* out = op(x); integer inputs without an integer row (and bools) are
 * computed in f32, or in i32 when the op keeps integers. */
static nb_tensor *compute(nb_ctx *ctx, const unary_def *def, nb_tensor *x, unary_arg prm,
                          bool int_ok)
{
    NB_REQUIRE_IN(def->name, x);
    nb_dtype dtype = x->dtype;
    if (dtype == NB_BOOL) dtype = NB_I32;
    if (!nb_dtype_is_float(dtype) && (!int_ok || !row_for(def, dtype))) dtype = NB_F32;
    nb_tensor *in = nb__as_dtype(ctx, x, dtype);
    nb_tensor *out = in ? nb__alloc(def->name, ctx, dtype, x->ndim, x->shape) : NULL;
    if (!out) return NULL;
    nb__loop L;
    nb__loop_init(&L, out->ndim, out->shape);
    nb__loop_add(&L, out);
    nb__loop_add(&L, in);
    L.min_parallel = NB_PARALLEL_MIN_ELEMS / def->cost;
    L.fence = prm.stream = nb_numel(out) * (int64_t)nb_dtype_size(dtype) >= NB_STREAM_MIN_BYTES;
    prm.vm = nb__vmath();
    nb__loop_run(&L, row_for(def, dtype), &prm);
    return out;
}

/* compute, recorded as the op of `site` with the scalars as attributes */
static nb_tensor *unary(nb__op_site *site, nb_ctx *ctx, const unary_def *def, nb_tensor *x,
                        unary_arg prm, bool int_ok)
{
    NB_OP_BEGIN_IN(def->name, ctx);
    nb_tensor *out = compute(ctx, def, x, prm, int_ok);
    nb__scalar_attrs attrs = {prm.a, prm.b};
    return nb__op_end(site, ctx, out, &x, 1, &attrs, sizeof attrs);
}

#define UNARY_API(OP, INT_OK)                                                           \
    nb_tensor *nb_##OP(nb_ctx *ctx, nb_tensor *x)                                       \
    {                                                                                   \
        static nb__op_site site = {.name = #OP};                                        \
        return unary(&site, ctx, &unary_ops[OP_##OP], x, (unary_arg){0}, INT_OK);       \
    }

enum {
    OP_neg, OP_abs, OP_exp, OP_log, OP_log1p, OP_sqrt, OP_rsqrt, OP_sin, OP_cos, OP_tanh,
    OP_sigmoid, OP_relu, OP_leaky_relu, OP_gelu, OP_softplus, OP_sign, OP_clamp, OP_pow, OP_erf,
};

UNARY_API(neg, true)
UNARY_API(abs, true)
UNARY_API(exp, false)
UNARY_API(log, false)
UNARY_API(log1p, false)
UNARY_API(sqrt, false)
UNARY_API(rsqrt, false)
UNARY_API(sin, false)
UNARY_API(cos, false)
UNARY_API(tanh, false)
UNARY_API(sigmoid, false)
UNARY_API(relu, true)
UNARY_API(gelu, false)
UNARY_API(softplus, false)
UNARY_API(sign, true)
UNARY_API(erf, false)

nb_tensor *nb_leaky_relu(nb_ctx *ctx, nb_tensor *x, double negative_slope)
{
    NB_REQUIRE(x);
    if (!isfinite(negative_slope)) {
        nb__error("nb_leaky_relu: negative_slope %g is not finite", negative_slope);
        return NULL;
    }
    static nb__op_site site = {.name = "leaky_relu"};
    return unary(&site, ctx, &unary_ops[OP_leaky_relu], x, (unary_arg){.a = negative_slope}, false);
}

nb_tensor *nb_clamp(nb_ctx *ctx, nb_tensor *x, double low, double high)
{
    NB_REQUIRE(x);
    if (!(low <= high)) {
        nb__error("nb_clamp: low %g must not exceed high %g (and neither may be NaN)", low, high);
        return NULL;
    }
    /* Integers stay integers for whole (or infinite) bounds; a fractional
     * bound gives f32, as a scalar would. A bound past the integer range
     * saturates, so converting it to the element type is defined. */
    bool integral = (isinf(low) || low == floor(low)) && (isinf(high) || high == floor(high));
    double top = x->dtype == NB_I64 ? 0x1p63 - 1024 : INT32_MAX;
    double bottom = x->dtype == NB_I64 ? -0x1p63 : INT32_MIN;
    if (integral && !nb_dtype_is_float(x->dtype)) {
        low = fmin(low, top);
        high = fmax(high, bottom);
    }
    static nb__op_site site = {.name = "clamp"};
    return unary(&site, ctx, &unary_ops[OP_clamp], x, (unary_arg){.a = low, .b = high}, integral);
}

/* Integers stay integers for integral exponents, as in NumPy, which also
 * refuses a negative one: the answer is a fraction an integer cannot hold. */
nb_tensor *nb_pow_scalar(nb_ctx *ctx, nb_tensor *x, double exponent)
{
    NB_REQUIRE(x);
    bool integral = exponent == floor(exponent) && fabs(exponent) < 9e18;
    if (integral && exponent < 0 && !nb_dtype_is_float(x->dtype)) {
        nb__error("nb_pow_scalar: integers to negative integer powers are not allowed "
                  "(exponent %g, base %s); cast to a float type first",
                  exponent, nb_dtype_name(x->dtype));
        return NULL;
    }
    static nb__op_site site = {.name = "pow_scalar"};
    return unary(&site, ctx, &unary_ops[OP_pow], x, (unary_arg){.a = exponent}, integral);
}
