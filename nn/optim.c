/* nn/optim.c — what every optimizer shares: the parameter list, the
 * learning rate, the step loop, zero_grad, and state for checkpoints.
 *
 * An optimizer keeps copies of the parameter names and its state tensors in
 * an arena of its own; the parameters themselves stay the caller's. A step
 * runs outside the graph: updates are in-place writes into the parameters'
 * storage, so a graph recorded before the step and read after it is caught
 * by the version check. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn_internal.h"

static int check_params(const char *api, const nb_named_tensor *ps, int n)
{
    if (n < 1 || !ps) {
        nb__error("%s: need at least one parameter (got %d)", api, n);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        const nb_tensor *t = ps[i].tensor;
        if (!ps[i].name || !t) {
            nb__error("%s: parameter %d has no %s", api, i, ps[i].name ? "tensor" : "name");
            return -1;
        }
        if (nb__check_float(api, "a parameter", t)) return -1;
        if (!nb_is_contiguous(t) || !nb_is_leaf(t)) {
            nb__error("%s: parameter \"%s\" must be a contiguous leaf tensor", api, ps[i].name);
            return -1;
        }
        for (int j = 0; j < i; j++)
            if (!strcmp(ps[j].name, ps[i].name) || ps[j].tensor == t) {
                nb__error("%s: parameter \"%s\" is listed twice", api, ps[i].name);
                return -1;
            }
    }
    return 0;
}

nb_optim *nb__optim_new(const char *api, const nb__optim_kind *kind, const nb_named_tensor *params,
                        int n, double lr, size_t impl_size)
{
    if (check_params(api, params, n)) return NULL;
    if (!(lr >= 0) || !isfinite(lr)) {
        nb__error("%s: learning rate %g must be finite and >= 0", api, lr);
        return NULL;
    }
    nb_optim *o = calloc(1, sizeof *o);
    if (!o || !(o->ctx = nb_ctx_new()) || !(o->scratch = nb_ctx_new())) goto fail;
    *o = (nb_optim){.kind = kind, .ctx = o->ctx, .scratch = o->scratch, .n = n, .lr = lr};
    o->params = nb_ctx_alloc(o->ctx, sizeof *o->params * (size_t)n, _Alignof(nb_named_tensor));
    o->impl = impl_size ? nb_ctx_alloc(o->ctx, impl_size, 16) : NULL;
    if (!o->params || (impl_size && !o->impl)) goto fail;
    if (impl_size) memset(o->impl, 0, impl_size);
    for (int i = 0; i < n; i++) {
        o->params[i] = (nb_named_tensor){nb__ctx_strdup(o->ctx, params[i].name), params[i].tensor};
        if (!o->params[i].name) goto fail;
    }
    return o;
fail:
    if (!nb_last_error()[0]) nb__error("%s: out of memory", api);
    if (o) nb_ctx_free(o->ctx), nb_ctx_free(o->scratch);
    free(o);
    return NULL;
}

static int add_state(nb_optim *o, const char *name, nb_tensor *t)
{
    if (o->nstate == o->state_cap) {
        int cap = o->state_cap ? 2 * o->state_cap : 8;
        nb_named_tensor *a = nb_ctx_alloc(o->ctx, sizeof *a * (size_t)cap, _Alignof(nb_named_tensor));
        if (!a) return -1;
        if (o->nstate) memcpy(a, o->state, sizeof *a * (size_t)o->nstate);
        o->state = a;
        o->state_cap = cap;
    }
    o->state[o->nstate++] = (nb_named_tensor){name, t};
    return 0;
}

nb_tensor *nb__optim_add_state(nb_optim *o, const char *what, int i)
{
    nb_tensor *p = o->params[i].tensor;
    size_t len = strlen(what) + strlen(o->params[i].name) + 2;
    char *name = nb_ctx_alloc(o->ctx, len, 1);
    nb_tensor *t = nb_zeros(o->ctx, p->dtype, p->ndim, p->shape);
    if (!name || !t) return NULL;
    snprintf(name, len, "%s.%s", what, o->params[i].name);
    return add_state(o, name, t) ? NULL : t;
}

int64_t *nb__optim_add_counts(nb_optim *o, const char *what)
{
    nb_tensor *t = nb_zeros(o->ctx, NB_I64, NB_SHAPE(o->n));
    const char *name = nb__ctx_strdup(o->ctx, what);
    return t && name && !add_state(o, name, t) ? nb_data(t) : NULL;
}

void nb__optim_blocks(nb_dtype dtype, int64_t n, nb_tensor *const *arrays, int narrays,
                      nb__optim_kernel kernel, const void *coef)
{
    int64_t nblocks = (n + NB_OPTIM_BLOCK - 1) / NB_OPTIM_BLOCK;
    size_t es = nb_dtype_size(dtype);
    /* Threads only for very large parameters: an update runs at about 0.4 ns
     * an element on one core, so splitting a layer of 200k saves 0.04 ms,
     * while a second thread the OS has set aside (another process on the
     * other core) can stall the region for a scheduler slice, ~8 ms here. */
    NB_OMP(omp parallel for schedule(static) if (n > 256 * NB_OPTIM_BLOCK))
    for (int64_t b = 0; b < nblocks; b++) {
        int64_t at = b * NB_OPTIM_BLOCK, len = n - at < NB_OPTIM_BLOCK ? n - at : NB_OPTIM_BLOCK;
        void *ptrs[5] = {0};
        for (int k = 0; k < narrays && k < 5; k++)
            ptrs[k] = arrays[k] ? (char *)nb_data(arrays[k]) + (size_t)at * es : NULL;
        kernel(ptrs, len, coef);
    }
}

