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
        Sync_Add(); Async_AddNow(); Async_AddLater();
    }

    [GlobalCleanup]
    public void Cleanup() => _host.Dispose();

    [Benchmark(OperationsPerInvoke = N, Baseline = true, Description = "sync add in coroutine")]
    public long Sync_Add() => Run("co_add", N);

    [Benchmark(OperationsPerInvoke = N, Description = "async add_now (sync completion)")]
    public long Async_AddNow() => Run("co_add_now", N);

    [Benchmark(OperationsPerInvoke = NLater, Description = "async add_later (Task.Yield)")]
    public long Async_AddLater() => Run("co_add_later", NLater);

    private long Run(string loop, int n)
    {
        object? result = _host.DoString($"return {loop}({n})") is [var r, ..] ? r : null;
        long expected = (long)n * (n + 1) / 2 + n; // sum of (i + 1) for i = 1..n
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
