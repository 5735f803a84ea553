/* tensor/kernels/gemm_portable.c — the portable C GEMM path (f32 and f64),
 * for any CPU; on x86-64 it is what NABLA_ISA=portable forces.
 *
 * The "vectors" are single elements (VL = 1): the micro-kernel is plain C
 * over a 4 x 8 tile held in 32 scalars, which the compiler keeps in registers
 * and vectorises for the baseline instruction set (SSE2 on x86-64, NEON on
 * AArch64). See gemm.c for the cache blocks. */
#include "gemm_kernel.h"

/* ---- f32 -------------------------------------------------------------- */
#define T float
#define IMPL nb_gemm_impl_f32
#define SFX portable_f32
#define V float
#define VL 1
#define MR 4
#define NV 8
#define KC 256
#define MC 1920
#define NC 256
#define v_zero() 0.0f
#define v_set1(s) (s)
#define v_load(p) (*(p))
#define v_store(p, x) (*(p) = (x))
#define v_mul(x, y) ((x) * (y))
#define v_fma(x, y, z) ((x) * (y) + (z))
#define v_load_n(p, n) (*(p))       /* never called: a 1-lane vector is all or nothing */
#define v_store_n(p, x, n) (*(p) = (x))
#include "ukernel_template.h"

/* ---- f64 -------------------------------------------------------------- */
#define T double
#define IMPL nb_gemm_impl_f64
#define SFX portable_f64
#define V double
#define VL 1
#define MR 4
#define NV 8
#define KC 256
#define MC 1920
#define NC 128
#define v_zero() 0.0
#define v_set1(s) (s)
#define v_load(p) (*(p))
#define v_store(p, x) (*(p) = (x))
#define v_mul(x, y) ((x) * (y))
#define v_fma(x, y, z) ((x) * (y) + (z))
#define v_load_n(p, n) (*(p))
#define v_store_n(p, x, n) (*(p) = (x))
#include "ukernel_template.h"
