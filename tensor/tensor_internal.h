/* tensor/tensor_internal.h — helpers shared by the files of tensor/.
 *
 * Not installed: the public API is include/nabla/tensor.h. Names with a
 * double underscore (nb__) are internal to libnabla. */
#ifndef NB_TENSOR_INTERNAL_H
#define NB_TENSOR_INTERNAL_H

#include <nabla/tensor.h>

#include "error.h"

/* Return NULL (keeping the first error) when an input is missing. The
 * message names the calling function; helpers shared by several ops use the
 * _IN forms with the public name (api) instead of their own. */
#define NB_REQUIRE_IN(api, t) \
    do { \
        if (!(t)) { \
            if (!nb_last_error()[0]) nb__error("%s: input tensor is NULL", (api)); \
            return NULL; \
        } \
    } while (0)
#define NB_REQUIRE_INT_IN(api, t) \
    do { \
        if (!(t)) { \
            if (!nb_last_error()[0]) nb__error("%s: input tensor is NULL", (api)); \
            return -1; \
        } \
    } while (0)
#define NB_REQUIRE(t) NB_REQUIRE_IN(__func__, t)

/* -1 with "api: context is NULL" when ctx is NULL. Public functions check
 * first, so the message names them rather than a helper on the way. */
static inline int nb__check_ctx(const char *api, const nb_ctx *ctx)
{
    if (ctx) return 0;
    nb__error("%s: context is NULL", api);
    return -1;
}
#define NB_REQUIRE_INT(t) NB_REQUIRE_INT_IN(__func__, t)

/* ---- arenas ------------------------------------------------------------- */

/* The context whose live memory (made since its last reset) holds p, or NULL
 * when no live context does: p was made before a reset, or never by an
 * arena. Reads nothing at p. */
nb_ctx *nb__ctx_of(const void *p);
/* The same with the registry lock already held: holding it across many
 * checks saves relocking, and keeps any context from being reset or freed
 * meanwhile. The lock is recursive. */
nb_ctx *nb__ctx_of_locked(const void *p);
void nb__ctx_registry_lock(void);
void nb__ctx_registry_unlock(void);
/* A context's stamp: unique over the process, renewed by every reset, so
 * (context, stamp) names one life of an arena even if a freed context's
 * address is reused by a new one. */
uint64_t nb__ctx_stamp(const nb_ctx *ctx);
/* Whether p lies in live memory of ctx and ctx still has this stamp (it was
 * neither freed nor reset since the stamp was read). Reads nothing at p or,
 * unless it is live, at ctx. */
bool nb__ctx_holds(const nb_ctx *ctx, uint64_t stamp, const void *p);

/* ---- making tensors ---------------------------------------------------- */

/* A new contiguous tensor with uninitialised storage. Its messages (a NULL
 * context, an unknown dtype, a bad shape) name api, the public function. */
nb_tensor *nb__alloc(const char *api, nb_ctx *ctx, nb_dtype dtype, int ndim, const int64_t *shape);
/* A new header in ctx sharing t's storage, shape and strides (a view). */
nb_tensor *nb__view(nb_ctx *ctx, const nb_tensor *t);
/* Element count of a shape; -1 (with an error naming op) past INT64_MAX. */
int64_t nb__shape_numel(const char *op, int ndim, const int64_t *shape);
/* -1 with "api: unknown dtype 9" for a value outside the enum. */
int nb__check_dtype(const char *api, nb_dtype dtype);
/* Checks a caller's shape: ndim in 0..NB_MAX_DIMS, sizes >= 0. */
int nb__check_shape(const char *op, int ndim, const int64_t *shape);
/* Refuses a destination with several elements in one memory location (a
 * broadcast view: stride 0 on an axis longer than 1): writes through it
 * would race between threads, and the result depend on their number. */
int nb__check_writable(const char *op, const nb_tensor *t);

/* ---- describing things in messages ------------------------------------- */

/* "[3,4]" into buf (always terminated). Returns buf. */
char *nb__shape_str(char *buf, size_t size, int ndim, const int64_t *shape);
#define NB_SHAPE_STR_MAX 200
/* Normalises a possibly negative axis into [0, ndim); -1 with a message
 * "op: axis A is out of range for a tensor of N dimensions". */
int nb__axis(const char *op, int axis, int ndim, int *out);
/* Normalises an axis list into a mask (bit i = axis i is reduced); an empty
 * list means all axes. Rejects repeats. */
int nb__axes_mask(const char *op, int naxes, const int *axes, int ndim, unsigned *mask);

/* ---- elements as doubles (slow paths: item, get, print, reference) ------ */

double nb__load(const void *p, nb_dtype dtype);
void nb__store(void *p, nb_dtype dtype, double v);
/* Address of the element at flat C-order position i of t (any layout). */
char *nb__elem_ptr(const nb_tensor *t, int64_t i);
static inline char *nb__base_ptr(const nb_tensor *t)
{
    return (char *)t->storage->data + t->offset * (int64_t)nb_dtype_size(t->dtype);
}

/* ---- broadcasting -------------------------------------------------------- */

/* NumPy broadcasting of two shapes into out (ndim written to *out_ndim).
 * -1 with "op: shapes [2,3] and [4] cannot be broadcast" on a mismatch. */
