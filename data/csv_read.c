/* data/csv_read.c — reading CSV/TSV files into datasets through libcsv.
 *
 * libcsv (Debian's libcsv3) does the RFC 4180 tokenising: quoted fields with
 * embedded delimiters, doubled quotes and newlines. It hands us one field at a
 * time (on_field) and the end of each record (on_record); we buffer a record,
 * check it whole, and only then store it, so a bad row never leaves half its
 * cells behind. The file is fed in chunks (1 MiB by default): memory is the
 * columns being built plus one chunk.
 *
 * Positions. libcsv reports no positions, so we count them: `line` is the
 * physical line of the next byte. Every newline outside quotes reaches us
 * (CSV_REPALL_NL) as a record end or an empty record, and newlines inside a
 * quoted field are counted in the field's text; CRLF counts once. The column
 * in messages is the field number within the record.
 *
 * Strictness. In quoting mode libcsv runs strict: a quote inside an unquoted
 * field, text after a closing quote, or a quoted field never closed is an
 * error with its place, not a silent guess. Quoting off makes '"' ordinary
 * (libcsv is given NUL as its quote byte; NUL bytes are refused anyway). */
#include "csv_internal.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

static const char *const default_missing[] = {"", "NA", "N/A", "NaN", "nan", "null", "?"};

nb_csv_options nb_csv_options_default(void)
{
    return (nb_csv_options){
        .delimiter = ',',
        .quoting = true,
        .header = true,
        .trim_spaces = true,
        .max_categories = 100,
        .chunk_bytes = 1 << 20,
    };
}

typedef struct source {
    FILE *f;
    const char *mem;
    size_t len, pos;
    char *buf;
    size_t cap;
} source;

typedef struct reader {
    const char *fn, *name;
    nb_csv_options o;
    size_t *miss_len;
    uint8_t miss_first[32];
    /* the record being gathered: fields back to back, NUL-terminated */
    char *buf;
    size_t blen, bcap;
    size_t *foff, *flen;
    int64_t *fline;
    int nf, fcap;
    /* position */
    int64_t line;
    bool prev_cr;
    int64_t record;        /* non-blank records seen this pass */
    /* columns */
    int ncols;
    nb_csv_col *cols;
    bool have_header;
    int64_t nrows;
    int *cell;             /* per field of the current record */
    double *val;
    /* bad rows */
    int64_t *skipped;      /* record numbers, for pass 2 */
    int64_t nskipped, skcap;
    char first_skip[256];
    int pass;
    int64_t row2, next_skip;
    bool failed, resync;
    struct csv_parser p;
} reader;

/* ---- errors ---- */

static void fail(reader *r, int64_t line, int col, const char *fmt, ...) NB_PRINTF(4, 5);
static void fail(reader *r, int64_t line, int col, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    nb__error("%s: %s:%lld:%d: %s", r->fn, r->name, (long long)line, col, msg);
    r->failed = true;
}

/* A bad data row: fatal, or counted and remembered when skipping. */
static void bad_row(reader *r, int64_t line, int col, const char *fmt, ...) NB_PRINTF(4, 5);
static void bad_row(reader *r, int64_t line, int col, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!r->o.skip_bad_rows) {
        fail(r, line, col, "%s", msg);
        return;
    }
    if (r->pass == 2) return;
    if (r->nskipped == 0)
        snprintf(r->first_skip, sizeof r->first_skip, "%.60s:%lld:%d: %.160s", r->name,
                 (long long)line, col, msg);
    if (r->nskipped == r->skcap) {
        int64_t cap = r->skcap ? r->skcap * 2 : 16;
        int64_t *s = realloc(r->skipped, (size_t)cap * sizeof *s);
        if (!s) {
            fail(r, line, col, "out of memory");
            return;
        }
        r->skipped = s;
        r->skcap = cap;
    }
    r->skipped[r->nskipped++] = r->record;
}

static void oom(reader *r) { fail(r, r->line, r->nf + 1, "out of memory"); }

/* ---- gathering a record ---- */

