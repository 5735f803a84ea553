/* bench/nabla_bench.c — `nabla-bench SUBCOMMAND`: performance figures, one line
 * each, with ratios against a reference measured in the same run. */
#include "bench.h"

#include <nabla/nabla.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
} commands[] = {
    {"elementwise", bench_elementwise, "add, mul, exp, relu on 10M floats vs copy bandwidth"},
    {"reduce", bench_reduce, "sum, max, softmax on 10M floats"},
    {"autograd", bench_autograd, "graph overhead: 100k-op chain, MLP step"},
    {"matmul", bench_matmul, "f32 GEMM vs OpenBLAS (separate process)"},
    {"csv", bench_csv, "load a 1M x 20 numeric CSV: rows/s and peak memory"},
    {"softmax_ce", bench_softmax_ce, "softmax cross-entropy 4096x1000, forward and backward"},
    {"nn", bench_nn, "seconds per Fashion-MNIST epoch: mlp or cnn (Adam, batch 128)"},
};
enum { N_COMMANDS = sizeof commands / sizeof commands[0] };

static void usage(FILE *f)
{
    fprintf(f, "usage: nabla-bench SUBCOMMAND [ARGS]\n\nsubcommands:\n");
    for (int i = 0; i < N_COMMANDS; i++) fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].help);
}

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (int i = 0; i < N_COMMANDS; i++)
        if (!strcmp(argv[1], commands[i].name)) {
            printf("# nabla %s, isa %s, %d threads max, openmp %s\n", nb_version(),
                   nb_isa_name(), nb_get_num_threads(), nb_openmp_enabled() ? "on" : "off");
            return commands[i].run(argc - 1, argv + 1);
        }
    fprintf(stderr, "nabla-bench: unknown subcommand '%s'\n", argv[1]);
    return 2;
}
