/* tensor/kernels/vmath_template.h — the vector kernels of vmath.h, written
 * once over a small vector vocabulary.
 *
 * This file is a template: vmath_avx512.c, vmath_avx2.c and vmath_portable.c
 * each define the vocabulary below with their intrinsics (or plain scalars,
 * one lane wide) and include it once, after the headers it includes (so the
 * short macro names cannot reach into those); it defines static functions,
 * their table, and the function NB_VMATH_TABLE (named by the includer) that
 * returns it.
 *
 * f32 vectors of VL lanes:
 *   V, VI, M            float vector, int32 vector, lane mask
 *   v_load(p), v_store(p, x); v_load_n(p, n), v_store_n(p, x, n): the first
 *                       n < VL lanes only (others read as 0, left alone in memory)
 *   v_set1(s), v_add, v_sub, v_mul, v_div, v_fma(a, b, c) = a b + c (one
 *                       rounding where the ISA has FMA, two in portable C)
 *   v_max(a, b) = a > b ? a : b, v_min(a, b) = a < b ? a : b (so b when
 *                       either is NaN, as the x86 instructions do)
 *   v_abs(a); v_lt, v_le, v_eq (ordered: false on NaN), v_isnan -> M
 *   v_select(m, a, b) = m ? a : b; m_or(m1, m2); m_any(m)
 *   v_asint(x), vi_asfloat(i): bit casts; vi_tofloat(i): value conversion
 *   vi_set1, vi_add, vi_sub, vi_and, vi_sll(i, k), vi_sra(i, k)
 *   v_stream(p, x): a non-temporal store, p a multiple of VL floats
 * f32 vectors of SL lanes for the plain streaming kernels (+ - * /, relu):
 *   S; s_load(p), s_store(p, x), s_set1, s_add, s_sub, s_mul, s_div, s_relu,
 *   s_stream(p, x) (non-temporal, p a multiple of SL floats; the caller
 *   fences, see nb__vmath_fence)
 *   (the x86 paths make S 128 bits wide: see "arithmetic" below)
 * f64 vectors of DL lanes (DL floats in, DL doubles out):
 *   VD, VDI, MD         double vector, int64 vector, lane mask
 *   vd_load(p), vd_store(p, x)                      doubles
 *   vd_load_f32(p), vd_store_f32(p, x), and _n forms (n < DL): floats,
 *                       converted on the way in and rounded on the way out
 *   vd_set1, vd_add, vd_sub, vd_mul, vd_div, vd_fma, vd_max, vd_min, vd_abs,
 *   vd_lt, vd_isnan, vd_select, md_or, vd_asint, vdi_asdouble, vdi_set1,
 *   vdi_add, vdi_sll    as for f32
 *
 * What is computed in which precision. exp and log, the workhorses (softmax,
 * logsumexp, cross-entropy, log-likelihoods), run in f32 arithmetic with
 * error budgets below. tanh, sigmoid and gelu take each float to f64, compute
 * there and round once at the end: their formulas lose accuracy to
 * cancellation in f32 (gelu's tail needs erfc with a relative error near
 * 1e-7 at arguments where e^(-t^2) underflows f32 arithmetic), while in f64
 * the only error that matters is the last rounding, under half an ulp plus
 * the approximations' few 1e-10 (relative). Most libms do the same for their
 * float functions.
 *
 * Each maths function's own comment gives the range reduction, the
 * polynomial and its error. Coefficients marked "minimax" come from
 * vmath_coeffs.py (Remez exchange; run it to see them derived). */

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "vmath.h"

#define NB_UNROLL_2 _Pragma("GCC unroll 2")

/* ---- 2^n for integer lanes n ------------------------------------------- */

/* 2^n as a float, for -126 <= n <= 127: the biased exponent n + 127 put in
 * the exponent field. */
static inline V pow2_v(VI n) { return vi_asfloat(vi_sll(vi_add(n, vi_set1(127)), 23)); }