/* ---- stepping ------------------------------------------------------------------- */

int nb_optim_step(nb_optim *o)
{
    if (!o) {
        nb__error("nb_optim_step: optimizer is NULL");
        return -1;
    }
    if (!o->kind->update) {
        nb__error("nb_optim_step: %s needs a closure: call nb_optim_step_closure", o->kind->name);
        return -1;
    }
    nb_ctx_reset(o->scratch);
    o->steps++;
    int rc = 0;
    NB_NO_GRAD
    {
        for (int i = 0; i < o->n && rc == 0; i++) {
            nb_tensor *p = o->params[i].tensor, *g = nb_grad(p);
            if (!g) continue; /* no gradient reached it: left alone, as in PyTorch */
            g = nb_contiguous(o->scratch, nb__as_dtype(o->scratch, g, p->dtype));
            rc = g ? o->kind->update(o, i, p, g) : -1;
            if (rc == 0) nb__bump_version(p);
        }
    }
    return rc;
}

int nb_optim_step_closure(nb_optim *o, nb_closure_fn closure, void *user, double *loss)
{
    if (!o || !closure) {
        nb__error("nb_optim_step_closure: %s is NULL", o ? "closure" : "optimizer");
        return -1;
    }
    if (o->kind->step_closure) return o->kind->step_closure(o, closure, user, loss);
    nb_clear_error();
    double l = closure(user);
    if (isnan(l) && nb_last_error()[0]) return -1;
    if (loss) *loss = l;
    return nb_optim_step(o);
}

int nb_optim_zero_grad(nb_optim *o)
{
    if (!o) {
        nb__error("nb_optim_zero_grad: optimizer is NULL");
        return -1;
    }
    for (int i = 0; i < o->n; i++)
        if (nb_zero_grad(o->params[i].tensor)) return -1;
    return 0;
}

double nb_optim_lr(const nb_optim *o) { return o ? o->lr : NAN; }
const char *nb_optim_name(const nb_optim *o) { return o ? o->kind->name : NULL; }
int64_t nb_optim_step_count(const nb_optim *o) { return o ? o->steps : 0; }

int nb_optim_set_lr(nb_optim *o, double lr)
{
    if (!o || !(lr >= 0) || !isfinite(lr)) {
        nb__error(o ? "nb_optim_set_lr: learning rate %g must be finite and >= 0"
                    : "nb_optim_set_lr: optimizer is NULL (lr %g)", lr);
        return -1;
    }
    o->lr = lr;
    return 0;
}

void nb_optim_free(nb_optim *o)
{
    if (!o) return;
    if (o->kind->free) o->kind->free(o);
    nb_ctx_free(o->scratch);
    nb_ctx_free(o->ctx);
    free(o);
}

