/* tests/tensor/test_binary.c — two-operand elementwise ops with broadcasting:
 * arithmetic, comparisons, where, scalar operands, type promotion. */
#include <math.h>

#include "cases.h"

enum { ADD, SUB, MUL, DIV, POW, MAX, MIN, EQ, NE, LT, LE, GT, GE, NOPS };

typedef nb_tensor *(*binary_fn)(nb_ctx *, nb_tensor *, nb_tensor *);

static const struct {
    const char *name;
    binary_fn fn;
} ops[NOPS] = {
    [ADD] = {"nb_add", nb_add},         [SUB] = {"nb_sub", nb_sub},
    [MUL] = {"nb_mul", nb_mul},         [DIV] = {"nb_div", nb_div},
    [POW] = {"nb_pow", nb_pow},         [MAX] = {"nb_maximum", nb_maximum},
    [MIN] = {"nb_minimum", nb_minimum}, [EQ] = {"nb_eq", nb_eq},
    [NE] = {"nb_ne", nb_ne},            [LT] = {"nb_lt", nb_lt},
    [LE] = {"nb_le", nb_le},            [GT] = {"nb_gt", nb_gt},
    [GE] = {"nb_ge", nb_ge},
};

/* Integer powers are exact; a negative exponent is refused (see
 * binary_integer_negative_powers_are_refused). */
static double int_pow(double x, double e)
{
    double r = 1;
    for (int i = 0; i < e; i++) r *= x;
    return r;
}

static double reference(int op, double a, double b, bool integer)
{
    switch (op) {
    case ADD: return a + b;
    case SUB: return a - b;
    case MUL: return a * b;
    case DIV: return a / b;
    case POW: return integer ? int_pow(a, b) : pow(a, b);
    case MAX: return isnan(a) || isnan(b) ? NAN : a > b ? a : b;
    case MIN: return isnan(a) || isnan(b) ? NAN : a < b ? a : b;
    case EQ: return a == b;
    case NE: return a != b;
    case LT: return a < b;
    case LE: return a <= b;
    case GT: return a > b;
    default: return a >= b;
    }
}

/* The promotion table of nabla/tensor.h, spelled out. */
static nb_dtype want_dtype(int op, nb_dtype a, nb_dtype b)
{
    if (op >= EQ) return NB_BOOL;
    nb_dtype d = a > b ? a : b;
    if (d == NB_BOOL) d = NB_I32;
    if (op == DIV && (d == NB_I32 || d == NB_I64)) d = NB_F32;
    return d;
}

/* y == a op b elementwise, with a and b broadcast to y's shape. */
static void ck_binary(int op, const nb_tensor *y, const nb_tensor *a, const nb_tensor *b)
{
    ck_assert_msg(y != NULL, "%s: %s", ops[op].name, nb_last_error());
    ck_assert_int_eq(y->dtype, want_dtype(op, a->dtype, b->dtype));
    bool integer = !nb_dtype_is_float(nb_promote_types(a->dtype, b->dtype));
    double tol = tu_tol(y->dtype);
    int64_t idx[NB_MAX_DIMS];
    for (int64_t i = 0, n = nb_numel(y); i < n; i++) {
        tu_unravel(y->ndim, y->shape, i, idx);
        double x = tu_bget(a, y->ndim, idx), z = tu_bget(b, y->ndim, idx);
        double want = reference(op, x, z, integer), got = nb_get(y, idx);
        ck_assert_msg((isnan(want) && isnan(got)) || got == want || fabs(got - want) <= tol * (1 + fabs(want)),
                      "%s(%.9g, %.9g): got %.9g, want %.9g", ops[op].name, x, z, got, want);
    }
}

/* ---- values by hand ---------------------------------------------------------- */

