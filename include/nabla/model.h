/* nabla/model.h — models, plugins, model files and evaluation.
 *
 * The picture: every algorithm nabla ships is a *model type*, a table of
 * functions (create, fit, predict, ...) plus a name, a task and a typed
 * parameter schema. Model types live in *plugins*, shared objects found and
 * loaded at run time by a *registry*. The host wraps a type in an `nb_model`
 * that owns what every model needs whatever its algorithm: the parameters,
 * the preprocessing pipeline fitted on the training rows, the class labels,
 * the feature names and a reproducibility record, so that `predict` on a raw
 * CSV applies exactly what `fit` learned. A fitted model saves to one
 * safetensors file.
 *
 *     nb_registry *reg = nb_registry_new();
 *     nb_registry_load(reg, NULL, 0);                 // NABLA_PLUGIN_PATH, build tree, install dir
 *     const nb_model_type *t = nb_registry_find_model(reg, "logreg");
 *     nb_params *p = nb_params_parse(t->name, t->params, t->nparams, "C=0.5,max_iter=200");
 *     nb_model *m = nb_model_new(t, p);
 *     nb_model_fit(m, train_rows, NULL);              // rows with a target column
 *     nb_tensor *pred = nb_model_predict(m, ctx, new_rows);
 *     nb_model_save(m, "titanic.safetensors");
 *
 * Conventions (as in tensor.h): failure returns NULL or -1 and leaves a
 * message for nb_last_error() naming the function and the values; the library
 * never prints (except to a stream it is given) and never exits. Objects
 * returned by *_new / *_parse / *_load are freed with their *_free.
 *
 * Writing a plugin: see docs/models.md and examples/plugin_template/.
 */
#ifndef NABLA_MODEL_H
#define NABLA_MODEL_H

#include <nabla/data.h>
#include <nabla/tensor.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* The plugin ABI version                                              */
/* ------------------------------------------------------------------ */

/* A plugin records the version it was built against. The host refuses a
 * different major version or a newer minor one. A minor version only ever
 * appends fields at the end of the structs below; each struct starts with
 * its size, so an older plugin's shorter structs are read up to their size. */
#define NB_ABI_MAJOR 1
#define NB_ABI_MINOR 0

/* ------------------------------------------------------------------ */
/* Tasks and parameter schemas                                         */
/* ------------------------------------------------------------------ */

typedef enum nb_task {
    NB_TASK_REGRESSION = 1,      /* y is a number */
    NB_TASK_CLASSIFICATION,      /* y is one of k classes */
    NB_TASK_CLUSTERING,          /* no y; predict gives a cluster number */
    NB_TASK_DECOMPOSITION,       /* no y; transform gives new features */
    NB_TASK_TEXT_CLASSIFICATION, /* classification from a text column */
    NB_TASK_CONTROL,             /* an environment; predict gives an action per state */
} nb_task;

const char *nb_task_name(nb_task task); /* "regression", ... */

typedef enum nb_param_type {
    NB_PARAM_INT = 1,   /* 64-bit integer */
    NB_PARAM_FLOAT,     /* finite double */
    NB_PARAM_BOOL,      /* true/false, yes/no, on/off, 1/0 */
    NB_PARAM_ENUM,      /* one of `values` */
    NB_PARAM_STRING,    /* any text without ',' '=' or ';' */
    NB_PARAM_INT_LIST,  /* integers separated by ':' ("64:32"); in a parameter
                           string also by ',' ("hidden=64,32,lr=0.1") */
} nb_param_type;

const char *nb_param_type_name(nb_param_type type); /* "int", ... */

/* One parameter of a model type or environment. Every field is text as a
 * user would write it, so a schema reads like documentation:
 *     {"C", NB_PARAM_FLOAT, "1.0", "(0, inf)", NULL, "inverse L2 strength"},
 *     {"solver", NB_PARAM_ENUM, "lbfgs", NULL, "lbfgs|sgd|adam", "optimizer"}, */
typedef struct nb_param_spec {
    const char *name;    /* identifier: [A-Za-z][A-Za-z0-9_]* */
    nb_param_type type;
    const char *def;     /* default value (must parse and lie in range) */
    const char *range;   /* int, float, int-list items: "[1, 10000]", "(0, inf)",
                            "[0, 1)"; NULL: any value */
    const char *values;  /* enum: the choices, "a|b|c" */
    const char *help;    /* one line */
} nb_param_spec;

