/* tensor/safetensors.c — the safetensors file format (see nabla/safetensors.h).
 *
 * Saving: build the JSON header with jansson, pad it with spaces to a multiple
 * of 8 bytes, then write the tensors back to back in the order given, through
 * a temporary file that is renamed over the target.
 *
 * Loading: read the 8-byte length, parse the header, and check all of it
 * before reading data: every dtype known, every shape non-negative and at most
 * NB_MAX_DIMS axes, every [begin, end) exactly numel * size bytes long, the
 * entries tiling the data buffer with no gap or overlap, and the buffer ending
 * where the file ends. Only then are tensors made and filled, in file order. */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nabla/safetensors.h>

#include "tensor_internal.h"
#include "write_atomic.h"

#define MAX_HEADER 100000000u /* the reference implementation's limit */

static const struct {
    const char *name;
    nb_dtype dtype;
} dtype_names[] = {
    {"BOOL", NB_BOOL}, {"I32", NB_I32}, {"I64", NB_I64}, {"F32", NB_F32}, {"F64", NB_F64},
};

static const char *dtype_to_name(nb_dtype d)
{
    for (size_t i = 0; i < sizeof dtype_names / sizeof dtype_names[0]; i++)
        if (dtype_names[i].dtype == d) return dtype_names[i].name;
    return NULL;
}

static int name_to_dtype(const char *s, nb_dtype *d)
{
    for (size_t i = 0; i < sizeof dtype_names / sizeof dtype_names[0]; i++)
        if (!strcmp(dtype_names[i].name, s)) {
            *d = dtype_names[i].dtype;
            return 0;
        }
    return -1;
}

static bool host_is_little_endian(void)
{
    const uint16_t one = 1;
    return *(const uint8_t *)&one == 1;
}

/* Reverses each `size`-byte element of buf in place (big-endian hosts). */
static void swap_bytes(void *buf, size_t nbytes, size_t size)
{
    uint8_t *p = buf;
    for (size_t i = 0; size > 1 && i + size <= nbytes; i += size)
        for (size_t a = 0, b = size - 1; a < b; a++, b--) {
            uint8_t t = p[i + a];
            p[i + a] = p[i + b];
            p[i + b] = t;
        }
}

/* ---- saving ------------------------------------------------------------------ */

static int check_save_args(const nb_named_tensor *ts, int n, const nb_metadata *meta, int nmeta)
{
    if (n < 0 || nmeta < 0 || (n && !ts) || (nmeta && !meta)) {
        nb__error("nb_safetensors_save: need arrays for %d tensors and %d metadata entries", n, nmeta);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        if (!ts[i].name || !ts[i].tensor) {
            nb__error("nb_safetensors_save: entry %d has no %s", i, ts[i].name ? "tensor" : "name");
            return -1;
        }
        if (!strcmp(ts[i].name, "__metadata__")) {
            nb__error("nb_safetensors_save: a tensor cannot be named \"__metadata__\"");
            return -1;
        }
        for (int j = 0; j < i; j++)
            if (!strcmp(ts[i].name, ts[j].name)) {
                nb__error("nb_safetensors_save: the name \"%s\" is used twice (entries %d and %d)",
                          ts[i].name, j, i);
                return -1;
            }
    }
    for (int i = 0; i < nmeta; i++)
        if (!meta[i].key || !meta[i].value) {
            nb__error("nb_safetensors_save: metadata entry %d has no %s", i, meta[i].key ? "value" : "key");
            return -1;
        }
    return 0;
}

