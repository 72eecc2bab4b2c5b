namespace LuaToolkit;

/// <summary>A Lua error that ended a chunk run by <see cref="LuaHost"/>; <see cref="LuaTraceback"/> has the stack.</summary>
public sealed class LuaException(string message, string? traceback) : Exception(message)
{
    /// <summary>The error message followed by Lua's stack traceback.</summary>
    public string LuaTraceback { get; } = traceback ?? message;
}
