namespace LuaToolkit.Tests;

/// <summary>
/// The foundation: Lua errors and yields are longjmps, and one that skipped a managed frame would hang or
/// abort the process at the next GC (interop-rules.md). Here 100,000 erroring calls and 100,000 yielding
/// calls run while another thread allocates and forces collections; the run must finish in time.
/// </summary>
[Collection(nameof(UnwindStressTests))]
public sealed class UnwindStressTests
{
    private const int Calls = 100_000;

    [Theory]
    [InlineData(LuaCallPath.NativeShim)]
    [InlineData(LuaCallPath.LuaTrampoline)]
    public void ErrorsAndYieldsNeverUnwindManagedFramesUnderGcPressure(LuaCallPath path)
    {
        using var stop = new CancellationTokenSource();
        long collections = 0;
        var gcThread = new Thread(() =>
        {
            var keep = new List<byte[]>();
            while (!stop.IsCancellationRequested)
            {
                for (int i = 0; i < 200; i++) keep.Add(new byte[1024]);
                if (keep.Count > 2_000) keep.Clear();
                GC.Collect();
                Interlocked.Increment(ref collections);
                // A collection every millisecond or so: thousands over the run, while leaving the Lua
                // thread time to make progress between them.
                Thread.Sleep(1);
            }
        }) { IsBackground = true };

        object?[]? results = null;
        Exception? failure = null;
        var luaThread = new Thread(() =>
        {
            try
            {
                using var t = new TestHost(path);
                results = t.Run($$"""
                    local errors = 0
                    for i = 1, {{Calls}} do
                      local ok, msg = pcall(sink.add, 'x', i)
                      if not ok and msg == "bad argument #1 to 'add' (number expected, got string)" then errors = errors + 1 end
                      local ok2, msg2 = pcall(sink.throws, 'boom')
                      if ok2 or msg2 ~= 'boom' then error('unexpected: ' .. tostring(msg2)) end
                    end
                    local yields, sum = 0, 0
                    local co = coroutine.wrap(function()
                      for i = 1, {{Calls}} do sum = sum + async.tick(i) end
                      return 'finished'
                    end)
                    while co() ~= 'finished' do yields = yields + 1 end
                    return errors, yields, sum
                    """);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        }, 16 * 1024 * 1024);

        gcThread.Start();
        luaThread.Start();
        bool finished = luaThread.Join(TimeSpan.FromMinutes(3));
        stop.Cancel();
        gcThread.Join(TimeSpan.FromSeconds(10));

        Assert.True(finished, "the Lua thread did not finish: a longjmp crossed a managed frame");
        Assert.Null(failure);
        Assert.Equal((long)Calls, results![0]);
        Assert.True((long)results[1]! >= Calls, $"expected every async call to yield at least once, saw {results[1]} yields");
        Assert.Equal((long)Calls * (Calls + 1) / 2 + Calls, results[2]);
        Assert.True(Interlocked.Read(ref collections) > 10, "the GC thread did not run alongside");
    }
}

/// <summary>The stress test forces collections non-stop: it runs alone, so timing-sensitive tests elsewhere
/// are not starved by it.</summary>
[CollectionDefinition(nameof(UnwindStressTests), DisableParallelization = true)]
public sealed class UnwindStressCollection;
