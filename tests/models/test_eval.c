/* tests/models/test_eval.c — holdout, k-fold cross-validation and grid
 * search, a control model learning in an environment, and a clustering model
 * scored with its labels. */
#include "mtest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static nb_registry *reg;
static nb_ctx *ctx;

static void setup(void)
{
    reg = mt_registry();
    ctx = nb_ctx_new();
}

static void teardown(void)
{
    nb_ctx_free(ctx);
    nb_registry_free(reg);
}

START_TEST(eval_holdout)
{
    nb_dataset *ds = mt_passengers();
    nb_holdout_result h;
    nb_fit_options o = nb_fit_options_default();
    o.seed = 3;
    ck_assert_msg(nb_holdout(mt_type(reg, "logreg"), NULL, ds, 0.25, &o, ctx, &h) == 0, "%s", nb_last_error());
    ck_assert_int_eq(h.ntest, 40);
    ck_assert_int_eq(h.ntrain, 120);
    ck_assert_int_eq(h.test_pred->shape[0], 40);
    ck_assert(h.test.accuracy > 0.7 && h.train.accuracy > 0.7);
    ck_assert(h.fit_seconds > 0);
    /* stratified: the test part has the data's share of survivors (85/160) */
    int64_t survived = 0;
    for (int i = 0; i < 40; i++) survived += ((int64_t *)nb_data(h.test_true))[i];
    ck_assert_int_eq(survived, 21);
    /* the same seed gives the same split and model */
    nb_holdout_result again;
    ck_assert_int_eq(nb_holdout(mt_type(reg, "logreg"), NULL, ds, 0.25, &o, ctx, &again), 0);
    ck_assert(nb_allclose(h.test_rows, again.test_rows, 0, 0, false));
    ck_assert_double_eq(h.test.log_loss, again.test.log_loss);
    nb_model_free(h.model), nb_model_free(again.model);
    ck_assert_error_status(nb_holdout(mt_type(reg, "logreg"), NULL, ds, 1.5, &o, ctx, &h), "test fraction 1.5 is not in (0, 1)");
    ck_assert_ptr_null(h.model);
    nb_dataset_free(ds);
}
END_TEST

START_TEST(eval_cross_validation)
{
    nb_dataset *ds = mt_passengers();
    nb_cv_result cv;
    ck_assert_msg(nb_cross_validate(mt_type(reg, "logreg"), NULL, ds, 5, NULL, ctx, &cv) == 0, "%s", nb_last_error());
    ck_assert_int_eq(cv.k, 5);
    int64_t total = 0;
    for (int f = 0; f < 5; f++) total += cv.folds[f].n;
    ck_assert_int_eq(total, 160);
    ck_assert_int_eq(cv.mean.n, 160);
    ck_assert(cv.mean.accuracy > 0.75 && cv.std.accuracy < 0.15);
    double sum = 0;
    for (int f = 0; f < 5; f++) sum += cv.folds[f].f1;
    ck_assert_double_eq_tol(cv.mean.f1, sum / 5, 1e-12);
    /* the out-of-fold predictions score like the folds */
    ck_assert_int_eq(cv.oof_pred->shape[0], 160);
    ck_assert_double_eq_tol(nb_metric_accuracy(cv.oof_true, cv.oof_pred), cv.mean.accuracy, 0.02);
    nb_cv_result_clear(&cv);
    nb_dataset *lin = mt_linear(100, 0.5, 8);
    ck_assert_int_eq(nb_cross_validate(mt_type(reg, "linreg"), NULL, lin, 4, NULL, ctx, &cv), 0);
    ck_assert(cv.mean.r2 > 0.9);
    nb_cv_result_clear(&cv);
    nb_model *m = nb_model_new(mt_type(reg, "linreg"), NULL);
    double score = 0;
    ck_assert_error_status(nb_model_score(m, lin, &score), "linreg is not fitted");
    ck_assert_int_eq(nb_model_fit(m, lin, NULL), 0);
    nb_scores s;
    ck_assert_int_eq(nb_model_evaluate(m, ctx, lin, &s, NULL), 0);
    ck_assert_int_eq(nb_model_score(m, lin, &score), 0);
    ck_assert_double_eq(score, s.r2); /* no score of its own: the main metric */
    nb_model_free(m);
    ck_assert_error_status(nb_cross_validate(mt_type(reg, "linreg"), NULL, lin, 1, NULL, ctx, &cv), "1 folds for 100 rows");
    nb_dataset_free(lin), nb_dataset_free(ds);
}
END_TEST

