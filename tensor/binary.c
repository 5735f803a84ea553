/* tensor/binary.c — elementwise functions of two tensors, with NumPy
 * broadcasting: arithmetic, comparisons, and where().
 *
 * Both operands are first brought to one compute type (the promoted type, or
 * the destination's for in-place forms); a row function per (op, type) then
 * runs under the strided loop driver. Row functions have fast branches for
 * the common layouts: both contiguous, and one side a broadcast scalar. Those
 * are also what broadcasting along the last axis comes down to: a [N,D] + [D]
 * bias add runs N rows of contiguous + contiguous, a [N,D] * [N,1] row scale
 * N rows of contiguous * scalar. For f32 + - * / those branches are the vector
 * kernels of kernels/vmath.h. */
#include <math.h>
#include <string.h>

#include "binary.h"
#include "kernels/vmath.h"
#include "record.h"

typedef struct {
    double alpha;         /* axpy: a + alpha b */
    bool stream;          /* a vector kernel writes the output with non-temporal stores */
    const nb_vmath *vm;   /* the vector kernels, looked up once per call, not per row */
} binary_arg;

/* a and b are the operands, prm->alpha the scalar of axpy. */
#define BINARY_BODY(T, OUT_T, EXPR)                                                     \
    const binary_arg *prm = arg;                                                        \
    (void)prm;                                                                          \
    const int64_t es = (int64_t)sizeof(T), eo = (int64_t)sizeof(OUT_T);                 \
    OUT_T *y = (OUT_T *)p[0];                                                           \
    const T *A = (const T *)p[1], *B = (const T *)p[2];                                 \
    if (s[0] == eo && s[1] == es && s[2] == es) {                                       \
        for (int64_t i = 0; i < n; i++) {                                               \
            T a = A[i], b = B[i];                                                       \
            y[i] = (OUT_T)(EXPR);                                                       \
        }                                                                               \
    } else if (s[0] == eo && s[1] == es && s[2] == 0) {                                 \
        const T b = B[0];                                                               \
        for (int64_t i = 0; i < n; i++) {                                               \
            T a = A[i];                                                                 \
            y[i] = (OUT_T)(EXPR);                                                       \
        }                                                                               \
    } else if (s[0] == eo && s[1] == 0 && s[2] == es) {                                 \
        const T a = A[0];                                                               \
        for (int64_t i = 0; i < n; i++) {                                               \
            T b = B[i];                                                                 \
            y[i] = (OUT_T)(EXPR);                                                       \
        }                                                                               \
    } else {                                                                            \
        for (int64_t i = 0; i < n; i++) {                                               \
            T a = *(const T *)(p[1] + i * s[1]), b = *(const T *)(p[2] + i * s[2]);     \
            *(OUT_T *)(p[0] + i * s[0]) = (OUT_T)(EXPR);                                \
        }                                                                               \
    }

#define ROW(NAME, T, OUT_T, EXPR)                                                       \
    static void NAME(int64_t n, char *const *p, const int64_t *s, void *arg)            \
    {                                                                                   \
        BINARY_BODY(T, OUT_T, EXPR)                                                     \
    }

/* Floats: the maths as written. maximum/minimum return NaN when either side
 * is NaN (NumPy's maximum, not fmax). */
