/* nn/embedding.c — lookup tables: Embedding (a row per index) and
 * EmbeddingBag (the sum or mean of the rows of each bag, the bag-of-words
 * building block).
 *
 * embedding_bag, for bag b holding indices idx[j], j in [off_b, off_{b+1}):
 *   y[b] = s_b sum_j W[idx[j]],   s_b = 1 (sum) or 1 / |bag| (mean)
 *   dW[v] = sum over j with idx[j] = v of s_{bag(j)} g[bag(j)]
 * The rule picks g's rows with index_select and adds them into a zero table
 * with scatter_add, both differentiable, so it differentiates again. */
#include "nn_internal.h"

typedef nb__bag_attrs bag_attrs;

/* bag of each index and its scale s_b, from contiguous i64 offsets */
static int bag_layout(nb_ctx *ctx, const nb_tensor *offsets, int64_t n, nb_bag_mode mode,
                      nb_tensor **bag_of, nb_tensor **scale, nb_dtype dt)
{
    int64_t B = offsets->shape[0];
    *bag_of = nb_empty(ctx, NB_I64, NB_SHAPE(n));
    *scale = nb_empty(ctx, dt, NB_SHAPE(n, 1));
    if (!*bag_of || !*scale) return -1;
    for (int64_t b = 0; b < B; b++) {
        int64_t lo = nb__get_index(offsets, b), hi = b + 1 < B ? nb__get_index(offsets, b + 1) : n;
        for (int64_t j = lo; j < hi; j++) {
            ((int64_t *)nb_data(*bag_of))[j] = b;
            nb__set_f(nb_data(*scale), dt, j, mode == NB_BAG_MEAN ? 1 / (double)(hi - lo) : 1);
        }
    }
    return 0;
}

/* ---- checks ---------------------------------------------------------------------- */

static int check_table(const char *api, const nb_tensor *w)
{
    if (w->ndim == 2 && nb_dtype_is_float(w->dtype)) return 0;
    char s[NB_SHAPE_STR_MAX];
    nb__error("%s: the weight must be a float [num, dim] table, got %s %s", api,
              nb_dtype_name(w->dtype), nb__shape_str(s, sizeof s, w->ndim, w->shape));
    return -1;
}

/* Every index integer and in [0, V). */
static int check_indices(const char *api, nb_ctx *ctx, nb_tensor *idx, int64_t V)
{
    if (idx->dtype != NB_I32 && idx->dtype != NB_I64) {
        nb__error("%s: indices must be i32 or i64, got %s", api, nb_dtype_name(idx->dtype));
        return -1;
    }
    nb_tensor *c = nb_contiguous(ctx, idx);
    if (!c) return -1;
    for (int64_t i = 0, n = nb_numel(c); i < n; i++) {
        int64_t v = nb__get_index(c, i);
        if (v < 0 || v >= V) {
            nb__error("%s: index %lld (at position %lld) is outside [0, %lld)", api, (long long)v,
                      (long long)i, (long long)V);
            return -1;
        }
    }
    return 0;
}

/* offsets: 1-D, integer, starting at 0, non-decreasing, at most n */
static int check_offsets(nb_ctx *ctx, nb_tensor *off, int64_t n)
{
    char s[NB_SHAPE_STR_MAX];
    if (off->ndim != 1 || off->shape[0] < 1 || (off->dtype != NB_I32 && off->dtype != NB_I64)) {
        nb__error("nb_embedding_bag: offsets must be a non-empty 1-D integer tensor, got %s %s",
                  nb_dtype_name(off->dtype), nb__shape_str(s, sizeof s, off->ndim, off->shape));
        return -1;
    }
    nb_tensor *c = nb_contiguous(ctx, off);
    for (int64_t b = 0; c && b < off->shape[0]; b++) {
        int64_t v = nb__get_index(c, b), prev = b ? nb__get_index(c, b - 1) : 0;
        if ((b == 0 && v != 0) || v < prev || v > n) {
            nb__error("nb_embedding_bag: offsets[%lld] = %lld; offsets must start at 0 and rise "
                      "to at most %lld indices", (long long)b, (long long)v, (long long)n);
            return -1;
        }
    }
    return c ? 0 : -1;
}

