/* tests/tensor/test_creation.c — arenas, creation, random generators,
 * element access. */
#include <math.h>
#include <stdlib.h>

#include "cases.h"

START_TEST(arena_grows_resets_and_stays_flat)
{
    nb_ctx *ctx = nb_ctx_new();
    ck_assert_uint_eq(nb_ctx_bytes_used(ctx), 0);
    for (int step = 0; step < 50; step++) {
        for (int i = 0; i < 20; i++) /* 20 x 40 KB per step: several chunks at first */
            ck_assert_ptr_nonnull(nb_zeros(ctx, NB_F32, NB_SHAPE(100, 100)));
        ck_assert_uint_ge(nb_ctx_bytes_used(ctx), 20 * 40000);
        nb_ctx_reset(ctx);
        ck_assert_uint_eq(nb_ctx_bytes_used(ctx), 0);
        ck_assert_uint_eq(nb_ctx_generation(ctx), (uint64_t)step + 1);
    }
    size_t reserved = nb_ctx_bytes_reserved(ctx), peak = nb_ctx_peak_bytes(ctx);
    for (int i = 0; i < 20; i++) ck_assert_ptr_nonnull(nb_zeros(ctx, NB_F32, NB_SHAPE(100, 100)));
    ck_assert_uint_eq(nb_ctx_bytes_reserved(ctx), reserved); /* nothing new asked of the system */
    ck_assert_uint_eq(nb_ctx_peak_bytes(ctx), peak);
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(arena_alignment_and_errors)
{
    nb_ctx *ctx = nb_ctx_new();
    for (size_t align = 1; align <= 4096; align *= 2) {
        char *p = nb_ctx_alloc(ctx, 3, align);
        ck_assert_ptr_nonnull(p);
        ck_assert_uint_eq((uintptr_t)p % align, 0);
    }
    nb_tensor *t = nb_empty(ctx, NB_F64, NB_SHAPE(8)); /* 64 bytes and up: cache-line aligned */
    ck_assert_uint_eq((uintptr_t)nb_data(t) % 64, 0);
    ck_assert_uint_eq((uintptr_t)nb_data(nb_empty(ctx, NB_F64, NB_SHAPE(3))) % 16, 0);
    nb_clear_error();
    ck_assert_ptr_null(nb_ctx_alloc(ctx, 8, 3));
    ck_assert_str_eq(nb_last_error(), "nb_ctx_alloc: alignment 3 is not a power of two up to 4096");
    ck_assert_ptr_null(nb_ctx_alloc(NULL, 8, 8));
    ck_assert_ptr_nonnull(strstr(nb_last_error(), "context is NULL"));
    nb_ctx_free(ctx);
    nb_ctx_free(NULL); /* harmless */
}
END_TEST

START_TEST(creation_values)
{
    nb_ctx *ctx = nb_ctx_new();
    CK_VALUES(nb_zeros(ctx, NB_I32, NB_SHAPE(2, 2)), 0, 0, 0, 0, 0);
    CK_VALUES(nb_ones(ctx, NB_F64, NB_SHAPE(3)), 0, 1, 1, 1);
    CK_VALUES(nb_full(ctx, NB_F32, NB_SHAPE(2), 2.5), 0, 2.5, 2.5);
    nb_tensor *s = nb_scalar(ctx, NB_I64, -7);
    ck_assert_int_eq(s->ndim, 0);
    ck_assert_int_eq(nb_item_i64(s), -7);
    CK_VALUES(nb_arange(ctx, NB_I64, 2, 11, 3), 0, 2, 5, 8);
    CK_VALUES(nb_arange(ctx, NB_F32, 1, 0, -0.25), 0, 1, 0.75, 0.5, 0.25);
    CK_SHAPE(nb_arange(ctx, NB_F32, 5, 1, 1), 0); /* empty, not an error */
    CK_VALUES(nb_linspace(ctx, NB_F64, 0, 1, 5), 0, 0, 0.25, 0.5, 0.75, 1);
    CK_VALUES(nb_linspace(ctx, NB_F64, 3, 9, 1), 0, 3);
    CK_VALUES(nb_eye(ctx, NB_F32, 3), 0, 1, 0, 0, 0, 1, 0, 0, 0, 1);
    int32_t buf[6] = {1, 2, 3, 4, 5, 6};
    nb_tensor *d = nb_from_data(ctx, NB_I32, NB_SHAPE(2, 3), buf);
    buf[0] = 100; /* copied, not borrowed */
    CK_VALUES(d, 0, 1, 2, 3, 4, 5, 6);
    CK_SHAPE(nb_zeros(ctx, NB_F32, NB_SHAPE(0, 4)), 0, 4);
    ck_assert_int_eq(nb_numel(nb_zeros(ctx, NB_F32, NB_SHAPE(0, 4))), 0);
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(creation_errors)
{
    nb_ctx *ctx = nb_ctx_new();
    ck_assert_error(nb_zeros(ctx, NB_F32, NB_SHAPE(2, -1)), "negative size in shape [2,-1]");
    ck_assert_error(nb_zeros(ctx, NB_F32, 9, (int64_t[9]){1}), "9 dimensions is out of range [0, 8]");
    ck_assert_error(nb_zeros(NULL, NB_F32, NB_SHAPE(2)), "context is NULL");
    ck_assert_error(nb_zeros(ctx, (nb_dtype)42, NB_SHAPE(2)), "unknown dtype 42");
    ck_assert_error(nb_zeros(ctx, NB_F32, NB_SHAPE(INT64_MAX / 2, 4)), "too many elements");
    ck_assert_error(nb_arange(ctx, NB_F32, 0, 1, 0), "nonzero step");
    ck_assert_error(nb_linspace(ctx, NB_F32, 0, 1, -1), "n >= 0");
    ck_assert_error(nb_eye(ctx, NB_F32, -2), "nb_eye: n = -2 is negative");
    ck_assert_error(nb_from_data(ctx, NB_F32, NB_SHAPE(2), NULL), "data is NULL");
    nb_ctx_free(ctx);
}
END_TEST

/* The rest of the creation and access errors, each message in full. */
START_TEST(creation_error_messages_in_full)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng r;
    nb_rng_seed(&r, 3);
    ck_assert_error_is(nb_zeros(ctx, NB_F32, 2, NULL), "nb_zeros: shape is NULL for 2 dimensions");
    ck_assert_error_is(nb_empty(ctx, NB_F64, NB_SHAPE(INT64_MAX / 4)), "nb_empty: 2305843009213693951 elements is too many");
    ck_assert_error_is(nb_zeros(ctx, NB_F32, NB_SHAPE(INT64_MAX / 2, 4)), "nb_zeros: shape [4611686018427387903,4] has too many elements");
    ck_assert_ptr_null(nb_ctx_alloc(ctx, SIZE_MAX, 8));
    ck_assert_str_eq(nb_last_error(), "nb_ctx_alloc: 18446744073709551615 bytes is too large");
    ck_assert_error(nb_arange(ctx, NB_F32, 0, 1, 0), "nb_arange: need finite start, stop and a nonzero step, got (0, 1, 0)");
    ck_assert_error(nb_arange(ctx, NB_F32, 0, NAN, 1), "nb_arange: need finite start, stop and a nonzero step, got (0, nan, 1)");
    ck_assert_error_is(nb_arange(ctx, NB_F32, 0, 3e18, 1), "nb_arange: [0, 3e+18) by 1 makes 3e+18 elements of f32, past INT64_MAX bytes");
    ck_assert_error_is(nb_arange(ctx, NB_F64, 0, 1e300, 1e-300), "nb_arange: [0, 1e+300) by 1e-300 makes inf elements of f64, past INT64_MAX bytes");
    ck_assert_error(nb_linspace(ctx, NB_F32, 0, INFINITY, 3), "nb_linspace: need finite ends and n >= 0, got (0, inf, 3)");
    ck_assert_error(nb_rand_uniform(ctx, &r, NB_F32, NB_SHAPE(2), 1, 0), "nb_rand_uniform: need finite low <= high, got [1, 0)");
    ck_assert_error(nb_rand_uniform(ctx, &r, NB_I64, NB_SHAPE(2), 0, 1), "nb_rand_uniform: dtype i64 is not a float type (f32 or f64)");
    ck_assert_error(nb_rand_normal(ctx, &r, NB_F32, NB_SHAPE(2), NAN, 1), "nb_rand_normal: need finite mean and std >= 0, got mean nan std 1");
    ck_assert_error(nb_rand_normal(ctx, NULL, NB_F32, NB_SHAPE(2), 0, 1), "nb_rand_normal: generator is NULL");
    ck_assert_error(nb_rand_int(ctx, &r, NB_BOOL, NB_SHAPE(2), 0, 2), "nb_rand_int: need a non-bool dtype and low < high, got bool [0, 2)");
    ck_assert_error(nb_rand_int(ctx, &r, NB_I32, NB_SHAPE(2), -5, (INT64_C(1) << 31) + 1), "nb_rand_int: range [-5, 2147483649) does not fit i32");
    ck_assert_error(nb_rand_int(ctx, NULL, NB_I32, NB_SHAPE(2), 0, 1), "nb_rand_int: generator is NULL");
    ck_assert_error(nb_randperm(ctx, NULL, 3), "nb_randperm: need a generator and n >= 0, got n = 3");
    nb_tensor *t = nb_zeros(ctx, NB_F32, NB_SHAPE(2));
    nb_clear_error();
    ck_assert(isnan(nb_get(t, NULL)));
    ck_assert_str_eq(nb_last_error(), "nb_get: index is NULL");
    ck_assert_error_status(nb_set(NULL, (int64_t[]){0}, 1), "nb_set: tensor is NULL");
    ck_assert_error_status(nb_copy_to(t, NULL, 8), "nb_copy_to: buffer is NULL");
    ck_assert_error_status(nb_copy_to(NULL, &(float){0}, 4), "nb_copy_to: tensor is NULL");
    nb_clear_error();
    ck_assert_int_eq(nb_item_i64(NULL), 0);
    ck_assert_str_eq(nb_last_error(), "nb_item_i64: tensor is NULL");
    ck_assert_error(nb_zeros_like(ctx, NULL), "nb_zeros_like: input tensor is NULL");
    ck_assert_error(nb_empty_like(ctx, NULL), "nb_empty_like: input tensor is NULL");
    nb_ctx_free(ctx);
}
END_TEST

/* An integer arange holds its values exactly or is refused: it used to
 * allocate and saturate (3e9 elements of i32 up to 2147483647). */
START_TEST(arange_refuses_values_its_dtype_cannot_hold)
{
    nb_ctx *ctx = nb_ctx_new();
    ck_assert_error_is(nb_arange(ctx, NB_I32, 0, 3e9, 1),
                       "nb_arange: the values of [0, 3e+09) by 1 run from 0 to 2999999999, past what i32 holds [-2147483648, 2147483647]");
    ck_assert_error_is(nb_arange(ctx, NB_I32, 0, -3.5e9, -1e9),
                       "nb_arange: the values of [0, -3.5e+09) by -1e+09 run from 0 to -3000000000, past what i32 holds [-2147483648, 2147483647]");
    ck_assert_error_is(nb_arange(ctx, NB_I64, 9e18, 9.4e18, 1e17),
                       "nb_arange: the values of [9e+18, 9.4e+18) by 1e+17 run from 9e+18 to 9.3e+18, past what i64 holds [-9.22337203685478e+18, 9.22337203685478e+18]");
    ck_assert_error_is(nb_arange(ctx, NB_I64, -1e19, 0, 5e18),
                       "nb_arange: the values of [-1e+19, 0) by 5e+18 run from -1e+19 to -5e+18, past what i64 holds [-9.22337203685478e+18, 9.22337203685478e+18]");
    /* the ends of the range itself are fine, and the same values in i64 or f64 */
    CK_VALUES(nb_arange(ctx, NB_I32, 2147483645, 2147483648.0, 1), 0, 2147483645, 2147483646, 2147483647);
    CK_VALUES(nb_arange(ctx, NB_I32, -2147483648.0, -2147483646.0, 1), 0, -2147483648.0, -2147483647);
    CK_VALUES(nb_arange(ctx, NB_I64, 0, 3e9, 1e9), 0, 0, 1e9, 2e9);
    CK_VALUES(nb_arange(ctx, NB_F64, 0, 3e9, 1e9), 0, 0, 1e9, 2e9);
    CK_SHAPE(nb_arange(ctx, NB_I32, 3e9, 0, 1), 0); /* empty: no values to hold */
    /* linspace too: its ends bound its values */
    ck_assert_error_is(nb_linspace(ctx, NB_I32, 0, 3e9, 4),
                       "nb_linspace: the values from 0 to 3000000000 are past what i32 holds [-2147483648, 2147483647]");
    ck_assert_error_is(nb_linspace(ctx, NB_I64, -1e19, 0, 2),
                       "nb_linspace: the values from -1e+19 to 0 are past what i64 holds [-9.22337203685478e+18, 9.22337203685478e+18]");
    CK_VALUES(nb_linspace(ctx, NB_I32, -2147483648.0, 2147483647.0, 2), 0, -2147483648.0, 2147483647);
    CK_VALUES(nb_linspace(ctx, NB_I32, 0, 3e9, 1), 0, 0); /* one value: start alone */
    CK_SHAPE(nb_linspace(ctx, NB_I32, 0, 3e9, 0), 0);
    nb_ctx_free(ctx);
}
END_TEST

/* Every creation function names itself, not the allocator they share. */
START_TEST(creation_errors_name_the_function)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng r;
    nb_rng_seed(&r, 3);
    const int64_t bad[] = {-2};
    ck_assert_error_is(nb_empty(ctx, NB_F32, 1, bad), "nb_empty: negative size in shape [-2]");
    ck_assert_error_is(nb_zeros(ctx, NB_F32, 1, bad), "nb_zeros: negative size in shape [-2]");
    ck_assert_error_is(nb_ones(ctx, NB_F32, 1, bad), "nb_ones: negative size in shape [-2]");
    ck_assert_error_is(nb_full(ctx, NB_F32, 1, bad, 7), "nb_full: negative size in shape [-2]");
    ck_assert_error_is(nb_from_data(ctx, NB_F32, 1, bad, &(float){0}), "nb_from_data: negative size in shape [-2]");
    ck_assert_error_is(nb_rand_uniform(ctx, &r, NB_F32, 1, bad, 0, 1), "nb_rand_uniform: negative size in shape [-2]");
    ck_assert_error_is(nb_rand_normal(ctx, &r, NB_F64, 1, bad, 0, 1), "nb_rand_normal: negative size in shape [-2]");
    ck_assert_error_is(nb_rand_int(ctx, &r, NB_I32, 1, bad, 0, 5), "nb_rand_int: negative size in shape [-2]");
    const nb_dtype nine = (nb_dtype)9;
    ck_assert_error_is(nb_empty(ctx, nine, NB_SHAPE(2)), "nb_empty: unknown dtype 9");
    ck_assert_error_is(nb_zeros(ctx, nine, NB_SHAPE(2)), "nb_zeros: unknown dtype 9");
    ck_assert_error_is(nb_ones(ctx, nine, NB_SHAPE(2)), "nb_ones: unknown dtype 9");
    ck_assert_error_is(nb_full(ctx, nine, NB_SHAPE(2), 1), "nb_full: unknown dtype 9");
    ck_assert_error_is(nb_scalar(ctx, nine, 1), "nb_scalar: unknown dtype 9");
    ck_assert_error_is(nb_from_data(ctx, nine, NB_SHAPE(1), &(float){0}), "nb_from_data: unknown dtype 9");
    ck_assert_error_is(nb_eye(ctx, nine, 2), "nb_eye: unknown dtype 9");
    ck_assert_error_is(nb_arange(ctx, nine, 0, 3, 1), "nb_arange: unknown dtype 9");
    ck_assert_error_is(nb_linspace(ctx, nine, 0, 1, 3), "nb_linspace: unknown dtype 9");
    ck_assert_error_is(nb_rand_int(ctx, &r, nine, NB_SHAPE(2), 0, 5), "nb_rand_int: unknown dtype 9");
    ck_assert_error_is(nb_eye(ctx, NB_F32, INT64_C(1) << 40), "nb_eye: shape [1099511627776,1099511627776] has too many elements");
    ck_assert_error_is(nb_zeros(NULL, NB_F32, NB_SHAPE(2)), "nb_zeros: context is NULL");
    ck_assert_error_is(nb_ones(NULL, NB_F32, NB_SHAPE(2)), "nb_ones: context is NULL");
    ck_assert_error_is(nb_scalar(NULL, NB_F32, 1), "nb_scalar: context is NULL");
    ck_assert_error_is(nb_arange(NULL, NB_F32, 0, 3, 1), "nb_arange: context is NULL");
    ck_assert_error_is(nb_linspace(NULL, NB_F32, 0, 1, 3), "nb_linspace: context is NULL");
    ck_assert_error_is(nb_eye(NULL, NB_F32, 2), "nb_eye: context is NULL");
    ck_assert_error_is(nb_randperm(NULL, &r, 3), "nb_randperm: context is NULL");
    nb_tensor *x = nb_zeros(ctx, NB_F32, NB_SHAPE(2));
    ck_assert_error_is(nb_zeros_like(NULL, x), "nb_zeros_like: context is NULL");
    ck_assert_error_is(nb_empty_like(NULL, x), "nb_empty_like: context is NULL");
    nb_ctx_free(ctx);
}
END_TEST

