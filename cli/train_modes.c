/* cli/train_modes.c — the evaluations `nabla train` runs: holdout, k-fold
 * cross-validation, all rows (optionally scored on a test file), and a
 * control model in an environment. Each prints its report on stdout and
 * logs its result as JSON. */
#include "train.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double cli_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double cli_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, by_value);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int train_fit_failed(train_job *j)
{
    cli_run_clear_bar(j->run);
    if (cli_run_interrupted(j->run))
        return cli_error(j->a->cmd, CLI_INTERRUPTED, "interrupted by Ctrl-C: stopped at a step boundary; nothing was written");
    return cli_lib_error(j->a->cmd, CLI_FAIL, "fitting %s", j->type->name);
}

static void log_scores(train_job *j, const char *event, const char *label, const nb_scores *s)
{
    char *js = cli_scores_json(s), line[4096];
    snprintf(line, sizeof line, "{\"event\": \"%s\", \"%s\": %s}", event, label, js ? js : "{}");
    cli_run_log(j->run, line);
    free(js);
}

/* After the fit's progress bar was cleared. */
static void print_fit(train_job *j, double seconds)
{
    const double *loss;
    int steps = cli_run_losses(j->run, &loss);
    printf("  fit: %.2f ms", seconds * 1e3);
    if (steps) printf(" (%d steps, final loss %.6g)", steps, loss[steps - 1]);
    printf("\n");
}

static void print_confusion(train_job *j, const nb_model *m, const char *rows)
{
    if (!nb_model_nclasses(m) || !j->y_true) return;
    nb_tensor *cm = nb_metric_confusion(j->ctx, j->y_true, j->y_pred, nb_model_nclasses(m));
    if (!cm) return;
    printf("\n%s ", rows);
    cli_print_confusion(stdout, m, cm);
}

/* Median time of j->repeat more fits on the same rows. */
static int repeat_fits(train_job *j, const nb_dataset *rows)
{
    if (j->repeat <= 0) return CLI_OK;
    double *t = malloc((size_t)j->repeat * sizeof *t), lo = INFINITY, hi = 0;
    if (!t) return cli_error(j->a->cmd, CLI_FAIL, "out of memory");
    for (long long k = 0; k < j->repeat; k++) {
        nb_model *m = nb_model_new(j->type, j->params);
        double t0 = cli_seconds();
        int rc = m ? nb_model_fit(m, rows, &j->fo) : -1;
        t[k] = cli_seconds() - t0, lo = fmin(lo, t[k]), hi = fmax(hi, t[k]);
        nb_model_free(m);
        if (rc < 0) return free(t), train_fit_failed(j);
    }
    double median = cli_median(t, (int)j->repeat);
    printf("  fit time over %lld more fits: median %.3f ms [%.3f - %.3f]\n", j->repeat, 1e3 * median, 1e3 * lo, 1e3 * hi);
    char line[256];
    snprintf(line, sizeof line, "{\"event\": \"timing\", \"fits\": %lld, \"median_s\": %.9g, \"min_s\": %.9g, \"max_s\": %.9g}",
             j->repeat, median, lo, hi);
    cli_run_log(j->run, line);
    free(t);
    return CLI_OK;
}

int train_holdout(train_job *j, double f)
{
    nb_holdout_result h;
    if (nb_holdout(j->type, j->params, j->ds, f, &j->fo, j->ctx, &h) < 0) return train_fit_failed(j);
    cli_run_clear_bar(j->run);
    j->model = h.model;
    printf("holdout: %lld training rows, %lld test rows%s, seed %llu\n", (long long)h.ntrain, (long long)h.ntest,
           nb_model_nclasses(h.model) ? " (stratified by class)" : "", (unsigned long long)j->fo.seed);
    cli_describe_model(h.model);
    print_fit(j, h.fit_seconds);
    cli_print_scores(stdout, j->type->task, (const nb_scores *[]){&h.train, &h.test}, (const char *[]){"train", "test"}, 2);
    log_scores(j, "result", "test", &h.test);
    j->y_true = h.test_true, j->y_pred = h.test_pred;
    print_confusion(j, h.model, "test rows:");
    j->test = nb_dataset_take_rows(j->ds, nb_data(h.test_rows), h.test_rows->shape[0]);
    j->train = j->test ? cli_rows_except(j->ds, h.test_rows) : NULL;
    return j->train ? CLI_OK : cli_lib_error(j->a->cmd, CLI_FAIL, NULL);
}

