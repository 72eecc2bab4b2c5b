using System.Linq;
using System.Text;
using LuaToolkit.Generators.Model;
using Microsoft.CodeAnalysis;

namespace LuaToolkit.Generators.Parsing;

/// <summary>Maps .NET types to what they mean in Lua; <c>null</c> when a type has no Lua meaning.</summary>
internal static class TypeClassifier
{
    public const string OptionsAttribute = "LuaToolkit.LuaOptionsAttribute";
    public const string HostType = "LuaToolkit.LuaHost";
    public const string CallerType = "LuaToolkit.LuaCaller";
    public const string LuaBytesType = "LuaToolkit.LuaBytes";
    public const string StringBufferType = "LuaToolkit.LuaStringBuffer";

    public static readonly SymbolDisplayFormat FullyQualified =
        SymbolDisplayFormat.FullyQualifiedFormat.AddMiscellaneousOptions(
            SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>A value Lua can pass in (parameters, option fields); injected kinds only when allowed.</summary>
    public static TypeSpec? ForInput(ITypeSymbol type, bool allowInjected, bool allowOptions)
    {
        string name = type.ToDisplayString(FullyQualified);
        if (allowInjected)
        {
            if (IsNamed(type, "System.Threading.CancellationToken")) return new TypeSpec(ValueKind.CancellationToken, name, false);
            if (IsNamed(type, HostType)) return new TypeSpec(ValueKind.Host, name, false);
            if (IsNamed(type, CallerType)) return new TypeSpec(ValueKind.Caller, name, false);
        }
        if (allowOptions && type is INamedTypeSymbol named && HasAttribute(named, OptionsAttribute))
            return new TypeSpec(ValueKind.Options, name, false, ReaderName: OptionsReaderName(named));
        return ForValue(type, name);
    }

    /// <summary>A value Lua can receive (results and tuple elements).</summary>
    public static TypeSpec? ForOutput(ITypeSymbol type)
    {
        string name = type.ToDisplayString(FullyQualified);
        // Bytes built for Lua, pushed without a copy where the state can adopt them (results only).
        if (IsNamed(type.WithNullableAnnotation(NullableAnnotation.NotAnnotated), StringBufferType))
            return new TypeSpec(ValueKind.StringBuffer, name, false);
        return ForValue(type, name);
    }

    private static TypeSpec? ForValue(ITypeSymbol type, string name)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            var inner = Primitive(nullable.TypeArguments[0]);
            return inner is null ? null : new TypeSpec(inner.Value, name, true);
        }
        if (Primitive(type) is { } kind) return new TypeSpec(kind, name, false);
        if (type.SpecialType == SpecialType.System_String) return new TypeSpec(ValueKind.String, name, false);
        if (type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Byte })
            return new TypeSpec(ValueKind.ByteArray, name, false);
        // The Lua string itself, held without a copy until disposed.
        if (IsNamed(type.WithNullableAnnotation(NullableAnnotation.NotAnnotated), LuaBytesType)) return new TypeSpec(ValueKind.LuaBytes, name, false);
        if (type is INamedTypeSymbol g && g.IsGenericType)
        {
            string def = g.OriginalDefinition.ToDisplayString();
            if (def == "System.ReadOnlyMemory<T>" && g.TypeArguments[0].SpecialType == SpecialType.System_Byte)
                return new TypeSpec(ValueKind.ByteMemory, name, false);
            // The Lua string's own bytes, no copy: valid for the call (C# keeps spans out of async methods).
            if (def == "System.ReadOnlySpan<T>" && g.TypeArguments[0].SpecialType == SpecialType.System_Byte)
                return new TypeSpec(ValueKind.ByteSpan, name, false);
            if (IsStringMap(def, g)) return new TypeSpec(ValueKind.StringMap, name, false);
            if (ListDefinition(def) is { } shape && ListElement(g.TypeArguments[0]) is { } element)
                return new TypeSpec(ValueKind.List, name, false, element, shape);
        }
        if (type is IArrayTypeSymbol { Rank: 1 } array && ListElement(array.ElementType) is { } arrayElement)
            return new TypeSpec(ValueKind.List, name, false, arrayElement, ListShape.Array);
        return null;
    }

    private static ValueKind? Primitive(ITypeSymbol type) => type.SpecialType switch
    {
        SpecialType.System_Boolean => ValueKind.Boolean,
        SpecialType.System_SByte => ValueKind.SByte,
        SpecialType.System_Byte => ValueKind.Byte,
        SpecialType.System_Int16 => ValueKind.Int16,
        SpecialType.System_UInt16 => ValueKind.UInt16,
        SpecialType.System_Int32 => ValueKind.Int32,
        SpecialType.System_UInt32 => ValueKind.UInt32,
        SpecialType.System_Int64 => ValueKind.Int64,
        SpecialType.System_UInt64 => ValueKind.UInt64,
        SpecialType.System_Single => ValueKind.Single,
        SpecialType.System_Double => ValueKind.Double,
        _ => null,
    };

    private static bool IsStringMap(string definition, INamedTypeSymbol type) =>
        definition is "System.Collections.Generic.IReadOnlyDictionary<TKey, TValue>"
            or "System.Collections.Generic.IDictionary<TKey, TValue>"
            or "System.Collections.Generic.Dictionary<TKey, TValue>"
        && type.TypeArguments.All(t => t.SpecialType == SpecialType.System_String);

    private static ListShape? ListDefinition(string definition) => definition switch
    {
        "System.Collections.Generic.IReadOnlyList<T>" or "System.Collections.Generic.IEnumerable<T>"
            or "System.Collections.Generic.IReadOnlyCollection<T>" or "System.Collections.Generic.IList<T>"
            or "System.Collections.Generic.ICollection<T>" => ListShape.Array,
        "System.Collections.Generic.List<T>" => ListShape.List,
        _ => null,
    };

    /// <summary>Lists hold strings, booleans, 32/64-bit integers or doubles.</summary>
    private static TypeSpec? ListElement(ITypeSymbol element)
    {
        string name = element.ToDisplayString(FullyQualified);
        return element.SpecialType switch
        {
            SpecialType.System_String => new TypeSpec(ValueKind.String, name, false),
            SpecialType.System_Boolean => new TypeSpec(ValueKind.Boolean, name, false),
            SpecialType.System_Int32 => new TypeSpec(ValueKind.Int32, name, false),
            SpecialType.System_Int64 => new TypeSpec(ValueKind.Int64, name, false),
            SpecialType.System_Double => new TypeSpec(ValueKind.Double, name, false),
            _ => null,
        };
    }

    public static bool IsNamed(ITypeSymbol type, string metadataName) =>
        type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat) == metadataName;

    public static bool HasAttribute(ISymbol symbol, string attribute) =>
        symbol.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == attribute);

    /// <summary>The generated reader class for an options type: its full name made an identifier.</summary>
    public static string OptionsReaderName(INamedTypeSymbol type)
    {
        var sb = new StringBuilder();
        foreach (char c in type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", ""))
            sb.Append(char.IsLetterOrDigit(c) ? c : '_');
        return sb.Append("LuaReader").ToString();
    }
}
