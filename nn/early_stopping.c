/* nn/early_stopping.c — a validation split and early stopping: training
 * stops once the validation metric has gone `patience` epochs without
 * improving by more than min_delta, and the weights of the best epoch (kept
 * as a copy) can be put back. */
#include <math.h>
#include <stdlib.h>

#include "nn_internal.h"

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

int nb_validation_split(nb_ctx *ctx, nb_rng *rng, nb_tensor *x, nb_tensor *y, double fraction,
                        nb_tensor **x_train, nb_tensor **y_train, nb_tensor **x_val,
                        nb_tensor **y_val)
{
    NB_REQUIRE_INT(x);
    if (!ctx || !rng || !x_train || !x_val || (y && (!y_train || !y_val))) {
        nb__error("nb_validation_split: need a context, a generator and output pointers");
        return -1;
    }
    int64_t n = x->ndim ? x->shape[0] : 0, nval = (int64_t)ceil(fraction * (double)n);
    if (!(fraction > 0 && fraction < 1) || nval >= n || (y && (y->ndim < 1 || y->shape[0] != n))) {
        nb__error("nb_validation_split: fraction %g must be in (0, 1) and leave rows on both sides "
                  "of %lld rows; y must have as many rows", fraction, (long long)n);
        return -1;
    }
    nb_tensor *perm = nb_randperm(ctx, rng, n);
    if (!perm) return -1;
    int64_t *p = nb_data(perm); /* first nval rows: validation; each part sorted */
    qsort(p, (size_t)nval, sizeof *p, cmp_i64);
    qsort(p + nval, (size_t)(n - nval), sizeof *p, cmp_i64);
    nb_tensor *val = nb_slice(ctx, perm, 0, 0, nval, 1), *train = nb_slice(ctx, perm, 0, nval, NB_END, 1);
    *x_val = nb_index_select(ctx, x, 0, val);
    *x_train = nb_index_select(ctx, x, 0, train);
    if (y) {
        *y_val = nb_index_select(ctx, y, 0, val);
        *y_train = nb_index_select(ctx, y, 0, train);
    }
    return *x_val && *x_train && (!y || (*y_val && *y_train)) ? 0 : -1;
}

struct nb_early_stopping {
    nb_module *model;
    int patience;
    double min_delta;
    bool maximize;
    double best;
    int64_t epoch, best_epoch;
    int bad;
    nb_ctx *snap_ctx;      /* the copy of the best weights */
    nb_named_tensor *snap; /* live tensors and their copies, by state_dict order */
    nb_named_tensor *live;
    int nsnap;
};

nb_early_stopping *nb_early_stopping_new(nb_module *model, int patience, double min_delta,
                                         bool maximize)
{
    if (patience < 0 || !(min_delta >= 0)) {
        nb__error("nb_early_stopping_new: patience %d and min_delta %g must be >= 0", patience, min_delta);
        return NULL;
    }
    nb_early_stopping *es = calloc(1, sizeof *es);
    if (!es) {
        nb__error("nb_early_stopping_new: out of memory");
        return NULL;
    }
    *es = (nb_early_stopping){.model = model, .patience = patience, .min_delta = min_delta,
                              .maximize = maximize, .best = maximize ? -INFINITY : INFINITY,
                              .best_epoch = -1};
    return es;
}

/* Copies the model's state dict into the snapshot (made on first use). */
static int snapshot(nb_early_stopping *es)
{
    if (!es->snap_ctx) {
        if (!(es->snap_ctx = nb_ctx_new())) return -1;
        es->nsnap = nb_module_state_dict(es->model, es->snap_ctx, &es->live);
        if (es->nsnap < 0) return -1;
        es->snap = nb_ctx_alloc(es->snap_ctx, sizeof *es->snap * (size_t)(es->nsnap + 1), _Alignof(nb_named_tensor));
        for (int i = 0; es->snap && i < es->nsnap; i++) {
            es->snap[i] = (nb_named_tensor){es->live[i].name, nb_clone(es->snap_ctx, nb_detach(es->snap_ctx, es->live[i].tensor))};
            if (!es->snap[i].tensor) return -1;
        }
        return es->snap ? 0 : -1;
    }
    for (int i = 0; i < es->nsnap; i++)
        if (nb_copy_(es->snap[i].tensor, es->live[i].tensor)) return -1;
    return 0;
}

int nb_early_stopping_update(nb_early_stopping *es, double metric)
{
    if (!es) {
        nb__error("nb_early_stopping_update: NULL");
        return -1;
    }
    int64_t epoch = es->epoch++;
    bool better = es->maximize ? metric > es->best + es->min_delta : metric < es->best - es->min_delta;
    if (es->best_epoch < 0 && !isnan(metric)) better = true; /* the first real value sets the bar */
    if (!better) return ++es->bad >= es->patience ? 1 : 0;
    es->best = metric;
    es->best_epoch = epoch;
    es->bad = 0;
    return es->model && snapshot(es) ? -1 : 0;
}

double nb_early_stopping_best(const nb_early_stopping *es) { return es ? es->best : NAN; }
int64_t nb_early_stopping_best_epoch(const nb_early_stopping *es) { return es ? es->best_epoch : -1; }

int nb_early_stopping_restore(nb_early_stopping *es)
{
    if (!es || !es->model || !es->snap) {
        nb__error("nb_early_stopping_restore: %s", !es ? "NULL" : !es->model ? "no model was given"
                                                               : "no epoch has been recorded yet");
        return -1;
    }
    for (int i = 0; i < es->nsnap; i++)
        if (nb_copy_(es->live[i].tensor, es->snap[i].tensor)) return -1;
    return 0;
}

void nb_early_stopping_free(nb_early_stopping *es)
{
    if (!es) return;
    nb_ctx_free(es->snap_ctx);
    free(es);
}
