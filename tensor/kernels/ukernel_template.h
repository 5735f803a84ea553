/* tensor/kernels/ukernel_template.h — the micro-kernel and the packing
 * routines, written once over a tiny vector vocabulary.
 *
 * This file is a template: an instruction-set file (gemm_avx512.c, ...)
 * defines the names below and includes it, once per element type. It makes
 * one table `nb__gemm_<SFX>` (see gemm_kernel.h) and then #undefs every name,
 * so the includer can define the next set.
 *
 *   T, IMPL       element type and its table type (float, nb_gemm_impl_f32)
 *   SFX           suffix for the names made here, e.g. avx512_f32
 *   V, VL         a vector type and its number of lanes (a plain T and 1 in
 *                 portable C: the compiler vectorises what it can)
 *   MR, NV        register tile: MR rows of C by NV vectors, NR = NV * VL columns
 *   KC, MC, NC    cache blocks, chosen per path (see gemm.c)
 *   v_zero(), v_set1(s), v_load(p), v_store(p, x), v_mul(x, y),
 *   v_fma(x, y, z) = x * y + z (one rounding where the ISA has FMA),
 *   v_load_n(p, n), v_store_n(p, x, n): the first n < VL lanes only, the
 *                 others untouched in memory (masked: no read past the edge)
 *   TT, TRANSPOSE_TILE(src, ld, dst, ldd)   optional: transposes a TT x TT
 *                 tile in registers; packing uses it for transposed operands
 *
 * The micro-kernel keeps the MR x NR tile of C in MR * NV vector registers
 * for the whole depth kc: each step loads NV vectors of B, broadcasts MR
 * values of A and does MR * NV fused multiply-adds. It touches C once, at
 * the end. The loops over MR and NV have constant bounds and are fully
 * unrolled, so acc[][] lives in registers, not in memory. */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define NR (NV * VL)
#define NB_CAT_(a, b) a##b
#define NB_CAT(a, b) NB_CAT_(a, b)
#define FN(name) NB_CAT(name, SFX)
#define NB_UNROLL _Pragma("GCC unroll 32")

/* C[0:m, 0:n] = alpha * (a b) + beta * C, for one packed MR x kc micro-panel a
 * and one packed kc x NR micro-panel b. Rows and columns past m and n were
 * computed on zero padding and are dropped here: the edges of C cost a masked
 * store, not a second kernel. The arithmetic is the same for edge and inner
 * tiles, so how C is split into tiles (and among threads) never shows in the
 * bits of the result. */
static void FN(ukernel_)(int64_t kc, const T *restrict a, const T *restrict b, T *restrict c,
                         int64_t ldc, int m, int n, T alpha, T beta)
{
    V acc[MR][NV];
    NB_UNROLL for (int i = 0; i < MR; i++)
        NB_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = v_zero();

    for (int64_t p = 0; p < kc; p++, a += MR, b += NR) {
        V bv[NV];
        NB_UNROLL for (int v = 0; v < NV; v++) bv[v] = v_load(b + v * VL);
        NB_UNROLL for (int i = 0; i < MR; i++) {
            V ai = v_set1(a[i]);
            NB_UNROLL for (int v = 0; v < NV; v++) acc[i][v] = v_fma(ai, bv[v], acc[i][v]);
        }
    }

    V va = v_set1(alpha), vb = v_set1(beta);
    NB_UNROLL for (int i = 0; i < MR; i++) {
        if (i >= m) break;
        NB_UNROLL for (int v = 0; v < NV; v++) {
            int left = n - v * VL; /* columns of C left from this vector on */
            if (left <= 0) break;
            T *cv = c + i * ldc + v * VL;
            V r = v_mul(va, acc[i][v]);
            if (left >= VL) {
                if (beta != 0) r = v_fma(vb, v_load(cv), r);
                v_store(cv, r);
            } else {
                if (beta != 0) r = v_fma(vb, v_load_n(cv, left), r);
                v_store_n(cv, r, left);
            }
        }
    }
}

/* dst[p * W + j] = src[p * ld + j] for j < w, zero for w <= j < W: each row
 * of the source becomes one step of the panel (a copy). W is a constant at
 * every call, so the memcpy becomes a few vector moves. */
static inline void FN(pack_rows_)(int W, int w, int64_t kc, const T *src, int64_t ld,
                                  T *restrict dst)
{
    for (int64_t p = 0; p < kc; p++, src += ld, dst += W) {
        if (w == W) {
            memcpy(dst, src, (size_t)W * sizeof(T));
        } else {
            memcpy(dst, src, (size_t)w * sizeof(T));
            for (int j = w; j < W; j++) dst[j] = 0;
        }
    }
}

/* dst[p * W + j] = src[j * ld + p] for j < w, zero for w <= j < W: column p
 * of the source becomes step p of the panel (a transpose). Read element by
 * element this strides through W rows at once; in TT x TT tiles transposed
 * in registers it runs at close to copy speed. */
static inline void FN(pack_cols_)(int W, int w, int64_t kc, const T *src, int64_t ld,
                                  T *restrict dst)
{
    int64_t p = 0;
#ifdef TRANSPOSE_TILE
    if (w == W && W % TT == 0)
        for (; p + TT <= kc; p += TT)
            for (int j = 0; j < W; j += TT)
                TRANSPOSE_TILE(src + j * ld + p, ld, dst + p * W + j, W);
#endif
    for (; p < kc; p++) {
        for (int j = 0; j < w; j++) dst[p * W + j] = src[j * ld + p];
        for (int j = w; j < W; j++) dst[p * W + j] = 0;
    }
}

/* op(A) = A is stored M x K: a micro-panel's step p is column p of MR rows
 * (transpose). op(A) = A^T, A stored K x M: step p is a piece of row p (copy). */
static void FN(pack_a_)(bool trans, int m, int64_t kc, const T *a, int64_t lda, T *restrict dst)
{
    if (trans)
        FN(pack_rows_)(MR, m, kc, a, lda, dst);
    else
        FN(pack_cols_)(MR, m, kc, a, lda, dst);
}

/* op(B) = B is stored K x N: step p is a piece of row p (copy). op(B) = B^T,
 * B stored N x K: step p is column p of NR rows (transpose). */
static void FN(pack_b_)(bool trans, int n, int64_t kc, const T *b, int64_t ldb, T *restrict dst)
{
    if (trans)
        FN(pack_cols_)(NR, n, kc, b, ldb, dst);
    else
        FN(pack_rows_)(NR, n, kc, b, ldb, dst);
}

const IMPL FN(nb__gemm_) = {
    .mr = MR, .nr = NR, .kc = KC, .mc = MC, .nc = NC,
    .kernel = FN(ukernel_), .pack_a = FN(pack_a_), .pack_b = FN(pack_b_),
};

#undef NR
#undef NB_CAT_
#undef NB_CAT
#undef FN
#undef NB_UNROLL
#undef T
#undef IMPL
#undef SFX
#undef V
#undef VL
#undef MR
#undef NV
#undef KC
#undef MC
#undef NC
#undef v_zero
#undef v_set1
#undef v_load
#undef v_store
#undef v_mul
#undef v_fma
#undef v_load_n
#undef v_store_n
#undef TT
#undef TRANSPOSE_TILE
