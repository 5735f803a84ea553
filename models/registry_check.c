/* models/registry_check.c — accepting a plugin's descriptor, or saying why
 * not. The descriptor is read only as far as its own size says it goes; each
 * model type and environment is copied into a zeroed host struct the same
 * way, so fields a newer minor ABI appended read as "absent" for an older
 * plugin. Then every field is checked before anything is kept. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* Smallest struct sizes of ABI 1.0: everything up to the last 1.0 field. */
#define DESC_MIN_1_0 (offsetof(nb_plugin_desc, nenvs) + sizeof(int32_t))
#define MODEL_MIN_1_0 (offsetof(nb_model_type, destroy) + sizeof(void (*)(void *)))
#define ENV_MIN_1_0 (offsetof(nb_env_type, destroy) + sizeof(void (*)(void *)))

/* Copies min(size, sizeof dst) bytes of a plugin struct into a zeroed dst. */
static void copy_sized(void *dst, size_t dst_size, const void *src, size_t src_size)
{
    memset(dst, 0, dst_size);
    memcpy(dst, src, src_size < dst_size ? src_size : dst_size);
}

static const char *check_model(const nb_model_type *t)
{
    if (!nb__is_identifier(t->name)) return "a model type's name is not an identifier ([a-z][a-z0-9_]*)";
    if (!t->summary) return "no summary";
    if (t->task < NB_TASK_REGRESSION || t->task > NB_TASK_CONTROL) return "unknown task";
    if ((unsigned)t->prep > NB_PREP_NONE) return "unknown input preparation";
    if (t->flags & ~NB_MODEL_SAMPLE_WEIGHTS) return "unknown flags";
    if (t->nparams < 0 || (t->nparams && !t->params)) return "bad parameter list";
    if (!t->create || !t->fit || !t->predict || !t->save || !t->load || !t->destroy)
        return "a required function (create, fit, predict, save, load, destroy) is missing";
    return NULL;
}

static const char *check_env(const nb_env_type *t)
{
    if (!nb__is_identifier(t->name)) return "an environment's name is not an identifier ([a-z][a-z0-9_]*)";
    if (!t->summary) return "no summary";
    if (t->nparams < 0 || (t->nparams && !t->params)) return "bad parameter list";
    if (!t->create || !t->n_states || !t->n_actions || !t->reset || !t->step || !t->destroy)
        return "a required function (create, n_states, n_actions, reset, step, destroy) is missing";
    return NULL;
}

/* Is a model type or environment of this name already registered? */
static const char *taken_by(const nb_registry *r, const char *name, bool env)
{
    for (int p = 0; p < r->nplugins; p++) {
        const nb_plugin_info *in = &r->plugins[p].info;
        for (int k = 0; k < (env ? in->nenvs : in->nmodels); k++)
            if (!strcmp(env ? in->envs[k]->name : in->models[k]->name, name)) return in->path;
    }
    return NULL;
}

/* Copies and checks the model types into p; a note and 0 on refusal. */
static int take_models(nb_registry *r, nb__plugin *p, const nb_plugin_desc *d, const char *path)
{
    p->models = calloc((size_t)d->nmodels + 1, sizeof *p->models);
    p->model_ptrs = calloc((size_t)d->nmodels + 1, sizeof *p->model_ptrs);
    if (!p->models || !p->model_ptrs) return nb__error("nb_registry: out of memory"), -1;
    for (int k = 0; k < d->nmodels; k++) {
        const nb_model_type *src = d->models[k];
        if (!src || src->size < MODEL_MIN_1_0)
            return nb__registry_note(r, NB_NOTE_REFUSED, path, "model type %d: %s", k,
                                     src ? "struct smaller than ABI 1.0's" : "NULL entry"), 0;
        copy_sized(&p->models[k], sizeof p->models[k], src, src->size);
        p->models[k].size = sizeof p->models[k];
        const char *why = check_model(&p->models[k]), *other;
        if (why) return nb__registry_note(r, NB_NOTE_REFUSED, path, "model type %d (%s): %s", k,
                                          nb__is_identifier(src->name) ? src->name : "?", why), 0;
        if (nb_params_check_schema(src->params, src->nparams) < 0)
            return nb__registry_note(r, NB_NOTE_REFUSED, path, "model type '%s': %s", src->name,
                                     nb_last_error()), 0;
        if ((other = taken_by(r, src->name, false)))
            return nb__registry_note(r, NB_NOTE_REFUSED, path,
                                     "model type '%s' is already provided by %s", src->name, other), 0;
        for (int j = 0; j < k; j++)
            if (!strcmp(p->models[j].name, src->name))
                return nb__registry_note(r, NB_NOTE_REFUSED, path, "model type '%s' appears twice",
                                         src->name), 0;
        p->model_ptrs[k] = &p->models[k];
    }
    return 1;
}

