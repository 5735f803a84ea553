/* tests/models/test_model.c — fitting and predicting through the three first
 * plugins: exact answers where there are some (least squares on noiseless
 * data, class frequencies), the pipeline and labels the host adds, sample
 * weights, progress reports and stopping, reproducibility, and errors. */
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

static nb_model *fit(const char *type, const char *params, const nb_dataset *ds)
{
    const nb_model_type *t = mt_type(reg, type);
    nb_params *p = nb_params_parse(t->name, t->params, t->nparams, params);
    ck_assert_msg(p != NULL, "%s", nb_last_error());
    nb_model *m = nb_model_new(t, p);
    nb_params_free(p);
    ck_assert_msg(nb_model_fit(m, ds, NULL) == 0, "%s", nb_last_error());
    return m;
}

/* The coefficients linreg prints: "  x1   2" lines, read back. */
static double coef_of(nb_model *m, const char *feature)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_int_eq(nb_model_print(m, f), 0);
    fclose(f);
    char key[64];
    snprintf(key, sizeof key, "\n  %s ", feature);
    char *at = strstr(buf, key);
    ck_assert_msg(at != NULL, "no %s in %s", feature, buf);
    double v = strtod(at + strlen(key), NULL);
    free(buf);
    return v;
}

START_TEST(model_linreg_exact)
{
    nb_dataset *ds = mt_linear(50, 0, 1);
    const char *solvers[] = {"solver=qr", "solver=cholesky", "solver=gd,max_iter=5000,tol=0"};
    double tol[] = {1e-9, 1e-9, 1e-4};
    for (int k = 0; k < 3; k++) {
        nb_model *m = fit("linreg", solvers[k], ds);
        ck_assert_double_eq_tol(coef_of(m, "x1"), 2, tol[k]);
        ck_assert_double_eq_tol(coef_of(m, "x2"), -3, tol[k]);
        ck_assert_double_eq_tol(coef_of(m, "(intercept)"), 1, tol[k]);
        nb_scores s;
        ck_assert_int_eq(nb_model_evaluate(m, ctx, ds, &s, NULL), 0);
        ck_assert_double_eq_tol(s.r2, 1, 1e-6);
        nb_model_free(m);
    }
    /* ridge shrinks: alpha = 1e6 leaves almost only the intercept */
    nb_model *m = fit("linreg", "alpha=1e6", ds);
    ck_assert_double_lt(fabs(coef_of(m, "x1")), 0.01);
    nb_model_free(m);
    nb_dataset_free(ds);
}
END_TEST

/* A weight of 2 on a row is the same as the row twice. */
START_TEST(model_sample_weights)
{
    nb_dataset *ds = mt_linear(20, 0.5, 2);
    int64_t rows[21];
    for (int i = 0; i < 20; i++) rows[i] = i;
    rows[20] = 0;
    nb_dataset *twice = nb_dataset_take_rows(ds, rows, 21);
    double w[20];
    for (int i = 0; i < 20; i++) w[i] = i == 0 ? 2 : 1;
    nb_dataset *weighted = nb_dataset_clone(ds);
    nb_dataset_add_numeric(weighted, "w", w);
    const nb_model_type *t = mt_type(reg, "linreg");
    nb_model *a = nb_model_new(t, NULL), *b = nb_model_new(t, NULL);
    nb_fit_options o = nb_fit_options_default();
    o.weight_column = "w";
    ck_assert_int_eq(nb_model_fit(a, twice, NULL), 0);
    ck_assert_msg(nb_model_fit(b, weighted, &o) == 0, "%s", nb_last_error());
    ck_assert_int_eq(nb_model_nfeatures(b), 2); /* the weights are not a feature */
    ck_assert_double_eq_tol(coef_of(a, "x1"), coef_of(b, "x1"), 1e-10);
    ck_assert_double_eq_tol(coef_of(a, "(intercept)"), coef_of(b, "(intercept)"), 1e-10);
    w[3] = -1;
    nb_dataset *negative = nb_dataset_clone(ds);
    nb_dataset_add_numeric(negative, "w", w);
    ck_assert_error_status(nb_model_fit(b, negative, &o), "weight column 'w', row 4: -1");
    o.weight_column = "nope";
    ck_assert_error_status(nb_model_fit(b, weighted, &o), "weight column 'nope' is not in the data");
    nb_model_free(a), nb_model_free(b);
    nb_dataset_free(ds), nb_dataset_free(twice), nb_dataset_free(weighted), nb_dataset_free(negative);
}
END_TEST

