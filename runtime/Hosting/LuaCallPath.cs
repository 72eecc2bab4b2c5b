namespace LuaToolkit;

/// <summary>
/// How Lua reaches a module's managed entry points. Both paths keep every Lua error and yield out of
/// managed frames; they differ only in speed and in what an error's position names.
/// </summary>
public enum LuaCallPath
{
    /// <summary>
    /// Each function is a C closure of the native shim (<c>luatk_shim</c>, built with the C compiler at
    /// build time): it calls the entry point, then raises or waits in C. The fastest path; error positions
    /// name the calling line even for tail calls, as for Lua's own C functions.
    /// </summary>
    NativeShim,

    /// <summary>
    /// Each function is a fixed-arity Lua closure that calls the entry point and raises or waits in Lua.
    /// Needs nothing but Lua; about 20 ns slower per call, and a tail call (<c>return m.f(x)</c>) that fails
    /// reports no line.
    /// </summary>
    LuaTrampoline,
}
