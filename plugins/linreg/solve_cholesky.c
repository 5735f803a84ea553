/* plugins/linreg/solve_cholesky.c — the normal equations
 *     (A^T A + alpha I) w = A^T b
 * solved with the Cholesky factor G = L L^T (L lower triangular):
 *     L_jj = sqrt(G_jj - sum_{k<j} L_jk^2),
 *     L_ij = (G_ij - sum_{k<j} L_ik L_jk) / L_jj   for i > j,
 * then L z = A^T b forwards and L^T w = z backwards. Fast (A^T A is one
 * matmul), but it squares the condition number; a G that is not positive
 * definite (collinear columns without ridge) is reported, not guessed at. */
#include "linreg.h"

#include <math.h>
#include <stdlib.h>

/* G = A^T A + alpha I and h = A^T b, through nabla's matmul (f64). */
static int gram(const lsq *p, double *G, double *h)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *A = ctx ? nb_from_data(ctx, NB_F64, 2, (int64_t[]){p->n, p->d}, p->A) : NULL;
    nb_tensor *b = A ? nb_from_data(ctx, NB_F64, 1, &p->n, p->b) : NULL;
    nb_tensor *At = b ? nb_transpose(ctx, A, 0, 1) : NULL;
    nb_tensor *AtA = At ? nb_matmul(ctx, At, A) : NULL, *Atb = AtA ? nb_matmul(ctx, At, b) : NULL;
    size_t dd = (size_t)(p->d * p->d) * sizeof *G;
    int rc = Atb && nb_copy_to(AtA, G, dd) == 0 && nb_copy_to(Atb, h, (size_t)p->d * sizeof *h) == 0 ? 0 : -1;
    nb_ctx_free(ctx);
    for (int64_t j = 0; rc == 0 && j < p->d; j++) G[j * p->d + j] += p->alpha;
    return rc;
}

int linreg_solve_cholesky(const lsq *p, double *w)
{
    int64_t d = p->d;
    double *G = malloc((size_t)(d * d + 1) * sizeof *G), *z = malloc((size_t)(d + 1) * sizeof *z);
    int rc = G && z ? gram(p, G, z) : -1;
    for (int64_t j = 0; rc == 0 && j < d; j++) { /* G is overwritten by L */
        double s = G[j * d + j];
        for (int64_t k = 0; k < j; k++) s -= G[j * d + k] * G[j * d + k];
        if (!(s > 1e-12 * fabs(G[j * d + j]))) {
            rc = nb_plugin_error("linreg: A^T A + alpha I is not positive definite at column %lld "
                                 "(collinear features?): use solver=qr or alpha > 0", (long long)j);
            break;
        }
        G[j * d + j] = sqrt(s);
        for (int64_t i = j + 1; i < d; i++) {
            double t = G[i * d + j];
            for (int64_t k = 0; k < j; k++) t -= G[i * d + k] * G[j * d + k];
            G[i * d + j] = t / G[j * d + j];
        }
    }
    for (int64_t i = 0; rc == 0 && i < d; i++) { /* L z = h */
        for (int64_t k = 0; k < i; k++) z[i] -= G[i * d + k] * z[k];
        z[i] /= G[i * d + i];
    }
    for (int64_t i = d - 1; rc == 0 && i >= 0; i--) { /* L^T w = z */
        double s = z[i];
        for (int64_t k = i + 1; k < d; k++) s -= G[k * d + i] * w[k];
        w[i] = s / G[i * d + i];
    }
    free(G), free(z);
    return rc;
}
