/* cli/demo.c — `nabla demo`: what nabla does, end to end, in under a
 * minute. It makes data sets with a fixed seed (and reads Fashion-MNIST from
 * Debian's dataset-fashion-mnist when it is installed), trains the baseline,
 * linreg and logreg plugins on 80% of each, scores them on the other 20%,
 * prints a report card and writes its plots into a folder.
 * Same output on every machine and thread count, timings aside. */
#include "train.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SEED 2026
#define FASHION "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"
#define FASHION_LABELS "/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz"

static const cli_opt_spec opts[] = {
    {"out", true, "DIR      where to write the plots (default: nabla-demo)"},
    {"no-images", false, "  skip Fashion-MNIST even when it is installed"},
    {"plugin-path", true, "DIR  also search this folder or file for plugins"},
};

typedef struct demo_set {
    const char *name;
    nb_dataset *ds;
} demo_set;

/* One line of the report card. */
typedef struct demo_run {
    int set;
    const char *model, *params;
    const char *plot; /* file name of its plot, or NULL */
} demo_run;

static nb_dataset *regression_set(void)
{
    nb_synth_options o = nb_synth_options_default();
    o.n_samples = 1000, o.n_features = 8, o.n_informative = 5, o.noise = 10;
    nb_rng rng;
    nb_rng_seed(&rng, SEED);
    return nb_make_regression(&o, &rng);
}

static nb_dataset *classification_set(void)
{
    nb_synth_options o = nb_synth_options_default();
    o.n_samples = 1000, o.n_features = 10, o.n_informative = 5, o.n_redundant = 2, o.n_classes = 3;
    nb_rng rng;
    nb_rng_seed(&rng, SEED);
    return nb_make_classification(&o, &rng);
}

/* The first 7000 training images, pixels 0..255 as columns, the label as y. */
static nb_dataset *fashion_set(void)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *img = ctx ? nb_idx_read(ctx, FASHION, NB_F64) : NULL, *lab = img ? nb_idx_read(ctx, FASHION_LABELS, NB_F64) : NULL;
    nb_dataset *ds = NULL;
    if (lab) {
        int64_t n = 7000;
        nb_tensor *x = nb_contiguous(ctx, nb_reshape(ctx, nb_slice(ctx, img, 0, 0, n, 1), 2, (int64_t[]){n, 784}));
        nb_tensor *y = nb_contiguous(ctx, nb_slice(ctx, lab, 0, 0, n, 1));
        if (x && y) ds = nb_dataset_from_matrix(nb_data(x), n, 784, NULL, nb_data(y), "label");
    }
    nb_ctx_free(ctx);
    return ds;
}

/* Learning curve (small sets only: it refits five times), training loss,
 * and the confusion matrix or predicted vs actual on the held-out rows. */
static int plot(const cli_args *a, const nb_model_type *t, const nb_params *p, const demo_set *set,
                const nb_holdout_result *h, cli_run *run, const char *dir, const char *file)
{
    cli_curve c = {0};
    nb_dataset *test = nb_dataset_take_rows(set->ds, nb_data(h->test_rows), h->test_rows->shape[0]);
    nb_dataset *train = test ? cli_rows_except(set->ds, h->test_rows) : NULL;
    if (train && nb_dataset_nrows(set->ds) <= 2000) cli_learning_curve(t, p, train, test, SEED, &c);
    const double *loss;
    int nloss = cli_run_losses(run, &loss);
    int64_t k = nb_model_nclasses(h->model);
    const char **classes = calloc((size_t)k + 1, sizeof *classes);
    for (int64_t j = 0; classes && j < k; j++) classes[j] = nb_model_class_name(h->model, j);
    char title[128], path[4096];
    snprintf(title, sizeof title, "%s on %s (held-out rows)", t->name, set->name);
    snprintf(path, sizeof path, "%s/%s", dir, file);
    cli_plot_data d = {title, t->task, c.n, c.size, c.train, c.test, c.metric, nloss, loss,
                       h->test_true, h->test_pred, k, classes};
    int rc = classes ? cli_plot_write(a->cmd, path, &d) : -1;
    free(classes);
    nb_dataset_free(train), nb_dataset_free(test);
    return rc;
}

