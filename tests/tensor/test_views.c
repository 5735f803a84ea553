/* tests/tensor/test_views.c — reshape, flatten, transpose, permute, squeeze,
 * unsqueeze, slice, expand, contiguous: values, storage sharing, errors. */
#include <math.h>

#include "cases.h"

/* 0 .. n-1 as f32, reshaped: the values name their own C-order position. */
static nb_tensor *iota(nb_ctx *ctx, int ndim, const int64_t *shape)
{
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) n *= shape[i];
    return nb_reshape(ctx, nb_arange(ctx, NB_F32, 0, (double)n, 1), ndim, shape);
}
#define IOTA(ctx, ...) iota((ctx), NB_SHAPE(__VA_ARGS__))

/* v holds the elements of t in the same C order (a reshape of t). */
static void ck_same_flat(const nb_tensor *v, const nb_tensor *t)
{
    ck_assert_int_eq(nb_numel(v), nb_numel(t));
    for (int64_t i = 0, n = nb_numel(t); i < n; i++) ck_assert_double_eq(tu_at(v, i), tu_at(t, i));
}

/* ---- reshape ---------------------------------------------------------------- */

START_TEST(reshape_values_and_inferred_axis)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *t = IOTA(ctx, 2, 3);
    nb_tensor *r = nb_reshape(ctx, t, NB_SHAPE(3, -1));
    CK_SHAPE(r, 3, 2);
    CK_VALUES(r, 0, 0, 1, 2, 3, 4, 5);
    ck_assert_ptr_eq(r->storage, t->storage);
    CK_SHAPE(nb_reshape(ctx, t, NB_SHAPE(-1)), 6);
    CK_SHAPE(nb_reshape(ctx, t, NB_SHAPE(1, -1, 1, 2)), 1, 3, 1, 2);
    nb_tensor *s = nb_reshape(ctx, nb_ones(ctx, NB_F64, NB_SHAPE(1, 1)), 0, NULL);
    ck_assert_int_eq(s->ndim, 0);
    ck_assert_double_eq(nb_item(s), 1);
    nb_tensor *f = nb_flatten(ctx, nb_transpose(ctx, t, 0, 1));
    CK_SHAPE(f, 6);
    CK_VALUES(f, 0, 0, 3, 1, 4, 2, 5);
    nb_ctx_free(ctx);
}
END_TEST

/* A view whenever NumPy makes one (np.shares_memory on the same cases), a copy
 * otherwise; the values are right either way. */
START_TEST(reshape_copies_only_when_it_must)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *a = IOTA(ctx, 4, 6);
    struct {
        nb_tensor *v;
        int ndim;
        int64_t shape[3];
        bool shares;
    } cases[] = {
        {nb_slice(ctx, a, 1, 0, NB_END, 2), 3, {2, 2, 3}, true},
        {nb_slice(ctx, a, 1, 0, NB_END, 2), 1, {12}, true},
        {nb_slice(ctx, a, 1, 0, NB_END, 2), 3, {4, 3, 1}, true},
        {nb_slice(ctx, a, 1, 0, NB_END, 2), 2, {2, 6}, true},
        {nb_transpose(ctx, a, 0, 1), 1, {24}, false},
        {nb_transpose(ctx, a, 0, 1), 3, {6, 2, 2}, true},
        {nb_transpose(ctx, a, 0, 1), 3, {3, 2, 4}, true},
        {nb_transpose(ctx, a, 0, 1), 3, {2, 2, 6}, false},
        {nb_slice(ctx, a, 0, NB_END, NB_END, -1), 1, {24}, false},
        {nb_slice(ctx, a, 0, NB_END, NB_END, -1), 3, {3, 2, 4}, false},
        {nb_slice(ctx, a, 0, NB_END, NB_END, -1), 3, {2, 2, 6}, true},
        {nb_unsqueeze(ctx, a, 1), 3, {6, 2, 2}, true},
        {nb_slice(ctx, a, 0, 1, 2, 1), 3, {2, 1, 3}, true},
    };
    for (int i = 0; i < TU_LEN(cases); i++) {
        nb_tensor *r = nb_reshape(ctx, cases[i].v, cases[i].ndim, cases[i].shape);
        ck_tensor_shape(r, cases[i].ndim, cases[i].shape);
        ck_assert_msg((r->storage == a->storage) == cases[i].shares, "case %d: shares %d", i,
                      r->storage == a->storage);
        ck_same_flat(r, cases[i].v);
    }
    nb_ctx_free(ctx);
}
END_TEST

