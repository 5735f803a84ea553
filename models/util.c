/* models/util.c — small helpers the models layer shares: string copies,
 * number formatting, a clock, and 1-D tensors read out as C arrays. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

char *nb__str_copy(const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (!c) nb__error("nabla: out of memory copying a string of %zu bytes", n);
    else memcpy(c, s, n);
    return c;
}

void nb__strv_free(char **v, int64_t n)
{
    for (int64_t k = 0; v && k < n; k++) free(v[k]);
    free(v);
}

char **nb__strv_copy(const char *const *v, int64_t n)
{
    char **c = calloc((size_t)(n > 0 ? n : 1), sizeof *c);
    for (int64_t k = 0; c && k < n; k++)
        if (!(c[k] = nb__str_copy(v[k] ? v[k] : ""))) {
            nb__strv_free(c, k);
            return NULL;
        }
    if (!c) nb__error("nabla: out of memory copying %lld names", (long long)n);
    return c;
}

void nb__fmt_double(char *buf, double x)
{
    if (!buf) return;
    if (isnan(x)) { strcpy(buf, "nan"); return; }
    if (isinf(x)) { strcpy(buf, x < 0 ? "-inf" : "inf"); return; }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, 32, "%.*g", prec, x);
        if (strtod(buf, NULL) == x) return;
    }
}

double nb__seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* A 1-D tensor converted to a malloc'ed array of `dtype`. */
static void *to_array(const nb_tensor *t, nb_dtype dtype, int64_t *n, const char *fn, const char *what)
{
    if (!t) return nb__error("%s: %s is NULL", fn, what), NULL;
    if (t->ndim != 1) return nb__error("%s: %s must be 1-D, got %d dimensions", fn, what, t->ndim), NULL;
    if (dtype == NB_I64 && nb_dtype_is_float(t->dtype))
        return nb__error("%s: %s must hold integer labels, got %s", fn, what, nb_dtype_name(t->dtype)), NULL;
    nb_ctx *ctx = nb_ctx_new();
    nb_tensor *c = ctx ? nb_cast(ctx, (nb_tensor *)t, dtype) : NULL;
    size_t bytes = (size_t)t->shape[0] * 8;
    void *a = c ? malloc(bytes ? bytes : 8) : NULL;
    if (a && nb_copy_to(c, a, bytes) < 0) free(a), a = NULL;
    if (!a && c) nb__error("%s: out of memory reading %s", fn, what);
    nb_ctx_free(ctx);
    if (a) *n = t->shape[0];
    return a;
}

int64_t *nb__labels_array(const nb_tensor *t, int64_t *n, const char *fn, const char *what)
{
    return to_array(t, NB_I64, n, fn, what);
}

double *nb__values_array(const nb_tensor *t, int64_t *n, const char *fn, const char *what)
{
    return to_array(t, NB_F64, n, fn, what);
}
