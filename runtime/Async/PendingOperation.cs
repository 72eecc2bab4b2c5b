namespace LuaToolkit;

/// <summary>
/// A task a coroutine waits for, with the generated code that pushes its results. Nothing here touches
/// Lua from the thread that completes the task: results are pushed by <see cref="Push"/> on the thread
/// that owns the state, when the trampoline collects them.
/// </summary>
public abstract class PendingOperation(Task task)
{
    public Task Task { get; } = task;

    /// <summary>Its completion has been reported to the driver (<see cref="PendingOperations.ReportCompleted"/>).</summary>
    internal bool Reported { get; set; }

    /// <summary>Pushes the results of the completed task (or <c>SIGNAL, message</c>) and returns their count.</summary>
    public abstract int Push(nint L);
}

internal sealed unsafe class PendingOperation<T>(Task<T> task, delegate*<nint, T, int> push) : PendingOperation(task)
{
    public override int Push(nint L) => task.IsCompletedSuccessfully
        ? push(L, task.Result)
        : LuaSignal.Exception(L, (Exception?)task.Exception ?? new OperationCanceledException("the operation was cancelled"));
}

internal sealed class PendingVoidOperation(Task task) : PendingOperation(task)
{
    public override int Push(nint L) => Task.IsCompletedSuccessfully
        ? 0
        : LuaSignal.Exception(L, (Exception?)Task.Exception ?? new OperationCanceledException("the operation was cancelled"));
}
