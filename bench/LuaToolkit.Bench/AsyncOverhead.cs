using BenchmarkDotNet.Attributes;

namespace LuaToolkit.Bench;

/// <summary>
/// Cost of calling an async ([LuaFunction] returning Task/ValueTask) function from a coroutine run by
/// pluto:scheduler, against the synchronous generated add called the same way in the same run.
/// Each op creates a scheduler, adds one coroutine that loops N calls summing the results, runs the
/// scheduler to completion and checks the sum; figures are per call.
/// </summary>
[MemoryDiagnoser]
public class AsyncOverhead
{
    public const int N = 1_000_000;
    public const int NLater = 20_000;

    private const string Loops = """
        local scheduler = require 'scheduler'
        local function drive(f, n)
          local sum = 0
          local s = scheduler.new()
          s:add(function() for i = 1, n do sum = sum + f(i, 1) end end)
          s:run()
          return sum
        end
        function co_add(n) return drive(m.add, n) end
        function co_add_now(n) return drive(m.add_now, n) end
        function co_add_later(n) return drive(m.add_later, n) end
        -- k coroutines call add_deferred; one more completes their tasks each round (on this thread).
        function co_add_deferred(n, k)
          local sum, left, per = 0, k, n // k
          local s = scheduler.new()
          for c = 1, k do
            s:add(function()
              local mine = 0   -- `sum = sum + f()` would read sum before the call yields
              for i = 1, per do mine = mine + m.add_deferred(i, 1) end
              sum, left = sum + mine, left - 1
            end)
          end
          s:add(function()
            while left > 0 do m.complete_deferred() coroutine.yield() end
          end)
          s:run()
          return sum
        end
        """;

    private LuaHost _host = null!;

    [GlobalSetup]
    public void Setup()
    {
        _host = new LuaHost();
        _host.AddModule(BenchModule.LuaBinding);
        _host.AddScheduler();
        _host.DoString("m = require 'benchmod'");
        _host.DoString(Loops);
        // One pass of each before measuring: a wrong answer fails the run here.
        Sync_Add(); Async_AddNow(); Async_AddLater(); Async_AddDeferred();
    }

    [GlobalCleanup]
    public void Cleanup() => _host.Dispose();

    [Benchmark(OperationsPerInvoke = N, Baseline = true, Description = "sync add in coroutine")]
    public long Sync_Add() => Run("co_add", N);

    [Benchmark(OperationsPerInvoke = N, Description = "async add_now (sync completion)")]
    public long Async_AddNow() => Run("co_add_now", N);

    [Benchmark(OperationsPerInvoke = NLater, Description = "async add_later (Task.Yield)")]
    public long Async_AddLater() => Run("co_add_later", NLater);

    public const int Coroutines = 64;
    public const int NDeferred = 64 * 4_000;

    [Benchmark(OperationsPerInvoke = NDeferred, Description = "async add_deferred (64 coroutines, completed on the Lua thread)")]
    public long Async_AddDeferred() => Run("co_add_deferred", NDeferred, Coroutines);

    private long Run(string loop, int n, int coroutines = 1)
    {
        object? result = _host.DoString($"return {loop}({n}, {coroutines})") is [var r, ..] ? r : null;
        long per = n / coroutines;
        long expected = coroutines * (per * (per + 1) / 2 + per); // each coroutine sums (i + 1) for i = 1..per
        long actual = result switch
        {
            long l => l,
            double d when d == Math.Floor(d) => (long)d,
            _ => throw new InvalidOperationException($"{loop} returned {result ?? "nil"} ({result?.GetType().Name})"),
        };
        if (actual != expected) throw new InvalidOperationException($"{loop}: wrong sum {actual}, expected {expected}");
        return actual;
    }
}
