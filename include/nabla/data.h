/* nabla/data.h — the data layer: reading files, datasets, preprocessing
 * pipelines, splits, summaries and synthetic sets.
 *
 * The picture: a file (CSV/TSV, IDX, .npy) becomes either a tensor (IDX,
 * .npy: homogeneous arrays) or an nb_dataset (CSV: named columns of mixed
 * kinds, missing cells kept as missing). A pipeline of preprocessing steps is
 * fitted on the training rows of a dataset, applied unchanged to any other
 * rows, and saved to JSON so a model file can carry it. Numeric columns then
 * become an [n, k] tensor in a caller's nb_ctx; a target becomes i64 class
 * indices (with the mapping kept) or a float vector.
 *
 * Conventions (as in tensor.h):
 *   - Failure returns NULL or -1 and leaves a message for nb_last_error()
 *     naming the function and the place: "nb_csv_read: data.csv:14:3:
 *     expected 5 fields, found 4". In messages about CSV files, line is the
 *     physical line (1-based, the header is line 1) and column the 1-based
 *     field number within the record; for binary files a byte offset.
 *   - Options are structs filled by a *_default() initialiser; change only
 *     the fields you need.
 *   - Datasets, pipelines and label maps own malloc'ed memory: free them with
 *     their *_free function (NULL is fine). Tensors live in the caller's ctx.
 *   - Randomness only through the caller's nb_rng: same seed, same result.
 *   - Nothing here prints except nb_describe_print, and only to its stream.
 * See docs/data.md for the user guide (inference rules, pipeline JSON).
 */
#ifndef NABLA_DATA_H
#define NABLA_DATA_H

#include <nabla/tensor.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Datasets                                                            */
/* ------------------------------------------------------------------ */

typedef enum nb_col_kind {
    NB_COL_AUTO = 0,     /* only in read options: infer from the whole column */
    NB_COL_NUMERIC,      /* doubles; missing = NaN */
    NB_COL_CATEGORICAL,  /* a few distinct strings, stored as codes */
    NB_COL_TEXT,         /* free text (names, comments), stored like categorical */
} nb_col_kind;

const char *nb_col_kind_name(nb_col_kind kind); /* "numeric", ... */

/* Named columns of equal length plus an optional target column. Opaque:
 * read it through the accessors below. */
typedef struct nb_dataset nb_dataset;

nb_dataset *nb_dataset_new(int64_t nrows);
void nb_dataset_free(nb_dataset *ds);
nb_dataset *nb_dataset_clone(const nb_dataset *ds);

/* Appending columns (copies the data). values[i] NaN means missing; for
 * string columns strs[i] NULL means missing. Names must be unique. */
int nb_dataset_add_numeric(nb_dataset *ds, const char *name, const double *values);
int nb_dataset_add_strings(nb_dataset *ds, const char *name, nb_col_kind kind,
                           const char *const *strs);
/* X is [n, d] row-major; names may be NULL ("x1".."xd"). y may be NULL;
 * otherwise it becomes the target column `y_name` (NULL: "y"). */
nb_dataset *nb_dataset_from_matrix(const double *X, int64_t n, int64_t d,
                                   const char *const *names, const double *y,
                                   const char *y_name);

int64_t nb_dataset_nrows(const nb_dataset *ds);
int nb_dataset_ncols(const nb_dataset *ds);
/* Index of the column called name, or -1 (no error message is set). */
int nb_dataset_col_index(const nb_dataset *ds, const char *name);
const char *nb_dataset_col_name(const nb_dataset *ds, int col);
nb_col_kind nb_dataset_col_kind(const nb_dataset *ds, int col);
/* Numeric columns: n doubles, NaN where missing. NULL for other kinds. */
const double *nb_dataset_numeric(const nb_dataset *ds, int col);
/* String cell (categorical or text) or NULL when missing or not a string. */
const char *nb_dataset_string(const nb_dataset *ds, int col, int64_t row);
bool nb_dataset_is_missing(const nb_dataset *ds, int col, int64_t row);
int64_t nb_dataset_count_missing(const nb_dataset *ds, int col);

/* The target column (-1 when none). Setting NULL clears it. */
int nb_dataset_set_target(nb_dataset *ds, const char *name);
int nb_dataset_target(const nb_dataset *ds);

/* New datasets (the input is untouched); the target follows when kept. */
nb_dataset *nb_dataset_select(const nb_dataset *ds, const char *const *names, int n);
nb_dataset *nb_dataset_drop(const nb_dataset *ds, const char *const *names, int n);
/* Rows by index (repeats allowed), e.g. a split's train indices. */
nb_dataset *nb_dataset_take_rows(const nb_dataset *ds, const int64_t *rows, int64_t n);
int nb_dataset_rename(nb_dataset *ds, const char *from, const char *to);
/* Changes a column's kind: numeric -> strings uses the shortest text that
 * reads back as the same double; strings -> numeric fails on a non-number;
 * categorical <-> text only relabels. */
