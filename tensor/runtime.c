/* tensor/runtime.c — version, build facts and the thread count. */
#include <nabla/tensor.h>

#include "error.h"
#include "kernels/kernels.h"
#include "nb_config.h"

#ifdef _OPENMP
#include <omp.h>
#endif

const char *nb_version(void) { return NB_VERSION; }

bool nb_openmp_enabled(void)
{
#ifdef _OPENMP
    return true;
#else
    return false;
#endif
}

const char *nb_isa_name(void) { return nb__isa_label(nb__isa()); }

int nb_get_num_threads(void)
{
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

int nb_set_num_threads(int n)
{
    if (n < 1 || n > 1024) {
        nb__error("nb_set_num_threads: thread count %d is out of range [1, 1024]", n);
        return -1;
    }
#ifdef _OPENMP
    omp_set_num_threads(n);
#endif
    return 0;
}
