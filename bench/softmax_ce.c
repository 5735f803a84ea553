/* bench/softmax_ce.c — `nabla-bench softmax_ce [ROUNDS] [--save DIR]`: softmax
 * cross-entropy on 4096 x 1000 logits (a batch of 4096 over 1000 classes), the
 * loss at the end of every classifier.
 *
 * Figures, each in milliseconds per call, with 1 and with 2 threads:
 *   forward            loss = nb_cross_entropy(logits, target) (mean)
 *   forward+backward   the same, then nb_backward(loss): d loss / d logits
 *   softmax            nb_softmax(logits, -1) alone, the row kernel underneath
 *   log_softmax        nb_log_softmax(logits, -1)
 * The step arena is reset before each call, so every call reuses the same
 * memory (no page faults after the first), as a training loop does.
 *
 * bench/softmax_ce_vs_torch.py runs this beside torch.nn.functional.
 * cross_entropy on the same data (written with --save DIR as .npy files, with
 * the loss and gradient nabla computed, so the script can check that both
 * sides compute the same thing before timing them). The machine is shared, so
 * the 1- and 2-thread figures are taken in ROUNDS interleaved rounds (default
 * 3) and the medians printed. */
#include <nabla/nabla.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

enum { ROWS = 4096, CLASSES = 1000, SAMPLES = 7, MAX_ROUNDS = 15 };

typedef struct {
    nb_ctx *ctx; /* the step arena */
    nb_tensor *logits, *target;
    int failed;
} bench_state;

static nb_tensor *loss_of(bench_state *s)
{
    return nb_cross_entropy(s->ctx, s->logits, s->target, NULL);
}

static void run_forward(void *p)
{
    bench_state *s = p;
    nb_ctx_reset(s->ctx);
    NB_NO_GRAD { s->failed |= !loss_of(s); }
}

static void run_forward_backward(void *p)
{
    bench_state *s = p;
    nb_ctx_reset(s->ctx);
    nb_zero_grad(s->logits);
    s->failed |= nb_backward(loss_of(s)) != 0;
}

static void run_softmax(void *p)
{
    bench_state *s = p;
    nb_ctx_reset(s->ctx);
    NB_NO_GRAD { s->failed |= !nb_softmax(s->ctx, s->logits, -1); }
}

static void run_log_softmax(void *p)
{
    bench_state *s = p;
    nb_ctx_reset(s->ctx);
    NB_NO_GRAD { s->failed |= !nb_log_softmax(s->ctx, s->logits, -1); }
}

static const struct {
    const char *name;
    void (*fn)(void *);
} cases[] = {
    {"forward", run_forward},
    {"forward+backward", run_forward_backward},
    {"softmax", run_softmax},
    {"log_softmax", run_log_softmax},
};
enum { N_CASES = sizeof cases / sizeof cases[0] };

/* Writes logits.npy, target.npy, grad.npy (d mean loss / d logits) and
 * loss.txt into dir, for the comparison script. */
static int save(bench_state *s, const char *dir)
{
    nb_ctx_reset(s->ctx);
    nb_zero_grad(s->logits);
    nb_tensor *loss = loss_of(s);
    if (!loss || nb_backward(loss)) return -1;
    char path[4096];
    snprintf(path, sizeof path, "%s/logits.npy", dir);
    if (nb_npy_write(path, s->logits)) return -1;
    snprintf(path, sizeof path, "%s/target.npy", dir);
    if (nb_npy_write(path, s->target)) return -1;
    snprintf(path, sizeof path, "%s/grad.npy", dir);
    if (nb_npy_write(path, nb_grad(s->logits))) return -1;
    snprintf(path, sizeof path, "%s/loss.txt", dir);
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fprintf(f, "%.9g\n", nb_item(loss));
    return fclose(f);
}

int bench_softmax_ce(int argc, char **argv)
{
    int rounds = 3;
    const char *save_dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--save") && i + 1 < argc) save_dir = argv[++i];
        else rounds = atoi(argv[i]);
    }
    if (rounds < 1 || rounds > MAX_ROUNDS) {
        fprintf(stderr, "nabla-bench softmax_ce: ROUNDS must be 1..%d\n", MAX_ROUNDS);
        return 2;
    }
    nb_ctx *keep = nb_ctx_new();
    bench_state s = {.ctx = nb_ctx_new()};
    nb_rng rng;
    nb_rng_seed(&rng, 3);
    s.logits = nb_rand_normal(keep, &rng, NB_F32, NB_SHAPE(ROWS, CLASSES), 0, 3);
    s.target = nb_rand_int(keep, &rng, NB_I64, NB_SHAPE(ROWS), 0, CLASSES);
    if (!s.ctx || !s.logits || !s.target || nb_requires_grad_(s.logits, true) ||
        (save_dir && save(&s, save_dir))) {
        fprintf(stderr, "nabla-bench softmax_ce: %s\n", nb_last_error());
        return 1;
    }
    int max_threads = nb_get_num_threads();
    int nthreads = max_threads >= 2 ? 2 : 1;
    double ms[N_CASES][2][MAX_ROUNDS];
    for (int r = 0; r < rounds; r++)
        for (int c = 0; c < N_CASES; c++)
            for (int t = 0; t < nthreads; t++) {
                nb_set_num_threads(t + 1);
                ms[c][t][r] = 1e3 * bench_time(cases[c].fn, &s, SAMPLES, 0.1);
            }
    nb_set_num_threads(max_threads);
    if (s.failed) {
        fprintf(stderr, "nabla-bench softmax_ce: %s\n", nb_last_error());
        return 1;
    }
    for (int c = 0; c < N_CASES; c++)
        for (int t = 0; t < nthreads; t++)
            printf("softmax_ce %dx%d %-17s %d thread%s %8.3f ms\n", ROWS, CLASSES, cases[c].name,
                   t + 1, t ? "s" : " ", bench_median(ms[c][t], rounds));
    nb_ctx_free(s.ctx);
    nb_ctx_free(keep);
    return 0;
}
