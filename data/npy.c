/* data/npy.c — NumPy's .npy format, read and written.
 *
 * Layout: "\x93NUMPY", major and minor version bytes, the header length
 * (u16 little-endian in version 1, u32 in versions 2 and 3), then the header:
 * a Python dict literal such as
 *     {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
 * padded with spaces and ending in '\n', then the raw elements. We parse the
 * literal by hand with a tiny recursive-free scanner: it accepts exactly the
 * three keys, string values in single or double quotes, True/False, and a
 * tuple of non-negative integers (a 1-tuple may end in a comma). */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct npy_header {
    char descr[8];
    bool fortran, have_descr, have_fortran, have_shape;
    int ndim;
    int64_t shape[NB_MAX_DIMS];
} npy_header;

typedef struct scan {
    const char *s, *end, *start;
} scan;

static void skip_ws(scan *sc)
{
    while (sc->s < sc->end && (*sc->s == ' ' || *sc->s == '\t' || *sc->s == '\n' || *sc->s == '\r'))
        sc->s++;
}

static bool eat(scan *sc, char c)
{
    skip_ws(sc);
    if (sc->s < sc->end && *sc->s == c) {
        sc->s++;
        return true;
    }
    return false;
}

/* A quoted string of at most cap-1 bytes (no escapes: none occur in .npy). */
static bool read_string(scan *sc, char *out, size_t cap)
{
    skip_ws(sc);
    if (sc->s >= sc->end || (*sc->s != '\'' && *sc->s != '"')) return false;
    char q = *sc->s++;
    size_t n = 0;
    while (sc->s < sc->end && *sc->s != q) {
        if (n + 1 >= cap || *sc->s == '\\') return false;
        out[n++] = *sc->s++;
    }
    out[n] = '\0';
    return sc->s++ < sc->end;
}

static bool read_word(scan *sc, const char *word)
{
    skip_ws(sc);
    size_t n = strlen(word);
    if ((size_t)(sc->end - sc->s) < n || memcmp(sc->s, word, n)) return false;
    sc->s += n;
    return true;
}

static bool read_shape(scan *sc, npy_header *h)
{
    if (!eat(sc, '(')) return false;
    h->ndim = 0;
    while (!eat(sc, ')')) {
        skip_ws(sc);
        if (h->ndim == NB_MAX_DIMS || sc->s >= sc->end || *sc->s < '0' || *sc->s > '9') return false;
        int64_t v = 0;
        while (sc->s < sc->end && *sc->s >= '0' && *sc->s <= '9') {
            if (v > (INT64_MAX - 9) / 10) return false;
            v = v * 10 + (*sc->s++ - '0');
        }
        h->shape[h->ndim++] = v;
        if (!eat(sc, ',')) return eat(sc, ')');
    }
    return true;
}

static bool read_entry(scan *sc, npy_header *h, const char **bad)
{
    char key[32];
    if (!read_string(sc, key, sizeof key) || !eat(sc, ':')) return *bad = "a quoted key and ':'", false;
    if (!strcmp(key, "descr") && !h->have_descr) {
        h->have_descr = true;
        return read_string(sc, h->descr, sizeof h->descr) || (*bad = "a dtype string such as '<f4'", false);
    }
    if (!strcmp(key, "fortran_order") && !h->have_fortran) {
        h->have_fortran = true;
        if (read_word(sc, "True")) return h->fortran = true;
        return read_word(sc, "False") || (*bad = "True or False", false);
    }
    if (!strcmp(key, "shape") && !h->have_shape) {
        h->have_shape = true;
        return read_shape(sc, h) || (*bad = "a tuple of at most 8 non-negative integers", false);
    }
    *bad = "only the keys 'descr', 'fortran_order' and 'shape', once each";
    return false;
}

static int parse_header(const char *s, size_t len, npy_header *h, const char *name, const char *fn,
                        size_t base)
{
    scan sc = {s, s + len, s};
    const char *bad = "'{'";
    memset(h, 0, sizeof *h);
    bool ok = eat(&sc, '{');
    while (ok && !eat(&sc, '}')) {
        ok = read_entry(&sc, h, &bad);
        if (ok && !eat(&sc, ',')) {
            ok = eat(&sc, '}');
            bad = "',' or '}'";
            break;
        }
    }
    if (ok) {
        skip_ws(&sc);
        ok = sc.s == sc.end && h->have_descr && h->have_fortran && h->have_shape;
        bad = "the end of the header after a dict with 'descr', 'fortran_order' and 'shape'";
    }
    if (!ok)
        nb__error("%s: %s: byte %zu: bad header: expected %s", fn, name,
                  base + (size_t)(sc.s - sc.start), bad);
    return ok ? 0 : -1;
}

/* ---- dtypes and byte order ---- */

