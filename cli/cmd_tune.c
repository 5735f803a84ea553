/* cli/cmd_tune.c — `nabla tune`: grid search. Every combination of the
 * listed parameter values is scored by k-fold cross-validation; the best by
 * the chosen metric is reported and, with --save, refitted on every row. */
#include "fitting.h"

#include <math.h>
#include <string.h>

static const cli_opt_spec opts[] = {
    {"model", true, "NAME    the model type (see 'nabla plugins')"},
    {"data", true, "FILE     training data: a CSV file with a header row"},
    {"target", true, "COL    the column to predict"},
    {"grid", true, "SPEC     values to try: 'C=0.1,1,10;max_iter=100,300'"},
    {"params", true, "K=V,.. fixed parameters for every combination"},
    {"cv", true, "K          folds (default 5)"},
    {"metric", true, "NAME   what to maximise or minimise (default: accuracy, r2, silhouette)"},
    {"drop", true, "COLS     columns to leave out, comma-separated"},
    CLI_DATA_OPTS,
    {"weights", true, "COL   a numeric column of sample weights"},
    {"seed", true, "N        seed of the folds and the models (default 0)"},
    {"save", true, "FILE     refit the best combination on every row and save it"},
    {"log", true, "FILE      write each training step as a line of JSON"},
    {"threads", true, "N     threads for the kernels"},
    {"plugin-path", true, "DIR  also search this folder or file for plugins"},
};
enum { NOPTS = sizeof opts / sizeof opts[0] };

typedef struct tune_job {
    cli_args *a;
    nb_registry *reg;
    const nb_model_type *type;
    nb_params *params, *best;
    nb_grid *grid;
    nb_dataset *ds;
    cli_run *run;
    nb_model *model;
    long long cv;    /* --cv */
    cli_staged out;  /* --save and --log, renamed at the end */
} tune_job;

static int report(tune_job *j, const nb_grid_result *g, int k)
{
    printf("%lld combinations, %d-fold cross-validation, %s (%s is better)\n", (long long)g->n, k, g->metric,
           nb_metric_higher_is_better(g->metric) ? "higher" : "lower");
    for (int64_t i = 0; i < g->n; i++) {
        printf("  %s %-48s %.4f +- %.4f\n", i == g->best ? "*" : " ", g->settings[i], g->mean[i], g->std[i]);
        char line[512];
        snprintf(line, sizeof line, "{\"event\": \"combination\", \"params\": \"%s\", \"%s\": %.17g, \"std\": %.17g}",
                 g->settings[i], g->metric, g->mean[i], g->std[i]);
        cli_run_log(j->run, line);
    }
    printf("best: %s (%s %.4f)\n", g->settings[g->best], g->metric, g->mean[g->best]);
    return CLI_OK;
}

static int failed(tune_job *j, const char *what)
{
    if (cli_run_interrupted(j->run)) return cli_error(j->a->cmd, CLI_INTERRUPTED, "interrupted by Ctrl-C; nothing was written");
    return cli_lib_error(j->a->cmd, CLI_FAIL, "%s", what);
}

/* The best combination refitted on every row, staged for --save. */
static int refit(tune_job *j, nb_fit_options *fo)
{
    const char *save = cli_get(j->a, "save");
    j->model = nb_model_new(j->type, j->best);
    int rc = j->model ? nb_model_fit(j->model, j->ds, fo) : -1;
    cli_run_clear_bar(j->run);
    if (rc < 0 || cli_run_interrupted(j->run)) return failed(j, "refitting the best combination");
    const char *tmp = cli_stage(&j->out, save);
    if (!tmp) return CLI_FAIL;
    if (nb_model_save(j->model, tmp) < 0) return cli_lib_error(j->a->cmd, CLI_FAIL, "--save %s", save);
    return CLI_OK;
}

static int search(tune_job *j, nb_fit_options *fo)
{
    nb_grid_result g;
    int rc = nb_grid_search(j->type, j->params, j->grid, j->ds, (int)j->cv, cli_get(j->a, "metric"), fo, &g);
    cli_run_clear_bar(j->run);
    if (rc < 0) return failed(j, "grid search");
    report(j, &g, (int)j->cv);
    j->best = nb_grid_params(j->grid, j->params, g.best);
    nb_grid_result_clear(&g);
    if (!j->best) return cli_lib_error(j->a->cmd, CLI_FAIL, NULL);
    return cli_get(j->a, "save") ? refit(j, fo) : CLI_OK;
}

