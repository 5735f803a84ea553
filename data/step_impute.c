/* data/step_impute.c — filling missing cells.
 *
 * Fill values, learned from the present cells of the training rows:
 *   mean           numeric: sum / count
 *   median         numeric: the middle value, or the mean of the two middle
 *                  values when the count is even
 *   most_frequent  the value seen most often; ties go to the smallest
 *                  (numbers by value, strings bytewise), as scikit-learn does
 *   constant       fill_number for numeric columns, fill_string for others
 * With add_indicator, a 0/1 column "<col>_missing" follows each column that
 * had missing cells in the training rows (scikit-learn's "missing-only"). */
#include "pipeline_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const strategies[] = {"mean", "median", "most_frequent", "constant"};

static double numeric_mode(const double *sorted, int64_t m)
{
    double best = sorted[0];
    int64_t best_n = 0;
    for (int64_t i = 0; i < m;) {
        int64_t k = i;
        while (k < m && sorted[k] == sorted[i]) k++;
        if (k - i > best_n) best = sorted[i], best_n = k - i;
        i = k;
    }
    return best;
}

static const char *string_mode(const nb_column *c, int64_t nrows)
{
    int64_t *counts = calloc((size_t)c->levels->count + 1, sizeof *counts);
    if (!counts) return NULL;
    for (int64_t i = 0; i < nrows; i++)
        if (c->codes[i] >= 0) counts[c->codes[i]]++;
    int32_t best = -1;
    for (int32_t k = 0; k < c->levels->count; k++)
        if (counts[k] && (best < 0 || counts[k] > counts[best] ||
                          (counts[k] == counts[best] && strcmp(c->levels->strs[k], c->levels->strs[best]) < 0)))
            best = k;
    free(counts);
    return best < 0 ? NULL : c->levels->strs[best];
}

static int fit_numeric(nb_step *s, int k, const nb_column *c, int64_t nrows)
{
    int64_t m; /* only the most frequent value needs the values sorted */
    double *v = s->o.impute == NB_IMPUTE_MOST_FREQUENT ? nb__sorted_present(c->num, nrows, &m)
                                                      : nb__present(c->num, nrows, &m);
    if (!v) return -1;
    int rc = 0;
    if (s->o.impute == NB_IMPUTE_CONSTANT) {
        s->a[k] = s->o.fill_number;
    } else if (m == 0) {
        nb__error("nb_pipeline_fit: impute step: column '%s' has no values to take the %s of",
                  c->name, strategies[s->o.impute]);
        rc = -1;
    } else if (s->o.impute == NB_IMPUTE_MEAN) {
        double sum = 0;
        for (int64_t i = 0; i < m; i++) sum += v[i];
        s->a[k] = sum / (double)m;
    } else {
        s->a[k] = s->o.impute == NB_IMPUTE_MEDIAN ? nb__quantile_select(v, m, 0.5) : numeric_mode(v, m);
    }
    s->flag[k] = s->o.add_indicator && m < nrows;
    free(v);
    return rc;
}

static int fit_strings(nb_step *s, int k, const nb_column *c, int64_t nrows)
{
    if (s->o.impute == NB_IMPUTE_MEAN || s->o.impute == NB_IMPUTE_MEDIAN) {
        nb__error("nb_pipeline_fit: impute step: column '%s' is %s; %s needs numbers (use "
                  "most_frequent or constant)", c->name, nb_col_kind_name(c->kind), strategies[s->o.impute]);
        return -1;
    }
    const char *fill = s->o.impute == NB_IMPUTE_CONSTANT ? s->fill_string : string_mode(c, nrows);
    if (!fill) {
        nb__error("nb_pipeline_fit: impute step: column '%s' has no values to take the most "
                  "frequent of", c->name);
        return -1;
    }
    int64_t missing = 0;
    for (int64_t i = 0; i < nrows; i++) missing += c->codes[i] < 0;
    s->flag[k] = s->o.add_indicator && missing > 0;
    if (!(s->s[k] = nb__strdup(fill))) {
        nb__error("nb_pipeline_fit: out of memory");
        return -1;
    }
    return 0;
}

static int impute_fit(nb_step *s, const nb_dataset *ds)
{
    if (nb__step_alloc_state(s, true, false, true, true, false) < 0) return -1;
    for (int k = 0; k < s->ncols; k++) {
        int j = nb__step_col(s, ds, k, "nb_pipeline_fit");
        if (j < 0) return -1;
        const nb_column *c = &ds->cols[j];
        if ((c->kind == NB_COL_NUMERIC ? fit_numeric(s, k, c, ds->nrows)
                                       : fit_strings(s, k, c, ds->nrows)) < 0)
            return -1;
    }
    return 0;
}

