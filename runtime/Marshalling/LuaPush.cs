using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using static LuaToolkit.Native.LuaNative;

namespace LuaToolkit;

/// <summary>Pushes .NET values for generated code. Strings are pushed as UTF-8, byte strings byte for byte.</summary>
public static unsafe class LuaPush
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Nil(nint L) => lua_pushnil(L);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Int64(nint L, long value) => lua_pushinteger(L, value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Int32(nint L, int value) => lua_pushinteger(L, value);

    /// <summary>Values above <see cref="long.MaxValue"/> become floats, as Lua has no unsigned integers.</summary>
    public static void UInt64(nint L, ulong value)
    {
        if (value <= long.MaxValue) lua_pushinteger(L, (long)value);
        else lua_pushnumber(L, value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Double(nint L, double value) => lua_pushnumber(L, value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Boolean(nint L, bool value) => lua_pushboolean(L, value ? 1 : 0);

    /// <summary>Pushes a string as UTF-8; <c>null</c> becomes nil.</summary>
    public static void String(nint L, string? value)
    {
        if (value is null) { lua_pushnil(L); return; }
        int max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max <= 512)
        {
            byte* buffer = stackalloc byte[max];
            int n = Encoding.UTF8.GetBytes(value, new Span<byte>(buffer, max));
            lua_pushlstring(L, buffer, (nuint)n);
            return;
        }
        byte[] rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            int n = Encoding.UTF8.GetBytes(value, rented);
            fixed (byte* p = rented) lua_pushlstring(L, p, (nuint)n);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Pushes bytes as a Lua string, byte for byte.</summary>
    public static void Bytes(nint L, ReadOnlySpan<byte> value)
    {
        fixed (byte* p = value) lua_pushlstring(L, p, (nuint)value.Length);
    }

    /// <summary>Pushes a byte array as a Lua string; <c>null</c> becomes nil.</summary>
    public static void Bytes(nint L, byte[]? value)
    {
        if (value is null) lua_pushnil(L);
        else Bytes(L, value.AsSpan());
    }

    public static void Bytes(nint L, ReadOnlyMemory<byte> value) => Bytes(L, value.Span);

    /// <summary>The leased bytes, as a new Lua string; <c>null</c> becomes nil.</summary>
    public static void Bytes(nint L, LuaBytes? value)
    {
        if (value is null) lua_pushnil(L);
        else Bytes(L, value.ToArray());
    }

    /// <summary>The buffer's bytes, as a Lua string made of its own memory where it can be; <c>null</c> becomes nil.
    /// The buffer is finished after.</summary>
    public static void Bytes(nint L, LuaStringBuffer? value)
    {
        if (value is null) lua_pushnil(L);
        else value.Push(L);
    }

    /// <summary>
    /// Pushes a string-keyed map as a table. A <see cref="Dictionary{TKey,TValue}"/> whose comparer ignores
    /// case gets a metatable that answers lookups in any case (<c>h["content-type"]</c>).
    /// </summary>
    public static void Map<TValue>(nint L, IEnumerable<KeyValuePair<string, TValue>>? map, delegate*<nint, TValue, void> pushValue)
    {
        if (map is null) { lua_pushnil(L); return; }
        lua_createtable(L, 0, map is IReadOnlyCollection<KeyValuePair<string, TValue>> c ? c.Count : 0);
        foreach (var (key, value) in map)
        {
            String(L, key);
            pushValue(L, value);
            lua_rawset(L, -3);
        }
        if (map is Dictionary<string, TValue> d && d.Comparer.Equals("a", "A"))
            LuaHost.FromState(L).PushCaseInsensitiveMetatable(L);
    }

    /// <summary>Pushes a sequence as a table with keys 1..n.</summary>
    public static void List<T>(nint L, IEnumerable<T>? list, delegate*<nint, T, void> pushValue)
    {
        if (list is null) { lua_pushnil(L); return; }
        lua_createtable(L, list is IReadOnlyCollection<T> c ? c.Count : 0, 0);
        long i = 0;
        foreach (var item in list)
        {
            pushValue(L, item);
            lua_rawseti(L, -2, ++i);
        }
    }
}