/* --metric, checked before the data is read (the message lists the
 * metrics of the model's task). */
static int check_metric(tune_job *j)
{
    const char *metric = cli_get(j->a, "metric");
    if (!metric || nb_metric_known(metric)) return CLI_OK;
    nb_scores s;
    nb_scores_clear(&s, j->type->task);
    nb_scores_get(&s, metric); /* sets the message */
    return cli_lib_error(j->a->cmd, CLI_USAGE, "--metric");
}

static int prepare(tune_job *j, nb_fit_options *fo)
{
    const char *name = cli_need(j->a, "model"), *spec = name ? cli_need(j->a, "grid") : NULL;
    long long seed = 0;
    j->cv = 5;
    if (!spec || cli_int(j->a, "seed", 0, (long long)1 << 62, &seed) < 0 || cli_int(j->a, "cv", 2, 1000000, &j->cv) < 0 ||
        cli_threads(j->a) < 0)
        return CLI_USAGE;
    int status = cli_setup_model(j->a, name, &j->reg, &j->type, &j->params);
    if (status != CLI_OK || (status = check_metric(j)) != CLI_OK) return status;
    if (!(j->grid = nb_grid_parse(j->type, spec))) return cli_lib_error(j->a->cmd, CLI_USAGE, "--grid");
    const char *target = cli_needs_target(j->type->task) ? cli_need(j->a, "target") : cli_get(j->a, "target");
    const char *data = cli_need(j->a, "data");
    if (!data || (cli_needs_target(j->type->task) && !target)) return CLI_USAGE;
    if ((status = cli_read_data(j->a, data, target, &j->ds)) != CLI_OK) return status;
    fo->seed = (uint64_t)seed, fo->data_name = cli_basename(data), fo->weight_column = cli_get(j->a, "weights");
    if (fo->weight_column && nb_dataset_col_index(j->ds, fo->weight_column) < 0)
        return cli_error(j->a->cmd, CLI_USAGE, "--weights %s: no such column in %s", fo->weight_column, cli_basename(data));
    cli_describe_run(j->type, j->params, data, j->ds);
    return CLI_OK;
}

int cli_tune(int argc, char **argv)
{
    cli_args a = {.cmd = "tune", .specs = opts, .nspecs = NOPTS,
                  .usage = "nabla tune --model NAME --data FILE --target COL --grid 'K=V1,V2;K2=...' [--cv K]\n"
                           "                  [--metric NAME] [--params K=V,...] [--save OUT] [--log RUN.jsonl]\n"
                           "                  [--delimiter C] [--no-quoting] [--na TOKENS]",
                  .about = "Grid search: cross-validates every combination of the listed values and reports\n"
                           "the best (';' separates parameters, ',' their values; int lists as 64:32)."};
    int status;
    if (cli_parse(&a, argc, argv, &status) < 0) return status;
    if (a.npos) return cli_error(a.cmd, CLI_USAGE, "unexpected argument '%s' (try 'nabla tune --help')", a.pos[0]);
    tune_job j = {.a = &a, .out = {.cmd = a.cmd}};
    nb_fit_options fo = nb_fit_options_default();
    status = cli_check_outputs(&a, (const char *const[]){"save", "log", NULL});
    if (status == CLI_OK) status = prepare(&j, &fo);
    if (status == CLI_OK && !(j.run = cli_run_start(a.cmd, &j.out, cli_get(&a, "log")))) status = CLI_FAIL;
    if (status == CLI_OK) {
        cli_run_attach(j.run, &fo);
        status = cli_run_end(j.run, search(&j, &fo));
    }
    status = cli_stage_finish(&j.out, status);
    if (status == CLI_OK && j.model)
        printf("refitted the best on all %lld rows and saved it to %s\n", (long long)nb_dataset_nrows(j.ds), cli_get(&a, "save"));
    nb_model_free(j.model);
    nb_params_free(j.params), nb_params_free(j.best);
    nb_grid_free(j.grid);
    nb_dataset_free(j.ds);
    nb_registry_free(j.reg);
    return status;
}
