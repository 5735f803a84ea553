/* tests/test_data.c — the data layer's Check suite (issue 5).
 *
 * Expected values are worked out by hand (the working is in the comments) or
 * come from an independent source named beside them (pandas 1.5 / numpy 1.24
 * on the same fixture, the Fashion-MNIST files' published first labels),
 * never from running our own code a second way. */
#include <check.h>
#include <nabla/nabla.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#ifndef FIXTURES
#error "FIXTURES must name the tests/fixtures directory"
#endif

static char tmpdir[256];

static const char *fixture(const char *name)
{
    static char path[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(path[k], sizeof path[k], "%s/%s", FIXTURES, name);
    return path[k];
}

static const char *tmp_path(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

/* The call returned NULL / -1 and the message contains `part`. */
#define FAILS_WITH(call, part)                                                          \
    do {                                                                                \
        nb_clear_error();                                                               \
        ck_assert_msg(!(call), "%s should have failed", #call);                         \
        ck_assert_msg(strstr(nb_last_error(), (part)) != NULL,                          \
                      "error '%s' does not contain '%s'", nb_last_error(), (part));     \
    } while (0)
#define STATUS_FAILS_WITH(call, part) FAILS_WITH((call) == 0, part)

#define NEAR(a, b, tol) ck_assert_msg(fabs((a) - (b)) <= (tol), "%s = %.17g, want %.17g", #a, (double)(a), (double)(b))

static nb_dataset *read_csv(const char *name)
{
    nb_csv_options o = nb_csv_options_default();
    nb_dataset *ds = nb_csv_read(fixture(name), &o, NULL);
    ck_assert_msg(ds != NULL, "%s: %s", name, nb_last_error());
    return ds;
}

static int col(const nb_dataset *ds, const char *name)
{
    int j = nb_dataset_col_index(ds, name);
    ck_assert_msg(j >= 0, "no column %s", name);
    return j;
}

static double cell(const nb_dataset *ds, const char *name, int64_t row)
{
    return nb_dataset_numeric(ds, col(ds, name))[row];
}

static const char *str(const nb_dataset *ds, const char *name, int64_t row)
{
    return nb_dataset_string(ds, col(ds, name), row);
}

/* Same columns, kinds and cells (NaN equal to NaN). */
static void assert_same(const nb_dataset *a, const nb_dataset *b)
{
    ck_assert_int_eq(nb_dataset_nrows(a), nb_dataset_nrows(b));
    ck_assert_int_eq(nb_dataset_ncols(a), nb_dataset_ncols(b));
    for (int j = 0; j < nb_dataset_ncols(a); j++) {
        ck_assert_str_eq(nb_dataset_col_name(a, j), nb_dataset_col_name(b, j));
        ck_assert_int_eq(nb_dataset_col_kind(a, j), nb_dataset_col_kind(b, j));
        for (int64_t i = 0; i < nb_dataset_nrows(a); i++) {
            ck_assert_int_eq(nb_dataset_is_missing(a, j, i), nb_dataset_is_missing(b, j, i));
            if (nb_dataset_is_missing(a, j, i)) continue;
            if (nb_dataset_col_kind(a, j) == NB_COL_NUMERIC)
                ck_assert(nb_dataset_numeric(a, j)[i] == nb_dataset_numeric(b, j)[i]);
            else
                ck_assert_str_eq(nb_dataset_string(a, j, i), nb_dataset_string(b, j, i));
        }
    }
}

/* ------------------------------------------------------------------ */
/* CSV reading                                                         */
/* ------------------------------------------------------------------ */

START_TEST(csv_titanic_shape_and_kinds)
{
    nb_dataset *ds = read_csv("titanic.csv");
    ck_assert_int_eq(nb_dataset_nrows(ds), 22);
    ck_assert_int_eq(nb_dataset_ncols(ds), 12);
    /* The rules: all-number columns are numeric; Sex (2 values in 22 cells)
     * and Embarked (3 in 21) categorical; Name, Ticket (22 distinct) and
     * Cabin (6 distinct in 6 cells) text. */
    const char *numeric[] = {"PassengerId", "Survived", "Pclass", "Age", "SibSp", "Parch", "Fare"};
    for (int k = 0; k < 7; k++) ck_assert_int_eq(nb_dataset_col_kind(ds, col(ds, numeric[k])), NB_COL_NUMERIC);
    ck_assert_int_eq(nb_dataset_col_kind(ds, col(ds, "Sex")), NB_COL_CATEGORICAL);
    ck_assert_int_eq(nb_dataset_col_kind(ds, col(ds, "Embarked")), NB_COL_CATEGORICAL);
    ck_assert_int_eq(nb_dataset_col_kind(ds, col(ds, "Name")), NB_COL_TEXT);
    ck_assert_int_eq(nb_dataset_col_kind(ds, col(ds, "Ticket")), NB_COL_TEXT);
    ck_assert_int_eq(nb_dataset_col_kind(ds, col(ds, "Cabin")), NB_COL_TEXT);
    /* quoted names with commas, doubled quotes, a kept trailing space */
    ck_assert_str_eq(str(ds, "Name", 0), "Braund, Mr. Owen Harris");
    ck_assert_str_eq(str(ds, "Name", 21), "O'Dwyer, Miss. Ellen \"Nellie\"");
    ck_assert_str_eq(str(ds, "Name", 15), "Hewlett, Mrs. (Mary D Kingcome) ");
    /* missing cells stay missing: 3 empty Ages and one "NA" */
    ck_assert_int_eq(nb_dataset_count_missing(ds, col(ds, "Age")), 4);
    ck_assert(isnan(cell(ds, "Age", 5)) && isnan(cell(ds, "Age", 21)));
    ck_assert_int_eq(nb_dataset_count_missing(ds, col(ds, "Embarked")), 1);
    ck_assert_ptr_null(str(ds, "Embarked", 20));
    ck_assert_int_eq(nb_dataset_count_missing(ds, col(ds, "Cabin")), 16);
    NEAR(cell(ds, "Fare", 1), 71.2833, 0);
    ck_assert_str_eq(str(ds, "Ticket", 3), "113803");
    nb_dataset_free(ds);
}
END_TEST

START_TEST(csv_crlf_and_bom_variants_match)
{
    nb_dataset *lf = read_csv("titanic.csv"), *crlf = read_csv("titanic_crlf.csv");
    nb_dataset *bom = read_csv("titanic_bom.csv");
    assert_same(lf, crlf);
    assert_same(lf, bom);
    ck_assert_str_eq(nb_dataset_col_name(bom, 0), "PassengerId");
    nb_dataset_free(lf), nb_dataset_free(crlf), nb_dataset_free(bom);
}
END_TEST

START_TEST(csv_tiny_chunks_match)
{
    /* 7-byte chunks split fields, quotes, CRLFs and the BOM check across
     * feeds; the result must not change. */
    nb_csv_options o = nb_csv_options_default();
    o.chunk_bytes = 7;
    const char *files[] = {"titanic.csv", "titanic_crlf.csv", "mixed.csv"};
    for (int k = 0; k < 3; k++) {
        nb_dataset *a = read_csv(files[k]), *b = nb_csv_read(fixture(files[k]), &o, NULL);
        ck_assert_msg(b != NULL, "%s", nb_last_error());
        assert_same(a, b);
        nb_dataset_free(a), nb_dataset_free(b);
    }
}
END_TEST

START_TEST(csv_embedded_newline_and_line_numbers)
{
    /* line 1 header, record 2 spans lines 2-3, record 3 on line 4 after a
     * blank line... the bad record starts on line 6. */
    const char *text = "a,b\r\n1,\"x\r\ny\"\r\n\r\n2,z\r\n3\r\n";
    FAILS_WITH(nb_csv_read_buffer(text, strlen(text), "t.csv", NULL, NULL),
               "nb_csv_read_buffer: t.csv:6:2: expected 2 fields, found 1");
    const char *ok = "a,b\n1,\"x\ny, \"\"q\"\"\"\n2,z\n";
    nb_dataset *ds = nb_csv_read_buffer(ok, strlen(ok), "t.csv", NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    ck_assert_int_eq(nb_dataset_nrows(ds), 2);
    ck_assert_str_eq(nb_dataset_string(ds, 1, 0), "x\ny, \"q\"");
    nb_dataset_free(ds);
}
END_TEST

START_TEST(csv_tsv_quoting_off)
{
    nb_csv_options o = nb_csv_options_default();
    o.delimiter = '\t';
    o.quoting = false;
    nb_dataset *ds = nb_csv_read(fixture("quotes.tsv"), &o, NULL);
    ck_assert_msg(ds != NULL, "%s", nb_last_error());
    ck_assert_int_eq(nb_dataset_nrows(ds), 3);
    ck_assert_str_eq(str(ds, "quote", 0), "He said \"hi");
    ck_assert_str_eq(str(ds, "quote", 1), "5\" screen");
    ck_assert_str_eq(str(ds, "quote", 2), "\"quoted\" word");
    nb_dataset_free(ds);
    /* with quoting on, the same file is refused at the stray quote */
    o.quoting = true;
    FAILS_WITH(nb_csv_read(fixture("quotes.tsv"), &o, NULL), "quotes.tsv:2:2: stray quote");
}
END_TEST

START_TEST(csv_no_header_generated_names)
{
    const char *text = "1,x\n2,y\n";
    nb_csv_options o = nb_csv_options_default();
    o.header = false;
    nb_dataset *ds = nb_csv_read_buffer(text, strlen(text), "t.csv", &o, NULL);
    ck_assert_ptr_nonnull(ds);
    ck_assert_int_eq(nb_dataset_nrows(ds), 2);
    ck_assert_str_eq(nb_dataset_col_name(ds, 0), "col1");
    ck_assert_str_eq(nb_dataset_col_name(ds, 1), "col2");
    NEAR(nb_dataset_numeric(ds, 0)[0], 1, 0);
    nb_dataset_free(ds);
}
END_TEST

START_TEST(csv_missing_tokens)
{
    /* Default tokens: "", NA, N/A, NaN, nan, null, ? */
    const char *text = "x\n1\nNA\nN/A\nNaN\nnan\nnull\n?\n\"\"\n2\n";
    nb_dataset *ds = nb_csv_read_buffer(text, strlen(text), "t.csv", NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    ck_assert_int_eq(nb_dataset_col_kind(ds, 0), NB_COL_NUMERIC);
    ck_assert_int_eq(nb_dataset_nrows(ds), 9);
    ck_assert_int_eq(nb_dataset_count_missing(ds, 0), 7);
    nb_dataset_free(ds);
    /* A custom list replaces the defaults: -999 is missing, NA is text. */
    const char *miss[] = {"-999"};
    nb_csv_options o = nb_csv_options_default();
    o.missing = miss;
    o.nmissing = 1;
    ds = nb_csv_read(fixture("mixed.csv"), &o, NULL);
    ck_assert_ptr_nonnull(ds);
    ck_assert_int_eq(nb_dataset_col_kind(ds, col(ds, "value")), NB_COL_TEXT);
    ck_assert_str_eq(str(ds, "value", 3), "NA");
    ck_assert_ptr_null(str(ds, "value", 4));
    nb_dataset_free(ds);
}
END_TEST

START_TEST(csv_promotion_keeps_spelling)
{
    /* code: 007, 12, missing, A1, 007 -> numbers first, then a string: the
     * second pass restores "007", not "7". */
    nb_dataset *ds = read_csv("mixed.csv");
    int j = col(ds, "code");
    ck_assert_int_eq(nb_dataset_col_kind(ds, j), NB_COL_TEXT); /* 3 distinct in 4 cells */
    ck_assert_str_eq(str(ds, "code", 0), "007");
    ck_assert_str_eq(str(ds, "code", 1), "12");
    ck_assert_ptr_null(str(ds, "code", 2));
    ck_assert_str_eq(str(ds, "code", 3), "A1");
    ck_assert_str_eq(str(ds, "code", 4), "007");
    ck_assert_int_eq(nb_dataset_col_kind(ds, col(ds, "value")), NB_COL_NUMERIC);
    NEAR(cell(ds, "value", 4), -999, 0);
    nb_dataset_free(ds);
}
END_TEST

START_TEST(csv_type_overrides)
{
    nb_csv_type types[] = {{"Pclass", NB_COL_CATEGORICAL}, {"Name", NB_COL_TEXT}};
    nb_csv_options o = nb_csv_options_default();
    o.types = types;
    o.ntypes = 2;
    o.target = "Survived";
    nb_dataset *ds = nb_csv_read(fixture("titanic.csv"), &o, NULL);
    ck_assert_ptr_nonnull(ds);
    ck_assert_int_eq(nb_dataset_col_kind(ds, col(ds, "Pclass")), NB_COL_CATEGORICAL);
    ck_assert_str_eq(str(ds, "Pclass", 0), "3");
    ck_assert_int_eq(nb_dataset_target(ds), col(ds, "Survived"));
    nb_dataset_free(ds);
    /* forcing Ticket numeric fails at the first non-number, row 2 field 9 */
    nb_csv_type bad[] = {{"Ticket", NB_COL_NUMERIC}};
    o.types = bad;
    o.ntypes = 1;
    FAILS_WITH(nb_csv_read(fixture("titanic.csv"), &o, NULL),
               "titanic.csv:2:9: column 'Ticket': 'A/5 21171' is not a number");
    nb_csv_type none[] = {{"Nope", NB_COL_TEXT}};
    o.types = none;
    FAILS_WITH(nb_csv_read(fixture("titanic.csv"), &o, NULL), "type override names no column: 'Nope'");
    o.types = NULL, o.ntypes = 0, o.target = "Nope";
    FAILS_WITH(nb_csv_read(fixture("titanic.csv"), &o, NULL), "target column 'Nope' is not in the file");
}
END_TEST

START_TEST(csv_numbers)
{
    const char *text = "x\n1\n-2.5\n+3e2\n.5\n1.\n 7 \n1e-3\n0.1\ninf\n-Infinity\n"
                       "123456789012345678901234567890\n2.2250738585072014e-308\n";
    nb_dataset *ds = nb_csv_read_buffer(text, strlen(text), "n.csv", NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    ck_assert_int_eq(nb_dataset_col_kind(ds, 0), NB_COL_NUMERIC);
    const double *x = nb_dataset_numeric(ds, 0);
    const double want[] = {1, -2.5, 300, 0.5, 1, 7, 1e-3, 0.1, INFINITY, -INFINITY,
                           123456789012345678901234567890.0, 2.2250738585072014e-308};
    for (int i = 0; i < 12; i++) ck_assert_msg(x[i] == want[i], "row %d: %.17g", i, x[i]);
    nb_dataset_free(ds);
    const char *words[] = {"x\n1\n1e\n", "x\n1\n--1\n", "x\n1\n0x10\n"};
    for (int k = 0; k < 3; k++) {
        ds = nb_csv_read_buffer(words[k], strlen(words[k]), "n.csv", NULL, NULL);
        ck_assert_int_ne(nb_dataset_col_kind(ds, 0), NB_COL_NUMERIC);
        nb_dataset_free(ds);
    }
}
END_TEST

/* ------------------------------------------------------------------ */
/* CSV: bad input                                                      */
/* ------------------------------------------------------------------ */

START_TEST(csv_bad_files)
{
    static const struct { const char *file, *msg; } cases[] = {
        {"bad_ragged.csv", "bad_ragged.csv:3:4: expected 3 fields, found 4"},
        {"bad_short.csv", "bad_short.csv:2:3: expected 3 fields, found 2"},
        {"bad_dup_header.csv", "bad_dup_header.csv:1:3: duplicate column name 'a' (also column 1)"},
        {"bad_empty_name.csv", "bad_empty_name.csv:1:2: empty column name"},
        {"bad_utf8.csv", "bad_utf8.csv:3:2: column 'name': invalid UTF-8 (byte 0xC3 at offset 2"},
        {"bad_unclosed.csv", "bad_unclosed.csv:3:2: quoted field never closed"},
        {"bad_stray_quote.csv", "bad_stray_quote.csv:3:2: stray quote"},
        {"empty.csv", "empty.csv:1:1: empty file: no header row"},
        {"bad_nul.csv", "bad_nul.csv:2:2: NUL byte"},
        {"no_such_file.csv", "nb_csv_read: cannot open"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++)
        FAILS_WITH(nb_csv_read(fixture(cases[k].file), NULL, NULL), cases[k].msg);
    const char *blank = "\n\r\n\n";
    FAILS_WITH(nb_csv_read_buffer(blank, strlen(blank), "blank.csv", NULL, NULL),
               "nb_csv_read_buffer: blank.csv:1:1: empty file");
    FAILS_WITH(nb_csv_read_buffer("", 0, "e.csv", NULL, NULL), "e.csv:1:1: empty file");
    nb_csv_options o = nb_csv_options_default();
    o.delimiter = '"';
    FAILS_WITH(nb_csv_read(fixture("titanic.csv"), &o, NULL), "delimiter must not be");
}
END_TEST

START_TEST(csv_skip_bad_rows)
{
    nb_csv_options o = nb_csv_options_default();
    o.skip_bad_rows = true;
    nb_csv_report rep;
    nb_dataset *ds = nb_csv_read(fixture("bad_ragged.csv"), &o, &rep);
    ck_assert_ptr_nonnull(ds);
    ck_assert_int_eq(rep.rows, 2);
    ck_assert_int_eq(rep.skipped, 1);
    ck_assert(strstr(rep.first_skip, "/bad_ragged.csv:3:4: expected 3 fields, found 4") != NULL);
    NEAR(nb_dataset_numeric(ds, 0)[1], 8, 0);
    nb_dataset_free(ds);
    /* a stray quote: the record is dropped and reading resumes on the next line */
    ds = nb_csv_read(fixture("bad_stray_quote.csv"), &o, &rep);
    ck_assert_ptr_nonnull(ds);
    ck_assert_int_eq(rep.skipped, 1);
    ck_assert_int_eq(nb_dataset_nrows(ds), 2);
    ck_assert_str_eq(str(ds, "size", 0), "5 inch");
    ck_assert_str_eq(str(ds, "size", 1), "7");
    nb_dataset_free(ds);
    /* invalid UTF-8 */
    ds = nb_csv_read(fixture("bad_utf8.csv"), &o, &rep);
    ck_assert_ptr_nonnull(ds);
    ck_assert_int_eq(rep.skipped, 1);
    ck_assert_int_eq(nb_dataset_nrows(ds), 1);
    nb_dataset_free(ds);
    /* a skipped row must not disturb the second pass of a promoted column:
     * row 3 is ragged, rows 2 and 4 are kept, "007" stays "007" */
    const char *text = "c,d\n007,1\n1,2,3\nx,4\n";
    ds = nb_csv_read_buffer(text, strlen(text), "t.csv", &o, &rep);
    ck_assert_ptr_nonnull(ds);
    ck_assert_int_eq(rep.skipped, 1);
    ck_assert_str_eq(nb_dataset_string(ds, 0, 0), "007");
    ck_assert_str_eq(nb_dataset_string(ds, 0, 1), "x");
    nb_dataset_free(ds);
    /* header problems are never skipped */
    FAILS_WITH(nb_csv_read(fixture("bad_dup_header.csv"), &o, NULL), "duplicate column name");
}
END_TEST

/* ------------------------------------------------------------------ */
/* CSV writing                                                         */
/* ------------------------------------------------------------------ */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    static char buf[1 << 16];
    *len = fread(buf, 1, sizeof buf - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

START_TEST(csv_write_quoting)
{
    nb_dataset *ds = nb_dataset_new(3);
    const char *s[] = {"plain", "a,b \"q\"", " lead"};
    const char *t[] = {"line\nbreak", NULL, "x"};
    double v[] = {0.1, NAN, -2};
    ck_assert_int_eq(nb_dataset_add_strings(ds, "s", NB_COL_TEXT, s), 0);
    ck_assert_int_eq(nb_dataset_add_strings(ds, "t,u", NB_COL_CATEGORICAL, t), 0);
    ck_assert_int_eq(nb_dataset_add_numeric(ds, "v", v), 0);
    ck_assert_int_eq(nb_csv_write(tmp_path("w.csv"), ds, NULL), 0);
    size_t len;
    ck_assert_str_eq(slurp(tmp_path("w.csv"), &len),
                     "s,\"t,u\",v\n"
                     "plain,\"line\nbreak\",0.1\n"
                     "\"a,b \"\"q\"\"\",,\n"
                     "\" lead\",x,-2\n");
    nb_csv_write_options wo = nb_csv_write_options_default();
    wo.crlf = true;
    wo.missing = "NA";
    wo.header = false;
    wo.delimiter = ';';
    ck_assert_int_eq(nb_csv_write(tmp_path("w.csv"), ds, &wo), 0);
    ck_assert_str_eq(slurp(tmp_path("w.csv"), &len),
                     "plain;\"line\nbreak\";0.1\r\n\"a,b \"\"q\"\"\";NA;NA\r\n\" lead\";x;-2\r\n");
    STATUS_FAILS_WITH(nb_csv_write("/nonexistent-dir/x.csv", ds, NULL), "temporary file beside");
    nb_dataset_free(ds);
}
END_TEST

START_TEST(csv_write_round_trip)
{
    nb_dataset *a = read_csv("titanic.csv");
    ck_assert_int_eq(nb_csv_write(tmp_path("rt.csv"), a, NULL), 0);
    nb_dataset *b = nb_csv_read(tmp_path("rt.csv"), NULL, NULL);
    ck_assert_ptr_nonnull(b);
    assert_same(a, b);
    nb_dataset_free(a), nb_dataset_free(b);
    /* no temporary files left beside it */
    ck_assert_int_eq(access(tmp_path("rt.csv"), F_OK), 0);
}
END_TEST

/* An all-numeric file straight into a tensor: blocks of 65536 rows, so 70000
 * rows cross a block boundary; the values are i + j/10 by construction. */
START_TEST(csv_read_tensor)
{
    FILE *f = fopen(tmp_path("matrix.csv"), "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "a,b,c\n");
    for (int i = 0; i < 70000; i++) fprintf(f, "%d.0,%d.1,%s\n", i, i, i == 5 ? "NA" : "2.5");
    fclose(f);
    nb_ctx *ctx = nb_ctx_new();
    nb_csv_report rep;
    nb_tensor *t = nb_csv_read_tensor(ctx, tmp_path("matrix.csv"), NB_F64, NULL, &rep);
    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(rep.rows, 70000);
    ck_assert_int_eq(t->ndim, 2);
    ck_assert_int_eq(t->shape[0], 70000);
    ck_assert_int_eq(t->shape[1], 3);
    for (int64_t i = 0; i < 70000; i += 997) {
        ck_assert_double_eq(nb_get(t, (int64_t[]){i, 0}), (double)i);
        ck_assert_double_eq_tol(nb_get(t, (int64_t[]){i, 1}), (double)i + 0.1, 1e-9);
    }
    ck_assert_double_eq(nb_get(t, (int64_t[]){69999, 0}), 69999);
    ck_assert(isnan(nb_get(t, (int64_t[]){5, 2}))); /* missing stays missing */
    ck_assert_double_eq(nb_get(t, (int64_t[]){6, 2}), 2.5);
    nb_tensor *t32 = nb_csv_read_tensor(ctx, tmp_path("matrix.csv"), NB_F32, NULL, NULL);
    ck_assert(t32 && t32->dtype == NB_F32);
    ck_assert_float_eq(((float *)nb_data(t32))[3 * 100 + 1], 100.1f);
    FAILS_WITH(nb_csv_read_tensor(ctx, fixture("titanic.csv"), NB_F32, NULL, NULL),
               "column 'Name' is not numeric, so the file is not a matrix");
    FAILS_WITH(nb_csv_read_tensor(ctx, tmp_path("matrix.csv"), NB_I32, NULL, NULL),
               "need a context and a float dtype, got i32");
    FAILS_WITH(nb_csv_read_tensor(ctx, "/nonexistent.csv", NB_F32, NULL, NULL),
               "nb_csv_read_tensor: cannot open /nonexistent.csv");
    nb_ctx_free(ctx);
}
END_TEST

/* ------------------------------------------------------------------ */
/* IDX                                                                 */
/* ------------------------------------------------------------------ */

/* u8 2x3: 1..6; i16 [3]: -2, 300, 7 */
static const unsigned char idx_u8[] = {0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6};
static const unsigned char idx_i16[] = {0, 0, 0x0B, 1, 0, 0, 0, 3, 0xFF, 0xFE, 0x01, 0x2C, 0, 7};

static void write_file(const char *path, const void *data, size_t len, bool gz)
{
    if (gz) {
        gzFile f = gzopen(path, "wb");
        ck_assert_ptr_nonnull(f);
        ck_assert_int_eq(gzwrite(f, data, (unsigned)len), (int)len);
        gzclose(f);
    } else {
        FILE *f = fopen(path, "wb");
        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(fwrite(data, 1, len, f), len);
        fclose(f);
    }
}

START_TEST(idx_plain_and_gzip)
{
    nb_ctx *ctx = nb_ctx_new();
    for (int gz = 0; gz < 2; gz++) {
        write_file(tmp_path("a.idx"), idx_u8, sizeof idx_u8, gz);
        nb_tensor *t = nb_idx_read(ctx, tmp_path("a.idx"), NB_F32);
        ck_assert_msg(t != NULL, "%s", nb_last_error());
        ck_assert_int_eq(t->ndim, 2);
        ck_assert_int_eq(t->shape[0], 2);
        ck_assert_int_eq(t->shape[1], 3);
        for (int i = 0; i < 6; i++) NEAR(((float *)nb_data(t))[i], i + 1, 0);
    }
    nb_tensor *t = nb_idx_read_buffer(ctx, idx_i16, sizeof idx_i16, "s.idx", NB_I64);
    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(((int64_t *)nb_data(t))[0], -2);
    ck_assert_int_eq(((int64_t *)nb_data(t))[1], 300);
    ck_assert_int_eq(((int64_t *)nb_data(t))[2], 7);
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(idx_bad_input)
{
    nb_ctx *ctx = nb_ctx_new();
    unsigned char b[sizeof idx_u8];
    memcpy(b, idx_u8, sizeof b);
    FAILS_WITH(nb_idx_read_buffer(ctx, b, sizeof b - 1, "t.idx", NB_F32),
               "t.idx: byte 12: the dimensions need 6 bytes of data, the file has 5");
    FAILS_WITH(nb_idx_read_buffer(ctx, b, 3, "t.idx", NB_F32), "t.idx: byte 0: not an IDX file");
    b[2] = 0x0A;
    FAILS_WITH(nb_idx_read_buffer(ctx, b, sizeof b, "t.idx", NB_F32), "byte 2: unknown element type 0x0A");
    b[2] = 0x08, b[3] = 9;
    FAILS_WITH(nb_idx_read_buffer(ctx, b, sizeof b, "t.idx", NB_F32), "byte 3: 9 dimensions");
    b[3] = 2, b[1] = 1;
    FAILS_WITH(nb_idx_read_buffer(ctx, b, sizeof b, "t.idx", NB_F32), "not an IDX file");
    const unsigned char f32[] = {0, 0, 0x0D, 1, 0, 0, 0, 1, 0x3F, 0x80, 0, 0};
    FAILS_WITH(nb_idx_read_buffer(ctx, f32, sizeof f32, "f.idx", NB_I32), "read it as f32 or f64");
    nb_tensor *one = nb_idx_read_buffer(ctx, f32, sizeof f32, "f.idx", NB_F64);
    ck_assert_ptr_nonnull(one);
    NEAR(((double *)nb_data(one))[0], 1.0, 0);
    /* a gzip file cut short */
    write_file(tmp_path("cut.idx.gz"), idx_u8, sizeof idx_u8, true);
    size_t len;
    char *gz = slurp(tmp_path("cut.idx.gz"), &len);
    write_file(tmp_path("cut.idx.gz"), gz, len - 6, false);
    FAILS_WITH(nb_idx_read(ctx, tmp_path("cut.idx.gz"), NB_F32), "cut.idx.gz");
    char copy[4096];
    memcpy(copy, gz, len);
    FAILS_WITH(nb_idx_read_buffer(ctx, copy, len - 6, "cut.gz", NB_F32), "cut.gz");
    FAILS_WITH(nb_idx_read(ctx, tmp_path("none.idx"), NB_F32), "cannot open");
    FAILS_WITH(nb_idx_read(ctx, tmp_path("a.idx"), NB_BOOL), "dtype must be");
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(idx_fashion_mnist)
{
    const char *labels = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz";
    const char *images = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
    if (access(labels, R_OK) != 0) return; /* dataset-fashion-mnist not installed */
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *y = nb_idx_read(ctx, labels, NB_I64);
    ck_assert_msg(y != NULL, "%s", nb_last_error());
    ck_assert_int_eq(y->shape[0], 10000);
    /* the first test labels: ankle boot, pullover, trouser, trouser, shirt */
    const int64_t first[] = {9, 2, 1, 1, 6};
    for (int i = 0; i < 5; i++) ck_assert_int_eq(((int64_t *)nb_data(y))[i], first[i]);
    nb_tensor *x = nb_idx_read(ctx, images, NB_F32);
    ck_assert_msg(x != NULL, "%s", nb_last_error());
    ck_assert_int_eq(x->ndim, 3);
    ck_assert_int_eq(x->shape[0], 10000);
    ck_assert_int_eq(x->shape[1], 28);
    /* independent check with Python's gzip module: the first image's pixels
     * sum to 33456 and its centre pixel (14, 14) is 110 */
    double sum = 0;
    for (int i = 0; i < 784; i++) sum += ((float *)nb_data(x))[i];
    NEAR(sum, 33456, 0);
    NEAR(((float *)nb_data(x))[14 * 28 + 14], 110, 0);
    nb_ctx_free(ctx);
}
END_TEST

/* ------------------------------------------------------------------ */
/* .npy                                                                */
/* ------------------------------------------------------------------ */

START_TEST(npy_numpy_files)
{
    /* written by numpy 1.24 (np.save): arange in the stated layouts */
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *t = nb_npy_read(ctx, fixture("f4_c.npy"));
    ck_assert_msg(t != NULL, "%s", nb_last_error());
    ck_assert_int_eq(t->dtype, NB_F32);
    for (int i = 0; i < 6; i++) NEAR(((float *)nb_data(t))[i], i, 0);
    t = nb_npy_read(ctx, fixture("f8_be_fortran.npy"));
    ck_assert_msg(t != NULL, "%s", nb_last_error());
    ck_assert_int_eq(t->dtype, NB_F64);
    ck_assert_int_eq(t->shape[0], 2);
    for (int i = 0; i < 6; i++) NEAR(((double *)nb_data(t))[i], i, 0);
    t = nb_npy_read(ctx, fixture("i4_3d_fortran.npy"));
    ck_assert_msg(t != NULL, "%s", nb_last_error());
    ck_assert_int_eq(t->shape[2], 4);
    for (int i = 0; i < 24; i++) ck_assert_int_eq(((int32_t *)nb_data(t))[i], i);
    t = nb_npy_read(ctx, fixture("i8_be.npy"));
    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(((int64_t *)nb_data(t))[0], -1);
    ck_assert_int_eq(((int64_t *)nb_data(t))[2], 300000000000LL);
    t = nb_npy_read(ctx, fixture("b1.npy"));
    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(t->dtype, NB_BOOL);
    ck_assert_int_eq(((uint8_t *)nb_data(t))[1], 0);
    t = nb_npy_read(ctx, fixture("f8_scalar.npy"));
    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(t->ndim, 0);
    NEAR(((double *)nb_data(t))[0], 2.5, 0);
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(npy_write_read)
{
    nb_ctx *ctx = nb_ctx_new();
    const double v[] = {1.5, -2, 3e300, 0};
    nb_tensor *t = nb_from_data(ctx, NB_F64, NB_SHAPE(2, 2), v);
    ck_assert_int_eq(nb_npy_write(tmp_path("a.npy"), t), 0);
    size_t len;
    char *raw = slurp(tmp_path("a.npy"), &len);
    ck_assert_uint_eq(len, 128 + 32); /* header padded to 128 bytes, as numpy pads */
    ck_assert(strstr(raw + 10, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }") == raw + 10);
    nb_tensor *u = nb_npy_read(ctx, tmp_path("a.npy"));
    ck_assert_ptr_nonnull(u);
    ck_assert_int_eq(memcmp(nb_data(u), v, sizeof v), 0);
    const int32_t iv[] = {7, -8, 9};
    t = nb_from_data(ctx, NB_I32, NB_SHAPE(3), iv);
    ck_assert_int_eq(nb_npy_write(tmp_path("b.npy"), t), 0);
    raw = slurp(tmp_path("b.npy"), &len);
    ck_assert(strstr(raw + 10, "'shape': (3,)") != NULL);
    u = nb_npy_read(ctx, tmp_path("b.npy"));
    ck_assert_int_eq(memcmp(nb_data(u), iv, sizeof iv), 0);
    nb_ctx_free(ctx);
}
END_TEST

/* Written in each layout, a fixture read back comes out byte for byte as
 * NumPy wrote it (the fixtures are NumPy's own files). */
START_TEST(npy_write_layouts_match_numpy)
{
    static const struct {
        const char *file;
        nb_npy_write_options o;
    } cases[] = {
        {"f4_c.npy", {false, false}},
        {"f8_be_fortran.npy", {true, true}},
        {"i4_3d_fortran.npy", {false, true}},
        {"i8_be.npy", {true, false}},
        {"b1.npy", {false, false}},
        {"f8_scalar.npy", {false, false}},
    };
    nb_ctx *ctx = nb_ctx_new();
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        nb_tensor *t = nb_npy_read(ctx, fixture(cases[k].file));
        ck_assert_ptr_nonnull(t);
        ck_assert_int_eq(nb_npy_write_ex(tmp_path("w.npy"), t, &cases[k].o), 0);
        size_t want_len, got_len;
        char want[4096]; /* slurp's buffer is reused by the next call */
        memcpy(want, slurp(fixture(cases[k].file), &want_len), sizeof want);
        ck_assert_uint_lt(want_len, sizeof want);
        const char *got = slurp(tmp_path("w.npy"), &got_len);
        ck_assert_msg(got_len == want_len && !memcmp(got, want, want_len), "%s: not the bytes NumPy wrote",
                      cases[k].file);
    }
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(npy_bad_input)
{
    nb_ctx *ctx = nb_ctx_new();
    char buf[256];
    const char *head = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
#define NPY(h, datalen)                                                                    \
    (memcpy(buf, "\x93NUMPY\x01\x00", 8), buf[8] = (char)strlen(h), buf[9] = 0,             \
     memcpy(buf + 10, h, strlen(h)), memset(buf + 10 + strlen(h), 0, 16),                  \
     10 + strlen(h) + (datalen))
    size_t n = NPY(head, 8);
    nb_tensor *t = nb_npy_read_buffer(ctx, buf, n, "ok.npy");
    ck_assert_msg(t != NULL, "%s", nb_last_error());
    n = NPY(head, 7);
    FAILS_WITH(nb_npy_read_buffer(ctx, buf, n, "x.npy"), "the shape needs 8 bytes of data, the file has 7");
    FAILS_WITH(nb_npy_read_buffer(ctx, "NUMPY", 5, "x.npy"), "x.npy: byte 0: not a .npy file");
    n = NPY("{'descr': '<u2', 'fortran_order': False, 'shape': (2,), }", 4);
    FAILS_WITH(nb_npy_read_buffer(ctx, buf, n, "x.npy"), "dtype '<u2' is not supported");
    n = NPY("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,), }", 8);
    FAILS_WITH(nb_npy_read_buffer(ctx, buf, n, "x.npy"), "x.npy: byte 44: bad header: expected True or False");
    n = NPY("{'descr': '<f4', 'shape': (2,), }", 8);
    FAILS_WITH(nb_npy_read_buffer(ctx, buf, n, "x.npy"), "bad header");
    n = NPY("{'descr': '<f4', 'fortran_order': False, 'shape': (2,-1), }", 8);
    FAILS_WITH(nb_npy_read_buffer(ctx, buf, n, "x.npy"), "expected a tuple");
    n = NPY("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", 8);
    FAILS_WITH(nb_npy_read_buffer(ctx, buf, n, "x.npy"), "only the keys");
    buf[8] = (char)200;
    FAILS_WITH(nb_npy_read_buffer(ctx, buf, 40, "x.npy"), "header of 200 bytes runs past the end");
#undef NPY
    nb_ctx_free(ctx);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Datasets and labels                                                 */
/* ------------------------------------------------------------------ */

START_TEST(dataset_select_drop_rename_take)
{
    nb_dataset *ds = read_csv("titanic.csv");
    const char *keep[] = {"Age", "Sex"};
    nb_dataset *s = nb_dataset_select(ds, keep, 2);
    ck_assert_int_eq(nb_dataset_ncols(s), 2);
    ck_assert_str_eq(nb_dataset_col_name(s, 1), "Sex");
    const char *drop[] = {"Name", "Ticket", "Cabin"};
    nb_dataset *d = nb_dataset_drop(ds, drop, 3);
    ck_assert_int_eq(nb_dataset_ncols(d), 9);
    ck_assert_int_eq(nb_dataset_col_index(d, "Name"), -1);
    ck_assert_int_eq(nb_dataset_rename(d, "Sex", "sex"), 0);
    ck_assert_int_ge(nb_dataset_col_index(d, "sex"), 0);
    STATUS_FAILS_WITH(nb_dataset_rename(d, "sex", "Age"), "already exists");
    const int64_t rows[] = {21, 0, 0};
    nb_dataset *r = nb_dataset_take_rows(ds, rows, 3);
    ck_assert_int_eq(nb_dataset_nrows(r), 3);
    ck_assert_str_eq(str(r, "Name", 1), "Braund, Mr. Owen Harris");
    ck_assert(isnan(cell(r, "Age", 0)));
    const char *bad[] = {"Nope"};
    FAILS_WITH(nb_dataset_select(ds, bad, 1), "no column named 'Nope'");
    FAILS_WITH(nb_dataset_drop(ds, bad, 1), "no column named 'Nope'");
    const int64_t out[] = {22};
    FAILS_WITH(nb_dataset_take_rows(ds, out, 1), "rows[0] = 22 is outside 0..21");
    nb_dataset_free(s), nb_dataset_free(d), nb_dataset_free(r), nb_dataset_free(ds);
}
END_TEST

START_TEST(dataset_convert_and_tensors)
{
    nb_dataset *ds = read_csv("titanic.csv");
    int p = col(ds, "Pclass");
    ck_assert_int_eq(nb_dataset_convert(ds, p, NB_COL_CATEGORICAL), 0);
    ck_assert_str_eq(nb_dataset_string(ds, p, 1), "1");
    ck_assert_int_eq(nb_dataset_convert(ds, p, NB_COL_NUMERIC), 0);
    NEAR(nb_dataset_numeric(ds, p)[0], 3, 0);
    STATUS_FAILS_WITH(nb_dataset_convert(ds, col(ds, "Sex"), NB_COL_NUMERIC), "'male' is not a number");
    const char *keep[] = {"Survived", "Age", "Fare"};
    nb_dataset *s = nb_dataset_select(ds, keep, 3);
    ck_assert_int_eq(nb_dataset_set_target(s, "Survived"), 0);
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *X = nb_dataset_to_tensor(ctx, s, NB_F32);
    ck_assert_ptr_nonnull(X);
    ck_assert_int_eq(X->shape[0], 22);
    ck_assert_int_eq(X->shape[1], 2); /* the target is left out */
    NEAR(((float *)nb_data(X))[1 * 2 + 1], 71.2833f, 0);
    ck_assert(isnan(((float *)nb_data(X))[5 * 2]));
    nb_tensor *y = nb_dataset_target_tensor(ctx, s, NB_F64);
    NEAR(((double *)nb_data(y))[1], 1, 0);
    ck_assert_int_eq(nb_dataset_set_target(s, "Age"), 0);
    FAILS_WITH(nb_dataset_target_tensor(ctx, s, NB_F64), "target 'Age' is missing in row 6");
    FAILS_WITH(nb_dataset_to_tensor(ctx, s, NB_I32), "dtype must be f32 or f64");
    nb_ctx_free(ctx);
    nb_dataset_free(s), nb_dataset_free(ds);
}
END_TEST

START_TEST(labels_map_and_json)
{
    nb_csv_options o = nb_csv_options_default();
    o.target = "Embarked";
    nb_dataset *ds = nb_csv_read(fixture("titanic.csv"), &o, NULL);
    nb_ctx *ctx = nb_ctx_new();
    nb_label_map *map = NULL;
    FAILS_WITH(nb_labels_fit(ctx, ds, &map), "target 'Embarked' is missing in row 21");
    ck_assert_int_eq(nb_dataset_set_target(ds, "Sex"), 0);
    nb_tensor *y = nb_labels_fit(ctx, ds, &map);
    ck_assert_ptr_nonnull(y);
    ck_assert_int_eq(nb_label_map_count(map), 2);
    ck_assert_str_eq(nb_label_map_name(map, 0), "female"); /* sorted bytewise */
    ck_assert_int_eq(((int64_t *)nb_data(y))[0], 1);        /* male */
    ck_assert_int_eq(((int64_t *)nb_data(y))[1], 0);
    char *json = nb_label_map_to_json(map);
    ck_assert_str_eq(json, "{\"format\":\"nabla-labels\",\"classes\":[\"female\",\"male\"]}");
    nb_label_map *back = nb_label_map_from_json(json);
    ck_assert_ptr_nonnull(back);
    ck_assert_str_eq(nb_label_map_name(back, 1), "male");
    free(json);
    /* numeric targets: classes by value, named by their shortest text */
    ck_assert_int_eq(nb_dataset_set_target(ds, "Pclass"), 0);
    nb_label_map *pm = NULL;
    y = nb_labels_fit(ctx, ds, &pm);
    ck_assert_str_eq(nb_label_map_name(pm, 2), "3");
    ck_assert_int_eq(((int64_t *)nb_data(y))[0], 2);
    /* a label the map has not seen */
    FAILS_WITH(nb_labels_apply(ctx, back, ds), "label '3' was not seen in training");
    FAILS_WITH(nb_label_map_from_json("{\"classes\": [1]}"), "classes[0] is not a string");
    FAILS_WITH(nb_label_map_from_json("{\"classes\": ["), "nb_label_map_from_json: 1:");
    nb_label_map_free(map), nb_label_map_free(back), nb_label_map_free(pm);
    nb_ctx_free(ctx);
    nb_dataset_free(ds);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Pipeline steps, each against hand-worked values                     */
/* ------------------------------------------------------------------ */

/* x = 1, missing, 3, 3, 10; c = b, a, missing, b, a */
static nb_dataset *small(void)
{
    nb_dataset *ds = nb_dataset_new(5);
    const double x[] = {1, NAN, 3, 3, 10};
    const char *c[] = {"b", "a", NULL, "b", "a"};
    ck_assert_int_eq(nb_dataset_add_numeric(ds, "x", x), 0);
    ck_assert_int_eq(nb_dataset_add_strings(ds, "c", NB_COL_CATEGORICAL, c), 0);
    return ds;
}

static nb_dataset *run_step(const nb_dataset *ds, nb_step_options o, int64_t *count)
{
    nb_pipeline *p = nb_pipeline_new();
    ck_assert_int_eq(nb_pipeline_add(p, &o), 0);
    nb_dataset *out = nb_pipeline_fit_apply(p, ds);
    ck_assert_msg(out != NULL, "%s", nb_last_error());
    if (count) *count = nb_pipeline_step_count(p, 0);
    nb_pipeline_free(p);
    return out;
}

START_TEST(step_impute)
{
    nb_dataset *ds = small();
    const char *xs[] = {"x"}, *cs[] = {"c"};
    nb_step_options o = nb_step_options_default(NB_STEP_IMPUTE);
    o.columns = xs, o.ncolumns = 1;
    /* present x: 1, 3, 3, 10 -> mean 17/4, median (3+3)/2, mode 3 */
    const struct { nb_impute_strategy s; double want; } cases[] = {
        {NB_IMPUTE_MEAN, 4.25}, {NB_IMPUTE_MEDIAN, 3}, {NB_IMPUTE_MOST_FREQUENT, 3}, {NB_IMPUTE_CONSTANT, -1}};
    for (int k = 0; k < 4; k++) {
        o.impute = cases[k].s;
        o.fill_number = -1;
        int64_t n;
        nb_dataset *out = run_step(ds, o, &n);
        NEAR(cell(out, "x", 1), cases[k].want, 0);
        NEAR(cell(out, "x", 4), 10, 0);
        ck_assert_int_eq(n, 1);
        nb_dataset_free(out);
    }
    /* strings: a and b twice each -> the tie goes to "a"; indicator follows */
    o.columns = cs, o.impute = NB_IMPUTE_MOST_FREQUENT, o.add_indicator = true;
    nb_dataset *out = run_step(ds, o, NULL);
    ck_assert_str_eq(str(out, "c", 2), "a");
    ck_assert_int_eq(col(out, "c_missing"), col(out, "c") + 1);
    NEAR(cell(out, "c_missing", 2), 1, 0);
    NEAR(cell(out, "c_missing", 0), 0, 0);
    nb_dataset_free(out);
    o.impute = NB_IMPUTE_CONSTANT, o.fill_string = "unknown", o.add_indicator = false;
    out = run_step(ds, o, NULL);
    ck_assert_str_eq(str(out, "c", 2), "unknown");
    nb_dataset_free(out);
    /* errors */
    o.impute = NB_IMPUTE_MEAN;
    nb_pipeline *p = nb_pipeline_new();
    nb_pipeline_add(p, &o);
    FAILS_WITH(nb_pipeline_fit_apply(p, ds), "impute step: column 'c' is categorical; mean needs numbers");
    nb_pipeline_free(p);
    nb_dataset_free(ds);
}
END_TEST

START_TEST(step_scale)
{
    nb_dataset *ds = nb_dataset_new(4);
    const double x[] = {1, 2, 3, 4}, r[] = {1, 2, 3, 100};
    nb_dataset_add_numeric(ds, "x", x);
    nb_dataset_add_numeric(ds, "r", r);
    const char *xs[] = {"x"}, *rs[] = {"r"};
    nb_step_options o = nb_step_options_default(NB_STEP_SCALE);
    o.columns = xs, o.ncolumns = 1;
    /* standard: mean 2.5, population std sqrt(((1.5^2 + 0.5^2) * 2) / 4) = sqrt(1.25) */
    nb_dataset *out = run_step(ds, o, NULL);
    NEAR(cell(out, "x", 0), -1.5 / sqrt(1.25), 1e-15);
    NEAR(cell(out, "x", 3), 1.5 / sqrt(1.25), 1e-15);
    NEAR(cell(out, "r", 3), 100, 0); /* not listed, untouched */
    nb_dataset_free(out);
    o.scale = NB_SCALE_MINMAX;
    out = run_step(ds, o, NULL);
    NEAR(cell(out, "x", 1), 1.0 / 3, 1e-15);
    NEAR(cell(out, "x", 3), 1, 0);
    nb_dataset_free(out);
    /* robust on 1, 2, 3, 100: median 2.5; q25 at h = 0.75 -> 1.75, q75 at
     * h = 2.25 -> 3 + 0.25 * 97 = 27.25; IQR 25.5 */
    o.scale = NB_SCALE_ROBUST, o.columns = rs;
    out = run_step(ds, o, NULL);
    NEAR(cell(out, "r", 0), (1 - 2.5) / 25.5, 1e-15);
    NEAR(cell(out, "r", 3), (100 - 2.5) / 25.5, 1e-13);
    nb_dataset_free(out);
    nb_dataset_free(ds);
    /* a categorical column cannot be scaled */
    ds = small();
    const char *cs[] = {"c"};
    o.columns = cs;
    nb_pipeline *p = nb_pipeline_new();
    nb_pipeline_add(p, &o);
    FAILS_WITH(nb_pipeline_fit_apply(p, ds), "scale step: column 'c' is categorical; encode it first");
    nb_pipeline_free(p);
    nb_dataset_free(ds);
}
END_TEST

START_TEST(step_onehot_ordinal)
{
    nb_dataset *train = small();
    nb_step_options o = nb_step_options_default(NB_STEP_ONEHOT); /* auto: the categorical c */
    nb_pipeline *p = nb_pipeline_new();
    nb_pipeline_add(p, &o);
    nb_dataset *out = nb_pipeline_fit_apply(p, train);
    ck_assert_ptr_nonnull(out);
    ck_assert_int_eq(nb_dataset_ncols(out), 3);
    ck_assert_str_eq(nb_dataset_col_name(out, 1), "c=a");
    ck_assert_str_eq(nb_dataset_col_name(out, 2), "c=b");
    const double a[] = {0, 1, 0, 0, 1}, b[] = {1, 0, 0, 1, 0}; /* row 3 missing: zeros */
    for (int i = 0; i < 5; i++) NEAR(cell(out, "c=a", i), a[i], 0), NEAR(cell(out, "c=b", i), b[i], 0);
    nb_dataset_free(out);
    /* new data with an unseen category */
    nb_dataset *test = nb_dataset_new(2);
    const char *c[] = {"z", "b"};
    const double x[] = {0, 0};
    nb_dataset_add_numeric(test, "x", x);
    nb_dataset_add_strings(test, "c", NB_COL_TEXT, c); /* text at apply: converted */
    out = nb_pipeline_apply(p, test);
    ck_assert_ptr_nonnull(out);
    NEAR(cell(out, "c=a", 0) + cell(out, "c=b", 0), 0, 0);
    NEAR(cell(out, "c=b", 1), 1, 0);
    ck_assert_int_eq(nb_pipeline_step_count(p, 0), 1);
    nb_dataset_free(out);
    nb_pipeline_free(p);
    o.unknown = NB_UNKNOWN_ERROR;
    p = nb_pipeline_new();
    nb_pipeline_add(p, &o);
    ck_assert_int_eq(nb_pipeline_fit(p, train), 0);
    FAILS_WITH(nb_pipeline_apply(p, test), "onehot step: column 'c', row 1: category 'z' was not seen at fit");
    nb_pipeline_free(p);
    /* ordinal: a -> 0, b -> 1, missing stays, unseen -> missing */
    o = nb_step_options_default(NB_STEP_ORDINAL);
    p = nb_pipeline_new();
    nb_pipeline_add(p, &o);
    out = nb_pipeline_fit_apply(p, train);
    const double want[] = {1, 0, NAN, 1, 0};
    for (int i = 0; i < 5; i++)
        ck_assert(cell(out, "c", i) == want[i] || (isnan(want[i]) && isnan(cell(out, "c", i))));
    nb_dataset_free(out);
    out = nb_pipeline_apply(p, test);
    ck_assert(isnan(cell(out, "c", 0)));
    NEAR(cell(out, "c", 1), 1, 0);
    nb_dataset_free(out);
    nb_pipeline_free(p);
    nb_dataset_free(train), nb_dataset_free(test);
}
END_TEST

START_TEST(step_outliers)
{
    nb_dataset *ds = nb_dataset_new(5);
    const double x[] = {1, 2, 3, 4, 100}, z[] = {0, 0, 0, 0, 10};
    nb_dataset_add_numeric(ds, "x", x);
    nb_dataset_add_numeric(ds, "z", z);
    const char *xs[] = {"x"}, *zs[] = {"z"};
    nb_step_options o = nb_step_options_default(NB_STEP_OUTLIER);
    o.columns = xs, o.ncolumns = 1;
    /* q25 = 2, q75 = 4, IQR 2: fences [2 - 3, 4 + 3] = [-1, 7] */
    int64_t n;
    nb_dataset *out = run_step(ds, o, &n);
    NEAR(cell(out, "x", 4), 7, 0);
    NEAR(cell(out, "x", 0), 1, 0);
    ck_assert_int_eq(n, 1);
    nb_dataset_free(out);
    /* z: mean 2, population std sqrt((4 * 4 + 64) / 5) = 4; t = 1 -> [-2, 6] */
    o.columns = zs, o.outlier = NB_OUTLIER_CLIP_Z, o.threshold = 1;
    out = run_step(ds, o, &n);
    NEAR(cell(out, "z", 4), 6, 0);
    ck_assert_int_eq(n, 1);
    nb_dataset_free(out);
    /* dropping: the training row goes, new rows never do */
    o.columns = xs, o.outlier = NB_OUTLIER_DROP_IQR, o.threshold = 0;
    nb_pipeline *p = nb_pipeline_new();
    nb_pipeline_add(p, &o);
    out = nb_pipeline_fit_apply(p, ds);
    ck_assert_int_eq(nb_dataset_nrows(out), 4);
    ck_assert_int_eq(nb_pipeline_step_count(p, 0), 1);
    nb_dataset_free(out);
    out = nb_pipeline_apply(p, ds);
    ck_assert_int_eq(nb_dataset_nrows(out), 5);
    NEAR(cell(out, "x", 4), 100, 0);
    nb_dataset_free(out);
    nb_pipeline_free(p);
    nb_dataset_free(ds);
}
END_TEST

START_TEST(step_poly)
{
    nb_dataset *ds = nb_dataset_new(2);
    const double a[] = {1, 2}, b[] = {3, 4};
    nb_dataset_add_numeric(ds, "a", a);
    nb_dataset_add_numeric(ds, "b", b);
    nb_step_options o = nb_step_options_default(NB_STEP_POLY);
    nb_dataset *out = run_step(ds, o, NULL);
    const char *names[] = {"a", "b", "a^2", "a*b", "b^2"};
    ck_assert_int_eq(nb_dataset_ncols(out), 5);
    for (int j = 0; j < 5; j++) ck_assert_str_eq(nb_dataset_col_name(out, j), names[j]);
    NEAR(cell(out, "a*b", 1), 8, 0);
    NEAR(cell(out, "b^2", 1), 16, 0);
    nb_dataset_free(out);
    o.degree = 3;
    out = run_step(ds, o, NULL);
    const char *names3[] = {"a^3", "a^2*b", "a*b^2", "b^3"};
    ck_assert_int_eq(nb_dataset_ncols(out), 9);
    for (int j = 0; j < 4; j++) ck_assert_str_eq(nb_dataset_col_name(out, 5 + j), names3[j]);
    NEAR(cell(out, "a^2*b", 1), 16, 0);
    nb_dataset_free(out);
    o.degree = 4;
    nb_pipeline *p = nb_pipeline_new();
    STATUS_FAILS_WITH(nb_pipeline_add(p, &o), "nb_pipeline_add: degree must be 2 or 3");
    nb_pipeline_free(p);
    nb_dataset_free(ds);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The "done" scenario: Titanic through a saved and reloaded pipeline  */
/* ------------------------------------------------------------------ */

static nb_dataset *titanic_features(const char *file)
{
    nb_csv_options o = nb_csv_options_default();
    o.target = "Survived";
    nb_dataset *raw = nb_csv_read(fixture(file), &o, NULL);
    ck_assert_msg(raw != NULL, "%s", nb_last_error());
    const char *drop[] = {"PassengerId", "Name", "Ticket", "Cabin"};
    nb_dataset *ds = nb_dataset_drop(raw, drop, 4);
    nb_dataset_free(raw);
    return ds;
}

START_TEST(pipeline_titanic_save_reload)
{
    nb_dataset *ds = titanic_features("titanic.csv");
    nb_pipeline *p = nb_pipeline_new_default(true);
    nb_dataset *fitted = nb_pipeline_fit_apply(p, ds);
    ck_assert_msg(fitted != NULL, "%s", nb_last_error());
    /* Survived (target) untouched; Sex and Embarked one-hot at their places */
    const char *names[] = {"Survived", "Pclass", "Sex=female", "Sex=male", "Age", "SibSp", "Parch",
                           "Fare", "Embarked=C", "Embarked=Q", "Embarked=S"};
    ck_assert_int_eq(nb_dataset_ncols(fitted), 11);
    for (int j = 0; j < 11; j++) ck_assert_str_eq(nb_dataset_col_name(fitted, j), names[j]);
    ck_assert_int_eq(nb_dataset_target(fitted), 0);
    NEAR(cell(fitted, "Survived", 1), 1, 0);
    /* Age: median of the 18 present ages (sorted 2 2 4 14 14 20 22 26 27 31
     * 35 35 38 39 54 55 58 62) is (27 + 31) / 2 = 29; after filling the 4
     * gaps the mean is (538 + 4 * 29) / 22 = 654 / 22, and row 6 (missing)
     * scales to (29 - 654/22) / std. */
    double mean = 654.0 / 22, ss = 0;
    const double ages[] = {22, 38, 26, 35, 35, 29, 54, 2, 27, 14, 4, 58, 20, 39, 14, 55, 2, 29, 31, 29, 62, 29};
    for (int i = 0; i < 22; i++) ss += (ages[i] - mean) * (ages[i] - mean);
    NEAR(cell(fitted, "Age", 5), (29 - mean) / sqrt(ss / 22), 1e-12);
    /* Embarked: S is most frequent (15 of 21), so row 21's gap is S */
    NEAR(cell(fitted, "Embarked=S", 20), 1, 0);
    NEAR(cell(fitted, "Embarked=C", 20), 0, 0);
    /* Sex is not scaled: one-hot comes after scaling */
    NEAR(cell(fitted, "Sex=male", 0), 1, 0);

    char *json = nb_pipeline_to_json(p);
    ck_assert_ptr_nonnull(json);
    nb_pipeline *back = nb_pipeline_from_json(json);
    ck_assert_msg(back != NULL, "%s", nb_last_error());
    char *json2 = nb_pipeline_to_json(back);
    ck_assert_str_eq(json, json2);
    ck_assert_int_eq(nb_pipeline_input_kind(back, "Embarked"), NB_COL_CATEGORICAL);
    /* the reloaded pipeline on the raw rows (also the CRLF copy) gives
     * exactly the training transform */
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *want = nb_dataset_to_tensor(ctx, fitted, NB_F64);
    const char *files[] = {"titanic.csv", "titanic_crlf.csv"};
    for (int k = 0; k < 2; k++) {
        nb_dataset *again = titanic_features(files[k]);
        nb_dataset *out = nb_pipeline_apply(back, again);
        ck_assert_msg(out != NULL, "%s", nb_last_error());
        nb_tensor *got = nb_dataset_to_tensor(ctx, out, NB_F64);
        ck_assert_int_eq(nb_numel(got), nb_numel(want));
        ck_assert_int_eq(memcmp(nb_data(got), nb_data(want), (size_t)nb_numel(want) * 8), 0);
        nb_dataset_free(again), nb_dataset_free(out);
    }
    /* a small prediction file: Embarked has one value, a missing Age */
    const char *pred = "Pclass,Sex,Age,SibSp,Parch,Fare,Embarked\n3,male,,0,0,8.05,Q\n";
    nb_dataset *few = nb_csv_read_buffer(pred, strlen(pred), "pred.csv", NULL, NULL);
    nb_dataset *out = nb_pipeline_apply(back, few);
    ck_assert_msg(out != NULL, "%s", nb_last_error());
    NEAR(cell(out, "Age", 0), (29 - mean) / sqrt(ss / 22), 1e-12);
    NEAR(cell(out, "Embarked=Q", 0), 1, 0);
    nb_dataset_free(out), nb_dataset_free(few);
    free(json), free(json2);
    nb_ctx_free(ctx);
    nb_pipeline_free(p), nb_pipeline_free(back);
    nb_dataset_free(fitted), nb_dataset_free(ds);
}
END_TEST

START_TEST(pipeline_json_errors)
{
    FAILS_WITH(nb_pipeline_from_json("{\n  \"format\": }"), "nb_pipeline_from_json: 2:");
    FAILS_WITH(nb_pipeline_from_json("[1]"), "expected a JSON object");
    FAILS_WITH(nb_pipeline_from_json("{\"format\": \"other\"}"), "format: expected \"nabla-pipeline\"");
    const char *head = "{\"format\": \"nabla-pipeline\", \"version\": 1, \"fitted\": false, "
                       "\"target\": null, \"input\": [], \"steps\": [";
    char buf[512];
    snprintf(buf, sizeof buf, "%s{\"step\": \"scale\", \"auto_columns\": true, \"columns\": [], "
                              "\"method\": \"zz\"}]}", head);
    FAILS_WITH(nb_pipeline_from_json(buf), "steps[0].method: expected standard, minmax or robust");
    snprintf(buf, sizeof buf, "%s{\"step\": \"scale\", \"auto_columns\": true, \"columns\": [], "
                              "\"method\": \"minmax\"}, {\"step\": \"fold\"}]}", head);
    FAILS_WITH(nb_pipeline_from_json(buf), "steps[1].step: expected one of impute");
    snprintf(buf, sizeof buf, "%s{\"step\": \"poly\", \"columns\": [\"a\"], \"degree\": 5}]}", head);
    FAILS_WITH(nb_pipeline_from_json(buf), "steps[0].degree: expected 2 or 3");
    /* an unfitted pipeline saved from JSON can be fitted */
    snprintf(buf, sizeof buf, "%s{\"step\": \"scale\", \"auto_columns\": true, \"columns\": [], "
                              "\"method\": \"minmax\"}]}", head);
    nb_pipeline *p = nb_pipeline_from_json(buf);
    ck_assert_ptr_nonnull(p);
    nb_dataset *ds = small();
    FAILS_WITH(nb_pipeline_apply(p, ds), "not fitted");
    nb_dataset *out = nb_pipeline_fit_apply(p, ds);
    ck_assert_ptr_nonnull(out);
    NEAR(cell(out, "x", 4), 1, 0);
    nb_dataset_free(out), nb_dataset_free(ds);
    /* fitted state with the wrong length */
    char *json = nb_pipeline_to_json(p);
    char *at = strstr(json, "\"scale\": [");
    ck_assert_ptr_nonnull(at);
    memcpy(at + 1, "scalx", 5);
    FAILS_WITH(nb_pipeline_from_json(json), "steps[0].scale: expected an array of 1 numbers");
    free(json);
    nb_pipeline_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Splits                                                              */
/* ------------------------------------------------------------------ */

static nb_tensor *labels(nb_ctx *ctx, const int64_t *y, int64_t n)
{
    return nb_from_data(ctx, NB_I64, NB_SHAPE(n), y);
}

START_TEST(split_train_test)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 7);
    nb_tensor *tr, *te;
    ck_assert_int_eq(nb_split_train_test(ctx, 10, 0.25, NULL, &rng, &tr, &te), 0);
    ck_assert_int_eq(te->shape[0], 3); /* ceil(2.5) */
    ck_assert_int_eq(tr->shape[0], 7);
    int seen[10] = {0};
    for (int i = 0; i < 7; i++) seen[((int64_t *)nb_data(tr))[i]]++;
    for (int i = 0; i < 3; i++) seen[((int64_t *)nb_data(te))[i]]++;
    for (int i = 0; i < 10; i++) ck_assert_int_eq(seen[i], 1);
    /* same seed, same split */
    nb_tensor *tr2, *te2;
    nb_rng_seed(&rng, 7);
    nb_split_train_test(ctx, 10, 0.25, NULL, &rng, &tr2, &te2);
    ck_assert_int_eq(memcmp(nb_data(te), nb_data(te2), 3 * 8), 0);
    /* stratified, classes of 5, 3 and 2 rows, test 30% -> 3 rows: floors
     * 15/10 = 1, 9/10 = 0, 6/10 = 0; remainders 5, 9, 6 give the two rows
     * still owed to classes 1 and 2: one test row per class */
    const int64_t y[] = {0, 1, 0, 2, 0, 1, 0, 2, 0, 1};
    nb_tensor *strata = labels(ctx, y, 10);
    ck_assert_int_eq(nb_split_train_test(ctx, 10, 0.3, strata, &rng, &tr, &te), 0);
    int per[3] = {0};
    for (int i = 0; i < 3; i++) per[y[((int64_t *)nb_data(te))[i]]]++;
    ck_assert(per[0] == 1 && per[1] == 1 && per[2] == 1);
    /* 6 zeros and 4 ones at 50%: exactly 3 and 2 */
    const int64_t y2[] = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1};
    ck_assert_int_eq(nb_split_train_test(ctx, 10, 0.5, labels(ctx, y2, 10), &rng, &tr, &te), 0);
    int ones = 0;
    for (int i = 0; i < 5; i++) ones += (int)y2[((int64_t *)nb_data(te))[i]];
    ck_assert_int_eq(ones, 2);
    STATUS_FAILS_WITH(nb_split_train_test(ctx, 10, 1.0, NULL, &rng, &tr, &te), "test_fraction 1");
    STATUS_FAILS_WITH(nb_split_train_test(ctx, 1, 0.5, NULL, &rng, &tr, &te), "of 1 rows");
    const int64_t bad[] = {0, -1};
    STATUS_FAILS_WITH(nb_split_train_test(ctx, 2, 0.5, labels(ctx, bad, 2), &rng, &tr, &te),
                      "strata[1] = -1");
    nb_ctx_free(ctx);
}
END_TEST

START_TEST(split_kfold)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 3);
    nb_tensor *folds = nb_kfold(ctx, 10, 3, NULL, &rng);
    ck_assert_ptr_nonnull(folds);
    int size[3] = {0};
    for (int i = 0; i < 10; i++) size[((int64_t *)nb_data(folds))[i]]++;
    ck_assert(size[0] == 4 && size[1] == 3 && size[2] == 3);
    /* unshuffled: consecutive runs */
    folds = nb_kfold(ctx, 5, 2, NULL, NULL);
    const int64_t runs[] = {0, 0, 0, 1, 1};
    ck_assert_int_eq(memcmp(nb_data(folds), runs, sizeof runs), 0);
    nb_tensor *tr, *te;
    ck_assert_int_eq(nb_kfold_split(ctx, folds, 1, &tr, &te), 0);
    ck_assert_int_eq(te->shape[0], 2);
    ck_assert_int_eq(((int64_t *)nb_data(te))[0], 3);
    ck_assert_int_eq(tr->shape[0], 3);
    /* stratified: 6 of class 0, 3 of class 1 over 3 folds -> 2 + 1 each */
    const int64_t y[] = {0, 0, 0, 0, 0, 0, 1, 1, 1};
    folds = nb_kfold(ctx, 9, 3, labels(ctx, y, 9), &rng);
    int per[3][2] = {{0}};
    for (int i = 0; i < 9; i++) per[((int64_t *)nb_data(folds))[i]][y[i]]++;
    for (int f = 0; f < 3; f++) ck_assert(per[f][0] == 2 && per[f][1] == 1);
    FAILS_WITH(nb_kfold(ctx, 5, 1, NULL, NULL), "need 2 <= k <= n, got k = 1");
    FAILS_WITH(nb_kfold(ctx, 3, 4, NULL, NULL), "k = 4, n = 3");
    STATUS_FAILS_WITH(nb_kfold_split(ctx, folds, 5, &tr, &te), "fold 5 has 0 of 9 rows");
    nb_ctx_free(ctx);
}
END_TEST

/* ------------------------------------------------------------------ */
/* describe                                                            */
/* ------------------------------------------------------------------ */

START_TEST(describe_titanic)
{
    nb_dataset *ds = read_csv("titanic.csv");
    nb_summary *s = nb_describe(ds);
    ck_assert_ptr_nonnull(s);
    const nb_col_summary *age = &s->cols[col(ds, "Age")];
    /* hand-worked from the 18 sorted ages above: sum 538; quartiles at
     * h = 17 p: 4.25 -> 14 + 0.25 * 6 = 15.5, 8.5 -> 29, 12.75 -> 38.75.
     * The sample std 19.019769556619977 is pandas 1.5's on the same file. */
    ck_assert_int_eq(age->count, 18);
    ck_assert_int_eq(age->missing, 4);
    NEAR(age->mean, 538.0 / 18, 1e-13);
    NEAR(age->std, 19.019769556619977, 1e-12);
    NEAR(age->min, 2, 0);
    NEAR(age->q25, 15.5, 0);
    NEAR(age->q50, 29, 0);
    NEAR(age->q75, 38.75, 0);
    NEAR(age->max, 62, 0);
    ck_assert_int_eq(age->distinct, 15); /* 2, 14, 35 twice */
    ck_assert_str_eq(age->top[0], "2");  /* ties by count go to the smaller value */
    ck_assert_int_eq(age->top_count[0], 2);
    /* Fare quartiles as pandas: 8.05, 16.35, 29.83435 */
    const nb_col_summary *fare = &s->cols[col(ds, "Fare")];
    NEAR(fare->q25, 8.05, 1e-12);
    NEAR(fare->q50, 16.35, 1e-12);
    NEAR(fare->q75, 29.83435, 1e-12);
    const nb_col_summary *emb = &s->cols[col(ds, "Embarked")];
    ck_assert_int_eq(emb->distinct, 3);
    ck_assert_str_eq(emb->top[0], "S");
    ck_assert_int_eq(emb->top_count[0], 15);
    ck_assert_str_eq(emb->top[1], "C"); /* C and Q tie at 3: bytewise */
    ck_assert(isnan(emb->mean));
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ck_assert_int_eq(nb_describe_print(f, s), 0);
    fclose(f);
    ck_assert(strstr(text, "22 rows, 12 columns") != NULL);
    ck_assert(strstr(text, "Age") && strstr(text, "29.8889") && strstr(text, "38.75"));
    ck_assert(strstr(text, "S (15), C (3), Q (3)") != NULL);
    free(text);
    nb_summary_free(s);
    nb_dataset_free(ds);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Synthetic sets                                                      */
/* ------------------------------------------------------------------ */

START_TEST(synth_sets)
{
    nb_rng rng;
    nb_synth_options o = nb_synth_options_default();
    nb_rng_seed(&rng, 1);
    nb_dataset *a = nb_make_blobs(&o, &rng);
    nb_rng_seed(&rng, 1);
    nb_dataset *b = nb_make_blobs(&o, &rng);
    assert_same(a, b); /* same seed, same data */
    ck_assert_int_eq(nb_dataset_nrows(a), 100);
    ck_assert_int_eq(nb_dataset_target(a), 2);
    int count[3] = {0};
    for (int i = 0; i < 100; i++) count[(int)cell(a, "y", i)]++;
    ck_assert(count[0] == 34 && count[1] == 33 && count[2] == 33);
    nb_dataset_free(a), nb_dataset_free(b);
    /* noiseless moons and circles lie on their curves */
    a = nb_make_moons(&o, &rng);
    b = nb_make_circles(&o, &rng);
    for (int i = 0; i < 100; i++) {
        double x = cell(a, "x1", i), y = cell(a, "x2", i);
        if (cell(a, "y", i) == 0) NEAR(x * x + y * y, 1, 1e-12);
        else NEAR((1 - x) * (1 - x) + (0.5 - y) * (0.5 - y), 1, 1e-12);
        x = cell(b, "x1", i), y = cell(b, "x2", i);
        NEAR(sqrt(x * x + y * y), cell(b, "y", i) == 0 ? 1 : 0.8, 1e-12);
    }
    nb_dataset_free(a), nb_dataset_free(b);
    /* regression without informative features or noise is all zeros */
    o.n_informative = 0;
    o.n_features = 3;
    a = nb_make_regression(&o, &rng);
    for (int i = 0; i < 100; i++) NEAR(cell(a, "y", i), 0, 0);
    nb_dataset_free(a);
    /* classification: 2 informative + 1 redundant (a linear mix) + 1 noise */
    o.n_informative = 2, o.n_redundant = 1, o.n_features = 4;
    a = nb_make_classification(&o, &rng);
    ck_assert_int_eq(nb_dataset_ncols(a), 5);
    int ones = 0;
    for (int i = 0; i < 100; i++) ones += cell(a, "y", i) == 1;
    ck_assert_int_eq(ones, 50);
    nb_dataset_free(a);
    o.n_classes = 5; /* 5 > 2^2 vertices */
    FAILS_WITH(nb_make_classification(&o, &rng), "n_classes <= 2^n_informative");
    o.n_samples = 0;
    FAILS_WITH(nb_make_blobs(&o, &rng), "need n_samples >= 1");
}
END_TEST

/* ------------------------------------------------------------------ */

static Suite *data_suite(void)
{
    Suite *s = suite_create("data");
    TCase *csv = tcase_create("csv");
    tcase_add_test(csv, csv_titanic_shape_and_kinds);
    tcase_add_test(csv, csv_crlf_and_bom_variants_match);
    tcase_add_test(csv, csv_tiny_chunks_match);
    tcase_add_test(csv, csv_embedded_newline_and_line_numbers);
    tcase_add_test(csv, csv_tsv_quoting_off);
    tcase_add_test(csv, csv_no_header_generated_names);
    tcase_add_test(csv, csv_missing_tokens);
    tcase_add_test(csv, csv_promotion_keeps_spelling);
    tcase_add_test(csv, csv_type_overrides);
    tcase_add_test(csv, csv_numbers);
    tcase_add_test(csv, csv_bad_files);
    tcase_add_test(csv, csv_skip_bad_rows);
    tcase_add_test(csv, csv_write_quoting);
    tcase_add_test(csv, csv_write_round_trip);
    tcase_add_test(csv, csv_read_tensor);
    suite_add_tcase(s, csv);
    TCase *bin = tcase_create("binary");
    tcase_add_test(bin, idx_plain_and_gzip);
    tcase_add_test(bin, idx_bad_input);
    tcase_add_test(bin, idx_fashion_mnist);
    tcase_add_test(bin, npy_numpy_files);
    tcase_add_test(bin, npy_write_read);
    tcase_add_test(bin, npy_write_layouts_match_numpy);
    tcase_add_test(bin, npy_bad_input);
    suite_add_tcase(s, bin);
    TCase *ds = tcase_create("dataset");
    tcase_add_test(ds, dataset_select_drop_rename_take);
    tcase_add_test(ds, dataset_convert_and_tensors);
    tcase_add_test(ds, labels_map_and_json);
    tcase_add_test(ds, describe_titanic);
    tcase_add_test(ds, synth_sets);
    suite_add_tcase(s, ds);
    TCase *pipe = tcase_create("pipeline");
    tcase_add_test(pipe, step_impute);
    tcase_add_test(pipe, step_scale);
    tcase_add_test(pipe, step_onehot_ordinal);
    tcase_add_test(pipe, step_outliers);
    tcase_add_test(pipe, step_poly);
    tcase_add_test(pipe, pipeline_titanic_save_reload);
    tcase_add_test(pipe, pipeline_json_errors);
    tcase_add_test(pipe, split_train_test);
    tcase_add_test(pipe, split_kfold);
    suite_add_tcase(s, pipe);
    return s;
}

int main(void)
{
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(tmpdir, sizeof tmpdir, "%s/nabla-data-XXXXXX", base);
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    SRunner *sr = srunner_create(data_suite());
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    return failed ? 1 : 0;
}
