/* tests/tensor/test_vmath.c — the vector kernels (tensor/kernels/vmath.h) and
 * the tensor ops that use them.
 *
 * meson runs the tensor suite once per instruction-set path (NABLA_ISA=
 * portable, avx2, avx512); the first test checks that the kernels in use are
 * the path asked for (or the best the CPU has, when it lacks that one).
 *
 * Accuracy: exp, log, tanh, sigmoid and gelu on f32 against the double-
 * precision libm result (gelu as x/2 erfc(-x/sqrt 2), sigmoid as 1/(1+e^-x)
 * or e^x/(1+e^x), whichever does not cancel), in ulps of the f32 result:
 * |y - ref| / ulp(ref), with ulp(ref) the spacing of floats at |ref| (the
 * denormal spacing below FLT_MIN). Every function must stay under 2 ulp over
 * a sweep of the whole float range (every 4093rd bit pattern: all signs,
 * exponents and denormals), dense walks through the places where things
 * happen (the overflow and underflow edges of exp, denormal inputs of log,
 * the switch to x in tanh, gelu's tail) and a list of special values (+-0,
 * +-inf, NaN, FLT_MIN, the smallest denormal, FLT_MAX). A result that rounds
 * to the same float as the reference counts 0 (so +-inf and signed zeros
 * must match exactly); NaN must give NaN. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tensor/kernels/vmath.h"
#include "../../tensor/tensor_internal.h"
#include "cases.h"

#ifdef _OPENMP
#include <omp.h>
#endif

/* An assertion for inner loops: Check records every ck_assert that passes
 * (a write to its log), which a loop over millions of elements cannot pay. */
#define REQUIRE(cond, ...)                                                              \
    do {                                                                                \
        if (!(cond)) ck_abort_msg(__VA_ARGS__);                                         \
    } while (0)

/* ---- the path in use ------------------------------------------------- */

static nb_isa best_isa(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq"))
        return NB_ISA_AVX512;
    if (avx2) return NB_ISA_AVX2;
#endif
    return NB_ISA_PORTABLE;
}

START_TEST(vmath_path_is_the_one_asked_for)
{
    nb_isa best = best_isa(), want = best;
    const char *env = getenv("NABLA_ISA");
    for (int i = NB_ISA_PORTABLE; env && i <= NB_ISA_AVX512; i++)
        if (!strcmp(env, nb__isa_label((nb_isa)i)) && i <= (int)best) want = (nb_isa)i;
    ck_assert_str_eq(nb__vmath()->isa, nb__isa_label(want));
    ck_assert_str_eq(nb_isa_name(), nb__isa_label(want));
}
END_TEST

/* ---- ulps ------------------------------------------------------------- */

static double ulp_error(float y, double ref)
{
    if (isnan(ref)) return isnan(y) ? 0 : INFINITY;
    if (isnan(y)) return INFINITY;
    if ((float)ref == y) /* rounds to y: only the sign of a zero can still differ */
        return y == 0 && (signbit(y) != 0) != (signbit(ref) != 0) ? INFINITY : 0;
    if (isinf(y)) return INFINITY;
    int e;
    frexp(fabs(ref), &e); /* |ref| in [2^(e-1), 2^e) */
    int ex = e - 1 < -126 ? -126 : e - 1 > 127 ? 127 : e - 1;
    return fabs((double)y - ref) / ldexp(1.0, ex - 23);
}

static double ref_exp(double x) { return exp(x); }
static double ref_log(double x) { return log(x); }
static double ref_tanh(double x) { return tanh(x); }
static double ref_sigmoid(double x) { return x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x)); }
static double ref_gelu(double x) { return 0.5 * x * erfc(-x / sqrt(2.0)); }

typedef struct {
    const char *name;
    nb__vmap_fn fn;
    double (*ref)(double);
    /* dense windows [lo, hi] walked with a step of `step` floats */
    float windows[4][2];
} mathfn;

