/* tests/tensor/test_gemm.c — the GEMM kernels (tensor/kernels) against a plain
 * triple loop in extended precision.
 *
 * meson runs this suite once per instruction-set path (NABLA_ISA=portable,
 * avx2, avx512); every test first checks that the path in use is the one
 * asked for (or the best the CPU has, when it lacks the one asked for).
 *
 * Each case fills A and B with random values that are exact in float, so the
 * f32 and f64 runs see the same numbers, and C with random values or, when
 * beta == 0, with NaN (which must not leak: C is not to be read). Every
 * element of C outside the M x N windows (row padding, gaps between batch
 * entries) must come back bit for bit unchanged. The error allowed is
 *     |C - ref| <= 2 (K + 2) eps (|alpha| sum_k |a_ik b_kj| + |beta c_ij|),
 * the standard bound for a dot product of length K, with eps the element
 * type's epsilon. */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../tensor/kernels/kernels.h"

#ifdef _OPENMP
#include <omp.h>
#endif

TCase *tcase_gemm(void);

/* ---- random numbers (splitmix64: the test stands on its own) --------- */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static int64_t rng_below(int64_t n) { return n <= 0 ? 0 : (int64_t)(rng_next() % (uint64_t)n); }

/* Uniform in [-1, 1) with 24 significant bits: exact in float. */
static double rng_value(void) { return (double)(int32_t)(rng_next() >> 40) / 8388608.0 - 1.0; }

/* A size that exercises edges: 0, 1, around the register tiles, or random. */
static int64_t rng_size(int64_t max)
{
    static const int64_t edges[] = {0, 1, 2, 3, 5, 6, 7, 8, 9, 12, 15, 16, 17, 31, 32, 33, 48};
    if (rng_below(3) == 0) return edges[rng_below((int64_t)(sizeof edges / sizeof edges[0]))];
    return 1 + rng_below(max);
}

/* ---- the path in use ------------------------------------------------- */

/* What the CPU can run, worked out here independently of cpu.c. */
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

static void check_isa(void)
{
    nb_isa best = best_isa(), want = best;
    const char *env = getenv("NABLA_ISA");
    for (int i = NB_ISA_PORTABLE; env && i <= NB_ISA_AVX512; i++)
        if (!strcmp(env, nb__isa_label((nb_isa)i)) && i <= (int)best) want = (nb_isa)i;
    ck_assert_str_eq(nb__isa_label(nb__isa()), nb__isa_label(want));
}

/* ---- one case --------------------------------------------------------- */

typedef struct gemm_case {
    bool f64, ta, tb;
    int64_t batch, M, N, K;
    int64_t pad_a, pad_b, pad_c; /* leading dimension minus row length */
    bool bcast_a, bcast_b;       /* stride 0: one matrix for every entry */
    bool shared_c;               /* stride_c 0: every entry adds to one C */
    double alpha, beta;
} gemm_case;

/* The case's matrices, as doubles (exact in float), and where they live. */
typedef struct gemm_data {
    int64_t lda, ldb, ldc, sa, sb, sc;
    size_t na, nb, nc; /* elements */
    double *A, *B, *C0, *C;
} gemm_data;

static void data_make(const gemm_case *g, gemm_data *d)
{
    int64_t rows_a = g->ta ? g->K : g->M, rows_b = g->tb ? g->N : g->K;
    d->lda = (g->ta ? g->M : g->K) + g->pad_a;
    d->ldb = (g->tb ? g->K : g->N) + g->pad_b;
    d->ldc = g->N + g->pad_c;
    /* Gaps of 3 elements between entries, to catch writes past an entry. */
    d->sa = g->bcast_a ? 0 : rows_a * d->lda + 3;
    d->sb = g->bcast_b ? 0 : rows_b * d->ldb + 3;
    d->sc = g->shared_c ? 0 : g->M * d->ldc + 3;
    int64_t last = g->batch - 1;
    d->na = (size_t)(last * d->sa + rows_a * d->lda + 1);
    d->nb = (size_t)(last * d->sb + rows_b * d->ldb + 1);
    d->nc = (size_t)(last * d->sc + g->M * d->ldc + 1);
    d->A = malloc(d->na * sizeof(double));
    d->B = malloc(d->nb * sizeof(double));
    d->C0 = malloc(d->nc * sizeof(double));
    d->C = malloc(d->nc * sizeof(double));
    ck_assert(d->A && d->B && d->C0 && d->C);
    for (size_t i = 0; i < d->na; i++) d->A[i] = rng_value();
    for (size_t i = 0; i < d->nb; i++) d->B[i] = rng_value();
    for (size_t i = 0; i < d->nc; i++) d->C0[i] = g->beta == 0 ? NAN : rng_value();
    memcpy(d->C, d->C0, d->nc * sizeof(double));
}