/* The same for environments. */
static int take_envs(nb_registry *r, nb__plugin *p, const nb_plugin_desc *d, const char *path)
{
    p->envs = calloc((size_t)d->nenvs + 1, sizeof *p->envs);
    p->env_ptrs = calloc((size_t)d->nenvs + 1, sizeof *p->env_ptrs);
    if (!p->envs || !p->env_ptrs) return nb__error("nb_registry: out of memory"), -1;
    for (int k = 0; k < d->nenvs; k++) {
        const nb_env_type *src = d->envs[k];
        if (!src || src->size < ENV_MIN_1_0)
            return nb__registry_note(r, NB_NOTE_REFUSED, path, "environment %d: %s", k,
                                     src ? "struct smaller than ABI 1.0's" : "NULL entry"), 0;
        copy_sized(&p->envs[k], sizeof p->envs[k], src, src->size);
        p->envs[k].size = sizeof p->envs[k];
        const char *why = check_env(&p->envs[k]), *other;
        if (why) return nb__registry_note(r, NB_NOTE_REFUSED, path, "environment %d: %s", k, why), 0;
        if (nb_params_check_schema(src->params, src->nparams) < 0)
            return nb__registry_note(r, NB_NOTE_REFUSED, path, "environment '%s': %s", src->name,
                                     nb_last_error()), 0;
        if ((other = taken_by(r, src->name, true)))
            return nb__registry_note(r, NB_NOTE_REFUSED, path,
                                     "environment '%s' is already provided by %s", src->name, other), 0;
        for (int j = 0; j < k; j++)
            if (!strcmp(p->envs[j].name, src->name))
                return nb__registry_note(r, NB_NOTE_REFUSED, path, "environment '%s' appears twice", src->name), 0;
        p->env_ptrs[k] = &p->envs[k];
    }
    return 1;
}

/* Magic, size, ABI version and the plain fields; NULL when acceptable. */
static const char *check_header(const nb_plugin_desc *d, char *buf, size_t size)
{
    if (d->magic != NB_PLUGIN_MAGIC) return "wrong magic number (not a nabla plugin descriptor)";
    if (d->size < DESC_MIN_1_0) {
        snprintf(buf, size, "descriptor of %u bytes is smaller than ABI 1.0's %zu", (unsigned)d->size,
                 (size_t)DESC_MIN_1_0);
        return buf;
    }
    if (d->abi_major != NB_ABI_MAJOR || d->abi_minor > NB_ABI_MINOR) {
        snprintf(buf, size, "built for plugin ABI %u.%u; this nabla has ABI %d.%d (%s)",
                 (unsigned)d->abi_major, (unsigned)d->abi_minor, NB_ABI_MAJOR, NB_ABI_MINOR,
                 d->abi_major != NB_ABI_MAJOR ? "a different major version"
                                              : "the plugin is newer: update nabla");
        return buf;
    }
    if (!nb__is_identifier(d->name)) return "the plugin's name is not an identifier ([a-z][a-z0-9_]*)";
    if (!d->version || !d->licence) return "no version or licence";
    if (d->nmodels < 0 || (d->nmodels && !d->models) || d->nenvs < 0 || (d->nenvs && !d->envs))
        return "bad model-type or environment list";
    if (d->nmodels + d->nenvs == 0) return "it provides no model types and no environments";
    return NULL;
}

static int grow(nb_registry *r)
{
    if (r->nplugins < r->cap) return 0;
    int cap = r->cap ? 2 * r->cap : 8;
    nb__plugin *p = realloc(r->plugins, (size_t)cap * sizeof *p);
    if (!p) return nb__error("nb_registry: out of memory"), -1;
    r->plugins = p, r->cap = cap;
    return 0;
}

static void fill_info(nb__plugin *p, const nb_plugin_desc *d)
{
    p->info = (nb_plugin_info){p->name, p->version, p->licence, p->path, d->abi_major, d->abi_minor,
                               d->nmodels, p->model_ptrs, d->nenvs, p->env_ptrs};
}

int nb__registry_add(nb_registry *r, const nb_plugin_desc *raw, const char *path, void *handle)
{
    if (!raw) return nb__registry_note(r, NB_NOTE_REFUSED, path, "its entry point returned NULL") < 0 ? -1 : 0;
    /* Read the magic alone first: only a real descriptor has a size field. */
    nb_plugin_desc d;
    uint32_t size = sizeof d.magic;
    memcpy(&d.magic, raw, sizeof d.magic);
    if (d.magic == NB_PLUGIN_MAGIC) memcpy(&size, &raw->size, sizeof size);
    copy_sized(&d, sizeof d, raw, size);
    char buf[256];
    const char *why = check_header(&d, buf, sizeof buf);
    if (why) return nb__registry_note(r, NB_NOTE_REFUSED, path, "%s", why) < 0 ? -1 : 0;
    for (int k = 0; k < r->nplugins; k++)
        if (!strcmp(r->plugins[k].name, d.name))
            return nb__registry_note(r, NB_NOTE_SHADOWED, path, "plugin '%s' is already loaded from %s",
                                     d.name, r->plugins[k].path) < 0 ? -1 : 0;
    if (grow(r) < 0) return -1;
    nb__plugin *p = &r->plugins[r->nplugins];
    memset(p, 0, sizeof *p);
    int ok = take_models(r, p, &d, path);
    if (ok == 1) ok = take_envs(r, p, &d, path);
    if (ok == 1) {
        p->name = nb__str_copy(d.name), p->version = nb__str_copy(d.version);
        p->licence = nb__str_copy(d.licence), p->path = nb__str_copy(path);
        if (!p->name || !p->version || !p->licence || !p->path) ok = -1;
    }
    if (ok != 1) {
        p->handle = NULL; /* the caller closes it */
        nb__plugin_free(p);
        return ok;
    }
    p->handle = handle;
    fill_info(p, &d);
    r->nplugins++;
    return 1;
}