/* Broadcast (stride 0) views reshape without copying only where NumPy does. */
START_TEST(reshape_expanded_views)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *row = IOTA(ctx, 3);
    nb_tensor *e = nb_expand(ctx, row, NB_SHAPE(2, 3));
    struct {
        int ndim;
        int64_t shape[3];
        bool shares;
    } cases[] = {{1, {6}, false}, {3, {2, 1, 3}, true}, {2, {3, 2}, false}, {3, {1, 2, 3}, true}, {3, {2, 3, 1}, true}};
    for (int i = 0; i < TU_LEN(cases); i++) {
        nb_tensor *r = nb_reshape(ctx, e, cases[i].ndim, cases[i].shape);
        ck_tensor_shape(r, cases[i].ndim, cases[i].shape);
        ck_assert_msg((r->storage == row->storage) == cases[i].shares, "case %d", i);
        ck_same_flat(r, e);
    }
    nb_ctx_free(ctx);
}
END_TEST

/* Random non-contiguous views reshaped to random factorisations of their size:
 * the C-order values always survive, and a copy is made only when the result
 * does not share storage. */
START_TEST(reshape_random_views_keep_values)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 11);
    for (int trial = 0; trial < 200; trial++) {
        int ndim = 1 + (int)nb_rng_below(&rng, 4);
        int64_t shape[NB_MAX_DIMS], target[NB_MAX_DIMS];
        tu_random_shape(&rng, ndim, 1, 4, shape);
        nb_tensor *t = tu_random_strided(ctx, &rng, NB_F64, ndim, shape, trial % 2);
        if (trial % 3 == 0) t = nb_slice(ctx, t, 0, 0, NB_END, 1); /* sometimes a plain view */
        int64_t n = nb_numel(t), left = n;
        int nd = 0;
        while (left > 1 && nd < NB_MAX_DIMS - 1) { /* split n into random factors */
            int64_t f = 1 + (int64_t)nb_rng_below(&rng, (uint64_t)left);
            while (left % f) f--;
            target[nd++] = f;
            left /= f;
        }
        target[nd++] = left;
        nb_tensor *r = nb_reshape(ctx, t, nd, target);
        ck_tensor_shape(r, nd, target);
        ck_same_flat(r, t);
    }
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(reshape_zero_size)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *z = nb_zeros(ctx, NB_F32, NB_SHAPE(0, 3));
    CK_SHAPE(nb_reshape(ctx, z, NB_SHAPE(3, 0, 5)), 3, 0, 5);
    CK_SHAPE(nb_reshape(ctx, z, NB_SHAPE(-1, 6)), 0, 6);
    CK_SHAPE(nb_flatten(ctx, z), 0);
    ck_assert_error(nb_reshape(ctx, z, NB_SHAPE(0, -1)), "cannot reshape [0,3] (0 elements) into [0,-1]");
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(reshape_errors)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *t = IOTA(ctx, 2, 3);
    ck_assert_error(nb_reshape(ctx, t, NB_SHAPE(4)),
                    "nb_reshape: cannot reshape [2,3] (6 elements) into [4]");
    ck_assert_error(nb_reshape(ctx, t, NB_SHAPE(4, -1)), "cannot reshape [2,3] (6 elements) into [4,-1]");
    ck_assert_error(nb_reshape(ctx, t, NB_SHAPE(-1, -1)), "nb_reshape: invalid size -1 in shape [-1,-1]");
    ck_assert_error(nb_reshape(ctx, t, NB_SHAPE(2, -3)), "nb_reshape: invalid size -3 in shape [2,-3]");
    ck_assert_error(nb_reshape(ctx, t, 9, (int64_t[9]){1, 1, 1, 1, 1, 1, 1, 2, 3}),
                    "nb_reshape: 9 dimensions is out of range [0, 8]");
    ck_assert_error(nb_reshape(ctx, t, -1, NULL), "out of range [0, 8]");
    ck_assert_error(nb_reshape(ctx, NULL, NB_SHAPE(6)), "nb_reshape: input tensor is NULL");
    ck_assert_error(nb_flatten(ctx, NULL), "nb_flatten: input tensor is NULL");
    nb_ctx_free(ctx);
}
END_TEST

/* ---- transpose, permute ------------------------------------------------------ */

