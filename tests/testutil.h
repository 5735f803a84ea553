/* tests/testutil.h — helpers shared by the Check suites. */
#ifndef NB_TESTUTIL_H
#define NB_TESTUTIL_H

#include <check.h>
#include <nabla/tensor.h>
#include <string.h>

/* The call failed and the error message contains `part`. */
#define ck_assert_error(call, part)                                                    \
    do {                                                                               \
        nb_clear_error();                                                              \
        ck_assert_msg((call) == NULL, "%s should have failed", #call);                 \
        ck_assert_msg(strstr(nb_last_error(), (part)) != NULL,                         \
                      "error '%s' does not mention '%s'", nb_last_error(), (part));    \
    } while (0)

/* The same for calls returning an int status. */
#define ck_assert_error_status(call, part)                                             \
    do {                                                                               \
        nb_clear_error();                                                              \
        ck_assert_msg((call) != 0, "%s should have failed", #call);                    \
        ck_assert_msg(strstr(nb_last_error(), (part)) != NULL,                         \
                      "error '%s' does not mention '%s'", nb_last_error(), (part));    \
    } while (0)

/* Every element of t equals the doubles in want (C order), within tol. */
void ck_tensor_values(const nb_tensor *t, const double *want, int64_t n, double tol);
#define CK_VALUES(t, tol, ...)                                                         \
    ck_tensor_values((t), (const double[]){__VA_ARGS__},                               \
                     (int64_t)(sizeof((const double[]){__VA_ARGS__}) / sizeof(double)), (tol))
/* t has exactly this shape. */
void ck_tensor_shape(const nb_tensor *t, int ndim, const int64_t *shape);
#define CK_SHAPE(t, ...) ck_tensor_shape((t), NB_SHAPE(__VA_ARGS__))

/* A tensor of the given shape with values from rng: uniform in [-2, 2) for
 * floats, integers in [-8, 8) for integer dtypes, 0/1 for bool. */
nb_tensor *tu_random(nb_ctx *ctx, nb_rng *rng, nb_dtype dtype, int ndim, const int64_t *shape);

/* A random non-contiguous view of the given shape: gaps between elements,
 * the last two axes stored transposed, and with `reversed` negative strides
 * on every other axis. */
nb_tensor *tu_random_strided(nb_ctx *ctx, nb_rng *rng, nb_dtype dtype, int ndim,
                             const int64_t *shape, bool reversed);

/* A random shape of ndim axes with sizes in [lo, hi]. */
void tu_random_shape(nb_rng *rng, int ndim, int64_t lo, int64_t hi, int64_t *shape);

/* Element i (C order) of t as a double, whatever its layout. */
double tu_at(const nb_tensor *t, int64_t i);

/* Flat C-order position i of a shape as a full index. */
void tu_unravel(int ndim, const int64_t *shape, int64_t i, int64_t *idx);

/* The element of t that NumPy broadcasting puts at idx of a result with ndim
 * axes: t's axes align on the right and its size-1 axes read index 0. */
double tu_bget(const nb_tensor *t, int ndim, const int64_t *idx);

/* A random shape that broadcasts to shape: some leading axes dropped and
 * some axes set to 1. */
void tu_broadcastable(nb_rng *rng, int ndim, const int64_t *shape, int *out_ndim, int64_t *out);

/* NumPy's broadcast of two shapes that are known to be compatible. */
void tu_broadcast_shape(int na, const int64_t *sa, int nb, const int64_t *sb, int *out_ndim,
                        int64_t *out);

/* Relative tolerance for a result of dtype against a reference computed in
 * double: 1e-5 for f32, 1e-12 for f64, 0 (exact) for integers. */
double tu_tol(nb_dtype dtype);

/* got equals want within tol * (1 + |want|); NaN equals NaN, inf equals inf. */
bool tu_close(double got, double want, double tol);
#define ck_assert_close(got, want, tol)                                                \
    do {                                                                               \
        double got_ = (got), want_ = (want);                                           \
        ck_assert_msg(tu_close(got_, want_, (tol)), "%s: got %.9g, want %.9g", #got, got_, \
                      want_);                                                          \
    } while (0)

/* Both tensors have the same shape, dtype and C-order values (NaN == NaN). */
void ck_tensor_equal(const nb_tensor *got, const nb_tensor *want);

/* The dtypes tests loop over. */
#define TU_FLOAT_DTYPES {NB_F32, NB_F64}
#define TU_ALL_DTYPES {NB_F32, NB_F64, NB_I32, NB_I64}
#define TU_LEN(a) ((int)(sizeof(a) / sizeof((a)[0])))

#endif