int nb_dataset_convert(nb_dataset *ds, int col, nb_col_kind kind);

/* Every numeric non-target column, in order, as an [n, k] tensor of dtype
 * (NB_F32 or NB_F64); missing cells stay NaN. */
nb_tensor *nb_dataset_to_tensor(nb_ctx *ctx, const nb_dataset *ds, nb_dtype dtype);
/* A numeric target as a float vector [n]; fails on a missing value. */
nb_tensor *nb_dataset_target_tensor(nb_ctx *ctx, const nb_dataset *ds, nb_dtype dtype);

/* Class labels: the distinct target values, sorted (numbers by value, strings
 * bytewise), numbered 0..k-1. */
typedef struct nb_label_map nb_label_map;
/* Learns the mapping from ds's target and returns the i64 indices [n]. */
nb_tensor *nb_labels_fit(nb_ctx *ctx, const nb_dataset *ds, nb_label_map **map);
/* Applies a learned mapping; an unseen or missing label is an error. */
nb_tensor *nb_labels_apply(nb_ctx *ctx, const nb_label_map *map, const nb_dataset *ds);
int64_t nb_label_map_count(const nb_label_map *map);
const char *nb_label_map_name(const nb_label_map *map, int64_t index); /* "1", "female" */
char *nb_label_map_to_json(const nb_label_map *map);  /* free() the result */
nb_label_map *nb_label_map_from_json(const char *json);
void nb_label_map_free(nb_label_map *map);

/* ------------------------------------------------------------------ */
/* CSV / TSV                                                           */
/* ------------------------------------------------------------------ */

typedef struct nb_csv_type {
    const char *name;    /* a header name (or "col3" without a header) */
    nb_col_kind kind;
} nb_csv_type;

typedef struct nb_csv_options {
    char delimiter;        /* ','; '\t' for TSV */
    bool quoting;          /* RFC 4180 double quotes; false: '"' is ordinary */
    bool header;           /* first record names the columns; else col1.. */
    bool trim_spaces;      /* drop spaces/tabs around unquoted fields */
    /* Cells equal to one of these are missing. NULL: the defaults "", "NA",
     * "N/A", "NaN", "nan", "null", "?". */
    const char *const *missing;
    int nmissing;
    const nb_csv_type *types;  /* kind overrides by column name */
    int ntypes;
    /* Inference: a string column is categorical when it has at most this
     * many distinct values, and at least two cells per distinct value. */
    int max_categories;
    bool skip_bad_rows;    /* skip and count bad rows instead of failing */
    const char *target;    /* column to mark as the target, or NULL */
    size_t chunk_bytes;    /* read size (default 1 MiB) */
} nb_csv_options;

nb_csv_options nb_csv_options_default(void);

typedef struct nb_csv_report {
    int64_t rows;            /* data rows kept */
    int64_t skipped;         /* bad rows skipped (skip_bad_rows) */
    char first_skip[256];    /* message for the first skipped row, or "" */
} nb_csv_report;

/* report may be NULL. The file is read in chunks; type inference sees every
 * row. A column that turns out not to be numeric after numbers were seen is
 * read a second time so its cells keep their exact spelling. */
nb_dataset *nb_csv_read(const char *path, const nb_csv_options *opts, nb_csv_report *report);
/* Same from memory; `name` stands for the file name in messages. */
nb_dataset *nb_csv_read_buffer(const void *data, size_t len, const char *name,
                               const nb_csv_options *opts, nb_csv_report *report);
/* An all-numeric file straight into a [rows, columns] f32 or f64 tensor in
 * ctx (missing cells are NaN; the header, if any, names nothing). Memory
 * peaks at the numbers read plus a block of rows: the blocks are freed as
 * they are copied. A column that is not numeric is an error naming it. */
nb_tensor *nb_csv_read_tensor(nb_ctx *ctx, const char *path, nb_dtype dtype,
                              const nb_csv_options *opts, nb_csv_report *report);

typedef struct nb_csv_write_options {
    char delimiter;           /* ',' */
    bool header;              /* true */
    const char *missing;      /* text for missing cells: "" */
    bool crlf;                /* false: "\n" line ends */
} nb_csv_write_options;

nb_csv_write_options nb_csv_write_options_default(void);
/* Quotes a field when it holds the delimiter, a quote, CR/LF, or leading or
 * trailing spaces; numbers use the shortest text that reads back exactly.
 * Written to a temporary file beside `path`, then renamed over it. */
int nb_csv_write(const char *path, const nb_dataset *ds, const nb_csv_write_options *opts);

/* ------------------------------------------------------------------ */
/* IDX (MNIST) and NumPy .npy                                          */
/* ------------------------------------------------------------------ */

