/* tests/tensor/test_matmul.c — nb_matmul with numpy.matmul semantics: values
 * by hand, a reference loop over random shapes and layouts (1-D operands,
 * batch broadcasting, transposed, strided and reversed views, empty axes),
 * integer products, promotion, errors. */
#include <math.h>
#include <stdlib.h>

#include "cases.h"

/* ---- values by hand ----------------------------------------------------------- */

START_TEST(matmul_values_by_hand)
{
    nb_ctx *ctx = nb_ctx_new();
    const nb_dtype dtypes[] = TU_ALL_DTYPES;
    for (int d = 0; d < 4; d++) {
        nb_tensor *a = nb_cast(ctx, nb_from_data(ctx, NB_F64, NB_SHAPE(2, 3), (double[]){1, 2, 3, 4, 5, 6}), dtypes[d]);
        nb_tensor *b = nb_cast(ctx, nb_from_data(ctx, NB_F64, NB_SHAPE(3, 2), (double[]){7, 8, 9, 10, 11, 12}), dtypes[d]);
        nb_tensor *v = nb_cast(ctx, nb_from_data(ctx, NB_F64, NB_SHAPE(3), (double[]){1, 0, -1}), dtypes[d]);
        nb_tensor *c = nb_matmul(ctx, a, b);
        ck_assert_int_eq(c->dtype, dtypes[d]);
        CK_SHAPE(c, 2, 2);
        CK_VALUES(c, 0, 58, 64, 139, 154);
        nb_tensor *vb = nb_matmul(ctx, nb_slice(ctx, nb_reshape(ctx, a, NB_SHAPE(6)), 0, 0, 3, 1), b);
        CK_SHAPE(vb, 2); /* [3] @ [3,2] -> [2] */
        CK_VALUES(vb, 0, 58, 64);
        nb_tensor *av = nb_matmul(ctx, a, v);
        CK_SHAPE(av, 2); /* [2,3] @ [3] -> [2] */
        CK_VALUES(av, 0, -2, -2);
        nb_tensor *dot = nb_matmul(ctx, v, v);
        ck_assert_int_eq(dot->ndim, 0); /* [3] @ [3] -> [] */
        ck_assert_double_eq(nb_item(dot), 2);
        CK_VALUES(nb_matmul(ctx, nb_transpose(ctx, b, 0, 1), nb_transpose(ctx, a, 0, 1)), 0, 58, 139, 64, 154);
    }
    nb_ctx_free(ctx);
}
END_TEST

/* [2,1,2,3] @ [3,3,2] -> [2,3,2,2]; values printed by NumPy. */
START_TEST(matmul_batch_broadcasting_by_hand)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *a = nb_reshape(ctx, nb_arange(ctx, NB_F32, 0, 12, 1), NB_SHAPE(2, 1, 2, 3));
    nb_tensor *b = nb_reshape(ctx, nb_arange(ctx, NB_F32, -5, 13, 1), NB_SHAPE(3, 3, 2));
    nb_tensor *c = nb_matmul(ctx, a, b);
    CK_SHAPE(c, 2, 3, 2, 2);
    CK_VALUES(c, 0, -5, -2, -32, -20, 13, 16, 40, 52, 31, 34, 112, 124, -59, -38, -86, -56, 67,
              88, 94, 124, 193, 214, 274, 304);
    /* a 1-D operand against a batch: [3] @ [3,3,2] -> [3,2] and [2,1,2,3] @ [3] -> [2,1,2] */
    CK_SHAPE(nb_matmul(ctx, nb_ones(ctx, NB_F32, NB_SHAPE(3)), b), 3, 2);
    nb_tensor *r = nb_matmul(ctx, a, nb_ones(ctx, NB_F32, NB_SHAPE(3)));
    CK_SHAPE(r, 2, 1, 2);
    CK_VALUES(r, 0, 3, 12, 21, 30);
    nb_ctx_free(ctx);
}
END_TEST

/* ---- reference loop --------------------------------------------------------------- */

/* numpy.matmul by its definition: 1-D operands promoted (and the added axis
 * dropped from the result), batch axes broadcast, each output a sum over k.
 * Also returns, per output, the sum of |terms| for a rounding bound. */