/* ---- exp (f32) -----------------------------------------------------------
 * e^x = 2^n e^r with n = round(x / ln2) and r = x - n ln2, |r| <= ln2/2.
 *  - n: x log2(e) + 1.5 * 2^23 rounds to an integer in the low mantissa bits
 *    (the "magic number" rounding, round-to-nearest-even), so both n as a
 *    float (subtracting the magic again) and n as an integer (subtracting its
 *    bits) come without a conversion instruction.
 *  - r = (x - n LN2_HI) - n LN2_LO (Cody and Waite): LN2_HI is ln 2 cut to 15
 *    significant bits, so n LN2_HI is exact for |n| <= 255 and the first
 *    subtraction loses nothing; LN2_LO carries the next 24 bits.
 *  - e^r ~ 1 + r + c2 r^2 + ... + c6 r^6, minimax for relative error on
 *    |r| <= ln2/2: 3.8e-9 (2^-28) with the coefficients rounded to f32.
 *    Evaluated as 1 + r (1 + r q(r)), so the rounding errors of the inner
 *    steps reach the result scaled down by |r| < 0.35.
 * Error budget, in units of the result's ulp (2^-23 relative at worst):
 * polynomial 0.03, rounding of r (two roundings of a number below 0.35,
 * entering e^r as a relative error) up to 0.2, Horner 0.2, the final FMA 0.5,
 * the scaling by 2^n exact (or one rounding into the denormals): under 1 ulp.
 * Range: x is clamped to [-104, 89] first. Below -103.97 the result rounds to
 * 0, above 88.72 it overflows to +inf, both by the final multiplication
 * itself. Where 2^n is not a normal float (n < -126 or n > 127) the scaling
 * is done in two halves, 2^(n - n/2) 2^(n/2), the first exact, the second
 * rounding once into the denormals (or overflowing) as it should. NaN in,
 * NaN out. */
#define EXP_LOG2E 0x1.715476p+0f
#define EXP_MAGIC 0x1.8p+23f
#define EXP_LN2_HI 0x1.62e4p-1f
#define EXP_LN2_LO 0x1.7f7d1cp-20f
#define EXP_C2 0x1.fffffcp-2f /* minimax, vmath_coeffs.py */
#define EXP_C3 0x1.555492p-3f
#define EXP_C4 0x1.5558f2p-5f
#define EXP_C5 0x1.1239d4p-7f
#define EXP_C6 0x1.6a244cp-10f

static inline V exp_v(V x)
{
    V xc = v_min(v_max(x, v_set1(-104.0f)), v_set1(89.0f));
    V k = v_fma(xc, v_set1(EXP_LOG2E), v_set1(EXP_MAGIC));
    V nf = v_sub(k, v_set1(EXP_MAGIC));
    VI n = vi_sub(v_asint(k), v_asint(v_set1(EXP_MAGIC)));
    V r = v_fma(nf, v_set1(-EXP_LN2_HI), xc);
    r = v_fma(nf, v_set1(-EXP_LN2_LO), r);
    V q = v_fma(v_set1(EXP_C6), r, v_set1(EXP_C5));
    q = v_fma(q, r, v_set1(EXP_C4));
    q = v_fma(q, r, v_set1(EXP_C3));
    q = v_fma(q, r, v_set1(EXP_C2));
    V p = v_fma(v_fma(q, r, v_set1(1.0f)), r, v_set1(1.0f));
    V y = v_mul(p, pow2_v(n));
    /* n outside [-126, 127] only for x outside [-87, 88] */
    M edge = m_or(v_lt(xc, v_set1(-87.0f)), v_lt(v_set1(88.0f), xc));
    if (m_any(edge)) {
        VI half = vi_sra(n, 1);
        V y2 = v_mul(v_mul(p, pow2_v(vi_sub(n, half))), pow2_v(half));
        y = v_select(edge, y2, y);
    }
    return v_select(v_isnan(x), v_add(x, x), y);
}

/* ---- log (f32) -----------------------------------------------------------
 * x = 2^e m with m in [sqrt(1/2), sqrt(2)), so log x = e ln2 + log(1 + f),
 * f = m - 1 in [-0.29, 0.42] (exact: Sterbenz). e and m come from the bits:
 * subtracting the bits of sqrt(1/2) from x's bits makes the exponent field
 * count from sqrt(1/2) instead of 1; adding them back to the mantissa field
 * gives m. Denormal x is first scaled by 2^23.
 * With s = f / (2 + f), |s| <= 0.1716, z = s^2:
 *     log(1 + f) = log((1 + s) / (1 - s)) = 2s + 2s^3/3 + 2s^5/5 + ...
 *               = 2s + s R(z),  R(z) = (2/3) z + (2/5) z^2 + (2/7) z^3 + (2/9) z^4
 * (Taylor; the terms left out add up to less than s (2/11) z^5 / (1 - z),
 * a relative error below 2e-9). Since 2s = f - f^2/2 + s f^2/2, the sum is
 * formed as
 *     log(1 + f) = f - (h - s (h + R)),   h = f^2 / 2,
 * where everything but f is a small correction: the rounding errors of s and
 * R are scaled down by |s (h + R) / log(1 + f)| < 0.05, and the result is
 * f plus a correction rounded once (0.5 ulp), plus under 0.2 ulp from h.
 * Then log x = e LN2_HI + (log(1 + f) + e LN2_LO), e LN2_HI exact (LN2_HI as
 * for exp): two more roundings at most, under 1.3 ulp in all. */