/* a = [[1,2,3],[4,5,6]], b = [2, 0.5, -1]; expected values printed by NumPy. */
START_TEST(binary_values_by_hand)
{
    static const double want[MIN + 1][6] = {
        [ADD] = {3.0, 2.5, 2.0, 6.0, 5.5, 5.0},
        [SUB] = {-1.0, 1.5, 4.0, 2.0, 4.5, 7.0},
        [MUL] = {2.0, 1.0, -3.0, 8.0, 2.5, -6.0},
        [DIV] = {0.5, 4.0, -3.0, 2.0, 10.0, -6.0},
        [POW] = {1.0, 1.4142135623730951, 0.3333333333333333, 16.0, 2.23606797749979, 0.16666666666666666},
        [MAX] = {2.0, 2.0, 3.0, 4.0, 5.0, 6.0},
        [MIN] = {1.0, 0.5, -1.0, 2.0, 0.5, -1.0},
    };
    nb_ctx *ctx = nb_ctx_new();
    const nb_dtype dtypes[] = TU_FLOAT_DTYPES;
    for (int d = 0; d < 2; d++) {
        nb_tensor *a = nb_cast(ctx, nb_from_data(ctx, NB_F64, NB_SHAPE(2, 3), (double[]){1, 2, 3, 4, 5, 6}), dtypes[d]);
        nb_tensor *b = nb_cast(ctx, nb_from_data(ctx, NB_F64, NB_SHAPE(3), (double[]){2, 0.5, -1}), dtypes[d]);
        for (int op = ADD; op <= MIN; op++) {
            nb_tensor *y = ops[op].fn(ctx, a, b);
            CK_SHAPE(y, 2, 3);
            ck_assert_int_eq(y->dtype, dtypes[d]);
            ck_tensor_values(y, want[op], 6, tu_tol(dtypes[d]));
        }
    }
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(compare_values_by_hand)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *a = nb_from_data(ctx, NB_F32, NB_SHAPE(4), (float[]){1, 2, NAN, 4});
    nb_tensor *b = nb_from_data(ctx, NB_F32, NB_SHAPE(4), (float[]){2, 2, NAN, 3});
    const double want[6][4] = {{0, 1, 0, 0}, {1, 0, 1, 1}, {1, 0, 0, 0},
                               {1, 1, 0, 0}, {0, 0, 0, 1}, {0, 1, 0, 1}};
    for (int op = EQ; op <= GE; op++) {
        nb_tensor *y = ops[op].fn(ctx, a, b);
        ck_assert_int_eq(y->dtype, NB_BOOL);
        ck_tensor_values(y, want[op - EQ], 4, 0);
    }
    /* integers compare exactly, past the 2^53 a double can hold */
    nb_tensor *big = nb_from_data(ctx, NB_I64, NB_SHAPE(2), (int64_t[]){INT64_C(9007199254740993), INT64_MAX});
    nb_tensor *near = nb_from_data(ctx, NB_I64, NB_SHAPE(2), (int64_t[]){INT64_C(9007199254740992), INT64_MAX - 1});
    CK_VALUES(nb_gt(ctx, big, near), 0, 1, 1);
    CK_VALUES(nb_eq(ctx, big, near), 0, 0, 0);
    nb_tensor *bools = nb_from_data(ctx, NB_BOOL, NB_SHAPE(2), (uint8_t[]){0, 1});
    CK_VALUES(nb_lt(ctx, bools, nb_scalar(ctx, NB_BOOL, 1)), 0, 1, 0);
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(binary_maximum_minimum_propagate_nan)
{
    nb_ctx *ctx = nb_ctx_new();
    const nb_dtype dtypes[] = TU_FLOAT_DTYPES;
    for (int d = 0; d < 2; d++) {
        nb_tensor *a = nb_cast(ctx, nb_from_data(ctx, NB_F64, NB_SHAPE(3), (double[]){NAN, 1, -INFINITY}), dtypes[d]);
        nb_tensor *b = nb_cast(ctx, nb_from_data(ctx, NB_F64, NB_SHAPE(3), (double[]){1, NAN, 0}), dtypes[d]);
        CK_VALUES(nb_maximum(ctx, a, b), 0, NAN, NAN, 0);
        CK_VALUES(nb_minimum(ctx, a, b), 0, NAN, NAN, -INFINITY);
        CK_VALUES(nb_maximum(ctx, b, a), 0, NAN, NAN, 0);
        CK_VALUES(nb_minimum(ctx, b, a), 0, NAN, NAN, -INFINITY);
    }
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(binary_integer_arithmetic_wraps)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *i32 = nb_from_data(ctx, NB_I32, NB_SHAPE(2), (int32_t[]){INT32_MAX, INT32_MIN});
    nb_tensor *one = nb_scalar(ctx, NB_I32, 1);
    CK_VALUES(nb_add(ctx, i32, one), 0, INT32_MIN, INT32_MIN + 1);
    CK_VALUES(nb_sub(ctx, i32, one), 0, INT32_MAX - 1, INT32_MAX);
    CK_VALUES(nb_mul(ctx, i32, nb_scalar(ctx, NB_I32, 2)), 0, -2, 0);
    nb_tensor *i64 = nb_from_data(ctx, NB_I64, NB_SHAPE(1), (int64_t[]){INT64_MAX});
    ck_assert_int_eq(nb_item_i64(nb_add(ctx, i64, nb_scalar(ctx, NB_I64, 1))), INT64_MIN);
    ck_assert_int_eq(nb_item_i64(nb_mul(ctx, i64, nb_scalar(ctx, NB_I64, 2))), -2);
    nb_tensor *base = nb_from_data(ctx, NB_I64, NB_SHAPE(3), (int64_t[]){3, -2, 7});
    nb_tensor *e = nb_from_data(ctx, NB_I64, NB_SHAPE(3), (int64_t[]){40, 63, 0});
    nb_tensor *p = nb_pow(ctx, base, e);
    ck_assert_int_eq(p->dtype, NB_I64);
    ck_assert_int_eq((int64_t)nb_get(p, (int64_t[]){2}), 1);
    ck_assert_int_eq(nb_item_i64(nb_slice(ctx, p, 0, 0, 1, 1)), (int64_t)UINT64_C(12157665459056928801)); /* 3^40, wrapped */
    ck_assert_int_eq(nb_item_i64(nb_slice(ctx, p, 0, 1, 2, 1)), INT64_MIN); /* (-2)^63 */
    nb_ctx_free(ctx);
}
END_TEST

/* As NumPy and torch: a fraction is refused, not truncated to 0, for every
 * integer pair, broadcast or not; float powers keep x^-k. */
START_TEST(binary_integer_negative_powers_are_refused)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *base = nb_arange(ctx, NB_I32, 1, 4, 1);
    nb_tensor *e = nb_from_data(ctx, NB_I64, NB_SHAPE(3), (int64_t[]){2, -3, -1});
    ck_assert_error_is(nb_pow(ctx, base, e),
                       "nb_pow: integers to negative integer powers are not allowed (exponent -3); cast to a float type first");
    ck_assert_error_is(nb_pow(ctx, base, nb_scalar(ctx, NB_I32, -2)),
                       "nb_pow: integers to negative integer powers are not allowed (exponent -2); cast to a float type first");
    CK_VALUES(nb_pow(ctx, base, nb_abs(ctx, e)), 0, 1, 8, 3);
    const nb_dtype floats[] = TU_FLOAT_DTYPES;
    for (int d = 0; d < 2; d++) {
        CK_VALUES(nb_pow(ctx, nb_cast(ctx, base, floats[d]), e), tu_tol(floats[d]), 1, 0.125, 1.0 / 3);
        CK_VALUES(nb_pow(ctx, base, nb_cast(ctx, e, floats[d])), tu_tol(floats[d]), 1, 0.125, 1.0 / 3);
    }
    nb_ctx_free(ctx);
}
END_TEST

