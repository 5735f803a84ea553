/* data/csv_infer.c — building CSV columns while the rows stream in, and the
 * type inference rules.
 *
 * A column without an override starts out numeric and stays so while every
 * present cell is a number. At the first present non-number it is promoted
 * to strings: its rows become codes, the rows that held numbers are marked
 * pending, and the reader fetches their exact spelling in a second pass over
 * the file (so "007" stays "007"). Missing cells stay missing throughout. */
#include "csv_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int grow_blocks(nb_csv_col *c)
{
    int64_t cap = c->cap ? c->cap * 2 : 16;
    double **num = realloc(c->num, (size_t)cap * sizeof *num);
    if (num) c->num = num;
    int32_t **codes = realloc(c->codes, (size_t)cap * sizeof *codes);
    if (codes) c->codes = codes;
    if (!num || !codes) return -1;
    for (int64_t b = c->cap; b < cap; b++) c->num[b] = NULL, c->codes[b] = NULL;
    c->cap = cap;
    return 0;
}

int nb__csv_col_reserve(nb_csv_col *c, int64_t i)
{
    int64_t b = i >> NB_CSV_BLOCK_SHIFT;
    if (b < c->nblocks) return 0;
    if (b >= c->cap && grow_blocks(c) < 0) return -1;
    if (c->strings) c->codes[b] = malloc(NB_CSV_BLOCK * sizeof **c->codes);
    else c->num[b] = malloc(NB_CSV_BLOCK * sizeof **c->num);
    if (c->strings ? !c->codes[b] : !c->num[b]) return -1;
    c->nblocks = b + 1;
    return 0;
}

/* Numbers seen so far become pending codes; missing stays missing. Rows past
 * `nrows` (the one being stored) are overwritten by the caller. */
static int promote(nb_csv_col *c, int64_t nrows)
{
    if (!c->levels && !(c->levels = nb__strtab_new())) return -1;
    for (int64_t b = 0; b < c->nblocks; b++) {
        c->codes[b] = malloc(NB_CSV_BLOCK * sizeof **c->codes);
        if (!c->codes[b]) return -1;
    }
    for (int64_t i = 0; i < nrows; i++) {
        double v = c->num[i >> NB_CSV_BLOCK_SHIFT][i & (NB_CSV_BLOCK - 1)];
        c->codes[i >> NB_CSV_BLOCK_SHIFT][i & (NB_CSV_BLOCK - 1)] = isnan(v) ? -1 : NB_CSV_PENDING;
        c->pending |= !isnan(v);
    }
    for (int64_t b = 0; b < c->nblocks; b++) {
        free(c->num[b]);
        c->num[b] = NULL;
    }
    c->strings = true;
    return 0;
}

int nb__csv_col_store(nb_csv_col *c, int64_t i, int cell, double v, const char *s, size_t len)
{
    int64_t b = i >> NB_CSV_BLOCK_SHIFT, k = i & (NB_CSV_BLOCK - 1);
    if (cell == NB_CELL_STRING && !c->strings && promote(c, i) < 0) return -1;
    c->present += cell != NB_CELL_MISSING;
    if (!c->strings) {
        c->num[b][k] = cell == NB_CELL_MISSING ? NAN : v;
        return 0;
    }
    if (!c->levels && !(c->levels = nb__strtab_new())) return -1;
    int32_t code = cell == NB_CELL_MISSING ? -1 : nb__strtab_intern(c->levels, s, len);
    if (cell != NB_CELL_MISSING && code < 0) return -1;
    c->codes[b][k] = code;
    return 0;
}

void nb__csv_col_free(nb_csv_col *c)
{
    for (int64_t b = 0; b < c->nblocks; b++) {
        if (c->num) free(c->num[b]);
        if (c->codes) free(c->codes[b]);
    }
    free(c->num);
    free(c->codes);
    nb__strtab_free(c->levels);
    free(c->name);
    memset(c, 0, sizeof *c);
}

/* Copies the blocks into one array, freeing each block as soon as it is
 * copied: the peak is the data plus one column. */
static void *compact(void **blocks, int64_t nblocks, int64_t nrows, size_t elem)
{
    void *out = malloc((size_t)(nrows ? nrows : 1) * elem);
    if (!out) return NULL;
    for (int64_t b = 0; b < nblocks; b++) {
        int64_t start = b * NB_CSV_BLOCK, m = nrows - start;
        if (m > NB_CSV_BLOCK) m = NB_CSV_BLOCK;
        if (m > 0) memcpy((char *)out + (size_t)start * elem, blocks[b], (size_t)m * elem);
        free(blocks[b]);
        blocks[b] = NULL;
    }
    return out;
}

/* The inference rules, applied to a column without an override once every
 * row has been read:
 *   1. numeric     when every present cell is a number (see nb__parse_double:
 *                  decimal or exponent notation, inf, nan), or no cell is
 *                  present at all;
 *   2. categorical when its strings take at most max_categories distinct
 *                  values and each value occurs at least twice on average
 *                  (2 * distinct <= present cells);
 *   3. text        otherwise (names, tickets, free comments).
 * An override is obeyed as it is: a forced numeric column has already failed
 * on its first non-number, a forced categorical or text column holds strings
 * from the start. */
static nb_col_kind infer(const nb_csv_col *c, int max_categories)
{
    if (c->forced != NB_COL_AUTO) return c->forced;
    if (!c->strings) return NB_COL_NUMERIC;
    int64_t d = c->levels ? c->levels->count : 0;
    return d <= max_categories && 2 * d <= c->present ? NB_COL_CATEGORICAL : NB_COL_TEXT;
}

int nb__csv_col_finish(nb_csv_col *c, int64_t nrows, int max_categories, nb_column *out)
{
    memset(out, 0, sizeof *out);
    out->kind = infer(c, max_categories);
    if (!c->strings) {
        out->num = compact((void **)c->num, c->nblocks, nrows, sizeof(double));
        if (!out->num) return -1;
    } else {
        if (!c->levels && !(c->levels = nb__strtab_new())) return -1;
        out->codes = compact((void **)c->codes, c->nblocks, nrows, sizeof(int32_t));
        if (!out->codes) return -1;
        out->levels = c->levels;
        c->levels = NULL;
    }
    out->name = c->name;
    c->name = NULL;
    return 0;
}
