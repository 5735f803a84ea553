/* nn/checkpoint.c — everything needed to resume training exactly, in one
 * safetensors file:
 *   tensors   "model.<name>"      the state dict (weights and buffers)
 *             "optim.<name>"      the optimizer state ("optim.exp_avg.0.weight", ...)
 *             "scheduler.state"   the schedule's numbers (f64 [8])
 *   metadata  "format"            "nabla-checkpoint-1"
 *             "epoch"             epochs completed
 *             "optimizer", "scheduler"   kinds, checked on load
 *             "rng.state", "rng.inc", "rng.spare_normal", "rng.has_spare"
 *                                 the generator, exactly (the spare normal as
 *                                 a hexadecimal float)
 * Loading checks every part before changing any. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "nn_internal.h"

#define FORMAT "nabla-checkpoint-1"

typedef struct {
    nb_named_tensor *ts;
    int n, cap;
    nb_metadata meta[12];
    char text[12][64];
    int nmeta;
} collect;

static int add_prefixed(nb_ctx *ctx, collect *c, const char *prefix, const nb_named_tensor *src, int n)
{
    for (int i = 0; i < n; i++) {
        if (c->n == c->cap) {
            int cap = c->cap ? 2 * c->cap : 64;
            nb_named_tensor *a = nb_ctx_alloc(ctx, sizeof *a * (size_t)cap, _Alignof(nb_named_tensor));
            if (!a) return -1;
            if (c->n) memcpy(a, c->ts, sizeof *a * (size_t)c->n);
            c->ts = a, c->cap = cap;
        }
        size_t len = strlen(prefix) + strlen(src[i].name) + 1;
        char *name = nb_ctx_alloc(ctx, len, 1);
        if (!name) return -1;
        snprintf(name, len, "%s%s", prefix, src[i].name);
        c->ts[c->n++] = (nb_named_tensor){name, src[i].tensor};
    }
    return 0;
}

static void meta(collect *c, const char *key, const char *fmt, ...) NB_PRINTF(3, 4);
static void meta(collect *c, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->text[c->nmeta], sizeof c->text[0], fmt, ap);
    va_end(ap);
    c->meta[c->nmeta] = (nb_metadata){key, c->text[c->nmeta]};
    c->nmeta++;
}

static int collect_all(nb_ctx *ctx, const nb_checkpoint *ck, collect *c)
{
    nb_named_tensor *part;
    int n = nb_module_state_dict(ck->model, ctx, &part);
    if (n < 0 || add_prefixed(ctx, c, "model.", part, n)) return -1;
    if (ck->optim && ((n = nb_optim_state(ck->optim, ctx, &part)) < 0 || add_prefixed(ctx, c, "optim.", part, n)))
        return -1;
    if (ck->scheduler) {
        double v[NB_SCHED_STATE];
        nb__scheduler_get(ck->scheduler, v);
        nb_named_tensor s = {"state", nb_from_data(ctx, NB_F64, NB_SHAPE(NB_SCHED_STATE), v)};
        if (!s.tensor || add_prefixed(ctx, c, "scheduler.", &s, 1)) return -1;
    }
    meta(c, "format", "%s", FORMAT);
    meta(c, "epoch", "%lld", (long long)ck->epoch);
    if (ck->optim) meta(c, "optimizer", "%s", nb_optim_name(ck->optim));
    if (ck->scheduler) meta(c, "scheduler", "%s", nb__scheduler_kind(ck->scheduler));
    if (ck->rng) {
        meta(c, "rng.state", "%llu", (unsigned long long)ck->rng->state);
        meta(c, "rng.inc", "%llu", (unsigned long long)ck->rng->inc);
        meta(c, "rng.spare_normal", "%a", ck->rng->spare_normal);
        meta(c, "rng.has_spare", "%d", ck->rng->has_spare ? 1 : 0);
    }
    return 0;
}

int nb_checkpoint_save(const char *path, const nb_checkpoint *ck)
{
    if (!ck || !ck->model) {
        nb__error("nb_checkpoint_save: need a checkpoint with a model");
        return -1;
    }
    if (ck->epoch < 0) {
        nb__error("nb_checkpoint_save: epoch %lld must be >= 0", (long long)ck->epoch);
        return -1;
    }
    nb_ctx *ctx = nb_ctx_new();
    collect c = {0};
    int rc = ctx ? collect_all(ctx, ck, &c) : -1;
    if (rc == 0) rc = nb_safetensors_save(path, c.ts, c.n, c.meta, c.nmeta);
    nb_ctx_free(ctx);
    return rc;
}

/* ---- loading ---------------------------------------------------------------------- */

