/* nabla/nabla.h — everything: include this one header.
 *
 *   tensor.h    tensors, arenas, random generators, ops
 *   autograd.h  gradients: backward, no_grad, the op table, gradcheck
 *   data.h      CSV/IDX/.npy files, datasets, preprocessing pipelines, splits
 */
#ifndef NABLA_H
#define NABLA_H

#include <nabla/tensor.h>
#include <nabla/autograd.h>
#include <nabla/data.h>

#endif