/* Parameter values checked against a schema. Unknown keys, wrong types and
 * out-of-range values are errors naming the key, the value and what is
 * allowed: "logreg: C=-1: out of range, C must be in (0, inf)". */
typedef struct nb_params nb_params;

/* Every parameter at its default. `owner` names the model in messages. */
nb_params *nb_params_new(const char *owner, const nb_param_spec *schema, int n);
/* Defaults, then "key=value,key=value" (NULL or "" keeps the defaults). */
nb_params *nb_params_parse(const char *owner, const nb_param_spec *schema, int n,
                           const char *text);
nb_params *nb_params_clone(const nb_params *p);
void nb_params_free(nb_params *p);

/* Set one value from text, or from C values; each checks type and range. */
int nb_params_set(nb_params *p, const char *key, const char *value);
/* Applies "key=value,..." on top of the current values. */
int nb_params_update(nb_params *p, const char *text);
int nb_params_set_int(nb_params *p, const char *key, int64_t v);
int nb_params_set_float(nb_params *p, const char *key, double v);
int nb_params_set_bool(nb_params *p, const char *key, bool v);
int nb_params_set_string(nb_params *p, const char *key, const char *v); /* enum or string */
int nb_params_set_int_list(nb_params *p, const char *key, const int64_t *v, int n);

/* Reading (a plugin's create does this). A key that is not in the schema or
 * has another type gives 0 / NAN / false / NULL and an error message. */
int64_t nb_params_int(const nb_params *p, const char *key);
double nb_params_float(const nb_params *p, const char *key);
bool nb_params_bool(const nb_params *p, const char *key);
const char *nb_params_string(const nb_params *p, const char *key); /* enum or string */
const int64_t *nb_params_int_list(const nb_params *p, const char *key, int *n);

int nb_params_count(const nb_params *p);
const nb_param_spec *nb_params_spec(const nb_params *p, int i);
/* The value of parameter i as text ("0.5", "true", "64:32"); owned by p,
 * valid until p changes. */
const char *nb_params_text(const nb_params *p, int i);
/* "C=1,max_iter=100,..." (every parameter, schema order); free() it. */
char *nb_params_to_string(const nb_params *p);
/* {"C": "1", ...} as JSON text (free() it), and back (unknown keys refused). */
char *nb_params_to_json(const nb_params *p);
nb_params *nb_params_from_json(const char *owner, const nb_param_spec *schema, int n,
                               const char *json);
/* Checks a schema: identifiers, unique names, known types, defaults that
 * parse and lie in range, ranges that parse. 0 or -1 with the reason. */
int nb_params_check_schema(const nb_param_spec *schema, int n);

/* ------------------------------------------------------------------ */
/* Environments (for control tasks)                                    */
/* ------------------------------------------------------------------ */

/* What one step returns. `terminated`: the episode reached a terminal state;
 * `truncated`: it was cut off (a step limit) in a non-terminal state. */
typedef struct nb_env_result {
    int64_t state;
    double reward;
    bool terminated, truncated;
} nb_env_result;

/* One outcome of taking an action in a state, for planning. */
typedef struct nb_env_transition {
    int64_t next_state;
    double prob, reward;
    bool terminal;
} nb_env_transition;

/* An environment type, registered by plugins like model types. States and
 * actions are numbered 0 .. n-1. */
typedef struct nb_env_type {
    uint32_t size;      /* sizeof(nb_env_type) */
    const char *name;
    const char *summary;
    const nb_param_spec *params;
    int nparams;
    void *(*create)(const nb_params *params);     /* NULL with an error */
    int64_t (*n_states)(const void *env);
    int64_t (*n_actions)(const void *env);
    /* Starts an episode; randomness only from the seed. The start state. */
    int64_t (*reset)(void *env, uint64_t seed);
    int (*step)(void *env, int64_t action, nb_env_result *out);
    /* Optional (NULL: no model). Writes at most `max` outcomes of (state,
     * action) to out and returns how many there are (call again with a larger
     * buffer when that is more than max), or -1. Probabilities sum to 1. */
    int (*transitions)(const void *env, int64_t state, int64_t action,
                       nb_env_transition *out, int max);
    void (*destroy)(void *env);
} nb_env_type;

