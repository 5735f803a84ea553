/* tensor/kernels/transpose_avx.h — small in-register transposes (AVX), used
 * by the AVX2 and AVX-512 paths to pack transposed GEMM operands.
 *
 * Private: include only from a file compiled with at least -mavx. */
#ifndef NB_TENSOR_TRANSPOSE_AVX_H
#define NB_TENSOR_TRANSPOSE_AVX_H

#include <immintrin.h>
#include <stdint.h>

/* dst[q * ldd + r] = src[r * ld + q] for an 8 x 8 tile of floats: three rounds
 * of shuffles, each pairing up lanes from two registers (unpack: 1-element
 * pieces, shuffle: 2-element pieces, permute2f128: 4-element halves). */
static inline void nb_transpose8_ps(const float *src, int64_t ld, float *dst, int64_t ldd)
{
    __m256 r[8], t[8], s[8];
    for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(src + i * ld);
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);     /* r0[0] r1[0] r0[1] r1[1] | ... */
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]); /* r0[2] r1[2] r0[3] r1[3] | ... */
    }
    for (int i = 0; i < 8; i += 4) {
        s[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);     /* column 0 (and 4) */
        s[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xEE); /* column 1 (and 5) */
        s[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        s[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
    }
    for (int q = 0; q < 4; q++) {
        _mm256_storeu_ps(dst + q * ldd, _mm256_permute2f128_ps(s[q], s[q + 4], 0x20));
        _mm256_storeu_ps(dst + (q + 4) * ldd, _mm256_permute2f128_ps(s[q], s[q + 4], 0x31));
    }
}

/* The same for a 4 x 4 tile of doubles: unpack pairs, then swap halves. */
static inline void nb_transpose4_pd(const double *src, int64_t ld, double *dst, int64_t ldd)
{
    __m256d r0 = _mm256_loadu_pd(src), r1 = _mm256_loadu_pd(src + ld);
    __m256d r2 = _mm256_loadu_pd(src + 2 * ld), r3 = _mm256_loadu_pd(src + 3 * ld);
    __m256d t0 = _mm256_unpacklo_pd(r0, r1), t1 = _mm256_unpackhi_pd(r0, r1);
    __m256d t2 = _mm256_unpacklo_pd(r2, r3), t3 = _mm256_unpackhi_pd(r2, r3);
    _mm256_storeu_pd(dst, _mm256_permute2f128_pd(t0, t2, 0x20));
    _mm256_storeu_pd(dst + ldd, _mm256_permute2f128_pd(t1, t3, 0x20));
    _mm256_storeu_pd(dst + 2 * ldd, _mm256_permute2f128_pd(t0, t2, 0x31));
    _mm256_storeu_pd(dst + 3 * ldd, _mm256_permute2f128_pd(t1, t3, 0x31));
}

#endif
