/* nn/module_list.c — walking a module tree: named parameters and state dicts
 * with dotted names, counts, zero_grad, and printing.
 *
 * Orders are PyTorch's: named_parameters visits a module's own parameters,
 * then its children depth first; state_dict visits a module's parameters,
 * then its buffers, then its children. */
#include <string.h>

#include "nn_internal.h"

typedef struct {
    nb_ctx *ctx;
    nb_named_tensor *out; /* NULL on the counting pass */
    int n;
    bool buffers;         /* state_dict: buffers too */
} walk;

static int emit(walk *w, const char *prefix, const char *name, nb_tensor *t)
{
    if (w->out) {
        size_t len = strlen(prefix) + strlen(name) + 1;
        char *full = nb_ctx_alloc(w->ctx, len, 1);
        if (!full) return -1;
        snprintf(full, len, "%s%s", prefix, name);
        w->out[w->n] = (nb_named_tensor){full, t};
    }
    w->n++;
    return 0;
}

/* Module trees are a few levels deep: plain recursion. */
static int visit(walk *w, const nb_module *m, const char *prefix)
{
    for (int i = 0; i < m->nparams; i++)
        if (emit(w, prefix, m->params[i].name, m->params[i].tensor)) return -1;
    for (int i = 0; w->buffers && i < m->nbuffers; i++)
        if (emit(w, prefix, m->buffers[i].name, m->buffers[i].tensor)) return -1;
    for (int i = 0; i < m->nchildren; i++) {
        char sub[512];
        int len = snprintf(sub, sizeof sub, "%s%s.", prefix, m->children[i].name);
        if (len < 0 || (size_t)len >= sizeof sub) {
            nb__error("nb_module_parameters: the name %s%s... is too long", prefix, m->children[i].name);
            return -1;
        }
        if (visit(w, m->children[i].module, sub)) return -1;
    }
    return 0;
}

static int listing(const char *api, const nb_module *m, nb_ctx *ctx, nb_named_tensor **out,
                   bool buffers)
{
    if (!m || !ctx || !out) {
        nb__error("%s: need a module, a context and an output pointer", api);
        return -1;
    }
    walk w = {.ctx = ctx, .buffers = buffers};
    if (visit(&w, m, "")) return -1; /* count */
    w.out = nb_ctx_alloc(ctx, sizeof *w.out * (size_t)(w.n ? w.n : 1), _Alignof(nb_named_tensor));
    if (!w.out) return -1;
    w.n = 0;
    if (visit(&w, m, "")) return -1;
    *out = w.out;
    return w.n;
}

int nb_module_parameters(const nb_module *m, nb_ctx *ctx, nb_named_tensor **out)
{
    return listing(__func__, m, ctx, out, false);
}

int nb_module_state_dict(const nb_module *m, nb_ctx *ctx, nb_named_tensor **out)
{
    return listing(__func__, m, ctx, out, true);
}

int64_t nb_module_num_elements(const nb_module *m)
{
    if (!m) return 0;
    int64_t n = 0;
    for (int i = 0; i < m->nparams; i++) n += nb_numel(m->params[i].tensor);
    for (int i = 0; i < m->nchildren; i++) n += nb_module_num_elements(m->children[i].module);
    return n;
}

int nb_module_zero_grad(nb_module *m)
{
    if (!m) {
        nb__error("nb_module_zero_grad: module is NULL");
        return -1;
    }
    for (int i = 0; i < m->nparams; i++)
        if (nb_zero_grad(m->params[i].tensor)) return -1;
    for (int i = 0; i < m->nchildren; i++)
        if (nb_module_zero_grad(m->children[i].module)) return -1;
    return 0;
}

/* Each tensor header is rewritten in place (layers hold pointers to it) over
 * a converted copy in the module's arena. */
static int convert(nb_named_tensor *ts, int n, nb_dtype dtype, bool param)
{
    for (int i = 0; i < n; i++) {
        nb_tensor *t = ts[i].tensor, *c;
        if (!nb_dtype_is_float(t->dtype) || t->dtype == dtype) continue;
        NB_NO_GRAD { c = nb_cast(t->ctx, t, dtype); }
        if (!c) return -1;
        *t = *c; /* a fresh header: no autograd state, no gradient */
        if (param && nb_requires_grad_(t, true)) return -1;
    }
    return 0;
}

int nb_module_to(nb_module *m, nb_dtype dtype)
{
    if (!m || (dtype != NB_F32 && dtype != NB_F64)) {
        nb__error("nb_module_to: %s", m ? "dtype must be NB_F32 or NB_F64" : "module is NULL");
        return -1;
    }
    if (convert(m->params, m->nparams, dtype, true) || convert(m->buffers, m->nbuffers, dtype, false)) return -1;
    for (int i = 0; i < m->nchildren; i++)
        if (nb_module_to(m->children[i].module, dtype)) return -1;
    return 0;
}

/* ---- printing ------------------------------------------------------------------ */

static int print_tree(FILE *f, const nb_module *m, int indent)
{
    if (!m->nchildren) return fprintf(f, "%s(%s)", m->type, m->repr) < 0 ? -1 : 0;
    if (fprintf(f, "%s(%s%s\n", m->type, m->repr, m->repr[0] ? "," : "") < 0) return -1;
    for (int i = 0; i < m->nchildren; i++) {
        if (fprintf(f, "%*s(%s): ", indent + 2, "", m->children[i].name) < 0) return -1;
        if (print_tree(f, m->children[i].module, indent + 2) || fputc('\n', f) == EOF) return -1;
    }
    return fprintf(f, "%*s)", indent, "") < 0 ? -1 : 0;
}

int nb_module_print(FILE *stream, const nb_module *m)
{
    if (!stream || !m) {
        nb__error("nb_module_print: %s is NULL", stream ? "module" : "stream");
        return -1;
    }
    if (print_tree(stream, m, 0) || fputc('\n', stream) == EOF) {
        nb__error("nb_module_print: write error");
        return -1;
    }
    return 0;
}