static nb_tensor *bag_forward(nb_ctx *ctx, nb_tensor *const *in, int n, const void *attrs)
{
    (void)n;
    nb_bag_mode mode = ((const bag_attrs *)attrs)->mode;
    nb_tensor *w = nb_contiguous(ctx, in[0]), *idx = nb_contiguous(ctx, in[1]), *off = nb_contiguous(ctx, in[2]);
    if (!w || !idx || !off) return NULL;
    int64_t B = off->shape[0], D = w->shape[1], total = idx->shape[0];
    if (check_indices("nb_embedding_bag", ctx, idx, w->shape[0]) || check_offsets(ctx, off, total)) return NULL;
    nb_tensor *y = nb_zeros(ctx, w->dtype, NB_SHAPE(B, D));
    if (!y) return NULL;
    for (int64_t b = 0; b < B; b++) {
        int64_t lo = nb__get_index(off, b), hi = b + 1 < B ? nb__get_index(off, b + 1) : total;
        double s = mode == NB_BAG_MEAN && hi > lo ? 1 / (double)(hi - lo) : 1;
        for (int64_t j = lo; j < hi; j++) {
            int64_t v = nb__get_index(idx, j);
            for (int64_t d = 0; d < D; d++)
                nb__set_f(nb_data(y), y->dtype, b * D + d,
                          nb__get_f(nb_data(y), y->dtype, b * D + d) + s * nb__get_f(nb_data(w), w->dtype, v * D + d));
        }
    }
    return y;
}

static int bag_backward(nb_ctx *ctx, const nb_node *node, nb_tensor *g, nb_tensor **gin)
{
    nb_tensor *w = nb_node_input(node, 0), *idx = nb_contiguous(ctx, nb_node_input(node, 1));
    nb_tensor *off = nb_contiguous(ctx, nb_node_input(node, 2)), *bag_of, *scale;
    if (!idx || !off) return -1;
    int64_t n = idx->shape[0], D = w->shape[1];
    if (bag_layout(ctx, off, n, ((const bag_attrs *)nb_node_attrs(node))->mode, &bag_of, &scale, g->dtype))
        return -1;
    nb_tensor *rows = nb_mul(ctx, nb_index_select(ctx, g, 0, bag_of), scale);          /* [n, D] */
    nb_tensor *at = nb_expand(ctx, nb_reshape(ctx, idx, NB_SHAPE(n, 1)), NB_SHAPE(n, D));
    gin[0] = nb_scatter_add(ctx, nb_zeros_like(ctx, w), 0, at, rows);
    return gin[0] ? 0 : -1;
}

/* a table [V,D], some indices, and bags (some empty) over them */
static int sample_bag(nb_ctx *ctx, nb_rng *rng, nb_tensor **in, void *attrs)
{
    ((bag_attrs *)attrs)->mode = (nb_bag_mode)nb_rng_below(rng, 2);
    int64_t V = 2 + (int64_t)nb_rng_below(rng, 4), D = 1 + (int64_t)nb_rng_below(rng, 3);
    int64_t n = (int64_t)nb_rng_below(rng, 7), B = 1 + (int64_t)nb_rng_below(rng, 3);
    in[0] = nb_rand_uniform(ctx, rng, NB_F64, NB_SHAPE(V, D), -2, 2);
    in[1] = nb_rand_int(ctx, rng, NB_I64, NB_SHAPE(n), 0, V);
    in[2] = nb_zeros(ctx, NB_I64, NB_SHAPE(B));
    if (!in[0] || !in[1] || !in[2]) return -1;
    int64_t *off = nb_data(in[2]);
    for (int64_t b = 1; b < B; b++) off[b] = off[b - 1] + (int64_t)nb_rng_below(rng, (uint64_t)(n - off[b - 1] + 1));
    return 3;
}

static const nb_op_def bag_op = {
    .name = "embedding_bag", .arity = 3, .attrs_size = sizeof(bag_attrs), .forward = bag_forward,
    .backward = bag_backward, .saves = NB_SAVES_INPUT(1) | NB_SAVES_INPUT(2),
    .no_grad_inputs = 1u << 1 | 1u << 2, .sample = sample_bag,
};

int nb__nn_register_embedding(void) { return nb_op_register(&bag_op); }

/* ---- public ---------------------------------------------------------------------- */

nb_tensor *nb_embedding(nb_ctx *ctx, nb_tensor *weight, nb_tensor *indices)
{
    NB_REQUIRE(weight);
    NB_REQUIRE(indices);
    if (check_table(__func__, weight) || check_indices(__func__, ctx, indices, weight->shape[0])) return NULL;
    return nb_take(ctx, weight, 0, indices);
}

