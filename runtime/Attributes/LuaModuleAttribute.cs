namespace LuaToolkit;

/// <summary>
/// Marks a partial class whose <see cref="LuaFunctionAttribute"/> methods become a Lua module.
/// The source generator adds a static <c>LuaBinding</c> property that a <see cref="LuaHost"/> registers
/// in <c>package.preload</c> under <paramref name="name"/> and every alias.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class LuaModuleAttribute(string name) : Attribute
{
    /// <summary>The name scripts pass to <c>require</c>.</summary>
    public string Name { get; } = name;

    /// <summary>Further names the same module table answers to, e.g. <c>"pluto:http"</c>.</summary>
    public string[] Aliases { get; set; } = [];
}
