/* nabla/tensor.h — n-dimensional tensors over arena-owned storage.
 *
 * The picture: a tensor is a shape, strides and an offset laid over a storage
 * (a flat buffer). Views (reshape, transpose, slice, expand, ...) make a new
 * header over the same storage; nothing is copied. Every header and buffer is
 * allocated from an arena, `nb_ctx`; there is no per-tensor free: resetting or
 * freeing the context releases everything made in it at once.
 *
 * Conventions used by every function below:
 *   - The first argument of a function that makes a tensor is the context the
 *     result lives in. Inputs may live in other contexts (parameters in a
 *     long-lived one, a step's intermediates in a short-lived one), but a view
 *     must not outlive the context that owns its storage.
 *   - Shapes are passed as (ndim, const int64_t *shape); NB_SHAPE(2, 3) expands
 *     to exactly that. Strides and offsets count elements, not bytes.
 *   - Axes may be negative (counted from the end, as in NumPy).
 *   - Failure returns NULL (or -1 for functions returning int) and leaves a
 *     message for nb_last_error() naming the function and the values, e.g.
 *     "nb_matmul: inner dimensions differ: [3,4] @ [5,2]". A NULL input makes
 *     an op return NULL and keep the first message, so calls can be chained.
 *   - The library never prints unless handed a stream, and never exits.
 *
 * Type promotion (binary ops, matmul, where, concat):
 *   bool < i32 < i64 < f32 < f64; the result takes the higher of the two.
 *   So f32 with f64 gives f64 and an integer with a float gives that float
 *   type (as PyTorch does; NumPy would widen i32/i64 + f32 to f64).
 *   Arithmetic never yields bool: bool operands count as i32.
 *   Ops whose result is fractional (div, exp, log, mean, softmax, ...) turn
 *   integer inputs into f32, the default float type.
 * Scalars: the *_scalar functions take a double and treat it as a tensor of
 *   the other operand's type (a float tensor keeps its type; an integer tensor
 *   with a non-integral scalar becomes f32).
 */
#ifndef NABLA_TENSOR_H
#define NABLA_TENSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Types                                                               */
/* ------------------------------------------------------------------ */

/* Element types, in promotion order. */
typedef enum nb_dtype {
    NB_BOOL = 0, /* uint8_t holding 0 or 1: masks from comparisons */
    NB_I32 = 1,
    NB_I64 = 2,
    NB_F32 = 3,
    NB_F64 = 4,
} nb_dtype;

#define NB_MAX_DIMS 8

typedef struct nb_ctx nb_ctx; /* an arena: see "Contexts" below */

/* A flat buffer shared by a tensor and all its views. `version` counts
 * in-place writes, so a recorded computation can tell that a value it saved
 * was overwritten. */
typedef struct nb_storage {
    void *data;
    size_t nbytes;
    uint64_t version;
} nb_storage;

struct nb_autograd_meta; /* owned by the autograd layer; NULL for plain tensors */

typedef struct nb_tensor {
    nb_dtype dtype;
    int ndim;                        /* 0 .. NB_MAX_DIMS; 0 is a scalar */
    int64_t shape[NB_MAX_DIMS];
    int64_t strides[NB_MAX_DIMS];    /* elements; 0 = broadcast, < 0 = reversed */
    int64_t offset;                  /* elements from storage->data */
    nb_storage *storage;
    nb_ctx *ctx;                     /* the arena this header lives in */
    struct nb_autograd_meta *autograd;
} nb_tensor;

/* Shape and axis list literals: nb_zeros(ctx, NB_F32, NB_SHAPE(2, 3)). */
#define NB_SHAPE(...) \
    (int)(sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t)), (const int64_t[]){__VA_ARGS__}
#define NB_AXES(...) \
    (int)(sizeof((int[]){__VA_ARGS__}) / sizeof(int)), (const int[]){__VA_ARGS__}
#define NB_ALL_AXES 0, NULL /* reduce over every axis */