START_TEST(transpose_and_permute_are_views)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *t = IOTA(ctx, 2, 3, 4);
    nb_tensor *tr = nb_transpose(ctx, t, 0, -1);
    CK_SHAPE(tr, 4, 3, 2);
    ck_assert_ptr_eq(tr->storage, t->storage);
    ck_assert_double_eq(nb_get(tr, (int64_t[]){3, 1, 0}), 7);
    ck_assert_double_eq(nb_get(tr, (int64_t[]){1, 2, 1}), 21);
    nb_tensor *p = nb_permute(ctx, t, (const int[]){1, -1, 0});
    CK_SHAPE(p, 3, 4, 2);
    ck_assert_ptr_eq(p->storage, t->storage);
    for (int64_t i = 0; i < 3; i++) /* p[i,j,k] = t[k,i,j] */
        for (int64_t j = 0; j < 4; j++)
            for (int64_t k = 0; k < 2; k++)
                ck_assert_double_eq(nb_get(p, (int64_t[]){i, j, k}), k * 12 + i * 4 + j);
    ck_assert(!nb_is_contiguous(p));
    CK_SHAPE(nb_transpose(ctx, t, 1, 1), 2, 3, 4);
    nb_tensor *s = nb_scalar(ctx, NB_F32, 2);
    ck_assert_double_eq(nb_item(nb_permute(ctx, s, NULL)), 2); /* 0-d: nothing to permute */
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(transpose_and_permute_errors)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *t = IOTA(ctx, 2, 3);
    ck_assert_error(nb_transpose(ctx, t, 0, 2),
                    "nb_transpose: axis 2 is out of range for a tensor of 2 dimensions");
    ck_assert_error(nb_transpose(ctx, t, -3, 0), "nb_transpose: axis -3 is out of range");
    ck_assert_error(nb_permute(ctx, t, (const int[]){0, 0}),
                    "nb_permute: axis 0 appears twice; axes must be a permutation of 0..1");
    ck_assert_error(nb_permute(ctx, t, (const int[]){1, -1}), "nb_permute: axis -1 appears twice");
    ck_assert_error(nb_permute(ctx, t, (const int[]){0, 5}), "nb_permute: axis 5 is out of range");
    ck_assert_error(nb_permute(ctx, t, NULL), "nb_permute: axes is NULL");
    ck_assert_error(nb_transpose(ctx, NULL, 0, 1), "nb_transpose: input tensor is NULL");
    ck_assert_error(nb_permute(ctx, NULL, (const int[]){0}), "nb_permute: input tensor is NULL");
    ck_assert_error(nb_transpose(NULL, t, 0, 1), "context is NULL");
    nb_ctx_free(ctx);
}
END_TEST

/* ---- squeeze, unsqueeze -------------------------------------------------------- */

START_TEST(squeeze_and_unsqueeze)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *t = IOTA(ctx, 1, 3, 1, 2);
    nb_tensor *s = nb_squeeze(ctx, t, 2);
    CK_SHAPE(s, 1, 3, 2);
    CK_VALUES(s, 0, 0, 1, 2, 3, 4, 5);
    CK_SHAPE(nb_squeeze(ctx, t, -4), 3, 1, 2);
    nb_tensor *all = nb_squeeze_all(ctx, t);
    CK_SHAPE(all, 3, 2);
    ck_assert_ptr_eq(all->storage, t->storage);
    ck_assert_int_eq(nb_squeeze_all(ctx, nb_ones(ctx, NB_F32, NB_SHAPE(1, 1)))->ndim, 0);
    nb_tensor *tr = nb_transpose(ctx, IOTA(ctx, 2, 3), 0, 1); /* strides matter */
    for (int axis = -3; axis <= 2; axis++) {
        nb_tensor *u = nb_unsqueeze(ctx, tr, axis);
        int a = axis < 0 ? axis + 3 : axis;
        ck_assert_int_eq(u->ndim, 3);
        ck_assert_int_eq(u->shape[a], 1);
        ck_assert_ptr_eq(u->storage, tr->storage);
        ck_same_flat(u, tr);
        ck_same_flat(nb_squeeze(ctx, u, axis), tr);
    }
    CK_SHAPE(nb_unsqueeze(ctx, nb_scalar(ctx, NB_I32, 4), 0), 1);
    CK_SHAPE(nb_unsqueeze(ctx, nb_zeros(ctx, NB_F32, NB_SHAPE(0, 2)), 1), 0, 1, 2);
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(squeeze_and_unsqueeze_errors)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *t = IOTA(ctx, 2, 1);
    ck_assert_error(nb_squeeze(ctx, t, 0), "nb_squeeze: axis 0 of shape [2,1] has size 2, not 1");
    ck_assert_error(nb_squeeze(ctx, t, 2), "nb_squeeze: axis 2 is out of range for a tensor of 2 dimensions");
    ck_assert_error(nb_unsqueeze(ctx, t, 3), "nb_unsqueeze: axis 3 is out of range for a tensor of 3 dimensions");
    ck_assert_error(nb_unsqueeze(ctx, t, -4), "nb_unsqueeze: axis -4 is out of range");
    nb_tensor *full = nb_zeros(ctx, NB_F32, NB_SHAPE(1, 1, 1, 1, 1, 1, 1, 1));
    ck_assert_error(nb_unsqueeze(ctx, full, 0), "nb_unsqueeze: tensor already has the maximum 8 dimensions");
    ck_assert_error(nb_squeeze(ctx, NULL, 0), "nb_squeeze: input tensor is NULL");
    ck_assert_error(nb_squeeze_all(ctx, NULL), "nb_squeeze_all: input tensor is NULL");
    ck_assert_error(nb_unsqueeze(ctx, NULL, 0), "nb_unsqueeze: input tensor is NULL");
    nb_ctx_free(ctx);
}
END_TEST

