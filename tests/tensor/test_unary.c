/* tests/tensor/test_unary.c — elementwise functions of one tensor: values by
 * hand (from NumPy / Python's math), a reference loop on random strided views,
 * integer type rules, special values, errors. */
#include <math.h>

#include "cases.h"

static nb_tensor *leaky(nb_ctx *c, nb_tensor *x) { return nb_leaky_relu(c, x, 0.1); }
static nb_tensor *clamp11(nb_ctx *c, nb_tensor *x) { return nb_clamp(c, x, -1, 1); }
static nb_tensor *pow3(nb_ctx *c, nb_tensor *x) { return nb_pow_scalar(c, x, 3); }
static nb_tensor *pow_half(nb_ctx *c, nb_tensor *x) { return nb_pow_scalar(c, x, -0.5); }
static nb_tensor *pow_1p5(nb_ctx *c, nb_tensor *x) { return nb_pow_scalar(c, x, 1.5); }

/* The maths, in double, written here independently of the library. */
static double r_neg(double x) { return -x; }
static double r_rsqrt(double x) { return 1 / sqrt(x); }
static double r_sigmoid(double x) { return 1 / (1 + exp(-x)); }
static double r_relu(double x) { return x > 0 ? x : 0; }
static double r_leaky(double x) { return x > 0 ? x : 0.1 * x; }
static double r_gelu(double x) { return 0.5 * x * (1 + erf(x / sqrt(2.0))); }
static double r_softplus(double x) { return log(1 + exp(x)); }
static double r_sign(double x) { return x > 0 ? 1 : x < 0 ? -1 : 0; }
static double r_clamp11(double x) { return x < -1 ? -1 : x > 1 ? 1 : x; }
static double r_pow3(double x) { return x * x * x; }
static double r_pow_half(double x) { return 1 / sqrt(x); }
static double r_pow_1p5(double x) { return x * sqrt(x); }

typedef struct {
    const char *name;
    nb_tensor *(*op)(nb_ctx *, nb_tensor *);
    double (*ref)(double);
} unary_case;

static const unary_case ops[] = {
    {"nb_neg", nb_neg, r_neg},           {"nb_abs", nb_abs, fabs},
    {"nb_exp", nb_exp, exp},             {"nb_log", nb_log, log},
    {"nb_log1p", nb_log1p, log1p},       {"nb_sqrt", nb_sqrt, sqrt},
    {"nb_rsqrt", nb_rsqrt, r_rsqrt},     {"nb_sin", nb_sin, sin},
    {"nb_cos", nb_cos, cos},             {"nb_tanh", nb_tanh, tanh},
    {"nb_sigmoid", nb_sigmoid, r_sigmoid}, {"nb_relu", nb_relu, r_relu},
    {"nb_leaky_relu", leaky, r_leaky},   {"nb_gelu", nb_gelu, r_gelu},
    {"nb_softplus", nb_softplus, r_softplus}, {"nb_sign", nb_sign, r_sign},
    {"nb_clamp", clamp11, r_clamp11},    {"nb_pow_scalar", pow3, r_pow3},
    {"nb_pow_scalar", pow_half, r_pow_half}, {"nb_pow_scalar", pow_1p5, r_pow_1p5},
};

/* ---- values by hand ---------------------------------------------------------- */

