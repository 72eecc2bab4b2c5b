using LuaToolkit.Native;
using static LuaToolkit.Native.LuaNative;

namespace LuaToolkit.Tests;

/// <summary>
/// Module functions are pushed as C function slots of their own (runtime/Native/shim/luatk_slots.c), and as
/// closures of the one luatk_call when slots are off or used up: both must behave the same. Not parallel:
/// the slots are process-wide, and the test takes all that are left.
/// </summary>
[Collection(nameof(ShimSlotTests))]
public sealed unsafe class ShimSlotTests
{
    // Results, an argument error, an exception's message, a yield under the scheduler, an async failure.
    private const string Workout = """
        local out = { sink.add(2, 3) }
        out[#out + 1] = select(2, pcall(sink.add, 1, 'x'))
        out[#out + 1] = select(2, pcall(sink.throws, 'boom'))
        local s = require('scheduler').new()
        s:add(function()
          out[#out + 1] = async.tick(41)
          out[#out + 1] = select(2, pcall(async.fail, 1, 'late'))
        end)
        s:run()
        return table.unpack(out)
        """;

    private static nint CFunctionOf(LuaHost host, string module, string name)
    {
        nint L = host.State;
        int top = lua_gettop(L);
        lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
        LuaPush.String(L, module);
        lua_rawget(L, -2);
        LuaPush.String(L, name);
        lua_rawget(L, -2);
        nint f = lua_tocfunction(L, -1);
        lua_settop(L, top);
        return f;
    }

    [Fact]
    public void EachFunctionHasASlotOfItsOwnUntilTheyRunOutAndBehavesAsThroughTheClosureShim()
    {
        Assert.True(LuaShim.IsAvailable, LuaShim.LoadError);
        object?[] viaSlots, viaClosures;
        using (var t = new TestHost(LuaCallPath.NativeShim))
        {
            nint add = CFunctionOf(t.Lua, "sink", "add"), concat = CFunctionOf(t.Lua, "sink", "concat");
            Assert.NotEqual((nint)LuaShim.Call, add);
            Assert.NotEqual((nint)LuaShim.Call, concat);
            Assert.NotEqual(add, concat);
            viaSlots = t.Run(Workout);
        }
        LuaShim.SlotsEnabled = false;
        try
        {
            using var t = new TestHost(LuaCallPath.NativeShim);
            Assert.Equal((nint)LuaShim.Call, CFunctionOf(t.Lua, "sink", "add"));
            viaClosures = t.Run(Workout);
        }
        finally
        {
            LuaShim.SlotsEnabled = true;
        }
        Assert.Equal(viaClosures, viaSlots);
        Assert.Equal(5L, viaSlots[0]);
        Assert.Contains("bad argument #2 to 'add' (number expected, got string)", (string)viaSlots[1]!);
        Assert.Contains("boom", (string)viaSlots[2]!);
        Assert.Equal(42L, viaSlots[3]);
        Assert.Contains("late", (string)viaSlots[4]!);

        // Last, as it takes every slot left in this process: then functions get the closure shim.
        // The entry points bound here are never called; binding only stores them.
        var taken = new HashSet<nint>();
        nint last = 0;
        for (int i = 1; i <= 1024; i++)
        {
            last = (nint)LuaShim.FunctionFor(unchecked((nint)0x7e57_0000_0000 + i));
            if (last != (nint)LuaShim.Call) Assert.True(taken.Add(last), "two entry points share a slot");
        }
        Assert.Equal((nint)LuaShim.Call, last);
        Assert.InRange(taken.Count, 1, 512);
        // Modules added now work as before: functions bound earlier keep their slots.
        using var after = new TestHost(LuaCallPath.NativeShim);
        Assert.Equal(viaSlots, after.Run(Workout));
    }
}

[CollectionDefinition(nameof(ShimSlotTests), DisableParallelization = true)]
public sealed class ShimSlotTestsCollection;
