/* models/registry.c — the registry's bookkeeping: the plugins it holds, the
 * notes on files it refused or found shadowed, and look-ups by name. Finding
 * and opening files is registry_load.c; checking a descriptor is
 * registry_check.c. */
#include "internal.h"
#include "nb_config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* nabla's own "plugin": the environments built into the library. */
static const nb_env_type *const builtin_envs[] = {&nb_env_corridor};
static const nb_plugin_desc builtin = {NB_PLUGIN_HEADER, "nabla", NB_VERSION, "MIT",
                                       NULL, 0, builtin_envs, 1};

/* Every live registry, so a model can find the plugin its type came from
 * (to name it in a model file) without holding a registry pointer. */
static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static nb_registry *live;

nb_registry *nb_registry_new(void)
{
    nb_registry *r = calloc(1, sizeof *r);
    if (!r) return nb__error("nb_registry_new: out of memory"), NULL;
    if (nb__registry_add(r, &builtin, "(built in)", NULL) != 1) {
        nb_registry_free(r);
        return NULL;
    }
    pthread_mutex_lock(&live_lock);
    r->next_live = live, live = r;
    pthread_mutex_unlock(&live_lock);
    return r;
}

static void unlink_live(nb_registry *r)
{
    pthread_mutex_lock(&live_lock);
    for (nb_registry **p = &live; *p; p = &(*p)->next_live)
        if (*p == r) {
            *p = r->next_live;
            break;
        }
    pthread_mutex_unlock(&live_lock);
}

const nb_plugin_info *nb__plugin_of(const nb_model_type *t)
{
    const nb_plugin_info *found = NULL;
    pthread_mutex_lock(&live_lock);
    for (const nb_registry *r = live; r && !found; r = r->next_live)
        for (int p = 0; p < r->nplugins && !found; p++)
            for (int k = 0; k < r->plugins[p].info.nmodels; k++)
                if (r->plugins[p].info.models[k] == t) found = &r->plugins[p].info;
    pthread_mutex_unlock(&live_lock);
    return found;
}

void nb__plugin_free(nb__plugin *p)
{
    free(p->name), free(p->version), free(p->licence), free(p->path);
    free(p->models), free(p->model_ptrs), free(p->envs), free(p->env_ptrs);
    if (p->handle) dlclose(p->handle);
}

void nb_registry_free(nb_registry *r)
{
    if (!r) return;
    unlink_live(r);
    for (int k = r->nplugins - 1; k >= 0; k--) nb__plugin_free(&r->plugins[k]);
    for (int k = 0; k < r->nnotes; k++) free(r->notes[k].path), free(r->notes[k].reason);
    nb__strv_free(r->searched, r->nsearched);
    free(r->plugins), free(r->notes), free(r);
}

int nb__registry_note(nb_registry *r, nb_note_kind kind, const char *path, const char *fmt, ...)
{
    if (r->nnotes == r->notecap) {
        int cap = r->notecap ? 2 * r->notecap : 8;
        nb__note *n = realloc(r->notes, (size_t)cap * sizeof *n);
        if (!n) return nb__error("nb_registry: out of memory"), -1;
        r->notes = n, r->notecap = cap;
    }
    char reason[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    nb__note *n = &r->notes[r->nnotes];
    n->path = nb__str_copy(path), n->reason = nb__str_copy(reason);
    if (!n->path || !n->reason) {
        free(n->path), free(n->reason);
        return -1;
    }
    n->note = (nb_registry_note){kind, n->path, n->reason};
    r->nnotes++;
    return 0;
}

int nb_registry_count(const nb_registry *r) { return r ? r->nplugins : 0; }

const nb_plugin_info *nb_registry_plugin(const nb_registry *r, int i)
{
    return r && i >= 0 && i < r->nplugins ? &r->plugins[i].info : NULL;
}

int nb_registry_nnotes(const nb_registry *r) { return r ? r->nnotes : 0; }

const nb_registry_note *nb_registry_note_at(const nb_registry *r, int i)
{
    return r && i >= 0 && i < r->nnotes ? &r->notes[i].note : NULL;
}

int nb_registry_nsearched(const nb_registry *r) { return r ? r->nsearched : 0; }

const char *nb_registry_searched(const nb_registry *r, int i)
{
    return r && i >= 0 && i < r->nsearched ? r->searched[i] : NULL;
}

/* "a, b, c" of every model type or environment, for "not found" messages. */
static void known_names(const nb_registry *r, bool envs, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = 0;
    for (int p = 0; p < r->nplugins; p++) {
        const nb_plugin_info *in = &r->plugins[p].info;
        for (int k = 0; k < (envs ? in->nenvs : in->nmodels) && used < size; k++)
            used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
                                     envs ? in->envs[k]->name : in->models[k]->name);
    }
    if (!used) snprintf(buf, size, "none: no plugins were found");
}

const nb_model_type *nb_registry_find_model(const nb_registry *r, const char *name)
{
    if (!r || !name) return nb__error("nb_registry_find_model: NULL %s", r ? "name" : "registry"), NULL;
    for (int p = 0; p < r->nplugins; p++)
        for (int k = 0; k < r->plugins[p].info.nmodels; k++)
            if (!strcmp(r->plugins[p].info.models[k]->name, name)) return r->plugins[p].info.models[k];
    char known[1024];
    known_names(r, false, known, sizeof known);
    nb__error("no model type '%s' (known: %s)", name, known);
    return NULL;
}

const nb_env_type *nb_registry_find_env(const nb_registry *r, const char *name)
{
    if (!r || !name) return nb__error("nb_registry_find_env: NULL %s", r ? "name" : "registry"), NULL;
    for (int p = 0; p < r->nplugins; p++)
        for (int k = 0; k < r->plugins[p].info.nenvs; k++)
            if (!strcmp(r->plugins[p].info.envs[k]->name, name)) return r->plugins[p].info.envs[k];
    char known[1024];
    known_names(r, true, known, sizeof known);
    nb__error("no environment '%s' (known: %s)", name, known);
    return NULL;
}

const nb_plugin_info *nb_registry_model_plugin(const nb_registry *r, const nb_model_type *t)
{
    for (int p = 0; r && t && p < r->nplugins; p++)
        for (int k = 0; k < r->plugins[p].info.nmodels; k++)
            if (r->plugins[p].info.models[k] == t) return &r->plugins[p].info;
    nb__error("nb_registry_model_plugin: the model type is not from this registry");
    return NULL;
}
