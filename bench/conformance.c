/* bench/conformance.c — `nabla-conformance [SEEDS] [OP...]`: runs every op in
 * the table (or the ones named) on the random inputs its own gradcheck
 * sampler makes, in f64, and prints one JSON object per line: the op, its
 * attributes, the inputs, the output and the gradients of sum(output * r)
 * for a random r. bench/conformance.py feeds the same numbers to PyTorch and
 * compares. nn's ops (layers and losses) are in the table too. */
#include <nabla/nabla.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../nn/nn_internal.h" /* nn's op attributes */
#include "../tensor/record.h"

static void print_tensor(const nb_tensor *t)
{
    printf("{\"dtype\":\"%s\",\"shape\":[", nb_dtype_name(t->dtype));
    for (int i = 0; i < t->ndim; i++) printf(i ? ",%lld" : "%lld", (long long)t->shape[i]);
    printf("],\"data\":[");
    int64_t idx[NB_MAX_DIMS] = {0};
    for (int64_t k = 0, n = nb_numel(t); k < n; k++) {
        printf(k ? ",%.17g" : "%.17g", nb_get(t, idx));
        for (int d = t->ndim - 1; d >= 0 && ++idx[d] == t->shape[d]; d--) idx[d] = 0;
    }
    printf("]}");
}

static void print_axes(unsigned mask)
{
    printf("[");
    for (int i = 0, first = 1; i < NB_MAX_DIMS; i++)
        if (mask & (1u << i)) printf(first ? "%d" : ",%d", i), first = 0;
    printf("]");
}

/* The attribute struct each built-in op records (see tensor/record.h). */
static void print_attrs(const char *op, const void *attrs)
{
    static const char *scalar_ops[] = {"leaky_relu", "clamp", "pow_scalar"};
    static const char *reduce_ops[] = {"sum", "mean", "prod", "var", "std", "max", "min",
                                       "logsumexp", "argmax", "argmin"};
    static const char *axis_ops[] = {"softmax", "log_softmax", "gather", "scatter_add", "take", "concat"};
    for (size_t i = 0; i < sizeof scalar_ops / sizeof *scalar_ops; i++)
        if (!strcmp(op, scalar_ops[i])) {
            const nb__scalar_attrs *a = attrs;
            printf("{\"a\":%.17g,\"b\":%.17g}", a->a, a->b);
            return;
        }
    for (size_t i = 0; i < sizeof reduce_ops / sizeof *reduce_ops; i++)
        if (!strcmp(op, reduce_ops[i])) {
            const nb__reduce_attrs *a = attrs;
            printf("{\"axes\":");
            print_axes(a->mask);
            printf(",\"keepdim\":%s,\"correction\":%d}", a->keepdim ? "true" : "false", a->correction);
            return;
        }
    for (size_t i = 0; i < sizeof axis_ops / sizeof *axis_ops; i++)
        if (!strcmp(op, axis_ops[i])) {
            printf("{\"axis\":%d}", ((const nb__axis_attrs *)attrs)->axis);
            return;
        }
    if (!strcmp(op, "reshape") || !strcmp(op, "expand")) {
        const nb__shape_attrs *a = attrs;
        printf("{\"shape\":[");
        for (int i = 0; i < a->ndim; i++) printf(i ? ",%lld" : "%lld", (long long)a->shape[i]);
        printf("]}");
    } else if (!strcmp(op, "permute")) {
        const nb__permute_attrs *a = attrs;
        printf("{\"axes\":[%d,%d,%d]}", a->axes[0], a->axes[1], a->axes[2]);
    } else if (!strcmp(op, "slice")) {
        const nb__slice_attrs *a = attrs; /* NB_END is Python's None */
        printf("{\"axis\":%d,\"step\":%lld", a->axis, (long long)a->step);
        if (a->start == NB_END) printf(",\"start\":null");
        else printf(",\"start\":%lld", (long long)a->start);
        if (a->stop == NB_END) printf(",\"stop\":null}");
        else printf(",\"stop\":%lld}", (long long)a->stop);
    } else if (!strcmp(op, "im2col") || !strcmp(op, "col2im") || !strcmp(op, "conv2d") ||
               !strcmp(op, "max_pool2d") || !strcmp(op, "max_pool2d_scatter")) {
        const nb__window *w = attrs;
        printf("{\"kernel\":[%d,%d],\"stride\":[%d,%d],\"padding\":[%d,%d],\"dilation\":[%d,%d],"
               "\"size\":[%lld,%lld]}", w->kh, w->kw, w->sh, w->sw, w->ph, w->pw, w->dh, w->dw,
               (long long)w->height, (long long)w->width);
    } else if (!strcmp(op, "cross_entropy")) {
        const nb__ce_attrs *a = attrs;
        printf("{\"ignore\":%s,\"ignore_index\":%lld,\"smoothing\":%.17g,\"reduction\":%d}",
               a->ignore ? "true" : "false", (long long)a->ignore_index, a->smoothing, (int)a->reduction);
    } else if (!strcmp(op, "embedding_bag")) {
        printf("{\"mode\":%d}", (int)((const nb__bag_attrs *)attrs)->mode);
    } else if (!strcmp(op, "batch_norm") || !strcmp(op, "layer_norm")) {
        const nb__norm_attrs *a = attrs;
        printf("{\"eps\":%.17g,\"naxes\":%d}", a->eps, a->naxes);
    } else {
        printf("{}");
    }
}

