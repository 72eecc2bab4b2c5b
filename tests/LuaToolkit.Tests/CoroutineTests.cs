using LuaToolkit.Tests.Modules;

namespace LuaToolkit.Tests;

/// <summary>Async functions: yield zero values inside coroutines, block outside, results as if synchronous.</summary>
public abstract class CoroutineTests(LuaCallPath path) : IDisposable
{
    private readonly TestHost _t = new(path);

    public void Dispose() => _t.Dispose();

    // Gates are process-wide; the classes for each call path run in parallel.
    private string Gate(string test) => $"{test} on {path}";

    [Fact]
    public void BlocksOutsideACoroutine()
    {
        Assert.Equal(new object?[] { 30L, 84L }, _t.Run("return async.delay(30), async.immediate(42)"));
        Assert.Equal(new object?[] { 20L, "done" }, _t.Run("return async.pair(20)"));
        Assert.Equal(0L, _t.Eval("return select('#', async.sleep(5))"));
    }

    [Fact]
    public void YieldsZeroValuesAndYieldsAgainWhenResumedEarly()
    {
        var gate = AsyncModule.Gate(Gate(nameof(YieldsZeroValuesAndYieldsAgainWhenResumedEarly)));
        _t.Run($$"""
            co = coroutine.create(function() return 'got', async.wait_gate('{{Gate(nameof(YieldsZeroValuesAndYieldsAgainWhenResumedEarly))}}') end)
            first = table.pack(coroutine.resume(co))
            second = table.pack(coroutine.resume(co, 'ignored', 'values'))
            """);
        // Each early resume returned true and nothing else: the coroutine yielded zero values.
        Assert.Equal(new object?[] { 1L, true, 1L, true, "suspended" },
            _t.Run("return first.n, first[1], second.n, second[1], coroutine.status(co)"));
        gate.SetResult("open");
        Assert.Equal(new object?[] { true, "got", "open", "dead" },
            _t.Run("local ok, a, b repeat ok, a, b = coroutine.resume(co) until coroutine.status(co) == 'dead' return ok, a, b, coroutine.status(co)"));
    }

    [Fact]
    public void PlainCoroutineWrapLoopDrivesSeveralWaitersAtOnce()
    {
        var result = _t.Run("""
            local done, order = {}, {}
            local function worker(name, ms)
              return coroutine.wrap(function()
                local v = async.delay(ms)
                order[#order + 1] = name
                done[name] = v
              end)
            end
            local workers = { worker('slow', 150), worker('fast', 10), worker('mid', 60) }
            local started = os.clock()
            local alive = #workers
            local resumes = 0
            while next(workers) do
              for i, w in pairs(workers) do
                resumes = resumes + 1
                w()
                if done[({ 'slow', 'fast', 'mid' })[i]] then workers[i] = nil end
              end
            end
            return table.concat(order, ','), done.slow, done.fast, done.mid
            """);
        Assert.Equal(new object?[] { "fast,mid,slow", 150L, 10L, 60L }, result);
    }

    [Fact]
    public void SynchronousCompletionReturnsWithoutYielding()
    {
        Assert.Equal(new object?[] { true, 14L, "dead" },
            _t.Run("local co = coroutine.create(function() return async.immediate(7) end) local ok, v = coroutine.resume(co) return ok, v, coroutine.status(co)"));
    }

    [Fact]
    public void ErrorsSurfaceInTheCoroutineThatWaited()
    {
        var result = _t.Run("""
            local a = coroutine.create(function() local r = async.fail(20, 'broken pipe') return 'unreachable' end)
            local b = coroutine.create(function() return async.delay(40) end)
            coroutine.resume(a) coroutine.resume(b)
            local ra, rb
            repeat
              if coroutine.status(a) ~= 'dead' then ra = table.pack(coroutine.resume(a)) end
              if coroutine.status(b) ~= 'dead' then rb = table.pack(coroutine.resume(b)) end
            until coroutine.status(a) == 'dead' and coroutine.status(b) == 'dead'
            return ra[1], ra[2], rb[1], rb[2]
            """);
        Assert.Equal(new object?[] { false, "(string):1: broken pipe", true, 40L }, result);
    }

    [Fact]
    public void AsyncFailureConventionAndErrorsOutsideCoroutines()
    {
        Assert.Equal(new object?[] { "yes", null, "Nope", "detail" },
            _t.Run("local a = async.maybe(5, true) local b, c, d = async.maybe(5, false) return a, b, c, d"));
        Assert.Equal("(string):1: late", _t.Error("local x = async.fail(5, 'late')"));
    }

    [Fact]
    public void InsideACBoundaryItBlocks()
    {
        // table.sort's comparator runs behind a C boundary: not yieldable, so the call blocks.
        Assert.Equal(new object?[] { true, "2,1" }, _t.Run("""
            return coroutine.wrap(function()
              local t = { 1, 2 }
              table.sort(t, function(x, y) return async.delay(x) > async.delay(y) end)
              return true, table.concat(t, ',')
            end)()
            """));
    }

    [Fact]
    public void ClosingAWaitingCoroutineForgetsItsOperation()
    {
        AsyncModule.Gate(Gate(nameof(ClosingAWaitingCoroutineForgetsItsOperation)));
        Assert.Equal(new object?[] { true, "dead" }, _t.Run($$"""
            local co = coroutine.create(function() return async.wait_gate('{{Gate(nameof(ClosingAWaitingCoroutineForgetsItsOperation))}}') end)
            coroutine.resume(co)
            return coroutine.close(co), coroutine.status(co)
            """));
        Assert.Equal(0, _t.Lua.Pending.Count);
    }

    [Fact]
    public void DroppingWaitingCoroutinesForgetsTheirOperations()
    {
        // Coroutines dropped while they wait, never closed (a scheduler's remove, say): once collected, their
        // operations are forgotten instead of staying in the host for its lifetime.
        var r = _t.Run("""
            for i = 1, 50 do
              local co = coroutine.create(function() return async.delay(60000) end)
              coroutine.resume(co)
            end
            local kept = coroutine.create(function() return async.delay(60000) end)
            coroutine.resume(kept)
            collectgarbage()
            collectgarbage()
            keep_alive = kept
            return coroutine.status(kept)
            """);
        Assert.Equal("suspended", r[0]);
        Assert.Equal(1, _t.Lua.Pending.Count);   // only the one still referenced
    }

    [Fact]
    public async Task DisposingTheHostCancelsOutstandingWork()
    {
        var host = new LuaHost();
        host.AddModule(AsyncModule.LuaBinding);
        host.DoString("co = coroutine.create(function() return require('async').delay(60000) end) coroutine.resume(co)");
        var token = host.Cancellation;
        host.Dispose();
        Assert.True(token.IsCancellationRequested);
        host.Dispose(); // idempotent
        await Task.Delay(10);
    }
}

public sealed class CoroutineTestsOnNativeShim() : CoroutineTests(LuaCallPath.NativeShim);

public sealed class CoroutineTestsOnLuaTrampoline() : CoroutineTests(LuaCallPath.LuaTrampoline);