/* x = [-2, -0.5, 0, 0.5, 3]; expected values printed by NumPy. */
START_TEST(unary_values_by_hand)
{
    static const struct {
        nb_tensor *(*op)(nb_ctx *, nb_tensor *);
        double want[5];
    } cases[] = {
        {nb_neg, {2.0, 0.5, -0.0, -0.5, -3.0}},
        {nb_abs, {2.0, 0.5, 0.0, 0.5, 3.0}},
        {nb_exp, {0.13533528323661267, 0.6065306597126334, 1.0, 1.6487212707001282, 20.085536923187668}},
        {nb_sin, {-0.9092974268256816, -0.47942553860420295, 0.0, 0.47942553860420295, 0.1411200080598672}},
        {nb_cos, {-0.4161468365471424, 0.8775825618903725, 1.0, 0.8775825618903725, -0.9899924966004454}},
        {nb_tanh, {-0.9640275800758169, -0.46211715726000974, 0.0, 0.46211715726000974, 0.9950547536867305}},
        {nb_sigmoid, {0.11920292202211755, 0.3775406687981454, 0.5, 0.6224593312018546, 0.9525741268224334}},
        {nb_relu, {0.0, 0.0, 0.0, 0.5, 3.0}},
        {leaky, {-0.2, -0.05, 0.0, 0.5, 3.0}},
        {nb_gelu, {-0.04550026389635842, -0.15426876936299344, 0.0, 0.34573123063700656, 2.99595030590511}},
        {nb_softplus, {0.1269280110429725, 0.4740769841801067, 0.6931471805599453, 0.9740769841801067, 3.048587351573742}},
        {nb_sign, {-1.0, -1.0, 0.0, 1.0, 1.0}},
        {clamp11, {-1.0, -0.5, 0.0, 0.5, 1.0}},
        {pow3, {-8.0, -0.125, 0.0, 0.125, 27.0}},
    };
    nb_ctx *ctx = nb_ctx_new();
    const nb_dtype dtypes[] = TU_FLOAT_DTYPES;
    for (int d = 0; d < 2; d++) {
        nb_tensor *x = nb_cast(ctx, nb_from_data(ctx, NB_F64, NB_SHAPE(5), (double[]){-2, -0.5, 0, 0.5, 3}), dtypes[d]);
        for (int i = 0; i < TU_LEN(cases); i++) {
            nb_tensor *y = cases[i].op(ctx, x);
            ck_assert_int_eq(y->dtype, dtypes[d]);
            ck_tensor_values(y, cases[i].want, 5, tu_tol(dtypes[d]));
        }
    }
    nb_ctx_free(ctx);
}
END_TEST

/* y = [0.25, 1, 2, 9] for the functions of positive numbers. */
START_TEST(unary_values_positive_domain)
{
    static const struct {
        nb_tensor *(*op)(nb_ctx *, nb_tensor *);
        double want[4];
    } cases[] = {
        {nb_log, {-1.3862943611198906, 0.0, 0.6931471805599453, 2.197224577336219}},
        {nb_log1p, {0.22314355131420974, 0.6931471805599453, 1.0986122886681096, 2.3025850929940455}},
        {nb_sqrt, {0.5, 1.0, 1.4142135623730951, 3.0}},
        {nb_rsqrt, {2.0, 1.0, 0.7071067811865475, 0.3333333333333333}},
        {pow_half, {2.0, 1.0, 0.7071067811865476, 0.3333333333333333}},
        {pow_1p5, {0.125, 1.0, 2.8284271247461903, 27.0}},
    };
    nb_ctx *ctx = nb_ctx_new();
    const nb_dtype dtypes[] = TU_FLOAT_DTYPES;
    for (int d = 0; d < 2; d++) {
        nb_tensor *y = nb_cast(ctx, nb_from_data(ctx, NB_F64, NB_SHAPE(2, 2), (double[]){0.25, 1, 2, 9}), dtypes[d]);
        for (int i = 0; i < TU_LEN(cases); i++) {
            nb_tensor *r = cases[i].op(ctx, y);
            CK_SHAPE(r, 2, 2);
            ck_tensor_values(r, cases[i].want, 4, tu_tol(dtypes[d]));
        }
    }
    nb_ctx_free(ctx);
}
END_TEST

/* ---- reference loop ------------------------------------------------------------ */

/* Every op on random shapes (with empty axes) laid out with gaps, transposes
 * and negative strides, against the maths in double. */
