/* cli/args.c — command-line options: "--name value", "--name=value", flags
 * and positional arguments, checked against each command's table, with
 * --help printed from the same table. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const cli_opt_spec *find_spec(const cli_args *a, const char *name, size_t len)
{
    for (int k = 0; k < a->nspecs; k++)
        if (strlen(a->specs[k].name) == len && !strncmp(a->specs[k].name, name, len)) return &a->specs[k];
    return NULL;
}

/* "  --model NAME     the model type": an option's help text starts with its
 * value's name (when it takes one), then the description. */
static void help_line(const cli_opt_spec *s)
{
    const char *h = s->help;
    int meta = 0;
    if (s->value) meta = (int)strcspn(h, " ");
    const char *desc = h + meta;
    while (*desc == ' ') desc++;
    char opt[64];
    snprintf(opt, sizeof opt, "--%s %.*s", s->name, meta, h);
    printf("  %-26s %s\n", opt, desc);
}

static void help(const cli_args *a)
{
    printf("usage: %s\n\n%s\n", a->usage, a->about);
    if (a->nspecs) printf("\noptions:\n");
    for (int k = 0; k < a->nspecs; k++) help_line(&a->specs[k]);
    printf("  %-26s %s\n", "--help", "show this help");
}

static int usage_error(const cli_args *a, int *status, const char *fmt, const char *what)
{
    fprintf(stderr, "nabla %s: ", a->cmd);
    fprintf(stderr, fmt, what);
    fprintf(stderr, " (try 'nabla %s --help')\n", a->cmd);
    *status = CLI_USAGE;
    return -1;
}

int cli_parse(cli_args *a, int argc, char **argv, int *status)
{
    a->n = a->npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            help(a);
            *status = CLI_OK;
            return -1;
        }
        if (strncmp(arg, "--", 2) != 0) {
            if (a->npos == 16) return usage_error(a, status, "too many arguments at '%s'", arg);
            a->pos[a->npos++] = arg;
            continue;
        }
        const char *name = arg + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const cli_opt_spec *s = find_spec(a, name, len);
        if (!s) return usage_error(a, status, "unknown option '%s'", arg);
        if (a->n == CLI_MAX_OPTS) return usage_error(a, status, "too many options at '%s'", arg);
        const char *value = NULL;
        if (s->value) {
            if (eq) value = eq + 1;
            else if (i + 1 < argc) value = argv[++i];
            else return usage_error(a, status, "option '%s' needs a value", arg);
        } else if (eq) {
            return usage_error(a, status, "option '%s' takes no value", arg);
        }
        a->opt[a->n].name = s->name, a->opt[a->n].value = value ? value : "";
        a->n++;
    }
    return 0;
}

const char *cli_get(const cli_args *a, const char *name)
{
    for (int k = a->n - 1; k >= 0; k--)
        if (!strcmp(a->opt[k].name, name)) return a->opt[k].value;
    return NULL;
}

bool cli_flag(const cli_args *a, const char *name) { return cli_get(a, name) != NULL; }

int cli_get_all(const cli_args *a, const char *name, const char **out, int max)
{
    int n = 0;
    for (int k = 0; k < a->n && n < max; k++)
        if (!strcmp(a->opt[k].name, name)) out[n++] = a->opt[k].value;
    return n;
}

const char *cli_need(const cli_args *a, const char *name)
{
    const char *v = cli_get(a, name);
    if (!v || !*v) cli_error(a->cmd, CLI_USAGE, "--%s is required (try 'nabla %s --help')", name, a->cmd);
    return v && *v ? v : NULL;
}

int cli_int(const cli_args *a, const char *name, long long lo, long long hi, long long *out)
{
    const char *v = cli_get(a, name);
    if (!v) return 0;
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (end == v || *end || errno || x < lo || x > hi) {
        cli_error(a->cmd, CLI_USAGE, "--%s %s: expected an integer from %lld to %lld", name, v, lo, hi);
        return -1;
    }
    *out = x;
    return 0;
}

int cli_double(const cli_args *a, const char *name, double lo, double hi, double *out)
{
    const char *v = cli_get(a, name);
    if (!v) return 0;
    char *end;
    double x = strtod(v, &end);
    if (end == v || *end || !(x >= lo && x <= hi)) {
        cli_error(a->cmd, CLI_USAGE, "--%s %s: expected a number from %g to %g", name, v, lo, hi);
        return -1;
    }
    *out = x;
    return 0;
}

int cli_error(const char *cmd, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "nabla %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return status;
}

int cli_lib_error(const char *cmd, int status, const char *fmt, ...)
{
    fprintf(stderr, "nabla %s: ", cmd);
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fprintf(stderr, ": ");
    }
    fprintf(stderr, "%s\n", *nb_last_error() ? nb_last_error() : "failed (no reason given)");
    return status;
}
