/* tests/tensor/test_index.c — gather, scatter_add, index_select, take,
 * masked_select, concat, stack, split, cast, clone: values by hand (NumPy),
 * reference loops on random strided inputs, errors. */
#include <math.h>
#include <stdlib.h>

#include "cases.h"

/* x = [[1, 2, 3], [4, 5, 6]] as dtype. */
static nb_tensor *x23(nb_ctx *ctx, nb_dtype dtype)
{
    return nb_cast(ctx, nb_from_data(ctx, NB_F64, NB_SHAPE(2, 3), (double[]){1, 2, 3, 4, 5, 6}), dtype);
}

static nb_tensor *i64s(nb_ctx *ctx, int ndim, const int64_t *shape, const int64_t *v)
{
    return nb_from_data(ctx, NB_I64, ndim, shape, v);
}

/* A random index tensor of the given shape with values in [-size, size). */
static nb_tensor *random_index(nb_ctx *ctx, nb_rng *rng, nb_dtype dtype, int ndim,
                               const int64_t *shape, int64_t size)
{
    nb_tensor *t = nb_rand_int(ctx, rng, dtype, ndim, shape, -size, size > 0 ? size : 1);
    ck_assert_ptr_nonnull(t);
    return t;
}

static int64_t wrap(double i, int64_t size) { return i < 0 ? (int64_t)i + size : (int64_t)i; }

/* ---- gather, scatter_add ----------------------------------------------------------- */

