using LuaToolkit;

namespace LuaToolkit.Tests.Modules;

/// <summary>Async functions whose completion the tests control.</summary>
[LuaModule("async")]
public static partial class AsyncModule
{
    private static readonly Dictionary<string, TaskCompletionSource<string>> Gates = [];

    /// <summary>A task that completes when the test opens the named gate.</summary>
    public static TaskCompletionSource<string> Gate(string name)
    {
        lock (Gates)
        {
            if (!Gates.TryGetValue(name, out var tcs))
                Gates[name] = tcs = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            return tcs;
        }
    }

    [LuaFunction] public static Task<string> WaitGate(string name) => Gate(name).Task;

    [LuaFunction] public static async Task<long> Delay(long ms, CancellationToken token)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(ms), token).ConfigureAwait(false);
        return ms;
    }

    /// <summary>Completes on the thread pool, never synchronously: every call from a coroutine yields.</summary>
    [LuaFunction] public static async Task<long> Tick(long x)
    {
        await Task.Yield();
        return x + 1;
    }

    /// <summary><see cref="KitchenSink.Pattern"/>, built on the thread pool (after <paramref name="delayMs"/>).</summary>
    [LuaFunction] public static async Task<LuaStringBuffer> PatternLater(int n, int delayMs = 0)
    {
        if (delayMs > 0) await Task.Delay(delayMs).ConfigureAwait(false);
        else await Task.Yield();
        return KitchenSink.Pattern(n);
    }

    [LuaFunction] public static ValueTask<long> Immediate(long x) => ValueTask.FromResult(x * 2);

    [LuaFunction] public static async Task Sleep(long ms) => await Task.Delay((int)ms).ConfigureAwait(false);

    [LuaFunction] public static async ValueTask<(long, string)> Pair(long ms)
    {
        await Task.Delay((int)ms).ConfigureAwait(false);
        return (ms, "done");
    }

    [LuaFunction] public static async Task<string> Fail(long ms, string message)
    {
        await Task.Delay((int)ms).ConfigureAwait(false);
        throw new InvalidOperationException(message);
    }

    [LuaFunction] public static async Task<LuaResult<string>> MaybeAsync(long ms, bool ok)
    {
        await Task.Delay((int)ms).ConfigureAwait(false);
        return ok ? "yes" : LuaFailure.Of("Nope", "detail");
    }
}