/* ---- slice ------------------------------------------------------------------------ */

#define NONE NB_END

/* t[start:stop:step] of arange(5), checked against Python's own answers. */
START_TEST(slice_matches_python)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *a = nb_arange(ctx, NB_I64, 0, 5, 1);
    struct {
        int64_t start, stop, step;
        int n;
        double want[5];
    } cases[] = {/* python3 -c "import numpy as np; print(list(np.arange(5)[s]))" */
                 {1, 4, 1, 3, {1, 2, 3}},      {-1, NONE, -1, 5, {4, 3, 2, 1, 0}},
                 {NONE, NONE, -1, 5, {4, 3, 2, 1, 0}},
                 {-2, NONE, 1, 2, {3, 4}},     {-100, 100, 2, 3, {0, 2, 4}},
                 {4, 0, -2, 2, {4, 2}},        {3, -10, -1, 4, {3, 2, 1, 0}},
                 {10, NONE, -1, 5, {4, 3, 2, 1, 0}},
                 {2, 2, 1, 0, {0}},            {3, 1, 1, 0, {0}},
                 {-1, -6, -2, 3, {4, 2, 0}},   {0, 5, 10, 1, {0}},
                 {NONE, NONE, -3, 2, {4, 1}}};
    for (int i = 0; i < TU_LEN(cases); i++) {
        nb_tensor *s = nb_slice(ctx, a, 0, cases[i].start, cases[i].stop, cases[i].step);
        CK_SHAPE(s, cases[i].n);
        ck_assert_ptr_eq(s->storage, a->storage);
        ck_tensor_values(s, cases[i].want, cases[i].n, 0);
    }
    /* NB_END is Python's None: a[None:None:1] is all of a */
    CK_SHAPE(nb_slice(ctx, a, 0, NB_END, NB_END, 1), 5);
    CK_VALUES(nb_slice(ctx, a, 0, NB_END, 3, 1), 0, 0, 1, 2);
    nb_ctx_free(ctx);
}
END_TEST

/* The indices Python's slice(start, stop, step).indices(n) selects, written
 * from the language reference: bounds are shifted by n when negative, then
 * clamped to [0, n] for a positive step and [-1, n-1] for a negative one. */
static int python_slice(int64_t n, int64_t start, int64_t stop, int64_t step, int64_t *out)
{
    int64_t lower = step > 0 ? 0 : -1, upper = step > 0 ? n : n - 1;
    int64_t b[2] = {start, stop};
    for (int k = 0; k < 2; k++) {
        if (b[k] == NB_END) { /* None: a start is the near end, a stop the far end */
            b[k] = k == 0 ? (step > 0 ? 0 : n - 1) : (step > 0 ? upper : lower);
            continue;
        }
        if (b[k] < 0) b[k] += n;
        b[k] = b[k] < lower ? lower : b[k] > upper ? upper : b[k];
    }
    int count = 0;
    for (int64_t i = b[0]; step > 0 ? i < b[1] : i > b[1]; i += step) out[count++] = i;
    return count;
}

