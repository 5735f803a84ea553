/* data/internal.h — what the data layer's files share: the dataset layout,
 * the string table behind string columns, and small numeric helpers. */
#ifndef NB_DATA_INTERNAL_H
#define NB_DATA_INTERNAL_H

#include <nabla/data.h>

#include "../tensor/error.h"
#include "../tensor/write_atomic.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- string table: interned strings numbered 0.. in order of arrival ---- */

typedef struct nb_strtab {
    char **strs;          /* strs[code], NUL-terminated, owned */
    int32_t count, cap;
    int32_t *slots;       /* open addressing: code + 1, 0 = empty */
    uint32_t nslots;      /* power of two */
} nb_strtab;

nb_strtab *nb__strtab_new(void);
void nb__strtab_free(nb_strtab *t);
nb_strtab *nb__strtab_clone(const nb_strtab *t);
/* Code of s[0..len), added when new; -1 when out of memory. */
int32_t nb__strtab_intern(nb_strtab *t, const char *s, size_t len);
/* Code of s or -1 when absent. */
int32_t nb__strtab_find(const nb_strtab *t, const char *s);

/* ---- datasets ---- */

typedef struct nb_column {
    char *name;
    nb_col_kind kind;
    double *num;          /* NUMERIC: nrows values, NaN = missing */
    int32_t *codes;       /* CATEGORICAL/TEXT: nrows codes, -1 = missing */
    nb_strtab *levels;    /* CATEGORICAL/TEXT */
} nb_column;

struct nb_dataset {
    int64_t nrows;
    int ncols, cap;
    nb_column *cols;
    int target;           /* column index or -1 */
};

/* Takes ownership of a fully built column (name, num or codes+levels).
 * On failure frees it. */
int nb__dataset_push(nb_dataset *ds, nb_column col, const char *fn);
void nb__column_free(nb_column *c);
/* Deep copy of a column's first... all rows (rows == NULL) or the listed ones. */
int nb__column_copy(nb_column *dst, const nb_column *src, const int64_t *rows, int64_t n);
/* Removes column `col`, shifting the others left (target index follows). */
void nb__dataset_remove(nb_dataset *ds, int col);
/* Inserts a built column at position `at`. Ownership as nb__dataset_push. */
int nb__dataset_insert(nb_dataset *ds, int at, nb_column col, const char *fn);

static inline bool nb__is_string_kind(nb_col_kind k)
{
    return k == NB_COL_CATEGORICAL || k == NB_COL_TEXT;
}

/* ---- numbers ---- */

/* Parses the whole of s[0..len) as a number (surrounding spaces/tabs allowed):
 * [+-] digits [. digits] [e [+-] digits], or [+-]inf/infinity, or nan (any
 * case). s[len] must be readable and NUL. Correctly rounded. */
bool nb__parse_double(const char *s, size_t len, double *out);
/* Shortest "%.{15,16,17}g" text that reads back as x; buf >= 32 bytes. */
void nb__format_double(char *buf, double x);
/* Quartile-style quantile of sorted x[0..n) at p in [0,1] by linear
 * interpolation between closest ranks (numpy's default, pandas' describe):
 * h = (n-1) p, q = x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]). */
double nb__quantile_sorted(const double *x, int64_t n, double p);
/* The non-NaN values of x[0..n) copied (unsorted); *m gets their count. */
double *nb__present(const double *x, int64_t n, int64_t *m);
/* nb__quantile_sorted's value from unsorted v[0..n) without sorting
 * (selection; v is reordered). */
double nb__quantile_select(double *v, int64_t n, double p);
/* The non-NaN values of x[0..n) copied and sorted; *m gets their count.
 * Returns NULL (with an error) only when out of memory; free() it. */
double *nb__sorted_present(const double *x, int64_t n, int64_t *m);
/* A field as printable text for messages: at most 40 bytes, non-printable
 * bytes as \xHH, in quotes. buf >= 200 bytes. */
const char *nb__quote_for_msg(char *buf, const char *s, size_t len);
/* Length of the valid UTF-8 prefix of s[0..len) (len when all valid). */
size_t nb__utf8_valid_prefix(const unsigned char *s, size_t len);

char *nb__strdup(const char *s);
char *nb__strndup(const char *s, size_t n);


#endif