/* ---- reference loop ------------------------------------------------------------ */

/* Random broadcast-compatible operands (gaps, transposes, negative strides,
 * empty axes) of every pair of the four dtypes, every op, against a loop in
 * double. */
START_TEST(binary_matches_reference_with_broadcasting)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 31);
    const nb_dtype dtypes[] = TU_ALL_DTYPES;
    for (int trial = 0; trial < 160; trial++) {
        int64_t out[NB_MAX_DIMS], sa[NB_MAX_DIMS], sb[NB_MAX_DIMS];
        int nd = (int)nb_rng_below(&rng, 5), na, nb;
        tu_random_shape(&rng, nd, trial % 10 == 0 ? 0 : 1, 4, out);
        tu_broadcastable(&rng, nd, out, &na, sa);
        tu_broadcastable(&rng, nd, out, &nb, sb);
        nb_dtype da = dtypes[trial % 4], db = dtypes[trial / 4 % 4];
        nb_tensor *a = tu_random_strided(ctx, &rng, da, na, sa, trial % 3 == 0);
        nb_tensor *b = tu_random_strided(ctx, &rng, db, nb, sb, trial % 5 == 0);
        int ny;
        int64_t sy[NB_MAX_DIMS];
        tu_broadcast_shape(na, sa, nb, sb, &ny, sy);
        bool int_pow_refused = !nb_dtype_is_float(da) && !nb_dtype_is_float(db) && nb_numel(b) > 0 &&
                               nb_item(nb_min(ctx, nb_cast(ctx, b, NB_F64), NB_ALL_AXES, false)) < 0;
        for (int op = 0; op < NOPS; op++) {
            if (op == POW && int_pow_refused) {
                ck_assert_error(ops[op].fn(ctx, a, b), "nb_pow: integers to negative integer powers are not allowed");
                continue;
            }
            nb_tensor *y = ops[op].fn(ctx, a, b);
            ck_tensor_shape(y, ny, sy);
            ck_binary(op, y, a, b);
        }
        nb_ctx_reset(ctx);
    }
    nb_ctx_free(ctx);
}
END_TEST

