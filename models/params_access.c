/* models/params_access.c — typed reads and writes of parameter values, their
 * text forms ("C=1,max_iter=100", JSON) and the schema check. */
#include "params_internal.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The entry for key if it exists and has one of the wanted types. */
static int lookup(const char *fn, const nb_params *p, const char *key, nb_param_type t1,
                  nb_param_type t2)
{
    if (!p) return nb__error("%s: NULL parameters", fn), -1;
    int k = nb__params_find(p->schema, p->n, key);
    if (k < 0) {
        nb__error("%s: %s: no parameter '%s'", fn, p->owner, key ? key : "(null)");
        return -1;
    }
    if (p->schema[k].type != t1 && p->schema[k].type != t2) {
        nb__error("%s: %s: %s is a%s %s parameter", fn, p->owner, key,
                  p->schema[k].type == NB_PARAM_INT || p->schema[k].type == NB_PARAM_INT_LIST ? "n" : "",
                  nb_param_type_name(p->schema[k].type));
        return -1;
    }
    return k;
}

static void touch(nb__pvalue *v)
{
    free(v->text);
    v->text = NULL;
}

int nb_params_set_int(nb_params *p, const char *key, int64_t x)
{
    int k = lookup("nb_params_set_int", p, key, NB_PARAM_INT, NB_PARAM_INT);
    if (k < 0 || nb__param_check_int("nb_params_set_int", p->owner, &p->schema[k], x) < 0) return -1;
    p->v[k].i = x;
    touch(&p->v[k]);
    return 0;
}

int nb_params_set_float(nb_params *p, const char *key, double x)
{
    int k = lookup("nb_params_set_float", p, key, NB_PARAM_FLOAT, NB_PARAM_FLOAT);
    if (k < 0 || nb__param_check_float("nb_params_set_float", p->owner, &p->schema[k], x) < 0) return -1;
    p->v[k].f = x;
    touch(&p->v[k]);
    return 0;
}

int nb_params_set_bool(nb_params *p, const char *key, bool x)
{
    int k = lookup("nb_params_set_bool", p, key, NB_PARAM_BOOL, NB_PARAM_BOOL);
    if (k < 0) return -1;
    p->v[k].b = x;
    touch(&p->v[k]);
    return 0;
}

int nb_params_set_string(nb_params *p, const char *key, const char *x)
{
    int k = lookup("nb_params_set_string", p, key, NB_PARAM_ENUM, NB_PARAM_STRING);
    if (k < 0) return -1;
    if (!x) return nb__error("nb_params_set_string: %s: %s: NULL value", p->owner, key), -1;
    nb__pvalue v = {0};
    if (nb__param_parse("nb_params_set_string", p->owner, &p->schema[k], x, &v) < 0) return -1;
    free(p->v[k].s), touch(&p->v[k]);
    p->v[k].s = v.s;
    return 0;
}

int nb_params_set_int_list(nb_params *p, const char *key, const int64_t *x, int n)
{
    int k = lookup("nb_params_set_int_list", p, key, NB_PARAM_INT_LIST, NB_PARAM_INT_LIST);
    if (k < 0) return -1;
    if (n < 1 || !x) return nb__error("nb_params_set_int_list: %s: %s: empty list", p->owner, key), -1;
    for (int j = 0; j < n; j++)
        if (nb__param_check_int("nb_params_set_int_list", p->owner, &p->schema[k], x[j]) < 0) return -1;
    int64_t *copy = malloc((size_t)n * sizeof *copy);
    if (!copy) return nb__error("nb_params_set_int_list: out of memory"), -1;
    memcpy(copy, x, (size_t)n * sizeof *copy);
    free(p->v[k].list), touch(&p->v[k]);
    p->v[k].list = copy, p->v[k].nlist = n;
    return 0;
}

int64_t nb_params_int(const nb_params *p, const char *key)
{
    int k = lookup("nb_params_int", p, key, NB_PARAM_INT, NB_PARAM_INT);
    return k < 0 ? 0 : p->v[k].i;
}

double nb_params_float(const nb_params *p, const char *key)
{
    int k = lookup("nb_params_float", p, key, NB_PARAM_FLOAT, NB_PARAM_FLOAT);
    return k < 0 ? NAN : p->v[k].f;
}

bool nb_params_bool(const nb_params *p, const char *key)
{
    int k = lookup("nb_params_bool", p, key, NB_PARAM_BOOL, NB_PARAM_BOOL);
    return k < 0 ? false : p->v[k].b;
}

