/* nn/sequential.c — a container that feeds each child's output to the next. */
#include <stdio.h>

#include "nn_internal.h"

static nb_tensor *sequential_forward(nb_module *m, nb_ctx *ctx, nb_tensor *x)
{
    for (int i = 0; i < m->nchildren && x; i++) x = nb_module_forward(m->children[i].module, ctx, x);
    return x;
}

nb_module *nb_sequential_new(nb_ctx *ctx, int n, nb_module *const *layers)
{
    if (n < 0 || (n && !layers)) {
        nb__error("nb_sequential_new: need an array of %d layers", n);
        return NULL;
    }
    for (int i = 0; i < n; i++)
        if (!layers[i]) {
            if (!nb_last_error()[0]) nb__error("nb_sequential_new: layer %d is NULL", i);
            return NULL;
        }
    nb_module *seq = nb_module_new(ctx, "Sequential", sequential_forward, 0);
    for (int i = 0; seq && i < n; i++)
        if (nb_sequential_append(seq, layers[i])) return NULL;
    return seq;
}

int nb_sequential_append(nb_module *seq, nb_module *layer)
{
    if (!layer) {
        if (!nb_last_error()[0]) nb__error("nb_sequential_append: layer is NULL");
        return -1;
    }
    if (!seq || seq->forward != sequential_forward) {
        nb__error("nb_sequential_append: the module is not a Sequential");
        return -1;
    }
    char name[16];
    snprintf(name, sizeof name, "%d", seq->nchildren);
    return nb_module_add(seq, name, layer) ? 0 : -1;
}
