/* tensor/kernels/vmath_avx512.c — the AVX-512 path of vmath.h.
 *
 * Built on its own with -mavx512f -mavx512dq -mfma (see meson.build) and only
 * called after cpu.c has seen those features in CPUID. 16 floats per vector,
 * 8 doubles per f64 vector; masks are the k registers, so the last partial
 * vector of a row is a masked load and store, not a scalar loop. Only
 * AVX-512F instructions are used (no VL or BW forms): the partial f64 vector
 * is loaded as a masked 512-bit float load and converted from its low half. */
#include <immintrin.h>
/* Everything the template includes, before the vocabulary's short macro
 * names exist. */
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "vmath.h"

#define NB_VMATH_TABLE nb__vmath_avx512
#define NB_VMATH_ISA "avx512"

/* The first n lanes (0 <= n <= 16). */
static inline __mmask16 nb_vmask16(int n) { return (__mmask16)((1u << n) - 1u); }

/* ---- f32: 16 lanes ---- */
#define V __m512
#define VI __m512i
#define M __mmask16
#define VL 16
#define v_load(p) _mm512_loadu_ps(p)
#define v_store(p, x) _mm512_storeu_ps(p, x)
#define v_load_n(p, n) _mm512_maskz_loadu_ps(nb_vmask16(n), p)
#define v_store_n(p, x, n) _mm512_mask_storeu_ps(p, nb_vmask16(n), x)
#define v_stream(p, x) _mm512_stream_ps(p, x)
#define v_set1(s) _mm512_set1_ps(s)
#define v_add(a, b) _mm512_add_ps(a, b)
#define v_sub(a, b) _mm512_sub_ps(a, b)
#define v_mul(a, b) _mm512_mul_ps(a, b)
#define v_div(a, b) _mm512_div_ps(a, b)
#define v_fma(a, b, c) _mm512_fmadd_ps(a, b, c)
#define v_max(a, b) _mm512_max_ps(a, b)
#define v_min(a, b) _mm512_min_ps(a, b)
#define v_abs(a) _mm512_abs_ps(a)
#define v_lt(a, b) _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ)
#define v_le(a, b) _mm512_cmp_ps_mask(a, b, _CMP_LE_OQ)
#define v_eq(a, b) _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ)
#define v_isnan(a) _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q)
#define v_select(m, a, b) _mm512_mask_blend_ps(m, b, a)
#define m_or(a, b) ((__mmask16)((a) | (b)))
#define m_any(m) ((m) != 0)
#define v_asint(x) _mm512_castps_si512(x)
#define vi_asfloat(i) _mm512_castsi512_ps(i)
#define vi_tofloat(i) _mm512_cvtepi32_ps(i)
#define vi_set1(s) _mm512_set1_epi32(s)
#define vi_add(a, b) _mm512_add_epi32(a, b)
#define vi_sub(a, b) _mm512_sub_epi32(a, b)
#define vi_and(a, b) _mm512_and_si512(a, b)
#define vi_sll(a, k) _mm512_slli_epi32(a, k)
#define vi_sra(a, k) _mm512_srai_epi32(a, k)

/* ---- f32, 4 lanes: the plain streaming kernels (see vmath_template.h) ---- */
#include "vmath_sse_stream.h"

/* ---- f64: 8 lanes ---- */
#define VD __m512d
#define VDI __m512i
#define MD __mmask8
#define DL 8
#define vd_load(p) _mm512_loadu_pd(p)
#define vd_store(p, x) _mm512_storeu_pd(p, x)
#define vd_load_f32(p) _mm512_cvtps_pd(_mm256_loadu_ps(p))
#define vd_store_f32(p, x) _mm256_storeu_ps(p, _mm512_cvtpd_ps(x))
#define vd_load_f32_n(p, n) \
    _mm512_cvtps_pd(_mm512_castps512_ps256(_mm512_maskz_loadu_ps(nb_vmask16(n), p)))
#define vd_store_f32_n(p, x, n) \
    _mm512_mask_storeu_ps(p, nb_vmask16(n), _mm512_castps256_ps512(_mm512_cvtpd_ps(x)))
#define vd_set1(s) _mm512_set1_pd(s)
#define vd_add(a, b) _mm512_add_pd(a, b)
#define vd_sub(a, b) _mm512_sub_pd(a, b)
#define vd_mul(a, b) _mm512_mul_pd(a, b)
#define vd_div(a, b) _mm512_div_pd(a, b)
#define vd_fma(a, b, c) _mm512_fmadd_pd(a, b, c)
#define vd_max(a, b) _mm512_max_pd(a, b)
#define vd_min(a, b) _mm512_min_pd(a, b)
#define vd_abs(a) _mm512_abs_pd(a)
#define vd_lt(a, b) _mm512_cmp_pd_mask(a, b, _CMP_LT_OQ)
#define vd_isnan(a) _mm512_cmp_pd_mask(a, a, _CMP_UNORD_Q)
#define vd_select(m, a, b) _mm512_mask_blend_pd(m, b, a)
#define md_or(a, b) ((__mmask8)((a) | (b)))
#define vd_asint(x) _mm512_castpd_si512(x)
#define vdi_asdouble(i) _mm512_castsi512_pd(i)
#define vdi_set1(s) _mm512_set1_epi64(s)
#define vdi_add(a, b) _mm512_add_epi64(a, b)
#define vdi_sll(a, k) _mm512_slli_epi64(a, k)

#include "vmath_template.h"
