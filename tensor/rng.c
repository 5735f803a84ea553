/* tensor/rng.c — the seeded generator and the random tensor constructors.
 *
 * PCG32: a 64-bit linear congruential state advanced as
 *     state = state * 6364136223846793005 + inc   (mod 2^64)
 * and a permuted output: xorshift the high bits, then rotate by the top five
 * bits, which hides the weak low bits of the LCG. Same seed, same stream, on
 * any machine and any thread count (random tensors are filled serially). */
#include <math.h>

#include "tensor_internal.h"

#define PCG_MULT 6364136223846793005ULL

uint32_t nb_rng_next_u32(nb_rng *rng)
{
    uint64_t old = rng->state;
    rng->state = old * PCG_MULT + rng->inc;
    uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
    uint32_t rot = (uint32_t)(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((32u - rot) & 31u));
}

void nb_rng_seed(nb_rng *rng, uint64_t seed)
{
    /* O'Neill's pcg32_srandom with a fixed stream derived from the seed. */
    rng->state = 0;
    rng->inc = ((seed ^ 0xda3e39cb94b95bdbULL) << 1u) | 1u;
    nb_rng_next_u32(rng);
    rng->state += seed;
    nb_rng_next_u32(rng);
    rng->has_spare = 0;
    rng->spare_normal = 0;
}

uint64_t nb_rng_next_u64(nb_rng *rng)
{
    uint64_t hi = nb_rng_next_u32(rng);
    return hi << 32 | nb_rng_next_u32(rng);
}

double nb_rng_uniform(nb_rng *rng)
{
    return (double)(nb_rng_next_u64(rng) >> 11) * 0x1.0p-53;
}

/* Lemire's rejection: the top of the range that would wrap unevenly is thrown
 * away, so every value in [0, n) is equally likely. */
uint64_t nb_rng_below(nb_rng *rng, uint64_t n)
{
    if (n <= 1) return 0;
    uint64_t threshold = (0 - n) % n; /* 2^64 mod n */
    for (;;) {
        uint64_t r = nb_rng_next_u64(rng);
        if (r >= threshold) return r % n;
    }
}

/* Box-Muller: two uniforms u1 in (0,1], u2 give two independent normals
 * r cos(t) and r sin(t) with r = sqrt(-2 ln u1), t = 2 pi u2. */
double nb_rng_normal(nb_rng *rng)
{
    if (rng->has_spare) {
        rng->has_spare = 0;
        return rng->spare_normal;
    }
    double u1 = 1.0 - nb_rng_uniform(rng);
    double u2 = nb_rng_uniform(rng);
    double r = sqrt(-2.0 * log(u1)), t = 6.283185307179586 * u2;
    rng->spare_normal = r * sin(t);
    rng->has_spare = 1;
    return r * cos(t);
}

static nb_tensor *random_float(const char *op, nb_ctx *ctx, nb_rng *rng, nb_dtype dtype,
                               int ndim, const int64_t *shape)
{
    if (!rng) {
        nb__error("%s: generator is NULL", op);
        return NULL;
    }
    if (!nb_dtype_is_float(dtype)) {
        nb__error("%s: dtype %s is not a float type (f32 or f64)", op, nb_dtype_name(dtype));
        return NULL;
    }
    return nb__alloc(op, ctx, dtype, ndim, shape);
}

/* Fills t with offset + scale * draw(rng), element by element in C order. */
static nb_tensor *fill_random(nb_tensor *t, nb_rng *rng, double (*draw)(nb_rng *), double offset,
                              double scale)
{
    if (!t) return NULL;
    char *p = nb_data(t);
    int64_t n = nb_numel(t), es = (int64_t)nb_dtype_size(t->dtype);
    for (int64_t i = 0; i < n; i++) nb__store(p + i * es, t->dtype, offset + scale * draw(rng));
    return t;
}

nb_tensor *nb_rand_uniform(nb_ctx *ctx, nb_rng *rng, nb_dtype dtype, int ndim,
                           const int64_t *shape, double low, double high)
{
    if (!(low <= high) || !isfinite(low) || !isfinite(high)) {
        nb__error("nb_rand_uniform: need finite low <= high, got [%g, %g)", low, high);
        return NULL;
    }
    return fill_random(random_float(__func__, ctx, rng, dtype, ndim, shape), rng, nb_rng_uniform,
                       low, high - low);
}

nb_tensor *nb_rand_normal(nb_ctx *ctx, nb_rng *rng, nb_dtype dtype, int ndim,
                          const int64_t *shape, double mean, double std)
{
    if (!(std >= 0) || !isfinite(std) || !isfinite(mean)) {
        nb__error("nb_rand_normal: need finite mean and std >= 0, got mean %g std %g", mean, std);
        return NULL;
    }
    return fill_random(random_float(__func__, ctx, rng, dtype, ndim, shape), rng, nb_rng_normal,
                       mean, std);
}

nb_tensor *nb_rand_int(nb_ctx *ctx, nb_rng *rng, nb_dtype dtype, int ndim,
                       const int64_t *shape, int64_t low, int64_t high)
{
    if (!rng) {
        nb__error("nb_rand_int: generator is NULL");
        return NULL;
    }
    if (dtype == NB_BOOL || low >= high) {
        nb__error("nb_rand_int: need a non-bool dtype and low < high, got %s [%lld, %lld)",
                  nb_dtype_name(dtype), (long long)low, (long long)high);
        return NULL;
    }
    if (dtype == NB_I32 && (low < INT32_MIN || high - 1 > INT32_MAX)) {
        nb__error("nb_rand_int: range [%lld, %lld) does not fit i32", (long long)low,
                  (long long)high);
        return NULL;
    }
    nb_tensor *t = nb__alloc(__func__, ctx, dtype, ndim, shape);
    if (!t) return NULL;
    uint64_t span = (uint64_t)high - (uint64_t)low;
    char *p = nb_data(t);
    int64_t n = nb_numel(t);
    for (int64_t i = 0; i < n; i++) {
        int64_t v = (int64_t)((uint64_t)low + nb_rng_below(rng, span));
        switch (dtype) {
        case NB_I32: ((int32_t *)p)[i] = (int32_t)v; break;
        case NB_I64: ((int64_t *)p)[i] = v; break;
        default: nb__store(p + i * (int64_t)nb_dtype_size(dtype), dtype, (double)v);
        }
    }
    return t;
}

/* Fisher-Yates: swap each position with a uniformly chosen earlier one. */
nb_tensor *nb_randperm(nb_ctx *ctx, nb_rng *rng, int64_t n)
{
    if (!rng || n < 0) {
        nb__error("nb_randperm: need a generator and n >= 0, got n = %lld", (long long)n);
        return NULL;
    }
    nb_tensor *t = nb__alloc(__func__, ctx, NB_I64, 1, &n);
    if (!t) return NULL;
    int64_t *p = nb_data(t);
    for (int64_t i = 0; i < n; i++) p[i] = i;
    for (int64_t i = n - 1; i > 0; i--) {
        int64_t j = (int64_t)nb_rng_below(rng, (uint64_t)i + 1);
        int64_t tmp = p[i];
        p[i] = p[j];
        p[j] = tmp;
    }
    return t;
}
