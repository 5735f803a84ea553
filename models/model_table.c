/* models/model_table.c — turning raw rows into what a model type sees: the
 * columns the model was trained on, through its fitted pipeline, as an f64
 * matrix X with its feature names, and the target as class numbers or values. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The input columns (and the target when wanted and present), checked. */
static nb_dataset *select_inputs(const nb_model *m, const nb_dataset *ds, bool with_y, const char *fn)
{
    const char **names = malloc(((size_t)m->ninputs + 1) * sizeof *names);
    if (!names) return nb__error("%s: out of memory", fn), NULL;
    int n = 0;
    for (int k = 0; k < m->ninputs; k++) {
        if (nb_dataset_col_index(ds, m->inputs[k]) < 0) {
            nb__error("%s: column '%s' is missing from the data (%s was trained on %d input columns)",
                      fn, m->inputs[k], m->type->name, m->ninputs);
            free(names);
            return NULL;
        }
        names[n++] = m->inputs[k];
    }
    if (with_y) names[n++] = m->target;
    nb_dataset *sel = nb_dataset_select(ds, names, n);
    free(names);
    if (sel && nb_dataset_set_target(sel, with_y ? m->target : NULL) < 0) nb_dataset_free(sel), sel = NULL;
    return sel;
}

/* X's columns must be the features seen at fit, in order, and finite. */
static int check_features(const nb_model *m, const nb_dataset *prep, const nb_tensor *X, const char *fn)
{
    if (X->shape[1] != m->nfeatures) {
        nb__error("%s: the preprocessed data has %lld feature columns, the model %lld", fn,
                  (long long)X->shape[1], (long long)m->nfeatures);
        return -1;
    }
    for (int c = 0, j = 0; c < nb_dataset_ncols(prep); c++) {
        if (c == nb_dataset_target(prep) || nb_dataset_col_kind(prep, c) != NB_COL_NUMERIC) continue;
        if (strcmp(nb_dataset_col_name(prep, c), m->features[j]) != 0) {
            nb__error("%s: feature %d is '%s', the model expects '%s'", fn, j,
                      nb_dataset_col_name(prep, c), m->features[j]);
            return -1;
        }
        j++;
    }
    return nb__check_finite(m, X, fn);
}

int nb__check_finite(const nb_model *m, const nb_tensor *X, const char *fn)
{
    if (m->type->prep == NB_PREP_NONE) return 0;
    const double *x = nb_data(X);
    for (int64_t i = 0; i < X->shape[0] * X->shape[1]; i++)
        if (!isfinite(x[i])) {
            nb__error("%s: row %lld, feature '%s' is %g after preprocessing (a column with no values?)",
                      fn, (long long)(i / X->shape[1]) + 1, m->features[i % X->shape[1]], x[i]);
            return -1;
        }
    return 0;
}

static nb_tensor *target(const nb_model *m, nb_ctx *ctx, const nb_dataset *prep)
{
    if (m->labels) return nb_labels_apply(ctx, m->labels, prep);
    return nb_dataset_target_tensor(ctx, prep, NB_F64);
}

/* Control models read states from the first numeric column as they are. */
static int control_table(nb_model *m, nb_ctx *ctx, const nb_dataset *ds, nb_table *t, const char *fn)
{
    t->X = nb_dataset_to_tensor(ctx, ds, NB_F64);
    if (t->X && t->X->shape[1] < 1) {
        nb__error("%s: %s: the data has no numeric column of states", fn, m->type->name);
        return -1;
    }
    return t->X ? 0 : -1;
}

int nb__model_table(nb_model *m, nb_ctx *ctx, const nb_dataset *ds, bool want_y, nb_table *t,
                    nb_dataset **prepared, const char *fn)
{
    memset(t, 0, sizeof *t);
    *prepared = NULL;
    if (!ds) return nb__error("%s: NULL dataset", fn), -1;
    if (m->type->task == NB_TASK_CONTROL) return control_table(m, ctx, ds, t, fn);
    bool with_y = want_y && m->target;
    if (with_y && nb_dataset_col_index(ds, m->target) < 0) {
        nb__error("%s: the data has no target column '%s'", fn, m->target);
        return -1;
    }
    nb_dataset *sel = select_inputs(m, ds, with_y, fn);
    if (!sel) return -1;
    nb_dataset *prep = m->pipeline ? nb_pipeline_apply(m->pipeline, sel) : sel;
    if (prep != sel) nb_dataset_free(sel);
    if (!prep) return -1;
    *prepared = prep;
    t->data = prep;
    t->X = nb_dataset_to_tensor(ctx, prep, NB_F64);
    if (!t->X || check_features(m, prep, t->X, fn) < 0) return -1;
    if (with_y && !(t->y = target(m, ctx, prep))) return -1;
    t->nclasses = m->nclasses;
    t->features = (const char *const *)m->features;
    t->classes = (const char *const *)m->class_names;
    t->target = m->target;
    return 0;
}