START_TEST(slice_every_bound_and_step)
{
    nb_ctx *ctx = nb_ctx_new();
    const int64_t steps[] = {-4, -3, -2, -1, 1, 2, 3, 4};
    for (int64_t n = 0; n <= 6; n++) {
        nb_tensor *rows = nb_reshape(ctx, nb_arange(ctx, NB_F64, 0, (double)(3 * n), 1), NB_SHAPE(3, n));
        nb_tensor *t = nb_transpose(ctx, rows, 0, 1); /* [n,3], axis 0 has stride 1 */
        for (int64_t start = -9; start <= 9; start++)
            for (int64_t stop = -9; stop <= 9; stop++)
                for (int k = 0; k < TU_LEN(steps); k++) {
                    int64_t b0 = start == 9 ? NB_END : start, b1 = stop == 9 ? NB_END : stop;
                    int64_t want[16];
                    int m = python_slice(n, b0, b1, steps[k], want);
                    nb_tensor *s = nb_slice(ctx, t, 0, b0, b1, steps[k]);
                    CK_SHAPE(s, m, 3);
                    for (int i = 0; i < m; i++)
                        ck_assert_double_eq(nb_get(s, (int64_t[]){i, 1}), (double)(n + want[i]));
                }
        nb_ctx_reset(ctx);
    }
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(slice_of_slice_and_other_axes)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *t = IOTA(ctx, 3, 8);
    nb_tensor *r = nb_slice(ctx, t, -1, NB_END, NB_END, -1);    /* cols 7..0 */
    nb_tensor *s = nb_slice(ctx, r, 1, 1, 7, 2);                 /* cols 6, 4, 2 */
    nb_tensor *u = nb_slice(ctx, s, 0, NB_END, -4, -2);          /* rows 2, 0 */
    CK_SHAPE(u, 2, 3);
    CK_VALUES(u, 0, 22, 20, 18, 6, 4, 2);
    ck_assert_ptr_eq(u->storage, t->storage);
    nb_tensor *e = nb_slice(ctx, t, 1, 5, 2, 1);
    CK_SHAPE(e, 3, 0);
    CK_SHAPE(nb_slice(ctx, e, 0, 1, 2, 1), 1, 0);
    nb_ctx_free(ctx);
}
END_TEST

/* A step far larger than the axis keeps one element; the stride must not
 * overflow (UBSan checks the arithmetic). */
START_TEST(slice_huge_steps)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *t = IOTA(ctx, 3, 4);
    nb_tensor *f = nb_slice(ctx, t, 0, 0, NB_END, INT64_MAX);
    CK_SHAPE(f, 1, 4);
    CK_VALUES(f, 0, 0, 1, 2, 3);
    nb_tensor *b = nb_slice(ctx, t, 0, NB_END, NB_END, -INT64_MAX);
    CK_SHAPE(b, 1, 4);
    CK_VALUES(b, 0, 8, 9, 10, 11);
    CK_VALUES(nb_slice(ctx, t, 1, INT64_MIN, INT64_MAX - 1, 3), 0, 0, 3, 4, 7, 8, 11);
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(slice_errors)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *t = IOTA(ctx, 2, 3);
    ck_assert_error(nb_slice(ctx, t, 0, 0, 2, 0),
                    "nb_slice: step 0 is not allowed (nonzero, > INT64_MIN)");
    ck_assert_error(nb_slice(ctx, t, 0, 0, 2, INT64_MIN), "not allowed (nonzero, > INT64_MIN)");
    ck_assert_error(nb_slice(ctx, t, 2, 0, 2, 1), "nb_slice: axis 2 is out of range for a tensor of 2 dimensions");
    ck_assert_error(nb_slice(ctx, nb_scalar(ctx, NB_F32, 1), 0, 0, 1, 1), "nb_slice: axis 0 is out of range for a tensor of 0 dimensions");
    ck_assert_error(nb_slice(ctx, NULL, 0, 0, 1, 1), "nb_slice: input tensor is NULL");
    nb_ctx_free(ctx);
}
END_TEST

/* ---- expand, contiguous -------------------------------------------------------------- */

