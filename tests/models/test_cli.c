/* tests/models/test_cli.c — the nabla command end to end: train with
 * cross-validation on the Titanic-shaped fixtures, save, predict, eval,
 * info, tune; TSV and the data-file options; every error path's one-line
 * message and exit status, before any output; output paths checked before
 * the fit; Ctrl-C during a fit; the progress bar on a terminal and not on a
 * pipe. */
#include "mtest.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define PASSENGERS FIXTURES "/passengers.csv"
#define DROP "PassengerId,Name,Ticket,Cabin"

static char *dir;

static void setup(void)
{
    unsetenv("NABLA_PLUGIN_PATH");
    dir = mt_tmpdir();
}

static void teardown(void)
{
    mt_rmdir(dir);
    free(dir);
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; s && *s; s++) n += *s == '\n';
    return n;
}

/* The done-criterion, on both Titanic-shaped fixtures. */
START_TEST(cli_train_cv_titanic)
{
    char *out, *err;
    int rc = MT_NABLA(&out, &err, "train", "--model", "logreg", "--data", PASSENGERS, "--target", "Survived", "--drop", DROP, "--cv", "5");
    ck_assert_msg(rc == 0, "status %d: %s", rc, err);
    ck_assert_contains(out, "logreg on passengers.csv: 160 rows, 8 columns, target Survived");
    ck_assert_contains(out, "5-fold cross-validation (stratified by class), seed 0");
    ck_assert_contains(out, "fold 5");
    ck_assert_contains(out, "accuracy");
    ck_assert_contains(out, "out-of-fold predictions: confusion matrix");
    ck_assert_str_eq(err, ""); /* no progress bar on a pipe */
    free(out), free(err);
    rc = MT_NABLA(&out, &err, "train", "--model", "logreg", "--data", FIXTURES "/titanic.csv", "--target", "Survived", "--cv", "5");
    ck_assert_msg(rc == 0, "status %d: %s", rc, err);
    ck_assert_contains(out, "22 rows");
    free(out), free(err);
}
END_TEST

