/* tests/models/test_metrics.c — every metric against values worked out by
 * hand (the working is in the comments), then its errors. */
#include "mtest.h"

#include <math.h>

static nb_ctx *ctx;

static void setup(void) { ctx = nb_ctx_new(); }
static void teardown(void) { nb_ctx_free(ctx); }

static nb_tensor *labels(int64_t n, const int64_t *v) { return nb_from_data(ctx, NB_I64, 1, &n, v); }
static nb_tensor *values(int64_t n, const double *v) { return nb_from_data(ctx, NB_F64, 1, &n, v); }
#define L(...) labels(sizeof((int64_t[]){__VA_ARGS__}) / 8, (int64_t[]){__VA_ARGS__})
#define V(...) values(sizeof((double[]){__VA_ARGS__}) / 8, (double[]){__VA_ARGS__})
#define TOL 1e-12

/* y_true 0 1 1 0 1, y_pred 0 1 0 0 1: 4 of 5 right. Class 1: TP 2, FP 0, FN 1,
 * so P = 1, R = 2/3, F1 = 2 (2/3) / (5/3) = 0.8. Class 0: TP 2, FP 1, FN 0:
 * P = 2/3, R = 1, F1 = 0.8. Balanced accuracy (1 + 2/3) / 2. Confusion
 * [[2, 0], [1, 2]]. */
START_TEST(metrics_binary)
{
    nb_tensor *yt = L(0, 1, 1, 0, 1), *yp = L(0, 1, 0, 0, 1);
    ck_assert_double_eq_tol(nb_metric_accuracy(yt, yp), 0.8, TOL);
    ck_assert_double_eq_tol(nb_metric_precision(yt, yp, 2, NB_AVG_BINARY, 1), 1.0, TOL);
    ck_assert_double_eq_tol(nb_metric_recall(yt, yp, 2, NB_AVG_BINARY, 1), 2.0 / 3, TOL);
    ck_assert_double_eq_tol(nb_metric_f1(yt, yp, 2, NB_AVG_BINARY, 1), 0.8, TOL);
    ck_assert_double_eq_tol(nb_metric_precision(yt, yp, 2, NB_AVG_BINARY, 0), 2.0 / 3, TOL);
    ck_assert_double_eq_tol(nb_metric_f1(yt, yp, 2, NB_AVG_MACRO, 1), 0.8, TOL);
    ck_assert_double_eq_tol(nb_metric_balanced_accuracy(yt, yp), (1 + 2.0 / 3) / 2, TOL);
    nb_tensor *cm = nb_metric_confusion(ctx, yt, yp, 2);
    CK_VALUES(cm, 0, 2, 0, 1, 2);
}
END_TEST

/* y_true 0 0 1 1 2 2, y_pred 0 1 1 2 2 2:
 *   class 0: TP 1 FP 0 FN 1 -> P 1,   R 1/2, F1 2/3
 *   class 1: TP 1 FP 1 FN 1 -> P 1/2, R 1/2, F1 1/2
 *   class 2: TP 2 FP 1 FN 0 -> P 2/3, R 1,   F1 4/5
 * macro P = (1 + 1/2 + 2/3) / 3 = 13/18, R = 2/3, F1 = (2/3 + 1/2 + 4/5) / 3 = 59/90. */
START_TEST(metrics_macro)
{
    nb_tensor *yt = L(0, 0, 1, 1, 2, 2), *yp = L(0, 1, 1, 2, 2, 2);
    ck_assert_double_eq_tol(nb_metric_precision(yt, yp, 3, NB_AVG_MACRO, 0), 13.0 / 18, TOL);
    ck_assert_double_eq_tol(nb_metric_recall(yt, yp, 3, NB_AVG_MACRO, 0), 2.0 / 3, TOL);
    ck_assert_double_eq_tol(nb_metric_f1(yt, yp, 3, NB_AVG_MACRO, 0), 59.0 / 90, TOL);
    ck_assert_double_eq_tol(nb_metric_f1(yt, yp, 3, NB_AVG_WEIGHTED, 0), 59.0 / 90, TOL); /* equal supports */
    ck_assert_double_eq_tol(nb_metric_accuracy(yt, yp), 4.0 / 6, TOL);
}
END_TEST

/* y_true 0 0 0 1 1 2 2 2 2, y_pred 0 1 0 1 2 2 2 0 2, supports 3, 2, 4:
 *   class 0: TP 2 FP 1 FN 1 -> P = R = F1 = 2/3
 *   class 1: TP 1 FP 1 FN 1 -> 1/2
 *   class 2: TP 3 FP 1 FN 1 -> 3/4
 * weighted = (3 (2/3) + 2 (1/2) + 4 (3/4)) / 9 = 6/9; balanced accuracy
 * (2/3 + 1/2 + 3/4) / 3 = 23/36. A class in neither vector (k = 4) is left out
 * of the macro mean. */
