/* tensor/kernels/gemm_template.h — the GEMM driver for one element type.
 *
 * A template: gemm.c defines T (float or double), SFX (f32 or f64) and
 * CBLAS_GEMM, includes this file, and does it again for the next type. The
 * blocking scheme and the threading it implements are described at the top
 * of gemm.c. */

#define NB_CAT_(a, b) a##b
#define NB_CAT(a, b) NB_CAT_(a, b)
#define FN(name) NB_CAT(name, SFX)
#define IMPL NB_CAT(nb_gemm_impl_, SFX)

/* The kernels of the path nb__isa() chose. */
static const IMPL *FN(impl_)(void)
{
    switch (nb__isa()) {
#if defined(__x86_64__)
    case NB_ISA_AVX512: return &FN(nb__gemm_avx512_);
    case NB_ISA_AVX2: return &FN(nb__gemm_avx2_);
#endif
    default: return &FN(nb__gemm_portable_);
    }
}

/* One product C = alpha op(A) op(B) + beta C, as the blocked loops see it:
 * the operands, the path's kernels, the block sizes, and packing space. */
typedef struct FN(gemm_) {
    const IMPL *k;
    const nb_gemm_plan *pl;
    bool ta, tb;
    int64_t M, N, K;
    T alpha, beta;
    const T *A, *B;
    T *C;
    int64_t lda, ldb, ldc;
    T *apack; /* the packed block of op(A): pl->mc x pl->kc */
    T *bpack; /* the packed block of op(B): pl->kc x pl->nc */
} FN(gemm_);

/* Address of element (r, c) of op(X), where X is stored with row stride ld
 * and op transposes it when trans is set. */
static inline const T *FN(at_)(const T *X, bool trans, int64_t ld, int64_t r, int64_t c)
{
    return trans ? X + c * ld + r : X + r * ld + c;
}

/* Packs op(A)[ic : ic+mb, pc : pc+kb] into micro-panels of MR rows. */
static void FN(pack_block_a_)(const FN(gemm_) *g, int64_t ic, int64_t mb, int64_t pc, int64_t kb)
{
    int mr = g->k->mr;
    for (int64_t i = 0; i < mb; i += mr)
        g->k->pack_a(g->ta, (int)min64(mr, mb - i), kb, FN(at_)(g->A, g->ta, g->lda, ic + i, pc),
                     g->lda, g->apack + i * kb);
}

/* Packs op(B)[pc : pc+kb, jc : jc+nb] into micro-panels of NR columns. */
static void FN(pack_block_b_)(const FN(gemm_) *g, int64_t pc, int64_t kb, int64_t jc, int64_t nb)
{
    int nr = g->k->nr;
    for (int64_t j = 0; j < nb; j += nr)
        g->k->pack_b(g->tb, (int)min64(nr, nb - j), kb, FN(at_)(g->B, g->tb, g->ldb, pc, jc + j),
                     g->ldb, g->bpack + j * kb);
}

/* Loops ir and jr: every MR x NR tile of the mb x nb block of C at (ic, jc),
 * from the packed blocks. One A micro-panel stays in L1 while it meets every
 * B micro-panel of the block (streamed from L2). */
static void FN(macro_kernel_)(const FN(gemm_) *g, int64_t ic, int64_t mb, int64_t jc, int64_t nb,
                              int64_t kb, T beta)
{
    int mr = g->k->mr, nr = g->k->nr;
    for (int64_t i = 0; i < mb; i += mr) {                          /* loop ir */
        T *crow = g->C + (ic + i) * g->ldc + jc;
        for (int64_t j = 0; j < nb; j += nr)                        /* loop jr */
            g->k->kernel(kb, g->apack + i * kb, g->bpack + j * kb, crow + j, g->ldc,
                         (int)min64(mr, mb - i), (int)min64(nr, nb - j), g->alpha, beta);
    }
}

/* Loops ic, pc and jc, on one thread. */
static void FN(blocked_)(const FN(gemm_) *g)
{
    const nb_gemm_plan *pl = g->pl;
    for (int64_t ic = 0; ic < g->M; ic += pl->mc) {                 /* loop ic */
        int64_t mb = min64(pl->mc, g->M - ic);
        for (int64_t pc = 0; pc < g->K; pc += pl->kc) {             /* loop pc */
            int64_t kb = min64(pl->kc, g->K - pc);
            /* beta scales C once, with the first depth block; the later
             * blocks add to what it left. */
            T beta = pc == 0 ? g->beta : (T)1;
            FN(pack_block_a_)(g, ic, mb, pc, kb);
            for (int64_t jc = 0; jc < g->N; jc += pl->nc) {         /* loop jc */
                int64_t nb = min64(pl->nc, g->N - jc);
                FN(pack_block_b_)(g, pc, kb, jc, nb);
                FN(macro_kernel_)(g, ic, mb, jc, nb, kb, beta);
            }
        }
    }
}

/* A batch of products, cut into tasks: each entry's C into the plan's
 * tm x tn grid of rectangles. A task is a whole product of its own (its rows
 * of op(A) times its columns of op(B)) that one thread computes with the
 * blocked loops, in that thread's packing space. */