/* Big enough for the threaded path, with broadcast rows and columns. */
START_TEST(binary_large_operands)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 32);
    nb_tensor *x = tu_random(ctx, &rng, NB_F32, NB_SHAPE(257, 300));
    nb_tensor *xt = nb_transpose(ctx, x, 0, 1);                   /* [300, 257] */
    nb_tensor *row = tu_random(ctx, &rng, NB_F64, NB_SHAPE(257));
    nb_tensor *col = tu_random_strided(ctx, &rng, NB_F32, NB_SHAPE(300, 1), true);
    ck_binary(ADD, nb_add(ctx, xt, row), xt, row);
    ck_binary(MUL, nb_mul(ctx, col, xt), col, xt);
    ck_binary(GT, nb_gt(ctx, xt, col), xt, col);
    ck_binary(SUB, nb_sub(ctx, x, x), x, x);
    nb_ctx_free(ctx);
}
END_TEST

/* Eight axes, the most there can be, with broadcasting on every other one. */
START_TEST(binary_eight_dimensions)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 35);
    nb_tensor *a = tu_random_strided(ctx, &rng, NB_F64, NB_SHAPE(2, 1, 2, 1, 2, 1, 2, 3), true);
    nb_tensor *b = tu_random_strided(ctx, &rng, NB_F32, NB_SHAPE(2, 1, 2, 1, 2, 2, 1), false);
    for (int op = 0; op < NOPS; op++) {
        nb_tensor *y = ops[op].fn(ctx, a, b);
        CK_SHAPE(y, 2, 2, 2, 2, 2, 2, 2, 3);
        ck_binary(op, y, a, b);
    }
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(binary_zero_size_broadcasting)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *z = nb_zeros(ctx, NB_F32, NB_SHAPE(0, 3));
    CK_SHAPE(nb_add(ctx, z, nb_ones(ctx, NB_F32, NB_SHAPE(3))), 0, 3);
    CK_SHAPE(nb_mul(ctx, nb_ones(ctx, NB_F64, NB_SHAPE(2, 1)), nb_zeros(ctx, NB_F64, NB_SHAPE(2, 0))), 2, 0);
    CK_SHAPE(nb_eq(ctx, nb_zeros(ctx, NB_I32, NB_SHAPE(0)), nb_scalar(ctx, NB_I32, 1)), 0);
    CK_SHAPE(nb_sub(ctx, nb_zeros(ctx, NB_F32, NB_SHAPE(1, 0)), nb_zeros(ctx, NB_F32, NB_SHAPE(3, 1))), 3, 0);
    ck_assert_error(nb_add(ctx, nb_zeros(ctx, NB_F32, NB_SHAPE(0)), nb_zeros(ctx, NB_F32, NB_SHAPE(2))),
                    "nb_add: shapes [0] and [2] cannot be broadcast");
    nb_ctx_free(ctx);
}
END_TEST

/* ---- promotion ---------------------------------------------------------------------- */