static int add_indicator(nb_dataset *ds, int j, const char *fn)
{
    nb_column ind = {.kind = NB_COL_NUMERIC};
    size_t n = strlen(ds->cols[j].name) + 9;
    ind.name = malloc(n);
    ind.num = malloc((size_t)(ds->nrows ? ds->nrows : 1) * sizeof *ind.num);
    if (!ind.name || !ind.num) {
        nb__column_free(&ind);
        nb__error("%s: out of memory", fn);
        return -1;
    }
    snprintf(ind.name, n, "%s_missing", ds->cols[j].name);
    for (int64_t i = 0; i < ds->nrows; i++) ind.num[i] = nb_dataset_is_missing(ds, j, i);
    return nb__dataset_insert(ds, j + 1, ind, fn);
}

static int impute_apply(const nb_step *s, nb_dataset *ds, bool training, int64_t *count)
{
    const char *fn = training ? "nb_pipeline_fit" : "nb_pipeline_apply";
    *count = 0;
    for (int k = 0; k < s->ncols; k++) {
        int j = nb__step_col(s, ds, k, fn);
        if (j < 0) return -1;
        if (s->flag[k] && add_indicator(ds, j, fn) < 0) return -1;
        nb_column *c = &ds->cols[j];
        if ((c->kind == NB_COL_NUMERIC) != (s->s[k] == NULL)) {
            nb__error("%s: impute step: column '%s' is %s, it was not at fit", fn, c->name,
                      nb_col_kind_name(c->kind));
            return -1;
        }
        int32_t code = -1;
        if (s->s[k] && (code = nb__strtab_intern(c->levels, s->s[k], strlen(s->s[k]))) < 0) return -1;
        for (int64_t i = 0; i < ds->nrows; i++) {
            if (c->kind == NB_COL_NUMERIC && isnan(c->num[i])) c->num[i] = s->a[k], ++*count;
            else if (c->kind != NB_COL_NUMERIC && c->codes[i] < 0) c->codes[i] = code, ++*count;
        }
    }
    return 0;
}

static int impute_save(const nb_step *s, json_t *obj)
{
    json_object_set_new(obj, "strategy", json_string(strategies[s->o.impute]));
    json_object_set_new(obj, "fill_number", json_real(s->o.fill_number));
    json_object_set_new(obj, "fill_string", json_string(s->fill_string));
    json_object_set_new(obj, "add_indicator", json_boolean(s->o.add_indicator));
    if (!s->fitted) return 0;
    json_t *fill = json_array(), *ind = json_array();
    for (int k = 0; k < s->ncols; k++) {
        json_array_append_new(fill, s->s[k] ? json_string(s->s[k]) : json_real(s->a[k]));
        json_array_append_new(ind, json_boolean(s->flag[k]));
    }
    json_object_set_new(obj, "fill", fill);
    json_object_set_new(obj, "indicator", ind);
    return 0;
}

static int impute_load(nb_step *s, json_t *obj, const char *path)
{
    const char *st = json_string_value(json_object_get(obj, "strategy"));
    int k = 0;
    while (k < 4 && (!st || strcmp(st, strategies[k]))) k++;
    if (k == 4) {
        nb__error("nb_pipeline_from_json: %s.strategy: expected mean, median, most_frequent or constant", path);
        return -1;
    }
    s->o.impute = (nb_impute_strategy)k;
    json_t *fn = json_object_get(obj, "fill_number"), *fs = json_object_get(obj, "fill_string");
    s->o.fill_number = json_is_number(fn) ? json_number_value(fn) : 0;
    s->o.add_indicator = json_is_true(json_object_get(obj, "add_indicator"));
    if (json_is_string(fs)) {
        char *f = nb__strdup(json_string_value(fs));
        if (!f) return -1;
        free(s->fill_string);
        s->fill_string = f;
    }
    if (!s->fitted) return 0;
    json_t *fill = json_object_get(obj, "fill"), *ind = json_object_get(obj, "indicator");
    if (nb__step_alloc_state(s, true, false, true, true, false) < 0) return -1;
    s->fitted = true;
    if (json_array_size(fill) != (size_t)s->ncols || json_array_size(ind) != (size_t)s->ncols) {
        nb__error("nb_pipeline_from_json: %s: 'fill' and 'indicator' need one entry per column", path);
        return -1;
    }
    for (k = 0; k < s->ncols; k++) {
        json_t *f = json_array_get(fill, (size_t)k);
        if (json_is_string(f) && !(s->s[k] = nb__strdup(json_string_value(f)))) return -1;
        if (!json_is_string(f) && !json_is_number(f)) {
            nb__error("nb_pipeline_from_json: %s.fill[%d]: expected a number or a string", path, k);
            return -1;
        }
        s->a[k] = json_is_number(f) ? json_number_value(f) : 0;
        s->flag[k] = json_is_true(json_array_get(ind, (size_t)k));
    }
    return 0;
}

const nb_step_ops nb__impute_ops = {"impute", impute_fit, impute_apply, impute_save, impute_load};
