/* tests/fuzz/fuzz_csv.c — libFuzzer target for the CSV reader.
 *
 * The first byte picks the options (delimiter, quoting, header, trimming,
 * skipping bad rows, a tiny chunk size so records straddle chunk edges); the
 * rest is the file. Any dataset read is summarised and converted, so the
 * code after reading sees every odd shape the reader lets through. */
#include <nabla/nabla.h>

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    uint8_t flags = data[0];
    nb_csv_options o = nb_csv_options_default();
    static const char delims[] = {',', '\t', ';', '|'};
    o.delimiter = delims[flags & 3];
    o.quoting = !(flags & 4);
    o.header = !(flags & 8);
    o.trim_spaces = !(flags & 16);
    o.skip_bad_rows = flags & 32;
    o.chunk_bytes = flags & 64 ? 3 : 4096;
    o.max_categories = flags & 128 ? 0 : 100;
    nb_csv_report rep;
    nb_dataset *ds = nb_csv_read_buffer(data + 1, size - 1, "fuzz.csv", &o, &rep);
    if (ds) {
        nb_summary *s = nb_describe(ds);
        nb_summary_free(s);
        nb_ctx *ctx = nb_ctx_new();
        nb_dataset_to_tensor(ctx, ds, NB_F32);
        nb_ctx_free(ctx);
        nb_dataset_free(ds);
    }
    return 0;
}
