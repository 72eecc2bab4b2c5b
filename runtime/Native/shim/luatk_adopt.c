/*
 * luatk_adopt: hands a block of memory to Lua as a long string's own storage, so that a large result (an
 * http body) becomes a Lua string without being copied.
 *
 * Lua 5.4 makes a string only by copying bytes into a block it allocates (lua_pushlstring); a long string's
 * block is a header followed by the bytes and a '\0'. The managed side writes the bytes into a block of
 * that shape, at the header's end. A state whose allocator is adopting_alloc is then told "the next string
 * block of this size is this one": lua_pushlstring's allocation returns the block, and its copy goes from
 * the bytes onto themselves (glibc's memcpy returns at once when source and destination are the same; any
 * memcpy leaves the bytes as they are).
 *
 * Nothing about Lua's layout is assumed: at load, a probe state records the block of a long string and
 * where its bytes start. If they do not fit this scheme (another Lua version), adoption is off and the
 * managed side copies instead. Every block comes from the allocator of states made by luaL_newstate, which
 * is what Lua frees an adopted string's block with; adopting_alloc hands every other call on to it.
 *
 * Nothing here raises a Lua error except lua_pushlstring at true out-of-memory, as anywhere in the toolkit;
 * no block is ever adopted by any allocation but the string's own, which comes before any GC step.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "luatk.h"

typedef void *(*lua_Alloc)(void *ud, void *ptr, size_t osize, size_t nsize);

#define PROBE_LENGTH 200 /* a long string: over LUAI_MAXSHORTLEN (40) */

/* The Lua API this file uses, in the order luatk_adopt_init receives it. */
static struct {
    lua_State *(*newstate)(void);
    void (*close)(lua_State *);
    lua_Alloc (*getallocf)(lua_State *, void **);
    void (*setallocf)(lua_State *, lua_Alloc, void *);
    const char *(*pushlstring)(lua_State *, const char *, size_t);
} api;

/* The allocator of states made by luaL_newstate, and a long string's header size (0: adoption is off). */
static lua_Alloc base_alloc;
static void *base_ud;
static size_t header;

/* A block and its size: per state, the block the next string of that size takes; in the probe, the one seen. */
typedef struct {
    void *block;
    size_t size;
} sized_block;

static void *adopting_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    sized_block *next = ud;
    /* A new object's osize is its type tag. */
    if (ptr == NULL && osize == LUA_TSTRING && nsize == next->size && next->block != NULL) {
        void *block = next->block;
        next->block = NULL;
        return block;
    }
    return base_alloc(base_ud, ptr, osize, nsize);
}

static void *probing_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    void *p = base_alloc(base_ud, ptr, osize, nsize);
    sized_block *seen = ud;
    if (ptr == NULL && osize == LUA_TSTRING && nsize > PROBE_LENGTH && nsize <= PROBE_LENGTH + 256) {
        seen->block = p;
        seen->size = nsize;
    }
    return p;
}

/* Measures the header: where the bytes of a new long string start in its block, if the block is exactly
   header + length + 1 bytes. */
static void measure(void) {
    lua_State *L = api.newstate();
    if (L == NULL) return;
    base_alloc = api.getallocf(L, &base_ud);
    sized_block seen = {NULL, 0};
    char bytes[PROBE_LENGTH];
    memset(bytes, 'x', sizeof bytes);
    api.setallocf(L, probing_alloc, &seen);
    const char *s = api.pushlstring(L, bytes, sizeof bytes);
    api.setallocf(L, base_alloc, base_ud);
    if (seen.block != NULL) {
        size_t h = seen.size - PROBE_LENGTH - 1;
        if (s == (const char *)seen.block + h && memcmp(s, bytes, sizeof bytes) == 0 && s[PROBE_LENGTH] == '\0')
            header = h;
    }
    api.close(L);
}

/* Receives the Lua API (count pointers, in the order of `api`) and measures; returns the header size, 0
   when adoption is off, -1 on a wrong count. */
EXPORT intptr_t luatk_adopt_init(void *const *functions, int count) {
    if (count != (int)(sizeof(api) / sizeof(void *))) return -1;
    void **slots = (void **)&api;
    for (int i = 0; i < count; i++) slots[i] = functions[i];
    measure();
    return (intptr_t)header;
}

/* Allocates (block NULL), resizes or frees (nsize 0) a block with the allocator Lua frees strings with. */
EXPORT void *luatk_block_resize(void *block, size_t osize, size_t nsize) {
    return base_alloc(base_ud, block, osize, nsize);
}

/* Lets the state adopt blocks; returns what luatk_adopt_release frees after lua_close, or NULL when the
   state's allocator is not the one blocks come from (nothing is changed then). */
EXPORT void *luatk_adopt_install(lua_State *L) {
    void *ud;
    if (header == 0 || api.getallocf(L, &ud) != base_alloc || ud != base_ud) return NULL;
    sized_block *next = base_alloc(base_ud, NULL, 0, sizeof *next);
    if (next == NULL) return NULL;
    next->block = NULL;
    next->size = 0;
    api.setallocf(L, adopting_alloc, next);
    return next;
}

EXPORT void luatk_adopt_release(void *installed) {
    if (installed != NULL) base_alloc(base_ud, installed, sizeof(sized_block), 0);
}

/* Pushes the len bytes at block + header as a string. Returns 1 when the string is the block itself (Lua
   owns it now), 0 when Lua copied the bytes into a block of its own (the caller still owns this one). */
EXPORT int luatk_push_block(lua_State *L, void *block, size_t len) {
    void *ud;
    sized_block *next = api.getallocf(L, &ud) == adopting_alloc ? ud : NULL;
    if (next != NULL) {
        next->block = block;
        next->size = header + len + 1;
    }
    api.pushlstring(L, (const char *)block + header, len);
    if (next == NULL) return 0;
    int adopted = next->block == NULL;
    next->block = NULL;
    return adopted;
}
