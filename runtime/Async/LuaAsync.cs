namespace LuaToolkit;

/// <summary>
/// Entry points of async methods end here. A task that already succeeded is pushed at once, so a
/// synchronous completion costs no allocation; otherwise the task becomes a pending operation and the
/// trampoline waits for it (yielding inside a yieldable coroutine, blocking outside).
/// </summary>
public static unsafe class LuaAsync
{
    public static int Await<T>(nint L, Task<T> task, delegate*<nint, T, int> push)
    {
        // A blocking call that leased a string (LuaBytes) has disposed the lease by now: drop its reference.
        LuaLeases.ReleaseDroppedOf(L);
        if (task.IsCompletedSuccessfully) return push(L, task.Result);
        if (task.IsFaulted) return LuaSignal.Exception(L, task.Exception!);
        return Suspend(L, new PendingOperation<T>(task, push));
    }

    public static int Await<T>(nint L, ValueTask<T> task, delegate*<nint, T, int> push) =>
        task.IsCompletedSuccessfully ? push(L, task.Result) : Await(L, task.AsTask(), push);

    public static int Await(nint L, Task task)
    {
        LuaLeases.ReleaseDroppedOf(L);
        if (task.IsCompletedSuccessfully) return 0;
        if (task.IsFaulted) return LuaSignal.Exception(L, task.Exception!);
        return Suspend(L, new PendingVoidOperation(task));
    }

    public static int Await(nint L, ValueTask task) =>
        task.IsCompletedSuccessfully ? 0 : Await(L, task.AsTask());

    private static int Suspend(nint L, PendingOperation operation) =>
        LuaSignal.Pending(L, LuaHost.FromState(L).Pending.Add(operation));
}
