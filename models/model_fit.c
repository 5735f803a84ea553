/* models/model_fit.c — fitting: everything a model learns besides its own
 * state (the input columns, the pipeline, the class labels, the feature
 * names, the reproducibility record), then the type's fit. */
#include "internal.h"
#include "nb_config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool is_classifier(nb_task t)
{
    return t == NB_TASK_CLASSIFICATION || t == NB_TASK_TEXT_CLASSIFICATION;
}

static bool needs_target(nb_task t) { return is_classifier(t) || t == NB_TASK_REGRESSION; }

/* Every column but the target and the weights is an input. */
static int learn_inputs(nb_model *m, const nb_dataset *ds, const char *weight_col)
{
    int tcol = nb_dataset_target(ds), n = 0;
    m->inputs = calloc((size_t)nb_dataset_ncols(ds) + 1, sizeof *m->inputs);
    if (!m->inputs) return nb__error("nb_model_fit: out of memory"), -1;
    for (int c = 0; c < nb_dataset_ncols(ds); c++) {
        const char *name = nb_dataset_col_name(ds, c);
        if (c == tcol || (weight_col && !strcmp(name, weight_col))) continue;
        if (!(m->inputs[n] = nb__str_copy(name))) return -1;
        m->ninputs = ++n;
    }
    if (tcol >= 0 && !(m->target = nb__str_copy(nb_dataset_col_name(ds, tcol)))) return -1;
    return 0;
}

static int learn_features(nb_model *m, const nb_dataset *prep)
{
    m->features = calloc((size_t)nb_dataset_ncols(prep) + 1, sizeof *m->features);
    if (!m->features) return nb__error("nb_model_fit: out of memory"), -1;
    for (int c = 0; c < nb_dataset_ncols(prep); c++) {
        if (c == nb_dataset_target(prep) || nb_dataset_col_kind(prep, c) != NB_COL_NUMERIC) continue;
        if (!(m->features[m->nfeatures] = nb__str_copy(nb_dataset_col_name(prep, c)))) return -1;
        m->nfeatures++;
    }
    return 0;
}

/* Class numbers 0..k-1 in sorted label order; at least two classes. */
static nb_tensor *learn_labels(nb_model *m, nb_ctx *ctx, const nb_dataset *prep)
{
    nb_tensor *y = nb_labels_fit(ctx, prep, &m->labels);
    if (!y) return NULL;
    m->nclasses = nb_label_map_count(m->labels);
    const char **names = malloc((size_t)m->nclasses * sizeof *names);
    for (int64_t k = 0; names && k < m->nclasses; k++) names[k] = nb_label_map_name(m->labels, k);
    m->class_names = names ? nb__strv_copy(names, m->nclasses) : NULL;
    free(names);
    if (!m->class_names) return nb__error("nb_model_fit: out of memory"), NULL;
    if (m->nclasses < 2) {
        nb__error("nb_model_fit: the target '%s' has a single class ('%s'); a classifier needs two",
                  m->target, m->class_names[0]);
        return NULL;
    }
    return y;
}

/* A numeric column of finite, non-negative weights with a positive sum. */
static nb_tensor *weights(const nb_model *m, nb_ctx *ctx, const nb_dataset *ds, const char *col)
{
    const char *fn = "nb_model_fit";
    if (!(m->type->flags & NB_MODEL_SAMPLE_WEIGHTS)) {
        nb__error("%s: %s does not take sample weights", fn, m->type->name);
        return NULL;
    }
    int c = nb_dataset_col_index(ds, col);
    const double *w = c >= 0 ? nb_dataset_numeric(ds, c) : NULL;
    if (!w) {
        nb__error("%s: weight column '%s' %s", fn, col, c < 0 ? "is not in the data" : "is not numeric");
        return NULL;
    }
    double sum = 0;
    for (int64_t i = 0; i < nb_dataset_nrows(ds); i++) {
        if (!(w[i] >= 0) || !isfinite(w[i])) {
            nb__error("%s: weight column '%s', row %lld: %g (weights are finite and >= 0)", fn, col,
                      (long long)i + 1, w[i]);
            return NULL;
        }
        sum += w[i];
    }
    if (!(sum > 0)) return nb__error("%s: the weights in '%s' sum to 0", fn, col), NULL;
    return nb_from_data(ctx, NB_F64, 1, (int64_t[]){nb_dataset_nrows(ds)}, w);
}

static void record_repro(nb_model *m, const nb_dataset *ds, const nb_fit_options *o)
{
    nb_repro *r = &m->repro;
    snprintf(r->nabla_version, sizeof r->nabla_version, "%s", nb_version());
    snprintf(r->isa, sizeof r->isa, "%s", nb_isa_name());
    snprintf(r->data_name, sizeof r->data_name, "%s", o->data_name ? o->data_name : "");
    r->seed = o->seed;
    r->threads = nb_get_num_threads();
    r->rows = ds ? nb_dataset_nrows(ds) : 0;
    snprintf(r->checksum, sizeof r->checksum, "fnv1a64w:%016llx",
             (unsigned long long)nb_dataset_checksum(ds));
}