static void print_folds(train_job *j, const nb_cv_result *cv)
{
    int k = cv->k, shown = k <= 5 ? k : 0;
    const nb_scores *cols[7];
    const char *heads[7];
    char names[5][16];
    for (int f = 0; f < shown; f++) {
        snprintf(names[f], sizeof names[f], "fold %d", f + 1);
        cols[f] = &cv->folds[f], heads[f] = names[f];
    }
    cols[shown] = &cv->mean, cols[shown + 1] = &cv->std, heads[shown] = "mean", heads[shown + 1] = "std";
    cli_print_scores(stdout, j->type->task, cols, heads, shown + 2);
    for (int f = 0; f < k; f++) {
        char label[32];
        snprintf(label, sizeof label, "fold_%d", f + 1);
        log_scores(j, "fold", label, &cv->folds[f]);
    }
    log_scores(j, "result", "cv_mean", &cv->mean);
}

/* Rows for the learning curve when the evaluation has no single split: a
 * shuffled 80/20 split of the data. */
static int curve_rows(train_job *j)
{
    nb_rng rng;
    nb_rng_seed(&rng, j->fo.seed);
    nb_tensor *tr, *te;
    if (nb_split_train_test(j->ctx, nb_dataset_nrows(j->ds), 0.2, NULL, &rng, &tr, &te) < 0)
        return cli_lib_error(j->a->cmd, CLI_FAIL, "--plot");
    j->train = nb_dataset_take_rows(j->ds, nb_data(tr), tr->shape[0]);
    j->test = j->train ? nb_dataset_take_rows(j->ds, nb_data(te), te->shape[0]) : NULL;
    return j->test ? CLI_OK : cli_lib_error(j->a->cmd, CLI_FAIL, "--plot");
}

int train_cv(train_job *j, int k)
{
    nb_cv_result cv;
    if (nb_cross_validate(j->type, j->params, j->ds, k, &j->fo, j->ctx, &cv) < 0) return train_fit_failed(j);
    cli_run_clear_bar(j->run);
    printf("%d-fold cross-validation%s, seed %llu: %.2f ms fitting in all\n", k,
           cli_needs_target(j->type->task) && j->type->task != NB_TASK_REGRESSION ? " (stratified by class)" : "",
           (unsigned long long)j->fo.seed, cv.fit_seconds * 1e3);
    print_folds(j, &cv);
    j->y_true = cv.oof_true, j->y_pred = cv.oof_pred;
    nb_cv_result_clear(&cv);
    if (cli_run_interrupted(j->run)) return train_fit_failed(j);
    /* the model to save or describe is fitted on every row */
    cli_run_reset_losses(j->run);
    j->model = nb_model_new(j->type, j->params);
    if (!j->model || nb_model_fit(j->model, j->ds, &j->fo) < 0) return train_fit_failed(j);
    cli_run_clear_bar(j->run);
    printf("\nrefitted on all %lld rows\n", (long long)nb_dataset_nrows(j->ds));
    cli_describe_model(j->model);
    print_confusion(j, j->model, "out-of-fold predictions:");
    return cli_get(j->a, "plot") ? curve_rows(j) : CLI_OK;
}

/* Scores on a test file, keeping truth and predictions for the plots. */
static int evaluate_test(train_job *j, const nb_dataset *test, nb_scores *s)
{
    if (nb_model_evaluate(j->model, j->ctx, test, s, NULL) < 0) return -1;
    j->y_true = nb_model_target(j->model, j->ctx, test);
    j->y_pred = nb_model_predict(j->model, j->ctx, test);
    return j->y_true && j->y_pred ? 0 : -1;
}