static int reference_matmul(const nb_tensor *a, const nb_tensor *b, int64_t *shape, double **out,
                            double **scale)
{
    int64_t M = a->ndim == 1 ? 1 : a->shape[a->ndim - 2], K = a->shape[a->ndim - 1];
    int64_t N = b->ndim == 1 ? 1 : b->shape[b->ndim - 1];
    int abat = a->ndim > 2 ? a->ndim - 2 : 0, bbat = b->ndim > 2 ? b->ndim - 2 : 0;
    int nbat = abat > bbat ? abat : bbat;
    int64_t bshape[NB_MAX_DIMS];
    for (int i = 0; i < nbat; i++) {
        int64_t x = i >= nbat - abat ? a->shape[i - (nbat - abat)] : 1;
        int64_t y = i >= nbat - bbat ? b->shape[i - (nbat - bbat)] : 1;
        bshape[i] = x == 1 ? y : x;
    }
    int nd = 0;
    for (int i = 0; i < nbat; i++) shape[nd++] = bshape[i];
    if (a->ndim > 1) shape[nd++] = M;
    if (b->ndim > 1) shape[nd++] = N;
    int64_t batches = 1;
    for (int i = 0; i < nbat; i++) batches *= bshape[i];
    size_t total = (size_t)(batches * M * N);
    *out = calloc(total ? total : 1, sizeof(double));
    *scale = calloc(total ? total : 1, sizeof(double));
    int64_t bi[NB_MAX_DIMS], ia[NB_MAX_DIMS], ib[NB_MAX_DIMS];
    for (int64_t t = 0; t < batches; t++) {
        tu_unravel(nbat, bshape, t, bi);
        for (int i = 0; i < abat; i++) ia[i] = a->shape[i] == 1 ? 0 : bi[i + nbat - abat];
        for (int i = 0; i < bbat; i++) ib[i] = b->shape[i] == 1 ? 0 : bi[i + nbat - bbat];
        for (int64_t i = 0; i < M; i++)
            for (int64_t j = 0; j < N; j++) {
                double s = 0, sa = 0;
                for (int64_t k = 0; k < K; k++) {
                    if (a->ndim == 1) ia[0] = k;
                    else ia[abat] = i, ia[abat + 1] = k;
                    if (b->ndim == 1) ib[0] = k;
                    else ib[bbat] = k, ib[bbat + 1] = j;
                    double term = nb_get(a, ia) * nb_get(b, ib);
                    s += term;
                    sa += fabs(term);
                }
                (*out)[(t * M + i) * N + j] = s;
                (*scale)[(t * M + i) * N + j] = sa;
            }
    }
    return nd;
}

static void ck_matmul(nb_tensor *c, const nb_tensor *a, const nb_tensor *b)
{
    int64_t shape[NB_MAX_DIMS];
    double *want, *scale;
    int nd = reference_matmul(a, b, shape, &want, &scale);
    ck_tensor_shape(c, nd, shape);
    ck_assert_int_eq(c->dtype, nb_promote_types(nb_promote_types(a->dtype, b->dtype), NB_I32));
    double tol = tu_tol(c->dtype);
    for (int64_t i = 0, n = nb_numel(c); i < n; i++) {
        double got = tu_at(c, i);
        ck_assert_msg(fabs(got - want[i]) <= tol * (1 + scale[i]), "element %lld: got %.9g, want %.9g",
                      (long long)i, got, want[i]);
    }
    free(want);
    free(scale);
}

/* Random shapes of every kind numpy.matmul takes, in every layout the
 * harness makes, for every pair of dtypes. */
START_TEST(matmul_matches_reference)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 61);
    const nb_dtype dtypes[] = TU_ALL_DTYPES;
    for (int trial = 0; trial < 300; trial++) {
        int64_t M = (int64_t)nb_rng_below(&rng, 6), N = (int64_t)nb_rng_below(&rng, 6);
        int64_t K = (int64_t)nb_rng_below(&rng, 7);
        int64_t sa[NB_MAX_DIMS], sb[NB_MAX_DIMS], batch[3];
        int nbat = (int)nb_rng_below(&rng, 4), na, nb;
        tu_random_shape(&rng, nbat, 1, 3, batch);
        tu_broadcastable(&rng, nbat, batch, &na, sa);
        tu_broadcastable(&rng, nbat, batch, &nb, sb);
        bool a1 = trial % 7 == 0 && na == 0, b1 = trial % 5 == 0 && nb == 0; /* 1-D operands */
        if (a1) sa[na++] = K;
        else sa[na++] = M, sa[na++] = K;
        if (b1) sb[nb++] = K;
        else sb[nb++] = K, sb[nb++] = N;
        nb_tensor *a = tu_random_strided(ctx, &rng, dtypes[trial % 4], na, sa, trial % 3 == 0);
        nb_tensor *b = tu_random_strided(ctx, &rng, dtypes[trial / 4 % 4], nb, sb, trial % 2);
        if (trial % 6 == 1) a = nb_contiguous(ctx, a);
        nb_tensor *c = nb_matmul(ctx, a, b);
        ck_assert_msg(c != NULL, "%s", nb_last_error());
        ck_matmul(c, a, b);
        nb_ctx_reset(ctx);
    }
    nb_ctx_free(ctx);
}
END_TEST

