/* nabla/nabla.h — everything: include this one header.
 *
 *   tensor.h    tensors, arenas, random generators, ops
 *   data.h      CSV/IDX/.npy files, datasets, preprocessing pipelines, splits
 */
#ifndef NABLA_H
#define NABLA_H

#include <nabla/tensor.h>
#include <nabla/data.h>

#endif
