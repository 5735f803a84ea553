/* bench/elementwise.c — `nabla-bench elementwise`: add, mul, exp and relu on
 * 10M floats, in GB/s of logical traffic (bytes read + written), beside the
 * bandwidth of a plain memcpy of the same 40 MB measured in the same run. */
#include <nabla/nabla.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

enum { N = 10 * 1000 * 1000 };

typedef struct {
    nb_ctx *ctx; /* reset before each call: results reuse the same memory */
    nb_tensor *a, *b, *out;
    float *src, *dst;
} bench_state;

static void run_copy(void *p) { bench_state *s = p; memcpy(s->dst, s->src, sizeof(float) * N); }
static void run_add_out(void *p) { bench_state *s = p; nb_add_out(s->out, s->a, s->b); }
static void run_mul_out(void *p) { bench_state *s = p; nb_mul_out(s->out, s->a, s->b); }
static void run_add(void *p) { bench_state *s = p; nb_ctx_reset(s->ctx); nb_add(s->ctx, s->a, s->b); }
static void run_exp(void *p) { bench_state *s = p; nb_ctx_reset(s->ctx); nb_exp(s->ctx, s->a); }
static void run_relu(void *p) { bench_state *s = p; nb_ctx_reset(s->ctx); nb_relu(s->ctx, s->a); }

int bench_elementwise(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    nb_ctx *keep = nb_ctx_new();
    bench_state s = {.ctx = nb_ctx_new()};
    nb_rng rng;
    nb_rng_seed(&rng, 1);
    s.a = nb_rand_uniform(keep, &rng, NB_F32, NB_SHAPE(N), -4, 4);
    s.b = nb_rand_uniform(keep, &rng, NB_F32, NB_SHAPE(N), -4, 4);
    s.out = nb_zeros(keep, NB_F32, NB_SHAPE(N));
    s.src = malloc(sizeof(float) * N);
    s.dst = malloc(sizeof(float) * N);
    if (!s.ctx || !s.a || !s.b || !s.out || !s.src || !s.dst) {
        fprintf(stderr, "nabla-bench elementwise: %s\n", nb_last_error());
        return 1;
    }
    memset(s.src, 1, sizeof(float) * N);
    memset(s.dst, 0, sizeof(float) * N);
    const struct {
        const char *name;
        void (*fn)(void *);
        double bytes_per_elem;
    } cases[] = {
        {"memcpy (reference)", run_copy, 8}, {"add out=", run_add_out, 12},
        {"mul out=", run_mul_out, 12},       {"add", run_add, 12},
        {"exp", run_exp, 8},                 {"relu", run_relu, 8},
    };
    double copy_gbs = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double sec = bench_time(cases[i].fn, &s, 7, 0.2);
        double gbs = cases[i].bytes_per_elem * N / sec / 1e9;
        if (i == 0) copy_gbs = gbs;
        printf("elementwise f32 10M %-20s %7.2f GB/s  %7.3f ms  (%.2f of copy bandwidth)\n",
               cases[i].name, gbs, sec * 1e3, gbs / copy_gbs);
    }
    free(s.src);
    free(s.dst);
    nb_ctx_free(s.ctx);
    nb_ctx_free(keep);
    return 0;
}
