using LuaToolkit.Native;
using static LuaToolkit.Native.LuaNative;

namespace LuaToolkit.Tests;

/// <summary>
/// <see cref="LuaStringBuffer"/>: bytes built in .NET that become a Lua string. Past 64 KiB the state takes
/// the buffer's own block as the string's storage (no copy), frees it with the string, and a buffer that
/// never reaches Lua is freed by .NET. Not parallel: some tests count the process's live blocks.
/// </summary>
[Collection(nameof(LuaStringBufferTests))]
public sealed unsafe class LuaStringBufferTests
{
    private static bool AdoptionTurnedOff => Environment.GetEnvironmentVariable("LUATOOLKIT_STRING_ADOPTION") == "off";

    private const string Pattern = """
        function pattern(n)
            local t = {}
            for i = 0, 250 do t[#t + 1] = string.char(i) end
            return string.rep(table.concat(t), n // 251 + 1):sub(1, n)
        end
        """;

    private static LuaStringBuffer Filled(int n) => Modules.KitchenSink.Pattern(n);

    private static byte[] Expected(int n) => Enumerable.Range(0, n).Select(i => (byte)(i % 251)).ToArray();

    [Fact]
    public void AdoptionIsAvailableWhereTheShimIs()
    {
        // The shim's probe measured Lua's long-string header; a missing shim or an unknown layout would turn
        // adoption off silently, so CI (which builds the shim) checks it is on.
        if (AdoptionTurnedOff)
        {
            Assert.False(LuaStringAdoption.IsAvailable);
            return;
        }
        Assert.True(LuaShim.IsAvailable, LuaShim.LoadError);
        Assert.True(LuaStringAdoption.IsAvailable);
        Assert.InRange(LuaStringAdoption.Header, 8, 256);
    }

    [Theory]
    [InlineData(LuaCallPath.NativeShim, 0)]
    [InlineData(LuaCallPath.NativeShim, 300)]
    [InlineData(LuaCallPath.NativeShim, 5_000)]
    [InlineData(LuaCallPath.NativeShim, 70_000)]
    [InlineData(LuaCallPath.NativeShim, 3_000_000)]
    [InlineData(LuaCallPath.LuaTrampoline, 70_000)]
    public void ResultsArriveExactlyWhateverTheirSize(LuaCallPath path, int n)
    {
        using var t = new TestHost(path);
        t.Run(Pattern);
        Assert.Equal([true, (long)n], t.Run($"local s = sink.pattern({n}) return s == pattern({n}), #s"));
        Assert.Equal([1L, true, 2L], t.Run($"local a, s, b = sink.pattern_between({n}) return a, s == pattern({n}), b"));
    }

    [Fact]
    public void ALargeResultIsTheBuffersOwnMemory()
    {
        using var lua = new LuaHost();
        nint L = lua.State;
        var buffer = Filled(1 << 20);
        byte* bytes;
        fixed (byte* p = buffer.WrittenSpan) bytes = p;
        lua.DoString("collectgarbage('stop')");   // no collection of other garbage while counting
        double before = Count(lua);
        LuaPush.Bytes(L, buffer);
        nuint length;
        byte* s = lua_tolstring(L, -1, &length);
        Assert.Equal((nuint)(1 << 20), length);
        Assert.True(new ReadOnlySpan<byte>(s, 1 << 20).SequenceEqual(Expected(1 << 20)));
        if (AdoptionTurnedOff) Assert.True(s != bytes);
        else Assert.True(s == bytes, "the Lua string is a copy");
        // Lua counts the block as its own memory.
        Assert.InRange(Count(lua) - before, 1024, 1100);
        // Pushed is handed over.
        Assert.Throws<ObjectDisposedException>(() => buffer.GetSpan());
        lua_pop(L, 1);
    }

    [Fact]
    public void AStateThatCannotAdoptGetsACopyAndTheBlockIsFreed()
    {
        // A state made without the toolkit's allocator: the push copies and the buffer frees its block.
        long live = AdoptableBlock.Live;
        nint L = luaL_newstate();
        try
        {
            var buffer = Filled(100_000);
            byte* bytes;
            fixed (byte* p = buffer.WrittenSpan) bytes = p;
            LuaPush.Bytes(L, buffer);
            nuint length;
            byte* s = lua_tolstring(L, -1, &length);
            Assert.True(s != bytes);
            Assert.True(new ReadOnlySpan<byte>(s, (int)length).SequenceEqual(Expected(100_000)));
            Assert.Equal(live, AdoptableBlock.Live);
        }
        finally
        {
            lua_close(L);
        }
    }