/* {"__metadata__": {...}, "name": {"dtype", "shape", "data_offsets"}, ...} */
static json_t *build_header(const nb_named_tensor *ts, int n, const nb_metadata *meta, int nmeta)
{
    json_t *root = json_object(), *m = nmeta ? json_object() : NULL;
    bool ok = root && (!nmeta || m);
    for (int i = 0; ok && i < nmeta; i++) {
        if (json_object_get(m, meta[i].key)) {
            nb__error("nb_safetensors_save: metadata key \"%s\" is used twice", meta[i].key);
            ok = false;
        } else if (json_object_set_new(m, meta[i].key, json_string(meta[i].value))) {
            nb__error("nb_safetensors_save: metadata \"%s\" is not valid UTF-8", meta[i].key);
            ok = false;
        }
    }
    if (ok && m) ok = json_object_set(root, "__metadata__", m) == 0;
    uint64_t offset = 0;
    for (int i = 0; ok && i < n; i++) {
        const nb_tensor *t = ts[i].tensor;
        uint64_t nbytes = (uint64_t)nb_numel(t) * nb_dtype_size(t->dtype);
        json_t *shape = json_array(), *e = json_object();
        for (int d = 0; shape && d < t->ndim; d++) json_array_append_new(shape, json_integer(t->shape[d]));
        ok = shape && e && !json_object_set_new(e, "dtype", json_string(dtype_to_name(t->dtype))) &&
             !json_object_set_new(e, "shape", shape) &&
             !json_object_set_new(e, "data_offsets", json_pack("[I,I]", (json_int_t)offset,
                                                               (json_int_t)(offset + nbytes)));
        if (ok && json_object_set_new(root, ts[i].name, e)) {
            nb__error("nb_safetensors_save: the name of entry %d is not valid UTF-8", i);
            ok = false;
        } else if (!ok) {
            json_decref(e);
        }
        offset += nbytes;
    }
    json_decref(m);
    if (!ok) {
        if (!nb_last_error()[0]) nb__error("nb_safetensors_save: out of memory building the header");
        json_decref(root);
        return NULL;
    }
    return root;
}

/* One tensor's bytes, little-endian, C order. */
static int write_tensor(FILE *f, const nb_tensor *t)
{
    size_t es = nb_dtype_size(t->dtype), nbytes = (size_t)nb_numel(t) * es;
    if (nbytes == 0) return 0;
    if (nb_is_contiguous(t) && host_is_little_endian())
        return fwrite(nb_data(t), 1, nbytes, f) == nbytes ? 0 : -1;
    void *buf = malloc(nbytes);
    if (!buf) {
        nb__error("nb_safetensors_save: out of memory (%zu bytes)", nbytes);
        return -1;
    }
    int rc = nb_copy_to(t, buf, nbytes);
    if (rc == 0 && !host_is_little_endian()) swap_bytes(buf, nbytes, es);
    if (rc == 0 && fwrite(buf, 1, nbytes, f) != nbytes) rc = -1;
    free(buf);
    return rc;
}

typedef struct {
    const char *path;
    const char *header; /* padded */
    size_t header_len;
    const nb_named_tensor *ts;
    int n;
} save_job;

static int write_all(FILE *f, const save_job *job)
{
    uint8_t len[8];
    for (int i = 0; i < 8; i++) len[i] = (uint8_t)((uint64_t)job->header_len >> (8 * i));
    if (fwrite(len, 1, 8, f) != 8 || fwrite(job->header, 1, job->header_len, f) != job->header_len)
        return -1;
    for (int i = 0; i < job->n; i++)
        if (write_tensor(f, job->ts[i].tensor)) return -1;
    return 0;
}

static int write_job(FILE *f, void *arg) { return write_all(f, arg); }

int nb_safetensors_save(const char *path, const nb_named_tensor *tensors, int n,
                        const nb_metadata *meta, int nmeta)
{
    if (!path || !*path) {
        nb__error("nb_safetensors_save: empty path");
        return -1;
    }
    if (check_save_args(tensors, n, meta, nmeta)) return -1;
    json_t *root = build_header(tensors, n, meta, nmeta);
    char *text = root ? json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(root);
    if (!text) {
        if (!nb_last_error()[0]) nb__error("nb_safetensors_save: out of memory");
        return -1;
    }
    size_t len = strlen(text), padded = (len + 7) / 8 * 8;
    char *header = malloc(padded);
    if (!header) {
        free(text);
        nb__error("nb_safetensors_save: out of memory");
        return -1;
    }
    memcpy(header, text, len);
    memset(header + len, ' ', padded - len);
    free(text);
    save_job job = {path, header, padded, tensors, n};
    int rc = nb__write_atomic(path, "nb_safetensors_save", write_job, &job);
    free(header);
    return rc;
}

/* ---- loading ------------------------------------------------------------------ */

/* Where the bytes come from: a file, or a caller's buffer. */
typedef struct {
    const char *name;  /* for messages */
    FILE *f;
    const uint8_t *buf;
    uint64_t size;     /* total bytes */
    uint64_t pos;      /* next byte read from a file */
} source;

