/* cli/common.c — steps several commands share: loading plugins, setting the
 * thread count, reading a CSV (its delimiter, quoting and missing-value
 * tokens from the options) with the --drop columns removed. */
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
static int drop(const cli_args *a, nb_dataset **ds, const char *list, const char *target)
{
    char *copy = strdup(list);
    const char *names[256];
    int n = 0;
    for (char *tok = copy ? strtok(copy, ",") : NULL; tok && n < 256; tok = strtok(NULL, ",")) names[n++] = tok;
    int status = CLI_OK;
    for (int k = 0; k < n && status == CLI_OK; k++)
        if (nb_dataset_col_index(*ds, names[k]) < 0)
            status = cli_error(a->cmd, CLI_USAGE, "--drop %s: no column '%s' in the data", list, names[k]);
        else if (target && !strcmp(names[k], target))
            status = cli_error(a->cmd, CLI_USAGE, "--drop %s: '%s' is the --target column", list, names[k]);
    nb_dataset *out = status == CLI_OK ? nb_dataset_drop(*ds, names, n) : NULL;
    if (status == CLI_OK && !out) status = cli_lib_error(a->cmd, CLI_FAIL, "--drop");
    free(copy);
    nb_dataset_free(*ds);
    *ds = out;
    return status;
}

/* How to read the data files: --delimiter, --no-quoting, --na. */
enum { CLI_MAX_NA = 64 };
typedef struct cli_csv {
    nb_csv_options o;
    char *copy;                /* the --na text, cut into tokens */
    const char *na[CLI_MAX_NA];
} cli_csv;

/* "\t" or "tab" is a tab; otherwise one character. */
static int parse_delimiter(const cli_args *a, const char *v, bool quoting, char *out)
{
    if (!strcmp(v, "\\t") || !strcmp(v, "tab")) v = "\t";
    if (strlen(v) != 1 || *v == '\n' || *v == '\r')
        return cli_error(a->cmd, CLI_USAGE, "--delimiter '%s': expected one character, or \\t or tab for a tab", v);
    if (*v == '"' && quoting) return cli_error(a->cmd, CLI_USAGE, "--delimiter '\"': a quote needs --no-quoting");
    *out = *v;
    return CLI_OK;
}

static bool is_tsv(const char *path)
{
    size_t n = strlen(path);
    return n >= 4 && (!strcmp(path + n - 4, ".tsv") || !strcmp(path + n - 4, ".tab"));
}

/* --na "NA,-,": the tokens, empty ones kept (an empty item is the empty
 * cell), in s->copy. */
static int parse_na(const cli_args *a, const char *list, cli_csv *s)
{
    s->copy = strdup(list);
    if (!s->copy) return cli_error(a->cmd, CLI_FAIL, "out of memory");
    int n = 0;
    for (char *tok = s->copy; tok; n++) {
        if (n == CLI_MAX_NA) return cli_error(a->cmd, CLI_USAGE, "--na: more than %d tokens", CLI_MAX_NA);
        s->na[n] = tok;
        char *comma = strchr(tok, ',');
        if (comma) *comma = '\0';
        tok = comma ? comma + 1 : NULL;
    }
    s->o.missing = s->na, s->o.nmissing = n;
    return CLI_OK;
}

static int csv_setup(const cli_args *a, const char *path, cli_csv *s)
{
    s->o = nb_csv_options_default();
    s->copy = NULL;
    s->o.quoting = !cli_flag(a, "no-quoting");
    if (is_tsv(path)) s->o.delimiter = '\t';
    const char *d = cli_get(a, "delimiter"), *na = cli_get(a, "na");
    int status = d ? parse_delimiter(a, d, s->o.quoting, &s->o.delimiter) : CLI_OK;
    if (status == CLI_OK && na) status = parse_na(a, na, s);
    return status;
}

/* The library's message, with the option that fixes a stray quote named:
 * "... (or turn quoting off)" becomes "... (or turn quoting off: --no-quoting)". */
static int read_error(const cli_args *a)
{
    const char *msg = nb_last_error(), *hint = strstr(msg, "(or turn quoting off)");
    if (hint && !hint[strlen("(or turn quoting off)")])
        return cli_error(a->cmd, CLI_FAIL, "%.*s(or turn quoting off: --no-quoting)", (int)(hint - msg), msg);
    return cli_lib_error(a->cmd, CLI_FAIL, NULL);
}

/* Marks the target and drops the --drop columns (never the target). */
static int select_columns(const cli_args *a, const char *path, const char *target, nb_dataset **ds)
{
    if (target && nb_dataset_col_index(*ds, target) < 0)
        return cli_error(a->cmd, CLI_USAGE, "--target %s: no such column in %s", target, cli_basename(path));
    if (target && nb_dataset_set_target(*ds, target) < 0) return cli_lib_error(a->cmd, CLI_FAIL, NULL);
    const char *list = cli_get(a, "drop");
    return list ? drop(a, ds, list, target) : CLI_OK;
}

int cli_read_data(const cli_args *a, const char *path, const char *target, nb_dataset **out)
{
    cli_csv s;
    int status = csv_setup(a, path, &s);
    *out = status == CLI_OK ? nb_csv_read(path, &s.o, NULL) : NULL;
    free(s.copy);
    if (status != CLI_OK) return status;
    if (!*out) return read_error(a);
    status = select_columns(a, path, target, out);
    if (status != CLI_OK) nb_dataset_free(*out), *out = NULL;
    return status;
}