static int run(const nb_op_def *op, uint64_t seed, bool through_table)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, seed);
    _Alignas(16) unsigned char attrs[NB_OP_MAX_ATTRS] = {0};
    nb_tensor *in[NB_OP_MAX_INPUTS] = {0};
    int n = op->sample(ctx, &rng, in, attrs);
    for (int i = 0; i < n && !op->not_differentiable; i++)
        if (!(op->no_grad_inputs & (1u << i)) && nb_dtype_is_float(in[i]->dtype))
            nb_requires_grad_(in[i], true);
    /* nn's ops are fused kernels that record nothing themselves: they go
     * through nb_op_apply, which records them as one node */
    nb_tensor *y = NULL;
    if (n >= 0) y = through_table ? nb_op_apply(ctx, op, in, n, attrs) : op->forward(ctx, in, n, attrs);
    if (!y) {
        fprintf(stderr, "nabla-conformance: %s: %s\n", op->name, nb_last_error());
        nb_ctx_free(ctx);
        return 1;
    }
    printf("{\"op\":\"%s\",\"seed\":%llu,\"attrs\":", op->name, (unsigned long long)seed);
    print_attrs(op->name, attrs);
    printf(",\"inputs\":[");
    for (int i = 0; i < n; i++) printf(i ? "," : ""), print_tensor(in[i]);
    printf("],\"output\":");
    print_tensor(y);
    if (!op->not_differentiable) {
        nb_tensor *r = nb_rand_normal(ctx, &rng, NB_F64, y->ndim, y->shape, 0, 1);
        nb_backward(nb_sum(ctx, nb_mul(ctx, y, r), NB_ALL_AXES, false));
        printf(",\"r\":");
        print_tensor(r);
        printf(",\"grads\":[");
        for (int i = 0; i < n; i++) {
            nb_tensor *g = nb_grad(in[i]);
            printf(i ? "," : "");
            if (g) print_tensor(g);
            else printf("null");
        }
        printf("]");
    }
    printf("}\n");
    nb_ctx_free(ctx);
    return 0;
}

/* ---- nn's composite layers and losses -----------------------------------------
 * Built from table ops, so their gradients come from those; they are checked
 * here as a whole, on random f64 inputs, against torch.nn.functional. Input 0
 * takes the gradient; "attrs" carries the reduction and the rest. */

typedef struct {
    const char *name;
    int (*make)(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, double *a); /* inputs, attrs a[0..3] */
    nb_tensor *(*apply)(nb_ctx *ctx, nb_tensor *const *in, const double *a);
} composite;