START_TEST(gather_values_by_hand)
{
    nb_ctx *ctx = nb_ctx_new();
    const nb_dtype dtypes[] = TU_ALL_DTYPES;
    for (int d = 0; d < 4; d++) {
        nb_tensor *x = x23(ctx, dtypes[d]);
        nb_tensor *g = nb_gather(ctx, x, 1, i64s(ctx, NB_SHAPE(2, 2), (int64_t[]){0, 0, 1, 2}));
        ck_assert_int_eq(g->dtype, dtypes[d]);
        CK_SHAPE(g, 2, 2);
        CK_VALUES(g, 0, 1, 1, 5, 6);
        nb_tensor *i32 = nb_from_data(ctx, NB_I32, NB_SHAPE(1, 3), (int32_t[]){1, 0, -1});
        CK_VALUES(nb_gather(ctx, x, 0, i32), 0, 4, 2, 6);
        CK_SHAPE(nb_gather(ctx, x, -1, nb_zeros(ctx, NB_I64, NB_SHAPE(2, 0))), 2, 0);
    }
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(scatter_add_values_by_hand)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *x = nb_zeros(ctx, NB_F32, NB_SHAPE(2, 3));
    nb_tensor *idx = i64s(ctx, NB_SHAPE(2, 2), (int64_t[]){0, 0, 2, -2});
    nb_tensor *src = nb_from_data(ctx, NB_F64, NB_SHAPE(2, 3), (double[]){1, 2, 99, 3, 4, 99});
    nb_tensor *y = nb_scatter_add(ctx, x, 1, idx, src);
    ck_assert_int_eq(y->dtype, NB_F32);
    CK_VALUES(y, 0, 3, 0, 0, 0, 4, 3); /* repeats add; src may be larger than index */
    CK_VALUES(x, 0, 0, 0, 0, 0, 0, 0); /* a copy: x is untouched */
    ck_assert_ptr_ne(y->storage, x->storage);
    nb_tensor *counts = nb_scatter_add(ctx, nb_zeros(ctx, NB_I64, NB_SHAPE(4)), 0,
                                       i64s(ctx, NB_SHAPE(5), (int64_t[]){1, 3, 1, 1, 0}),
                                       nb_ones(ctx, NB_I32, NB_SHAPE(5)));
    CK_VALUES(counts, 0, 1, 3, 0, 1);
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(gather_matches_reference)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 71);
    const nb_dtype dtypes[] = TU_ALL_DTYPES;
    for (int trial = 0; trial < 60; trial++) {
        int nd = 1 + trial % 4, axis = (int)nb_rng_below(&rng, (uint64_t)nd);
        int64_t shape[NB_MAX_DIMS], ishape[NB_MAX_DIMS], idx[NB_MAX_DIMS];
        tu_random_shape(&rng, nd, 1, 4, shape);
        for (int d = 0; d < nd; d++) /* no larger than x, except along axis */
            ishape[d] = d == axis ? (int64_t)nb_rng_below(&rng, 5) : (int64_t)nb_rng_below(&rng, (uint64_t)shape[d] + 1);
        nb_tensor *x = tu_random_strided(ctx, &rng, dtypes[trial % 4], nd, shape, trial % 2);
        nb_tensor *index;
        if (trial % 5 == 0) { /* a transposed (strided) index */
            int64_t swapped[NB_MAX_DIMS];
            for (int d = 0; d < nd; d++) swapped[d] = ishape[d];
            swapped[0] = ishape[nd - 1];
            swapped[nd - 1] = ishape[0];
            index = nb_transpose(ctx, random_index(ctx, &rng, NB_I32, nd, swapped, shape[axis]), 0, -1);
        } else {
            index = random_index(ctx, &rng, trial % 3 ? NB_I64 : NB_I32, nd, ishape, shape[axis]);
        }
        nb_tensor *g = nb_gather(ctx, x, axis, index);
        ck_assert_msg(g != NULL, "%s", nb_last_error());
        ck_tensor_shape(g, nd, index->shape);
        for (int64_t i = 0, n = nb_numel(g); i < n; i++) {
            tu_unravel(nd, index->shape, i, idx);
            double want_i = nb_get(index, idx);
            idx[axis] = wrap(want_i, shape[axis]);
            ck_assert_double_eq(tu_at(g, i), nb_get(x, idx));
        }
        nb_ctx_reset(ctx);
    }
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(scatter_add_matches_reference)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 72);
    const nb_dtype dtypes[] = TU_ALL_DTYPES;
    for (int trial = 0; trial < 60; trial++) {
        int nd = 1 + trial % 4, axis = (int)nb_rng_below(&rng, (uint64_t)nd);
        int64_t shape[NB_MAX_DIMS], ishape[NB_MAX_DIMS], sshape[NB_MAX_DIMS], idx[NB_MAX_DIMS];
        tu_random_shape(&rng, nd, 1, 4, shape);
        for (int d = 0; d < nd; d++) {
            ishape[d] = d == axis ? (int64_t)nb_rng_below(&rng, 6) : (int64_t)nb_rng_below(&rng, (uint64_t)shape[d] + 1);
            sshape[d] = ishape[d] + (int64_t)nb_rng_below(&rng, 2);
        }
        nb_dtype dt = dtypes[trial % 4];
        nb_tensor *x = tu_random_strided(ctx, &rng, dt, nd, shape, trial % 2);
        nb_tensor *index = random_index(ctx, &rng, NB_I64, nd, ishape, shape[axis]);
        nb_tensor *src = tu_random_strided(ctx, &rng, dtypes[(trial + 1) % 4], nd, sshape, true);
        nb_tensor *y = nb_scatter_add(ctx, x, axis, index, src);
        ck_assert_msg(y != NULL, "%s", nb_last_error());
        ck_assert_int_eq(y->dtype, dt);
        ck_tensor_shape(y, nd, shape);
        int64_t n = nb_numel(x);
        double *want = malloc(sizeof(double) * (size_t)n);
        for (int64_t i = 0; i < n; i++) want[i] = tu_at(x, i);
        for (int64_t p = 0, np = nb_numel(index); p < np; p++) { /* in order: repeats add up */
            tu_unravel(nd, ishape, p, idx);
            double s = nb_get(src, idx);
            if (!nb_dtype_is_float(dt)) s = trunc(s);
            if (dt == NB_F32) s = (float)s;
            idx[axis] = wrap(nb_get(index, idx), shape[axis]);
            int64_t flat = 0;
            for (int d = 0; d < nd; d++) flat = flat * shape[d] + idx[d];
            want[flat] += s;
            if (dt == NB_F32) want[flat] = (float)want[flat];
        }
        ck_tensor_values(y, want, n, tu_tol(dt));
        free(want);
        nb_ctx_reset(ctx);
    }
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(gather_and_scatter_add_errors)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *x = x23(ctx, NB_F32);
    nb_tensor *good = i64s(ctx, NB_SHAPE(2, 2), (int64_t[]){0, 1, 2, 0});
    ck_assert_error(nb_gather(ctx, x, 1, nb_zeros(ctx, NB_F32, NB_SHAPE(2, 2))), "nb_gather: index must be i32 or i64, got f32");
    ck_assert_error(nb_gather(ctx, x, 1, nb_zeros(ctx, NB_BOOL, NB_SHAPE(2, 2))), "nb_gather: index must be i32 or i64, got bool");
    ck_assert_error(nb_gather(ctx, x, 1, nb_zeros(ctx, NB_I64, NB_SHAPE(2))), "nb_gather: index of shape [2] does not fit x of shape [2,3] on axis 1");
    ck_assert_error(nb_gather(ctx, x, 1, nb_zeros(ctx, NB_I64, NB_SHAPE(3, 1))), "nb_gather: index of shape [3,1] does not fit x of shape [2,3] on axis 1");
    ck_assert_error(nb_gather(ctx, x, 1, i64s(ctx, NB_SHAPE(1, 2), (int64_t[]){0, 3})),
                    "nb_gather: index 3 (at flat position 1) is out of range for an axis of size 3");
    ck_assert_error(nb_gather(ctx, x, 1, i64s(ctx, NB_SHAPE(1, 1), (int64_t[]){-4})), "nb_gather: index -4 (at flat position 0) is out of range");
    ck_assert_error(nb_gather(ctx, x, 2, good), "nb_gather: axis 2 is out of range for a tensor of 2 dimensions");
    ck_assert_error(nb_gather(ctx, NULL, 0, good), "nb_gather: input tensor is NULL");
    ck_assert_error(nb_gather(ctx, x, 0, NULL), "nb_gather: input tensor is NULL");
    nb_tensor *src = nb_ones(ctx, NB_F32, NB_SHAPE(2, 2));
    ck_assert_error(nb_scatter_add(ctx, x, 1, good, nb_ones(ctx, NB_F32, NB_SHAPE(2, 1))),
                    "nb_scatter_add: index of shape [2,2] does not fit x and src of shape [2,3] on axis 1");
    ck_assert_error(nb_scatter_add(ctx, x, 1, good, nb_ones(ctx, NB_F32, NB_SHAPE(4))),
                    "nb_scatter_add: index of shape [2,2] does not fit x and src");
    ck_assert_error(nb_scatter_add(ctx, x, 1, i64s(ctx, NB_SHAPE(1, 1), (int64_t[]){5}), src),
                    "nb_scatter_add: index 5 (at flat position 0) is out of range for an axis of size 3");
    ck_assert_error(nb_scatter_add(ctx, x, 1, nb_zeros(ctx, NB_F64, NB_SHAPE(2, 2)), src), "nb_scatter_add: index must be i32 or i64, got f64");
    ck_assert_error(nb_scatter_add(ctx, x, -3, good, src), "nb_scatter_add: axis -3 is out of range");
    ck_assert_error(nb_scatter_add(ctx, NULL, 1, good, src), "nb_scatter_add: input tensor is NULL");
    ck_assert_error(nb_scatter_add(ctx, x, 1, NULL, src), "nb_scatter_add: input tensor is NULL");
    ck_assert_error(nb_scatter_add(ctx, x, 1, good, NULL), "nb_scatter_add: input tensor is NULL");
    nb_ctx_free(ctx);
}
END_TEST