static int src_read(source *s, uint64_t at, void *dst, size_t n)
{
    if (n == 0) return 0;
    if (s->buf) {
        memcpy(dst, s->buf + at, n);
        return 0;
    }
    if (at != s->pos && fseeko(s->f, (off_t)at, SEEK_SET)) goto fail;
    if (fread(dst, 1, n, s->f) != n) goto fail;
    s->pos = at + n;
    return 0;
fail:
    nb__error("nb_safetensors_load: %s: read error at byte %llu: %s", s->name,
              (unsigned long long)at, ferror(s->f) ? strerror(errno) : "unexpected end of file");
    return -1;
}

/* One header entry, checked. */
typedef struct {
    const char *name;
    nb_dtype dtype;
    int ndim;
    int64_t shape[NB_MAX_DIMS];
    uint64_t begin, end;
} entry;

#define FAIL(...) (nb__error(__VA_ARGS__), -1)

static int parse_shape(const source *s, const char *name, json_t *shape, entry *e)
{
    if (!json_is_array(shape))
        return FAIL("nb_safetensors_load: %s: tensor \"%s\": \"shape\" is not an array", s->name, name);
    size_t nd = json_array_size(shape);
    if (nd > NB_MAX_DIMS)
        return FAIL("nb_safetensors_load: %s: tensor \"%s\" has %zu dimensions (nabla supports up to %d)",
                    s->name, name, nd, NB_MAX_DIMS);
    e->ndim = (int)nd;
    for (size_t d = 0; d < nd; d++) {
        json_t *v = json_array_get(shape, d);
        if (!json_is_integer(v) || json_integer_value(v) < 0)
            return FAIL("nb_safetensors_load: %s: tensor \"%s\": shape entry %zu is not a "
                        "non-negative integer", s->name, name, d);
        e->shape[d] = (int64_t)json_integer_value(v);
    }
    return 0;
}

static int parse_offsets(const source *s, const char *name, json_t *off, entry *e)
{
    json_t *b = json_array_get(off, 0), *x = json_array_get(off, 1);
    if (!json_is_array(off) || json_array_size(off) != 2 || !json_is_integer(b) || !json_is_integer(x) ||
        json_integer_value(b) < 0 || json_integer_value(x) < json_integer_value(b))
        return FAIL("nb_safetensors_load: %s: tensor \"%s\": \"data_offsets\" must be [begin, end] "
                    "with 0 <= begin <= end", s->name, name);
    e->begin = (uint64_t)json_integer_value(b);
    e->end = (uint64_t)json_integer_value(x);
    return 0;
}

static int parse_entry(const source *s, const char *name, json_t *v, entry *e)
{
    if (!json_is_object(v))
        return FAIL("nb_safetensors_load: %s: entry \"%s\" is not an object", s->name, name);
    json_t *dt = json_object_get(v, "dtype");
    if (!json_is_string(dt))
        return FAIL("nb_safetensors_load: %s: tensor \"%s\" has no \"dtype\" string", s->name, name);
    if (name_to_dtype(json_string_value(dt), &e->dtype))
        return FAIL("nb_safetensors_load: %s: tensor \"%s\" has dtype %s; nabla reads F32, F64, "
                    "I32, I64 and BOOL", s->name, name, json_string_value(dt));
    json_t *shape = json_object_get(v, "shape"), *off = json_object_get(v, "data_offsets");
    if (!shape || !off)
        return FAIL("nb_safetensors_load: %s: tensor \"%s\" has no \"%s\"", s->name, name,
                    shape ? "data_offsets" : "shape");
    if (parse_shape(s, name, shape, e) || parse_offsets(s, name, off, e)) return -1;
    int64_t numel = nb__shape_numel("nb_safetensors_load", e->ndim, e->shape);
    uint64_t size = nb_dtype_size(e->dtype);
    if (numel < 0 || (uint64_t)numel > UINT64_MAX / size)
        return FAIL("nb_safetensors_load: %s: tensor \"%s\" is too large", s->name, name);
    if (e->end - e->begin != (uint64_t)numel * size) {
        char sh[NB_SHAPE_STR_MAX];
        return FAIL("nb_safetensors_load: %s: tensor \"%s\": data_offsets [%llu, %llu] hold %llu "
                    "bytes but %s %s needs %llu", s->name, name, (unsigned long long)e->begin,
                    (unsigned long long)e->end, (unsigned long long)(e->end - e->begin),
                    json_string_value(dt), nb__shape_str(sh, sizeof sh, e->ndim, e->shape),
                    (unsigned long long)numel * size);
    }
    e->name = name;
    return 0;
}

