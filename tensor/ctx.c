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
#include <pthread.h>
#include <stdatomic.h>
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
    _Atomic size_t used; /* atomic: nb__ctx_of may read it from another thread */
    char *data;
} chunk;

struct nb_ctx {
    chunk *head; /* the chunk being filled; older ones follow */
    size_t used, peak, reserved;
    uint64_t generation;
    uint64_t stamp; /* unique over the process: new at creation and at each reset */
    nb_ctx *prev, *next; /* every live context, for nb__ctx_of */
};

/* All live contexts, so that a pointer can be checked for liveness without
 * reading what it points to. Recursive: a check may run while the same
 * thread makes a scratch context. */
static pthread_mutex_t registry_lock;
static pthread_once_t registry_once = PTHREAD_ONCE_INIT;
static nb_ctx *registry;
static _Atomic uint64_t last_stamp;

static uint64_t new_stamp(void) { return atomic_fetch_add(&last_stamp, 1) + 1; }

static void registry_init(void)
{
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&registry_lock, &attr);
    pthread_mutexattr_destroy(&attr);
}

void nb__ctx_registry_lock(void)
{
    pthread_once(&registry_once, registry_init);
    pthread_mutex_lock(&registry_lock);
}

void nb__ctx_registry_unlock(void) { pthread_mutex_unlock(&registry_lock); }

static size_t used_of(const chunk *c) { return atomic_load_explicit(&c->used, memory_order_relaxed); }

static void set_used(chunk *c, size_t used) { atomic_store_explicit(&c->used, used, memory_order_relaxed); }

nb_ctx *nb__ctx_of_locked(const void *p)
{
    for (nb_ctx *ctx = registry; ctx; ctx = ctx->next)
        for (chunk *c = ctx->head; c; c = c->next)
            if ((const char *)p >= c->data && (const char *)p < c->data + used_of(c)) return ctx;
    return NULL;
}

bool nb__ctx_holds(const nb_ctx *ctx, uint64_t stamp, const void *p)
{
    nb__ctx_registry_lock();
    nb_ctx *owner = nb__ctx_of_locked(p);
    bool held = owner && owner == ctx && owner->stamp == stamp;
    nb__ctx_registry_unlock();
    return held;
}

uint64_t nb__ctx_stamp(const nb_ctx *ctx) { return ctx ? ctx->stamp : 0; }

nb_ctx *nb__ctx_of(const void *p)
{
    nb__ctx_registry_lock();
    nb_ctx *found = nb__ctx_of_locked(p);
    nb__ctx_registry_unlock();
    return found;
}

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
    c->next = NULL;
    c->size = size;
    c->data = data;
    set_used(c, 0);
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
    if (!ctx) {
        nb__error("nb_ctx_new: out of memory");
        return NULL;
    }
    ctx->stamp = new_stamp();
    nb__ctx_registry_lock();
    ctx->next = registry;
    if (registry) registry->prev = ctx;
    registry = ctx;
    nb__ctx_registry_unlock();
    return ctx;
}

void nb_ctx_free(nb_ctx *ctx)
{
    if (!ctx) return;
    nb__ctx_registry_lock();
    if (ctx->prev) ctx->prev->next = ctx->next;
    else registry = ctx->next;
    if (ctx->next) ctx->next->prev = ctx->prev;
    for (chunk *c = ctx->head, *next; c; c = next) {
        next = c->next;
        chunk_free(c);
    }
    nb__ctx_registry_unlock();
    free(ctx);
}

void nb_ctx_reset(nb_ctx *ctx)
{
    if (!ctx) return;
    nb__ctx_registry_lock();
    ctx->generation++;
    ctx->stamp = new_stamp();
    ctx->used = 0;
    if (ctx->head && ctx->head->next) { /* coalesce into one chunk */
        size_t total = ctx->reserved;
        for (chunk *c = ctx->head, *next; c; c = next) {
            next = c->next;
            chunk_free(c);
        }
        ctx->head = chunk_new(total);
        ctx->reserved = ctx->head ? ctx->head->size : 0;
    } else if (ctx->head) {
        POISON(ctx->head->data, ctx->head->size);
        set_used(ctx->head, 0);
    }
    nb__ctx_registry_unlock();
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
    size_t start = c ? align_offset(c, used_of(c), align) : 0;
    if (!c || start + nbytes + REDZONE > c->size) {
        size_t want = nbytes + align + REDZONE;
        size_t size = c ? 2 * c->size : FIRST_CHUNK;
        chunk *fresh = chunk_new(size > want ? size : want);
        if (!fresh) {
            nb__error("nb_ctx_alloc: out of memory asking for %zu bytes", nbytes);
            return NULL;
        }
        nb__ctx_registry_lock(); /* the chunk list changes under readers' feet */
        fresh->next = c;
        ctx->head = c = fresh;
        nb__ctx_registry_unlock();
        ctx->reserved += fresh->size;
        start = align_offset(c, 0, align);
    }
    set_used(c, start + nbytes + REDZONE);
    ctx->used += nbytes;
    if (ctx->used > ctx->peak) ctx->peak = ctx->used;
    UNPOISON(c->data + start, nbytes);
    return c->data + start;
}

size_t nb_ctx_bytes_used(const nb_ctx *ctx) { return ctx ? ctx->used : 0; }
size_t nb_ctx_peak_bytes(const nb_ctx *ctx) { return ctx ? ctx->peak : 0; }
size_t nb_ctx_bytes_reserved(const nb_ctx *ctx) { return ctx ? ctx->reserved : 0; }
uint64_t nb_ctx_generation(const nb_ctx *ctx) { return ctx ? ctx->generation : 0; }
