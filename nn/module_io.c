/* nn/module_io.c — a module's weights to and from safetensors files, by
 * state_dict name ("0.weight"). Loading is strict: every name of the model
 * must be in the file with the same shape and dtype, and the file must hold
 * nothing else (under the prefix); all of it is checked before any weight
 * changes, so a refused file leaves the model as it was. */
#include <string.h>

#include "nn_internal.h"

int nb_module_save(const nb_module *m, const char *path, const nb_metadata *meta, int nmeta)
{
    if (!m) {
        nb__error("nb_module_save: module is NULL");
        return -1;
    }
    nb_ctx *tmp = nb_ctx_new();
    nb_named_tensor *sd;
    int n = tmp ? nb_module_state_dict(m, tmp, &sd) : -1;
    int rc = n < 0 ? -1 : nb_safetensors_save(path, sd, n, meta, nmeta);
    nb_ctx_free(tmp);
    return rc;
}

static const nb_named_tensor *find(const nb_named_tensor *ts, int n, const char *prefix, const char *name)
{
    size_t pl = prefix ? strlen(prefix) : 0;
    for (int i = 0; i < n; i++)
        if (ts[i].name && !strncmp(ts[i].name, prefix ? prefix : "", pl) && !strcmp(ts[i].name + pl, name))
            return &ts[i];
    return NULL;
}

/* Checks that ts (under prefix) is exactly the model's state dict sd;
 * `source` names the file in messages. */
static int check_state(const char *api, const char *source, const nb_named_tensor *sd, int nsd,
                       const nb_named_tensor *ts, int n, const char *prefix)
{
    const char *pre = prefix ? prefix : "";
    char s1[NB_SHAPE_STR_MAX], s2[NB_SHAPE_STR_MAX];
    for (int i = 0; i < nsd; i++) {
        const nb_named_tensor *f = find(ts, n, prefix, sd[i].name);
        const nb_tensor *want = sd[i].tensor;
        if (!f) {
            nb__error("%s: %s: \"%s%s\" (%s %s) is missing", api, source, pre, sd[i].name,
                      nb_dtype_name(want->dtype), nb__shape_str(s1, sizeof s1, want->ndim, want->shape));
            return -1;
        }
        if (f->tensor->dtype != want->dtype || !nb_same_shape(f->tensor, want)) {
            nb__error("%s: %s: \"%s%s\" is %s %s but the model has %s %s", api, source, pre, sd[i].name,
                      nb_dtype_name(f->tensor->dtype), nb__shape_str(s1, sizeof s1, f->tensor->ndim, f->tensor->shape),
                      nb_dtype_name(want->dtype), nb__shape_str(s2, sizeof s2, want->ndim, want->shape));
            return -1;
        }
    }
    size_t pl = strlen(pre);
    for (int i = 0; i < n; i++) {
        if (!ts[i].name || strncmp(ts[i].name, pre, pl)) continue;
        bool known = false;
        for (int j = 0; j < nsd && !known; j++) known = !strcmp(ts[i].name + pl, sd[j].name);
        if (!known) {
            nb__error("%s: %s: \"%s\" is not a weight of this model", api, source, ts[i].name);
            return -1;
        }
    }
    return 0;
}

int nb__module_state_apply(const char *api, const char *source, nb_module *m,
                           const nb_named_tensor *ts, int n, const char *prefix, bool check_only)
{
    if (!m || n < 0 || (n && !ts)) {
        nb__error("%s: need a module and %d named tensors", api, n);
        return -1;
    }
    nb_ctx *tmp = nb_ctx_new();
    nb_named_tensor *sd;
    int nsd = tmp ? nb_module_state_dict(m, tmp, &sd) : -1;
    int rc = nsd < 0 ? -1 : check_state(api, source, sd, nsd, ts, n, prefix);
    for (int i = 0; rc == 0 && !check_only && i < nsd; i++)
        rc = nb_copy_(sd[i].tensor, find(ts, n, prefix, sd[i].name)->tensor);
    nb_ctx_free(tmp);
    return rc;
}

int nb_module_load_state_dict(nb_module *m, const nb_named_tensor *ts, int n, const char *prefix)
{
    return nb__module_state_apply(__func__, "state dict", m, ts, n, prefix, false);
}

int nb_module_load(nb_module *m, const char *path)
{
    nb_ctx *tmp = nb_ctx_new();
    nb_safetensors *st = tmp ? nb_safetensors_load(tmp, path) : NULL;
    int rc = st ? nb__module_state_apply(__func__, path, m, st->tensors, st->n, NULL, false) : -1;
    nb_ctx_free(tmp);
    return rc;
}
