using static LuaToolkit.Native.LuaNative;

namespace LuaToolkit;

/// <summary>
/// The Lua thread that called a module function. Declare a parameter of this type to receive it
/// (it takes no Lua argument). Valid only during the call.
/// </summary>
public readonly struct LuaCaller(nint state)
{
    /// <summary>The calling <c>lua_State*</c> (a coroutine's own state inside a coroutine).</summary>
    public nint State { get; } = state;

    /// <summary>Whether the call may yield: inside a coroutine, outside any C call boundary.</summary>
    public bool IsYieldable => lua_isyieldable(State) != 0;

    /// <summary>The host that owns the state.</summary>
    public LuaHost Host => LuaHost.FromState(State);
}