/* One-hot columns with an intercept are collinear: QR gives them a basic
 * solution with one coefficient 0; Cholesky refuses. */
START_TEST(model_linreg_collinear)
{
    nb_dataset *ds = mt_passengers();
    nb_dataset_set_target(ds, "Fare");
    nb_model *m = fit("linreg", NULL, ds);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    nb_model_print(m, f);
    fclose(f);
    ck_assert_contains(buf, "are linear combinations of others: their coefficients are 0");
    free(buf);
    nb_model_free(m);
    const nb_model_type *t = mt_type(reg, "linreg");
    nb_params *p = nb_params_parse("linreg", t->params, t->nparams, "solver=cholesky");
    m = nb_model_new(t, p);
    ck_assert_error_status(nb_model_fit(m, ds, NULL), "not positive definite");
    ck_assert(!nb_model_is_fitted(m));
    nb_model_free(m), nb_params_free(p);
    nb_dataset_free(ds);
}
END_TEST

START_TEST(model_baselines)
{
    nb_dataset *ds = mt_passengers(); /* 85 survived, 75 did not */
    nb_model *m = fit("baseline_classifier", "strategy=most_frequent", ds);
    nb_tensor *pred = nb_model_predict(m, ctx, ds), *proba = nb_model_predict_proba(m, ctx, ds);
    ck_assert_int_eq(nb_model_nclasses(m), 2);
    ck_assert_str_eq(nb_model_class_name(m, 1), "1");
    for (int i = 0; i < 160; i++) ck_assert_int_eq(((int64_t *)nb_data(pred))[i], 1);
    CK_VALUES(nb_slice(ctx, proba, 0, 0, 1, 1), 0, 0, 1);
    nb_model_free(m);
    m = fit("baseline_classifier", NULL, ds); /* prior */
    proba = nb_model_predict_proba(m, ctx, ds);
    CK_VALUES(nb_slice(ctx, proba, 0, 0, 1, 1), 1e-15, 75.0 / 160, 85.0 / 160);
    nb_model_free(m);
    m = fit("baseline_classifier", "strategy=stratified,seed=3", ds);
    nb_tensor *p1 = nb_model_predict(m, ctx, ds), *p2 = nb_model_predict(m, ctx, ds);
    ck_assert(nb_allclose(p1, p2, 0, 0, false)); /* seeded: the same draws */
    nb_scores s;
    nb_model_evaluate(m, ctx, ds, &s, NULL);
    ck_assert(s.accuracy > 0.3 && s.accuracy < 0.7);
    nb_model_free(m);
    nb_dataset_set_target(ds, "Age"); /* Age has gaps: a regression target must not */
    const nb_model_type *t = mt_type(reg, "baseline_regressor");
    m = nb_model_new(t, NULL);
    ck_assert_int_ne(nb_model_fit(m, ds, NULL), 0);
    nb_model_free(m);
    nb_dataset *lin = mt_linear(5, 0, 1);
    const double *y = nb_dataset_numeric(lin, nb_dataset_target(lin));
    double sorted[5];
    memcpy(sorted, y, sizeof sorted);
    for (int i = 0; i < 5; i++)
        for (int j = i + 1; j < 5; j++)
            if (sorted[j] < sorted[i]) { double tmp = sorted[i]; sorted[i] = sorted[j], sorted[j] = tmp; }
    m = fit("baseline_regressor", "strategy=median", lin);
    ck_assert_double_eq(nb_item(nb_slice(ctx, nb_model_predict(m, ctx, lin), 0, 0, 1, 1)), sorted[2]);
    nb_model_free(m);
    m = fit("baseline_regressor", "strategy=constant,constant=4.5", lin);
    ck_assert_double_eq(nb_item(nb_slice(ctx, nb_model_predict(m, ctx, lin), 0, 4, 5, 1)), 4.5);
    nb_model_free(m);
    nb_dataset_free(lin), nb_dataset_free(ds);
}
END_TEST

