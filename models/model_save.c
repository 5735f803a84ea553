/* models/model_save.c — writing a fitted model to a safetensors file.
 *
 * Tensors: the model's learned state, under the names its plugin chose.
 * __metadata__ (strings; structured values as JSON text):
 *   format "nabla-model", format_version "1", abi "1.0",
 *   plugin, plugin_version, model_type, task,
 *   params     {"C": "1", ...}
 *   pipeline   the fitted pipeline's JSON, or null
 *   labels     the label map's JSON, or null
 *   columns    {"target": "Survived", "inputs": [...], "features": [...], "env": null}
 *   repro      {"nabla_version", "seed", "threads", "isa", "data", "rows", "checksum"}
 *   state.<name>        the plugin's texts
 *   checksum            FNV-1a 64 over the tensors' names, dtypes, shapes
 *                       and bytes, then every other metadata entry in key
 *                       order, so a changed byte anywhere is noticed.
 * The file goes through nb_safetensors_save: a temporary file renamed. */
#include "model_file.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int by_key(const void *a, const void *b)
{
    return strcmp(((const nb_metadata *)a)->key, ((const nb_metadata *)b)->key);
}

uint64_t nb__file_checksum(const nb_named_tensor *t, int n, const nb_metadata *meta, int nmeta)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (int k = 0; k < n; k++) {
        const nb_tensor *x = t[k].tensor;
        h = nb__fnv(h, t[k].name, strlen(t[k].name) + 1);
        int32_t head[2] = {(int32_t)x->dtype, x->ndim};
        h = nb__fnv(h, head, sizeof head);
        h = nb__fnv(h, x->shape, (size_t)x->ndim * sizeof x->shape[0]);
        h = nb__fnv(h, nb_data(x), (size_t)nb_numel(x) * nb_dtype_size(x->dtype));
    }
    nb_metadata *sorted = malloc((size_t)(nmeta ? nmeta : 1) * sizeof *sorted);
    if (!sorted) return 0;
    memcpy(sorted, meta, (size_t)nmeta * sizeof *sorted);
    qsort(sorted, (size_t)nmeta, sizeof *sorted, by_key);
    for (int k = 0; k < nmeta; k++) {
        if (!strcmp(sorted[k].key, "checksum")) continue;
        h = nb__fnv(h, sorted[k].key, strlen(sorted[k].key) + 1);
        h = nb__fnv(h, sorted[k].value, strlen(sorted[k].value) + 1);
    }
    free(sorted);
    return h;
}

static json_t *names_json(char *const *v, int64_t n)
{
    json_t *a = json_array();
    for (int64_t k = 0; a && k < n; k++) json_array_append_new(a, json_string(v[k]));
    return a;
}

static char *dump(json_t *j)
{
    char *s = j ? json_dumps(j, JSON_PRESERVE_ORDER | JSON_COMPACT) : NULL;
    json_decref(j);
    return s;
}

/* JSON text re-written compactly (the pipeline's own writer indents). */
static char *compact(char *json)
{
    json_t *j = json ? json_loads(json, 0, NULL) : NULL;
    free(json);
    return j ? dump(j) : NULL;
}

static char *columns_json(const nb_model *m)
{
    json_t *o = json_object();
    json_object_set_new(o, "target", m->target ? json_string(m->target) : json_null());
    json_object_set_new(o, "inputs", names_json(m->inputs, m->ninputs));
    json_object_set_new(o, "features", names_json(m->features, m->nfeatures));
    json_object_set_new(o, "env", m->env_name ? json_string(m->env_name) : json_null());
    return dump(o);
}

static char *repro_json(const nb_repro *r)
{
    char seed[32], rows[32], threads[16];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)r->seed);
    snprintf(rows, sizeof rows, "%lld", (long long)r->rows);
    snprintf(threads, sizeof threads, "%d", r->threads);
    json_t *o = json_object();
    json_object_set_new(o, "nabla_version", json_string(r->nabla_version));
    json_object_set_new(o, "seed", json_string(seed));
    json_object_set_new(o, "threads", json_string(threads));
    json_object_set_new(o, "isa", json_string(r->isa));
    json_object_set_new(o, "data", json_string(r->data_name));
    json_object_set_new(o, "rows", json_string(rows));
    json_object_set_new(o, "checksum", json_string(r->checksum));
    return dump(o);
}

/* The metadata as (key, owned value) pairs; texts from the plugin's state. */
typedef struct meta_list {
    nb_metadata *m;
    char **owned;
    int n, cap;
} meta_list;

