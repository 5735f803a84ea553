/* tensor/kernels/gemm.c — C = alpha op(A) op(B) + beta C, fast.
 *
 * The method is Goto's (as in GotoBLAS, BLIS, OpenBLAS): the arithmetic is
 * done by a micro-kernel that keeps an MR x NR tile of C in vector registers
 * and runs down a depth of KC, reading A and B from small buffers into which
 * they were first copied ("packed") in exactly the order it reads them. The
 * loops around it cut the matrices into blocks sized so each operand sits in
 * the cache level that matches how often it is reused:
 *
 *   for ic in 0..M step MC        loop ic: rows of C (block of A, in L3)
 *     for pc in 0..K step KC      loop pc: depth
 *       pack A[ic.., pc..] -> Apack   MC x KC, in micro-panels of MR rows
 *       for jc in 0..N step NC    loop jc: columns of C (block of B, in L2)
 *         pack B[pc.., jc..] -> Bpack   KC x NC, in micro-panels of NR columns
 *         for ir in 0..MC step MR     loop ir: one A micro-panel (in L1) ...
 *           for jr in 0..NC step NR   loop jr: ... meets every B micro-panel
 *             C[ic+ir.., jc+jr..] (MR x NR) += Apack[ir] * Bpack[jr]
 *
 * That is BLIS's loop nest with the roles of A and B swapped: our C is
 * row-major and vectors run along its rows, so B supplies the vectors (wide
 * micro-panels, streamed) and A the broadcast scalars (narrow micro-panels,
 * kept close), which is how BLIS runs a row-major product too.
 *
 * Block sizes, for the AVX-512 f32 path on Zen 4 (L1d 32 KiB and L2 1 MiB per
 * core, L3 32 MiB shared); the other paths scale them by element and tile
 * size (each path's file sets its own):
 *   MR x NR = 8 x 32   16 zmm accumulators: enough independent FMAs to hide
 *                      their latency, few enough to leave registers for B.
 *   KC = 384           an A micro-panel (MR x KC x 4 B = 12 KiB) stays in L1
 *                      while B micro-panels stream through; a deeper KC also
 *                      means C is read and written once per 384 steps.
 *   NC = 256           a thread's B block (KC x NC x 4 B = 384 KiB) stays in
 *                      its core's L2 while every A micro-panel passes over it.
 *   MC = 1920          the A block (2.8 MiB) lives in L3 and each micro-panel
 *                      is read from there once per jc block, so its size
 *                      barely matters: it bounds the packing space and how
 *                      often B is packed again.
 * Packing costs one pass over each operand per block but makes every read of
 * the micro-kernel contiguous and aligned, pads the edges with zeros (no
 * separate edge kernels) and is where transposed operands are dealt with:
 * op(A) = A^T just packs with a copy instead of a transpose, so the backward
 * pass's A^T B and A B^T cost what A B costs.
 *
 * Threads (OpenMP). Work is split over output tiles only, never along K: each
 * element of C is computed by one thread, in the same order of operations
 * whatever the thread count, so the result is bitwise the same with 1 or 2
 * threads. The K blocking depends on K and the path, never on the threads.
 * C is cut into a grid of tm x tn rectangles, one per thread, and each thread
 * runs the whole loop nest above on its rectangle, packing into its own
 * buffers: there is no barrier inside a call, only the join at its end. That
 * is simpler, and on a shared machine a thread the OS has descheduled holds
 * the others up once per call rather than once per block.
 * The price is that the operand shared along the cut is packed by each thread
 * that needs it (all of A when C is cut into column strips, all of B for row
 * strips); the grid is chosen to minimise the busiest thread's work,
 * packing included (choose_grid). Batches cut into whole entries per thread
 * when they share out evenly. Small products run on one thread
 * (PARALLEL_MIN_FLOPS), and so do all products for a while after one that
 * ran slower on several threads than it would have on one (other processes
 * holding the cores; see judge_parallel_call).
 *
 * Files: gemm_template.h (this driver, once per element type),
 * ukernel_template.h (micro-kernel and packing, once per path and type),
 * gemm_portable.c, gemm_avx2.c, gemm_avx512.c (the paths), cpu.c (choosing).
 *
 * With meson -Dblas=enabled, nb__gemm_* hand their work to the system cblas
 * instead (NB_GEMM_CBLAS), for comparison. */
#include "kernels.h"

#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "../error.h"
#include "gemm_kernel.h"

#ifdef _OPENMP
#include <omp.h>
#endif
#ifdef NB_GEMM_CBLAS
#include <cblas.h>
#endif

/* Below this many floating-point operations (2 M N K, about 100^3 x 2) a
 * product runs on one thread. Measured with the second thread already awake:
 * 2 threads lose below 64^3 and win from 96^3 on; a thread that has gone to
 * sleep takes tens of microseconds to wake, so the cut is on the high side. */