#define LOG_SQRT_HALF_BITS 0x3f3504f3 /* sqrt(1/2) rounded to f32 */

static inline V log_v(V x)
{
    M tiny = v_lt(x, v_set1(FLT_MIN)); /* denormal (or zero, or negative: fixed below) */
    V xs = v_select(tiny, v_mul(x, v_set1(0x1p23f)), x);
    VI ix = vi_sub(v_asint(xs), vi_set1(LOG_SQRT_HALF_BITS));
    V e = v_sub(vi_tofloat(vi_sra(ix, 23)), v_select(tiny, v_set1(23.0f), v_set1(0.0f)));
    V m = vi_asfloat(vi_add(vi_and(ix, vi_set1(0x007fffff)), vi_set1(LOG_SQRT_HALF_BITS)));
    V f = v_sub(m, v_set1(1.0f));
    V s = v_div(f, v_add(v_set1(2.0f), f));
    V z = v_mul(s, s);
    V R = v_fma(z, v_set1(2.0f / 9), v_set1(2.0f / 7));
    R = v_fma(R, z, v_set1(2.0f / 5));
    R = v_fma(R, z, v_set1(2.0f / 3));
    R = v_mul(R, z);
    V h = v_mul(v_set1(0.5f), v_mul(f, f));
    V l1p = v_sub(f, v_sub(h, v_mul(s, v_add(h, R))));
    V y = v_fma(e, v_set1(EXP_LN2_HI), v_fma(e, v_set1(EXP_LN2_LO), l1p));
    y = v_select(v_eq(x, v_set1(INFINITY)), x, y);
    y = v_select(v_eq(x, v_set1(0.0f)), v_set1(-INFINITY), y);
    y = v_select(v_lt(x, v_set1(0.0f)), v_set1(NAN), y);
    return v_select(v_isnan(x), v_add(x, x), y);
}

/* ---- exp (f64), for tanh, sigmoid and gelu --------------------------------
 * e^t = 2^n e^r as for f32, t in [-708, 708] (the callers clamp): n from the
 * magic number 1.5 * 2^52, r = (t - n LN2_HI) - n LN2_LO with LN2_HI ln 2
 * cut to 32 bits (n LN2_HI exact for |n| < 2^21), and e^r by its Taylor
 * polynomial of degree 8, whose remainder is below |r|^9/9! e^|r|, that is
 * 4e-10 relative on |r| <= ln2/2 (and much less for small r, which tanh
 * relies on near 0). 2^n from the integer n in the low bits of the magic sum. */
#define EXPD_LOG2E 0x1.71547652b82fep+0
#define EXPD_MAGIC 0x1.8p+52
#define EXPD_LN2_HI 0x1.62e42feep-1
#define EXPD_LN2_LO 0x1.a39ef35793c76p-33

static inline VD exp_d(VD t)
{
    VD k = vd_fma(t, vd_set1(EXPD_LOG2E), vd_set1(EXPD_MAGIC));
    VD nf = vd_sub(k, vd_set1(EXPD_MAGIC));
    VD r = vd_fma(nf, vd_set1(-EXPD_LN2_HI), t);
    r = vd_fma(nf, vd_set1(-EXPD_LN2_LO), r);
    VD p = vd_fma(vd_set1(1.0 / 40320), r, vd_set1(1.0 / 5040));
    p = vd_fma(p, r, vd_set1(1.0 / 720));
    p = vd_fma(p, r, vd_set1(1.0 / 120));
    p = vd_fma(p, r, vd_set1(1.0 / 24));
    p = vd_fma(p, r, vd_set1(1.0 / 6));
    p = vd_fma(p, r, vd_set1(0.5));
    p = vd_fma(p, r, vd_set1(1.0));
    p = vd_fma(p, r, vd_set1(1.0));
    /* the bits of k are those of the magic number plus n: n + 1023 in the
     * low bits, shifted into the exponent field (the rest falls off the top) */
    VD scale = vdi_asdouble(vdi_sll(vdi_add(vd_asint(k), vdi_set1(1023)), 52));
    return vd_mul(p, scale);
}

