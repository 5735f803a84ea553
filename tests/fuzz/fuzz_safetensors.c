/* tests/fuzz/fuzz_safetensors.c — libFuzzer target for what a model file
 * brings in from outside: the safetensors reader (first byte 0), and the
 * JSON that a model file's metadata carries, read by the pipeline (1) and
 * label-map (2) loaders. Every tensor that loads is summed, so its bytes are
 * read; every pipeline that loads is written back out. */
#include <nabla/nabla.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void safetensors(const uint8_t *data, size_t size)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_safetensors *st = nb_safetensors_load_buffer(ctx, data, size, "fuzz.safetensors");
    for (int k = 0; st && k < st->n; k++) nb_sum(ctx, st->tensors[k].tensor, NB_ALL_AXES, false);
    const char *pipeline = st ? nb_safetensors_meta(st, "pipeline") : NULL;
    if (pipeline) nb_pipeline_free(nb_pipeline_from_json(pipeline)); /* as a model load reads it */
    nb_ctx_free(ctx);
}

static void json_text(int kind, const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1); /* the loaders take a C string */
    if (!text) return;
    memcpy(text, data, size);
    text[size] = '\0';
    if (kind == 1) {
        nb_pipeline *p = nb_pipeline_from_json(text);
        free(p ? nb_pipeline_to_json(p) : NULL);
        nb_pipeline_free(p);
    } else {
        nb_label_map_free(nb_label_map_from_json(text));
    }
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    if (data[0] % 3 == 0) safetensors(data + 1, size - 1);
    else json_text(data[0] % 3, data + 1, size - 1);
    return 0;
}
