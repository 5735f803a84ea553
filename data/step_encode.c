/* data/step_encode.c — categories to numbers: one-hot and ordinal.
 *
 * The categories of a column are its distinct present training values,
 * sorted: numeric columns by value (written in their shortest exact form),
 * string columns bytewise. Then
 *   onehot   replaces the column by one 0/1 column per category, named
 *            "<col>=<category>", in that order; a missing cell gives all
 *            zeros; an unseen category gives all zeros (unknown = ignore,
 *            counted) or an error (unknown = error)
 *   ordinal  replaces the column by the category's number 0..k-1; missing
 *            stays missing; an unseen category becomes missing (ignore,
 *            counted) or an error. */
#include "pipeline_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Only levels that occur in the rows count: a level table may hold values of
 * rows that were split away. */
static nb_strtab *string_categories(const nb_column *c, int64_t nrows)
{
    int32_t n = c->levels->count, m = 0;
    char **sorted = malloc((size_t)(n ? n : 1) * sizeof *sorted);
    bool *used = calloc((size_t)(n ? n : 1), sizeof *used);
    nb_strtab *t = sorted && used ? nb__strtab_new() : NULL;
    if (t) {
        for (int64_t i = 0; i < nrows; i++)
            if (c->codes[i] >= 0) used[c->codes[i]] = true;
        for (int32_t k = 0; k < n; k++)
            if (used[k]) sorted[m++] = c->levels->strs[k];
        qsort(sorted, (size_t)m, sizeof *sorted, cmp_str);
        for (int32_t k = 0; k < m && t; k++)
            if (nb__strtab_intern(t, sorted[k], strlen(sorted[k])) < 0) nb__strtab_free(t), t = NULL;
    }
    free(sorted);
    free(used);
    return t;
}

static nb_strtab *numeric_categories(const nb_column *c, int64_t nrows)
{
    int64_t m;
    double *v = nb__sorted_present(c->num, nrows, &m);
    nb_strtab *t = v ? nb__strtab_new() : NULL;
    for (int64_t i = 0; t && i < m; i++) {
        char buf[32];
        if (i && v[i] == v[i - 1]) continue;
        nb__format_double(buf, v[i]);
        if (nb__strtab_intern(t, buf, strlen(buf)) < 0) nb__strtab_free(t), t = NULL;
    }
    free(v);
    return t;
}

static int encode_fit(nb_step *s, const nb_dataset *ds)
{
    if (nb__step_alloc_state(s, false, false, false, false, true) < 0) return -1;
    for (int k = 0; k < s->ncols; k++) {
        int j = nb__step_col(s, ds, k, "nb_pipeline_fit");
        if (j < 0) return -1;
        const nb_column *c = &ds->cols[j];
        s->numcat[k] = c->kind == NB_COL_NUMERIC;
        s->cats[k] = s->numcat[k] ? numeric_categories(c, ds->nrows) : string_categories(c, ds->nrows);
        if (!s->cats[k]) {
            nb__error("nb_pipeline_fit: out of memory");
            return -1;
        }
    }
    return 0;
}

/* Category number of each row: >= 0, -1 missing, -2 unseen (or an error). */
static int32_t *category_codes(const nb_step *s, int k, const nb_column *c, int64_t nrows,
                               int64_t *unknown, const char *fn)
{
    int32_t *out = malloc((size_t)(nrows ? nrows : 1) * sizeof *out);
    if (!out) {
        nb__error("%s: out of memory", fn);
        return NULL;
    }
    for (int64_t i = 0; i < nrows; i++) {
        char buf[32], q[200];
        const char *t = nb__cell_text(c, i, buf);
        out[i] = t ? nb__strtab_find(s->cats[k], t) : -1;
        if (!t || out[i] >= 0) continue;
        out[i] = -2;
        ++*unknown;
        if (s->o.unknown == NB_UNKNOWN_ERROR) {
            nb__error("%s: %s step: column '%s', row %lld: category %s was not seen at fit", fn,
                      nb__step_ops(s->o.kind)->name, c->name, (long long)i + 1,
                      nb__quote_for_msg(q, t, strlen(t)));
            free(out);
            return NULL;
        }
    }
    return out;
}

static int onehot_column(const nb_step *s, int k, nb_dataset *ds, int j, int64_t *count,
                         const char *fn)
{
    int32_t *codes = category_codes(s, k, &ds->cols[j], ds->nrows, count, fn);
    if (!codes) return -1;
    nb__dataset_remove(ds, j);  /* the dummies take its place */
    for (int32_t m = 0; m < s->cats[k]->count; m++) {
        const char *cat = s->cats[k]->strs[m];
        size_t n = strlen(s->cols[k]) + strlen(cat) + 2;
        nb_column d = {.kind = NB_COL_NUMERIC, .name = malloc(n),
                       .num = malloc((size_t)(ds->nrows ? ds->nrows : 1) * sizeof(double))};
        if (!d.name || !d.num) {
            nb__column_free(&d);
            free(codes);
            nb__error("%s: out of memory", fn);
            return -1;
        }
        snprintf(d.name, n, "%s=%s", s->cols[k], cat);
        for (int64_t i = 0; i < ds->nrows; i++) d.num[i] = codes[i] == m;
        if (nb__dataset_insert(ds, j + m, d, fn) < 0) {
            free(codes);
            return -1;
        }
    }
    free(codes);
    return 0;
}

