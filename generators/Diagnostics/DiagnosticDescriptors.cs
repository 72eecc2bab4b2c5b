using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace LuaToolkit.Generators.Diagnostics;

/// <summary>Every diagnostic the generator reports, in one place.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "LuaToolkit";

    public static readonly DiagnosticDescriptor ModuleNotPartial = Create(
        "LUA0001", "Lua module class must be partial",
        "The Lua module class '{0}' must be declared partial so the generator can add its binding",
        "Add the partial modifier to the class declaration.");

    public static readonly DiagnosticDescriptor UnsupportedParameterType = Create(
        "LUA0002", "Unsupported parameter type",
        "Parameter '{0}' of '{1}' has type '{2}', which cannot be read from Lua",
        "Supported: bool, integer types, float, double, string, byte[], ReadOnlyMemory<byte>, string-to-string dictionaries, lists of those primitives, [LuaOptions] types, CancellationToken and LuaHost.");

    public static readonly DiagnosticDescriptor UnsupportedReturnType = Create(
        "LUA0003", "Unsupported return type",
        "'{0}' returns '{1}', which cannot be pushed to Lua",
        "Supported: void, the parameter value types, LuaStringBuffer, tuples of them, LuaResult<T>, and Task/ValueTask of those.");

    public static readonly DiagnosticDescriptor DuplicateLuaName = Create(
        "LUA0004", "Duplicate Lua name",
        "The Lua name '{0}' is used more than once in module '{1}' and its overloads cannot be told apart by the Lua type of argument 1",
        "Give one method another Lua name with [LuaFunction(\"name\")], or make the overloads take different Lua types (string, number, boolean, table) as argument 1.");

    public static readonly DiagnosticDescriptor UnusableOptionsType = Create(
        "LUA0005", "Unusable options type",
        "The [LuaOptions] type '{0}' {1}",
        "An options type needs a public parameterless constructor and at least one public property with a setter (or init accessor on a record).");

    public static readonly DiagnosticDescriptor UnsupportedAsyncReturn = Create(
        "LUA0006", "Unsupported async return type",
        "'{0}' is asynchronous but returns '{1}': use Task, Task<T>, ValueTask or ValueTask<T> with a supported T",
        "async void cannot be awaited and its exceptions are lost; return Task or ValueTask instead.");

    public static readonly DiagnosticDescriptor InvalidLuaName = Create(
        "LUA0007", "Invalid Lua name",
        "'{0}' is not a valid Lua {1} name",
        "Function names must be Lua identifiers that are not keywords; module names must be non-empty printable ASCII without quotes or backslashes.");

    public static readonly DiagnosticDescriptor UnsupportedOptionType = Create(
        "LUA0008", "Unsupported option property type",
        "Option '{0}' of '{1}' has type '{2}', which cannot be read from Lua",
        "Option properties take the same types as parameters, except CancellationToken, LuaHost and nested options.");

    public static readonly DiagnosticDescriptor UnsafeCodeRequired = Create(
        "LUA0009", "Unsafe code must be allowed",
        "The Lua binding of '{0}' uses function pointers: set <AllowUnsafeBlocks>true</AllowUnsafeBlocks> in the project",
        "The generated entry points take the address of [UnmanagedCallersOnly] methods.");

    public static readonly DiagnosticDescriptor UnsupportedModuleShape = Create(
        "LUA0010", "Unsupported module class",
        "The Lua module class '{0}' must not be generic or nested",
        "Declare the module as a top-level, non-generic class.");

    private static readonly Dictionary<string, DiagnosticDescriptor> All = new[]
    {
        ModuleNotPartial, UnsupportedParameterType, UnsupportedReturnType, DuplicateLuaName, UnusableOptionsType,
        UnsupportedAsyncReturn, InvalidLuaName, UnsupportedOptionType, UnsafeCodeRequired, UnsupportedModuleShape,
    }.ToDictionary(d => d.Id);

    public static DiagnosticDescriptor ById(string id) => All[id];

    private static DiagnosticDescriptor Create(string id, string title, string message, string help) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, description: help);
}
