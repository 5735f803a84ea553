/* bench/reduce.c — `nabla-bench reduce`: sum and max over 10M floats, column
 * sums of a 1000x10000 matrix, and softmax over 4096x1000 logits. */
#include <nabla/nabla.h>
#include <stdio.h>

#include "bench.h"

typedef struct {
    nb_ctx *ctx;
    nb_tensor *flat, *matrix, *logits;
} bench_state;

static void run_sum(void *p) { bench_state *s = p; nb_ctx_reset(s->ctx); nb_sum(s->ctx, s->flat, NB_ALL_AXES, false); }
static void run_max(void *p) { bench_state *s = p; nb_ctx_reset(s->ctx); nb_max(s->ctx, s->flat, NB_ALL_AXES, false); }
static void run_sum_rows(void *p) { bench_state *s = p; nb_ctx_reset(s->ctx); nb_sum(s->ctx, s->matrix, NB_AXES(1), false); }
static void run_sum_cols(void *p) { bench_state *s = p; nb_ctx_reset(s->ctx); nb_sum(s->ctx, s->matrix, NB_AXES(0), false); }
static void run_softmax(void *p) { bench_state *s = p; nb_ctx_reset(s->ctx); nb_softmax(s->ctx, s->logits, -1); }

int bench_reduce(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    nb_ctx *keep = nb_ctx_new();
    bench_state s = {.ctx = nb_ctx_new()};
    nb_rng rng;
    nb_rng_seed(&rng, 2);
    s.flat = nb_rand_uniform(keep, &rng, NB_F32, NB_SHAPE(10000000), -1, 1);
    s.matrix = nb_reshape(keep, s.flat, NB_SHAPE(1000, 10000));
    s.logits = nb_rand_normal(keep, &rng, NB_F32, NB_SHAPE(4096, 1000), 0, 3);
    if (!s.ctx || !s.matrix || !s.logits) {
        fprintf(stderr, "nabla-bench reduce: %s\n", nb_last_error());
        return 1;
    }
    const struct {
        const char *name;
        void (*fn)(void *);
        double bytes;
    } cases[] = {
        {"sum 10M", run_sum, 4e7},
        {"max 10M", run_max, 4e7},
        {"sum rows 1000x10000", run_sum_rows, 4e7},
        {"sum cols 1000x10000", run_sum_cols, 4e7},
        {"softmax 4096x1000", run_softmax, 8 * 4096e3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double sec = bench_time(cases[i].fn, &s, 7, 0.2);
        printf("reduce f32 %-22s %7.2f GB/s  %7.3f ms\n", cases[i].name, cases[i].bytes / sec / 1e9,
               sec * 1e3);
    }
    nb_ctx_free(s.ctx);
    nb_ctx_free(keep);
    return 0;
}