START_TEST(binary_promotion_table)
{
    nb_ctx *ctx = nb_ctx_new();
    const nb_dtype all[] = {NB_BOOL, NB_I32, NB_I64, NB_F32, NB_F64};
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++) {
            nb_tensor *a = nb_ones(ctx, all[i], NB_SHAPE(2)), *b = nb_ones(ctx, all[j], NB_SHAPE(2));
            for (int op = 0; op < NOPS; op++) {
                nb_tensor *y = ops[op].fn(ctx, a, b);
                ck_assert_msg(y && y->dtype == want_dtype(op, all[i], all[j]), "%s(%s, %s) gave %s",
                              ops[op].name, nb_dtype_name(all[i]), nb_dtype_name(all[j]),
                              y ? nb_dtype_name(y->dtype) : nb_last_error());
            }
        }
    ck_assert_int_eq(nb_promote_types(NB_F32, NB_F64), NB_F64);
    ck_assert_int_eq(nb_promote_types(NB_I32, NB_F32), NB_F32);
    ck_assert_int_eq(nb_promote_types(NB_I64, NB_F64), NB_F64);
    ck_assert_int_eq(nb_promote_types(NB_I32, NB_I64), NB_I64);
    nb_ctx_free(ctx);
}
END_TEST

/* f32 with f64 computes in f64; an integer with a float in that float. */
START_TEST(binary_mixed_dtype_values)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *f32 = nb_scalar(ctx, NB_F32, 0.1), *f64 = nb_scalar(ctx, NB_F64, 0.2);
    nb_tensor *s = nb_add(ctx, f32, f64);
    ck_assert_int_eq(s->dtype, NB_F64);
    ck_assert_double_eq(nb_item(s), 0.30000000149011613); /* float(0.1) + 0.2 in double */
    nb_tensor *i = nb_from_data(ctx, NB_I32, NB_SHAPE(2), (int32_t[]){1, 2});
    nb_tensor *h = nb_add(ctx, i, nb_scalar(ctx, NB_F32, 0.5));
    ck_assert_int_eq(h->dtype, NB_F32);
    CK_VALUES(h, 0, 1.5, 2.5);
    nb_tensor *q = nb_div(ctx, i, nb_scalar(ctx, NB_I64, 4));
    ck_assert_int_eq(q->dtype, NB_F32);
    CK_VALUES(q, 0, 0.25, 0.5);
    nb_tensor *b = nb_from_data(ctx, NB_BOOL, NB_SHAPE(2), (uint8_t[]){1, 1});
    nb_tensor *bb = nb_add(ctx, b, b);
    ck_assert_int_eq(bb->dtype, NB_I32);
    CK_VALUES(bb, 0, 2, 2);
    nb_tensor *l = nb_add(ctx, i, nb_scalar(ctx, NB_I64, INT64_C(1) << 40));
    ck_assert_int_eq(l->dtype, NB_I64);
    ck_assert_int_eq((int64_t)nb_get(l, (int64_t[]){1}), (INT64_C(1) << 40) + 2);
    nb_ctx_free(ctx);
}
END_TEST

/* ---- scalars ------------------------------------------------------------------------------ */

