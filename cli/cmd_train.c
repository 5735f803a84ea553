/* cli/cmd_train.c — `nabla train`: read a CSV, fit a model (its pipeline
 * included), report the metrics of its task on held-out rows, by k-fold
 * cross-validation, or on a separate test file, and optionally save the
 * model, a JSON-lines log and SVG plots. */
#include "train.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const cli_opt_spec opts[] = {
    {"model", true, "NAME    the model type (see 'nabla plugins')"},
    {"data", true, "FILE     training data: a CSV file with a header row"},
    {"target", true, "COL    the column to predict"},
    {"params", true, "K=V,.. model parameters (see 'nabla info NAME')"},
    {"drop", true, "COLS     columns to leave out, comma-separated"},
    CLI_DATA_OPTS,
    {"weights", true, "COL   a numeric column of sample weights"},
    {"test-size", true, "F   share of rows held out for testing (default 0.2; 0: none)"},
    {"test-data", true, "FILE score on this CSV instead of held-out rows (read like --data)"},
    {"cv", true, "K          k-fold cross-validation (stratified for classes) instead"},
    {"env", true, "NAME      control models: the environment to learn in"},
    {"env-params", true, "K=V,.. the environment's parameters"},
    {"seed", true, "N        seed of the split and the model (default 0)"},
    {"save", true, "FILE     write the fitted model (a safetensors file)"},
    {"log", true, "FILE      write each training step as a line of JSON"},
    {"plot", true, "FILE     write an SVG: learning curve, and confusion matrix or predicted vs actual"},
    {"repeat", true, "N      fit N more times and report the median fit time (benchmarks)"},
    {"threads", true, "N     threads for the kernels"},
    {"plugin-path", true, "DIR  also search this folder or file for plugins"},
};

enum { NOPTS = sizeof opts / sizeof opts[0] };

/* The learning curve and the held-out panel, into --plot. */
static int plot(train_job *j, const char *path)
{
    cli_curve c = {0};
    if (j->train && j->test) cli_learning_curve(j->type, j->params, j->train, j->test, j->fo.seed, &c);
    const double *loss;
    int nloss = cli_run_losses(j->run, &loss);
    char title[256];
    snprintf(title, sizeof title, "%s on %s", j->type->name, cli_basename(j->data_path));
    const nb_model *m = j->model;
    const char **classes = malloc(((size_t)nb_model_nclasses(m) + 1) * sizeof *classes);
    for (int64_t k = 0; classes && k < nb_model_nclasses(m); k++) classes[k] = nb_model_class_name(m, k);
    cli_plot_data d = {title, j->type->task, c.n, c.size, c.train, c.test, c.metric, nloss, loss,
                       j->y_true, j->y_pred, nb_model_nclasses(m), classes};
    int rc = classes ? cli_plot_stage(&j->out, path, &d) : -1;
    free(classes);
    return rc < 0 ? CLI_FAIL : CLI_OK;
}

/* Saving and plotting happen only after a complete, uninterrupted fit; the
 * files are staged and renamed into place together with the log. */
static int write_outputs(train_job *j)
{
    if (cli_run_interrupted(j->run)) return train_fit_failed(j);
    const char *save = cli_get(j->a, "save"), *plot_path = cli_get(j->a, "plot");
    if (plot_path && plot(j, plot_path) != CLI_OK) return CLI_FAIL;
    if (cli_run_interrupted(j->run)) return train_fit_failed(j);
    const char *tmp = save ? cli_stage(&j->out, save) : NULL;
    if (save && !tmp) return CLI_FAIL;
    if (save && nb_model_save(j->model, tmp) < 0) return cli_lib_error(j->a->cmd, CLI_FAIL, "--save %s", save);
    return CLI_OK;
}

static void print_written(const train_job *j)
{
    const char *save = cli_get(j->a, "save"), *plot_path = cli_get(j->a, "plot");
    if (save) printf("\nsaved the model to %s\n", save);
    if (plot_path) printf("%swrote the plots to %s\n", save ? "" : "\n", plot_path);
}

/* The evaluation's options (--cv, --test-size, --test-data, --repeat),
 * checked before anything is read or printed. */
static int check_mode(train_job *j)
{
    j->test_size = 0.2;
    j->test_path = cli_get(j->a, "test-data");
    if (cli_int(j->a, "cv", 2, 1000000, &j->cv) < 0 || cli_double(j->a, "test-size", 0, 0.99, &j->test_size) < 0 ||
        cli_int(j->a, "repeat", 1, 100000, &j->repeat) < 0)
        return CLI_USAGE;
    int modes = (j->cv > 0) + (cli_get(j->a, "test-size") != NULL) + (j->test_path != NULL);
    if (modes > 1) return cli_error(j->a->cmd, CLI_USAGE, "choose one of --cv, --test-size and --test-data");
    if (j->repeat && (j->cv || j->test_size > 0) && !j->test_path)
        return cli_error(j->a->cmd, CLI_USAGE, "--repeat needs --test-data or --test-size 0");
    return CLI_OK;
}

