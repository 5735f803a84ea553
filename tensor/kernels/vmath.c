/* tensor/kernels/vmath.c — which table of vector kernels the tensor ops use:
 * the one for the instruction-set path nb__isa() chose (cpu.c). */
#include "vmath.h"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#else
#include <stdatomic.h>
#endif

void nb__vmath_fence(void)
{
#if defined(__x86_64__) || defined(__i386__)
    _mm_sfence();
#else
    atomic_thread_fence(memory_order_seq_cst); /* the portable kernels store plainly */
#endif
}

const nb_vmath *nb__vmath_for(nb_isa isa)
{
#if defined(__x86_64__) && defined(__GNUC__)
    if (isa == NB_ISA_AVX512) return nb__vmath_avx512();
    if (isa == NB_ISA_AVX2) return nb__vmath_avx2();
#endif
    (void)isa;
    return nb__vmath_portable();
}

const nb_vmath *nb__vmath(void) { return nb__vmath_for(nb__isa()); }
