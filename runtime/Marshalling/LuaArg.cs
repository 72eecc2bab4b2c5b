using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;
using static LuaToolkit.Native.LuaNative;

namespace LuaToolkit;

/// <summary>
/// Reads arguments from the Lua stack for generated entry points. Readers of primitives return
/// <c>false</c> on a wrong value and leave the message to <see cref="LuaArgError"/>; they never allocate.
/// Conversions follow lauxlib: integers accept floats with an exact integer value and numeric strings,
/// numbers accept numeric strings, strings accept numbers.
/// </summary>
public static unsafe class LuaArg
{
    /// <summary>Nil or no value: an optional argument that was left out.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsAbsent(nint L, int idx) => lua_type(L, idx) <= LUA_TNIL;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Int64(nint L, int idx, out long value)
    {
        int ok;
        value = lua_tointegerx(L, idx, &ok);
        return ok != 0;
    }

    /// <summary>
    /// An integer of a narrower type (int, short, byte, …): fails when the value is not an integer or does
    /// not fit. The JIT specialises this per type, so it costs what a hand-written reader would.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Integer<T>(nint L, int idx, out T value) where T : struct, IBinaryInteger<T>
    {
        int ok;
        long v = lua_tointegerx(L, idx, &ok);
        value = T.CreateTruncating(v);
        return ok != 0 && long.CreateTruncating(value) == v;
    }

    /// <summary>Non-negative Lua integers only: Lua has no unsigned 64-bit type.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool UInt64(nint L, int idx, out ulong value)
    {
        int ok;
        long v = lua_tointegerx(L, idx, &ok);
        value = (ulong)v;
        return ok != 0 && v >= 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Double(nint L, int idx, out double value)
    {
        int ok;
        value = lua_tonumberx(L, idx, &ok);
        return ok != 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Single(nint L, int idx, out float value)
    {
        int ok;
        value = (float)lua_tonumberx(L, idx, &ok);
        return ok != 0;
    }

    /// <summary>Booleans are strict: <c>true</c> or <c>false</c>, nothing else.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Boolean(nint L, int idx, out bool value)
    {
        value = lua_toboolean(L, idx) != 0;
        return lua_type(L, idx) == LUA_TBOOLEAN;
    }

    /// <summary>A string (or number, as <c>luaL_checklstring</c> accepts) as raw bytes on the Lua stack.</summary>
    public static bool Span(nint L, int idx, out ReadOnlySpan<byte> value)
    {
        int t = lua_type(L, idx);
        if (t != LUA_TSTRING && t != LUA_TNUMBER) { value = default; return false; }
        nuint len;
        byte* p = lua_tolstring(L, idx, &len);
        value = new ReadOnlySpan<byte>(p, checked((int)len));
        return true;
    }

    /// <summary>A string decoded from UTF-8 (invalid sequences become U+FFFD).</summary>
    public static bool String(nint L, int idx, out string value)
    {
        if (!Span(L, idx, out var bytes)) { value = ""; return false; }
        value = Encoding.UTF8.GetString(bytes);
        return true;
    }

    /// <summary>A byte-exact copy of a Lua string.</summary>
    public static bool Bytes(nint L, int idx, out byte[] value)
    {
        if (!Span(L, idx, out var bytes)) { value = []; return false; }
        // Every byte is overwritten: skip zeroing (it matters for bodies of many megabytes).
        value = GC.AllocateUninitializedArray<byte>(bytes.Length);
        bytes.CopyTo(value);
        return true;
    }

    /// <summary>A byte-exact copy of a Lua string as memory.</summary>
    public static bool Memory(nint L, int idx, out ReadOnlyMemory<byte> value)
    {
        bool ok = Bytes(L, idx, out var array);
        value = array;
        return ok;
    }

    /// <summary>
    /// A string (or number, as <c>luaL_checklstring</c> accepts) held without a copy until the lease is
    /// disposed (see <see cref="LuaBytes"/>).
    /// </summary>
    public static bool Lease(nint L, int idx, out LuaBytes value)
    {
        bool ok = LuaHost.FromState(L).Leases.TryLease(L, idx, out var lease);
        value = lease!;
        return ok;
    }

    /// <summary>A table, read raw; the reader sees it at an absolute index.</summary>
    public static bool IsTable(nint L, int idx) => lua_type(L, idx) == LUA_TTABLE;

    /// <summary>Turns a relative stack index into an absolute one (pseudo-indices are left alone).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Absolute(nint L, int idx) =>
        idx < 0 && idx > LUA_REGISTRYINDEX ? lua_gettop(L) + idx + 1 : idx;
}
