/* tensor/ctx.c — the arena behind every tensor.
 *
 * An arena hands out memory by bumping an offset in a chunk; it never frees
 * one object, only everything at once. That suits a training step: build a
 * graph, run backward, reset. Chunks come from the system as needed (each at
 * least twice the previous one). A reset that finds more than one chunk swaps
 * them for a single chunk as large as all of them, so from the second step on
 * a loop of same-sized steps allocates nothing and its peak stays flat; the
 * memory is reused without new page faults.
 *
 * Under AddressSanitizer, memory not handed out (the gaps between objects and
 * everything after a reset) is poisoned, so overruns and use-after-reset are
 * reported where they happen. */
#include <stdlib.h>
#include <string.h>

#include "tensor_internal.h"

#if defined(__SANITIZE_ADDRESS__)
#define NB_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NB_ASAN 1
#endif
#endif

#ifdef NB_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#define REDZONE 64 /* bytes left poisoned after each object */
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#define REDZONE 0
#endif

enum { CHUNK_ALIGN = 64, FIRST_CHUNK = 1 << 16 };

typedef struct chunk {
    struct chunk *next; /* older chunks */
    size_t size;        /* bytes of data[] */
    size_t used;
    char *data;
} chunk;

struct nb_ctx {
    chunk *head; /* the chunk being filled; older ones follow */
    size_t used, peak, reserved;
    uint64_t generation;
};

static chunk *chunk_new(size_t size)
{
    size = (size + CHUNK_ALIGN - 1) / CHUNK_ALIGN * CHUNK_ALIGN;
    chunk *c = malloc(sizeof *c);
    char *data = c ? aligned_alloc(CHUNK_ALIGN, size) : NULL;
    if (!data) {
        free(c);
        return NULL;
    }
    POISON(data, size);
    *c = (chunk){.next = NULL, .size = size, .used = 0, .data = data};
    return c;
}

static void chunk_free(chunk *c)
{
    UNPOISON(c->data, c->size);
    free(c->data);
    free(c);
}

nb_ctx *nb_ctx_new(void)
{
    nb_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) nb__error("nb_ctx_new: out of memory");
    return ctx;
}

void nb_ctx_free(nb_ctx *ctx)
{
    if (!ctx) return;
    for (chunk *c = ctx->head, *next; c; c = next) {
        next = c->next;
        chunk_free(c);
    }
    free(ctx);
}

void nb_ctx_reset(nb_ctx *ctx)
{
    if (!ctx) return;
    ctx->generation++;
    ctx->used = 0;
    if (ctx->head && ctx->head->next) { /* coalesce into one chunk */
        size_t total = ctx->reserved;
        for (chunk *c = ctx->head, *next; c; c = next) {
            next = c->next;
            chunk_free(c);
        }
        ctx->head = chunk_new(total);
        ctx->reserved = ctx->head ? ctx->head->size : 0;
        return;
    }
    if (ctx->head) {
        POISON(ctx->head->data, ctx->head->size);
        ctx->head->used = 0;
    }
}

/* The first offset at or after `used` whose address is a multiple of align. */
static size_t align_offset(const chunk *c, size_t used, size_t align)
{
    uintptr_t at = (uintptr_t)(c->data + used);
    return used + (size_t)(((at + align - 1) & ~(uintptr_t)(align - 1)) - at);
}

void *nb_ctx_alloc(nb_ctx *ctx, size_t nbytes, size_t align)
{
    if (!ctx) {
        nb__error("nb_ctx_alloc: context is NULL");
        return NULL;
    }
    if (align == 0 || (align & (align - 1)) || align > 4096) {
        nb__error("nb_ctx_alloc: alignment %zu is not a power of two up to 4096", align);
        return NULL;
    }
    if (nbytes > SIZE_MAX / 2) {
        nb__error("nb_ctx_alloc: %zu bytes is too large", nbytes);
        return NULL;
    }
    chunk *c = ctx->head;
    size_t start = c ? align_offset(c, c->used, align) : 0;
    if (!c || start + nbytes + REDZONE > c->size) {
        size_t want = nbytes + align + REDZONE;
        size_t size = c ? 2 * c->size : FIRST_CHUNK;
        chunk *fresh = chunk_new(size > want ? size : want);
        if (!fresh) {
            nb__error("nb_ctx_alloc: out of memory asking for %zu bytes", nbytes);
            return NULL;
        }
        fresh->next = c;
        ctx->head = c = fresh;
        ctx->reserved += fresh->size;
        start = align_offset(c, 0, align);
    }
    c->used = start + nbytes + REDZONE;
    ctx->used += nbytes;
    if (ctx->used > ctx->peak) ctx->peak = ctx->used;
    UNPOISON(c->data + start, nbytes);
    return c->data + start;
}

size_t nb_ctx_bytes_used(const nb_ctx *ctx) { return ctx ? ctx->used : 0; }
size_t nb_ctx_peak_bytes(const nb_ctx *ctx) { return ctx ? ctx->peak : 0; }
size_t nb_ctx_bytes_reserved(const nb_ctx *ctx) { return ctx ? ctx->reserved : 0; }
uint64_t nb_ctx_generation(const nb_ctx *ctx) { return ctx ? ctx->generation : 0; }
