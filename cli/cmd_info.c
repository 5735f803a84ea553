/* cli/cmd_info.c — `nabla info MODEL|FILE`: a model type's parameters with
 * their defaults, allowed values and help; or what a model file holds (its
 * metadata, tensors, and what the model learned). */
#include "cli.h"

#include <jansson.h>
#include <string.h>
#include <sys/stat.h>

static const cli_opt_spec opts[] = {
    {"plugin-path", true, "DIR   also search this folder or file for plugins"},
};

static void allowed(const nb_param_spec *s, char *buf, size_t n)
{
    if (s->type == NB_PARAM_ENUM) snprintf(buf, n, "%s", s->values);
    else if (s->range) snprintf(buf, n, "%s", s->range);
    else if (s->type == NB_PARAM_BOOL) snprintf(buf, n, "true|false");
    else snprintf(buf, n, "any");
}

static int type_info(const nb_registry *r, const nb_model_type *t)
{
    const nb_plugin_info *p = nb_registry_model_plugin(r, t);
    printf("%s — %s\n  task: %s\n  plugin: %s %s (%s)\n", t->name, t->summary, nb_task_name(t->task),
           p ? p->name : "?", p ? p->version : "", p ? p->path : "");
    printf("  input: %s%s\n\nparameters (--params name=value,...):\n",
           t->prep == NB_PREP_SCALED ? "impute, one-hot, standard-scale" : t->prep == NB_PREP_UNSCALED ? "impute, one-hot" : "raw columns",
           t->flags & NB_MODEL_SAMPLE_WEIGHTS ? "; takes sample weights (--weights COL)" : "");
    printf("  %-16s %-8s %-10s %-24s %s\n", "name", "type", "default", "allowed", "meaning");
    for (int k = 0; k < t->nparams; k++) {
        char buf[128];
        allowed(&t->params[k], buf, sizeof buf);
        printf("  %-16s %-8s %-10s %-24s %s\n", t->params[k].name, nb_param_type_name(t->params[k].type),
               t->params[k].def, buf, t->params[k].help);
    }
    return CLI_OK;
}

static void print_json_fields(const char *label, const char *json)
{
    json_t *o = json_loads(json ? json : "null", 0, NULL);
    const char *key;
    json_t *v;
    printf("  %-15s", label);
    json_object_foreach(o, key, v) {
        char *text = json_is_string(v) ? NULL : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        printf(" %s=%s", key, text ? text : json_string_value(v));
        free(text);
    }
    printf("\n");
    json_decref(o);
}

static int file_info(const cli_args *a, const char *path)
{
    nb_model_file_info *info = nb_model_file_info_read(path);
    if (!info) return cli_lib_error(a->cmd, CLI_FAIL, NULL);
    const char *get[] = {"plugin", "plugin_version", "model_type", "task", "abi"};
    printf("%s: a nabla model file (format %s)\n", path, nb_model_file_info_get(info, "format_version"));
    for (int k = 0; k < 5; k++) printf("  %-15s %s\n", get[k], nb_model_file_info_get(info, get[k]));
    print_json_fields("params", nb_model_file_info_get(info, "params"));
    print_json_fields("repro", nb_model_file_info_get(info, "repro"));
    printf("  tensors:\n");
    for (int k = 0; k < nb_model_file_info_ntensors(info); k++) {
        nb_dtype dt;
        int nd;
        const int64_t *shape;
        const char *name = nb_model_file_info_tensor(info, k, &dt, &nd, &shape);
        printf("    %-20s %s [", name, nb_dtype_name(dt));
        for (int d = 0; d < nd; d++) printf("%s%lld", d ? ", " : "", (long long)shape[d]);
        printf("]\n");
    }
    nb_model_file_info_free(info);
    nb_registry *r = cli_registry(a);
    nb_model *m = r ? nb_model_load(r, path) : NULL;
    int status = CLI_OK;
    if (m) {
        printf("\ntrained on %lld input columns -> %lld features", (long long)nb_model_ninputs(m),
               (long long)nb_model_nfeatures(m));
        if (nb_model_target_name(m)) printf("; target %s", nb_model_target_name(m));
        if (nb_model_nclasses(m)) {
            printf(" (classes:");
            for (int64_t k = 0; k < nb_model_nclasses(m); k++) printf(" %s", nb_model_class_name(m, k));
            printf(")");
        }
        printf("\n\n");
        fflush(stdout);
        if (nb_model_print(m, stdout) < 0) status = cli_lib_error(a->cmd, CLI_FAIL, NULL);
    } else if (r) {
        printf("\n(the model could not be loaded: %s)\n", nb_last_error());
    }
    nb_model_free(m);
    nb_registry_free(r);
    return status;
}

int cli_info(int argc, char **argv)
{
    cli_args a = {.cmd = "info", .specs = opts, .nspecs = 1, .usage = "nabla info MODEL|FILE",
                  .about = "Shows a model type's parameters (defaults, allowed values, help), or what a\n"
                           "model file holds: plugin, parameters, reproducibility record, tensors, and\n"
                           "what the model learned (coefficients, ...)."};
    int status;
    if (cli_parse(&a, argc, argv, &status) < 0) return status;
    if (a.npos != 1) return cli_error(a.cmd, CLI_USAGE, "expected a model type or a model file (try 'nabla info --help')");
    struct stat st;
    if (stat(a.pos[0], &st) == 0 || strchr(a.pos[0], '/') || strchr(a.pos[0], '.')) return file_info(&a, a.pos[0]);
    nb_registry *r = cli_registry(&a);
    if (!r) return CLI_FAIL;
    const nb_model_type *t = nb_registry_find_model(r, a.pos[0]);
    status = t ? type_info(r, t) : cli_lib_error(a.cmd, CLI_USAGE, NULL);
    nb_registry_free(r);
    return status;
}