START_TEST(cli_save_predict_eval_info)
{
    char model[4096], log[4096], plot[4096], preds[4096];
    snprintf(model, sizeof model, "%s/m.safetensors", dir);
    snprintf(log, sizeof log, "%s/run.jsonl", dir);
    snprintf(plot, sizeof plot, "%s/plot.svg", dir);
    snprintf(preds, sizeof preds, "%s/preds.csv", dir);
    char *out, *err;
    int rc = MT_NABLA(&out, &err, "train", "--model", "logreg", "--data", PASSENGERS, "--target", "Survived", "--drop", DROP,
                      "--seed", "4", "--save", model, "--log", log, "--plot", plot);
    ck_assert_msg(rc == 0, "status %d: %s", rc, err);
    ck_assert_contains(out, "holdout: 128 training rows, 32 test rows (stratified by class), seed 4");
    ck_assert_contains(out, "saved the model to");
    free(out), free(err);
    /* outputs get the mode of any new file (0666 less the umask), not 0600 */
    mode_t mask = umask(0);
    umask(mask);
    const char *outputs[] = {model, log, plot};
    for (int k = 0; k < 3; k++) {
        struct stat st;
        ck_assert_int_eq(stat(outputs[k], &st), 0);
        ck_assert_msg((st.st_mode & 0777) == (0666 & ~mask), "%s: mode %o", outputs[k], st.st_mode & 0777);
    }
    char *text = mt_slurp(log, NULL);
    ck_assert_contains(text, "{\"event\": \"step\", \"fold\": 0, \"iter\": 1,");
    ck_assert_contains(text, "{\"event\": \"result\", \"test\": {\"rows\": 32, \"accuracy\": ");
    free(text);
    text = mt_slurp(plot, NULL);
    ck_assert_int_eq(strncmp(text, "<?xml", 5), 0);
    ck_assert_contains(text, "learning curve");
    ck_assert_contains(text, "confusion matrix");
    ck_assert_contains(text, "</svg>");
    free(text);

    rc = MT_NABLA(&out, &err, "predict", "--model", model, "--data", PASSENGERS, "--out", preds);
    ck_assert_msg(rc == 0, "status %d: %s", rc, err);
    free(out), free(err);
    text = mt_slurp(preds, NULL);
    ck_assert_int_eq(count_lines(text), 161);
    ck_assert_int_eq(strncmp(text, "Survived\n", 9), 0);
    free(text);
    rc = MT_NABLA(&out, &err, "predict", "--model", model, "--data", FIXTURES "/titanic.csv", "--proba");
    ck_assert_msg(rc == 0, "status %d: %s", rc, err);
    ck_assert_int_eq(strncmp(out, "Survived,p(0),p(1)\n", 19), 0);
    ck_assert_int_eq(count_lines(out), 23);
    free(out), free(err);

    rc = MT_NABLA(&out, &err, "eval", "--model", model, "--data", PASSENGERS);
    ck_assert_msg(rc == 0, "status %d: %s", rc, err);
    ck_assert_contains(out, "logreg on passengers.csv: 160 rows");
    ck_assert_contains(out, "roc_auc");
    free(out), free(err);
    char eplot[4096];
    snprintf(eplot, sizeof eplot, "%s/eval.svg", dir);
    rc = MT_NABLA(&out, &err, "eval", "--model", model, "--data", PASSENGERS, "--plot", eplot);
    ck_assert_msg(rc == 0, "status %d: %s", rc, err);
    ck_assert_contains(out, "wrote the plot to");
    ck_assert_int_eq(access(eplot, F_OK), 0);
    free(out), free(err);
    rc = MT_NABLA(&out, &err, "info", model);
    ck_assert_int_eq(rc, 0);
    ck_assert_contains(out, "plugin          logreg");
    ck_assert_contains(out, "data=passengers.csv rows=128");
    ck_assert_contains(out, "Sex=female");
    free(out), free(err);
    rc = MT_NABLA(&out, &err, "info", "logreg");
    ck_assert_int_eq(rc, 0);
    ck_assert_contains(out, "class_weight");
    ck_assert_contains(out, "(0, inf)");
    free(out), free(err);
    rc = MT_NABLA(&out, &err, "plugins");
    ck_assert_int_eq(rc, 0);
    ck_assert_contains(out, "baseline_regressor");
    ck_assert_contains(out, "corridor");
    free(out), free(err);
    rc = MT_NABLA(&out, &err, "describe", PASSENGERS);
    ck_assert_int_eq(rc, 0);
    ck_assert_contains(out, "Embarked");
    free(out), free(err);
    rc = MT_NABLA(&out, &err, "tune", "--model", "logreg", "--data", PASSENGERS, "--target", "Survived", "--drop", DROP,
                  "--grid", "C=0.01,1;class_weight=none,balanced", "--cv", "3", "--save", model);
    ck_assert_msg(rc == 0, "status %d: %s", rc, err);
    ck_assert_contains(out, "4 combinations, 3-fold cross-validation, accuracy (higher is better)");
    ck_assert_contains(out, "refitted the best on all 160 rows");
    free(out), free(err);
}
END_TEST

typedef struct bad_call {
    int status;
    const char *message;
    const char *args[24];
} bad_call;