START_TEST(eval_grid_search)
{
    nb_dataset *lin = mt_linear(60, 0.5, 9);
    const nb_model_type *t = mt_type(reg, "linreg");
    nb_grid *g = nb_grid_parse(t, "alpha=1e4,0,100;fit_intercept=true,false");
    ck_assert_msg(g != NULL, "%s", nb_last_error());
    ck_assert_int_eq(nb_grid_size(g), 6);
    nb_params *p = nb_grid_params(g, NULL, 3); /* alpha=0, fit_intercept=false */
    ck_assert_double_eq(nb_params_float(p, "alpha"), 0);
    ck_assert(!nb_params_bool(p, "fit_intercept"));
    nb_params_free(p);
    nb_grid_result r;
    ck_assert_msg(nb_grid_search(t, NULL, g, lin, 3, NULL, NULL, &r) == 0, "%s", nb_last_error());
    ck_assert_int_eq(r.n, 6);
    ck_assert_str_eq(r.metric, "r2");
    ck_assert_str_eq(r.settings[r.best], "alpha=0,fit_intercept=true");
    nb_grid_result_clear(&r);
    ck_assert_int_eq(nb_grid_search(t, NULL, g, lin, 3, "mse", NULL, &r), 0);
    ck_assert_str_eq(r.settings[r.best], "alpha=0,fit_intercept=true"); /* lowest error */
    nb_grid_result_clear(&r);
    ck_assert_error_status(nb_grid_search(t, NULL, g, lin, 3, "auc", NULL, &r), "unknown metric 'auc'");
    nb_grid_free(g);
    ck_assert_error(nb_grid_parse(t, "beta=1,2"), "linreg: unknown parameter 'beta'");
    ck_assert_error(nb_grid_parse(t, "alpha=1,-2"), "alpha=-2: out of range");
    ck_assert_error(nb_grid_parse(t, "alpha=1;alpha=2"), "alpha is listed twice");
    ck_assert_error(nb_grid_parse(t, "alpha"), "'alpha' is not name=value,value,...");
    ck_assert_error(nb_grid_parse(t, ";"), "the grid lists no parameter");
    nb_dataset_free(lin);
}
END_TEST

/* Value iteration with the corridor's transition model: always walk right. */
START_TEST(eval_control_in_environment)
{
    const nb_env_type *et = nb_registry_find_env(reg, "corridor");
    nb_env *env = nb_env_new(et, NULL);
    const nb_model_type *t = mt_type(reg, "test_vi");
    nb_model *m = nb_model_new(t, NULL);
    ck_assert_msg(nb_model_fit_env(m, env, NULL) == 0, "%s", nb_last_error());
    double states[6] = {0, 1, 2, 3, 4, 5};
    nb_dataset *ds = nb_dataset_from_matrix(states, 6, 1, (const char *[]){"state"}, NULL, NULL);
    nb_tensor *a = nb_model_predict(m, ctx, ds);
    ck_assert_msg(a != NULL, "%s", nb_last_error());
    for (int s = 0; s < 5; s++) ck_assert_int_eq(((int64_t *)nb_data(a))[s], 1);
    ck_assert_str_eq(nb_model_repro(m)->data_name, "env:corridor");
    nb_dataset *lin = mt_linear(10, 0, 1);
    ck_assert_error_status(nb_model_fit(m, lin, NULL), "test_vi learns from an environment (nb_model_fit_env)");
    nb_model *lr = nb_model_new(mt_type(reg, "linreg"), NULL);
    ck_assert_error_status(nb_model_fit_env(lr, env, NULL), "linreg learns from tables, not environments");
    nb_model_free(lr), nb_model_free(m);
    nb_dataset_free(ds), nb_dataset_free(lin);
    nb_env_free(env);
}
END_TEST

/* A clustering model: transform, and CV scores with the reference labels. */
START_TEST(eval_clustering)
{
    nb_dataset *ds = mt_blobs(60, 2, 10);
    const nb_model_type *t = mt_type(reg, "test_centre");
    nb_model *m = nb_model_new(t, NULL);
    ck_assert_int_eq(nb_model_fit(m, ds, NULL), 0);
    nb_tensor *z = nb_model_transform(m, ctx, ds);
    ck_assert_ptr_nonnull(z);
    ck_assert_double_eq_tol(nb_item(nb_mean(ctx, z, NB_ALL_AXES, false)), 0, 1e-12);
    nb_scores s;
    ck_assert_msg(nb_model_evaluate(m, ctx, ds, &s, NULL) == 0, "%s", nb_last_error());
    ck_assert(isfinite(s.inertia) && isfinite(s.adjusted_rand));
    ck_assert_error(nb_model_predict_proba(m, ctx, ds), "test_centre is not a classifier");
    double own = 0; /* the type's own score: minus the mean squared distance to the centre */
    ck_assert_int_eq(nb_model_score(m, ds, &own), 0);
    double ss = nb_item(nb_sum(ctx, nb_mul(ctx, z, z), NB_ALL_AXES, false));
    ck_assert_double_eq_tol(own, -ss / 60, 1e-9);
    nb_model_free(m);
    nb_dataset_free(ds);
}
END_TEST

TCase *mt_eval_case(void)
{
    TCase *tc = tcase_create("eval");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, eval_holdout);
    tcase_add_test(tc, eval_cross_validation);
    tcase_add_test(tc, eval_grid_search);
    tcase_add_test(tc, eval_control_in_environment);
    tcase_add_test(tc, eval_clustering);
    return tc;
}
