/* data/step_scale.c — x' = (x - center) / scale on numeric columns.
 *
 *   standard  center = mean, scale = population std sqrt(sum (x-mean)^2 / n)
 *             (scikit-learn's StandardScaler)
 *   minmax    center = min, scale = max - min: the training range -> [0, 1]
 *   robust    center = median, scale = q75 - q25 (linear interpolation)
 * Only present training cells count; a scale of 0 (a constant column) is
 * replaced by 1 so the column becomes x - center. Missing cells stay missing. */
#include "pipeline_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const methods[] = {"standard", "minmax", "robust"};

/* Population mean and std of the present cells. */
static void mean_std(const double *v, int64_t m, double *mean, double *std)
{
    double sum = 0, ss = 0;
    for (int64_t i = 0; i < m; i++) sum += v[i];
    *mean = sum / (double)m;
    for (int64_t i = 0; i < m; i++) ss += (v[i] - *mean) * (v[i] - *mean);
    *std = sqrt(ss / (double)m);
}

/* The numeric column behind step column k, or NULL with an error. */
static const nb_column *numeric_col(const nb_step *s, const nb_dataset *ds, int k, const char *fn)
{
    int j = nb__step_col(s, ds, k, fn);
    if (j < 0) return NULL;
    if (ds->cols[j].kind != NB_COL_NUMERIC) {
        nb__error("%s: %s step: column '%s' is %s; encode it first (onehot or ordinal)", fn,
                  nb__step_ops(s->o.kind)->name, ds->cols[j].name, nb_col_kind_name(ds->cols[j].kind));
        return NULL;
    }
    return &ds->cols[j];
}

static int scale_fit(nb_step *s, const nb_dataset *ds)
{
    if (nb__step_alloc_state(s, true, true, false, false, false) < 0) return -1;
    for (int k = 0; k < s->ncols; k++) {
        const nb_column *c = numeric_col(s, ds, k, "nb_pipeline_fit");
        int64_t m; /* only the robust scale needs the values sorted */
        double *v = !c ? NULL : s->o.scale == NB_SCALE_ROBUST ? nb__sorted_present(c->num, ds->nrows, &m)
                                                                : nb__present(c->num, ds->nrows, &m);
        if (!v) return -1;
        if (m == 0) {
            free(v);
            nb__error("nb_pipeline_fit: scale step: column '%s' has no values", c->name);
            return -1;
        }
        if (s->o.scale == NB_SCALE_STANDARD) {
            mean_std(v, m, &s->a[k], &s->b[k]);
        } else if (s->o.scale == NB_SCALE_MINMAX) {
            double lo = v[0], hi = v[0];
            for (int64_t i = 1; i < m; i++) lo = fmin(lo, v[i]), hi = fmax(hi, v[i]);
            s->a[k] = lo;
            s->b[k] = hi - lo;
        } else {
            s->a[k] = nb__quantile_sorted(v, m, 0.5);
            s->b[k] = nb__quantile_sorted(v, m, 0.75) - nb__quantile_sorted(v, m, 0.25);
        }
        if (s->b[k] == 0 || !isfinite(s->b[k])) s->b[k] = 1;
        free(v);
    }
    return 0;
}

static int scale_apply(const nb_step *s, nb_dataset *ds, bool training, int64_t *count)
{
    *count = 0;
    for (int k = 0; k < s->ncols; k++) {
        const nb_column *c = numeric_col(s, ds, k, training ? "nb_pipeline_fit" : "nb_pipeline_apply");
        if (!c) return -1;
        for (int64_t i = 0; i < ds->nrows; i++) c->num[i] = (c->num[i] - s->a[k]) / s->b[k];
        *count += ds->nrows;
    }
    return 0;
}

static int scale_save(const nb_step *s, json_t *obj)
{
    json_object_set_new(obj, "method", json_string(methods[s->o.scale]));
    if (!s->fitted) return 0;
    json_object_set_new(obj, "center", nb__json_doubles(s->a, s->ncols));
    json_object_set_new(obj, "scale", nb__json_doubles(s->b, s->ncols));
    return 0;
}

static int scale_load(nb_step *s, json_t *obj, const char *path)
{
    const char *m = json_string_value(json_object_get(obj, "method"));
    int k = 0;
    while (k < 3 && (!m || strcmp(m, methods[k]))) k++;
    if (k == 3) {
        nb__error("nb_pipeline_from_json: %s.method: expected standard, minmax or robust", path);
        return -1;
    }
    s->o.scale = (nb_scale_method)k;
    if (!s->fitted) return 0;
    if (nb__step_alloc_state(s, true, true, false, false, false) < 0) return -1;
    s->fitted = true;
    return nb__json_get_doubles(obj, "center", s->a, s->ncols, path) < 0 ||
                   nb__json_get_doubles(obj, "scale", s->b, s->ncols, path) < 0
               ? -1 : 0;
}

const nb_step_ops nb__scale_ops = {"scale", scale_fit, scale_apply, scale_save, scale_load};