static mathfn math_fns(const nb_vmath *vm, int i)
{
    mathfn fns[] = {
        {"exp", vm->exp, ref_exp, {{88.0f, 89.0f}, {-88.5f, -86.5f}, {-104.5f, -102.5f}, {-1, 1}}},
        {"log", vm->log, ref_log, {{0.5f, 2.0f}, {0x1p-149f, 0x1p-120f}, {0.99f, 1.01f}, {1e30f, 1e31f}}},
        {"tanh", vm->tanh, ref_tanh, {{0x1p-14f, 0x1p-12f}, {-1, 1}, {8, 10}, {-0.7f, -0.5f}}},
        {"sigmoid", vm->sigmoid, ref_sigmoid, {{-105, -85}, {-20, 20}, {-1e-3f, 1e-3f}, {15, 18}}},
        {"gelu", vm->gelu, ref_gelu, {{-16.5f, -5}, {-3, 3}, {-1e-4f, 1e-4f}, {5, 10}}},
    };
    return fns[i];
}
enum { N_MATH = 5 };

typedef struct {
    double worst;
    float at;
    int64_t count;
} ulp_stats;

/* f over xs[0:n] (in chunks, so the vector body and its tails both run) */
static void measure(const mathfn *f, const float *xs, int64_t n, ulp_stats *st)
{
    enum { CH = 1000 }; /* not a multiple of any vector width */
    float y[CH];
    for (int64_t i0 = 0; i0 < n; i0 += CH) {
        int64_t m = n - i0 < CH ? n - i0 : CH;
        f->fn(m, xs + i0, y, false);
        for (int64_t i = 0; i < m; i++) {
            double e = ulp_error(y[i], f->ref(xs[i0 + i]));
            if (!(e <= st->worst)) {
                st->worst = e;
                st->at = xs[i0 + i];
            }
        }
        st->count += m;
    }
}

static const float specials[] = {
    0.0f, -0.0f, INFINITY, -INFINITY, NAN, -NAN, FLT_MIN, -FLT_MIN, 0x1p-149f, -0x1p-149f,
    FLT_MAX, -FLT_MAX, 1.0f, -1.0f, 0.5f, 2.0f, 88.72283f, 88.72284f, -87.33654f, -87.33655f,
    -103.97207f, -103.97208f, -103.97209f, 0x1p-13f, -0x1p-13f, 0x1.fffffep-14f, 16.26f, -16.26f,
    -14.1f, 44.0f, 9.01f, 0x1.fffffep-1f, 0x1.000002p+0f, 0x1p-126f * 0.75f,
};

START_TEST(vmath_functions_under_2_ulp)
{
    const nb_vmath *vm = nb__vmath();
    enum { BUF = 1 << 16 };
    float *xs = malloc(sizeof(float) * BUF);
    ck_assert_ptr_nonnull(xs);
    for (int k = 0; k < N_MATH; k++) {
        mathfn f = math_fns(vm, k);
        ulp_stats st = {0, 0, 0};
        /* every 4093rd bit pattern of the 2^32 */
        int64_t n = 0;
        for (uint64_t u = 0; u <= 0xffffffffu; u += 4093) {
            uint32_t b = (uint32_t)u;
            memcpy(&xs[n++], &b, sizeof b);
            if (n == BUF) measure(&f, xs, n, &st), n = 0;
        }
        measure(&f, xs, n, &st);
        /* dense windows: about 2^18 consecutive-ish floats each */
        for (int w = 0; w < 4; w++) {
            float lo = f.windows[w][0], hi = f.windows[w][1];
            uint32_t blo, bhi;
            int32_t ilo, ihi;
            memcpy(&blo, &lo, 4), memcpy(&bhi, &hi, 4);
            /* floats ordered as integers: negative ones count down */
            ilo = blo & 0x80000000u ? -(int32_t)(blo & 0x7fffffffu) : (int32_t)blo;
            ihi = bhi & 0x80000000u ? -(int32_t)(bhi & 0x7fffffffu) : (int32_t)bhi;
            int64_t span = (int64_t)ihi - ilo, step = span / (1 << 18) + 1;
            n = 0;
            for (int64_t i = ilo; i <= ihi; i += step) {
                uint32_t b = i < 0 ? (uint32_t)(-i) | 0x80000000u : (uint32_t)i;
                memcpy(&xs[n++], &b, sizeof b);
                if (n == BUF) measure(&f, xs, n, &st), n = 0;
            }
            measure(&f, xs, n, &st);
        }
        measure(&f, specials, TU_LEN(specials), &st);
        printf("vmath %s %-8s max error %.3f ulp at %a, over %lld inputs\n", vm->isa, f.name,
               st.worst, (double)st.at, (long long)st.count);
        ck_assert_msg(st.worst < 2, "%s %s: %.3f ulp at x = %a (%.9g)", vm->isa, f.name, st.worst,
                      (double)st.at, (double)st.at);
    }
    free(xs);
}
END_TEST

