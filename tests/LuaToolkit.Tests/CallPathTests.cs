namespace LuaToolkit.Tests;

/// <summary>Which call path a host uses, and that the fast one is really there.</summary>
public sealed class CallPathTests
{
    [Fact]
    public void TheNativeShimIsBuiltAndUsedByDefault()
    {
        // The build compiles runtime/Native/shim/luatk_shim.c; CI installs a C compiler, so a missing shim is
        // a broken build here, not a silent fallback.
        Assert.True(Native.LuaShim.IsAvailable, Native.LuaShim.LoadError);
        using var host = new LuaHost();
        var expected = Environment.GetEnvironmentVariable("LUATOOLKIT_CALL_PATH") is "lua" ? LuaCallPath.LuaTrampoline : LuaCallPath.NativeShim;
        Assert.Equal(expected, host.CallPath);
    }

    [Theory]
    [InlineData(LuaCallPath.NativeShim, "C")]
    [InlineData(LuaCallPath.LuaTrampoline, "Lua")]
    public void ModuleFunctionsAreShimClosuresOrLuaTrampolines(LuaCallPath path, string expected)
    {
        using var t = new TestHost(path);
        Assert.Equal(path, t.Lua.CallPath);
        Assert.Equal(expected, t.Eval("return debug.getinfo(sink.add, 'S').what"));
    }

    [Theory]
    [InlineData(LuaCallPath.NativeShim)]
    [InlineData(LuaCallPath.LuaTrampoline)]
    public void BothPathsGiveTheSameResultsAndFailures(LuaCallPath path)
    {
        using var t = new TestHost(path);
        Assert.Equal(new object?[] { 5L, "found", null, "Not Found", "no key 'x'" }, t.Run("local r = sink.add(2, 3) return r, sink.lookup('ok'), sink.lookup('x')"));
    }
}
