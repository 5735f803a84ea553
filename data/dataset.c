/* data/dataset.c — named columns of equal length plus an optional target.
 *
 * Numeric columns hold doubles (NaN = missing); categorical and text columns
 * hold an int32 code per row (-1 = missing) into a table of distinct strings.
 * Every operation that returns a dataset returns a new one: inputs are never
 * changed behind the caller's back, except by the functions that say so
 * (add, rename, convert, set_target). */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *nb_col_kind_name(nb_col_kind kind)
{
    switch (kind) {
    case NB_COL_AUTO: return "auto";
    case NB_COL_NUMERIC: return "numeric";
    case NB_COL_CATEGORICAL: return "categorical";
    case NB_COL_TEXT: return "text";
    }
    return "?";
}

nb_dataset *nb_dataset_new(int64_t nrows)
{
    if (nrows < 0) {
        nb__error("nb_dataset_new: nrows must be >= 0, got %lld", (long long)nrows);
        return NULL;
    }
    nb_dataset *ds = calloc(1, sizeof *ds);
    if (!ds) {
        nb__error("nb_dataset_new: out of memory");
        return NULL;
    }
    ds->nrows = nrows;
    ds->target = -1;
    return ds;
}

void nb__column_free(nb_column *c)
{
    free(c->name);
    free(c->num);
    free(c->codes);
    nb__strtab_free(c->levels);
    memset(c, 0, sizeof *c);
}

void nb_dataset_free(nb_dataset *ds)
{
    if (!ds) return;
    for (int j = 0; j < ds->ncols; j++) nb__column_free(&ds->cols[j]);
    free(ds->cols);
    free(ds);
}

int nb__dataset_insert(nb_dataset *ds, int at, nb_column col, const char *fn)
{
    if (nb_dataset_col_index(ds, col.name) >= 0) {
        nb__error("%s: duplicate column name '%s'", fn, col.name);
        goto fail;
    }
    if (ds->ncols == ds->cap) {
        int cap = ds->cap ? ds->cap * 2 : 8;
        nb_column *cols = realloc(ds->cols, (size_t)cap * sizeof *cols);
        if (!cols) {
            nb__error("%s: out of memory adding column '%s'", fn, col.name);
            goto fail;
        }
        ds->cols = cols;
        ds->cap = cap;
    }
    memmove(ds->cols + at + 1, ds->cols + at, (size_t)(ds->ncols - at) * sizeof *ds->cols);
    ds->cols[at] = col;
    ds->ncols++;
    if (ds->target >= at) ds->target++;
    return 0;
fail:
    nb__column_free(&col);
    return -1;
}

int nb__dataset_push(nb_dataset *ds, nb_column col, const char *fn)
{
    return nb__dataset_insert(ds, ds->ncols, col, fn);
}

void nb__dataset_remove(nb_dataset *ds, int col)
{
    nb__column_free(&ds->cols[col]);
    memmove(ds->cols + col, ds->cols + col + 1, (size_t)(ds->ncols - col - 1) * sizeof *ds->cols);
    ds->ncols--;
    if (ds->target == col) ds->target = -1;
    else if (ds->target > col) ds->target--;
}

int nb_dataset_add_numeric(nb_dataset *ds, const char *name, const double *values)
{
    if (!ds || !name || (!values && ds->nrows)) {
        nb__error("nb_dataset_add_numeric: NULL argument");
        return -1;
    }
    nb_column c = {.name = nb__strdup(name), .kind = NB_COL_NUMERIC};
    c.num = malloc((size_t)(ds->nrows ? ds->nrows : 1) * sizeof *c.num);
    if (!c.name || !c.num) {
        nb__error("nb_dataset_add_numeric: out of memory for column '%s'", name);
        nb__column_free(&c);
        return -1;
    }
    if (ds->nrows) memcpy(c.num, values, (size_t)ds->nrows * sizeof *c.num);
    return nb__dataset_push(ds, c, "nb_dataset_add_numeric");
}

int nb_dataset_add_strings(nb_dataset *ds, const char *name, nb_col_kind kind,
                           const char *const *strs)
{
    if (!ds || !name || (!strs && ds->nrows) || !nb__is_string_kind(kind)) {
        nb__error("nb_dataset_add_strings: NULL argument or kind '%s' is not a string kind",
                  nb_col_kind_name(kind));
        return -1;
    }
    nb_column c = {.name = nb__strdup(name), .kind = kind, .levels = nb__strtab_new()};
    c.codes = malloc((size_t)(ds->nrows ? ds->nrows : 1) * sizeof *c.codes);
    if (!c.name || !c.codes || !c.levels) {
        nb__error("nb_dataset_add_strings: out of memory for column '%s'", name);
        nb__column_free(&c);
        return -1;
    }
    for (int64_t i = 0; i < ds->nrows; i++) {
        c.codes[i] = strs[i] ? nb__strtab_intern(c.levels, strs[i], strlen(strs[i])) : -1;
        if (strs[i] && c.codes[i] < 0) {
            nb__column_free(&c);
            return -1;
        }
    }
    return nb__dataset_push(ds, c, "nb_dataset_add_strings");
}