#define PARALLEL_MIN_FLOPS 2e6

/* What packing one element costs, counted in the micro-kernel's multiply-adds
 * (choose_grid): about half a cycle, in which it would have done 8 of its 16
 * fp32 FMAs per cycle. A rough figure: it only has to rank a few grids. */
#define PACK_COST 8.0

static inline int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
static inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
static inline int64_t round_up(int64_t a, int64_t b) { return ceil_div(a, b) * b; }

/* ---- When the other cores are taken -----------------------------------
 * libgomp's idle threads spin for milliseconds before they sleep (its default
 * wait policy). When another process holds part of a core, a 2-thread call
 * then often waits at its end for a thread the OS has set aside, a scheduler
 * slice for a fraction of a millisecond of work: the 128x784x256 products ran
 * at 5-7 GFLOP/s instead of 200 while a compiler ran, where OpenBLAS, whose
 * threads yield, kept 100. So each parallel call compares its wall time with
 * the CPU time its tasks used. When two calls in a row took longer than
 * running their tasks one after another would have (one alone can be a
 * passing hiccup: a burst from another process, a virtual CPU slow to wake),
 * the calls that follow run on one thread for a while (10 ms, doubled each
 * time a retry fails again, up to 1 s), then try again. Only the speed
 * depends on this: the bits of a result never do. */
#ifdef _OPENMP
enum { SOLO_FIRST_NS = 10000000, SOLO_MAX_NS = 1000000000 };
static atomic_bool guard_on = true;
static atomic_llong solo_until_ns;                  /* monotonic clock */
static atomic_llong solo_backoff_ns = SOLO_FIRST_NS;
static atomic_int strikes;                          /* slow parallel calls in a row */

