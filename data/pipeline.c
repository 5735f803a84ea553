/* data/pipeline.c — an ordered list of preprocessing steps, fitted on
 * training rows and applied unchanged to others.
 *
 * Fitting runs the steps in order on a private copy of the training data:
 * each step is fitted on the data as the steps before it left it, then
 * applied to it. Applying clones the input, converts columns to the kinds
 * seen at fit (a small prediction file may infer "text" where training saw
 * "categorical", or numbers where it saw strings), and runs every step. */
#include "pipeline_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const nb_step_ops *nb__step_ops(nb_step_kind kind)
{
    switch (kind) {
    case NB_STEP_IMPUTE: return &nb__impute_ops;
    case NB_STEP_SCALE: return &nb__scale_ops;
    case NB_STEP_ONEHOT: return &nb__onehot_ops;
    case NB_STEP_ORDINAL: return &nb__ordinal_ops;
    case NB_STEP_OUTLIER: return &nb__outlier_ops;
    case NB_STEP_POLY: return &nb__poly_ops;
    }
    return NULL;
}

nb_step_options nb_step_options_default(nb_step_kind kind)
{
    return (nb_step_options){
        .kind = kind,
        .impute = NB_IMPUTE_MEDIAN,
        .fill_string = "missing",
        .scale = NB_SCALE_STANDARD,
        .unknown = NB_UNKNOWN_IGNORE,
        .outlier = NB_OUTLIER_CLIP_IQR,
        .degree = 2,
    };
}

nb_pipeline *nb_pipeline_new(void)
{
    nb_pipeline *p = calloc(1, sizeof *p);
    if (!p) nb__error("nb_pipeline_new: out of memory");
    return p;
}

void nb__step_clear_state(nb_step *s)
{
    for (int k = 0; k < s->ncols; k++) {
        if (s->s) free(s->s[k]);
        if (s->cats) nb__strtab_free(s->cats[k]);
    }
    free(s->a), free(s->b), free(s->s), free(s->flag), free(s->cats), free(s->numcat);
    s->a = s->b = NULL;
    s->s = NULL;
    s->flag = s->numcat = NULL;
    s->cats = NULL;
    s->fitted = false;
}

int nb__step_alloc_state(nb_step *s, bool a, bool b, bool strs, bool flags, bool cats)
{
    size_t n = (size_t)(s->ncols ? s->ncols : 1);
    nb__step_clear_state(s);
    if ((a && !(s->a = calloc(n, sizeof *s->a))) || (b && !(s->b = calloc(n, sizeof *s->b))) ||
        (strs && !(s->s = calloc(n, sizeof *s->s))) ||
        (flags && !(s->flag = calloc(n, sizeof *s->flag))) ||
        (cats && (!(s->cats = calloc(n, sizeof *s->cats)) ||
                  !(s->numcat = calloc(n, sizeof *s->numcat))))) {
        nb__step_clear_state(s);
        nb__error("nb_pipeline: out of memory");
        return -1;
    }
    return 0;
}

static void free_cols(nb_step *s)
{
    for (int k = 0; k < s->ncols; k++) free(s->cols[k]);
    free(s->cols);
    s->cols = NULL;
    s->ncols = 0;
}

static void clear_inputs(nb_pipeline *p)
{
    for (int k = 0; k < p->nin; k++) free(p->in_names[k]);
    free(p->in_names), free(p->in_kinds), free(p->target);
    p->in_names = NULL, p->in_kinds = NULL, p->target = NULL;
    p->nin = 0;
}

void nb_pipeline_free(nb_pipeline *p)
{
    if (!p) return;
    for (int i = 0; i < p->nsteps; i++) {
        nb__step_clear_state(&p->steps[i]);
        free_cols(&p->steps[i]);
        free(p->steps[i].fill_string);
    }
    clear_inputs(p);
    free(p->steps);
    free(p->counts);
    free(p);
}

static const char *check_step(const nb_step_options *o)
{
    if (!nb__step_ops(o->kind)) return "unknown step kind";
    if (o->ncolumns < 0 || (o->ncolumns && !o->columns)) return "bad column list";
    if ((unsigned)o->impute > NB_IMPUTE_CONSTANT) return "unknown imputation strategy";
    if ((unsigned)o->scale > NB_SCALE_ROBUST) return "unknown scaling method";
    if ((unsigned)o->unknown > NB_UNKNOWN_ERROR) return "unknown policy for unseen categories";
    if ((unsigned)o->outlier > NB_OUTLIER_DROP_Z) return "unknown outlier method";
    if (o->kind == NB_STEP_POLY && o->degree != 2 && o->degree != 3) return "degree must be 2 or 3";
    if (!(o->threshold >= 0)) return "threshold must be >= 0 (0: the method's default)";
    for (int k = 0; k < o->ncolumns; k++)
        if (!o->columns[k] || !*o->columns[k]) return "empty column name";
    return NULL;
}

