/* data/pipeline_json.c — pipelines to and from JSON text (jansson).
 *
 * The format (docs/data.md has an example):
 *   {"format": "nabla-pipeline", "version": 1, "fitted": true,
 *    "target": "Survived" | null,
 *    "input": [{"name": "Age", "kind": "numeric"}, ...],
 *    "steps": [{"step": "impute", "columns": [...], "auto_columns": true,
 *               ...the step's options..., ...its fitted state...}, ...]}
 * Numbers are written with 17 significant digits, so a reloaded pipeline
 * gives bit-identical results. Loading checks every field; syntax errors
 * carry jansson's line:column, content errors the path (steps[2].method). */
#include "pipeline_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const step_names[] = {"impute", "scale", "onehot", "ordinal", "outlier", "poly"};
static const char *const kind_names[] = {"auto", "numeric", "categorical", "text"};

json_t *nb__json_doubles(const double *v, int n)
{
    json_t *a = json_array();
    for (int k = 0; a && k < n; k++) json_array_append_new(a, json_real(v[k]));
    return a;
}

json_t *nb__json_strings(char *const *v, int n)
{
    json_t *a = json_array();
    for (int k = 0; a && k < n; k++) json_array_append_new(a, json_string(v[k]));
    return a;
}

int nb__json_get_doubles(json_t *obj, const char *key, double *out, int n, const char *path)
{
    json_t *a = json_object_get(obj, key);
    if (!json_is_array(a) || json_array_size(a) != (size_t)n) {
        nb__error("nb_pipeline_from_json: %s.%s: expected an array of %d numbers", path, key, n);
        return -1;
    }
    for (int k = 0; k < n; k++) {
        json_t *v = json_array_get(a, (size_t)k);
        if (!json_is_number(v)) {
            nb__error("nb_pipeline_from_json: %s.%s[%d]: expected a number", path, key, k);
            return -1;
        }
        out[k] = json_number_value(v);
    }
    return 0;
}

/* ---- saving ---- */

