/* tensor/kernels/gemm_avx2.c — the AVX2+FMA GEMM path (f32 and f64).
 *
 * Built on its own with -mavx2 -mfma (see meson.build) and only called after
 * cpu.c has seen those features in CPUID.
 *
 * Register tile 6 x 16 floats (6 x 8 doubles), the classic Haswell shape:
 * 12 of the 16 ymm registers accumulate C, 2 hold the row of B, and one takes
 * each broadcast value of A. 12 independent FMAs per step cover the FMA
 * latency at two 256-bit FMAs per cycle. See gemm.c for the cache blocks. */
#include <immintrin.h>

#include "gemm_kernel.h"
#include "transpose_avx.h"

/* Lane masks for maskload/maskstore: lane i is on when i < n. */
static inline __m256i nb_mask_ps(int n)
{
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
static inline __m256i nb_mask_pd(int n)
{
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x(n), _mm256_setr_epi64x(0, 1, 2, 3));
}

/* ---- f32: 8 lanes ----------------------------------------------------- */
#define T float
#define IMPL nb_gemm_impl_f32
#define SFX avx2_f32
#define V __m256
#define VL 8
#define MR 6
#define NV 2
#define KC 384
#define MC 1920
#define NC 256
#define v_zero() _mm256_setzero_ps()
#define v_set1(s) _mm256_set1_ps(s)
#define v_load(p) _mm256_loadu_ps(p)
#define v_store(p, x) _mm256_storeu_ps(p, x)
#define v_mul(x, y) _mm256_mul_ps(x, y)
#define v_fma(x, y, z) _mm256_fmadd_ps(x, y, z)
#define v_load_n(p, n) _mm256_maskload_ps(p, nb_mask_ps(n))
#define v_store_n(p, x, n) _mm256_maskstore_ps(p, nb_mask_ps(n), x)
#define TT 8
#define TRANSPOSE_TILE nb_transpose8_ps
#include "ukernel_template.h"

/* ---- f64: 4 lanes ----------------------------------------------------- */
#define T double
#define IMPL nb_gemm_impl_f64
#define SFX avx2_f64
#define V __m256d
#define VL 4
#define MR 6
#define NV 2
#define KC 256
#define MC 1920
#define NC 192
#define v_zero() _mm256_setzero_pd()
#define v_set1(s) _mm256_set1_pd(s)
#define v_load(p) _mm256_loadu_pd(p)
#define v_store(p, x) _mm256_storeu_pd(p, x)
#define v_mul(x, y) _mm256_mul_pd(x, y)
#define v_fma(x, y, z) _mm256_fmadd_pd(x, y, z)
#define v_load_n(p, n) _mm256_maskload_pd(p, nb_mask_pd(n))
#define v_store_n(p, x, n) _mm256_maskstore_pd(p, nb_mask_pd(n), x)
#define TT 4
#define TRANSPOSE_TILE nb_transpose4_pd
#include "ukernel_template.h"