static int put(meta_list *l, const char *key, char *value, bool own)
{
    if (!value) return nb__error("nb_model_save: out of memory"), -1;
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 32;
        nb_metadata *m = realloc(l->m, (size_t)cap * sizeof *m);
        char **o = m ? realloc(l->owned, (size_t)cap * 2 * sizeof *o) : NULL;
        if (m) l->m = m;
        if (!m || !o) return nb__error("nb_model_save: out of memory"), own ? free(value) : (void)0, -1;
        l->owned = o, l->cap = cap;
    }
    l->owned[2 * l->n] = own ? value : NULL;
    l->owned[2 * l->n + 1] = NULL;
    l->m[l->n++] = (nb_metadata){key, value};
    return 0;
}

static void meta_free(meta_list *l)
{
    for (int k = 0; k < 2 * l->n; k++) free(l->owned[k]);
    free(l->m), free(l->owned);
}

static int fill_meta(meta_list *l, const nb_model *m, const nb_plugin_info *plugin)
{
    char abi[16];
    snprintf(abi, sizeof abi, "%d.%d", NB_ABI_MAJOR, NB_ABI_MINOR);
    int rc = put(l, "format", (char *)NB_MODEL_FORMAT, false);
    rc = rc ? rc : put(l, "format_version", (char *)NB_MODEL_FORMAT_VERSION, false);
    rc = rc ? rc : put(l, "abi", nb__str_copy(abi), true);
    rc = rc ? rc : put(l, "plugin", (char *)plugin->name, false);
    rc = rc ? rc : put(l, "plugin_version", (char *)plugin->version, false);
    rc = rc ? rc : put(l, "model_type", (char *)m->type->name, false);
    rc = rc ? rc : put(l, "task", (char *)nb_task_name(m->type->task), false);
    rc = rc ? rc : put(l, "params", nb_params_to_json(m->params), true);
    rc = rc ? rc : put(l, "pipeline", m->pipeline ? compact(nb_pipeline_to_json(m->pipeline)) : nb__str_copy("null"), true);
    rc = rc ? rc : put(l, "labels", m->labels ? compact(nb_label_map_to_json(m->labels)) : nb__str_copy("null"), true);
    rc = rc ? rc : put(l, "columns", columns_json(m), true);
    rc = rc ? rc : put(l, "repro", repro_json(&m->repro), true);
    return rc;
}

/* The plugin's texts become "state.<name>" entries. */
static int state_texts(meta_list *l, const nb_state *st)
{
    for (int k = 0; k < st->n; k++) {
        if (!st->e[k].text) continue;
        size_t len = strlen(st->e[k].name) + 7;
        char *key = malloc(len);
        if (!key || put(l, key, st->e[k].text, false) < 0) return free(key), -1;
        snprintf(key, len, "state.%s", st->e[k].name);
        l->owned[2 * (l->n - 1) + 1] = key;
    }
    return 0;
}

static int save_state(const nb_model *m, const char *path, const nb_plugin_info *plugin, nb_state *st)
{
    meta_list l = {0};
    nb_named_tensor *ts = calloc((size_t)st->n + 1, sizeof *ts);
    int n = 0, rc = ts ? 0 : -1;
    for (int k = 0; ts && k < st->n; k++)
        if (st->e[k].t) ts[n++] = (nb_named_tensor){st->e[k].name, st->e[k].t};
    char sum[32];
    if (rc == 0) rc = fill_meta(&l, m, plugin);
    if (rc == 0) rc = state_texts(&l, st);
    if (rc == 0) snprintf(sum, sizeof sum, "fnv1a64:%016llx", (unsigned long long)nb__file_checksum(ts, n, l.m, l.n));
    if (rc == 0) rc = put(&l, "checksum", sum, false);
    if (rc == 0) rc = nb_safetensors_save(path, ts, n, l.m, l.n);
    if (!ts) nb__error("nb_model_save: out of memory");
    free(ts);
    meta_free(&l);
    return rc;
}

int nb_model_save(const nb_model *m, const char *path)
{
    const char *fn = "nb_model_save";
    if (!m || !path) return nb__error("%s: NULL %s", fn, m ? "path" : "model"), -1;
    if (!m->fitted) return nb__error("%s: %s is not fitted", fn, m->type->name), -1;
    const nb_plugin_info *plugin = nb__plugin_of(m->type);
    if (!plugin) return nb__error("%s: %s does not come from a loaded plugin", fn, m->type->name), -1;
    nb_state *st = nb__state_new(NULL);
    int rc = st ? m->type->save(m->state, st) : -1;
    if (rc < 0 && !*nb_last_error()) nb__error("%s: %s: save failed without saying why", fn, m->type->name);
    if (rc == 0) rc = save_state(m, path, plugin, st);
    nb__state_free(st);
    return rc < 0 ? -1 : 0;
}