/* ---- state -------------------------------------------------------------------------- */

/* "step" (i64) and "lr" (f64) first, then the registered state tensors. */
int nb_optim_state(nb_optim *o, nb_ctx *ctx, nb_named_tensor **out)
{
    if (!o || !ctx || !out) {
        nb__error("nb_optim_state: need an optimizer, a context and an output pointer");
        return -1;
    }
    if (o->kind->get_state) return o->kind->get_state(o, ctx, out);
    nb_named_tensor *a = nb_ctx_alloc(ctx, sizeof *a * (size_t)(o->nstate + 2), _Alignof(nb_named_tensor));
    nb_tensor *step = nb_scalar(ctx, NB_I64, (double)o->steps), *lr = nb_scalar(ctx, NB_F64, o->lr);
    if (!a || !step || !lr) return -1;
    a[0] = (nb_named_tensor){"step", step};
    a[1] = (nb_named_tensor){"lr", lr};
    for (int i = 0; i < o->nstate; i++) { /* names copied: the listing lives in ctx */
        a[i + 2] = (nb_named_tensor){nb__ctx_strdup(ctx, o->state[i].name), o->state[i].tensor};
        if (!a[i + 2].name) return -1;
    }
    *out = a;
    return o->nstate + 2;
}

nb_tensor *nb__find_state(const char *api, const nb_named_tensor *ts, int n, const char *prefix,
                          const char *name, const nb_tensor *want)
{
    size_t pl = prefix ? strlen(prefix) : 0;
    for (int i = 0; i < n; i++) {
        const char *s = ts[i].name;
        if (!s || (pl && strncmp(s, prefix, pl)) || strcmp(s + pl, name)) continue;
        nb_tensor *t = ts[i].tensor;
        if (t->dtype != want->dtype || !nb_same_shape(t, want)) {
            char s1[NB_SHAPE_STR_MAX], s2[NB_SHAPE_STR_MAX];
            nb__error("%s: \"%s%s\" is %s %s but %s %s is expected", api, prefix ? prefix : "", name,
                      nb_dtype_name(t->dtype), nb__shape_str(s1, sizeof s1, t->ndim, t->shape),
                      nb_dtype_name(want->dtype), nb__shape_str(s2, sizeof s2, want->ndim, want->shape));
            return NULL;
        }
        return t;
    }
    nb__error("%s: \"%s%s\" is missing", api, prefix ? prefix : "", name);
    return NULL;
}

int nb_optim_load_state(nb_optim *o, const nb_named_tensor *ts, int n, const char *prefix)
{
    if (!o || (n && !ts) || n < 0) {
        nb__error("nb_optim_load_state: need an optimizer and %d named tensors", n);
        return -1;
    }
    if (o->kind->set_state) return o->kind->set_state(o, ts, n, prefix);
    nb_ctx *tmp = nb_ctx_new();
    nb_tensor *want_step = tmp ? nb_scalar(tmp, NB_I64, 0) : NULL, *want_lr = tmp ? nb_scalar(tmp, NB_F64, 0) : NULL;
    nb_tensor *step = want_step ? nb__find_state(__func__, ts, n, prefix, "step", want_step) : NULL;
    nb_tensor *lr = step ? nb__find_state(__func__, ts, n, prefix, "lr", want_lr) : NULL;
    bool ok = lr != NULL;
    for (int i = 0; ok && i < o->nstate; i++) /* check everything before changing anything */
        ok = nb__find_state(__func__, ts, n, prefix, o->state[i].name, o->state[i].tensor) != NULL;
    if (ok && (!(nb_item(lr) >= 0) || nb_item_i64(step) < 0)) {
        nb__error("nb_optim_load_state: step %lld and lr %g must be >= 0", (long long)nb_item_i64(step), nb_item(lr));
        ok = false;
    }
    for (int i = 0; ok && i < o->nstate; i++)
        ok = nb_copy_(o->state[i].tensor, nb__find_state(__func__, ts, n, prefix, o->state[i].name,
                                                         o->state[i].tensor)) == 0;
    if (ok) {
        o->steps = nb_item_i64(step);
        o->lr = nb_item(lr);
    }
    nb_ctx_free(tmp);
    return ok ? 0 : -1;
}
