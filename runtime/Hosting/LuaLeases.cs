using System.Collections.Concurrent;
using static LuaToolkit.Native.LuaNative;

namespace LuaToolkit;

/// <summary>
/// A host's <see cref="LuaBytes"/> leases. Each lease is a registry reference to its string. A lease may be
/// disposed on any thread, but the registry may only be edited on the Lua thread, so disposed leases
/// wait in a queue for <see cref="ReleaseDropped"/>, which entry points call. Before the host frees the
/// state, <see cref="CloseAll"/> ends every lease's reads. Live leases are held weakly, so one a module
/// forgot to dispose can still be finalized (and released).
/// </summary>
internal sealed unsafe class LuaLeases
{
    private readonly Dictionary<int, WeakReference<LuaBytes>> _live = [];
    private readonly ConcurrentQueue<int> _dropped = new();
    private bool _closed;

    // Dropped references waiting in any host: lets the entry points' check cost one read when there are none.
    private static int s_waiting;

    /// <summary>Leases the string (or number, converted) at <paramref name="idx"/>; false for any other value.</summary>
    public bool TryLease(nint L, int idx, out LuaBytes? lease)
    {
        lease = null;
        int t = lua_type(L, idx);
        if (t != LUA_TSTRING && t != LUA_TNUMBER) return false;
        ReleaseDropped(L);
        nuint length;
        byte* bytes = lua_tolstring(L, idx, &length); // converts a number in place, so the reference below holds this string
        lua_pushvalue(L, idx);
        int reference = luaL_ref(L, LUA_REGISTRYINDEX);
        lease = new LuaBytes(this, reference, bytes, checked((int)length));
        lock (_live) _live.Add(reference, new WeakReference<LuaBytes>(lease));
        return true;
    }

    /// <summary>A lease was disposed (any thread): its reference goes at the next <see cref="ReleaseDropped"/>.</summary>
    public void Dropped(int reference)
    {
        lock (_live)
        {
            _live.Remove(reference);
            if (_closed) return; // the state is gone, and its registry with it
            _dropped.Enqueue(reference);
            Interlocked.Increment(ref s_waiting);
        }
    }

    /// <summary>
    /// For entry points, on the Lua thread: drops the references of the state's disposed leases. One read of
    /// a static counter when no host has any.
    /// </summary>
    public static void ReleaseDroppedOf(nint L)
    {
        if (Volatile.Read(ref s_waiting) != 0) LuaHost.FromState(L).Leases.ReleaseDropped(L);
    }

    /// <summary>Drops the references of disposed leases. Lua thread only; cheap when there are none.</summary>
    public void ReleaseDropped(nint L)
    {
        while (_dropped.TryDequeue(out int reference))
        {
            Interlocked.Decrement(ref s_waiting);
            luaL_unref(L, LUA_REGISTRYINDEX, reference);
        }
    }

    /// <summary>Ends every lease's reads; after this returns, nothing reads a string of this state.</summary>
    public void CloseAll()
    {
        WeakReference<LuaBytes>[] live;
        lock (_live)
        {
            _closed = true;
            live = [.. _live.Values];
            _live.Clear();
            while (_dropped.TryDequeue(out _)) Interlocked.Decrement(ref s_waiting); // freed with the state
        }
        // Waits for a read in progress. A lease already collected cannot be read any more.
        foreach (var weak in live)
            if (weak.TryGetTarget(out var lease)) lease.Invalidate();
    }
}