/* ------------------------------------------------------------------ */
/* Errors, version, threads                                            */
/* ------------------------------------------------------------------ */

/* The last error message of this thread ("" if none). */
const char *nb_last_error(void);
void nb_clear_error(void);

const char *nb_version(void);        /* "0.1.0" */
bool nb_openmp_enabled(void);
const char *nb_isa_name(void);       /* instruction-set path the kernels use */
int nb_get_num_threads(void);
/* Sets the thread count for nabla's kernels (1 .. 1024); -1 on a bad count. */
int nb_set_num_threads(int n);

const char *nb_dtype_name(nb_dtype dtype); /* "f32", ... */
size_t nb_dtype_size(nb_dtype dtype);
bool nb_dtype_is_float(nb_dtype dtype);
nb_dtype nb_promote_types(nb_dtype a, nb_dtype b);

/* ------------------------------------------------------------------ */
/* Contexts (arenas)                                                   */
/* ------------------------------------------------------------------ */

nb_ctx *nb_ctx_new(void);
/* Releases every tensor made in ctx; the memory is kept for reuse, so a
 * training loop that resets each step stops allocating after the first. */
void nb_ctx_reset(nb_ctx *ctx);
void nb_ctx_free(nb_ctx *ctx);
size_t nb_ctx_bytes_used(const nb_ctx *ctx);     /* since the last reset */
size_t nb_ctx_peak_bytes(const nb_ctx *ctx);     /* highest bytes_used ever */
size_t nb_ctx_bytes_reserved(const nb_ctx *ctx); /* held from the system */
/* Counts resets: whatever was made before a reset carries an older number. */
uint64_t nb_ctx_generation(const nb_ctx *ctx);
/* Raw arena memory for layers above (graph nodes, scratch); align is a power
 * of two up to 4096. NULL with an error when out of memory. */
void *nb_ctx_alloc(nb_ctx *ctx, size_t nbytes, size_t align);

/* ------------------------------------------------------------------ */
/* Random numbers: an explicit generator, never global state           */
/* ------------------------------------------------------------------ */

/* PCG32 (PCG-XSH-RR 64/32, O'Neill 2014): small, fast, statistically sound.
 * Plain data: copy the struct to save or restore the state. */
typedef struct nb_rng {
    uint64_t state;
    uint64_t inc;        /* stream selector, always odd */
    double spare_normal; /* Box-Muller makes two normals at a time */
    int has_spare;
} nb_rng;

void nb_rng_seed(nb_rng *rng, uint64_t seed);
uint32_t nb_rng_next_u32(nb_rng *rng);
uint64_t nb_rng_next_u64(nb_rng *rng);
double nb_rng_uniform(nb_rng *rng);            /* [0, 1), 53 random bits */
double nb_rng_normal(nb_rng *rng);             /* mean 0, std 1 */
/* Uniform integer in [0, n) without modulo bias; n >= 1. */
uint64_t nb_rng_below(nb_rng *rng, uint64_t n);

/* ------------------------------------------------------------------ */
/* Creation                                                            */
/* ------------------------------------------------------------------ */

nb_tensor *nb_empty(nb_ctx *ctx, nb_dtype dtype, int ndim, const int64_t *shape);
nb_tensor *nb_zeros(nb_ctx *ctx, nb_dtype dtype, int ndim, const int64_t *shape);
nb_tensor *nb_ones(nb_ctx *ctx, nb_dtype dtype, int ndim, const int64_t *shape);
nb_tensor *nb_full(nb_ctx *ctx, nb_dtype dtype, int ndim, const int64_t *shape, double value);
nb_tensor *nb_scalar(nb_ctx *ctx, nb_dtype dtype, double value); /* 0-d */
nb_tensor *nb_zeros_like(nb_ctx *ctx, const nb_tensor *t);
nb_tensor *nb_empty_like(nb_ctx *ctx, const nb_tensor *t);
/* [start, stop) by step, like numpy.arange; step != 0. An i32 or i64 result
 * must hold every value (no saturation), and no result may pass INT64_MAX
 * bytes. */