START_TEST(cli_errors)
{
    char model[4096], noage[4096];
    snprintf(model, sizeof model, "%s/m.safetensors", dir);
    snprintf(noage, sizeof noage, "%s/noage.csv", dir);
    const char *csv = "Pclass,Sex\n1,male\n3,female\n";
    mt_spit(noage, csv, strlen(csv));
    ck_assert_int_eq(MT_NABLA(NULL, NULL, "train", "--model", "linreg", "--data", PASSENGERS, "--target", "Fare", "--drop", DROP,
                              "--save", model),
                     0);
    const bad_call calls[] = {
        {2, "nabla: unknown command 'frobnicate'", {"frobnicate"}},
        {2, "nabla: unknown option '--bogus'", {"--bogus"}},
        {2, "nabla train: --model is required", {"train"}},
        {2, "nabla train: unknown option '--frob' (try 'nabla train --help')", {"train", "--frob"}},
        {2, "nabla train: option '--model' needs a value", {"train", "--model"}},
        {2, "nabla train: --model: no model type 'svm' (known: baseline_classifier", {"train", "--model", "svm", "--data", PASSENGERS, "--target", "Survived"}},
        {2, "nabla train: --params: nb_params_parse: logreg: C=-1: out of range; C takes a number in (0, inf)",
         {"train", "--model", "logreg", "--data", PASSENGERS, "--target", "Survived", "--params", "C=-1"}},
        {2, "nabla train: --data is required", {"train", "--model", "logreg", "--target", "Survived"}},
        {2, "nabla train: --target is required", {"train", "--model", "logreg", "--data", PASSENGERS}},
        {1, "/no/such.csv", {"train", "--model", "logreg", "--data", "/no/such.csv", "--target", "y"}},
        {2, "nabla train: --target Lived: no such column in passengers.csv", {"train", "--model", "logreg", "--data", PASSENGERS, "--target", "Lived"}},
        {2, "nabla train: --cv 1: expected an integer from 2 to", {"train", "--model", "logreg", "--data", PASSENGERS, "--target", "Survived", "--cv", "1"}},
        {2, "nabla train: --test-size 2: expected a number from 0 to 0.99", {"train", "--model", "logreg", "--data", PASSENGERS, "--target", "Survived", "--test-size", "2"}},
        {2, "nabla train: choose one of --cv, --test-size and --test-data",
         {"train", "--model", "logreg", "--data", PASSENGERS, "--target", "Survived", "--cv", "3", "--test-size", "0.3"}},
        {2, "nabla train: --drop Cabins: no column 'Cabins' in the data", {"train", "--model", "logreg", "--data", PASSENGERS, "--target", "Survived", "--drop", "Cabins"}},
        {2, "nabla train: --weights Nope: no such column in passengers.csv",
         {"train", "--model", "logreg", "--data", PASSENGERS, "--target", "Survived", "--weights", "Nope", "--test-size", "0"}},
        {2, "nabla train: --drop Survived,Name: 'Survived' is the --target column",
         {"train", "--model", "logreg", "--data", PASSENGERS, "--target", "Survived", "--drop", "Survived,Name"}},
        {2, "nabla describe: --delimiter 'ab': expected one character, or \\t or tab for a tab",
         {"describe", PASSENGERS, "--delimiter", "ab"}},
        {2, "nabla train: --delimiter '': expected one character",
         {"train", "--model", "logreg", "--data", PASSENGERS, "--target", "Survived", "--delimiter", ""}},
        {2, "nabla predict: --delimiter '\"': a quote needs --no-quoting", {"predict", "--model", model, "--data", PASSENGERS, "--delimiter", "\""}},
        {1, "bad_stray_quote.csv:3:2: stray quote: a quoted field must be wrapped whole, with quotes inside it doubled (or turn quoting off: --no-quoting)",
         {"describe", FIXTURES "/bad_stray_quote.csv"}},
        {2, "nabla train: test_vi learns in an environment: give --env NAME", {"train", "--model", "test_vi", "--plugin-path", TEST_PLUGIN_DIR}},
        {2, "nabla train: --env: no environment 'maze' (known: corridor)", {"train", "--model", "test_vi", "--plugin-path", TEST_PLUGIN_DIR, "--env", "maze"}},
        {1, "nabla predict: nb_safetensors_load: cannot open /no/model.safetensors", {"predict", "--model", "/no/model.safetensors", "--data", PASSENGERS}},
        {1, "/noage.csv: nb_model_predict: column 'Survived' is missing from the data (linreg was trained on 7 input columns)", {"predict", "--model", model, "--data", noage}},
        {2, "nabla predict: --proba: linreg is not a classifier", {"predict", "--model", model, "--data", PASSENGERS, "--proba"}},
        {1, "nabla eval: noage.csv has no column 'Fare', the model's target", {"eval", "--model", model, "--data", noage}},
        {2, "nabla info: no model type 'nosuch'", {"info", "nosuch"}},
        {1, "nabla info: ", {"info", PASSENGERS}},
        {2, "nabla info: expected a model type or a model file", {"info"}},
        {2, "nabla tune: --grid: nb_grid_parse: logreg: C=0: out of range", {"tune", "--model", "logreg", "--data", PASSENGERS, "--target", "Survived", "--grid", "C=0"}},
        {2, "nabla tune: --metric: nb_scores_get: unknown metric 'auc'",
         {"tune", "--model", "logreg", "--data", PASSENGERS, "--target", "Survived", "--grid", "C=1", "--metric", "auc"}},
        {2, "nabla describe: expected one CSV file", {"describe"}},
        {2, "nabla train: --threads 0: expected an integer from 1 to 1024", {"train", "--model", "logreg", "--threads", "0"}},
    };
    for (size_t k = 0; k < sizeof calls / sizeof calls[0]; k++) {
        char *out, *err;
        int rc = mt_nabla(&out, &err, calls[k].args);
        ck_assert_msg(rc == calls[k].status, "%s: status %d, expected %d (%s)", calls[k].args[0] ? calls[k].args[0] : "(none)",
                      rc, calls[k].status, err);
        ck_assert_contains(err, calls[k].message);
        ck_assert_msg(count_lines(err) == 1, "not one line: '%s'", err);
        free(out), free(err);
    }
    /* usage with no command; help and version succeed */
    char *out, *err;
    ck_assert_int_eq(mt_nabla(&out, &err, (const char *const[]){NULL}), 2);
    ck_assert_contains(err, "usage: nabla");
    free(out), free(err);
    const char *helps[] = {"plugins", "info", "describe", "train", "eval", "predict", "tune", "demo"};
    for (int k = 0; k < 8; k++) {
        ck_assert_int_eq(MT_NABLA(&out, &err, helps[k], "--help"), 0);
        ck_assert_contains(out, "usage: nabla ");
        free(out), free(err);
    }
    ck_assert_int_eq(MT_NABLA(&out, &err, "--version"), 0);
    ck_assert_contains(out, nb_version());
    free(out), free(err);
}
END_TEST

