/* cli/common.c — steps several commands share: loading plugins, setting the
 * thread count, reading a CSV with the --drop columns removed. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

nb_registry *cli_registry(const cli_args *a)
{
    const char *paths[16];
    int n = cli_get_all(a, "plugin-path", paths, 16);
    nb_registry *r = nb_registry_new();
    if (!r || nb_registry_load(r, paths, n) < 0) {
        cli_lib_error(a->cmd, CLI_FAIL, "loading plugins");
        nb_registry_free(r);
        return NULL;
    }
    return r;
}

int cli_threads(const cli_args *a)
{
    long long n = 0;
    if (cli_int(a, "threads", 1, 1024, &n) < 0) return -1;
    if (n && nb_set_num_threads((int)n) < 0) return cli_lib_error(a->cmd, CLI_USAGE, "--threads"), -1;
    return 0;
}

const char *cli_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* "a,b,c" -> the dataset without those columns; each must exist. */
static int drop(const cli_args *a, nb_dataset **ds, const char *list)
{
    char *copy = strdup(list);
    const char *names[256];
    int n = 0;
    for (char *tok = copy ? strtok(copy, ",") : NULL; tok && n < 256; tok = strtok(NULL, ",")) names[n++] = tok;
    int status = CLI_OK;
    for (int k = 0; k < n && status == CLI_OK; k++)
        if (nb_dataset_col_index(*ds, names[k]) < 0)
            status = cli_error(a->cmd, CLI_USAGE, "--drop %s: no column '%s' in the data", list, names[k]);
    nb_dataset *out = status == CLI_OK ? nb_dataset_drop(*ds, names, n) : NULL;
    if (status == CLI_OK && !out) status = cli_lib_error(a->cmd, CLI_FAIL, "--drop");
    free(copy);
    nb_dataset_free(*ds);
    *ds = out;
    return status;
}

int cli_read_data(const cli_args *a, const char *path, const char *target, nb_dataset **out)
{
    nb_csv_options o = nb_csv_options_default();
    nb_dataset *ds = *out = nb_csv_read(path, &o, NULL);
    if (!ds) return cli_lib_error(a->cmd, CLI_FAIL, NULL);
    int status = CLI_OK;
    if (target && nb_dataset_col_index(ds, target) < 0)
        status = cli_error(a->cmd, CLI_USAGE, "--target %s: no such column in %s", target, cli_basename(path));
    else if (target && nb_dataset_set_target(ds, target) < 0)
        status = cli_lib_error(a->cmd, CLI_FAIL, NULL);
    const char *list = cli_get(a, "drop");
    if (status == CLI_OK && list) return drop(a, out, list);
    if (status != CLI_OK) nb_dataset_free(ds), *out = NULL;
    return status;
}