/* Creates the type's state and runs its fit with a seeded context. */
static int run_fit(nb_model *m, const nb_source *src, const nb_fit_options *opts)
{
    if (!(m->state = m->type->create(m->params))) return -1;
    nb_fit_ctx fc = {.opts = opts, .t0 = nb__seconds()};
    nb_rng_seed(&fc.rng, opts->seed);
    int rc = m->type->fit(m->state, src, &fc);
    m->interrupted = fc.stopped;
    if (rc < 0 && !fc.stopped && !*nb_last_error())
        nb__error("nb_model_fit: %s: fit failed without saying why", m->type->name);
    return rc < 0 ? -1 : 0;
}

/* The table for fit: pipeline, features, labels, weights. */
static int fit_table(nb_model *m, nb_ctx *ctx, const nb_dataset *ds, const nb_fit_options *o,
                     nb_dataset **prep, nb_table *t)
{
    if (learn_inputs(m, ds, o->weight_column) < 0) return -1;
    nb_dataset *sel = nb_dataset_drop(ds, o->weight_column ? &o->weight_column : NULL,
                                      o->weight_column ? 1 : 0);
    if (!sel) return -1;
    if (m->type->prep != NB_PREP_NONE) {
        m->pipeline = nb_pipeline_new_default(m->type->prep == NB_PREP_SCALED);
        *prep = m->pipeline ? nb_pipeline_fit_apply(m->pipeline, sel) : NULL;
        nb_dataset_free(sel);
    } else {
        *prep = sel;
    }
    if (!*prep || learn_features(m, *prep) < 0) return -1;
    if (nb_dataset_nrows(*prep) < 1) return nb__error("nb_model_fit: no rows to fit on"), -1;
    if (nb_dataset_nrows(*prep) != nb_dataset_nrows(ds))
        return nb__error("nb_model_fit: the pipeline dropped rows"), -1;
    nb_dataset *p = *prep;
    *t = (nb_table){.data = p, .X = nb_dataset_to_tensor(ctx, p, NB_F64), .target = m->target,
                    .features = (const char *const *)m->features};
    if (!t->X || nb__check_finite(m, t->X, "nb_model_fit") < 0) return -1;
    if (is_classifier(m->type->task) && !(t->y = learn_labels(m, ctx, p))) return -1;
    if (m->type->task == NB_TASK_REGRESSION && !(t->y = nb_dataset_target_tensor(ctx, p, NB_F64))) return -1;
    if (o->weight_column && !(t->weight = weights(m, ctx, ds, o->weight_column))) return -1;
    t->nclasses = m->nclasses;
    t->classes = (const char *const *)m->class_names;
    return 0;
}

int nb_model_fit(nb_model *m, const nb_dataset *ds, const nb_fit_options *opts)
{
    const char *fn = "nb_model_fit";
    if (!m || !ds) return nb__error("%s: NULL %s", fn, m ? "dataset" : "model"), -1;
    if (m->type->task == NB_TASK_CONTROL)
        return nb__error("%s: %s learns from an environment (nb_model_fit_env)", fn, m->type->name), -1;
    if (needs_target(m->type->task) && nb_dataset_target(ds) < 0)
        return nb__error("%s: %s needs a target column (nb_dataset_set_target)", fn, m->type->name), -1;
    nb_fit_options o = opts ? *opts : nb_fit_options_default();
    if (o.weight_column && nb_dataset_col_index(ds, o.weight_column) < 0)
        return nb__error("%s: weight column '%s' is not in the data", fn, o.weight_column), -1;
    nb__model_reset(m);
    nb_ctx *ctx = nb_ctx_new();
    nb_dataset *prep = NULL;
    nb_table t;
    nb_clear_error();
    int rc = ctx ? fit_table(m, ctx, ds, &o, &prep, &t) : -1;
    if (rc == 0) {
        nb_source src = {NB_SOURCE_TABLE, &t, NULL};
        rc = run_fit(m, &src, &o);
    }
    nb_dataset_free(prep);
    nb_ctx_free(ctx);
    bool stopped = m->interrupted;
    if (rc < 0) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", nb_last_error());
        nb__model_reset(m);
        m->interrupted = stopped;
        nb__error("%s", msg);
        return -1;
    }
    record_repro(m, ds, &o);
    m->fitted = true;
    return 0;
}

int nb_model_fit_env(nb_model *m, nb_env *env, const nb_fit_options *opts)
{
    const char *fn = "nb_model_fit_env";
    if (!m || !env) return nb__error("%s: NULL %s", fn, m ? "environment" : "model"), -1;
    if (m->type->task != NB_TASK_CONTROL)
        return nb__error("%s: %s learns from tables, not environments", fn, m->type->name), -1;
    nb_fit_options o = opts ? *opts : nb_fit_options_default();
    nb__model_reset(m);
    nb_clear_error();
    nb_source src = {NB_SOURCE_ENV, NULL, env};
    if (!(m->env_name = nb__str_copy(nb_env_get_type(env)->name)) || run_fit(m, &src, &o) < 0) {
        bool stopped = m->interrupted;
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", nb_last_error());
        nb__model_reset(m);
        m->interrupted = stopped;
        nb__error("%s", msg);
        return -1;
    }
    record_repro(m, NULL, &o);
    snprintf(m->repro.data_name, sizeof m->repro.data_name, "env:%s", m->env_name);
    m->fitted = true;
    return 0;
}
