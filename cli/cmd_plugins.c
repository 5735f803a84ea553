/* cli/cmd_plugins.c — `nabla plugins`: what was loaded from where, what was
 * refused or shadowed and why, and the folders searched. */
#include "cli.h"

static const cli_opt_spec opts[] = {
    {"plugin-path", true, "DIR   also search this folder or file first (repeatable)"},
};

int cli_plugins(int argc, char **argv)
{
    cli_args a = {.cmd = "plugins", .specs = opts, .nspecs = 1, .usage = "nabla plugins [--plugin-path DIR]",
                  .about = "Lists the plugins found, their model types and environments, and the files refused."};
    int status;
    if (cli_parse(&a, argc, argv, &status) < 0) return status;
    if (a.npos) return cli_error(a.cmd, CLI_USAGE, "unexpected argument '%s'", a.pos[0]);
    nb_registry *r = cli_registry(&a);
    if (!r) return CLI_FAIL;
    for (int p = 0; p < nb_registry_count(r); p++) {
        const nb_plugin_info *in = nb_registry_plugin(r, p);
        printf("%s %s (%s, ABI %d.%d) %s\n", in->name, in->version, in->licence, in->abi_major, in->abi_minor, in->path);
        for (int k = 0; k < in->nmodels; k++)
            printf("  %-22s %-15s %s\n", in->models[k]->name, nb_task_name(in->models[k]->task), in->models[k]->summary);
        for (int k = 0; k < in->nenvs; k++)
            printf("  %-22s %-15s %s\n", in->envs[k]->name, "environment", in->envs[k]->summary);
    }
    if (nb_registry_count(r) <= 1) printf("\nno plugins found: set NABLA_PLUGIN_PATH or pass --plugin-path\n");
    printf("\nsearched:");
    for (int k = 0; k < nb_registry_nsearched(r); k++) printf(" %s", nb_registry_searched(r, k));
    printf("%s\n", nb_registry_nsearched(r) ? "" : " (no folder exists)");
    for (int k = 0; k < nb_registry_nnotes(r); k++) {
        const nb_registry_note *n = nb_registry_note_at(r, k);
        printf("%s %s: %s\n", n->kind == NB_NOTE_REFUSED ? "refused" : "shadowed", n->path, n->reason);
    }
    nb_registry_free(r);
    return CLI_OK;
}