int nb_pipeline_add(nb_pipeline *p, const nb_step_options *o)
{
    const char *bad = p && o ? check_step(o) : "NULL argument";
    if (bad) {
        nb__error("nb_pipeline_add: %s", bad);
        return -1;
    }
    if (p->nsteps == p->cap) {
        int cap = p->cap ? p->cap * 2 : 8;
        nb_step *steps = realloc(p->steps, (size_t)cap * sizeof *steps);
        int64_t *counts = realloc(p->counts, (size_t)cap * sizeof *counts);
        if (steps) p->steps = steps;
        if (counts) p->counts = counts;
        if (!steps || !counts) goto oom;
        p->cap = cap;
    }
    nb_step s = {.o = *o, .auto_cols = o->ncolumns == 0, .ncols = o->ncolumns};
    s.o.columns = NULL;
    s.o.fill_string = NULL;
    s.fill_string = nb__strdup(o->fill_string ? o->fill_string : "missing");
    s.cols = calloc((size_t)(o->ncolumns ? o->ncolumns : 1), sizeof *s.cols);
    bool ok = s.fill_string && s.cols;
    for (int k = 0; ok && k < o->ncolumns; k++) ok = (s.cols[k] = nb__strdup(o->columns[k]));
    if (!ok) {
        free_cols(&s);
        free(s.fill_string);
        goto oom;
    }
    p->counts[p->nsteps] = 0;
    p->steps[p->nsteps++] = s;
    p->fitted = false;
    return 0;
oom:
    nb__error("nb_pipeline_add: out of memory");
    return -1;
}

nb_pipeline *nb_pipeline_new_default(bool scale)
{
    nb_pipeline *p = nb_pipeline_new();
    nb_step_options num = nb_step_options_default(NB_STEP_IMPUTE);
    nb_step_options cat = nb_step_options_default(NB_STEP_IMPUTE);
    nb_step_options sc = nb_step_options_default(NB_STEP_SCALE);
    nb_step_options oh = nb_step_options_default(NB_STEP_ONEHOT);
    num.impute = NB_IMPUTE_MEDIAN;       /* numeric columns only */
    cat.impute = NB_IMPUTE_MOST_FREQUENT; /* then the categorical ones */
    if (!p || nb_pipeline_add(p, &num) < 0 || nb_pipeline_add(p, &cat) < 0 ||
        (scale && nb_pipeline_add(p, &sc) < 0) || nb_pipeline_add(p, &oh) < 0) {
        nb_pipeline_free(p);
        return NULL;
    }
    return p;
}

int nb_pipeline_nsteps(const nb_pipeline *p) { return p ? p->nsteps : 0; }

int64_t nb_pipeline_step_count(const nb_pipeline *p, int i)
{
    return p && i >= 0 && i < p->nsteps ? p->counts[i] : -1;
}

nb_col_kind nb_pipeline_input_kind(const nb_pipeline *p, const char *name)
{
    for (int k = 0; p && name && k < p->nin; k++)
        if (!strcmp(p->in_names[k], name)) return p->in_kinds[k];
    return NB_COL_AUTO;
}

int nb__step_col(const nb_step *s, const nb_dataset *ds, int k, const char *fn)
{
    int j = nb_dataset_col_index(ds, s->cols[k]);
    if (j < 0) nb__error("%s: %s step: no column '%s' in the data", fn, nb__step_ops(s->o.kind)->name, s->cols[k]);
    return j;
}

/* ---- fitting and applying ---- */

/* Which kinds a step takes when it chooses its columns itself. */
static bool auto_takes(const nb_step *s, nb_col_kind kind)
{
    switch (s->o.kind) {
    case NB_STEP_IMPUTE:
        return s->o.impute == NB_IMPUTE_MEAN || s->o.impute == NB_IMPUTE_MEDIAN
                   ? kind == NB_COL_NUMERIC
                   : kind == NB_COL_CATEGORICAL;
    case NB_STEP_ONEHOT:
    case NB_STEP_ORDINAL: return kind == NB_COL_CATEGORICAL;
    default: return kind == NB_COL_NUMERIC;
    }
}