static bool proba_rows_sum_to_one(const nb_tensor *p)
{
    const double *v = nb_data(p);
    for (int64_t i = 0; i < p->shape[0]; i++) {
        double s = 0;
        for (int64_t j = 0; j < p->shape[1]; j++) s += v[i * p->shape[1] + j];
        if (fabs(s - 1) > 1e-12) return false;
    }
    return true;
}

START_TEST(model_logreg)
{
    nb_dataset *two = mt_blobs(200, 2, 4), *three = mt_blobs(300, 3, 5);
    const char *settings[] = {NULL, "solver=sgd,max_iter=300,lr=0.5", "solver=adam,max_iter=300,lr=0.05",
                              "class_weight=balanced,C=0.1"};
    for (int k = 0; k < 4; k++)
        for (int c = 0; c < 2; c++) {
            nb_dataset *ds = c ? three : two;
            nb_model *m = fit("logreg", settings[k], ds);
            nb_scores s;
            ck_assert_int_eq(nb_model_evaluate(m, ctx, ds, &s, NULL), 0);
            ck_assert_msg(s.accuracy > 0.9, "%s on %d classes: accuracy %g", settings[k], c + 2, s.accuracy);
            nb_tensor *p = nb_model_predict_proba(m, ctx, ds), *y = nb_model_predict(m, ctx, ds);
            ck_assert_int_eq(p->shape[1], c + 2);
            ck_assert(proba_rows_sum_to_one(p));
            ck_assert(nb_allclose(y, nb_argmax(ctx, p, 1, false), 0, 0, false));
            nb_model_free(m);
        }
    nb_dataset_free(two), nb_dataset_free(three);
}
END_TEST

/* Survival is the passengers' target: the pipeline imputes the missing ages,
 * one-hot codes sex and port, scales; labels come back by name. */
START_TEST(model_pipeline_and_names)
{
    nb_dataset *ds = mt_passengers();
    nb_model *m = fit("logreg", NULL, ds);
    ck_assert_str_eq(nb_model_target_name(m), "Survived");
    ck_assert_int_eq(nb_model_ninputs(m), 7);
    ck_assert_int_eq(nb_model_nfeatures(m), 10); /* Pclass Sex=2 Age SibSp Parch Fare Embarked=3 */
    ck_assert_str_eq(nb_model_feature_name(m, 1), "Sex=female");
    ck_assert_ptr_nonnull(nb_model_pipeline(m));
    nb_scores s;
    ck_assert_int_eq(nb_model_evaluate(m, ctx, ds, &s, NULL), 0);
    ck_assert_double_gt(s.accuracy, 0.7);
    /* new rows without the target and with an extra column: fine */
    nb_dataset *rows = nb_dataset_drop(ds, (const char *[]){"Survived"}, 1);
    nb_dataset_add_numeric(rows, "Extra", nb_dataset_numeric(ds, nb_dataset_col_index(ds, "Fare")));
    ck_assert_ptr_nonnull(nb_model_predict(m, ctx, rows));
    nb_dataset *no_age = nb_dataset_drop(rows, (const char *[]){"Age"}, 1);
    ck_assert_error(nb_model_predict(m, ctx, no_age), "column 'Age' is missing from the data");
    ck_assert_error(nb_model_target(m, ctx, rows), "no target column 'Survived'");
    const nb_repro *r = nb_model_repro(m);
    ck_assert_int_eq(r->rows, 160);
    ck_assert_str_eq(r->nabla_version, nb_version());
    ck_assert_int_eq(strncmp(r->checksum, "fnv1a64w:", 9), 0);
    nb_model_free(m);
    nb_dataset_free(rows), nb_dataset_free(no_age), nb_dataset_free(ds);
}
END_TEST

typedef struct trace {
    int64_t calls, last_iter, stop_at;
} trace;