nb_tensor *nb_embedding_bag(nb_ctx *ctx, nb_tensor *weight, nb_tensor *indices,
                            nb_tensor *offsets, nb_bag_mode mode)
{
    NB_REQUIRE(weight);
    NB_REQUIRE(indices);
    if (check_table(__func__, weight)) return NULL;
    if (mode != NB_BAG_SUM && mode != NB_BAG_MEAN) {
        nb__error("nb_embedding_bag: mode %d is not NB_BAG_SUM or NB_BAG_MEAN", (int)mode);
        return NULL;
    }
    nb_tensor *idx = indices, *off = offsets;
    if (indices->ndim == 2 && !offsets) { /* B bags of L */
        int64_t B = indices->shape[0], L = indices->shape[1];
        idx = nb_reshape(ctx, indices, NB_SHAPE(B * L));
        off = nb_arange(ctx, NB_I64, 0, (double)(B * L), L ? (double)L : 1);
        if (off && L == 0) off = nb_zeros(ctx, NB_I64, NB_SHAPE(B));
    } else if (indices->ndim != 1 || !offsets) {
        char s[NB_SHAPE_STR_MAX];
        nb__error("nb_embedding_bag: want 1-D indices with offsets or 2-D indices without, got %s "
                  "indices %s offsets", nb__shape_str(s, sizeof s, indices->ndim, indices->shape),
                  offsets ? "with" : "without");
        return NULL;
    }
    if (!idx || !off) return NULL;
    const nb_op_def *op = nb__nn_op("embedding_bag");
    bag_attrs at = {mode};
    return op ? nb_op_apply(ctx, op, (nb_tensor *[]){weight, idx, off}, 3, &at) : NULL;
}

/* ---- modules ------------------------------------------------------------------------ */

typedef struct {
    nb_tensor *weight;
    nb_bag_mode mode;
} table_state;

static nb_tensor *embedding_forward(nb_module *m, nb_ctx *ctx, nb_tensor *x)
{
    return nb_embedding(ctx, ((table_state *)m->state)->weight, x);
}

static nb_tensor *bag_module_forward(nb_module *m, nb_ctx *ctx, nb_tensor *x)
{
    const table_state *s = m->state;
    return nb_embedding_bag(ctx, s->weight, x, NULL, s->mode);
}

static nb_module *table_new(const char *api, nb_ctx *ctx, nb_rng *rng, int64_t num, int64_t dim,
                            const char *type, nb_module_forward_fn f, nb_bag_mode mode)
{
    if (num < 1 || dim < 1 || !rng) {
        nb__error(rng ? "%s: sizes must be >= 1, got %lld x %lld" : "%s: need a random generator (%lld x %lld)",
                  api, (long long)num, (long long)dim);
        return NULL;
    }
    nb_module *m = nb__layer_new(ctx, type, f, sizeof(table_state), "%lld, %lld%s", (long long)num,
                                 (long long)dim, f == embedding_forward ? "" : mode == NB_BAG_SUM ? ", mode=sum" : ", mode=mean");
    if (!m) return NULL;
    table_state *s = m->state;
    s->mode = mode;
    s->weight = nb_module_add_param(m, "weight", nb_rand_normal(ctx, rng, NB_F32, NB_SHAPE(num, dim), 0, 1));
    return s->weight ? m : NULL;
}

nb_module *nb_embedding_new(nb_ctx *ctx, nb_rng *rng, int64_t num_embeddings, int64_t dim)
{
    return table_new(__func__, ctx, rng, num_embeddings, dim, "Embedding", embedding_forward, NB_BAG_SUM);
}

nb_module *nb_embedding_bag_new(nb_ctx *ctx, nb_rng *rng, int64_t num_embeddings, int64_t dim,
                                nb_bag_mode mode)
{
    if (mode != NB_BAG_SUM && mode != NB_BAG_MEAN) {
        nb__error("nb_embedding_bag_new: mode %d is not NB_BAG_SUM or NB_BAG_MEAN", (int)mode);
        return NULL;
    }
    return table_new(__func__, ctx, rng, num_embeddings, dim, "EmbeddingBag", bag_module_forward, mode);
}

nb_tensor *nb_embedding_bag_forward(nb_module *m, nb_ctx *ctx, nb_tensor *indices,
                                    nb_tensor *offsets)
{
    if (!m || m->forward != bag_module_forward) {
        nb__error("nb_embedding_bag_forward: the module is not an EmbeddingBag");
        return NULL;
    }
    const table_state *s = m->state;
    return nb_embedding_bag(ctx, s->weight, indices, offsets, s->mode);
}
