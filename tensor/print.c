/* tensor/print.c — NumPy-style text for tensors, and allclose.
 *
 *     tensor([[ 1.5000, -2.0000],
 *             [ 0.2500,  4.0000]], dtype=f32)
 *
 * Every element is printed with one format so the columns line up: integers
 * as integers, floats as "1." when all are whole numbers, fixed with four
 * decimals in a moderate range, scientific otherwise. Past 1000 elements,
 * only the first and last three entries of each axis are shown. */
#include <math.h>
#include <string.h>

#include "tensor_internal.h"

enum { SUMMARY_THRESHOLD = 1000, EDGE_ITEMS = 3 };

typedef enum { FMT_INT, FMT_BOOL, FMT_WHOLE, FMT_FIXED, FMT_SCI } fmt_kind;

typedef struct {
    FILE *f;
    const nb_tensor *t;
    fmt_kind kind;
    int width;
    bool summarise;
    int indent;
} printer;

static int format_value(char *buf, size_t size, fmt_kind kind, double v)
{
    if (isnan(v)) return snprintf(buf, size, "nan");
    if (isinf(v)) return snprintf(buf, size, v > 0 ? "inf" : "-inf");
    switch (kind) {
    case FMT_BOOL: return snprintf(buf, size, v != 0 ? "True" : "False");
    case FMT_INT: return snprintf(buf, size, "%.0f", v);
    case FMT_WHOLE: return snprintf(buf, size, "%.0f.", v);
    case FMT_FIXED: return snprintf(buf, size, "%.4f", v);
    default: return snprintf(buf, size, "%.4e", v);
    }
}

static bool shown(const printer *P, int d, int64_t i)
{
    int64_t n = P->t->shape[d];
    return !P->summarise || n <= 2 * EDGE_ITEMS || i < EDGE_ITEMS || i >= n - EDGE_ITEMS;
}

static const char *elem_at(const nb_tensor *t, const int64_t *idx)
{
    int64_t off = 0;
    for (int d = 0; d < t->ndim; d++) off += idx[d] * t->strides[d];
    return nb__base_ptr(t) + off * (int64_t)nb_dtype_size(t->dtype);
}

static double value_at(const nb_tensor *t, const int64_t *idx)
{
    return nb__load(elem_at(t, idx), t->dtype);
}

/* The element at idx as text. An i64 goes to text directly: through a double
 * it would lose digits past 2^53. */
static int format_at(char *buf, size_t size, fmt_kind kind, const nb_tensor *t, const int64_t *idx)
{
    if (t->dtype == NB_I64) return snprintf(buf, size, "%lld", (long long)*(const int64_t *)elem_at(t, idx));
    return format_value(buf, size, kind, value_at(t, idx));
}

/* Chooses the format from the shown values, and the common width. */
static void choose_format(printer *P)
{
    const nb_tensor *t = P->t;
    P->kind = t->dtype == NB_BOOL ? FMT_BOOL : nb_dtype_is_float(t->dtype) ? FMT_WHOLE : FMT_INT;
    int64_t idx[NB_MAX_DIMS] = {0}, n = nb_numel(t);
    double lo = INFINITY, hi = 0;
    for (int64_t k = 0; k < n; k++) { /* pass 1: magnitudes of finite values */
        bool visible = true;
        for (int d = 0; d < t->ndim; d++) visible = visible && shown(P, d, idx[d]);
        double v = visible ? value_at(t, idx) : 0;
        if (visible && isfinite(v) && v != 0) {
            if (fabs(v) < lo) lo = fabs(v);
            if (fabs(v) > hi) hi = fabs(v);
        }
        if (visible && P->kind == FMT_WHOLE && isfinite(v) && v != floor(v)) P->kind = FMT_FIXED;
        for (int d = t->ndim - 1; d >= 0 && ++idx[d] == t->shape[d]; d--) idx[d] = 0;
    }
    if ((P->kind == FMT_FIXED && (hi >= 1e8 || lo < 1e-4)) || (P->kind == FMT_WHOLE && hi >= 1e16))
        P->kind = FMT_SCI;
    P->width = 0;
    memset(idx, 0, sizeof idx);
    for (int64_t k = 0; k < n; k++) { /* pass 2: the widest text */
        bool visible = true;
        for (int d = 0; d < t->ndim; d++) visible = visible && shown(P, d, idx[d]);
        char buf[64];
        int w = visible ? format_at(buf, sizeof buf, P->kind, t, idx) : 0;
        if (w > P->width) P->width = w;
        for (int d = t->ndim - 1; d >= 0 && ++idx[d] == t->shape[d]; d--) idx[d] = 0;
    }
}

