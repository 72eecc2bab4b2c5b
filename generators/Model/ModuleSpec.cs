namespace LuaToolkit.Generators.Model;

/// <summary>A <c>[LuaModule]</c> class, as plain data: everything the emitter needs and nothing else.</summary>
internal sealed record ModuleSpec(
    string? Namespace,
    string ClassName,
    string FullTypeName,
    bool IsStatic,
    bool HasParameterlessConstructor,
    string LuaName,
    EquatableArray<string> Aliases,
    EquatableArray<FunctionSpec> Functions,
    EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>One Lua function: one or more overloads told apart by the Lua type of argument 1.</summary>
internal sealed record FunctionSpec(string LuaName, EquatableArray<OverloadSpec> Overloads)
{
    /// <summary>Arguments the trampoline passes on: the most any overload takes.</summary>
    public int Arity
    {
        get
        {
            int max = 0;
            foreach (var o in Overloads) max = System.Math.Max(max, o.LuaArity);
            return max;
        }
    }

    /// <summary>Fixed result count shared by every overload, or -1 when it varies.</summary>
    public int Results
    {
        get
        {
            int results = Overloads[0].Return.FixedResults;
            foreach (var o in Overloads)
                if (o.Return.FixedResults != results) return -1;
            return results;
        }
    }
}

/// <summary>One C# method behind a Lua function.</summary>
internal sealed record OverloadSpec(
    string MethodName,
    bool IsStatic,
    EquatableArray<ParameterSpec> Parameters,
    ReturnSpec Return)
{
    public int LuaArity
    {
        get
        {
            int n = 0;
            foreach (var p in Parameters)
                if (p.LuaIndex > 0) n++;
            return n;
        }
    }
}

/// <summary>A parameter; <see cref="LuaIndex"/> is 0 for values the runtime supplies (token, host).</summary>
internal sealed record ParameterSpec(
    string Name,
    TypeSpec Type,
    int LuaIndex,
    bool IsOptional,
    string? DefaultValue);

internal enum AsyncKind
{
    None,
    Task,
    ValueTask,
}

/// <summary>
/// What a method returns: <see cref="Values"/> are the Lua results (empty for void, several for a tuple),
/// possibly wrapped in <c>LuaResult&lt;T&gt;</c> and a task.
/// </summary>
internal sealed record ReturnSpec(
    AsyncKind Async,
    bool IsLuaResult,
    string ValueTypeName,
    EquatableArray<TypeSpec> Values,
    bool IsTuple)
{
    public bool IsVoid => Values.Length == 0 && !IsLuaResult;

    /// <summary>Async and LuaResult shapes vary in count; everything else returns exactly its values.</summary>
    public int FixedResults => Async != AsyncKind.None || IsLuaResult ? -1 : Values.Length;
}
