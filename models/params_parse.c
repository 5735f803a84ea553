/* models/params_parse.c — reading one parameter value from text and checking
 * it against its schema entry: type, range, enum choices. Every message names
 * the key, the value and what is allowed. */
#include "params_internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- ranges: "[1, 10000]", "(0, inf)", "[0, 1)" ---- */

int nb__range_parse(const char *text, nb__range *r)
{
    const char *s = text;
    char *end;
    while (isspace((unsigned char)*s)) s++;
    if (*s != '[' && *s != '(') return -1;
    r->lo_open = *s++ == '(';
    r->lo = strtod(s, &end);
    if (end == s) return -1;
    s = end;
    while (isspace((unsigned char)*s)) s++;
    if (*s++ != ',') return -1;
    r->hi = strtod(s, &end);
    if (end == s) return -1;
    s = end;
    while (isspace((unsigned char)*s)) s++;
    if (*s != ']' && *s != ')') return -1;
    r->hi_open = *s++ == ')';
    while (isspace((unsigned char)*s)) s++;
    return *s || isnan(r->lo) || isnan(r->hi) || r->lo > r->hi ? -1 : 0;
}

static bool in_range(const nb_param_spec *sp, double x)
{
    nb__range r;
    if (!sp->range || nb__range_parse(sp->range, &r) < 0) return true;
    return (r.lo_open ? x > r.lo : x >= r.lo) && (r.hi_open ? x < r.hi : x <= r.hi);
}

/* "an integer in [1, 10000]", "one of lbfgs|sgd|adam", ... for messages. */
void nb__param_allowed(const nb_param_spec *sp, char *buf, size_t size)
{
    switch (sp->type) {
    case NB_PARAM_INT: snprintf(buf, size, "an integer%s%s", sp->range ? " in " : "", sp->range ? sp->range : ""); break;
    case NB_PARAM_FLOAT: snprintf(buf, size, "a number%s%s", sp->range ? " in " : "", sp->range ? sp->range : ""); break;
    case NB_PARAM_BOOL: snprintf(buf, size, "true or false"); break;
    case NB_PARAM_ENUM: snprintf(buf, size, "one of %s", sp->values ? sp->values : "(none)"); break;
    case NB_PARAM_STRING: snprintf(buf, size, "any text"); break;
    case NB_PARAM_INT_LIST:
        snprintf(buf, size, "integers separated by ':'%s%s", sp->range ? ", each in " : "",
                 sp->range ? sp->range : "");
        break;
    default: snprintf(buf, size, "nothing (unknown type)"); break;
    }
}

/* The common failure: "<fn>: <owner>: <key>=<value>: <why>; <key> takes <allowed>". */
static int bad(const char *fn, const char *owner, const nb_param_spec *sp, const char *value,
               const char *why)
{
    char allowed[256];
    nb__param_allowed(sp, allowed, sizeof allowed);
    nb__error("%s: %s: %s=%s: %s; %s takes %s", fn, owner, sp->name, value, why, sp->name, allowed);
    return -1;
}

static int parse_int(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    while (isspace((unsigned char)*end)) end++;
    if (end == s || *end || errno == ERANGE || isspace((unsigned char)*s)) return -1;
    *out = (int64_t)v;
    return 0;
}

static int parse_int_list(const nb_param_spec *sp, const char *s, nb__pvalue *v, const char **why)
{
    int n = 1;
    for (const char *c = s; *c; c++) n += *c == ':';
    int64_t *list = malloc((size_t)n * sizeof *list);
    if (!list) return *why = "out of memory", -1;
    char item[64];
    const char *c = s;
    for (int k = 0; k < n; k++) {
        size_t len = strcspn(c, ":");
        if (len == 0 || len >= sizeof item) return free(list), *why = "not a list of integers", -1;
        memcpy(item, c, len), item[len] = 0;
        if (parse_int(item, &list[k]) < 0) return free(list), *why = "not a list of integers", -1;
        if (!in_range(sp, (double)list[k])) return free(list), *why = "an item is out of range", -1;
        c += len + (c[len] == ':');
    }
    free(v->list);
    v->list = list, v->nlist = n;
    return 0;
}

static bool enum_has(const char *values, const char *s)
{
    size_t len = strlen(s);
    for (const char *c = values; c && *c;) {
        size_t w = strcspn(c, "|");
        if (w == len && !strncmp(c, s, len)) return true;
        c += w + (c[w] == '|');
    }
    return false;
}

static int parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"}, *const no[] = {"false", "no", "off", "0"};
    for (int k = 0; k < 4; k++) {
        if (!strcasecmp(s, yes[k])) return *out = true, 0;
        if (!strcasecmp(s, no[k])) return *out = false, 0;
    }
    return -1;
}

static int set_string(nb__pvalue *v, const char *s)
{
    char *copy = nb__str_copy(s);
    if (!copy) return -1;
    free(v->s);
    v->s = copy;
    return 0;
}

int nb__param_parse(const char *fn, const char *owner, const nb_param_spec *sp, const char *text,
                    nb__pvalue *v)
{
    const char *why = NULL;
    switch (sp->type) {
    case NB_PARAM_INT: {
        int64_t x;
        if (parse_int(text, &x) < 0) return bad(fn, owner, sp, text, "not an integer");
        if (!in_range(sp, (double)x)) return bad(fn, owner, sp, text, "out of range");
        v->i = x;
        return 0;
    }
    case NB_PARAM_FLOAT: {
        char *end;
        double x = strtod(text, &end);
        while (isspace((unsigned char)*end)) end++;
        if (end == text || *end || isspace((unsigned char)*text)) return bad(fn, owner, sp, text, "not a number");
        if (!isfinite(x)) return bad(fn, owner, sp, text, "not a finite number");
        if (!in_range(sp, x)) return bad(fn, owner, sp, text, "out of range");
        v->f = x;
        return 0;
    }
    case NB_PARAM_BOOL:
        if (parse_bool(text, &v->b) < 0) return bad(fn, owner, sp, text, "not a boolean");
        return 0;
    case NB_PARAM_ENUM:
        if (!enum_has(sp->values, text)) return bad(fn, owner, sp, text, "not a choice");
        return set_string(v, text) < 0 ? bad(fn, owner, sp, text, "out of memory") : 0;
    case NB_PARAM_STRING:
        return set_string(v, text) < 0 ? bad(fn, owner, sp, text, "out of memory") : 0;
    case NB_PARAM_INT_LIST:
        if (parse_int_list(sp, text, v, &why) < 0) return bad(fn, owner, sp, text, why);
        return 0;
    }
    return bad(fn, owner, sp, text, "the schema gives no known type");
}

/* Checked setters from C values: the value is formatted and goes through the
 * same checks as text, so both routes give the same messages. */
int nb__param_check_float(const char *fn, const char *owner, const nb_param_spec *sp, double x)
{
    char buf[32];
    nb__fmt_double(buf, x);
    if (!isfinite(x)) return bad(fn, owner, sp, buf, "not a finite number");
    if (!in_range(sp, x)) return bad(fn, owner, sp, buf, "out of range");
    return 0;
}

int nb__param_check_int(const char *fn, const char *owner, const nb_param_spec *sp, int64_t x)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)x);
    return in_range(sp, (double)x) ? 0 : bad(fn, owner, sp, buf, "out of range");
}
