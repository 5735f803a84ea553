/* cli/train.h — the ways `nabla train` can evaluate a model (cmd_train.c
 * parses the command line; train_modes.c runs the modes). */
#ifndef NB_CLI_TRAIN_H
#define NB_CLI_TRAIN_H

#include "fitting.h"

typedef struct train_job {
    cli_args *a;
    nb_registry *reg;
    const nb_model_type *type;
    nb_params *params;
    nb_dataset *ds;             /* the training file, target set, --drop applied */
    const char *data_path;
    nb_fit_options fo;
    cli_run *run;
    nb_ctx *ctx;
    long long repeat, cv;       /* --repeat, --cv */
    double test_size;           /* --test-size */
    const char *test_path;      /* --test-data, read into test */
    cli_staged out;             /* --save, --plot and --log, renamed at the end */
    nb_model *model;            /* the fitted model to save */
    nb_dataset *train, *test;   /* rows for the learning curve */
    nb_tensor *y_true, *y_pred; /* held-out truth and predictions, for plots */
} train_job;

/* Each returns a CLI status and prints its report. */
int train_holdout(train_job *j, double test_fraction);
int train_cv(train_job *j, int k);
/* Fit on every row; score on the training rows, or on the --test-data rows. */
int train_all(train_job *j);
/* A control model in an environment (--env NAME). */
int train_env(train_job *j, const char *env_name);

/* "interrupted" or "fitting failed" with the library's reason. */
int train_fit_failed(train_job *j);
double cli_seconds(void);
double cli_median(double *v, int n); /* sorts v */

#endif