/* Which evaluation: --env, --cv, all rows (--test-data or --test-size 0),
 * or held-out rows. */
static int dispatch(train_job *j)
{
    const char *env = cli_get(j->a, "env");
    if (env) return train_env(j, env);
    if (j->cv) return train_cv(j, (int)j->cv);
    if (j->test_path || j->test_size == 0) return train_all(j);
    return train_holdout(j, j->test_size);
}

/* The training file, its --weights column, and the --test-data file. */
static int read_data(train_job *j, const char *target)
{
    int status = cli_read_data(j->a, j->data_path, target, &j->ds);
    if (status != CLI_OK) return status;
    const char *w = cli_get(j->a, "weights");
    if (w && nb_dataset_col_index(j->ds, w) < 0)
        return cli_error(j->a->cmd, CLI_USAGE, "--weights %s: no such column in %s", w, cli_basename(j->data_path));
    j->fo.data_name = cli_basename(j->data_path);
    j->fo.weight_column = w;
    int tc = nb_dataset_target(j->ds);
    if (!j->test_path) return CLI_OK;
    return cli_read_data(j->a, j->test_path, tc >= 0 ? nb_dataset_col_name(j->ds, tc) : NULL, &j->test);
}

/* Everything before the fit: model type, parameters, data. */
static int prepare(train_job *j)
{
    const char *name = cli_need(j->a, "model");
    long long seed = 0;
    if (!name || cli_int(j->a, "seed", 0, (long long)1 << 62, &seed) < 0 || cli_threads(j->a) < 0) return CLI_USAGE;
    j->fo.seed = (uint64_t)seed;
    int status = cli_setup_model(j->a, name, &j->reg, &j->type, &j->params);
    if (status != CLI_OK) return status;
    if (j->type->task == NB_TASK_CONTROL) {
        if (!cli_get(j->a, "env")) return cli_error(j->a->cmd, CLI_USAGE, "%s learns in an environment: give --env NAME", name);
        return CLI_OK;
    }
    const char *target = cli_needs_target(j->type->task) ? cli_need(j->a, "target") : cli_get(j->a, "target");
    if (!(j->data_path = cli_need(j->a, "data")) || (cli_needs_target(j->type->task) && !target)) return CLI_USAGE;
    return read_data(j, target);
}

/* The fit, its report, and the files: all of them written, or none. */
static int run(train_job *j)
{
    if (!(j->ctx = nb_ctx_new())) return cli_error(j->a->cmd, CLI_FAIL, "out of memory");
    if (!(j->run = cli_run_start(j->a->cmd, &j->out, cli_get(j->a, "log")))) return CLI_FAIL;
    cli_run_attach(j->run, &j->fo);
    if (j->ds) cli_describe_run(j->type, j->params, j->data_path, j->ds);
    int status = dispatch(j);
    if (status == CLI_OK) status = write_outputs(j);
    return cli_run_end(j->run, status);
}

int cli_train(int argc, char **argv)
{
    cli_args a = {.cmd = "train", .specs = opts, .nspecs = NOPTS,
                  .usage = "nabla train --model NAME --data FILE --target COL [--params K=V,...] [--drop COLS]\n"
                           "                   [--test-size F | --cv K | --test-data FILE] [--seed N]\n"
                           "                   [--save OUT] [--log RUN.jsonl] [--plot OUT.svg]\n"
                           "                   [--delimiter C] [--no-quoting] [--na TOKENS]",
                  .about = "Fits a model on a CSV (or TSV) file (the preprocessing it needs included: impute,\n"
                           "one-hot, scale), reports the metrics of its task on held-out rows (default: 20%),\n"
                           "by k-fold cross-validation, or on a test file, and saves it. Every output file is\n"
                           "checked before the fit and written only when all succeed; Ctrl-C stops the fit at\n"
                           "the next step and writes nothing."};
    int status;
    if (cli_parse(&a, argc, argv, &status) < 0) return status;
    if (a.npos) return cli_error(a.cmd, CLI_USAGE, "unexpected argument '%s' (try 'nabla train --help')", a.pos[0]);
    train_job j = {.a = &a, .fo = nb_fit_options_default(), .out = {.cmd = a.cmd}};
    status = check_mode(&j);
    if (status == CLI_OK) status = cli_check_outputs(&a, (const char *const[]){"save", "plot", "log", NULL});
    if (status == CLI_OK) status = prepare(&j);
    if (status == CLI_OK) status = run(&j);
    status = cli_stage_finish(&j.out, status);
    if (status == CLI_OK) print_written(&j);
    nb_model_free(j.model);
    nb_dataset_free(j.ds), nb_dataset_free(j.train), nb_dataset_free(j.test);
    nb_ctx_free(j.ctx);
    nb_params_free(j.params);
    nb_registry_free(j.reg);
    return status;
}