/* Errors in the arguments come before any output: one line on stderr, a
 * usage status, nothing on stdout. */
START_TEST(cli_argument_errors_before_output)
{
    const bad_call calls[] = {
        {2, "nabla train: --cv 1: expected an integer from 2 to", {"train", "--model", "logreg", "--data", PASSENGERS, "--target", "Survived", "--cv", "1"}},
        {2, "nabla train: --test-size 1.5: expected a number from 0 to 0.99",
         {"train", "--model", "logreg", "--data", PASSENGERS, "--target", "Survived", "--test-size", "1.5"}},
        {2, "nabla train: --weights Nope: no such column", {"train", "--model", "logreg", "--data", PASSENGERS, "--target", "Survived", "--weights", "Nope"}},
        {2, "nabla train: --drop Survived: 'Survived' is the --target column",
         {"train", "--model", "logreg", "--data", PASSENGERS, "--target", "Survived", "--drop", "Survived"}},
        {2, "nabla tune: --cv 1: expected an integer from 2 to", {"tune", "--model", "logreg", "--data", PASSENGERS, "--target", "Survived", "--grid", "C=1,2", "--cv", "1"}},
        {2, "nabla tune: --metric: nb_scores_get: unknown metric 'auc'",
         {"tune", "--model", "logreg", "--data", PASSENGERS, "--target", "Survived", "--grid", "C=1", "--metric", "auc"}},
    };
    for (size_t k = 0; k < sizeof calls / sizeof calls[0]; k++) {
        char *out, *err;
        int rc = mt_nabla(&out, &err, calls[k].args);
        ck_assert_msg(rc == calls[k].status, "call %zu: status %d (%s)", k, rc, err);
        ck_assert_contains(err, calls[k].message);
        ck_assert_msg(count_lines(err) == 1, "not one line: '%s'", err);
        ck_assert_msg(!*out, "call %zu printed '%s'", k, out);
        free(out), free(err);
    }
}
END_TEST

