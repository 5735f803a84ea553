/* tensor/inplace.c — in-place and out= forms: the destination keeps its
 * shape and type, so optimizer steps and training loops reuse buffers instead
 * of allocating a result per call. */
#include <math.h>
#include <string.h>

#include "binary.h"
#include "record.h"

int nb_add_(nb_tensor *dst, nb_tensor *src) { return nb__binary_into(__func__, NULL, dst, dst, src, NB__ADD, 0); }
int nb_sub_(nb_tensor *dst, nb_tensor *src) { return nb__binary_into(__func__, NULL, dst, dst, src, NB__SUB, 0); }
int nb_mul_(nb_tensor *dst, nb_tensor *src) { return nb__binary_into(__func__, NULL, dst, dst, src, NB__MUL, 0); }
int nb_div_(nb_tensor *dst, nb_tensor *src) { return nb__binary_into(__func__, NULL, dst, dst, src, NB__DIV, 0); }

int nb_add_out(nb_tensor *out, nb_tensor *a, nb_tensor *b) { return nb__binary_into(__func__, NULL, out, a, b, NB__ADD, 0); }
int nb_sub_out(nb_tensor *out, nb_tensor *a, nb_tensor *b) { return nb__binary_into(__func__, NULL, out, a, b, NB__SUB, 0); }
int nb_mul_out(nb_tensor *out, nb_tensor *a, nb_tensor *b) { return nb__binary_into(__func__, NULL, out, a, b, NB__MUL, 0); }
int nb_div_out(nb_tensor *out, nb_tensor *a, nb_tensor *b) { return nb__binary_into(__func__, NULL, out, a, b, NB__DIV, 0); }

/* A 0-d tensor over a caller's 8 bytes, so scalar forms need no arena. */
typedef struct {
    nb_tensor t;
    nb_storage st;
    union {
        double f64;
        float f32;
        int64_t i64;
        int32_t i32;
        uint8_t u8;
    } value;
} stack_scalar;

static nb_tensor *stack_scalar_init(stack_scalar *s, nb_dtype dtype, double v)
{
    memset(s, 0, sizeof *s);
    s->st = (nb_storage){.data = &s->value, .nbytes = nb_dtype_size(dtype)};
    s->t = (nb_tensor){.dtype = dtype, .ndim = 0, .storage = &s->st};
    nb__store(&s->value, dtype, v);
    return &s->t;
}

static int check_integral(const char *api, const nb_tensor *dst, double s)
{
    if (!nb_dtype_is_float(dst->dtype) && s != floor(s)) {
        nb__error("%s: %g is not integral, so it cannot act on a %s tensor in place", api, s,
                  nb_dtype_name(dst->dtype));
        return -1;
    }
    return 0;
}

int nb_scale_(nb_tensor *dst, double s)
{
    NB_REQUIRE_INT(dst);
    if (check_integral(__func__, dst, s)) return -1;
    stack_scalar c;
    return nb__binary_into(__func__, NULL, dst, dst, stack_scalar_init(&c, dst->dtype, s), NB__MUL, 0);
}

int nb_axpy_(nb_tensor *dst, double alpha, nb_tensor *x)
{
    NB_REQUIRE_INT(dst);
    if (check_integral(__func__, dst, alpha)) return -1;
    return nb__binary_into(__func__, NULL, dst, dst, x, NB__AXPY, alpha);
}

int nb_fill_(nb_tensor *dst, double value)
{
    NB_REQUIRE_INT(dst);
    if (nb__check_writable(__func__, dst)) return -1;
    stack_scalar c;
    nb__convert_into(dst, stack_scalar_init(&c, NB_F64, value));
    nb__bump_version(dst);
    return 0;
}

int nb_zero_(nb_tensor *dst)
{
    NB_REQUIRE_INT(dst);
    if (nb__check_writable(__func__, dst)) return -1;
    if (!nb_is_contiguous(dst)) return nb_fill_(dst, 0);
    memset(nb__base_ptr(dst), 0, (size_t)nb_numel(dst) * nb_dtype_size(dst->dtype));
    nb__bump_version(dst);
    return 0;
}

static int copy_into(nb_tensor *dst, nb_tensor *src)
{
    NB_REQUIRE_INT_IN("nb_copy_", dst);
    NB_REQUIRE_INT_IN("nb_copy_", src);
    int ndim;
    int64_t shape[NB_MAX_DIMS];
    char s1[NB_SHAPE_STR_MAX], s2[NB_SHAPE_STR_MAX];
    if (nb__broadcast_shapes("nb_copy_", dst->ndim, dst->shape, src->ndim, src->shape, &ndim, shape))
        return -1;
    if (ndim != dst->ndim || memcmp(shape, dst->shape, sizeof(int64_t) * (size_t)ndim)) {
        nb__error("nb_copy_: source of shape %s does not broadcast to the destination's %s",
                  nb__shape_str(s1, sizeof s1, src->ndim, src->shape),
                  nb__shape_str(s2, sizeof s2, dst->ndim, dst->shape));
        return -1;
    }
    if (nb__check_writable("nb_copy_", dst)) return -1;
    nb_ctx *tmp = NULL;
    if (src->storage == dst->storage && src != dst) { /* overlapping: copy the source out first */
        tmp = nb_ctx_new();
        src = tmp ? nb_clone(tmp, src) : NULL;
    }
    if (src) {
        nb__convert_into(dst, src);
        nb__bump_version(dst);
    }
    nb_ctx_free(tmp);
    return src ? 0 : -1;
}

int nb_copy_(nb_tensor *dst, nb_tensor *src)
{
    NB_OP_BEGIN(); /* not recorded; keeps the copy of an overlapping source out of the graph */
    int rc = copy_into(dst, src);
    nb__op_depth--;
    return rc;
}
