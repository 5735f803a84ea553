/* models/registry_paths.c — the two compiled-in plugin folders: the install
 * folder, and the build tree's, searched only when the libnabla running is
 * the one in that build tree (found with dladdr, a GNU extension). */
#define _GNU_SOURCE
#include "internal.h"
#include "models/models_config.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

const char *nb_registry_install_dir(void) { return NB_PLUGIN_INSTALL_DIR; }

const char *nb__registry_build_dir(void)
{
    static _Thread_local char plugins[PATH_MAX];
    Dl_info info;
    void *self;
    const char *(*fn)(void) = nb_registry_install_dir;
    memcpy(&self, &fn, sizeof self);
    if (!dladdr(self, &info) || !info.dli_fname) return NULL;
    char lib[PATH_MAX], root[PATH_MAX];
    if (!realpath(info.dli_fname, lib) || !realpath(NB_BUILD_ROOT, root)) return NULL;
    char *slash = strrchr(lib, '/');
    if (!slash) return NULL;
    *slash = 0;
    if (strcmp(lib, root) != 0) return NULL;
    return snprintf(plugins, sizeof plugins, "%s/plugins", root) < (int)sizeof plugins ? plugins : NULL;
}