/* Output paths are checked before the fit; a bad one leaves nothing behind
 * (not even the outputs that could have been written). */
START_TEST(cli_outputs_checked_before_the_fit)
{
    char plot[4096], log[4096], model[4096];
    snprintf(plot, sizeof plot, "%s/ok.svg", dir);
    snprintf(log, sizeof log, "%s/run.jsonl", dir);
    snprintf(model, sizeof model, "%s/m.safetensors", dir);
    char *out, *err;
    int rc = MT_NABLA(&out, &err, "train", "--model", "logreg", "--data", PASSENGERS, "--target", "Survived", "--save",
                      "/nonexistent/m.safetensors", "--plot", plot, "--log", log);
    ck_assert_int_eq(rc, 1);
    ck_assert_str_eq(err, "nabla train: --save /nonexistent/m.safetensors: cannot write there: No such file or directory\n");
    ck_assert_str_eq(out, ""); /* the fit did not run */
    free(out), free(err);
    rc = MT_NABLA(&out, &err, "train", "--model", "logreg", "--data", PASSENGERS, "--target", "Survived", "--save", model,
                  "--plot", "/nonexistent/ok.svg");
    ck_assert_int_eq(rc, 1);
    ck_assert_contains(err, "nabla train: --plot /nonexistent/ok.svg: cannot write there");
    ck_assert_str_eq(out, "");
    free(out), free(err);
    rc = MT_NABLA(&out, &err, "train", "--model", "logreg", "--data", PASSENGERS, "--target", "Survived", "--save", dir);
    ck_assert_int_eq(rc, 2);
    ck_assert_contains(err, "is a folder; give a file name");
    free(out), free(err);
    rc = MT_NABLA(&out, &err, "train", "--model", "logreg", "--data", PASSENGERS, "--target", "Survived", "--save", model, "--plot", model);
    ck_assert_int_eq(rc, 2);
    ck_assert_contains(err, "--save names the same file");
    free(out), free(err);
    rc = MT_NABLA(&out, &err, "tune", "--model", "logreg", "--data", PASSENGERS, "--target", "Survived", "--grid", "C=1,2",
                  "--log", log, "--save", "/nonexistent/m.safetensors");
    ck_assert_int_eq(rc, 1);
    ck_assert_contains(err, "nabla tune: --save /nonexistent/m.safetensors: cannot write there");
    ck_assert_str_eq(out, "");
    free(out), free(err);
    ck_assert_int_eq(MT_NABLA(&out, &err, "predict", "--model", model, "--data", PASSENGERS, "--out", "/nonexistent/p.csv"), 1);
    ck_assert_contains(err, "nabla predict: --out /nonexistent/p.csv: cannot write there");
    free(out), free(err);
    ck_assert_int_eq(MT_NABLA(&out, &err, "eval", "--model", model, "--data", PASSENGERS, "--plot", "/nonexistent/p.svg"), 1);
    ck_assert_contains(err, "nabla eval: --plot /nonexistent/p.svg: cannot write there");
    ck_assert_str_eq(out, "");
    free(out), free(err);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A %s)\"", dir);
    ck_assert_int_eq(system(cmd), 0); /* nothing written, no temporary files */
}
END_TEST

