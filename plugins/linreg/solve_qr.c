/* plugins/linreg/solve_qr.c — least squares by Householder QR with column
 * pivoting (Businger & Golub 1965).
 *
 * Ridge first becomes plain least squares on a taller matrix:
 *     ||A w - b||^2 + alpha ||w||^2 = || [A; sqrt(alpha) I] w - [b; 0] ||^2.
 * Then, for j = 0 .. d-1: bring the remaining column with the largest norm
 * to position j, and reflect it onto the j-th axis with
 *     H = I - 2 v v^T / (v^T v),  v = x - a e_1,  a = -sign(x_1) ||x||,
 * applied to the columns to its right and to b. That leaves R (upper
 * triangular, |R_00| >= |R_11| >= ...) and Q^T b. A diagonal entry that has
 * fallen below eps * max(m, d) * |R_00| means that column is (numerically) a
 * combination of the ones before: the rank is r, the first r unknowns come
 * from back substitution R[:r, :r] z = (Q^T b)[:r], and the others are 0. */
#include "linreg.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Column j below row j of the column-major m x d matrix R. */
#define COL(R, m, j) ((R) + (size_t)(j) * (size_t)(m))

static double norm2_from(const double *x, int64_t from, int64_t m)
{
    double s = 0;
    for (int64_t i = from; i < m; i++) s += x[i] * x[i];
    return s;
}

static void swap_cols(double *R, int64_t m, int64_t a, int64_t b, int64_t *perm)
{
    if (a == b) return;
    for (int64_t i = 0; i < m; i++) {
        double t = COL(R, m, a)[i];
        COL(R, m, a)[i] = COL(R, m, b)[i], COL(R, m, b)[i] = t;
    }
    int64_t t = perm[a];
    perm[a] = perm[b], perm[b] = t;
}

/* Reflects column j onto e_j; applies the reflection to columns > j and c. */
static void householder(double *R, double *c, int64_t m, int64_t d, int64_t j)
{
    double *x = COL(R, m, j), norm = sqrt(norm2_from(x, j, m));
    if (norm == 0) return;
    double a = x[j] > 0 ? -norm : norm;
    x[j] -= a; /* x[j..m) is now v */
    double vtv = norm2_from(x, j, m);
    for (int64_t k = j + 1; k <= d; k++) {
        double *y = k < d ? COL(R, m, k) : c, dot = 0;
        for (int64_t i = j; i < m; i++) dot += x[i] * y[i];
        double f = 2 * dot / vtv;
        for (int64_t i = j; i < m; i++) y[i] -= f * x[i];
    }
    x[j] = a;
}

int linreg_solve_qr(const lsq *p, double *w, int64_t *rank)
{
    int64_t n = p->n, d = p->d, m = n + (p->alpha > 0 ? d : 0);
    double *R = calloc((size_t)(m * d), sizeof *R), *c = calloc((size_t)m, sizeof *c);
    int64_t *perm = malloc((size_t)d * sizeof *perm);
    if (!R || !c || !perm) return free(R), free(c), free(perm), -1;
    for (int64_t i = 0; i < n; i++) {
        for (int64_t j = 0; j < d; j++) COL(R, m, j)[i] = p->A[i * d + j];
        c[i] = p->b[i];
    }
    for (int64_t j = 0; j < d && p->alpha > 0; j++) COL(R, m, j)[n + j] = sqrt(p->alpha);
    for (int64_t j = 0; j < d; j++) perm[j] = j;
    int64_t r = 0;
    double tol = 0;
    for (int64_t j = 0; j < d && j < m; j++) {
        int64_t best = j;
        double bn = -1;
        for (int64_t k = j; k < d; k++) {
            double nk = norm2_from(COL(R, m, k), j, m);
            if (nk > bn) bn = nk, best = k;
        }
        swap_cols(R, m, j, best, perm);
        householder(R, c, m, d, j);
        double diag = fabs(COL(R, m, j)[j]);
        if (j == 0) tol = DBL_EPSILON * (double)(m > d ? m : d) * diag;
        if (diag <= tol || diag == 0) break;
        r = j + 1;
    }
    /* back substitution on the leading r x r block of R */
    memset(w, 0, (size_t)d * sizeof *w);
    for (int64_t j = r - 1; j >= 0; j--) {
        double s = c[j];
        for (int64_t k = j + 1; k < r; k++) s -= COL(R, m, k)[j] * w[perm[k]];
        w[perm[j]] = s / COL(R, m, j)[j];
    }
    *rank = r;
    free(R), free(c), free(perm);
    return 0;
}
