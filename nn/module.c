/* nn/module.c — the module tree: named parameters, buffers and children,
 * train/eval mode, forward, and the recursive listings with dotted names.
 *
 * A module, its arrays and its names live in the arena it was made in, next
 * to its parameters; freeing that arena frees the model. */
#include <stdarg.h>
#include <string.h>

#include "nn_internal.h"

char *nb__ctx_strdup(nb_ctx *ctx, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = nb_ctx_alloc(ctx, n, 1);
    if (d) memcpy(d, s, n);
    return d;
}

nb_module *nb_module_new(nb_ctx *ctx, const char *type, nb_module_forward_fn forward,
                         size_t state_size)
{
    if (!ctx || !type || !forward) {
        nb__error("nb_module_new: need a context, a type name and a forward function");
        return NULL;
    }
    nb_module *m = nb_ctx_alloc(ctx, sizeof *m, _Alignof(nb_module));
    if (!m) return NULL;
    *m = (nb_module){.forward = forward, .ctx = ctx, .training = true, .repr = ""};
    m->type = nb__ctx_strdup(ctx, type);
    if (state_size) {
        m->state = nb_ctx_alloc(ctx, state_size, 16);
        if (m->state) memset(m->state, 0, state_size);
    }
    return m->type && (m->state || !state_size) ? m : NULL;
}

nb_module *nb__layer_new(nb_ctx *ctx, const char *type, nb_module_forward_fn forward,
                         size_t state_size, const char *repr_fmt, ...)
{
    nb_module *m = nb_module_new(ctx, type, forward, state_size);
    if (!m) return NULL;
    char buf[256];
    va_list ap;
    va_start(ap, repr_fmt);
    vsnprintf(buf, sizeof buf, repr_fmt, ap);
    va_end(ap);
    return nb_module_set_repr(m, buf) ? NULL : m;
}

void *nb_module_state(const nb_module *m) { return m ? m->state : NULL; }
const char *nb_module_type(const nb_module *m) { return m ? m->type : NULL; }
nb_ctx *nb_module_ctx(const nb_module *m) { return m ? m->ctx : NULL; }

int nb_module_set_repr(nb_module *m, const char *text)
{
    if (!m || !text) {
        nb__error("nb_module_set_repr: %s is NULL", m ? "text" : "module");
        return -1;
    }
    const char *copy = nb__ctx_strdup(m->ctx, text);
    if (!copy) return -1;
    m->repr = copy;
    return 0;
}

/* ---- registering ------------------------------------------------------------- */

static bool name_taken(const nb_module *m, const char *name)
{
    for (int i = 0; i < m->nparams; i++)
        if (!strcmp(m->params[i].name, name)) return true;
    for (int i = 0; i < m->nbuffers; i++)
        if (!strcmp(m->buffers[i].name, name)) return true;
    for (int i = 0; i < m->nchildren; i++)
        if (!strcmp(m->children[i].name, name)) return true;
    return false;
}

static int check_name(const char *api, const nb_module *m, const char *name)
{
    if (!m || !name) {
        nb__error("%s: %s is NULL", api, m ? "name" : "module");
        return -1;
    }
    if (!name[0] || strchr(name, '.')) {
        nb__error("%s: name \"%s\" must be non-empty and have no '.'", api, name);
        return -1;
    }
    if (name_taken(m, name)) {
        nb__error("%s: %s already has something named \"%s\"", api, m->type, name);
        return -1;
    }
    return 0;
}

/* Makes room for one more element in an arena-held array. */
static void *grow(nb_ctx *ctx, void *arr, int count, int *cap, size_t elem)
{
    if (count < *cap) return arr;
    int ncap = *cap ? 2 * *cap : 4;
    void *bigger = nb_ctx_alloc(ctx, elem * (size_t)ncap, 16);
    if (!bigger) return NULL;
    if (count) memcpy(bigger, arr, elem * (size_t)count);
    *cap = ncap;
    return bigger;
}