START_TEST(scalar_ops_values_and_types)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *f = nb_from_data(ctx, NB_F32, NB_SHAPE(3), (float[]){1, 2, 4});
    nb_tensor *i = nb_from_data(ctx, NB_I32, NB_SHAPE(3), (int32_t[]){1, 2, 4});
    struct {
        nb_tensor *y;
        nb_dtype dtype;
        double want[3];
    } cases[] = {
        {nb_add_scalar(ctx, f, 0.5), NB_F32, {1.5, 2.5, 4.5}},
        {nb_sub_scalar(ctx, f, 1), NB_F32, {0, 1, 3}},
        {nb_mul_scalar(ctx, f, -2), NB_F32, {-2, -4, -8}},
        {nb_div_scalar(ctx, f, 4), NB_F32, {0.25, 0.5, 1}},
        {nb_rsub_scalar(ctx, f, 1), NB_F32, {0, -1, -3}},
        {nb_rdiv_scalar(ctx, f, 1), NB_F32, {1, 0.5, 0.25}},
        {nb_add_scalar(ctx, i, 3), NB_I32, {4, 5, 7}},
        {nb_add_scalar(ctx, i, 0.5), NB_F32, {1.5, 2.5, 4.5}},
        {nb_mul_scalar(ctx, i, -1), NB_I32, {-1, -2, -4}},
        {nb_rsub_scalar(ctx, i, 10), NB_I32, {9, 8, 6}},
        {nb_div_scalar(ctx, i, 2), NB_F32, {0.5, 1, 2}},
        {nb_rdiv_scalar(ctx, i, 2), NB_F32, {2, 1, 0.5}},
        {nb_sub_scalar(ctx, nb_cast(ctx, i, NB_I64), 5), NB_I64, {-4, -3, -1}},
        {nb_add_scalar(ctx, nb_cast(ctx, f, NB_F64), 0.1), NB_F64, {1.1, 2.1, 4.1}},
        {nb_add_scalar(ctx, nb_cast(ctx, i, NB_BOOL), 1), NB_I32, {2, 2, 2}},
        {nb_mul_scalar(ctx, nb_cast(ctx, i, NB_BOOL), 0.5), NB_F32, {0.5, 0.5, 0.5}},
    };
    for (int k = 0; k < TU_LEN(cases); k++) {
        ck_assert_msg(cases[k].y && cases[k].y->dtype == cases[k].dtype, "case %d", k);
        ck_tensor_values(cases[k].y, cases[k].want, 3, tu_tol(cases[k].dtype));
    }
    nb_tensor *big = nb_add_scalar(ctx, nb_from_data(ctx, NB_I64, NB_SHAPE(1), (int64_t[]){1}), 0x1p52);
    ck_assert_int_eq(nb_item_i64(big), (INT64_C(1) << 52) + 1);
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(scalar_ops_on_views_and_scalars)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 33);
    nb_tensor *x = tu_random_strided(ctx, &rng, NB_F64, NB_SHAPE(3, 4, 2), true);
    nb_tensor *y = nb_rsub_scalar(ctx, x, 3);
    CK_SHAPE(y, 3, 4, 2);
    for (int64_t k = 0; k < 24; k++) ck_assert_double_eq(tu_at(y, k), 3 - tu_at(x, k));
    nb_tensor *s = nb_mul_scalar(ctx, nb_scalar(ctx, NB_F32, 1.5), 2);
    ck_assert_int_eq(s->ndim, 0);
    ck_assert_double_eq(nb_item(s), 3);
    CK_SHAPE(nb_add_scalar(ctx, nb_zeros(ctx, NB_I32, NB_SHAPE(0, 2)), 1), 0, 2);
    nb_ctx_free(ctx);
}
END_TEST

/* ---- where ------------------------------------------------------------------------------------ */

START_TEST(where_values_and_promotion)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *cond = nb_from_data(ctx, NB_I32, NB_SHAPE(1, 3), (int32_t[]){2, 0, -1});
    nb_tensor *a = nb_from_data(ctx, NB_I32, NB_SHAPE(2, 1), (int32_t[]){10, 20});
    nb_tensor *b = nb_scalar(ctx, NB_F64, -0.5);
    nb_tensor *y = nb_where(ctx, cond, a, b);
    CK_SHAPE(y, 2, 3);
    ck_assert_int_eq(y->dtype, NB_F64);
    CK_VALUES(y, 0, 10, -0.5, 10, 20, -0.5, 20);
    nb_tensor *fc = nb_from_data(ctx, NB_F32, NB_SHAPE(3), (float[]){NAN, 0, -0.0f});
    CK_VALUES(nb_where(ctx, fc, nb_ones(ctx, NB_I64, NB_SHAPE(3)), nb_zeros(ctx, NB_I64, NB_SHAPE(3))), 0, 1, 0, 0);
    nb_tensor *m = nb_gt(ctx, nb_arange(ctx, NB_F32, 0, 4, 1), nb_scalar(ctx, NB_F32, 1.5));
    nb_tensor *w = nb_where(ctx, m, m, nb_scalar(ctx, NB_BOOL, 0));
    ck_assert_int_eq(w->dtype, NB_BOOL);
    CK_VALUES(w, 0, 0, 0, 1, 1);
    CK_SHAPE(nb_where(ctx, nb_zeros(ctx, NB_BOOL, NB_SHAPE(2, 0)), a, b), 2, 0);
    nb_ctx_free(ctx);
}
END_TEST

/* The contiguous rows (a and b arrays, or one of them a broadcast value)
 * run their own select loops: checked element by element against the
 * definition, bit for bit (a NaN's payload is copied, not recomputed). */