nb_tensor *nb_arange(nb_ctx *ctx, nb_dtype dtype, double start, double stop, double step);
/* n evenly spaced values from start to stop inclusive (float dtypes). */
nb_tensor *nb_linspace(nb_ctx *ctx, nb_dtype dtype, double start, double stop, int64_t n);
nb_tensor *nb_eye(nb_ctx *ctx, nb_dtype dtype, int64_t n);
/* Copies shape-many elements of `dtype` from the caller's buffer (C order). */
nb_tensor *nb_from_data(nb_ctx *ctx, nb_dtype dtype, int ndim, const int64_t *shape,
                        const void *data);

/* Uniform in [low, high) (float dtypes). */
nb_tensor *nb_rand_uniform(nb_ctx *ctx, nb_rng *rng, nb_dtype dtype, int ndim,
                           const int64_t *shape, double low, double high);
/* Normal with the given mean and std >= 0 (float dtypes). */
nb_tensor *nb_rand_normal(nb_ctx *ctx, nb_rng *rng, nb_dtype dtype, int ndim,
                          const int64_t *shape, double mean, double std);
/* Integers uniform in [low, high) (any dtype but bool); low < high. */
nb_tensor *nb_rand_int(nb_ctx *ctx, nb_rng *rng, nb_dtype dtype, int ndim,
                       const int64_t *shape, int64_t low, int64_t high);
/* A random permutation of 0 .. n-1 as i64 (Fisher-Yates). */
nb_tensor *nb_randperm(nb_ctx *ctx, nb_rng *rng, int64_t n);

/* ------------------------------------------------------------------ */
/* Properties and element access                                       */
/* ------------------------------------------------------------------ */

int64_t nb_numel(const nb_tensor *t);
bool nb_is_contiguous(const nb_tensor *t);      /* C order, no gaps */
bool nb_same_shape(const nb_tensor *a, const nb_tensor *b);
/* Pointer to the first element (honours the offset); typed when contiguous. */
void *nb_data(const nb_tensor *t);
/* The value of a one-element tensor, converted to double / int64. On error
 * NAN / 0 and a message. */
double nb_item(const nb_tensor *t);
int64_t nb_item_i64(const nb_tensor *t);
/* Element at a full index (ndim values, negatives count from the end). */
double nb_get(const nb_tensor *t, const int64_t *index);
int nb_set(nb_tensor *t, const int64_t *index, double value);
/* Copies the elements, in C order, into a caller's buffer of `nbytes`
 * (numel * dtype size) as the tensor's own dtype. */
int nb_copy_to(const nb_tensor *t, void *buf, size_t nbytes);

/* ------------------------------------------------------------------ */
/* Views: new headers over the same storage                            */
/* ------------------------------------------------------------------ */

/* One dimension may be -1 (inferred). Copies only when no view can express
 * the new shape (as numpy.reshape). */
nb_tensor *nb_reshape(nb_ctx *ctx, nb_tensor *t, int ndim, const int64_t *shape);
nb_tensor *nb_flatten(nb_ctx *ctx, nb_tensor *t);
nb_tensor *nb_transpose(nb_ctx *ctx, nb_tensor *t, int axis0, int axis1);
nb_tensor *nb_permute(nb_ctx *ctx, nb_tensor *t, const int *axes); /* t->ndim axes */
nb_tensor *nb_squeeze(nb_ctx *ctx, nb_tensor *t, int axis);        /* size must be 1 */
nb_tensor *nb_squeeze_all(nb_ctx *ctx, nb_tensor *t);              /* every size-1 axis */
nb_tensor *nb_unsqueeze(nb_ctx *ctx, nb_tensor *t, int axis);      /* axis in [-ndim-1, ndim] */
/* Python's t[start:stop:step] along one axis: negative start/stop count from
 * the end, are clamped to the axis, and step may be negative (never 0).
 * NB_END is Python's None: as start it is the first element the step
 * meets (0 going forward, the last going backward), as stop it runs past
 * the far end. t[::-1] is nb_slice(ctx, t, axis, NB_END, NB_END, -1). */
