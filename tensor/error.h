/* tensor/error.h — the thread-local error slot behind nb_last_error().
 *
 * Library code reports bad input with nb__error("nb_op: what is wrong: values")
 * and returns NULL or -1; it never prints or exits. Validate before entering an
 * OpenMP region: a message set inside a worker lands in that worker's slot. */
#ifndef NB_TENSOR_ERROR_H
#define NB_TENSOR_ERROR_H

#if defined(__GNUC__)
#define NB_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define NB_PRINTF(f, a)
#endif

/* Replaces this thread's message (printf-style; truncated at 1 KiB). */
void nb__error(const char *fmt, ...) NB_PRINTF(1, 2);

#endif