/* Physical lines inside a field: LF, CRLF and lone CR each end one. */
static int64_t count_newlines(const char *s, size_t len)
{
    int64_t n = 0;
    if (len == 0) return 0;
    for (const char *p = s, *end = s + len; (p = memchr(p, '\n', (size_t)(end - p))); p++) n++;
    for (const char *p = s, *end = s + len; (p = memchr(p, '\r', (size_t)(end - p))); p++)
        n += p + 1 == end || p[1] != '\n';
    return n;
}

static int grow_fields(reader *r)
{
    int cap = r->fcap ? r->fcap * 2 : 64;
    size_t *foff = realloc(r->foff, (size_t)cap * sizeof *foff);
    if (foff) r->foff = foff;
    size_t *flen = realloc(r->flen, (size_t)cap * sizeof *flen);
    if (flen) r->flen = flen;
    int64_t *fline = realloc(r->fline, (size_t)cap * sizeof *fline);
    if (fline) r->fline = fline;
    if (!foff || !flen || !fline) return -1;
    r->fcap = cap;
    return 0;
}

static void on_field(void *field, size_t len, void *data)
{
    reader *r = data;
    if (r->failed) return;
    r->prev_cr = false;
    if (r->nf == r->fcap && grow_fields(r) < 0) {
        oom(r);
        return;
    }
    if (r->blen + len + 1 > r->bcap) {
        size_t cap = (r->blen + len + 1) * 2;
        char *b = realloc(r->buf, cap);
        if (!b) {
            oom(r);
            return;
        }
        r->buf = b;
        r->bcap = cap;
    }
    memcpy(r->buf + r->blen, field, len);
    r->buf[r->blen + len] = '\0';
    r->foff[r->nf] = r->blen;
    r->flen[r->nf] = len;
    r->fline[r->nf] = r->line;
    r->blen += len + 1;
    r->nf++;
    if (memchr(field, '\n', len) || memchr(field, '\r', len))
        r->line += count_newlines(field, len);
}

static void process_record(reader *r);

static void on_record(int c, void *data)
{
    reader *r = data;
    if (r->failed) return;
    if (c == '\n' && r->prev_cr && r->nf == 0) {
        r->prev_cr = false;       /* the LF of a CRLF */
        return;
    }
    if (c == '\n' || c == '\r') r->line++;
    r->prev_cr = c == '\r';
    if (r->nf == 0) return;       /* a blank line */
    r->record++;
    process_record(r);
    r->nf = 0;
    r->blen = 0;
}

/* ---- the header ---- */

static int setup_columns(reader *r)
{
    r->ncols = r->nf;
    r->cols = calloc((size_t)r->ncols, sizeof *r->cols);
    r->cell = calloc((size_t)r->ncols, sizeof *r->cell);
    r->val = calloc((size_t)r->ncols, sizeof *r->val);
    if (!r->cols || !r->cell || !r->val) return oom(r), -1;
    for (int j = 0; j < r->ncols; j++) {
        char gen[32], q[200];
        const char *s = r->buf + r->foff[j];
        size_t len = r->flen[j];
        if (!r->o.header) snprintf(gen, sizeof gen, "col%d", j + 1), s = gen, len = strlen(gen);
        if (len == 0) return fail(r, r->fline[j], j + 1, "empty column name"), -1;
        if (nb__utf8_valid_prefix((const unsigned char *)s, len) != len || memchr(s, 0, len))
            return fail(r, r->fline[j], j + 1, "column name %s is not valid UTF-8",
                        nb__quote_for_msg(q, s, len)), -1;
        for (int k = 0; k < j; k++)
            if (!strcmp(r->cols[k].name, s))
                return fail(r, r->fline[j], j + 1, "duplicate column name %s (also column %d)",
                            nb__quote_for_msg(q, s, len), k + 1), -1;
        if (!(r->cols[j].name = nb__strndup(s, len))) return oom(r), -1;
    }
    for (int t = 0; t < r->o.ntypes; t++) {
        const nb_csv_type *ty = &r->o.types[t];
        int j = 0;
        while (j < r->ncols && strcmp(r->cols[j].name, ty->name ? ty->name : "")) j++;
        if (j == r->ncols)
            return fail(r, 1, 1, "type override names no column: '%s'",
                        ty->name ? ty->name : "(null)"), -1;
        r->cols[j].forced = ty->kind;
        r->cols[j].strings = nb__is_string_kind(ty->kind);
    }
    r->have_header = true;
    return 0;
}

