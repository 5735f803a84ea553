/* nn/nn_internal.h — what the files of nn/ share: the module record, the
 * attributes of nn's ops, and small helpers. */
#ifndef NB_NN_INTERNAL_H
#define NB_NN_INTERNAL_H

#include <nabla/nn.h>

#include "../tensor/tensor_internal.h"

/* An OpenMP directive, or nothing in a build without OpenMP (where a bare
 * #pragma omp is an unknown pragma, an error under -Werror). */
#ifdef _OPENMP
#define NB_OMP(directive) _Pragma(#directive)
#else
#define NB_OMP(directive)
#endif

/* ---- modules -------------------------------------------------------------------- */

typedef struct {
    const char *name;
    nb_module *module;
} nb__child;

/* Lives in its arena, as do its arrays and names (grown by copying: they are
 * small, and the arena is never reset under a model). */
struct nb_module {
    const char *type;
    const char *repr;
    nb_module_forward_fn forward;
    nb_ctx *ctx;
    void *state;
    bool training;
    int nparams, nbuffers, nchildren;
    int params_cap, buffers_cap, children_cap;
    nb_named_tensor *params, *buffers;
    nb__child *children;
};

/* A layer built in by nn: a module with its repr set from printf arguments. */
nb_module *nb__layer_new(nb_ctx *ctx, const char *type, nb_module_forward_fn forward,
                         size_t state_size, const char *repr_fmt, ...) NB_PRINTF(5, 6);

char *nb__ctx_strdup(nb_ctx *ctx, const char *s);

/* Matches named tensors (under prefix) against m's state dict, strictly:
 * same names, shapes and dtypes; then, unless check_only, copies them in.
 * `source` names where they came from in messages. */
int nb__module_state_apply(const char *api, const char *source, nb_module *m,
                           const nb_named_tensor *ts, int n, const char *prefix, bool check_only);

/* ---- op registration ------------------------------------------------------------ */

/* Registers nn's ops once; 0 or -1 (with the error). Every public function
 * that applies an nn op calls it first. */
int nb__nn_ensure(void);

/* Each file with ops contributes its table entries. */
int nb__nn_register_linear(void);
int nb__nn_register_window(void);
int nb__nn_register_conv(void);
int nb__nn_register_pool(void);
int nb__nn_register_losses(void);
int nb__nn_register_embedding(void);
int nb__nn_register_norm(void);

/* The registered definition of an nn op (after nb__nn_ensure). */
const nb_op_def *nb__nn_op(const char *name);

/* ---- op attributes ------------------------------------------------------------- */

/* A sliding window over [H, W]: im2col, col2im, conv2d, pooling. */
typedef struct {
    int kh, kw, sh, sw, ph, pw, dh, dw;
    int64_t height, width; /* the image size (col2im needs it) */
} nb__window;

/* cross_entropy: which targets are ignored, smoothing, reduction */
typedef struct {
    bool ignore;
    int64_t ignore_index;
    double smoothing;
    nb_reduction reduction;
} nb__ce_attrs;

/* embedding_bag */
typedef struct {
    nb_bag_mode mode;
} nb__bag_attrs;

/* batch_norm, layer_norm */
typedef struct {
    double eps;
    int naxes; /* layer norm: how many trailing axes are normalised */
} nb__norm_attrs;

/* Fills a window from conv options (defaults applied); -1 with a message
 * naming api on a bad value. */
int nb__window_from_conv(const char *api, int kh, int kw, const nb_conv2d_opts *o, nb__window *w);
/* Output size along one axis: (in + 2 pad - dil (k - 1) - 1) / stride + 1,
 * or -1 when the window does not fit. */
int64_t nb__window_out(int64_t in, int k, int s, int p, int d);

/* Raw im2col of a float x [N,C,H,W], outside the graph; sets w->height and
 * w->width from x. */
nb_tensor *nb__im2col_raw(nb_ctx *ctx, nb_tensor *x, nb__window *w);
/* The "im2col" or "col2im" op on t (recorded when grad mode is on). */
nb_tensor *nb__apply_window(nb_ctx *ctx, const char *name, nb_tensor *t, const nb__window *w);
/* For gradcheck samplers: a small random geometry whose window fits, with
 * N 1-2, C 1-2, H and W 1-5. */
void nb__sample_window(nb_rng *rng, nb__window *w, int64_t *N, int64_t *C);
/* x is a float [N,C,H,W] that the window fits in; else -1 naming api. */
int nb__check_image(const char *api, const nb_tensor *x, const nb__window *w);

