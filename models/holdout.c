/* models/holdout.c — holdout evaluation: shuffle, keep a test part aside
 * (the same share of every class when classifying), fit the pipeline and the
 * model on the rest, score both parts. */
#include "internal.h"

#include <math.h>
#include <string.h>

static bool is_classifier(nb_task t)
{
    return t == NB_TASK_CLASSIFICATION || t == NB_TASK_TEXT_CLASSIFICATION;
}

nb_tensor *nb__strata(const nb_model_type *type, nb_ctx *ctx, const nb_dataset *ds, nb_label_map **map)
{
    *map = NULL;
    if (!is_classifier(type->task)) return NULL;
    if (nb_dataset_target(ds) < 0) return nb__error("%s needs a target column", type->name), NULL;
    /* labels of the target alone: no other column is looked at */
    const char *name = nb_dataset_col_name(ds, nb_dataset_target(ds));
    nb_dataset *y = nb_dataset_select(ds, &name, 1);
    nb_tensor *t = y && nb_dataset_set_target(y, name) == 0 ? nb_labels_fit(ctx, y, map) : NULL;
    nb_dataset_free(y);
    return t;
}

int nb_holdout(const nb_model_type *type, const nb_params *params, const nb_dataset *ds,
               double test_fraction, const nb_fit_options *opts, nb_ctx *ctx, nb_holdout_result *out)
{
    const char *fn = "nb_holdout";
    if (!type || !ds || !ctx || !out) return nb__error("%s: NULL argument", fn), -1;
    memset(out, 0, sizeof *out);
    if (type->task == NB_TASK_DECOMPOSITION || type->task == NB_TASK_CONTROL)
        return nb__error("%s: %s: no holdout metrics for %s models", fn, type->name, nb_task_name(type->task)), -1;
    if (!(test_fraction > 0 && test_fraction < 1))
        return nb__error("%s: test fraction %g is not in (0, 1)", fn, test_fraction), -1;
    nb_fit_options o = opts ? *opts : nb_fit_options_default();
    nb_label_map *map = NULL;
    nb_tensor *strata = nb__strata(type, ctx, ds, &map), *train = NULL, *test = NULL;
    if (is_classifier(type->task) && !strata) return -1;
    nb_rng rng;
    nb_rng_seed(&rng, o.seed);
    nb_dataset *tr = NULL, *te = NULL;
    int rc = nb_split_train_test(ctx, nb_dataset_nrows(ds), test_fraction, strata, &rng, &train, &test);
    if (rc == 0 && (train->shape[0] == 0 || test->shape[0] == 0))
        rc = -1, nb__error("%s: %lld rows cannot be split %g : %g", fn, (long long)nb_dataset_nrows(ds),
                           1 - test_fraction, test_fraction);
    if (rc == 0 && !(tr = nb_dataset_take_rows(ds, nb_data(train), train->shape[0]))) rc = -1;
    if (rc == 0 && !(te = nb_dataset_take_rows(ds, nb_data(test), test->shape[0]))) rc = -1;
    if (rc == 0 && !(out->model = nb_model_new(type, params))) rc = -1;
    double t0 = nb__seconds();
    if (rc == 0) rc = nb_model_fit(out->model, tr, &o);
    out->fit_seconds = nb__seconds() - t0;
    if (rc == 0) rc = nb__score_rows(out->model, ctx, tr, map, &out->train, NULL, NULL);
    if (rc == 0) rc = nb__score_rows(out->model, ctx, te, map, &out->test, &out->test_true, &out->test_pred);
    out->ntrain = train ? train->shape[0] : 0, out->ntest = test ? test->shape[0] : 0;
    out->test_rows = test;
    nb_dataset_free(tr), nb_dataset_free(te), nb_label_map_free(map);
    if (rc < 0) nb_model_free(out->model), out->model = NULL;
    return rc;
}
