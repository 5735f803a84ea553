/* models/internal.h — what the models layer's files share: the layouts of
 * parameters, fit contexts, states, models and registries, and small helpers. */
#ifndef NB_MODELS_INTERNAL_H
#define NB_MODELS_INTERNAL_H

#include <nabla/model.h>

#include "../tensor/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- parameters ---- */

typedef struct nb__pvalue {
    int64_t i;          /* int */
    double f;           /* float */
    bool b;             /* bool */
    char *s;            /* enum, string */
    int64_t *list;      /* int list */
    int nlist;
    char *text;         /* canonical text, made by nb_params_text */
} nb__pvalue;

struct nb_params {
    char *owner;
    const nb_param_spec *schema;
    int n;
    nb__pvalue *v;
};

/* Index of key in the schema, or -1 (no message). */
int nb__params_find(const nb_param_spec *schema, int n, const char *key);

/* ---- fit context ---- */

struct nb_fit_ctx {
    nb_rng rng;
    const nb_fit_options *opts;
    double t0;
    bool stopped;
    int64_t last_iter;
};

double nb__seconds(void); /* monotonic clock */

/* ---- learned state: named tensors and texts ---- */

typedef struct nb__state_entry {
    char *name;
    nb_tensor *t;       /* NULL for a text entry */
    char *text;
} nb__state_entry;

struct nb_state {
    nb_ctx *ctx;        /* owns the tensors */
    nb__state_entry *e;
    int n, cap;
    const char *origin; /* file name for messages, or NULL */
};

nb_state *nb__state_new(const char *origin);
void nb__state_free(nb_state *st);
/* Adds a tensor already owned by st->ctx (no copy). */
int nb__state_adopt(nb_state *st, const char *name, nb_tensor *t);

/* ---- models ---- */

struct nb_model {
    const nb_model_type *type;
    nb_params *params;
    void *state;                 /* the plugin's, or NULL before fit/load */
    bool fitted, interrupted;
    nb_pipeline *pipeline;       /* fitted on the training rows; NULL: none */
    nb_label_map *labels;        /* classification */
    char *target;
    char **features;             /* pipeline output columns */
    int64_t nfeatures;
    char **inputs;               /* raw input columns, target excluded */
    int ninputs;
    char **class_names;          /* copies of the label map's names */
    int64_t nclasses;
    char *env_name;              /* control: the environment fitted on */
    nb_repro repro;
    /* Set by nb_model_load: the plugin named in the file. */
    char *plugin_name, *plugin_version;
};

/* Prepares raw rows for the type: select the inputs, apply the pipeline,
 * build X (and y when the target is present and want_y). Tensors in ctx;
 * *prepared is the prepared dataset (free it). */
int nb__model_table(nb_model *m, nb_ctx *ctx, const nb_dataset *ds, bool want_y,
                    nb_table *t, nb_dataset **prepared, const char *fn);
/* Every element of X finite (unless the type takes raw columns). */
int nb__check_finite(const nb_model *m, const nb_tensor *X, const char *fn);
/* Frees what fit learned (state, pipeline, labels, names). */
void nb__model_reset(nb_model *m);
/* Copies a name list. */
char **nb__strv_copy(const char *const *v, int64_t n);
void nb__strv_free(char **v, int64_t n);
char *nb__str_copy(const char *s);

/* Scores of a fitted model on labelled rows, classes numbered by `ref` (the
 * model's own map, or one learned from all rows in CV). The truth and the
 * predictions (in ctx) go to *yt, *yp when not NULL. */
int nb__score_rows(nb_model *m, nb_ctx *ctx, const nb_dataset *ds, const nb_label_map *ref,
                   nb_scores *s, nb_tensor **yt, nb_tensor **yp);
/* Class numbers of ds's target under a map learned from ds itself (strata for
 * splits); *map is that map. NULL for tasks without classes. */
nb_tensor *nb__strata(const nb_model_type *type, nb_ctx *ctx, const nb_dataset *ds, nb_label_map **map);

/* The metrics of an nb_scores record one by one (for averaging). */
int nb__scores_count(void);
double *nb__scores_at(nb_scores *s, int i);

/* ---- registry ---- */

typedef struct nb__plugin {
    nb_plugin_info info;
    void *handle;                /* dlopen handle, NULL for the built-in one */
    char *name, *version, *licence, *path;
    nb_model_type *models;       /* checked copies, zero-extended */
    const nb_model_type **model_ptrs;
    nb_env_type *envs;
    const nb_env_type **env_ptrs;
} nb__plugin;

typedef struct nb__note {
    nb_registry_note note;
    char *path, *reason;
} nb__note;

struct nb_registry {
    nb__plugin *plugins;
    int nplugins, cap;
    nb__note *notes;
    int nnotes, notecap;
    char **searched;
    int nsearched, searchcap;
    nb_registry *next_live;      /* the list of live registries */
};

/* Checks a descriptor read from `path` and adds its plugin; on refusal a note.
 * Returns 1 added, 0 refused or shadowed (noted), -1 out of memory. */
int nb__registry_add(nb_registry *r, const nb_plugin_desc *d, const char *path, void *handle);
/* Releases a plugin's copies and closes its handle. */
void nb__plugin_free(nb__plugin *p);
int nb__registry_note(nb_registry *r, nb_note_kind kind, const char *path, const char *fmt, ...)
    NB_PRINTF(4, 5);
/* The plugin a model type came from, in any live registry; NULL if none. */
const nb_plugin_info *nb__plugin_of(const nb_model_type *t);
/* Whether this libnabla is the build tree's (then its plugins folder is searched). */
const char *nb__registry_build_dir(void);

/* ---- small helpers ---- */

/* FNV-1a 64-bit: h = (h xor byte) * 0x100000001b3 for each byte. */
uint64_t nb__fnv(uint64_t h, const void *data, size_t n);

/* [a-z][a-z0-9_]* */
bool nb__is_identifier(const char *s);

/* The elements of a 1-D tensor as int64 / double arrays (malloc'ed). */
int64_t *nb__labels_array(const nb_tensor *t, int64_t *n, const char *fn, const char *what);
double *nb__values_array(const nb_tensor *t, int64_t *n, const char *fn, const char *what);
/* Shortest text that reads back as x (buf >= 32). */
void nb__fmt_double(char *buf, double x);

#endif
