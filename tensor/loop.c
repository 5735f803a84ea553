/* tensor/loop.c — the strided loop driver behind every elementwise kernel,
 * broadcasting of shapes, and dtype conversion.
 *
 * An elementwise op over tensors of any layout is reduced to calls of a row
 * function on 1-D runs (length, pointers, byte strides). Before running, axes
 * are simplified: size-1 axes are dropped and neighbouring axes merged when
 * every operand steps through them as one (stride[i] == stride[i+1] *
 * shape[i+1]); a contiguous tensor, however many axes it has, becomes a
 * single row, and the row function's contiguous branch vectorises. */
#include <string.h>

#include "kernels/vmath.h"
#include "tensor_internal.h"

#ifdef _OPENMP
#include <omp.h>
#endif

int nb__broadcast_shapes(const char *op, int na, const int64_t *sa, int nb,
                         const int64_t *sb, int *out_ndim, int64_t *out)
{
    int n = na > nb ? na : nb;
    for (int i = 0; i < n; i++) { /* align from the right */
        int64_t x = i < n - na ? 1 : sa[i - (n - na)];
        int64_t y = i < n - nb ? 1 : sb[i - (n - nb)];
        if (x != y && x != 1 && y != 1) {
            char s1[NB_SHAPE_STR_MAX], s2[NB_SHAPE_STR_MAX];
            nb__error("%s: shapes %s and %s cannot be broadcast", op,
                      nb__shape_str(s1, sizeof s1, na, sa), nb__shape_str(s2, sizeof s2, nb, sb));
            return -1;
        }
        out[i] = x == 1 ? y : x;
    }
    *out_ndim = n;
    return 0;
}

void nb__loop_init(nb__loop *L, int ndim, const int64_t *shape)
{
    L->min_parallel = NB_PARALLEL_MIN_ELEMS;
    L->fence = false;
    L->nops = 0; /* nb__loop_add fills every field it will read */
    L->ndim = ndim;
    for (int i = 0; i < ndim; i++) L->shape[i] = shape[i];
}

void nb__loop_add(nb__loop *L, const nb_tensor *t)
{
    int k = L->nops++;
    int64_t es = (int64_t)nb_dtype_size(t->dtype);
    L->base[k] = nb__base_ptr(t);
    int lead = L->ndim - t->ndim;
    for (int i = 0; i < L->ndim; i++) {
        int j = i - lead;
        bool broadcast = j < 0 || (t->shape[j] == 1 && L->shape[i] != 1);
        L->strides[k][i] = broadcast ? 0 : t->strides[j] * es;
    }
}

/* Drops size-1 axes and merges axes every operand walks as one. Leaves at
 * least one axis. */
static void simplify(nb__loop *L)
{
    int out = 0;
    for (int i = 0; i < L->ndim; i++) {
        if (L->shape[i] == 1) continue;
        bool merge = out > 0;
        for (int k = 0; k < L->nops && merge; k++)
            merge = L->strides[k][out - 1] == L->strides[k][i] * L->shape[i];
        if (merge) {
            L->shape[out - 1] *= L->shape[i];
            for (int k = 0; k < L->nops; k++) L->strides[k][out - 1] = L->strides[k][i];
        } else {
            L->shape[out] = L->shape[i];
            for (int k = 0; k < L->nops; k++) L->strides[k][out] = L->strides[k][i];
            out++;
        }
    }
    if (out == 0) {
        L->shape[0] = 1;
        for (int k = 0; k < L->nops; k++) L->strides[k][0] = 0;
        out = 1;
    }
    L->ndim = out;
}

/* Rows [r0, r1) of the simplified loop, elements [j0, j1) of each row. The
 * outer index is walked like an odometer so a row costs no division. */