/* The held-out scores of one model on one set, and its plot. */
static int run_one(const cli_args *a, const nb_registry *reg, const demo_set *set, const demo_run *r, cli_run *run,
                   const char *dir, nb_scores *scores, double *ms)
{
    const nb_model_type *t = nb_registry_find_model(reg, r->model);
    nb_params *p = t ? nb_params_parse(t->name, t->params, t->nparams, r->params) : NULL;
    nb_ctx *ctx = nb_ctx_new();
    nb_holdout_result h;
    nb_fit_options o = nb_fit_options_default();
    o.seed = SEED, o.data_name = set->name;
    cli_run_attach(run, &o);
    cli_run_reset_losses(run);
    int rc = p && ctx ? nb_holdout(t, p, set->ds, 0.2, &o, ctx, &h) : -1;
    cli_run_clear_bar(run);
    if (rc < 0) {
        if (!cli_run_interrupted(run)) cli_lib_error(a->cmd, CLI_FAIL, "%s on %s", r->model, set->name);
    } else {
        *scores = h.test;
        *ms = 1e3 * h.fit_seconds;
        if (r->plot) rc = plot(a, t, p, set, &h, run, dir, r->plot);
        nb_model_free(h.model);
    }
    nb_params_free(p), nb_ctx_free(ctx);
    return rc;
}

static const demo_run runs[] = {
    {0, "baseline_regressor", NULL, NULL},
    {0, "linreg", NULL, "regression_linreg.svg"},
    {0, "linreg", "solver=gd", "regression_linreg_gd.svg"},
    {1, "baseline_classifier", NULL, NULL},
    {1, "logreg", NULL, "classification_logreg.svg"},
    {2, "baseline_classifier", NULL, NULL},
    {2, "logreg", NULL, "fashion_logreg.svg"},
};
enum { NRUNS = sizeof runs / sizeof runs[0] };

static void about_data(const demo_set *sets, int nsets)
{
    printf("data (seed %d), each split 80/20 at random (stratified by class):\n", SEED);
    printf("  regression      generated: 1000 rows, 8 features (5 informative), noise sd 10\n");
    printf("  classification  generated: 1000 rows, 10 features (5 informative, 2 redundant), 3 classes\n");
    if (nsets > 2 && sets[2].ds)
        printf("  fashion-mnist   7000 of Debian's Fashion-MNIST training images: 784 pixels, 10 classes\n");
    else
        printf("  fashion-mnist   skipped (apt-get install dataset-fashion-mnist to include it)\n");
}

/* The task's other held-out metrics, as "rmse 9.87  mae 7.61": for
 * regression the errors in the target's units, for classification macro F1
 * and, where the model gives probabilities, log loss. */
static void other_metrics(const nb_scores *s, char *buf, size_t size)
{
    if (s->task == NB_TASK_REGRESSION)
        snprintf(buf, size, "rmse %.4g  mae %.4g", s->rmse, s->mae);
    else if (isnan(s->log_loss))
        snprintf(buf, size, "f1 %.4f", s->f1_macro);
    else
        snprintf(buf, size, "f1 %.4f  log loss %.4f", s->f1_macro, s->log_loss);
}

/* The report card: one line per model, the held-out score of its task
 * (accuracy or R^2, higher is better) beside its set's baseline, then the
 * task's other metrics. *beaten tells whether every model beat its baseline. */
