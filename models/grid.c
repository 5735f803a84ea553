/* models/grid.c — grid search: every combination of the listed parameter
 * values is cross-validated, and the best mean score wins.
 *
 * "C=0.1,1,10;max_iter=100,200" lists 3 x 2 = 6 combinations. Combination i
 * is read as a mixed-radix number whose last digit is the last parameter's
 * value, so the last parameter varies fastest. */
#include "params_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct grid_axis {
    int param;        /* index in the schema */
    char **values;
    int n;
} grid_axis;

struct nb_grid {
    const nb_model_type *type;
    grid_axis *axes;
    int naxes;
};

void nb_grid_free(nb_grid *g)
{
    if (!g) return;
    for (int a = 0; a < g->naxes; a++) nb__strv_free(g->axes[a].values, g->axes[a].n);
    free(g->axes), free(g);
}

/* "name=v1,v2,..." into one axis; each value checked against the schema. */
static int parse_axis(nb_grid *g, char *item, const char *fn)
{
    const nb_model_type *t = g->type;
    char *eq = strchr(item, '=');
    if (!eq || eq == item) return nb__error("%s: %s: '%s' is not name=value,value,...", fn, t->name, item), -1;
    *eq = 0;
    int p = nb__params_find(t->params, t->nparams, item);
    if (p < 0) return nb__error("%s: %s: unknown parameter '%s'", fn, t->name, item), -1;
    for (int a = 0; a < g->naxes; a++)
        if (g->axes[a].param == p) return nb__error("%s: %s: %s is listed twice", fn, t->name, item), -1;
    grid_axis *ax = &g->axes[g->naxes];
    *ax = (grid_axis){p, calloc(strlen(eq + 1) / 2 + 2, sizeof(char *)), 0};
    if (!ax->values) return nb__error("%s: out of memory", fn), -1;
    g->naxes++;
    for (char *v = eq + 1, *next; v; v = next) {
        next = strchr(v, ',');
        if (next) *next++ = 0;
        nb__pvalue check = {0};
        int rc = nb__param_parse(fn, t->name, &t->params[p], v, &check);
        free(check.s), free(check.list), free(check.text);
        if (rc < 0) return -1;
        if (!(ax->values[ax->n] = nb__str_copy(v))) return -1;
        ax->n++;
    }
    return 0;
}

nb_grid *nb_grid_parse(const nb_model_type *type, const char *text)
{
    const char *fn = "nb_grid_parse";
    if (!type || !text || !*text) return nb__error("%s: NULL or empty grid", fn), NULL;
    nb_grid *g = calloc(1, sizeof *g);
    char *copy = nb__str_copy(text);
    if (g) g->axes = calloc(strlen(text) / 2 + 1, sizeof *g->axes);
    if (!g || !copy || !g->axes) {
        nb__error("%s: out of memory", fn);
        free(copy), nb_grid_free(g);
        return NULL;
    }
    g->type = type;
    int rc = 0;
    for (char *item = copy, *next; rc == 0 && item; item = next) {
        next = strchr(item, ';');
        if (next) *next++ = 0;
        if (*item) rc = parse_axis(g, item, fn);
    }
    free(copy);
    if (rc == 0 && g->naxes == 0) rc = -1, nb__error("%s: the grid lists no parameter", fn);
    if (rc == 0 && nb_grid_size(g) > 100000) rc = -1, nb__error("%s: more than 100000 combinations", fn);
    if (rc < 0) nb_grid_free(g), g = NULL;
    return g;
}

int64_t nb_grid_size(const nb_grid *g)
{
    int64_t n = g ? 1 : 0;
    for (int a = 0; g && a < g->naxes; a++) n = n > INT64_MAX / g->axes[a].n ? INT64_MAX : n * g->axes[a].n;
    return n;
}

