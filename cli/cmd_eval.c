/* cli/cmd_eval.c — using a saved model: `nabla eval` scores it on a labelled
 * CSV; `nabla predict` writes its predictions (and class probabilities) as
 * CSV. Both read the raw file: the model applies the preprocessing it
 * learned when it was trained. */
#include "cli.h"

#include <math.h>
#include <stdlib.h>

static const cli_opt_spec eval_opts[] = {
    {"model", true, "FILE   a model file written by 'nabla train --save'"},
    {"data", true, "FILE    a CSV file holding the model's input columns and its target"},
    {"plot", true, "FILE    write the confusion matrix / predicted vs actual as SVG"},
    CLI_DATA_OPTS,
    {"threads", true, "N    threads for the kernels"},
    {"plugin-path", true, "DIR  also search this folder or file for plugins"},
};

static const cli_opt_spec predict_opts[] = {
    {"model", true, "FILE   a model file written by 'nabla train --save'"},
    {"data", true, "FILE    a CSV file holding the model's input columns"},
    {"out", true, "FILE     write the predictions there (default: standard output)"},
    {"proba", false, "      add one probability column per class (classifiers)"},
    CLI_DATA_OPTS,
    {"threads", true, "N    threads for the kernels"},
    {"plugin-path", true, "DIR  also search this folder or file for plugins"},
};

typedef struct loaded {
    nb_registry *reg;
    nb_model *model;
    nb_dataset *ds;
    nb_ctx *ctx;
} loaded;

static void unload(loaded *l)
{
    nb_dataset_free(l->ds);
    nb_model_free(l->model);
    nb_registry_free(l->reg);
    nb_ctx_free(l->ctx);
}

/* Model file and data file, both required. */
static int load(const cli_args *a, loaded *l, bool with_target)
{
    const char *mpath = cli_need(a, "model"), *dpath = mpath ? cli_need(a, "data") : NULL;
    if (!dpath || cli_threads(a) < 0) return CLI_USAGE;
    if (!(l->ctx = nb_ctx_new()) || !(l->reg = cli_registry(a))) return CLI_FAIL;
    if (!(l->model = nb_model_load(l->reg, mpath))) return cli_lib_error(a->cmd, CLI_FAIL, NULL);
    const char *target = with_target ? nb_model_target_name(l->model) : NULL;
    if (with_target && !target) return cli_error(a->cmd, CLI_FAIL, "the model has no target to score against");
    int status = cli_read_data(a, dpath, NULL, &l->ds);
    if (status != CLI_OK) return status;
    if (target && nb_dataset_col_index(l->ds, target) < 0)
        return cli_error(a->cmd, CLI_FAIL, "%s has no column '%s', the model's target", cli_basename(dpath), target);
    return target && nb_dataset_set_target(l->ds, target) < 0 ? cli_lib_error(a->cmd, CLI_FAIL, NULL) : CLI_OK;
}

static int eval_plot(const cli_args *a, loaded *l, const char *path)
{
    nb_model *m = l->model;
    nb_tensor *yt = nb_model_target(m, l->ctx, l->ds), *yp = yt ? nb_model_predict(m, l->ctx, l->ds) : NULL;
    if (!yp) return cli_lib_error(a->cmd, CLI_FAIL, "%s", cli_get(a, "data"));
    const char **classes = malloc(((size_t)nb_model_nclasses(m) + 1) * sizeof *classes);
    for (int64_t k = 0; classes && k < nb_model_nclasses(m); k++) classes[k] = nb_model_class_name(m, k);
    char title[256];
    snprintf(title, sizeof title, "%s on %s", nb_model_get_type(m)->name, cli_basename(cli_get(a, "data")));
    cli_plot_data d = {.title = title, .task = nb_model_get_type(m)->task, .y_true = yt, .y_pred = yp,
                       .nclasses = nb_model_nclasses(m), .classes = classes};
    int rc = classes ? cli_plot_write(a->cmd, path, &d) : -1;
    free(classes);
    return rc < 0 ? CLI_FAIL : CLI_OK;
}

