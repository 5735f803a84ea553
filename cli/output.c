/* cli/output.c — files the command writes (models, logs, predictions,
 * plots). Each is checked before any work (its folder takes a new file), and
 * written to a temporary file beside the target that is renamed over it only
 * when complete, so an error or Ctrl-C never leaves half a file behind. A
 * command writing several files stages them all and renames them together,
 * once everything that can fail has succeeded. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* "PATH.tmpXXXXXX", created empty with the mode a new file gets (mkstemp
 * makes it owner-only, and the rename would pass that on to the user's
 * file); NULL (errno set) when it cannot be. The command is single-threaded
 * here, so reading the umask by setting it back is safe. */
static char *temp_beside(const char *path)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp) return NULL;
    snprintf(tmp, n, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) return free(tmp), NULL;
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0) {
        int err = errno;
        close(fd), remove(tmp), free(tmp);
        return errno = err, NULL;
    }
    close(fd);
    return tmp;
}

/* One output option: a file name whose folder takes a new file. */
static int check_output(const cli_args *a, const char *opt, const char *path)
{
    struct stat st;
    if (!*path) return cli_error(a->cmd, CLI_USAGE, "--%s: expected a file name", opt);
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return cli_error(a->cmd, CLI_USAGE, "--%s %s: is a folder; give a file name", opt, path);
    char *tmp = temp_beside(path);
    if (!tmp) return cli_error(a->cmd, CLI_FAIL, "--%s %s: cannot write there: %s", opt, path, strerror(errno));
    remove(tmp);
    free(tmp);
    return CLI_OK;
}

int cli_check_outputs(const cli_args *a, const char *const *opts)
{
    for (int k = 0; opts[k]; k++) {
        const char *path = cli_get(a, opts[k]);
        if (!path) continue;
        for (int e = 0; e < k; e++)
            if (cli_get(a, opts[e]) && !strcmp(cli_get(a, opts[e]), path))
                return cli_error(a->cmd, CLI_USAGE, "--%s %s: --%s names the same file", opts[k], path, opts[e]);
        int status = check_output(a, opts[k], path);
        if (status != CLI_OK) return status;
    }
    return CLI_OK;
}

const char *cli_stage(cli_staged *s, const char *path)
{
    if (s->n == CLI_MAX_STAGED) return cli_error(s->cmd, CLI_FAIL, "%s: too many output files", path), NULL;
    char *tmp = temp_beside(path);
    if (!tmp) return cli_error(s->cmd, CLI_FAIL, "%s: cannot create a file beside it: %s", path, strerror(errno)), NULL;
    s->f[s->n].path = path, s->f[s->n].tmp = tmp;
    return s->f[s->n++].tmp;
}

/* Flushes to the disk and closes; 0, or -1 with errno set. */
static int finish_stream(FILE *f, int rc)
{
    if (rc == 0 && (fflush(f) != 0 || fsync(fileno(f)) != 0)) rc = -1;
    if (fclose(f) != 0) rc = -1;
    return rc;
}

int cli_stage_write(cli_staged *s, const char *path, int (*write_fn)(FILE *f, void *arg), void *arg)
{
    const char *tmp = cli_stage(s, path);
    FILE *f = tmp ? fopen(tmp, "w") : NULL;
    if (tmp && !f) return cli_error(s->cmd, CLI_FAIL, "%s: cannot write it: %s", path, strerror(errno)), -1;
    errno = 0;
    if (f && finish_stream(f, write_fn(f, arg)) == 0) return 0;
    if (f) cli_error(s->cmd, CLI_FAIL, "%s: could not write it: %s", path, errno ? strerror(errno) : "error");
    return -1;
}

/* Renames the staged files into place; if one cannot be, the ones already
 * renamed are removed, so the command leaves all of its files or none. */
static int commit(cli_staged *s)
{
    for (int k = 0; k < s->n; k++) {
        if (rename(s->f[k].tmp, s->f[k].path) == 0) {
            s->f[k].tmp[0] = 0;
            continue;
        }
        int status = cli_error(s->cmd, CLI_FAIL, "%s: could not write it: %s", s->f[k].path, strerror(errno));
        for (int e = 0; e < k; e++) remove(s->f[e].path);
        return status;
    }
    return CLI_OK;
}

int cli_stage_finish(cli_staged *s, int status)
{
    if (status == CLI_OK) status = commit(s);
    for (int k = 0; k < s->n; k++) {
        if (s->f[k].tmp[0]) remove(s->f[k].tmp);
        free(s->f[k].tmp);
    }
    s->n = 0;
    return status;
}

int cli_write_file(const char *cmd, const char *path, int (*write_fn)(FILE *f, void *arg), void *arg)
{
    cli_staged s = {.cmd = cmd};
    int status = cli_stage_write(&s, path, write_fn, arg) == 0 ? CLI_OK : CLI_FAIL;
    return cli_stage_finish(&s, status) == CLI_OK ? 0 : -1;
}

void cli_csv_field(FILE *f, const char *s)
{
    if (!s) return;
    bool quote = !*s || strpbrk(s, ",\"\r\n") || s[0] == ' ' || s[strlen(s) - 1] == ' ';
    if (!quote) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}
