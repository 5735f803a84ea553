/* plugins/logreg/logreg.h — what the logistic-regression files share.
 *
 * Parameters: W [K', d] and b [K'], with K' = 1 for two classes (the score
 * z = x . w + b is the log-odds of class 1) and K' = K classes otherwise
 * (scores z_k = x . w_k + b_k, probabilities softmax(z)). */
#ifndef LOGREG_H
#define LOGREG_H

#include <nabla/model.h>

typedef struct logreg {
    double C, tol, lr;
    int64_t max_iter;
    char solver[8], class_weight[16];
    int64_t k, kk, d; /* classes, rows of W (1 or k), features */
    double *W, *b;    /* kk x d, kk */
    int64_t steps;    /* evaluations (lbfgs) or steps (sgd, adam) of the last fit */
} logreg;

/* Minimises the penalised loss over W and b (objective.c). */
int logreg_train(logreg *m, const nb_table *t, nb_fit_ctx *fc);

#endif
