using LuaToolkit;

namespace LuaToolkit.Bench;

/// <summary>The functions under test, bound by the toolkit's source generator.</summary>
[LuaModule("benchmod")]
public static partial class BenchModule
{
    [LuaFunction] public static long Add(long a, long b) => a + b;

    /// <summary>Three arguments, one of them a string.</summary>
    [LuaFunction] public static long Mix(long a, string s, double d) => a + s.Length + (long)d;

    /// <summary>The same with the string's bytes as a span: no decoding, no allocation.</summary>
    [LuaFunction] public static long MixSpan(long a, ReadOnlySpan<byte> s, double d) => a + s.Length + (long)d;

    /// <summary>Async, but completes synchronously: the glue can return the result without yielding.</summary>
    [LuaFunction] public static ValueTask<long> AddNow(long a, long b) => ValueTask.FromResult(a + b);

    private static readonly List<(TaskCompletionSource<long> Task, long Sum)> Deferred = [];

    /// <summary>
    /// Async, completed later by <see cref="CompleteDeferred"/> on the Lua thread: every call yields, and the
    /// round trip through the driver and the scheduler is measured without a thread hop.
    /// </summary>
    [LuaFunction] public static Task<long> AddDeferred(long a, long b)
    {
        var source = new TaskCompletionSource<long>();
        Deferred.Add((source, a + b));
        return source.Task;
    }

    /// <summary>Completes every <see cref="AddDeferred"/> task so far; returns how many.</summary>
    [LuaFunction] public static int CompleteDeferred()
    {
        var due = Deferred.ToArray();
        Deferred.Clear();
        foreach (var (task, sum) in due) task.SetResult(sum);
        return due.Length;
    }

    /// <summary>Async, completes later on the thread pool: every call yields the coroutine to the scheduler.</summary>
    [LuaFunction] public static async Task<long> AddLater(long a, long b)
    {
        await Task.Yield();
        return a + b;
    }
}

/// <summary>The same functions as plain C# methods, for NLua's reflection-based binding.</summary>
public sealed class NLuaTarget
{
    public static long Add(long a, long b) => a + b;

    public static long Mix(long a, string s, double d) => a + s.Length + (long)d;
}
