using System.Text;
using static LuaToolkit.Native.LuaNative;

namespace LuaToolkit;

/// <summary>Helpers for generated options readers, which walk a table with <c>lua_next</c>.</summary>
public static unsafe class LuaOptionKeys
{
    /// <summary>The key at -2 as bytes, or empty when it is not a string (never converted in place).</summary>
    public static ReadOnlySpan<byte> Current(nint L)
    {
        if (lua_type(L, -2) != LUA_TSTRING) return default;
        nuint len;
        byte* p = lua_tolstring(L, -2, &len);
        return new ReadOnlySpan<byte>(p, checked((int)len));
    }

    /// <summary>Warns <c>unrecognized &lt;label&gt; option: &lt;key&gt;</c> for the key at -2.</summary>
    public static void WarnUnknown(nint L, string label)
    {
        string key = lua_type(L, -2) switch
        {
            LUA_TSTRING => Encoding.UTF8.GetString(Current(L)),
            LUA_TNUMBER => NumberKey(L),
            _ => LuaTypeNames.Of(L, -2),
        };
        LuaHost.FromState(L).Warn($"unrecognized {label} option: {key}");
    }

    private static string NumberKey(nint L)
    {
        int ok;
        if (lua_isinteger(L, -2) != 0) return lua_tointegerx(L, -2, &ok).ToString();
        return lua_tonumberx(L, -2, &ok).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
