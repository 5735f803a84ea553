/* models/model_info.c — what a model file says about itself (its metadata
 * and the names, dtypes and shapes of its tensors), read without loading the
 * plugin that made it: `nabla info FILE` starts here. */
#include "model_file.h"

#include <stdlib.h>
#include <string.h>

struct nb_model_file_info {
    nb_ctx *ctx;
    nb_safetensors *st;
};

nb_model_file_info *nb_model_file_info_read(const char *path)
{
    if (!path) return nb__error("nb_model_file_info_read: NULL path"), NULL;
    nb_model_file_info *info = calloc(1, sizeof *info);
    if (info) info->ctx = nb_ctx_new();
    if (!info || !info->ctx) {
        free(info);
        return nb__error("nb_model_file_info_read: out of memory"), NULL;
    }
    info->st = nb_safetensors_load(info->ctx, path);
    const char *format = info->st ? nb_safetensors_meta(info->st, "format") : NULL;
    if (info->st && (!format || strcmp(format, NB_MODEL_FORMAT) != 0))
        nb__error("nb_model_file_info_read: %s: a safetensors file, but not a nabla model (format '%.40s')",
                  path, format ? format : "none");
    if (!format || strcmp(format, NB_MODEL_FORMAT) != 0) {
        nb_model_file_info_free(info);
        return NULL;
    }
    return info;
}

void nb_model_file_info_free(nb_model_file_info *info)
{
    if (!info) return;
    nb_ctx_free(info->ctx);
    free(info);
}

const char *nb_model_file_info_key(const nb_model_file_info *info, int i)
{
    return info && i >= 0 && i < info->st->nmeta ? info->st->meta[i].key : NULL;
}

const char *nb_model_file_info_value(const nb_model_file_info *info, int i)
{
    return info && i >= 0 && i < info->st->nmeta ? info->st->meta[i].value : NULL;
}

const char *nb_model_file_info_get(const nb_model_file_info *info, const char *key)
{
    return info && key ? nb_safetensors_meta(info->st, key) : NULL;
}

int nb_model_file_info_ntensors(const nb_model_file_info *info) { return info ? info->st->n : 0; }

const char *nb_model_file_info_tensor(const nb_model_file_info *info, int i, nb_dtype *dtype, int *ndim,
                                      const int64_t **shape)
{
    if (!info || i < 0 || i >= info->st->n) return NULL;
    const nb_tensor *t = info->st->tensors[i].tensor;
    if (dtype) *dtype = t->dtype;
    if (ndim) *ndim = t->ndim;
    if (shape) *shape = t->shape;
    return info->st->tensors[i].name;
}
