/* data/csv_write.c — datasets to CSV, quoted so that any RFC 4180 reader
 * (ours, pandas, a spreadsheet) reads back the same cells.
 *
 * A field is wrapped in double quotes, with quotes inside it doubled, when it
 * holds the delimiter, a quote, CR or LF, starts or ends with a space or tab
 * (readers that trim would lose them), is empty, or equals the text written
 * for missing cells. (Most readers, ours and pandas included, still read a
 * quoted "" or "NA" as missing: quoting cannot say more.) Numbers are written
 * in the shortest form that reads back as
 * the same double. */
#include "internal.h"

#include <errno.h>
#include <math.h>
#include <string.h>

nb_csv_write_options nb_csv_write_options_default(void)
{
    return (nb_csv_write_options){.delimiter = ',', .header = true, .missing = ""};
}

typedef struct writer {
    const nb_dataset *ds;
    nb_csv_write_options o;
} writer;

static bool needs_quotes(const writer *w, const char *s)
{
    size_t len = strlen(s);
    if (len == 0) return true;  /* "" must stay a string, not a missing cell */
    if (s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' || s[len - 1] == '\t') return true;
    if (!strcmp(s, w->o.missing)) return true;
    for (const char *p = s; *p; p++)
        if (*p == w->o.delimiter || *p == '"' || *p == '\r' || *p == '\n') return true;
    return false;
}

static int put_field(FILE *f, const writer *w, const char *s)
{
    if (!needs_quotes(w, s)) return fputs(s, f) < 0 ? -1 : 0;
    if (fputc('"', f) == EOF) return -1;
    for (const char *p = s; *p; p++)
        if ((*p == '"' && fputc('"', f) == EOF) || fputc(*p, f) == EOF) return -1;
    return fputc('"', f) == EOF ? -1 : 0;
}

static int put_cell(FILE *f, const writer *w, int j, int64_t i)
{
    const nb_column *c = &w->ds->cols[j];
    char buf[32];
    if (nb_dataset_is_missing(w->ds, j, i)) return fputs(w->o.missing, f) < 0 ? -1 : 0;
    if (c->kind == NB_COL_NUMERIC) {
        nb__format_double(buf, c->num[i]);
        return fputs(buf, f) < 0 ? -1 : 0;
    }
    return put_field(f, w, c->levels->strs[c->codes[i]]);
}

static int end_line(FILE *f, const writer *w)
{
    return fputs(w->o.crlf ? "\r\n" : "\n", f) < 0 ? -1 : 0;
}

static int write_rows(FILE *f, void *arg)
{
    const writer *w = arg;
    const nb_dataset *ds = w->ds;
    int rc = 0;
    for (int j = 0; w->o.header && rc == 0 && j < ds->ncols; j++) {
        if (j && fputc(w->o.delimiter, f) == EOF) rc = -1;
        if (rc == 0) rc = put_field(f, w, ds->cols[j].name);
    }
    if (w->o.header && rc == 0) rc = end_line(f, w);
    for (int64_t i = 0; rc == 0 && i < ds->nrows; i++) {
        for (int j = 0; rc == 0 && j < ds->ncols; j++) {
            if (j && fputc(w->o.delimiter, f) == EOF) rc = -1;
            if (rc == 0) rc = put_cell(f, w, j, i);
        }
        if (rc == 0) rc = end_line(f, w);
    }
    if (rc != 0) nb__error("nb_csv_write: write failed: %s", strerror(errno));
    return rc;
}

int nb_csv_write(const char *path, const nb_dataset *ds, const nb_csv_write_options *opts)
{
    writer w = {.ds = ds, .o = opts ? *opts : nb_csv_write_options_default()};
    if (!ds || !path) {
        nb__error("nb_csv_write: NULL %s", ds ? "path" : "dataset");
        return -1;
    }
    if (!w.o.missing) w.o.missing = "";
    char d = w.o.delimiter;
    if (d == '\0' || d == '"' || d == '\r' || d == '\n') {
        nb__error("nb_csv_write: delimiter must not be NUL, '\"', CR or LF");
        return -1;
    }
    return nb__write_atomic(path, "nb_csv_write", write_rows, &w);
}
