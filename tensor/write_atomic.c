/* tensor/write_atomic.c — write a temporary file in the target's folder (so
 * the rename cannot cross file systems), flush it to the disk, then rename it
 * over the target, which POSIX makes atomic: a reader sees the old file or
 * the new one, never half of one, and a failure leaves the old one as it was.
 *
 * The temporary file is made with open(O_CREAT | O_EXCL, 0666) rather than
 * mkstemp, which creates files readable by their owner only: the rename would
 * pass that mode on to the model or CSV file the user asked for. */
#include "write_atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <nabla/tensor.h>

#include "error.h"

/* Opens a new file "PATH.tmpXXXXXXXX" (hex digits), trying other names while
 * one is taken. Returns the file descriptor and sets *tmp (malloc'd), or -1
 * with errno set. */
static int create_temp_beside(const char *path, char **tmp)
{
    static _Atomic uint32_t counter;
    size_t n = strlen(path) + 16;
    *tmp = malloc(n);
    if (!*tmp) return errno = ENOMEM, -1;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    for (int attempt = 0; attempt < 100; attempt++) {
        uint32_t r = (uint32_t)now.tv_nsec ^ ((uint32_t)getpid() << 12) ^
                     (atomic_fetch_add(&counter, 1) * 2654435761u);
        snprintf(*tmp, n, "%s.tmp%08x", path, (unsigned)r);
        int fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST) {
            if (fd < 0) free(*tmp), *tmp = NULL;
            return fd;
        }
    }
    free(*tmp), *tmp = NULL;
    return errno = EEXIST, -1;
}

int nb__write_atomic(const char *path, const char *fn, int (*write_fn)(FILE *f, void *arg),
                     void *arg)
{
    if (!path || !*path) {
        nb__error("%s: empty path", fn);
        return -1;
    }
    char *tmp;
    int fd = create_temp_beside(path, &tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f) {
        nb__error("%s: cannot create a temporary file beside %s: %s", fn, path, strerror(errno));
        if (fd >= 0) close(fd), remove(tmp);
        free(tmp);
        return -1;
    }
    nb_clear_error();
    errno = 0;
    int rc = write_fn(f, arg);
    if (rc == 0 && (fflush(f) != 0 || fsync(fileno(f)) != 0)) rc = -1;
    if (fclose(f) != 0) rc = -1;
    if (rc && !nb_last_error()[0])
        nb__error("%s: writing %s: %s", fn, path, errno ? strerror(errno) : "write error");
    if (rc == 0 && rename(tmp, path) != 0) {
        nb__error("%s: cannot rename the temporary file to %s: %s", fn, path, strerror(errno));
        rc = -1;
    }
    if (rc != 0) remove(tmp);
    free(tmp);
    return rc;
}
