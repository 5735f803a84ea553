/* data/strtab.c — interned strings for categorical and text columns.
 *
 * A column of strings is stored as one int32 code per row plus this table of
 * distinct values, numbered in order of first arrival. Lookup is an open-
 * addressing hash table (FNV-1a, linear probing, kept at most half full). */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static uint32_t hash_bytes(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

nb_strtab *nb__strtab_new(void)
{
    nb_strtab *t = calloc(1, sizeof *t);
    if (!t) nb__error("nb_strtab: out of memory");
    return t;
}

void nb__strtab_free(nb_strtab *t)
{
    if (!t) return;
    for (int32_t i = 0; i < t->count; i++) free(t->strs[i]);
    free(t->strs);
    free(t->slots);
    free(t);
}

static int rehash(nb_strtab *t, uint32_t nslots)
{
    int32_t *slots = calloc(nslots, sizeof *slots);
    if (!slots) return -1;
    for (int32_t c = 0; c < t->count; c++) {
        uint32_t h = hash_bytes(t->strs[c], strlen(t->strs[c])) & (nslots - 1);
        while (slots[h]) h = (h + 1) & (nslots - 1);
        slots[h] = c + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = nslots;
    return 0;
}

static int32_t lookup(const nb_strtab *t, const char *s, size_t len, uint32_t *slot)
{
    uint32_t h = hash_bytes(s, len) & (t->nslots - 1);
    for (;; h = (h + 1) & (t->nslots - 1)) {
        int32_t c = t->slots[h];
        if (!c) break;
        const char *v = t->strs[c - 1];
        if (!strncmp(v, s, len) && v[len] == '\0') return c - 1;
    }
    *slot = h;
    return -1;
}

int32_t nb__strtab_find(const nb_strtab *t, const char *s)
{
    if (!t->nslots) return -1;
    uint32_t slot;
    return lookup(t, s, strlen(s), &slot);
}

int32_t nb__strtab_intern(nb_strtab *t, const char *s, size_t len)
{
    if ((uint32_t)t->count * 2 + 2 > t->nslots &&
        rehash(t, t->nslots ? t->nslots * 2 : 16) < 0)
        goto oom;
    uint32_t slot = 0;
    int32_t c = lookup(t, s, len, &slot);
    if (c >= 0) return c;
    if (t->count == INT32_MAX - 1) goto oom;
    if (t->count == t->cap) {
        int32_t cap = t->cap ? (t->cap > INT32_MAX / 2 ? INT32_MAX - 1 : t->cap * 2) : 8;
        char **strs = realloc(t->strs, (size_t)cap * sizeof *strs);
        if (!strs) goto oom;
        t->strs = strs;
        t->cap = cap;
    }
    char *copy = nb__strndup(s, len);
    if (!copy) goto oom;
    t->strs[t->count] = copy;
    t->slots[slot] = ++t->count;
    return t->count - 1;
oom:
    nb__error("nb_strtab: out of memory interning a string of %zu bytes", len);
    return -1;
}

nb_strtab *nb__strtab_clone(const nb_strtab *t)
{
    nb_strtab *c = nb__strtab_new();
    if (!c) return NULL;
    for (int32_t i = 0; i < t->count; i++)
        if (nb__strtab_intern(c, t->strs[i], strlen(t->strs[i])) != i) {
            nb__strtab_free(c);
            return NULL;
        }
    return c;
}
