/* cli/cli.h — the subcommands of `nabla` and what they share. Each command
 * takes argv with argv[0] = its own name, talks on stdout/stderr, and returns
 * the process exit status: 0 success, 1 failure, 2 bad usage, 130 stopped by
 * Ctrl-C. Errors are one line on stderr: "nabla CMD: what went wrong". */
#ifndef NB_CLI_H
#define NB_CLI_H

#include <nabla/nabla.h>

#include <stdbool.h>
#include <stdio.h>

enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2, CLI_INTERRUPTED = 130 };

int cli_demo(int argc, char **argv);
int cli_plugins(int argc, char **argv);
int cli_info(int argc, char **argv);
int cli_describe(int argc, char **argv);
int cli_train(int argc, char **argv);
int cli_eval(int argc, char **argv);
int cli_predict(int argc, char **argv);
int cli_tune(int argc, char **argv);

/* ---- options: "--name value", "--name=value", flags, positionals ---- */

#define CLI_MAX_OPTS 64

typedef struct cli_opt_spec {
    const char *name;  /* without the dashes */
    bool value;        /* takes a value */
    const char *help;  /* "FILE  the CSV to read" */
} cli_opt_spec;

typedef struct cli_args {
    const char *cmd;
    const cli_opt_spec *specs;
    int nspecs;
    const char *usage;  /* the synopsis line */
    const char *about;  /* what the command does */
    int n;
    struct {
        const char *name, *value;
    } opt[CLI_MAX_OPTS];
    int npos;
    const char *pos[16];
} cli_args;

/* Parses argv (argv[0] is the command). Returns -1 when the caller should
 * exit with status *status: after printing help (0) or a usage error (2). */
int cli_parse(cli_args *a, int argc, char **argv, int *status);
const char *cli_get(const cli_args *a, const char *name);    /* last value, or NULL */
bool cli_flag(const cli_args *a, const char *name);
int cli_get_all(const cli_args *a, const char *name, const char **out, int max);
/* Numbers with range checks; a bad value prints a usage error and returns -1. */
int cli_int(const cli_args *a, const char *name, long long lo, long long hi, long long *out);
int cli_double(const cli_args *a, const char *name, double lo, double hi, double *out);
/* A required option: prints a usage error and returns NULL when missing. */
const char *cli_need(const cli_args *a, const char *name);

/* ---- messages ---- */

/* "nabla CMD: message\n" on stderr; returns status. */
int cli_error(const char *cmd, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same with nb_last_error() appended after ": " (when fmt is not NULL). */
int cli_lib_error(const char *cmd, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- shared steps ---- */

/* A registry with the standard search plus --plugin-path folders. */
nb_registry *cli_registry(const cli_args *a);
/* --threads N, applied; -1 on a bad value (message printed). */
int cli_threads(const cli_args *a);
/* The options of every command that reads a data file, for its table. */
#define CLI_DATA_OPTS                                                                            \
    {"delimiter", true, "C  field separator: one character, or \\t / tab (default: tab for .tsv and\n" \
                        "                             .tab files, ',' otherwise)"},                \
    {"no-quoting", false, "  read '\"' as an ordinary character (text with stray quotes)"},       \
    {"na", true, "TOKENS    missing-value cells, comma-separated, replacing the defaults\n"        \
                 "                             (\"\",NA,N/A,NaN,nan,null,?); an empty item is the empty cell"}

/* Reads a CSV into *out; target may be NULL. The CLI_DATA_OPTS apply; the
 * --drop columns are removed (a missing one, or the target, is an error).
 * Returns a status (the message printed). */
int cli_read_data(const cli_args *a, const char *path, const char *target, nb_dataset **out);
/* The file name of a path (after the last '/'). */
const char *cli_basename(const char *path);

/* ---- output files ---- */

/* Before any work: each of the options named (a NULL-terminated list) that
 * was given must name a file, not a folder, in a folder that takes a new
 * file; no two may name the same file. A status, the message printed. */
int cli_check_outputs(const cli_args *a, const char *const *opts);

/* Files written under temporary names and renamed into place together by
 * cli_stage_finish, so that a command leaves all of its files or none. */
#define CLI_MAX_STAGED 8
typedef struct cli_staged {
    const char *cmd;
    int n;
    struct {
        const char *path;
        char *tmp;
    } f[CLI_MAX_STAGED];
} cli_staged;

/* A new empty temporary file beside path, for the caller to write (or
 * replace); NULL with a message printed. */
const char *cli_stage(cli_staged *s, const char *path);
/* Stages path and writes it with write_fn (0 on success); -1 with a message. */
int cli_stage_write(cli_staged *s, const char *path, int (*write_fn)(FILE *f, void *arg), void *arg);
/* When status is CLI_OK, renames every staged file into place (CLI_FAIL if
 * one cannot be, the others removed); otherwise removes them. Returns the
 * status. */
int cli_stage_finish(cli_staged *s, int status);

/* Writes a file through a temporary file renamed into place; write_fn
 * returns 0 on success. -1 with a message printed on failure. */
int cli_write_file(const char *cmd, const char *path, int (*write_fn)(FILE *f, void *arg), void *arg);
/* One CSV field, quoted when needed. */
void cli_csv_field(FILE *f, const char *s);

/* ---- progress, Ctrl-C and the JSON-lines log ---- */

typedef struct cli_run cli_run;

/* Starts watching Ctrl-C; when log_path is not NULL, opens the log as a file
 * staged in `out` (renamed into place by cli_stage_finish); shows a bar on
 * stderr when it is a terminal. NULL with a message printed on failure. */
cli_run *cli_run_start(const char *cmd, cli_staged *out, const char *log_path);
/* Hooks the run into fit options (progress callback). */
void cli_run_attach(cli_run *r, nb_fit_options *o);
bool cli_run_interrupted(const cli_run *r);
/* Erases the progress bar (call when a fit returns, before printing). */
void cli_run_clear_bar(cli_run *r);
/* Appends one JSON object (text without newline) to the log. */
void cli_run_log(cli_run *r, const char *json);
/* The losses reported by the last fit (for the learning-curve plot). */
int cli_run_losses(const cli_run *r, const double **loss);
void cli_run_reset_losses(cli_run *r);
/* Finishes: closes the log (cli_stage_finish then renames or removes it) and
 * restores Ctrl-C. Returns status unchanged, or 1 if the log failed. */
int cli_run_end(cli_run *r, int status);

/* ---- reports ---- */

/* "accuracy 0.8123  f1 0.7731 ..." rows for a task, one column per record. */
void cli_print_scores(FILE *f, nb_task task, const nb_scores *const *cols, const char *const *heads,
                      int ncols);
void cli_print_confusion(FILE *f, const nb_model *m, const nb_tensor *confusion);
/* JSON object text of a scores record (free() it). */
char *cli_scores_json(const nb_scores *s);

/* ---- plots (SVG) ---- */

typedef struct cli_plot_data {
    const char *title;
    nb_task task;
    /* learning curve: score against training rows (npoints, may be 0) */
    int npoints;
    const double *sizes, *train_score, *test_score;
    const char *score_name;
    /* training loss per step (nloss, may be 0) */
    int nloss;
    const double *loss;
    /* held-out truth and predictions: confusion matrix or predicted vs actual */
    const nb_tensor *y_true, *y_pred;
    int64_t nclasses;
    const char *const *classes;
} cli_plot_data;

/* Writes the SVG to path (atomically), or stages it in s; -1 with a message. */
int cli_plot_write(const char *cmd, const char *path, const cli_plot_data *d);
int cli_plot_stage(cli_staged *s, const char *path, const cli_plot_data *d);

#endif