START_TEST(unary_matches_reference_on_strided_views)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 21);
    const nb_dtype dtypes[] = TU_FLOAT_DTYPES;
    for (int trial = 0; trial < 24; trial++) {
        int ndim = (int)nb_rng_below(&rng, 5);
        int64_t shape[NB_MAX_DIMS];
        tu_random_shape(&rng, ndim, trial < 3 ? 0 : 1, 5, shape);
        nb_dtype dt = dtypes[trial % 2];
        nb_tensor *x = tu_random_strided(ctx, &rng, dt, ndim, shape, trial % 4 >= 2);
        for (int k = 0; k < TU_LEN(ops); k++) {
            nb_tensor *y = ops[k].op(ctx, x);
            ck_assert_msg(y && y->dtype == dt, "%s", ops[k].name);
            ck_tensor_shape(y, ndim, shape);
            for (int64_t i = 0, n = nb_numel(x); i < n; i++) {
                double want = ops[k].ref(tu_at(x, i)), got = tu_at(y, i);
                ck_assert_msg((isnan(want) && isnan(got)) || fabs(got - want) <= tu_tol(dt) * (1 + fabs(want)),
                              "%s(%.9g): got %.9g, want %.9g", ops[k].name, tu_at(x, i), got, want);
            }
        }
        nb_ctx_reset(ctx);
    }
    nb_ctx_free(ctx);
}
END_TEST

/* Large enough to be split across threads: the same answer as the maths. */
START_TEST(unary_large_contiguous_and_strided)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 22);
    nb_tensor *x = tu_random(ctx, &rng, NB_F32, NB_SHAPE(300, 257));
    nb_tensor *views[] = {x, nb_transpose(ctx, x, 0, 1), nb_slice(ctx, x, 1, NB_END, NB_END, -2)};
    for (int v = 0; v < TU_LEN(views); v++) {
        nb_tensor *y = nb_tanh(ctx, views[v]);
        for (int64_t i = 0, n = nb_numel(y); i < n; i += 7)
            ck_assert_double_eq_tol(tu_at(y, i), tanh(tu_at(views[v], i)), 1e-6);
    }
    nb_ctx_free(ctx);
}
END_TEST

/* ---- dtypes ---------------------------------------------------------------------- */

START_TEST(unary_integer_ops_keep_integer_type)
{
    nb_ctx *ctx = nb_ctx_new();
    const nb_dtype dtypes[] = {NB_I32, NB_I64};
    for (int d = 0; d < 2; d++) {
        nb_tensor *x = nb_arange(ctx, dtypes[d], -3, 4, 1); /* -3 .. 3 */
        struct {
            nb_tensor *y;
            double want[7];
        } cases[] = {
            {nb_neg(ctx, x), {3, 2, 1, 0, -1, -2, -3}},
            {nb_abs(ctx, x), {3, 2, 1, 0, 1, 2, 3}},
            {nb_sign(ctx, x), {-1, -1, -1, 0, 1, 1, 1}},
            {nb_relu(ctx, x), {0, 0, 0, 0, 1, 2, 3}},
            {nb_clamp(ctx, x, -1, 2), {-1, -1, -1, 0, 1, 2, 2}},
            {nb_clamp(ctx, x, -INFINITY, 1), {-3, -2, -1, 0, 1, 1, 1}},
            {nb_pow_scalar(ctx, x, 2), {9, 4, 1, 0, 1, 4, 9}},
            {nb_pow_scalar(ctx, x, 3), {-27, -8, -1, 0, 1, 8, 27}},
            {nb_pow_scalar(ctx, x, 0), {1, 1, 1, 1, 1, 1, 1}},
        };
        for (int i = 0; i < TU_LEN(cases); i++) {
            ck_assert_msg(cases[i].y && cases[i].y->dtype == dtypes[d], "case %d", i);
            ck_tensor_values(cases[i].y, cases[i].want, 7, 0);
        }
    }
    nb_ctx_free(ctx);
}
END_TEST

/* As NumPy and torch: an integer to a negative integer power is a fraction,
 * refused rather than truncated to 0; a fractional or float power is not. */
