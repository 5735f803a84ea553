/* bench/matmul.c — `nabla-bench matmul [ROUNDS]`: nabla's f32 GEMM against
 * OpenBLAS's cblas_sgemm, side by side.
 *
 * Shapes: the three products of one step of a 784-256 layer at batch 128
 * (forward X W, and the backward pass's dX = dY W^T and dW = X^T dY, which
 * take the transposed paths), then square 256, 512, 2048 and 1024; each with
 * 1 and then 2 threads. 1024 comes last so that the last line printed is the
 * headline figure, square 1024 on 2 threads.
 *
 * Method. nabla is timed in this process through the kernel interface
 * (nb__gemm_f32, the path nb__isa() chose), OpenBLAS in a child process,
 * nabla-bench-openblas, found next to this program, with
 * OPENBLAS_NUM_THREADS set: the two thread pools never overlap. Both use
 * bench_time (warm-up, then the median of SAMPLES samples of at least
 * MIN_SECONDS). The machine is shared and its clock drifts, so each figure is
 * ROUNDS rounds (default 3) of nabla then OpenBLAS, interleaved: the GFLOP/s
 * printed are the medians over rounds, and the ratio is the median of the
 * per-round ratios, which is the figure that survives the drift. */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nabla/nabla.h>

#include "../tensor/kernels/kernels.h"
#include "bench.h"

enum { SAMPLES = 5, MAX_ROUNDS = 15 };
static const double MIN_SECONDS = 0.05;

typedef struct shape {
    const char *name;
    int64_t M, N, K;
    bool ta, tb;
} shape;

static const shape shapes[] = {
    {"128x784@784x256", 128, 256, 784, false, false},     /* forward: Y = X W */
    {"128x256@(784x256)^T", 128, 784, 256, false, true},  /* dX = dY W^T */
    {"(128x784)^T@128x256", 784, 256, 128, true, false},  /* dW = X^T dY */
    {"256", 256, 256, 256, false, false},
    {"512", 512, 512, 512, false, false},
    {"2048", 2048, 2048, 2048, false, false},
    {"1024", 1024, 1024, 1024, false, false},
};
enum { N_SHAPES = sizeof shapes / sizeof shapes[0] };

/* Operands of one shape, stored as op() expects them. */
typedef struct operands {
    const shape *s;
    float *A, *B, *C;
    int failed; /* a call returned -1 */
} operands;

/* Uniform in [-1, 1) from an LCG: the same values nabla-bench-openblas uses. */
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

static void run_nabla(void *arg)
{
    operands *o = arg;
    const shape *s = o->s;
    if (nb__gemm_f32(s->ta, s->tb, s->M, s->N, s->K, 1.0f, o->A, s->ta ? s->M : s->K, o->B,
                     s->tb ? s->K : s->N, 0.0f, o->C, s->N))
        o->failed = 1;
}

static double gflops(const shape *s, double seconds)
{
    return 2.0 * (double)s->M * (double)s->N * (double)s->K / seconds / 1e9;
}

/* Path of nabla-bench-openblas: beside this executable. */
static bool find_reference(char *path, size_t size)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return false;
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (!slash) return false;
    *slash = '\0';
    if (snprintf(path, size, "%s/nabla-bench-openblas", self) >= (int)size) return false;
    return access(path, X_OK) == 0;
}

/* Runs the reference with `args` (NULL-terminated, args[0] = path) and
 * OPENBLAS_NUM_THREADS = threads; its first output line goes to `line`. */