/* ---- checking and storing a data record ---- */

static bool is_missing(const reader *r, const char *s, size_t len)
{
    unsigned char c0 = len ? (unsigned char)s[0] : 0;
    if (len && !(r->miss_first[c0 >> 3] & (1u << (c0 & 7)))) return false;
    for (int k = 0; k < r->o.nmissing; k++)
        if (r->miss_len[k] == len && !memcmp(r->o.missing[k], s, len)) return true;
    return false;
}

/* Decides what each cell is; false (row reported bad) on a cell that cannot
 * go where it must. */
static bool classify(reader *r)
{
    for (int j = 0; j < r->ncols; j++) {
        const char *s = r->buf + r->foff[j];
        size_t len = r->flen[j];
        nb_csv_col *c = &r->cols[j];
        char q[200];
        if (is_missing(r, s, len)) {
            r->cell[j] = NB_CELL_MISSING;
        } else if (!c->strings && nb__parse_double(s, len, &r->val[j])) {
            r->cell[j] = isnan(r->val[j]) ? NB_CELL_MISSING : NB_CELL_NUMBER;
        } else if (c->forced == NB_COL_NUMERIC) {
            bad_row(r, r->fline[j], j + 1, "column '%s': %s is not a number", c->name,
                    nb__quote_for_msg(q, s, len));
            return false;
        } else {
            size_t ok = nb__utf8_valid_prefix((const unsigned char *)s, len);
            if (ok != len) {
                bad_row(r, r->fline[j], j + 1,
                        "column '%s': invalid UTF-8 (byte 0x%02X at offset %zu of %s)", c->name,
                        (unsigned char)s[ok], ok, nb__quote_for_msg(q, s, len));
                return false;
            }
            r->cell[j] = NB_CELL_STRING;
        }
    }
    return true;
}

static void store_row(reader *r)
{
    for (int j = 0; j < r->ncols; j++) {
        nb_csv_col *c = &r->cols[j];
        if (nb__csv_col_reserve(c, r->nrows) < 0 ||
            nb__csv_col_store(c, r->nrows, r->cell[j], r->val[j], r->buf + r->foff[j],
                              r->flen[j]) < 0) {
            oom(r);
            return;
        }
    }
    r->nrows++;
}

/* Pass 2: the exact text of cells that were numbers before their column
 * turned out to hold strings. Skipped records are skipped again. */
static void fill_pending(reader *r)
{
    if (r->next_skip < r->nskipped && r->skipped[r->next_skip] == r->record) {
        r->next_skip++;
        return;
    }
    int64_t i = r->row2++, b = i >> NB_CSV_BLOCK_SHIFT, k = i & (NB_CSV_BLOCK - 1);
    for (int j = 0; j < r->ncols && i < r->nrows; j++) {
        nb_csv_col *c = &r->cols[j];
        if (!c->pending || c->codes[b][k] != NB_CSV_PENDING) continue;
        int32_t code = nb__strtab_intern(c->levels, r->buf + r->foff[j], r->flen[j]);
        if (code < 0) {
            oom(r);
            return;
        }
        c->codes[b][k] = code;
    }
}

static void process_record(reader *r)
{
    if (!r->have_header) {
        if (setup_columns(r) < 0 || r->o.header) return;
    } else if (r->pass == 2 && r->record == 1 && r->o.header) {
        return;
    }
    if (r->pass == 2) {
        fill_pending(r);
    } else if (r->nf != r->ncols) {
        int col = (r->nf < r->ncols ? r->nf : r->ncols) + 1;
        int64_t line = r->fline[r->nf > r->ncols ? r->ncols : r->nf - 1];
        bad_row(r, line, col, "expected %d field%s, found %d", r->ncols, r->ncols == 1 ? "" : "s", r->nf);
    } else if (classify(r)) {
        store_row(r);
    }
}

/* ---- driving libcsv ---- */

static int no_space(unsigned char c)
{
    (void)c;
    return 0;
}