/* ---- tanh ------------------------------------------------------------------
 * In f64: tanh|x| = (1 - u) / (1 + u), u = e^(-2|x|), then the sign of x.
 * The subtraction 1 - u magnifies u's relative error by u / (1 - u), about
 * 1 / (2|x|) for small |x|; but there r = -2|x| itself (n = 0) and exp_d's
 * error is below (2|x|)^9 / 9!, so the result stays within 1e-9 relative.
 * Below |x| = 2^-13, tanh x rounds to x in f32 (tanh x = x (1 - x^2/3 + ...)
 * and x^2/3 < 2^-27), so x is returned: exact for -0 and denormals.
 * |x| >= 50 gives u = e^-100 and a result of exactly +-1. */
static inline VD tanh_d(VD x)
{
    VD a = vd_abs(x);
    VD u = exp_d(vd_max(vd_mul(a, vd_set1(-2.0)), vd_set1(-100.0)));
    VD y = vd_div(vd_sub(vd_set1(1.0), u), vd_add(vd_set1(1.0), u));
    y = vd_select(vd_lt(x, vd_set1(0.0)), vd_sub(vd_set1(0.0), y), y);
    return vd_select(md_or(vd_lt(a, vd_set1(0x1p-13)), vd_isnan(x)), x, y);
}

/* ---- sigmoid ----------------------------------------------------------------
 * In f64: with u = e^(-|x|) in (0, 1], sigmoid x = 1 / (1 + u) for x >= 0 and
 * u / (1 + u) for x < 0 (both free of cancellation and overflow); u's
 * relative error (4e-10) passes into the result undiminished at worst. |x|
 * is capped at 700, where the f32 result is long since 0 or 1. */
static inline VD sigmoid_d(VD x)
{
    VD u = exp_d(vd_max(vd_sub(vd_set1(0.0), vd_abs(x)), vd_set1(-700.0)));
    VD s = vd_div(vd_set1(1.0), vd_add(vd_set1(1.0), u));
    VD y = vd_select(vd_lt(x, vd_set1(0.0)), vd_mul(u, s), s);
    return vd_select(vd_isnan(x), x, y);
}

/* ---- gelu ---------------------------------------------------------------------
 * gelu x = x Phi(x), Phi the standard normal CDF. With t = |x| / sqrt 2,
 * Phi(x) = erfc(t) / 2 for x < 0 and 1 - erfc(t) / 2 for x >= 0; the first
 * keeps full relative accuracy in the tail, where 1 + erf(x / sqrt 2) would
 * cancel to 0 (gelu(-10) = -7.6e-23).
 * erfc(t) = u exp(-t^2 + M(u)), u = 2 / (2 + t), with M a degree-12 minimax
 * polynomial in w = (u - U_MID) / U_HALF over t in [0, 11.5]: absolute error
 * 1.6e-10, which is erfc's relative error (vmath_coeffs.py derives it). t is
 * capped at 11.5: below x = -16.3 the f32 result is -0 anyway, and above
 * +16.3 Phi is 1 in f64. All in f64, one rounding to f32 at the end.
 * gelu(-inf) is NaN (-inf * 0, as PyTorch gives); +inf stays +inf. */
#define GELU_U_MID 0.5740740740740741
#define GELU_U_HALF 0.42592592592592593

