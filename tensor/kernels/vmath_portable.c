/* tensor/kernels/vmath_portable.c — the portable path of vmath.h: the same
 * algorithms in plain C, one lane wide, for any architecture (and for testing
 * the algorithms without SIMD: NABLA_ISA=portable). The compiler may still
 * vectorise the loops with the baseline instruction set.
 *
 * Integer lanes are unsigned, so shifts and wrapping adds are defined
 * behaviour; the arithmetic shift converts to signed first. fma is a*b + c
 * with two roundings: the error budgets in vmath_template.h allow for it. */
/* Everything the template includes, before the vocabulary's short macro
 * names exist. */
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "vmath.h"

#define NB_VMATH_TABLE nb__vmath_portable
#define NB_VMATH_ISA "portable"

static inline uint32_t nb_fbits(float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}
static inline float nb_bitsf(uint32_t u)
{
    float x;
    memcpy(&x, &u, sizeof x);
    return x;
}
static inline uint64_t nb_dbits(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}
static inline double nb_bitsd(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* ---- f32: 1 lane ---- */
#define V float
#define VI uint32_t
#define M int
#define VL 1
#define v_load(p) (*(p))
#define v_store(p, x) (*(p) = (x))
#define v_load_n(p, n) ((void)(n), *(p)) /* never reached with one lane */
#define v_store_n(p, x, n) ((void)(n), *(p) = (x))
#define v_stream(p, x) (*(p) = (x))
#define v_set1(s) ((float)(s))
#define v_add(a, b) ((a) + (b))
#define v_sub(a, b) ((a) - (b))
#define v_mul(a, b) ((a) * (b))
#define v_div(a, b) ((a) / (b))
#define v_fma(a, b, c) ((a) * (b) + (c))
#define v_max(a, b) ((a) > (b) ? (a) : (b))
#define v_min(a, b) ((a) < (b) ? (a) : (b))
#define v_abs(a) fabsf(a)
#define v_lt(a, b) ((a) < (b))
#define v_le(a, b) ((a) <= (b))
#define v_eq(a, b) ((a) == (b))
#define v_isnan(a) ((a) != (a))
#define v_select(m, a, b) ((m) ? (a) : (b))
#define m_or(a, b) ((a) | (b))
#define m_any(m) (m)
#define v_asint(x) nb_fbits(x)
#define vi_asfloat(i) nb_bitsf(i)
#define vi_tofloat(i) ((float)(int32_t)(i))
#define vi_set1(s) ((uint32_t)(s))
#define vi_add(a, b) ((a) + (b))
#define vi_sub(a, b) ((a) - (b))
#define vi_and(a, b) ((a) & (b))
#define vi_sll(a, k) ((a) << (k))
#define vi_sra(a, k) ((uint32_t)((int32_t)(a) >> (k)))

/* ---- f32 streaming kernels: 1 lane ---- */
#define S float
#define SL 1
#define s_load(p) (*(p))
#define s_store(p, x) (*(p) = (x))
#define s_stream(p, x) (*(p) = (x))
#define s_set1(s) ((float)(s))
#define s_add(a, b) ((a) + (b))
#define s_sub(a, b) ((a) - (b))
#define s_mul(a, b) ((a) * (b))
#define s_div(a, b) ((a) / (b))
#define s_relu(x) ((x) < 0 ? 0.0f : (x))

/* ---- f64: 1 lane ---- */
#define VD double
#define VDI uint64_t
#define MD int
#define DL 1
#define vd_load(p) (*(p))
#define vd_store(p, x) (*(p) = (x))
#define vd_load_f32(p) ((double)*(p))
#define vd_store_f32(p, x) (*(p) = (float)(x))
#define vd_load_f32_n(p, n) ((void)(n), (double)*(p))
#define vd_store_f32_n(p, x, n) ((void)(n), *(p) = (float)(x))
#define vd_set1(s) ((double)(s))
#define vd_add(a, b) ((a) + (b))
#define vd_sub(a, b) ((a) - (b))
#define vd_mul(a, b) ((a) * (b))
#define vd_div(a, b) ((a) / (b))
#define vd_fma(a, b, c) ((a) * (b) + (c))
#define vd_max(a, b) ((a) > (b) ? (a) : (b))
#define vd_min(a, b) ((a) < (b) ? (a) : (b))
#define vd_abs(a) fabs(a)
#define vd_lt(a, b) ((a) < (b))
#define vd_isnan(a) ((a) != (a))
#define vd_select(m, a, b) ((m) ? (a) : (b))
#define md_or(a, b) ((a) | (b))
#define vd_asint(x) nb_dbits(x)
#define vdi_asdouble(i) nb_bitsd(i)
#define vdi_set1(s) ((uint64_t)(s))
#define vdi_add(a, b) ((a) + (b))
#define vdi_sll(a, k) ((a) << (k))

#include "vmath_template.h"
