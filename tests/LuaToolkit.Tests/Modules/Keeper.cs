using LuaToolkit;

namespace LuaToolkit.Tests.Modules;

/// <summary>Keeps leased Lua strings beyond the call, as a module sending a body in the background would.</summary>
[LuaModule("keeper")]
public sealed partial class Keeper
{
    public List<LuaBytes> Kept { get; } = [];

    /// <summary>Keeps the string; returns its length.</summary>
    [LuaFunction] public int Keep(LuaBytes bytes)
    {
        Kept.Add(bytes);
        return bytes.Length;
    }

    /// <summary>Reads the lease's bytes back (a copy, as a new Lua string).</summary>
    [LuaFunction] public LuaBytes Echo(LuaBytes bytes) => bytes;

    /// <summary>Drops the lease without disposing it: its finalizer must release it.</summary>
    [LuaFunction] public void Forget(LuaBytes bytes) { }
}
