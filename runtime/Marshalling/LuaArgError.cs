using System.Runtime.CompilerServices;
using static LuaToolkit.Native.LuaNative;

namespace LuaToolkit;

/// <summary>
/// Every argument error in lauxlib's one voice: <c>bad argument #n to 'f' (reason)</c>. Each method pushes
/// <c>SIGNAL, message</c> and returns 2, so generated code writes <c>return LuaArgError.X(...)</c>.
/// The checks run only after a fast read failed, so they may take their time. None is inlined: a Lua
/// API call with a GC transition inlined into an entry point would cost its frame set-up on every call.
/// </summary>
public static class LuaArgError
{
    /// <summary><c>bad argument #arg to 'function' (reason)</c>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Raise(nint L, int arg, string function, string reason) =>
        LuaSignal.Error(L, Format(arg, function, reason));

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static string Format(int arg, string function, string reason) =>
        $"bad argument #{arg} to '{function}' ({reason})";

    /// <summary>A type error for argument <paramref name="arg"/>, as <c>luaL_typeerror</c> raises it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Type(nint L, int arg, string function, string expected) =>
        Raise(L, arg, function, TypeReason(L, arg, expected));

    /// <summary><c>X expected, got Y</c>: the one wording of every type error, for arguments, table
    /// elements and option fields alike.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static string TypeReason(nint L, int idx, string expected) =>
        $"{expected} expected, got {LuaTypeNames.Of(L, idx)}";

    /// <summary>The value at <paramref name="arg"/> failed an integer read: say why, as <c>luaL_checkinteger</c> would.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Integer(nint L, int arg, string function) =>
        Raise(L, arg, function, IntegerReason(L, arg));

    /// <summary>Why the value at <paramref name="idx"/> is not a usable integer of the requested range.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static unsafe string IntegerReason(nint L, int idx)
    {
        int isInt;
        lua_tointegerx(L, idx, &isInt);
        if (isInt != 0) return "value out of range";
        if (lua_isnumber(L, idx) != 0) return "number has no integer representation";
        return TypeReason(L, idx, "number");
    }
}
