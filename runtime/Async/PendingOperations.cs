using static LuaToolkit.Native.LuaNative;

namespace LuaToolkit;

/// <summary>
/// The operations a state's coroutines wait for, by handle. Completion (on any thread) only bumps an
/// epoch and wakes a waiter; the owning thread polls, collects and pushes results. The epoch lets the
/// coroutine driver sleep until "something completed since I last looked" without missing a wake-up.
/// With an event loop, every wait of the owning thread pumps it, so socket operations attached to it
/// complete on this thread while it waits; completions elsewhere wake it through the loop.
/// </summary>
internal sealed class PendingOperations(LuaEventLoop? loop)
{
    private readonly Dictionary<long, PendingOperation> _operations = [];
    private readonly List<long> _completed = [];
    private readonly object _gate = new();
    private Action? _onCompleted;
    private long _nextHandle;
    private long _epoch;
    private long _reportedEpoch = -1;

    private const int SpinsBeforeSleep = 35;

    public int Count => _operations.Count;

    public long Epoch => Interlocked.Read(ref _epoch);

    public long Add(PendingOperation operation)
    {
        long handle = ++_nextHandle;
        _operations.Add(handle, operation);
        operation.Task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_onCompleted ??= OnCompleted);
        return handle;
    }

    public bool IsDone(long handle) => !_operations.TryGetValue(handle, out var op) || op.Task.IsCompleted;

    /// <summary>
    /// <see cref="IsDone(long)"/>, after handling the loop's ready events if not done: a coroutine resumed
    /// by a plain resume loop (no scheduler sleeping for it) still sees its socket operations progress.
    /// </summary>
    public bool IsDoneAfterPump(long handle)
    {
        if (IsDone(handle)) return true;
        if (loop is null) return false;
        loop.Pump(0);
        return IsDone(handle);
    }

    /// <summary>Blocks the owning thread until the operation completes (outside a yieldable coroutine).</summary>
    public void Block(long handle)
    {
        if (!_operations.TryGetValue(handle, out var op)) return;
        var task = op.Task;
        if (loop is null)
        {
            task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing).GetAwaiter().GetResult();
            return;
        }
        // Every operation's completion moves the epoch, so waiting (and pumping) until it moves, then looking
        // again, misses nothing: the epoch is read before the last look at the task.
        while (true)
        {
            long seen = Epoch;
            if (task.IsCompleted) return;
            WaitOnLoop(seen, -1);
        }
    }

    /// <summary>Pushes the results of a completed operation and forgets it.</summary>
    public int Collect(nint L, long handle)
    {
        if (!_operations.Remove(handle, out var op)) return LuaSignal.Error(L, "operation was already collected");
        return op.Push(L);
    }

    public void Forget(long handle) => _operations.Remove(handle);

    /// <summary>
    /// Sets <c>t[handle] = true</c> in the table at <paramref name="table"/> for every operation that completed
    /// since the last call, so a scheduler finds which coroutines can go on with table lookups instead of a
    /// call per coroutine. Costs nothing when the epoch has not moved. The epoch is read before the scan: a
    /// completion the scan misses moves it afterwards, so the next call scans again.
    /// </summary>
    public void ReportCompleted(nint L, int table)
    {
        long epoch = Epoch;
        if (epoch == _reportedEpoch) return;
        _reportedEpoch = epoch;
        // Found first, set after: setting a table field may run a step of Lua's collector, whose finalizers
        // may forget the wait of a dropped coroutine, so an operation can go in the middle of this.
        foreach (var (handle, op) in _operations)
        {
            if (op.Reported || !op.Task.IsCompleted) continue;
            op.Reported = true;
            _completed.Add(handle);
        }
        foreach (long handle in _completed)
        {
            if (!_operations.ContainsKey(handle)) continue;
            lua_pushboolean(L, 1);
            lua_rawseti(L, table, handle);
        }
        _completed.Clear();
    }

    /// <summary>Sleeps until the epoch moves past <paramref name="seen"/> or the timeout passes.</summary>
    public bool WaitForCompletion(long seen, int timeoutMs)
    {
        if (Epoch != seen) return true;
        if (loop is not null) return WaitOnLoop(seen, timeoutMs);
        if (timeoutMs == 0) return false;
        // Spin (and yield) briefly first, as Task.Wait does: a completion that is microseconds away
        // is then seen without a sleep and wake-up of this thread.
        if (SpinFor(seen)) return true;
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

    private bool SpinFor(long seen)
    {
        var spinner = new SpinWait();
        for (int i = 0; i < SpinsBeforeSleep; i++)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
            if (Epoch != seen) return true;
        }
        return false;
    }

    /// <summary>Pumps the loop until the epoch moves past <paramref name="seen"/> or the timeout passes.</summary>
    private bool WaitOnLoop(long seen, int timeoutMs)
    {
        // While socket operations wait, readiness already there is handled at once (only the pump completes
        // them, so spinning would be wasted). Otherwise a completion microseconds away on another thread (a
        // task continuing on the pool) is seen by a short spin, without a sleep and an eventfd wake-up.
        if (timeoutMs != 0)
        {
            if (loop!.HasWaitingOperations) loop.Pump(0);
            else if (SpinFor(seen)) return true;
            if (Epoch != seen) return true;
        }
        long deadline = Environment.TickCount64 + timeoutMs;
        while (true)
        {
            // Announce the sleep before the last look at the epoch: a completion after that look wakes us.
            loop!.PrepareToSleep();
            if (Epoch != seen)
            {
                loop.CancelSleep();
                return true;
            }
            long left = timeoutMs < 0 ? -1 : Math.Max(0, deadline - Environment.TickCount64);
            loop.Pump((int)left);
            if (Epoch != seen) return true;
            if (left == 0) return false;
        }
    }

    private void OnCompleted()
    {
        Interlocked.Increment(ref _epoch);
        if (loop is not null) loop.WakeIfSleeping();
        else lock (_gate) Monitor.PulseAll(_gate);
    }
}