static inline VD gelu_d(VD x)
{
    static const double m[13] = { /* minimax, vmath_coeffs.py */
        -0.5712607451581951,     0.5822207419304541,     0.018501836616067042,
        -0.031361361114224814,   -0.0015919300589943574, 0.004180380501925419,
        -0.0002255487209333586,  -0.0006672005746502113, 0.00015792023864966552,
        9.266135457072884e-05,   -4.562178011205143e-05, -7.668906635070813e-06,
        6.535828062279889e-06,
    };
    VD t = vd_min(vd_mul(vd_abs(x), vd_set1(0x1.6a09e667f3bcdp-1)), vd_set1(11.5));
    VD u = vd_div(vd_set1(2.0), vd_add(vd_set1(2.0), t));
    VD w = vd_mul(vd_sub(u, vd_set1(GELU_U_MID)), vd_set1(1.0 / GELU_U_HALF));
    VD mu = vd_set1(m[12]);
    for (int k = 11; k >= 0; k--) mu = vd_fma(mu, w, vd_set1(m[k]));
    VD half_erfc = vd_mul(vd_mul(vd_set1(0.5), u), exp_d(vd_sub(mu, vd_mul(t, t))));
    VD phi = vd_select(vd_lt(x, vd_set1(0.0)), half_erfc, vd_sub(vd_set1(1.0), half_erfc));
    VD y = vd_mul(x, phi); /* NaN stays NaN */
    return vd_select(vd_lt(x, vd_set1(-DBL_MAX)), vd_set1(NAN), y);
}

/* ---- maps over arrays ------------------------------------------------------- */

/* How many floats from p to the next multiple of `lanes` floats (at most n). */
static inline int64_t to_aligned(const float *p, int lanes, int64_t n)
{
    int64_t bytes = (int64_t)(sizeof(float) * (size_t)lanes);
    int64_t k = ((bytes - (int64_t)((uintptr_t)p % (uintptr_t)bytes)) % bytes) / (int64_t)sizeof(float);
    return k < n ? k : n;
}

/* y = F(x) on f32 vectors, the last partial vector masked; streaming: a
 * masked head up to an aligned y, then non-temporal stores. */
#define MAP_F32(NAME, F)                                                                \
    static void NAME(int64_t n, const float *x, float *y, bool stream)                  \
    {                                                                                   \
        int64_t i = 0;                                                                  \
        if (stream) {                                                                   \
            int64_t head = to_aligned(y, VL, n);                                        \
            if (head) v_store_n(y, F(v_load_n(x, (int)head)), (int)head);               \
            for (i = head; i + VL <= n; i += VL) v_stream(y + i, F(v_load(x + i)));     \
        } else {                                                                        \
            NB_UNROLL_2 for (; i + VL <= n; i += VL) v_store(y + i, F(v_load(x + i)));  \
        }                                                                               \
        if (i < n) v_store_n(y + i, F(v_load_n(x + i, (int)(n - i))), (int)(n - i));    \
    }

/* y = F(x) computed in f64, DL lanes at a time (never streamed: these are
 * bound by arithmetic). */
#define MAP_F64(NAME, F)                                                                \
    static void NAME(int64_t n, const float *x, float *y, bool stream)                  \
    {                                                                                   \
        (void)stream;                                                                   \
        int64_t i = 0;                                                                  \
        NB_UNROLL_2 for (; i + DL <= n; i += DL) vd_store_f32(y + i, F(vd_load_f32(x + i))); \
        if (i < n) vd_store_f32_n(y + i, F(vd_load_f32_n(x + i, (int)(n - i))), (int)(n - i)); \
    }

MAP_F32(map_exp, exp_v)
MAP_F32(map_log, log_v)
MAP_F64(map_tanh, tanh_d)
MAP_F64(map_sigmoid, sigmoid_d)
MAP_F64(map_gelu, gelu_d)

/* ---- arithmetic and relu -------------------------------------------------------
 * IEEE operations, so every path gives the same bits. These kernels do one
 * operation per element and are bound by memory, not arithmetic, so their
 * vectors are only as wide as memory likes best. Measured on the Zen 4 (f32
 * add of 10M elements, one thread, DRAM-bound): 4.0 ms with 128-bit loads
 * and stores, 4.9 ms with 256-bit, 5.6 ms with 512-bit; with the data in L1
 * or L2 all three widths run alike (the load and store ports are the limit).
 * So the x86 paths define S as 128 bits; the last few elements go through
 * the scalar operation.
 * Outputs too big for the cache (`stream`) are written with non-temporal
 * stores, which skip the read of each line a plain store makes first: 12
 * bytes of traffic an element for an add instead of 16 (10M f32 adds: 3.1 ms
 * instead of 4.0 on one thread). A head of scalar stores gets y aligned. */
#define STREAM_LOOP(EXPR_I, SEXPR_I)                                                    \
    do {                                                                                \
        if (stream) {                                                                   \
            for (int64_t e = i + to_aligned(y, SL, n); i < e; i++) y[i] = EXPR_I;       \
            for (; i + SL <= n; i += SL) s_stream(y + i, SEXPR_I);                      \
        } else {                                                                        \
            NB_UNROLL_2 for (; i + SL <= n; i += SL) s_store(y + i, SEXPR_I);           \
        }                                                                               \
        for (; i < n; i++) y[i] = EXPR_I;                                               \
    } while (0)

