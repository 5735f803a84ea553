/* tensor/kernels/vmath.h — vector kernels for f32 elementwise maths,
 * reductions and softmax rows (private to tensor/).
 *
 * One algorithm per function, written once in vmath_template.h over a small
 * vector vocabulary and compiled three times: AVX-512 (vmath_avx512.c), AVX2
 * with FMA (vmath_avx2.c) and portable C (vmath_portable.c), each with its
 * own compiler flags. nb__vmath() hands out the table of the path nb__isa()
 * chose, so one binary runs on any x86-64 and NABLA_ISA can force a lower
 * path for testing (see kernels.h).
 *
 * Every function takes contiguous arrays and validated arguments; the tensor
 * ops above (unary.c, binary.c, reduce.c, softmax.c) deal with layouts,
 * threads and errors. Outputs may be the inputs (in place), never a
 * different overlap.
 *
 * Accuracy of the maths functions (f32): under 2 ulp of the correctly
 * rounded result over the whole float range, denormals, infinities and NaN
 * included (tests/tensor/test_vmath.c sweeps it); the error budget of each
 * is worked out beside its code in vmath_template.h.
 *
 * Sums are reproducible: a sum over n floats adds element i into lane i mod
 * NB_VMATH_LANES of an array of double accumulators, in index order, and
 * combines the lanes in a fixed pairwise tree. Nothing depends on the vector
 * width, so the same bits come out of every path, and callers that split
 * work into fixed blocks get the same bits for any thread count. */
#ifndef NB_TENSOR_VMATH_H
#define NB_TENSOR_VMATH_H

#include <stdbool.h>
#include <stdint.h>

#include "kernels.h"

#define NB_VMATH_LANES 32

/* y[i] = f(x[i]) for i < n. With `stream`, y is written with non-temporal
 * stores, which do not read y's lines into the cache first and do not keep
 * them there: for outputs too big to stay in cache anyway (the callers use
 * NB_STREAM_MIN_BYTES). tanh, sigmoid and gelu, bound by arithmetic, ignore it.
 * The caller then calls nb__vmath_fence() once on each thread that streamed,
 * before the data are handed on. */
typedef void (*nb__vmap_fn)(int64_t n, const float *x, float *y, bool stream);
/* y[i] = a[i] op b[i] */
typedef void (*nb__vbin_fn)(int64_t n, const float *a, const float *b, float *y, bool stream);
/* y[i] = a[i] op s (or s op a[i] for the _sv forms) */
typedef void (*nb__vbin_scalar_fn)(int64_t n, const float *a, float s, float *y, bool stream);

typedef struct nb_vmath {
    const char *isa; /* "avx512", "avx2", "portable" */

    /* Maths functions, correctly handling every special value:
     *   exp: e^x; overflows to +inf past ln(FLT_MAX), denormal below ln(FLT_MIN)
     *   log: natural log; log(0) = -inf, log(x < 0) = NaN, log(+inf) = +inf
     *   tanh, sigmoid = 1 / (1 + e^-x)
     *   gelu = x Phi(x) = x/2 erfc(-x/sqrt 2), accurate in the far negative tail
     *        (gelu(-10) = -7.6e-23, not the 0 that 1 + erf gives); gelu(-inf) is
     *        NaN, as x/2 erfc(inf) = -inf * 0 is, and as PyTorch returns
     *   relu: x < 0 ? 0 : x (NaN and -0 pass through) */
    nb__vmap_fn exp, log, tanh, sigmoid, gelu, relu;

    /* Arithmetic: _vv both arrays, _vs array op scalar, _sv scalar op array. */
    nb__vbin_fn add_vv, sub_vv, mul_vv, div_vv;
    nb__vbin_scalar_fn add_vs, sub_vs, mul_vs, div_vs, sub_sv, div_sv;

    /* Reductions over n contiguous elements (n >= 0), in the lane order
     * described above: sum x, sum (x - c)^2 (the c given in double and the
     * difference taken in double), sum e^(x - c) (the difference and the exp
     * in f32: what softmax and logsumexp need). */
    double (*sum_f32)(int64_t n, const float *x);
    double (*sum_f64)(int64_t n, const double *x);
    double (*sumsq_dev_f32)(int64_t n, const float *x, double c);
    double (*sumsq_dev_f64)(int64_t n, const double *x, double c);
    double (*sum_exp_f32)(int64_t n, const float *x, float c);
    /* Column sums: acc[i] = (((acc[i] + x0[i]) + x1[i]) + x2[i]) + x3[i] for
     * i < n, in double, each addition rounded on its own (so it is the
     * same as adding the rows one at a time). */
    void (*add_rows4_f32)(int64_t n, double *acc, const float *x0, const float *x1,
                          const float *x2, const float *x3);
    void (*add_rows4_f64)(int64_t n, double *acc, const double *x0, const double *x1,
                          const double *x2, const double *x3);
    /* The largest / smallest element, NaN if any element is NaN; n >= 1. */
    float (*max_f32)(int64_t n, const float *x);
    float (*min_f32)(int64_t n, const float *x);

    /* One softmax row: y = exp(x - m) / sum exp(x - m) or, with log_space,
     * y = x - m - log(sum exp(x - m)), m the row's max (NaN if any x is;
     * 0 when every x is -inf, giving NaN, as the plain formula does). */
    void (*softmax_row)(int64_t n, const float *x, float *y, bool log_space);
} nb_vmath;

/* Orders this thread's non-temporal stores before what it does next (SFENCE
 * on x86). Not in the kernels themselves: a fence waits for the write-
 * combining buffers to drain, and one per 4 KB row took a [N,D] + [D] bias
 * add from 1.8 ms to 2.7 ms (10M floats). */
void nb__vmath_fence(void);

/* The table of the path nb__isa() chose. */
const nb_vmath *nb__vmath(void);
/* The table of a given path (tests compare paths; the caller checks that the
 * CPU can run it, e.g. isa <= nb__isa() without NABLA_ISA). */
const nb_vmath *nb__vmath_for(nb_isa isa);

/* The per-path tables (vmath_<path>.c); the AVX ones exist on x86-64 only.
 * Functions rather than exported data: a plugin built with a static copy of
 * libnabla (which the registry refuses, after loading it) must not bring a
 * second definition of a global into the process. */
const nb_vmath *nb__vmath_portable(void);
const nb_vmath *nb__vmath_avx2(void);
const nb_vmath *nb__vmath_avx512(void);

#endif
