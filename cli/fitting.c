/* cli/fitting.c — steps `train`, `tune` and `demo` share: finding the model
 * type and parsing its parameters, the learning curve for plots, and the
 * one-line description of a run. */
#include "fitting.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int cli_setup_model(const cli_args *a, const char *name, nb_registry **reg, const nb_model_type **type,
                    nb_params **params)
{
    *reg = NULL, *type = NULL, *params = NULL;
    if (!(*reg = cli_registry(a))) return CLI_FAIL;
    if (!(*type = nb_registry_find_model(*reg, name))) return cli_lib_error(a->cmd, CLI_USAGE, "--model");
    const nb_model_type *t = *type;
    if (!(*params = nb_params_parse(t->name, t->params, t->nparams, cli_get(a, "params"))))
        return cli_lib_error(a->cmd, CLI_USAGE, "--params");
    return CLI_OK;
}

bool cli_needs_target(nb_task t)
{
    return t == NB_TASK_REGRESSION || t == NB_TASK_CLASSIFICATION || t == NB_TASK_TEXT_CLASSIFICATION;
}

/* The main metric of a model on rows; NAN when it cannot be computed (a
 * class the small fit never saw, say). */
static double score_on(nb_model *m, const nb_dataset *ds, const char *metric)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_scores s;
    double v = ctx && nb_model_evaluate(m, ctx, ds, &s, NULL) == 0 ? nb_scores_get(&s, metric) : NAN;
    nb_ctx_free(ctx);
    nb_clear_error();
    return v;
}

/* Fits on the first 20%, 40%, ..., 100% of the (shuffled) training rows and
 * scores each fit on those rows and on the held-out rows. */
int cli_learning_curve(const nb_model_type *t, const nb_params *p, const nb_dataset *train,
                       const nb_dataset *test, uint64_t seed, cli_curve *c)
{
    memset(c, 0, sizeof *c);
    c->metric = nb_task_main_metric(t->task);
    int64_t n = nb_dataset_nrows(train);
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, seed);
    nb_tensor *perm = ctx ? nb_randperm(ctx, &rng, n) : NULL;
    for (int k = 1; perm && k <= CLI_CURVE_POINTS; k++) {
        int64_t m = n * k / CLI_CURVE_POINTS;
        if (m < 2) continue;
        nb_dataset *part = nb_dataset_take_rows(train, nb_data(perm), m);
        nb_model *model = part ? nb_model_new(t, p) : NULL;
        nb_fit_options o = nb_fit_options_default();
        o.seed = seed;
        bool ok = model && nb_model_fit(model, part, &o) == 0;
        c->size[c->n] = (double)m;
        c->train[c->n] = ok ? score_on(model, part, c->metric) : NAN;
        c->test[c->n] = ok ? score_on(model, test, c->metric) : NAN;
        c->n++;
        nb_model_free(model);
        nb_dataset_free(part);
        nb_clear_error();
    }
    nb_ctx_free(ctx);
    return 0;
}

/* The complement of sorted row numbers `taken` among 0..n-1. */
nb_dataset *cli_rows_except(const nb_dataset *ds, const nb_tensor *taken)
{
    int64_t n = nb_dataset_nrows(ds), m = taken->shape[0], *keep = malloc((size_t)(n + 1) * sizeof *keep), k = 0;
    const int64_t *t = nb_data(taken);
    char *mark = calloc((size_t)n + 1, 1);
    for (int64_t i = 0; mark && i < m; i++) mark[t[i]] = 1;
    for (int64_t i = 0; keep && mark && i < n; i++)
        if (!mark[i]) keep[k++] = i;
    nb_dataset *out = keep && mark ? nb_dataset_take_rows(ds, keep, k) : NULL;
    free(keep), free(mark);
    return out;
}

void cli_describe_run(const nb_model_type *t, const nb_params *p, const char *data, const nb_dataset *ds)
{
    char *ps = nb_params_to_string(p);
    printf("%s on %s: %lld rows, %d columns", t->name, cli_basename(data), (long long)nb_dataset_nrows(ds),
           nb_dataset_ncols(ds));
    int tc = nb_dataset_target(ds);
    if (tc >= 0) printf(", target %s", nb_dataset_col_name(ds, tc));
    printf("\n  parameters: %s\n", ps && *ps ? ps : "(none)");
    free(ps);
}

void cli_describe_model(const nb_model *m)
{
    const nb_model_type *t = nb_model_get_type(m);
    printf("  preprocessing: %s -> %lld features",
           t->prep == NB_PREP_SCALED ? "impute, one-hot, standard-scale" : t->prep == NB_PREP_UNSCALED ? "impute, one-hot" : "none",
           (long long)nb_model_nfeatures(m));
    if (nb_model_nclasses(m)) {
        printf("; %lld classes:", (long long)nb_model_nclasses(m));
        for (int64_t k = 0; k < nb_model_nclasses(m) && k < 12; k++) printf(" %s", nb_model_class_name(m, k));
        if (nb_model_nclasses(m) > 12) printf(" ...");
    }
    printf("\n");
}
