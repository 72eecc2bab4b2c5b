namespace LuaToolkit.Generators.Model;

/// <summary>A <c>[LuaOptions]</c> type and the reader the generator writes for it.</summary>
internal sealed record OptionsSpec(
    string FullTypeName,
    string ReaderName,
    bool IsRecord,
    EquatableArray<OptionSpec> Options,
    EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>One key of an options table. <see cref="InitOnly"/> properties are set with <c>with</c>.</summary>
internal sealed record OptionSpec(string PropertyName, string Key, TypeSpec Type, bool Required, bool InitOnly);