START_TEST(unary_integer_negative_powers_are_refused)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *i32 = nb_arange(ctx, NB_I32, 1, 4, 1), *i64 = nb_arange(ctx, NB_I64, 1, 4, 1);
    ck_assert_error_is(nb_pow_scalar(ctx, i32, -1),
                       "nb_pow_scalar: integers to negative integer powers are not allowed (exponent -1, base i32); cast to a float type first");
    ck_assert_error_is(nb_pow_scalar(ctx, i64, -2),
                       "nb_pow_scalar: integers to negative integer powers are not allowed (exponent -2, base i64); cast to a float type first");
    ck_assert_error_is(nb_pow_scalar(ctx, nb_ones(ctx, NB_BOOL, NB_SHAPE(2)), -3),
                       "nb_pow_scalar: integers to negative integer powers are not allowed (exponent -3, base bool); cast to a float type first");
    nb_tensor *half = nb_pow_scalar(ctx, i32, -0.5); /* not integral: computed in f32 */
    ck_assert_int_eq(half->dtype, NB_F32);
    CK_VALUES(half, 1e-6, 1, 0.7071067811865476, 0.5773502691896258);
    const nb_dtype floats[] = TU_FLOAT_DTYPES;
    for (int d = 0; d < 2; d++) {
        nb_tensor *y = nb_pow_scalar(ctx, nb_cast(ctx, i32, floats[d]), -2);
        ck_assert_int_eq(y->dtype, floats[d]);
        CK_VALUES(y, tu_tol(floats[d]), 1, 0.25, 1.0 / 9);
    }
    nb_ctx_free(ctx);
}
END_TEST

/* Ops with fractional results, and bools, compute in f32. */
START_TEST(unary_integer_inputs_of_float_ops_give_f32)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *i = nb_arange(ctx, NB_I64, 0, 3, 1);
    nb_tensor *y = nb_exp(ctx, i);
    ck_assert_int_eq(y->dtype, NB_F32);
    CK_VALUES(y, 1e-6, 1, 2.718281828459045, 7.38905609893065);
    ck_assert_int_eq(nb_sqrt(ctx, i)->dtype, NB_F32);
    CK_VALUES(nb_leaky_relu(ctx, nb_arange(ctx, NB_I32, -2, 1, 1), 0.5), 0, -1, -0.5, 0);
    nb_tensor *half = nb_pow_scalar(ctx, i, 0.5);
    ck_assert_int_eq(half->dtype, NB_F32);
    CK_VALUES(half, 1e-6, 0, 1, 1.4142135623730951);
    nb_tensor *b = nb_cast(ctx, nb_arange(ctx, NB_I32, 0, 2, 1), NB_BOOL);
    nb_tensor *neg = nb_neg(ctx, b);
    ck_assert_int_eq(neg->dtype, NB_I32);
    CK_VALUES(neg, 0, 0, -1);
    ck_assert_int_eq(nb_sigmoid(ctx, b)->dtype, NB_F32);
    ck_assert_int_eq(nb_pow_scalar(ctx, b, 2)->dtype, NB_I32);
    nb_ctx_free(ctx);
}
END_TEST

/* Non-integral bounds act like the scalars of nabla/tensor.h: an integer
 * tensor meeting a non-integral number gives f32. */
START_TEST(unary_clamp_integer_with_fractional_bounds)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *y = nb_clamp(ctx, nb_arange(ctx, NB_I32, -3, 4, 1), -1.5, 2.5);
    ck_assert_int_eq(y->dtype, NB_F32);
    CK_VALUES(y, 0, -1.5, -1.5, -1, 0, 1, 2, 2.5);
    nb_tensor *z = nb_clamp(ctx, nb_arange(ctx, NB_I64, -3, 4, 1), -INFINITY, 0.5);
    ck_assert_int_eq(z->dtype, NB_F32);
    CK_VALUES(z, 0, -3, -2, -1, 0, 0.5, 0.5, 0.5);
    nb_ctx_free(ctx);
}
END_TEST

