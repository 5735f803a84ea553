/* models/registry_load.c — finding plugin files and opening them.
 *
 * Search order: the caller's paths, $NABLA_PLUGIN_PATH, the build tree's
 * plugins folder (only when this libnabla is the build tree's), the install
 * folder. Every path is made absolute with realpath() before dlopen, so the
 * dynamic loader never searches on its own, and the current directory is
 * never looked at unless someone names it. A file or folder that other users
 * can write to (through its owner, its group or the world bits) is refused:
 * whoever can write it could run code in us. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "internal.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef const nb_plugin_desc *(*entry_fn)(void);

static bool already_loaded(const nb_registry *r, const char *path)
{
    for (int k = 0; k < r->nplugins; k++)
        if (!strcmp(r->plugins[k].path, path)) return true;
    return false;
}

/* Whether gid is uid's own private group: the user's primary group, named
 * as the user, with no other members listed (Debian gives each user one and
 * a umask of 002, so the files of a user's own build are group-writable). */
static bool private_group(uid_t uid, gid_t gid)
{
    char pbuf[4096], gbuf[16384];
    struct passwd pw, *p = NULL;
    struct group gr, *g = NULL;
    if (getpwuid_r(uid, &pw, pbuf, sizeof pbuf, &p) != 0 || !p) return false;
    if (getgrgid_r(gid, &gr, gbuf, sizeof gbuf, &g) != 0 || !g) return false;
    return p->pw_gid == gid && !strcmp(g->gr_name, p->pw_name) && (!g->gr_mem || !g->gr_mem[0]);
}

/* 0 when only we (or root) can change what st describes, else a note: it
 * must belong to us or to root, and be writable by no one else, by neither
 * its group (unless that is its owner's private group) nor the world. */
static int writable_by_others(nb_registry *r, const char *path, const struct stat *st, const char *what)
{
    unsigned mode = (unsigned)(st->st_mode & 0777);
    const char *refusal = "refusing to load code from it";
    if (st->st_uid != 0 && st->st_uid != geteuid())
        return nb__registry_note(r, NB_NOTE_REFUSED, path, "%s belongs to another user (uid %u): %s", what,
                                 (unsigned)st->st_uid, refusal), 1;
    if (st->st_mode & S_IWOTH)
        return nb__registry_note(r, NB_NOTE_REFUSED, path, "%s is writable by other users (mode %03o): %s", what,
                                 mode, refusal), 1;
    if ((st->st_mode & S_IWGRP) && !private_group(st->st_uid, st->st_gid))
        return nb__registry_note(r, NB_NOTE_REFUSED, path, "%s is writable by its group (gid %u, mode %03o): %s",
                                 what, (unsigned)st->st_gid, mode, refusal), 1;
    return 0;
}

/* Refusal of an opened file; closes the handle. Returns 0 (or -1 on OOM). */
static int refuse(nb_registry *r, void *handle, const char *path, const char *why, const char *detail)
{
    int rc = nb__registry_note(r, NB_NOTE_REFUSED, path, "%s%s%s", why, detail ? ": " : "", detail ? detail : "");
    if (handle) dlclose(handle);
    return rc < 0 ? -1 : 0;
}

/* The file's folder must be safe too (a writable folder lets anyone swap the file). */
static int folder_unsafe(nb_registry *r, const char *file)
{
    char dir[PATH_MAX];
    if (snprintf(dir, sizeof dir, "%s", file) >= (int)sizeof dir) return 0;
    char *slash = strrchr(dir, '/');
    if (slash) *(slash == dir ? slash + 1 : slash) = 0;
    struct stat st;
    if (stat(dir, &st) != 0) return 0;
    return writable_by_others(r, file, &st, "its folder");
}

/* Opens one plugin file (an absolute, resolved path). */
static int load_file(nb_registry *r, const char *path)
{
    if (already_loaded(r, path)) return 0;
    struct stat st;
    if (stat(path, &st) != 0) return refuse(r, NULL, path, "cannot read it", strerror(errno));
    if (writable_by_others(r, path, &st, "the file") || folder_unsafe(r, path)) return 0;
    dlerror();
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle) return refuse(r, NULL, path, "not a loadable shared object", dlerror());
    void *sym = dlsym(handle, NB_PLUGIN_ENTRY);
    if (!sym) return refuse(r, handle, path, "not a nabla plugin (no entry symbol " NB_PLUGIN_ENTRY ")", dlerror());
    /* One libnabla per process: the plugin must use ours, not carry a copy. */
    void *found = dlsym(handle, "nb_version");
    const char *(*theirs)(void) = NULL;
    if (found) memcpy(&theirs, &found, sizeof theirs);
    if (theirs != nb_version)
        return refuse(r, handle, path, found ? "it carries its own copy of libnabla (link the shared "
                                               "libnabla, not a static one)"
                                             : "it does not link the shared libnabla (a static copy, or none)", NULL);
    entry_fn entry;
    memcpy(&entry, &sym, sizeof entry); /* a cast from void * trips -Wpedantic */
    int rc = nb__registry_add(r, entry(), path, handle);
    if (rc != 1) dlclose(handle);
    return rc < 0 ? -1 : 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool ends_with_so(const char *name)
{
    size_t n = strlen(name);
    return n > 3 && !strcmp(name + n - 3, ".so");
}

