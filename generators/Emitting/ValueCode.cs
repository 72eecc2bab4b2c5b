using LuaToolkit.Generators.Model;

namespace LuaToolkit.Generators.Emitting;

/// <summary>The runtime calls that read and push each kind of value; shared by both emitters.</summary>
internal static class ValueCode
{
    /// <summary>The <c>LuaArg</c> / <c>LuaTableReader</c> method that reads a kind (same name in both).</summary>
    public static string ReaderMethod(ValueKind kind) => kind switch
    {
        ValueKind.ByteArray => "Bytes",
        ValueKind.ByteMemory => "Memory",
        ValueKind.ByteSpan => "Span",
        ValueKind.LuaBytes => "Lease",
        ValueKind.SByte => "Integer<sbyte>",
        ValueKind.Byte => "Integer<byte>",
        ValueKind.Int16 => "Integer<short>",
        ValueKind.UInt16 => "Integer<ushort>",
        ValueKind.Int32 => "Integer<int>",
        ValueKind.UInt32 => "Integer<uint>",
        _ => kind.ToString(),
    };

    /// <summary>Whether a kind is read by a boolean <c>LuaArg</c> method (else a reason-returning reader).</summary>
    public static bool IsScalar(ValueKind kind) =>
        kind is not (ValueKind.StringMap or ValueKind.List or ValueKind.Options);

    /// <summary>The argument error a failed scalar read raises, lauxlib style.</summary>
    public static string ArgError(ValueKind kind, int index, string function) => kind switch
    {
        ValueKind.Boolean => $"LuaArgError.Type(L, {index}, \"{function}\", \"boolean\")",
        ValueKind.Single or ValueKind.Double => $"LuaArgError.Type(L, {index}, \"{function}\", \"number\")",
        ValueKind.String or ValueKind.ByteArray or ValueKind.ByteMemory or ValueKind.ByteSpan or ValueKind.LuaBytes => $"LuaArgError.Type(L, {index}, \"{function}\", \"string\")",
        _ => $"LuaArgError.Integer(L, {index}, \"{function}\")",
    };

    /// <summary>
    /// An expression that reads a table-shaped value at <paramref name="index"/> into <paramref name="target"/>
    /// and yields the failure reason (or null).
    /// </summary>
    public static string TableRead(TypeSpec type, string index, string target, string label) => type.Kind switch
    {
        ValueKind.StringMap => $"LuaTableReader.StringMap(L, {index}, out var {target})",
        ValueKind.List => $"LuaTableReader.List<{type.Element!.TypeName}>(L, {index}, &LuaTableReader.{ReaderMethod(type.Element.Kind)}, out var {target})",
        ValueKind.Options => $"global::LuaToolkit.Generated.{type.ReaderName}.Read(L, {index}, \"{label}\", out var {target})",
        _ => $"LuaTableReader.{ReaderMethod(type.Kind)}(L, {index}, out var {target})",
    };

    /// <summary>Converts what a reader produced to the declared type where they differ.</summary>
    public static string Convert(TypeSpec type, string value) =>
        type.Kind == ValueKind.List && type.ListShape == ListShape.List
            ? $"new global::System.Collections.Generic.List<{type.Element!.TypeName}>({value})"
            : value;

    /// <summary>A statement that pushes <paramref name="value"/> of <paramref name="type"/>.</summary>
    public static string Push(TypeSpec type, string value)
    {
        if (type.IsNullableValue)
            return $"if ({value} is {{ }} v) {PushNonNull(type, "v")} else LuaPush.Nil(L);";
        return PushNonNull(type, value);
    }

    private static string PushNonNull(TypeSpec type, string value) => type.Kind switch
    {
        ValueKind.Boolean => $"LuaPush.Boolean(L, {value});",
        ValueKind.UInt64 => $"LuaPush.UInt64(L, {value});",
        ValueKind.Single or ValueKind.Double => $"LuaPush.Double(L, {value});",
        ValueKind.String => $"LuaPush.String(L, {value});",
        ValueKind.ByteArray or ValueKind.ByteMemory or ValueKind.ByteSpan or ValueKind.LuaBytes or ValueKind.StringBuffer => $"LuaPush.Bytes(L, {value});",
        ValueKind.StringMap => $"LuaPush.Map<string>(L, {value}, &LuaPush.String);",
        ValueKind.List => $"LuaPush.List<{type.Element!.TypeName}>(L, {value}, &LuaPush.{ElementPusher(type.Element.Kind)});",
        _ => $"LuaPush.Int64(L, {value});",
    };

    private static string ElementPusher(ValueKind kind) => kind switch
    {
        ValueKind.Int32 => "Int32",
        ValueKind.Int64 => "Int64",
        ValueKind.Double => "Double",
        ValueKind.Boolean => "Boolean",
        _ => "String",
    };
}