START_TEST(metrics_weighted)
{
    nb_tensor *yt = L(0, 0, 0, 1, 1, 2, 2, 2, 2), *yp = L(0, 1, 0, 1, 2, 2, 2, 0, 2);
    ck_assert_double_eq_tol(nb_metric_precision(yt, yp, 3, NB_AVG_WEIGHTED, 0), 6.0 / 9, TOL);
    ck_assert_double_eq_tol(nb_metric_recall(yt, yp, 3, NB_AVG_WEIGHTED, 0), 6.0 / 9, TOL);
    ck_assert_double_eq_tol(nb_metric_f1(yt, yp, 3, NB_AVG_WEIGHTED, 0), 6.0 / 9, TOL);
    ck_assert_double_eq_tol(nb_metric_balanced_accuracy(yt, yp), 23.0 / 36, TOL);
    ck_assert_double_eq_tol(nb_metric_f1(yt, yp, 4, NB_AVG_MACRO, 0), (2.0 / 3 + 0.5 + 0.75) / 3, TOL);
    /* no predicted positives: precision 0, as scikit-learn's zero_division */
    ck_assert_double_eq(nb_metric_precision(L(1, 1), L(0, 0), 2, NB_AVG_BINARY, 1), 0.0);
}
END_TEST

/* log loss: -(ln 0.8 + ln 0.7) / 2; three classes -(ln .7 + ln .8 + ln .6) / 3;
 * a 0 probability is clipped to 1e-15: -ln(1e-15) = 34.5388. */
START_TEST(metrics_log_loss)
{
    nb_tensor *p = nb_from_data(ctx, NB_F64, NB_SHAPE(2, 2), (double[]){0.8, 0.2, 0.3, 0.7});
    ck_assert_double_eq_tol(nb_metric_log_loss(L(0, 1), p), -(log(0.8) + log(0.7)) / 2, TOL);
    nb_tensor *q = nb_from_data(ctx, NB_F64, NB_SHAPE(3, 3), (double[]){.7, .2, .1, .1, .8, .1, .2, .2, .6});
    ck_assert_double_eq_tol(nb_metric_log_loss(L(0, 1, 2), q), -(log(.7) + log(.8) + log(.6)) / 3, TOL);
    nb_tensor *z = nb_from_data(ctx, NB_F64, NB_SHAPE(1, 2), (double[]){1, 0});
    ck_assert_double_eq_tol(nb_metric_log_loss(L(1), z), -log(1e-15), 1e-9);
}
END_TEST

/* Binary AUC: positives score 0.35 and 0.8, negatives 0.1 and 0.4; of the 4
 * (positive, negative) pairs 3 are ordered right: 0.75. Equal scores: 0.5.
 * One-vs-rest over 3 classes (rows below): class 0 positives .6 .4 against
 * .2 .1 .3 .5 win 4 + 3 = 7 of 8; class 1 positives .5 .4 against .3 .2 .3 .4
 * win 4 + 3.5 (a tie counts half); class 2 wins 8 of 8: (7 + 7.5 + 8) / 24. */
START_TEST(metrics_roc_auc)
{
    nb_tensor *p = nb_from_data(ctx, NB_F64, NB_SHAPE(4, 2), (double[]){.9, .1, .6, .4, .65, .35, .2, .8});
    ck_assert_double_eq_tol(nb_metric_roc_auc(L(0, 0, 1, 1), p), 0.75, TOL);
    nb_tensor *tie = nb_from_data(ctx, NB_F64, NB_SHAPE(2, 2), (double[]){.5, .5, .5, .5});
    ck_assert_double_eq_tol(nb_metric_roc_auc(L(0, 1), tie), 0.5, TOL);
    nb_tensor *q = nb_from_data(ctx, NB_F64, NB_SHAPE(6, 3),
                                (double[]){.6, .3, .1, .2, .5, .3, .1, .2, .7, .3, .3, .4, .5, .4, .1, .4, .4, .2});
    ck_assert_double_eq_tol(nb_metric_roc_auc(L(0, 1, 2, 2, 1, 0), q), 22.5 / 24, TOL);
    nb_clear_error();
    ck_assert(isnan(nb_metric_roc_auc(L(1, 1), tie)));
    ck_assert_contains(nb_last_error(), "a class is missing");
}
END_TEST

/* y 3 -0.5 2 7, f 2.5 0 2 8: residuals .5 -.5 0 -1; MSE (.25 + .25 + 0 + 1) / 4
 * = .375, MAE 2/4, R^2 = 1 - 1.5 / 29.1875 (mean 2.875; squares 0.015625 +
 * 11.390625 + 0.765625 + 17.015625). */
START_TEST(metrics_regression)
{
    nb_tensor *yt = V(3, -0.5, 2, 7), *yp = V(2.5, 0, 2, 8);
    ck_assert_double_eq_tol(nb_metric_mse(yt, yp), 0.375, TOL);
    ck_assert_double_eq_tol(nb_metric_rmse(yt, yp), sqrt(0.375), TOL);
    ck_assert_double_eq_tol(nb_metric_mae(yt, yp), 0.5, TOL);
    ck_assert_double_eq_tol(nb_metric_r2(yt, yp), 1 - 1.5 / 29.1875, TOL);
    ck_assert_double_eq(nb_metric_r2(V(1, 1), V(1, 1)), 1.0);
    ck_assert_double_eq(nb_metric_r2(V(1, 1), V(1, 2)), 0.0);
}
END_TEST