nb_params *nb_grid_params(const nb_grid *g, const nb_params *base, int64_t i)
{
    if (!g || i < 0 || i >= nb_grid_size(g)) return nb__error("nb_grid_params: no combination %lld", (long long)i), NULL;
    const nb_model_type *t = g->type;
    nb_params *p = base ? nb_params_clone(base) : nb_params_new(t->name, t->params, t->nparams);
    for (int a = g->naxes - 1; p && a >= 0; a--) {
        const grid_axis *ax = &g->axes[a];
        if (nb_params_set(p, t->params[ax->param].name, ax->values[i % ax->n]) < 0) nb_params_free(p), p = NULL;
        i /= ax->n;
    }
    return p;
}

/* "C=0.1,max_iter=200": the grid's parameters in combination i. */
static char *setting(const nb_grid *g, int64_t i)
{
    size_t len = 1;
    for (int a = 0; a < g->naxes; a++) len += strlen(g->type->params[g->axes[a].param].name) + 2 + 64;
    char *s = malloc(len), *parts[64];
    if (!s) return nb__error("nb_grid_search: out of memory"), NULL;
    int na = g->naxes < 64 ? g->naxes : 64;
    for (int a = na - 1; a >= 0; a--) parts[a] = g->axes[a].values[i % g->axes[a].n], i /= g->axes[a].n;
    s[0] = 0;
    for (int a = 0, used = 0; a < na; a++)
        used += snprintf(s + used, len - (size_t)used, "%s%s=%.60s", a ? "," : "",
                         g->type->params[g->axes[a].param].name, parts[a]);
    return s;
}

void nb_grid_result_clear(nb_grid_result *r)
{
    if (!r) return;
    nb__strv_free(r->settings, r->n);
    free(r->mean), free(r->std);
    memset(r, 0, sizeof *r);
}

int nb_grid_search(const nb_model_type *type, const nb_params *base, const nb_grid *grid,
                   const nb_dataset *ds, int k, const char *metric, const nb_fit_options *opts,
                   nb_grid_result *out)
{
    const char *fn = "nb_grid_search";
    if (!type || !grid || !ds || !out) return nb__error("%s: NULL argument", fn), -1;
    memset(out, 0, sizeof *out);
    out->metric = metric ? metric : nb_task_main_metric(type->task);
    if (!nb_metric_known(out->metric)) {
        nb_scores s;
        nb_scores_clear(&s, type->task);
        nb_scores_get(&s, out->metric); /* sets the message listing the metrics */
        return -1;
    }
    int64_t n = nb_grid_size(grid);
    out->settings = calloc((size_t)n, sizeof *out->settings);
    out->mean = calloc((size_t)n, sizeof *out->mean), out->std = calloc((size_t)n, sizeof *out->std);
    if (!out->settings || !out->mean || !out->std) return nb_grid_result_clear(out), nb__error("%s: out of memory", fn), -1;
    bool higher = nb_metric_higher_is_better(out->metric);
    out->best = -1;
    for (int64_t i = 0; i < n; i++) {
        nb_params *p = nb_grid_params(grid, base, i);
        nb_ctx *ctx = nb_ctx_new();
        nb_cv_result cv;
        int rc = p && ctx && (out->settings[i] = setting(grid, i)) ? nb_cross_validate(type, p, ds, k, opts, ctx, &cv) : -1;
        if (rc == 0) {
            out->mean[i] = nb_scores_get(&cv.mean, out->metric), out->std[i] = nb_scores_get(&cv.std, out->metric);
            nb_cv_result_clear(&cv);
        }
        nb_params_free(p), nb_ctx_free(ctx);
        out->n = i + 1;
        if (rc < 0) return nb_grid_result_clear(out), -1;
        double m = out->mean[i], b = out->best >= 0 ? out->mean[out->best] : NAN;
        if (!isnan(m) && (out->best < 0 || isnan(b) || (higher ? m > b : m < b))) out->best = i;
    }
    if (out->best < 0) out->best = 0;
    return 0;
}