#define ARITH_VV(NAME, SOP, OP)                                                         \
    static void NAME(int64_t n, const float *a, const float *b, float *y, bool stream)  \
    {                                                                                   \
        int64_t i = 0;                                                                  \
        STREAM_LOOP(a[i] OP b[i], SOP(s_load(a + i), s_load(b + i)));                   \
    }

/* array op scalar (SCALAR_FIRST 0) or scalar op array (1) */
#define ARITH_SCALAR(NAME, SOP, OP, SCALAR_FIRST)                                       \
    static void NAME(int64_t n, const float *a, float s, float *y, bool stream)         \
    {                                                                                   \
        S vs = s_set1(s);                                                               \
        int64_t i = 0;                                                                  \
        if (SCALAR_FIRST) STREAM_LOOP(s OP a[i], SOP(vs, s_load(a + i)));               \
        else STREAM_LOOP(a[i] OP s, SOP(s_load(a + i), vs));                            \
    }

ARITH_VV(add_vv, s_add, +)
ARITH_VV(sub_vv, s_sub, -)
ARITH_VV(mul_vv, s_mul, *)
ARITH_VV(div_vv, s_div, /)
ARITH_SCALAR(add_vs, s_add, +, 0)
ARITH_SCALAR(sub_vs, s_sub, -, 0)
ARITH_SCALAR(mul_vs, s_mul, *, 0)
ARITH_SCALAR(div_vs, s_div, /, 0)
ARITH_SCALAR(sub_sv, s_sub, -, 1)
ARITH_SCALAR(div_sv, s_div, /, 1)

/* relu x = x < 0 ? 0 : x (NaN and -0 pass through) */
static void map_relu(int64_t n, const float *x, float *y, bool stream)
{
    int64_t i = 0;
    STREAM_LOOP(x[i] < 0 ? 0 : x[i], s_relu(s_load(x + i)));
}

/* ---- sums in NB_VMATH_LANES double lanes ---------------------------------------
 * Element i of a run goes to lane i mod LANES; each lane adds its elements
 * in index order; the lanes are combined by a fixed pairwise tree. The same
 * sequence of IEEE double operations on every path (the lanes are just
 * spread over however many registers the path has), so the same bits. */
enum { LANES = NB_VMATH_LANES, NACC = NB_VMATH_LANES / DL };

typedef struct {
    VD acc[NACC];
} lanes;

static inline void lanes_zero(lanes *L)
{
    for (int j = 0; j < NACC; j++) L->acc[j] = vd_set1(0.0);
}

/* x[0:n] into the lanes, n a multiple of LANES */
static inline void lanes_add_f32(lanes *L, const float *x, int64_t n)
{
    for (int64_t i = 0; i < n; i += LANES)
        for (int j = 0; j < NACC; j++) L->acc[j] = vd_add(L->acc[j], vd_load_f32(x + i + j * DL));
}

static inline void lanes_add_f64(lanes *L, const double *x, int64_t n)
{
    for (int64_t i = 0; i < n; i += LANES)
        for (int j = 0; j < NACC; j++) L->acc[j] = vd_add(L->acc[j], vd_load(x + i + j * DL));
}

/* (x - c)^2: the square and the sum as two roundings on every path */
static inline void lanes_add_sqdev_f32(lanes *L, const float *x, int64_t n, double c)
{
    VD vc = vd_set1(c);
    for (int64_t i = 0; i < n; i += LANES)
        for (int j = 0; j < NACC; j++) {
            VD d = vd_sub(vd_load_f32(x + i + j * DL), vc);
            L->acc[j] = vd_add(L->acc[j], vd_mul(d, d));
        }
}

static inline void lanes_add_sqdev_f64(lanes *L, const double *x, int64_t n, double c)
{
    VD vc = vd_set1(c);
    for (int64_t i = 0; i < n; i += LANES)
        for (int j = 0; j < NACC; j++) {
            VD d = vd_sub(vd_load(x + i + j * DL), vc);
            L->acc[j] = vd_add(L->acc[j], vd_mul(d, d));
        }
}

