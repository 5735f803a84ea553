/* tensor/kernels/gemm_avx512.c — the AVX-512 GEMM path (f32 and f64).
 *
 * Built on its own with -mavx512f -mavx512dq -mfma (see meson.build) and only
 * called after cpu.c has seen those features in CPUID.
 *
 * Register tile 8 x 32 floats (8 x 16 doubles): 16 of the 32 zmm registers
 * accumulate C, 2 hold the row of B, and the 8 values of A are broadcast
 * straight from memory into the FMAs. Each step of the loop is 16 FMAs for
 * 2 vector loads and 8 broadcasts, well inside what the load ports carry, and
 * 16 independent accumulators cover the FMA latency (4 cycles on Zen 4, with
 * one 512-bit FMA issued per cycle). 8 rows and 32 columns divide the sizes
 * that occur most in practice (powers of two, 128, 784 = 98 * 8) with little
 * or no padding. See gemm.c for the cache blocks. */
#include <immintrin.h>

#include "gemm_kernel.h"
#include "transpose_avx.h"

/* The first n lanes (0 < n < lanes). */
static inline __mmask16 nb_mask16(int n) { return (__mmask16)((1u << n) - 1u); }
static inline __mmask8 nb_mask8(int n) { return (__mmask8)((1u << n) - 1u); }

/* ---- f32: 16 lanes ---------------------------------------------------- */
#define T float
#define IMPL nb_gemm_impl_f32
#define SFX avx512_f32
#define V __m512
#define VL 16
#define MR 8
#define NV 2
#define KC 384
#define MC 1920
#define NC 256
#define v_zero() _mm512_setzero_ps()
#define v_set1(s) _mm512_set1_ps(s)
#define v_load(p) _mm512_loadu_ps(p)
#define v_store(p, x) _mm512_storeu_ps(p, x)
#define v_mul(x, y) _mm512_mul_ps(x, y)
#define v_fma(x, y, z) _mm512_fmadd_ps(x, y, z)
#define v_load_n(p, n) _mm512_maskz_loadu_ps(nb_mask16(n), p)
#define v_store_n(p, x, n) _mm512_mask_storeu_ps(p, nb_mask16(n), x)
#define TT 8
#define TRANSPOSE_TILE nb_transpose8_ps
#include "ukernel_template.h"

/* ---- f64: 8 lanes ----------------------------------------------------- */
#define T double
#define IMPL nb_gemm_impl_f64
#define SFX avx512_f64
#define V __m512d
#define VL 8
#define MR 8
#define NV 2
#define KC 256
#define MC 1920
#define NC 192
#define v_zero() _mm512_setzero_pd()
#define v_set1(s) _mm512_set1_pd(s)
#define v_load(p) _mm512_loadu_pd(p)
#define v_store(p, x) _mm512_storeu_pd(p, x)
#define v_mul(x, y) _mm512_mul_pd(x, y)
#define v_fma(x, y, z) _mm512_fmadd_pd(x, y, z)
#define v_load_n(p, n) _mm512_maskz_loadu_pd(nb_mask8(n), p)
#define v_store_n(p, x, n) _mm512_mask_storeu_pd(p, nb_mask8(n), x)
#define TT 4
#define TRANSPOSE_TILE nb_transpose4_pd
#include "ukernel_template.h"