/* TSV files (a tab by default for .tsv), --delimiter, --no-quoting, --na. */
START_TEST(cli_data_options)
{
    char *out, *err;
    int rc = MT_NABLA(&out, &err, "describe", FIXTURES "/titanic.tsv");
    ck_assert_msg(rc == 0, "status %d: %s", rc, err);
    ck_assert_contains(out, "titanic.tsv: 22 rows, 12 columns");
    free(out), free(err);
    rc = MT_NABLA(&out, &err, "train", "--model", "logreg", "--data", FIXTURES "/titanic.tsv", "--target", "Survived",
                  "--drop", DROP, "--cv", "3", "--test-data", FIXTURES "/titanic.tsv");
    ck_assert_int_eq(rc, 2); /* --cv and --test-data: one evaluation */
    free(out), free(err);
    rc = MT_NABLA(&out, &err, "train", "--model", "logreg", "--data", FIXTURES "/titanic.tsv", "--target", "Survived",
                  "--drop", DROP, "--test-data", FIXTURES "/titanic.csv");
    ck_assert_msg(rc == 0, "status %d: %s", rc, err);
    ck_assert_contains(out, "logreg on titanic.tsv: 22 rows, 8 columns, target Survived");
    ck_assert_contains(out, "fitted on all 22 rows; scored on titanic.csv");
    free(out), free(err);
    /* quotes.tsv has stray quotes: refused with quoting on, read with it off */
    rc = MT_NABLA(&out, &err, "describe", FIXTURES "/quotes.tsv");
    ck_assert_int_eq(rc, 1);
    ck_assert_contains(err, "stray quote");
    ck_assert_contains(err, "--no-quoting");
    free(out), free(err);
    rc = MT_NABLA(&out, &err, "describe", FIXTURES "/quotes.tsv", "--no-quoting");
    ck_assert_msg(rc == 0, "status %d: %s", rc, err);
    ck_assert_contains(out, "He said \"hi (1)");
    free(out), free(err);
    rc = MT_NABLA(&out, &err, "describe", FIXTURES "/bad_stray_quote.csv", "--no-quoting");
    ck_assert_msg(rc == 0, "status %d: %s", rc, err);
    ck_assert_contains(out, "5\" screen (1)");
    free(out), free(err);
    /* --delimiter overrides the .tsv default; one field is "field", not "fields" */
    rc = MT_NABLA(&out, &err, "describe", FIXTURES "/titanic.tsv", "--delimiter", ",");
    ck_assert_int_eq(rc, 1);
    ck_assert_contains(err, "titanic.tsv:2:2: expected 1 field, found 2");
    free(out), free(err);
    char semi[4096];
    snprintf(semi, sizeof semi, "%s/semi.txt", dir);
    const char *text = "x;y\n1;a\n-;b\nNA;c\n";
    mt_spit(semi, text, strlen(text));
    rc = MT_NABLA(&out, &err, "describe", semi, "--delimiter", ";", "--na", "-,NA");
    ck_assert_msg(rc == 0, "status %d: %s", rc, err);
    ck_assert_contains(out, "x      numeric            1        2");
    free(out), free(err);
    rc = MT_NABLA(&out, &err, "describe", semi, "--delimiter", ";", "--na", "-");
    ck_assert_msg(rc == 0, "status %d: %s", rc, err);
    ck_assert_contains(out, "x      text               2        1"); /* NA is a value now */
    free(out), free(err);
}
END_TEST

/* A CSV that takes a long time to fit with tiny SGD steps. */
static void write_slow_data(const char *path)
{
    FILE *f = fopen(path, "w");
    fprintf(f, "a,b,c,y\n");
    for (int i = 0; i < 400; i++) fprintf(f, "%d,%d,%d,%d\n", i % 7, i % 11, i % 13, (i % 3) == 0);
    fclose(f);
}