/* Exact values the formulas promise. */
START_TEST(vmath_special_values)
{
    const nb_vmath *vm = nb__vmath();
    static const struct {
        int fn; /* 0 exp 1 log 2 tanh 3 sigmoid 4 gelu 5 relu */
        float x, want;
    } cases[] = {
        {0, -INFINITY, 0},   {0, INFINITY, INFINITY}, {0, 0, 1}, {0, -0.0f, 1},
        {0, 88.72284f, INFINITY}, {0, -104, 0},  {0, -103.97207f, 0x1p-149f},
        {1, 0, -INFINITY},   {1, -0.0f, -INFINITY},   {1, INFINITY, INFINITY}, {1, 1, 0},
        {2, INFINITY, 1},    {2, -INFINITY, -1},      {2, -0.0f, -0.0f}, {2, 0x1p-149f, 0x1p-149f},
        {2, 20, 1},          {3, -INFINITY, 0},       {3, INFINITY, 1}, {3, -0.0f, 0.5f},
        {3, 0, 0.5f},        {4, INFINITY, INFINITY}, {4, -0.0f, -0.0f}, {4, 0, 0},
        {4, -17, -0.0f},     {4, 17, 17},             {5, -0.0f, -0.0f}, {5, -1, 0},
        {5, 2, 2},           {5, -INFINITY, 0},
    };
    nb__vmap_fn fns[] = {vm->exp, vm->log, vm->tanh, vm->sigmoid, vm->gelu, vm->relu};
    for (int i = 0; i < TU_LEN(cases); i++) {
        float y;
        fns[cases[i].fn](1, &cases[i].x, &y, false);
        ck_assert_msg(y == cases[i].want && (signbit(y) != 0) == (signbit(cases[i].want) != 0),
                      "case %d: f%d(%a) = %a, want %a", i, cases[i].fn, (double)cases[i].x,
                      (double)y, (double)cases[i].want);
    }
    /* NaN in, NaN out; log of a negative and gelu(-inf) are NaN */
    float nan_in[] = {NAN, -NAN}, y[2];
    for (int f = 0; f < 6; f++) {
        fns[f](2, nan_in, y, false);
        ck_assert(isnan(y[0]) && isnan(y[1]));
    }
    float neg[] = {-1, -FLT_MIN, -INFINITY, -0x1p-149f};
    float out[4];
    vm->log(4, neg, out, false);
    for (int i = 0; i < 4; i++) ck_assert(isnan(out[i]));
    float minf = -INFINITY;
    vm->gelu(1, &minf, out, false);
    ck_assert(isnan(out[0]));
}
END_TEST

/* The last partial vector (masked) gives what the full vectors give, at any
 * length and alignment, with plain or non-temporal stores, and y may be x. */
