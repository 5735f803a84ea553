#include "kernels.h"
nb_isa nb__isa(void) { return NB_ISA_PORTABLE; }
const char *nb__isa_label(nb_isa isa) { return isa == NB_ISA_AVX512 ? "avx512" : isa == NB_ISA_AVX2 ? "avx2" : "portable"; }
