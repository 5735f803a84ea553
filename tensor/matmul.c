/* tensor/matmul.c — numpy.matmul semantics on top of the GEMM kernels.
 *
 * Shapes: a 1-D left operand [K] acts as [1,K] and a 1-D right operand as
 * [K,1]; the added axis is dropped from the result. Every axis before the
 * last two is a batch axis and broadcasts. Each matrix is handed to the
 * kernel as it lies in memory when one of its axes is unit-stride (a
 * transposed view becomes a trans flag, not a copy); other layouts are
 * copied first. */
#include <string.h>

#include "kernels/kernels.h"
#include "record.h"

/* How one operand's matrices are passed to GEMM. */
typedef struct {
    const char *base;
    bool trans;
    int64_t ld;
    int64_t batch_stride[NB_MAX_DIMS]; /* bytes, per batch axis (0 = broadcast) */
} operand;

/* Row-major with row stride ld, or transposed: stored as [cols, rows]. */
static bool gemm_layout(const nb_tensor *m, bool *trans, int64_t *ld)
{
    int d = m->ndim;
    int64_t rows = m->shape[d - 2], cols = m->shape[d - 1];
    int64_t rs = m->strides[d - 2], cs = m->strides[d - 1];
    if ((cs == 1 || cols <= 1) && rs >= (cols > 1 ? cols : 1)) {
        *trans = false;
        *ld = rs > 0 ? rs : 1;
        return true;
    }
    if ((rs == 1 || rows <= 1) && cs >= (rows > 1 ? rows : 1)) {
        *trans = true;
        *ld = cs > 0 ? cs : 1;
        return true;
    }
    return false;
}

static int prepare_operand(nb_ctx *ctx, nb_tensor **m, int nbatch, const int64_t *batch,
                           operand *op)
{
    nb_tensor *t = *m;
    if (!gemm_layout(t, &op->trans, &op->ld)) {
        t = *m = nb_clone(ctx, t);
        if (!t || !gemm_layout(t, &op->trans, &op->ld)) return -1;
    }
    op->base = nb__base_ptr(t);
    int lead = nbatch - (t->ndim - 2);
    int64_t es = (int64_t)nb_dtype_size(t->dtype);
    for (int i = 0; i < nbatch; i++) {
        int j = i - lead;
        op->batch_stride[i] = j < 0 || t->shape[j] != batch[i] ? 0 : t->strides[j] * es;
    }
    return 0;
}

/* An element of an i32 or i64 operand, read exactly (through a double it
 * would round past 2^53). */
static int64_t load_int(const char *p, nb_dtype dtype)
{
    return dtype == NB_I64 ? *(const int64_t *)p : *(const int32_t *)p;
}

/* Integer products: plain loops in wrapping 64-bit arithmetic. */
static void matmul_int(const nb_tensor *a, const nb_tensor *b, nb_tensor *c, const char *pa,
                       const char *pb, char *pc)
{
    int d = a->ndim;
    int64_t M = a->shape[d - 2], K = a->shape[d - 1], N = b->shape[b->ndim - 1];
    int64_t es = (int64_t)nb_dtype_size(c->dtype);
    for (int64_t i = 0; i < M; i++)
        for (int64_t j = 0; j < N; j++) {
            uint64_t acc = 0;
            for (int64_t k = 0; k < K; k++) {
                int64_t x = load_int(pa + (i * a->strides[d - 2] + k * a->strides[d - 1]) * es, a->dtype);
                int64_t y = load_int(pb + (k * b->strides[b->ndim - 2] + j * b->strides[b->ndim - 1]) * es, b->dtype);
                acc += (uint64_t)x * (uint64_t)y;
            }
            if (c->dtype == NB_I64) *(int64_t *)(pc + (i * N + j) * es) = (int64_t)acc;
            else *(int32_t *)(pc + (i * N + j) * es) = (int32_t)(uint32_t)acc;
        }
}

static int gemm_one(const nb_tensor *a, const nb_tensor *b, nb_tensor *c, const operand *oa,
                    const operand *ob, const char *pa, const char *pb, char *pc)
{
    int d = c->ndim;
    int64_t M = c->shape[d - 2], N = c->shape[d - 1], K = a->shape[a->ndim - 1];
    if (c->dtype == NB_F32)
        return nb__gemm_f32(oa->trans, ob->trans, M, N, K, 1.0f, (const float *)pa, oa->ld,
                            (const float *)pb, ob->ld, 0.0f, (float *)pc, N);
    if (c->dtype == NB_F64)
        return nb__gemm_f64(oa->trans, ob->trans, M, N, K, 1.0, (const double *)pa, oa->ld,
                            (const double *)pb, ob->ld, 0.0, (double *)pc, N);
    matmul_int(a, b, c, pa, pb, pc);
    return 0;
}

/* Runs every batch entry; one batched kernel call when there is a single
 * batch axis and the operands are floats. */