static bool run_reference(char *const args[], int threads, char *line, size_t size)
{
    char nthreads[16];
    snprintf(nthreads, sizeof nthreads, "%d", threads);
    /* Set here, before fork: between fork and exec only async-signal-safe
     * calls are allowed, and the child inherits the environment anyway. */
    if (setenv("OPENBLAS_NUM_THREADS", nthreads, 1)) return false;
    int fd[2];
    if (pipe(fd)) return false;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return false;
    }
    if (pid == 0) {
        dup2(fd[1], STDOUT_FILENO);
        close(fd[0]);
        close(fd[1]);
        execv(args[0], args);
        _exit(127);
    }
    close(fd[1]);
    FILE *out = fdopen(fd[0], "r");
    bool ok = out && fgets(line, (int)size, out) != NULL;
    if (out)
        fclose(out);
    else
        close(fd[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0) continue;
    return ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* OpenBLAS GFLOP/s for one shape, or -1. */
static double openblas_gflops(const char *ref, const shape *s, int threads)
{
    char dims[5][24], samples[8], secs[16], line[128];
    int64_t v[5] = {s->M, s->N, s->K, s->ta, s->tb};
    for (int i = 0; i < 5; i++) snprintf(dims[i], sizeof dims[i], "%lld", (long long)v[i]);
    snprintf(samples, sizeof samples, "%d", SAMPLES);
    snprintf(secs, sizeof secs, "%g", MIN_SECONDS);
    char *const args[] = {(char *)ref, dims[0], dims[1], dims[2], dims[3], dims[4],
                          samples, secs, NULL};
    double g;
    if (!run_reference(args, threads, line, sizeof line) || sscanf(line, "gflops %lf", &g) != 1)
        return -1;
    return g;
}

static double median_of(const double *xs, int n)
{
    double tmp[MAX_ROUNDS];
    memcpy(tmp, xs, (size_t)n * sizeof *xs);
    return bench_median(tmp, n);
}

/* All rounds of one shape at one thread count, and its line. */
static int measure(const char *ref, operands *o, int threads, int rounds)
{
    double ours[MAX_ROUNDS], theirs[MAX_ROUNDS], ratio[MAX_ROUNDS];
    for (int r = 0; r < rounds; r++) {
        nb_set_num_threads(threads);
        ours[r] = gflops(o->s, bench_time(run_nabla, o, SAMPLES, MIN_SECONDS));
        if (o->failed) {
            fprintf(stderr, "nabla-bench matmul: nb__gemm_f32 failed: %s\n", nb_last_error());
            return 1;
        }
        theirs[r] = ref ? openblas_gflops(ref, o->s, threads) : -1;
        ratio[r] = theirs[r] > 0 ? ours[r] / theirs[r] : 0;
    }
    printf("#   rounds:");
    for (int r = 0; r < rounds; r++) printf(" %.1f/%.1f", ours[r], theirs[r]);
    printf("\n");
    const char *plural = threads == 1 ? "" : "s";
    if (theirs[0] > 0)
        printf("matmul f32 %s %d thread%s: nabla %.1f GFLOP/s, OpenBLAS %.1f GFLOP/s, ratio %.2f\n",
               o->s->name, threads, plural, median_of(ours, rounds), median_of(theirs, rounds),
               median_of(ratio, rounds));
    else
        printf("matmul f32 %s %d thread%s: nabla %.1f GFLOP/s, OpenBLAS n/a\n", o->s->name,
               threads, plural, median_of(ours, rounds));
    fflush(stdout);
    return 0;
}

int bench_matmul(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 3;
    if (rounds < 1 || rounds > MAX_ROUNDS) {
        fprintf(stderr, "usage: nabla-bench matmul [ROUNDS]   (1 .. %d, default 3)\n",
                MAX_ROUNDS);
        return 2;
    }
    char ref[PATH_MAX + 32], info[128] = "";
    bool have_ref = find_reference(ref, sizeof ref);
    if (have_ref) {
        char *const args[] = {ref, "--info", NULL};
        if (!run_reference(args, 1, info, sizeof info)) strcpy(info, "(no answer)\n");
    }
    printf("# matmul f32: nabla path %s (NABLA_ISA=portable|avx2|avx512 forces a lower one)\n",
           nb__isa_label(nb__isa()));
    if (have_ref)
        printf("# OpenBLAS in a separate process (%s), %s", ref, info);
    else
        printf("# nabla-bench-openblas not found next to nabla-bench: no reference\n");
    printf("# each figure: median of %d interleaved rounds (nabla/OpenBLAS GFLOP/s listed), "
           "ratio = median of per-round ratios\n", rounds);

    int saved_threads = nb_get_num_threads(), rc = 0;
    for (int threads = 1; threads <= 2 && !rc; threads++)
        for (int i = 0; i < N_SHAPES && !rc; i++) {
            const shape *s = &shapes[i];
            operands o = {.s = s,
                          .A = filled((size_t)(s->M * s->K), 1),
                          .B = filled((size_t)(s->K * s->N), 2),
                          .C = filled((size_t)(s->M * s->N), 3)};
            if (!o.A || !o.B || !o.C) {
                fprintf(stderr, "nabla-bench matmul: out of memory\n");
                rc = 1;
            } else {
                rc = measure(have_ref ? ref : NULL, &o, threads, rounds);
            }
            free(o.A);
            free(o.B);
            free(o.C);
        }
    nb_set_num_threads(saved_threads);
    return rc;
}
