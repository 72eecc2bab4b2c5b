using LuaToolkit.Tests.Modules;
using Xunit;

namespace LuaToolkit.Tests;

public class SmokeTests
{
    [Fact]
    public void AddWorks()
    {
        using var lua = new LuaHost();
        lua.AddModule(KitchenSink.LuaBinding);
        var r = lua.DoString("local s = require 'sink' return s.add(2, 3)");
        Assert.Equal(5L, r[0]);
    }
}