const char *nb_params_string(const nb_params *p, const char *key)
{
    int k = lookup("nb_params_string", p, key, NB_PARAM_ENUM, NB_PARAM_STRING);
    return k < 0 ? NULL : p->v[k].s;
}

const int64_t *nb_params_int_list(const nb_params *p, const char *key, int *n)
{
    int k = lookup("nb_params_int_list", p, key, NB_PARAM_INT_LIST, NB_PARAM_INT_LIST);
    if (n) *n = k < 0 ? 0 : p->v[k].nlist;
    return k < 0 ? NULL : p->v[k].list;
}

int nb_params_count(const nb_params *p) { return p ? p->n : 0; }

const nb_param_spec *nb_params_spec(const nb_params *p, int i)
{
    return p && i >= 0 && i < p->n ? &p->schema[i] : NULL;
}

static char *format_value(const nb_param_spec *sp, const nb__pvalue *v)
{
    char buf[64];
    switch (sp->type) {
    case NB_PARAM_INT: snprintf(buf, sizeof buf, "%lld", (long long)v->i); return nb__str_copy(buf);
    case NB_PARAM_FLOAT: nb__fmt_double(buf, v->f); return nb__str_copy(buf);
    case NB_PARAM_BOOL: return nb__str_copy(v->b ? "true" : "false");
    case NB_PARAM_ENUM:
    case NB_PARAM_STRING: return nb__str_copy(v->s ? v->s : "");
    case NB_PARAM_INT_LIST: {
        size_t cap = (size_t)v->nlist * 22 + 1, used = 0;
        char *s = malloc(cap);
        for (int j = 0; s && j < v->nlist; j++)
            used += (size_t)snprintf(s + used, cap - used, "%s%lld", j ? ":" : "", (long long)v->list[j]);
        if (s && !v->nlist) s[0] = 0;
        return s;
    }
    }
    return nb__str_copy("?");
}

const char *nb_params_text(const nb_params *p, int i)
{
    if (!p || i < 0 || i >= p->n) return NULL;
    nb__pvalue *v = &p->v[i]; /* the text is a cache: p stays logically const */
    if (!v->text) v->text = format_value(&p->schema[i], v);
    return v->text;
}

char *nb_params_to_string(const nb_params *p)
{
    if (!p) return nb__error("nb_params_to_string: NULL parameters"), NULL;
    size_t len = 1;
    for (int k = 0; k < p->n; k++) {
        const char *t = nb_params_text(p, k);
        if (!t) return nb__error("nb_params_to_string: out of memory"), NULL;
        len += strlen(p->schema[k].name) + strlen(t) + 2;
    }
    char *s = malloc(len);
    if (!s) return nb__error("nb_params_to_string: out of memory"), NULL;
    s[0] = 0;
    for (int k = 0; k < p->n; k++)
        strcat(strcat(strcat(strcat(s, k ? "," : ""), p->schema[k].name), "="), nb_params_text(p, k));
    return s;
}

char *nb_params_to_json(const nb_params *p)
{
    if (!p) return nb__error("nb_params_to_json: NULL parameters"), NULL;
    json_t *obj = json_object();
    for (int k = 0; obj && k < p->n; k++)
        json_object_set_new(obj, p->schema[k].name, json_string(nb_params_text(p, k)));
    char *s = obj ? json_dumps(obj, JSON_PRESERVE_ORDER | JSON_COMPACT) : NULL;
    json_decref(obj);
    if (!s) nb__error("nb_params_to_json: out of memory");
    return s;
}

nb_params *nb_params_from_json(const char *owner, const nb_param_spec *schema, int n, const char *json)
{
    json_error_t err;
    json_t *obj = json ? json_loads(json, 0, &err) : NULL;
    if (!json_is_object(obj)) {
        if (json && obj) nb__error("nb_params_from_json: %s: expected a JSON object", owner);
        else nb__error("nb_params_from_json: %s: %d:%d: %s", owner, json ? err.line : 0,
                       json ? err.column : 0, json ? err.text : "NULL text");
        json_decref(obj);
        return NULL;
    }
    nb_params *p = nb_params_new(owner, schema, n);
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        if (!p) break;
        if (!json_is_string(v)) {
            nb__error("nb_params_from_json: %s: %s: expected a string value", owner, key);
        } else if (nb__params_set_text("nb_params_from_json", p, key, json_string_value(v)) == 0) {
            continue;
        }
        nb_params_free(p);
        p = NULL;
    }
    json_decref(obj);
    return p;
}
