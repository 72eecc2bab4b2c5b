using static LuaToolkit.Native.LuaNative;

namespace LuaToolkit;

/// <summary>Type names exactly as lauxlib's <c>luaL_typeerror</c> prints them.</summary>
public static class LuaTypeNames
{
    public static string Of(nint L, int idx) => lua_type(L, idx) switch
    {
        LUA_TNONE => "no value",
        LUA_TNIL => "nil",
        LUA_TBOOLEAN => "boolean",
        LUA_TLIGHTUSERDATA => "light userdata",
        LUA_TNUMBER => "number",
        LUA_TSTRING => "string",
        LUA_TTABLE => "table",
        LUA_TFUNCTION => "function",
        LUA_TUSERDATA => "userdata",
        LUA_TTHREAD => "thread",
        _ => "?",
    };
}