static int parse_metadata(const source *s, json_t *m)
{
    if (!json_is_object(m))
        return FAIL("nb_safetensors_load: %s: \"__metadata__\" is not an object", s->name);
    const char *k;
    json_t *v;
    json_object_foreach(m, k, v) if (!json_is_string(v))
        return FAIL("nb_safetensors_load: %s: metadata \"%s\" is not a string (the format stores "
                    "only strings; structured values go in as JSON text)", s->name, k);
    return 0;
}

static int by_offset(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->begin != y->begin) return x->begin < y->begin ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

/* Sorted by offset, the entries must tile [0, data_size) exactly. */
static int check_tiling(const source *s, entry *es, size_t n, uint64_t data_size)
{
    qsort(es, n, sizeof *es, by_offset);
    uint64_t at = 0;
    for (size_t i = 0; i < n; i++) {
        if (es[i].begin != at)
            return FAIL("nb_safetensors_load: %s: tensor \"%s\" starts at byte %llu of the data but "
                        "the previous one ends at %llu (%s)", s->name, es[i].name,
                        (unsigned long long)es[i].begin, (unsigned long long)at,
                        es[i].begin > at ? "a gap" : "they overlap");
        at = es[i].end;
    }
    if (at != data_size)
        return FAIL("nb_safetensors_load: %s: the tensors end at byte %llu of the data but the "
                    "file holds %llu bytes of data (%s)", s->name, (unsigned long long)at,
                    (unsigned long long)data_size, at < data_size ? "trailing bytes" : "truncated");
    return 0;
}

static char *ctx_strdup(nb_ctx *ctx, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = nb_ctx_alloc(ctx, n, 1);
    if (d) memcpy(d, s, n);
    return d;
}

/* Reads the header (length, JSON) and returns the parsed root. */
static json_t *read_header(source *s, uint64_t *header_len)
{
    uint8_t len[8];
    if (s->size < 8) {
        nb__error("nb_safetensors_load: %s: %llu bytes is too short for a safetensors file (the "
                  "8-byte header length is missing)", s->name, (unsigned long long)s->size);
        return NULL;
    }
    if (src_read(s, 0, len, 8)) return NULL;
    uint64_t n = 0;
    for (int i = 7; i >= 0; i--) n = n << 8 | len[i];
    if (n > MAX_HEADER || n > s->size - 8) {
        nb__error("nb_safetensors_load: %s: the header length is %llu bytes but %s", s->name,
                  (unsigned long long)n, n > MAX_HEADER ? "the limit is 100000000"
                                                        : "the file ends before that (truncated?)");
        return NULL;
    }
    char *text = malloc(n ? n : 1);
    if (!text || src_read(s, 8, text, n)) {
        if (!text) nb__error("nb_safetensors_load: out of memory");
        free(text);
        return NULL;
    }
    json_error_t err;
    json_t *root = n && text[0] == '{' ? json_loadb(text, n, JSON_REJECT_DUPLICATES, &err) : NULL;
    if (!root) {
        if (n && text[0] == '{')
            nb__error("nb_safetensors_load: %s: header JSON, line %d column %d: %s", s->name,
                      err.line, err.column, err.text);
        else
            nb__error("nb_safetensors_load: %s: the header does not start with '{'", s->name);
    } else if (!json_is_object(root)) {
        nb__error("nb_safetensors_load: %s: the header is not a JSON object", s->name);
        json_decref(root), root = NULL;
    }
    free(text);
    *header_len = n;
    return root;
}

static int parse_all(source *s, json_t *root, entry *es, size_t *count)
{
    const char *k;
    json_t *v;
    size_t n = 0;
    json_object_foreach(root, k, v)
    {
        if (!strcmp(k, "__metadata__")) {
            if (parse_metadata(s, v)) return -1;
        } else if (parse_entry(s, k, v, &es[n++])) {
            return -1;
        }
    }
    *count = n;
    return 0;
}