#define NB_END INT64_MAX
nb_tensor *nb_slice(nb_ctx *ctx, nb_tensor *t, int axis, int64_t start, int64_t stop,
                    int64_t step);
/* Broadcast to a larger shape without copying (size-1 axes get stride 0). */
nb_tensor *nb_expand(nb_ctx *ctx, nb_tensor *t, int ndim, const int64_t *shape);
#define nb_broadcast_to nb_expand
/* t itself when already contiguous, otherwise a C-ordered copy. */
nb_tensor *nb_contiguous(nb_ctx *ctx, nb_tensor *t);

/* ------------------------------------------------------------------ */
/* Elementwise                                                         */
/* ------------------------------------------------------------------ */

nb_tensor *nb_neg(nb_ctx *ctx, nb_tensor *x);
nb_tensor *nb_abs(nb_ctx *ctx, nb_tensor *x);
nb_tensor *nb_exp(nb_ctx *ctx, nb_tensor *x);
nb_tensor *nb_log(nb_ctx *ctx, nb_tensor *x);
nb_tensor *nb_log1p(nb_ctx *ctx, nb_tensor *x);
nb_tensor *nb_sqrt(nb_ctx *ctx, nb_tensor *x);
nb_tensor *nb_rsqrt(nb_ctx *ctx, nb_tensor *x);
nb_tensor *nb_sin(nb_ctx *ctx, nb_tensor *x);
nb_tensor *nb_cos(nb_ctx *ctx, nb_tensor *x);
nb_tensor *nb_tanh(nb_ctx *ctx, nb_tensor *x);
nb_tensor *nb_sigmoid(nb_ctx *ctx, nb_tensor *x);
nb_tensor *nb_relu(nb_ctx *ctx, nb_tensor *x);
nb_tensor *nb_leaky_relu(nb_ctx *ctx, nb_tensor *x, double negative_slope);
nb_tensor *nb_gelu(nb_ctx *ctx, nb_tensor *x);     /* x/2 (1 + erf(x/sqrt 2)) */
nb_tensor *nb_erf(nb_ctx *ctx, nb_tensor *x);      /* the error function */
nb_tensor *nb_softplus(nb_ctx *ctx, nb_tensor *x); /* log(1 + e^x), stable */
nb_tensor *nb_sign(nb_ctx *ctx, nb_tensor *x);     /* -1, 0, 1; NaN stays NaN */
/* min(max(x, low), high); pass -INFINITY / INFINITY for a one-sided clamp. */
nb_tensor *nb_clamp(nb_ctx *ctx, nb_tensor *x, double low, double high);
nb_tensor *nb_pow_scalar(nb_ctx *ctx, nb_tensor *x, double exponent);

/* Binary ops broadcast their operands (NumPy rules). */
nb_tensor *nb_add(nb_ctx *ctx, nb_tensor *a, nb_tensor *b);
nb_tensor *nb_sub(nb_ctx *ctx, nb_tensor *a, nb_tensor *b);
nb_tensor *nb_mul(nb_ctx *ctx, nb_tensor *a, nb_tensor *b);
nb_tensor *nb_div(nb_ctx *ctx, nb_tensor *a, nb_tensor *b); /* true division */
nb_tensor *nb_pow(nb_ctx *ctx, nb_tensor *a, nb_tensor *b);
nb_tensor *nb_maximum(nb_ctx *ctx, nb_tensor *a, nb_tensor *b); /* NaN propagates */
nb_tensor *nb_minimum(nb_ctx *ctx, nb_tensor *a, nb_tensor *b);
nb_tensor *nb_add_scalar(nb_ctx *ctx, nb_tensor *a, double s);
nb_tensor *nb_sub_scalar(nb_ctx *ctx, nb_tensor *a, double s);  /* a - s */
nb_tensor *nb_mul_scalar(nb_ctx *ctx, nb_tensor *a, double s);
nb_tensor *nb_div_scalar(nb_ctx *ctx, nb_tensor *a, double s);  /* a / s */
nb_tensor *nb_rsub_scalar(nb_ctx *ctx, nb_tensor *a, double s); /* s - a */
nb_tensor *nb_rdiv_scalar(nb_ctx *ctx, nb_tensor *a, double s); /* s / a */

