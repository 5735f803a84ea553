/* tests/nn/test_init.c — initialisers: closed-form bounds and moments on
 * large tensors, orthogonality, fans and gains as PyTorch defines them,
 * determinism, errors. */
#include <math.h>

#include "cases.h"

/* min, max, mean, variance of t's elements */
static void moments(const nb_tensor *t, double *lo, double *hi, double *mean, double *var)
{
    int64_t n = nb_numel(t);
    double s = 0, sq = 0;
    *lo = INFINITY, *hi = -INFINITY;
    for (int64_t i = 0; i < n; i++) {
        double v = tu_at(t, i);
        *lo = fmin(*lo, v), *hi = fmax(*hi, v), s += v, sq += v * v;
    }
    *mean = s / (double)n;
    *var = sq / (double)n - *mean * *mean;
}

START_TEST(fans_and_gains_are_pytorchs)
{
    nb_ctx *c = nb_ctx_new();
    int64_t fi, fo;
    ck_assert_int_eq(nb_init_fans(nb_empty(c, NB_F32, NB_SHAPE(16, 8, 3, 5)), &fi, &fo), 0);
    ck_assert_int_eq(fi, 8 * 15);
    ck_assert_int_eq(fo, 16 * 15);
    ck_assert_error_status(nb_init_fans(nb_empty(c, NB_F32, NB_SHAPE(4)), &fi, &fo), "fans need at least 2 axes, got [4]");
    ck_assert_double_eq(nb_init_gain(NB_GAIN_LINEAR, 0), 1);
    ck_assert_double_eq(nb_init_gain(NB_GAIN_SIGMOID, 0), 1);
    ck_assert_double_eq(nb_init_gain(NB_GAIN_TANH, 0), 5.0 / 3);
    ck_assert_double_eq(nb_init_gain(NB_GAIN_RELU, 0), sqrt(2.0));
    ck_assert_double_eq_tol(nb_init_gain(NB_GAIN_LEAKY_RELU, sqrt(5.0)), sqrt(1.0 / 3), 1e-15);
    ck_assert_double_eq(nb_init_gain(NB_GAIN_SELU, 0), 0.75);
    nb_ctx_free(c);
}
END_TEST

START_TEST(uniform_family_has_the_right_bounds_and_moments)
{
    nb_ctx *c = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 1);
    nb_tensor *w = nb_empty(c, NB_F32, NB_SHAPE(300, 200));
    double lo, hi, mean, var;
    struct { int kind; double bound; } cases[] = {
        {0, 0.5},                                  /* U(-0.5, 0.5) */
        {1, 2 * sqrt(6.0 / 500)},                  /* xavier, gain 2 */
        {2, sqrt(2.0) * sqrt(3.0 / 200)},          /* kaiming, a = 0, fan_in, ReLU */
        {3, sqrt(2.0 / 1.01) * sqrt(3.0 / 300)},   /* kaiming, a = 0.1, fan_out, leaky ReLU */
    };
    for (int k = 0; k < 4; k++) {
        int rc = cases[k].kind == 0 ? nb_init_uniform_(w, &rng, -0.5, 0.5)
                 : cases[k].kind == 1 ? nb_init_xavier_uniform_(w, &rng, 2)
                 : cases[k].kind == 2 ? nb_init_kaiming_uniform_(w, &rng, 0, NB_FAN_IN, NB_GAIN_RELU)
                                      : nb_init_kaiming_uniform_(w, &rng, 0.1, NB_FAN_OUT, NB_GAIN_LEAKY_RELU);
        ck_assert_int_eq(rc, 0);
        double b = cases[k].bound;
        moments(w, &lo, &hi, &mean, &var);
        ck_assert_msg(lo >= -b && hi <= b && lo < -0.999 * b && hi > 0.999 * b, "case %d: [%g, %g] vs %g", k, lo, hi, b);
        ck_assert(fabs(mean) < 0.01 * b);
        ck_assert_double_eq_tol(var, b * b / 3, 0.02 * b * b / 3);
    }
    nb_ctx_free(c);
}
END_TEST