static bool host_little(void)
{
    uint16_t x = 1;
    unsigned char b;
    memcpy(&b, &x, 1);
    return b == 1;
}

/* '<f4' etc. to a dtype and whether the data needs byte swapping. */
static int parse_descr(const char *d, nb_dtype *dtype, bool *swap)
{
    static const struct { const char *code; nb_dtype dtype; } codes[] = {
        {"f4", NB_F32}, {"f8", NB_F64}, {"i4", NB_I32}, {"i8", NB_I64}, {"b1", NB_BOOL},
    };
    char order = d[0];
    if (order != '<' && order != '>' && order != '=' && order != '|') return -1;
    for (size_t k = 0; k < sizeof codes / sizeof *codes; k++)
        if (!strcmp(d + 1, codes[k].code)) {
            if (order == '|' && codes[k].dtype != NB_BOOL) return -1;
            *dtype = codes[k].dtype;
            *swap = (order == '<' && !host_little()) || (order == '>' && host_little());
            if (codes[k].dtype == NB_BOOL) *swap = false;
            return 0;
        }
    return -1;
}

static void swap_bytes(unsigned char *p, size_t count, size_t size)
{
    for (size_t k = 0; k < count; k++, p += size)
        for (size_t i = 0; i < size / 2; i++) {
            unsigned char t = p[i];
            p[i] = p[size - 1 - i];
            p[size - 1 - i] = t;
        }
}

/* Between Fortran and C order: the element at C index (i0..in-1), the k-th
 * in C order, sits at offset sum_d i_d prod_{e<d} shape_e in Fortran order.
 * to_fortran false reads a Fortran buffer into C order, true the reverse. */
static void reorder(unsigned char *dst, const unsigned char *src, int ndim, const int64_t *shape,
                    size_t count, size_t size, bool to_fortran)
{
    int64_t idx[NB_MAX_DIMS] = {0}, fstride[NB_MAX_DIMS];
    int64_t s = 1;
    for (int d = 0; d < ndim; d++) fstride[d] = s, s *= shape[d];
    for (size_t k = 0; k < count; k++) {
        int64_t off = 0;
        for (int d = 0; d < ndim; d++) off += idx[d] * fstride[d];
        if (to_fortran) memcpy(dst + (size_t)off * size, src + k * size, size);
        else memcpy(dst + k * size, src + (size_t)off * size, size);
        for (int d = ndim - 1; d >= 0 && ++idx[d] == shape[d]; d--) idx[d] = 0;
    }
}

/* ---- reading ---- */

nb_tensor *nb_npy_read_buffer(nb_ctx *ctx, const void *data, size_t len, const char *name)
{
    const char *fn = "nb_npy_read";
    const unsigned char *p = data;
    name = name ? name : "<buffer>";
    if (!ctx || (!data && len)) {
        nb__error("%s: NULL argument", fn);
        return NULL;
    }
    if (len < 10 || memcmp(p, "\x93NUMPY", 6) || p[6] < 1 || p[6] > 3) {
        nb__error("%s: %s: byte 0: not a .npy file of version 1-3 (magic \\x93NUMPY, version)",
                  fn, name);
        return NULL;
    }
    size_t hl = p[6] == 1 ? (size_t)(p[8] | p[9] << 8) : 0, start = p[6] == 1 ? 10 : 12;
    if (p[6] > 1 && len >= 12) hl = (size_t)p[8] | (size_t)p[9] << 8 | (size_t)p[10] << 16 | (size_t)p[11] << 24;
    if (len < start || len - start < hl) {
        nb__error("%s: %s: byte 8: header of %zu bytes runs past the end of the file", fn, name, hl);
        return NULL;
    }
    npy_header h;
    nb_dtype dtype;
    bool swap;
    if (parse_header((const char *)p + start, hl, &h, name, fn, start) < 0) return NULL;
    if (parse_descr(h.descr, &dtype, &swap) < 0) {
        nb__error("%s: %s: dtype '%s' is not supported (f4, f8, i4, i8 in either byte order, b1)",
                  fn, name, h.descr);
        return NULL;
    }
    /* as for IDX: non-zero dimensions must multiply within bounds */
    size_t count = 1, nonzero = 1, size = nb_dtype_size(dtype), body = start + hl;
    for (int d = 0; d < h.ndim; d++) {
        if (h.shape[d] && nonzero > ((size_t)1 << 40) / (size_t)h.shape[d]) {
            nb__error("%s: %s: shape too large", fn, name);
            return NULL;
        }
        nonzero *= h.shape[d] ? (size_t)h.shape[d] : 1;
        count *= (size_t)h.shape[d];
    }
    if (len - body != count * size) {
        nb__error("%s: %s: byte %zu: the shape needs %zu bytes of data, the file has %zu", fn,
                  name, body, count * size, len - body);
        return NULL;
    }
    nb_tensor *t = nb_empty(ctx, dtype, h.ndim, h.shape);
    if (!t) return NULL;
    unsigned char *out = nb_data(t);
    if (h.fortran && h.ndim > 1) reorder(out, p + body, h.ndim, h.shape, count, size, false);
    else if (count) memcpy(out, p + body, count * size);
    if (swap) swap_bytes(out, count, size);
    if (dtype == NB_BOOL)
        for (size_t k = 0; k < count; k++) out[k] = out[k] != 0;
    return t;
}