nb_dataset *nb_dataset_from_matrix(const double *X, int64_t n, int64_t d,
                                   const char *const *names, const double *y,
                                   const char *y_name)
{
    nb_dataset *ds = nb_dataset_new(n);
    double *col = malloc((size_t)(n ? n : 1) * sizeof *col);
    if (!ds || !col || d < 0 || d > 100000) {
        if (ds && col) nb__error("nb_dataset_from_matrix: bad column count %lld", (long long)d);
        else nb__error("nb_dataset_from_matrix: out of memory");
        goto fail;
    }
    for (int64_t j = 0; j < d; j++) {
        char name[32];
        snprintf(name, sizeof name, "x%lld", (long long)j + 1);
        for (int64_t i = 0; i < n; i++) col[i] = X[i * d + j];
        if (nb_dataset_add_numeric(ds, names ? names[j] : name, col) < 0) goto fail;
    }
    if (y) {
        if (nb_dataset_add_numeric(ds, y_name ? y_name : "y", y) < 0) goto fail;
        ds->target = ds->ncols - 1;
    }
    free(col);
    return ds;
fail:
    free(col);
    nb_dataset_free(ds);
    return NULL;
}

/* ---- accessors ---- */

int64_t nb_dataset_nrows(const nb_dataset *ds) { return ds ? ds->nrows : 0; }
int nb_dataset_ncols(const nb_dataset *ds) { return ds ? ds->ncols : 0; }

int nb_dataset_col_index(const nb_dataset *ds, const char *name)
{
    if (!ds || !name) return -1;
    for (int j = 0; j < ds->ncols; j++)
        if (!strcmp(ds->cols[j].name, name)) return j;
    return -1;
}

static const nb_column *column(const nb_dataset *ds, int col)
{
    return ds && col >= 0 && col < ds->ncols ? &ds->cols[col] : NULL;
}

const char *nb_dataset_col_name(const nb_dataset *ds, int col)
{
    const nb_column *c = column(ds, col);
    return c ? c->name : NULL;
}

nb_col_kind nb_dataset_col_kind(const nb_dataset *ds, int col)
{
    const nb_column *c = column(ds, col);
    return c ? c->kind : NB_COL_AUTO;
}

const double *nb_dataset_numeric(const nb_dataset *ds, int col)
{
    const nb_column *c = column(ds, col);
    return c && c->kind == NB_COL_NUMERIC ? c->num : NULL;
}

const char *nb_dataset_string(const nb_dataset *ds, int col, int64_t row)
{
    const nb_column *c = column(ds, col);
    if (!c || !nb__is_string_kind(c->kind) || row < 0 || row >= ds->nrows) return NULL;
    return c->codes[row] < 0 ? NULL : c->levels->strs[c->codes[row]];
}

bool nb_dataset_is_missing(const nb_dataset *ds, int col, int64_t row)
{
    const nb_column *c = column(ds, col);
    if (!c || row < 0 || row >= ds->nrows) return false;
    return c->kind == NB_COL_NUMERIC ? isnan(c->num[row]) : c->codes[row] < 0;
}

int64_t nb_dataset_count_missing(const nb_dataset *ds, int col)
{
    int64_t k = 0;
    for (int64_t i = 0; i < nb_dataset_nrows(ds); i++) k += nb_dataset_is_missing(ds, col, i);
    return k;
}

int nb_dataset_set_target(nb_dataset *ds, const char *name)
{
    if (!ds) {
        nb__error("nb_dataset_set_target: NULL dataset");
        return -1;
    }
    if (!name) {
        ds->target = -1;
        return 0;
    }
    int j = nb_dataset_col_index(ds, name);
    if (j < 0) {
        nb__error("nb_dataset_set_target: no column named '%s'", name);
        return -1;
    }
    ds->target = j;
    return 0;
}

int nb_dataset_target(const nb_dataset *ds) { return ds ? ds->target : -1; }

int nb_dataset_rename(nb_dataset *ds, const char *from, const char *to)
{
    int j = nb_dataset_col_index(ds, from);
    if (j < 0 || !to || !*to) {
        nb__error(j < 0 ? "nb_dataset_rename: no column named '%s'"
                        : "nb_dataset_rename: new name for '%s' is empty", from ? from : "(null)");
        return -1;
    }
    int k = nb_dataset_col_index(ds, to);
    if (k >= 0 && k != j) {
        nb__error("nb_dataset_rename: a column named '%s' already exists", to);
        return -1;
    }
    char *name = nb__strdup(to);
    if (!name) {
        nb__error("nb_dataset_rename: out of memory");
        return -1;
    }
    free(ds->cols[j].name);
    ds->cols[j].name = name;
    return 0;
}