static json_t *step_to_json(const nb_step *s)
{
    json_t *obj = json_object();
    if (!obj) return NULL;
    json_object_set_new(obj, "step", json_string(step_names[s->o.kind]));
    json_object_set_new(obj, "auto_columns", json_boolean(s->auto_cols));
    json_object_set_new(obj, "columns", nb__json_strings(s->cols, s->auto_cols && !s->fitted ? 0 : s->ncols));
    if (nb__step_ops(s->o.kind)->save(s, obj) < 0) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

char *nb_pipeline_to_json(const nb_pipeline *p)
{
    if (!p) {
        nb__error("nb_pipeline_to_json: NULL pipeline");
        return NULL;
    }
    json_t *root = json_object(), *steps = json_array(), *input = json_array();
    json_object_set_new(root, "format", json_string("nabla-pipeline"));
    json_object_set_new(root, "version", json_integer(1));
    json_object_set_new(root, "fitted", json_boolean(p->fitted));
    json_object_set_new(root, "target", p->target ? json_string(p->target) : json_null());
    for (int k = 0; k < p->nin; k++)
        json_array_append_new(input, json_pack("{s:s, s:s}", "name", p->in_names[k], "kind",
                                               kind_names[p->in_kinds[k]]));
    for (int i = 0; i < p->nsteps; i++) json_array_append_new(steps, step_to_json(&p->steps[i]));
    json_object_set_new(root, "input", input);
    json_object_set_new(root, "steps", steps);
    /* jansson refuses NaN/inf and non-UTF-8 strings by leaving an element
     * out; count what went in to notice. */
    char *text = json_array_size(steps) == (size_t)p->nsteps && json_array_size(input) == (size_t)p->nin
                     ? json_dumps(root, JSON_INDENT(1) | JSON_REAL_PRECISION(17))
                     : NULL;
    json_decref(root);
    if (!text) nb__error("nb_pipeline_to_json: could not encode the pipeline (out of memory?)");
    return text;
}

/* ---- loading ---- */

static int load_columns(nb_step *s, json_t *obj, const char *path)
{
    json_t *cols = json_object_get(obj, "columns"), *v;
    size_t i;
    if (!json_is_array(cols)) {
        nb__error("nb_pipeline_from_json: %s.columns: expected an array of column names", path);
        return -1;
    }
    free(s->cols); /* nb_pipeline_add left an empty list */
    s->ncols = 0;
    s->cols = calloc(json_array_size(cols) + 1, sizeof *s->cols);
    if (!s->cols) return -1;
    json_array_foreach(cols, i, v) {
        if (!json_is_string(v) || !*json_string_value(v)) {
            nb__error("nb_pipeline_from_json: %s.columns[%zu]: expected a column name", path, i);
            return -1;
        }
        if (!(s->cols[s->ncols++] = nb__strdup(json_string_value(v)))) return -1;
    }
    return 0;
}

static int load_step(nb_pipeline *p, json_t *obj, int i, bool fitted)
{
    char path[32];
    snprintf(path, sizeof path, "steps[%d]", i);
    const char *name = json_string_value(json_object_get(obj, "step"));
    int kind = 0;
    while (kind < 6 && (!name || strcmp(name, step_names[kind]))) kind++;
    if (!json_is_object(obj) || kind == 6) {
        nb__error("nb_pipeline_from_json: %s.step: expected one of impute, scale, onehot, "
                  "ordinal, outlier, poly", path);
        return -1;
    }
    nb_step_options o = nb_step_options_default((nb_step_kind)kind);
    if (nb_pipeline_add(p, &o) < 0) return -1;
    nb_step *s = &p->steps[p->nsteps - 1];
    s->auto_cols = json_is_true(json_object_get(obj, "auto_columns"));
    s->fitted = fitted;
    if (load_columns(s, obj, path) < 0) return -1;
    if (!s->auto_cols && s->ncols == 0) {
        nb__error("nb_pipeline_from_json: %s.columns: empty, and auto_columns is not true", path);
        return -1;
    }
    return nb__step_ops(s->o.kind)->load(s, obj, path);
}

static int load_inputs(nb_pipeline *p, json_t *input)
{
    json_t *v;
    size_t i;
    p->in_names = calloc(json_array_size(input) + 1, sizeof *p->in_names);
    p->in_kinds = calloc(json_array_size(input) + 1, sizeof *p->in_kinds);
    if (!p->in_names || !p->in_kinds) return -1;
    json_array_foreach(input, i, v) {
        const char *name = json_string_value(json_object_get(v, "name"));
        const char *kind = json_string_value(json_object_get(v, "kind"));
        int k = 1;
        while (k < 4 && (!kind || strcmp(kind, kind_names[k]))) k++;
        if (!name || k == 4) {
            nb__error("nb_pipeline_from_json: input[%zu]: expected {\"name\": ..., \"kind\": "
                      "\"numeric\" | \"categorical\" | \"text\"}", i);
            return -1;
        }
        if (!(p->in_names[p->nin] = nb__strdup(name))) return -1;
        p->in_kinds[p->nin++] = (nb_col_kind)k;
    }
    return 0;
}

static int load_root(nb_pipeline *p, json_t *root)
{
    json_t *steps = json_object_get(root, "steps"), *input = json_object_get(root, "input");
    json_t *target = json_object_get(root, "target"), *v;
    const char *format = json_string_value(json_object_get(root, "format"));
    size_t i;
    if (!format || strcmp(format, "nabla-pipeline")) {
        nb__error("nb_pipeline_from_json: format: expected \"nabla-pipeline\"");
        return -1;
    }
    if (json_integer_value(json_object_get(root, "version")) != 1) {
        nb__error("nb_pipeline_from_json: version: expected 1 (this nabla reads version 1)");
        return -1;
    }
    if (!json_is_array(steps) || !json_is_array(input) || !(json_is_string(target) || json_is_null(target))) {
        nb__error("nb_pipeline_from_json: expected 'steps' and 'input' arrays and 'target' (a string or null)");
        return -1;
    }
    bool fitted = json_is_true(json_object_get(root, "fitted"));
    if (load_inputs(p, input) < 0) return -1;
    if (json_is_string(target) && !(p->target = nb__strdup(json_string_value(target)))) return -1;
    json_array_foreach(steps, i, v)
        if (load_step(p, v, (int)i, fitted) < 0) return -1;
    p->fitted = fitted;
    return 0;
}

nb_pipeline *nb_pipeline_from_json(const char *json)
{
    json_error_t err;
    json_t *root = json ? json_loads(json, JSON_REJECT_DUPLICATES, &err) : NULL;
    if (!root) {
        if (json) nb__error("nb_pipeline_from_json: %d:%d: %s", err.line, err.column, err.text);
        else nb__error("nb_pipeline_from_json: NULL text");
        return NULL;
    }
    nb_pipeline *p = nb_pipeline_new();
    if (p && (!json_is_object(root) || load_root(p, root) < 0)) {
        if (!json_is_object(root)) nb__error("nb_pipeline_from_json: 1:1: expected a JSON object");
        else if (!*nb_last_error()) nb__error("nb_pipeline_from_json: out of memory");
        nb_pipeline_free(p);
        p = NULL;
    }
    json_decref(root);
    return p;
}