static int pairs(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, double *a)
{
    int64_t shape[3] = {1 + (int64_t)nb_rng_below(rng, 4), 1 + (int64_t)nb_rng_below(rng, 4), 2};
    int ndim = 1 + (int)nb_rng_below(rng, 3);
    in[0] = nb_rand_uniform(ctx, rng, NB_F64, ndim, shape, -3, 3);
    in[1] = nb_rand_uniform(ctx, rng, NB_F64, ndim, shape, -3, 3);
    a[0] = (double)nb_rng_below(rng, 3);      /* reduction */
    a[1] = 0.5 + 1.5 * nb_rng_uniform(rng);   /* huber's delta, hinge's margin */
    return 2;
}

static int probs(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, double *a)
{
    pairs(ctx, rng, in, a);
    in[1] = nb_rand_uniform(ctx, rng, NB_F64, in[0]->ndim, in[0]->shape, 0, 1);
    in[2] = nb_rand_uniform(ctx, rng, NB_F64, in[0]->ndim, in[0]->shape, 0.5, 2); /* weight */
    in[3] = nb_rand_uniform(ctx, rng, NB_F64, 1, in[0]->shape + in[0]->ndim - 1, 0.5, 3); /* pos_weight */
    return 4;
}

static int signs(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, double *a)
{
    pairs(ctx, rng, in, a);
    in[1] = nb_sub_scalar(ctx, nb_mul_scalar(ctx, nb_cast(ctx, nb_rand_int(ctx, rng, NB_I64, in[0]->ndim, in[0]->shape, 0, 2), NB_F64), 2), 1);
    return 2;
}

/* scores [N,C], classes [N], class weights [C]; a[2]: ignore index or -1, a[3]: p */
static int classes(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, double *a)
{
    int64_t N = 1 + (int64_t)nb_rng_below(rng, 4), C = 2 + (int64_t)nb_rng_below(rng, 3);
    in[0] = nb_rand_uniform(ctx, rng, NB_F64, NB_SHAPE(N, C), -3, 3);
    in[1] = nb_rand_int(ctx, rng, NB_I64, NB_SHAPE(N), 0, C);
    in[2] = nb_rand_uniform(ctx, rng, NB_F64, NB_SHAPE(C), 0.5, 2);
    a[0] = (double)nb_rng_below(rng, 3);
    a[1] = 0.5 + nb_rng_uniform(rng);
    a[2] = nb_rng_below(rng, 2) && N > 1 ? (double)nb_get(in[1], (int64_t[]){N - 1}) : -1;
    if (a[2] >= 0 && nb_get(in[1], (int64_t[]){0}) == a[2]) a[2] = -1; /* row 0 always counts */
    a[3] = 1 + (double)nb_rng_below(rng, 2);
    return 3;
}

static int images(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, double *a)
{
    int k = 1 + (int)nb_rng_below(rng, 3);
    in[0] = nb_rand_uniform(ctx, rng, NB_F64, NB_SHAPE(1 + (int64_t)nb_rng_below(rng, 2), 2, 5, 6), -2, 2);
    a[0] = k, a[1] = 1 + (double)nb_rng_below(rng, 2), a[2] = (double)nb_rng_below(rng, (uint64_t)k / 2 + 1);
    return 1;
}

static int table(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, double *a)
{
    (void)a;
    in[0] = nb_rand_uniform(ctx, rng, NB_F64, NB_SHAPE(5, 3), -2, 2);
    in[1] = nb_rand_int(ctx, rng, NB_I64, NB_SHAPE(2, 3), 0, 5);
    return 2;
}

static nb_reduction red(const double *a) { return (nb_reduction)(int)a[0]; }
static nb_tensor *mse(nb_ctx *c, nb_tensor *const *in, const double *a) { return nb_mse_loss(c, in[0], in[1], red(a)); }
static nb_tensor *l1(nb_ctx *c, nb_tensor *const *in, const double *a) { return nb_l1_loss(c, in[0], in[1], red(a)); }
static nb_tensor *huber(nb_ctx *c, nb_tensor *const *in, const double *a) { return nb_huber_loss(c, in[0], in[1], a[1], red(a)); }
static nb_tensor *hinge(nb_ctx *c, nb_tensor *const *in, const double *a) { return nb_hinge_loss(c, in[0], in[1], a[1], red(a)); }