nb_tensor *nb_npy_read(nb_ctx *ctx, const char *path)
{
    FILE *f = path ? fopen(path, "rb") : NULL;
    if (!f) {
        nb__error("nb_npy_read: cannot open %s", path ? path : "(null)");
        return NULL;
    }
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0, n;
    nb_tensor *t = NULL;
    do {
        if (len == cap) {
            unsigned char *b = realloc(buf, cap = cap ? cap * 2 : 1 << 16);
            if (!b) {
                nb__error("nb_npy_read: %s: out of memory", path);
                goto done;
            }
            buf = b;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    if (ferror(f)) nb__error("nb_npy_read: %s: read error", path);
    else t = nb_npy_read_buffer(ctx, buf, len, path);
done:
    free(buf);
    fclose(f);
    return t;
}

/* ---- writing ---- */

typedef struct npy_out {
    const nb_tensor *t;
    nb_npy_write_options opts;
    unsigned char *data;
    size_t nbytes;
} npy_out;

static int write_npy(FILE *f, void *arg)
{
    const npy_out *o = arg;
    static const char *const descr[2][5] = {{"|b1", "<i4", "<i8", "<f4", "<f8"},
                                            {"|b1", ">i4", ">i8", ">f4", ">f8"}};
    char shape[NB_MAX_DIMS * 24 + 4] = "(", head[512];
    size_t sl = 1;
    for (int d = 0; d < o->t->ndim; d++)
        sl += (size_t)snprintf(shape + sl, sizeof shape - sl, "%lld%s", (long long)o->t->shape[d],
                               o->t->ndim == 1 || d + 1 < o->t->ndim ? ", " : "");
    if (o->t->ndim == 1) sl -= 1; /* "(3,)" */
    snprintf(shape + sl, sizeof shape - sl, ")");
    int hl = snprintf(head, sizeof head, "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }",
                      descr[o->opts.big_endian][o->t->dtype], o->opts.fortran_order ? "True" : "False", shape);
    /* Pad with spaces so the data starts on a 64-byte boundary, as numpy does. */
    int total = 10 + hl + 1, pad = (64 - total % 64) % 64;
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    pre[8] = (unsigned char)((hl + pad + 1) & 0xFF);
    pre[9] = (unsigned char)((hl + pad + 1) >> 8);
    if (fwrite(pre, 1, 10, f) != 10 || fwrite(head, 1, (size_t)hl, f) != (size_t)hl) goto fail;
    for (int i = 0; i < pad; i++)
        if (fputc(' ', f) == EOF) goto fail;
    if (fputc('\n', f) == EOF || fwrite(o->data, 1, o->nbytes, f) != o->nbytes) goto fail;
    return 0;
fail:
    nb__error("nb_npy_write: write failed");
    return -1;
}

int nb_npy_write(const char *path, const nb_tensor *t)
{
    return nb_npy_write_ex(path, t, NULL);
}

/* t's elements in the file's order: C or Fortran, the file's byte order. */
static unsigned char *file_order_data(const nb_tensor *t, const nb_npy_write_options *o, size_t nbytes)
{
    size_t count = (size_t)nb_numel(t), size = nb_dtype_size(t->dtype);
    unsigned char *c = malloc(nbytes ? nbytes : 1), *out = c;
    if (c && nb_copy_to(t, c, nbytes) != 0) return free(c), NULL;
    if (c && o->fortran_order && t->ndim > 1) {
        out = malloc(nbytes ? nbytes : 1);
        if (out) reorder(out, c, t->ndim, t->shape, count, size, true);
        free(c);
    }
    if (out && o->big_endian == host_little()) swap_bytes(out, count, size);
    if (!out) nb__error("nb_npy_write: out of memory");
    return out;
}

int nb_npy_write_ex(const char *path, const nb_tensor *t, const nb_npy_write_options *opts)
{
    if (!path || !t) {
        nb__error("nb_npy_write: NULL argument");
        return -1;
    }
    npy_out o = {.t = t, .opts = opts ? *opts : (nb_npy_write_options){0},
                 .nbytes = (size_t)nb_numel(t) * nb_dtype_size(t->dtype)};
    if (!(o.data = file_order_data(t, &o.opts, o.nbytes))) return -1;
    int rc = nb__write_atomic(path, "nb_npy_write", write_npy, &o);
    free(o.data);
    return rc;
}
