/* data/csv_internal.h — the CSV reader's column builders (csv_infer.c) as
 * seen by its driver (csv_read.c). */
#ifndef NB_DATA_CSV_INTERNAL_H
#define NB_DATA_CSV_INTERNAL_H

#include "internal.h"

/* Rows are stored in blocks so a growing column never needs one big
 * reallocation (which could double the peak memory of a large file). */
#define NB_CSV_BLOCK_SHIFT 16
#define NB_CSV_BLOCK ((int64_t)1 << NB_CSV_BLOCK_SHIFT)
#define NB_CSV_PENDING (-2) /* a number's spelling, to be fetched by pass 2 */

typedef struct nb_csv_col {
    char *name;
    nb_col_kind forced;   /* NB_COL_AUTO unless overridden */
    bool strings;         /* holding codes (forced, or promoted) */
    bool pending;         /* some codes are NB_CSV_PENDING */
    double **num;         /* numeric blocks */
    int32_t **codes;      /* code blocks */
    int64_t nblocks, cap;
    nb_strtab *levels;
    int64_t present;      /* non-missing cells */
} nb_csv_col;

/* What a cell is, decided before a row is committed. */
enum { NB_CELL_MISSING, NB_CELL_NUMBER, NB_CELL_STRING };

/* Room for row i; -1 when out of memory. */
int nb__csv_col_reserve(nb_csv_col *c, int64_t i);
/* Stores cell i (its text s[0..len), NUL-terminated). */
int nb__csv_col_store(nb_csv_col *c, int64_t i, int cell, double v, const char *s, size_t len);
void nb__csv_col_free(nb_csv_col *c);
/* Moves the column into a dataset column, choosing its kind (the inference
 * rules are written out beside the function). */
int nb__csv_col_finish(nb_csv_col *c, int64_t nrows, int max_categories, nb_column *out);

#endif