/* An environment instance, checked by the host: actions in range on the way
 * in, states in range and probabilities summing to 1 on the way out. */
typedef struct nb_env nb_env;

nb_env *nb_env_new(const nb_env_type *type, const nb_params *params); /* NULL: defaults */
void nb_env_free(nb_env *env);
const nb_env_type *nb_env_get_type(const nb_env *env);
int64_t nb_env_n_states(const nb_env *env);
int64_t nb_env_n_actions(const nb_env *env);
int64_t nb_env_reset(nb_env *env, uint64_t seed);
int nb_env_step(nb_env *env, int64_t action, nb_env_result *out);
bool nb_env_has_model(const nb_env *env);
/* As the type's transitions(); -1 when the environment has no model. */
int nb_env_transitions(const nb_env *env, int64_t state, int64_t action,
                       nb_env_transition *out, int max);

/* The built-in test environment: a corridor of `length` cells (default 6).
 * Start in cell 0; action 0 steps left, 1 right; with probability `slip`
 * (default 0) the move goes the other way. Reaching the last cell ends the
 * episode with reward 1; every other step costs `step_cost` (default 0.01);
 * an episode is truncated after `max_steps` (default 100) steps. */
extern const nb_env_type nb_env_corridor;

/* ------------------------------------------------------------------ */
/* What a model type sees                                              */
/* ------------------------------------------------------------------ */

/* The rows a model fits or predicts on, after the host's preprocessing. */
typedef struct nb_table {
    const nb_dataset *data;     /* the prepared rows (text columns untouched); the
                                   target column is present when known */
    nb_tensor *X;               /* [n, d] f64 C-ordered: the numeric features */
    nb_tensor *y;               /* classification: i64 [n] class numbers 0..k-1;
                                   regression: f64 [n]; NULL when unknown */
    nb_tensor *weight;          /* f64 [n] sample weights, or NULL (all 1) */
    int64_t nclasses;           /* classification: k; 0 otherwise */
    const char *const *features;/* d names of X's columns */
    const char *const *classes; /* k class names */
    const char *target;         /* the target column's name, or NULL */
} nb_table;

typedef enum nb_source_kind { NB_SOURCE_TABLE = 1, NB_SOURCE_ENV } nb_source_kind;

/* What fit learns from: a table, or an environment to interact with. */
typedef struct nb_source {
    nb_source_kind kind;
    const nb_table *table;
    nb_env *env;
} nb_source;

/* Progress of a fit. A plugin fills iter, total, loss and metric (NAN when
 * it has none); the host adds the fold and the elapsed time. */
typedef struct nb_progress {
    int64_t iter;            /* 1-based step (iteration or epoch) just finished */
    int64_t total;           /* planned steps, or 0 when unknown */
    double loss;             /* training objective, or NAN */
    double metric;           /* a quality figure, or NAN */
    const char *metric_name; /* "accuracy", or NULL */
    int fold, nfolds;        /* cross-validation: fold 1..nfolds; 0 for one fit */
    double seconds;          /* since this fit started */
} nb_progress;

/* Called after each step; a non-zero return asks the fit to stop there. */
typedef int (*nb_progress_fn)(void *user, const nb_progress *p);

/* The fit's side of the host: a seeded generator and progress reports. */
typedef struct nb_fit_ctx nb_fit_ctx;

nb_rng *nb_fit_rng(nb_fit_ctx *fc);
/* Reports a finished step. Returns 0 to go on, or 1 when the caller asked to
 * stop (Ctrl-C): the plugin then returns -1 from fit at once (the message is
 * already set). */
int nb_fit_progress(nb_fit_ctx *fc, int64_t iter, int64_t total, double loss, double metric,
                    const char *metric_name);

/* Sets this thread's error message (nb_last_error) from a plugin; returns -1
 * so that `return nb_plugin_error("linreg: ...")` ends an int function. */
int nb_plugin_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* A model's learned state as named tensors (and, for things such as a
 * vocabulary, named texts): what save writes and load reads back. */