START_TEST(normal_family_has_the_right_moments)
{
    nb_ctx *c = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 2);
    nb_tensor *w = nb_empty(c, NB_F64, NB_SHAPE(400, 100, 2));
    double lo, hi, mean, var;
    ck_assert_int_eq(nb_init_normal_(w, &rng, 3, 0.5), 0);
    moments(w, &lo, &hi, &mean, &var);
    ck_assert_double_eq_tol(mean, 3, 0.005);
    ck_assert_double_eq_tol(var, 0.25, 0.005);
    ck_assert_int_eq(nb_init_xavier_normal_(w, &rng, 1), 0); /* fans 200 and 800 */
    moments(w, &lo, &hi, &mean, &var);
    ck_assert_double_eq_tol(var, 2.0 / 1000, 2e-5);
    ck_assert_int_eq(nb_init_kaiming_normal_(w, &rng, 0, NB_FAN_OUT, NB_GAIN_TANH), 0);
    moments(w, &lo, &hi, &mean, &var);
    ck_assert_double_eq_tol(var, 25.0 / 9 / 800, 3e-5);
    nb_ctx_free(c);
}
END_TEST

START_TEST(orthogonal_gives_orthonormal_rows_or_columns)
{
    nb_ctx *c = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 3);
    /* tall: Q^T Q = gain^2 I;  wide (rows < cols): Q Q^T = gain^2 I; more axes flatten */
    nb_tensor *tall = nb_empty(c, NB_F64, NB_SHAPE(7, 4)), *wide = nb_empty(c, NB_F32, NB_SHAPE(3, 2, 4));
    ck_assert_int_eq(nb_init_orthogonal_(tall, &rng, 2), 0);
    ck_assert_int_eq(nb_init_orthogonal_(wide, &rng, 1), 0);
    nb_tensor *a = nb_matmul(c, nb_transpose(c, tall, 0, 1), tall);
    nb_tensor *w2 = nb_reshape(c, wide, NB_SHAPE(3, 8)), *b = nb_matmul(c, w2, nb_transpose(c, w2, 0, 1));
    ck_assert(nb_allclose(a, nb_mul_scalar(c, nb_eye(c, NB_F64, 4), 4), 0, 1e-12, false));
    ck_assert(nb_allclose(b, nb_eye(c, NB_F32, 3), 0, 1e-6, false));
    ck_assert_error_status(nb_init_orthogonal_(nb_empty(c, NB_F32, NB_SHAPE(5)), &rng, 1), "fans need at least 2 axes");
    nb_ctx_free(c);
}
END_TEST

START_TEST(initialisers_are_seeded_and_check_their_input)
{
    nb_ctx *c = nb_ctx_new();
    nb_rng r1, r2;
    nb_rng_seed(&r1, 4), nb_rng_seed(&r2, 4);
    nb_tensor *a = nb_empty(c, NB_F32, NB_SHAPE(10, 10)), *b = nb_empty(c, NB_F32, NB_SHAPE(10, 10));
    nb_init_kaiming_normal_(a, &r1, 0, NB_FAN_IN, NB_GAIN_RELU);
    nb_init_kaiming_normal_(b, &r2, 0, NB_FAN_IN, NB_GAIN_RELU);
    ck_tensor_equal(a, b);
    /* a view (a column) is filled and the rest left alone */
    nb_tensor *z = nb_zeros(c, NB_F64, NB_SHAPE(3, 2));
    ck_assert_int_eq(nb_init_constant_(nb_slice(c, z, 1, 1, 2, 1), 7), 0);
    CK_VALUES(z, 0, 0, 7, 0, 7, 0, 7);
    ck_assert_int_eq(nb_init_ones_(z), 0);
    CK_VALUES(z, 0, 1, 1, 1, 1, 1, 1);
    ck_assert_int_eq(nb_init_zeros_(z), 0);
    CK_VALUES(z, 0, 0, 0, 0, 0, 0, 0);
    ck_assert_error_status(nb_init_uniform_(nb_empty(c, NB_I32, NB_SHAPE(2)), &r1, 0, 1), "the tensor must be f32 or f64, got i32");
    ck_assert_error_status(nb_init_uniform_(a, NULL, 0, 1), "need a random generator");
    ck_assert_error_status(nb_init_uniform_(a, &r1, 1, 0), "low 1 must be <= high 0");
    ck_assert_error_status(nb_init_normal_(a, &r1, 0, -1), "std -1 must be >= 0");
    nb_ctx_free(c);
}
END_TEST

TCase *tcase_nn_init(void)
{
    TCase *tc = tcase_create("init");
    tcase_add_test(tc, fans_and_gains_are_pytorchs);
    tcase_add_test(tc, uniform_family_has_the_right_bounds_and_moments);
    tcase_add_test(tc, normal_family_has_the_right_moments);
    tcase_add_test(tc, orthogonal_gives_orthonormal_rows_or_columns);
    tcase_add_test(tc, initialisers_are_seeded_and_check_their_input);
    return tc;
}
