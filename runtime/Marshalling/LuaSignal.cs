using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static LuaToolkit.Native.LuaNative;

namespace LuaToolkit;

/// <summary>
/// How a managed entry point tells its Lua trampoline "raise this" or "wait for this" without ever
/// raising or yielding itself: it returns the sentinel light userdata followed by an error message
/// (a string) or a pending-operation handle (an integer). The trampoline compares its first result with
/// the sentinel, so the success path costs one comparison.
/// </summary>
public static unsafe class LuaSignal
{
    /// <summary>A unique address no Lua value can forge from a script.</summary>
    public static readonly nint Sentinel = (nint)NativeMemory.Alloc(1);

    /// <summary>Pushes <c>SIGNAL, message</c>; the trampoline raises <paramref name="message"/> at the caller's level.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // an error path: keep its transitions out of the callers
    public static int Error(nint L, string message)
    {
        lua_pushlightuserdata(L, Sentinel);
        LuaPush.String(L, message);
        return 2;
    }

    /// <summary>Pushes <c>SIGNAL, handle</c>; the trampoline waits for the pending operation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Pending(nint L, long handle)
    {
        lua_pushlightuserdata(L, Sentinel);
        lua_pushinteger(L, handle);
        return 2;
    }

    /// <summary>Turns any exception that reached an entry point into a Lua error carrying its message.</summary>
    public static int Exception(nint L, Exception ex)
    {
        try
        {
            if (ex is AggregateException { InnerExceptions.Count: 1 } agg) ex = agg.InnerException!;
            return Error(L, ex.Message);
        }
        catch
        {
            // Never let anything escape into native code.
            return 0;
        }
    }
}