typedef struct nb_state nb_state;

/* Copies t (any dtype, contiguous or not); names are unique per state. */
int nb_state_put(nb_state *st, const char *name, const nb_tensor *t);
int nb_state_put_text(nb_state *st, const char *name, const char *text);
/* The tensor called name, checked against dtype and ndim; shape entries of -1
 * match any size (shape NULL: any shape). Owned by the state: clone it into
 * the model's own context. NULL with a message naming the file and tensor. */
nb_tensor *nb_state_get(const nb_state *st, const char *name, nb_dtype dtype, int ndim,
                        const int64_t *shape);
const char *nb_state_get_text(const nb_state *st, const char *name);

/* Flags of a model type. */
#define NB_MODEL_SAMPLE_WEIGHTS 1u /* fit honours nb_table.weight */

/* How the host prepares a table before fit and predict. */
typedef enum nb_input_prep {
    NB_PREP_SCALED = 0, /* impute, standard-scale numeric columns, one-hot categorical */
    NB_PREP_UNSCALED,   /* impute, one-hot; numeric columns as they are */
    NB_PREP_NONE,       /* the raw columns (text models do their own) */
} nb_input_prep;

/* A model type. `void *model` is the plugin's own state, made by create or
 * load and released by destroy. Functions marked optional may be NULL. */
typedef struct nb_model_type {
    uint32_t size;          /* sizeof(nb_model_type) */
    const char *name;       /* stable identifier: [a-z][a-z0-9_]*; a changed
                               behaviour gets a new name */
    const char *summary;    /* one line */
    nb_task task;
    nb_input_prep prep;
    unsigned flags;         /* NB_MODEL_* */
    const nb_param_spec *params;
    int nparams;

    void *(*create)(const nb_params *params);
    int (*fit)(void *model, const nb_source *src, nb_fit_ctx *fc);
    /* Classification, clustering: i64 [n] class/cluster numbers; regression:
     * f64 [n]; control: i64 [n] actions for the states in X[:, 0].
     * The result lives in ctx. */
    nb_tensor *(*predict)(void *model, nb_ctx *ctx, const nb_table *in);
    /* Optional: f64 [n, k] class probabilities, rows summing to 1. */
    nb_tensor *(*predict_proba)(void *model, nb_ctx *ctx, const nb_table *in);
    /* Optional: f64 [n, m] new features (decomposition). */
    nb_tensor *(*transform)(void *model, nb_ctx *ctx, const nb_table *in);
    /* Optional: the model's own score on labelled rows (default: the task's
     * main metric computed by the host). */
    int (*score)(void *model, const nb_table *in, double *out);
    int (*save)(const void *model, nb_state *st);
    void *(*load)(const nb_params *params, const nb_state *st);
    /* Optional: what the fitted model learned, for `nabla info FILE`
     * (coefficients by feature name, ...). `names` carries only the names. */
    int (*print)(const void *model, FILE *out, const nb_table *names);
    void (*destroy)(void *model);
} nb_model_type;

/* ------------------------------------------------------------------ */
/* Plugins                                                             */
/* ------------------------------------------------------------------ */

#define NB_PLUGIN_MAGIC UINT64_C(0x676c7062616c616e) /* "nablaplg" little-endian */
#define NB_PLUGIN_ENTRY "nb_plugin_entry"

/* What a plugin's entry symbol returns. */
typedef struct nb_plugin_desc {
    uint64_t magic;         /* NB_PLUGIN_MAGIC */
    uint32_t size;          /* sizeof(nb_plugin_desc) as the plugin was built */
    uint16_t abi_major;     /* NB_ABI_MAJOR as the plugin was built */
    uint16_t abi_minor;
    const char *name;       /* the plugin's name: [a-z][a-z0-9_]* */
    const char *version;    /* "1.0.0" */
    const char *licence;    /* "MIT" */
    const nb_model_type *const *models;
    int32_t nmodels;
    const nb_env_type *const *envs;
    int32_t nenvs;
} nb_plugin_desc;

/* For plugin sources: the header fields, then the entry point.
 *     static const nb_plugin_desc desc = {NB_PLUGIN_HEADER, "linreg", "1.0.0", "MIT",
 *                                         models, 1, NULL, 0};
 *     NB_PLUGIN_DEFINE(desc) */