/* Comparisons give NB_BOOL masks. */
nb_tensor *nb_eq(nb_ctx *ctx, nb_tensor *a, nb_tensor *b);
nb_tensor *nb_ne(nb_ctx *ctx, nb_tensor *a, nb_tensor *b);
nb_tensor *nb_lt(nb_ctx *ctx, nb_tensor *a, nb_tensor *b);
nb_tensor *nb_le(nb_ctx *ctx, nb_tensor *a, nb_tensor *b);
nb_tensor *nb_gt(nb_ctx *ctx, nb_tensor *a, nb_tensor *b);
nb_tensor *nb_ge(nb_ctx *ctx, nb_tensor *a, nb_tensor *b);
/* cond ? a : b elementwise, all three broadcast; cond is any dtype (nonzero
 * is true). */
nb_tensor *nb_where(nb_ctx *ctx, nb_tensor *cond, nb_tensor *a, nb_tensor *b);

/* In-place and out= forms, for hot loops that reuse buffers. The destination
 * keeps its shape and dtype: the other operands broadcast to it and are
 * converted to its dtype. Each bumps the destination storage's version. */
int nb_add_(nb_tensor *dst, nb_tensor *src);              /* dst += src */
int nb_sub_(nb_tensor *dst, nb_tensor *src);              /* dst -= src */
int nb_mul_(nb_tensor *dst, nb_tensor *src);              /* dst *= src */
int nb_div_(nb_tensor *dst, nb_tensor *src);              /* dst /= src */
int nb_scale_(nb_tensor *dst, double s);                  /* dst *= s */
int nb_axpy_(nb_tensor *dst, double alpha, nb_tensor *x); /* dst += alpha x */
int nb_fill_(nb_tensor *dst, double value);
int nb_zero_(nb_tensor *dst);
int nb_copy_(nb_tensor *dst, nb_tensor *src);             /* dst = src */
int nb_add_out(nb_tensor *out, nb_tensor *a, nb_tensor *b); /* out = a + b */
int nb_sub_out(nb_tensor *out, nb_tensor *a, nb_tensor *b);
int nb_mul_out(nb_tensor *out, nb_tensor *a, nb_tensor *b);
int nb_div_out(nb_tensor *out, nb_tensor *a, nb_tensor *b);

/* ------------------------------------------------------------------ */
/* Reductions                                                          */
/* ------------------------------------------------------------------ */

/* Over the listed axes (NB_AXES(0, 2)) or all of them (NB_ALL_AXES); keepdim
 * keeps reduced axes with size 1. Integer sums and products give i64. */
nb_tensor *nb_sum(nb_ctx *ctx, nb_tensor *x, int naxes, const int *axes, bool keepdim);
nb_tensor *nb_mean(nb_ctx *ctx, nb_tensor *x, int naxes, const int *axes, bool keepdim);
nb_tensor *nb_prod(nb_ctx *ctx, nb_tensor *x, int naxes, const int *axes, bool keepdim);
/* Variance with divisor N - correction (0: population, 1: sample). */
nb_tensor *nb_var(nb_ctx *ctx, nb_tensor *x, int naxes, const int *axes, int correction,
                  bool keepdim);
nb_tensor *nb_std(nb_ctx *ctx, nb_tensor *x, int naxes, const int *axes, int correction,
                  bool keepdim);