static int parser_start(reader *r)
{
    unsigned char opts = CSV_REPALL_NL | CSV_APPEND_NULL;
    if (r->o.quoting) opts |= CSV_STRICT | CSV_STRICT_FINI;
    if (csv_init(&r->p, opts) != 0) return oom(r), -1;
    csv_set_delim(&r->p, (unsigned char)r->o.delimiter);
    csv_set_quote(&r->p, r->o.quoting ? CSV_QUOTE : 0);
    if (!r->o.trim_spaces) csv_set_space_func(&r->p, no_space);
    csv_set_blk_size(&r->p, 4096);
    return 0;
}

/* libcsv stopped at s[k] (a stray quote or a NUL byte): report it, or drop
 * the record and carry on after the next newline. Returns the offset to
 * resume from, or len when the rest of this chunk is skipped. */
static size_t parse_error(reader *r, const char *s, size_t len, size_t k, bool nul)
{
    int64_t line = r->line + count_newlines((const char *)r->p.entry_buf, r->p.entry_pos);
    int col = r->nf + 1;
    r->record++; /* the broken record counts, keeping pass-2 numbers in step */
    if (r->pass == 2 && r->next_skip < r->nskipped && r->skipped[r->next_skip] == r->record)
        r->next_skip++;
    if (nul) bad_row(r, line, col, "NUL byte in the file (is it binary, or UTF-16?)");
    else if (r->o.quoting)
        bad_row(r, line, col, "stray quote: a quoted field must be wrapped whole, "
                              "with quotes inside it doubled (or turn quoting off)");
    if (r->failed) return len;
    csv_free(&r->p);
    if (parser_start(r) < 0) return len;
    r->nf = 0;
    r->blen = 0;
    r->prev_cr = false;
    r->line = line;
    r->resync = true;
    const char *nl = memchr(s + k, '\n', len - k);
    if (!nl) return len;
    r->resync = false;
    r->line++;
    return (size_t)(nl - s) + 1;
}

static void feed(reader *r, const char *s, size_t len)
{
    size_t k = 0;
    if (r->resync) {
        const char *nl = memchr(s, '\n', len);
        if (!nl) return;
        r->resync = false;
        r->line++;
        k = (size_t)(nl - s) + 1;
    }
    while (k < len && !r->failed) {
        const char *nul = memchr(s + k, '\0', len - k);
        size_t end = nul ? (size_t)(nul - s) : len;
        size_t done = csv_parse(&r->p, s + k, end - k, on_field, on_record, r);
        if (r->failed) return;
        if (done < end - k) {
            if (csv_error(&r->p) != CSV_EPARSE) {
                oom(r);
                return;
            }
            k = parse_error(r, s, len, k + done, false);
        } else if (nul) {
            k = parse_error(r, s, len, end, true);
        } else {
            k = len;
        }
    }
}

static void finish_input(reader *r)
{
    if (r->failed || r->resync) return;
    if (csv_fini(&r->p, on_field, on_record, r) != 0 && !r->failed)
        fail(r, r->line, r->nf + 1, "quoted field never closed (it runs to the end of the file)");
}

/* Next chunk of the source; 0 at the end, -1 on a read error. */
static ssize_t next_chunk(reader *r, source *src, const char **out)
{
    if (!src->f) {
        size_t n = src->len - src->pos < r->o.chunk_bytes ? src->len - src->pos : r->o.chunk_bytes;
        *out = src->mem + src->pos;
        src->pos += n;
        return (ssize_t)n;
    }
    size_t n = fread(src->buf, 1, src->cap, src->f);
    if (n == 0 && ferror(src->f)) {
        fail(r, r->line, 1, "read error: %s", strerror(errno));
        return -1;
    }
    *out = src->buf;
    return (ssize_t)n;
}

static void run_pass(reader *r, source *src, int pass)
{
    r->pass = pass;
    r->line = 1;
    r->record = 0;
    r->prev_cr = r->resync = false;
    r->nf = 0;
    r->blen = 0;
    if (parser_start(r) < 0) return;
    bool first = true;
    const char *chunk;
    ssize_t n;
    while (!r->failed && (n = next_chunk(r, src, &chunk)) > 0) {
        size_t skip = first && n >= 3 && !memcmp(chunk, "\xEF\xBB\xBF", 3) ? 3 : 0;
        first = false;
        feed(r, chunk + skip, (size_t)n - skip);
    }
    finish_input(r);
    csv_free(&r->p);
}

