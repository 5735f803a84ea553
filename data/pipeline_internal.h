/* data/pipeline_internal.h — steps as the pipeline core (pipeline.c), the
 * step files (step_*.c) and the JSON code (pipeline_json.c) see them.
 *
 * Each step kind is a table of four functions: fit learns its state from the
 * data as it stands before the step; apply transforms a dataset in place;
 * save/load move the options and state to and from a JSON object. Per-column
 * state sits in parallel arrays indexed like `cols`. */
#ifndef NB_DATA_PIPELINE_INTERNAL_H
#define NB_DATA_PIPELINE_INTERNAL_H

#include "internal.h"

#include <jansson.h>

typedef struct nb_step {
    nb_step_options o;    /* o.columns / o.fill_string are not used: see below */
    char *fill_string;
    bool auto_cols;       /* columns chosen by kind at each fit */
    char **cols;          /* requested, or resolved by the last fit */
    int ncols;
    bool fitted;
    double *a, *b;        /* impute fill | scale center, scale | outlier low, high */
    char **s;             /* impute: string fill, NULL for numeric columns */
    bool *flag;           /* impute: indicator column added */
    nb_strtab **cats;     /* onehot/ordinal: categories, sorted */
    bool *numcat;         /* onehot/ordinal: the column was numeric at fit */
} nb_step;

typedef struct nb_step_ops {
    const char *name;
    int (*fit)(nb_step *s, const nb_dataset *ds);
    /* training: rows may be dropped. *count: what the step did. */
    int (*apply)(const nb_step *s, nb_dataset *ds, bool training, int64_t *count);
    int (*save)(const nb_step *s, json_t *obj);
    int (*load)(nb_step *s, json_t *obj, const char *path);
} nb_step_ops;

extern const nb_step_ops nb__impute_ops, nb__scale_ops, nb__onehot_ops, nb__ordinal_ops,
    nb__outlier_ops, nb__poly_ops;
const nb_step_ops *nb__step_ops(nb_step_kind kind);

struct nb_pipeline {
    nb_step *steps;
    int nsteps, cap;
    bool fitted;
    char **in_names;      /* the columns (and kinds) seen by the last fit */
    nb_col_kind *in_kinds;
    int nin;
    char *target;         /* target name at fit, or NULL */
    int64_t *counts;      /* per step, from the last apply (mutable via const) */
};

/* Allocates the per-column state arrays for s->ncols columns (zeroed). */
int nb__step_alloc_state(nb_step *s, bool a, bool b, bool strs, bool flags, bool cats);
void nb__step_clear_state(nb_step *s);
/* Column index of step column k in ds, or -1 with an error naming the step. */
int nb__step_col(const nb_step *s, const nb_dataset *ds, int k, const char *fn);

/* Categories (onehot/ordinal): the text of cell i of column c, NULL when
 * missing; numbers in their shortest exact form (buf >= 32 bytes). */
const char *nb__cell_text(const nb_column *c, int64_t i, char *buf);

/* JSON helpers: arrays of doubles / strings / bools per column. */
json_t *nb__json_doubles(const double *v, int n);
json_t *nb__json_strings(char *const *v, int n);
int nb__json_get_doubles(json_t *obj, const char *key, double *out, int n, const char *path);
int nb__json_get_strings(json_t *obj, const char *key, char **out, int n, bool nulls,
                         const char *path);

#endif
