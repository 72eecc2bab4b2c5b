/*
 * luatk_shim: the native half of a generated Lua binding.
 *
 * Every module function is a C closure with three upvalues, of its own slot function (luatk_slots.c),
 * or of luatk_call once the slots are used up:
 *   1  the module instance's GCHandle (light userdata; NULL for static modules)
 *   2  the managed [UnmanagedCallersOnly] entry point (light userdata)
 *   3  the coroutine driver's `await` function
 *
 * The managed entry point never raises or yields. It returns a result count, or pushes the sentinel
 * followed by a message (raise it) or by a pending-operation handle (wait for it) and returns 2.
 * Only after the managed frame has returned does this C frame call lua_error, or call `await`
 * through lua_callk (which may yield with this function's continuation): no longjmp ever skips a
 * managed frame. The Lua API is reached through pointers handed over by luatk_init, so the library
 * needs no link-time dependency on lua54.
 */
#include <stdint.h>

#include "luatk.h"

typedef intptr_t lua_KContext;
typedef int (*lua_KFunction)(lua_State *L, int status, lua_KContext ctx);

#define LUA_REGISTRYINDEX (-1000000 - 1000)
#define UPVALUE(i) (LUA_REGISTRYINDEX - (i))
#define LUA_MULTRET (-1)

#define LUATK_SHIM_ABI 2   /* 2: the library also has luatk_slot_bind (luatk_slots.c) */

/* The Lua API this file uses, in the order luatk_init receives it. */
static struct {
    void *(*touserdata)(lua_State *, int);
    int (*gettop)(lua_State *);
    void (*settop)(lua_State *, int);
    int (*type)(lua_State *, int);
    void (*pushvalue)(lua_State *, int);
    void (*copy)(lua_State *, int, int);
    void (*rotate)(lua_State *, int, int);
    void (*concat)(lua_State *, int);
    void (*where)(lua_State *, int);
    int (*error)(lua_State *);
    void (*callk)(lua_State *, int, int, lua_KContext, lua_KFunction);
    void *sentinel;
} api;

/* Runs when `await` returns, directly or after the coroutine was resumed. */
static int after_await(lua_State *L, int status, lua_KContext base) {
    (void)status;
    return luatk_finish(L, api.gettop(L) - (int)base);
}

/* n results are on top of the stack: return them, or act on a signal. */
int luatk_finish(lua_State *L, int n) {
    if (n != 2 || api.touserdata(L, -2) != api.sentinel) return n;
    if (api.type(L, -1) == LUA_TSTRING) {
        /* SIGNAL, message: raise it with the caller's position, as luaL_error does. */
        api.where(L, 1);
        api.rotate(L, -2, 1);
        api.concat(L, 2);
        return api.error(L);
    }
    /* SIGNAL, handle: replace them with await, handle and call it. */
    api.pushvalue(L, UPVALUE(3));
    api.copy(L, -1, -3);
    api.settop(L, -2);
    int base = api.gettop(L) - 2;
    api.callk(L, 1, LUA_MULTRET, base, after_await);
    return luatk_finish(L, api.gettop(L) - base);
}

EXPORT int luatk_call(lua_State *L) {
    lua_CFunction entry = (lua_CFunction)api.touserdata(L, UPVALUE(2));
    return luatk_finish(L, entry(L));
}

/* Receives the Lua API (count pointers, in the order of `api`); returns the ABI version. */
EXPORT int luatk_init(void *const *functions, int count) {
    if (count != (int)(sizeof(api) / sizeof(void *))) return -1;
    void **slots = (void **)&api;
    for (int i = 0; i < count; i++) slots[i] = functions[i];
    return LUATK_SHIM_ABI;
}
