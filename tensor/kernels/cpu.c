/* tensor/kernels/cpu.c — which instruction-set path the kernels take.
 *
 * One binary runs on any x86-64: the AVX2 and AVX-512 kernels are compiled
 * with their own flags into their own objects, and nothing calls them until
 * CPUID (through __builtin_cpu_supports, which also checks that the OS saves
 * the wide registers) says the CPU has what they were compiled for. Elsewhere
 * only the portable path exists. */
#include "kernels.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* The best path this CPU can run. */
static nb_isa best_supported(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    /* Exactly the features gemm_avx512.c / gemm_avx2.c are compiled with. */
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return NB_ISA_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return NB_ISA_AVX2;
#endif
    return NB_ISA_PORTABLE;
}

/* NABLA_ISA=portable|avx2|avx512 may lower the choice, for tests and
 * comparisons. A path the CPU lacks, or a name we do not know, is ignored:
 * asking for avx512 on an AVX2 machine must not crash with an illegal
 * instruction. */
static nb_isa choose(void)
{
    nb_isa best = best_supported();
    const char *want = getenv("NABLA_ISA");
    if (!want) return best;
    for (int isa = NB_ISA_PORTABLE; isa <= NB_ISA_AVX512; isa++)
        if (!strcmp(want, nb__isa_label((nb_isa)isa)))
            return isa <= (int)best ? (nb_isa)isa : best;
    return best;
}

/* Chosen at first use and kept. Threads racing through the first call all
 * compute the same answer, so a plain atomic store is enough: no lock. */
nb_isa nb__isa(void)
{
    static atomic_int chosen = -1;
    int isa = atomic_load_explicit(&chosen, memory_order_relaxed);
    if (isa < 0) {
        isa = (int)choose();
        atomic_store_explicit(&chosen, isa, memory_order_relaxed);
    }
    return (nb_isa)isa;
}

const char *nb__isa_label(nb_isa isa)
{
    switch (isa) {
    case NB_ISA_AVX512: return "avx512";
    case NB_ISA_AVX2: return "avx2";
    default: return "portable";
    }
}