/* X = 0, 2 | 10, 12 in two clusters: means 1 and 11, inertia 4 x 1 = 4.
 * Silhouettes: x=0: a 2, b (10+12)/2 = 11 -> 9/11; x=2: a 2, b 9 -> 7/9;
 * symmetric for the other two: mean (9/11 + 7/9) / 2.
 * ARI [0 0 1 2] vs [0 0 1 1]: n_ij pairs 1; a: C(2,2)=1; b: 1 + 1 = 2;
 * expected 1 x 2 / 6 = 1/3, max 3/2: (1 - 1/3) / (3/2 - 1/3) = 4/7.
 * [0 0 1 1] vs [0 1 0 1]: index 0, expected 2 x 2 / 6, max 2: -0.5. */
START_TEST(metrics_clustering)
{
    nb_tensor *X = nb_from_data(ctx, NB_F64, NB_SHAPE(4, 1), (double[]){0, 2, 10, 12});
    ck_assert_double_eq_tol(nb_metric_inertia(X, L(0, 0, 1, 1)), 4.0, TOL);
    ck_assert_double_eq_tol(nb_metric_inertia(X, L(7, 7, 3, 3)), 4.0, TOL); /* any label values */
    ck_assert_double_eq_tol(nb_metric_silhouette(X, L(0, 0, 1, 1)), (9.0 / 11 + 7.0 / 9) / 2, TOL);
    ck_assert_double_eq_tol(nb_metric_adjusted_rand(L(0, 0, 1, 2), L(0, 0, 1, 1)), 4.0 / 7, TOL);
    ck_assert_double_eq_tol(nb_metric_adjusted_rand(L(0, 0, 1, 1), L(0, 1, 0, 1)), -0.5, TOL);
    ck_assert_double_eq_tol(nb_metric_adjusted_rand(L(0, 0, 1, 1), L(5, 5, 2, 2)), 1.0, TOL);
    nb_clear_error();
    ck_assert(isnan(nb_metric_silhouette(X, L(0, 0, 0, 0))));
    ck_assert_contains(nb_last_error(), "1 clusters for 4 rows");
}
END_TEST

START_TEST(metrics_scores_and_errors)
{
    nb_scores s;
    ck_assert_int_eq(nb_scores_compute(&s, NB_TASK_CLASSIFICATION, 2, L(0, 1, 1, 0, 1), L(0, 1, 0, 0, 1), NULL, NULL), 0);
    ck_assert_double_eq_tol(nb_scores_get(&s, "f1"), 0.8, TOL);
    ck_assert(isnan(s.log_loss) && isnan(s.r2));
    ck_assert_int_eq(nb_scores_compute(&s, NB_TASK_REGRESSION, 0, V(3, -0.5, 2, 7), V(2.5, 0, 2, 8), NULL, NULL), 0);
    ck_assert_double_eq_tol(nb_scores_get(&s, "mae"), 0.5, TOL);
    ck_assert(nb_metric_higher_is_better("r2") && !nb_metric_higher_is_better("log_loss"));
    ck_assert(nb_metric_known("roc_auc") && !nb_metric_known("auc"));
    ck_assert_str_eq(nb_task_main_metric(NB_TASK_REGRESSION), "r2");
    nb_clear_error();
    ck_assert(isnan(nb_scores_get(&s, "auc")));
    ck_assert_contains(nb_last_error(), "unknown metric 'auc'");
    ck_assert(isnan(nb_metric_accuracy(L(0, 1), L(0))));
    ck_assert_contains(nb_last_error(), "y_true has 2 labels and y_pred 1");
    ck_assert(isnan(nb_metric_f1(L(0, 3), L(0, 1), 2, NB_AVG_MACRO, 0)));
    ck_assert_contains(nb_last_error(), "label 3 outside 0..1");
    ck_assert(isnan(nb_metric_accuracy(V(0.5), L(0))));
    ck_assert_contains(nb_last_error(), "must hold integer labels");
    ck_assert(isnan(nb_metric_mse(V(1, 2), V(1))));
    ck_assert(isnan(nb_metric_log_loss(L(0, 2), nb_zeros(ctx, NB_F64, NB_SHAPE(2, 2)))));
    ck_assert_contains(nb_last_error(), "a label is outside 0..k-1");
    ck_assert(isnan(nb_metric_accuracy(NULL, L(0))));
    ck_assert_contains(nb_last_error(), "y_true is NULL");
}
END_TEST

TCase *mt_metrics_case(void)
{
    TCase *tc = tcase_create("metrics");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, metrics_binary);
    tcase_add_test(tc, metrics_macro);
    tcase_add_test(tc, metrics_weighted);
    tcase_add_test(tc, metrics_log_loss);
    tcase_add_test(tc, metrics_roc_auc);
    tcase_add_test(tc, metrics_regression);
    tcase_add_test(tc, metrics_clustering);
    tcase_add_test(tc, metrics_scores_and_errors);
    return tc;
}