/* Whole bounds beyond the integer range saturate to it. */
START_TEST(unary_clamp_integer_with_bounds_out_of_range)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *y = nb_clamp(ctx, nb_arange(ctx, NB_I32, 0, 2, 1), 3e9, 4e9);
    ck_assert_int_eq(y->dtype, NB_I32);
    CK_VALUES(y, 0, INT32_MAX, INT32_MAX);
    CK_VALUES(nb_clamp(ctx, nb_arange(ctx, NB_I32, 0, 2, 1), -5e9, -3e9), 0, INT32_MIN, INT32_MIN);
    nb_tensor *z = nb_clamp(ctx, nb_arange(ctx, NB_I64, 0, 2, 1), -1e30, -1e19);
    ck_assert_int_eq(nb_item_i64(nb_slice(ctx, z, 0, 0, 1, 1)), INT64_MIN);
    nb_tensor *top = nb_clamp(ctx, nb_arange(ctx, NB_I64, 0, 2, 1), 1e19, 1e30);
    ck_assert_int_ge(nb_item_i64(nb_slice(ctx, top, 0, 1, 2, 1)), INT64_MAX - 1023); /* as near as a double gets */
}
END_TEST

/* Wrapping, not undefined behaviour, at the edge of the integer range. */
START_TEST(unary_integer_extremes_wrap)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *i32 = nb_from_data(ctx, NB_I32, NB_SHAPE(2), (int32_t[]){INT32_MIN, INT32_MAX});
    CK_VALUES(nb_neg(ctx, i32), 0, INT32_MIN, -INT32_MAX);
    CK_VALUES(nb_abs(ctx, i32), 0, INT32_MIN, INT32_MAX);
    nb_tensor *i64 = nb_from_data(ctx, NB_I64, NB_SHAPE(1), (int64_t[]){INT64_MIN});
    ck_assert_int_eq(nb_item_i64(nb_neg(ctx, i64)), INT64_MIN);
    ck_assert_int_eq(nb_item_i64(nb_abs(ctx, i64)), INT64_MIN);
    nb_tensor *big = nb_from_data(ctx, NB_I64, NB_SHAPE(1), (int64_t[]){INT64_C(3037000500)});
    ck_assert_int_eq(nb_item_i64(nb_pow_scalar(ctx, big, 2)), (int64_t)(UINT64_C(3037000500) * UINT64_C(3037000500)));
    nb_ctx_free(ctx);
}
END_TEST

/* ---- special values ------------------------------------------------------------- */

START_TEST(unary_stable_at_large_magnitudes)
{
    nb_ctx *ctx = nb_ctx_new();
    const nb_dtype dtypes[] = TU_FLOAT_DTYPES;
    for (int d = 0; d < 2; d++) {
        nb_tensor *x = nb_cast(ctx, nb_from_data(ctx, NB_F64, NB_SHAPE(2), (double[]){-1000, 1000}), dtypes[d]);
        CK_VALUES(nb_sigmoid(ctx, x), 0, 0, 1);
        CK_VALUES(nb_softplus(ctx, x), 0, 0, 1000);
        CK_VALUES(nb_tanh(ctx, x), 0, -1, 1);
        CK_VALUES(nb_gelu(ctx, x), 0, -0.0, 1000);
        CK_VALUES(nb_exp(ctx, x), 0, 0, INFINITY);
    }
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(unary_nan_inf_and_signed_zero)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *x = nb_from_data(ctx, NB_F64, NB_SHAPE(4), (double[]){NAN, -0.0, INFINITY, -INFINITY});
    CK_VALUES(nb_relu(ctx, x), 0, NAN, 0, INFINITY, 0);
    CK_VALUES(nb_sign(ctx, x), 0, NAN, 0, 1, -1);
    ck_assert(signbit(tu_at(nb_sign(ctx, x), 1))); /* -0 stays -0 */
    CK_VALUES(nb_abs(ctx, x), 0, NAN, 0, INFINITY, INFINITY);
    CK_VALUES(nb_clamp(ctx, x, -1, 1), 0, NAN, 0, 1, -1);
    CK_VALUES(nb_leaky_relu(ctx, x, 0.5), 0, NAN, 0, INFINITY, -INFINITY);
    CK_VALUES(nb_sigmoid(ctx, x), 0, NAN, 0.5, 1, 0);
    CK_VALUES(nb_softplus(ctx, x), 0, NAN, 0.6931471805599453, INFINITY, 0);
    nb_tensor *y = nb_from_data(ctx, NB_F32, NB_SHAPE(3), (float[]){0, -1, INFINITY});
    CK_VALUES(nb_log(ctx, y), 0, -INFINITY, NAN, INFINITY);
    CK_VALUES(nb_sqrt(ctx, y), 0, 0, NAN, INFINITY);
    CK_VALUES(nb_rsqrt(ctx, y), 0, INFINITY, NAN, 0);
    CK_VALUES(nb_log1p(ctx, y), 0, 0, -INFINITY, INFINITY);
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(unary_zero_size_and_scalars)
{
    nb_ctx *ctx = nb_ctx_new();
    for (int k = 0; k < TU_LEN(ops); k++) {
        CK_SHAPE(ops[k].op(ctx, nb_zeros(ctx, NB_F32, NB_SHAPE(2, 0, 3))), 2, 0, 3);
        nb_tensor *s = ops[k].op(ctx, nb_scalar(ctx, NB_F64, 0.25));
        ck_assert_int_eq(s->ndim, 0);
        ck_assert_double_eq_tol(nb_item(s), ops[k].ref(0.25), 1e-12);
    }
    nb_ctx_free(ctx);
}
END_TEST

/* ---- errors ------------------------------------------------------------------------ */

START_TEST(unary_errors)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *x = nb_ones(ctx, NB_F32, NB_SHAPE(2));
    ck_assert_error(nb_clamp(ctx, x, 2, 1), "nb_clamp: low 2 must not exceed high 1 (and neither may be NaN)");
    ck_assert_error(nb_clamp(ctx, x, NAN, 1), "nb_clamp: low nan must not exceed high 1");
    ck_assert_error(nb_clamp(ctx, x, 0, NAN), "nb_clamp: low 0 must not exceed high nan");
    ck_assert_error(nb_leaky_relu(ctx, x, INFINITY), "nb_leaky_relu: negative_slope inf is not finite");
    ck_assert_error(nb_leaky_relu(ctx, x, NAN), "nb_leaky_relu: negative_slope nan is not finite");
    ck_assert_error(nb_exp(NULL, x), "context is NULL");
    nb_ctx_free(ctx);
}
END_TEST

