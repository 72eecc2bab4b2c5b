using LuaToolkit.Tests.Modules;

namespace LuaToolkit.Tests;

/// <summary>A host with the test modules registered and its warnings collected.</summary>
internal sealed class TestHost : IDisposable
{
    public TestHost(LuaCallPath path = LuaCallPath.NativeShim)
    {
        Lua = new LuaHost(path);
        Lua.Warning += Warnings.Add;
        Lua.AddModule(KitchenSink.LuaBinding);
        Lua.AddModule(Counter.LuaBinding);
        Lua.AddModule(AsyncModule.LuaBinding);
        Lua.AddScheduler();
        Lua.DoString("sink = require 'sink'; counter = require 'counter'; async = require 'async'");
    }

    public LuaHost Lua { get; }

    public List<string> Warnings { get; } = [];

    public object? Eval(string code) => Lua.DoString(code) is [var first, ..] ? first : null;

    public object?[] Run(string code) => Lua.DoString(code);

    /// <summary>The message of the Lua error the chunk raises.</summary>
    public string Error(string code) => Assert.Throws<LuaException>(() => Lua.DoString(code)).Message;

    public void Dispose() => Lua.Dispose();
}
