/* tensor/dtype.c — element types: names, sizes, promotion, slow conversions. */
#include <math.h>
#include <string.h>

#include "tensor_internal.h"

static const struct {
    const char *name;
    size_t size;
} dtype_info[] = {
    [NB_BOOL] = {"bool", 1}, [NB_I32] = {"i32", 4}, [NB_I64] = {"i64", 8},
    [NB_F32] = {"f32", 4},   [NB_F64] = {"f64", 8},
};

static bool dtype_valid(nb_dtype d) { return (unsigned)d <= NB_F64; }

const char *nb_dtype_name(nb_dtype dtype) { return dtype_valid(dtype) ? dtype_info[dtype].name : "?"; }

size_t nb_dtype_size(nb_dtype dtype) { return dtype_valid(dtype) ? dtype_info[dtype].size : 0; }

bool nb_dtype_is_float(nb_dtype dtype) { return dtype == NB_F32 || dtype == NB_F64; }

/* The enum is in promotion order, so the result is the larger of the two. */
nb_dtype nb_promote_types(nb_dtype a, nb_dtype b) { return a > b ? a : b; }

/* Float to integer in C is undefined out of range: saturate, NaN gives 0. */
static int64_t double_to_i64(double v)
{
    if (isnan(v)) return 0;
    if (v >= 9223372036854775807.0) return INT64_MAX;
    if (v <= -9223372036854775808.0) return INT64_MIN;
    return (int64_t)v;
}

static int32_t double_to_i32(double v)
{
    if (isnan(v)) return 0;
    if (v >= 2147483647.0) return INT32_MAX;
    if (v <= -2147483648.0) return INT32_MIN;
    return (int32_t)v;
}

double nb__load(const void *p, nb_dtype dtype)
{
    switch (dtype) {
    case NB_BOOL: return *(const uint8_t *)p;
    case NB_I32: return *(const int32_t *)p;
    case NB_I64: return (double)*(const int64_t *)p;
    case NB_F32: return *(const float *)p;
    case NB_F64: return *(const double *)p;
    }
    return NAN;
}

void nb__store(void *p, nb_dtype dtype, double v)
{
    switch (dtype) {
    case NB_BOOL: *(uint8_t *)p = v != 0; break;
    case NB_I32: *(int32_t *)p = double_to_i32(v); break;
    case NB_I64: *(int64_t *)p = double_to_i64(v); break;
    case NB_F32: *(float *)p = (float)v; break;
    case NB_F64: *(double *)p = v; break;
    }
}