#define NB_PLUGIN_HEADER NB_PLUGIN_MAGIC, (uint32_t)sizeof(nb_plugin_desc), NB_ABI_MAJOR, NB_ABI_MINOR
#define NB_PLUGIN_DEFINE(desc)                                                          \
    __attribute__((visibility("default"))) const nb_plugin_desc *nb_plugin_entry(void); \
    const nb_plugin_desc *nb_plugin_entry(void) { return &(desc); }

/* The registry: finds plugins, loads them with dlopen, and answers "which
 * model type is called X". Search order for nb_registry_load:
 *   1. the caller's paths (folders or files),
 *   2. the folders in $NABLA_PLUGIN_PATH (':'-separated; empty entries are
 *      skipped: the current directory is never searched implicitly),
 *   3. the build tree's plugins folder, when this libnabla is the build tree's,
 *   4. the installed plugin folder (nb_registry_install_dir()).
 * In a folder every "*.so" file is tried, in name order. The first plugin of
 * a name wins; a later file with the same plugin name is noted as shadowed
 * and not kept. A file is refused, with a note naming it and the reason (and
 * dlerror()'s text), when it is not a shared object, lacks the entry symbol,
 * has the wrong magic or ABI, describes itself badly, reuses a model-type or
 * environment name already taken, or when it or its folder can be changed by
 * another user: it belongs to someone other than us or root, or is writable
 * by the world or by its group (unless that group is its owner's private
 * group, as Debian gives each user). Refusals never stop the other files
 * from loading. */
typedef struct nb_registry nb_registry;

typedef enum nb_note_kind { NB_NOTE_REFUSED = 1, NB_NOTE_SHADOWED } nb_note_kind;

typedef struct nb_registry_note {
    nb_note_kind kind;
    const char *path;
    const char *reason;
} nb_registry_note;

typedef struct nb_plugin_info {
    const char *name, *version, *licence;
    const char *path;      /* the file it came from ("(built in)" for nabla's own) */
    int abi_major, abi_minor;
    int nmodels;
    const nb_model_type *const *models;  /* the host's checked copies */
    int nenvs;
    const nb_env_type *const *envs;
} nb_plugin_info;

/* A registry holding nabla's built-in environments (the corridor). */
nb_registry *nb_registry_new(void);
/* Unloads the plugins: models made from them must be freed first. */
void nb_registry_free(nb_registry *r);
/* The full search; returns the number of plugins loaded, or -1 only when out
 * of memory (refusals are notes, not failures). */
int nb_registry_load(nb_registry *r, const char *const *paths, int npaths);
/* One folder or one file, explicitly; 0 when loaded, shadowed or refused
 * (see the notes), -1 when it could not be read at all. */
int nb_registry_load_path(nb_registry *r, const char *path);
/* The folders nb_registry_load searched, in order. */
int nb_registry_nsearched(const nb_registry *r);
const char *nb_registry_searched(const nb_registry *r, int i);
const char *nb_registry_install_dir(void);

int nb_registry_count(const nb_registry *r);
const nb_plugin_info *nb_registry_plugin(const nb_registry *r, int i);
int nb_registry_nnotes(const nb_registry *r);
const nb_registry_note *nb_registry_note_at(const nb_registry *r, int i);

/* NULL with "no model type 'x' (known: a, b, c)" when absent. */
const nb_model_type *nb_registry_find_model(const nb_registry *r, const char *name);
const nb_env_type *nb_registry_find_env(const nb_registry *r, const char *name);
/* The plugin a model type came from. */
const nb_plugin_info *nb_registry_model_plugin(const nb_registry *r, const nb_model_type *t);

/* ------------------------------------------------------------------ */
/* Models                                                              */
/* ------------------------------------------------------------------ */

typedef struct nb_model nb_model;

/* Options for one fit; nb_fit_options_default() gives the defaults. */
typedef struct nb_fit_options {
    uint64_t seed;               /* 0 */
    const char *weight_column;   /* a numeric column of sample weights, or NULL */
    nb_progress_fn progress;     /* or NULL */
    void *progress_user;
    const char *data_name;       /* recorded in the model file ("train.csv") */
    int fold, nfolds;            /* passed to progress reports */
} nb_fit_options;

