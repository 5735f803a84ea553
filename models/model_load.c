/* models/model_load.c — reading a model file back (the format is described
 * in model_save.c). The safetensors layer has checked the file's structure;
 * here every metadata field is checked before the plugin sees the state:
 * the format and its version, the ABI, that the model type is loaded and
 * comes from the plugin named in the file, the task, the parameters, the
 * pipeline, the labels, the column lists, and the checksum. */
#include "model_file.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct loader {
    const char *path;
    const nb_safetensors *st;
    nb_model *m;
} loader;

/* "nb_model_load: <path>: <what>" */
static void load_error(const loader *L, const char *fmt, ...) NB_PRINTF(2, 3);
#define FAIL(L, ...) (load_error(L, __VA_ARGS__), -1)

static void load_error(const loader *L, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    nb__error("nb_model_load: %s: %s", L->path, msg);
}

static const char *meta(const loader *L, const char *key)
{
    const char *v = nb_safetensors_meta(L->st, key);
    if (!v) load_error(L, "no '%s' in the metadata (not a nabla model file, or damaged)", key);
    return v;
}

static int check_format(const loader *L)
{
    const char *f = meta(L, "format"), *v = f ? meta(L, "format_version") : NULL, *abi = v ? meta(L, "abi") : NULL;
    if (!abi) return -1;
    if (strcmp(f, NB_MODEL_FORMAT) != 0) return FAIL(L, "format is '%.40s', not '%s'", f, NB_MODEL_FORMAT);
    if (strcmp(v, NB_MODEL_FORMAT_VERSION) != 0)
        return FAIL(L, "format version %.20s; this nabla reads version %s", v, NB_MODEL_FORMAT_VERSION);
    int major = -1, minor = -1, used = 0;
    if (sscanf(abi, "%d.%d%n", &major, &minor, &used) != 2 || abi[used] || major < 0 || minor < 0)
        return FAIL(L, "abi '%.20s' is not MAJOR.MINOR", abi);
    if (major != NB_ABI_MAJOR)
        return FAIL(L, "made for plugin ABI %d.%d; this nabla has ABI %d.%d", major, minor, NB_ABI_MAJOR, NB_ABI_MINOR);
    return 0;
}

/* The model type must be loaded, from the plugin the file names. */
static const nb_model_type *find_type(const loader *L, const nb_registry *r)
{
    const char *plugin = meta(L, "plugin"), *type = plugin ? meta(L, "model_type") : NULL;
    const char *version = type ? meta(L, "plugin_version") : NULL, *task = version ? meta(L, "task") : NULL;
    if (!task) return NULL;
    const nb_model_type *t = nb_registry_find_model(r, type);
    if (!t) {
        load_error(L, "model type '%.60s' (plugin '%.60s' %.20s) is not available: %s", type, plugin,
                   version, "no loaded plugin provides it (see 'nabla plugins')");
        return NULL;
    }
    const nb_plugin_info *from = nb_registry_model_plugin(r, t);
    if (!from || strcmp(from->name, plugin) != 0) {
        load_error(L, "made by plugin '%.60s', but model type '%s' now comes from plugin '%s'", plugin,
                   type, from ? from->name : "?");
        return NULL;
    }
    if (strcmp(task, nb_task_name(t->task)) != 0) {
        load_error(L, "task '%.40s', but %s is a %s model", task, type, nb_task_name(t->task));
        return NULL;
    }
    return t;
}

/* A JSON array of strings, copied. */
static char **names(const loader *L, json_t *a, const char *what, int64_t *n)
{
    if (!json_is_array(a)) return load_error(L, "columns.%s is not a list", what), NULL;
    const char **v = malloc((json_array_size(a) + 1) * sizeof *v);
    if (!v) return nb__error("nb_model_load: out of memory"), NULL;
    for (size_t k = 0; k < json_array_size(a); k++)
        if (!(v[k] = json_string_value(json_array_get(a, k)))) {
            free(v);
            return load_error(L, "columns.%s[%zu] is not a string", what, k), NULL;
        }
    *n = (int64_t)json_array_size(a);
    char **c = nb__strv_copy(v, *n);
    free(v);
    return c;
}

static int load_columns(const loader *L, nb_model *m)
{
    const char *text = meta(L, "columns");
    if (!text) return -1;
    json_error_t err;
    json_t *o = json_loads(text, 0, &err), *target = json_object_get(o, "target"), *env = json_object_get(o, "env");
    int64_t ninputs = 0;
    int rc = 0;
    if (!json_is_object(o) || !(json_is_string(target) || json_is_null(target)) || !(json_is_string(env) || json_is_null(env)))
        rc = FAIL(L, "columns: expected {\"target\", \"inputs\", \"features\", \"env\"}");
    if (rc == 0 && json_is_string(target) && !(m->target = nb__str_copy(json_string_value(target)))) rc = -1;
    if (rc == 0 && json_is_string(env) && !(m->env_name = nb__str_copy(json_string_value(env)))) rc = -1;
    if (rc == 0 && !(m->inputs = names(L, json_object_get(o, "inputs"), "inputs", &ninputs))) rc = -1;
    m->ninputs = (int)ninputs;
    if (rc == 0 && !(m->features = names(L, json_object_get(o, "features"), "features", &m->nfeatures))) rc = -1;
    json_decref(o);
    return rc;
}