int cli_eval(int argc, char **argv)
{
    cli_args a = {.cmd = "eval", .specs = eval_opts, .nspecs = sizeof eval_opts / sizeof eval_opts[0],
                  .usage = "nabla eval --model FILE --data FILE [--plot OUT.svg] [--delimiter C] [--no-quoting]\n"
                           "                  [--na TOKENS]",
                  .about = "Scores a saved model on a labelled CSV file with the metrics of its task."};
    int status;
    if (cli_parse(&a, argc, argv, &status) < 0) return status;
    if (a.npos) return cli_error(a.cmd, CLI_USAGE, "unexpected argument '%s' (try 'nabla eval --help')", a.pos[0]);
    loaded l = {0};
    status = cli_check_outputs(&a, (const char *const[]){"plot", NULL});
    if (status == CLI_OK) status = load(&a, &l, true);
    nb_scores s;
    nb_tensor *cm = NULL;
    if (status == CLI_OK && nb_model_evaluate(l.model, l.ctx, l.ds, &s, &cm) < 0)
        status = cli_lib_error(a.cmd, CLI_FAIL, "%s", cli_get(&a, "data"));
    const char *plot = cli_get(&a, "plot");
    if (status == CLI_OK && plot) status = eval_plot(&a, &l, plot); /* before any output: it can fail */
    if (status == CLI_OK) {
        printf("%s on %s: %lld rows\n", nb_model_get_type(l.model)->name, cli_basename(cli_get(&a, "data")),
               (long long)nb_dataset_nrows(l.ds));
        cli_print_scores(stdout, nb_model_get_type(l.model)->task, (const nb_scores *[]){&s}, (const char *[]){"value"}, 1);
        if (cm) printf("\n"), cli_print_confusion(stdout, l.model, cm);
        if (plot) printf("wrote the plot to %s\n", plot);
    }
    unload(&l);
    return status;
}

typedef struct preds {
    const nb_model *m;
    const nb_tensor *y, *proba;
} preds;

/* One row per input row: the prediction (class name or number), then the
 * class probabilities when asked for. */
static int write_preds(FILE *f, void *arg)
{
    const preds *p = arg;
    const char *target = nb_model_target_name(p->m);
    int64_t n = p->y->shape[0], k = nb_model_nclasses(p->m);
    cli_csv_field(f, target ? target : "prediction");
    for (int64_t c = 0; p->proba && c < k; c++) {
        char head[512];
        snprintf(head, sizeof head, "p(%s)", nb_model_class_name(p->m, c));
        fputc(',', f), cli_csv_field(f, head);
    }
    fputc('\n', f);
    for (int64_t i = 0; i < n; i++) {
        if (p->y->dtype == NB_F64) fprintf(f, "%.17g", ((const double *)nb_data(p->y))[i]);
        else if (k) cli_csv_field(f, nb_model_class_name(p->m, ((const int64_t *)nb_data(p->y))[i]));
        else fprintf(f, "%lld", (long long)((const int64_t *)nb_data(p->y))[i]);
        for (int64_t c = 0; p->proba && c < k; c++) fprintf(f, ",%.6g", ((const double *)nb_data(p->proba))[i * k + c]);
        fputc('\n', f);
    }
    return ferror(f) ? -1 : 0;
}

int cli_predict(int argc, char **argv)
{
    cli_args a = {.cmd = "predict", .specs = predict_opts, .nspecs = sizeof predict_opts / sizeof predict_opts[0],
                  .usage = "nabla predict --model FILE --data FILE [--out PREDS.csv] [--proba] [--delimiter C]\n"
                           "                     [--no-quoting] [--na TOKENS]",
                  .about = "Writes a saved model's predictions for each row of a CSV file, as CSV."};
    int status;
    if (cli_parse(&a, argc, argv, &status) < 0) return status;
    if (a.npos) return cli_error(a.cmd, CLI_USAGE, "unexpected argument '%s' (try 'nabla predict --help')", a.pos[0]);
    loaded l = {0};
    status = cli_check_outputs(&a, (const char *const[]){"out", NULL});
    if (status == CLI_OK) status = load(&a, &l, false);
    preds p = {l.model, NULL, NULL};
    if (status == CLI_OK && cli_flag(&a, "proba") && !nb_model_nclasses(l.model))
        status = cli_error(a.cmd, CLI_USAGE, "--proba: %s is not a classifier", nb_model_get_type(l.model)->name);
    if (status == CLI_OK && !(p.y = nb_model_predict(l.model, l.ctx, l.ds)))
        status = cli_lib_error(a.cmd, CLI_FAIL, "%s", cli_get(&a, "data"));
    if (status == CLI_OK && cli_flag(&a, "proba") && !(p.proba = nb_model_predict_proba(l.model, l.ctx, l.ds)))
        status = cli_lib_error(a.cmd, CLI_FAIL, "%s: --proba", cli_get(&a, "data"));
    const char *out = cli_get(&a, "out");
    if (status == CLI_OK && out && cli_write_file(a.cmd, out, write_preds, &p) < 0) status = CLI_FAIL;
    if (status == CLI_OK && !out && (write_preds(stdout, &p) < 0 || fflush(stdout) != 0))
        status = cli_error(a.cmd, CLI_FAIL, "writing to standard output failed");
    unload(&l);
    return status;
}
