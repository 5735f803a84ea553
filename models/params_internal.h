/* models/params_internal.h — parsing and checking single parameter values,
 * shared by the parameter sets, grids and environments. */
#ifndef NB_MODELS_PARAMS_INTERNAL_H
#define NB_MODELS_PARAMS_INTERNAL_H

#include "internal.h"

#include <stdio.h>

typedef struct nb__range {
    double lo, hi;
    bool lo_open, hi_open;
} nb__range;

/* "[a, b]", "(a, b)", "[a, b)", "(a, b]" with a <= b (inf allowed). */
int nb__range_parse(const char *text, nb__range *r);
/* What a parameter accepts, for messages: "an integer in [1, 100]". */
void nb__param_allowed(const nb_param_spec *sp, char *buf, size_t size);
/* Parses text into v after checking type and range; messages start "fn: owner: ". */
int nb__param_parse(const char *fn, const char *owner, const nb_param_spec *sp, const char *text,
                    nb__pvalue *v);
/* Sets key from text with messages starting "fn: owner: ". */
int nb__params_set_text(const char *fn, nb_params *p, const char *key, const char *value);
int nb__param_check_float(const char *fn, const char *owner, const nb_param_spec *sp, double x);
int nb__param_check_int(const char *fn, const char *owner, const nb_param_spec *sp, int64_t x);

#endif
