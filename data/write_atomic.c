/* data/write_atomic.c — writing a file so that readers never see half of it:
 * write a temporary file in the same directory (so rename cannot cross file
 * systems), flush it to disk, then rename it over the target, which POSIX
 * makes atomic. On any failure the temporary file is removed and the target
 * is untouched. */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int nb__write_atomic(const char *path, const char *fn,
                     int (*write_fn)(FILE *f, void *arg), void *arg)
{
    if (!path || !*path) {
        nb__error("%s: empty path", fn);
        return -1;
    }
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp) {
        nb__error("%s: out of memory", fn);
        return -1;
    }
    snprintf(tmp, n, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f) {
        nb__error("%s: cannot create a temporary file beside %s: %s", fn, path, strerror(errno));
        if (fd >= 0) close(fd), remove(tmp);
        free(tmp);
        return -1;
    }
    int rc = write_fn(f, arg);
    if (rc == 0 && (fflush(f) != 0 || fsync(fileno(f)) != 0)) {
        nb__error("%s: writing %s: %s", fn, path, strerror(errno));
        rc = -1;
    }
    if (fclose(f) != 0 && rc == 0) {
        nb__error("%s: writing %s: %s", fn, path, strerror(errno));
        rc = -1;
    }
    if (rc == 0 && rename(tmp, path) != 0) {
        nb__error("%s: cannot rename the temporary file to %s: %s", fn, path, strerror(errno));
        rc = -1;
    }
    if (rc != 0) remove(tmp);
    free(tmp);
    return rc;
}