START_TEST(where_contiguous_rows_select_bit_for_bit)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 35);
    enum { N = 1003 };
    nb_tensor *c = nb_lt(ctx, nb_rand_uniform(ctx, &rng, NB_F32, NB_SHAPE(N), 0, 1), nb_scalar(ctx, NB_F32, 0.5));
    for (int d = 0; d < 2; d++) {
        nb_dtype dt = d ? NB_F64 : NB_F32;
        nb_tensor *a = nb_rand_normal(ctx, &rng, dt, NB_SHAPE(N), 0, 1), *b = nb_rand_normal(ctx, &rng, dt, NB_SHAPE(N), 0, 1);
        nb_set(a, (int64_t[]){7}, NAN);
        nb_tensor *sa = nb_scalar(ctx, dt, 2.5), *sb = nb_scalar(ctx, dt, -1);
        nb_tensor *pairs[3][2] = {{a, b}, {a, sb}, {sa, b}};
        for (int k = 0; k < 3; k++) {
            nb_tensor *y = nb_where(ctx, c, pairs[k][0], pairs[k][1]);
            ck_assert_ptr_nonnull(y);
            size_t es = nb_dtype_size(dt);
            for (int64_t i = 0; i < N; i++) {
                const nb_tensor *src = nb_get(c, (int64_t[]){i}) != 0 ? pairs[k][0] : pairs[k][1];
                int64_t at = nb_numel(src) == 1 ? 0 : i;
                ck_assert_int_eq(memcmp((char *)nb_data(y) + i * (int64_t)es, (char *)nb_data(src) + at * (int64_t)es, es), 0);
            }
        }
    }
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(where_matches_reference_with_broadcasting)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 34);
    const nb_dtype dtypes[] = {NB_BOOL, NB_I32, NB_I64, NB_F32, NB_F64};
    for (int trial = 0; trial < 100; trial++) {
        int64_t out[NB_MAX_DIMS], sc[NB_MAX_DIMS], sa[NB_MAX_DIMS], sb[NB_MAX_DIMS];
        int nd = (int)nb_rng_below(&rng, 5), nc, na, nb;
        tu_random_shape(&rng, nd, 1, 4, out);
        tu_broadcastable(&rng, nd, out, &nc, sc);
        tu_broadcastable(&rng, nd, out, &na, sa);
        tu_broadcastable(&rng, nd, out, &nb, sb);
        nb_tensor *c = tu_random_strided(ctx, &rng, dtypes[trial % 5], nc, sc, trial % 2);
        nb_tensor *a = tu_random_strided(ctx, &rng, dtypes[(trial / 5) % 5], na, sa, true);
        nb_tensor *b = tu_random_strided(ctx, &rng, dtypes[(trial / 25) % 5], nb, sb, false);
        nb_tensor *y = nb_where(ctx, c, a, b);
        ck_assert_ptr_nonnull(y);
        ck_assert_int_eq(y->dtype, nb_promote_types(a->dtype, b->dtype));
        int64_t idx[NB_MAX_DIMS], s1[NB_MAX_DIMS], s2[NB_MAX_DIMS];
        int n1, n2;
        tu_broadcast_shape(na, sa, nb, sb, &n1, s1);
        tu_broadcast_shape(nc, sc, n1, s1, &n2, s2);
        ck_tensor_shape(y, n2, s2);
        for (int64_t i = 0, n = nb_numel(y); i < n; i++) {
            tu_unravel(n2, s2, i, idx);
            double want = tu_bget(c, n2, idx) != 0 ? tu_bget(a, n2, idx) : tu_bget(b, n2, idx);
            ck_assert_double_eq_tol(nb_get(y, idx), want, 1e-6 * (1 + fabs(want)));
        }
        nb_ctx_reset(ctx);
    }
    nb_ctx_free(ctx);
}
END_TEST

/* ---- errors ------------------------------------------------------------------------------------ */

