/* tests/st_tool.c — the C side of tests/safetensors_layout.py:
 *   st_tool write PATH   writes the fixed tensors the script expects
 *   st_tool read PATH    loads a file and prints each tensor and metadata entry
 *                        ("name dtype [shape] v0 v1 ...", "meta key value") */
#include <nabla/safetensors.h>
#include <stdio.h>
#include <string.h>

static int write_file(const char *path)
{
    nb_ctx *c = nb_ctx_new();
    nb_tensor *f32 = nb_reshape(c, nb_sub_scalar(c, nb_mul_scalar(c, nb_arange(c, NB_F32, 0, 6, 1), 0.5), 1), NB_SHAPE(2, 3));
    nb_named_tensor ts[] = {
        {"f32", f32},
        {"f64", nb_from_data(c, NB_F64, NB_SHAPE(3), (double[]){1.0 / 3, -2.5, 1e300})},
        {"i32", nb_from_data(c, NB_I32, NB_SHAPE(2), (int32_t[]){-7, 2147483647})},
        {"i64", nb_from_data(c, NB_I64, NB_SHAPE(2), (int64_t[]){-9007199254740993LL, 5})},
        {"bool", nb_from_data(c, NB_BOOL, NB_SHAPE(3), (uint8_t[]){1, 0, 1})},
        {"scalar", nb_scalar(c, NB_F64, 3.25)},
    };
    nb_metadata meta[] = {{"framework", "nabla"}, {"config", "{\"a\": 1}"}};
    int rc = nb_safetensors_save(path, ts, 6, meta, 2);
    if (rc) fprintf(stderr, "st_tool: %s\n", nb_last_error());
    nb_ctx_free(c);
    return rc ? 1 : 0;
}

static int read_file(const char *path)
{
    nb_ctx *c = nb_ctx_new();
    nb_safetensors *st = nb_safetensors_load(c, path);
    if (!st) {
        fprintf(stderr, "st_tool: %s\n", nb_last_error());
        nb_ctx_free(c);
        return 1;
    }
    for (int i = 0; i < st->n; i++) {
        nb_tensor *t = st->tensors[i].tensor;
        printf("%s %s [", st->tensors[i].name, nb_dtype_name(t->dtype));
        for (int d = 0; d < t->ndim; d++) printf(d ? ",%lld" : "%lld", (long long)t->shape[d]);
        printf("]");
        nb_tensor *flat = nb_reshape(c, t, NB_SHAPE(-1));
        for (int64_t j = 0; j < nb_numel(t); j++) {
            nb_tensor *e = nb_slice(c, flat, 0, j, j + 1, 1);
            if (nb_dtype_is_float(t->dtype)) printf(" %.17g", nb_item(e));
            else printf(" %lld", (long long)nb_item_i64(e));
        }
        printf("\n");
    }
    for (int i = 0; i < st->nmeta; i++) printf("meta %s %s\n", st->meta[i].key, st->meta[i].value);
    nb_ctx_free(c);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "write")) return write_file(argv[2]);
    if (argc == 3 && !strcmp(argv[1], "read")) return read_file(argv[2]);
    fprintf(stderr, "usage: st_tool write|read PATH\n");
    return 2;
}