nb_fit_options nb_fit_options_default(void);

/* A model of a type with parameters (copied; NULL: the defaults). The type
 * (and its registry) must outlive the model. */
nb_model *nb_model_new(const nb_model_type *type, const nb_params *params);
void nb_model_free(nb_model *m);

/* Fits on a table: rows with a target column (set with nb_dataset_set_target;
 * none for clustering and decomposition). Builds and fits the pipeline the
 * type asks for on these rows, learns the class labels, then calls the
 * type's fit. Refitting starts afresh. */
int nb_model_fit(nb_model *m, const nb_dataset *ds, const nb_fit_options *opts);
/* Fits a control model by interacting with an environment. */
int nb_model_fit_env(nb_model *m, nb_env *env, const nb_fit_options *opts);
/* True when the last fit was stopped by the progress callback. */
bool nb_model_interrupted(const nb_model *m);

/* Raw rows in, through the fitted pipeline (the input columns must be there;
 * the target column may be). Classification: i64 class numbers (names via
 * nb_model_class_name); regression: f64; clustering: i64; control: i64
 * actions for the states in the first column. */
nb_tensor *nb_model_predict(nb_model *m, nb_ctx *ctx, const nb_dataset *ds);
nb_tensor *nb_model_predict_proba(nb_model *m, nb_ctx *ctx, const nb_dataset *ds);
nb_tensor *nb_model_transform(nb_model *m, nb_ctx *ctx, const nb_dataset *ds);
/* The target of labelled rows as the model sees it: i64 class numbers (an
 * unseen label is an error) or f64 values. */
nb_tensor *nb_model_target(const nb_model *m, nb_ctx *ctx, const nb_dataset *ds);

const nb_model_type *nb_model_get_type(const nb_model *m);
const nb_params *nb_model_params(const nb_model *m);
bool nb_model_is_fitted(const nb_model *m);
const char *nb_model_target_name(const nb_model *m);
int64_t nb_model_nclasses(const nb_model *m);
const char *nb_model_class_name(const nb_model *m, int64_t k);
int64_t nb_model_nfeatures(const nb_model *m);
const char *nb_model_feature_name(const nb_model *m, int64_t j);
/* The raw input columns the model reads (target excluded). */
int nb_model_ninputs(const nb_model *m);
const char *nb_model_input_name(const nb_model *m, int i);
const nb_pipeline *nb_model_pipeline(const nb_model *m);
/* The type's own description of what it learned (print hook). */
int nb_model_print(const nb_model *m, FILE *out);

/* Reproducibility: what produced a fitted model. */
typedef struct nb_repro {
    char nabla_version[32];
    uint64_t seed;
    int threads;
    char isa[32];
    char data_name[256];
    int64_t rows;
    char checksum[32];     /* "fnv1a64w:0123456789abcdef" over the training table */
} nb_repro;

const nb_repro *nb_model_repro(const nb_model *m);
/* A 64-bit FNV-1a hash of a dataset's row count, names, kinds and cells
 * (strings byte by byte, numbers a 64-bit word at a time). */
uint64_t nb_dataset_checksum(const nb_dataset *ds);

/* ------------------------------------------------------------------ */
/* Model files                                                         */
/* ------------------------------------------------------------------ */

/* A safetensors file: the learned state as tensors, and in __metadata__ the
 * format ("nabla-model", version 1), plugin name and version, model type,
 * task, ABI, parameters, pipeline, labels, features, inputs and the
 * reproducibility record (structured values as JSON text). Written to a
 * temporary file and renamed. */
int nb_model_save(const nb_model *m, const char *path);
/* Reads and checks every field; the model type is looked up in the registry
 * and must come from the plugin named in the file with the same ABI major. */
nb_model *nb_model_load(const nb_registry *r, const char *path);