/* Sizes past the kernels' blocking, as stored and transposed. */
START_TEST(matmul_larger_matrices)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 62);
    const nb_dtype dtypes[] = TU_FLOAT_DTYPES;
    for (int d = 0; d < 2; d++) {
        nb_tensor *a = tu_random(ctx, &rng, dtypes[d], NB_SHAPE(70, 129));
        nb_tensor *b = tu_random(ctx, &rng, dtypes[d], NB_SHAPE(129, 67));
        nb_tensor *at = nb_transpose(ctx, tu_random(ctx, &rng, dtypes[d], NB_SHAPE(129, 70)), 0, 1);
        nb_tensor *bt = nb_transpose(ctx, tu_random(ctx, &rng, dtypes[d], NB_SHAPE(67, 129)), 0, 1);
        ck_matmul(nb_matmul(ctx, a, b), a, b);
        ck_matmul(nb_matmul(ctx, at, bt), at, bt);
        ck_matmul(nb_matmul(ctx, a, bt), a, bt);
        nb_tensor *batch = tu_random(ctx, &rng, dtypes[d], NB_SHAPE(3, 33, 40));
        nb_tensor *w = tu_random_strided(ctx, &rng, dtypes[d], NB_SHAPE(40, 17), true);
        ck_matmul(nb_matmul(ctx, batch, w), batch, w);
    }
    nb_ctx_free(ctx);
}
END_TEST

/* Six batch axes (eight in all) broadcasting against each other. */
START_TEST(matmul_eight_dimensions)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 63);
    nb_tensor *a = tu_random_strided(ctx, &rng, NB_F64, NB_SHAPE(2, 1, 2, 1, 2, 1, 2, 3), true);
    nb_tensor *b = tu_random_strided(ctx, &rng, NB_F32, NB_SHAPE(1, 2, 1, 2, 1, 2, 3, 2), false);
    ck_matmul(nb_matmul(ctx, a, b), a, b);
    nb_tensor *v = tu_random(ctx, &rng, NB_F32, NB_SHAPE(3));
    ck_matmul(nb_matmul(ctx, v, b), v, b);
    nb_tensor *w = tu_random_strided(ctx, &rng, NB_I32, NB_SHAPE(3), true);
    ck_matmul(nb_matmul(ctx, a, w), a, w);
    nb_ctx_free(ctx);
}
END_TEST

/* Broadcast operands (stride 0 rows and batches) are read correctly. */
START_TEST(matmul_expanded_operands)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *row = nb_arange(ctx, NB_F64, 1, 4, 1);
    nb_tensor *a = nb_expand(ctx, row, NB_SHAPE(2, 3));             /* rows repeat */
    nb_tensor *b = nb_reshape(ctx, nb_arange(ctx, NB_F64, 0, 6, 1), NB_SHAPE(3, 2));
    CK_VALUES(nb_matmul(ctx, a, b), 0, 16, 22, 16, 22);
    nb_tensor *bb = nb_expand(ctx, b, NB_SHAPE(4, 3, 2));            /* batch stride 0 */
    nb_tensor *ab = nb_reshape(ctx, nb_arange(ctx, NB_F64, 0, 24, 1), NB_SHAPE(4, 2, 3));
    ck_matmul(nb_matmul(ctx, ab, bb), ab, bb);
    nb_tensor *col = nb_expand(ctx, nb_ones(ctx, NB_F32, NB_SHAPE(3, 1)), NB_SHAPE(3, 5));
    ck_matmul(nb_matmul(ctx, nb_ones(ctx, NB_F32, NB_SHAPE(2, 3)), col), nb_ones(ctx, NB_F32, NB_SHAPE(2, 3)), col);
    nb_ctx_free(ctx);
}
END_TEST