static nb_tensor *bce(nb_ctx *c, nb_tensor *const *in, const double *a)
{
    return nb_bce_with_logits(c, in[0], in[1], &(nb_bce_opts){.weight = in[2], .pos_weight = in[3], .reduction = red(a)});
}

static nb_tensor *nll(nb_ctx *c, nb_tensor *const *in, const double *a)
{
    nb_cross_entropy_opts o = {.weight = in[2], .ignore = a[2] >= 0, .ignore_index = (int64_t)a[2], .reduction = red(a)};
    return nb_nll_loss(c, in[0], in[1], &o);
}

static nb_tensor *margin(nb_ctx *c, nb_tensor *const *in, const double *a)
{
    return nb_multi_margin_loss(c, in[0], in[1], (int)a[3], a[1], in[2], red(a));
}

static nb_tensor *avg_pool(nb_ctx *c, nb_tensor *const *in, const double *a)
{
    int k = (int)a[0], s = (int)a[1], p = (int)a[2];
    return nb_avg_pool2d(c, in[0], &(nb_pool2d_opts){.kernel = {k, k}, .stride = {s, s}, .padding = {p, p}});
}

static nb_tensor *embedding(nb_ctx *c, nb_tensor *const *in, const double *a)
{
    (void)a;
    return nb_embedding(c, in[0], in[1]);
}

static const composite composites[] = {
    {"mse_loss", pairs, mse}, {"l1_loss", pairs, l1}, {"huber_loss", pairs, huber},
    {"bce_with_logits", probs, bce}, {"hinge_loss", signs, hinge}, {"nll_loss", classes, nll},
    {"multi_margin_loss", classes, margin}, {"avg_pool2d", images, avg_pool}, {"embedding", table, embedding},
};

static int run_composite(const composite *c, uint64_t seed)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, seed);
    nb_tensor *in[NB_OP_MAX_INPUTS] = {0};
    double a[4] = {0};
    int n = c->make(ctx, &rng, in, a);
    nb_requires_grad_(in[0], true);
    nb_tensor *y = c->apply(ctx, in, a);
    nb_tensor *r = y ? nb_rand_normal(ctx, &rng, NB_F64, y->ndim, y->shape, 0, 1) : NULL;
    if (!r || nb_backward(nb_sum(ctx, nb_mul(ctx, y, r), NB_ALL_AXES, false))) {
        fprintf(stderr, "nabla-conformance: %s: %s\n", c->name, nb_last_error());
        nb_ctx_free(ctx);
        return 1;
    }
    printf("{\"op\":\"%s\",\"seed\":%llu,\"attrs\":{\"a\":[%.17g,%.17g,%.17g,%.17g]},\"inputs\":[", c->name,
           (unsigned long long)seed, a[0], a[1], a[2], a[3]);
    for (int i = 0; i < n; i++) printf(i ? "," : ""), print_tensor(in[i]);
    printf("],\"output\":");
    print_tensor(y);
    printf(",\"r\":");
    print_tensor(r);
    printf(",\"grads\":[");
    print_tensor(nb_grad(in[0]));
    for (int i = 1; i < n; i++) printf(",null");
    printf("]}\n");
    nb_ctx_free(ctx);
    return 0;
}

int main(int argc, char **argv)
{
    int seeds = argc > 1 ? atoi(argv[1]) : 5;
    int builtin = nb_op_count(), rc = nb_nn_init(); /* nn's layers and losses join the table */
    for (int i = 0; i < nb_op_count(); i++) {
        const nb_op_def *op = nb_op_at(i);
        bool wanted = argc <= 2;
        for (int a = 2; a < argc; a++) wanted = wanted || !strcmp(argv[a], op->name);
        if (!wanted || !op->sample) continue;
        for (int s = 1; s <= seeds; s++) rc |= run(op, (uint64_t)s, i >= builtin);
    }
    for (size_t i = 0; i < sizeof composites / sizeof *composites; i++) {
        bool wanted = argc <= 2;
        for (int a = 2; a < argc; a++) wanted = wanted || !strcmp(argv[a], composites[i].name);
        for (int s = 1; wanted && s <= seeds; s++) rc |= run_composite(&composites[i], (uint64_t)s);
    }
    return rc;
}