static int resolve_columns(nb_step *s, const nb_dataset *ds)
{
    if (!s->auto_cols) return 0;
    free_cols(s);
    s->cols = calloc((size_t)(ds->ncols ? ds->ncols : 1), sizeof *s->cols);
    if (!s->cols) goto oom;
    for (int j = 0; j < ds->ncols; j++) {
        if (j == ds->target || !auto_takes(s, ds->cols[j].kind)) continue;
        if (!(s->cols[s->ncols++] = nb__strdup(ds->cols[j].name))) goto oom;
    }
    return 0;
oom:
    nb__error("nb_pipeline_fit: out of memory");
    return -1;
}

static int remember_inputs(nb_pipeline *p, const nb_dataset *ds)
{
    clear_inputs(p);
    p->in_names = calloc((size_t)(ds->ncols ? ds->ncols : 1), sizeof *p->in_names);
    p->in_kinds = calloc((size_t)(ds->ncols ? ds->ncols : 1), sizeof *p->in_kinds);
    if (!p->in_names || !p->in_kinds) goto oom;
    for (int j = 0; j < ds->ncols; j++, p->nin++) {
        if (!(p->in_names[j] = nb__strdup(ds->cols[j].name))) goto oom;
        p->in_kinds[j] = ds->cols[j].kind;
    }
    if (ds->target >= 0 && !(p->target = nb__strdup(ds->cols[ds->target].name))) goto oom;
    return 0;
oom:
    nb__error("nb_pipeline_fit: out of memory");
    return -1;
}

nb_dataset *nb_pipeline_fit_apply(nb_pipeline *p, const nb_dataset *ds)
{
    if (!p || !ds) {
        nb__error("nb_pipeline_fit: NULL argument");
        return NULL;
    }
    p->fitted = false;
    nb_dataset *work = nb_dataset_clone(ds);
    if (!work || remember_inputs(p, ds) < 0) goto fail;
    for (int i = 0; i < p->nsteps; i++) {
        nb_step *s = &p->steps[i];
        const nb_step_ops *ops = nb__step_ops(s->o.kind);
        nb__step_clear_state(s);
        if (resolve_columns(s, work) < 0 || ops->fit(s, work) < 0) goto fail;
        s->fitted = true;
        if (ops->apply(s, work, true, &p->counts[i]) < 0) goto fail;
    }
    p->fitted = true;
    return work;
fail:
    nb_dataset_free(work);
    return NULL;
}

int nb_pipeline_fit(nb_pipeline *p, const nb_dataset *ds)
{
    nb_dataset *out = nb_pipeline_fit_apply(p, ds);
    nb_dataset_free(out);
    return out ? 0 : -1;
}

/* Columns the fit saw get back the kind they had then. */
static int convert_inputs(const nb_pipeline *p, nb_dataset *ds)
{
    for (int k = 0; k < p->nin; k++) {
        int j = nb_dataset_col_index(ds, p->in_names[k]);
        if (j < 0 || ds->cols[j].kind == p->in_kinds[k]) continue;
        if (nb_dataset_convert(ds, j, p->in_kinds[k]) < 0) {
            char msg[512];
            snprintf(msg, sizeof msg, "%s", nb_last_error());
            nb__error("nb_pipeline_apply: column '%s' was %s at fit: %s", p->in_names[k],
                      nb_col_kind_name(p->in_kinds[k]), msg);
            return -1;
        }
    }
    return 0;
}

nb_dataset *nb_pipeline_apply(const nb_pipeline *p, const nb_dataset *ds)
{
    if (!p || !ds || !p->fitted) {
        nb__error("nb_pipeline_apply: %s", p && ds ? "the pipeline is not fitted" : "NULL argument");
        return NULL;
    }
    nb_dataset *work = nb_dataset_clone(ds);
    if (!work || convert_inputs(p, work) < 0) goto fail;
    for (int i = 0; i < p->nsteps; i++)
        if (nb__step_ops(p->steps[i].o.kind)->apply(&p->steps[i], work, false, &p->counts[i]) < 0)
            goto fail;
    return work;
fail:
    nb_dataset_free(work);
    return NULL;
}

const char *nb__cell_text(const nb_column *c, int64_t i, char *buf)
{
    if (c->kind != NB_COL_NUMERIC) return c->codes[i] < 0 ? NULL : c->levels->strs[c->codes[i]];
    if (c->num[i] != c->num[i]) return NULL;
    nb__format_double(buf, c->num[i]);
    return buf;
}