START_TEST(vmath_tails_alignment_and_in_place)
{
    const nb_vmath *vm = nb__vmath();
    nb__vmap_fn fns[] = {vm->exp, vm->log, vm->tanh, vm->sigmoid, vm->gelu, vm->relu};
    _Alignas(64) float x[90], y[90], z[90];
    float one;
    for (int i = 0; i < 90; i++) x[i] = (float)((i * 37) % 23) * 0.37f - 3.1f;
    for (int f = 0; f < 6; f++)
        for (int off = 0; off < 3; off++)
            for (int n = 0; n <= 70; n++)
                for (int st = 0; st < 2; st++) {
                    float *yo = y + (st ? off + 1 : 0); /* streamed: y not aligned either */
                    fns[f](n, x + off, yo, st);
                    for (int i = 0; i < n; i++) {
                        fns[f](1, x + off + i, &one, false);
                        REQUIRE(memcmp(&one, &yo[i], 4) == 0, "f%d n %d i %d", f, n, i);
                    }
                    memcpy(z, x + off, sizeof(float) * (size_t)n);
                    fns[f](n, z, z, st);
                    REQUIRE(memcmp(z, yo, sizeof(float) * (size_t)n) == 0, "f%d in place", f);
                }
}
END_TEST

/* + - * / are IEEE operations: the same bits as C's, in every layout. */
START_TEST(vmath_arithmetic_is_exact)
{
    const nb_vmath *vm = nb__vmath();
    float a[75], b[75], y[76];
    for (int i = 0; i < 75; i++) {
        a[i] = (float)(i * 7 % 13) - 6.5f + 1e-3f * (float)i;
        b[i] = (float)(i * 5 % 11) - 5.0f; /* zeros among them: x/0 */
    }
    a[3] = NAN, b[9] = INFINITY, a[20] = -0.0f;
    float s = 0.37f;
    for (int n = 0, st = 0; n <= 75; st = !st, n += st ? 0 : 1) { /* plain, then streamed */
#define CHECK(CALL, EXPR)                                                               \
    do {                                                                                \
        CALL;                                                                           \
        for (int i = 0; i < n; i++) {                                                   \
            float want = (EXPR), got = y[st + i];                                       \
            REQUIRE(memcmp(&want, &got, 4) == 0 || (isnan(want) && isnan(got)),         \
                    "%s n %d i %d: %a want %a", #CALL, n, i, (double)got, (double)want); \
        }                                                                               \
    } while (0)
        CHECK(vm->add_vv(n, a, b, y + st, st), a[i] + b[i]);
        CHECK(vm->sub_vv(n, a, b, y + st, st), a[i] - b[i]);
        CHECK(vm->mul_vv(n, a, b, y + st, st), a[i] * b[i]);
        CHECK(vm->div_vv(n, a, b, y + st, st), a[i] / b[i]);
        CHECK(vm->add_vs(n, a, s, y + st, st), a[i] + s);
        CHECK(vm->sub_vs(n, a, s, y + st, st), a[i] - s);
        CHECK(vm->mul_vs(n, a, s, y + st, st), a[i] * s);
        CHECK(vm->div_vs(n, a, s, y + st, st), a[i] / s);
        CHECK(vm->sub_sv(n, a, s, y + st, st), s - a[i]);
        CHECK(vm->div_sv(n, a, s, y + st, st), s / a[i]);
#undef CHECK
    }
}
END_TEST

/* ---- sums ---------------------------------------------------------------- */

/* The documented order: element i into lane i mod 32, lanes in index order,
 * then the fixed pairwise tree. */
static double lane_sum(const float *x, int64_t n)
{
    double lane[NB_VMATH_LANES] = {0};
    for (int64_t i = 0; i < n; i++) lane[i % NB_VMATH_LANES] += x[i];
    for (int w = NB_VMATH_LANES / 2; w >= 1; w /= 2)
        for (int j = 0; j < w; j++) lane[j] += lane[j + w];
    return lane[0];
}

START_TEST(vmath_sums_in_a_fixed_order_on_every_path)
{
    enum { N = 5000 };
    float *x = malloc(sizeof(float) * N);
    double *xd = malloc(sizeof(double) * N);
    ck_assert(x && xd);
    nb_rng rng;
    nb_rng_seed(&rng, 91);
    for (int i = 0; i < N; i++) { /* values of very different sizes: order shows */
        x[i] = (float)(nb_rng_normal(&rng) * pow(10, (double)(i % 9) - 4));
        xd[i] = x[i];
    }
    nb_isa best = nb__isa(); /* never beyond what was allowed */
    int lengths[] = {0, 1, 7, 31, 32, 33, 64, 100, 1000, 4999, N};
    for (int l = 0; l < TU_LEN(lengths); l++) {
        int n = lengths[l];
        double want = lane_sum(x, n);
        for (int isa = NB_ISA_PORTABLE; isa <= (int)best; isa++) {
            const nb_vmath *vm = nb__vmath_for((nb_isa)isa);
            double got = vm->sum_f32(n, x), got_d = vm->sum_f64(n, xd);
            ck_assert_msg(memcmp(&got, &want, sizeof got) == 0, "%s sum_f32 n %d: %a want %a",
                          vm->isa, n, got, want);
            ck_assert_msg(memcmp(&got_d, &want, sizeof got) == 0, "%s sum_f64 n %d", vm->isa, n);
            /* sum of (x - c)^2 in the same order */
            double c = 0.25, sq = vm->sumsq_dev_f32(n, x, c), sq_ref;
            double lane[NB_VMATH_LANES] = {0};
            for (int i = 0; i < n; i++) {
                double d = (double)x[i] - c, d2 = d * d;
                lane[i % NB_VMATH_LANES] += d2;
            }
            for (int w = NB_VMATH_LANES / 2; w >= 1; w /= 2)
                for (int j = 0; j < w; j++) lane[j] += lane[j + w];
            sq_ref = lane[0];
            ck_assert_msg(memcmp(&sq, &sq_ref, sizeof sq) == 0, "%s sumsq_dev n %d", vm->isa, n);
            double sq_d = vm->sumsq_dev_f64(n, xd, c);
            ck_assert(memcmp(&sq_d, &sq_ref, sizeof sq) == 0);
            /* e^(x - c): each exp within 1 ulp, so the sum within 1e-6 */
            double se = vm->sum_exp_f32(n, x, 1.5f), se_ref = 0;
            for (int i = 0; i < n; i++) se_ref += exp((double)(x[i] - 1.5f));
            ck_assert_close(se, se_ref, 1e-6);
        }
    }
    free(x);
    free(xd);
}
END_TEST

START_TEST(vmath_max_min_and_nan)
{
    const nb_vmath *vm = nb__vmath();
    float x[90];
    for (int n = 1; n <= 90; n++) {
        for (int i = 0; i < n; i++) x[i] = (float)((i * 29) % 41) - 20.5f;
        float mx = -INFINITY, mn = INFINITY;
        for (int i = 0; i < n; i++) mx = x[i] > mx ? x[i] : mx, mn = x[i] < mn ? x[i] : mn;
        ck_assert(vm->max_f32(n, x) == mx && vm->min_f32(n, x) == mn);
        for (int at = 0; at < n; at++) { /* a NaN anywhere wins, body or tail */
            float keep = x[at];
            x[at] = NAN;
            REQUIRE(isnan(vm->max_f32(n, x)) && isnan(vm->min_f32(n, x)), "n %d at %d", n, at);
            x[at] = keep;
        }
    }
    float inf_row[] = {-INFINITY, -INFINITY, -INFINITY};
    ck_assert(vm->max_f32(3, inf_row) == -INFINITY);
}
END_TEST

/* Softmax rows against double precision, and the rows with special values. */
START_TEST(vmath_softmax_rows)
{
    const nb_vmath *vm = nb__vmath();
    enum { N = 300 };
    float x[N], y[N];
    nb_rng rng;
    nb_rng_seed(&rng, 17);
    for (int n = 1; n <= N; n += 13) {
        for (int i = 0; i < n; i++) x[i] = (float)(nb_rng_normal(&rng) * 4);
        double m = -INFINITY, sum = 0;
        for (int i = 0; i < n; i++) m = x[i] > m ? x[i] : m;
        for (int i = 0; i < n; i++) sum += exp(x[i] - m);
        for (int log_space = 0; log_space < 2; log_space++) {
            vm->softmax_row(n, x, y, log_space);
            for (int i = 0; i < n; i++) {
                double want = log_space ? x[i] - m - log(sum) : exp(x[i] - m) / sum;
                /* x - m is rounded to f32 before the exp (as PyTorch does):
                 * a relative error up to |x - m| 2^-24 in e^(x - m), on top of
                 * exp's ulp and two more roundings. log_softmax: x - m and
                 * log(sum) each rounded, then their difference. */
                double d = fabs(x[i] - m);
                double err = log_space ? fabs(y[i] - want) / (0x1p-24 * (d + log(sum)) + 1e-30)
                                       : fabs(y[i] - want) / want / (0x1p-23 + d * 0x1p-24 / 3);
                REQUIRE(err < 3, "n %d i %d log %d: %.9g want %.9g", n, i, log_space,
                        (double)y[i], want);
            }
        }
        ck_assert_close(nb__row_logsumexp_f32(x, n), m + log(sum), 1e-7);
    }
    /* every x -inf: 0/0; a NaN or a +inf: NaN everywhere */
    float all_minf[] = {-INFINITY, -INFINITY}, with_nan[] = {1, NAN, 2}, with_inf[] = {1, INFINITY};
    vm->softmax_row(2, all_minf, y, false);
    ck_assert(isnan(y[0]) && isnan(y[1]));
    vm->softmax_row(3, with_nan, y, true);
    ck_assert(isnan(y[0]) && isnan(y[2]));
    vm->softmax_row(2, with_inf, y, false);
    ck_assert(isnan(y[0]) && isnan(y[1]));
    ck_assert(nb__row_logsumexp_f32(with_inf, 2) == INFINITY);
}
END_TEST

/* ---- through the tensor ops ------------------------------------------------ */

/* A strided view gives the bits of a contiguous copy, on one or two threads. */
START_TEST(vmath_ops_same_bits_for_any_layout)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 5);
    nb_tensor *big = nb_rand_normal(ctx, &rng, NB_F32, NB_SHAPE(300, 250), 0, 3);
    nb_tensor *view = nb_slice(ctx, nb_transpose(ctx, big, 0, 1), 1, NB_END, NB_END, -2);
    nb_tensor *copy = nb_contiguous(ctx, view);
    nb_tensor *(*ops[])(nb_ctx *, nb_tensor *) = {nb_exp, nb_log, nb_tanh, nb_sigmoid, nb_gelu,
                                                  nb_relu};
    int threads = nb_get_num_threads();
    for (int i = 0; i < TU_LEN(ops); i++)
        for (int t = 1; t <= 2; t++) {
            ck_assert_int_eq(nb_set_num_threads(t), 0);
            ck_tensor_equal(ops[i](ctx, view), ops[i](ctx, copy));
        }
    ck_assert_int_eq(nb_set_num_threads(threads), 0);
    nb_ctx_free(ctx);
}
END_TEST

