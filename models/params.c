/* models/params.c — parameter sets: the values of a schema's parameters,
 * set from "key=value,key=value" text or from C, read back by plugins. */
#include "params_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int nb__params_find(const nb_param_spec *schema, int n, const char *key)
{
    for (int k = 0; key && k < n; k++)
        if (!strcmp(schema[k].name, key)) return k;
    return -1;
}

static void value_clear(nb__pvalue *v)
{
    free(v->s), free(v->list), free(v->text);
    memset(v, 0, sizeof *v);
}

void nb_params_free(nb_params *p)
{
    if (!p) return;
    for (int k = 0; k < p->n; k++) value_clear(&p->v[k]);
    free(p->v), free(p->owner), free(p);
}

nb_params *nb_params_new(const char *owner, const nb_param_spec *schema, int n)
{
    if (n < 0 || (n > 0 && !schema)) {
        nb__error("nb_params_new: bad schema (%d entries at %p)", n, (const void *)schema);
        return NULL;
    }
    if (nb_params_check_schema(schema, n) < 0) return NULL;
    nb_params *p = calloc(1, sizeof *p);
    if (p) p->owner = nb__str_copy(owner ? owner : "params");
    if (p) p->v = calloc((size_t)(n ? n : 1), sizeof *p->v);
    if (!p || !p->owner || !p->v) {
        nb_params_free(p);
        nb__error("nb_params_new: out of memory");
        return NULL;
    }
    p->schema = schema, p->n = n;
    for (int k = 0; k < n; k++)
        if (nb__param_parse("nb_params_new", p->owner, &schema[k], schema[k].def, &p->v[k]) < 0) {
            nb_params_free(p);
            return NULL;
        }
    return p;
}

nb_params *nb_params_clone(const nb_params *p)
{
    if (!p) {
        nb__error("nb_params_clone: NULL parameters");
        return NULL;
    }
    nb_params *q = nb_params_new(p->owner, p->schema, p->n);
    for (int k = 0; q && k < p->n; k++)
        if (nb__param_parse("nb_params_clone", q->owner, &p->schema[k], nb_params_text(p, k), &q->v[k]) < 0) {
            nb_params_free(q);
            return NULL;
        }
    return q;
}

/* "unknown parameter 'foo' (parameters: C, max_iter, ...)" */
static int unknown_key(const char *fn, const nb_params *p, const char *key)
{
    char names[512] = "";
    size_t used = 0;
    for (int k = 0; k < p->n && used < sizeof names - 1; k++)
        used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", k ? ", " : "", p->schema[k].name);
    nb__error("%s: %s: unknown parameter '%s' (%s%s)", fn, p->owner, key ? key : "(null)",
              p->n ? "parameters: " : "it takes no parameters", names);
    return -1;
}

int nb__params_set_text(const char *fn, nb_params *p, const char *key, const char *value)
{
    int k = nb__params_find(p->schema, p->n, key);
    if (k < 0) return unknown_key(fn, p, key);
    if (!value) {
        nb__error("%s: %s: %s has no value", fn, p->owner, key);
        return -1;
    }
    nb__pvalue v = {0};
    if (nb__param_parse(fn, p->owner, &p->schema[k], value, &v) < 0) return value_clear(&v), -1;
    value_clear(&p->v[k]);
    p->v[k] = v;
    return 0;
}

int nb_params_set(nb_params *p, const char *key, const char *value)
{
    if (!p) return nb__error("nb_params_set: NULL parameters"), -1;
    return nb__params_set_text("nb_params_set", p, key, value);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1])) *--e = 0;
    return s;
}

/* One "key=value" token; a token without '=' continues the previous int list
 * ("hidden=64,32"). `list` carries that list's text between tokens. */
static int apply_token(const char *fn, nb_params *p, char *tok, char **list, int *list_k,
                       unsigned char *seen)
{
    char *eq = strchr(tok, '=');
    if (!eq) {
        if (*list_k < 0) {
            nb__error("%s: %s: '%s' is not key=value", fn, p->owner, tok);
            return -1;
        }
        size_t len = strlen(*list) + strlen(tok) + 2;
        char *grown = realloc(*list, len);
        if (!grown) return nb__error("%s: out of memory", fn), -1;
        strcat(strcat(grown, ":"), tok);
        *list = grown;
        return nb__params_set_text(fn, p, p->schema[*list_k].name, *list);
    }
    *eq = 0;
    char *key = trim(tok), *value = trim(eq + 1);
    int k = nb__params_find(p->schema, p->n, key);
    if (k < 0) return unknown_key(fn, p, key);
    if (seen[k]) {
        nb__error("%s: %s: %s is given twice", fn, p->owner, key);
        return -1;
    }
    seen[k] = 1;
    *list_k = -1;
    if (p->schema[k].type == NB_PARAM_INT_LIST) {
        free(*list);
        if (!(*list = nb__str_copy(value))) return -1;
        *list_k = k;
    }
    return nb__params_set_text(fn, p, key, value);
}

static int update(const char *fn, nb_params *p, const char *text)
{
    if (!text) return 0;
    char *copy = nb__str_copy(text), *list = NULL;
    unsigned char *seen = calloc((size_t)p->n + 1, 1);
    int rc = copy && seen ? 0 : -1, list_k = -1;
    if (rc) nb__error("%s: out of memory", fn);
    for (char *tok = copy, *next; rc == 0 && tok; tok = next) {
        next = strchr(tok, ',');
        if (next) *next++ = 0;
        char *t = trim(tok);
        if (!*t) {
            if (next || tok != copy) {
                nb__error("%s: %s: empty item in '%s'", fn, p->owner, text);
                rc = -1;
            }
            continue;
        }
        rc = apply_token(fn, p, t, &list, &list_k, seen);
    }
    free(copy), free(list), free(seen);
    return rc;
}

int nb_params_update(nb_params *p, const char *text)
{
    if (!p) return nb__error("nb_params_update: NULL parameters"), -1;
    return update("nb_params_update", p, text);
}

nb_params *nb_params_parse(const char *owner, const nb_param_spec *schema, int n, const char *text)
{
    nb_params *p = nb_params_new(owner, schema, n);
    if (p && update("nb_params_parse", p, text) < 0) {
        nb_params_free(p);
        return NULL;
    }
    return p;
}
