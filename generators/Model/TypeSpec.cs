namespace LuaToolkit.Generators.Model;

/// <summary>What a .NET type means on the Lua side.</summary>
internal enum ValueKind
{
    Boolean,
    SByte,
    Byte,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    UInt64,
    Single,
    Double,
    String,
    ByteArray,
    ByteMemory,
    ByteSpan,
    LuaBytes,
    StringBuffer,
    StringMap,
    List,
    Options,
    CancellationToken,
    Host,
    Caller,
}

/// <summary>How a list parameter receives the array the runtime reads.</summary>
internal enum ListShape
{
    /// <summary>T[], IReadOnlyList, IEnumerable and the like: the array itself.</summary>
    Array,

    /// <summary>List&lt;T&gt;: a new list over the array.</summary>
    List,
}

/// <summary>A classified type. <see cref="TypeName"/> is fully qualified, as the emitter writes it.</summary>
internal sealed record TypeSpec(
    ValueKind Kind,
    string TypeName,
    bool IsNullableValue,
    TypeSpec? Element = null,
    ListShape ListShape = ListShape.Array,
    string? ReaderName = null);