int nb__broadcast_shapes(const char *op, int na, const int64_t *sa, int nb,
                         const int64_t *sb, int *out_ndim, int64_t *out);

/* ---- the strided loop ------------------------------------------------------
 * Every elementwise kernel runs through one loop driver, like NumPy's ufunc
 * inner loops: the driver walks an n-d iteration space and calls a row
 * function on 1-D runs; the row function only ever sees a length, pointers and
 * byte strides. The driver merges axes that are contiguous for every operand
 * (so a contiguous tensor is one long row), and splits big work across
 * threads in fixed blocks. */

#define NB_LOOP_MAX_OPS 4

typedef void (*nb__row_fn)(int64_t n, char *const *ptrs, const int64_t *strides, void *arg);

typedef struct nb__loop {
    int64_t min_parallel; /* elements below which it runs on one thread */
    bool fence;           /* rows stream (non-temporal stores): each thread fences after */
    int ndim;
    int64_t shape[NB_MAX_DIMS];
    int nops;
    char *base[NB_LOOP_MAX_OPS];
    int64_t strides[NB_LOOP_MAX_OPS][NB_MAX_DIMS]; /* bytes */
} nb__loop;

/* Starts a loop over `shape`, parallel from NB_PARALLEL_MIN_ELEMS elements
 * (an op that costs more per element may lower L->min_parallel after). */
void nb__loop_init(nb__loop *L, int ndim, const int64_t *shape);
/* Adds an operand; t broadcasts to the loop shape (checked by the caller). */
void nb__loop_add(nb__loop *L, const nb_tensor *t);
/* Runs fn over every element; parallel when the loop is big enough. */
void nb__loop_run(nb__loop *L, nb__row_fn fn, void *arg);
/* The same on one thread, rows in C order (for outputs written in sequence). */
void nb__loop_run_ordered(nb__loop *L, nb__row_fn fn, void *arg);

/* Elements below which the loop stays on one thread, for the cheapest ops
 * (a copy, + or *, about 0.1 ns an element). Measured on the 2-core Zen 4
 * with the second thread awake: an OpenMP fork and join costs about 1.3 us,
 * and 2 threads against 1 give, for f32 add, 0.73x at 16K elements, 1.08x at
 * 32K, 1.46x at 64K and 1.8x from 128K on; exp (0.46 ns an element) breaks
 * even at 16K, tanh (0.9 ns) at 3K. So 32K, and ops that cost more lower it
 * (NB_PARALLEL_MIN_ELEMS / cost). On a machine shared with other work a
 * parallel region can also wait a scheduler slice for its second thread:
 * the threshold does not try to guess that. */
#define NB_PARALLEL_MIN_ELEMS 32768

/* Outputs of at least this many bytes are written with non-temporal stores
 * by the vector kernels (+ - * /, relu, exp, log: see kernels/vmath.h): an
 * output this big cannot stay in the last-level cache for whoever reads it
 * next (32 MB on the Zen 4 these run on; sysconf reports the host's 320 MB
 * in this VM, so a fixed figure), and skipping the read-for-ownership of
 * each line cuts an add's memory traffic from 16 to 12 bytes an element. */
#define NB_STREAM_MIN_BYTES ((int64_t)32 << 20)

/* ---- softmax rows, for the layers above (nn's cross-entropy) -------------- */

/* y = softmax(x), or log_softmax(x) with log_space, of one contiguous row:
 * the bits nb_softmax gives that row (f32 through the vector kernels). */
void nb__row_softmax_f32(const float *x, float *y, int64_t n, bool log_space);
void nb__row_softmax_f64(const double *x, double *y, int64_t n, bool log_space);
/* log(sum_i e^x_i) of one contiguous f32 row, as m + log(sum e^(x - m)) with
 * m the max and the sum in double; m itself when it is infinite or NaN. */
double nb__row_logsumexp_f32(const float *x, int64_t n);

/* ---- conversions --------------------------------------------------------- */

/* Converting copy of src into dst (same shape after broadcasting src). */
void nb__convert_into(nb_tensor *dst, const nb_tensor *src);
/* t itself when it already has dtype, else a converted contiguous copy. The
 * ops calling it have checked ctx, so it fails only on memory, and says so
 * as the cast it is (nb_cast). */
nb_tensor *nb__as_dtype(nb_ctx *ctx, nb_tensor *t, nb_dtype dtype);

/* Exponentiation by squaring in 64-bit unsigned arithmetic (wraps instead of
 * overflowing; the low 32 bits are the i32 answer). nb_pow and nb_pow_scalar
 * refuse negative exponents before they get here; were one to come, it gives
 * the integer part of 1/x^e: 1 for x = 1, +-1 for x = -1, else 0. */
static inline int64_t nb__int_pow(int64_t x, int64_t e)
{
    if (e < 0) return x == 1 ? 1 : x == -1 ? (e % 2 ? -1 : 1) : 0;
    uint64_t result = 1, base = (uint64_t)x;
    for (; e; e >>= 1, base *= base)
        if (e & 1) result *= base;
    return (int64_t)result;
}

/* Marks an in-place write into t's storage. */
static inline void nb__bump_version(nb_tensor *t) { t->storage->version++; }

#endif
