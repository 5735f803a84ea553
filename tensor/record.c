/* tensor/record.c — the recording hook (see record.h). */
#include "record.h"

_Thread_local int nb__op_depth;

static _Atomic(nb__record_fn) record_hook;

void nb__set_record_hook(nb__record_fn fn) { atomic_store(&record_hook, fn); }

nb_tensor *nb__op_end(nb__op_site *site, nb_ctx *ctx, nb_tensor *out, nb_tensor *const *inputs,
                      int n, const void *attrs, size_t attrs_size)
{
    nb__op_depth--;
    if (!out || nb__op_depth > 0) return out;
    nb__record_fn hook = atomic_load_explicit(&record_hook, memory_order_relaxed);
    if (!hook) return out;
    for (int i = 0; i < n; i++)
        if (inputs[i] && inputs[i]->autograd) return hook(site, ctx, out, inputs, n, attrs, attrs_size);
    return out;
}
