#include "kernels.h"
#define DEFINE_GEMM(NAME, T)                                                              \
    int NAME(bool ta, bool tb, int64_t M, int64_t N, int64_t K, T alpha, const T *A,      \
             int64_t lda, const T *B, int64_t ldb, T beta, T *C, int64_t ldc)             \
    {                                                                                     \
        for (int64_t i = 0; i < M; i++) {                                                 \
            T *c = C + i * ldc;                                                           \
            for (int64_t j = 0; j < N; j++)                                               \
                c[j] = beta == 0 ? (T)0 : beta * c[j];                                    \
            for (int64_t k = 0; k < K; k++) {                                             \
                T a = alpha * (ta ? A[k * lda + i] : A[i * lda + k]);                     \
                if (tb)                                                                   \
                    for (int64_t j = 0; j < N; j++) c[j] += a * B[j * ldb + k];           \
                else                                                                      \
                    for (int64_t j = 0; j < N; j++) c[j] += a * B[k * ldb + j];           \
            }                                                                             \
        }                                                                                 \
        return 0;                                                                         \
    }
DEFINE_GEMM(nb__gemm_f32, float)
DEFINE_GEMM(nb__gemm_f64, double)
#define DEFINE_GEMM_BATCHED(NAME, GEMM, T)                                                \
    int NAME(bool ta, bool tb, int64_t batch, int64_t M, int64_t N, int64_t K, T alpha,   \
             const T *A, int64_t lda, int64_t sa, const T *B, int64_t ldb, int64_t sb,    \
             T beta, T *C, int64_t ldc, int64_t sc)                                       \
    {                                                                                     \
        for (int64_t b = 0; b < batch; b++)                                               \
            if (GEMM(ta, tb, M, N, K, alpha, A + b * sa, lda, B + b * sb, ldb, beta,      \
                     C + b * sc, ldc))                                                    \
                return -1;                                                                \
        return 0;                                                                         \
    }
DEFINE_GEMM_BATCHED(nb__gemm_batched_f32, nb__gemm_f32, float)
DEFINE_GEMM_BATCHED(nb__gemm_batched_f64, nb__gemm_f64, double)
