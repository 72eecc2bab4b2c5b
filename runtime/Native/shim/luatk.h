/*
 * What the shim's files share: the few Lua declarations they need (the library has no link-time
 * dependency on lua54; each file receives the Lua functions it calls as pointers at init) and EXPORT.
 */
#ifndef LUATK_H
#define LUATK_H

typedef struct lua_State lua_State;
typedef int (*lua_CFunction)(lua_State *L);

/* luatk_shim.c: n results of an entry point are on the stack; returns them, or raises or waits on its signal. */
int luatk_finish(lua_State *L, int n);

#define LUA_TSTRING 4

#if defined(_WIN32)
#define EXPORT __declspec(dllexport)
#else
#define EXPORT __attribute__((visibility("default")))
#endif

#endif