static void data_free(gemm_data *d)
{
    free(d->A);
    free(d->B);
    free(d->C0);
    free(d->C);
}

static float *to_f32(const double *x, size_t n)
{
    float *y = malloc(n * sizeof(float));
    ck_assert(y);
    for (size_t i = 0; i < n; i++) y[i] = (float)x[i];
    return y;
}

/* d->C = the kernels' answer, through nb__gemm_* for one entry (so both
 * entry points are tested) and nb__gemm_batched_* for more. */
static int run_kernels(const gemm_case *g, gemm_data *d)
{
    int rc;
    if (g->f64) {
        if (g->batch == 1)
            return nb__gemm_f64(g->ta, g->tb, g->M, g->N, g->K, g->alpha, d->A, d->lda, d->B,
                                d->ldb, g->beta, d->C, d->ldc);
        return nb__gemm_batched_f64(g->ta, g->tb, g->batch, g->M, g->N, g->K, g->alpha, d->A,
                                    d->lda, d->sa, d->B, d->ldb, d->sb, g->beta, d->C, d->ldc,
                                    d->sc);
    }
    float *A = to_f32(d->A, d->na), *B = to_f32(d->B, d->nb), *C = to_f32(d->C, d->nc);
    if (g->batch == 1)
        rc = nb__gemm_f32(g->ta, g->tb, g->M, g->N, g->K, (float)g->alpha, A, d->lda, B, d->ldb,
                          (float)g->beta, C, d->ldc);
    else
        rc = nb__gemm_batched_f32(g->ta, g->tb, g->batch, g->M, g->N, g->K, (float)g->alpha, A,
                                  d->lda, d->sa, B, d->ldb, d->sb, (float)g->beta, C, d->ldc,
                                  d->sc);
    for (size_t i = 0; i < d->nc; i++) d->C[i] = C[i];
    free(A);
    free(B);
    free(C);
    return rc;
}

/* Checks C[i][j] of entry e; `before` is what C held before this entry. */
static void check_element(const gemm_case *g, const gemm_data *d, int64_t e, int64_t i,
                          int64_t j, double before, double got)
{
    const double *A = d->A + e * d->sa, *B = d->B + e * d->sb;
    long double dot = 0, mag = 0;
    for (int64_t k = 0; k < g->K; k++) {
        double a = g->ta ? A[k * d->lda + i] : A[i * d->lda + k];
        double b = g->tb ? B[j * d->ldb + k] : B[k * d->ldb + j];
        dot += (long double)a * b;
        mag += fabsl((long double)a * b);
    }
    long double want = g->alpha * dot, bound = fabs(g->alpha) * mag;
    if (g->beta != 0) {
        want += (long double)g->beta * before;
        bound += fabsl((long double)g->beta * before);
    }
    double eps = g->f64 ? DBL_EPSILON : FLT_EPSILON;
    double tol = 2.0 * (double)(g->K + 2) * eps * (double)bound;
    ck_assert_msg(fabsl(got - want) <= tol,
                  "%s %s ta=%d tb=%d batch=%lld M=%lld N=%lld K=%lld alpha=%g beta=%g: "
                  "C[%lld][%lld][%lld] = %.17g, want %.17Lg (tolerance %g)",
                  nb__isa_label(nb__isa()), g->f64 ? "f64" : "f32", g->ta, g->tb,
                  (long long)g->batch, (long long)g->M, (long long)g->N, (long long)g->K,
                  g->alpha, g->beta, (long long)e, (long long)i, (long long)j, got, want, tol);
}

/* Every element of C: inside an entry's window, checked against the
 * reference; outside (padding, gaps), unchanged to the bit. */
