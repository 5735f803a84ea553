/* data/step_poly.c — polynomial features of degree 2 or 3.
 *
 * For the listed numeric columns x1..xm, appends every product of 2 (and,
 * for degree 3, of 3) of them with repetition, in scikit-learn's order
 * (combinations with replacement, lexicographic): for m = 2, degree 3 that
 * is x1^2, x1*x2, x2^2, x1^3, x1^2*x2, x1*x2^2, x2^3. Names are written the
 * same way ("Age^2", "Age*Fare"). The original columns stay. Nothing is
 * learned; a missing factor makes the product missing. */
#include "pipeline_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POLY_MAX_NEW 10000

static int poly_fit(nb_step *s, const nb_dataset *ds)
{
    for (int k = 0; k < s->ncols; k++) {
        int j = nb__step_col(s, ds, k, "nb_pipeline_fit");
        if (j < 0) return -1;
        if (ds->cols[j].kind != NB_COL_NUMERIC) {
            nb__error("nb_pipeline_fit: poly step: column '%s' is %s, not numeric", s->cols[k],
                      nb_col_kind_name(ds->cols[j].kind));
            return -1;
        }
    }
    int64_t m = s->ncols, n = m * (m + 1) / 2 + (s->o.degree == 3 ? m * (m + 1) * (m + 2) / 6 : 0);
    if (n > POLY_MAX_NEW) {
        nb__error("nb_pipeline_fit: poly step: %lld columns of degree %d would make %lld new "
                  "columns (limit %d)", (long long)m, s->o.degree, (long long)n, POLY_MAX_NEW);
        return -1;
    }
    return 0;
}

/* "a^2*b" for the factor list f[0..d) (non-decreasing column numbers). */
static void product_name(char *buf, size_t cap, const nb_step *s, const int *f, int d)
{
    size_t o = 0;
    buf[0] = '\0';
    for (int i = 0; i < d;) {
        int r = 1;
        while (i + r < d && f[i + r] == f[i]) r++;
        o += (size_t)snprintf(buf + o, o < cap ? cap - o : 0, r > 1 ? "%s%s^%d" : "%s%s", i ? "*" : "",
                              s->cols[f[i]], r);
        i += r;
    }
}

static int add_product(const nb_step *s, nb_dataset *ds, const int *f, int d, const int *cols,
                       const char *fn)
{
    size_t cap = 16;
    for (int i = 0; i < d; i++) cap += strlen(s->cols[f[i]]) + 1;
    nb_column c = {.kind = NB_COL_NUMERIC, .name = malloc(cap),
                   .num = malloc((size_t)(ds->nrows ? ds->nrows : 1) * sizeof(double))};
    if (!c.name || !c.num) {
        nb__column_free(&c);
        nb__error("%s: out of memory", fn);
        return -1;
    }
    product_name(c.name, cap, s, f, d);
    for (int64_t i = 0; i < ds->nrows; i++) {
        double p = 1;
        for (int k = 0; k < d; k++) p *= ds->cols[cols[f[k]]].num[i];
        c.num[i] = p;
    }
    return nb__dataset_push(ds, c, fn);
}

static int poly_apply(const nb_step *s, nb_dataset *ds, bool training, int64_t *count)
{
    const char *fn = training ? "nb_pipeline_fit" : "nb_pipeline_apply";
    int *cols = malloc((size_t)(s->ncols ? s->ncols : 1) * sizeof *cols), m = s->ncols, rc = 0;
    *count = 0;
    if (!cols) {
        nb__error("%s: out of memory", fn);
        return -1;
    }
    for (int k = 0; k < m && rc == 0; k++)
        if ((cols[k] = nb__step_col(s, ds, k, fn)) < 0 || ds->cols[cols[k]].kind != NB_COL_NUMERIC) {
            if (cols[k] >= 0) nb__error("%s: poly step: column '%s' is not numeric", fn, s->cols[k]);
            rc = -1;
        }
    for (int d = 2; d <= s->o.degree && rc == 0 && m > 0; d++) {
        int f[3] = {0, 0, 0};
        for (;;) { /* the next non-decreasing tuple f[0..d) */
            if ((rc = add_product(s, ds, f, d, cols, fn)) < 0) break;
            ++*count;
            int i = d - 1;
            while (i >= 0 && f[i] == m - 1) i--;
            if (i < 0) break;
            f[i]++;
            for (int k = i + 1; k < d; k++) f[k] = f[i];
        }
    }
    free(cols);
    return rc;
}

static int poly_save(const nb_step *s, json_t *obj)
{
    json_object_set_new(obj, "degree", json_integer(s->o.degree));
    return 0;
}

static int poly_load(nb_step *s, json_t *obj, const char *path)
{
    json_int_t d = json_integer_value(json_object_get(obj, "degree"));
    if (d != 2 && d != 3) {
        nb__error("nb_pipeline_from_json: %s.degree: expected 2 or 3", path);
        return -1;
    }
    s->o.degree = (int)d;
    return 0;
}

const nb_step_ops nb__poly_ops = {"poly", poly_fit, poly_apply, poly_save, poly_load};
