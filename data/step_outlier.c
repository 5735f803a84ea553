/* data/step_outlier.c — outliers in numeric columns.
 *
 * Fences, from the present training cells:
 *   IQR  [q25 - t (q75 - q25), q75 + t (q75 - q25)], t = threshold or 1.5
 *        (Tukey's fences; quartiles by linear interpolation)
 *   z    [mean - t std, mean + t std], t = threshold or 3, population std
 * clip_* methods clamp cells outside the fences to the nearer fence, in any
 * data, and count the cells changed. drop_* methods remove training rows with
 * a cell outside the fences (counting the rows); applied to other data they
 * change nothing, so predictions stay one per input row. */
#include "pipeline_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const methods[] = {"clip_iqr", "clip_z", "drop_iqr", "drop_z"};

static bool is_iqr(const nb_step *s)
{
    return s->o.outlier == NB_OUTLIER_CLIP_IQR || s->o.outlier == NB_OUTLIER_DROP_IQR;
}

static bool is_drop(const nb_step *s)
{
    return s->o.outlier == NB_OUTLIER_DROP_IQR || s->o.outlier == NB_OUTLIER_DROP_Z;
}

static int column(const nb_step *s, const nb_dataset *ds, int k, const char *fn)
{
    int j = nb__step_col(s, ds, k, fn);
    if (j >= 0 && ds->cols[j].kind != NB_COL_NUMERIC) {
        nb__error("%s: outlier step: column '%s' is %s, not numeric", fn, ds->cols[j].name,
                  nb_col_kind_name(ds->cols[j].kind));
        return -1;
    }
    return j;
}

static int outlier_fit(nb_step *s, const nb_dataset *ds)
{
    double t = s->o.threshold > 0 ? s->o.threshold : is_iqr(s) ? 1.5 : 3.0;
    if (nb__step_alloc_state(s, true, true, false, false, false) < 0) return -1;
    for (int k = 0; k < s->ncols; k++) {
        int j = column(s, ds, k, "nb_pipeline_fit");
        int64_t m;
        double *v = j >= 0 ? nb__sorted_present(ds->cols[j].num, ds->nrows, &m) : NULL;
        if (!v) return -1;
        if (m == 0) {
            free(v);
            nb__error("nb_pipeline_fit: outlier step: column '%s' has no values", s->cols[k]);
            return -1;
        }
        /* Fences = [lo - t w, hi + t w]: the quartiles and the IQR, or the
         * mean (twice) and the std. */
        double lo, hi, w;
        if (is_iqr(s)) {
            lo = nb__quantile_sorted(v, m, 0.25);
            hi = nb__quantile_sorted(v, m, 0.75);
            w = hi - lo;
        } else {
            double sum = 0, ss = 0;
            for (int64_t i = 0; i < m; i++) sum += v[i];
            lo = hi = sum / (double)m;
            for (int64_t i = 0; i < m; i++) ss += (v[i] - lo) * (v[i] - lo);
            w = sqrt(ss / (double)m);
        }
        s->a[k] = lo - t * w;
        s->b[k] = hi + t * w;
        free(v);
    }
    return 0;
}

static int drop_rows(const nb_step *s, nb_dataset *ds, int64_t *count)
{
    int64_t *keep = malloc((size_t)(ds->nrows ? ds->nrows : 1) * sizeof *keep), n = 0;
    if (!keep) {
        nb__error("nb_pipeline_fit: out of memory");
        return -1;
    }
    for (int64_t i = 0; i < ds->nrows; i++) {
        bool out = false;
        for (int k = 0; k < s->ncols && !out; k++) {
            double x = ds->cols[nb_dataset_col_index(ds, s->cols[k])].num[i];
            out = x < s->a[k] || x > s->b[k];
        }
        if (!out) keep[n++] = i;
    }
    *count = ds->nrows - n;
    nb_dataset *kept = nb_dataset_take_rows(ds, keep, n);
    free(keep);
    if (!kept) return -1;
    /* Move the kept rows into ds, whose caller owns the handle. */
    for (int j = 0; j < ds->ncols; j++) nb__column_free(&ds->cols[j]);
    free(ds->cols);
    *ds = *kept;
    free(kept);
    return 0;
}

static int outlier_apply(const nb_step *s, nb_dataset *ds, bool training, int64_t *count)
{
    const char *fn = training ? "nb_pipeline_fit" : "nb_pipeline_apply";
    *count = 0;
    for (int k = 0; k < s->ncols; k++)
        if (column(s, ds, k, fn) < 0) return -1;
    if (is_drop(s)) return training ? drop_rows(s, ds, count) : 0;
    for (int k = 0; k < s->ncols; k++) {
        double *x = ds->cols[nb_dataset_col_index(ds, s->cols[k])].num;
        for (int64_t i = 0; i < ds->nrows; i++) {
            if (x[i] < s->a[k]) x[i] = s->a[k], ++*count;
            else if (x[i] > s->b[k]) x[i] = s->b[k], ++*count;
        }
    }
    return 0;
}

static int outlier_save(const nb_step *s, json_t *obj)
{
    json_object_set_new(obj, "method", json_string(methods[s->o.outlier]));
    json_object_set_new(obj, "threshold", json_real(s->o.threshold));
    if (!s->fitted) return 0;
    json_object_set_new(obj, "low", nb__json_doubles(s->a, s->ncols));
    json_object_set_new(obj, "high", nb__json_doubles(s->b, s->ncols));
    return 0;
}

static int outlier_load(nb_step *s, json_t *obj, const char *path)
{
    const char *m = json_string_value(json_object_get(obj, "method"));
    json_t *t = json_object_get(obj, "threshold");
    int k = 0;
    while (k < 4 && (!m || strcmp(m, methods[k]))) k++;
    if (k == 4 || !json_is_number(t) || json_number_value(t) < 0) {
        nb__error(k == 4 ? "nb_pipeline_from_json: %s.method: expected clip_iqr, clip_z, drop_iqr or drop_z"
                         : "nb_pipeline_from_json: %s.threshold: expected a number >= 0", path);
        return -1;
    }
    s->o.outlier = (nb_outlier_method)k;
    s->o.threshold = json_number_value(t);
    if (!s->fitted) return 0;
    if (nb__step_alloc_state(s, true, true, false, false, false) < 0) return -1;
    s->fitted = true;
    return nb__json_get_doubles(obj, "low", s->a, s->ncols, path) < 0 ||
                   nb__json_get_doubles(obj, "high", s->b, s->ncols, path) < 0
               ? -1 : 0;
}

const nb_step_ops nb__outlier_ops = {"outlier", outlier_fit, outlier_apply, outlier_save, outlier_load};