static pid_t spawn_nabla(const char *const *args)
{
    const char *argv[32] = {NABLA_EXE};
    int n = 1;
    for (; args[n - 1]; n++) argv[n] = args[n - 1];
    argv[n] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, mt_path(dir, "stderr"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid;
    ck_assert_int_eq(posix_spawn(&pid, NABLA_EXE, &fa, NULL, (char *const *)argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    return pid;
}

/* Ctrl-C: the fit stops at the next step, the command says so, exits 130
 * and writes neither the model nor the log (nor any temporary file). */
START_TEST(cli_interrupt)
{
    char data[4096], model[4096], log[4096];
    snprintf(data, sizeof data, "%s/slow.csv", dir);
    snprintf(model, sizeof model, "%s/m.safetensors", dir);
    snprintf(log, sizeof log, "%s/run.jsonl", dir);
    write_slow_data(data);
    pid_t pid = spawn_nabla((const char *[]){"train", "--model", "logreg", "--data", data, "--target", "y", "--test-size", "0",
                                             "--params", "solver=sgd,max_iter=100000000,lr=1e-9,tol=0", "--save", model,
                                             "--log", log, NULL});
    struct timespec wait = {0, 800 * 1000 * 1000};
    nanosleep(&wait, NULL);
    kill(pid, SIGINT);
    int status;
    waitpid(pid, &status, 0);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 130);
    char *err = mt_slurp(mt_path(dir, "stderr"), NULL);
    ck_assert_contains(err, "nabla train: interrupted by Ctrl-C: stopped at a step boundary; nothing was written");
    free(err);
    ck_assert_int_ne(access(model, F_OK), 0);
    ck_assert_int_ne(access(log, F_OK), 0);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "ls %s | grep -c tmp > /dev/null", dir);
    ck_assert_int_ne(system(cmd), 0); /* no temporary files */
}
END_TEST

/* The bar shows on a terminal (through script(1)) once a fit passes a second. */
START_TEST(cli_progress_bar_on_terminal)
{
    char data[4096], cmd[16384], out[4096];
    snprintf(data, sizeof data, "%s/slow.csv", dir);
    snprintf(out, sizeof out, "%s/typescript", dir);
    write_slow_data(data);
    snprintf(cmd, sizeof cmd,
             "script -qec '%s train --model logreg --data %s --target y --test-size 0 "
             "--params solver=sgd,max_iter=60000,lr=1e-6,tol=0' %s > /dev/null 2>&1",
             NABLA_EXE, data, out);
    if (system("script -qec true /dev/null > /dev/null 2>&1") != 0) return; /* no script(1) here */
    ck_assert_int_eq(system(cmd), 0);
    size_t len;
    char *text = mt_slurp(out, &len);
    ck_assert_contains(text, "it/s");
    ck_assert_contains(text, "left");
    ck_assert_msg(len < 20000, "%zu bytes: the bar is redrawn too often", len); /* 10 times a second */
    ck_assert_contains(text, "\033[Kfitted on all 400 rows"); /* erased before the report */
    free(text);
}
END_TEST

/* The demo without the images (those take a few seconds more). */
START_TEST(cli_demo_report_card)
{
    char *out, *err;
    int rc = MT_NABLA(&out, &err, "demo", "--no-images", "--out", dir);
    ck_assert_msg(rc == 0, "status %d: %s", rc, err);
    ck_assert_contains(out, "classification  logreg");
    ck_assert_contains(out, "Every model beats its baseline.");
    /* the other metrics: the prior baseline on three balanced classes has the
     * log loss of a uniform guess, ln 3 = 1.0986 */
    ck_assert_contains(out, "classification  baseline_classifier  accuracy       0.3350");
    ck_assert_contains(out, "log loss 1.0986");
    ck_assert_contains(out, "rmse ");
    ck_assert_int_eq(access(mt_path(dir, "classification_logreg.svg"), F_OK), 0);
    ck_assert_int_eq(access(mt_path(dir, "regression_linreg.svg"), F_OK), 0);
    free(out), free(err);
}
END_TEST

TCase *mt_cli_case(void)
{
    TCase *tc = tcase_create("cli");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, cli_train_cv_titanic);
    tcase_add_test(tc, cli_save_predict_eval_info);
    tcase_add_test(tc, cli_errors);
    tcase_add_test(tc, cli_argument_errors_before_output);
    tcase_add_test(tc, cli_outputs_checked_before_the_fit);
    tcase_add_test(tc, cli_data_options);
    tcase_add_test(tc, cli_interrupt);
    tcase_add_test(tc, cli_progress_bar_on_terminal);
    tcase_add_test(tc, cli_demo_report_card);
    return tc;
}
