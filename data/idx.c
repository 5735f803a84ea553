/* data/idx.c — the IDX format of MNIST and Fashion-MNIST, plain or gzip.
 *
 * Layout (all integers big-endian):
 *   bytes 0-1  zero
 *   byte  2    element type: 0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32,
 *              0x0E f64
 *   byte  3    number of dimensions, 1..NB_MAX_DIMS here
 *   then       one u32 per dimension, then the elements in C order.
 * The data must be exactly as long as the dimensions say. Messages give the
 * byte offset (in the decompressed stream) of what is wrong. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define IDX_MAX_BYTES ((size_t)1 << 32) /* refuse to inflate past 4 GiB */

typedef struct bytes {
    unsigned char *p;
    size_t len, cap;
} bytes;

static int bytes_reserve(bytes *b, size_t extra)
{
    if (b->len + extra <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 1 << 16;
    while (cap < b->len + extra) cap *= 2;
    unsigned char *p = realloc(b->p, cap);
    if (!p) return -1;
    b->p = p;
    b->cap = cap;
    return 0;
}

/* Inflates a gzip image held in memory. */
static int inflate_buffer(const void *data, size_t len, bytes *out, const char *name)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 15 + 16) != Z_OK) {
        nb__error("nb_idx_read_buffer: %s: zlib init failed", name);
        return -1;
    }
    zs.next_in = (Bytef *)(uintptr_t)data;
    int rc = Z_OK;
    size_t left = len;
    while (rc != Z_STREAM_END) {
        uInt in = left > (1u << 30) ? (1u << 30) : (uInt)left;
        zs.avail_in = in;
        if (out->len >= IDX_MAX_BYTES || bytes_reserve(out, 1 << 16) < 0) {
            nb__error("nb_idx_read_buffer: %s: decompressed data too large", name);
            break;
        }
        zs.next_out = out->p + out->len;
        zs.avail_out = (uInt)(out->cap - out->len > (1u << 30) ? (1u << 30) : out->cap - out->len);
        uInt avail = zs.avail_out;
        rc = inflate(&zs, Z_NO_FLUSH);
        out->len += avail - zs.avail_out;
        left -= in - zs.avail_in;
        if (rc == Z_STREAM_END) break;
        if (rc != Z_OK && !(rc == Z_BUF_ERROR && left)) {
            nb__error("nb_idx_read_buffer: %s: byte %zu of the gzip stream: %s", name,
                      len - left, rc == Z_BUF_ERROR ? "truncated gzip data" : zs.msg ? zs.msg : "corrupt gzip data");
            break;
        }
    }
    inflateEnd(&zs);
    return rc == Z_STREAM_END ? 0 : -1;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Element k of type `type` as a double (exact for every IDX type). */
static double element(const unsigned char *p, int type, size_t k)
{
    switch (type) {
    case 0x08: return p[k];
    case 0x09: return (int8_t)p[k];
    case 0x0B: return (int16_t)(uint16_t)(p[2 * k] << 8 | p[2 * k + 1]);
    case 0x0C: return (int32_t)be32(p + 4 * k);
    case 0x0D: {
        uint32_t u = be32(p + 4 * k);
        float f;
        memcpy(&f, &u, 4);
        return f;
    }
    default: {
        uint64_t u = (uint64_t)be32(p + 8 * k) << 32 | be32(p + 8 * k + 4);
        double d;
        memcpy(&d, &u, 8);
        return d;
    }
    }
}