nb_tensor *nb_max(nb_ctx *ctx, nb_tensor *x, int naxes, const int *axes, bool keepdim);
nb_tensor *nb_min(nb_ctx *ctx, nb_tensor *x, int naxes, const int *axes, bool keepdim);
/* log(sum(exp(x))), computed as m + log(sum(exp(x - m))) with m the max. */
nb_tensor *nb_logsumexp(nb_ctx *ctx, nb_tensor *x, int naxes, const int *axes, bool keepdim);
/* Index (i64) of the first largest / smallest value along one axis. */
nb_tensor *nb_argmax(nb_ctx *ctx, nb_tensor *x, int axis, bool keepdim);
nb_tensor *nb_argmin(nb_ctx *ctx, nb_tensor *x, int axis, bool keepdim);
/* Softmax along one axis: exp(x - max) / sum(exp(x - max)). */
nb_tensor *nb_softmax(nb_ctx *ctx, nb_tensor *x, int axis);
nb_tensor *nb_log_softmax(nb_ctx *ctx, nb_tensor *x, int axis);

/* ------------------------------------------------------------------ */
/* Linear algebra                                                      */
/* ------------------------------------------------------------------ */

/* numpy.matmul: 1-D operands are promoted to matrices and the added axis
 * removed afterwards; leading (batch) axes broadcast. */
nb_tensor *nb_matmul(nb_ctx *ctx, nb_tensor *a, nb_tensor *b);

/* ------------------------------------------------------------------ */
/* Indexing, joining, converting                                       */
/* ------------------------------------------------------------------ */

/* torch.gather / numpy.take_along_axis: out[..i..] = x[..index[..i..]..] with
 * the index replacing the coordinate on `axis`. index is integer, same ndim as
 * x, and no larger than x on the other axes. */
nb_tensor *nb_gather(nb_ctx *ctx, nb_tensor *x, int axis, nb_tensor *index);
/* Returns a copy of x with src added at the gathered positions (repeats add). */
nb_tensor *nb_scatter_add(nb_ctx *ctx, nb_tensor *x, int axis, nb_tensor *index,
                          nb_tensor *src);
/* Picks whole slices along axis by a 1-D integer index (negatives wrap). */
nb_tensor *nb_index_select(nb_ctx *ctx, nb_tensor *x, int axis, nb_tensor *index);
/* numpy.take(x, index, axis): index of any shape replaces `axis` in the output
 * shape: x.shape[:axis] + index.shape + x.shape[axis+1:]. */
nb_tensor *nb_take(nb_ctx *ctx, nb_tensor *x, int axis, nb_tensor *index);
/* The elements where mask (broadcast to x) is nonzero, as a 1-D tensor. */
nb_tensor *nb_masked_select(nb_ctx *ctx, nb_tensor *x, nb_tensor *mask);
nb_tensor *nb_concat(nb_ctx *ctx, nb_tensor *const *ts, int n, int axis);
nb_tensor *nb_stack(nb_ctx *ctx, nb_tensor *const *ts, int n, int axis);
/* Views of consecutive pieces along axis with the given sizes (summing to the
 * axis length); writes n tensors to out. */
int nb_split(nb_ctx *ctx, nb_tensor *x, int axis, const int64_t *sizes, int n,
             nb_tensor **out);
nb_tensor *nb_cast(nb_ctx *ctx, nb_tensor *x, nb_dtype dtype); /* always a copy */
nb_tensor *nb_clone(nb_ctx *ctx, nb_tensor *x);                /* contiguous copy */

/* ------------------------------------------------------------------ */
/* Printing and comparing                                              */
/* ------------------------------------------------------------------ */

/* NumPy-style text, summarised with "..." past 1000 elements. */
int nb_tensor_print(FILE *stream, const nb_tensor *t);
/* Same shape after broadcasting and |a - b| <= atol + rtol |b| everywhere
 * (NaN equals NaN only when equal_nan). */
bool nb_allclose(const nb_tensor *a, const nb_tensor *b, double rtol, double atol,
                 bool equal_nan);

#ifdef __cplusplus
}
#endif
#endif /* NABLA_TENSOR_H */