/* What a model file says about itself, without loading its plugin. */
typedef struct nb_model_file_info nb_model_file_info;
nb_model_file_info *nb_model_file_info_read(const char *path);
void nb_model_file_info_free(nb_model_file_info *info);
/* Metadata entries in file order ("plugin" -> "linreg"); NULL past the end. */
const char *nb_model_file_info_key(const nb_model_file_info *info, int i);
const char *nb_model_file_info_value(const nb_model_file_info *info, int i);
const char *nb_model_file_info_get(const nb_model_file_info *info, const char *key);
/* Tensors: name, dtype and shape. */
int nb_model_file_info_ntensors(const nb_model_file_info *info);
const char *nb_model_file_info_tensor(const nb_model_file_info *info, int i, nb_dtype *dtype,
                                      int *ndim, const int64_t **shape);

/* ------------------------------------------------------------------ */
/* Metrics                                                             */
/* ------------------------------------------------------------------ */

/* Labels are integer tensors (class numbers 0..k-1), values float tensors,
 * all 1-D of equal length n >= 1; probabilities f32/f64 [n, k]. Each returns
 * NAN with a message on bad input. Where a ratio has a zero denominator
 * (no predicted positives, say) it counts as 0, as in scikit-learn. */
typedef enum nb_average {
    NB_AVG_BINARY = 1, /* the class numbered `pos` only */
    NB_AVG_MACRO,      /* unweighted mean over classes */
    NB_AVG_WEIGHTED,   /* mean weighted by each class's true count */
} nb_average;

double nb_metric_accuracy(const nb_tensor *y_true, const nb_tensor *y_pred);
/* Mean of per-class recall over the classes present in y_true. */
double nb_metric_balanced_accuracy(const nb_tensor *y_true, const nb_tensor *y_pred);
double nb_metric_precision(const nb_tensor *y_true, const nb_tensor *y_pred, int64_t k,
                           nb_average avg, int64_t pos);
double nb_metric_recall(const nb_tensor *y_true, const nb_tensor *y_pred, int64_t k,
                        nb_average avg, int64_t pos);
double nb_metric_f1(const nb_tensor *y_true, const nb_tensor *y_pred, int64_t k,
                    nb_average avg, int64_t pos);
/* C[i, j] = rows of true class i predicted j: i64 [k, k] in ctx. */
nb_tensor *nb_metric_confusion(nb_ctx *ctx, const nb_tensor *y_true, const nb_tensor *y_pred,
                               int64_t k);
/* -mean log p(true class), p clipped to [1e-15, 1 - 1e-15]. */
double nb_metric_log_loss(const nb_tensor *y_true, const nb_tensor *proba);
/* Area under the ROC curve (ties share rank). k = 2: the score of class 1;
 * k > 2: one-vs-rest, the mean of the k AUCs. NAN when a class is absent. */
double nb_metric_roc_auc(const nb_tensor *y_true, const nb_tensor *proba);
double nb_metric_mse(const nb_tensor *y_true, const nb_tensor *y_pred);
double nb_metric_rmse(const nb_tensor *y_true, const nb_tensor *y_pred);
double nb_metric_mae(const nb_tensor *y_true, const nb_tensor *y_pred);
/* 1 - SS_res / SS_tot; for a constant y_true 1 when predicted exactly and
 * 0 otherwise, as scikit-learn. */
double nb_metric_r2(const nb_tensor *y_true, const nb_tensor *y_pred);
/* Clustering, X [n, d] and cluster numbers: sum of squared distances to each
 * cluster's mean; mean silhouette (b - a) / max(a, b) (0 for singletons);
 * adjusted Rand index between two labellings. */
double nb_metric_inertia(const nb_tensor *X, const nb_tensor *labels);
double nb_metric_silhouette(const nb_tensor *X, const nb_tensor *labels);
double nb_metric_adjusted_rand(const nb_tensor *labels_a, const nb_tensor *labels_b);

/* Every metric of a task, NAN where it does not apply. */
typedef struct nb_scores {
    nb_task task;
    int64_t n;
    /* classification (binary figures for class 1 when k = 2, else macro) */
    double accuracy, balanced_accuracy, precision, recall, f1, f1_macro, f1_weighted;
    double log_loss, roc_auc;      /* NAN without predict_proba */
    /* regression */
    double mse, rmse, mae, r2;
    /* clustering */
    double inertia, silhouette, adjusted_rand;
} nb_scores;

void nb_scores_clear(nb_scores *s, nb_task task); /* all NAN */
/* Scores of predictions against the truth for the task: k classes (0 for
 * other tasks), proba NULL or [n, k]; clustering takes X [n, d] (and y_true
 * NULL when there are no reference labels). */
