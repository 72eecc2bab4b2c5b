namespace LuaToolkit;

/// <summary>
/// Exposes a method of a <see cref="LuaModuleAttribute"/> class to Lua. The Lua name defaults to the
/// snake_case of the method name. Several methods with the same Lua name form one Lua function whose
/// overloads are told apart by the Lua type of their first argument (e.g. <c>f(url)</c> and <c>f(opts)</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class LuaFunctionAttribute : Attribute
{
    public LuaFunctionAttribute() { }

    public LuaFunctionAttribute(string name) => Name = name;

    /// <summary>The Lua name; <c>null</c> means snake_case of the method name.</summary>
    public string? Name { get; }
}