/* ---- index_select, take ------------------------------------------------------------- */

START_TEST(index_select_and_take_by_hand)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *x = x23(ctx, NB_I32);
    nb_tensor *s = nb_index_select(ctx, x, 1, i64s(ctx, NB_SHAPE(3), (int64_t[]){2, 0, 2}));
    ck_assert_int_eq(s->dtype, NB_I32);
    CK_SHAPE(s, 2, 3);
    CK_VALUES(s, 0, 3, 1, 3, 6, 4, 6);
    CK_VALUES(nb_index_select(ctx, x, 0, nb_from_data(ctx, NB_I32, NB_SHAPE(1), (int32_t[]){-1})), 0, 4, 5, 6);
    CK_SHAPE(nb_index_select(ctx, x, 0, nb_zeros(ctx, NB_I64, NB_SHAPE(0))), 0, 3);
    nb_tensor *t = nb_take(ctx, x, 1, i64s(ctx, NB_SHAPE(2, 2), (int64_t[]){0, 1, 2, -3}));
    CK_SHAPE(t, 2, 2, 2);
    CK_VALUES(t, 0, 1, 2, 3, 1, 4, 5, 6, 4);
    nb_tensor *col = nb_take(ctx, x, -1, nb_scalar(ctx, NB_I64, 1)); /* a 0-d index drops the axis */
    CK_SHAPE(col, 2);
    CK_VALUES(col, 0, 2, 5);
    CK_SHAPE(nb_take(ctx, x, 0, i64s(ctx, NB_SHAPE(1, 1), (int64_t[]){1})), 1, 1, 3);
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(take_matches_reference)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 73);
    const nb_dtype dtypes[] = TU_ALL_DTYPES;
    for (int trial = 0; trial < 60; trial++) {
        int nd = 1 + trial % 3, ni = trial % 3, axis = (int)nb_rng_below(&rng, (uint64_t)nd);
        int64_t shape[NB_MAX_DIMS], ishape[NB_MAX_DIMS], oidx[NB_MAX_DIMS], xidx[NB_MAX_DIMS];
        tu_random_shape(&rng, nd, 1, 4, shape);
        tu_random_shape(&rng, ni, 0, 3, ishape);
        nb_tensor *x = tu_random_strided(ctx, &rng, dtypes[trial % 4], nd, shape, trial % 2);
        nb_tensor *index = random_index(ctx, &rng, trial % 2 ? NB_I32 : NB_I64, ni, ishape, shape[axis]);
        nb_tensor *t = nb_take(ctx, x, axis, index);
        ck_assert_msg(t != NULL, "%s", nb_last_error());
        ck_assert_int_eq(t->ndim, nd - 1 + ni);
        for (int64_t i = 0, n = nb_numel(t); i < n; i++) {
            tu_unravel(t->ndim, t->shape, i, oidx);
            /* x.shape[:axis] + index.shape + x.shape[axis+1:] */
            for (int d = 0; d < axis; d++) xidx[d] = oidx[d];
            xidx[axis] = wrap(nb_get(index, oidx + axis), shape[axis]);
            for (int d = axis + 1; d < nd; d++) xidx[d] = oidx[d - 1 + ni];
            ck_assert_double_eq(tu_at(t, i), nb_get(x, xidx));
        }
        if (ni == 1) ck_tensor_equal(nb_index_select(ctx, x, axis, index), t);
        nb_ctx_reset(ctx);
    }
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(index_select_and_take_errors)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *x = x23(ctx, NB_F64);
    ck_assert_error(nb_index_select(ctx, x, 0, nb_zeros(ctx, NB_I64, NB_SHAPE(1, 2))), "nb_index_select: index must be 1-D, got shape [1,2]");
    ck_assert_error(nb_index_select(ctx, x, 1, i64s(ctx, NB_SHAPE(2), (int64_t[]){0, -4})),
                    "nb_index_select: index -4 (at flat position 1) is out of range for an axis of size 3");
    ck_assert_error(nb_index_select(ctx, x, 0, nb_zeros(ctx, NB_F32, NB_SHAPE(1))), "nb_index_select: index must be i32 or i64, got f32");
    ck_assert_error(nb_index_select(ctx, x, 5, nb_zeros(ctx, NB_I64, NB_SHAPE(1))), "nb_index_select: axis 5 is out of range for a tensor of 2 dimensions");
    ck_assert_error(nb_take(ctx, x, 0, i64s(ctx, NB_SHAPE(1), (int64_t[]){2})),
                    "nb_take: index 2 (at flat position 0) is out of range for an axis of size 2");
    ck_assert_error(nb_take(ctx, x, 0, nb_zeros(ctx, NB_I32, 8, (int64_t[8]){1, 1, 1, 1, 1, 1, 1, 1})),
                    "nb_take: result would have 9 dimensions (max 8)");
    ck_assert_error(nb_take(ctx, nb_scalar(ctx, NB_F32, 1), 0, nb_zeros(ctx, NB_I64, NB_SHAPE(1))), "nb_take: axis 0 is out of range for a tensor of 0 dimensions");
    ck_assert_error(nb_take(ctx, x, 0, nb_zeros(ctx, NB_BOOL, NB_SHAPE(1))), "nb_take: index must be i32 or i64, got bool");
    ck_assert_error(nb_take(ctx, NULL, 0, nb_zeros(ctx, NB_I64, NB_SHAPE(1))), "nb_take: input tensor is NULL");
    ck_assert_error(nb_take(ctx, x, 0, NULL), "nb_take: input tensor is NULL");
    ck_assert_error(nb_index_select(ctx, NULL, 0, nb_zeros(ctx, NB_I64, NB_SHAPE(1))), "nb_index_select: input tensor is NULL");
    ck_assert_error(nb_index_select(ctx, x, 0, NULL), "nb_index_select: input tensor is NULL");
    nb_ctx_free(ctx);
}
END_TEST

