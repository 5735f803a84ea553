/* data/labels.c — class labels as i64 indices, with the mapping kept.
 *
 * The classes are the distinct present target values, sorted: numeric
 * targets by value, string targets bytewise (strcmp). Each class is known by
 * its text ("0", "1", "female"; numbers in their shortest exact form), so a
 * mapping learned from a numeric column also applies to the same values read
 * as strings, and the JSON form is a plain list of names. */
#include "internal.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct nb_label_map {
    nb_strtab *names;    /* code = class index */
};

void nb_label_map_free(nb_label_map *map)
{
    if (!map) return;
    nb__strtab_free(map->names);
    free(map);
}

int64_t nb_label_map_count(const nb_label_map *map) { return map ? map->names->count : 0; }

const char *nb_label_map_name(const nb_label_map *map, int64_t index)
{
    if (!map || index < 0 || index >= map->names->count) return NULL;
    return map->names->strs[index];
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The label text of row i, or NULL when missing; buf holds numbers. */
static const char *label_text(const nb_column *c, int64_t i, char *buf)
{
    if (c->kind == NB_COL_NUMERIC) {
        if (isnan(c->num[i])) return NULL;
        nb__format_double(buf, c->num[i]);
        return buf;
    }
    return c->codes[i] < 0 ? NULL : c->levels->strs[c->codes[i]];
}

static nb_label_map *map_from_names(char **names, int64_t n)
{
    nb_label_map *map = calloc(1, sizeof *map);
    if (map) map->names = nb__strtab_new();
    if (!map || !map->names) goto oom;
    for (int64_t k = 0; k < n; k++)
        if (nb__strtab_intern(map->names, names[k], strlen(names[k])) < 0) goto oom;
    return map;
oom:
    nb_label_map_free(map);
    nb__error("nb_labels: out of memory");
    return NULL;
}

static nb_label_map *learn(const nb_column *c, int64_t nrows)
{
    int64_t m = 0, n = 0;
    char **names = NULL;
    nb_label_map *map = NULL;
    if (c->kind == NB_COL_NUMERIC) {
        double *v = nb__sorted_present(c->num, nrows, &m);
        if (!v) return NULL;
        for (int64_t i = 0; i < m; i++)
            if (i == 0 || v[i] != v[i - 1]) v[n++] = v[i];
        names = calloc((size_t)(n ? n : 1), sizeof *names);
        for (int64_t k = 0; names && k < n; k++) {
            char buf[32];
            nb__format_double(buf, v[k]);
            names[k] = nb__strdup(buf);
        }
        free(v);
    } else {
        n = c->levels->count;
        names = calloc((size_t)(n ? n : 1), sizeof *names);
        for (int64_t k = 0; names && k < n; k++) names[k] = nb__strdup(c->levels->strs[k]);
        if (names) qsort(names, (size_t)n, sizeof *names, cmp_str);
    }
    bool ok = names != NULL;
    for (int64_t k = 0; ok && k < n; k++) ok = names[k] != NULL;
    if (ok) map = map_from_names(names, n);
    else nb__error("nb_labels_fit: out of memory");
    for (int64_t k = 0; names && k < n; k++) free(names[k]);
    free(names);
    return map;
}

nb_tensor *nb_labels_apply(nb_ctx *ctx, const nb_label_map *map, const nb_dataset *ds)
{
    if (!ctx || !map || !ds || ds->target < 0) {
        nb__error("nb_labels_apply: %s", ds && ds->target < 0 ? "dataset has no target column"
                                                              : "NULL argument");
        return NULL;
    }
    const nb_column *c = &ds->cols[ds->target];
    nb_tensor *t = nb_empty(ctx, NB_I64, NB_SHAPE(ds->nrows));
    if (!t) return NULL;
    int64_t *out = nb_data(t);
    for (int64_t i = 0; i < ds->nrows; i++) {
        char buf[32], q[200];
        const char *s = label_text(c, i, buf);
        int32_t k = s ? nb__strtab_find(map->names, s) : -1;
        if (k < 0) {
            if (s) nb__error("nb_labels_apply: target '%s', row %lld: label %s was not seen in training",
                             c->name, (long long)i + 1, nb__quote_for_msg(q, s, strlen(s)));
            else nb__error("nb_labels_apply: target '%s' is missing in row %lld", c->name,
                           (long long)i + 1);
            return NULL;
        }
        out[i] = k;
    }
    return t;
}

nb_tensor *nb_labels_fit(nb_ctx *ctx, const nb_dataset *ds, nb_label_map **map)
{
    if (!ctx || !ds || !map || ds->target < 0) {
        nb__error("nb_labels_fit: %s", ds && ds->target < 0 ? "dataset has no target column"
                                                            : "NULL argument");
        return NULL;
    }
    *map = learn(&ds->cols[ds->target], ds->nrows);
    if (!*map) return NULL;
    nb_tensor *t = nb_labels_apply(ctx, *map, ds);
    if (!t) {
        nb_label_map_free(*map);
        *map = NULL;
    }
    return t;
}

char *nb_label_map_to_json(const nb_label_map *map)
{
    if (!map) {
        nb__error("nb_label_map_to_json: NULL map");
        return NULL;
    }
    json_t *arr = json_array();
    for (int32_t k = 0; arr && k < map->names->count; k++)
        if (json_array_append_new(arr, json_string(map->names->strs[k])) < 0) {
            json_decref(arr);
            arr = NULL;
        }
    json_t *root = arr ? json_pack("{s:s, s:o}", "format", "nabla-labels", "classes", arr) : NULL;
    char *text = root ? json_dumps(root, JSON_COMPACT) : NULL;
    json_decref(root);
    if (!text) nb__error("nb_label_map_to_json: out of memory (or a label is not UTF-8)");
    return text;
}

nb_label_map *nb_label_map_from_json(const char *json)
{
    json_error_t err;
    json_t *root = json ? json_loads(json, 0, &err) : NULL;
    if (!root) {
        if (json) nb__error("nb_label_map_from_json: %d:%d: %s", err.line, err.column, err.text);
        else nb__error("nb_label_map_from_json: NULL text");
        return NULL;
    }
    json_t *classes = json_object_get(root, "classes");
    size_t n = json_array_size(classes);
    char **names = calloc(n ? n : 1, sizeof *names);
    nb_label_map *map = NULL;
    if (!json_is_array(classes) || !names) {
        nb__error("nb_label_map_from_json: %s", names ? "'classes' must be an array of strings"
                                                      : "out of memory");
        goto done;
    }
    for (size_t k = 0; k < n; k++) {
        names[k] = (char *)json_string_value(json_array_get(classes, k));
        if (!names[k]) {
            nb__error("nb_label_map_from_json: classes[%zu] is not a string", k);
            goto done;
        }
    }
    map = map_from_names(names, (int64_t)n);
    if (map && map->names->count != (int32_t)n) {
        nb__error("nb_label_map_from_json: 'classes' lists a name twice");
        nb_label_map_free(map);
        map = NULL;
    }
done:
    free(names);
    json_decref(root);
    return map;
}
