/* tensor/kernels/vmath_avx2.c — the AVX2 + FMA path of vmath.h.
 *
 * Built on its own with -mavx2 -mfma (see meson.build) and only called after
 * cpu.c has seen those features in CPUID. 8 floats per vector, 4 doubles per
 * f64 vector; masks are vectors of all-ones lanes, and the last partial
 * vector of a row goes through maskload / maskstore. */
#include <immintrin.h>
/* Everything the template includes, before the vocabulary's short macro
 * names exist. */
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "vmath.h"

#define NB_VMATH_TABLE nb__vmath_avx2
#define NB_VMATH_ISA "avx2"

/* All-ones in the first n lanes (0 <= n <= 8, or <= 4). */
static inline __m256i nb_vmask8(int n)
{
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
static inline __m128i nb_vmask4(int n)
{
    return _mm_cmpgt_epi32(_mm_set1_epi32(n), _mm_setr_epi32(0, 1, 2, 3));
}

/* ---- f32: 8 lanes ---- */
#define V __m256
#define VI __m256i
#define M __m256
#define VL 8
#define v_load(p) _mm256_loadu_ps(p)
#define v_store(p, x) _mm256_storeu_ps(p, x)
#define v_load_n(p, n) _mm256_maskload_ps(p, nb_vmask8(n))
#define v_store_n(p, x, n) _mm256_maskstore_ps(p, nb_vmask8(n), x)
#define v_stream(p, x) _mm256_stream_ps(p, x)
#define v_set1(s) _mm256_set1_ps(s)
#define v_add(a, b) _mm256_add_ps(a, b)
#define v_sub(a, b) _mm256_sub_ps(a, b)
#define v_mul(a, b) _mm256_mul_ps(a, b)
#define v_div(a, b) _mm256_div_ps(a, b)
#define v_fma(a, b, c) _mm256_fmadd_ps(a, b, c)
#define v_max(a, b) _mm256_max_ps(a, b)
#define v_min(a, b) _mm256_min_ps(a, b)
#define v_abs(a) _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a)
#define v_lt(a, b) _mm256_cmp_ps(a, b, _CMP_LT_OQ)
#define v_le(a, b) _mm256_cmp_ps(a, b, _CMP_LE_OQ)
#define v_eq(a, b) _mm256_cmp_ps(a, b, _CMP_EQ_OQ)
#define v_isnan(a) _mm256_cmp_ps(a, a, _CMP_UNORD_Q)
#define v_select(m, a, b) _mm256_blendv_ps(b, a, m)
#define m_or(a, b) _mm256_or_ps(a, b)
#define m_any(m) (_mm256_movemask_ps(m) != 0)
#define v_asint(x) _mm256_castps_si256(x)
#define vi_asfloat(i) _mm256_castsi256_ps(i)
#define vi_tofloat(i) _mm256_cvtepi32_ps(i)
#define vi_set1(s) _mm256_set1_epi32(s)
#define vi_add(a, b) _mm256_add_epi32(a, b)
#define vi_sub(a, b) _mm256_sub_epi32(a, b)
#define vi_and(a, b) _mm256_and_si256(a, b)
#define vi_sll(a, k) _mm256_slli_epi32(a, k)
#define vi_sra(a, k) _mm256_srai_epi32(a, k)

/* ---- f32, 4 lanes: the plain streaming kernels (see vmath_template.h) ---- */
#include "vmath_sse_stream.h"

/* ---- f64: 4 lanes ---- */
#define VD __m256d
#define VDI __m256i
#define MD __m256d
#define DL 4
#define vd_load(p) _mm256_loadu_pd(p)
#define vd_store(p, x) _mm256_storeu_pd(p, x)
#define vd_load_f32(p) _mm256_cvtps_pd(_mm_loadu_ps(p))
#define vd_store_f32(p, x) _mm_storeu_ps(p, _mm256_cvtpd_ps(x))
#define vd_load_f32_n(p, n) _mm256_cvtps_pd(_mm_maskload_ps(p, nb_vmask4(n)))
#define vd_store_f32_n(p, x, n) _mm_maskstore_ps(p, nb_vmask4(n), _mm256_cvtpd_ps(x))
#define vd_set1(s) _mm256_set1_pd(s)
#define vd_add(a, b) _mm256_add_pd(a, b)
#define vd_sub(a, b) _mm256_sub_pd(a, b)
#define vd_mul(a, b) _mm256_mul_pd(a, b)
#define vd_div(a, b) _mm256_div_pd(a, b)
#define vd_fma(a, b, c) _mm256_fmadd_pd(a, b, c)
#define vd_max(a, b) _mm256_max_pd(a, b)
#define vd_min(a, b) _mm256_min_pd(a, b)
#define vd_abs(a) _mm256_andnot_pd(_mm256_set1_pd(-0.0), a)
#define vd_lt(a, b) _mm256_cmp_pd(a, b, _CMP_LT_OQ)
#define vd_isnan(a) _mm256_cmp_pd(a, a, _CMP_UNORD_Q)
#define vd_select(m, a, b) _mm256_blendv_pd(b, a, m)
#define md_or(a, b) _mm256_or_pd(a, b)
#define vd_asint(x) _mm256_castpd_si256(x)
#define vdi_asdouble(i) _mm256_castsi256_pd(i)
#define vdi_set1(s) _mm256_set1_epi64x(s)
#define vdi_add(a, b) _mm256_add_epi64(a, b)
#define vdi_sll(a, k) _mm256_slli_epi64(a, k)

#include "vmath_template.h"
