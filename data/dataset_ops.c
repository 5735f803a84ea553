/* data/dataset_ops.c — datasets made from datasets: clone, select, drop,
 * take rows, and converting a column between kinds. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Copies all rows (rows == NULL, n = nrows) or the listed ones. String
 * columns keep their whole level table so codes stay valid. */
int nb__column_copy(nb_column *dst, const nb_column *src, const int64_t *rows, int64_t n)
{
    memset(dst, 0, sizeof *dst);
    dst->kind = src->kind;
    dst->name = nb__strdup(src->name);
    size_t m = (size_t)(n ? n : 1);
    if (src->kind == NB_COL_NUMERIC) {
        dst->num = malloc(m * sizeof *dst->num);
        if (dst->num)
            for (int64_t i = 0; i < n; i++) dst->num[i] = src->num[rows ? rows[i] : i];
    } else {
        dst->codes = malloc(m * sizeof *dst->codes);
        dst->levels = nb__strtab_clone(src->levels);
        if (dst->codes)
            for (int64_t i = 0; i < n; i++) dst->codes[i] = src->codes[rows ? rows[i] : i];
    }
    if (!dst->name || (src->kind == NB_COL_NUMERIC ? !dst->num : !dst->codes || !dst->levels)) {
        nb__column_free(dst);
        nb__error("nb_dataset: out of memory copying column '%s'", src->name);
        return -1;
    }
    return 0;
}

/* A new dataset of the listed columns (by index), rows as nb__column_copy. */
static nb_dataset *subset(const nb_dataset *ds, const int *cols, int ncols, const int64_t *rows,
                          int64_t n)
{
    nb_dataset *out = nb_dataset_new(n);
    if (!out) return NULL;
    for (int k = 0; k < ncols; k++) {
        nb_column c;
        if (nb__column_copy(&c, &ds->cols[cols[k]], rows, n) < 0 ||
            nb__dataset_push(out, c, "nb_dataset") < 0) {
            nb_dataset_free(out);
            return NULL;
        }
        if (cols[k] == ds->target) out->target = out->ncols - 1;
    }
    return out;
}

static int *all_columns(const nb_dataset *ds)
{
    int *cols = malloc((size_t)(ds->ncols ? ds->ncols : 1) * sizeof *cols);
    if (!cols) nb__error("nb_dataset: out of memory");
    else
        for (int j = 0; j < ds->ncols; j++) cols[j] = j;
    return cols;
}

nb_dataset *nb_dataset_clone(const nb_dataset *ds)
{
    if (!ds) {
        nb__error("nb_dataset_clone: NULL dataset");
        return NULL;
    }
    int *cols = all_columns(ds);
    nb_dataset *out = cols ? subset(ds, cols, ds->ncols, NULL, ds->nrows) : NULL;
    free(cols);
    return out;
}

nb_dataset *nb_dataset_select(const nb_dataset *ds, const char *const *names, int n)
{
    if (!ds || n < 0 || (n && !names)) {
        nb__error("nb_dataset_select: NULL dataset or bad name list");
        return NULL;
    }
    int *cols = malloc((size_t)(n ? n : 1) * sizeof *cols);
    if (!cols) {
        nb__error("nb_dataset_select: out of memory");
        return NULL;
    }
    for (int k = 0; k < n; k++) {
        cols[k] = nb_dataset_col_index(ds, names[k]);
        if (cols[k] < 0) {
            nb__error("nb_dataset_select: no column named '%s'", names[k] ? names[k] : "(null)");
            free(cols);
            return NULL;
        }
    }
    nb_dataset *out = subset(ds, cols, n, NULL, ds->nrows);
    free(cols);
    return out;
}

nb_dataset *nb_dataset_drop(const nb_dataset *ds, const char *const *names, int n)
{
    if (!ds || n < 0 || (n && !names)) {
        nb__error("nb_dataset_drop: NULL dataset or bad name list");
        return NULL;
    }
    for (int k = 0; k < n; k++)
        if (nb_dataset_col_index(ds, names[k]) < 0) {
            nb__error("nb_dataset_drop: no column named '%s'", names[k] ? names[k] : "(null)");
            return NULL;
        }
    int *cols = all_columns(ds), m = 0;
    if (!cols) return NULL;
    for (int j = 0; j < ds->ncols; j++) {
        bool dropped = false;
        for (int k = 0; k < n; k++) dropped |= !strcmp(names[k], ds->cols[j].name);
        if (!dropped) cols[m++] = j;
    }
    nb_dataset *out = subset(ds, cols, m, NULL, ds->nrows);
    free(cols);
    return out;
}