    [Fact]
    public void AdoptedStringsAreFreedWithTheirStrings()
    {
        // 200 MiB of adopted strings, each dropped and collected: Lua frees each block (a double or foreign free
        // would abort the process), and its count of memory comes back down.
        using var t = new TestHost();
        t.Run("collectgarbage() base = collectgarbage('count')");
        var grown = t.Run("""
            local most = 0
            for i = 1, 200 do
                local s = sink.pattern(1048576)
                assert(#s == 1048576 and s:byte(1001) == 1000 % 251)
                most = math.max(most, collectgarbage('count') - base)
                if i % 20 == 0 then collectgarbage() end
            end
            collectgarbage()
            return most, collectgarbage('count') - base
            """);
        Assert.InRange((double)grown[0]!, 1024, 100 * 1024);
        Assert.InRange((double)grown[1]!, -512, 512);
    }

    [Fact]
    public void AsyncResultsArriveExactly()
    {
        using var t = new TestHost();
        t.Run(Pattern);
        var r = t.Run("""
            local s = require('scheduler').new()
            local ok = 0
            for i = 1, 8 do
                s:add(function()
                    local n = 65536 + i * 100003
                    if async.pattern_later(n) == pattern(n) then ok = ok + 1 end
                end)
            end
            s:run()
            return ok
            """);
        Assert.Equal([8L], r);
    }

    [Fact]
    public void ResultsThatNeverReachLuaAreFreed()
    {
        // Coroutines closed before their result is built (after 100 ms, so not during the driver's short spin):
        // the results are dropped unread, and the GC's finalizers free their blocks.
        long live = AdoptableBlock.Live;
        using (var t = new TestHost())
        {
            t.Run("""
                for i = 1, 20 do
                    local co = coroutine.create(function() return async.pattern_later(200000, 100) end)
                    coroutine.resume(co)
                    coroutine.close(co)
                end
                """);
            Thread.Sleep(400);   // the dropped tasks complete on the pool
        }
        for (int i = 0; i < 20 && AdoptableBlock.Live != live; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Thread.Sleep(20);
        }
        Assert.Equal(live, AdoptableBlock.Live);
    }

    [Fact]
    public void WritingGrowsKeepsTheBytesAndEndsWithDispose()
    {
        long live = AdoptableBlock.Live;
        var buffer = new LuaStringBuffer();
        Assert.Equal(0, buffer.Length);
        "hello "u8.CopyTo(buffer.GetSpan(6));
        buffer.Advance(6);
        // Past the pooled array: the bytes move into a native block.
        buffer.EnsureCapacity(LuaStringBuffer.ArrayLimit + 1);
        Assert.Equal(live + 1, AdoptableBlock.Live);
        var memory = buffer.GetMemory(200_000);
        Assert.True(memory.Length >= 200_000);
        "world"u8.CopyTo(memory.Span);
        buffer.Advance(5);
        Assert.Equal("hello world"u8.ToArray(), buffer.ToArray());
        using (var read = new StreamReader(buffer.OpenRead())) Assert.Equal("hello world", read.ReadToEnd());
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Advance(buffer.Capacity));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Advance(-1));
        buffer.Dispose();
        buffer.Dispose();
        Assert.Equal(live, AdoptableBlock.Live);
        Assert.Throws<ObjectDisposedException>(() => buffer.GetMemory());
        Assert.Throws<ObjectDisposedException>(() => buffer.Advance(0));
        Assert.Throws<ObjectDisposedException>(() => buffer.WrittenSpan.Length);
    }

    private static double Count(LuaHost lua) => (double)lua.DoString("return collectgarbage('count')")[0]!;
}

[CollectionDefinition(nameof(LuaStringBufferTests), DisableParallelization = true)]
public sealed class LuaStringBufferTestsCollection;
