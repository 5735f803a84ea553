/* tensor/kernels/gemm_kernel.h — what one instruction-set path gives the GEMM
 * driver (private to tensor/kernels).
 *
 * The driver in gemm.c (blocking, threads, beta, batching) is written once;
 * each path (portable C, AVX2+FMA, AVX-512) supplies, per element type, a
 * table with its register-tile shape, its cache-block sizes, a micro-kernel
 * and two packing routines. The tables are made by ukernel_template.h, which
 * each path's file includes once per element type. */
#ifndef NB_TENSOR_GEMM_KERNEL_H
#define NB_TENSOR_GEMM_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

/* Micro-kernel: with a = one packed MR-row micro-panel of op(A) and b = one
 * packed NR-column micro-panel of op(B), both kc deep,
 *     C[0:m, 0:n] = alpha * (a b) + beta * C[0:m, 0:n]      (m <= MR, n <= NR)
 * computed in registers; beta == 0 means C is not read.
 *
 * pack_a: copies op(A)[0:m, 0:kc] (m <= MR) into one micro-panel laid out
 * k-major, dst[p * MR + i] = op(A)[i][p], rows m..MR-1 zero-filled, so the
 * micro-kernel reads it front to back. trans says A is stored K x M.
 * pack_b: likewise op(B)[0:kc, 0:n] (n <= NR), dst[p * NR + j] = op(B)[p][j].
 *
 * Block sizes are in elements; see gemm.c for what each one is sized to fit. */
typedef struct nb_gemm_impl_f32 {
    int mr, nr;           /* register tile of C */
    int64_t kc, mc, nc;   /* cache blocks: depth, rows of A, columns of B per thread */
    void (*kernel)(int64_t kc, const float *a, const float *b, float *c, int64_t ldc,
                   int m, int n, float alpha, float beta);
    void (*pack_a)(bool trans, int m, int64_t kc, const float *a, int64_t lda, float *dst);
    void (*pack_b)(bool trans, int n, int64_t kc, const float *b, int64_t ldb, float *dst);
} nb_gemm_impl_f32;

typedef struct nb_gemm_impl_f64 {
    int mr, nr;
    int64_t kc, mc, nc;
    void (*kernel)(int64_t kc, const double *a, const double *b, double *c, int64_t ldc,
                   int m, int n, double alpha, double beta);
    void (*pack_a)(bool trans, int m, int64_t kc, const double *a, int64_t lda, double *dst);
    void (*pack_b)(bool trans, int n, int64_t kc, const double *b, int64_t ldb, double *dst);
} nb_gemm_impl_f64;

extern const nb_gemm_impl_f32 nb__gemm_portable_f32;
extern const nb_gemm_impl_f64 nb__gemm_portable_f64;
#if defined(__x86_64__)
extern const nb_gemm_impl_f32 nb__gemm_avx2_f32, nb__gemm_avx512_f32;
extern const nb_gemm_impl_f64 nb__gemm_avx2_f64, nb__gemm_avx512_f64;
#endif

#endif