/* ---- setting up, finishing ---- */

static int check_options(reader *r, const nb_csv_options *opts)
{
    r->o = opts ? *opts : nb_csv_options_default();
    nb_csv_options *o = &r->o;
    if (!o->missing && o->nmissing == 0) {
        o->missing = default_missing;
        o->nmissing = (int)(sizeof default_missing / sizeof *default_missing);
    }
    if (!o->chunk_bytes) o->chunk_bytes = 1 << 20;
    const char *bad = NULL;
    char d = o->delimiter;
    if (d == '\0' || d == '\r' || d == '\n' || (o->quoting && d == '"'))
        bad = "delimiter must not be NUL, CR, LF, or '\"' while quoting is on";
    else if (o->nmissing < 0 || (o->nmissing && !o->missing)) bad = "bad missing-token list";
    else if (o->ntypes < 0 || (o->ntypes && !o->types)) bad = "bad type-override list";
    else if (o->max_categories < 0) bad = "max_categories must be >= 0";
    if (bad) {
        nb__error("%s: %s", r->fn, bad);
        return -1;
    }
    r->miss_len = calloc((size_t)o->nmissing + 1, sizeof *r->miss_len);
    if (!r->miss_len) {
        nb__error("%s: out of memory", r->fn);
        return -1;
    }
    for (int k = 0; k < o->nmissing; k++) {
        const char *t = o->missing[k] ? o->missing[k] : "";
        r->miss_len[k] = strlen(t);
        unsigned char c0 = (unsigned char)t[0];
        r->miss_first[c0 >> 3] |= (uint8_t)(1u << (c0 & 7));
    }
    return 0;
}

static void reader_free(reader *r)
{
    for (int j = 0; j < r->ncols; j++) nb__csv_col_free(&r->cols[j]);
    free(r->cols);
    free(r->cell);
    free(r->val);
    free(r->buf);
    free(r->foff);
    free(r->flen);
    free(r->fline);
    free(r->skipped);
    free(r->miss_len);
}

static nb_dataset *build(reader *r)
{
    nb_dataset *ds = nb_dataset_new(r->nrows);
    for (int j = 0; ds && j < r->ncols; j++) {
        nb_column c;
        if (nb__csv_col_finish(&r->cols[j], r->nrows, r->o.max_categories, &c) < 0) {
            nb__error("%s: %s: out of memory", r->fn, r->name);
            nb__column_free(&c);
            nb_dataset_free(ds);
            return NULL;
        }
        if (nb__dataset_push(ds, c, r->fn) < 0) {
            nb_dataset_free(ds);
            return NULL;
        }
    }
    if (ds && r->o.target && nb_dataset_set_target(ds, r->o.target) < 0) {
        nb__error("%s: %s: target column '%s' is not in the file", r->fn, r->name, r->o.target);
        nb_dataset_free(ds);
        return NULL;
    }
    return ds;
}

static bool needs_pass2(const reader *r)
{
    for (int j = 0; j < r->ncols; j++)
        if (r->cols[j].pending) return true;
    return false;
}

/* What a read produces: a dataset, or with ctx set a numeric tensor in ctx
 * (nb_csv_read_tensor). */
typedef struct result {
    nb_ctx *ctx;
    nb_dtype dtype;
    nb_dataset *ds;
    nb_tensor *tensor;
} result;

/* Every column as one [rows, columns] tensor, written a block of rows at a
 * time; each block of every column is freed as soon as it is copied, so the
 * peak is the numbers read plus one block of rows, not numbers and tensor. */
