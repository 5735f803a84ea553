#include "bench.h"
int bench_matmul(int argc, char **argv) { (void)argc; (void)argv; return 0; }