static int on_progress(void *user, const nb_progress *p)
{
    trace *t = user;
    ck_assert_int_gt(p->iter, t->last_iter);
    ck_assert(isfinite(p->loss) && p->seconds >= 0);
    t->last_iter = p->iter, t->calls++;
    return t->stop_at && p->iter >= t->stop_at;
}

START_TEST(model_progress_and_stop)
{
    nb_dataset *ds = mt_blobs(200, 3, 6);
    const nb_model_type *t = mt_type(reg, "logreg");
    nb_model *m = nb_model_new(t, NULL);
    trace tr = {0};
    nb_fit_options o = nb_fit_options_default();
    o.progress = on_progress, o.progress_user = &tr;
    ck_assert_int_eq(nb_model_fit(m, ds, &o), 0);
    ck_assert_int_gt(tr.calls, 3);
    tr = (trace){.stop_at = 3};
    ck_assert_error_status(nb_model_fit(m, ds, &o), "fit interrupted after step 3");
    ck_assert(nb_model_interrupted(m) && !nb_model_is_fitted(m));
    ck_assert_int_eq(tr.calls, 3);
    ck_assert_error(nb_model_predict(m, ctx, ds), "logreg is not fitted");
    nb_model_free(m);
    nb_dataset_free(ds);
}
END_TEST

/* Same seed, same model, whatever the thread count. */
START_TEST(model_reproducible)
{
    nb_dataset *ds = mt_blobs(300, 3, 7);
    int threads = nb_get_num_threads();
    nb_set_num_threads(1);
    nb_model *a = fit("logreg", NULL, ds);
    nb_set_num_threads(threads > 1 ? threads : 2);
    nb_model *b = fit("logreg", NULL, ds);
    nb_set_num_threads(threads);
    nb_tensor *pa = nb_model_predict_proba(a, ctx, ds), *pb = nb_model_predict_proba(b, ctx, ds);
    ck_assert(nb_allclose(pa, pb, 0, 0, false));
    nb_model_free(a), nb_model_free(b);
    nb_dataset_free(ds);
}
END_TEST

START_TEST(model_fit_errors)
{
    nb_dataset *ds = mt_passengers();
    const nb_model_type *t = mt_type(reg, "logreg");
    nb_model *m = nb_model_new(t, NULL);
    nb_dataset *untargeted = nb_dataset_clone(ds);
    nb_dataset_set_target(untargeted, NULL);
    ck_assert_error_status(nb_model_fit(m, untargeted, NULL), "logreg needs a target column");
    int64_t rows[] = {2, 1, 3};
    nb_dataset *few = nb_dataset_take_rows(ds, rows, 3); /* classes 1, 0, 0 */
    nb_dataset *one = nb_dataset_take_rows(ds, rows + 1, 2);
    ck_assert_error_status(nb_model_fit(m, one, NULL), "has a single class ('0'); a classifier needs two");
    ck_assert_int_eq(nb_model_fit(m, few, NULL), 0);
    ck_assert_error_status(nb_model_fit_env(m, NULL, NULL), "NULL environment");
    ck_assert_error(nb_model_new(NULL, NULL), "NULL model type");
    nb_params *wrong = nb_params_new("linreg", mt_type(reg, "linreg")->params, mt_type(reg, "linreg")->nparams);
    ck_assert_error(nb_model_new(t, wrong), "the parameters were made for another schema");
    nb_params_free(wrong);
    nb_model_free(m);
    nb_dataset_free(untargeted), nb_dataset_free(few), nb_dataset_free(one), nb_dataset_free(ds);
}
END_TEST

TCase *mt_model_case(void)
{
    TCase *tc = tcase_create("model");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, model_linreg_exact);
    tcase_add_test(tc, model_sample_weights);
    tcase_add_test(tc, model_linreg_collinear);
    tcase_add_test(tc, model_baselines);
    tcase_add_test(tc, model_logreg);
    tcase_add_test(tc, model_pipeline_and_names);
    tcase_add_test(tc, model_progress_and_stop);
    tcase_add_test(tc, model_reproducible);
    tcase_add_test(tc, model_fit_errors);
    return tc;
}
