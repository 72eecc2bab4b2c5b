/*
 * luatk_slots: a fixed set of C functions, one per bound entry point. A slot calls its entry point
 * from a static table and then does what luatk_call does (luatk_finish), so it needs no upvalue read
 * to find the entry point: one load instead of a lua_touserdata call, on every call from Lua.
 * The host binds each distinct entry point to a slot once per process (entries never change after);
 * when all slots are taken, functions are pushed as luatk_call closures as before.
 */
#include "luatk.h"

#define LUATK_SLOTS 512   /* 8 * 8 * 8: the macros below make one function per index */

static lua_CFunction entries[LUATK_SLOTS];

#define SLOT(a, b, c) \
    static int slot_##a##b##c(lua_State *L) { return luatk_finish(L, entries[(a) * 64 + (b) * 8 + (c)](L)); }
#define SLOTS8(a, b) SLOT(a, b, 0) SLOT(a, b, 1) SLOT(a, b, 2) SLOT(a, b, 3) SLOT(a, b, 4) SLOT(a, b, 5) SLOT(a, b, 6) SLOT(a, b, 7)
#define SLOTS64(a) SLOTS8(a, 0) SLOTS8(a, 1) SLOTS8(a, 2) SLOTS8(a, 3) SLOTS8(a, 4) SLOTS8(a, 5) SLOTS8(a, 6) SLOTS8(a, 7)
SLOTS64(0) SLOTS64(1) SLOTS64(2) SLOTS64(3) SLOTS64(4) SLOTS64(5) SLOTS64(6) SLOTS64(7)

#define NAME(a, b, c) slot_##a##b##c,
#define NAMES8(a, b) NAME(a, b, 0) NAME(a, b, 1) NAME(a, b, 2) NAME(a, b, 3) NAME(a, b, 4) NAME(a, b, 5) NAME(a, b, 6) NAME(a, b, 7)
#define NAMES64(a) NAMES8(a, 0) NAMES8(a, 1) NAMES8(a, 2) NAMES8(a, 3) NAMES8(a, 4) NAMES8(a, 5) NAMES8(a, 6) NAMES8(a, 7)
static const lua_CFunction slots[LUATK_SLOTS] = { NAMES64(0) NAMES64(1) NAMES64(2) NAMES64(3) NAMES64(4) NAMES64(5) NAMES64(6) NAMES64(7) };

/* Binds slot i to an entry point; returns the slot's function, or NULL when there is no slot i (all are taken). */
EXPORT lua_CFunction luatk_slot_bind(int i, lua_CFunction entry) {
    if (i < 0 || i >= LUATK_SLOTS) return 0;
    entries[i] = entry;
    return slots[i];
}