/* The broadcasting layouts that become vector calls (bias add, row scale,
 * scalar first) give the C results exactly. */
START_TEST(vmath_broadcast_last_axis)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 8);
    int64_t N = 37, D = 53;
    nb_tensor *x = tu_random(ctx, &rng, NB_F32, NB_SHAPE(N, D));
    nb_tensor *bias = tu_random(ctx, &rng, NB_F32, NB_SHAPE(D));
    nb_tensor *col = tu_random(ctx, &rng, NB_F32, NB_SHAPE(N, 1));
    const float *xs = nb_data(x), *bs = nb_data(bias), *cs = nb_data(col);
    nb_tensor *outs[6] = {nb_add(ctx, x, bias), nb_sub(ctx, bias, x), nb_mul(ctx, x, col),
                          nb_div(ctx, col, x), nb_add(ctx, col, x), nb_div(ctx, x, bias)};
    for (int64_t i = 0; i < N; i++)
        for (int64_t j = 0; j < D; j++) {
            float a = xs[i * D + j], b = bs[j], c = cs[i];
            float want[6] = {a + b, b - a, a * c, c / a, c + a, a / b};
            for (int k = 0; k < 6; k++) {
                float got = ((const float *)nb_data(outs[k]))[i * D + j];
                REQUIRE(memcmp(&got, &want[k], 4) == 0, "op %d at %lld,%lld", k, (long long)i,
                        (long long)j);
            }
        }
    /* in place: dst [N,D] += [D], *= [N,1] */
    nb_tensor *d = nb_clone(ctx, x);
    ck_assert_int_eq(nb_add_(d, bias), 0);
    ck_assert_int_eq(nb_mul_(d, col), 0);
    for (int64_t i = 0; i < N * D; i++) {
        float want = (xs[i] + bs[i % D]) * cs[i / D];
        REQUIRE(memcmp(&((const float *)nb_data(d))[i], &want, 4) == 0, "in place at %lld", (long long)i);
    }
    nb_ctx_free(ctx);
}
END_TEST

