/* tensor/error.c — one error message per thread (see error.h). */
#include <stdarg.h>
#include <stdio.h>

#include <nabla/tensor.h>

#include "error.h"

static _Thread_local char last_error[1024];

void nb__error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
}

const char *nb_last_error(void) { return last_error; }

void nb_clear_error(void) { last_error[0] = '\0'; }