/* An IDX file, plain or gzip-compressed, as a tensor of `dtype` with the
 * file's dimensions (values converted, not scaled). */
nb_tensor *nb_idx_read(nb_ctx *ctx, const char *path, nb_dtype dtype);
nb_tensor *nb_idx_read_buffer(nb_ctx *ctx, const void *data, size_t len, const char *name,
                              nb_dtype dtype);

/* .npy versions 1-3; dtypes f4, f8, i4, i8, b1 either byte order; C or
 * Fortran order. The result is C-ordered in native byte order. */
nb_tensor *nb_npy_read(nb_ctx *ctx, const char *path);
nb_tensor *nb_npy_read_buffer(nb_ctx *ctx, const void *data, size_t len, const char *name);
/* Writes version 1.0, little-endian, C order; atomically (temp + rename). */
int nb_npy_write(const char *path, const nb_tensor *t);
/* The same in a chosen layout: big-endian ('>f8') and/or Fortran order
 * (column-major data, 'fortran_order': True), as NumPy writes them. */
typedef struct nb_npy_write_options {
    bool big_endian;
    bool fortran_order;
} nb_npy_write_options;
int nb_npy_write_ex(const char *path, const nb_tensor *t, const nb_npy_write_options *opts);

/* ------------------------------------------------------------------ */
/* Preprocessing pipelines                                             */
/* ------------------------------------------------------------------ */

typedef enum nb_step_kind {
    NB_STEP_IMPUTE,   /* fill missing cells */
    NB_STEP_SCALE,    /* numeric: (x - center) / scale */
    NB_STEP_ONEHOT,   /* a column -> one 0/1 column per category */
    NB_STEP_ORDINAL,  /* a column -> category number 0..k-1 */
    NB_STEP_OUTLIER,  /* numeric: clip to fences, or drop training rows */
    NB_STEP_POLY,     /* numeric: append products up to a degree */
} nb_step_kind;

typedef enum nb_impute_strategy {
    NB_IMPUTE_MEAN, NB_IMPUTE_MEDIAN, NB_IMPUTE_MOST_FREQUENT, NB_IMPUTE_CONSTANT,
} nb_impute_strategy;

typedef enum nb_scale_method {
    NB_SCALE_STANDARD, /* mean, population std */
    NB_SCALE_MINMAX,   /* min, max - min: into [0, 1] */
    NB_SCALE_ROBUST,   /* median, q75 - q25 */
} nb_scale_method;

typedef enum nb_unknown_policy {
    NB_UNKNOWN_IGNORE, /* one-hot: all zeros; ordinal: missing */
    NB_UNKNOWN_ERROR,
} nb_unknown_policy;

typedef enum nb_outlier_method {
    NB_OUTLIER_CLIP_IQR, /* clip to [q25 - k IQR, q75 + k IQR], k = threshold */
    NB_OUTLIER_CLIP_Z,   /* clip to mean +- z std, z = threshold */
    NB_OUTLIER_DROP_IQR, /* drop training rows outside the IQR fences */
    NB_OUTLIER_DROP_Z,   /* drop training rows outside mean +- z std */
} nb_outlier_method;

typedef struct nb_step_options {
    nb_step_kind kind;
    /* Columns the step works on; NULL/0: every non-target column of the kinds
     * it accepts, as the data stands when the step is fitted. */
    const char *const *columns;
    int ncolumns;
    nb_impute_strategy impute;   /* default median */
    double fill_number;          /* constant for numeric columns (0) */
    const char *fill_string;     /* constant for string columns ("missing") */
    bool add_indicator;          /* add "<col>_missing" 0/1 columns */
    nb_scale_method scale;       /* default standard */
    nb_unknown_policy unknown;   /* default ignore */
    nb_outlier_method outlier;   /* default clip_iqr */
    double threshold;            /* 0: 1.5 for IQR methods, 3 for z methods */
    int degree;                  /* poly: 2 or 3 */
} nb_step_options;

nb_step_options nb_step_options_default(nb_step_kind kind);

typedef struct nb_pipeline nb_pipeline;

nb_pipeline *nb_pipeline_new(void);
void nb_pipeline_free(nb_pipeline *p);
/* Appends a step (options are copied). */
int nb_pipeline_add(nb_pipeline *p, const nb_step_options *step);
/* The CLI's default: impute numeric (median) and categorical (most
 * frequent), then, when `scale`, standard-scale the numeric columns, then
 * one-hot the categorical ones (unknown -> zeros). */
nb_pipeline *nb_pipeline_new_default(bool scale);

/* Fits every step on ds (each step sees the output of the ones before it).
 * Fitting again starts afresh. */
int nb_pipeline_fit(nb_pipeline *p, const nb_dataset *ds);
/* Fit, and return the transformed training data (rows dropped by outlier
 * steps are gone). */
