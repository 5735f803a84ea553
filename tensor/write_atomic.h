/* tensor/write_atomic.h — writing a file so that readers never see half of it
 * (safetensors here; CSV and .npy in data/). */
#ifndef NB_WRITE_ATOMIC_H
#define NB_WRITE_ATOMIC_H

#include <stdio.h>

/* Calls write_fn on a new temporary file beside path, flushes it to the disk
 * and renames it over path. On any failure the temporary file is removed,
 * path is untouched and -1 is returned; write_fn reports its own errors (a
 * failure it leaves unexplained is reported as a write error of path). fn
 * names the public function in messages. The file gets the mode any new file
 * gets (0666 less the umask). */
int nb__write_atomic(const char *path, const char *fn, int (*write_fn)(FILE *f, void *arg),
                     void *arg);

#endif