static nb_tensor *build_tensor(reader *r, nb_ctx *ctx, nb_dtype dtype)
{
    for (int j = 0; j < r->ncols; j++)
        if (r->cols[j].strings) {
            nb__error("%s: %s: column '%s' is not numeric, so the file is not a matrix", r->fn,
                      r->name, r->cols[j].name);
            return NULL;
        }
    nb_tensor *t = nb_empty(ctx, dtype, 2, (const int64_t[]){r->nrows, r->ncols});
    if (!t) return NULL;
    float *f32 = dtype == NB_F32 ? nb_data(t) : NULL;
    double *f64 = dtype == NB_F64 ? nb_data(t) : NULL;
    int64_t nc = r->ncols;
    for (int64_t b = 0; b * NB_CSV_BLOCK < r->nrows; b++) {
        int64_t first = b * NB_CSV_BLOCK;
        int64_t m = r->nrows - first < NB_CSV_BLOCK ? r->nrows - first : NB_CSV_BLOCK;
        for (int j = 0; j < nc; j++) {
            const double *block = r->cols[j].num[b];
            for (int64_t i = 0; i < m; i++) {
                if (f32) f32[(first + i) * nc + j] = (float)block[i];
                else f64[(first + i) * nc + j] = block[i];
            }
            free(r->cols[j].num[b]);
            r->cols[j].num[b] = NULL;
        }
    }
    return t;
}

static void read_source(reader *r, source *src, nb_csv_report *report, result *res)
{
    if (report) memset(report, 0, sizeof *report);
    run_pass(r, src, 1);
    if (!r->failed && !r->have_header)
        fail(r, 1, 1, "empty file: no %s", r->o.header ? "header row" : "rows");
    if (!r->failed && needs_pass2(r)) {
        src->pos = 0;
        if (src->f && fseek(src->f, 0, SEEK_SET) != 0)
            fail(r, 1, 1, "cannot rewind for the second pass: %s", strerror(errno));
        else run_pass(r, src, 2);
    }
    if (!r->failed && res->ctx) res->tensor = build_tensor(r, res->ctx, res->dtype);
    else if (!r->failed) res->ds = build(r);
    if ((res->ds || res->tensor) && report) {
        report->rows = r->nrows;
        report->skipped = r->nskipped;
        memcpy(report->first_skip, r->first_skip, sizeof report->first_skip);
    }
    reader_free(r);
}

nb_dataset *nb_csv_read_buffer(const void *data, size_t len, const char *name,
                               const nb_csv_options *opts, nb_csv_report *report)
{
    reader r = {.fn = "nb_csv_read_buffer", .name = name ? name : "<buffer>"};
    if (!data && len) {
        nb__error("nb_csv_read_buffer: NULL data");
        return NULL;
    }
    if (check_options(&r, opts) < 0) return NULL;
    source src = {.mem = data ? data : "", .len = len};
    result res = {0};
    read_source(&r, &src, report, &res);
    return res.ds;
}

/* A file read in chunks of opts->chunk_bytes. */
static void read_file(const char *fn, const char *path, const nb_csv_options *opts,
                      nb_csv_report *report, result *res)
{
    reader r = {.fn = fn, .name = path};
    if (!path) {
        nb__error("%s: NULL path", fn);
        return;
    }
    if (check_options(&r, opts) < 0) return;
    source src = {.f = fopen(path, "rb"), .cap = r.o.chunk_bytes};
    if (!src.f) {
        nb__error("%s: cannot open %s: %s", fn, path, strerror(errno));
        free(r.miss_len);
        return;
    }
    src.buf = malloc(src.cap);
    if (!src.buf) {
        nb__error("%s: out of memory for a %zu-byte read buffer", fn, src.cap);
        free(r.miss_len);
    } else {
        read_source(&r, &src, report, res);
    }
    free(src.buf);
    fclose(src.f);
}

nb_dataset *nb_csv_read(const char *path, const nb_csv_options *opts, nb_csv_report *report)
{
    result res = {0};
    read_file("nb_csv_read", path, opts, report, &res);
    return res.ds;
}

nb_tensor *nb_csv_read_tensor(nb_ctx *ctx, const char *path, nb_dtype dtype,
                              const nb_csv_options *opts, nb_csv_report *report)
{
    if (!ctx || !nb_dtype_is_float(dtype)) {
        nb__error("nb_csv_read_tensor: need a context and a float dtype, got %s",
                  ctx ? nb_dtype_name(dtype) : "no context");
        return NULL;
    }
    result res = {.ctx = ctx, .dtype = dtype};
    read_file("nb_csv_read_tensor", path, opts, report, &res);
    return res.tensor;
}