/* What follows an entry of axis d: rows end a line; higher blocks add blank
 * lines, as NumPy. */
static void separator(const printer *P, int d)
{
    if (d == P->t->ndim - 1) {
        fputs(", ", P->f);
        return;
    }
    fputc(',', P->f);
    for (int k = 0; k < P->t->ndim - 1 - d; k++) fputc('\n', P->f);
    fprintf(P->f, "%*s", P->indent + d + 1, "");
}

static void print_block(const printer *P, int d, int64_t *idx)
{
    const nb_tensor *t = P->t;
    fputc('[', P->f);
    for (int64_t i = 0; i < t->shape[d]; i++) {
        if (!shown(P, d, i)) { /* "..." stands in for the hidden entries */
            if (i == EDGE_ITEMS) {
                fputs("...", P->f);
                separator(P, d);
            }
            continue;
        }
        idx[d] = i;
        if (d == t->ndim - 1) {
            char buf[64];
            format_at(buf, sizeof buf, P->kind, t, idx);
            fprintf(P->f, "%*s", P->width, buf);
        } else {
            print_block(P, d + 1, idx);
        }
        if (i + 1 < t->shape[d]) separator(P, d);
    }
    fputc(']', P->f);
}

int nb_tensor_print(FILE *stream, const nb_tensor *t)
{
    if (!stream || !t) { /* a NULL tensor keeps the message of the failure that made it */
        if (!stream || !nb_last_error()[0])
            nb__error("nb_tensor_print: %s is NULL", stream ? "tensor" : "stream");
        return -1;
    }
    printer P = {.f = stream, .t = t, .indent = 7, .summarise = nb_numel(t) > SUMMARY_THRESHOLD};
    choose_format(&P);
    int64_t idx[NB_MAX_DIMS] = {0};
    fputs("tensor(", stream);
    if (t->ndim == 0) {
        char buf[64];
        format_at(buf, sizeof buf, P.kind, t, idx);
        fputs(buf, stream);
    } else if (nb_numel(t) == 0) {
        char s[NB_SHAPE_STR_MAX];
        fprintf(stream, "[], shape=%s", nb__shape_str(s, sizeof s, t->ndim, t->shape));
    } else {
        print_block(&P, 0, idx);
    }
    fprintf(stream, ", dtype=%s)\n", nb_dtype_name(t->dtype));
    return ferror(stream) ? -1 : 0;
}

/* ---- allclose ------------------------------------------------------------ */

typedef struct {
    double rtol, atol;
    bool equal_nan;
    nb_dtype da, db;
    int far;
} close_arg;

static void close_row(int64_t n, char *const *p, const int64_t *s, void *arg)
{
    close_arg *c = arg;
    for (int64_t i = 0; i < n && !c->far; i++) {
        double x = nb__load(p[0] + i * s[0], c->da), y = nb__load(p[1] + i * s[1], c->db);
        if (isnan(x) || isnan(y)) {
            c->far = !(c->equal_nan && isnan(x) && isnan(y));
        } else if (isinf(x) || isinf(y)) {
            c->far = x != y;
        } else {
            c->far = !(fabs(x - y) <= c->atol + c->rtol * fabs(y));
        }
    }
}

bool nb_allclose(const nb_tensor *a, const nb_tensor *b, double rtol, double atol, bool equal_nan)
{
    if (!a || !b) return false;
    int ndim;
    int64_t shape[NB_MAX_DIMS];
    if (nb__broadcast_shapes(__func__, a->ndim, a->shape, b->ndim, b->shape, &ndim, shape))
        return false;
    nb__loop L;
    nb__loop_init(&L, ndim, shape);
    nb__loop_add(&L, a);
    nb__loop_add(&L, b);
    close_arg c = {rtol, atol, equal_nan, a->dtype, b->dtype, 0};
    nb__loop_run_ordered(&L, close_row, &c);
    return !c.far;
}