static int report(const cli_args *a, const nb_registry *reg, const demo_set *sets, cli_run *run, const char *dir,
                  bool *beaten)
{
    double baseline[3] = {NAN, NAN, NAN};
    *beaten = true;
    printf("\n  %-15s %-20s %-10s %10s %10s   %s\n", "data", "model", "metric", "held-out", "fit ms", "other held-out metrics");
    for (int k = 0; k < NRUNS; k++) {
        const demo_run *r = &runs[k];
        if (!sets[r->set].ds) continue;
        nb_scores scores;
        double ms = NAN;
        if (run_one(a, reg, &sets[r->set], r, run, dir, &scores, &ms) < 0)
            return cli_run_interrupted(run) ? cli_error(a->cmd, CLI_INTERRUPTED, "interrupted by Ctrl-C") : CLI_FAIL;
        const char *metric = nb_task_main_metric(nb_registry_find_model(reg, r->model)->task);
        double score = nb_scores_get(&scores, metric);
        char others[64];
        other_metrics(&scores, others, sizeof others);
        bool is_baseline = !strncmp(r->model, "baseline", 8);
        if (is_baseline) baseline[r->set] = score;
        else *beaten &= score > baseline[r->set];
        char label[64];
        snprintf(label, sizeof label, "%s%s%s", r->model, r->params ? " " : "", r->params ? r->params : "");
        printf("  %-15s %-20s %-10s %10.4f %10.1f   %s%s\n", sets[r->set].name, label, metric, score, ms, others,
               !is_baseline && !(score > baseline[r->set]) ? "  (no better than the baseline)" : "");
        fflush(stdout);
        if (cli_run_interrupted(run)) return cli_error(a->cmd, CLI_INTERRUPTED, "interrupted by Ctrl-C");
    }
    return CLI_OK;
}

int cli_demo(int argc, char **argv)
{
    cli_args a = {.cmd = "demo", .specs = opts, .nspecs = 3, .usage = "nabla demo [--out DIR] [--no-images]",
                  .about = "Trains the baseline, linreg and logreg plugins on generated data (and on\n"
                           "Fashion-MNIST when Debian's dataset-fashion-mnist is installed), scores them on\n"
                           "held-out rows, prints a report card and writes the plots to a folder."};
    int status;
    if (cli_parse(&a, argc, argv, &status) < 0) return status;
    if (a.npos) return cli_error(a.cmd, CLI_USAGE, "unexpected argument '%s' (try 'nabla demo --help')", a.pos[0]);
    const char *dir = cli_get(&a, "out") ? cli_get(&a, "out") : "nabla-demo";
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) return cli_error(a.cmd, CLI_FAIL, "--out %s: %s", dir, strerror(errno));
    double t0 = cli_seconds();
    nb_registry *reg = cli_registry(&a);
    if (!reg) return CLI_FAIL;
    printf("nabla %s demo (kernels: %s, %d threads)\n\n", nb_version(), nb_isa_name(), nb_get_num_threads());
    demo_set sets[3] = {{"regression", regression_set()}, {"classification", classification_set()},
                        {"fashion-mnist", cli_flag(&a, "no-images") ? NULL : fashion_set()}};
    nb_clear_error();
    status = sets[0].ds && sets[1].ds ? CLI_OK : cli_lib_error(a.cmd, CLI_FAIL, "making the data");
    const char *need[] = {"baseline_classifier", "baseline_regressor", "linreg", "logreg"};
    for (int k = 0; status == CLI_OK && k < 4; k++)
        if (!nb_registry_find_model(reg, need[k])) status = cli_lib_error(a.cmd, CLI_FAIL, "the demo needs the %s plugin", need[k]);
    cli_run *run = status == CLI_OK ? cli_run_start(a.cmd, NULL, NULL) : NULL;
    bool beaten = false;
    if (run) {
        about_data(sets, 3);
        status = cli_run_end(run, report(&a, reg, sets, run, dir, &beaten));
    }
    if (status == CLI_OK)
        printf("\n%s Plots (learning curve, training loss, confusion matrix or predicted\n"
               "vs actual) are in %s/. %.1f s in all.\n"
               "Next: nabla train --model logreg --data your.csv --target COL --cv 5 (see nabla --help)\n",
               beaten ? "Every model beats its baseline." : "Not every model beats its baseline!", dir,
               cli_seconds() - t0);
    for (int k = 0; k < 3; k++) nb_dataset_free(sets[k].ds);
    nb_registry_free(reg);
    return status;
}