/* ---- masked_select ---------------------------------------------------------------------- */

START_TEST(masked_select_by_hand)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *x = x23(ctx, NB_F32);
    nb_tensor *m = nb_masked_select(ctx, x, nb_gt(ctx, x, nb_scalar(ctx, NB_F32, 2)));
    ck_assert_int_eq(m->dtype, NB_F32);
    CK_SHAPE(m, 4);
    CK_VALUES(m, 0, 3, 4, 5, 6);
    nb_tensor *row = nb_from_data(ctx, NB_I32, NB_SHAPE(3), (int32_t[]){7, 0, -1}); /* nonzero is true */
    CK_VALUES(nb_masked_select(ctx, x, row), 0, 1, 3, 4, 6);
    nb_tensor *both = nb_masked_select(ctx, nb_arange(ctx, NB_I64, 0, 3, 1),
                                       nb_from_data(ctx, NB_BOOL, NB_SHAPE(2, 1), (uint8_t[]){0, 1}));
    CK_VALUES(both, 0, 0, 1, 2); /* x broadcasts to the mask too */
    CK_SHAPE(nb_masked_select(ctx, x, nb_zeros(ctx, NB_BOOL, NB_SHAPE(2, 3))), 0);
    CK_SHAPE(nb_masked_select(ctx, nb_zeros(ctx, NB_F32, NB_SHAPE(0, 3)), row), 0);
    ck_assert_error(nb_masked_select(ctx, x, nb_ones(ctx, NB_BOOL, NB_SHAPE(2))),
                    "nb_masked_select: shapes [2,3] and [2] cannot be broadcast");
    ck_assert_error(nb_masked_select(ctx, NULL, row), "nb_masked_select: input tensor is NULL");
    ck_assert_error(nb_masked_select(ctx, x, NULL), "nb_masked_select: input tensor is NULL");
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(masked_select_matches_reference)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 74);
    const nb_dtype dtypes[] = TU_ALL_DTYPES;
    for (int trial = 0; trial < 60; trial++) {
        int nd = (int)nb_rng_below(&rng, 5), nm;
        int64_t shape[NB_MAX_DIMS], ms[NB_MAX_DIMS], idx[NB_MAX_DIMS];
        tu_random_shape(&rng, nd, 1, 4, shape);
        tu_broadcastable(&rng, nd, shape, &nm, ms);
        nb_tensor *x = tu_random_strided(ctx, &rng, dtypes[trial % 4], nd, shape, trial % 2);
        nb_tensor *mask = tu_random_strided(ctx, &rng, trial % 3 ? NB_BOOL : NB_I32, nm, ms, true);
        nb_tensor *m = nb_masked_select(ctx, x, mask);
        ck_assert_msg(m != NULL && m->ndim == 1, "%s", nb_last_error());
        int64_t k = 0;
        for (int64_t i = 0, n = nb_numel(x); i < n; i++) {
            tu_unravel(nd, shape, i, idx);
            if (tu_bget(mask, nd, idx) != 0) {
                ck_assert_int_lt(k, m->shape[0]);
                ck_assert_double_eq(tu_at(m, k++), nb_get(x, idx));
            }
        }
        ck_assert_int_eq(k, m->shape[0]);
        nb_ctx_reset(ctx);
    }
    nb_ctx_free(ctx);
}
END_TEST

