/* nn/batches.c — mini-batches over the rows of a data set.
 *
 * At the start of each epoch the row order is a fresh Fisher-Yates
 * permutation drawn from the caller's generator (or the identity without
 * one), so the same seed gives the same batches. A batch is a copy of its
 * rows, made in the caller's step arena. The last batch of an epoch holds
 * what is left over unless drop_last. */
#include <stdlib.h>
#include <string.h>

#include "nn_internal.h"

struct nb_batches {
    nb_tensor *x, *y;
    int64_t n, size;
    nb_rng *rng;
    bool drop_last;
    int64_t *order;
    int64_t pos;     /* next row of the order; -1 before an epoch starts */
};

nb_batches *nb_batches_new(nb_tensor *x, nb_tensor *y, int64_t batch_size, nb_rng *rng,
                           bool drop_last)
{
    NB_REQUIRE(x);
    char s1[NB_SHAPE_STR_MAX], s2[NB_SHAPE_STR_MAX];
    if (x->ndim < 1 || (y && (y->ndim < 1 || y->shape[0] != x->shape[0]))) {
        nb__error("nb_batches_new: x %s and y %s need the same number of rows (axis 0)",
                  nb__shape_str(s1, sizeof s1, x->ndim, x->shape),
                  y ? nb__shape_str(s2, sizeof s2, y->ndim, y->shape) : "(none)");
        return NULL;
    }
    if (batch_size < 1) {
        nb__error("nb_batches_new: batch_size %lld must be >= 1", (long long)batch_size);
        return NULL;
    }
    nb_batches *b = calloc(1, sizeof *b);
    int64_t n = x->shape[0];
    if (b) b->order = malloc(sizeof *b->order * (size_t)(n ? n : 1));
    if (!b || !b->order) {
        free(b);
        nb__error("nb_batches_new: out of memory for %lld rows", (long long)n);
        return NULL;
    }
    *b = (nb_batches){x, y, n, batch_size, rng, drop_last, b->order, -1};
    return b;
}

static void new_epoch(nb_batches *b)
{
    for (int64_t i = 0; i < b->n; i++) b->order[i] = i;
    for (int64_t i = b->n - 1; b->rng && i > 0; i--) { /* Fisher-Yates */
        int64_t j = (int64_t)nb_rng_below(b->rng, (uint64_t)i + 1), t = b->order[i];
        b->order[i] = b->order[j];
        b->order[j] = t;
    }
    b->pos = 0;
}

/* rows[0..count) of t, copied in order: memcpy for contiguous data */
static nb_tensor *take_rows(nb_ctx *ctx, nb_tensor *t, const int64_t *rows, int64_t count)
{
    if (!nb_is_contiguous(t))
        return nb_index_select(ctx, t, 0, nb_from_data(ctx, NB_I64, NB_SHAPE(count), rows));
    int64_t shape[NB_MAX_DIMS];
    memcpy(shape, t->shape, sizeof shape);
    shape[0] = count;
    nb_tensor *out = nb_empty(ctx, t->dtype, t->ndim, shape);
    if (!out) return NULL;
    size_t row = t->shape[0] ? (size_t)(nb_numel(t) / t->shape[0]) * nb_dtype_size(t->dtype) : 0;
    const char *src = nb_data(t);
    char *dst = nb_data(out);
    for (int64_t i = 0; i < count; i++) memcpy(dst + (size_t)i * row, src + (size_t)rows[i] * row, row);
    return out;
}

int nb_batches_next(nb_batches *b, nb_ctx *ctx, nb_tensor **x, nb_tensor **y)
{
    if (!b || !ctx || !x) {
        nb__error("nb_batches_next: need the iterator, a context and somewhere to put x");
        return -1;
    }
    if (b->pos < 0) new_epoch(b);
    int64_t left = b->n - b->pos, count = left < b->size ? left : b->size;
    if (count == 0 || (b->drop_last && count < b->size)) {
        b->pos = -1; /* the next call starts the next epoch */
        return 0;
    }
    *x = take_rows(ctx, b->x, b->order + b->pos, count);
    if (y) *y = b->y ? take_rows(ctx, b->y, b->order + b->pos, count) : NULL;
    b->pos += count;
    return *x && (!y || !b->y || *y) ? 1 : -1;
}

int64_t nb_batches_count(const nb_batches *b)
{
    if (!b) return 0;
    return b->drop_last ? b->n / b->size : (b->n + b->size - 1) / b->size;
}

void nb_batches_free(nb_batches *b)
{
    if (!b) return;
    free(b->order);
    free(b);
}