static void check_result(const gemm_case *g, const gemm_data *d)
{
    bool *inside = calloc(d->nc, sizeof(bool));
    ck_assert(inside);
    if (g->shared_c) {
        /* Entries applied in turn: entry e's "before" is the running sum. For
         * beta == 1 only, which is how a shared C is used (summing). */
        ck_assert(g->beta == 1);
        for (int64_t i = 0; i < g->M; i++)
            for (int64_t j = 0; j < g->N; j++) {
                size_t at = (size_t)(i * d->ldc + j);
                long double want = d->C0[at], mag = fabs(d->C0[at]);
                for (int64_t e = 0; e < g->batch; e++)
                    for (int64_t k = 0; k < g->K; k++) {
                        const double *A = d->A + e * d->sa, *B = d->B + e * d->sb;
                        double a = g->ta ? A[k * d->lda + i] : A[i * d->lda + k];
                        double b = g->tb ? B[j * d->ldb + k] : B[k * d->ldb + j];
                        want += (long double)g->alpha * a * b;
                        mag += fabsl((long double)g->alpha * a * b);
                    }
                /* The bound of one dot product as long as the whole sum. */
                double tol = 2.0 * (double)(g->K * g->batch + 2) *
                             (g->f64 ? DBL_EPSILON : FLT_EPSILON) * (double)mag;
                ck_assert_msg(fabsl(d->C[at] - want) <= tol, "shared C[%lld][%lld] = %.17g, "
                              "want %.17Lg", (long long)i, (long long)j, d->C[at], want);
                inside[at] = true;
            }
    } else {
        for (int64_t e = 0; e < g->batch; e++)
            for (int64_t i = 0; i < g->M; i++)
                for (int64_t j = 0; j < g->N; j++) {
                    size_t at = (size_t)(e * d->sc + i * d->ldc + j);
                    check_element(g, d, e, i, j, d->C0[at], d->C[at]);
                    inside[at] = true;
                }
    }
    for (size_t at = 0; at < d->nc; at++)
        if (!inside[at])
            ck_assert_msg(!memcmp(&d->C[at], &d->C0[at], sizeof(double)),
                          "element %zu of C, outside every M x N window, was written", at);
    free(inside);
}

static void run_case(const gemm_case *g)
{
    gemm_data d;
    data_make(g, &d);
    ck_assert_int_eq(run_kernels(g, &d), 0);
    check_result(g, &d);
    data_free(&d);
}

/* A random case for one element type and one pair of trans flags. */
static gemm_case random_case(bool f64, bool ta, bool tb, int64_t max_size)
{
    static const double alphas[] = {1, 1, -1, 0.5, 2.25}, betas[] = {0, 0, 1, -1, 0.75};
    gemm_case g = {.f64 = f64, .ta = ta, .tb = tb, .batch = 1,
                   .M = rng_size(max_size), .N = rng_size(max_size), .K = rng_size(max_size),
                   .pad_a = rng_below(2) * rng_below(5), .pad_b = rng_below(2) * rng_below(5),
                   .pad_c = rng_below(2) * rng_below(5),
                   .alpha = alphas[rng_below(5)], .beta = betas[rng_below(5)]};
    return g;
}

/* ---- tests ------------------------------------------------------------ */

/* Random shapes up to 80 (many edge tiles), every trans pair, both types. */
START_TEST(test_gemm_random)
{
    check_isa();
    rng_state = 1;
    for (int rep = 0; rep < 40; rep++)
        for (int t = 0; t < 8; t++) {
            gemm_case g = random_case(t & 4, t & 1, t & 2, 80);
            run_case(&g);
        }
}
END_TEST

/* Sizes that cross every cache block: K past KC (several depth blocks, so
 * beta is applied once and later blocks add), N past the per-thread NC, M
 * past MC, for both types and every trans pair. */
START_TEST(test_gemm_blocks)
{
    check_isa();
    rng_state = 2;
    static const int64_t shapes[][3] = {
        {37, 45, 1100}, {20, 1100, 30}, {2000, 21, 25}, {130, 250, 390}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int t = 0; t < 8; t++) {
            gemm_case g = {.f64 = t & 4, .ta = t & 1, .tb = t & 2, .batch = 1,
                           .M = shapes[s][0], .N = shapes[s][1], .K = shapes[s][2],
                           .pad_a = t % 3, .pad_b = 1, .pad_c = 2,
                           .alpha = t % 2 ? 1.0 : 0.5, .beta = t % 3 ? 0.0 : -1.5};
            run_case(&g);
        }
}
END_TEST

/* The corners of BLAS semantics: empty matrices, K == 0 (C = beta C),
 * alpha == 0 (A and B not read: their NaNs must not reach C), beta == 0
 * (C not read: checked by every case, whose C starts as NaN then). */