/* The generator core against the reference pcg32 demo (pcg32_srandom(42, 54)):
 * its published first outputs. */
START_TEST(rng_matches_reference_pcg32)
{
    nb_rng r = {.state = 0, .inc = (54u << 1) | 1u};
    nb_rng_next_u32(&r);
    r.state += 42;
    nb_rng_next_u32(&r);
    const uint32_t want[] = {0xa15c02b7, 0x7b47f409, 0xba1d3330, 0x83d2f293, 0xbfa4784b, 0xcbed606e};
    for (int i = 0; i < 6; i++) ck_assert_uint_eq(nb_rng_next_u32(&r), want[i]);
}
END_TEST

START_TEST(rng_seeding_and_distributions)
{
    nb_rng a, b;
    nb_rng_seed(&a, 7);
    nb_rng_seed(&b, 7);
    for (int i = 0; i < 100; i++) ck_assert_uint_eq(nb_rng_next_u64(&a), nb_rng_next_u64(&b));
    nb_rng_seed(&b, 8);
    ck_assert_uint_ne(nb_rng_next_u64(&a), nb_rng_next_u64(&b));
    /* moments of 200k draws: mean and variance within 5 standard errors */
    double s1 = 0, s2 = 0, n = 200000;
    for (int i = 0; i < n; i++) {
        double z = nb_rng_normal(&a);
        s1 += z;
        s2 += z * z;
    }
    ck_assert_double_lt(fabs(s1 / n), 5 / sqrt(n));
    ck_assert_double_lt(fabs(s2 / n - 1), 5 * sqrt(2 / n));
    int counts[6] = {0};
    for (int i = 0; i < 60000; i++) counts[nb_rng_below(&a, 6)]++;
    for (int k = 0; k < 6; k++) ck_assert_int_lt(abs(counts[k] - 10000), 500); /* ~5 sigma */
    for (int i = 0; i < 1000; i++) {
        double u = nb_rng_uniform(&a);
        ck_assert(u >= 0 && u < 1);
    }
}
END_TEST

