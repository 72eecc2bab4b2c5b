namespace LuaToolkit;

/// <summary>
/// Marks a class or record that is read from a Lua options table. Each public settable property is a key
/// (snake_case of its name unless <see cref="LuaOptionAttribute"/> says otherwise). Unknown keys warn
/// through Lua's <c>warn</c>; they never fail the call.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class LuaOptionsAttribute : Attribute;

/// <summary>Overrides the key of an options property, or makes it required.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class LuaOptionAttribute : Attribute
{
    public LuaOptionAttribute() { }

    public LuaOptionAttribute(string name) => Name = name;

    /// <summary>The key in the Lua table; <c>null</c> means snake_case of the property name.</summary>
    public string? Name { get; }

    /// <summary>A missing required key is an argument error.</summary>
    public bool Required { get; set; }
}
