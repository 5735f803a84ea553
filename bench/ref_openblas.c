/* bench/ref_openblas.c — nabla-bench-openblas: the OpenBLAS side of
 * `nabla-bench matmul`.
 *
 * Runs in a process of its own, linked to OpenBLAS and not to nabla, so the
 * two libraries' thread pools never run at the same time and compete for
 * the cores (on a 2-core machine that alone can cost 3x). nabla-bench starts
 * it once per measurement with OPENBLAS_NUM_THREADS set, reads one line and
 * puts the figure beside its own.
 *
 *   nabla-bench-openblas M N K TRANS_A TRANS_B SAMPLES MIN_SECONDS
 *       times cblas_sgemm (row-major, alpha 1, beta 0) the way nabla-bench
 *       times nabla (bench_time: warm up, then the median of SAMPLES samples
 *       of at least MIN_SECONDS each) and prints "gflops G"
 *   nabla-bench-openblas --info
 *       prints "core NAME" (the kernel OpenBLAS picked for this CPU) */
#include <cblas.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

typedef struct sgemm_args {
    int M, N, K;
    bool ta, tb;
    const float *A, *B;
    float *C;
} sgemm_args;

static void run_sgemm(void *arg)
{
    const sgemm_args *g = arg;
    cblas_sgemm(CblasRowMajor, g->ta ? CblasTrans : CblasNoTrans,
                g->tb ? CblasTrans : CblasNoTrans, g->M, g->N, g->K, 1.0f, g->A,
                g->ta ? g->M : g->K, g->B, g->tb ? g->K : g->N, 0.0f, g->C, g->N);
}

/* The same values nabla-bench uses (they do not change the speed, but there
 * is no reason to differ): uniform in [-1, 1) from an LCG. */
static float *filled(size_t n, uint32_t seed)
{
    float *x = aligned_alloc(64, (n * sizeof(float) + 63) / 64 * 64);
    if (!x) return NULL;
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        x[i] = (float)(seed >> 8) / 8388608.0f - 1.0f;
    }
    return x;
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "--info")) {
        printf("core %s\n", openblas_get_corename());
        return 0;
    }
    if (argc != 8) {
        fprintf(stderr, "usage: nabla-bench-openblas M N K TRANS_A TRANS_B SAMPLES MIN_SECONDS\n"
                        "       nabla-bench-openblas --info\n");
        return 2;
    }
    sgemm_args g = {.M = atoi(argv[1]), .N = atoi(argv[2]), .K = atoi(argv[3]),
                    .ta = atoi(argv[4]) != 0, .tb = atoi(argv[5]) != 0};
    int samples = atoi(argv[6]);
    double min_seconds = atof(argv[7]);
    if (g.M < 1 || g.N < 1 || g.K < 1 || samples < 1) {
        fprintf(stderr, "nabla-bench-openblas: sizes and samples must be positive\n");
        return 2;
    }
    float *A = filled((size_t)g.M * (size_t)g.K, 1), *B = filled((size_t)g.K * (size_t)g.N, 2);
    float *C = filled((size_t)g.M * (size_t)g.N, 3);
    if (!A || !B || !C) {
        fprintf(stderr, "nabla-bench-openblas: out of memory\n");
        return 1;
    }
    g.A = A;
    g.B = B;
    g.C = C;
    double seconds = bench_time(run_sgemm, &g, samples, min_seconds);
    printf("gflops %.3f\n", 2.0 * g.M * (double)g.N * g.K / seconds / 1e9);
    free(A);
    free(B);
    free(C);
    return 0;
}