/* ---- concat, stack, split ------------------------------------------------------------- */

START_TEST(concat_and_stack_by_hand)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *x = x23(ctx, NB_I32);
    nb_tensor *c = nb_concat(ctx, (nb_tensor *[]){x, nb_slice(ctx, x, 1, 0, 1, 1)}, 2, 1);
    ck_assert_int_eq(c->dtype, NB_I32);
    CK_SHAPE(c, 2, 4);
    CK_VALUES(c, 0, 1, 2, 3, 1, 4, 5, 6, 4);
    nb_tensor *p = nb_concat(ctx, (nb_tensor *[]){x, nb_full(ctx, NB_F32, NB_SHAPE(1, 3), 0.5), nb_zeros(ctx, NB_I64, NB_SHAPE(0, 3))}, 3, 0);
    ck_assert_int_eq(p->dtype, NB_F32); /* promoted */
    CK_VALUES(p, 0, 1, 2, 3, 4, 5, 6, 0.5, 0.5, 0.5);
    CK_VALUES(nb_concat(ctx, (nb_tensor *[]){x}, 1, -1), 0, 1, 2, 3, 4, 5, 6);
    nb_tensor *s = nb_stack(ctx, (nb_tensor *[]){x, nb_mul_scalar(ctx, x, 10)}, 2, 1);
    CK_SHAPE(s, 2, 2, 3);
    CK_VALUES(s, 0, 1, 2, 3, 10, 20, 30, 4, 5, 6, 40, 50, 60);
    CK_SHAPE(nb_stack(ctx, (nb_tensor *[]){x, x, x}, 3, -1), 2, 3, 3);
    nb_tensor *sc = nb_stack(ctx, (nb_tensor *[]){nb_scalar(ctx, NB_F64, 1), nb_scalar(ctx, NB_F64, 2)}, 2, 0);
    CK_SHAPE(sc, 2);
    CK_VALUES(sc, 0, 1, 2);
    nb_ctx_free(ctx);
}
END_TEST