nb_dataset *nb_dataset_take_rows(const nb_dataset *ds, const int64_t *rows, int64_t n)
{
    if (!ds || n < 0 || (n && !rows)) {
        nb__error("nb_dataset_take_rows: NULL dataset or bad row list");
        return NULL;
    }
    for (int64_t i = 0; i < n; i++)
        if (rows[i] < 0 || rows[i] >= ds->nrows) {
            nb__error("nb_dataset_take_rows: rows[%lld] = %lld is outside 0..%lld",
                      (long long)i, (long long)rows[i], (long long)ds->nrows - 1);
            return NULL;
        }
    int *cols = all_columns(ds);
    nb_dataset *out = cols ? subset(ds, cols, ds->ncols, rows, n) : NULL;
    free(cols);
    return out;
}

static int numeric_to_strings(nb_dataset *ds, nb_column *c, nb_col_kind kind)
{
    int32_t *codes = malloc((size_t)(ds->nrows ? ds->nrows : 1) * sizeof *codes);
    nb_strtab *levels = nb__strtab_new();
    if (!codes || !levels) goto oom;
    for (int64_t i = 0; i < ds->nrows; i++) {
        char buf[32];
        codes[i] = -1;
        if (isnan(c->num[i])) continue;
        nb__format_double(buf, c->num[i]);
        if ((codes[i] = nb__strtab_intern(levels, buf, strlen(buf))) < 0) goto oom;
    }
    free(c->num);
    c->num = NULL;
    c->codes = codes;
    c->levels = levels;
    c->kind = kind;
    return 0;
oom:
    free(codes);
    nb__strtab_free(levels);
    nb__error("nb_dataset_convert: out of memory converting column '%s'", c->name);
    return -1;
}

static int strings_to_numeric(nb_dataset *ds, nb_column *c)
{
    double *vals = malloc((size_t)(c->levels->count ? c->levels->count : 1) * sizeof *vals);
    double *num = malloc((size_t)(ds->nrows ? ds->nrows : 1) * sizeof *num);
    if (!vals || !num) {
        nb__error("nb_dataset_convert: out of memory converting column '%s'", c->name);
        goto fail;
    }
    for (int32_t k = 0; k < c->levels->count; k++) {
        const char *s = c->levels->strs[k];
        if (!nb__parse_double(s, strlen(s), &vals[k])) {
            char q[200];
            nb__error("nb_dataset_convert: column '%s': %s is not a number", c->name,
                      nb__quote_for_msg(q, s, strlen(s)));
            goto fail;
        }
    }
    for (int64_t i = 0; i < ds->nrows; i++) num[i] = c->codes[i] < 0 ? NAN : vals[c->codes[i]];
    free(vals);
    free(c->codes);
    nb__strtab_free(c->levels);
    c->codes = NULL;
    c->levels = NULL;
    c->num = num;
    c->kind = NB_COL_NUMERIC;
    return 0;
fail:
    free(vals);
    free(num);
    return -1;
}

int nb_dataset_convert(nb_dataset *ds, int col, nb_col_kind kind)
{
    if (!ds || col < 0 || col >= ds->ncols || kind == NB_COL_AUTO) {
        nb__error("nb_dataset_convert: bad column %d (of %d) or kind '%s'", col,
                  ds ? ds->ncols : 0, nb_col_kind_name(kind));
        return -1;
    }
    nb_column *c = &ds->cols[col];
    if (c->kind == kind) return 0;
    if (nb__is_string_kind(c->kind) && nb__is_string_kind(kind)) {
        c->kind = kind;
        return 0;
    }
    return kind == NB_COL_NUMERIC ? strings_to_numeric(ds, c) : numeric_to_strings(ds, c, kind);
}
