/* bench/elementwise.c — `nabla-bench elementwise [ROUNDS]`: add, mul, exp and
 * relu on 10M floats, in GB/s of logical traffic (bytes read + written),
 * beside the bandwidth of a plain memcpy of the same 40 MB measured in the
 * same run, with 1 thread and with 2.
 *
 * Fairness. Each op is compared with a copy on as many threads as the op
 * used: with 1 thread, one memcpy of 40 MB; with 2, each thread memcpys its
 * half (nabla's ops split their work the same way). The results reuse their
 * memory from call to call (out= forms, or a reset arena), as a training
 * loop does, so no figure pays for page faults. Bytes counted: 8 per element
 * for a copy, exp and relu (one read, one write), 12 for add and mul, 8 for
 * the broadcasts [N,D] + [D] and [N,D] * [N,1] (the small operand is read
 * from cache: ideally they run as fast as a copy). The
 * CPU's write-allocate traffic is not counted on either side. For reference
 * only, a copy with streaming (non-temporal) stores shows what the memory
 * can do when a write does not read the line first; neither memcpy at this
 * size nor nabla's ops use them.
 *
 * The machine is shared, so each figure is taken in ROUNDS rounds (default
 * 5) that go through all the cases in turn, and the medians are printed: a
 * burst of load hits every case of a round alike. The ratios are those of
 * the medians. */
#include <nabla/nabla.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "bench.h"

enum { N = 10 * 1000 * 1000, ROWS = 10000, COLS = 1000, SAMPLES = 3, MAX_ROUNDS = 15 };

typedef struct {
    nb_ctx *ctx; /* reset before each call: results reuse the same memory */
    nb_tensor *a, *b, *out, *matrix, *bias, *col;
    float *src, *dst;
    int threads;
} bench_state;

/* memcpy on s->threads threads, each its share, as nabla splits a loop. */
static void run_copy(void *p)
{
    bench_state *s = p;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(s->threads)
#endif
    for (int t = 0; t < s->threads; t++) {
        int64_t i0 = (int64_t)N * t / s->threads, i1 = (int64_t)N * (t + 1) / s->threads;
        memcpy(s->dst + i0, s->src + i0, sizeof(float) * (size_t)(i1 - i0));
    }
}

#if defined(__SSE2__)
static void run_stream_copy(void *p)
{
    bench_state *s = p;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(s->threads)
#endif
    for (int t = 0; t < s->threads; t++) {
        int64_t i0 = (int64_t)N * t / s->threads / 4 * 4, i1 = (int64_t)N * (t + 1) / s->threads / 4 * 4;
        for (int64_t i = i0; i < i1; i += 4) _mm_stream_ps(s->dst + i, _mm_load_ps(s->src + i));
    }
    _mm_sfence();
}
#endif

static void run_add_out(void *p) { bench_state *s = p; nb_add_out(s->out, s->a, s->b); }
static void run_mul_out(void *p) { bench_state *s = p; nb_mul_out(s->out, s->a, s->b); }
static void run_add(void *p) { bench_state *s = p; nb_ctx_reset(s->ctx); nb_add(s->ctx, s->a, s->b); }
static void run_mul(void *p) { bench_state *s = p; nb_ctx_reset(s->ctx); nb_mul(s->ctx, s->a, s->b); }
static void run_exp(void *p) { bench_state *s = p; nb_ctx_reset(s->ctx); nb_exp(s->ctx, s->a); }
static void run_relu(void *p) { bench_state *s = p; nb_ctx_reset(s->ctx); nb_relu(s->ctx, s->a); }
static void run_bias(void *p) { bench_state *s = p; nb_ctx_reset(s->ctx); nb_add(s->ctx, s->matrix, s->bias); }
static void run_scale(void *p) { bench_state *s = p; nb_ctx_reset(s->ctx); nb_mul(s->ctx, s->matrix, s->col); }

static const struct {
    const char *name;
    void (*fn)(void *);
    double bytes_per_elem; /* logical traffic: bytes read + written */
} cases[] = {
    {"memcpy (reference)", run_copy, 8},
#if defined(__SSE2__)
    {"copy, streaming stores", run_stream_copy, 8},
#endif
    {"add out=", run_add_out, 12},
    {"mul out=", run_mul_out, 12},
    {"add", run_add, 12},
    {"mul", run_mul, 12},
    {"exp", run_exp, 8},
    {"relu", run_relu, 8},
    {"[N,D] + [D] (bias)", run_bias, 8}, /* the small operand stays in cache */
    {"[N,D] * [N,1] (scale)", run_scale, 8},
};
enum { N_CASES = sizeof cases / sizeof cases[0] };

int bench_elementwise(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 5;
    if (rounds < 1 || rounds > MAX_ROUNDS) {
        fprintf(stderr, "nabla-bench elementwise: ROUNDS must be 1..%d\n", MAX_ROUNDS);
        return 2;
    }
    nb_ctx *keep = nb_ctx_new();
    bench_state s = {.ctx = nb_ctx_new()};
    nb_rng rng;
    nb_rng_seed(&rng, 1);
    s.a = nb_rand_uniform(keep, &rng, NB_F32, NB_SHAPE(N), -4, 4);
    s.b = nb_rand_uniform(keep, &rng, NB_F32, NB_SHAPE(N), -4, 4);
    s.out = nb_zeros(keep, NB_F32, NB_SHAPE(N));
    s.matrix = nb_reshape(keep, s.a, NB_SHAPE(ROWS, COLS));
    s.bias = nb_rand_uniform(keep, &rng, NB_F32, NB_SHAPE(COLS), -1, 1);
    s.col = nb_rand_uniform(keep, &rng, NB_F32, NB_SHAPE(ROWS, 1), -1, 1);
    s.src = aligned_alloc(64, sizeof(float) * N);
    s.dst = aligned_alloc(64, sizeof(float) * N);
    if (!s.ctx || !s.a || !s.b || !s.out || !s.matrix || !s.bias || !s.col || !s.src || !s.dst) {
        fprintf(stderr, "nabla-bench elementwise: %s\n", nb_last_error());
        return 1;
    }
    memset(s.src, 1, sizeof(float) * N);
    memset(s.dst, 0, sizeof(float) * N);
    int max_threads = nb_get_num_threads(), nthreads = max_threads >= 2 ? 2 : 1;
    static double sec[N_CASES][2][MAX_ROUNDS];
    for (int r = 0; r < rounds; r++)
        for (int t = 0; t < nthreads; t++) {
            s.threads = t + 1;
            nb_set_num_threads(t + 1);
            for (int c = 0; c < N_CASES; c++) sec[c][t][r] = bench_time(cases[c].fn, &s, SAMPLES, 0.1);
        }
    nb_set_num_threads(max_threads);
    for (int t = 0; t < nthreads; t++) {
        double copy_gbs = 0;
        for (int c = 0; c < N_CASES; c++) {
            double med = bench_median(sec[c][t], rounds);
            double gbs = cases[c].bytes_per_elem * N / med / 1e9;
            if (c == 0) copy_gbs = gbs;
            printf("elementwise f32 10M %d thread%s %-24s %7.2f GB/s %8.3f ms  (%.2f of memcpy on %d thread%s)\n",
                   t + 1, t ? "s" : " ", cases[c].name, gbs, med * 1e3, gbs / copy_gbs, t + 1,
                   t ? "s" : "");
        }
    }
    free(s.src);
    free(s.dst);
    nb_ctx_free(s.ctx);
    nb_ctx_free(keep);
    return 0;
}
