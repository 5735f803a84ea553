/* cli/fitting.h — model set-up, learning curves and run descriptions shared
 * by train, tune and demo. */
#ifndef NB_CLI_FITTING_H
#define NB_CLI_FITTING_H

#include "cli.h"

/* Registry, model type (--model NAME) and parameters (--params). Returns a
 * status; on failure the message is printed and what was made is in the
 * out-arguments for the caller to free. */
int cli_setup_model(const cli_args *a, const char *name, nb_registry **reg, const nb_model_type **type,
                    nb_params **params);
bool cli_needs_target(nb_task t);

#define CLI_CURVE_POINTS 5

/* Scores against the number of training rows (NAN where a fit failed). */
typedef struct cli_curve {
    int n;
    double size[CLI_CURVE_POINTS], train[CLI_CURVE_POINTS], test[CLI_CURVE_POINTS];
    const char *metric;
} cli_curve;

int cli_learning_curve(const nb_model_type *t, const nb_params *p, const nb_dataset *train,
                       const nb_dataset *test, uint64_t seed, cli_curve *c);
/* Rows of ds whose numbers are not in the sorted list `taken`. */
nb_dataset *cli_rows_except(const nb_dataset *ds, const nb_tensor *taken);
/* "logreg on data.csv: 200 rows, 12 columns, target Survived" + parameters. */
void cli_describe_run(const nb_model_type *t, const nb_params *p, const char *data, const nb_dataset *ds);
/* "preprocessing: ... -> 10 features; 2 classes: 0 1" */
void cli_describe_model(const nb_model *m);

#endif