static inline void lanes_spill(const lanes *L, double *lane)
{
    for (int j = 0; j < NACC; j++) vd_store(lane + j * DL, L->acc[j]);
}

static inline double lanes_combine(double *lane)
{
    for (int w = LANES / 2; w >= 1; w /= 2)
        for (int j = 0; j < w; j++) lane[j] += lane[j + w];
    return lane[0];
}

static double sum_f32(int64_t n, const float *x)
{
    lanes L;
    lanes_zero(&L);
    int64_t full = n - n % LANES;
    lanes_add_f32(&L, x, full);
    double lane[LANES];
    lanes_spill(&L, lane);
    for (int64_t k = 0; full + k < n; k++) lane[k] += x[full + k];
    return lanes_combine(lane);
}

static double sum_f64(int64_t n, const double *x)
{
    lanes L;
    lanes_zero(&L);
    int64_t full = n - n % LANES;
    lanes_add_f64(&L, x, full);
    double lane[LANES];
    lanes_spill(&L, lane);
    for (int64_t k = 0; full + k < n; k++) lane[k] += x[full + k];
    return lanes_combine(lane);
}

static double sumsq_dev_f32(int64_t n, const float *x, double c)
{
    lanes L;
    lanes_zero(&L);
    int64_t full = n - n % LANES;
    lanes_add_sqdev_f32(&L, x, full, c);
    double lane[LANES];
    lanes_spill(&L, lane);
    for (int64_t k = 0; full + k < n; k++) {
        double d = (double)x[full + k] - c;
        double sq = d * d; /* a statement of its own: never contracted to an FMA */
        lane[k] += sq;
    }
    return lanes_combine(lane);
}

static double sumsq_dev_f64(int64_t n, const double *x, double c)
{
    lanes L;
    lanes_zero(&L);
    int64_t full = n - n % LANES;
    lanes_add_sqdev_f64(&L, x, full, c);
    double lane[LANES];
    lanes_spill(&L, lane);
    for (int64_t k = 0; full + k < n; k++) {
        double d = x[full + k] - c;
        double sq = d * d;
        lane[k] += sq;
    }
    return lanes_combine(lane);
}

/* Four rows added into acc, DL columns at a time. */
#define ADD_ROWS4(NAME, T, LOAD)                                                        \
    static void NAME(int64_t n, double *acc, const T *x0, const T *x1, const T *x2,     \
                     const T *x3)                                                       \
    {                                                                                   \
        int64_t i = 0;                                                                  \
        for (; i + DL <= n; i += DL) {                                                  \
            VD a = vd_add(vd_load(acc + i), LOAD(x0 + i));                              \
            a = vd_add(a, LOAD(x1 + i));                                                \
            a = vd_add(a, LOAD(x2 + i));                                                \
            vd_store(acc + i, vd_add(a, LOAD(x3 + i)));                                 \
        }                                                                               \
        for (; i < n; i++) {                                                            \
            double a = acc[i];                                                          \
            a += x0[i];                                                                 \
            a += x1[i];                                                                 \
            a += x2[i];                                                                 \
            a += x3[i];                                                                 \
            acc[i] = a;                                                                 \
        }                                                                               \
    }
ADD_ROWS4(add_rows4_f32, float, vd_load_f32)
ADD_ROWS4(add_rows4_f64, double, vd_load)

/* e^(x - c) for x[0:n] into e (when e is not NULL) and its sum, in lane
 * order. Works through a block of CHUNK values at a time so the exps are
 * summed straight from L1. */
enum { CHUNK = 256 };

static double exp_shift_sum(int64_t n, const float *x, float c, float *e)
{
    float buf[CHUNK];
    V vc = v_set1(c);
    lanes L;
    lanes_zero(&L);
    int64_t i0 = 0;
    for (; i0 < n; i0 += CHUNK) {
        int64_t m = n - i0 < CHUNK ? n - i0 : CHUNK;
        float *out = e ? e + i0 : buf;
        int64_t i = 0;
        for (; i + VL <= m; i += VL) v_store(out + i, exp_v(v_sub(v_load(x + i0 + i), vc)));
        if (i < m) {
            int r = (int)(m - i);
            v_store_n(out + i, exp_v(v_sub(v_load_n(x + i0 + i, r), vc)), r);
        }
        int64_t full = m - m % LANES;
        lanes_add_f32(&L, out, full);
        if (full < m) { /* only in the last block */
            double lane[LANES];
            lanes_spill(&L, lane);
            for (int64_t k = 0; full + k < m; k++) lane[k] += out[full + k];
            return lanes_combine(lane);
        }
    }
    double lane[LANES];
    lanes_spill(&L, lane);
    return lanes_combine(lane);
}

