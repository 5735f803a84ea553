/* tensor/kernels/kernels.h — compute kernels behind the tensor ops.
 *
 * Everything here takes raw pointers and validated arguments: the tensor ops
 * above check shapes and dtypes and report errors; the kernels just compute. */
#ifndef NB_TENSOR_KERNELS_H
#define NB_TENSOR_KERNELS_H

#include <stdbool.h>
#include <stdint.h>

/* Instruction-set paths, best last. The best one the CPU supports is chosen
 * once, at first use, from CPUID; the environment variable NABLA_ISA
 * (portable | avx2 | avx512) forces a lower one, for testing. */
typedef enum nb_isa { NB_ISA_PORTABLE = 0, NB_ISA_AVX2 = 1, NB_ISA_AVX512 = 2 } nb_isa;

nb_isa nb__isa(void);
const char *nb__isa_label(nb_isa isa); /* "portable", "avx2", "avx512" */

/* General matrix multiply, row-major, BLAS semantics:
 *     C[M,N] = alpha * op(A)[M,K] * op(B)[K,N] + beta * C
 * op(A) = A (stored M x K, row stride lda) or, with trans_a, A^T where A is
 * stored K x M (row stride lda); likewise B. beta == 0 means C is written
 * without being read (NaNs in C do not propagate). Work is split across
 * threads by output tiles only, never along K, so the result is bitwise the
 * same for any thread count. Returns 0, or -1 (with nb__error) when scratch
 * memory cannot be had. */
int nb__gemm_f32(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha,
                 const float *A, int64_t lda, const float *B, int64_t ldb, float beta,
                 float *C, int64_t ldc);
int nb__gemm_f64(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, double alpha,
                 const double *A, int64_t lda, const double *B, int64_t ldb, double beta,
                 double *C, int64_t ldc);

/* `batch` independent products; matrix i of A starts at A + i * stride_a
 * (elements; a stride of 0 reuses one matrix for every batch entry). With
 * stride_c == 0 the entries update the one C in turn, each with beta, so
 * beta == 1 sums their products; otherwise the C matrices must not overlap. */
int nb__gemm_batched_f32(bool trans_a, bool trans_b, int64_t batch, int64_t M, int64_t N,
                         int64_t K, float alpha, const float *A, int64_t lda,
                         int64_t stride_a, const float *B, int64_t ldb, int64_t stride_b,
                         float beta, float *C, int64_t ldc, int64_t stride_c);
int nb__gemm_batched_f64(bool trans_a, bool trans_b, int64_t batch, int64_t M, int64_t N,
                         int64_t K, double alpha, const double *A, int64_t lda,
                         int64_t stride_a, const double *B, int64_t ldb, int64_t stride_b,
                         double beta, double *C, int64_t ldc, int64_t stride_c);

/* On by default: a parallel GEMM call that ran slower than one thread would
 * have (other processes hold the cores) makes the calls after it run on one
 * thread for a while (see gemm.c). Tests of the parallel path turn it off. */
void nb__gemm_set_contention_guard(bool on);

#endif
