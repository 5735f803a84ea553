/* models/schema.c — names of tasks and parameter types, and the check every
 * parameter schema passes before a plugin is accepted. */
#include "params_internal.h"

#include <stdlib.h>
#include <string.h>

const char *nb_task_name(nb_task task)
{
    switch (task) {
    case NB_TASK_REGRESSION: return "regression";
    case NB_TASK_CLASSIFICATION: return "classification";
    case NB_TASK_CLUSTERING: return "clustering";
    case NB_TASK_DECOMPOSITION: return "decomposition";
    case NB_TASK_TEXT_CLASSIFICATION: return "text classification";
    case NB_TASK_CONTROL: return "control";
    }
    return "unknown";
}

const char *nb_param_type_name(nb_param_type type)
{
    switch (type) {
    case NB_PARAM_INT: return "int";
    case NB_PARAM_FLOAT: return "float";
    case NB_PARAM_BOOL: return "bool";
    case NB_PARAM_ENUM: return "enum";
    case NB_PARAM_STRING: return "string";
    case NB_PARAM_INT_LIST: return "int list";
    }
    return "unknown";
}

/* [a-z][a-z0-9_]* — what model types, plugins and parameters are called. */
bool nb__is_identifier(const char *s)
{
    if (!s || !(*s >= 'a' && *s <= 'z')) return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')) return false;
    return true;
}

/* Parameter names may use capitals too (scikit-learn's C): [A-Za-z][A-Za-z0-9_]* */
static bool is_param_name(const char *s)
{
    if (!s || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))) return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

static int check_entry(const nb_param_spec *sp, int k)
{
    const char *fn = "nb_params_check_schema";
    if (!is_param_name(sp->name)) {
        nb__error("%s: parameter %d: name '%s' is not an identifier ([A-Za-z][A-Za-z0-9_]*)", fn, k,
                  sp->name ? sp->name : "(null)");
        return -1;
    }
    if (sp->type < NB_PARAM_INT || sp->type > NB_PARAM_INT_LIST) {
        nb__error("%s: %s: unknown type %d", fn, sp->name, (int)sp->type);
        return -1;
    }
    nb__range r;
    if (sp->range && (nb__range_parse(sp->range, &r) < 0 || sp->type == NB_PARAM_BOOL ||
                      sp->type == NB_PARAM_ENUM || sp->type == NB_PARAM_STRING)) {
        nb__error("%s: %s: bad range '%s' (write \"[lo, hi]\" with ( ) for open ends, on "
                  "int, float and int-list parameters)", fn, sp->name, sp->range);
        return -1;
    }
    if (sp->type == NB_PARAM_ENUM && (!sp->values || !*sp->values || strstr(sp->values, "||") ||
                                      sp->values[0] == '|' || sp->values[strlen(sp->values) - 1] == '|')) {
        nb__error("%s: %s: an enum needs its choices as \"a|b|c\"", fn, sp->name);
        return -1;
    }
    if (!sp->def || !sp->help) {
        nb__error("%s: %s: no %s", fn, sp->name, !sp->def ? "default" : "help line");
        return -1;
    }
    nb__pvalue v = {0};
    int rc = nb__param_parse(fn, "default", sp, sp->def, &v);
    free(v.s), free(v.list), free(v.text);
    return rc;
}

int nb_params_check_schema(const nb_param_spec *schema, int n)
{
    for (int k = 0; k < n; k++) {
        if (check_entry(&schema[k], k) < 0) return -1;
        for (int j = 0; j < k; j++)
            if (!strcmp(schema[j].name, schema[k].name)) {
                nb__error("nb_params_check_schema: parameter '%s' appears twice", schema[k].name);
                return -1;
            }
    }
    return 0;
}