/* ---- optimizers ------------------------------------------------------------------ */

/* What differs between optimizers. `update` moves parameter i given its
 * gradient g (contiguous, the parameter's dtype); `step_closure`, when not
 * NULL, replaces the generic closure step (L-BFGS); `get_state`/`set_state`,
 * when not NULL, replace the registered state list (L-BFGS, whose history
 * grows). */
typedef struct nb__optim_kind {
    const char *name;
    int (*update)(nb_optim *o, int i, nb_tensor *p, nb_tensor *g);
    int (*step_closure)(nb_optim *o, nb_closure_fn f, void *user, double *loss);
    int (*get_state)(nb_optim *o, nb_ctx *ctx, nb_named_tensor **out);
    int (*set_state)(nb_optim *o, const nb_named_tensor *ts, int n, const char *prefix);
    void (*free)(nb_optim *o);
} nb__optim_kind;

struct nb_optim {
    const nb__optim_kind *kind;
    nb_ctx *ctx;     /* names and state: lives as long as the optimizer */
    nb_ctx *scratch; /* reset at every step */
    int n;
    nb_named_tensor *params;
    double lr;
    int64_t steps;
    int nstate, state_cap;
    nb_named_tensor *state; /* "exp_avg.0.weight", ... */
    void *impl;
};

/* Checks and copies the parameters; impl_size bytes of zeroed impl. */
nb_optim *nb__optim_new(const char *api, const nb__optim_kind *kind, const nb_named_tensor *params,
                        int n, double lr, size_t impl_size);
/* A zeroed state tensor like parameter i, registered as "<what>.<name>". */
nb_tensor *nb__optim_add_state(nb_optim *o, const char *what, int i);
/* An i64 tensor [n] of per-parameter step counts, registered as "<what>". */
int64_t *nb__optim_add_counts(nb_optim *o, const char *what);
/* The tensor named prefix + name in ts, checked against want's shape and
 * dtype; NULL with an error naming api when missing or different. */
nb_tensor *nb__find_state(const char *api, const nb_named_tensor *ts, int n, const char *prefix,
                          const char *name, const nb_tensor *want);
/* Optimizer loops split their elements into blocks of this many, spread
 * over threads when there are enough. */
#define NB_OPTIM_BLOCK 16384
/* An update kernel: n elements of up to five same-typed arrays (unused ones
 * NULL) with the optimizer's coefficients. */
typedef void (*nb__optim_kernel)(void *const *arrays, int64_t n, const void *coef);
/* Runs kernel over blocks of NB_OPTIM_BLOCK elements of the arrays (all of
 * the parameter's dtype and size), in parallel when there are many: the
 * elements are independent, so the result does not depend on the thread
 * count. */
void nb__optim_blocks(nb_dtype dtype, int64_t n, nb_tensor *const *arrays, int narrays,
                      nb__optim_kernel kernel, const void *coef);

/* ---- schedules (for checkpoints) ------------------------------------------------- */

#define NB_SCHED_STATE 8
/* The schedule's state as numbers, and back (same kind). */
int nb__scheduler_get(const nb_scheduler *s, double *out);
int nb__scheduler_set(nb_scheduler *s, const double *in);
int nb__scheduler_check(const double *in); /* -1 on negative or NaN numbers */
const char *nb__scheduler_kind(const nb_scheduler *s);

/* The sum over every axis of x but `axis`, as a 1-D tensor: a fast loop when
 * grad mode is off (a backward pass not being recorded), nb_sum otherwise. */
nb_tensor *nb__sum_except(nb_ctx *ctx, nb_tensor *x, int axis);

/* ---- helpers ------------------------------------------------------------------- */

/* A float tensor of either float type, for the raw kernels; else an error. */
int nb__check_float(const char *api, const char *what, const nb_tensor *t);
/* An f32/f64 scalar as the given type. */
static inline double nb__get_f(const void *p, nb_dtype d, int64_t i)
{
    return d == NB_F32 ? ((const float *)p)[i] : ((const double *)p)[i];
}
static inline void nb__set_f(void *p, nb_dtype d, int64_t i, double v)
{
    if (d == NB_F32) ((float *)p)[i] = (float)v;
    else ((double *)p)[i] = v;
}

/* The class index of target element i (i32 or i64, contiguous). */
static inline int64_t nb__get_index(const nb_tensor *t, int64_t i)
{
    return t->dtype == NB_I64 ? ((const int64_t *)nb_data(t))[i] : ((const int32_t *)nb_data(t))[i];
}

#endif