static nb_tensor *add_tensor(const char *api, nb_module *m, const char *name, nb_tensor *t,
                             bool param)
{
    if (!t) return NULL; /* keep the error of whatever made t */
    if (check_name(api, m, name)) return NULL;
    if (param && (!nb_dtype_is_float(t->dtype) || nb_requires_grad_(t, true))) {
        nb__error("%s: parameter \"%s\" must be a float tensor that is a leaf, got %s%s", api,
                  name, nb_dtype_name(t->dtype), nb_is_leaf(t) ? "" : " made by an op");
        return NULL;
    }
    int *count = param ? &m->nparams : &m->nbuffers, *cap = param ? &m->params_cap : &m->buffers_cap;
    nb_named_tensor **arr = param ? &m->params : &m->buffers;
    nb_named_tensor *a = grow(m->ctx, *arr, *count, cap, sizeof **arr);
    const char *copy = nb__ctx_strdup(m->ctx, name);
    if (!a || !copy) return NULL;
    *arr = a;
    a[(*count)++] = (nb_named_tensor){copy, t};
    return t;
}

nb_tensor *nb_module_add_param(nb_module *m, const char *name, nb_tensor *t)
{
    return add_tensor(__func__, m, name, t, true);
}

nb_tensor *nb_module_add_buffer(nb_module *m, const char *name, nb_tensor *t)
{
    return add_tensor(__func__, m, name, t, false);
}

nb_module *nb_module_add(nb_module *m, const char *name, nb_module *child)
{
    if (!child) return NULL;
    if (check_name(__func__, m, name)) return NULL;
    if (child == m) {
        nb__error("nb_module_add: a module cannot be its own child");
        return NULL;
    }
    nb__child *a = grow(m->ctx, m->children, m->nchildren, &m->children_cap, sizeof *a);
    const char *copy = nb__ctx_strdup(m->ctx, name);
    if (!a || !copy) return NULL;
    m->children = a;
    a[m->nchildren++] = (nb__child){copy, child};
    return child;
}

/* ---- finding ---------------------------------------------------------------- */

int nb_module_num_children(const nb_module *m) { return m ? m->nchildren : 0; }

nb_module *nb_module_child_at(const nb_module *m, int i, const char **name)
{
    if (!m || i < 0 || i >= m->nchildren) return NULL;
    if (name) *name = m->children[i].name;
    return m->children[i].module;
}

/* The direct child named by the first len bytes of path. */
static nb_module *child_named(const nb_module *m, const char *path, size_t len)
{
    for (int i = 0; i < m->nchildren; i++)
        if (strlen(m->children[i].name) == len && !strncmp(m->children[i].name, path, len))
            return m->children[i].module;
    return NULL;
}

nb_module *nb_module_child(const nb_module *m, const char *path)
{
    while (m && path && *path) {
        const char *dot = strchr(path, '.');
        size_t len = dot ? (size_t)(dot - path) : strlen(path);
        m = child_named(m, path, len);
        path = dot ? dot + 1 : NULL;
    }
    return path ? NULL : (nb_module *)m;
}

nb_tensor *nb_module_tensor(const nb_module *m, const char *name)
{
    if (!m || !name) return NULL;
    const char *dot = strchr(name, '.');
    while (dot) { /* descend through every dotted part but the last */
        m = child_named(m, name, (size_t)(dot - name));
        if (!m) return NULL;
        name = dot + 1;
        dot = strchr(name, '.');
    }
    for (int i = 0; i < m->nparams; i++)
        if (!strcmp(m->params[i].name, name)) return m->params[i].tensor;
    for (int i = 0; i < m->nbuffers; i++)
        if (!strcmp(m->buffers[i].name, name)) return m->buffers[i].tensor;
    return NULL;
}

/* ---- running ---------------------------------------------------------------- */

nb_tensor *nb_module_forward(nb_module *m, nb_ctx *ctx, nb_tensor *x)
{
    if (!x) {
        if (!nb_last_error()[0]) nb__error("nb_module_forward: input tensor is NULL");
        return NULL;
    }
    if (!m || !ctx) {
        nb__error("nb_module_forward: %s is NULL", m ? "the context" : "the module");
        return NULL;
    }
    return m->forward(m, ctx, x);
}

void nb_module_train(nb_module *m, bool training)
{
    if (!m) return;
    m->training = training;
    for (int i = 0; i < m->nchildren; i++) nb_module_train(m->children[i].module, training);
}

void nb_module_eval(nb_module *m) { nb_module_train(m, false); }
bool nb_module_is_training(const nb_module *m) { return m && m->training; }
