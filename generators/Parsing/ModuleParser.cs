using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LuaToolkit.Generators.Diagnostics;
using LuaToolkit.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LuaToolkit.Generators.Parsing;

/// <summary>Turns a <c>[LuaModule]</c> class into a <see cref="ModuleSpec"/>; no symbol survives into it.</summary>
internal static class ModuleParser
{
    public const string FunctionAttribute = "LuaToolkit.LuaFunctionAttribute";

    public static ModuleSpec Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var type = (INamedTypeSymbol)context.TargetSymbol;
        var syntax = (ClassDeclarationSyntax)context.TargetNode;
        var attribute = context.Attributes[0];
        var diagnostics = new List<DiagnosticInfo>();
        var classLocation = syntax.Identifier.GetLocation();
        var attributeLocation = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation();

        if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModuleNotPartial, classLocation, type.Name));
        if (type.ContainingType is not null || type.IsGenericType)
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedModuleShape, classLocation, type.Name));

        string luaName = attribute.ConstructorArguments.FirstOrDefault().Value as string ?? "";
        var aliases = attribute.NamedArguments.FirstOrDefault(a => a.Key == "Aliases").Value is { Kind: TypedConstantKind.Array } a
            ? a.Values.Select(v => v.Value as string ?? "").ToArray()
            : new string[0];
        foreach (var name in new[] { luaName }.Concat(aliases))
            if (!LuaNames.IsValidModuleName(name))
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLuaName, attributeLocation, name, "module"));

        var overloads = new List<(string LuaName, OverloadSpec Spec, Location? Location)>();
        foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var functionAttribute = method.GetAttributes().FirstOrDefault(x => x.AttributeClass?.ToDisplayString() == FunctionAttribute);
            if (functionAttribute is null) continue;
            var parsed = ParseMethod(method, functionAttribute, diagnostics, cancellationToken);
            if (parsed is { } p) overloads.Add((p.LuaName, p.Spec, method.Locations.FirstOrDefault()));
        }

        var functions = new List<FunctionSpec>();
        foreach (var group in overloads.GroupBy(o => o.LuaName))
        {
            var members = group.ToList();
            var seen = new HashSet<string>();
            foreach (var member in members)
                if (!seen.Add(Discriminant(member.Spec)))
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateLuaName, member.Location, group.Key, luaName));
            functions.Add(new FunctionSpec(group.Key, members.Select(m => m.Spec).ToEquatableArray()));
        }

        bool hasDefaultConstructor = type.InstanceConstructors.Any(c =>
            c.Parameters.Length == 0 && c.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal);
        return new ModuleSpec(
            type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString(),
            type.Name,
            type.ToDisplayString(TypeClassifier.FullyQualified),
            type.IsStatic,
            hasDefaultConstructor && !type.IsAbstract,
            luaName,
            aliases.ToEquatableArray(),
            functions.ToEquatableArray(),
            diagnostics.ToEquatableArray());
    }

    private static (string LuaName, OverloadSpec Spec)? ParseMethod(
        IMethodSymbol method, AttributeData attribute, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var syntax = method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) as MethodDeclarationSyntax;
        int before = diagnostics.Count;
        var ret = ReturnParser.Parse(method, syntax?.ReturnType.GetLocation() ?? method.Locations.FirstOrDefault(), diagnostics);

        string luaName = attribute.ConstructorArguments.FirstOrDefault().Value as string
            ?? LuaNames.ForMethod(method.Name, ret is { Async: not AsyncKind.None });
        if (!LuaNames.IsValidIdentifier(luaName))
        {
            var where = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation();
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLuaName, where, luaName, "function"));
        }

        var parameters = new List<ParameterSpec>();
        int luaIndex = 0;
        foreach (var p in method.Parameters)
        {
            var type = p.RefKind == RefKind.None && !p.IsParams
                ? TypeClassifier.ForInput(p.Type, allowInjected: true, allowOptions: true)
                : null;
            if (type is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedParameterType,
                    p.Locations.FirstOrDefault(), p.Name, method.Name, p.Type.ToDisplayString()));
                continue;
            }
            bool injected = type.Kind is ValueKind.CancellationToken or ValueKind.Host or ValueKind.Caller;
            bool optional = p.HasExplicitDefaultValue || type.IsNullableValue
                || p.NullableAnnotation == NullableAnnotation.Annotated;
            parameters.Add(new ParameterSpec(p.Name, type, injected ? 0 : ++luaIndex, optional,
                p.HasExplicitDefaultValue ? Literals.Format(p.ExplicitDefaultValue, p.Type) : null));
        }

        if (ret is null || diagnostics.Count != before) return null;
        return (luaName, new OverloadSpec(method.Name, method.IsStatic, parameters.ToEquatableArray(), ret));
    }

    /// <summary>The Lua type an overload expects as argument 1; overloads of one name must differ in it.</summary>
    public static string Discriminant(OverloadSpec overload)
    {
        var first = overload.Parameters.FirstOrDefault(p => p.LuaIndex == 1);
        return first is null ? "none" : LuaCategory(first.Type.Kind);
    }

    public static string LuaCategory(ValueKind kind) => kind switch
    {
        ValueKind.Boolean => "boolean",
        ValueKind.String or ValueKind.ByteArray or ValueKind.ByteMemory or ValueKind.ByteSpan or ValueKind.LuaBytes => "string",
        ValueKind.StringMap or ValueKind.List or ValueKind.Options => "table",
        _ => "number",
    };
}