static int ordinal_column(const nb_step *s, int k, nb_dataset *ds, int j, int64_t *count,
                          const char *fn)
{
    nb_column *c = &ds->cols[j];
    int32_t *codes = category_codes(s, k, c, ds->nrows, count, fn);
    double *num = codes ? malloc((size_t)(ds->nrows ? ds->nrows : 1) * sizeof *num) : NULL;
    if (!num) {
        if (codes) nb__error("%s: out of memory", fn);
        free(codes);
        return -1;
    }
    for (int64_t i = 0; i < ds->nrows; i++) num[i] = codes[i] >= 0 ? codes[i] : NAN;
    free(codes);
    free(c->num), free(c->codes), nb__strtab_free(c->levels);
    c->codes = NULL, c->levels = NULL;
    c->num = num;
    c->kind = NB_COL_NUMERIC;
    return 0;
}

static int encode_apply(const nb_step *s, nb_dataset *ds, bool training, int64_t *count)
{
    const char *fn = training ? "nb_pipeline_fit" : "nb_pipeline_apply";
    *count = 0;
    for (int k = 0; k < s->ncols; k++) {
        int j = nb__step_col(s, ds, k, fn);
        if (j < 0) return -1;
        if ((ds->cols[j].kind == NB_COL_NUMERIC) != s->numcat[k] &&
            nb_dataset_convert(ds, j, s->numcat[k] ? NB_COL_NUMERIC : NB_COL_CATEGORICAL) < 0)
            return -1;
        if ((s->o.kind == NB_STEP_ONEHOT ? onehot_column : ordinal_column)(s, k, ds, j, count, fn) < 0)
            return -1;
    }
    return 0;
}

static int encode_save(const nb_step *s, json_t *obj)
{
    json_object_set_new(obj, "unknown", json_string(s->o.unknown == NB_UNKNOWN_ERROR ? "error" : "ignore"));
    if (!s->fitted) return 0;
    json_t *cats = json_array(), *num = json_array();
    for (int k = 0; k < s->ncols; k++) {
        json_array_append_new(cats, nb__json_strings(s->cats[k]->strs, s->cats[k]->count));
        json_array_append_new(num, json_boolean(s->numcat[k]));
    }
    json_object_set_new(obj, "categories", cats);
    json_object_set_new(obj, "numeric", num);
    return 0;
}

static int encode_load(nb_step *s, json_t *obj, const char *path)
{
    const char *u = json_string_value(json_object_get(obj, "unknown"));
    if (!u || (strcmp(u, "error") && strcmp(u, "ignore"))) {
        nb__error("nb_pipeline_from_json: %s.unknown: expected \"ignore\" or \"error\"", path);
        return -1;
    }
    s->o.unknown = strcmp(u, "error") ? NB_UNKNOWN_IGNORE : NB_UNKNOWN_ERROR;
    if (!s->fitted) return 0;
    json_t *cats = json_object_get(obj, "categories"), *num = json_object_get(obj, "numeric");
    if (json_array_size(cats) != (size_t)s->ncols || json_array_size(num) != (size_t)s->ncols) {
        nb__error("nb_pipeline_from_json: %s: 'categories' and 'numeric' need one entry per column", path);
        return -1;
    }
    if (nb__step_alloc_state(s, false, false, false, false, true) < 0) return -1;
    s->fitted = true;
    for (int k = 0; k < s->ncols; k++) {
        json_t *list = json_array_get(cats, (size_t)k), *v;
        size_t i;
        s->numcat[k] = json_is_true(json_array_get(num, (size_t)k));
        if (!json_is_array(list) || !(s->cats[k] = nb__strtab_new())) {
            nb__error("nb_pipeline_from_json: %s.categories[%d]: expected an array of strings", path, k);
            return -1;
        }
        json_array_foreach(list, i, v) {
            const char *t = json_string_value(v);
            if (!t || nb__strtab_intern(s->cats[k], t, strlen(t)) != (int32_t)i) {
                nb__error("nb_pipeline_from_json: %s.categories[%d][%zu]: expected a string not "
                          "seen before in the list", path, k, i);
                return -1;
            }
        }
    }
    return 0;
}

const nb_step_ops nb__onehot_ops = {"onehot", encode_fit, encode_apply, encode_save, encode_load};
const nb_step_ops nb__ordinal_ops = {"ordinal", encode_fit, encode_apply, encode_save, encode_load};