static int fill_tensors(nb_ctx *ctx, source *s, uint64_t data_start, const entry *es, size_t n,
                        nb_safetensors *st)
{
    for (size_t i = 0; i < n; i++) {
        nb_tensor *t = nb_empty(ctx, es[i].dtype, es[i].ndim, es[i].shape);
        char *name = ctx_strdup(ctx, es[i].name);
        if (!t || !name || src_read(s, data_start + es[i].begin, nb_data(t), (size_t)(es[i].end - es[i].begin)))
            return -1;
        if (!host_is_little_endian()) swap_bytes(nb_data(t), es[i].end - es[i].begin, nb_dtype_size(t->dtype));
        if (t->dtype == NB_BOOL)
            for (uint64_t j = 0; j < es[i].end - es[i].begin; j++)
                if (((uint8_t *)nb_data(t))[j] > 1)
                    return FAIL("nb_safetensors_load: %s: BOOL tensor \"%s\" holds the byte %u at "
                                "element %llu (only 0 and 1 are booleans)", s->name, es[i].name,
                                ((uint8_t *)nb_data(t))[j], (unsigned long long)j);
        st->tensors[i] = (nb_named_tensor){name, t};
    }
    st->n = (int)n;
    return 0;
}

static int copy_metadata(nb_ctx *ctx, json_t *root, nb_safetensors *st)
{
    json_t *m = json_object_get(root, "__metadata__");
    size_t n = m ? json_object_size(m) : 0;
    st->meta = nb_ctx_alloc(ctx, sizeof *st->meta * (n ? n : 1), _Alignof(nb_metadata));
    if (!st->meta) return -1;
    const char *k;
    json_t *v;
    st->nmeta = 0;
    if (m) json_object_foreach(m, k, v)
    {
        nb_metadata *e = &st->meta[st->nmeta++];
        e->key = ctx_strdup(ctx, k);
        e->value = ctx_strdup(ctx, json_string_value(v));
        if (!e->key || !e->value) return -1;
    }
    return 0;
}

static nb_safetensors *load(nb_ctx *ctx, source *s)
{
    if (!ctx) {
        nb__error("nb_safetensors_load: the context is NULL");
        return NULL;
    }
    uint64_t hlen = 0;
    json_t *root = read_header(s, &hlen);
    if (!root) return NULL;
    size_t cap = json_object_size(root);
    entry *es = malloc(sizeof *es * (cap ? cap : 1));
    nb_safetensors *st = nb_ctx_alloc(ctx, sizeof *st, _Alignof(nb_safetensors));
    size_t n = 0;
    bool ok = es && st && parse_all(s, root, es, &n) == 0 && check_tiling(s, es, n, s->size - 8 - hlen) == 0;
    if (ok) {
        st->tensors = nb_ctx_alloc(ctx, sizeof *st->tensors * (n ? n : 1), _Alignof(nb_named_tensor));
        ok = st->tensors && fill_tensors(ctx, s, 8 + hlen, es, n, st) == 0 && copy_metadata(ctx, root, st) == 0;
    }
    if (!ok && !nb_last_error()[0]) nb__error("nb_safetensors_load: %s: out of memory", s->name);
    free(es);
    json_decref(root);
    return ok ? st : NULL;
}

nb_safetensors *nb_safetensors_load(nb_ctx *ctx, const char *path)
{
    if (!path) {
        nb__error("nb_safetensors_load: path is NULL");
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    struct stat sb;
    if (!f || fstat(fileno(f), &sb) != 0) {
        nb__error("nb_safetensors_load: cannot open %s: %s", path, strerror(errno));
        if (f) fclose(f);
        return NULL;
    }
    if (!S_ISREG(sb.st_mode)) {
        nb__error("nb_safetensors_load: %s is not a regular file", path);
        fclose(f);
        return NULL;
    }
    nb_clear_error();
    source s = {.name = path, .f = f, .size = (uint64_t)sb.st_size};
    nb_safetensors *st = load(ctx, &s);
    fclose(f);
    return st;
}

nb_safetensors *nb_safetensors_load_buffer(nb_ctx *ctx, const void *data, size_t len,
                                           const char *name)
{
    if (!data && len) {
        nb__error("nb_safetensors_load_buffer: data is NULL");
        return NULL;
    }
    nb_clear_error();
    source s = {.name = name ? name : "<buffer>", .buf = data, .size = len};
    return load(ctx, &s);
}

nb_tensor *nb_safetensors_find(const nb_safetensors *st, const char *name)
{
    for (int i = 0; st && name && i < st->n; i++)
        if (!strcmp(st->tensors[i].name, name)) return st->tensors[i].tensor;
    return NULL;
}

const char *nb_safetensors_meta(const nb_safetensors *st, const char *key)
{
    for (int i = 0; st && key && i < st->nmeta; i++)
        if (!strcmp(st->meta[i].key, key)) return st->meta[i].value;
    return NULL;
}
