/* nabla/nabla.h — everything: include this one header.
 *
 *   tensor.h    tensors, arenas, random generators, ops
 */
#ifndef NABLA_H
#define NABLA_H

#include <nabla/tensor.h>

#endif
