using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

[assembly: DisableRuntimeMarshalling]
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("LuaToolkit.Tests")]

namespace LuaToolkit.Native;

/// <summary>
/// The one narrow native layer: every Lua C API call the toolkit makes, over the raw <c>lua_State*</c>.
/// <para>
/// Rules (see interop-rules.md): nothing here may <c>longjmp</c> over managed frames in normal use, so
/// there is no <c>lua_error</c>, <c>luaL_check*</c>, <c>lua_yield*</c> or <c>lua_call*</c>; table access is raw.
/// Calls marked <c>[SuppressGCTransition]</c> neither allocate, block nor call back; every call that may
/// allocate (and so may run a Lua GC step and a <c>__gc</c> metamethod) keeps the full transition.
/// An allocating call can still raise a Lua memory error at true out-of-memory; that is the one
/// documented exception.
/// </para>
/// </summary>
public static unsafe partial class LuaNative
{
    private const string Lib = "lua54";

    public const int LUA_OK = 0;
    public const int LUA_YIELD = 1;
    public const int LUA_MULTRET = -1;
    public const int LUA_REGISTRYINDEX = -1000000 - 1000;
    public const int LUA_RIDX_GLOBALS = 2;

    public const int LUA_TNONE = -1;
    public const int LUA_TNIL = 0;
    public const int LUA_TBOOLEAN = 1;
    public const int LUA_TLIGHTUSERDATA = 2;
    public const int LUA_TNUMBER = 3;
    public const int LUA_TSTRING = 4;
    public const int LUA_TTABLE = 5;
    public const int LUA_TFUNCTION = 6;
    public const int LUA_TUSERDATA = 7;
    public const int LUA_TTHREAD = 8;

    /// <summary><c>lua_upvalueindex(i)</c>.</summary>
    public static int UpvalueIndex(int i) => LUA_REGISTRYINDEX - i;

    /// <summary><c>lua_getextraspace(L)</c>: the pointer-sized block before every state, copied to new threads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint* ExtraSpace(nint L) => (nint*)(L - sizeof(nint));

    // ---- state lifetime (allocating; called by the host only) ----
    [LibraryImport(Lib)] public static partial nint luaL_newstate();
    [LibraryImport(Lib)] public static partial void lua_close(nint L);
    [LibraryImport(Lib)] public static partial void luaL_openlibs(nint L);
    [LibraryImport(Lib)] public static partial void lua_setwarnf(nint L, delegate* unmanaged[Cdecl]<nint, byte*, int, void> f, nint ud);

    // ---- stack reads that neither allocate nor call back ----
    [LibraryImport(Lib), SuppressGCTransition] public static partial int lua_gettop(nint L);
    [LibraryImport(Lib), SuppressGCTransition] public static partial int lua_type(nint L, int idx);
    [LibraryImport(Lib), SuppressGCTransition] public static partial int lua_toboolean(nint L, int idx);
    [LibraryImport(Lib), SuppressGCTransition] public static partial long lua_tointegerx(nint L, int idx, int* isnum);
    [LibraryImport(Lib), SuppressGCTransition] public static partial double lua_tonumberx(nint L, int idx, int* isnum);
    [LibraryImport(Lib), SuppressGCTransition] public static partial int lua_isinteger(nint L, int idx);
    [LibraryImport(Lib), SuppressGCTransition] public static partial ulong lua_rawlen(nint L, int idx);
    [LibraryImport(Lib), SuppressGCTransition] public static partial nint lua_touserdata(nint L, int idx);
    [LibraryImport(Lib), SuppressGCTransition] public static partial nint lua_tocfunction(nint L, int idx);
    [LibraryImport(Lib), SuppressGCTransition] public static partial int lua_isyieldable(nint L);

    // ---- stack reads that may allocate ----
    /// <summary>Converts a number in place to a string: never call on a key during <c>lua_next</c>.</summary>
    [LibraryImport(Lib)] public static partial byte* lua_tolstring(nint L, int idx, nuint* len);
    [LibraryImport(Lib)] public static partial int lua_isnumber(nint L, int idx);

    // ---- pushes that neither allocate nor call back ----
    [LibraryImport(Lib), SuppressGCTransition] public static partial void lua_pushnil(nint L);
    [LibraryImport(Lib), SuppressGCTransition] public static partial void lua_pushinteger(nint L, long n);
    [LibraryImport(Lib), SuppressGCTransition] public static partial void lua_pushnumber(nint L, double n);
    [LibraryImport(Lib), SuppressGCTransition] public static partial void lua_pushboolean(nint L, int b);
    [LibraryImport(Lib), SuppressGCTransition] public static partial void lua_pushlightuserdata(nint L, nint p);

    // ---- pushes and stack edits that may allocate or run metamethods ----
    [LibraryImport(Lib)] public static partial byte* lua_pushlstring(nint L, byte* s, nuint len);
    [LibraryImport(Lib)] public static partial void lua_pushcclosure(nint L, delegate* unmanaged[Cdecl]<nint, int> fn, int n);
    [LibraryImport(Lib)] public static partial void lua_pushvalue(nint L, int idx);
    [LibraryImport(Lib)] public static partial void lua_settop(nint L, int idx);
    [LibraryImport(Lib)] public static partial void lua_rotate(nint L, int idx, int n);
    [LibraryImport(Lib)] public static partial int lua_checkstack(nint L, int n);

    // ---- raw table access (no metamethods) ----
    [LibraryImport(Lib)] public static partial void lua_createtable(nint L, int narr, int nrec);
    [LibraryImport(Lib)] public static partial int lua_rawget(nint L, int idx);
    [LibraryImport(Lib)] public static partial int lua_rawgeti(nint L, int idx, long n);
    [LibraryImport(Lib)] public static partial void lua_rawset(nint L, int idx);
    [LibraryImport(Lib)] public static partial void lua_rawseti(nint L, int idx, long n);
    [LibraryImport(Lib)] public static partial int lua_next(nint L, int idx);
    [LibraryImport(Lib)] public static partial int lua_setmetatable(nint L, int idx);

    // ---- registry references (raw table access that may allocate) ----
    /// <summary>Pops the top value into the table at <paramref name="t"/> under a fresh integer key, which it returns.</summary>
    [LibraryImport(Lib)] public static partial int luaL_ref(nint L, int t);
    [LibraryImport(Lib)] public static partial void luaL_unref(nint L, int t, int reference);

    // ---- running Lua: protected only ----
    [LibraryImport(Lib)] public static partial int luaL_loadbufferx(nint L, byte* buff, nuint sz, byte* name, byte* mode);
    [LibraryImport(Lib)] public static partial int lua_pcallk(nint L, int nargs, int nresults, int msgh, nint ctx, nint k);

    /// <summary><c>lua_pop(L, n)</c>.</summary>
    public static void lua_pop(nint L, int n) => lua_settop(L, -n - 1);
}
