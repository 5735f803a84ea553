/* nabla/nabla.h — everything: include this one header.
 *
 *   tensor.h       tensors, arenas, random generators, ops
 *   safetensors.h  named tensors to and from safetensors files
 *   autograd.h     gradients: backward, no_grad, the op table, gradcheck
 *   data.h         CSV/IDX/.npy files, datasets, preprocessing pipelines, splits
 *   model.h        models, plugins, parameters, model files, metrics, evaluation
 *   nn.h           modules, layers, losses, initialisers, optimizers, checkpoints
 */
#ifndef NABLA_H
#define NABLA_H

#include <nabla/tensor.h>
#include <nabla/safetensors.h>
#include <nabla/autograd.h>
#include <nabla/data.h>
#include <nabla/model.h>
#include <nabla/nn.h>

#endif
