/* data/dataset_tensor.c — the numeric part of a dataset as tensors. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>

static int check_float(nb_dtype dtype, const char *fn)
{
    if (dtype == NB_F32 || dtype == NB_F64) return 0;
    nb__error("%s: dtype must be f32 or f64, got %s", fn, nb_dtype_name(dtype));
    return -1;
}

nb_tensor *nb_dataset_to_tensor(nb_ctx *ctx, const nb_dataset *ds, nb_dtype dtype)
{
    if (!ds || !ctx) {
        nb__error("nb_dataset_to_tensor: NULL argument");
        return NULL;
    }
    if (check_float(dtype, "nb_dataset_to_tensor") < 0) return NULL;
    int64_t k = 0, n = ds->nrows;
    for (int j = 0; j < ds->ncols; j++) k += ds->cols[j].kind == NB_COL_NUMERIC && j != ds->target;
    nb_tensor *t = nb_empty(ctx, dtype, NB_SHAPE(n, k));
    if (!t) return NULL;
    void *out = nb_data(t);
    int64_t c = 0;
    for (int j = 0; j < ds->ncols; j++) {
        const nb_column *col = &ds->cols[j];
        if (col->kind != NB_COL_NUMERIC || j == ds->target) continue;
        if (dtype == NB_F32)
            for (int64_t i = 0; i < n; i++) ((float *)out)[i * k + c] = (float)col->num[i];
        else
            for (int64_t i = 0; i < n; i++) ((double *)out)[i * k + c] = col->num[i];
        c++;
    }
    return t;
}

nb_tensor *nb_dataset_target_tensor(nb_ctx *ctx, const nb_dataset *ds, nb_dtype dtype)
{
    if (!ds || !ctx || ds->target < 0) {
        nb__error("nb_dataset_target_tensor: %s", !ds || !ctx ? "NULL argument" : "no target column");
        return NULL;
    }
    if (check_float(dtype, "nb_dataset_target_tensor") < 0) return NULL;
    const nb_column *col = &ds->cols[ds->target];
    if (col->kind != NB_COL_NUMERIC) {
        nb__error("nb_dataset_target_tensor: target '%s' is %s, not numeric (use nb_labels_fit)",
                  col->name, nb_col_kind_name(col->kind));
        return NULL;
    }
    for (int64_t i = 0; i < ds->nrows; i++)
        if (isnan(col->num[i])) {
            nb__error("nb_dataset_target_tensor: target '%s' is missing in row %lld", col->name,
                      (long long)i + 1);
            return NULL;
        }
    nb_tensor *t = nb_empty(ctx, dtype, NB_SHAPE(ds->nrows));
    if (!t) return NULL;
    for (int64_t i = 0; i < ds->nrows; i++) {
        if (dtype == NB_F32) ((float *)nb_data(t))[i] = (float)col->num[i];
        else ((double *)nb_data(t))[i] = col->num[i];
    }
    return t;
}
