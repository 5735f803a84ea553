/* models/state.c — a model's learned state: named tensors (coefficients,
 * tree nodes, ...) and named texts (a vocabulary), which save and load move
 * to and from a model file. The tensors live in the state's own arena. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

nb_state *nb__state_new(const char *origin)
{
    nb_state *st = calloc(1, sizeof *st);
    if (st) st->ctx = nb_ctx_new();
    if (!st || !st->ctx) {
        free(st);
        nb__error("nb_state: out of memory");
        return NULL;
    }
    st->origin = origin;
    return st;
}

void nb__state_free(nb_state *st)
{
    if (!st) return;
    for (int k = 0; k < st->n; k++) free(st->e[k].name), free(st->e[k].text);
    free(st->e);
    nb_ctx_free(st->ctx);
    free(st);
}

static const nb__state_entry *find(const nb_state *st, const char *name)
{
    for (int k = 0; k < st->n; k++)
        if (!strcmp(st->e[k].name, name)) return &st->e[k];
    return NULL;
}

/* Appends an entry after checking the name. */
static nb__state_entry *push(nb_state *st, const char *name, const char *fn)
{
    if (!st || !name || !*name) return nb__error("%s: %s", fn, st ? "empty name" : "NULL state"), NULL;
    if (find(st, name)) return nb__error("%s: '%s' is already in the state", fn, name), NULL;
    if (st->n == st->cap) {
        int cap = st->cap ? 2 * st->cap : 8;
        nb__state_entry *e = realloc(st->e, (size_t)cap * sizeof *e);
        if (!e) return nb__error("%s: out of memory", fn), NULL;
        st->e = e, st->cap = cap;
    }
    nb__state_entry *e = &st->e[st->n];
    memset(e, 0, sizeof *e);
    if (!(e->name = nb__str_copy(name))) return NULL;
    st->n++;
    return e;
}

int nb__state_adopt(nb_state *st, const char *name, nb_tensor *t)
{
    nb__state_entry *e = push(st, name, "nb_state_put");
    if (!e) return -1;
    e->t = t;
    return 0;
}

int nb_state_put(nb_state *st, const char *name, const nb_tensor *t)
{
    if (!t) return nb__error("nb_state_put: '%s': NULL tensor", name ? name : "(null)"), -1;
    if (!st) return nb__error("nb_state_put: NULL state"), -1;
    nb_tensor *c = nb_clone(st->ctx, (nb_tensor *)t);
    return c ? nb__state_adopt(st, name, c) : -1;
}

int nb_state_put_text(nb_state *st, const char *name, const char *text)
{
    if (!text) return nb__error("nb_state_put_text: '%s': NULL text", name ? name : "(null)"), -1;
    nb__state_entry *e = push(st, name, "nb_state_put_text");
    if (!e) return -1;
    if (!(e->text = nb__str_copy(text))) return st->n--, free(e->name), -1;
    return 0;
}

static void shape_text(char *buf, size_t size, int ndim, const int64_t *shape)
{
    size_t used = (size_t)snprintf(buf, size, "[");
    for (int d = 0; d < ndim && used < size; d++)
        used += (size_t)snprintf(buf + used, size - used, "%s%lld", d ? "," : "", (long long)shape[d]);
    if (used < size) snprintf(buf + used, size - used, "]");
}

nb_tensor *nb_state_get(const nb_state *st, const char *name, nb_dtype dtype, int ndim,
                        const int64_t *shape)
{
    const char *fn = "nb_state_get", *where = st && st->origin ? st->origin : "model state";
    if (!st || !name) return nb__error("%s: NULL %s", fn, st ? "name" : "state"), NULL;
    const nb__state_entry *e = find(st, name);
    if (!e || !e->t) {
        nb__error("%s: %s: no tensor '%s'", fn, where, name);
        return NULL;
    }
    nb_tensor *t = e->t;
    bool ok = t->dtype == dtype && t->ndim == ndim;
    for (int d = 0; ok && shape && d < ndim; d++) ok = shape[d] < 0 || shape[d] == t->shape[d];
    if (!ok) {
        char want[128], got[128];
        shape_text(want, sizeof want, ndim, shape ? shape : t->shape);
        shape_text(got, sizeof got, t->ndim, t->shape);
        nb__error("%s: %s: tensor '%s' is %s %s, expected %s %s%s", fn, where, name,
                  nb_dtype_name(t->dtype), got, nb_dtype_name(dtype), want,
                  shape ? " (-1: any size)" : "");
        return NULL;
    }
    return t;
}

const char *nb_state_get_text(const nb_state *st, const char *name)
{
    const nb__state_entry *e = st && name ? find(st, name) : NULL;
    if (!e || !e->text) {
        nb__error("nb_state_get_text: %s: no text '%s'", st && st->origin ? st->origin : "model state",
                  name ? name : "(null)");
        return NULL;
    }
    return e->text;
}