/* A NULL input gives NULL and a message naming the op; a NULL from an earlier
 * failure keeps that first message. */
START_TEST(unary_null_inputs_propagate)
{
    nb_ctx *ctx = nb_ctx_new();
    char want[64];
    for (int k = 0; k < TU_LEN(ops); k++) {
        snprintf(want, sizeof want, "%s: input tensor is NULL", ops[k].name);
        ck_assert_error(ops[k].op(ctx, NULL), want);
    }
    nb_tensor *x = nb_ones(ctx, NB_F32, NB_SHAPE(2, 3));
    nb_clear_error();
    ck_assert_ptr_null(nb_exp(ctx, nb_sqrt(ctx, nb_reshape(ctx, x, NB_SHAPE(4)))));
    ck_assert_str_eq(nb_last_error(), "nb_reshape: cannot reshape [2,3] (6 elements) into [4]");
    nb_ctx_free(ctx);
}
END_TEST

TCase *tcase_unary(void)
{
    TCase *tc = tcase_create("unary");
    tcase_add_test(tc, unary_values_by_hand);
    tcase_add_test(tc, unary_values_positive_domain);
    tcase_add_test(tc, unary_matches_reference_on_strided_views);
    tcase_add_test(tc, unary_large_contiguous_and_strided);
    tcase_add_test(tc, unary_integer_ops_keep_integer_type);
    tcase_add_test(tc, unary_integer_negative_powers_are_refused);
    tcase_add_test(tc, unary_integer_inputs_of_float_ops_give_f32);
    tcase_add_test(tc, unary_clamp_integer_with_fractional_bounds);
    tcase_add_test(tc, unary_clamp_integer_with_bounds_out_of_range);
    tcase_add_test(tc, unary_integer_extremes_wrap);
    tcase_add_test(tc, unary_stable_at_large_magnitudes);
    tcase_add_test(tc, unary_nan_inf_and_signed_zero);
    tcase_add_test(tc, unary_zero_size_and_scalars);
    tcase_add_test(tc, unary_errors);
    tcase_add_test(tc, unary_null_inputs_propagate);
    return tc;
}