nb_dataset *nb_pipeline_fit_apply(nb_pipeline *p, const nb_dataset *ds);
/* Applies the fitted steps to other rows; never drops rows, so the output
 * lines up with the input. Columns are converted to the kinds seen at fit. */
nb_dataset *nb_pipeline_apply(const nb_pipeline *p, const nb_dataset *ds);

int nb_pipeline_nsteps(const nb_pipeline *p);
/* What step i did in its last fit_apply/apply: cells clipped, rows dropped,
 * unknown categories met, cells imputed. */
int64_t nb_pipeline_step_count(const nb_pipeline *p, int i);
/* The kind a fitted pipeline expects for an input column, NB_COL_AUTO if it
 * never saw that column: use it to build CSV type overrides for new data. */
nb_col_kind nb_pipeline_input_kind(const nb_pipeline *p, const char *name);

/* JSON text (free() it); loading reports line:column for syntax errors and
 * the JSON path (steps[2].method) for wrong content. */
char *nb_pipeline_to_json(const nb_pipeline *p);
nb_pipeline *nb_pipeline_from_json(const char *json);

/* ------------------------------------------------------------------ */
/* Splits (index generators)                                           */
/* ------------------------------------------------------------------ */

/* Shuffled train/test indices (i64, sorted within each part). The test part
 * has ceil(test_fraction * n) rows. With strata (n class indices, i64 tensor
 * or NULL) every class is split in the same proportion. */
int nb_split_train_test(nb_ctx *ctx, int64_t n, double test_fraction, const nb_tensor *strata,
                        nb_rng *rng, nb_tensor **train, nb_tensor **test);
/* Fold number 0..k-1 of each of n rows (i64 [n]); shuffled when rng is not
 * NULL; stratified when strata is not NULL. Fold sizes differ by at most one
 * (per class when stratified). */
nb_tensor *nb_kfold(nb_ctx *ctx, int64_t n, int k, const nb_tensor *strata, nb_rng *rng);
/* Train (fold != f) and test (fold == f) indices from nb_kfold's output. */
int nb_kfold_split(nb_ctx *ctx, const nb_tensor *folds, int f, nb_tensor **train,
                   nb_tensor **test);

/* ------------------------------------------------------------------ */
/* Summaries (like pandas' describe)                                   */
/* ------------------------------------------------------------------ */

#define NB_SUMMARY_TOP 5

typedef struct nb_col_summary {
    const char *name;          /* owned by the summary, like top[] */
    nb_col_kind kind;
    int64_t count, missing;    /* present and missing cells */
    /* numeric only (NaN otherwise or when count is 0): sample std (n - 1);
     * quartiles by linear interpolation, as numpy/pandas */
    double mean, std, min, q25, q50, q75, max;
    int64_t distinct;          /* distinct present values */
    int ntop;                  /* most frequent values, count desc, then name */
    const char *top[NB_SUMMARY_TOP];   /* numbers as text */
    int64_t top_count[NB_SUMMARY_TOP];
} nb_col_summary;

typedef struct nb_summary {
    int64_t nrows;
    int ncols;
    nb_col_summary *cols;
} nb_summary;

nb_summary *nb_describe(const nb_dataset *ds);
void nb_summary_free(nb_summary *s);
/* A table on `stream`, one row per column. */
int nb_describe_print(FILE *stream, const nb_summary *s);

/* ------------------------------------------------------------------ */
/* Synthetic sets (like scikit-learn's make_*)                         */
/* ------------------------------------------------------------------ */

/* Each returns a dataset of numeric columns x1..xd and a numeric target "y"
 * (class numbers 0..k-1, or the regression value). */
typedef struct nb_synth_options {
    int64_t n_samples;       /* 100 */
    int n_features;          /* 2 (blobs, regression, classification) */
    int n_classes;           /* 0: 3 centers for blobs, 2 for classification */
    double noise;            /* std of Gaussian noise: moons, circles, regression (0) */
    double cluster_std;      /* blobs: 1.0 */
    double factor;           /* circles: inner radius / outer, 0.8 */
    int n_informative;       /* regression, classification: 2 */
    int n_redundant;         /* classification: 0 */
    double class_sep;        /* classification: 1.0 */
} nb_synth_options;

nb_synth_options nb_synth_options_default(void);
nb_dataset *nb_make_blobs(const nb_synth_options *o, nb_rng *rng);
nb_dataset *nb_make_moons(const nb_synth_options *o, nb_rng *rng);
nb_dataset *nb_make_circles(const nb_synth_options *o, nb_rng *rng);
nb_dataset *nb_make_regression(const nb_synth_options *o, nb_rng *rng);
nb_dataset *nb_make_classification(const nb_synth_options *o, nb_rng *rng);

#ifdef __cplusplus
}
#endif
#endif /* NABLA_DATA_H */