int train_all(train_job *j)
{
    const nb_dataset *test = j->test; /* the --test-data rows, or NULL */
    j->model = nb_model_new(j->type, j->params);
    double t0 = cli_seconds();
    if (!j->model || nb_model_fit(j->model, j->ds, &j->fo) < 0) return train_fit_failed(j);
    double seconds = cli_seconds() - t0;
    cli_run_clear_bar(j->run);
    printf("fitted on all %lld rows%s%s\n", (long long)nb_dataset_nrows(j->ds), test ? "; scored on " : "",
           test ? cli_basename(j->test_path) : "");
    cli_describe_model(j->model);
    print_fit(j, seconds);
    nb_scores tr, te;
    nb_scores_clear(&te, j->type->task);
    int ok = nb_model_evaluate(j->model, j->ctx, j->ds, &tr, NULL) == 0;
    if (ok && test) ok = evaluate_test(j, test, &te) == 0;
    if (!ok) return cli_lib_error(j->a->cmd, CLI_FAIL, "scoring");
    cli_print_scores(stdout, j->type->task, (const nb_scores *[]){&tr, &te}, (const char *[]){"train", "test"}, test ? 2 : 1);
    log_scores(j, "result", test ? "test" : "train", test ? &te : &tr);
    print_confusion(j, j->model, "test rows:");
    if (test) j->train = nb_dataset_clone(j->ds);
    int status = !test && cli_get(j->a, "plot") ? curve_rows(j) : CLI_OK;
    return status == CLI_OK ? repeat_fits(j, j->ds) : status;
}

/* The greedy policy's action in every state, from one predict call. */
static nb_tensor *policy(train_job *j, int64_t nstates)
{
    double *states = malloc((size_t)nstates * sizeof *states);
    for (int64_t s = 0; states && s < nstates; s++) states[s] = (double)s;
    nb_dataset *ds = states ? nb_dataset_from_matrix(states, nstates, 1, (const char *[]){"state"}, NULL, NULL) : NULL;
    nb_tensor *a = ds ? nb_model_predict(j->model, j->ctx, ds) : NULL;
    free(states), nb_dataset_free(ds);
    return a;
}

/* Mean return of the greedy policy over 100 episodes (seeds seed, seed+1, ...). */
static int episodes(train_job *j, nb_env *env, const nb_tensor *act, double *mean, double *done)
{
    *mean = 0, *done = 0;
    const int64_t *a = nb_data(act);
    for (int e = 0; e < 100; e++) {
        int64_t s = nb_env_reset(env, j->fo.seed + (uint64_t)e);
        nb_env_result r = {0};
        double total = 0;
        while (s >= 0 && !r.terminated && !r.truncated) {
            if (nb_env_step(env, a[s], &r) < 0) return -1;
            total += r.reward, s = r.state;
        }
        if (s < 0) return -1;
        *mean += total / 100, *done += r.terminated ? 0.01 : 0;
    }
    return 0;
}

int train_env(train_job *j, const char *name)
{
    const nb_env_type *et = nb_registry_find_env(j->reg, name);
    if (!et) return cli_lib_error(j->a->cmd, CLI_USAGE, "--env");
    nb_params *ep = nb_params_parse(et->name, et->params, et->nparams, cli_get(j->a, "env-params"));
    if (!ep) return cli_lib_error(j->a->cmd, CLI_USAGE, "--env-params");
    nb_env *env = nb_env_new(et, ep);
    nb_params_free(ep);
    if (!env) return cli_lib_error(j->a->cmd, CLI_FAIL, "--env %s", name);
    j->model = nb_model_new(j->type, j->params);
    double t0 = cli_seconds(), mean = 0, done = 0;
    int status = CLI_OK;
    if (!j->model || nb_model_fit_env(j->model, env, &j->fo) < 0) status = train_fit_failed(j);
    cli_run_clear_bar(j->run);
    nb_tensor *act = status == CLI_OK ? policy(j, nb_env_n_states(env)) : NULL;
    if (status == CLI_OK && (!act || episodes(j, env, act, &mean, &done) < 0))
        status = cli_lib_error(j->a->cmd, CLI_FAIL, "running the learned policy");
    if (status == CLI_OK) {
        printf("%s in %s (%lld states, %lld actions)\n", j->type->name, name, (long long)nb_env_n_states(env),
               (long long)nb_env_n_actions(env));
        print_fit(j, cli_seconds() - t0);
        printf("  greedy policy over 100 episodes: mean return %.4f, %.0f%% reach a terminal state\n", mean, 100 * done);
        char line[256];
        snprintf(line, sizeof line, "{\"event\": \"result\", \"mean_return\": %.17g, \"terminated\": %.4f}", mean, done);
        cli_run_log(j->run, line);
    }
    nb_env_free(env);
    return status;
}