START_TEST(random_tensors)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng r;
    nb_rng_seed(&r, 1);
    nb_tensor *u = nb_rand_uniform(ctx, &r, NB_F64, NB_SHAPE(1000), -3, 5);
    double lo = 1e9, hi = -1e9;
    for (int i = 0; i < 1000; i++) {
        double v = nb_get(u, (int64_t[]){i});
        lo = fmin(lo, v);
        hi = fmax(hi, v);
    }
    ck_assert(lo >= -3 && hi < 5 && lo < -2.9 && hi > 4.9);
    nb_tensor *ints = nb_rand_int(ctx, &r, NB_I32, NB_SHAPE(2000), -2, 3);
    int seen[5] = {0};
    for (int i = 0; i < 2000; i++) seen[(int)nb_get(ints, (int64_t[]){i}) + 2]++;
    for (int k = 0; k < 5; k++) ck_assert_int_gt(seen[k], 300);
    nb_tensor *p = nb_randperm(ctx, &r, 50);
    int hit[50] = {0};
    for (int i = 0; i < 50; i++) hit[(int)nb_get(p, (int64_t[]){i})]++;
    for (int k = 0; k < 50; k++) ck_assert_int_eq(hit[k], 1);
    /* same seed, same tensor */
    nb_rng r1, r2;
    nb_rng_seed(&r1, 99);
    nb_rng_seed(&r2, 99);
    ck_assert(nb_allclose(nb_rand_normal(ctx, &r1, NB_F32, NB_SHAPE(64), 0, 1),
                          nb_rand_normal(ctx, &r2, NB_F32, NB_SHAPE(64), 0, 1), 0, 0, false));
    ck_assert_error(nb_rand_uniform(ctx, &r, NB_I32, NB_SHAPE(2), 0, 1), "not a float type");
    ck_assert_error(nb_rand_uniform(ctx, NULL, NB_F32, NB_SHAPE(2), 0, 1), "generator is NULL");
    ck_assert_error(nb_rand_normal(ctx, &r, NB_F32, NB_SHAPE(2), 0, -1), "std >= 0");
    ck_assert_error(nb_rand_int(ctx, &r, NB_I64, NB_SHAPE(2), 3, 3), "low < high");
    ck_assert_error(nb_rand_int(ctx, &r, NB_I32, NB_SHAPE(2), 0, INT64_C(1) << 40), "does not fit i32");
    ck_assert_error(nb_randperm(ctx, &r, -1), "n >= 0");
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(element_access)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *t = nb_reshape(ctx, nb_arange(ctx, NB_F32, 0, 6, 1), NB_SHAPE(2, 3));
    ck_assert_double_eq(nb_get(t, (int64_t[]){1, 2}), 5);
    ck_assert_double_eq(nb_get(t, (int64_t[]){-1, -3}), 3);
    ck_assert_int_eq(nb_set(t, (int64_t[]){0, 1}, 9.5), 0);
    ck_assert_double_eq(nb_get(t, (int64_t[]){0, 1}), 9.5);
    nb_clear_error();
    ck_assert(isnan(nb_get(t, (int64_t[]){2, 0})));
    ck_assert_str_eq(nb_last_error(), "nb_get: index 2 is out of range for axis 0 of size 2");
    ck_assert_error_status(nb_set(t, (int64_t[]){0, 3}, 1), "index 3 is out of range for axis 1");
    ck_assert_double_eq(nb_item(nb_scalar(ctx, NB_F64, 0.125)), 0.125);
    ck_assert_double_eq(nb_item(nb_reshape(ctx, nb_ones(ctx, NB_I32, NB_SHAPE(1)), NB_SHAPE(1, 1))), 1);
    nb_clear_error();
    ck_assert(isnan(nb_item(t)));
    ck_assert_str_eq(nb_last_error(), "nb_item: tensor of shape [2,3] has 6 elements, not one");
    int64_t big = INT64_C(9007199254740993); /* 2^53 + 1: not a double */
    ck_assert_int_eq(nb_item_i64(nb_from_data(ctx, NB_I64, 0, NULL, &big)), big);
    /* copy out of a transposed view comes out in C order of the view */
    float out[6];
    ck_assert_int_eq(nb_copy_to(nb_transpose(ctx, t, 0, 1), out, sizeof out), 0);
    const float want[6] = {0, 3, 9.5f, 4, 2, 5};
    for (int i = 0; i < 6; i++) ck_assert_float_eq(out[i], want[i]);
    ck_assert_error_status(nb_copy_to(t, out, 8), "buffer holds 8 bytes but the f32 tensor of shape [2,3] needs 24");
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(runtime_facts)
{
    ck_assert_str_eq(nb_version(), "0.1.0");
    ck_assert_str_eq(nb_dtype_name(NB_F32), "f32");
    ck_assert_uint_eq(nb_dtype_size(NB_I64), 8);
    ck_assert_int_eq(nb_promote_types(NB_F32, NB_F64), NB_F64);
    ck_assert_int_eq(nb_promote_types(NB_I64, NB_F32), NB_F32);
    ck_assert_int_eq(nb_promote_types(NB_BOOL, NB_I32), NB_I32);
    int before = nb_get_num_threads();
    ck_assert_int_ge(before, 1);
    ck_assert_int_eq(nb_set_num_threads(1), 0);
    ck_assert_int_eq(nb_get_num_threads(), 1);
    ck_assert_error_status(nb_set_num_threads(0), "thread count 0 is out of range [1, 1024]");
    ck_assert_int_eq(nb_set_num_threads(before), 0);
    ck_assert_ptr_nonnull(nb_isa_name());
}
END_TEST

TCase *tcase_creation(void)
{
    TCase *tc = tcase_create("creation");
    tcase_add_test(tc, arena_grows_resets_and_stays_flat);
    tcase_add_test(tc, arena_alignment_and_errors);
    tcase_add_test(tc, creation_values);
    tcase_add_test(tc, creation_errors);
    tcase_add_test(tc, creation_error_messages_in_full);
    tcase_add_test(tc, creation_errors_name_the_function);
    tcase_add_test(tc, arange_refuses_values_its_dtype_cannot_hold);
    tcase_add_test(tc, rng_matches_reference_pcg32);
    tcase_add_test(tc, rng_seeding_and_distributions);
    tcase_add_test(tc, random_tensors);
    tcase_add_test(tc, element_access);
    tcase_add_test(tc, runtime_facts);
    return tc;
}