int nb_scores_compute(nb_scores *s, nb_task task, int64_t k, const nb_tensor *y_true,
                      const nb_tensor *y_pred, const nb_tensor *proba, const nb_tensor *X);
/* A metric of a scores record by name ("accuracy", "r2", "f1_macro", ...);
 * NAN and an error for an unknown name. */
double nb_scores_get(const nb_scores *s, const char *metric);
/* Whether a metric of this name exists. */
bool nb_metric_known(const char *metric);
/* Whether larger is better for this metric (false for log_loss, mse, ...). */
bool nb_metric_higher_is_better(const char *metric);
/* The task's main metric: accuracy, r2, silhouette. */
const char *nb_task_main_metric(nb_task task);

/* ------------------------------------------------------------------ */
/* Evaluation                                                          */
/* ------------------------------------------------------------------ */

/* The model's scores on labelled rows; the confusion matrix (classification)
 * into *confusion when not NULL (i64 [k, k] in ctx). */
int nb_model_evaluate(nb_model *m, nb_ctx *ctx, const nb_dataset *ds, nb_scores *out,
                      nb_tensor **confusion);

/* One number for how good the model is on labelled rows: the type's own
 * score when it has one, else the task's main metric (accuracy, R^2,
 * silhouette); higher is better. */
int nb_model_score(nb_model *m, const nb_dataset *ds, double *out);

/* Holdout: fit on a shuffled part, score on the rest (stratified by class
 * for classification). The fitted model is kept in out->model (free it). */
typedef struct nb_holdout_result {
    nb_model *model;
    nb_scores train, test;
    int64_t ntrain, ntest;
    nb_tensor *test_rows;        /* i64 row numbers of the test part (in ctx) */
    nb_tensor *test_true, *test_pred; /* targets and predictions (in ctx) */
    double fit_seconds;
} nb_holdout_result;

int nb_holdout(const nb_model_type *type, const nb_params *params, const nb_dataset *ds,
               double test_fraction, const nb_fit_options *opts, nb_ctx *ctx,
               nb_holdout_result *out);

/* k-fold cross-validation (stratified for classification), the pipeline
 * fitted inside each fold on that fold's training rows only. */
typedef struct nb_cv_result {
    int k;
    nb_scores *folds;            /* k records (free with nb_cv_result_clear) */
    nb_scores mean, std;         /* over folds (population std) */
    nb_tensor *oof_true, *oof_pred; /* out-of-fold targets and predictions (in ctx) */
    double fit_seconds;          /* total */
} nb_cv_result;

int nb_cross_validate(const nb_model_type *type, const nb_params *params, const nb_dataset *ds,
                      int k, const nb_fit_options *opts, nb_ctx *ctx, nb_cv_result *out);
void nb_cv_result_clear(nb_cv_result *r);

/* A parameter grid: "k=1,3,5;weights=uniform,distance" (';' between
 * parameters, ',' between values; int lists as "64:32"). */
typedef struct nb_grid nb_grid;
nb_grid *nb_grid_parse(const nb_model_type *type, const char *text);
void nb_grid_free(nb_grid *g);
int64_t nb_grid_size(const nb_grid *g);   /* number of combinations */
/* Combination i applied on top of base (a new nb_params). */
nb_params *nb_grid_params(const nb_grid *g, const nb_params *base, int64_t i);

typedef struct nb_grid_result {
    int64_t n;                   /* combinations tried */
    char **settings;             /* n strings "k=3,weights=uniform" */
    double *mean, *std;          /* the metric's CV mean and std per combination */
    int64_t best;
    const char *metric;
} nb_grid_result;

/* Cross-validates every combination and picks the best by `metric` (NULL:
 * the task's main metric). Ties go to the earlier combination. */
int nb_grid_search(const nb_model_type *type, const nb_params *base, const nb_grid *grid,
                   const nb_dataset *ds, int k, const char *metric, const nb_fit_options *opts,
                   nb_grid_result *out);
void nb_grid_result_clear(nb_grid_result *r);

#ifdef __cplusplus
}
#endif
#endif /* NABLA_MODEL_H */
