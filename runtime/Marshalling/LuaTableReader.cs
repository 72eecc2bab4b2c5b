using static LuaToolkit.Native.LuaNative;

namespace LuaToolkit;

/// <summary>
/// Reads tables raw (<c>lua_next</c>, <c>lua_rawgeti</c>), so no metamethod can raise while managed code
/// runs. Each reader returns <c>null</c> on success or the reason to put in an argument error.
/// </summary>
public static unsafe class LuaTableReader
{

    /// <summary>A table of string keys and string (or number) values.</summary>
    public static string? StringMap(nint L, int idx, out Dictionary<string, string> map)
    {
        map = new Dictionary<string, string>();
        if (lua_type(L, idx) != LUA_TTABLE) return LuaArgError.TypeReason(L, idx, "table");
        idx = LuaArg.Absolute(L, idx);
        lua_pushnil(L);
        while (lua_next(L, idx) != 0)
        {
            // Check the key's type before any conversion: lua_tolstring on a number key breaks lua_next.
            if (lua_type(L, -2) != LUA_TSTRING)
            {
                string reason = $"string keys expected, got {LuaTypeNames.Of(L, -2)} key";
                lua_pop(L, 2);
                return reason;
            }
            LuaArg.String(L, -2, out string key);
            if (!LuaArg.String(L, -1, out string value))
            {
                string reason = $"field '{key}': {LuaArgError.TypeReason(L, -1, "string")}";
                lua_pop(L, 2);
                return reason;
            }
            map[key] = value;
            lua_pop(L, 1);
        }
        return null;
    }

    /// <summary>A sequence 1..#t (raw length) of elements read by <paramref name="read"/>.</summary>
    public static string? List<T>(nint L, int idx, delegate*<nint, int, out T, string?> read, out T[] list)
    {
        list = [];
        if (lua_type(L, idx) != LUA_TTABLE) return LuaArgError.TypeReason(L, idx, "table");
        idx = LuaArg.Absolute(L, idx);
        int n = checked((int)lua_rawlen(L, idx));
        var items = n == 0 ? [] : new T[n];
        for (int i = 0; i < n; i++)
        {
            lua_rawgeti(L, idx, i + 1);
            string? reason = read(L, -1, out items[i]);
            if (reason is not null)
            {
                reason = $"element {i + 1}: {reason}";
                lua_pop(L, 1);
                return reason;
            }
            lua_pop(L, 1);
        }
        list = items;
        return null;
    }

    // Element readers for lists and option fields: null on success, else the reason.
    public static string? String(nint L, int idx, out string value) =>
        LuaArg.String(L, idx, out value) ? null : LuaArgError.TypeReason(L, idx, "string");

    public static string? Bytes(nint L, int idx, out byte[] value) =>
        LuaArg.Bytes(L, idx, out value) ? null : LuaArgError.TypeReason(L, idx, "string");

    public static string? Integer<T>(nint L, int idx, out T value) where T : struct, System.Numerics.IBinaryInteger<T> =>
        LuaArg.Integer(L, idx, out value) ? null : LuaArgError.IntegerReason(L, idx);

    public static string? Int64(nint L, int idx, out long value) =>
        LuaArg.Int64(L, idx, out value) ? null : LuaArgError.IntegerReason(L, idx);

    public static string? Double(nint L, int idx, out double value) =>
        LuaArg.Double(L, idx, out value) ? null : LuaArgError.TypeReason(L, idx, "number");

    public static string? Boolean(nint L, int idx, out bool value) =>
        LuaArg.Boolean(L, idx, out value) ? null : LuaArgError.TypeReason(L, idx, "boolean");

    public static string? UInt64(nint L, int idx, out ulong value) =>
        LuaArg.UInt64(L, idx, out value) ? null : LuaArgError.IntegerReason(L, idx);

    public static string? Single(nint L, int idx, out float value) =>
        LuaArg.Single(L, idx, out value) ? null : LuaArgError.TypeReason(L, idx, "number");

    public static string? Lease(nint L, int idx, out LuaBytes value) =>
        LuaArg.Lease(L, idx, out value) ? null : LuaArgError.TypeReason(L, idx, "string");

    public static string? Memory(nint L, int idx, out ReadOnlyMemory<byte> value) =>
        LuaArg.Memory(L, idx, out value) ? null : LuaArgError.TypeReason(L, idx, "string");
}