static const char *need_meta(const nb_safetensors *st, const char *path, const char *key)
{
    const char *v = nb_safetensors_meta(st, key);
    if (!v) nb__error("nb_checkpoint_load: %s: metadata \"%s\" is missing", path, key);
    return v;
}

/* a whole string as an unsigned 64-bit number, a signed one, or a double */
static int parse_u64(const char *path, const char *key, const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-') {
        nb__error("nb_checkpoint_load: %s: metadata \"%s\" = \"%s\" is not an unsigned integer", path, key, s);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_rng(const nb_safetensors *st, const char *path, nb_rng *out)
{
    const char *s = need_meta(st, path, "rng.state"), *inc = s ? need_meta(st, path, "rng.inc") : NULL;
    const char *spare = inc ? need_meta(st, path, "rng.spare_normal") : NULL;
    const char *has = spare ? need_meta(st, path, "rng.has_spare") : NULL;
    uint64_t a, b;
    if (!has || parse_u64(path, "rng.state", s, &a) || parse_u64(path, "rng.inc", inc, &b)) return -1;
    char *end;
    double sp = strtod(spare, &end);
    if (end == spare || *end || (strcmp(has, "0") && strcmp(has, "1")) || !(b & 1)) {
        nb__error("nb_checkpoint_load: %s: the generator state is malformed (spare \"%s\", has_spare "
                  "\"%s\", inc must be odd)", path, spare, has);
        return -1;
    }
    *out = (nb_rng){.state = a, .inc = b, .spare_normal = sp, .has_spare = has[0] == '1'};
    return 0;
}

static int check_kind(const nb_safetensors *st, const char *path, const char *key, const char *want)
{
    const char *got = need_meta(st, path, key);
    if (got && strcmp(got, want)) {
        nb__error("nb_checkpoint_load: %s: the checkpoint holds a %s %s, not a %s", path, got, key, want);
        return -1;
    }
    return got ? 0 : -1;
}

/* Everything read and checked; nothing changed yet. */
typedef struct {
    int64_t epoch;
    nb_rng rng;
    double sched[NB_SCHED_STATE];
} staged;

static int stage(const nb_safetensors *st, const char *path, nb_checkpoint *ck, staged *s)
{
    const char *fmt = need_meta(st, path, "format"), *ep = fmt ? need_meta(st, path, "epoch") : NULL;
    uint64_t epoch;
    if (!ep) return -1;
    if (strcmp(fmt, FORMAT)) {
        nb__error("nb_checkpoint_load: %s: format \"%s\" is not %s", path, fmt, FORMAT);
        return -1;
    }
    if (parse_u64(path, "epoch", ep, &epoch) || epoch > INT64_MAX) return -1;
    s->epoch = (int64_t)epoch;
    if (nb__module_state_apply("nb_checkpoint_load", path, ck->model, st->tensors, st->n, "model.", true)) return -1;
    if (ck->optim && check_kind(st, path, "optimizer", nb_optim_name(ck->optim))) return -1;
    if (ck->scheduler) {
        nb_tensor *t = nb_safetensors_find(st, "scheduler.state");
        if (check_kind(st, path, "scheduler", nb__scheduler_kind(ck->scheduler))) return -1;
        if (!t || t->dtype != NB_F64 || t->ndim != 1 || t->shape[0] != NB_SCHED_STATE) {
            nb__error("nb_checkpoint_load: %s: \"scheduler.state\" is missing or not f64 [%d]", path, NB_SCHED_STATE);
            return -1;
        }
        memcpy(s->sched, nb_data(t), sizeof s->sched);
        if (nb__scheduler_check(s->sched)) return -1;
    }
    return ck->rng ? parse_rng(st, path, &s->rng) : 0;
}

int nb_checkpoint_load(const char *path, nb_checkpoint *ck)
{
    if (!ck || !ck->model) {
        nb__error("nb_checkpoint_load: need a checkpoint with a model");
        return -1;
    }
    nb_ctx *ctx = nb_ctx_new();
    nb_safetensors *st = ctx ? nb_safetensors_load(ctx, path) : NULL;
    staged s;
    int rc = st ? stage(st, path, ck, &s) : -1;
    /* the optimizer checks its whole state before taking any of it */
    if (rc == 0 && ck->optim) rc = nb_optim_load_state(ck->optim, st->tensors, st->n, "optim.");
    if (rc == 0) rc = nb__module_state_apply("nb_checkpoint_load", path, ck->model, st->tensors, st->n, "model.", false);
    if (rc == 0 && ck->scheduler) rc = nb__scheduler_set(ck->scheduler, s.sched);
    if (rc == 0) {
        if (ck->rng) *ck->rng = s.rng;
        ck->epoch = s.epoch;
    }
    nb_ctx_free(ctx);
    return rc;
}