static double sum_exp_f32(int64_t n, const float *x, float c) { return exp_shift_sum(n, x, c, NULL); }

/* ---- max and min ------------------------------------------------------------------
 * Exact whatever the order; NaN lanes are tracked on the side (v_max would
 * drop them) and win at the end. */
#define EXTREME_F32(NAME, VOP, BETTER, START)                                           \
    static float NAME(int64_t n, const float *x)                                        \
    {                                                                                   \
        V acc0 = v_set1(START), acc1 = acc0;                                            \
        M nan = v_isnan(acc0);                                                          \
        int64_t i = 0;                                                                  \
        for (; i + 2 * VL <= n; i += 2 * VL) {                                          \
            V a = v_load(x + i), b = v_load(x + i + VL);                                \
            acc0 = VOP(a, acc0);                                                        \
            acc1 = VOP(b, acc1);                                                        \
            nan = m_or(nan, m_or(v_isnan(a), v_isnan(b)));                              \
        }                                                                               \
        if (m_any(nan)) return NAN;                                                     \
        float lane[2 * VL], best = START;                                               \
        v_store(lane, acc0);                                                            \
        v_store(lane + VL, acc1);                                                       \
        for (int j = 0; j < 2 * VL; j++) best = lane[j] BETTER best ? lane[j] : best;   \
        for (; i < n; i++) {                                                            \
            if (isnan(x[i])) return NAN;                                                \
            best = x[i] BETTER best ? x[i] : best;                                      \
        }                                                                               \
        return best;                                                                    \
    }

EXTREME_F32(max_f32, v_max, >, -INFINITY)
EXTREME_F32(min_f32, v_min, <, INFINITY)

/* ---- softmax rows -------------------------------------------------------------------
 * m = max x (NaN if any; 0 when every x is -inf, so the row gives 0/0 = NaN
 * as the formula does, and +inf stays, giving NaN too), the exps e^(x - m)
 * in (0, 1] summed in double lanes, then
 *     softmax:     y = e^(x - m) * (1 / sum)       (the exps stored in y)
 *     log_softmax: y = (x - m) - log(sum)
 * In f32: y has the error of exp (under 1 ulp) plus two roundings. */
static void softmax_row(int64_t n, const float *x, float *y, bool log_space)
{
    if (n <= 0) return;
    float m = max_f32(n, x);
    if (!isfinite(m)) m = isnan(m) ? m : (m > 0 ? m : 0);
    double sum = exp_shift_sum(n, x, m, log_space ? NULL : y);
    if (log_space) {
        V shift = v_set1(m), lse = v_set1((float)log(sum));
        int64_t i = 0;
        for (; i + VL <= n; i += VL) v_store(y + i, v_sub(v_sub(v_load(x + i), shift), lse));
        if (i < n) {
            int r = (int)(n - i);
            v_store_n(y + i, v_sub(v_sub(v_load_n(x + i, r), shift), lse), r);
        }
    } else {
        mul_vs(n, y, (float)(1.0 / sum), y, false);
    }
}

static const nb_vmath table = {
    .isa = NB_VMATH_ISA,
    .exp = map_exp, .log = map_log, .tanh = map_tanh, .sigmoid = map_sigmoid,
    .gelu = map_gelu, .relu = map_relu,
    .add_vv = add_vv, .sub_vv = sub_vv, .mul_vv = mul_vv, .div_vv = div_vv,
    .add_vs = add_vs, .sub_vs = sub_vs, .mul_vs = mul_vs, .div_vs = div_vs,
    .sub_sv = sub_sv, .div_sv = div_sv,
    .sum_f32 = sum_f32, .sum_f64 = sum_f64,
    .sumsq_dev_f32 = sumsq_dev_f32, .sumsq_dev_f64 = sumsq_dev_f64,
    .sum_exp_f32 = sum_exp_f32, .add_rows4_f32 = add_rows4_f32, .add_rows4_f64 = add_rows4_f64,
    .max_f32 = max_f32, .min_f32 = min_f32,
    .softmax_row = softmax_row,
};

const nb_vmath *NB_VMATH_TABLE(void) { return &table; }