/* Random pieces along a random axis, of mixed dtypes and layouts, some empty. */
START_TEST(concat_matches_reference)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 75);
    const nb_dtype dtypes[] = TU_ALL_DTYPES;
    for (int trial = 0; trial < 40; trial++) {
        int nd = 1 + trial % 4, axis = (int)nb_rng_below(&rng, (uint64_t)nd), n = 1 + (int)nb_rng_below(&rng, 4);
        int64_t shape[NB_MAX_DIMS], idx[NB_MAX_DIMS], offsets[5] = {0};
        tu_random_shape(&rng, nd, 1, 3, shape);
        nb_tensor *pieces[4];
        nb_dtype dt = NB_BOOL;
        for (int k = 0; k < n; k++) {
            int64_t ps[NB_MAX_DIMS];
            for (int d = 0; d < nd; d++) ps[d] = shape[d];
            ps[axis] = (int64_t)nb_rng_below(&rng, 4);
            pieces[k] = tu_random_strided(ctx, &rng, dtypes[(trial + k) % 4], nd, ps, k % 2);
            dt = nb_promote_types(dt, pieces[k]->dtype);
            offsets[k + 1] = offsets[k] + ps[axis];
        }
        nb_tensor *c = nb_concat(ctx, pieces, n, axis - (trial % 2 ? nd : 0));
        ck_assert_msg(c && c->dtype == dt, "%s", nb_last_error());
        ck_assert_int_eq(c->shape[axis], offsets[n]);
        for (int64_t i = 0, m = nb_numel(c); i < m; i++) {
            tu_unravel(nd, c->shape, i, idx);
            int k = 0;
            while (idx[axis] >= offsets[k + 1]) k++;
            idx[axis] -= offsets[k];
            ck_assert_double_eq(tu_at(c, i), nb_get(pieces[k], idx));
        }
        /* split undoes concat, as views of the result */
        int64_t sizes[4];
        nb_tensor *parts[4];
        for (int k = 0; k < n; k++) sizes[k] = pieces[k]->shape[axis];
        ck_assert_int_eq(nb_split(ctx, c, axis, sizes, n, parts), 0);
        for (int k = 0; k < n; k++) {
            ck_assert_ptr_eq(parts[k]->storage, c->storage);
            ck_tensor_equal(parts[k], nb_cast(ctx, pieces[k], dt));
        }
        nb_ctx_reset(ctx);
    }
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(split_views)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *x = x23(ctx, NB_F64);
    nb_tensor *out[3];
    ck_assert_int_eq(nb_split(ctx, x, -1, (int64_t[]){1, 0, 2}, 3, out), 0);
    CK_SHAPE(out[0], 2, 1);
    CK_VALUES(out[0], 0, 1, 4);
    CK_SHAPE(out[1], 2, 0);
    CK_VALUES(out[2], 0, 2, 3, 5, 6);
    ck_assert_ptr_eq(out[2]->storage, x->storage);
    nb_set(out[2], (int64_t[]){0, 0}, -1); /* a view: writes reach x */
    ck_assert_double_eq(nb_get(x, (int64_t[]){0, 1}), -1);
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(concat_stack_split_errors)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *x = x23(ctx, NB_F32), *out[2];
    ck_assert_error(nb_concat(ctx, (nb_tensor *[]){x}, 0, 0), "nb_concat: need at least one tensor, got 0");
    ck_assert_error_is(nb_concat(ctx, NULL, 2, 0), "nb_concat: the tensor list is NULL (n = 2)");
    ck_assert_error_is(nb_stack(ctx, NULL, 2, 0), "nb_stack: the tensor list is NULL (n = 2)");
    ck_assert_error(nb_concat(ctx, (nb_tensor *[]){x, nb_zeros(ctx, NB_F32, NB_SHAPE(3, 3))}, 2, 1),
                    "nb_concat: tensor 1 has shape [3,3], which does not match [2,3] except on axis 1");
    ck_assert_error(nb_concat(ctx, (nb_tensor *[]){x, nb_zeros(ctx, NB_F32, NB_SHAPE(6))}, 2, 0),
                    "nb_concat: tensor 1 has shape [6], which does not match [2,3] except on axis 0");
    ck_assert_error(nb_concat(ctx, (nb_tensor *[]){x, x}, 2, 2), "nb_concat: axis 2 is out of range for a tensor of 2 dimensions");
    ck_assert_error(nb_concat(ctx, (nb_tensor *[]){nb_scalar(ctx, NB_F32, 1)}, 1, 0), "nb_concat: axis 0 is out of range for a tensor of 0 dimensions");
    ck_assert_error(nb_concat(ctx, (nb_tensor *[]){x, NULL}, 2, 0), "nb_concat: tensor 1 is NULL");
    ck_assert_error(nb_stack(ctx, (nb_tensor *[]){x, nb_zeros(ctx, NB_F32, NB_SHAPE(3, 2))}, 2, 0),
                    "nb_stack: tensor 1 has shape [3,2] but tensor 0 has [2,3]");
    ck_assert_error(nb_stack(ctx, (nb_tensor *[]){x, x}, 2, 3), "nb_stack: axis 3 is out of range for a tensor of 3 dimensions");
    ck_assert_error(nb_stack(ctx, (nb_tensor *[]){x}, 0, 0), "nb_stack: need at least one tensor, got 0");
    ck_assert_error(nb_stack(ctx, (nb_tensor *[]){NULL, x}, 2, 0), "nb_stack: tensor 0 is NULL");
    nb_tensor *full = nb_zeros(ctx, NB_F32, NB_SHAPE(1, 1, 1, 1, 1, 1, 1, 1));
    ck_assert_error(nb_stack(ctx, (nb_tensor *[]){full, full}, 2, 0), "nb_stack: tensors already have the maximum 8 dimensions");
    ck_assert_error_status(nb_split(ctx, x, 1, (int64_t[]){2, 2}, 2, out), "nb_split: sizes add up to 4 but axis 1 has length 3");
    ck_assert_error_status(nb_split(ctx, x, 1, (int64_t[]){4, -1}, 2, out), "nb_split: size 1 is negative (-1)");
    ck_assert_error_status(nb_split(ctx, x, 1, (int64_t[]){INT64_MAX, INT64_MAX}, 2, out), "nb_split: sizes add up to");
    ck_assert_error_status(nb_split(ctx, x, 1, (int64_t[]){3}, 0, out), "nb_split: need n >= 1 sizes and an output array, got n = 0");
    ck_assert_error_status(nb_split(ctx, x, 1, NULL, 1, out), "nb_split: need n >= 1 sizes and an output array, got n = 1");
    ck_assert_error_status(nb_split(ctx, x, 1, (int64_t[]){3}, 1, NULL), "need n >= 1 sizes and an output array");
    ck_assert_error_status(nb_split(ctx, x, 2, (int64_t[]){3}, 1, out), "nb_split: axis 2 is out of range for a tensor of 2 dimensions");
    ck_assert_error_status(nb_split(ctx, NULL, 0, (int64_t[]){3}, 1, out), "nb_split: input tensor is NULL");
    nb_ctx_free(ctx);
}
END_TEST

