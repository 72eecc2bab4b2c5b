using System.Collections.Generic;
using LuaToolkit.Generators.Diagnostics;
using LuaToolkit.Generators.Model;
using Microsoft.CodeAnalysis;

namespace LuaToolkit.Generators.Parsing;

/// <summary>Unwraps a method's return type: task, then <c>LuaResult&lt;T&gt;</c>, then tuple or single value.</summary>
internal static class ReturnParser
{
    public static ReturnSpec? Parse(IMethodSymbol method, Location? location, List<DiagnosticInfo> diagnostics)
    {
        var type = method.ReturnType;
        string display = type.ToDisplayString();
        if (method.IsAsync && method.ReturnsVoid)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedAsyncReturn, location, method.Name, "void"));
            return null;
        }

        var async = AsyncKind.None;
        ITypeSymbol? inner = type;
        if (type is INamedTypeSymbol named)
        {
            string def = named.OriginalDefinition.ToDisplayString();
            switch (def)
            {
                case "System.Threading.Tasks.Task": async = AsyncKind.Task; inner = null; break;
                case "System.Threading.Tasks.ValueTask": async = AsyncKind.ValueTask; inner = null; break;
                case "System.Threading.Tasks.Task<TResult>": async = AsyncKind.Task; inner = named.TypeArguments[0]; break;
                case "System.Threading.Tasks.ValueTask<TResult>": async = AsyncKind.ValueTask; inner = named.TypeArguments[0]; break;
            }
        }
        var unsupported = async == AsyncKind.None
            ? DiagnosticDescriptors.UnsupportedReturnType
            : DiagnosticDescriptors.UnsupportedAsyncReturn;

        if (inner is null || inner.SpecialType == SpecialType.System_Void)
            return new ReturnSpec(async, false, "void", EquatableArray<TypeSpec>.Empty, false);

        bool isResult = false;
        if (inner is INamedTypeSymbol { IsGenericType: true } result
            && result.OriginalDefinition.ToDisplayString() == "LuaToolkit.LuaResult<T>")
        {
            isResult = true;
            inner = result.TypeArguments[0];
        }

        var values = new List<TypeSpec>();
        bool isTuple = inner is INamedTypeSymbol { IsTupleType: true };
        if (inner is INamedTypeSymbol { IsTupleType: true } tuple)
        {
            foreach (var element in tuple.TupleElements)
            {
                var spec = TypeClassifier.ForOutput(element.Type);
                if (spec is null) return Unsupported();
                values.Add(spec);
            }
        }
        else
        {
            var spec = TypeClassifier.ForOutput(inner);
            if (spec is null) return Unsupported();
            values.Add(spec);
        }
        return new ReturnSpec(async, isResult, inner.ToDisplayString(TypeClassifier.FullyQualified), values.ToEquatableArray(), isTuple);

        ReturnSpec? Unsupported()
        {
            diagnostics.Add(DiagnosticInfo.Create(unsupported, location, method.Name, display));
            return null;
        }
    }
}