typedef struct FN(batch_) {
    const IMPL *k;
    nb_gemm_plan pl;
    bool ta, tb;
    int64_t M, N, K;
    T alpha, beta;
    const T *A, *B;
    T *C;
    int64_t lda, ldb, ldc, sa, sb, sc;
    T *scratch; /* pl.scratch elements per thread */
} FN(batch_);

/* Parallel-loop body: task t = rectangle t % (tm tn) of entry t / (tm tn). */
static void FN(task_)(void *ctx, int64_t t)
{
    const FN(batch_) *b = ctx;
    const nb_gemm_plan *pl = &b->pl;
    int64_t e = t / (pl->tm * pl->tn), r = t % (pl->tm * pl->tn);
    int64_t i0, i1, j0, j1;
    grid_cell(b->M, b->k->mr, pl->tm, r / pl->tn, &i0, &i1);
    grid_cell(b->N, b->k->nr, pl->tn, r % pl->tn, &j0, &j1);
    if (i0 >= i1 || j0 >= j1) return;
    T *space = b->scratch + (size_t)thread_id() * pl->scratch;
    FN(gemm_) g = {.k = b->k, .pl = pl, .ta = b->ta, .tb = b->tb,
                   .M = i1 - i0, .N = j1 - j0, .K = b->K, .alpha = b->alpha, .beta = b->beta,
                   .A = FN(at_)(b->A + e * b->sa, b->ta, b->lda, i0, 0), .lda = b->lda,
                   .B = FN(at_)(b->B + e * b->sb, b->tb, b->ldb, 0, j0), .ldb = b->ldb,
                   .C = b->C + e * b->sc + i0 * b->ldc + j0, .ldc = b->ldc,
                   .apack = space, .bpack = space + pl->a_elems};
    FN(blocked_)(&g);
}

/* C = beta C: all that is left when K == 0 or alpha == 0 (BLAS then reads
 * neither A nor B, so their NaNs do not reach C either). */
static void FN(scale_)(int64_t M, int64_t N, T beta, T *C, int64_t ldc)
{
    for (int64_t i = 0; i < M; i++)
        for (int64_t j = 0; j < N; j++) C[i * ldc + j] = beta == 0 ? (T)0 : beta * C[i * ldc + j];
}

int FN(nb__gemm_batched_)(bool ta, bool tb, int64_t batch, int64_t M, int64_t N, int64_t K,
                          T alpha, const T *A, int64_t lda, int64_t sa, const T *B, int64_t ldb,
                          int64_t sb, T beta, T *C, int64_t ldc, int64_t sc)
{
    if (batch <= 0 || M <= 0 || N <= 0) return 0;
    if (K <= 0 || alpha == 0) {
        for (int64_t e = 0; e < batch; e++) FN(scale_)(M, N, beta, C + e * sc, ldc);
        return 0;
    }
#ifdef NB_GEMM_CBLAS
    /* The comparison build: the system BLAS does the work when its int
     * arguments can hold ours; our kernels otherwise. */
    if (cblas_can_take(ta, tb, M, N, K, lda, ldb, ldc)) {
        for (int64_t e = 0; e < batch; e++)
            CBLAS_GEMM(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
                       tb ? CblasTrans : CblasNoTrans, (int)M, (int)N, (int)K, alpha,
                       A + e * sa, (int)lda, B + e * sb, (int)ldb, beta, C + e * sc, (int)ldc);
        return 0;
    }
#endif
    FN(batch_) b = {.k = FN(impl_)(), .ta = ta, .tb = tb, .M = M, .N = N, .K = K,
                    .alpha = alpha, .beta = beta, .A = A, .B = B, .C = C,
                    .lda = lda, .ldb = ldb, .ldc = ldc, .sa = sa, .sb = sb, .sc = sc};
    nb_gemm_sizes sizes = {b.k->mr, b.k->nr, b.k->kc, b.k->mc, b.k->nc};
    int threads = plan_batch(&sizes, batch, M, N, K, sc, &b.pl);
    b.scratch = scratch_alloc((size_t)threads * b.pl.scratch * sizeof(T));
    if (!b.scratch) return -1;
    int64_t tasks = b.pl.tm * b.pl.tn;
    if (sc == 0) {
        /* Every entry writes the same C: entries in order (so beta == 1
         * sums them), each one's rectangles in parallel. */
        for (int64_t e = 0; e < batch; e++)
            parallel_for(e * tasks, (e + 1) * tasks, threads, FN(task_), &b);
    } else {
        parallel_for(0, batch * tasks, threads, FN(task_), &b);
    }
    free(b.scratch);
    return 0;
}

int FN(nb__gemm_)(bool ta, bool tb, int64_t M, int64_t N, int64_t K, T alpha, const T *A,
                  int64_t lda, const T *B, int64_t ldb, T beta, T *C, int64_t ldc)
{
    return FN(nb__gemm_batched_)(ta, tb, 1, M, N, K, alpha, A, lda, 0, B, ldb, 0, beta, C, ldc,
                                 0);
}

#undef NB_CAT_
#undef NB_CAT
#undef FN
#undef IMPL
#undef T
#undef SFX
#undef CBLAS_GEMM