static int run_batches(const nb_tensor *a, const nb_tensor *b, nb_tensor *c, int nbatch,
                       const operand *oa, const operand *ob)
{
    int d = c->ndim;
    int64_t M = c->shape[d - 2], N = c->shape[d - 1], K = a->shape[a->ndim - 1];
    int64_t es = (int64_t)nb_dtype_size(c->dtype);
    if (nbatch == 1 && c->dtype == NB_F32)
        return nb__gemm_batched_f32(oa->trans, ob->trans, c->shape[0], M, N, K, 1.0f,
                                    (const float *)oa->base, oa->ld, oa->batch_stride[0] / es,
                                    (const float *)ob->base, ob->ld, ob->batch_stride[0] / es, 0.0f,
                                    nb_data(c), N, M * N);
    if (nbatch == 1 && c->dtype == NB_F64)
        return nb__gemm_batched_f64(oa->trans, ob->trans, c->shape[0], M, N, K, 1.0,
                                    (const double *)oa->base, oa->ld, oa->batch_stride[0] / es,
                                    (const double *)ob->base, ob->ld, ob->batch_stride[0] / es, 0.0,
                                    nb_data(c), N, M * N);
    int64_t count = 1;
    for (int i = 0; i < nbatch; i++) count *= c->shape[i];
    for (int64_t bi = 0; bi < count; bi++) {
        const char *pa = oa->base, *pb = ob->base;
        int64_t rest = bi;
        for (int i = nbatch - 1; i >= 0; i--) {
            int64_t idx = rest % c->shape[i];
            rest /= c->shape[i];
            pa += idx * oa->batch_stride[i];
            pb += idx * ob->batch_stride[i];
        }
        if (gemm_one(a, b, c, oa, ob, pa, pb, (char *)nb_data(c) + bi * M * N * es)) return -1;
    }
    return 0;
}

static nb_tensor *matmul_impl(nb_ctx *ctx, nb_tensor *a, nb_tensor *b)
{
    NB_REQUIRE_IN("nb_matmul", a);
    NB_REQUIRE_IN("nb_matmul", b);
    char s1[NB_SHAPE_STR_MAX], s2[NB_SHAPE_STR_MAX];
    if (a->ndim == 0 || b->ndim == 0) {
        nb__error("nb_matmul: operands must have at least 1 dimension, got %s @ %s",
                  nb__shape_str(s1, sizeof s1, a->ndim, a->shape),
                  nb__shape_str(s2, sizeof s2, b->ndim, b->shape));
        return NULL;
    }
    int64_t ka = a->shape[a->ndim - 1], kb = b->shape[b->ndim > 1 ? b->ndim - 2 : 0];
    if (ka != kb) {
        nb__error("nb_matmul: inner dimensions differ: %s @ %s",
                  nb__shape_str(s1, sizeof s1, a->ndim, a->shape),
                  nb__shape_str(s2, sizeof s2, b->ndim, b->shape));
        return NULL;
    }
    nb_dtype dt = nb_promote_types(a->dtype, b->dtype);
    if (dt == NB_BOOL) dt = NB_I32;
    nb_tensor *A = a->ndim == 1 ? nb_unsqueeze(ctx, a, 0) : a; /* [K] -> [1,K] */
    nb_tensor *B = b->ndim == 1 ? nb_unsqueeze(ctx, b, 1) : b; /* [K] -> [K,1] */
    A = A ? nb__as_dtype(ctx, A, dt) : NULL;
    B = B ? nb__as_dtype(ctx, B, dt) : NULL;
    if (!A || !B) return NULL;
    int nbatch;
    int64_t shape[NB_MAX_DIMS];
    if (nb__broadcast_shapes("nb_matmul", A->ndim - 2, A->shape, B->ndim - 2, B->shape, &nbatch,
                             shape)) {
        nb__error("nb_matmul: batch dimensions cannot be broadcast: %s @ %s",
                  nb__shape_str(s1, sizeof s1, a->ndim, a->shape),
                  nb__shape_str(s2, sizeof s2, b->ndim, b->shape));
        return NULL;
    }
    shape[nbatch] = A->shape[A->ndim - 2];
    shape[nbatch + 1] = B->shape[B->ndim - 1];
    nb_tensor *c = nb__alloc("nb_matmul", ctx, dt, nbatch + 2, shape);
    operand oa, ob;
    if (!c || prepare_operand(ctx, &A, nbatch, shape, &oa) ||
        prepare_operand(ctx, &B, nbatch, shape, &ob))
        return NULL;
    if (nb_numel(c) > 0) {
        if (nbatch == 0) {
            if (gemm_one(A, B, c, &oa, &ob, oa.base, ob.base, nb_data(c))) return NULL;
        } else if (run_batches(A, B, c, nbatch, &oa, &ob)) {
            return NULL;
        }
    }
    if (b->ndim == 1) c = nb_squeeze(ctx, c, -1);
    if (c && a->ndim == 1) c = nb_squeeze(ctx, c, -2 + (b->ndim == 1));
    return c;
}

nb_tensor *nb_matmul(nb_ctx *ctx, nb_tensor *a, nb_tensor *b)
{
    static nb__op_site site = {.name = "matmul"};
    NB_OP_BEGIN_IN(__func__, ctx);
    nb_tensor *out = matmul_impl(ctx, a, b);
    return nb__op_end(&site, ctx, out, (nb_tensor *[]){a, b}, 2, NULL, 0);
}