/* ---- edge cases ---------------------------------------------------------------------- */

/* K = 0 is an empty sum: zeros, even over uninitialised memory. */
START_TEST(matmul_empty_inner_dimension_gives_zeros)
{
    nb_ctx *ctx = nb_ctx_new();
    const nb_dtype dtypes[] = TU_ALL_DTYPES;
    for (int d = 0; d < 4; d++) {
        nb_ctx_reset(ctx);
        for (int i = 0; i < 4; i++) /* leave garbage where the result will go */
            nb_fill_(nb_empty(ctx, NB_F64, NB_SHAPE(64)), NAN);
        nb_ctx_reset(ctx);
        nb_tensor *c = nb_matmul(ctx, nb_empty(ctx, dtypes[d], NB_SHAPE(2, 0)), nb_empty(ctx, dtypes[d], NB_SHAPE(0, 3)));
        CK_SHAPE(c, 2, 3);
        CK_VALUES(c, 0, 0, 0, 0, 0, 0, 0);
        nb_tensor *s = nb_matmul(ctx, nb_empty(ctx, dtypes[d], NB_SHAPE(0)), nb_empty(ctx, dtypes[d], NB_SHAPE(0)));
        ck_assert_int_eq(s->ndim, 0);
        ck_assert_double_eq(nb_item(s), 0);
        CK_VALUES(nb_matmul(ctx, nb_empty(ctx, dtypes[d], NB_SHAPE(2, 1, 0)), nb_empty(ctx, dtypes[d], NB_SHAPE(0, 2))), 0, 0, 0, 0, 0);
    }
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(matmul_empty_outer_dimensions)
{
    nb_ctx *ctx = nb_ctx_new();
    CK_SHAPE(nb_matmul(ctx, nb_zeros(ctx, NB_F32, NB_SHAPE(0, 3)), nb_zeros(ctx, NB_F32, NB_SHAPE(3, 4))), 0, 4);
    CK_SHAPE(nb_matmul(ctx, nb_zeros(ctx, NB_F64, NB_SHAPE(2, 3)), nb_zeros(ctx, NB_F64, NB_SHAPE(3, 0))), 2, 0);
    CK_SHAPE(nb_matmul(ctx, nb_zeros(ctx, NB_F32, NB_SHAPE(0, 2, 3)), nb_zeros(ctx, NB_F32, NB_SHAPE(3, 4))), 0, 2, 4);
    CK_SHAPE(nb_matmul(ctx, nb_zeros(ctx, NB_I32, NB_SHAPE(3)), nb_zeros(ctx, NB_I32, NB_SHAPE(2, 3, 0))), 2, 0);
    nb_ctx_free(ctx);
}
END_TEST

/* Integer products are exact (no trip through double) and wrap. */
START_TEST(matmul_integer_exact)
{
    nb_ctx *ctx = nb_ctx_new();
    int64_t big = INT64_C(9007199254740993); /* 2^53 + 1 */
    nb_tensor *a = nb_from_data(ctx, NB_I64, NB_SHAPE(1, 2), (int64_t[]){big, INT64_MAX});
    nb_tensor *b = nb_from_data(ctx, NB_I64, NB_SHAPE(2, 1), (int64_t[]){1, 0});
    ck_assert_int_eq(nb_item_i64(nb_matmul(ctx, a, b)), big);
    nb_tensor *b2 = nb_from_data(ctx, NB_I64, NB_SHAPE(2, 1), (int64_t[]){0, 2});
    ck_assert_int_eq(nb_item_i64(nb_matmul(ctx, a, b2)), -2); /* 2 * INT64_MAX wraps */
    nb_tensor *i32 = nb_from_data(ctx, NB_I32, NB_SHAPE(2), (int32_t[]){INT32_MAX, 1});
    nb_tensor *c = nb_matmul(ctx, i32, nb_from_data(ctx, NB_I32, NB_SHAPE(2), (int32_t[]){1, 1}));
    ck_assert_int_eq(c->dtype, NB_I32);
    ck_assert_int_eq(nb_item_i64(c), INT32_MIN);
    nb_tensor *bools = nb_from_data(ctx, NB_BOOL, NB_SHAPE(2, 2), (uint8_t[]){1, 1, 0, 1});
    nb_tensor *bb = nb_matmul(ctx, bools, bools);
    ck_assert_int_eq(bb->dtype, NB_I32);
    CK_VALUES(bb, 0, 1, 2, 0, 1);
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(matmul_promotion)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *i = nb_from_data(ctx, NB_I32, NB_SHAPE(1, 2), (int32_t[]){1, 2});
    nb_tensor *f = nb_from_data(ctx, NB_F32, NB_SHAPE(2, 1), (float[]){0.5f, 0.25f});
    nb_tensor *d = nb_from_data(ctx, NB_F64, NB_SHAPE(2, 1), (double[]){0.1, 0.2});
    nb_tensor *if32 = nb_matmul(ctx, i, f);
    ck_assert_int_eq(if32->dtype, NB_F32);
    CK_VALUES(if32, 0, 1);
    nb_tensor *fd = nb_matmul(ctx, nb_transpose(ctx, f, 0, 1), d);
    ck_assert_int_eq(fd->dtype, NB_F64);
    CK_VALUES(fd, 1e-15, 0.1);
    ck_assert_int_eq(nb_matmul(ctx, i, nb_cast(ctx, f, NB_I64))->dtype, NB_I64);
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(matmul_errors)
{
    nb_ctx *ctx = nb_ctx_new();
    ck_assert_error(nb_matmul(ctx, nb_zeros(ctx, NB_F32, NB_SHAPE(3, 4)), nb_zeros(ctx, NB_F32, NB_SHAPE(5, 2))),
                    "nb_matmul: inner dimensions differ: [3,4] @ [5,2]");
    ck_assert_error(nb_matmul(ctx, nb_zeros(ctx, NB_F32, NB_SHAPE(3)), nb_zeros(ctx, NB_F32, NB_SHAPE(4))),
                    "nb_matmul: inner dimensions differ: [3] @ [4]");
    ck_assert_error(nb_matmul(ctx, nb_zeros(ctx, NB_F32, NB_SHAPE(2, 3)), nb_zeros(ctx, NB_F32, NB_SHAPE(2))),
                    "nb_matmul: inner dimensions differ: [2,3] @ [2]");
    ck_assert_error(nb_matmul(ctx, nb_zeros(ctx, NB_F64, NB_SHAPE(2, 3, 4)), nb_zeros(ctx, NB_F64, NB_SHAPE(3, 4, 5))),
                    "nb_matmul: batch dimensions cannot be broadcast: [2,3,4] @ [3,4,5]");
    ck_assert_error(nb_matmul(ctx, nb_scalar(ctx, NB_F32, 1), nb_zeros(ctx, NB_F32, NB_SHAPE(3))),
                    "nb_matmul: operands must have at least 1 dimension, got [] @ [3]");
    ck_assert_error(nb_matmul(ctx, nb_zeros(ctx, NB_F32, NB_SHAPE(3)), nb_scalar(ctx, NB_F32, 1)),
                    "nb_matmul: operands must have at least 1 dimension, got [3] @ []");
    ck_assert_error(nb_matmul(ctx, NULL, nb_zeros(ctx, NB_F32, NB_SHAPE(3))), "nb_matmul: input tensor is NULL");
    ck_assert_error(nb_matmul(ctx, nb_zeros(ctx, NB_F32, NB_SHAPE(3)), NULL), "nb_matmul: input tensor is NULL");
    ck_assert_error(nb_matmul(NULL, nb_zeros(ctx, NB_F32, NB_SHAPE(2, 2)), nb_zeros(ctx, NB_F32, NB_SHAPE(2, 2))),
                    "context is NULL");
    nb_ctx_free(ctx);
}
END_TEST

TCase *tcase_matmul(void)
{
    TCase *tc = tcase_create("matmul");
    tcase_add_test(tc, matmul_values_by_hand);
    tcase_add_test(tc, matmul_batch_broadcasting_by_hand);
    tcase_add_test(tc, matmul_matches_reference);
    tcase_add_test(tc, matmul_larger_matrices);
    tcase_add_test(tc, matmul_eight_dimensions);
    tcase_add_test(tc, matmul_expanded_operands);
    tcase_add_test(tc, matmul_empty_inner_dimension_gives_zeros);
    tcase_add_test(tc, matmul_empty_outer_dimensions);
    tcase_add_test(tc, matmul_integer_exact);
    tcase_add_test(tc, matmul_promotion);
    tcase_add_test(tc, matmul_errors);
    return tc;
}
