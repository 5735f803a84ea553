/* data/describe.c — per-column summaries, like pandas' DataFrame.describe.
 *
 * For every column: kind, count of present cells, count of missing cells,
 * number of distinct present values and the most frequent ones (count
 * descending, then value ascending: numbers by value, strings bytewise).
 * For numeric columns also (over present cells, as pandas):
 *   mean  sum / count
 *   std   sample standard deviation sqrt(sum (x - mean)^2 / (count - 1)),
 *         NaN for a single value
 *   min, max, and the quartiles 25%, 50%, 75% by linear interpolation:
 *         h = (count - 1) p, q = x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h])
 *         on the sorted values (numpy's default method, which pandas uses). */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct value_count {
    const char *text;  /* string value, or NULL for a number */
    double num;
    int64_t count;
} value_count;

static int cmp_vc(const void *a, const void *b)
{
    const value_count *x = a, *y = b;
    if (x->count != y->count) return x->count > y->count ? -1 : 1;
    if (x->text) return strcmp(x->text, y->text);
    return (x->num > y->num) - (x->num < y->num);
}

static int keep_top(nb_col_summary *cs, value_count *vc, int64_t n)
{
    char buf[32];
    qsort(vc, (size_t)n, sizeof *vc, cmp_vc);
    cs->distinct = n;
    for (int64_t k = 0; k < n && cs->ntop < NB_SUMMARY_TOP; k++, cs->ntop++) {
        if (!vc[k].text) nb__format_double(buf, vc[k].num);
        if (!(cs->top[cs->ntop] = nb__strdup(vc[k].text ? vc[k].text : buf))) return -1;
        cs->top_count[cs->ntop] = vc[k].count;
    }
    return 0;
}

static int summarize_numeric(nb_col_summary *cs, const double *x, int64_t nrows)
{
    int64_t m, d = 0;
    double *v = nb__sorted_present(x, nrows, &m);
    value_count *vc = v ? calloc((size_t)(m ? m : 1), sizeof *vc) : NULL;
    if (!vc) {
        free(v);
        return -1;
    }
    cs->count = m;
    if (m) {
        double sum = 0, ss = 0;
        for (int64_t i = 0; i < m; i++) sum += v[i];
        cs->mean = sum / (double)m;
        for (int64_t i = 0; i < m; i++) ss += (v[i] - cs->mean) * (v[i] - cs->mean);
        cs->std = m > 1 ? sqrt(ss / (double)(m - 1)) : NAN;
        cs->min = v[0], cs->max = v[m - 1];
        cs->q25 = nb__quantile_sorted(v, m, 0.25);
        cs->q50 = nb__quantile_sorted(v, m, 0.50);
        cs->q75 = nb__quantile_sorted(v, m, 0.75);
    }
    for (int64_t i = 0; i < m; i++) {
        if (i == 0 || v[i] != v[i - 1]) vc[d++] = (value_count){NULL, v[i], 0};
        vc[d - 1].count++;
    }
    int rc = keep_top(cs, vc, d);
    free(v), free(vc);
    return rc;
}

static int summarize_strings(nb_col_summary *cs, const nb_column *c, int64_t nrows)
{
    int32_t nl = c->levels->count;
    value_count *vc = calloc((size_t)nl + 1, sizeof *vc);
    if (!vc) return -1;
    for (int32_t k = 0; k < nl; k++) vc[k].text = c->levels->strs[k];
    for (int64_t i = 0; i < nrows; i++)
        if (c->codes[i] >= 0) vc[c->codes[i]].count++, cs->count++;
    int64_t d = 0;
    for (int32_t k = 0; k < nl; k++)
        if (vc[k].count) vc[d++] = vc[k];  /* levels of rows split away do not count */
    int rc = keep_top(cs, vc, d);
    free(vc);
    return rc;
}

void nb_summary_free(nb_summary *s)
{
    if (!s) return;
    for (int j = 0; j < s->ncols; j++) {
        free((char *)(uintptr_t)s->cols[j].name);
        for (int k = 0; k < s->cols[j].ntop; k++) free((char *)(uintptr_t)s->cols[j].top[k]);
    }
    free(s->cols);
    free(s);
}

nb_summary *nb_describe(const nb_dataset *ds)
{
    if (!ds) {
        nb__error("nb_describe: NULL dataset");
        return NULL;
    }
    nb_summary *s = calloc(1, sizeof *s);
    if (s) s->cols = calloc((size_t)(ds->ncols ? ds->ncols : 1), sizeof *s->cols);
    if (!s || !s->cols) goto oom;
    s->nrows = ds->nrows;
    for (int j = 0; j < ds->ncols; j++, s->ncols++) {
        const nb_column *c = &ds->cols[j];
        nb_col_summary *cs = &s->cols[j];
        cs->kind = c->kind;
        cs->mean = cs->std = cs->min = cs->q25 = cs->q50 = cs->q75 = cs->max = NAN;
        if (!(cs->name = nb__strdup(c->name))) goto oom;
        if ((c->kind == NB_COL_NUMERIC ? summarize_numeric(cs, c->num, ds->nrows)
                                       : summarize_strings(cs, c, ds->nrows)) < 0)
            goto oom;
        cs->missing = ds->nrows - cs->count;
    }
    return s;
oom:
    nb_summary_free(s);
    nb__error("nb_describe: out of memory");
    return NULL;
}

static void print_num(FILE *f, double x)
{
    if (isnan(x)) fprintf(f, " %10s", "-");
    else fprintf(f, " %10.6g", x);
}

int nb_describe_print(FILE *f, const nb_summary *s)
{
    if (!f || !s) {
        nb__error("nb_describe_print: NULL argument");
        return -1;
    }
    int w = 6;
    for (int j = 0; j < s->ncols; j++) {
        int len = (int)strlen(s->cols[j].name);
        if (len > w) w = len > 24 ? 24 : len;
    }
    fprintf(f, "%lld rows, %d columns\n", (long long)s->nrows, s->ncols);
    fprintf(f, "%-*s %-11s %8s %8s %10s %10s %10s %10s %10s %10s %10s %8s  %s\n", w, "column", "kind",
            "count", "missing", "mean", "std", "min", "25%", "50%", "75%", "max", "distinct", "top");
    for (int j = 0; j < s->ncols; j++) {
        const nb_col_summary *c = &s->cols[j];
        fprintf(f, "%-*.*s %-11s %8lld %8lld", w, w, c->name, nb_col_kind_name(c->kind),
                (long long)c->count, (long long)c->missing);
        const double v[] = {c->mean, c->std, c->min, c->q25, c->q50, c->q75, c->max};
        for (int k = 0; k < 7; k++) print_num(f, v[k]);
        fprintf(f, " %8lld ", (long long)c->distinct);
        for (int k = 0; k < c->ntop && k < 3; k++)
            fprintf(f, "%s%.20s (%lld)", k ? ", " : " ", c->top[k], (long long)c->top_count[k]);
        fputc('\n', f);
    }
    return ferror(f) ? -1 : 0;
}
