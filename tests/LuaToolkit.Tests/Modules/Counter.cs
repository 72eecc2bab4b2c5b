using LuaToolkit;

namespace LuaToolkit.Tests.Modules;

/// <summary>An instance module: each host gets its own counter.</summary>
[LuaModule("counter")]
public sealed partial class Counter : IDisposable
{
    public long Value { get; private set; }

    public bool Disposed { get; private set; }

    [LuaFunction] public long Increment(long by = 1) => Value += by;

    public void Dispose() => Disposed = true;
}