/* Outputs past NB_STREAM_MIN_BYTES take the non-temporal stores, on one
 * thread and on two: the same values as element by element. */
START_TEST(vmath_big_outputs)
{
    nb_ctx *ctx = nb_ctx_new();
    nb_rng rng;
    nb_rng_seed(&rng, 12);
    int64_t n = NB_STREAM_MIN_BYTES / 4 + 1001;
    nb_tensor *a = nb_rand_uniform(ctx, &rng, NB_F32, NB_SHAPE(n), -3, 3);
    nb_tensor *b = nb_rand_uniform(ctx, &rng, NB_F32, NB_SHAPE(n), -3, 3);
    const float *as = nb_data(a), *bs = nb_data(b);
    int threads = nb_get_num_threads();
    for (int t = 1; t <= 2; t++) {
        ck_assert_int_eq(nb_set_num_threads(t), 0);
        nb_tensor *sum = nb_add(ctx, a, b), *e = nb_exp(ctx, a);
        ck_assert(sum && e);
        const float *ss = nb_data(sum), *es = nb_data(e);
        for (int64_t i = 0; i < n; i += 1 + i % 7) {
            float want = as[i] + bs[i], want_e;
            nb__vmath()->exp(1, &as[i], &want_e, false);
            REQUIRE(memcmp(&ss[i], &want, 4) == 0 && memcmp(&es[i], &want_e, 4) == 0, "at %lld", (long long)i);
        }
        nb_ctx_reset(ctx);
        a = nb_rand_uniform(ctx, &rng, NB_F32, NB_SHAPE(n), -3, 3);
        b = nb_rand_uniform(ctx, &rng, NB_F32, NB_SHAPE(n), -3, 3);
        as = nb_data(a), bs = nb_data(b);
    }
    ck_assert_int_eq(nb_set_num_threads(threads), 0);
    nb_ctx_free(ctx);
}
END_TEST

TCase *tcase_vmath(void)
{
    TCase *tc = tcase_create("vmath");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, vmath_path_is_the_one_asked_for);
    tcase_add_test(tc, vmath_functions_under_2_ulp);
    tcase_add_test(tc, vmath_special_values);
    tcase_add_test(tc, vmath_tails_alignment_and_in_place);
    tcase_add_test(tc, vmath_arithmetic_is_exact);
    tcase_add_test(tc, vmath_sums_in_a_fixed_order_on_every_path);
    tcase_add_test(tc, vmath_max_min_and_nan);
    tcase_add_test(tc, vmath_softmax_rows);
    tcase_add_test(tc, vmath_ops_same_bits_for_any_layout);
    tcase_add_test(tc, vmath_broadcast_last_axis);
    tcase_add_test(tc, vmath_big_outputs);
    return tc;
}