static void run_rows(const nb__loop *L, int64_t r0, int64_t r1, int64_t j0, int64_t j1,
                     nb__row_fn fn, void *arg)
{
    int outer = L->ndim - 1;
    int64_t idx[NB_MAX_DIMS] = {0};
    char *ptr[NB_LOOP_MAX_OPS];
    int64_t inner[NB_LOOP_MAX_OPS];
    int64_t rest = r0;
    for (int d = outer - 1; d >= 0; d--) {
        idx[d] = rest % L->shape[d];
        rest /= L->shape[d];
    }
    for (int k = 0; k < L->nops; k++) {
        inner[k] = L->strides[k][outer];
        ptr[k] = L->base[k] + j0 * inner[k];
        for (int d = 0; d < outer; d++) ptr[k] += idx[d] * L->strides[k][d];
    }
    for (int64_t r = r0; r < r1; r++) {
        fn(j1 - j0, ptr, inner, arg);
        for (int d = outer - 1; d >= 0; d--) { /* next row */
            for (int k = 0; k < L->nops; k++) ptr[k] += L->strides[k][d];
            if (++idx[d] < L->shape[d]) break;
            for (int k = 0; k < L->nops; k++) ptr[k] -= L->shape[d] * L->strides[k][d];
            idx[d] = 0;
        }
    }
    if (L->fence) nb__vmath_fence(); /* once per thread, after all its rows */
}

static int threads_for(const nb__loop *L, int64_t total)
{
#ifdef _OPENMP
    if (total < L->min_parallel || omp_in_parallel()) return 1;
    return omp_get_max_threads();
#else
    (void)L, (void)total;
    return 1;
#endif
}

/* Contiguous (or scalar) operands of a small loop: one row, no set-up. */
static bool run_flat(const nb__loop *L, nb__row_fn fn, void *arg)
{
    int64_t n = 1;
    for (int i = 0; i < L->ndim; i++) n *= L->shape[i];
    if (n >= L->min_parallel) return false;
    int64_t strides[NB_LOOP_MAX_OPS];
    for (int k = 0; k < L->nops; k++) {
        /* contiguous in C order means each stride is the product of the sizes after it */
        int64_t expect = L->ndim ? L->strides[k][L->ndim - 1] : 0, step = expect;
        for (int i = L->ndim - 1; i >= 0; i--) {
            if (L->shape[i] != 1 && L->strides[k][i] != expect) return false;
            expect *= L->shape[i];
        }
        strides[k] = step;
    }
    if (n) fn(n, (char *const *)L->base, strides, arg);
    if (L->fence) nb__vmath_fence();
    return true;
}

static void run(nb__loop *L, nb__row_fn fn, void *arg, bool may_split)
{
    if (run_flat(L, fn, arg)) return;
    for (int i = 0; i < L->ndim; i++)
        if (L->shape[i] == 0) return;
    simplify(L);
    int64_t n = L->shape[L->ndim - 1], rows = 1;
    for (int i = 0; i < L->ndim - 1; i++) rows *= L->shape[i];
    int threads = may_split ? threads_for(L, rows * n) : 1;
    if (threads <= 1) {
        run_rows(L, 0, rows, 0, n, fn, arg);
        return;
    }
#ifdef _OPENMP
    if (rows >= 2 * threads) { /* whole rows to each thread */
#pragma omp parallel for schedule(static) num_threads(threads)
        for (int t = 0; t < threads; t++)
            run_rows(L, rows * t / threads, rows * (t + 1) / threads, 0, n, fn, arg);
    } else { /* few long rows: split each row, at multiples of 16 elements
              * (a 64-byte line of floats) so no thread starts mid-vector */
        for (int64_t r = 0; r < rows; r++) {
#pragma omp parallel for schedule(static) num_threads(threads)
            for (int t = 0; t < threads; t++)
                run_rows(L, r, r + 1, n * t / threads / 16 * 16,
                         t + 1 == threads ? n : n * (t + 1) / threads / 16 * 16, fn, arg);
        }
    }
#endif
}

void nb__loop_run(nb__loop *L, nb__row_fn fn, void *arg) { run(L, fn, arg, true); }

void nb__loop_run_ordered(nb__loop *L, nb__row_fn fn, void *arg) { run(L, fn, arg, false); }

