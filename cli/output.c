/* cli/output.c — files the command writes (predictions, plots): written to a
 * temporary file beside the target and renamed over it only when complete,
 * so an error or Ctrl-C never leaves half a file behind. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_write_file(const char *cmd, const char *path, int (*write_fn)(FILE *f, void *arg), void *arg)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    int fd = -1;
    if (tmp) snprintf(tmp, n, "%s.tmpXXXXXX", path), fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        cli_error(cmd, CLI_FAIL, "%s: cannot create a file there: %s", path, strerror(errno));
        if (fd >= 0) close(fd), remove(tmp);
        free(tmp);
        return -1;
    }
    int rc = write_fn(f, arg);
    if (rc == 0 && (fflush(f) != 0 || fsync(fileno(f)) != 0)) rc = -1;
    if (fclose(f) != 0) rc = -1;
    if (rc == 0 && rename(tmp, path) != 0) rc = -1;
    if (rc != 0) {
        cli_error(cmd, CLI_FAIL, "%s: could not write it: %s", path, errno ? strerror(errno) : "error");
        remove(tmp);
    }
    free(tmp);
    return rc;
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
