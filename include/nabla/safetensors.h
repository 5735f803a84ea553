/* nabla/safetensors.h — named tensors to and from safetensors files.
 *
 * The format (https://github.com/huggingface/safetensors), byte for byte:
 *
 *     [8 bytes]  N, the header length, unsigned little-endian
 *     [N bytes]  a JSON object, UTF-8, starting with '{' and padded with
 *                spaces (0x20) to a multiple of 8 bytes:
 *                  {"__metadata__": {"key": "value", ...},
 *                   "name": {"dtype": "F32", "shape": [2, 3],
 *                            "data_offsets": [begin, end]}, ...}
 *     [rest]     the tensors' raw little-endian bytes in C order; offsets
 *                count from the first byte after the header and the tensors
 *                tile the buffer exactly (no gaps, no overlaps).
 *
 * dtypes: F32, F64, I32, I64 and BOOL (one byte, 0 or 1) map to nabla's five.
 * Metadata values are strings, as the format requires: store structured
 * values as JSON text inside the string.
 *
 * Writing goes to a temporary file beside the target, which is flushed and
 * renamed over it, so a reader never sees half a file. Loading checks every
 * length, offset, dtype and shape against the file before reading a byte of
 * data, and fails with a message naming the file and the entry.
 */
#ifndef NABLA_SAFETENSORS_H
#define NABLA_SAFETENSORS_H

#include <nabla/tensor.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A tensor with a name ("0.weight"); the currency of state dicts. */
typedef struct nb_named_tensor {
    const char *name;
    nb_tensor *tensor;
} nb_named_tensor;

/* One `__metadata__` entry: both strings. */
typedef struct nb_metadata {
    const char *key;
    const char *value;
} nb_metadata;

/* Writes n named tensors (any layout; names unique, not "__metadata__") and
 * nmeta metadata entries (keys unique) to path, atomically. */
int nb_safetensors_save(const char *path, const nb_named_tensor *tensors, int n,
                        const nb_metadata *meta, int nmeta);

/* A loaded file. Everything, including the strings, lives in the context it
 * was loaded into. Tensors are listed in file order (by data offset). */
typedef struct nb_safetensors {
    int n;
    nb_named_tensor *tensors;
    int nmeta;
    nb_metadata *meta;
} nb_safetensors;

nb_safetensors *nb_safetensors_load(nb_ctx *ctx, const char *path);
/* The same from bytes in memory; `name` is used in messages. */
nb_safetensors *nb_safetensors_load_buffer(nb_ctx *ctx, const void *data, size_t len,
                                           const char *name);
/* The tensor or metadata value of that name, or NULL (no error is set). */
nb_tensor *nb_safetensors_find(const nb_safetensors *st, const char *name);
const char *nb_safetensors_meta(const nb_safetensors *st, const char *key);

#ifdef __cplusplus
}
#endif
#endif /* NABLA_SAFETENSORS_H */