/* ---- cast, clone -------------------------------------------------------------------- */

START_TEST(cast_converts_every_pair)
{
    nb_ctx *ctx = nb_ctx_new();
    const double v[] = {1.9, -1.9, 0, 1e12, -1e12, NAN, INFINITY};
    nb_tensor *x = nb_from_data(ctx, NB_F64, NB_SHAPE(7), v);
    CK_VALUES(nb_cast(ctx, x, NB_I32), 0, 1, -1, 0, INT32_MAX, INT32_MIN, 0, INT32_MAX); /* toward 0, saturating, NaN -> 0 */
    CK_VALUES(nb_cast(ctx, x, NB_I64), 0, 1, -1, 0, 1e12, -1e12, 0, (double)INT64_MAX);
    CK_VALUES(nb_cast(ctx, x, NB_F32), 1e-7, 1.9, -1.9, 0, 1e12, -1e12, NAN, INFINITY);
    CK_VALUES(nb_cast(ctx, x, NB_BOOL), 0, 1, 1, 0, 1, 1, 1, 1);
    nb_tensor *b = nb_cast(ctx, nb_cast(ctx, x, NB_BOOL), NB_F64);
    CK_VALUES(b, 0, 1, 1, 0, 1, 1, 1, 1);
    int64_t big = INT64_C(9007199254740993);
    nb_tensor *i = nb_from_data(ctx, NB_I64, NB_SHAPE(2), (int64_t[]){big, -5});
    ck_assert_int_eq(nb_item_i64(nb_slice(ctx, nb_cast(ctx, i, NB_I64), 0, 0, 1, 1)), big);
    CK_VALUES(nb_cast(ctx, i, NB_I32), 0, INT32_MAX, -5);
    CK_VALUES(nb_cast(ctx, i, NB_F32), 0, 9007199254740992.0, -5);
    /* every pair on a strided view: same values as a one-by-one conversion */
    nb_rng rng;
    nb_rng_seed(&rng, 76);
    const nb_dtype all[] = {NB_BOOL, NB_I32, NB_I64, NB_F32, NB_F64};
    for (int s = 0; s < 5; s++)
        for (int d = 0; d < 5; d++) {
            nb_tensor *src = tu_random_strided(ctx, &rng, all[s], NB_SHAPE(3, 2, 4), true);
            nb_tensor *c = nb_cast(ctx, src, all[d]);
            ck_assert_int_eq(c->dtype, all[d]);
            ck_assert(nb_is_contiguous(c));
            ck_assert_ptr_ne(c->storage, src->storage);
            for (int64_t k = 0; k < 24; k++) {
                double want = tu_at(src, k);
                want = all[d] == NB_BOOL ? want != 0 : all[d] == NB_F32 ? (float)want : nb_dtype_is_float(all[d]) ? want : trunc(want);
                ck_assert_double_eq(tu_at(c, k), want);
            }
        }
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(cast_and_clone_copy)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 77);
    nb_tensor *x = nb_ones(ctx, NB_F32, NB_SHAPE(3));
    nb_tensor *same = nb_cast(ctx, x, NB_F32);
    ck_assert_ptr_ne(same->storage, x->storage); /* always a copy */
    nb_set(same, (int64_t[]){0}, 5);
    ck_assert_double_eq(nb_get(x, (int64_t[]){0}), 1);
    for (int trial = 0; trial < 20; trial++) {
        int64_t shape[4];
        tu_random_shape(&rng, 4, trial % 5 == 0 ? 0 : 1, 3, shape);
        nb_tensor *v = tu_random_strided(ctx, &rng, trial % 2 ? NB_I64 : NB_F32, 4, shape, true);
        nb_tensor *c = nb_clone(ctx, v);
        ck_assert(nb_is_contiguous(c));
        ck_assert_ptr_ne(c->storage, v->storage);
        ck_tensor_equal(c, v);
    }
    nb_tensor *s = nb_clone(ctx, nb_scalar(ctx, NB_I32, 3));
    ck_assert_int_eq(s->ndim, 0);
    ck_assert_double_eq(nb_item(s), 3);
    ck_assert_error(nb_cast(ctx, x, (nb_dtype)9), "nb_cast: unknown dtype 9");
    ck_assert_error(nb_cast(ctx, NULL, NB_F32), "nb_cast: input tensor is NULL");
    ck_assert_error(nb_clone(ctx, NULL), "nb_clone: input tensor is NULL");
    ck_assert_error(nb_clone(NULL, x), "context is NULL");
    nb_ctx_free(ctx);
}
END_TEST

TCase *tcase_index(void)
{
    TCase *tc = tcase_create("index");
    tcase_add_test(tc, gather_values_by_hand);
    tcase_add_test(tc, scatter_add_values_by_hand);
    tcase_add_test(tc, gather_matches_reference);
    tcase_add_test(tc, scatter_add_matches_reference);
    tcase_add_test(tc, gather_and_scatter_add_errors);
    tcase_add_test(tc, index_select_and_take_by_hand);
    tcase_add_test(tc, take_matches_reference);
    tcase_add_test(tc, index_select_and_take_errors);
    tcase_add_test(tc, masked_select_by_hand);
    tcase_add_test(tc, masked_select_matches_reference);
    tcase_add_test(tc, concat_and_stack_by_hand);
    tcase_add_test(tc, concat_matches_reference);
    tcase_add_test(tc, split_views);
    tcase_add_test(tc, concat_stack_split_errors);
    tcase_add_test(tc, cast_converts_every_pair);
    tcase_add_test(tc, cast_and_clone_copy);
    return tc;
}