static nb_tensor *parse(nb_ctx *ctx, const unsigned char *p, size_t len, const char *name,
                        nb_dtype dtype, const char *fn)
{
    static const int sizes[16] = {[0x08] = 1, [0x09] = 1, [0x0B] = 2, [0x0C] = 4, [0x0D] = 4, [0x0E] = 8};
    if (len < 4 || p[0] || p[1]) {
        nb__error("%s: %s: byte 0: not an IDX file (it must start with two zero bytes, a type "
                  "byte and a dimension count)", fn, name);
        return NULL;
    }
    int type = p[2], ndim = p[3];
    if (type >= 16 || !sizes[type]) {
        nb__error("%s: %s: byte 2: unknown element type 0x%02X", fn, name, type);
        return NULL;
    }
    if (ndim < 1 || ndim > NB_MAX_DIMS || len < 4 + 4 * (size_t)ndim) {
        nb__error("%s: %s: byte 3: %d dimensions (expected 1..%d%s)", fn, name, ndim, NB_MAX_DIMS,
                  ndim >= 1 && ndim <= NB_MAX_DIMS ? ", and the file ends inside them" : "");
        return NULL;
    }
    if ((type == 0x0D || type == 0x0E) && !nb_dtype_is_float(dtype)) {
        nb__error("%s: %s: the file holds %s values; read it as f32 or f64", fn, name,
                  type == 0x0D ? "f32" : "f64");
        return NULL;
    }
    int64_t shape[NB_MAX_DIMS];
    /* The product of the non-zero dimensions must fit even when a zero makes
     * the element count 0: the shape's strides are partial products. */
    size_t count = 1, nonzero = 1, size = (size_t)sizes[type], header = 4 + 4 * (size_t)ndim;
    for (int d = 0; d < ndim; d++) {
        shape[d] = be32(p + 4 + 4 * d);
        if (shape[d] && nonzero > ((size_t)1 << 40) / (size_t)shape[d]) {
            nb__error("%s: %s: byte %d: dimensions too large", fn, name, 4 + 4 * d);
            return NULL;
        }
        nonzero *= shape[d] ? (size_t)shape[d] : 1;
        count *= (size_t)shape[d];
    }
    if (len - header != count * size) {
        nb__error("%s: %s: byte %zu: the dimensions need %zu bytes of data, the file has %zu",
                  fn, name, header, count * size, len - header);
        return NULL;
    }
    nb_tensor *t = nb_empty(ctx, dtype, ndim, shape);
    if (!t) return NULL;
    void *out = nb_data(t);
    const unsigned char *d = p + header;
    for (size_t k = 0; k < count; k++) {
        double v = element(d, type, k);
        switch (dtype) {
        case NB_F32: ((float *)out)[k] = (float)v; break;
        case NB_F64: ((double *)out)[k] = v; break;
        case NB_I32: ((int32_t *)out)[k] = (int32_t)v; break;
        case NB_I64: ((int64_t *)out)[k] = (int64_t)v; break;
        default: ((uint8_t *)out)[k] = v != 0; break;
        }
    }
    return t;
}

static int check_dtype(nb_dtype dtype, const char *fn)
{
    if (dtype == NB_F32 || dtype == NB_F64 || dtype == NB_I32 || dtype == NB_I64) return 0;
    nb__error("%s: dtype must be f32, f64, i32 or i64", fn);
    return -1;
}

nb_tensor *nb_idx_read_buffer(nb_ctx *ctx, const void *data, size_t len, const char *name,
                              nb_dtype dtype)
{
    const char *fn = "nb_idx_read_buffer";
    name = name ? name : "<buffer>";
    if (!ctx || (!data && len)) {
        nb__error("%s: NULL argument", fn);
        return NULL;
    }
    if (check_dtype(dtype, fn) < 0) return NULL;
    const unsigned char *p = data;
    if (len < 2 || p[0] != 0x1f || p[1] != 0x8b) return parse(ctx, p, len, name, dtype, fn);
    bytes b = {0};
    nb_tensor *t = NULL;
    if (inflate_buffer(data, len, &b, name) == 0) t = parse(ctx, b.p, b.len, name, dtype, fn);
    free(b.p);
    return t;
}

nb_tensor *nb_idx_read(nb_ctx *ctx, const char *path, nb_dtype dtype)
{
    const char *fn = "nb_idx_read";
    if (!ctx || !path) {
        nb__error("%s: NULL argument", fn);
        return NULL;
    }
    if (check_dtype(dtype, fn) < 0) return NULL;
    gzFile gz = gzopen(path, "rb"); /* reads plain files unchanged */
    if (!gz) {
        nb__error("%s: cannot open %s: %s", fn, path, errno ? strerror(errno) : "out of memory");
        return NULL;
    }
    bytes b = {0};
    int n = 0;
    while (b.len < IDX_MAX_BYTES && bytes_reserve(&b, 1 << 20) == 0 &&
           (n = gzread(gz, b.p + b.len, 1 << 20)) > 0)
        b.len += (size_t)n;
    nb_tensor *t = NULL;
    int err;
    const char *msg = gzerror(gz, &err);
    if (n < 0 || err != Z_OK)
        nb__error("%s: %s: byte %zu: %s", fn, path, b.len,
                  err == Z_ERRNO ? strerror(errno) : msg);
    else if (n > 0)
        nb__error("%s: %s: too large (or out of memory)", fn, path);
    else
        t = parse(ctx, b.p, b.len, path, dtype, fn);
    gzclose(gz);
    free(b.p);
    return t;
}
