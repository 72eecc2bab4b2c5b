using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static LuaToolkit.Native.LuaNative;

namespace LuaToolkit;

/// <summary>
/// The managed half of the coroutine driver (driver.lua is the Lua half). Only driver.lua calls these,
/// with trusted arguments; like every entry point they catch everything and never raise.
/// </summary>
internal static unsafe class DriverEntryPoints
{
    private static long Handle(nint L, int idx)
    {
        int ok;
        return lua_tointegerx(L, idx, &ok);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static int Poll(nint L)
    {
        try
        {
            // poll(h [, pump]): with pump, the event loop's ready events are handled first.
            var pending = LuaHost.FromState(L).Pending;
            long handle = Handle(L, 1);
            bool done = lua_toboolean(L, 2) != 0 ? pending.IsDoneAfterPump(handle) : pending.IsDone(handle);
            lua_pushboolean(L, done ? 1 : 0);
            return 1;
        }
        catch (Exception ex) { return LuaSignal.Exception(L, ex); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static int Block(nint L)
    {
        try
        {
            LuaHost.FromState(L).Pending.Block(Handle(L, 1));
            return 0;
        }
        catch (Exception ex) { return LuaSignal.Exception(L, ex); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static int Collect(nint L)
    {
        try
        {
            long handle = Handle(L, 1);
            lua_settop(L, 0);
            LuaLeases.ReleaseDroppedOf(L); // the operation may have ended a lease
            return LuaHost.FromState(L).Pending.Collect(L, handle);
        }
        catch (Exception ex) { return LuaSignal.Exception(L, ex); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static int Forget(nint L)
    {
        try
        {
            LuaHost.FromState(L).Pending.Forget(Handle(L, 1));
            return 0;
        }
        catch (Exception ex) { return LuaSignal.Exception(L, ex); }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static int Epoch(nint L)
    {
        try
        {
            lua_pushinteger(L, LuaHost.FromState(L).Pending.Epoch);
            return 1;
        }
        catch (Exception ex) { return LuaSignal.Exception(L, ex); }
    }

    /// <summary><c>report(done)</c>: sets <c>done[h] = true</c> for each operation completed since the last report.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static int Report(nint L)
    {
        try
        {
            LuaHost.FromState(L).Pending.ReportCompleted(L, 1);
            return 0;
        }
        catch (Exception ex) { return LuaSignal.Exception(L, ex); }
    }

    /// <summary><c>sleep(seen_epoch, ms)</c>: true when something completed, false on timeout.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    public static int Sleep(nint L)
    {
        try
        {
            long seen = Handle(L, 1);
            int ms = lua_type(L, 2) == LUA_TNUMBER ? (int)Math.Clamp(Handle(L, 2), -1, int.MaxValue) : -1;
            var pending = LuaHost.FromState(L).Pending;
            bool woke = pending.Count == 0 && ms < 0 ? false : pending.WaitForCompletion(seen, ms);
            lua_pushboolean(L, woke ? 1 : 0);
            return 1;
        }
        catch (Exception ex) { return LuaSignal.Exception(L, ex); }
    }
}
