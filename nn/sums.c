/* nn/sums.c — the sums backward rules need most: over every axis but one
 * (a bias's gradient, a weight gradient summed over the batch).
 *
 * When the backward pass is not being recorded (no create_graph) the sum is a
 * plain loop over x viewed as [A, B, C]: out[b] = sum_a sum_c x[a, b, c], the
 * inner sum over c contiguous (it vectorises), the outer in double. Each
 * out[b] is summed by one thread in a fixed order, so the result does not
 * depend on the thread count. When the backward is recorded, nb_sum, so that
 * it differentiates. */
#include <stdlib.h>

#include "nn_internal.h"

#define DEFINE_SUM_ABC(SUFFIX, T)                                                           \
    static void sum_abc_##SUFFIX(const T *x, T *out, int64_t A, int64_t B, int64_t C)       \
    {                                                                                       \
        NB_OMP(omp parallel for schedule(static) if (A * B * C > 65536 && B >= 8))         \
        for (int64_t b = 0; b < B; b++) {                                                   \
            double acc = 0;                                                                 \
            for (int64_t a = 0; a < A; a++) {                                               \
                const T *row = x + (a * B + b) * C;                                         \
                T lane[8] = {0}, part = 0; /* 8 independent sums: they vectorise */         \
                int64_t c = 0;                                                              \
                for (; c + 8 <= C; c += 8)                                                  \
                    for (int k = 0; k < 8; k++) lane[k] += row[c + k];                      \
                for (; c < C; c++) part += row[c];                                          \
                for (int k = 0; k < 8; k++) part += lane[k];                                \
                acc += part;                                                                \
            }                                                                               \
            out[b] = (T)acc;                                                                \
        }                                                                                   \
    }                                                                                       \
    /* C = 1: vectorise across b instead, the rows of x added in order */                   \
    static void sum_rows_##SUFFIX(const T *x, T *out, int64_t A, int64_t B)                 \
    {                                                                                       \
        NB_OMP(omp parallel for schedule(static) if (A * B > 65536 && B >= 1024))          \
        for (int64_t b0 = 0; b0 < B; b0 += 512) {                                           \
            int64_t nb = B - b0 < 512 ? B - b0 : 512;                                       \
            double acc[512] = {0};                                                          \
            for (int64_t a = 0; a < A; a++)                                                 \
                for (int64_t b = 0; b < nb; b++) acc[b] += x[a * B + b0 + b];               \
            for (int64_t b = 0; b < nb; b++) out[b0 + b] = (T)acc[b];                       \
        }                                                                                   \
    }
DEFINE_SUM_ABC(f32, float)
DEFINE_SUM_ABC(f64, double)

nb_tensor *nb__sum_except(nb_ctx *ctx, nb_tensor *x, int axis)
{
    if (!x) return NULL;
    int axes[NB_MAX_DIMS], n = 0;
    for (int d = 0; d < x->ndim; d++)
        if (d != axis) axes[n++] = d;
    if (n == 0) return x;
    if (nb_is_grad_enabled() || (x->dtype != NB_F32 && x->dtype != NB_F64))
        return nb_sum(ctx, x, n, axes, false);
    int64_t A = 1, B = x->shape[axis], C = 1;
    for (int d = 0; d < axis; d++) A *= x->shape[d];
    for (int d = axis + 1; d < x->ndim; d++) C *= x->shape[d];
    nb_tensor *xc = nb_contiguous(ctx, x), *out = nb_empty(ctx, x->dtype, 1, &B);
    if (!xc || !out) return NULL;
    if (C == 1 && x->dtype == NB_F32) sum_rows_f32(nb_data(xc), nb_data(out), A, B);
    else if (C == 1) sum_rows_f64(nb_data(xc), nb_data(out), A, B);
    else if (x->dtype == NB_F32) sum_abc_f32(nb_data(xc), nb_data(out), A, B, C);
    else sum_abc_f64(nb_data(xc), nb_data(out), A, B, C);
    return out;
}