/* ---- dtype conversion ---------------------------------------------------- */

#define CONVERT_ROW(NAME, SRC_T, DST_T, EXPR)                                           \
    static void NAME(int64_t n, char *const *p, const int64_t *s, void *arg)            \
    {                                                                                   \
        (void)arg;                                                                      \
        for (int64_t i = 0; i < n; i++) {                                               \
            SRC_T x = *(const SRC_T *)(p[1] + i * s[1]);                                \
            *(DST_T *)(p[0] + i * s[0]) = (DST_T)(EXPR);                                \
        }                                                                               \
    }

/* Exact conversions get direct loops; anything that can go out of range goes
 * through nb__store, which saturates instead of invoking undefined
 * behaviour. */
CONVERT_ROW(f32_to_f64, float, double, x)
CONVERT_ROW(f64_to_f32, double, float, x)
CONVERT_ROW(i32_to_f32, int32_t, float, x)
CONVERT_ROW(i32_to_f64, int32_t, double, x)
CONVERT_ROW(i64_to_f32, int64_t, float, x)
CONVERT_ROW(i64_to_f64, int64_t, double, x)
CONVERT_ROW(i32_to_i64, int32_t, int64_t, x)
CONVERT_ROW(bool_to_f32, uint8_t, float, x)
CONVERT_ROW(bool_to_i64, uint8_t, int64_t, x)
CONVERT_ROW(bool_to_i32, uint8_t, int32_t, x)

typedef struct {
    nb_dtype from, to;
} convert_arg;

static void generic_row(int64_t n, char *const *p, const int64_t *s, void *arg)
{
    const convert_arg *c = arg;
    for (int64_t i = 0; i < n; i++)
        nb__store(p[0] + i * s[0], c->to, nb__load(p[1] + i * s[1], c->from));
}

static void same_row(int64_t n, char *const *p, const int64_t *s, void *arg)
{
    size_t es = *(const size_t *)arg;
    if (s[0] == (int64_t)es && s[1] == (int64_t)es) {
        memmove(p[0], p[1], (size_t)n * es);
        return;
    }
    for (int64_t i = 0; i < n; i++) memcpy(p[0] + i * s[0], p[1] + i * s[1], es);
}

static nb__row_fn convert_fn(nb_dtype from, nb_dtype to)
{
#define CASE(F, T, FN) \
    if (from == F && to == T) return FN;
    CASE(NB_F32, NB_F64, f32_to_f64)
    CASE(NB_F64, NB_F32, f64_to_f32)
    CASE(NB_I32, NB_F32, i32_to_f32)
    CASE(NB_I32, NB_F64, i32_to_f64)
    CASE(NB_I64, NB_F32, i64_to_f32)
    CASE(NB_I64, NB_F64, i64_to_f64)
    CASE(NB_I32, NB_I64, i32_to_i64)
    CASE(NB_BOOL, NB_F32, bool_to_f32)
    CASE(NB_BOOL, NB_I64, bool_to_i64)
    CASE(NB_BOOL, NB_I32, bool_to_i32)
#undef CASE
    return generic_row;
}

void nb__convert_into(nb_tensor *dst, const nb_tensor *src)
{
    nb__loop L;
    nb__loop_init(&L, dst->ndim, dst->shape);
    nb__loop_add(&L, dst);
    nb__loop_add(&L, src);
    if (dst->dtype == src->dtype) {
        size_t es = nb_dtype_size(dst->dtype);
        nb__loop_run(&L, same_row, &es);
        return;
    }
    convert_arg c = {src->dtype, dst->dtype};
    nb__loop_run(&L, convert_fn(src->dtype, dst->dtype), &c);
}

nb_tensor *nb__as_dtype(nb_ctx *ctx, nb_tensor *t, nb_dtype dtype)
{
    if (t->dtype == dtype) return t;
    nb_tensor *out = nb__alloc("nb_cast", ctx, dtype, t->ndim, t->shape);
    if (out) nb__convert_into(out, t);
    return out;
}
