/* tests/fuzz/fuzz_idx.c — libFuzzer target for the IDX reader (plain and
 * gzip: inputs starting 1f 8b are inflated) and, by the first byte's top
 * bit, the .npy reader. The first byte's low bits pick the dtype. */
#include <nabla/nabla.h>

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    static const nb_dtype dtypes[] = {NB_F32, NB_F64, NB_I32, NB_I64};
    nb_ctx *ctx = nb_ctx_new();
    if (data[0] & 0x80) nb_npy_read_buffer(ctx, data + 1, size - 1, "fuzz.npy");
    else nb_idx_read_buffer(ctx, data + 1, size - 1, "fuzz.idx", dtypes[data[0] & 3]);
    nb_ctx_free(ctx);
    return 0;
}
