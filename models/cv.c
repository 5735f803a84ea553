/* models/cv.c — k-fold cross-validation. Every row is in exactly one test
 * fold; for each fold a fresh model (pipeline included) is fitted on the other
 * folds and scored on it. Classification folds are stratified: each holds the
 * same share of every class. Reported: per-fold scores, their mean and
 * (population) standard deviation, and the out-of-fold predictions. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void nb_cv_result_clear(nb_cv_result *r)
{
    if (!r) return;
    free(r->folds);
    memset(r, 0, sizeof *r);
}

/* Mean and (population) std of each metric over the folds. */
static void summarise(nb_cv_result *r, nb_task task)
{
    nb_scores_clear(&r->mean, task), nb_scores_clear(&r->std, task);
    for (int j = 0; j < nb__scores_count(); j++) {
        double sum = 0, sq = 0;
        for (int f = 0; f < r->k; f++) sum += *nb__scores_at(&r->folds[f], j);
        double mean = sum / r->k;
        for (int f = 0; f < r->k; f++) sq += pow(*nb__scores_at(&r->folds[f], j) - mean, 2);
        *nb__scores_at(&r->mean, j) = mean, *nb__scores_at(&r->std, j) = sqrt(sq / r->k);
    }
    for (int f = 0; f < r->k; f++) r->mean.n += r->folds[f].n;
}

/* Copies a fold's truth and predictions into the out-of-fold vectors. */
static void scatter(nb_tensor *dst, const nb_tensor *src, const nb_tensor *rows)
{
    const int64_t *r = nb_data(rows);
    for (int64_t i = 0; i < rows->shape[0]; i++)
        nb_set(dst, (int64_t[]){r[i]}, nb_get(src, (int64_t[]){i}));
}

static int one_fold(const nb_model_type *type, const nb_params *params, const nb_dataset *ds,
                    const nb_tensor *folds, int f, const nb_label_map *map, const nb_fit_options *o,
                    nb_ctx *ctx, nb_cv_result *out)
{
    nb_tensor *train, *test;
    if (nb_kfold_split(ctx, folds, f, &train, &test) < 0) return -1;
    nb_dataset *tr = nb_dataset_take_rows(ds, nb_data(train), train->shape[0]);
    nb_dataset *te = tr ? nb_dataset_take_rows(ds, nb_data(test), test->shape[0]) : NULL;
    nb_model *m = te ? nb_model_new(type, params) : NULL;
    nb_fit_options fo = *o;
    fo.fold = f + 1, fo.nfolds = out->k;
    double t0 = nb__seconds();
    int rc = m ? nb_model_fit(m, tr, &fo) : -1;
    out->fit_seconds += nb__seconds() - t0;
    nb_tensor *yt = NULL, *yp = NULL;
    if (rc == 0) rc = nb__score_rows(m, ctx, te, map, &out->folds[f], &yt, &yp);
    if (rc == 0 && !out->oof_pred) {
        int64_t n = nb_dataset_nrows(ds);
        out->oof_true = yt ? nb_zeros(ctx, yt->dtype, 1, &n) : NULL;
        out->oof_pred = nb_zeros(ctx, yp->dtype, 1, &n);
        if (!out->oof_pred || (yt && !out->oof_true)) rc = -1;
    }
    if (rc == 0) {
        if (yt) scatter(out->oof_true, yt, test);
        scatter(out->oof_pred, yp, test);
    }
    nb_model_free(m), nb_dataset_free(tr), nb_dataset_free(te);
    return rc;
}

int nb_cross_validate(const nb_model_type *type, const nb_params *params, const nb_dataset *ds,
                      int k, const nb_fit_options *opts, nb_ctx *ctx, nb_cv_result *out)
{
    const char *fn = "nb_cross_validate";
    if (!type || !ds || !ctx || !out) return nb__error("%s: NULL argument", fn), -1;
    memset(out, 0, sizeof *out);
    if (type->task == NB_TASK_DECOMPOSITION || type->task == NB_TASK_CONTROL)
        return nb__error("%s: %s: no cross-validation metrics for %s models", fn, type->name,
                         nb_task_name(type->task)), -1;
    int64_t n = nb_dataset_nrows(ds);
    if (k < 2 || k > n) return nb__error("%s: %d folds for %lld rows (need 2 .. rows)", fn, k, (long long)n), -1;
    nb_fit_options o = opts ? *opts : nb_fit_options_default();
    nb_label_map *map = NULL;
    nb_tensor *strata = nb__strata(type, ctx, ds, &map);
    if (!strata && map == NULL && (type->task == NB_TASK_CLASSIFICATION || type->task == NB_TASK_TEXT_CLASSIFICATION))
        return -1;
    nb_rng rng;
    nb_rng_seed(&rng, o.seed);
    nb_tensor *folds = nb_kfold(ctx, n, k, strata, &rng);
    out->k = k;
    out->folds = calloc((size_t)k, sizeof *out->folds);
    int rc = folds && out->folds ? 0 : -1;
    if (!out->folds) nb__error("%s: out of memory", fn);
    for (int f = 0; rc == 0 && f < k; f++) rc = one_fold(type, params, ds, folds, f, map, &o, ctx, out);
    nb_label_map_free(map);
    if (rc < 0) {
        nb_cv_result_clear(out);
        return -1;
    }
    summarise(out, type->task);
    return 0;
}
