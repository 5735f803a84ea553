/* models/model_file.h — what saving and loading model files share. */
#ifndef NB_MODELS_MODEL_FILE_H
#define NB_MODELS_MODEL_FILE_H

#include "internal.h"

#include <nabla/safetensors.h>

#define NB_MODEL_FORMAT "nabla-model"
#define NB_MODEL_FORMAT_VERSION "1"

/* FNV-1a 64 of the tensors' names, dtypes, shapes and bytes, in order, then
 * of every metadata entry but "checksum", in key order. */
uint64_t nb__file_checksum(const nb_named_tensor *t, int n, const nb_metadata *meta, int nmeta);

#endif