static long long now_ns(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static bool cores_busy(void)
{
    return atomic_load_explicit(&guard_on, memory_order_relaxed) &&
           now_ns(CLOCK_MONOTONIC) < atomic_load_explicit(&solo_until_ns, memory_order_relaxed);
}

/* After a parallel call: its wall time against the CPU time of its tasks. */
static void judge_parallel_call(long long wall_ns, long long work_ns)
{
    if (!atomic_load_explicit(&guard_on, memory_order_relaxed)) return;
    if (wall_ns <= work_ns) {
        atomic_store_explicit(&strikes, 0, memory_order_relaxed);
        atomic_store_explicit(&solo_backoff_ns, SOLO_FIRST_NS, memory_order_relaxed);
        return;
    }
    if (atomic_fetch_add_explicit(&strikes, 1, memory_order_relaxed) < 1) return; /* once */
    long long backoff = atomic_load_explicit(&solo_backoff_ns, memory_order_relaxed);
    atomic_store_explicit(&solo_until_ns, now_ns(CLOCK_MONOTONIC) + backoff,
                          memory_order_relaxed);
    atomic_store_explicit(&solo_backoff_ns, backoff < SOLO_MAX_NS / 2 ? 2 * backoff : SOLO_MAX_NS,
                          memory_order_relaxed);
}
#endif

void nb__gemm_set_contention_guard(bool on)
{
#ifdef _OPENMP
    atomic_store(&guard_on, on);
    atomic_store(&solo_until_ns, 0);
    atomic_store(&strikes, 0);
#else
    (void)on;
#endif
}

static int max_threads(void)
{
#ifdef _OPENMP
    /* Called from inside someone's parallel region we stay on this thread:
     * nabla never nests parallel regions. */
    return omp_in_parallel() || cores_busy() ? 1 : omp_get_max_threads();
#else
    return 1;
#endif
}

static int thread_id(void)
{
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

/* body(ctx, i) for i in begin..end-1, on `threads` threads, each taking one
 * contiguous run of i (schedule static: the same split on every call). Each
 * thread clocks the CPU time of its run for judge_parallel_call. */
static void parallel_for(int64_t begin, int64_t end, int threads,
                         void (*body)(void *, int64_t), void *ctx)
{
#ifdef _OPENMP
    if (threads > 1 && end - begin > 1) {
        long long start = now_ns(CLOCK_MONOTONIC);
        atomic_llong work_ns = 0;
#pragma omp parallel num_threads(threads)
        {
            long long cpu = now_ns(CLOCK_THREAD_CPUTIME_ID);
#pragma omp for schedule(static) nowait
            for (int64_t i = begin; i < end; i++) body(ctx, i);
            atomic_fetch_add_explicit(&work_ns, now_ns(CLOCK_THREAD_CPUTIME_ID) - cpu,
                                      memory_order_relaxed);
        }
        judge_parallel_call(now_ns(CLOCK_MONOTONIC) - start, atomic_load(&work_ns));
        return;
    }
#else
    (void)threads;
#endif
    for (int64_t i = begin; i < end; i++) body(ctx, i);
}

/* Cell idx of `parts` near-equal parts of 0..n-1, cut at multiples of `unit`
 * (a register tile), so only the last cell has a partial tile: [*lo, *hi). */
static void grid_cell(int64_t n, int unit, int parts, int64_t idx, int64_t *lo, int64_t *hi)
{
    int64_t units = ceil_div(n, unit);
    *lo = min64(units * idx / parts * unit, n);
    *hi = min64(units * (idx + 1) / parts * unit, n);
}

/* A path's block sizes (gemm_kernel.h), without the element type. */
typedef struct nb_gemm_sizes {
    int mr, nr;
    int64_t kc, mc, nc;
} nb_gemm_sizes;

/* How one call is cut: block sizes clipped to the problem, the grid of
 * rectangles per entry, and the packing space each thread needs (elements). */
typedef struct nb_gemm_plan {
    int64_t kc, mc, nc;
    int tm, tn;      /* each entry's C is cut into tm x tn rectangles */
    size_t a_elems;  /* the packed block of A, mc x kc */
    size_t scratch;  /* A's block then B's (kc x nc), per thread */
} nb_gemm_plan;

/* The grid tm x tn = threads (divisor pairs) whose busiest rectangle costs
 * least: its multiply-adds plus packing its rows of op(A) and columns of
 * op(B), per unit of K. Cutting C into column strips makes every thread pack
 * all of A, row strips all of B: the smaller operand gets packed twice. */
static void choose_grid(int64_t M, int64_t N, int mr, int nr, int threads, int *tm, int *tn)
{
    double best = -1;
    for (int n = threads; n >= 1; n--) {
        if (threads % n) continue;
        int m = threads / n;
        double rows = (double)(ceil_div(ceil_div(M, mr), m) * mr);
        double cols = (double)(ceil_div(ceil_div(N, nr), n) * nr);
        double cost = rows * cols + PACK_COST * (rows + cols);
        if (best < 0 || cost < best) {
            best = cost;
            *tm = m;
            *tn = n;
        }
    }
}

/* Plans a batch of M x N x K products (stride_c 0: all write one C); returns
 * the number of threads to run it on. */
static int plan_batch(const nb_gemm_sizes *s, int64_t batch, int64_t M, int64_t N, int64_t K,
                      int64_t stride_c, nb_gemm_plan *p)
{
    double flops = 2.0 * (double)M * (double)N * (double)K;
    int threads = flops * (double)batch < PARALLEL_MIN_FLOPS ? 1 : max_threads();
    /* Whole entries per thread when they share out evenly (nothing is packed
     * twice) or are too small to cut; otherwise every entry is cut. */
    bool whole = threads == 1 || flops < PARALLEL_MIN_FLOPS ||
                 (stride_c != 0 && batch % threads == 0);
    p->tm = p->tn = 1;
    if (!whole) choose_grid(M, N, s->mr, s->nr, threads, &p->tm, &p->tn);
    if (stride_c == 0 && whole) threads = 1; /* entries in turn, one task each */
    /* The largest rectangle bounds the blocks. */
    p->kc = min64(s->kc, K); /* from K and the path only: never from threads */
    p->mc = min64(s->mc, ceil_div(ceil_div(M, s->mr), p->tm) * s->mr);
    p->nc = min64(s->nc, ceil_div(ceil_div(N, s->nr), p->tn) * s->nr);
    /* Rounded to 16 elements so both blocks start on a cache line. */
    p->a_elems = (size_t)round_up(p->mc * p->kc, 16);
    p->scratch = p->a_elems + (size_t)round_up(p->kc * p->nc, 16);
    return threads;
}

/* Packing space, 64-byte aligned so micro-panels start on cache lines. */
static void *scratch_alloc(size_t bytes)
{
    size_t rounded = (bytes + 63) / 64 * 64; /* aligned_alloc wants a multiple */
    void *p = aligned_alloc(64, rounded);
    if (!p) nb__error("nb__gemm: out of memory for %zu bytes of packing buffers", rounded);
    return p;
}

#ifdef NB_GEMM_CBLAS
/* cblas takes int sizes and insists on leading dimensions no smaller than the
 * stored rows; it would print and refuse otherwise. */
static bool cblas_can_take(bool ta, bool tb, int64_t M, int64_t N, int64_t K, int64_t lda,
                           int64_t ldb, int64_t ldc)
{
    int64_t v[] = {M, N, K, lda, ldb, ldc};
    for (int i = 0; i < 6; i++)
        if (v[i] > INT_MAX) return false;
    return lda >= (ta ? M : K) && ldb >= (tb ? K : N) && ldc >= N;
}
#endif

#define T float
#define SFX f32
#define CBLAS_GEMM cblas_sgemm
#include "gemm_template.h"

#define T double
#define SFX f64
#define CBLAS_GEMM cblas_dgemm
#include "gemm_template.h"
