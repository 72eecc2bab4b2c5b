namespace LuaToolkit;

/// <summary>
/// The operations a state's coroutines wait for, by handle. Completion (on any thread) only bumps an
/// epoch and wakes a waiter; the owning thread polls, collects and pushes results. The epoch lets the
/// coroutine driver sleep until "something completed since I last looked" without missing a wake-up.
/// </summary>
internal sealed class PendingOperations
{
    private readonly Dictionary<long, PendingOperation> _operations = [];
    private readonly object _gate = new();
    private readonly Action _onCompleted;
    private long _nextHandle;
    private long _epoch;

    private const int SpinsBeforeSleep = 35;

    public PendingOperations() => _onCompleted = OnCompleted;

    public int Count => _operations.Count;

    public long Epoch => Interlocked.Read(ref _epoch);

    public long Add(PendingOperation operation)
    {
        long handle = ++_nextHandle;
        _operations.Add(handle, operation);
        operation.Task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_onCompleted);
        return handle;
    }

    public bool IsDone(long handle) => !_operations.TryGetValue(handle, out var op) || op.Task.IsCompleted;

    /// <summary>Blocks the owning thread until the operation completes (outside a yieldable coroutine).</summary>
    public void Block(long handle)
    {
        if (_operations.TryGetValue(handle, out var op))
            op.Task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing).GetAwaiter().GetResult();
    }

    /// <summary>Pushes the results of a completed operation and forgets it.</summary>
    public int Collect(nint L, long handle)
    {
        if (!_operations.Remove(handle, out var op)) return LuaSignal.Error(L, "operation was already collected");
        return op.Push(L);
    }

    public void Forget(long handle) => _operations.Remove(handle);

    /// <summary>Sleeps until the epoch moves past <paramref name="seen"/> or the timeout passes.</summary>
    public bool WaitForCompletion(long seen, int timeoutMs)
    {
        if (Epoch != seen) return true;
        // Spin (and yield) briefly first, as Task.Wait does: a completion that is microseconds away
        // is then seen without a sleep and wake-up of this thread.
        var spinner = new SpinWait();
        for (int i = 0; i < SpinsBeforeSleep; i++)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
            if (Epoch != seen) return true;
        }
        long deadline = Environment.TickCount64 + timeoutMs;
        lock (_gate)
        {
            while (Epoch == seen)
            {
                long left = timeoutMs < 0 ? -1 : deadline - Environment.TickCount64;
                if (timeoutMs >= 0 && left <= 0) return false;
                Monitor.Wait(_gate, (int)left);
            }
        }
        return true;
    }

    private void OnCompleted()
    {
        Interlocked.Increment(ref _epoch);
        lock (_gate) Monitor.PulseAll(_gate);
    }
}