static int load_pipeline_labels(const loader *L, nb_model *m)
{
    const char *p = meta(L, "pipeline"), *l = p ? meta(L, "labels") : NULL;
    if (!l) return -1;
    bool wants_pipeline = m->type->prep != NB_PREP_NONE && m->type->task != NB_TASK_CONTROL;
    if (wants_pipeline != (strcmp(p, "null") != 0))
        return FAIL(L, "pipeline: %s", wants_pipeline ? "missing" : "present, but this model type takes none");
    if (wants_pipeline && !(m->pipeline = nb_pipeline_from_json(p)))
        return FAIL(L, "pipeline: %.700s", nb_last_error());
    bool classifier = m->type->task == NB_TASK_CLASSIFICATION || m->type->task == NB_TASK_TEXT_CLASSIFICATION;
    if (classifier != (strcmp(l, "null") != 0)) return FAIL(L, "labels: %s", classifier ? "missing" : "unexpected");
    if (!classifier) return 0;
    if (!(m->labels = nb_label_map_from_json(l))) return FAIL(L, "labels: %.700s", nb_last_error());
    m->nclasses = nb_label_map_count(m->labels);
    const char **v = malloc((size_t)m->nclasses * sizeof *v);
    for (int64_t k = 0; v && k < m->nclasses; k++) v[k] = nb_label_map_name(m->labels, k);
    m->class_names = v ? nb__strv_copy(v, m->nclasses) : NULL;
    free(v);
    if (m->nclasses < 2) return FAIL(L, "labels: %lld classes", (long long)m->nclasses);
    return m->class_names ? 0 : -1;
}

/* Copies a JSON string field into buf; -1 when absent or too long. */
static int field(json_t *o, const char *key, char *buf, size_t size)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && strlen(s) < size ? (snprintf(buf, size, "%s", s), 0) : -1;
}

static int load_repro(const loader *L, nb_repro *r)
{
    const char *text = meta(L, "repro");
    if (!text) return -1;
    json_t *o = json_loads(text, 0, NULL);
    char seed[32], rows[32], threads[16];
    int rc = field(o, "nabla_version", r->nabla_version, sizeof r->nabla_version) | field(o, "seed", seed, sizeof seed) |
             field(o, "threads", threads, sizeof threads) | field(o, "isa", r->isa, sizeof r->isa) |
             field(o, "data", r->data_name, sizeof r->data_name) | field(o, "rows", rows, sizeof rows) |
             field(o, "checksum", r->checksum, sizeof r->checksum);
    json_decref(o);
    char *e1, *e2, *e3;
    if (rc == 0) {
        r->seed = strtoull(seed, &e1, 10), r->rows = strtoll(rows, &e2, 10), r->threads = (int)strtol(threads, &e3, 10);
        if (*e1 || *e2 || *e3 || !*seed || !*rows || !*threads) rc = -1;
    }
    return rc ? FAIL(L, "repro: expected string fields nabla_version, seed, threads, isa, data, rows, checksum") : 0;
}

/* The plugin's state, after the checksum over the tensors and metadata matches. */
static nb_state *load_state(const loader *L)
{
    const char *sum = meta(L, "checksum");
    if (!sum) return NULL;
    char want[32];
    snprintf(want, sizeof want, "fnv1a64:%016llx",
             (unsigned long long)nb__file_checksum(L->st->tensors, L->st->n, L->st->meta, L->st->nmeta));
    if (strcmp(sum, want) != 0) {
        load_error(L, "the contents do not match the checksum (the file was damaged or modified)");
        return NULL;
    }
    nb_state *st = nb__state_new(L->path);
    for (int k = 0; st && k < L->st->n; k++)
        if (nb__state_adopt(st, L->st->tensors[k].name, L->st->tensors[k].tensor) < 0) nb__state_free(st), st = NULL;
    for (int k = 0; st && k < L->st->nmeta; k++)
        if (!strncmp(L->st->meta[k].key, "state.", 6) &&
            nb_state_put_text(st, L->st->meta[k].key + 6, L->st->meta[k].value) < 0)
            nb__state_free(st), st = NULL;
    return st;
}

static int load_all(loader *L, const nb_registry *r)
{
    const nb_model_type *t;
    if (check_format(L) < 0 || !(t = find_type(L, r))) return -1;
    const char *params = meta(L, "params");
    nb_params *p = params ? nb_params_from_json(t->name, t->params, t->nparams, params) : NULL;
    if (!p) return params ? FAIL(L, "params: %.700s", nb_last_error()) : -1;
    nb_model *m = L->m = nb_model_new(t, p);
    nb_params_free(p);
    if (!m || load_columns(L, m) < 0 || load_pipeline_labels(L, m) < 0 || load_repro(L, &m->repro) < 0) return -1;
    if (!(m->plugin_name = nb__str_copy(meta(L, "plugin"))) || !(m->plugin_version = nb__str_copy(meta(L, "plugin_version"))))
        return -1;
    nb_state *st = load_state(L);
    if (!st) return -1;
    nb_clear_error();
    m->state = t->load(m->params, st);
    nb__state_free(st);
    if (!m->state) return FAIL(L, "%s could not read its state: %.600s", t->name,
                               *nb_last_error() ? nb_last_error() : "no reason given");
    m->fitted = true;
    return 0;
}

nb_model *nb_model_load(const nb_registry *r, const char *path)
{
    if (!r || !path) return nb__error("nb_model_load: NULL %s", r ? "path" : "registry"), NULL;
    nb_ctx *ctx = nb_ctx_new();
    loader L = {path, NULL, NULL};
    if (ctx) L.st = nb_safetensors_load(ctx, path);
    int rc = L.st ? load_all(&L, r) : -1;
    nb_ctx_free(ctx);
    if (rc < 0) {
        nb_model_free(L.m);
        return NULL;
    }
    return L.m;
}
