namespace LuaToolkit;

/// <summary>
/// One Lua function of a module, as the generator describes it: the managed entry point and the shape
/// of the Lua trampoline that wraps it.
/// </summary>
/// <param name="Name">The Lua name.</param>
/// <param name="Entry">An <c>[UnmanagedCallersOnly]</c> <c>int (lua_State*)</c> entry point.</param>
/// <param name="Arity">How many arguments the trampoline passes on (fixed arity is faster than varargs).</param>
/// <param name="Results">How many results a success returns, or -1 when the count varies
/// (async functions, <see cref="LuaResult{T}"/>), which routes results through the vararg path.</param>
public readonly record struct LuaFunctionBinding(string Name, nint Entry, int Arity, int Results);

/// <summary>What the generator emits for a <see cref="LuaModuleAttribute"/> class: its names and functions.</summary>
/// <param name="Name">The primary <c>require</c> name.</param>
/// <param name="Aliases">Further <c>require</c> names for the same table.</param>
/// <param name="Functions">The functions, in declaration order.</param>
/// <param name="CreateInstance">For instance modules: makes an instance when the host is given none
/// (null for static modules, or when there is no parameterless constructor).</param>
/// <param name="IsInstance">Whether entry points read their instance from upvalue 1.</param>
public sealed record LuaModuleBinding(
    string Name,
    string[] Aliases,
    LuaFunctionBinding[] Functions,
    bool IsInstance = false,
    Func<object>? CreateInstance = null);
