/* cli/main.c — the `nabla` command: dispatches to subcommands. */
#include <nabla/nabla.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
} commands[] = {
    {"plugins", cli_plugins, "list the plugins, their model types, and the files refused"},
    {"info", cli_info, "a model type's parameters, or what a model file holds"},
    {"describe", cli_describe, "summarise the columns of a CSV file"},
    {"train", cli_train, "fit a model on a CSV file, score it, save it"},
    {"eval", cli_eval, "score a saved model on a labelled CSV file"},
    {"predict", cli_predict, "write a saved model's predictions for a CSV file"},
    {"tune", cli_tune, "grid search with cross-validation"},
    {"demo", cli_demo, "show what nabla does, on built-in data"},
};
enum { N_COMMANDS = sizeof commands / sizeof commands[0] };

static void usage(FILE *f)
{
    fprintf(f,
            "usage: nabla [--version] [--help] COMMAND [ARGS]\n"
            "\n"
            "nabla is a machine-learning framework written from scratch in C11.\n"
            "\n"
            "commands:\n");
    for (int i = 0; i < N_COMMANDS; i++) fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
    fprintf(f, "\nRun 'nabla COMMAND --help' for a command's options.\n");
}

static void version(void)
{
    printf("nabla %s (openmp %s, %d threads, kernels: %s)\n", nb_version(),
           nb_openmp_enabled() ? "on" : "off", nb_get_num_threads(), nb_isa_name());
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
        version();
        return 0;
    }
    for (int i = 0; i < N_COMMANDS; i++)
        if (!strcmp(cmd, commands[i].name)) return commands[i].run(argc - 1, argv + 1);
    if (cmd[0] == '-')
        fprintf(stderr, "nabla: unknown option '%s' (try 'nabla --help')\n", cmd);
    else
        fprintf(stderr, "nabla: unknown command '%s' (try 'nabla --help')\n", cmd);
    return 2;
}