/* The "*.so" files of a folder in name order (malloc'ed list). */
static char **list_folder(const char *dir, int *count)
{
    DIR *d = opendir(dir);
    char **names = NULL;
    int n = 0, cap = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (!ends_with_so(e->d_name)) continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            char **g = realloc(names, (size_t)cap * sizeof *g);
            if (!g) break;
            names = g;
        }
        if (!(names[n] = nb__str_copy(e->d_name))) break;
        n++;
    }
    if (d) closedir(d);
    if (n) qsort(names, (size_t)n, sizeof *names, by_name);
    *count = n;
    return names;
}

static int add_searched(nb_registry *r, const char *dir)
{
    for (int k = 0; k < r->nsearched; k++)
        if (!strcmp(r->searched[k], dir)) return 1; /* searched already */
    if (r->nsearched == r->searchcap) {
        int cap = r->searchcap ? 2 * r->searchcap : 8;
        char **g = realloc(r->searched, (size_t)cap * sizeof *g);
        if (!g) return nb__error("nb_registry: out of memory"), -1;
        r->searched = g, r->searchcap = cap;
    }
    if (!(r->searched[r->nsearched] = nb__str_copy(dir))) return -1;
    r->nsearched++;
    return 0;
}

static int load_folder(nb_registry *r, const char *dir, const struct stat *st)
{
    int seen = add_searched(r, dir);
    if (seen) return seen < 0 ? -1 : 0;
    if (writable_by_others(r, dir, st, "the folder")) return 0;
    int n = 0, rc = 0;
    char **names = list_folder(dir, &n);
    for (int k = 0; k < n; k++) {
        char file[PATH_MAX], real[PATH_MAX];
        if (snprintf(file, sizeof file, "%s/%s", dir, names[k]) >= (int)sizeof file) continue;
        if (rc == 0) rc = load_file(r, realpath(file, real) ? real : file);
    }
    nb__strv_free(names, n);
    return rc;
}

/* quiet: a missing path is no news (the install folder before installing). */
static int load_path(nb_registry *r, const char *path, bool quiet)
{
    char real[PATH_MAX];
    struct stat st;
    if (!realpath(path, real) || stat(real, &st) != 0) {
        if (quiet) return 0;
        return nb__registry_note(r, NB_NOTE_REFUSED, path, "no such file or folder") < 0 ? -1 : 0;
    }
    return S_ISDIR(st.st_mode) ? load_folder(r, real, &st) : load_file(r, real);
}

int nb_registry_load_path(nb_registry *r, const char *path)
{
    if (!r || !path || !*path) return nb__error("nb_registry_load_path: NULL or empty %s", r ? "path" : "registry"), -1;
    struct stat st;
    if (stat(path, &st) != 0) {
        nb__error("nb_registry_load_path: %s: %s", path, strerror(errno));
        return -1;
    }
    return load_path(r, path, false);
}

/* Each entry of a ':'-separated list; empty entries are skipped, never "." */
static int load_env_list(nb_registry *r, const char *list)
{
    char *copy = nb__str_copy(list);
    if (!copy) return -1;
    int rc = 0;
    for (char *tok = copy, *next; rc == 0 && tok; tok = next) {
        next = strchr(tok, ':');
        if (next) *next++ = 0;
        if (*tok) rc = load_path(r, tok, false);
    }
    free(copy);
    return rc;
}

int nb_registry_load(nb_registry *r, const char *const *paths, int npaths)
{
    if (!r) return nb__error("nb_registry_load: NULL registry"), -1;
    int before = r->nplugins;
    for (int k = 0; k < npaths; k++)
        if (paths[k] && *paths[k] && load_path(r, paths[k], false) < 0) return -1;
    const char *env = getenv("NABLA_PLUGIN_PATH");
    if (env && load_env_list(r, env) < 0) return -1;
    const char *build = nb__registry_build_dir();
    if (build && load_path(r, build, true) < 0) return -1;
    if (load_path(r, nb_registry_install_dir(), true) < 0) return -1;
    return r->nplugins - before;
}