START_TEST(expand_broadcasts_without_copying)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *col = IOTA(ctx, 3, 1);
    nb_tensor *e = nb_expand(ctx, col, NB_SHAPE(2, 3, 4));
    CK_SHAPE(e, 2, 3, 4);
    ck_assert_ptr_eq(e->storage, col->storage);
    ck_assert_int_eq(e->strides[0], 0);
    ck_assert_int_eq(e->strides[2], 0);
    for (int64_t i = 0; i < 24; i++) ck_assert_double_eq(tu_at(e, i), (double)(i / 4 % 3));
    CK_SHAPE(nb_broadcast_to(ctx, col, NB_SHAPE(3, 0)), 3, 0);
    CK_SHAPE(nb_expand(ctx, col, NB_SHAPE(3, 1)), 3, 1);
    nb_tensor *s = nb_expand(ctx, nb_scalar(ctx, NB_I32, 7), NB_SHAPE(2, 2));
    CK_VALUES(s, 0, 7, 7, 7, 7);
    nb_tensor *r = nb_slice(ctx, IOTA(ctx, 3), 0, NB_END, NB_END, -1); /* reversed row */
    CK_VALUES(nb_expand(ctx, r, NB_SHAPE(2, 3)), 0, 2, 1, 0, 2, 1, 0);
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(expand_errors)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *t = IOTA(ctx, 2, 3);
    ck_assert_error(nb_expand(ctx, t, NB_SHAPE(4, 3)), "nb_expand: cannot broadcast shape [2,3] to [4,3]");
    ck_assert_error(nb_expand(ctx, t, NB_SHAPE(3)), "nb_expand: cannot broadcast shape [2,3] to [3]");
    ck_assert_error(nb_expand(ctx, t, NB_SHAPE(2, -1)), "nb_expand: negative size in shape [2,-1]");
    ck_assert_error(nb_expand(ctx, t, 9, (int64_t[9]){1}), "nb_expand: 9 dimensions is out of range [0, 8]");
    ck_assert_error(nb_expand(ctx, NULL, NB_SHAPE(2)), "nb_expand: input tensor is NULL");
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(contiguous_copies_only_views)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 5);
    nb_tensor *t = IOTA(ctx, 2, 3);
    ck_assert_ptr_eq(nb_contiguous(ctx, t), t);
    nb_tensor *sq = nb_unsqueeze(ctx, t, 1); /* a size-1 axis's stride does not matter */
    ck_assert_ptr_eq(nb_contiguous(ctx, sq), sq);
    for (int trial = 0; trial < 20; trial++) {
        int64_t shape[4];
        tu_random_shape(&rng, 4, 0, 3, shape);
        nb_tensor *v = tu_random_strided(ctx, &rng, trial % 2 ? NB_I32 : NB_F64, 4, shape, true);
        nb_tensor *c = nb_contiguous(ctx, v);
        ck_assert(nb_is_contiguous(c));
        ck_assert_int_eq(c->dtype, v->dtype);
        ck_tensor_equal(c, v);
    }
    ck_assert_error(nb_contiguous(ctx, NULL), "nb_contiguous: input tensor is NULL");
    nb_ctx_free(ctx);
}
END_TEST

/* A view writes through to its base: the views share, they do not copy. */
START_TEST(views_write_through)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *t = nb_zeros(ctx, NB_F32, NB_SHAPE(2, 3));
    nb_tensor *v = nb_slice(ctx, nb_transpose(ctx, t, 0, 1), 0, NB_END, NB_END, -1);
    ck_assert_int_eq(nb_set(v, (int64_t[]){0, 1}, 5), 0); /* v[0,1] = t[1,2] */
    ck_assert_double_eq(nb_get(t, (int64_t[]){1, 2}), 5);
    ck_assert_uint_eq(t->storage->version, 1);
    nb_ctx_free(ctx);
}
END_TEST

TCase *tcase_views(void)
{
    TCase *tc = tcase_create("views");
    tcase_add_test(tc, reshape_values_and_inferred_axis);
    tcase_add_test(tc, reshape_copies_only_when_it_must);
    tcase_add_test(tc, reshape_expanded_views);
    tcase_add_test(tc, reshape_random_views_keep_values);
    tcase_add_test(tc, reshape_zero_size);
    tcase_add_test(tc, reshape_errors);
    tcase_add_test(tc, transpose_and_permute_are_views);
    tcase_add_test(tc, transpose_and_permute_errors);
    tcase_add_test(tc, squeeze_and_unsqueeze);
    tcase_add_test(tc, squeeze_and_unsqueeze_errors);
    tcase_add_test(tc, slice_matches_python);
    tcase_add_test(tc, slice_every_bound_and_step);
    tcase_add_test(tc, slice_of_slice_and_other_axes);
    tcase_add_test(tc, slice_huge_steps);
    tcase_add_test(tc, slice_errors);
    tcase_add_test(tc, expand_broadcasts_without_copying);
    tcase_add_test(tc, expand_errors);
    tcase_add_test(tc, contiguous_copies_only_views);
    tcase_add_test(tc, views_write_through);
    return tc;
}