START_TEST(test_gemm_corners)
{
    check_isa();
    rng_state = 3;
    for (int f = 0; f < 2; f++) {
        static const int64_t shapes[][3] = {{0, 5, 3}, {5, 0, 3}, {5, 3, 0}, {0, 0, 0},
                                            {1, 1, 1}, {1, 40, 1}, {40, 1, 40}, {1, 1, 700}};
        for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
            for (int b = 0; b < 3; b++) {
                gemm_case g = {.f64 = f, .ta = s & 1, .tb = b & 1, .batch = 1,
                               .M = shapes[s][0], .N = shapes[s][1], .K = shapes[s][2],
                               .alpha = 1.5, .beta = b == 0 ? 0.0 : b == 1 ? 1.0 : -2.0};
                run_case(&g);
            }
    }

    /* alpha == 0 with NaN in A and B: C = beta C exactly. */
    double A[6] = {NAN, NAN, NAN, NAN, NAN, NAN}, B[6] = {NAN, NAN, NAN, NAN, NAN, NAN};
    double C[4] = {1, 2, 3, 4};
    ck_assert_int_eq(nb__gemm_f64(false, false, 2, 2, 3, 0.0, A, 3, B, 2, 2.0, C, 2), 0);
    ck_assert(C[0] == 2 && C[1] == 4 && C[2] == 6 && C[3] == 8);
    float Af[6] = {NAN, NAN, NAN, NAN, NAN, NAN}, Bf[6] = {NAN, NAN, NAN, NAN, NAN, NAN};
    float Cf[4] = {NAN, NAN, NAN, NAN};
    ck_assert_int_eq(nb__gemm_f32(true, true, 2, 2, 3, 0.0f, Af, 2, Bf, 3, 0.0f, Cf, 2), 0);
    ck_assert(Cf[0] == 0 && Cf[1] == 0 && Cf[2] == 0 && Cf[3] == 0);
}
END_TEST

/* Batches: separate operands, broadcast A or B (stride 0), small entries
 * (split across threads by entry) and large ones (each split inside), and a
 * shared C (stride 0, beta 1) that sums the products of every entry. */
START_TEST(test_gemm_batched)
{
    check_isa();
    rng_state = 4;
    for (int rep = 0; rep < 24; rep++) {
        gemm_case g = random_case(rep & 1, rep & 2, rep & 4, rep < 16 ? 40 : 150);
        g.batch = 1 + rng_below(6);
        g.bcast_a = rep % 3 == 1;
        g.bcast_b = rep % 3 == 2;
        run_case(&g);
    }
    for (int f = 0; f < 2; f++) {
        gemm_case g = {.f64 = f, .ta = f, .tb = !f, .batch = 5, .M = 33, .N = 47, .K = 29,
                       .pad_c = 1, .bcast_b = true, .shared_c = true, .alpha = 0.5, .beta = 1};
        run_case(&g);
    }
}
END_TEST

/* Bitwise the same result whatever the thread count, on products large
 * enough to be split (and a batch split by entries). */
#ifdef _OPENMP
static void same_bits_any_threads(const gemm_case *g)
{
    gemm_data d;
    data_make(g, &d);
    int saved = omp_get_max_threads();
    /* Other tests may be running beside this one: keep the kernels from
     * falling back to one thread when the cores are busy. */
    nb__gemm_set_contention_guard(false);
    double *first = malloc(d.nc * sizeof(double));
    ck_assert(first);
    for (int threads = 1; threads <= 3; threads++) {
        omp_set_num_threads(threads);
        memcpy(d.C, d.C0, d.nc * sizeof(double));
        ck_assert_int_eq(run_kernels(g, &d), 0);
        if (threads == 1)
            memcpy(first, d.C, d.nc * sizeof(double));
        else
            ck_assert_msg(!memcmp(first, d.C, d.nc * sizeof(double)),
                          "%s %s M=%lld N=%lld K=%lld: %d threads differ from 1",
                          nb__isa_label(nb__isa()), g->f64 ? "f64" : "f32", (long long)g->M,
                          (long long)g->N, (long long)g->K, threads);
    }
    omp_set_num_threads(saved);
    nb__gemm_set_contention_guard(true);
    free(first);
    data_free(&d);
}
#endif

START_TEST(test_gemm_deterministic)
{
    check_isa();
#ifdef _OPENMP
    rng_state = 5;
    for (int t = 0; t < 8; t++) {
        gemm_case g = {.f64 = t & 4, .ta = t & 1, .tb = t & 2, .batch = 1, .M = 203, .N = 517,
                       .K = 451, .pad_a = 1, .alpha = 1, .beta = t % 3 ? 0.0 : 0.5};
        same_bits_any_threads(&g);
    }
    gemm_case small = {.batch = 16, .M = 24, .N = 40, .K = 200, .alpha = 1, .beta = 0};
    same_bits_any_threads(&small);
#endif
}
END_TEST

TCase *tcase_gemm(void)
{
    TCase *tc = tcase_create("gemm");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_gemm_random);
    tcase_add_test(tc, test_gemm_blocks);
    tcase_add_test(tc, test_gemm_corners);
    tcase_add_test(tc, test_gemm_batched);
    tcase_add_test(tc, test_gemm_deterministic);
    return tc;
}
