namespace LuaToolkit.Http.Tests.Infrastructure;

/// <summary>Lets a test wait for a server-side condition, re-checked whenever the server pulses.</summary>
public sealed class ServerSignal
{
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Pulse() => Interlocked.Exchange(ref _changed, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>True once <paramref name="condition"/> holds; false if it still does not after the timeout.</summary>
    public async Task<bool> WaitUntilAsync(Func<bool> condition, int timeoutMs)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (true)
        {
            var changed = Volatile.Read(ref _changed).Task;
            if (condition()) return true;
            long left = deadline - Environment.TickCount64;
            if (left <= 0) return false;
            await Task.WhenAny(changed, Task.Delay((int)left)).ConfigureAwait(false);
        }
    }
}