START_TEST(binary_errors_name_op_and_shapes)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *a = nb_zeros(ctx, NB_F32, NB_SHAPE(2, 3)), *b = nb_zeros(ctx, NB_F32, NB_SHAPE(4));
    char want[96];
    for (int op = 0; op < NOPS; op++) {
        snprintf(want, sizeof want, "%s: shapes [2,3] and [4] cannot be broadcast", ops[op].name);
        ck_assert_error(ops[op].fn(ctx, a, b), want);
        snprintf(want, sizeof want, "%s: input tensor is NULL", ops[op].name);
        ck_assert_error(ops[op].fn(ctx, NULL, b), want);
        ck_assert_error(ops[op].fn(ctx, a, NULL), want);
    }
    ck_assert_error(nb_add(NULL, a, a), "context is NULL");
    ck_assert_error(nb_where(ctx, nb_zeros(ctx, NB_BOOL, NB_SHAPE(4)), a, a),
                    "nb_where: shapes [4] and [2,3] cannot be broadcast");
    ck_assert_error(nb_where(ctx, a, a, b), "nb_where: shapes [2,3] and [4] cannot be broadcast");
    ck_assert_error(nb_where(ctx, NULL, a, a), "nb_where: input tensor is NULL");
    ck_assert_error(nb_where(ctx, a, a, NULL), "nb_where: input tensor is NULL");
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(scalar_ops_errors)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *(*const fns[])(nb_ctx *, nb_tensor *, double) = {
        nb_add_scalar, nb_sub_scalar, nb_mul_scalar, nb_div_scalar, nb_rsub_scalar, nb_rdiv_scalar};
    const char *names[] = {"nb_add_scalar", "nb_sub_scalar", "nb_mul_scalar",
                           "nb_div_scalar", "nb_rsub_scalar", "nb_rdiv_scalar"};
    char want[64];
    for (int k = 0; k < TU_LEN(fns); k++) {
        snprintf(want, sizeof want, "%s: input tensor is NULL", names[k]);
        ck_assert_error(fns[k](ctx, NULL, 1), want);
    }
    ck_assert_error(nb_add_scalar(NULL, nb_zeros(ctx, NB_F32, NB_SHAPE(2)), 1), "context is NULL");
    nb_ctx_free(ctx);
}
END_TEST

/* A chain of ops stops at the first failure and keeps its message. */
START_TEST(binary_null_keeps_first_error)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *a = nb_zeros(ctx, NB_F32, NB_SHAPE(2, 3));
    nb_clear_error();
    nb_tensor *y = nb_mul_scalar(ctx, nb_add(ctx, nb_sub(ctx, a, nb_transpose(ctx, a, 0, 1)), a), 2);
    ck_assert_ptr_null(y);
    ck_assert_str_eq(nb_last_error(), "nb_sub: shapes [2,3] and [3,2] cannot be broadcast");
    ck_assert_ptr_null(nb_where(ctx, nb_lt(ctx, a, NULL), a, a));
    ck_assert_str_eq(nb_last_error(), "nb_sub: shapes [2,3] and [3,2] cannot be broadcast");
    nb_ctx_free(ctx);
}
END_TEST

TCase *tcase_binary(void)
{
    TCase *tc = tcase_create("binary");
    tcase_add_test(tc, binary_values_by_hand);
    tcase_add_test(tc, compare_values_by_hand);
    tcase_add_test(tc, binary_maximum_minimum_propagate_nan);
    tcase_add_test(tc, binary_integer_arithmetic_wraps);
    tcase_add_test(tc, binary_integer_negative_powers_are_refused);
    tcase_add_test(tc, binary_matches_reference_with_broadcasting);
    tcase_add_test(tc, binary_large_operands);
    tcase_add_test(tc, binary_eight_dimensions);
    tcase_add_test(tc, binary_zero_size_broadcasting);
    tcase_add_test(tc, binary_promotion_table);
    tcase_add_test(tc, binary_mixed_dtype_values);
    tcase_add_test(tc, scalar_ops_values_and_types);
    tcase_add_test(tc, scalar_ops_on_views_and_scalars);
    tcase_add_test(tc, where_values_and_promotion);
    tcase_add_test(tc, where_matches_reference_with_broadcasting);
    tcase_add_test(tc, where_contiguous_rows_select_bit_for_bit);
    tcase_add_test(tc, binary_errors_name_op_and_shapes);
    tcase_add_test(tc, scalar_ops_errors);
    tcase_add_test(tc, binary_null_keeps_first_error);
    return tc;
}