#define FLOAT_ROWS(T, SFX)                                                              \
    ROW(add_##SFX, T, T, a + b)                                                         \
    ROW(sub_##SFX, T, T, a - b)                                                         \
    ROW(mul_##SFX, T, T, a * b)                                                         \
    ROW(div_##SFX, T, T, a / b)                                                         \
    ROW(pow_##SFX, T, T, pow(a, b))                                                     \
    ROW(max_##SFX, T, T, a > b || isnan(a) ? a : b)                                     \
    ROW(min_##SFX, T, T, a < b || isnan(a) ? a : b)                                     \
    ROW(axpy_##SFX, T, T, a + (T)prm->alpha * b)

/* Integers: + - * in unsigned arithmetic, which wraps (signed overflow would
 * be undefined behaviour). */
#define INT_ROWS(T, U, SFX)                                                             \
    ROW(add_##SFX, T, T, (U)a + (U)b)                                                   \
    ROW(sub_##SFX, T, T, (U)a - (U)b)                                                   \
    ROW(mul_##SFX, T, T, (U)a * (U)b)                                                   \
    ROW(pow_##SFX, T, T, nb__int_pow(a, b))                                             \
    ROW(max_##SFX, T, T, a > b ? a : b)                                                 \
    ROW(min_##SFX, T, T, a < b ? a : b)                                                 \
    ROW(axpy_##SFX, T, T, (U)a + (U)(int64_t)prm->alpha * (U)b)

#define COMPARE_ROWS(T, SFX)                                                            \
    ROW(eq_##SFX, T, uint8_t, a == b)                                                   \
    ROW(ne_##SFX, T, uint8_t, a != b)                                                   \
    ROW(lt_##SFX, T, uint8_t, a < b)                                                    \
    ROW(le_##SFX, T, uint8_t, a <= b)                                                   \
    ROW(gt_##SFX, T, uint8_t, a > b)                                                    \
    ROW(ge_##SFX, T, uint8_t, a >= b)

FLOAT_ROWS(float, f32)
FLOAT_ROWS(double, f64)
INT_ROWS(int32_t, uint32_t, i32)
INT_ROWS(int64_t, uint64_t, i64)
COMPARE_ROWS(float, f32)
COMPARE_ROWS(double, f64)
COMPARE_ROWS(int32_t, i32)
COMPARE_ROWS(int64_t, i64)
COMPARE_ROWS(uint8_t, bool)

/* f32 + - * /: the three fast layouts through the vector kernels, the rest
 * through the plain row above. SV is the scalar-first call. */
#define VEC_ROW(OP, SV)                                                                 \
    static void OP##_vf32(int64_t n, char *const *p, const int64_t *s, void *arg)       \
    {                                                                                   \
        const int64_t e = (int64_t)sizeof(float);                                       \
        const nb_vmath *vm = ((const binary_arg *)arg)->vm;                             \
        bool stream = ((const binary_arg *)arg)->stream;                                \
        float *y = (float *)p[0];                                                       \
        const float *A = (const float *)p[1], *B = (const float *)p[2];                 \
        if (s[0] != e || (s[1] != e && s[1] != 0) || (s[2] != e && s[2] != 0) ||        \
            (s[1] == 0 && s[2] == 0))                                                   \
            OP##_f32(n, p, s, arg);                                                     \
        else if (s[1] == e && s[2] == e)                                                \
            vm->OP##_vv(n, A, B, y, stream);                                            \
        else if (s[2] == 0)                                                             \
            vm->OP##_vs(n, A, B[0], y, stream);                                         \
        else                                                                            \
            vm->SV(n, B, A[0], y, stream);                                              \
    }
VEC_ROW(add, add_vs) /* s + b = b + s */
VEC_ROW(sub, sub_sv)
VEC_ROW(mul, mul_vs)
VEC_ROW(div, div_sv)

/* Rows by op and compute type (NB_BOOL, NB_I32, NB_I64, NB_F32, NB_F64);
 * NULL where the pair is not computed (bool arithmetic is done in i32,
 * integer division in f32). */
#define ARITH(OP) {NULL, OP##_i32, OP##_i64, OP##_f32, OP##_f64}
#define VEC_ARITH(OP) {NULL, OP##_i32, OP##_i64, OP##_vf32, OP##_f64}
#define COMPARE(OP) {OP##_bool, OP##_i32, OP##_i64, OP##_f32, OP##_f64}
static const nb__row_fn rows[NB__BINOP_COUNT][5] = {
    [NB__ADD] = VEC_ARITH(add), [NB__SUB] = VEC_ARITH(sub), [NB__MUL] = VEC_ARITH(mul),
    [NB__DIV] = {NULL, NULL, NULL, div_vf32, div_f64},
    [NB__POW] = ARITH(pow), [NB__MAX] = ARITH(max), [NB__MIN] = ARITH(min),
    [NB__AXPY] = ARITH(axpy),
    [NB__EQ] = COMPARE(eq), [NB__NE] = COMPARE(ne), [NB__LT] = COMPARE(lt),
    [NB__LE] = COMPARE(le), [NB__GT] = COMPARE(gt), [NB__GE] = COMPARE(ge),
};

static bool is_compare(nb__binop op) { return op >= NB__EQ; }

nb_dtype nb__binary_result_dtype(nb__binop op, nb_dtype a, nb_dtype b)
{
    if (is_compare(op)) return NB_BOOL;
    nb_dtype d = nb_promote_types(a, b);
    if (d == NB_BOOL) d = NB_I32;
    if (op == NB__DIV && !nb_dtype_is_float(d)) d = NB_F32;
    return d;
}

/* Whether x reads memory that out writes, other than element for element. */
static bool overlaps_differently(const nb_tensor *x, const nb_tensor *out)
{
    if (x->storage != out->storage) return false;
    if (x->offset != out->offset || x->dtype != out->dtype || x->ndim != out->ndim) return true;
    for (int i = 0; i < x->ndim; i++)
        if (x->shape[i] != out->shape[i] || x->strides[i] != out->strides[i]) return true;
    return false;
}

/* An operand ready for the kernel: converted to the compute type and copied
 * away from out when they overlap. Temporaries go in *tmp, made on demand. */
static nb_tensor *prepare(nb_tensor *x, nb_dtype ct, const nb_tensor *out, nb_ctx *ctx,
                          nb_ctx **tmp)
{
    bool convert = x->dtype != ct, copy = overlaps_differently(x, out);
    if (!convert && !copy) return x;
    if (!ctx) ctx = *tmp ? *tmp : (*tmp = nb_ctx_new());
    if (!ctx) return NULL;
    return convert ? nb__as_dtype(ctx, x, ct) : nb_clone(ctx, x);
}

/* The first negative exponent of an integer pow, found in C order. */
typedef struct {
    bool found;
    int64_t value;
} negative_search;

#define FIND_NEGATIVE_ROW(T)                                                            \
    static void find_negative_##T(int64_t n, char *const *p, const int64_t *s, void *arg) \
    {                                                                                   \
        negative_search *q = arg;                                                       \
        for (int64_t i = 0; i < n && !q->found; i++) {                                  \
            T e = *(const T *)(p[0] + i * s[0]);                                        \
            if (e < 0) *q = (negative_search){true, e};                                 \
        }                                                                               \
    }
FIND_NEGATIVE_ROW(int32_t)
FIND_NEGATIVE_ROW(int64_t)

/* Integers to negative integer powers are refused, as NumPy and torch do:
 * the answer is a fraction, which an integer result would silently make 0.
 * exponent is already in the integer compute type ct. */
static int check_int_exponent(const char *api, const nb_tensor *exponent, nb_dtype ct)
{
    if (ct != NB_I32 && ct != NB_I64) return 0;
    negative_search q = {false, 0};
    nb__loop L;
    nb__loop_init(&L, exponent->ndim, exponent->shape);
    nb__loop_add(&L, exponent);
    nb__loop_run_ordered(&L, ct == NB_I32 ? find_negative_int32_t : find_negative_int64_t, &q);
    if (!q.found) return 0;
    nb__error("%s: integers to negative integer powers are not allowed (exponent %lld); "
              "cast to a float type first",
              api, (long long)q.value);
    return -1;
}

/* A float result written into an integer tensor would be truncated (0 + 1.5
 * giving 1), so it is refused, as torch does ("result type Float can't be
 * cast to the desired output type Int") and as nb_scale_ and nb_axpy_ refuse
 * a fractional factor. Integer division keeps its own message below. */
static int check_no_truncation(const char *api, const nb_tensor *out, const nb_tensor *a,
                               const nb_tensor *b)
{
    nb_dtype result = nb_promote_types(a->dtype, b->dtype);
    if ((out->dtype != NB_I32 && out->dtype != NB_I64) || !nb_dtype_is_float(result)) return 0;
    nb__error("%s: cannot write %s results into an %s %s", api, nb_dtype_name(result),
              nb_dtype_name(out->dtype), out == a ? "tensor in place" : "destination");
    return -1;
}

static int binary_into(const char *api, nb_ctx *scratch, nb_tensor *out, nb_tensor *a,
                       nb_tensor *b, nb__binop op, double alpha)
{
    NB_REQUIRE_INT_IN(api, out);
    NB_REQUIRE_INT_IN(api, a);
    NB_REQUIRE_INT_IN(api, b);
    int ndim;
    int64_t shape[NB_MAX_DIMS];
    if (nb__broadcast_shapes(api, a->ndim, a->shape, b->ndim, b->shape, &ndim, shape)) return -1;
    char s1[NB_SHAPE_STR_MAX], s2[NB_SHAPE_STR_MAX];
    int lead = out->ndim - ndim; /* a and b together broadcast to out's shape */
    bool fits = lead >= 0;
    for (int i = 0; fits && i < ndim; i++) fits = shape[i] == 1 || shape[i] == out->shape[lead + i];
    if (!fits) {
        nb__error("%s: result shape %s does not match the destination's %s", api,
                  nb__shape_str(s1, sizeof s1, ndim, shape),
                  nb__shape_str(s2, sizeof s2, out->ndim, out->shape));
        return -1;
    }
    if (!is_compare(op) && check_no_truncation(api, out, a, b)) return -1;
    nb_dtype ct = is_compare(op) ? nb_promote_types(a->dtype, b->dtype) : out->dtype;
    if (is_compare(op) ? out->dtype != NB_BOOL : !rows[op][ct]) {
        nb__error("%s: cannot write the result into a %s destination", api,
                  nb_dtype_name(out->dtype));
        return -1;
    }
    if (nb__check_writable(api, out)) return -1;
    nb_ctx *tmp = NULL;
    nb_tensor *pa = prepare(a, ct, out, scratch, &tmp);
    nb_tensor *pb = pa ? prepare(b, ct, out, scratch, &tmp) : NULL;
    if (pb && op == NB__POW && check_int_exponent(api, pb, ct)) pb = NULL;
    if (pb) {
        nb__loop L;
        nb__loop_init(&L, out->ndim, out->shape);
        nb__loop_add(&L, out);
        nb__loop_add(&L, pa);
        nb__loop_add(&L, pb);
        binary_arg prm = {alpha,
                          nb_is_contiguous(out) &&
                              nb_numel(out) * (int64_t)nb_dtype_size(out->dtype) >= NB_STREAM_MIN_BYTES,
                          nb__vmath()};
        L.fence = prm.stream;
        nb__loop_run(&L, rows[op][ct], &prm);
        nb__bump_version(out);
    }
    nb_ctx_free(tmp);
    return pb ? 0 : -1;
}

/* In-place and out= writes are not recorded: the depth guard only keeps the
 * copies made on the way (nb_clone of an overlapping operand) from being
 * recorded either. */
int nb__binary_into(const char *api, nb_ctx *scratch, nb_tensor *out, nb_tensor *a,
                    nb_tensor *b, nb__binop op, double alpha)
{
    NB_OP_BEGIN();
    int rc = binary_into(api, scratch, out, a, b, op, alpha);
    nb__op_depth--;
    return rc;
}

static nb_tensor *binary(const char *api, nb_ctx *ctx, nb_tensor *a, nb_tensor *b, nb__binop op)
{
    NB_REQUIRE_IN(api, a);
    NB_REQUIRE_IN(api, b);
    int ndim;
    int64_t shape[NB_MAX_DIMS];
    if (nb__broadcast_shapes(api, a->ndim, a->shape, b->ndim, b->shape, &ndim, shape)) return NULL;
    nb_tensor *out = nb__alloc(api, ctx, nb__binary_result_dtype(op, a->dtype, b->dtype), ndim, shape);
    if (!out || binary_into(api, ctx, out, a, b, op, 0)) return NULL;
    return out;
}

static nb__op_site binary_sites[NB__BINOP_COUNT] = {
    [NB__ADD] = {.name = "add"},     [NB__SUB] = {.name = "sub"},
    [NB__MUL] = {.name = "mul"},     [NB__DIV] = {.name = "div"},
    [NB__POW] = {.name = "pow"},     [NB__MAX] = {.name = "maximum"},
    [NB__MIN] = {.name = "minimum"}, [NB__AXPY] = {.name = "axpy"},
    [NB__EQ] = {.name = "eq"},       [NB__NE] = {.name = "ne"},
    [NB__LT] = {.name = "lt"},       [NB__LE] = {.name = "le"},
    [NB__GT] = {.name = "gt"},       [NB__GE] = {.name = "ge"},
};

nb_tensor *nb__binary(const char *api, nb_ctx *ctx, nb_tensor *a, nb_tensor *b, nb__binop op)
{
    NB_OP_BEGIN_IN(api, ctx);
    nb_tensor *out = binary(api, ctx, a, b, op);
    return nb__op_end(&binary_sites[op], ctx, out, (nb_tensor *[]){a, b}, 2, NULL, 0);
}

#define BINARY_API(NAME, OP) \
    nb_tensor *nb_##NAME(nb_ctx *ctx, nb_tensor *a, nb_tensor *b) \
    { \
        return nb__binary(__func__, ctx, a, b, OP); \
    }

BINARY_API(add, NB__ADD)
BINARY_API(sub, NB__SUB)
BINARY_API(mul, NB__MUL)
BINARY_API(div, NB__DIV)
BINARY_API(pow, NB__POW)
BINARY_API(maximum, NB__MAX)
BINARY_API(minimum, NB__MIN)
BINARY_API(eq, NB__EQ)
BINARY_API(ne, NB__NE)
BINARY_API(lt, NB__LT)
BINARY_API(le, NB__LE)
BINARY_API(gt, NB__GT)
BINARY_API(ge, NB__GE)

/* ---- scalar operands ------------------------------------------------------ */

/* A 0-d tensor holding s in the type the other operand would give it: its own
 * float type, its integer type for integral s, else f32. */
nb_tensor *nb__scalar_like(nb_ctx *ctx, const nb_tensor *x, double s)
{
    nb_dtype d = x->dtype == NB_BOOL ? NB_I32 : x->dtype;
    if (!nb_dtype_is_float(d) && (s != floor(s) || fabs(s) > 9e15)) d = NB_F32;
    return nb_scalar(ctx, d, s);
}

static nb_tensor *with_scalar(const char *api, nb_ctx *ctx, nb_tensor *a, double s, nb__binop op,
                              bool scalar_first)
{
    NB_REQUIRE_IN(api, a);
    if (nb__check_ctx(api, ctx)) return NULL;
    nb_tensor *c = nb__scalar_like(ctx, a, s);
    if (!c) return NULL;
    return scalar_first ? nb__binary(api, ctx, c, a, op) : nb__binary(api, ctx, a, c, op);
}

nb_tensor *nb_add_scalar(nb_ctx *ctx, nb_tensor *a, double s) { return with_scalar(__func__, ctx, a, s, NB__ADD, false); }
nb_tensor *nb_sub_scalar(nb_ctx *ctx, nb_tensor *a, double s) { return with_scalar(__func__, ctx, a, s, NB__SUB, false); }
nb_tensor *nb_mul_scalar(nb_ctx *ctx, nb_tensor *a, double s) { return with_scalar(__func__, ctx, a, s, NB__MUL, false); }
nb_tensor *nb_div_scalar(nb_ctx *ctx, nb_tensor *a, double s) { return with_scalar(__func__, ctx, a, s, NB__DIV, false); }
nb_tensor *nb_rsub_scalar(nb_ctx *ctx, nb_tensor *a, double s) { return with_scalar(__func__, ctx, a, s, NB__SUB, true); }
nb_tensor *nb_rdiv_scalar(nb_ctx *ctx, nb_tensor *a, double s) { return with_scalar(__func__, ctx, a, s, NB__DIV, true); }

/* ---- where ---------------------------------------------------------------- */

/* Each element is picked with a mask, (a & m) | (b & ~m) with m all ones
 * where cond holds, rather than a branch: a mask's pattern is data the branch
 * predictor cannot learn, and the select form vectorises. Both values are
 * read (they always exist), and the bits are copied, NaN payloads included.
 * Contiguous rows, with b or a possibly one broadcast value, get their own
 * loops, whose constant strides the compiler vectorises. */
#define WHERE_ROW(T)                                                                    \
    static inline T select_##T(uint8_t c, T a, T b)                                     \
    {                                                                                   \
        T m = (T)0 - (T)(c != 0);                                                       \
        return (T)((a & m) | (b & (T)~m));                                              \
    }                                                                                   \
    static void where_##T(int64_t n, char *const *p, const int64_t *s, void *arg)       \
    {                                                                                   \
        (void)arg;                                                                      \
        const int64_t es = (int64_t)sizeof(T);                                          \
        T *restrict o = (T *)p[0];                                                      \
        const uint8_t *restrict c = (const uint8_t *)p[1];                              \
        const T *restrict a = (const T *)p[2], *restrict b = (const T *)p[3];           \
        if (s[0] == es && s[1] == 1 && s[2] == es && s[3] == es) {                      \
            for (int64_t i = 0; i < n; i++) o[i] = select_##T(c[i], a[i], b[i]);        \
        } else if (s[0] == es && s[1] == 1 && s[2] == es && s[3] == 0) {                \
            T bv = *b;                                                                  \
            for (int64_t i = 0; i < n; i++) o[i] = select_##T(c[i], a[i], bv);          \
        } else if (s[0] == es && s[1] == 1 && s[2] == 0 && s[3] == es) {                \
            T av = *a;                                                                  \
            for (int64_t i = 0; i < n; i++) o[i] = select_##T(c[i], av, b[i]);          \
        } else {                                                                        \
            for (int64_t i = 0; i < n; i++)                                             \
                *(T *)(p[0] + i * s[0]) = select_##T(*(const uint8_t *)(p[1] + i * s[1]), \
                                                     *(const T *)(p[2] + i * s[2]),     \
                                                     *(const T *)(p[3] + i * s[3]));    \
        }                                                                               \
    }
WHERE_ROW(uint8_t)
WHERE_ROW(uint32_t)
WHERE_ROW(uint64_t)

static nb_tensor *where(nb_ctx *ctx, nb_tensor *cond, nb_tensor *a, nb_tensor *b)
{
    NB_REQUIRE_IN("nb_where", cond);
    NB_REQUIRE_IN("nb_where", a);
    NB_REQUIRE_IN("nb_where", b);
    int nd1, ndim;
    int64_t s1[NB_MAX_DIMS], shape[NB_MAX_DIMS];
    if (nb__broadcast_shapes("nb_where", a->ndim, a->shape, b->ndim, b->shape, &nd1, s1) ||
        nb__broadcast_shapes("nb_where", cond->ndim, cond->shape, nd1, s1, &ndim, shape))
        return NULL;
    nb_dtype d = nb_promote_types(a->dtype, b->dtype);
    nb_tensor *c = nb__as_dtype(ctx, cond, NB_BOOL);
    nb_tensor *pa = c ? nb__as_dtype(ctx, a, d) : NULL;
    nb_tensor *pb = pa ? nb__as_dtype(ctx, b, d) : NULL;
    nb_tensor *out = pb ? nb__alloc("nb_where", ctx, d, ndim, shape) : NULL;
    if (!out) return NULL;
    nb__loop L;
    nb__loop_init(&L, ndim, shape);
    nb__loop_add(&L, out);
    nb__loop_add(&L, c);
    nb__loop_add(&L, pa);
    nb__loop_add(&L, pb);
    size_t es = nb_dtype_size(d);
    nb__loop_run(&L, es == 1 ? where_uint8_t : es == 4 ? where_uint32_t : where_uint64_t, NULL);
    return out;
}

nb_tensor *nb_where(nb_ctx *ctx, nb_tensor *cond, nb_tensor *a, nb_tensor *b)
{
    static nb__op_site site = {.name = "where"};
    NB_OP_BEGIN_IN(__func__, ctx);
    nb_tensor *out = where(ctx, cond, a, b);
    return nb__op_end(&site, ctx, out, (nb_tensor *[]){cond, a, b}, 3, NULL, 0);
}
